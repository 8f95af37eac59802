"""Queries per request, counted in-process for every page and API the benchmark loads.

django.test.Client + CaptureQueriesContext, against the database DATABASE_URL names. bench.run runs it
on the province dataset and on a `--scale small` one: the counts must be equal (constant as data grows)
and small.

    python -m bench.queries < spec.json      # {"requests": [[name, username, path, deepest_page], ...]}

Prints {name: {"queries": n, "status": code, "path": path}} as JSON. Each request is made twice and
the second is counted, so per-process caches (content types, the calendar) do not count."""
import json
import os
import sys
from urllib.parse import urlsplit


def deepest_path(get, path: str, walk_size: int = 200) -> str:
    """The last page of a cursor-paginated list, reached by following its `next` links: big pages to
    get there, then the list's own page size for the last steps."""
    size = dict(p.split("=", 1) for p in urlsplit(path).query.split("&") if "=" in p).get("page_size", "50")
    walk = path.replace(f"page_size={size}", f"page_size={walk_size}")
    current = walk
    while True:
        data = get(current)
        if not data.get("next"):
            break
        current = _path_of(data["next"])
    current = current.replace(f"page_size={walk_size}", f"page_size={size}")
    while True:
        data = get(current)
        if not data.get("next"):
            return current
        current = _path_of(data["next"])


def _path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def count(requests) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from registry.models import User

    clients = {}
    out = {}
    for name, username, path, deepest in requests:
        if username not in clients:
            clients[username] = Client()
            clients[username].force_login(User.objects.get(username=username))
        client = clients[username]
        if deepest:
            path = deepest_path(lambda p: client.get(p).json(), path)
        client.get(path)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        out[name] = {"queries": len(captured.captured_queries), "status": response.status_code, "path": path}
    return out


def main():
    spec = json.loads(sys.stdin.read())
    sys.stdout.write(json.dumps(count(spec["requests"])))


if __name__ == "__main__":
    main()
