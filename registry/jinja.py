"""The Jinja2 environment of the second template backend, and rendering of its fragments.

Jinja2 renders only hot fragments (table rows: see docs/performance.md); every page stays a Django
template. The environment exposes only what those fragments use.
"""
import re

from django.template import engines
from django.templatetags.static import static
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from jinja2 import Environment, StrictUndefined
from jinja2.ext import Extension

from .links import id_link


class JoinLines(Extension):
    """Drops each line break and the indentation after it from a template's source before it is
    compiled, so that a row can be written over several indented lines and still come out as the one
    line the pages have always had (the tests compare rows byte for byte). A space the output needs at
    a line's end has to be written inside a tag, `{{ " " }}`, and no tag may be broken over lines."""

    _BREAK = re.compile(r"\n[ \t]*")

    def preprocess(self, source, name, filename=None):
        return self._BREAK.sub("", source)


class ChoiceLabels(dict):
    """A field's choice labels for a fragment to read as `labels[value]`: a dict lookup, where
    `labels.get(value, value)` is a call through the template's context (about a fifth of a division
    row's time). A value without a label shows as itself, as get_FOO_display() shows it."""

    def __init__(self, field):
        super().__init__(field.flatchoices)

    def __missing__(self, value):
        return value


def environment(**options) -> Environment:
    # A name or key a fragment reads and its context lacks is an error, not an empty cell: the
    # fragments' context is ours, so a miss is a bug (Django's default is silence, or a placeholder
    # text with DEBUG).
    options["undefined"] = StrictUndefined
    env = Environment(extensions=[JoinLines], **options)
    # url("name", *args) reverses one URL; id_link("name") returns pk -> URL for a whole table's rows.
    env.globals.update(url=lambda name, *args: reverse(name, args=args), id_link=id_link, static=static)
    return env


def render_fragment(template_name: str, **context) -> SafeString:
    """A fragment of templates/jinja2/ rendered with `context`, safe to put into a Django template.
    The environment compiles each template once and keeps it (with DEBUG it re-reads a changed file)."""
    return mark_safe(engines["jinja2"].get_template(template_name).render(context))
