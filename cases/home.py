"""Home page cards of the cases app."""
from django.urls import reverse

from .selectors import case_list, overdue_q, review_queue, todo_counts


def todo_card(user):
    counts = todo_counts(user=user)
    return {
        "value": counts["to_accept"] + counts["rectifying"],
        "url": reverse("case-todo"),
        "note": f"待签收 {counts['to_accept']}，整改中 {counts['rectifying']}，临期 {counts['due_soon']}，逾期 {counts['overdue']}",
    }


def review_card(user):
    return {"value": review_queue(user=user).count(), "url": reverse("case-review"), "note": "已反馈、待本专班审核销号的事项"}


def overdue_card(user):
    return {"value": case_list(user=user).filter(overdue_q()).count(), "url": reverse("case-list") + "?overdue=true", "note": "管辖范围内已逾期的事项"}
