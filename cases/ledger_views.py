"""The ledger's audit page: the anchors with their verification and the latest verify_ledger outcome."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from .anchors import verify_anchors
from .models import LedgerAnchor, LedgerCheck

AUDIT_ANCHORS_SHOWN = 62  # two months of daily anchors, with their month ends


def may_audit_ledger(user) -> bool:
    """Province clerks and managers (and administrators): the ledger covers every county."""
    return user.is_superuser or (user.sees_everything and (user.is_clerk or user.is_manager))


@login_required
def ledger_audit(request):
    if not may_audit_ledger(request.user):
        raise PermissionDenied("只有省级专班工作人员和领导可以查看台账核验。")
    # The anchors' own verification (signatures, their chain, their heads) is cheap next to the chains';
    # the chains are recomputed by verify_ledger, whose latest outcome is shown.
    check = verify_anchors()
    anchors = [
        {"anchor": anchor, "problem": check.results.get(anchor.pk, "")}
        for anchor in LedgerAnchor.objects.order_by("-id")[:AUDIT_ANCHORS_SHOWN]
    ]
    return render(request, "cases/ledger_audit.html", {
        "anchors": anchors,
        "anchor_findings": check.findings,
        "latest_check": LedgerCheck.objects.order_by("-id").first(),
    })
