"""Index periods: a year ("2026") or a quarter ("2026Q3"). Quarterly values are year-to-date figures
(前三季度), as the statistics bureau publishes them."""
import datetime as dt
import re

_PATTERN = re.compile(r"^\s*(\d{4})\s*(?:[Qq年第]?\s*([1-4])\s*(?:季度|季)?)?\s*年?\s*$")
_PLAUSIBLE = range(2000, 2101)


def parse_period(text) -> str:
    """'2026', '2026Q3', '2026 q3', '2026年第3季度' → '2026' / '2026Q3'; ValueError (Chinese) otherwise."""
    match = _PATTERN.match(str(text or "").replace("年第", "Q"))
    if not match or int(match.group(1)) not in _PLAUSIBLE:
        raise ValueError(f"“{text}”不是有效的期别，应写成年份（如 2026）或季度（如 2026Q3）")
    year, quarter = match.groups()
    return f"{year}Q{quarter}" if quarter else year


def split(period: str) -> tuple[int, int | None]:
    year, _, quarter = period.partition("Q")
    return int(year), int(quarter) if quarter else None


def is_quarter(period: str) -> bool:
    return "Q" in period


def label(period: str) -> str:
    year, quarter = split(period)
    return f"{year}年第{quarter}季度" if quarter else f"{year}年"


def previous(period: str) -> str:
    """The period before: the previous quarter, or the previous year."""
    year, quarter = split(period)
    if quarter is None:
        return str(year - 1)
    return f"{year - 1}Q4" if quarter == 1 else f"{year}Q{quarter - 1}"


def same_last_year(period: str) -> str:
    year, quarter = split(period)
    return f"{year - 1}Q{quarter}" if quarter else str(year - 1)


def bounds(period: str) -> tuple[dt.date, dt.date]:
    year, quarter = split(period)
    if quarter is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    first = dt.date(year, 3 * quarter - 2, 1)
    last = dt.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - dt.timedelta(days=1)
    return first, last


def elapsed_share(period: str) -> float:
    """Share of the year a period's year-to-date figure covers: Q1 0.25 … Q4 and a year 1.0."""
    _, quarter = split(period)
    return (quarter or 4) / 4


def sort_key(period: str) -> tuple[int, int]:
    year, quarter = split(period)
    return year, quarter or 5


def recent(period: str, count: int) -> list[str]:
    """`count` periods of the same kind ending with `period`, oldest first."""
    found = [period]
    while len(found) < count:
        found.append(previous(found[-1]))
    return found[::-1]
