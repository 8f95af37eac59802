"""Evidence files: accepted types (judged from the bytes by registry.uploads), size and digest."""
import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError

from registry.uploads import sniff


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
