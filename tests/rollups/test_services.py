"""The roll-up job: idempotent upserts, locked months, forced re-runs, catching up, the command."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from cases.models import Case, CaseCategory
from rollups.demo import seed
from rollups.models import FillStatus, MonthlySnapshot, RollupMonth, RollupRun, RunStatus, RunTrigger
from rollups.services import missing_months, months_between, rollup_catch_up, rollup_finalise_due, rollup_month
from projects.models import PeriodLock
from registry.periods import current_month

from .factories import at

SEPTEMBER, OCTOBER = dt.date(2026, 9, 1), dt.date(2026, 10, 1)
pytestmark = pytest.mark.django_db


def snapshot(month):
    return sorted(
        MonthlySnapshot.objects.filter(month=month).values(*[f.attname for f in MonthlySnapshot._meta.concrete_fields]),
        key=lambda r: (r["division_id"], r["dimension"], r["dimension_value"]),
    )


def test_running_a_month_twice_rewrites_the_same_rows(history):
    rollup_month(month=SEPTEMBER)
    first = snapshot(SEPTEMBER)
    rollup_month(month=SEPTEMBER)
    assert snapshot(SEPTEMBER) == first  # same ids, same figures
    state = RollupMonth.objects.get(month=SEPTEMBER)
    assert state.status == FillStatus.DONE and state.row_count == len(first)
    assert list(RollupRun.objects.filter(month=SEPTEMBER).values_list("status", flat=True)) == [RunStatus.DONE] * 2


def test_a_group_that_lost_its_cases_disappears_on_the_next_run(history, people):
    rollup_month(month=SEPTEMBER)
    help_id = str(CaseCategory.objects.get(name="帮扶任务").pk)
    assert MonthlySnapshot.objects.filter(month=SEPTEMBER, dimension="category", dimension_value=help_id).exists()
    Case.objects.filter(category__name="帮扶任务").update(category=CaseCategory.objects.get(name="工作任务"))
    rollup_month(month=SEPTEMBER)
    assert not MonthlySnapshot.objects.filter(month=SEPTEMBER, dimension="category", dimension_value=help_id).exists()


def test_a_locked_month_is_not_recomputed_unless_a_clerk_forces_it_with_a_reason(history, people):
    rollup_month(month=SEPTEMBER)
    PeriodLock.objects.create(month=SEPTEMBER, locked_by=people.province_clerk, reason="9月数据已锁定")
    # Figures changed under the lock (say, by an administrator's correction): the snapshot stays.
    MonthlySnapshot.objects.filter(month=SEPTEMBER, division__code="330782", dimension="all").update(dispatched=99)

    run = rollup_month(month=SEPTEMBER)
    assert run.status == RunStatus.SKIPPED and "锁定" in run.message
    assert MonthlySnapshot.objects.get(month=SEPTEMBER, division__code="330782", dimension="all").dispatched == 99

    with pytest.raises(ValidationError):
        rollup_month(month=SEPTEMBER, force=True, by=people.manager, reason="领导要求")
    for county_or_city_clerk in (people.dongyang_clerk, people.city_clerk):
        with pytest.raises(ValidationError, match="省专班"):
            rollup_month(month=SEPTEMBER, force=True, by=county_or_city_clerk, reason="县里要求")
    assert not RollupRun.objects.filter(forced=True).exists()
    with pytest.raises(ValidationError):
        rollup_month(month=SEPTEMBER, force=True, by=people.province_clerk, reason=" ")

    run = rollup_month(month=SEPTEMBER, trigger=RunTrigger.MANUAL, force=True, by=people.province_clerk, reason="更正后重算")
    assert run.status == RunStatus.DONE
    assert MonthlySnapshot.objects.get(month=SEPTEMBER, division__code="330782", dimension="all").dispatched == 5
    recorded = RollupRun.objects.get(pk=run.pk)
    assert (recorded.forced, recorded.requested_by, recorded.reason) == (True, people.province_clerk, "更正后重算")


def test_a_locked_month_never_computed_is_computed_once(history, people):
    PeriodLock.objects.create(month=SEPTEMBER, locked_by=people.province_clerk)
    assert rollup_month(month=SEPTEMBER).status == RunStatus.DONE
    assert rollup_month(month=SEPTEMBER).status == RunStatus.SKIPPED


def test_catching_up_fills_the_missed_months_only(history):
    rollup_month(month=SEPTEMBER)
    # Cases start in August: August and October were missed.
    assert missing_months(until=OCTOBER) == [dt.date(2026, 8, 1), OCTOBER]
    runs = rollup_catch_up(until=OCTOBER)
    assert [r.month for r in runs] == [dt.date(2026, 8, 1), OCTOBER]
    assert all(r.trigger == RunTrigger.CATCH_UP for r in runs)
    assert missing_months(until=OCTOBER) == []
    assert MonthlySnapshot.objects.get(month=OCTOBER, division__code="330782", dimension="all").closed == 2


def test_finalising_on_the_first_and_again_after_the_reporting_window(history):
    with at("2026-10-01 01:00"):
        runs = rollup_finalise_due()
    assert [r.month for r in runs] == [dt.date(2026, 8, 1), SEPTEMBER]
    assert RollupMonth.objects.get(month=SEPTEMBER).finalised is False  # window 1–5 October still open
    with at("2026-10-03 01:00"):
        assert rollup_finalise_due() == []
    with at("2026-10-06 01:00"):
        again = rollup_finalise_due()
    assert [r.month for r in again] == [SEPTEMBER]
    assert RollupMonth.objects.get(month=SEPTEMBER).finalised is True


def test_rollup_command_backfills_a_range(history, capsys):
    call_command("rollup", "--from", "2026-08", "--to", "2026-10")
    out = capsys.readouterr().out
    assert "2026-08 已完成" in out and "2026-10 已完成" in out
    assert set(RollupMonth.objects.filter(status=FillStatus.DONE).values_list("month", flat=True)) == {
        dt.date(2026, 8, 1), SEPTEMBER, OCTOBER,
    }
    call_command("rollup", "--month", "2026-09")
    assert RollupRun.objects.filter(month=SEPTEMBER, trigger=RunTrigger.COMMAND).count() == 2


def test_rollup_command_refuses_a_bad_month(db):
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("rollup", "--month", "2026/09")


def test_demo_seeder_rolls_up_the_months_with_data(history):
    summary = seed(scale="small", seed=1, history=1)
    # August (the first case) to the current month.
    assert summary["months"] == len(months_between(dt.date(2026, 8, 1), current_month()))
    assert not missing_months()
    assert seed(scale="small", seed=1, history=1)["rows"] == summary["rows"]  # idempotent


def test_the_command_forces_a_locked_month_only_for_a_province_clerk(history, people):
    rollup_month(month=SEPTEMBER)
    PeriodLock.objects.create(month=SEPTEMBER, locked_by=people.province_clerk)
    with pytest.raises(CommandError, match="省专班"):
        call_command("rollup", "--month", "2026-09", "--force", "--user", people.dongyang_clerk.username, "--reason", "更正")
    with pytest.raises(CommandError, match="省专班"):
        call_command("rollup", "--month", "2026-09", "--force", "--reason", "更正")
    call_command("rollup", "--month", "2026-09", "--force", "--user", people.province_clerk.username, "--reason", "更正")
    run = RollupRun.objects.get(forced=True)
    assert (run.status, run.requested_by, run.reason) == (RunStatus.DONE, people.province_clerk, "更正")
