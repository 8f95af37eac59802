"""The inbox page (通知): 未归档 (default) or 已归档, optionally unread only; each message shows the
state its case is in now; messages can be archived and restored."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from registry.listing import ListTools

from .archive import notification_archive
from .services import notification_mark_read, notification_model

INBOX_TABS = {"": "未归档", "archived": "已归档"}


class InboxView(LoginRequiredMixin, ListTools, ListView):
    template_name = "registry/inbox.html"
    paginate_by = 50

    def get_queryset(self):
        model = notification_model()
        # The subject's row with each message: its state now, not when the message was sent.
        qs = model.objects.filter(recipient=self.request.user).select_related(*model.subject_fields)
        self.tab = self.request.GET.get("box", "") if self.request.GET.get("box", "") in INBOX_TABS else ""
        qs = qs.filter(archived_at__isnull=self.tab != "archived")
        return qs.filter(read_at__isnull=True) if self.request.GET.get("unread") else qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        unread_only = bool(self.request.GET.get("unread"))
        box = {"box": self.tab} if self.tab else {}
        ctx.update(tabs=INBOX_TABS, tab=self.tab, unread_only=unread_only,
                   unread_toggle="?" + urlencode(box if unread_only else {**box, "unread": "1"}))
        return ctx


def _back(request):
    """Back to the inbox view the form was posted from (its tab and page), never elsewhere."""
    target = request.POST.get("next", "")
    if target.startswith("/notifications/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("case-inbox")


def _ids(request) -> list[int]:
    return [int(i) for i in request.POST.getlist("ids") if i.isdigit() and len(i) < 19]


@login_required
@require_POST
def inbox_mark_read(request):
    marked = notification_mark_read(user=request.user, ids=_ids(request) or None)
    messages.success(request, f"已将 {marked} 条通知标记为已读。")
    return _back(request)


@login_required
@require_POST
def inbox_archive(request):
    restore = request.POST.get("restore") == "1"
    changed = notification_archive(user=request.user, ids=_ids(request), archive=not restore)
    messages.success(request, f"已{'恢复' if restore else '归档'} {changed} 条通知。")
    return _back(request)


# The names predate the move from cases (templates and bookmarks use them).
urlpatterns = [
    path("notifications/", InboxView.as_view(), name="case-inbox"),
    path("notifications/read/", inbox_mark_read, name="case-inbox-read"),
    path("notifications/archive/", inbox_archive, name="case-inbox-archive"),
]
