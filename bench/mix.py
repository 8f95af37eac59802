"""The month-end mix (70 % reads, 20 % writes, 10 % board), run as its own process by bench.run.

County staff read their lists and pages, report progress and feedback through the real case action API
(session, CSRF token, version numbers), and managers open the board, for a fixed duration.

Each thread plays one county (its staff, its clerk and a manager) and writes only to cases its county
government leads, so two threads never race for a case: any 409 or lost write is the product's.
Every write carries the run's marker in its comment; `count_marked_events` counts them afterwards.

A feedback takes its case out of the staff's hands until the clerk reviews it, so a long run (or
earlier runs on the same database) would leave the staff nothing to write to. When a lane's staff
has no rectifying case left, the write is the clerk's review instead: a feedback sent back (退回) to
be reworked, which returns the case to the staff. Writes never turn into reads; the result gives
the share of writes, and bench.run checks it.

    python -m bench.mix < spec.json          # load; prints the result as JSON
    python -m bench.mix --count MARKER       # events carrying MARKER, from the database (Django)"""
import http.client
import json
import os
import random
import re
import sys
import threading
import time
import uuid
from urllib.parse import urlsplit

from .client import percentile
from .scenarios import JSON_FLOOR, PAGE_FLOOR

# The same one-pixel PNG the case demo uses as evidence.
PIXEL_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360f8cf"
    "c00000030101009a1c8c6b0000000049454e44ae426082"
)
READ, WRITE, BOARD = "read", "write", "board"
WEIGHTS = [(READ, 70), (WRITE, 20), (BOARD, 10)]
FEEDBACK_EVERY = 4  # one write in four is a feedback with evidence (upload + action), the rest progress


class Lane:
    """One thread: a county's staff, clerk and a manager, on one persistent connection."""

    def __init__(self, spec, lane, marker, rng):
        parts = urlsplit(spec["base_url"])
        self.host, self.port = parts.hostname, parts.port
        self.sessions = lane["sessions"]
        self.county = lane["county"]
        self.marker = marker
        self.rng = rng
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        self.cases = {}  # case id -> version, the cases this lane's staff may still write to
        self.case_ids = []
        self.reviews = {}  # case id -> version, feedbacks this lane's clerk may send back
        self.clerk_unit = None  # the county task force: the owner of the cases its clerk reviews
        self.writes = 0
        self.acknowledged = 0  # writes the server answered with success
        self.samples = []  # (kind, what, seconds, ok, status)

    def request(self, who, method, path, body=None, content_type="application/json"):
        headers = dict(self.sessions[who])
        if body is not None:
            headers["Content-Type"] = content_type
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
            return response.status, data
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
            return 0, b""

    def timed(self, kind, who, method, path, body=None, content_type="application/json"):
        started = time.perf_counter()
        status, data = self.request(who, method, path, body, content_type)
        ok = 200 <= status < 400
        what = f"{method} {re.sub(r'[0-9]+', 'N', path)}"
        self.samples.append((kind, what, time.perf_counter() - started, ok, status))
        return ok, data

    def _listed(self, who, path) -> list:
        status, data = self.request(who, "GET", path)
        if status != 200:
            raise SystemExit(f"mix: could not list cases for {self.county}: {status}")
        return json.loads(data)["results"]

    def load_cases(self):
        """The rectifying cases this county's government leads, and the feedbacks awaiting its task
        force's review (not timed: the lane's setup)."""
        for item in self._listed("staff", "/api/v1/cases/?state=rectifying&page_size=200"):
            self.cases[item["id"]] = item["version"]
        status, data = self.request("clerk", "GET", "/api/v1/me/")
        self.clerk_unit = json.loads(data)["organisation"]["id"] if status == 200 else None
        for item in self._listed("clerk", f"/api/v1/cases/?county={self.county}&state=feedback&page_size=200"):
            if item["owner"]["id"] == self.clerk_unit:
                self.reviews[item["id"]] = item["version"]
        self.case_ids = sorted(set(self.cases) | set(self.reviews))

    def read(self):
        county = self.county
        choice = self.rng.randrange(6)
        if choice == 0:
            self.timed(READ, "staff", "GET", "/api/v1/cases/?state=rectifying&page_size=50")
        elif choice == 1:
            self.timed(READ, "staff", "GET", "/cases/todo/")
        elif choice == 2 and self.case_ids:
            self.timed(READ, "staff", "GET", f"/cases/{self.rng.choice(self.case_ids)}/")
        elif choice == 3:
            self.timed(READ, "clerk", "GET", "/cases/review/")
        elif choice == 4:
            self.timed(READ, "clerk", "GET", f"/api/v1/cases/?county={county}&state=closed&page_size=50")
        else:
            self.timed(READ, "staff", "GET", "/projects/")

    def board(self):
        path = self.rng.choice(["/rollups/board/", "/api/v1/board/", f"/rollups/board/?division={self.county}",
                                f"/api/v1/board/?division={self.county}"])
        self.timed(BOARD, "manager", "GET", path)

    def write(self):
        if not self.cases:
            return self.send_back()
        case_id = self.rng.choice(list(self.cases))
        self.writes += 1
        comment = f"{self.marker} 第{self.writes}次报送"
        attachments = []
        feedback = self.writes % FEEDBACK_EVERY == 0
        if feedback:
            boundary = uuid.uuid4().hex
            body = (
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"photo.png\"\r\n"
                f"Content-Type: image/png\r\n\r\n".encode() + PIXEL_PNG + f"\r\n--{boundary}--\r\n".encode()
            )
            ok, data = self.timed(WRITE, "staff", "POST", f"/api/v1/cases/{case_id}/attachments/", body,
                                  f"multipart/form-data; boundary={boundary}")
            if not ok:
                return
            attachments = [json.loads(data)["id"]]
        action = {"action": "feedback" if feedback else "progress", "version": self.cases[case_id], "comment": comment,
                  "attachments": attachments}
        ok, data = self.timed(WRITE, "staff", "POST", f"/api/v1/cases/{case_id}/actions/", json.dumps(action))
        if not ok:
            return
        self.acknowledged += 1
        case = json.loads(data)
        if feedback or case["state"] != "rectifying":
            del self.cases[case_id]  # no longer the staff's to write
            # Only the task force that owns the case reviews it: an escalated case is the city's.
            if case["state"] == "feedback" and case["owner"]["id"] == self.clerk_unit:
                self.reviews[case_id] = case["version"]
        else:
            self.cases[case_id] = case["version"]

    def send_back(self):
        """The clerk's review of a feedback: sent back for rework, the case is the staff's again."""
        if not self.reviews:
            raise SystemExit(f"mix: lane {self.county} has neither rectifying cases nor feedbacks to review")
        case_id = self.rng.choice(list(self.reviews))
        self.writes += 1
        action = {"action": "reject", "version": self.reviews[case_id], "comment": f"{self.marker} 第{self.writes}次审核退回"}
        ok, data = self.timed(WRITE, "clerk", "POST", f"/api/v1/cases/{case_id}/actions/", json.dumps(action))
        if not ok:
            return
        self.acknowledged += 1
        del self.reviews[case_id]
        self.cases[case_id] = json.loads(data)["version"]

    def run(self, deadline):
        self.load_cases()
        ops = {READ: self.read, WRITE: self.write, BOARD: self.board}
        kinds, weights = zip(*WEIGHTS)
        while time.perf_counter() < deadline:
            ops[self.rng.choices(kinds, weights)[0]]()
        self.conn.close()


class FloorLane(Lane):
    """The same lane, users and request sequence with every request answered by its floor (an API
    request by the constant JSON view, a page by the constant template page, a write by the JSON
    view): what this machine serves at the mix's concurrency when the product's work costs nothing."""

    def timed(self, kind, who, method, path, body=None, content_type="application/json"):
        _, floor, _ = (JSON_FLOOR if path.startswith("/api/") else PAGE_FLOOR)[0]
        return super().timed(kind, who, "GET", floor)

    def load_cases(self):
        self.case_ids = [0]  # the case page is read like any page

    def write(self):
        self.writes += 1
        if self.writes % FEEDBACK_EVERY == 0:
            self.timed(WRITE, "staff", "POST", "/api/v1/cases/0/attachments/")
        ok, _ = self.timed(WRITE, "staff", "POST", "/api/v1/cases/0/actions/")
        self.acknowledged += ok


def request_breakdown(samples) -> dict:
    """Where the time goes: each request type's count, median and p95 (ms), from (kind, what, seconds,
    ok, status) samples."""
    by_request = {}
    for what in sorted({s[1] for s in samples}):
        times = [s[2] for s in samples if s[1] == what and s[3]]
        by_request[what] = {"count": sum(1 for s in samples if s[1] == what),
                            "p50_ms": round(percentile(times, 50) * 1000, 1) if times else None,
                            "p95_ms": round(percentile(times, 95) * 1000, 1) if times else None}
    return by_request


def run(spec) -> dict:
    if urlsplit(spec["base_url"]).hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("bench mix only targets the loopback interface")
    marker = spec["marker"]
    lane_class = FloorLane if spec.get("floor") else Lane
    lanes = [lane_class(spec, lane, marker, random.Random(i)) for i, lane in enumerate(spec["lanes"])]
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
    by_kind = {kind: sum(1 for s in samples if s[0] == kind) for kind, _ in WEIGHTS}
    by_request = request_breakdown(samples)
    return {
        "requests": len(samples),
        "errors": len(errors),
        "error_statuses": sorted(set(errors)),
        "seconds": round(elapsed, 3),
        "rps": round(len(samples) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(percentile(latencies, 50) * 1000, 2) if latencies else None,
        "p95_ms": round(percentile(latencies, 95) * 1000, 2) if latencies else None,
        "by_kind": by_kind,
        "write_share": round(by_kind[WRITE] / len(samples), 3) if samples else 0.0,
        "by_request": by_request,
        "acknowledged_writes": sum(lane.acknowledged for lane in lanes),
    }


def count_marked_events(marker: str) -> int:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from cases.models import CaseEvent

    return CaseEvent.objects.filter(comment__startswith=marker).count()


def main():
    if sys.argv[1:2] == ["--count"]:
        sys.stdout.write(json.dumps({"events": count_marked_events(sys.argv[2])}))
        return
    sys.stdout.write(json.dumps(run(json.loads(sys.stdin.read()))))


if __name__ == "__main__":
    main()
