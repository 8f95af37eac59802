"""The project API's input and output shapes."""
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from django.urls import reverse
from rest_framework import serializers

from registry.api.fields import ChoiceLabel, MonthOutput, MonthText
from registry.models import Division, DivisionLevel

from ..models import MonthlyReport, Project, ProjectCategory, ProjectKind, ProjectStage, ReportAttachment
from registry.periods import parse_month

from ..records import invalid_reference, parse_record


@extend_schema_field(OpenApiTypes.STR)
class RecordField(serializers.Field):
    """A registry record as 'app_label.model:id'."""

    def to_representation(self, link):
        return f"{link.content_type.app_label}.{link.content_type.model}:{link.object_id}"

    def to_internal_value(self, data):
        record = parse_record(str(data))
        if record is None:
            raise serializers.ValidationError(invalid_reference(data).message_dict["records"])
        return record[0].pk, record[1]


class ProjectSerializer(serializers.ModelSerializer):
    category_name = serializers.CharField(source="category.name", read_only=True)
    county = serializers.CharField(source="county.code", read_only=True)
    county_name = serializers.CharField(source="county.name", read_only=True)
    township = serializers.CharField(source="township.code", read_only=True, allow_null=True, default=None)
    kind_display = ChoiceLabel("kind")
    stage_display = ChoiceLabel("stage")
    records = serializers.ListField(child=RecordField(), source="record_links.all", read_only=True)
    year_plan = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True, help_text="本年计划投资（万元）")
    completed_year = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True, help_text="本年累计完成（万元）")
    completion_rate = serializers.FloatField(read_only=True, allow_null=True, help_text="年度完成率（%）")
    schedule_gap = serializers.FloatField(read_only=True, allow_null=True, help_text="与序时进度之差（百分点）")
    is_lagging = serializers.BooleanField(read_only=True, help_text="滞后于序时进度")
    reported = serializers.BooleanField(read_only=True, help_text="统计月份已提交")
    month_status = serializers.CharField(read_only=True, allow_null=True, help_text="统计月份报告状态")

    class Meta:
        model = Project
        fields = [
            "id", "code", "name", "category", "category_name", "county", "county_name", "township", "owner_unit",
            "contact_name", "contact_phone", "total_investment", "planned_start", "planned_completion", "kind",
            "kind_display", "stage", "stage_display", "actual_start", "records", "year_plan", "completed_year",
            "completion_rate", "schedule_gap", "is_lagging", "reported", "month_status",
        ]


class ProjectWriteSerializer(serializers.Serializer):
    """Input of create and update; the service validates and applies it."""

    name = serializers.CharField(max_length=200)
    category = serializers.PrimaryKeyRelatedField(queryset=ProjectCategory.objects.filter(is_active=True))
    county = serializers.SlugRelatedField(slug_field="code", queryset=Division.objects.filter(level=DivisionLevel.COUNTY))
    township = serializers.SlugRelatedField(
        slug_field="code", queryset=Division.objects.filter(level=DivisionLevel.TOWNSHIP), required=False, allow_null=True
    )
    owner_unit = serializers.CharField(max_length=128)
    contact_name = serializers.CharField(max_length=32, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    total_investment = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    annual_plan = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False, help_text="本年计划投资（万元）")
    planned_start = serializers.DateField(required=False, allow_null=True)
    planned_completion = serializers.DateField(required=False, allow_null=True)
    kind = serializers.ChoiceField(choices=ProjectKind.choices)
    stage = serializers.ChoiceField(choices=ProjectStage.choices, required=False)
    actual_start = serializers.DateField(required=False, allow_null=True)
    records = serializers.ListField(child=RecordField(), required=False)


class ReportAttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="下载地址（需登录且在管辖范围内）")

    class Meta:
        model = ReportAttachment
        fields = ["id", "original_name", "content_type", "size", "uploaded_at", "url"]

    def get_url(self, attachment) -> str:
        return reverse("project-attachment-download", args=[attachment.pk])


class ReportAttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="JPEG、PNG 图片，PDF 或 Office 文档")


class ReportSerializer(serializers.ModelSerializer):
    month = MonthOutput()
    status_display = ChoiceLabel("status")
    cumulative_year = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True, help_text="本年累计完成（万元，已提交口径）")
    submitted_by = serializers.StringRelatedField()
    confirmed_by = serializers.StringRelatedField()
    approved_by = serializers.StringRelatedField()
    attachments = ReportAttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = MonthlyReport
        fields = [
            "id", "project", "month", "completed", "cumulative_year", "progress", "problems", "note", "status",
            "status_display", "submitted_by", "submitted_at", "confirmed_by", "confirmed_at", "approved_by", "approved_at", "attachments",
        ]


class ReportInputSerializer(serializers.Serializer):
    completed = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="本月完成投资（万元）")
    progress = serializers.CharField(required=False, allow_blank=True, default="")
    problems = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")
    actual_start = serializers.DateField(required=False, allow_null=True, default=None)


class ReportCreateSerializer(ReportInputSerializer):
    month = MonthText(help_text="报告月份，如 2026-10")

    def validate_month(self, value):
        try:
            return parse_month(value)
        except ValueError:
            raise serializers.ValidationError("月份格式应为 YYYY-MM，如 2026-10。")


class ReportUpdateSerializer(ReportInputSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", help_text="更正已确认报告时必填")


class MonthActionSerializer(serializers.Serializer):
    reports = serializers.ListField(
        child=serializers.IntegerField(), required=False,
        help_text="报告ID；不填则为管辖范围内该月所有可执行此操作的报告",
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    force = serializers.BooleanField(
        required=False, default=False, help_text="锁定：填报窗口未关闭或尚有待确认报告时强制锁定（须填原因）",
    )


class LockExceptionInputSerializer(serializers.Serializer):
    county = serializers.SlugRelatedField(slug_field="code", queryset=Division.objects.filter(level=DivisionLevel.COUNTY))
    reason = serializers.CharField()


class MonthSummarySerializer(serializers.Serializer):
    month = serializers.CharField()
    locked = serializers.BooleanField()
    window_opens = serializers.DateField()
    window_closes = serializers.DateField()
    status_counts = serializers.DictField(child=serializers.IntegerField())
    missing_by_county = serializers.ListField(child=serializers.DictField())
    exceptions = serializers.ListField(child=serializers.CharField())


class MonthActionResultSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    reports = ReportSerializer(many=True)


class CaseCreatedSerializer(serializers.Serializer):
    case = serializers.IntegerField(help_text="交办事项ID")
    title = serializers.CharField()
