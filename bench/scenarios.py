"""What the benchmark measures, each against a floor measured in the same run (see issue 7's table).

Users and places are the demo's (seed_demo): the province clerk `clerk`, the province `manager`, and
Yiwu (330782), whose county task force and government exist at every scale.
"""
from dataclasses import dataclass, field

JSON_FLOOR = [("GET", "/api/v1/ping/", None)]
PAGE_FLOOR = [("GET", "/about/", None)]
COUNTY = "330782"
CASES_FIRST_PAGE = [("GET", "/api/v1/cases/?page_size=50", None)]


@dataclass(frozen=True)
class Scenario:
    name: str
    user: str
    requests: list
    floor: list = field(default_factory=lambda: JSON_FLOOR)
    # "throughput": subject rps >= min_rps_ratio × floor and p95 <= max_p95_ratio × floor; "latency": p95 only.
    kind: str = "latency"
    min_rps_ratio: float = 0.0
    max_p95_ratio: float = 4.0
    concurrency: int = 4
    # The subject is the last page reached by following the floor's `next` links (keyset pagination).
    deepest_page: bool = False

    def judge(self, floor, subject):
        p95_ratio = round(subject["p95_ms"] / floor["p95_ms"], 2) if floor["p95_ms"] and subject["p95_ms"] else None
        rps_ratio = round(subject["rps"] / floor["rps"], 3) if floor["rps"] else None
        met = subject["errors"] == 0 and floor["errors"] == 0 and p95_ratio is not None and p95_ratio <= self.max_p95_ratio
        target = f"p95 ≤ {self.max_p95_ratio}×"
        if self.kind == "throughput":
            met = met and rps_ratio is not None and rps_ratio >= self.min_rps_ratio
            target = f"rps ≥ {self.min_rps_ratio:.0%}, " + target
        return {
            "name": self.name,
            "floor": f"{floor['rps']} req/s, p95 {floor['p95_ms']} ms",
            "measured": f"{subject['rps']} req/s, p95 {subject['p95_ms']} ms, {subject['errors']} errors",
            "ratio": f"rps {rps_ratio}, p95 {p95_ratio}",
            "target": target,
            "met": met,
            "raw": {"floor": floor, "subject": subject},
        }


def page(name, user, path):
    return Scenario(name, user, [("GET", path, None)], floor=PAGE_FLOOR)


def api(name, user, path, **kwargs):
    return Scenario(name, user, [("GET", path, None)], **kwargs)


SCENARIOS = [
    api("case list API (county + state, 50 rows)", "clerk", f"/api/v1/cases/?county={COUNTY}&state=closed&page_size=50",
        kind="throughput", min_rps_ratio=0.3),
    page("county staff to-do page", f"staff_{COUNTY}", "/cases/todo/"),
    page("clerk review queue", f"clerk_{COUNTY}", "/cases/review/"),
    page("project list page (province)", "clerk", "/projects/"),
    page("board page (province)", "manager", "/rollups/board/"),
    page("board page (one county)", "manager", f"/rollups/board/?division={COUNTY}"),
    api("board API (province)", "manager", "/api/v1/board/"),
    api("board API (one county)", "manager", f"/api/v1/board/?division={COUNTY}"),
    Scenario("case list API, deepest page vs first", "clerk", CASES_FIRST_PAGE, floor=CASES_FIRST_PAGE,
             max_p95_ratio=1.5, deepest_page=True),
    api("division list API (county staff, townships)", f"staff_{COUNTY}", "/api/v1/divisions/?level=4&page_size=50",
        kind="throughput", min_rps_ratio=0.3),
    page("division list page (province clerk, villages)", "clerk", "/divisions/?level=5"),
    page("index board page (province manager, one class with a county's radar)", "manager",
         f"/monitoring/?group=other&division={COUNTY}"),
    page("index board page (county staff)", f"staff_{COUNTY}", "/monitoring/"),
]
