"""What changed a case since a page was loaded, said in words ("王某（义乌市农业农村局）刚刚进行了“反馈”"),
for the refusal of a form submitted at an old version: the user sees who did what, keeps what they
typed, and may submit again at the current version."""
from django.utils import timezone

from .models import CaseEvent
from .workflow import action_label


def _when(moment) -> str:
    seconds = (timezone.now() - moment).total_seconds()
    if seconds < 120:
        return "刚刚"
    if seconds < 3600:
        return f"{int(seconds // 60)} 分钟前"
    local = timezone.localtime(moment)
    return f"{local:%H:%M}" if local.date() == timezone.localdate() else f"{local:%Y-%m-%d %H:%M}"


def stale_explanation(case, loaded_version) -> str:
    """Why a form loaded at `loaded_version` is refused now: the latest change since, by whom and when."""
    try:
        loaded_version = int(loaded_version)
    except (TypeError, ValueError):
        loaded_version = 0
    since = CaseEvent.objects.filter(case=case, case_version__gt=loaded_version).select_related("actor", "actor_unit")
    latest = since.order_by("-seq").first()
    if latest is None:
        return "该事项已被他人修改。您填写的内容已保留，请核对后重新提交。"
    who = str(latest.actor) if latest.actor else "系统"
    if latest.actor_unit:
        who += f"（{latest.actor_unit.name}）"
    more = since.count() - 1
    state = case.get_state_display()
    text = f"该事项已被他人修改：您打开页面后，{who}{_when(latest.created_at)}进行了“{action_label(latest.action)}”"
    text += f"等 {more + 1} 项操作" if more else ""
    return text + f"，事项现为“{state}”。您填写的内容已保留，请核对后重新提交。"
