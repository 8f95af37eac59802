"""Every list's filter form applies nothing the user did not choose: each select offers 全部 first, and
plain Chinese choices (no "未知", "（空）" or "---------"); every list states its total."""
from html.parser import HTMLParser

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from cases.models import Case, CaseLevel

from ..cases.factories import make_people, new_case


class _Selects(HTMLParser):
    """The single-choice selects of the page's GET forms: {name: [(value, label), ...]}."""

    def __init__(self):
        super().__init__()
        self.selects, self._form, self._select, self._option = {}, False, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = (attrs.get("method") or "get").lower() == "get"
        elif tag == "select" and self._form and "multiple" not in attrs:
            self._select = attrs["name"]
            self.selects[self._select] = []
        elif tag == "option" and self._select:
            self._option = [attrs.get("value", ""), ""]

    def handle_data(self, data):
        if self._option is not None:
            self._option[1] += data

    def handle_endtag(self, tag):
        if tag == "option" and self._option is not None:
            self.selects[self._select].append((self._option[0], self._option[1].strip()))
            self._option = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._form = False


def _list_paths():
    """Every list page the project routes, found by name so that moving a module does not hide one."""
    paths = []

    def walk(patterns, prefix):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern) and (entry.name or "").endswith(("_list", "-list")):
                route = prefix + str(entry.pattern)
                if "<" not in route and not route.startswith("api/"):
                    paths.append("/" + route)

    walk(get_resolver().url_patterns, "")
    return sorted(set(paths))


@pytest.mark.django_db
def test_every_list_select_offers_all_first_and_no_placeholder_choices(client, province_clerk):
    paths = _list_paths()
    assert {"/cases/", "/projects/", "/divisions/"} <= set(paths)
    client.force_login(province_clerk)
    for path in paths:
        page = client.get(path)
        assert page.status_code == 200, path
        html = page.content.decode()
        assert 'id="list-total"' in html and "共 " in html, path  # the total, even on a single page
        parser = _Selects()
        parser.feed(html)
        for name, options in parser.selects.items():
            assert options and options[0] == ("", "全部"), (path, name, options[:2])
            labels = {label for _, label in options}
            assert not labels & {"未知", "（空）", "---------"}, (path, name)


@pytest.mark.django_db
def test_searching_with_the_forms_defaults_keeps_an_escalated_city_level_case(client, divisions):
    people = make_people()
    case = new_case(people)
    Case.objects.filter(pk=case.pk).update(level=CaseLevel.CITY)
    client.force_login(people.province_clerk)
    parser = _Selects()
    parser.feed(client.get("/cases/").content.decode())
    defaults = {name: options[0][0] for name, options in parser.selects.items()}
    assert defaults["level"] == ""
    listed = client.get("/cases/", {**defaults, "q": ""}).content.decode()
    assert f"/cases/{case.pk}/" in listed


@pytest.mark.django_db
def test_pages_link_a_favicon_and_the_browsers_default_request_finds_it(client, province_clerk):
    client.force_login(province_clerk)
    assert 'rel="icon"' in client.get("/cases/").content.decode()
    answer = client.get("/favicon.ico")
    assert answer.status_code == 301 and answer["Location"].endswith("favicon.svg")
