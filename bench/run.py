"""Province-scale benchmark: serve the app with gunicorn on 127.0.0.1, load it from a second process,
and report every figure as a ratio to its floor measured in the same run.

    python -m bench.run [--duration 8] [--rounds 3] [--port 8799] [--out bench/results]

Uses DATABASE_URL/REDIS_URL from the environment (PostgreSQL + Redis for real figures). Seed first:
    python manage.py seed_demo --scale province --history 5

Over 400 lines on purpose: one readable list of every step and its floor, each step's rows a short
function here; the load itself lives in the step modules (mix, writes, graph, index, importer).
"""
import argparse
import datetime as dt
import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

from .queries import deepest_path
from .scenarios import SCENARIOS

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = os.environ.get("BENCH_PASSWORD", "Demo@2026zj")


def start_server(port: int, workers: int, threads: int):
    env = dict(os.environ, DJANGO_SETTINGS_MODULE=os.environ.get("BENCH_SETTINGS", "config.settings"), DJANGO_DEBUG="false")
    worker = ["--worker-class", "gthread", "--threads", str(threads)] if threads > 1 else ["--worker-class", "sync"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(workers), *worker,
         "--log-level", "warning"],
        cwd=ROOT, env=env,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return proc
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("gunicorn did not start")


def login(base_url: str, username: str) -> dict:
    """Log in through the real login page and return the headers a browser would send."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base_url}/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}).encode()
    opener.open(urllib.request.Request(f"{base_url}/login/", data=data, headers={"Referer": f"{base_url}/login/"}))
    cookies = {c.name: c.value for c in jar}
    if "sessionid" not in cookies:
        raise SystemExit(f"could not log in as {username}")
    return {
        "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
        "X-CSRFToken": cookies.get("csrftoken", ""),
        "Referer": f"{base_url}/",
    }


def load(base_url, requests, headers, concurrency, duration):
    spec = {"base_url": base_url, "requests": requests, "headers": headers, "concurrency": concurrency,
            "duration": duration}
    return _json_child(["-m", "bench.client"], spec)


def _json_child(args, spec=None, env=None):
    """Run `python <args>` in the repository, feeding `spec` as JSON, and return its JSON output."""
    out = subprocess.run([sys.executable, *args], input=json.dumps(spec) if spec is not None else None,
                         capture_output=True, text=True, cwd=ROOT, env=env)
    if out.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout)


def get_json(base_url, path, headers):
    request = urllib.request.Request(f"{base_url}{path}", headers=headers)
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())


def resolve(base_url, scenario, headers):
    """The subject's requests; for a deepest-page scenario, the last page reached through `next` links."""
    if not scenario.deepest_page:
        return scenario.requests
    method, path, body = scenario.requests[0]
    return [(method, deepest_path(lambda p: get_json(base_url, p, headers), path), body)]


def measure(base_url, scenario, sessions, args):
    """Alternate floor and subject in rounds so that both see the same machine noise."""
    headers = sessions[scenario.user]
    requests = resolve(base_url, scenario, headers)
    floor_runs, subject_runs = [], []
    for _ in range(args.rounds):
        floor_runs.append(load(base_url, scenario.floor, headers, scenario.concurrency, args.duration))
        subject_runs.append(load(base_url, requests, headers, scenario.concurrency, args.duration))
    return merge(floor_runs), merge(subject_runs)


def merge(runs):
    total = sum(r["requests"] for r in runs)
    seconds = sum(r["seconds"] for r in runs)
    p95s = sorted(r["p95_ms"] for r in runs if r["p95_ms"] is not None)
    return {
        "requests": total,
        "errors": sum(r["errors"] for r in runs),
        "error_statuses": sorted({s for r in runs for s in r.get("error_statuses", [])}),
        "rps": round(total / seconds, 1) if seconds else 0.0,
        "p95_ms": p95s[len(p95s) // 2] if p95s else None,  # median of the rounds' p95
    }


def row(name, floor, measured, ratio, target, met, raw=None):
    return {"name": name, "floor": floor, "measured": measured, "ratio": ratio, "target": target, "met": bool(met),
            "raw": raw or {}}


# --- queries per request (in-process, province vs small) ------------------------------------------------

MAX_QUERIES = 8


def query_rows(scenarios, args):
    spec = {"requests": [[s.name, s.user, s.requests[0][1], s.deepest_page] for s in scenarios]}
    big = _json_child(["-m", "bench.queries"], spec)
    small = None
    if args.small_database_url:
        small = _json_child(["-m", "bench.queries"], spec, env=dict(os.environ, DATABASE_URL=args.small_database_url))
    rows = []
    for s in scenarios:
        n, status = big[s.name]["queries"], big[s.name]["status"]
        m = small[s.name]["queries"] if small else None
        met = status == 200 and n <= MAX_QUERIES and (m is None or m == n)
        rows.append(row(
            f"queries per request: {s.name}", f"small: {m if m is not None else 'not measured'}",
            f"province: {n} (HTTP {status})", f"{n} vs {m}", f"equal, ≤ {MAX_QUERIES}", met,
            {"province": big[s.name], "small": small[s.name] if small else None},
        ))
    return rows


# --- roll-ups and imports (their own processes) ----------------------------------------------------------

def rollup_rows(args):
    r = _json_child(["-m", "bench.rollup", "--months", str(args.backfill_months), "--samples", str(args.rollup_samples),
                     "--repeat", str(args.rollup_repeat)])
    one, back = r["one_month"], r["backfill"]
    rows = []
    if one["raw_s"]:
        ratio = round(one["product_s"] / one["raw_s"], 2)
        rows.append(row(
            f"monthly roll-up of one month ({one['month']}), all levels and dimensions",
            f"raw SQL via psycopg {one['raw_s']} s", f"{one['product_s']} s (same figures: {one['same_figures']})",
            f"{ratio}×", "≤ 1.5×", ratio <= 1.5 and one["same_figures"], r,
        ))
    else:
        rows.append(row(f"monthly roll-up of one month ({one['month']})", "raw SQL: PostgreSQL only",
                        f"{one['product_s']} s", "—", "≤ 1.5×", True, r))
    ratio = round(back["runs_s"] / back["linear_s"], 2) if back["runs_s"] and back["linear_s"] else None
    rows.append(row(
        f"backfill of {back['months']} months (manage.py rollup --from --to)",
        f"{args.backfill_months} × one month = {back['linear_s']} s",
        f"{back['runs_s']} s in runs ({back['wall_s']} s wall), peak RSS {back['peak_rss_mb']} MB",
        f"{ratio}×", "≤ 1.1×, ≤ 300 MB",
        ratio is not None and ratio <= 1.1 and back["peak_rss_mb"] <= 300 and not back["failed"], r,
    ))
    return rows


def import_rows(args):
    r = _json_child(["-m", "bench.importer", "--rows", str(args.import_rows)])
    p, f = r["product"], r["floor"]
    ok = p["ok"] and p["created"] == args.import_rows
    if f is None:
        return [row(f"import of a {args.import_rows}-row workbook ({r['sheet']})", "calamine + COPY: PostgreSQL only",
                    f"{p['seconds']} s, peak RSS {p['peak_rss_mb']} MB", "—", "≤ 3×, ≤ 300 MB",
                    ok and p["peak_rss_mb"] <= 300, r)]
    ratio = round(p["seconds"] / f["seconds"], 2)
    return [row(
        f"import of a {args.import_rows}-row workbook ({r['sheet']}: parse, validate, write)",
        f"calamine + COPY {f['seconds']} s", f"{p['seconds']} s, peak RSS {p['peak_rss_mb']} MB, {p['created']} created",
        f"{ratio}×", "≤ 3×, ≤ 300 MB", ok and ratio <= 3 and p["peak_rss_mb"] <= 300, r,
    )]


# --- the programme-structure roll-up and the axis page (rollups/graph) ---------------------------------

def graph_rows(args):
    r = _json_child(["-m", "bench.graph", "--repeat", str(args.rollup_repeat)])
    if r["raw_s"]:
        ratio = round(r["product_s"] / r["raw_s"], 2)
        rows = [row(
            f"structure roll-up of one month ({r['month']}): closure, every node's figures, snapshot upsert",
            f"closure SQL + one raw statement via psycopg {r['raw_s']} s",
            f"{r['product_s']} s, {r['rows']} rows (same figures: {r.get('same_figures')})",
            f"{ratio}×", "≤ 2×", ratio <= 2 and r.get("same_figures"), r,
        )]
    else:
        rows = [row(f"structure roll-up of one month ({r['month']})", "raw SQL: PostgreSQL only",
                    f"{r['product_s']} s", "—", "≤ 2×", True, r)]
    server = start_server(args.port, args.workers, args.threads)
    try:
        from .scenarios import page

        scenario = page("axis page (busiest axis) vs page floor", "manager", r["axis_path"])
        floor, subject = measure(base_url_for(args), scenario, {"manager": login(base_url_for(args), "manager")}, args)
        rows.append(scenario.judge(floor, subject))
    finally:
        server.terminate()
        server.wait(timeout=30)
    return rows


def base_url_for(args) -> str:
    return f"http://127.0.0.1:{args.port}"


INDEX_MAX_RATIO = 5.0


def index_rows(args):
    """One annual period of the index (102 divisions × 18 indicators) against reading its values and upserting
    as many rows by raw SQL: the computation (standardisation, entropy, ranks) may cost at most 5× the I/O."""
    r = _json_child(["-m", "bench.index", "--repeat", str(args.index_repeat)])
    ratio = round(r["product_s"] / r["floor_s"], 2) if r["floor_s"] else None
    return [row(
        f"index computation of one period ({r['period']}: {r['divisions']} divisions × {r['indicators']} indicators)",
        f"read values + upsert rows by raw SQL {r['floor_s']} s", f"{r['product_s']} s", f"{ratio}×",
        f"≤ {INDEX_MAX_RATIO}×", ratio is not None and ratio <= INDEX_MAX_RATIO and r["divisions"] == 102, r,
    )]


# --- month-end mix --------------------------------------------------------------------------------------

MIX_MIN_RPS, MIX_MAX_P95_MS, MIX_MIN_WRITE_SHARE = 150, 300, 0.18
MIX_FLOOR_SECONDS = 60


def county_lanes(base_url, count: int) -> list[dict]:
    """`count` counties' staff and clerk sessions (and the province manager's), the demo's counties first."""
    clerk = login(base_url, "clerk")
    counties = [d["code"] for d in get_json(base_url, "/api/v1/divisions/?level=3&page_size=200", clerk)["results"]]
    preferred = [c for c in MIX_COUNTIES if c in counties] + [c for c in counties if c not in MIX_COUNTIES]
    manager = login(base_url, "manager")
    return [
        {"county": code, "sessions": {"staff": login(base_url, f"staff_{code}"), "clerk": login(base_url, f"clerk_{code}"),
                                      "manager": manager}}
        for code in preferred[:count]
    ]


def mix_rows(base_url, args):
    lanes = county_lanes(base_url, args.mix_lanes)
    marker = f"[bench {dt.datetime.now():%Y%m%d%H%M%S}]"
    spec = {"base_url": base_url, "lanes": lanes, "duration": args.mix_duration, "marker": marker}
    # The machine's ceiling for this mix: the same lanes with every request answered by its floor.
    floor = _json_child(["-m", "bench.mix"], {**spec, "duration": min(args.mix_duration, MIX_FLOOR_SECONDS), "floor": True})
    result = _json_child(["-m", "bench.mix"], spec)
    stored = _json_child(["-m", "bench.mix", "--count", marker])["events"]
    lost = result["acknowledged_writes"] - stored
    result.update(marker=marker, stored_writes=stored, lost_writes=lost, floor=floor)
    # A mix whose writes fell short of their share would flatter the rate: reads are cheaper.
    met = (result["rps"] >= MIX_MIN_RPS and result["p95_ms"] is not None and result["p95_ms"] <= MIX_MAX_P95_MS
           and result["errors"] == 0 and lost == 0 and result["write_share"] >= MIX_MIN_WRITE_SHARE)
    return [row(
        f"month-end mix, {args.mix_duration:g} s (70 % reads, 20 % writes, 10 % board)",
        f"the same lanes on the floors: {floor['rps']} req/s, p95 {floor['p95_ms']} ms",
        f"{result['rps']} req/s, p95 {result['p95_ms']} ms, {result['errors']} errors, "
        f"{result['acknowledged_writes']} writes acknowledged, {stored} stored, "
        f"{result['write_share']:.0%} of requests writes",
        f"rps {round(result['rps'] / floor['rps'], 2) if floor['rps'] else None}, lost writes {lost}",
        f"≥ {MIX_MIN_RPS} req/s, p95 ≤ {MIX_MAX_P95_MS} ms, 0 errors, 0 lost, ≥ {MIX_MIN_WRITE_SHARE:.0%} writes", met, result,
    )]


# Counties whose demo cases exist at every scale first, so that a small dataset still has writes.
MIX_COUNTIES = ["330782", "330783", "331123", "330381"]


# --- case actions against the write floor -----------------------------------------------------------------

WRITES_CONCURRENCY = 4  # the floors' (bench.scenarios.Scenario.concurrency)
WRITES_MIN_RATIO = 0.5
MAX_WRITE_QUERIES = 13  # a feedback: the lock's three, its evidence read and linked, the event's two, its notification, the answer


def writes_rows(base_url, args):
    """Case actions (progress, feedback with a photo, review) by WRITES_CONCURRENCY county lanes, against
    the JSON floor and the write floor on the same threads and sessions, in alternating rounds."""
    lanes = county_lanes(base_url, WRITES_CONCURRENCY)
    marker = f"[bench writes {dt.datetime.now():%Y%m%d%H%M%S}]"
    runs = {"json": [], "write": [], "actions": []}
    for _ in range(args.rounds):
        for mode in runs:
            spec = {"base_url": base_url, "lanes": lanes, "duration": args.duration, "marker": marker, "mode": mode}
            runs[mode].append(_json_child(["-m", "bench.writes"], spec))
    merged = {mode: {**merge(r), "by_request": r[-1]["by_request"]} for mode, r in runs.items()}
    json_floor, write_floor, actions = merged["json"], merged["write"], merged["actions"]
    stored = _json_child(["-m", "bench.mix", "--count", marker])["events"]
    acknowledged = sum(r["acknowledged_writes"] for r in runs["actions"])
    ratio = round(actions["rps"] / write_floor["rps"], 2) if write_floor["rps"] else None
    json_ratio = round(actions["rps"] / json_floor["rps"], 2) if json_floor["rps"] else None
    floors_ratio = round(write_floor["rps"] / json_floor["rps"], 2) if json_floor["rps"] else None
    met = (ratio is not None and ratio >= WRITES_MIN_RATIO and actions["errors"] == 0 and write_floor["errors"] == 0
           and stored == acknowledged)
    rows = [row(
        f"case actions (progress, feedback with a photo, review), {WRITES_CONCURRENCY} threads",
        f"write floor {write_floor['rps']} req/s, p95 {write_floor['p95_ms']} ms; JSON floor {json_floor['rps']} req/s "
        f"(write floor / JSON floor {floors_ratio})",
        f"{actions['rps']} req/s, p95 {actions['p95_ms']} ms, {actions['errors']} errors, {acknowledged} actions "
        f"acknowledged, {stored} events stored",
        f"rps {ratio} of the write floor, {json_ratio} of the JSON floor",
        f"≥ {WRITES_MIN_RATIO} of the write floor, 0 errors, 0 lost", met,
        {"json_floor": json_floor, "write_floor": write_floor, "actions": actions, "marker": marker,
         "acknowledged": acknowledged, "stored": stored},
    )]
    return rows


def write_query_rows(args):
    """Queries per case action and per report write, counted in-process on the province dataset and on
    the small one (bench.write_profile --count): equal, and at most MAX_WRITE_QUERIES."""
    big = _json_child(["-m", "bench.write_profile", "--count"])
    small = None
    if args.small_database_url:
        small = _json_child(["-m", "bench.write_profile", "--count"], env=dict(os.environ, DATABASE_URL=args.small_database_url))
    rows = []
    for name, n in big.items():
        m = small.get(name) if small else None
        met = n <= MAX_WRITE_QUERIES and (m is None or m == n)
        rows.append(row(
            f"queries per write: {name}", f"small: {m if m is not None else 'not measured'}", f"province: {n}",
            f"{n} vs {m}", f"equal, ≤ {MAX_WRITE_QUERIES}", met, {"province": n, "small": m},
        ))
    return rows


STEPS = ["http", "queries", "rollup", "import", "mix", "writes", "graph", "index"]


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=float, default=8.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--port", type=int, default=8799)
    # gunicorn's own advice, 2 × cores + 1 sync workers, measured best here: the month-end mix ran at
    # 50 req/s with it, 41 with 2 workers × 4 threads (threads of one process queue for its GIL).
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 2) + 1)
    parser.add_argument("--threads", type=int, default=1, help="threads per worker; 1: sync workers")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results"))
    parser.add_argument("--only", nargs="*", help="scenario names to run")
    parser.add_argument("--steps", nargs="*", default=STEPS, choices=STEPS)
    parser.add_argument("--small-database-url", default=os.environ.get("BENCH_SMALL_DATABASE_URL", ""),
                        help="the same product seeded with --scale small, for the queries-per-request comparison")
    parser.add_argument("--mix-duration", type=float, default=600.0)
    parser.add_argument("--mix-lanes", type=int, default=8)
    parser.add_argument("--backfill-months", type=int, default=60)
    parser.add_argument("--rollup-samples", type=int, default=6)
    parser.add_argument("--rollup-repeat", type=int, default=3)
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--index-repeat", type=int, default=5)
    args = parser.parse_args(argv)

    base_url = f"http://127.0.0.1:{args.port}"
    scenarios = [s for s in SCENARIOS if not args.only or s.name in args.only]
    rows = []

    def report(new_rows):
        for r in new_rows:
            rows.append(r)
            print(json.dumps({k: v for k, v in r.items() if k != "raw"}, ensure_ascii=False), flush=True)

    if "http" in args.steps or "mix" in args.steps or "writes" in args.steps:
        server = start_server(args.port, args.workers, args.threads)
        try:
            if "http" in args.steps:
                sessions = {user: login(base_url, user) for user in {s.user for s in scenarios}}
                for scenario in scenarios:
                    floor, subject = measure(base_url, scenario, sessions, args)
                    report([scenario.judge(floor, subject)])
            if "writes" in args.steps:
                report(writes_rows(base_url, args))
            if "mix" in args.steps:
                report(mix_rows(base_url, args))
        finally:
            server.terminate()
            server.wait(timeout=30)
    if "queries" in args.steps:
        report(query_rows(scenarios, args))
    if "writes" in args.steps:
        report(write_query_rows(args))
    if "rollup" in args.steps:
        report(rollup_rows(args))
    if "import" in args.steps:
        report(import_rows(args))
    if "graph" in args.steps:
        report(graph_rows(args))
    if "index" in args.steps:
        report(index_rows(args))
    write_results(Path(args.out), rows)
    return 0 if all(r["met"] for r in rows) else 1


def write_results(out_dir: Path, rows):
    """Write the day's results; figures measured earlier the same day by a run of other steps are kept
    (a figure measured again replaces its earlier row)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y-%m-%d")
    path = out_dir / f"{stamp}.json"
    if path.exists():
        fresh = {r["name"] for r in rows}
        rows = [r for r in json.loads(path.read_text(encoding="utf-8")) if r["name"] not in fresh] + rows
    path.write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
    lines = ["| figure | floor | measured | ratio | target | met |", "|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['name']} | {r['floor']} | {r['measured']} | {r['ratio']} | {r['target']} | {'yes' if r['met'] else 'NO'} |")
    (out_dir / f"{stamp}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
