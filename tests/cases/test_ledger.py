import datetime as dt
import threading

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction

from cases.anchors import anchor_daily, anchor_month_end, seal_legacy_chains
from cases.ledger import HASHED_FIELDS, KEYED_FIELDS, event_hash, keyed_hash, tampered_cases, verify
from cases.models import Case, CaseEvent, CaseState, LedgerAnchor, LedgerAnchorHead, LedgerCheck
from cases.services import StaleVersion, perform_action
from tests.conftest import requires_postgres

from .factories import act, case_at

LEDGER_TABLES = ("cases_caseevent", "cases_ledgeranchor", "cases_ledgeranchorhead")


def _bypass_immutability():
    """Tests tamper like an attacker with the owner's rights: on PostgreSQL the owner can switch the
    ledger's triggers off (inside the test's transaction, so rolled back with it); on SQLite the
    anchors' triggers are dropped the same way (the events have none there)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # ALTER TABLE waits for no deferred foreign-key check of this transaction: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in LEDGER_TABLES:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        else:
            for table in LEDGER_TABLES[1:]:
                for op in ("update", "delete"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{op}")


def _sql(sql, params=()):
    _bypass_immutability()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _findings(report_or_list):
    findings = report_or_list.findings if hasattr(report_or_list, "findings") else report_or_list
    return [(f.case_id, f.seq, f.label) for f in findings]


def _event_fields(event, names=KEYED_FIELDS):
    return {name: getattr(event, name) for name in names}


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
    assert _findings(tampered_cases()) == [(case.pk, 2, "缺少记录")]


def test_an_edit_with_a_recomputed_unkeyed_hash_is_named(people):
    """Before the key, an edit whose sha256 was recomputed only broke the next link; now the edited
    event itself fails its HMAC, and the plain sha256 in its place is named as such."""
    case = case_at(CaseState.RECTIFYING, people)
    event = CaseEvent.objects.get(case=case, action="assign")
    event.comment = "改写后重新计算哈希"
    _sql("UPDATE cases_caseevent SET comment = %s, hash = %s WHERE id = %s", [event.comment, event_hash(_event_fields(event)), event.pk])
    assert _findings(tampered_cases()) == [(case.pk, 2, "哈希被无密钥重算")]


def test_a_whole_chain_recomputed_without_the_key_is_named(people):
    """The attacker rewrites an event and re-chains everything after it with the old sha256: the chain
    links up again, but no event after the edit carries an HMAC."""
    case = case_at(CaseState.CLOSED, people)
    events = list(CaseEvent.objects.filter(case=case).order_by("seq"))
    events[1].comment = "改写"
    prev = events[0].hash
    for event in events[1:]:
        event.prev_hash = prev
        prev = event_hash(_event_fields(event))
        _sql("UPDATE cases_caseevent SET comment = %s, prev_hash = %s, hash = %s WHERE id = %s",
             [event.comment, event.prev_hash, prev, event.pk])
    assert _findings(tampered_cases()) == [(case.pk, 2, "哈希被无密钥重算")]


def test_an_edit_signed_with_another_key_is_detected(people, settings):
    case = case_at(CaseState.RECTIFYING, people)
    event = CaseEvent.objects.get(case=case, action="accept")
    settings.LEDGER_HMAC_KEY = "the attacker's guess"
    event.comment = "换了密钥重新签名"
    forged = keyed_hash(_event_fields(event))
    settings.LEDGER_HMAC_KEY = ""
    _sql("UPDATE cases_caseevent SET comment = %s, hash = %s WHERE id = %s", [event.comment, forged, event.pk])
    assert _findings(tampered_cases()) == [(case.pk, 3, "内容被篡改")]


def test_a_deleted_last_event_is_caught_by_the_anchor(people, capsys):
    """Deleting the last event leaves a chain that verifies: the case row and the anchor do not."""
    case = case_at(CaseState.RECTIFYING, people)
    act(case, "progress", people.lead_staff, comment="已完成一半")
    anchor_daily()
    assert verify().ok
    _sql("DELETE FROM cases_caseevent WHERE case_id = %s AND seq = 4", [case.pk])
    report = verify()
    assert (case.pk, 4, "最后的办理记录被删除") in _findings(report)
    # The case row still carries the version the deleted event gave it.
    assert (case.pk, 3, "版本号与最后一条记录不符") in _findings(report)
    with pytest.raises(CommandError):
        call_command("verify_ledger")
    assert f"交办事项 {case.pk}：最后的办理记录被删除（锚点记录的链头为第 4 条，现存链头为第 3 条）" in capsys.readouterr().err


def test_a_deleted_last_event_and_a_fixed_up_case_row_still_fail_the_anchor(people):
    case = case_at(CaseState.RECTIFYING, people)
    act(case, "progress", people.lead_staff, comment="已完成一半")
    anchor_daily()
    _sql("DELETE FROM cases_caseevent WHERE case_id = %s AND seq = 4", [case.pk])
    _sql("UPDATE cases_case SET version = version - 1 WHERE id = %s", [case.pk])
    anchor = LedgerAnchor.objects.get()
    assert _findings(verify()) == [(case.pk, 4, "最后的办理记录被删除"), (None, anchor.pk, "办理记录总数少于锚点")]


def test_a_replaced_anchored_event_is_named(people):
    """The last event deleted and a new one written by the application in its place."""
    case = case_at(CaseState.RECTIFYING, people)
    act(case, "progress", people.lead_staff, comment="原进展")
    anchor_daily()
    _sql("DELETE FROM cases_caseevent WHERE case_id = %s AND seq = 4", [case.pk])
    _sql("UPDATE cases_case SET version = version - 1 WHERE id = %s", [case.pk])
    act(case, "progress", people.lead_staff, comment="替换后的进展")
    assert _findings(verify()) == [(case.pk, 4, "已锚定的记录被替换")]


def test_truncated_events_are_named_for_every_case(people):
    cases = [case_at(CaseState.ASSIGNED, people), case_at(CaseState.CLOSED, people)]
    anchor_daily()
    if connection.vendor == "postgresql":
        _sql("TRUNCATE cases_caseevent CASCADE")
    else:
        _sql("DELETE FROM cases_attachment")
        _sql("DELETE FROM cases_caseevent")
    report = verify()
    assert [(c.pk, None, "办理记录全部缺失") for c in cases] == [f for f in _findings(report) if f[0] is not None]
    assert [f.label for f in report.findings if f.case_id is None] == ["办理记录总数少于锚点"]


def test_events_missing_without_any_anchor_are_still_named(people):
    case = case_at(CaseState.ASSIGNED, people)
    _sql("DELETE FROM cases_caseevent WHERE case_id = %s", [case.pk])
    assert _findings(verify()) == [(case.pk, None, "办理记录全部缺失")]


def test_case_state_and_version_are_checked_against_the_last_event(people):
    closed = case_at(CaseState.CLOSED, people)
    assigned = case_at(CaseState.ASSIGNED, people)
    Case.objects.filter(pk=closed.pk).update(state=CaseState.RECTIFYING)
    Case.objects.filter(pk=assigned.pk).update(version=assigned.version + 3)
    assert _findings(verify()) == [
        (closed.pk, 5, "状态与最后一条记录不符"),
        (assigned.pk, 2, "版本号与最后一条记录不符"),
    ]


def test_a_keyed_event_downgraded_to_the_legacy_hash_is_named(people):
    case = case_at(CaseState.RECTIFYING, people)
    event = CaseEvent.objects.get(case=case, seq=3)
    event.comment = "伪装成旧记录"
    _sql("UPDATE cases_caseevent SET comment = %s, hash_version = 1, hash = %s WHERE id = %s",
         [event.comment, event_hash(_event_fields(event, HASHED_FIELDS)), event.pk])
    assert _findings(tampered_cases()) == [(case.pk, 3, "哈希算法被降级")]


def _make_legacy(case):
    """Rewrite a case's chain as the product wrote it before the key: plain sha256, no case version."""
    prev = ""
    for event in CaseEvent.objects.filter(case=case).order_by("seq"):
        event.prev_hash, event.case_version = prev, None
        prev = event_hash(_event_fields(event, HASHED_FIELDS))
        _sql("UPDATE cases_caseevent SET prev_hash = %s, hash = %s, hash_version = 1, case_version = NULL WHERE id = %s",
             [event.prev_hash, prev, event.pk])


def test_legacy_chains_verify_the_old_way_under_the_seal_and_continue_keyed(people):
    case = case_at(CaseState.RECTIFYING, people)
    _make_legacy(case)
    assert _findings(verify()) == [(case.pk, 1, "哈希算法被降级")]  # unsealed: no unkeyed event is accepted
    seal_legacy_chains(apps, None)
    assert LedgerAnchor.objects.get().kind == "legacy"
    assert verify().ok
    act(case, "progress", people.lead_staff, comment="封存后的进展")
    assert CaseEvent.objects.get(case=case, seq=4).hash_version == 2
    assert verify().ok


def test_a_sealed_legacy_chain_recomputed_without_the_key_fails_the_seal(people):
    case = case_at(CaseState.CLOSED, people)
    _make_legacy(case)
    seal_legacy_chains(apps, None)
    _sql("UPDATE cases_caseevent SET comment = %s WHERE case_id = %s AND seq = 2", ["改写旧记录", case.pk])
    assert _findings(verify()) == [(case.pk, 2, "内容被篡改")]
    _make_legacy(case)  # the whole old chain recomputed with sha256: consistent, but not what was sealed
    assert _findings(verify()) == [(case.pk, 5, "已锚定的记录被替换")]


def test_anchors_refuse_update_and_delete(people):
    case_at(CaseState.ASSIGNED, people)
    anchor = anchor_daily()
    for sql in (
        "UPDATE cases_ledgeranchor SET case_count = 0 WHERE id = %s",
        "DELETE FROM cases_ledgeranchor WHERE id = %s",
        "UPDATE cases_ledgeranchorhead SET seq = 1 WHERE anchor_id = %s",
        "DELETE FROM cases_ledgeranchorhead WHERE anchor_id = %s",
    ):
        with pytest.raises(DatabaseError, match="台账锚点不可修改或删除"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, [anchor.pk])
    assert LedgerAnchorHead.objects.filter(anchor=anchor).count() == 1


def test_a_rewritten_or_removed_anchor_is_named(people):
    case = case_at(CaseState.ASSIGNED, people)
    first = anchor_daily(dt.date(2026, 11, 1))
    act(case, "accept", people.lead_staff)
    second = anchor_daily(dt.date(2026, 11, 2))
    third = anchor_daily(dt.date(2026, 11, 3))
    assert verify().ok
    _sql("UPDATE cases_ledgeranchorhead SET seq = 2 WHERE anchor_id = %s", [second.pk])
    assert ("锚点签名不符", second.pk) in [(f.label, f.seq) for f in verify().findings]
    _sql("DELETE FROM cases_ledgeranchorhead WHERE anchor_id = %s", [second.pk])
    _sql("DELETE FROM cases_ledgeranchor WHERE id = %s", [second.pk])
    assert [(f.label, f.seq) for f in verify().findings] == [("锚点链接断裂", third.pk)]
    assert first.pk < third.pk


def test_anchors_are_written_once_per_day_and_month(people, capsys):
    case_at(CaseState.ASSIGNED, people)
    call_command("anchor_ledger", "--period", "2026-11-30")
    call_command("anchor_ledger", "--period", "2026-11-30")
    call_command("anchor_ledger", "--kind", "month_end", "--period", "2026-11")
    assert anchor_month_end(dt.date(2026, 11, 1)) is None
    out = capsys.readouterr().out
    assert "已写入每日锚定锚点" in out and "该日期已有锚点" in out and "已写入月末交账锚点" in out
    daily, month_end = LedgerAnchor.objects.order_by("id")
    assert (daily.head_count, month_end.head_count) == (1, 0)  # the month end adds no moved head
    assert month_end.rollup_month == dt.date(2026, 11, 1) and month_end.prev_signature == daily.signature


def test_daily_task_anchors_and_records_the_verification(people):
    from cases.tasks import anchor_ledger_daily

    case_at(CaseState.CLOSED, people)
    result = anchor_ledger_daily.delay().get()
    assert result["ok"] and result["anchor"] is not None
    assert anchor_ledger_daily.delay().get()["anchor"] is None
    check = LedgerCheck.objects.get(pk=LedgerCheck.objects.order_by("-id")[0].pk)
    assert check.ok and check.anchor_id == result["anchor"] and check.case_count == 1


def test_a_finalised_snapshot_changed_after_its_anchor_is_named(people):
    MonthlySnapshot = apps.get_model("rollups", "MonthlySnapshot")
    RollupMonth = apps.get_model("rollups", "RollupMonth")
    month = dt.date(2026, 10, 1)
    row = MonthlySnapshot.objects.create(month=month, division=people.county, level=people.county.level, dispatched=7, closed=5)
    RollupMonth.objects.create(month=month, status="done", finalised=True, row_count=1)
    anchor = anchor_month_end(month)
    assert (anchor.rollup_rows, anchor.rollup_finalised) == (1, True)
    assert verify().ok
    MonthlySnapshot.objects.filter(pk=row.pk).update(closed=7)
    assert [(f.label, f.seq, f.detail) for f in verify().findings] == [("统计快照与锚点不符", anchor.pk, "2026-10")]


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


# --- the audit page and the deploy check ------------------------------------------------------------

def test_audit_page_shows_anchors_and_the_latest_verification(people, province_manager, client):
    case_at(CaseState.ASSIGNED, people)
    good = anchor_daily(dt.date(2026, 11, 1))
    bad = anchor_daily(dt.date(2026, 11, 2))
    _sql("UPDATE cases_ledgeranchor SET case_count = 99 WHERE id = %s", [bad.pk])
    call_command("anchor_ledger", "--period", "2026-11-03")
    with pytest.raises(CommandError):
        call_command("verify_ledger")
    for user in (people.province_clerk, province_manager):
        client.force_login(user)
        page = client.get("/ledger/audit/")
        assert page.status_code == 200
        html = page.content.decode()
        assert f'data-anchor="{good.pk}"' in html and "签名有效" in html
        assert "锚点签名不符" in html and f"台账锚点 #{bad.pk}：签名不符" in html
        assert "发现 1 处问题" in html


@pytest.mark.parametrize("who", ["clerk", "city_clerk", "manager", "lead_staff"])
def test_audit_page_is_for_the_province_only(people, client, who):
    client.force_login(getattr(people, who))
    assert client.get("/ledger/audit/").status_code == 403


def test_deploy_check_warns_without_a_ledger_key(settings):
    from cases.checks import ledger_key_check

    settings.LEDGER_HMAC_KEY = ""
    assert [w.id for w in ledger_key_check(None)] == ["cases.W011"]
    settings.LEDGER_HMAC_KEY = "k" * 43
    assert ledger_key_check(None) == []


def test_beat_writes_the_daily_and_month_end_anchors(settings):
    from config.celery import app

    app.loader.import_default_modules()  # what a worker does at start: autodiscovery
    schedule = settings.CELERY_BEAT_SCHEDULE
    daily, month_end = schedule["ledger-anchor-daily"], schedule["ledger-anchor-month-end"]
    assert {daily["task"], month_end["task"]} <= set(app.tasks)
    assert (daily["schedule"].hour, daily["schedule"].minute) == ({0}, {30})
    assert (month_end["schedule"].day_of_month, month_end["schedule"].hour) == ({1}, {1})


def test_anchor_admin_shows_but_never_changes_anchors(people, admin_client):
    case_at(CaseState.ASSIGNED, people)
    anchor = anchor_daily()
    assert admin_client.get("/admin/cases/ledgeranchor/").status_code == 200
    assert admin_client.get(f"/admin/cases/ledgeranchor/{anchor.pk}/change/").status_code == 200
    assert admin_client.post(f"/admin/cases/ledgeranchor/{anchor.pk}/delete/", {"post": "yes"}).status_code == 403
    assert LedgerAnchor.objects.filter(pk=anchor.pk).exists()
