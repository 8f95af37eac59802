"""The board's and the monthly bulletin's "1+3" pairing section: per county, the pairing's tasks due,
closed, overdue and awaiting joint confirmation (每月调度). The figures are the pairing app's selector;
this module only shapes them for the board's table and the bulletin's Section."""
import datetime as dt

from pairing.selectors import section_rows

COLUMNS = [("受帮扶县", "text"), ("任务数", "count"), ("30日内到期", "count"), ("已办结", "count"), ("逾期", "count"),
           ("待联合确认", "count")]


def board_rows(user) -> list[dict]:
    return section_rows(user)


def bulletin_section(division, today: dt.date, heading: str = "六、“1+3”结对帮扶任务"):
    from .bulletins.content import Column, Section, Table  # the bulletin imports this module

    rows = section_rows(division=division, today=today)
    if not rows:
        return Section(heading, ["本地区暂无结对帮扶任务。"])
    table = Table("结对帮扶", [Column(label, kind) for label, kind in COLUMNS], [[r["county"], r["total"], r["due"], r["closed"], r["overdue"], r["awaiting"]] for r in rows])
    return Section(heading, [f"{len(rows)}个山区海岛县的结对帮扶任务办理情况如下。"], table)
