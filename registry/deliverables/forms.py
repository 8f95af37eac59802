"""Create/edit forms of the deliverable records. Forms only parse input; the services validate."""
import re

from django import forms

from registry.models import (
    AxisNodeKind,
    CentralTown,
    DevelopmentAxis,
    Division,
    Organisation,
    OrganisationKind,
    PairingRelationship,
    VillageCluster,
    WeakTownship,
    WeakVillage,
    Workshop,
    WorkshopReport,
)

SEPARATORS = re.compile(r"[\s,，;；、]+")


def resolve_division(text):
    """A division given by its code or by its name path (e.g. 金华市/义乌市/佛堂镇)."""
    text = text.strip()
    lookup = {"code": text} if text.isdigit() else {"full_name": text}
    division = Division.objects.filter(**lookup).first()
    if division is None:
        raise forms.ValidationError(f"找不到区划“{text}”，请填写区划代码或完整路径（如 金华市/义乌市/佛堂镇）。")
    return division


class DivisionField(forms.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("help_text", "填写区划代码或完整路径，如 330782001 或 金华市/义乌市/稠城街道")
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        return value.code if isinstance(value, Division) else value

    def clean(self, value):
        value = super().clean(value)
        return resolve_division(value) if value else None


class DivisionListField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 3})

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", "每行或以逗号、顿号分隔填写一个区划代码")
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        return "\n".join(d.code for d in value) if isinstance(value, list) else value

    def clean(self, value):
        value = super().clean(value)
        return [resolve_division(item) for item in SEPARATORS.split(value or "") if item]


class DeliverableForm(forms.ModelForm):
    reason = forms.CharField(label="修改原因", required=False, max_length=255)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if self.instance.pk is None:
            del self.fields["reason"]
        for name in self.division_fields:
            model_field = self._meta.model._meta.get_field(name)
            required = not (model_field.null or model_field.blank)
            self.fields[name] = DivisionField(label=model_field.verbose_name, required=required)
            if self.instance.pk:
                self.initial[name] = getattr(self.instance, name)
        for name in self.division_list_fields:
            model_field = self._meta.model._meta.get_field(name)
            self.fields[name] = DivisionListField(label=model_field.verbose_name, required=not model_field.blank)
            if self.instance.pk:
                self.initial[name] = list(getattr(self.instance, name).all())
        for field in self.fields.values():
            widget = field.widget
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            if not isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple)):
                widget.attrs.setdefault("class", css)

    division_fields = ()
    division_list_fields = ()

    def service_data(self):
        data = {k: v for k, v in self.cleaned_data.items() if k != "reason"}
        for name, field in self.fields.items():
            if isinstance(field, forms.FileField):
                if name not in self.changed_data:
                    data.pop(name, None)
                elif data[name] is False:  # "clear" ticked
                    data[name] = ""
        return data

    def _post_clean(self):
        # Skip ModelForm's own model validation: the service runs full_clean on the final object once.
        pass


def _provincial(kind):
    return Organisation.objects.filter(kind=kind, is_active=True).order_by("name")


NODE_KINDS = {label: value for value, label in AxisNodeKind.choices}


class AxisForm(DeliverableForm):
    division_fields = ("county",)
    nodes = forms.CharField(
        label="节点", required=False, widget=forms.Textarea(attrs={"rows": 5}),
        help_text="每行一个节点：类型 区划代码（类型为 县城/中心镇/重点村），片区组团写“乡村片区组团 组团名称”",
    )

    class Meta:
        model = DevelopmentAxis
        fields = ["name", "county", "batch", "positioning", "area_share", "population_share", "plan"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["nodes"] = "\n".join(
                f"{n.get_kind_display()} {n.cluster.name if n.cluster_id else n.division.code}"
                for n in self.instance.nodes.select_related("division", "cluster")
            )

    def clean_nodes(self):
        nodes = []
        for number, line in enumerate(filter(None, (l.strip() for l in self.cleaned_data["nodes"].splitlines())), 1):
            label, _, target = line.partition(" ")
            kind = NODE_KINDS.get(label)
            if kind is None or not target.strip():
                raise forms.ValidationError(f"第{number}行格式不对：应为“类型 区划代码”，类型为 县城/中心镇/重点村/乡村片区组团。")
            if kind == AxisNodeKind.CLUSTER:
                cluster = VillageCluster.objects.filter(name=target.strip()).first()
                if cluster is None:
                    raise forms.ValidationError(f"第{number}行：找不到片区组团“{target.strip()}”。")
                nodes.append({"kind": kind, "cluster": cluster})
            else:
                nodes.append({"kind": kind, "division": resolve_division(target)})
        return nodes


class CentralTownForm(DeliverableForm):
    division_fields = ("division",)

    class Meta:
        model = CentralTown
        fields = ["division", "track", "batch", "driven_townships", "plan"]
        widgets = {"driven_townships": forms.SelectMultiple(attrs={"size": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["driven_townships"].queryset = WeakTownship.objects.select_related("division").for_user(self.user)


class WeakPlaceForm(DeliverableForm):
    division_fields = ("division",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["helper_unit"].queryset = Organisation.objects.filter(is_active=True).order_by("kind", "name")

    class Meta:
        fields = ["division", "since", "helper_unit", "plan_summary", "plan"]
        widgets = {"since": forms.DateInput(attrs={"type": "date"})}


class WeakTownshipForm(WeakPlaceForm):
    class Meta(WeakPlaceForm.Meta):
        model = WeakTownship


class WeakVillageForm(WeakPlaceForm):
    class Meta(WeakPlaceForm.Meta):
        model = WeakVillage


class ClusterForm(DeliverableForm):
    division_fields = ("county", "key_village")
    division_list_fields = ("members", "radiated_villages", "cross_county_counties")

    class Meta:
        model = VillageCluster
        fields = [
            "name", "level", "county", "key_village", "members", "radiated_villages", "cross_county_counties",
            "model", "operating_company", "joint_party_organisation",
        ]


class WorkshopForm(DeliverableForm):
    division_fields = ("village",)

    class Meta:
        model = Workshop
        fields = [
            "name", "village", "type", "pairing_form", "partner_enterprises", "steward_name", "steward_unit",
            "steward_phone", "opened_on", "status",
        ]
        widgets = {"opened_on": forms.DateInput(attrs={"type": "date"}), "partner_enterprises": forms.SelectMultiple(attrs={"size": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner_enterprises"].queryset = Organisation.objects.filter(
            kind__in=[OrganisationKind.ENTERPRISE, OrganisationKind.STATE_OWNED_ENTERPRISE]
        ).for_user(self.user).order_by("name")


class PairingForm(DeliverableForm):
    division_fields = ("county", "partner_county")

    class Meta:
        model = PairingRelationship
        fields = [
            "county", "kind", "year", "lead_unit", "member_units", "partner_county", "soe", "provincial_leader",
            "project_name", "revenue_sharing_terms",
        ]
        widgets = {"member_units": forms.SelectMultiple(attrs={"size": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        departments = _provincial(OrganisationKind.PROVINCIAL_DEPARTMENT)
        self.fields["lead_unit"].queryset = departments
        self.fields["member_units"].queryset = departments
        self.fields["soe"].queryset = _provincial(OrganisationKind.STATE_OWNED_ENTERPRISE)


class WorkshopReportForm(DeliverableForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # A correction changes the figures of a month, never which month it is.
            self.fields["period"].disabled = True
            self.fields["reason"].label = "更正原因"
            self.fields["reason"].required = True

    class Meta:
        model = WorkshopReport
        fields = ["period", "employed", "low_income_employed", "avg_monthly_income_gain", "village_collective_income"]
        widgets = {"period": forms.DateInput(attrs={"type": "date"})}
