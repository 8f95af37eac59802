import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction

from cases.ledger import tampered_cases
from cases.models import CaseEvent, CaseState
from cases.services import StaleVersion, perform_action
from tests.conftest import requires_postgres

from .factories import case_at


def _bypass_immutability():
    """Tests tamper like an attacker with raw database access; on PostgreSQL that means switching the
    guard trigger off for the test's transaction only (as a superuser could)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")


def test_verify_ledger_passes_on_untouched_chains(people, capsys):
    case_at(CaseState.CLOSED, people)
    case_at(CaseState.CANCELLED, people)
    call_command("verify_ledger")
    assert "校验通过：2 个交办事项" in capsys.readouterr().out


def test_verify_ledger_detects_an_edited_comment(people, capsys):
    good = case_at(CaseState.CLOSED, people)
    bad = case_at(CaseState.CLOSED, people)
    _bypass_immutability()
    CaseEvent.objects.filter(case=bad, action="close").update(comment="（已改写）")
    with pytest.raises(CommandError):
        call_command("verify_ledger")
    err = capsys.readouterr().err
    assert f"交办事项 {bad.pk}：第 5 条办理记录内容被篡改" in err
    assert f"交办事项 {good.pk}" not in err


def test_verify_ledger_detects_a_deleted_event(people):
    case = case_at(CaseState.RECTIFYING, people)
    _bypass_immutability()
    CaseEvent.objects.filter(case=case, action="assign").delete()
    assert tampered_cases() == [(case.pk, 2, "缺少记录")]


def test_verify_ledger_detects_a_recomputed_event_that_breaks_the_link(people):
    from cases.ledger import event_hash

    case = case_at(CaseState.RECTIFYING, people)
    _bypass_immutability()
    event = CaseEvent.objects.get(case=case, action="assign")
    event.comment = "改写后重新计算哈希"
    fields = {f: getattr(event, f) for f in ("case_id", "seq", "action", "from_state", "to_state", "actor_id", "actor_unit_id", "created_at", "comment", "old_deadline", "new_deadline", "old_level", "new_level", "payload", "prev_hash")}
    CaseEvent.objects.filter(pk=event.pk).update(comment=event.comment, hash=event_hash(fields))
    assert tampered_cases() == [(case.pk, 3, "链接断裂")]


@requires_postgres
def test_postgres_refuses_update_and_delete_of_events(people):
    case = case_at(CaseState.ASSIGNED, people)
    for attempt in (
        lambda: CaseEvent.objects.filter(case=case).update(comment="x"),
        lambda: CaseEvent.objects.filter(case=case).delete(),
    ):
        with pytest.raises(DatabaseError, match="办理记录不可修改或删除"):
            with transaction.atomic():
                attempt()
    assert case.events.count() == 2


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_actions_exactly_one_wins(people):
    case = case_at(CaseState.ASSIGNED, people)
    barrier = threading.Barrier(2)
    results = []

    def accept(user):
        try:
            barrier.wait()
            perform_action(case=case, action="accept", by=user, version=case.version)
            results.append("ok")
        except StaleVersion:
            results.append("409")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(u,)) for u in (people.lead_staff, people.co_staff)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["409", "ok"]
    case.refresh_from_db()
    assert case.state == CaseState.RECTIFYING
    assert list(case.events.values_list("action", flat=True)) == ["create", "assign", "accept"]
    assert tampered_cases() == []
