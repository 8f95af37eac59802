"""The benchmark's write floor (bench.writes): an authenticated POST that locks and updates one row and
inserts one, in one transaction, and nothing else."""
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.models import WriteFloorEntry, WriteFloorSlot

URL = "/api/v1/ping/write/"


def test_the_write_floor_needs_a_signed_in_user(api_client, db):
    response = api_client.post(URL)
    assert response.status_code in (401, 403) and "error" in response.json()
    assert not WriteFloorEntry.objects.exists()


def test_each_post_updates_its_slot_and_adds_one_row(api_client, province_clerk):
    api_client.force_authenticate(province_clerk)
    assert api_client.post(f"{URL}?slot=3").json() == {"ok": True, "count": 1}
    with CaptureQueriesContext(connection) as captured:
        assert api_client.post(f"{URL}?slot=3").json() == {"ok": True, "count": 2}
    statements = [q["sql"].split()[0] for q in captured.captured_queries]
    # The lock, the update, the insert: in a savepoint here (the test's transaction), BEGIN/COMMIT live.
    assert [s for s in statements if s in ("SELECT", "UPDATE", "INSERT")] == ["SELECT", "UPDATE", "INSERT"]
    assert "FOR UPDATE" in captured.captured_queries[[i for i, s in enumerate(statements) if s == "SELECT"][0]]["sql"] or (
        connection.vendor == "sqlite")  # SQLite has no row locks: Django leaves the clause out
    assert WriteFloorSlot.objects.get(slot=3).count == 2
    assert list(WriteFloorEntry.objects.values_list("slot_id", "user_id", "count")) == [(3, province_clerk.pk, 1), (3, province_clerk.pk, 2)]


def test_a_slot_out_of_range_is_a_chinese_400(api_client, province_clerk):
    api_client.force_authenticate(province_clerk)
    for slot in ("64", "-1", "x"):
        response = api_client.post(f"{URL}?slot={slot}")
        assert response.status_code == 400 and "槽位" in str(response.json()["error"])
    assert not WriteFloorEntry.objects.exists()
