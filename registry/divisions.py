"""Loading and defaults for the administrative divisions."""
import csv
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from .models import Division, DivisionLevel, IndexClass

DATA_FILE = Path(__file__).parent / "data" / "zhejiang_divisions.csv"

# 山区海岛县: the 26 mountain counties of the provincial 山区26县 list plus the island counties
# 岱山县 and 嵊泗县 — the 28 counties the programme calls its "main battlefield".
MOUNTAIN_ISLAND_COUNTIES = {
    "330127", "330324", "330326", "330327", "330328", "330329", "330723", "330727", "330802",
    "330803", "330822", "330824", "330825", "330881", "331022", "331023", "331024", "331102",
    "331121", "331122", "331123", "331124", "331125", "331126", "331127", "331181", "330921",
    "330922",
}


def default_index_class(code: str, name: str) -> str:
    """Default county class for the index, editable by administrators afterwards.

    Rule (stated in the README): the 28 mountain/island counties form 山区海岛地区; the other city
    districts (市辖区, names ending in 区) form 高度城镇化地区; county-level cities and counties 其他地区.
    """
    if code in MOUNTAIN_ISLAND_COUNTIES:
        return IndexClass.MOUNTAIN_ISLAND
    if name.endswith("区"):
        return IndexClass.HIGHLY_URBANISED
    return IndexClass.OTHER


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def read_rows(path: Path = DATA_FILE):
    with open(path, encoding="utf-8") as fh:
        yield from csv.DictReader(line for line in fh if not line.startswith("#"))


@transaction.atomic
def load_divisions(path: Path = DATA_FILE, batch_size: int = 2000) -> LoadResult:
    """Create or update divisions from the data file. Idempotent; programme attributes set by
    administrators (mountain/island flag, index class) are only defaulted on creation."""
    rows = sorted(read_rows(path), key=lambda r: int(r["level"]))
    existing = {d.code: d for d in Division.objects.all()}
    by_code = dict(existing)
    result = LoadResult()
    for level in DivisionLevel.values:
        to_create, to_update = [], []
        for row in (r for r in rows if int(r["level"]) == level):
            code, name = row["code"], row["name"]
            parent = by_code.get(row["parent_code"]) if row["parent_code"] else None
            full_name = f"{parent.full_name}/{name}" if parent and parent.level > 1 else name
            div = existing.get(code)
            if div is None:
                is_county = level == DivisionLevel.COUNTY
                div = Division(
                    code=code,
                    key=Division.key_for(code, level),
                    name=name,
                    full_name=full_name,
                    level=level,
                    parent=parent,
                    is_mountain_island=is_county and code in MOUNTAIN_ISLAND_COUNTIES,
                    index_class=default_index_class(code, name) if is_county else "",
                )
                to_create.append(div)
            elif (div.name, div.full_name, div.parent_id) != (name, full_name, parent.pk if parent else None):
                div.name, div.full_name, div.parent = name, full_name, parent
                to_update.append(div)
            else:
                result.unchanged += 1
            by_code[code] = div
        Division.objects.bulk_create(to_create, batch_size=batch_size)
        Division.objects.bulk_update(to_update, ["name", "full_name", "parent"], batch_size=batch_size)
        result.created += len(to_create)
        result.updated += len(to_update)
        if to_create and not to_create[0].pk:
            # SQLite before RETURNING support, or other backends: re-read the primary keys.
            fresh = Division.objects.in_bulk([d.code for d in to_create], field_name="code")
            by_code.update(fresh)
    return result
