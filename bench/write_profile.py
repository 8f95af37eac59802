"""One write profiled in-process: its SQL (CaptureQueriesContext) and where its CPU goes (cProfile),
through the real API with a logged-in session, against the database DATABASE_URL names. The numbers
for docs/performance.md ("Writes as cheap as reads"); bench.run's writes step counts queries with it.

    python -m bench.write_profile [--action progress|feedback|review|report_save|report_submit]
                                  [--repeat 20] [--top 25] [--sql]

Prints JSON: per request its queries (count, SQL with times with --sql) and, over --repeat runs of
the same write, the cProfile top functions by cumulative and own time. The first run of each request
is not counted (per-process caches: content types, the calendar, compiled SQL).
Writes go to the database for real: run it on a demo database, never on production.
"""
import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time

from .mix import PIXEL_PNG

COUNTY = "330782"


def _setup():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()


def _client(username):
    from django.test import Client

    from registry.models import User

    client = Client(enforce_csrf_checks=False)
    client.force_login(User.objects.get(username=username))
    return client


def _case():
    """A rectifying case the county's staff lead and its clerk's task force owns (so the clerk reviews
    it); a feedback of theirs is sent back first if none is rectifying (not counted)."""
    from cases.models import Case, CaseState
    from cases.services import perform_action
    from registry.models import User

    staff, clerk = User.objects.get(username=f"staff_{COUNTY}"), User.objects.get(username=f"clerk_{COUNTY}")
    theirs = Case.objects.filter(lead_unit=staff.organisation, owner=clerk.organisation).order_by("pk")
    case = theirs.filter(state=CaseState.RECTIFYING).first()
    if case is None:
        case = theirs.filter(state=CaseState.FEEDBACK).first()
        if case is None:
            raise SystemExit(f"no rectifying case for county {COUNTY}: seed the demo first")
        case = perform_action(case=case, action="reject", by=clerk, version=case.version, comment="基准测试准备")
    return case


def _post_action(client, case_id, body):
    response = client.post(f"/api/v1/cases/{case_id}/actions/", json.dumps(body), content_type="application/json")
    if response.status_code != 200:
        raise SystemExit(f"{body['action']} failed: {response.status_code} {response.content[:500]!r}")
    return response.json()


def _upload(client, case_id):
    from django.core.files.uploadedfile import SimpleUploadedFile

    photo = SimpleUploadedFile("photo.png", PIXEL_PNG, content_type="image/png")
    response = client.post(f"/api/v1/cases/{case_id}/attachments/", {"file": photo})
    if response.status_code != 201:
        raise SystemExit(f"upload failed: {response.status_code} {response.content[:500]!r}")
    return response.json()["id"]


def writes(action):
    """A function making one write of `action` (answering {request name: response}), and the counted
    requests' names. Each write leaves the case where the next can repeat it."""
    staff, clerk = _client(f"staff_{COUNTY}"), _client(f"clerk_{COUNTY}")
    if action == "progress":
        case = _case()
        version = [case.version]

        def one():
            answer = _post_action(staff, case.pk, {"action": "progress", "version": version[0], "comment": "进展"})
            version[0] = answer["version"]

        return one
    if action in ("feedback", "review"):
        case = _case()
        version = [case.version]

        def one(measure=None):
            measure = measure or (lambda name, f: f())
            attachment = measure("upload", lambda: _upload(staff, case.pk))
            answer = measure("feedback", lambda: _post_action(staff, case.pk, {
                "action": "feedback", "version": version[0], "comment": "已整改", "attachments": [attachment]}))
            answer = measure("review", lambda: _post_action(clerk, case.pk, {
                "action": "reject", "version": answer["version"], "comment": "请补充材料"}))
            version[0] = answer["version"]

        return one
    if action in ("report_save", "report_submit"):
        return _report_writes(action)
    raise SystemExit(f"unknown action {action}")


def _report_writes(action):
    from projects.models import MonthlyReport, Project, ReportStatus
    from registry.periods import current_month

    staff = _client(f"staff_{COUNTY}")
    month = current_month()
    project = Project.objects.filter(county__code=COUNTY).order_by("pk").first()
    if project is None:
        return None  # no projects in this dataset (the CI's)
    MonthlyReport.objects.filter(project=project, month=month).update(status=ReportStatus.DRAFT)
    path = f"/api/v1/projects/{project.pk}/reports/"
    counter = [0]

    def save():
        counter[0] += 1
        body = {"month": f"{month:%Y-%m}", "completed": "1.5", "progress": f"第{counter[0]}次填报", "problems": "", "note": ""}
        response = staff.post(path, json.dumps(body), content_type="application/json")
        if response.status_code not in (200, 201):
            raise SystemExit(f"report save failed: {response.status_code} {response.content[:500]!r}")

    def one(measure=None):
        measure = measure or (lambda name, f: f())
        measure("report_save", save)
        if action == "report_submit":
            report = MonthlyReport.objects.get(project=project, month=month)
            response = measure("report_submit", lambda: staff.post(
                f"/api/v1/project-months/{month:%Y-%m}/submit/", json.dumps({"reports": [report.pk]}), content_type="application/json"))
            if response.status_code != 200:
                raise SystemExit(f"submit failed: {response.status_code} {response.content[:500]!r}")
            MonthlyReport.objects.filter(pk=report.pk).update(status=ReportStatus.DRAFT)

    return one


def profile(action, repeat=20, top=25, sql=False) -> dict:
    _setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    one = writes(action)
    counted = {}

    def measure(name, f):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            result = f()
            elapsed = time.perf_counter() - started
        counted[name] = {
            "queries": len(captured.captured_queries),
            "ms": round(elapsed * 1000, 2),
            "sql": [{"ms": round(float(q["time"]) * 1000, 2), "sql": q["sql"][:300]} for q in captured.captured_queries],
        }
        return result

    simple = action == "progress"
    run = (lambda: measure("progress", one)) if simple else (lambda: one(measure))
    run()  # warm: per-process caches
    run()
    result = {"action": action, "requests": {}}
    for name, data in counted.items():
        result["requests"][name] = {k: v for k, v in data.items() if sql or k != "sql"}
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(repeat):
        one() if simple else one()
    profiler.disable()
    result["ms_per_write"] = round((time.perf_counter() - started) * 1000 / repeat, 2)
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(top)
        result[f"top_{order}"] = out.getvalue().splitlines()
    return result


def count() -> dict:
    """Queries of each counted write (the second of two runs): {"progress": n, "upload": n, ...}."""
    _setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from registry.generations import current_epoch

    counted = {}

    def measure(name, f):
        current_epoch()  # read at most once a second per process: not the write's
        with CaptureQueriesContext(connection) as captured:
            result = f()
        counted[f"case action: {name}" if name not in ("report_save", "report_submit") else f"monthly report: {name}"] = (
            len(captured.captured_queries))
        return result

    for one in (writes("feedback"), writes("report_submit")):
        for _ in range(2 if one else 0):
            one(measure)
    progress = writes("progress")  # the case the feedback left, at its version now
    for _ in range(2):
        measure("progress", progress)
    counted["case action: feedback (its photo uploaded before)"] = counted.pop("case action: feedback")
    counted["case action: photo upload (for a feedback)"] = counted.pop("case action: upload")
    counted["case action: review (sent back)"] = counted.pop("case action: review")
    return counted


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", action="store_true", help="queries per write only, as JSON")
    parser.add_argument("--action", default="progress",
                        choices=["progress", "feedback", "review", "report_save", "report_submit"])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sql", action="store_true")
    args = parser.parse_args(argv)
    if args.count:
        sys.stdout.write(json.dumps(count(), ensure_ascii=False))
        return
    sys.stdout.write(json.dumps(profile(args.action, args.repeat, args.top, args.sql), ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
