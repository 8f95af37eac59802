"""What the benchmark measures, each against a floor measured in the same run (see issue 7's table)."""
from dataclasses import dataclass, field

JSON_FLOOR = [("GET", "/api/v1/ping/", None)]
PAGE_FLOOR = [("GET", "/about/", None)]


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

    def judge(self, floor, subject):
        p95_ratio = round(subject["p95_ms"] / floor["p95_ms"], 2) if floor["p95_ms"] and subject["p95_ms"] else None
        rps_ratio = round(subject["rps"] / floor["rps"], 3) if floor["rps"] else None
        met = subject["errors"] == 0 and p95_ratio is not None and p95_ratio <= self.max_p95_ratio
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
        }


SCENARIOS = [
    Scenario("division list API (county staff, townships)", "staff_330782",
             [("GET", "/api/v1/divisions/?level=4&page_size=50", None)], kind="throughput", min_rps_ratio=0.3),
    Scenario("division list page (province clerk, villages)", "clerk",
             [("GET", "/divisions/?level=5", None)], floor=PAGE_FLOOR),
]
