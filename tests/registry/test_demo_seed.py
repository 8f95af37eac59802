from django.core.management import call_command

from registry.models import Organisation, User


def test_seed_demo_creates_logins_for_every_county_and_is_idempotent(divisions, client):
    call_command("seed_demo", "--password", "Seed@2026x")
    users, orgs = User.objects.count(), Organisation.objects.count()
    call_command("seed_demo", "--password", "Seed@2026x")
    assert (User.objects.count(), Organisation.objects.count()) == (users, orgs)
    assert User.objects.filter(username__startswith="clerk_33", organisation__division__level=3).count() == 90
    assert User.objects.filter(username__startswith="staff_33").count() == 90
    staff = User.objects.get(username="staff_330922")
    assert staff.division.name == "嵊泗县" and staff.role == "county_staff"
    assert client.login(username="manager", password="Seed@2026x")
    assert client.login(username="staff_330782", password="Seed@2026x")
