import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import CaseState
from cases.services import attachment_upload

from .factories import case_at


def _zip(names):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"%PDF-1.7\n" + b"0" * 50, "application/pdf"),
        (_zip(["[Content_Types].xml", "word/document.xml"]), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (_zip(["[Content_Types].xml", "xl/workbook.xml"]), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 50, "application/vnd.ms-office"),
    ],
)
def test_office_and_pdf_evidence_is_recognised_from_its_bytes(people, content, expected):
    case = case_at(CaseState.RECTIFYING, people)
    attachment = attachment_upload(case=case, by=people.lead_staff, file=SimpleUploadedFile("材料.bin", content))
    assert attachment.content_type == expected
    assert "材料" not in attachment.file.name and attachment.original_name == "材料.bin"


@pytest.mark.parametrize(
    "content",
    [
        _zip(["evil.exe"]),  # a zip, but no Office document
        b"PK\x03\x04 not really a zip",
        b"MZ\x90\x00 executable",
        b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>",
    ],
)
def test_other_files_are_refused_whatever_their_name(people, content):
    case = case_at(CaseState.RECTIFYING, people)
    with pytest.raises(ValidationError):
        attachment_upload(case=case, by=people.lead_staff, file=SimpleUploadedFile("照片.jpg", content))
    assert not case.attachments.exists()


def test_managers_cannot_upload(people):
    case = case_at(CaseState.RECTIFYING, people)
    with pytest.raises(ValidationError):
        attachment_upload(case=case, by=people.manager, file=SimpleUploadedFile("a.pdf", b"%PDF-1.4"))
