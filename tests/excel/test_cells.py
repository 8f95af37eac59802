"""Reading one cell per kind: what is accepted, and the Chinese reason for what is not."""
import datetime as dt
from decimal import Decimal

import pytest

from registry.excel import Column, Kind
from registry.excel.spec import CellError


@pytest.mark.parametrize(("column", "raw", "expected"), [
    (Column("名称", "n", max_length=5), "  城关  ", "城关"),
    (Column("代码", "n"), 330782.0, "330782"),
    (Column("日期文本", "n"), dt.datetime(2026, 1, 31, 0, 0), "2026-01-31"),
    (Column("人数", "n", Kind.INT), 12.0, 12),
    (Column("人数", "n", Kind.INT), "1,200", 1200),
    (Column("金额", "n", Kind.DECIMAL, decimal_places=2), 12.3, Decimal("12.3")),
    (Column("金额", "n", Kind.DECIMAL, decimal_places=2), "8,362.50", Decimal("8362.50")),
    (Column("金额", "n", Kind.DECIMAL), 0.1, Decimal("0.1")),
    (Column("日期", "n", Kind.DATE), dt.datetime(2026, 3, 1, 0, 0), dt.date(2026, 3, 1)),
    (Column("日期", "n", Kind.DATE), "2026/3/1", dt.date(2026, 3, 1)),
    (Column("日期", "n", Kind.DATE), "2026年3月1日", dt.date(2026, 3, 1)),
    (Column("山区", "n", Kind.BOOL), "是", True),
    (Column("山区", "n", Kind.BOOL), "否", False),
    (Column("山区", "n", Kind.BOOL), True, True),
    (Column("类型", "n", Kind.CHOICE, choices=[("a", "农业大镇"), ("b", "工业重镇")]), "工业重镇", "b"),
    (Column("类型", "n", Kind.CHOICE, choices=[("a", "农业大镇"), ("b", "工业重镇")]), "A", "a"),
    (Column("备注", "n"), None, ""),
    (Column("人数", "n", Kind.INT), "", None),
])
def test_cells_are_read_into_python_values(column, raw, expected):
    assert column.clean(raw) == expected


@pytest.mark.parametrize(("column", "raw", "message"), [
    (Column("名称", "n", required=True), "   ", "必填，不能为空"),
    (Column("名称", "n", max_length=2), "三个字", "不能超过 2 个字（现有 3 个）"),
    (Column("人数", "n", Kind.INT), 1.5, "“1.5”不是整数"),
    (Column("人数", "n", Kind.INT), "很多", "“很多”不是整数"),
    (Column("人数", "n", Kind.INT, min_value=0), -1, "不能小于 0"),
    (Column("金额", "n", Kind.DECIMAL, decimal_places=2), 1.234, "最多保留 2 位小数"),
    (Column("金额", "n", Kind.DECIMAL, max_value=100), "101", "不能大于 100"),
    (Column("金额", "n", Kind.DECIMAL), "NaN", "“NaN”不是数字"),
    (Column("日期", "n", Kind.DATE), "下个月", "“下个月”不是日期，请按 2026-01-31 的格式填写"),
    (Column("山区", "n", Kind.BOOL), "也许", "“也许”无效，请填写“是”或“否”"),
    (Column("类型", "n", Kind.CHOICE, choices=[("a", "农业大镇")]), "渔业", "“渔业”不是可选值，可选：农业大镇"),
    (Column("名称", "n"), "=SUM(A1:A9)", "不接受公式，请填写数值或文字本身"),
    (Column("人数", "n", Kind.INT), "=1+1", "不接受公式，请填写数值或文字本身"),
])
def test_bad_cells_are_refused_with_a_chinese_reason(column, raw, message):
    with pytest.raises(CellError) as caught:
        column.clean(raw)
    assert str(caught.value) == message


def test_cells_are_written_so_that_they_read_back_the_same():
    choice = Column("类型", "n", Kind.CHOICE, choices=[("a", "农业大镇")])
    assert choice.to_cell("a") == "农业大镇"
    assert choice.clean(choice.to_cell("a")) == "a"
    yes_no = Column("山区", "n", Kind.BOOL)
    assert [yes_no.clean(yes_no.to_cell(v)) for v in (True, False)] == [True, False]
    money = Column("金额", "n", Kind.DECIMAL, decimal_places=2)
    assert money.clean(float(money.to_cell(Decimal("1234567.89")))) == Decimal("1234567.89")


def test_aware_datetimes_are_written_as_naive_shanghai_time():
    from django.utils import timezone

    column = Column("时间", "t")
    instant = dt.datetime(2026, 1, 31, 16, 30, tzinfo=dt.UTC)
    written = column.to_cell(instant)
    assert written == dt.datetime(2026, 2, 1, 0, 30) and written.tzinfo is None
    assert timezone.get_current_timezone_name() == "Asia/Shanghai"


def test_a_spec_refuses_duplicate_headers_and_unknown_keys():
    from registry.excel import SheetSpec

    with pytest.raises(ValueError):
        SheetSpec("表", columns=[Column("名称", "a"), Column("名称", "b")])
    with pytest.raises(ValueError):
        SheetSpec("表", columns=[Column("名称", "a")], key_columns=["code"])
    with pytest.raises(ValueError):
        Column("类型", "kind", Kind.CHOICE)


def test_a_value_the_column_read_is_not_checked_again_only_where_the_column_checks_as_much():
    from registry.models import Workshop, WorkshopType

    name = Workshop._meta.get_field("name")  # CharField(max_length=100)
    assert Column("名称", "name", max_length=200).validity_test(name) is None  # the column allows more
    assert Column("编号", "name", Kind.INT).validity_test(name) is None
    test = Column("名称", "name", max_length=100).validity_test(name)
    assert test("工坊") and not test("工" * 101) and not test(12)
    kind = Column("类型", "type", Kind.CHOICE, choices=WorkshopType.choices).validity_test(Workshop._meta.get_field("type"))
    assert kind(WorkshopType.values[0]) and not kind("no-such-kind")
    opened = Column("开办日期", "opened_on", Kind.DATE).validity_test(Workshop._meta.get_field("opened_on"))
    assert opened(dt.date(2026, 1, 1)) and not opened("2026-01-01")
