"""The embedded default's cache is shared by the processes of one machine: a roll-up run from the
command line (another process) shows on the board this process serves, at once."""
import datetime as dt
import os
import subprocess
import sys

import pytest
from django.core import checks

from rollups.selectors import board, board_filters
from tests.factories import make_user
from tests.support.worker import ROOT, subprocess_database_url

SEPTEMBER = dt.date(2026, 9, 1)
FILE_CACHE = "django.core.cache.backends.filebased.FileBasedCache"


def test_the_embedded_default_is_the_file_cache():
    """config.settings without REDIS_URL (the test settings keep memory: see config/settings/test.py)."""
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CACHE_DIR")}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    code = "import django; django.setup(); from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    answer = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert answer.stdout.strip() == FILE_CACHE, answer.stderr


def test_deploy_check_says_the_file_cache_serves_one_machine(settings, tmp_path):
    settings.CACHES = {"default": {"BACKEND": FILE_CACHE, "LOCATION": str(tmp_path)}}
    [warning] = [m for m in checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.caches]) if m.id == "registry.W001"]
    assert "this machine only" in warning.msg and "REDIS_URL" in warning.hint
    assert "registry.W001" not in {m.id for m in checks.run_checks(tags=[checks.Tags.caches])}


@pytest.mark.django_db(transaction=True)
def test_a_rollup_from_the_command_line_shows_on_the_board_another_process_serves(history, people, settings, tmp_path):
    settings.CACHES = {"default": {"BACKEND": FILE_CACHE, "LOCATION": str(tmp_path)}}
    manager = make_user("manager", "330782")
    f = board_filters(manager, month=SEPTEMBER)
    assert board(manager, f)["rows"] == []  # not rolled up yet: and that answer is now cached

    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", CACHE_DIR=str(tmp_path), DATABASE_URL=subprocess_database_url(),
               CELERY_TASK_ALWAYS_EAGER="true")
    run = subprocess.run([sys.executable, "manage.py", "rollup", "--month", "2026-09"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr

    [row] = board(manager, f)["rows"]
    assert (row.dispatched, row.closed, row.overdue_at_end) == (5, 3, 1)
