"""Province-scale benchmark: serve the app with gunicorn on 127.0.0.1, load it from a second process,
and report every figure as a ratio to its floor measured in the same run.

    python -m bench.run [--duration 8] [--rounds 3] [--port 8799] [--out bench/results]

Uses DATABASE_URL/REDIS_URL from the environment (PostgreSQL + Redis for real figures). Seed first:
    python manage.py seed_demo --scale province --history 5
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

from .scenarios import SCENARIOS

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = os.environ.get("BENCH_PASSWORD", "Demo@2026zj")


def start_server(port: int, workers: int):
    env = dict(os.environ, DJANGO_SETTINGS_MODULE=os.environ.get("BENCH_SETTINGS", "config.settings"), DJANGO_DEBUG="false")
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(workers),
         "--worker-class", "gthread", "--threads", "4", "--log-level", "warning"],
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
    out = subprocess.run([sys.executable, "-m", "bench.client"], input=json.dumps(spec), capture_output=True,
                         text=True, cwd=ROOT, check=True)
    return json.loads(out.stdout)


def measure(base_url, scenario, sessions, args):
    """Alternate floor and subject in rounds so that both see the same machine noise."""
    headers = sessions[scenario.user]
    floor_runs, subject_runs = [], []
    for _ in range(args.rounds):
        floor_runs.append(load(base_url, scenario.floor, headers, scenario.concurrency, args.duration))
        subject_runs.append(load(base_url, scenario.requests, headers, scenario.concurrency, args.duration))
    return merge(floor_runs), merge(subject_runs)


def merge(runs):
    total = sum(r["requests"] for r in runs)
    seconds = sum(r["seconds"] for r in runs)
    p95s = sorted(r["p95_ms"] for r in runs if r["p95_ms"] is not None)
    return {
        "requests": total,
        "errors": sum(r["errors"] for r in runs),
        "rps": round(total / seconds, 1) if seconds else 0.0,
        "p95_ms": p95s[len(p95s) // 2] if p95s else None,  # median of the rounds' p95
    }


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=float, default=8.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--port", type=int, default=8799)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 2))
    parser.add_argument("--out", default=str(ROOT / "bench" / "results"))
    parser.add_argument("--only", nargs="*", help="scenario names to run")
    args = parser.parse_args(argv)

    base_url = f"http://127.0.0.1:{args.port}"
    server = start_server(args.port, args.workers)
    try:
        scenarios = [s for s in SCENARIOS if not args.only or s.name in args.only]
        sessions = {user: login(base_url, user) for user in {s.user for s in scenarios}}
        rows = []
        for scenario in scenarios:
            floor, subject = measure(base_url, scenario, sessions, args)
            rows.append(scenario.judge(floor, subject))
            print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    write_results(Path(args.out), rows)
    return 0 if all(r["met"] for r in rows) else 1


def write_results(out_dir: Path, rows):
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y-%m-%d")
    (out_dir / f"{stamp}.json").write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
    lines = ["| figure | floor | measured | ratio | target | met |", "|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['name']} | {r['floor']} | {r['measured']} | {r['ratio']} | {r['target']} | {'yes' if r['met'] else 'NO'} |")
    (out_dir / f"{stamp}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
