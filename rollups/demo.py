"""Demo seeder: roll up the months the other seeders filled, so `make demo` opens on a filled board."""
from registry.periods import add_months, current_month

from .figures import earliest_activity_month
from .models import RunTrigger
from .services import rollup_range

DEMO_MONTHS = 12


def seed(*, scale, seed, history, **_) -> dict:
    last = current_month()
    earliest = earliest_activity_month()
    if earliest is None:
        return {"months": 0, "rows": 0}
    first = max(earliest, add_months(last, -(DEMO_MONTHS * max(history, 1) - 1)))
    runs = rollup_range(first=first, last=last, trigger=RunTrigger.DEMO)
    return {"months": len(runs), "rows": sum(r.row_count for r in runs)}
