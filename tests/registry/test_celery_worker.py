import pytest
from celery.result import EagerResult

from registry.tasks import echo

pytestmark = pytest.mark.worker


def test_real_worker_on_redis_runs_a_queued_task(celery_worker):
    result = echo.delay({"村": "佛堂镇", "n": 7})
    assert not isinstance(result, EagerResult)  # it went through the broker, not in-process
    assert result.get(timeout=60) == {"村": "佛堂镇", "n": 7}
    assert result.state == "SUCCESS"
    assert f"{celery_worker.queue}@" in celery_worker.log()  # the worker we started took it
