from django.core.management import call_command

from cases import demo
from cases.ledger import tampered_cases
from cases.models import Case, CaseState, JointConfirmation
from registry.demo import seed_people


def test_small_demo_has_every_state_and_is_idempotent(divisions):
    seed_people(password="Demo@2026zj")
    first = demo.seed(scale="small", seed=1, history=1)
    assert first["small"]["created"] is True
    assert set(Case.objects.values_list("state", flat=True)) == set(CaseState.values)
    assert Case.objects.filter(red_card=True).exists() and Case.objects.filter(yellow_card=True).exists()
    assert Case.objects.filter(level__gt=1).exists()
    waiting = JointConfirmation.objects.filter(confirmed_at__isnull=True, case__state=CaseState.FEEDBACK)
    assert waiting.count() == 2
    count = Case.objects.count()
    assert demo.seed(scale="small", seed=1, history=1)["small"]["created"] is False
    assert Case.objects.count() == count
    assert tampered_cases() == []


def test_province_demo_writes_verifiable_history_in_bulk(divisions, monkeypatch):
    seed_people(password="Demo@2026zj")
    monkeypatch.setattr(demo, "CASES_PER_YEAR", 150)
    monkeypatch.setattr(demo, "BATCH", 100)
    summary = demo.seed(scale="province", seed=7, history=2)
    assert summary["province"]["cases"] == 300
    assert summary["province"]["events"] > 600
    call_command("verify_ledger")
    assert demo.seed(scale="province", seed=7, history=2)["province"]["created"] == 0
