"""The deliverable pages: scoping, forms with Chinese errors, history, pagination, plan downloads."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry.deliverables import services
from registry.models import CentralTown, Division, Workshop

from .factories import DONGYANG, YIWU, CentralTownFactory, WeakTownshipFactory, WorkshopFactory, townships, villages
from .record_builders import BUILDERS

pytestmark = pytest.mark.django_db
PAGES = sorted(name for name, (key, _) in BUILDERS.items() if key)


@pytest.mark.parametrize("endpoint", PAGES)
def test_county_staff_pages_show_only_their_county(endpoint, client, yiwu_staff):
    key, build = BUILDERS[endpoint]
    own, other = build(YIWU, 0), build(DONGYANG, 0)
    client.force_login(yiwu_staff)
    listing = client.get(reverse(f"{key}_list"))
    assert listing.status_code == 200
    assert reverse(f"{key}_detail", args=[own.pk]) in listing.content.decode()
    assert reverse(f"{key}_detail", args=[other.pk]) not in listing.content.decode()
    assert client.get(reverse(f"{key}_detail", args=[own.pk])).status_code == 200
    assert client.get(reverse(f"{key}_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse(f"{key}_create")).status_code == 403


@pytest.mark.parametrize("endpoint", PAGES)
def test_list_page_query_count_does_not_grow_with_rows(endpoint, client, province_clerk):
    key, build = BUILDERS[endpoint]
    client.force_login(province_clerk)
    counties = list(Division.objects.filter(level=3).order_by("code").values_list("code", flat=True)[:10])

    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(f"{key}_list")).status_code == 200
        return len(ctx.captured_queries)

    client.get(reverse("home"))  # the first request after login refreshes the session; measure after it
    for n in range(2):
        build(counties[n % 10], n // 10)
    few = count_queries()
    for n in range(2, 20):
        build(counties[n % 10], n // 10)
    assert count_queries() == few


def test_clerk_sees_chinese_error_next_to_the_field(client, province_clerk):
    client.force_login(province_clerk)
    response = client.post(reverse("central_town_create"), {"division": villages(YIWU)[0].code, "track": "industry", "batch": 1})
    assert response.status_code == 200
    assert '<div class="invalid-feedback d-block" data-field="division">只有乡镇级区划才能认定为中心镇。</div>' in response.content.decode()
    assert not CentralTown.objects.exists()


def test_unknown_division_is_refused_in_chinese(client, province_clerk):
    client.force_login(province_clerk)
    response = client.post(reverse("workshop_create"), {"name": "测试", "village": "金华市/不存在", "type": "brand", "pairing_form": "one_one", "status": "operating"})
    assert "找不到区划“金华市/不存在”" in response.content.decode()
    assert not Workshop.objects.exists()


def test_clerk_creates_by_name_path_and_edit_shows_history(client, province_clerk):
    village = villages(YIWU)[0]
    client.force_login(province_clerk)
    created = client.post(
        reverse("workshop_create"),
        {"name": "稠城来料加工工坊", "village": village.full_name, "type": "processing", "pairing_form": "one_one", "status": "operating"},
    )
    workshop = Workshop.objects.get()
    assert created.url == reverse("workshop_detail", args=[workshop.pk])
    edited = client.post(
        reverse("workshop_update", args=[workshop.pk]),
        {"name": "稠城来料加工共富工坊", "village": village.code, "type": "processing", "pairing_form": "one_one",
         "status": "suspended", "reason": "改名并停运"},
    )
    assert edited.status_code == 302
    page = client.get(reverse("workshop_detail", args=[workshop.pk])).content.decode()
    assert "<td>稠城来料加工工坊</td><td>稠城来料加工共富工坊</td><td>改名并停运</td>" in page
    assert "<td>运营中</td><td>停运</td>" in page


def test_filters_search_and_sort_on_the_list_page(client, province_clerk):
    WorkshopFactory(name="甲工坊直播", type="livestream")
    WorkshopFactory(name="乙工坊加工", type="processing")
    client.force_login(province_clerk)
    page = client.get(reverse("workshop_list"), {"q": "直播"}).content.decode()
    assert "甲工坊直播" in page and "乙工坊加工" not in page
    page = client.get(reverse("workshop_list"), {"type": "processing"}).content.decode()
    assert "乙工坊加工" in page and "甲工坊直播" not in page
    page = client.get(reverse("workshop_list"), {"sort": "-name"}).content.decode()
    assert page.index("甲工坊直播") < page.index("乙工坊加工")
    assert "名称（降序）" in page


def test_last_page_lists_the_remaining_rows(client, province_clerk):
    village = villages(YIWU)[0]
    Workshop.objects.bulk_create(
        Workshop(name=f"工坊{n:03d}", village=village, township=village.parent, county=village.county,
                 type="brand", pairing_form="one_one")
        for n in range(120)
    )
    client.force_login(province_clerk)
    response = client.get(reverse("workshop_list"), {"page": 3, "sort": "name"})
    rows = [o.name for o in response.context["page_obj"].object_list]
    assert rows == [f"工坊{n:03d}" for n in range(100, 120)]
    assert "第 3 / 3 页，共 120 条" in response.content.decode()


def test_plan_download_is_scoped_and_stored_under_a_random_name(client, province_clerk, yiwu_staff, dongyang_staff):
    town = CentralTownFactory(division=townships(YIWU)[0])
    plan = SimpleUploadedFile("佛堂镇一镇一策.pdf", b"%PDF-1.4 plan", content_type="application/pdf")
    services.central_town_update(actor=province_clerk, instance=town, data={"plan": plan})
    town.refresh_from_db()
    assert "一镇一策" not in town.plan.name and town.plan.name.endswith(".pdf")
    url = reverse("deliverable-plan", args=["centraltown", town.pk])
    client.force_login(yiwu_staff)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 plan"
    client.force_login(dongyang_staff)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_plan_upload_refuses_other_file_types(province_clerk):
    town = CentralTownFactory(division=townships(YIWU)[0])
    with pytest.raises(Exception) as excinfo:
        services.central_town_update(
            actor=province_clerk, instance=town, data={"plan": SimpleUploadedFile("x.exe", b"MZ")}
        )
    assert excinfo.value.message_dict["plan"] == ["方案文件格式不支持，请上传 PDF、Word、Excel、WPS、OFD 或 ZIP 文件。"]


def test_county_staff_report_a_month_from_the_workshop_page(client, yiwu_staff):
    workshop = WorkshopFactory()
    client.force_login(yiwu_staff)
    url = reverse("workshop_report_create", args=[workshop.pk])
    bad = client.post(url, {"period": "2025-03-01", "employed": 5, "low_income_employed": 9, "avg_monthly_income_gain": "100", "village_collective_income": "0"})
    assert "低收入农户人数不能超过带动就业人数。" in bad.content.decode()
    good = client.post(url, {"period": "2025-03-01", "employed": 9, "low_income_employed": 5, "avg_monthly_income_gain": "100", "village_collective_income": "0"})
    assert good.status_code == 302
    assert workshop.reports.get().submitted_by == yiwu_staff
    other = WorkshopFactory(village=villages(DONGYANG)[0])
    assert client.get(reverse("workshop_report_create", args=[other.pk])).status_code == 404


def test_navigation_lists_the_record_pages(client, yiwu_staff):
    WeakTownshipFactory()
    client.force_login(yiwu_staff)
    page = client.get(reverse("home")).content.decode()
    for key in ("axis", "central_town", "weak_township", "weak_village", "cluster", "workshop", "pairing"):
        assert f'data-nav="{key}_list"' in page


def test_home_card_sums_the_latest_month_of_own_jurisdiction(client, yiwu_staff):
    from .factories import WorkshopReportFactory

    WorkshopReportFactory(employed=30, period="2025-05-01")
    WorkshopReportFactory(employed=12, period="2025-06-01", avg_monthly_income_gain="2000")
    WorkshopReportFactory(employed=99, period="2025-06-01", workshop__village=villages(DONGYANG)[0])
    client.force_login(yiwu_staff)
    page = client.get(reverse("home")).content.decode()
    assert "2025年06月 带动就业 12 人，人均月增收 2,000 元" in page


def test_correcting_a_month_keeps_the_old_figures_in_history(client, yiwu_staff, dongyang_staff):
    from .factories import WorkshopReportFactory

    report = WorkshopReportFactory(employed=30, low_income_employed=5)
    url = reverse("workshop_report_update", args=[report.pk])
    client.force_login(yiwu_staff)
    figures = {"employed": 33, "low_income_employed": 5, "avg_monthly_income_gain": "2600", "village_collective_income": "1.2"}
    missing_reason = client.post(url, figures)
    assert '<div class="invalid-feedback d-block" data-field="reason">' in missing_reason.content.decode()
    assert client.post(url, {**figures, "reason": "漏报3人", "period": "2020-01-01"}).status_code == 302
    report.refresh_from_db()
    assert (report.employed, str(report.period)) == (33, "2025-06-01")
    page = client.get(reverse("workshop_detail", args=[report.workshop_id])).content.decode()
    assert "<td>2025年6月</td>" in page and "<td>带动就业人数</td><td>30</td><td>33</td><td>漏报3人</td>" in page
    client.force_login(dongyang_staff)
    assert client.get(url).status_code == 404
