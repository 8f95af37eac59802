"""A monthly report's figures as typed, their checks and the revisions that record their changes."""
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from ..models import MonthlyReport, Project, ReportRevision
from .common import REPORT_FIELDS


@dataclass
class ReportEntry:
    """One project's figures for the month as typed by county staff."""

    project: Project
    completed: Decimal
    progress: str = ""
    problems: str = ""
    note: str = ""
    actual_start: datetime.date | None = None


class ReportEntriesInvalid(ValidationError):
    """Per-project, per-field errors of a monthly form; nothing was saved."""

    def __init__(self, by_project: dict[int, dict[str, list[str]]], codes: dict[int, str]):
        self.by_project = by_project
        if len(by_project) == 1:
            flat = next(iter(by_project.values()))
        else:
            flat = {f"{codes[pid]}.{name}": msgs for pid, errors in by_project.items() for name, msgs in errors.items()}
        super().__init__(flat)


@dataclass
class _Errors:
    by_project: dict = field(default_factory=dict)

    def add(self, project_id, name, message):
        self.by_project.setdefault(project_id, {}).setdefault(name, []).append(message)


def _revision(report, action, name, old, new, *, user, reason="", permit=None) -> ReportRevision:
    return ReportRevision(
        report=report, action=action, field=name, old_value="" if old is None else str(old),
        new_value="" if new is None else str(new), reason=reason, changed_by=user, lock_exception=permit,
    )


def _field_changes(report: MonthlyReport, entry) -> dict[str, tuple]:
    return {
        name: (getattr(report, name), getattr(entry, name))
        for name in REPORT_FIELDS
        if getattr(report, name) != getattr(entry, name)
    }


def _validate_entry(entry: ReportEntry, prior_total: Decimal, errors: _Errors):
    pid = entry.project.pk
    if entry.completed is None:
        errors.add(pid, "completed", "请填写本月完成投资。")
        return
    if entry.completed < 0:
        errors.add(pid, "completed", "本月完成投资不能为负数。")
    cumulative = prior_total + entry.completed
    if cumulative > entry.project.total_investment and not entry.note.strip():
        errors.add(
            pid, "note",
            f"累计完成投资 {cumulative} 万元将超过项目总投资 {entry.project.total_investment} 万元，请填写说明。",
        )
    if entry.actual_start is not None and entry.actual_start > timezone.localdate():
        errors.add(pid, "actual_start", "实际开工日期不能晚于今天。")
