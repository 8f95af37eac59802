"""The pairing pages' forms: input shapes only; every rule is the services'."""
from django import forms
from django.db.models import Q

from registry.models import Division, DivisionLevel, Organisation

from .models import EnclaveKind


def _styled(form):
    for field in form.fields.values():
        if isinstance(field.widget, forms.CheckboxInput):
            field.widget.attrs.setdefault("class", "form-check-input")
        else:
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


def group_units(pairing):
    """The pairing's units (every group's lead and members): the joint parties a task may name, though
    they sit outside the county."""
    groups = pairing.groups.all()
    return Organisation.objects.filter(
        Q(pk__in=groups.values("lead_unit")) | Q(pk__in=groups.values("members")), is_active=True
    ).select_related("division").order_by("kind", "name")


class TaskForm(forms.Form):
    number = forms.CharField(label="任务编号", max_length=64)
    title = forms.CharField(label="任务名称", max_length=200)
    description = forms.CharField(label="任务内容", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    groups = forms.ModelMultipleChoiceField(label="责任组团", queryset=Organisation.objects.none(), required=False)
    joint_parties = forms.ModelMultipleChoiceField(label="联合销号确认单位（默认为责任组团牵头单位）",
                                                   queryset=Organisation.objects.none(), required=False)
    is_takeover = forms.BooleanField(label="承接任务", required=False)
    lead_unit = forms.ModelChoiceField(label="牵头责任单位（填写则同时交办）", queryset=Organisation.objects.none(), required=False)
    deadline = forms.DateField(label="办理期限", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, pairing, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["groups"].queryset = pairing.groups.all()
        self.fields["groups"].label_from_instance = lambda g: f"{g.get_kind_display()}（{g.lead_unit.name}牵头）"
        self.fields["joint_parties"].queryset = group_units(pairing)
        self.fields["lead_unit"].queryset = units
        _styled(self)

    def clean(self):
        data = super().clean()
        if data.get("lead_unit") and not data.get("deadline"):
            self.add_error("deadline", "交办时请填写办理期限。")
        return data


class JointPartiesForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    parties = forms.ModelMultipleChoiceField(label="联合销号确认单位", queryset=Organisation.objects.none(), required=False)
    comment = forms.CharField(label="调整说明", max_length=500)

    def __init__(self, *args, pairing, case, **kwargs):
        super().__init__(*args, **kwargs)
        current = case.joint_parties.values("party")
        self.fields["parties"].queryset = Organisation.objects.filter(
            Q(pk__in=group_units(pairing).values("pk")) | Q(pk__in=current)).order_by("kind", "name")
        _styled(self)


class VisitForm(forms.Form):
    visited_on = forms.DateField(label="调研日期", widget=forms.DateInput(attrs={"type": "date"}))
    leader = forms.CharField(label="省领导", max_length=32)
    places = forms.CharField(label="调研地点", max_length=500)
    people_met = forms.CharField(label="座谈对象", max_length=500, required=False)
    summary = forms.CharField(label="调研情况", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    problems = forms.CharField(label="现场提出的问题（每行一个，各自转为交办事项）", widget=forms.Textarea(attrs={"rows": 3}),
                               required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)

    def problem_list(self) -> list[dict]:
        return [{"title": line.strip()} for line in self.cleaned_data.get("problems", "").splitlines() if line.strip()]


def _counties():
    return Division.objects.filter(level=DivisionLevel.COUNTY).order_by("code")


class EnclaveForm(forms.Form):
    name = forms.CharField(label="飞地名称", max_length=128)
    kind = forms.ChoiceField(label="飞地类型", choices=EnclaveKind.choices)
    origin = forms.ModelChoiceField(label="飞出地", queryset=_counties())
    host = forms.ModelChoiceField(label="飞入地", queryset=_counties())
    revenue_terms = forms.CharField(label="收益分成约定", widget=forms.Textarea(attrs={"rows": 2}))
    started_on = forms.DateField(label="启用日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)


class RevenueForm(forms.Form):
    enclave = forms.ModelChoiceField(label="飞地", queryset=None)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(label="季度", choices=[(q, f"第{q}季度") for q in range(1, 5)], coerce=int)
    amount = forms.DecimalField(label="分成收益（万元）", min_value=0, max_digits=14, decimal_places=2)
    reason = forms.CharField(label="更正原因（更正已填报的数值时填写）", max_length=500, required=False)

    def __init__(self, *args, enclaves, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enclave"].queryset = enclaves
        _styled(self)


class FundsForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(label="季度", choices=[(q, f"第{q}季度") for q in range(1, 5)], coerce=int)
    funds = forms.DecimalField(label="帮扶资金（万元）", min_value=0, max_digits=14, decimal_places=2)
    note = forms.CharField(label="说明", max_length=500, required=False)
    reason = forms.CharField(label="更正原因（更正已填报的数值时填写）", max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)


class ProjectLinkForm(forms.Form):
    project = forms.ModelChoiceField(label="项目", queryset=None)

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        _styled(self)


class GroupsForm(forms.Form):
    """The province's edit of a pairing's three groups and its provincial leader (registry.deliverables.pairing_groups)."""

    leader = forms.CharField(label="联系省领导", max_length=32, required=False)

    def __init__(self, *args, pairing, **kwargs):
        super().__init__(*args, **kwargs)
        from registry.deliverables.models.pairings import GROUP_MEMBER_KINDS
        from registry.models import PairingGroupKind

        current = {g.kind: g for g in pairing.groups.all()}
        self.initial.setdefault("leader", pairing.provincial_leader)
        for kind, label in PairingGroupKind.choices:
            units = Organisation.objects.filter(is_active=True, kind__in=GROUP_MEMBER_KINDS[kind]).select_related("division").order_by("kind", "name")
            group = current.get(kind)
            self.fields[f"{kind}_lead"] = forms.ModelChoiceField(label=f"{label}牵头单位", queryset=units, required=False,
                                                                 initial=group.lead_unit_id if group else None)
            self.fields[f"{kind}_members"] = forms.ModelMultipleChoiceField(
                label=f"{label}成员单位", queryset=units, required=False,
                initial=[m.pk for m in group.members.all()] if group else [])
        _styled(self)

    def groups(self) -> dict:
        """{kind: (lead, members)} for each group whose lead is chosen."""
        from registry.models import PairingGroupKind

        data = self.cleaned_data
        return {kind: (data[f"{kind}_lead"], list(data[f"{kind}_members"]))
                for kind in PairingGroupKind.values if data.get(f"{kind}_lead")}
