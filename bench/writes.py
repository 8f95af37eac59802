"""Case actions under load, run as its own process by bench.run: each thread is one county's staff and
clerk (bench.mix's lanes) writing through the real case action API — progress, a feedback with a
photo (upload, then the action citing it), the clerk's review sending it back — in that cycle, each
thread on its own county's cases, so any 409 is the product's. The same threads then (or before, in
alternating rounds) load the two floors: the JSON floor (GET /api/v1/ping/) and the write floor
(POST /api/v1/ping/write/?slot=N: one row locked and updated, one inserted, in one transaction).

    python -m bench.writes < spec.json     # {"base_url", "lanes", "duration", "marker", "mode": "actions"|"json"|"write"}
"""
import json
import random
import sys
import threading
import time
from urllib.parse import urlsplit

from .client import percentile
from .mix import WRITE, Lane, request_breakdown
from .scenarios import JSON_FLOOR

WRITE_FLOOR = [("POST", "/api/v1/ping/write/", None)]


class ActionLane(Lane):
    """Writes only: two progress reports, a feedback with a photo, the review that sends it back."""

    def run(self, deadline):
        self.load_cases()
        if not self.cases and not self.reviews:
            return  # a county without cases to write to (a small dataset): this thread sits out
        while time.perf_counter() < deadline:
            if self.reviews and self.writes % 4 == 0:
                self.send_back()
            else:
                self.write()
        self.conn.close()


class FloorLane(Lane):
    """The same thread and session on a floor: the JSON floor, or the write floor on its own slot."""

    def __init__(self, spec, lane, marker, rng, index):
        super().__init__(spec, lane, marker, rng)
        self.method, path, _ = (WRITE_FLOOR if spec["mode"] == "write" else JSON_FLOOR)[0]
        self.path = f"{path}?slot={index}" if spec["mode"] == "write" else path

    def run(self, deadline):
        while time.perf_counter() < deadline:
            ok, _ = self.timed(WRITE, "staff", self.method, self.path)
            self.acknowledged += ok
        self.conn.close()


def run(spec) -> dict:
    if urlsplit(spec["base_url"]).hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("bench writes only targets the loopback interface")
    marker, mode = spec["marker"], spec["mode"]
    lanes = [
        ActionLane(spec, lane, marker, random.Random(i)) if mode == "actions" else FloorLane(spec, lane, marker, random.Random(i), i)
        for i, lane in enumerate(spec["lanes"])
    ]
    for lane in lanes:  # the lanes' setup (listing their cases) is not timed
        if mode == "actions":
            lane.load_cases()
            lane.load_cases = lambda: None
    started = time.perf_counter()
    deadline = started + spec["duration"]
    threads = [threading.Thread(target=lane.run, args=(deadline,)) for lane in lanes]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    samples = [s for lane in lanes for s in lane.samples]
    latencies = [s[2] for s in samples if s[3]]
    errors = [s[4] for s in samples if not s[3]]
    by_request = request_breakdown(samples)
    return {
        "requests": len(samples),
        "errors": len(errors),
        "error_statuses": sorted(set(errors)),
        "seconds": round(elapsed, 3),
        "rps": round(len(samples) / elapsed, 1) if elapsed else 0.0,
        "p95_ms": round(percentile(latencies, 95) * 1000, 2) if latencies else None,
        "by_request": by_request,
        "acknowledged_writes": sum(lane.acknowledged for lane in lanes),
    }


def main():
    sys.stdout.write(json.dumps(run(json.loads(sys.stdin.read()))))


if __name__ == "__main__":
    main()
