"""Building workbooks in tests: filled templates and hostile files, crafted at the zip level."""
import io
import struct
import tracemalloc
import zipfile
from contextlib import contextmanager

from openpyxl import load_workbook

from registry.excel import build_template

SHEET_PART = "xl/worksheets/sheet1.xml"


def fill(spec, rows, *, template=None) -> bytes:
    """The spec's template (or `template` bytes) with `rows` (lists of cell values) appended."""
    workbook = load_workbook(io.BytesIO(template or build_template(spec)))
    sheet = workbook[spec.title]
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet_rows(content: bytes, title: str) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    try:
        return [tuple(row) for row in workbook[title].iter_rows(values_only=True)]
    finally:
        workbook.close()


def replace_parts(content: bytes, parts: dict) -> bytes:
    """A copy of the xlsx `content` whose parts named in `parts` are replaced (bytes or a callable
    writing into the open entry, for parts too big to hold in memory)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            replacement = parts.get(info.filename, source.read(info.filename))
            if callable(replacement):
                with target.open(info.filename, "w", force_zip64=True) as entry:
                    replacement(entry)
            else:
                target.writestr(info.filename, replacement)
        for name, replacement in parts.items():
            if name not in source.namelist():
                target.writestr(name, replacement)
    return buffer.getvalue()


def declare_size(content: bytes, part: str, size: int) -> bytes:
    """Rewrite the central directory so `part` claims to inflate to `size` bytes."""
    data = bytearray(content)
    name = part.encode()
    position = data.find(b"PK\x01\x02")
    while position != -1:
        name_length = struct.unpack_from("<H", data, position + 28)[0]
        if data[position + 46 : position + 46 + name_length] == name:
            struct.pack_into("<I", data, position + 24, size)
            return bytes(data)
        position = data.find(b"PK\x01\x02", position + 4)
    raise KeyError(part)


@contextmanager
def peak_memory():
    """Peak Python memory (bytes) allocated inside the block: result["peak"]."""
    result = {}
    tracemalloc.start()
    try:
        yield result
    finally:
        result["peak"] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
