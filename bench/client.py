"""A small bounded HTTP load client, run as its own process by bench.run.

Each thread keeps one persistent connection and sends requests until the request budget or the time
limit is spent, whichever comes first. Only 127.0.0.1 is ever targeted.
"""
import http.client
import json
import sys
import threading
import time
from urllib.parse import urlsplit


def _worker(host, port, requests, headers, deadline, budget, lock, out):
    conn = http.client.HTTPConnection(host, port, timeout=30)
    i = 0
    while time.perf_counter() < deadline:
        with lock:
            if budget[0] <= 0:
                break
            budget[0] -= 1
        method, path, body = requests[i % len(requests)]
        i += 1
        hdrs = dict(headers)
        if body is not None:
            hdrs["Content-Type"] = "application/json"
        started = time.perf_counter()
        try:
            conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=hdrs)
            response = conn.getresponse()
            response.read()
            ok = response.status < 400
            status = response.status
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=30)
            ok, status = False, 0
        out.append((time.perf_counter() - started, ok, status))
    conn.close()


def percentile(values, q):
    if not values:
        return None
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def run(base_url, requests, headers, concurrency, duration, max_requests):
    parts = urlsplit(base_url)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("bench client only targets the loopback interface")
    lock = threading.Lock()
    budget = [max_requests]
    out = []
    started = time.perf_counter()
    deadline = started + duration
    threads = [
        threading.Thread(target=_worker, args=(parts.hostname, parts.port, requests, headers, deadline, budget, lock, out))
        for _ in range(concurrency)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies = [lat for lat, ok, _ in out if ok]
    errors = [status for _, ok, status in out if not ok]
    return {
        "requests": len(out),
        "errors": len(errors),
        "error_statuses": sorted(set(errors)),
        "seconds": round(elapsed, 3),
        "rps": round(len(out) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(percentile(latencies, 50) * 1000, 2) if latencies else None,
        "p95_ms": round(percentile(latencies, 95) * 1000, 2) if latencies else None,
    }


def main():
    spec = json.loads(sys.stdin.read())
    result = run(
        spec["base_url"],
        [tuple(r) for r in spec["requests"]],
        spec.get("headers", {}),
        spec.get("concurrency", 4),
        spec.get("duration", 5.0),
        spec.get("max_requests", 100000),
    )
    sys.stdout.write(json.dumps(result))


if __name__ == "__main__":
    main()
