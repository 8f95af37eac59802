"""Evidence files (佐证材料) uploaded to a case before the action that cites them."""
from django.core.exceptions import ValidationError
from django.db import transaction

from registry import uploads as evidence_types

from ..models import Attachment, Case


@transaction.atomic
def attachment_upload(*, case: Case, by, file) -> Attachment:
    """Store an evidence file under a random name, after checking what it really is and its size."""
    if not by.can_write:
        raise ValidationError("您没有上传佐证材料的权限。")
    content_type, sha256 = evidence_types.check_upload(file)
    attachment = Attachment(
        case=case,
        original_name=(file.name or "附件")[:255],
        content_type=content_type,
        size=file.size,
        sha256=sha256,
        uploaded_by=by,
    )
    attachment.file.save("upload", file, save=False)
    # The case was read for this user and the uploader is the signed-in user: their foreign keys are
    # vouched for (checking them again cost two queries per upload).
    attachment.full_clean(exclude=["case", "uploaded_by"])
    attachment.save()
    return attachment
