"""Plan files (一轴一方案, 一镇一策, 一村一策): where they are stored and what they may contain."""
import os
import uuid

from django.core.exceptions import ValidationError
from django.db import models

from registry import uploads

PLAN_EXTENSIONS = {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".wps", ".ofd", ".zip"}
PLAN_MAX_BYTES = 20 * 1024 * 1024

def plan_upload_to(instance, filename):
    # Random names: the uploader's file name is never a path on our disk and cannot be guessed.
    ext = os.path.splitext(filename)[1].lower()
    return f"plans/{instance._meta.model_name}/{uuid.uuid4().hex}{ext}"

# What each accepted extension must contain, judged from the bytes as case evidence is: an HTML page
# or a program renamed to .pdf is refused. OLE covers .doc/.xls/.wps; OFD is a zip of XML.
_PLAN_CONTENT = {
    ".pdf": {uploads.PDF}, ".doc": {uploads.OLE_OFFICE}, ".xls": {uploads.OLE_OFFICE}, ".wps": {uploads.OLE_OFFICE},
    ".docx": {uploads.DOCX}, ".xlsx": {uploads.XLSX}, ".ofd": {"zip"}, ".zip": {"zip"},
}

def validate_plan_file(file):
    ext = os.path.splitext(file.name)[1].lower()
    if ext not in PLAN_EXTENSIONS:
        raise ValidationError("方案文件格式不支持，请上传 PDF、Word、Excel、WPS、OFD 或 ZIP 文件。", code="plan_ext")
    if file.size > PLAN_MAX_BYTES:
        raise ValidationError("方案文件不能超过 20MB。", code="plan_size")
    if not getattr(file, "_committed", False):  # a new upload (a stored file was checked when it came in)
        _check_plan_content(file, ext)

def _check_plan_content(file, ext: str):
    file.seek(0)
    head = file.read(16)
    found = uploads.sniff(head, file)
    if found is None and head.startswith(uploads.ZIP_MAGIC):
        found = "zip"
    if found in (uploads.DOCX, uploads.XLSX, uploads.PPTX) and "zip" in _PLAN_CONTENT[ext]:
        found = "zip"
    file.seek(0)
    if found not in _PLAN_CONTENT[ext]:
        raise ValidationError(
            f"方案文件的内容与扩展名“{ext}”不符（按文件内容判断），请上传真实的 PDF、Word、Excel、WPS、OFD 或 ZIP 文件。",
            code="plan_content",
        )

def plan_field(verbose_name):
    return models.FileField(
        verbose_name, upload_to=plan_upload_to, blank=True, max_length=200, validators=[validate_plan_file]
    )
