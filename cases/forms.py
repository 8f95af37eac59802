"""The case pages' forms: logging a case and editing its information (the rules stay in the services)."""
from django import forms
from django.db.models import Q

from registry.models import Division, DivisionLevel, Organisation, PairingGroup

from .models import CaseCategory, CasePriority, CaseSource
from .workdays import MAX_DEADLINE_WORKDAYS, calendar_warning, reachable_calendar_warning


def _units(user):
    return Organisation.objects.for_user(user).filter(is_active=True).select_related("division").order_by("division__code", "name")


# The most the free-text fields of a case hold (the forms' maxlength and validation, the API's too).
DESCRIPTION_MAX_LENGTH = 5000
ACTION_COMMENT_MAX_LENGTH = 2000


def joint_party_choices(user):
    """The units a clerk may name as joint close-out parties: those in their jurisdiction, and the "1+3"
    groups' leads and members of the pairings of their counties, though those sit outside it."""
    groups = PairingGroup.objects.for_user(user)
    return (Organisation.objects.filter(is_active=True)
            .filter(Q(pk__in=_units(user).values("pk")) | Q(pk__in=groups.values("lead_unit")) | Q(pk__in=groups.values("members")))
            .select_related("division").order_by("division__code", "name"))


class CaseCreateForm(forms.Form):
    title = forms.CharField(label="标题", max_length=200)
    category = forms.ModelChoiceField(label="类别", queryset=CaseCategory.objects.filter(is_active=True))
    county = forms.ModelChoiceField(label="县（市、区）", queryset=Division.objects.none())
    description = forms.CharField(label="问题描述", widget=forms.Textarea(attrs={"rows": 3}), required=False,
                                  max_length=DESCRIPTION_MAX_LENGTH, help_text=f"最多 {DESCRIPTION_MAX_LENGTH} 字")
    source = forms.ChoiceField(label="来源", choices=CaseSource.choices)
    priority = forms.TypedChoiceField(label="优先级", choices=CasePriority.choices, coerce=int)
    tags = forms.CharField(label="标签（逗号分隔）", max_length=200, required=False)
    joint_parties = forms.ModelMultipleChoiceField(
        label="联合销号确认单位（可选）", queryset=Organisation.objects.none(), required=False
    )
    lead_unit = forms.ModelChoiceField(label="牵头责任单位（填写则同时交办）", queryset=Organisation.objects.none(), required=False)
    co_units = forms.ModelMultipleChoiceField(label="协同责任单位", queryset=Organisation.objects.none(), required=False)
    deadline = forms.DateField(label="办理期限", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    deadline_workdays = forms.IntegerField(
        label="或：工作日数", min_value=1, max_value=MAX_DEADLINE_WORKDAYS, required=False,
        error_messages={"min_value": "工作日数须为正整数。", "max_value": "工作日数不能超过 %(limit_value)s 个。"},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = Division.objects.for_user(user).filter(level=DivisionLevel.COUNTY)
        units = _units(user)
        for name in ("lead_unit", "co_units"):
            self.fields[name].queryset = units
        self.fields["joint_parties"].queryset = joint_party_choices(user)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def clean(self):
        data = super().clean()
        if data.get("lead_unit") and not (data.get("deadline") or data.get("deadline_workdays")):
            self.add_error("deadline", "交办时请填写办理期限（日期或工作日数）。")
        return data

    @property
    def deadline_calendar_warning(self) -> str:
        """Shown next to the deadline: a chosen date in a year whose calendar is not loaded, or else
        any such year a deadline of up to MAX_DEADLINE_WORKDAYS working days can reach."""
        deadline = getattr(self, "cleaned_data", {}).get("deadline")
        if deadline is not None:
            return calendar_warning(deadline)
        return reachable_calendar_warning()


def unit_choices(user):
    return _units(user)


class CaseEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label="标题", max_length=200)
    category = forms.ModelChoiceField(label="类别", queryset=CaseCategory.objects.filter(is_active=True))
    priority = forms.TypedChoiceField(label="优先级", choices=CasePriority.choices, coerce=int)
    tags = forms.CharField(label="标签（逗号分隔）", max_length=200, required=False)
    description = forms.CharField(label="问题描述", widget=forms.Textarea(attrs={"rows": 3}), required=False,
                                  max_length=DESCRIPTION_MAX_LENGTH, help_text=f"最多 {DESCRIPTION_MAX_LENGTH} 字")
    comment = forms.CharField(label="修改说明", max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
