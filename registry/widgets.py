"""The blank choice of every select reads 请选择, not Django's "---------" (forms, filters, the admin).

Django spells its blank choice in several places (model fields' BLANK_CHOICE_DASH, ModelChoiceField's
empty_label, each as a default argument), so it is renamed where every select writes its options."""
from django.db.models.fields import BLANK_CHOICE_DASH
from django.forms import widgets

DJANGO_BLANK = BLANK_CHOICE_DASH[0][1]
BLANK_LABEL = "请选择"


def install_blank_label() -> None:
    original = widgets.ChoiceWidget.create_option
    if getattr(original, "renames_blank", False):
        return

    def create_option(self, name, value, label, *args, **kwargs):
        if label == DJANGO_BLANK and value in ("", None):
            label = BLANK_LABEL
        return original(self, name, value, label, *args, **kwargs)

    create_option.renames_blank = True
    widgets.ChoiceWidget.create_option = create_option
