"""The project pages' forms: a project, a month's report rows, a reason, a lock exception."""
from django import forms

from registry.models import Division, DivisionLevel

from .models import Project, ProjectCategory, ProjectKind, ProjectStage
from .records import record_choices


class ProjectForm(forms.Form):
    """Create/edit input; the services hold the rules, this only parses."""

    name = forms.CharField(label="项目名称", max_length=200)
    category = forms.ModelChoiceField(label="项目类别", queryset=ProjectCategory.objects.filter(is_active=True))
    county = forms.ModelChoiceField(label="所在县（市、区）", queryset=Division.objects.none())
    township = forms.ModelChoiceField(label="所在乡镇（街道）", queryset=Division.objects.none(), required=False)
    owner_unit = forms.CharField(label="业主单位", max_length=128)
    contact_name = forms.CharField(label="联系人", max_length=32, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=32, required=False)
    total_investment = forms.DecimalField(label="总投资（万元）", max_digits=14, decimal_places=2, min_value=0)
    annual_plan = forms.DecimalField(label="本年计划投资（万元）", max_digits=14, decimal_places=2, min_value=0, required=False)
    planned_start = forms.DateField(label="计划开工日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    planned_completion = forms.DateField(label="计划竣工日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label="建设性质", choices=ProjectKind.choices)
    stage = forms.ChoiceField(label="项目阶段", choices=ProjectStage.choices, initial=ProjectStage.PLANNING)
    actual_start = forms.DateField(label="实际开工日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    records = forms.MultipleChoiceField(
        label="服务的台账记录（可多选）", required=False, widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args, user, project: Project | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        current = list(project.record_links.values_list("content_type_id", "object_id")) if project else []
        self.fields["records"].choices = record_choices(user, project.county if project else None, current)
        counties = Division.objects.for_user(user).filter(level=DivisionLevel.COUNTY)
        self.fields["county"].queryset = counties
        self.fields["county"].label_from_instance = lambda d: d.full_name
        townships = Division.objects.for_user(user).filter(level=DivisionLevel.TOWNSHIP)
        if project is not None:
            del self.fields["county"]
            self.fields["reason"] = forms.CharField(label="修改原因", max_length=255, required=False)
            townships = townships.within(project.county)
        self.fields["township"].queryset = townships
        self.fields["township"].label_from_instance = lambda d: d.full_name
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def clean_records(self):
        return [tuple(int(part) for part in value.split(":")) for value in self.cleaned_data["records"]]


class ReportRowForm(forms.Form):
    """One project's line of the monthly reporting page."""

    project = forms.IntegerField(widget=forms.HiddenInput)
    completed = forms.DecimalField(
        label="本月完成投资（万元）", max_digits=14, decimal_places=2, required=False,
        widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.01", "inputmode": "decimal"}),
    )
    progress = forms.CharField(label="形象进度", required=False, widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}))
    problems = forms.CharField(label="存在问题", required=False, widget=forms.Textarea(attrs={"class": "form-control", "rows": 1}))
    note = forms.CharField(label="说明", required=False, widget=forms.TextInput(attrs={"class": "form-control"}))
    actual_start = forms.DateField(label="实际开工日期", required=False, widget=forms.DateInput(attrs={"class": "form-control", "type": "date"}))


ReportRowFormSet = forms.formset_factory(ReportRowForm, extra=0)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", required=False, widget=forms.TextInput(attrs={"class": "form-control"}))


class LockExceptionForm(forms.Form):
    county = forms.ModelChoiceField(
        label="县（市、区）", queryset=Division.objects.filter(level=DivisionLevel.COUNTY), widget=forms.Select(attrs={"class": "form-select"})
    )
    reason = forms.CharField(label="原因", widget=forms.TextInput(attrs={"class": "form-control"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].label_from_instance = lambda d: d.full_name
