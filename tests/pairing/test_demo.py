"""The pairing demo: groups for every "1+3" pairing (the documents' mountain–sea partners for 磐安 and
武义), a task list through the workflow, enclaves, visits; idempotent."""
import random

import pytest
from django.utils import timezone

from cases.models import CaseSource, CaseState
from pairing.demo import seed
from pairing.models import Enclave, LeaderVisit, PairingTask
from registry.deliverables.demo import Geography, seed_pairings
from registry.demo import seed_people
from registry.models import PairingGroup, PairingKind, PairingRelationship

pytestmark = pytest.mark.django_db


def test_the_demo_pairings_have_groups_tasks_and_visits(divisions):
    seed_people(password="x")
    from registry.deliverables.named_examples import seed as named

    named(seed=1)
    seed_pairings(Geography(), random.Random(1), timezone.localdate().year)
    counts = seed(password="x", seed=1)
    pairings = PairingRelationship.objects.filter(kind=PairingKind.ONE_PLUS_THREE)
    assert pairings.count() == 28 and counts["tasks"] == 84
    assert PairingGroup.objects.filter(kind="strong_county").count() == 28
    panan = PairingGroup.objects.get(pairing__county__code="330727", pairing__kind=PairingKind.ONE_PLUS_THREE, kind="strong_county")
    assert panan.lead_unit.name == "义乌市人民政府" and [m.name for m in panan.members.all()] == ["东阳市人民政府"]
    wuyi = PairingGroup.objects.get(pairing__county__code="330723", pairing__kind=PairingKind.ONE_PLUS_THREE, kind="strong_county")
    assert wuyi.lead_unit.division.code == "330784"
    assert PairingTask.objects.filter(case__state=CaseState.CLOSED).exists()
    assert LeaderVisit.objects.count() == 28 and Enclave.objects.count() == 28
    assert all(v.problems.get().case.source == CaseSource.LEADER_VISIT for v in LeaderVisit.objects.all())
    assert seed(password="x", seed=1)["skipped"] == "already seeded"
