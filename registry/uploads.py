"""The check every upload goes through: what the file really is (from its bytes), its size and digest.

Never judged from its name or the browser's claim. Case evidence, report attachments and deliverable
plan files all ask this module."""
import hashlib
import io
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError

JPEG, PNG, PDF = "image/jpeg", "image/png", "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
OLE_OFFICE = "application/vnd.ms-office"

EXTENSIONS = {JPEG: "jpg", PNG: "png", PDF: "pdf", DOCX: "docx", XLSX: "xlsx", PPTX: "pptx", OLE_OFFICE: "doc"}

_OOXML_PARTS = (("word/", DOCX), ("xl/", XLSX), ("ppt/", PPTX))


def sniff(head: bytes, file) -> str | None:
    """The content type of an accepted evidence file, or None when it is none of them."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OLE_OFFICE
    if head.startswith(b"PK\x03\x04"):
        return _ooxml_type(file)
    return None


def _ooxml_type(file) -> str | None:
    # Only the central directory is read (names, not contents), so a zip bomb costs nothing here.
    file.seek(0)
    try:
        with zipfile.ZipFile(file if hasattr(file, "seek") else io.BytesIO(file.read())) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile:
        return None
    finally:
        file.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    for prefix, content_type in _OOXML_PARTS:
        if any(name.startswith(prefix) for name in names):
            return content_type
    return None


ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


def check_upload(file) -> tuple[str, str]:
    """An uploaded evidence file's content type and SHA-256, or a Chinese ValidationError when it is
    too large or none of the accepted types (case evidence and report attachments alike)."""
    limit = settings.CASE_EVIDENCE_MAX_BYTES
    if file.size > limit:
        raise ValidationError({"file": f"文件过大：不能超过 {limit // (1024 * 1024)} MB。"})
    file.seek(0)
    content_type = sniff(file.read(16), file)
    if content_type is None:
        raise ValidationError({"file": "只接受 JPEG、PNG 图片，PDF 和 Office 文档（按文件内容判断，与扩展名无关）。"})
    file.seek(0)
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return content_type, digest.hexdigest()
