"""Security headers: the Content-Security-Policy everywhere, no-store wherever a user's data is."""
import pathlib
import re

from django.conf import settings


def test_every_page_carries_the_policy_without_inline_script(client, yiwu_staff):
    policy = client.get("/login/")["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    client.force_login(yiwu_staff)
    assert client.get("/")["Content-Security-Policy"] == policy


def test_signed_in_pages_and_api_answers_are_not_stored(client, api_client, yiwu_staff):
    assert "no-store" in api_client.get("/api/v1/ping/")["Cache-Control"]  # even the refusal
    client.force_login(yiwu_staff)
    for path in ("/", "/cases/", "/api/v1/ping/"):
        assert "no-store" in client.get(path)["Cache-Control"], path


def test_no_template_has_inline_script_or_event_handler():
    """The policy would block them: page scripts are files under static/js."""
    root = pathlib.Path(settings.BASE_DIR)
    offenders = []
    for template in root.glob("**/templates/**/*.html"):
        if ".venv" in template.parts:
            continue
        text = template.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", text) or re.search(
            r"\son[a-z]+\s*=", text
        ) or "javascript:" in text:
            offenders.append(str(template.relative_to(root)))
    assert offenders == []
