from cases.models import Case, CaseEvent, CaseState, Notification
from cases.selectors import case_list, todo_counts
from cases.workflow import available_actions

from .factories import case_at, make_people


def test_county_staff_never_see_another_countys_cases(people):
    yiwu = case_at(CaseState.RECTIFYING, people)
    dongyang_people = make_people(county_code="330783")
    dongyang = case_at(CaseState.RECTIFYING, dongyang_people)
    assert list(case_list(user=people.lead_staff)) == [yiwu]
    assert list(case_list(user=dongyang_people.lead_staff)) == [dongyang]
    assert set(CaseEvent.objects.for_user(people.lead_staff).values_list("case_id", flat=True)) == {yiwu.pk}
    assert todo_counts(user=people.lead_staff) == {"to_accept": 0, "rectifying": 1, "due_soon": 0, "overdue": 0}
    assert todo_counts(user=dongyang_people.lead_staff)["rectifying"] == 1
    assert todo_counts(user=people.other_county_clerk)["rectifying"] == 0
    assert set(case_list(user=people.province_clerk)) == {yiwu, dongyang}
    assert set(case_list(user=people.city_clerk)) == {yiwu, dongyang}  # both in 金华市


def test_managers_read_but_take_no_action(people):
    case = case_at(CaseState.FEEDBACK, people)
    assert list(case_list(user=people.manager)) == [case]
    assert available_actions(case, people.manager) == []


def test_notifications_reach_only_the_units_concerned(people):
    case_at(CaseState.ASSIGNED, people)
    recipients = set(Notification.objects.values_list("recipient_id", flat=True))
    assert recipients == {people.lead_staff.pk, people.co_staff.pk}
    assert Case.objects.count() == 1


def test_one_object_is_judged_as_the_users_list_holds_it(people):
    """get_for_user_or_404 and can_see judge one object in Python; for_user filters in SQL. They must
    agree for every user and every case, event and attachment, involved parties included."""
    import pytest
    from django.http import Http404

    from cases.models import Attachment
    from registry.models import OrganisationKind
    from registry.scoping import can_see, get_for_user_or_404
    from tests.factories import make_user, org_for

    import datetime as dt

    from django.utils import timezone

    from .factories import act, evidence, new_case

    dongyang = make_people(county_code="330783")
    pairing = org_for("330000", OrganisationKind.STATE_OWNED_ENTERPRISE, name="浙江省能源集团（测试）")
    cases = [
        case_at(CaseState.RECTIFYING, people),
        case_at(CaseState.FEEDBACK, dongyang, joint_parties=[pairing]),
        new_case(dongyang, by=people.province_clerk),
    ]
    # A Yiwu unit co-responsible for a Dongyang case: its staff see that case from another county.
    act(cases[2], "assign", people.province_clerk, lead_unit=dongyang.lead_unit,
        co_units=[people.co_unit], deadline=timezone.localdate() + dt.timedelta(days=30))
    evidence(cases[0], people.lead_staff)
    # "1+3" partners (issue 15): a department and an SOE paired with Chun'an see Chun'an and what they
    # are a party to; an unpaired department only the latter; the province task force everything.
    from projects.models import Project
    from registry.models import Division, PairingRelationship, Workshop
    from tests.projects.factories import ProjectFactory
    from tests.registry.factories import CHUN_AN, PairingFactory, WorkshopFactory, provincial_department, villages

    department = provincial_department()
    PairingFactory(lead_unit=department, soe=pairing)
    chun_an = make_people(county_code=CHUN_AN, city_code="330100")
    case_at(CaseState.FEEDBACK, chun_an)
    case_at(CaseState.ASSIGNED, dongyang, joint_parties=[department])
    for code in (CHUN_AN, "330782", "330783"):
        ProjectFactory(county=Division.objects.get(code=code))
        WorkshopFactory(village=villages(code, 1)[0])
    PairingFactory(county=Division.objects.get(code="330783"), kind="mountain_sea", year=2024,
                   lead_unit=None, soe=None, partner_county=Division.objects.get(code="330782"))
    partners = [
        make_user(role, "330000", organisation=org)
        for org in (pairing, department, org_for("330000", OrganisationKind.PROVINCIAL_DEPARTMENT, name="省审计厅（测试）"))
        for role in ("county_staff", "manager", "clerk")
    ]
    users = [*vars(people).values(), *vars(dongyang).values(), *vars(chun_an).values(), *partners,
             make_user("county_staff", "330782")]
    users = [u for u in users if hasattr(u, "is_authenticated")]
    assert {u.pk for u in users if u.is_partner} == {u.pk for u in partners}
    for model in (Case, CaseEvent, Attachment, Project, Workshop, PairingRelationship, Division):
        objects = list(model.objects.all() if model is not Division else Division.objects.filter(
            code__in=["330000", "330100", "330700", CHUN_AN, "330782", "330783", "330782001", "330127001"]))
        assert objects
        for user in users:
            visible = set(model.objects.for_user(user).filter(pk__in=[o.pk for o in objects]))
            assert {o for o in objects if can_see(user, o)} == visible, (model, user)
            for obj in objects:
                if obj in visible:
                    assert get_for_user_or_404(model, user, pk=obj.pk) == obj
                else:
                    with pytest.raises(Http404):
                        get_for_user_or_404(model, user, pk=obj.pk)


def test_filtered_lists_hold_exactly_the_visible_cases_that_pass_the_filters(people, api_client, client):
    """The case lists filter all cases first and apply the jurisdiction with those filters inside its
    union: the result must be the visible cases that pass the filters, involved parties included."""
    import datetime as dt

    from django.utils import timezone

    from .factories import act, new_case

    dongyang = make_people(county_code="330783")
    own = case_at(CaseState.RECTIFYING, people)
    case_at(CaseState.DISCOVERED, people)
    case_at(CaseState.RECTIFYING, dongyang)
    involved = new_case(dongyang, by=people.province_clerk)
    act(involved, "assign", people.province_clerk, lead_unit=dongyang.lead_unit, co_units=[people.co_unit],
        deadline=timezone.localdate() + dt.timedelta(days=30))
    for user in (people.co_staff, people.lead_staff, dongyang.clerk, people.city_clerk):
        expected = {c.pk for c in Case.objects.for_user(user).filter(state=CaseState.ASSIGNED)}
        api_client.force_authenticate(user)
        listed = {row["id"] for row in api_client.get("/api/v1/cases/?state=assigned&page_size=200").json()["results"]}
        assert listed == expected, user
        client.force_login(user)
        page = client.get("/cases/?state=assigned")
        assert {row["id"] for row in page.context["cases"]} == expected, user
    api_client.force_authenticate(people.co_staff)
    assert {r["id"] for r in api_client.get("/api/v1/cases/?state=assigned").json()["results"]} == {involved.pk}
    assert {r["id"] for r in api_client.get("/api/v1/cases/?state=rectifying").json()["results"]} == {own.pk}
