"""The Jinja2 backend of the table fragments (registry.jinja)."""
import pytest
from django.template import engines
from jinja2 import UndefinedError

from registry.jinja import ChoiceLabels
from registry.models import Division


def render(source, **context):
    return engines["jinja2"].from_string(source).render(context)


def test_lines_are_joined_and_text_is_escaped():
    source = '<tr>\n  <td title="{{ name }}">{{ name }}</td>\n  <td>{{ "a" }}{{ " " }}\n    b</td>\n</tr>\n'
    assert render(source, name="<b>'&\"") == (
        '<tr><td title="&lt;b&gt;&#39;&amp;&#34;">&lt;b&gt;&#39;&amp;&#34;</td><td>a b</td></tr>'
    )


def test_a_key_missing_from_the_context_is_an_error_not_an_empty_cell():
    with pytest.raises(UndefinedError):
        render("<td>{{ row['title'] }}</td>", row={})
    with pytest.raises(UndefinedError):
        render("<td>{{ title }}</td>")


def test_choice_labels_show_a_value_without_a_label_as_itself():
    levels = ChoiceLabels(Division._meta.get_field("level"))
    assert render("{{ levels[3] }}|{{ levels[99] }}", levels=levels) == "县（市、区）|99"
    assert ChoiceLabels(Division._meta.get_field("index_class"))[""] == ""


def test_pages_stay_with_the_django_backend():
    django, jinja = engines.all()
    assert django.name == "django" and jinja.name == "jinja2"
