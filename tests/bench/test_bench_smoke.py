"""A CI-sized run of the benchmark harness, so that it cannot rot: tiny data, a second per figure."""
import json
import os

import pytest

from bench import run
from registry.demo import seed_people
from tests.support.worker import subprocess_database_url


@pytest.mark.django_db(transaction=True)
def test_benchmark_runs_end_to_end_and_writes_results(divisions, tmp_path, monkeypatch):
    seed_people(password=run.PASSWORD)
    monkeypatch.setenv("DATABASE_URL", subprocess_database_url())
    monkeypatch.setenv("REDIS_URL", "")
    monkeypatch.setenv("BENCH_SETTINGS", "config.settings.test")  # the test database's fast password hashes
    exit_code = run.main(["--duration", "0.5", "--rounds", "1", "--workers", "1", "--port", "8797", "--out", str(tmp_path)])
    assert exit_code in (0, 1)  # a missed target is a finding, not a crash
    (result_file,) = tmp_path.glob("*.json")
    rows = json.loads(result_file.read_text(encoding="utf-8"))
    assert [r["name"] for r in rows] == [s.name for s in run.SCENARIOS]
    for row in rows:
        assert "0 errors" in row["measured"], row
        assert "req/s" in row["floor"]
    assert (tmp_path / result_file.name.replace(".json", ".md")).read_text(encoding="utf-8").startswith("| figure |")
