"""A CI-sized run of the benchmark harness, so that it cannot rot: tiny data, a second or two per figure."""
import datetime as dt
import json
import socket

import pytest
from django.utils import timezone

from bench import run
from cases.models import CaseCategory, CaseEvent
from cases.reference import seed_reference_data
from cases.services import case_create, perform_action
from monitoring.demo import seed as seed_monitoring
from registry.demo import seed_people
from registry.models import User
from tests.support.worker import subprocess_database_url

COUNTY = "330782"


def _rectifying_cases(count):
    """Cases the county staff can report on, so that the mix's writes run too."""
    seed_reference_data()
    clerk, staff = User.objects.get(username=f"clerk_{COUNTY}"), User.objects.get(username=f"staff_{COUNTY}")
    for i in range(count):
        case = case_create(by=clerk, title=f"冒烟测试事项{i}", category=CaseCategory.objects.first(), county=staff.division)
        case = perform_action(case=case, action="assign", by=clerk, version=case.version, lead_unit=staff.organisation,
                              deadline=timezone.localdate() + dt.timedelta(days=20), comment="请按期整改")
        perform_action(case=case, action="accept", by=staff, version=case.version)


@pytest.mark.django_db(transaction=True)
def test_benchmark_runs_end_to_end_and_writes_results(divisions, tmp_path, monkeypatch):
    seed_people(password=run.PASSWORD)
    seed_monitoring(seed=1)
    _rectifying_cases(3)
    database_url = subprocess_database_url()
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("REDIS_URL", "")
    monkeypatch.setenv("BENCH_SETTINGS", "config.settings.test")  # the test database's fast password hashes
    with socket.socket() as probe:  # a free port: two suites on one machine must not share the server's
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    exit_code = run.main([
        "--duration", "0.5", "--rounds", "1", "--workers", "1", "--port", str(port), "--out", str(tmp_path),
        "--small-database-url", database_url, "--mix-duration", "2", "--mix-lanes", "2",
        "--backfill-months", "2", "--rollup-samples", "1", "--rollup-repeat", "1", "--import-rows", "20",
    ])
    assert exit_code in (0, 1)  # a missed target is a finding, not a crash
    (result_file,) = tmp_path.glob("*.json")
    rows = {r["name"]: r for r in json.loads(result_file.read_text(encoding="utf-8"))}

    for scenario in run.SCENARIOS:
        assert "0 errors" in rows[scenario.name]["measured"], rows[scenario.name]
        assert "req/s" in rows[scenario.name]["floor"]
        counted = rows[f"queries per request: {scenario.name}"]["raw"]
        assert counted["province"]["status"] == 200 and counted["province"]["queries"] == counted["small"]["queries"]
    assert [n for n in rows if n.startswith("monthly roll-up")] and [n for n in rows if n.startswith("backfill of 2")]
    (imported,) = [r for n, r in rows.items() if n.startswith("import of a 20-row")]
    assert imported["raw"]["product"]["created"] == 20
    (index,) = [r for n, r in rows.items() if n.startswith("index computation of one period")]
    assert index["raw"]["divisions"] == 102 and index["raw"]["indicators"] == 18
    (mix,) = [r for n, r in rows.items() if n.startswith("month-end mix")]
    assert mix["raw"]["errors"] == 0 and mix["raw"]["lost_writes"] == 0
    # Its ceiling: the same lanes on the floors, every kind of request included, none an error.
    floor = mix["raw"]["floor"]
    assert floor["errors"] == 0 and all(floor["by_kind"].values())
    assert mix["raw"]["stored_writes"] == CaseEvent.objects.filter(comment__startswith=mix["raw"]["marker"]).count()
    # Case actions against the write floor: every request answered, every acknowledged action's event
    # stored, and the queries per write counted alike on both datasets.
    (writes,) = [r for n, r in rows.items() if n.startswith("case actions (progress")]
    raw = writes["raw"]
    assert raw["actions"]["errors"] == 0 and raw["write_floor"]["errors"] == 0 and raw["json_floor"]["errors"] == 0
    assert raw["write_floor"]["requests"] > 0 and raw["json_floor"]["requests"] > 0
    assert raw["acknowledged"] > 0 and raw["stored"] == raw["acknowledged"]
    assert "POST /api/vN/cases/N/actions/" in raw["actions"]["by_request"]
    counted = {n: r["raw"] for n, r in rows.items() if n.startswith("queries per write: ")}
    assert {"queries per write: case action: progress", "queries per write: case action: review (sent back)"} <= set(counted)
    # Equal on both; the bound (run.MAX_WRITE_QUERIES) is judged on PostgreSQL by the real run (this
    # database and settings count one more per write than the demo's PostgreSQL).
    assert all(c["province"] == c["small"] for c in counted.values()), counted
    assert (tmp_path / result_file.name.replace(".json", ".md")).read_text(encoding="utf-8").startswith("| figure |")
