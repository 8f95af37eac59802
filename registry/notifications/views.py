"""The inbox page (通知)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.urls import path
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from .services import notification_mark_read, notification_model


class InboxView(LoginRequiredMixin, ListView):
    template_name = "registry/inbox.html"
    paginate_by = 50

    def get_queryset(self):
        qs = notification_model().objects.filter(recipient=self.request.user)
        return qs.filter(read_at__isnull=True) if self.request.GET.get("unread") else qs


@login_required
@require_POST
def inbox_mark_read(request):
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()] or None
    marked = notification_mark_read(user=request.user, ids=ids)
    messages.success(request, f"已将 {marked} 条通知标记为已读。")
    return redirect("case-inbox")


# The names predate the move from cases (templates and bookmarks use them).
urlpatterns = [
    path("notifications/", InboxView.as_view(), name="case-inbox"),
    path("notifications/read/", inbox_mark_read, name="case-inbox-read"),
]
