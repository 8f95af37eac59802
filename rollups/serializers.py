"""The board's API shapes: snapshot rows, board figures, bulletins."""
from django.urls import reverse
from rest_framework import serializers

from registry.api.fields import MonthText

from .models import Bulletin, MonthlySnapshot, RollupRun


class SnapshotSerializer(serializers.ModelSerializer):
    division_code = serializers.CharField(source="division.code", read_only=True)
    division_name = serializers.CharField(source="division.name", read_only=True)

    class Meta:
        model = MonthlySnapshot
        exclude = ["id", "division"]


class BulletinSerializer(serializers.ModelSerializer):
    division_code = serializers.CharField(source="division.code", read_only=True)
    division_name = serializers.CharField(source="division.name", read_only=True)
    requested_by_name = serializers.SerializerMethodField()
    docx_url = serializers.SerializerMethodField()
    xlsx_url = serializers.SerializerMethodField()

    class Meta:
        model = Bulletin
        fields = [
            "id", "month", "division_code", "division_name", "version", "status", "requested_at", "requested_by_name",
            "finished_at", "error", "docx_url", "xlsx_url",
        ]

    def get_requested_by_name(self, obj) -> str | None:
        return str(obj.requested_by) if obj.requested_by_id else None

    def _url(self, obj, kind) -> str | None:
        return reverse("api-rollup-bulletin-download", args=[obj.pk, kind]) if obj.status == "done" else None

    def get_docx_url(self, obj) -> str | None:
        return self._url(obj, "docx")

    def get_xlsx_url(self, obj) -> str | None:
        return self._url(obj, "xlsx")


class BulletinRequestSerializer(serializers.Serializer):
    month = MonthText()
    division = serializers.CharField(help_text="区划代码（省、设区市或县）", required=False)


class PipelineStepSerializer(serializers.Serializer):
    state = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    url = serializers.CharField()
    overdue = serializers.IntegerField(allow_null=True)
    overdue_url = serializers.CharField(allow_null=True)
    due_soon = serializers.IntegerField(allow_null=True)
    due_soon_url = serializers.CharField(allow_null=True)


class TrendPointSerializer(serializers.Serializer):
    month = serializers.DateField()
    dispatched = serializers.IntegerField()
    closed = serializers.IntegerField()
    closed_on_time = serializers.IntegerField()
    open_at_end = serializers.IntegerField()
    overdue_at_end = serializers.IntegerField()
    closure_rate = serializers.FloatField(allow_null=True)
    on_time_rate = serializers.FloatField(allow_null=True)
    planned_investment = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    completed_investment = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    investment_rate = serializers.FloatField(allow_null=True)
    schedule_share = serializers.FloatField()
    schedule_gap = serializers.FloatField(allow_null=True, default=None, help_text="与序时进度差（百分点）")


class BoardRowSerializer(SnapshotSerializer):
    rank = serializers.IntegerField(allow_null=True, read_only=True)
    links = serializers.DictField(child=serializers.CharField(), read_only=True, help_text="各项数字对应的事项清单地址")
    project_links = serializers.DictField(child=serializers.CharField(), read_only=True, help_text="项目数字对应的项目清单地址")


class RankingEntrySerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    division_code = serializers.CharField(source="division.code")
    division_name = serializers.CharField(source="division.name")
    volume = serializers.IntegerField(help_text="办理量（件）或项目数（个）")
    first = serializers.FloatField(allow_null=True, help_text="排名所依的比率")
    second = serializers.FloatField(allow_null=True, help_text="比率相同时所依的第二比率")
    movement = serializers.CharField(help_text="与上月名次比：↑2、↓1、—（不变）、新（上月未排名）")


class DivisionRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class RankingScopeSerializer(serializers.Serializer):
    scope = serializers.CharField(help_text="all 或指数分类")
    label = serializers.CharField()
    entries = RankingEntrySerializer(many=True)
    unranked = DivisionRefSerializer(many=True, help_text="不足最低办理量、未排名的地区")


class RankingSerializer(serializers.Serializer):
    measure = serializers.CharField(source="measure.key", help_text="cases（交办事项）或 projects（重大项目）")
    label = serializers.CharField(source="measure.label")
    rule = serializers.CharField(source="measure.rule")
    scopes = RankingScopeSerializer(many=True)


class BoardFiguresSerializer(serializers.Serializer):
    """The board's figures from the snapshots: serialized once per roll-up and cached."""

    rows = BoardRowSerializer(many=True)
    totals = TrendPointSerializer(allow_null=True)
    totals_links = serializers.DictField(child=serializers.CharField())
    totals_project_links = serializers.DictField(child=serializers.CharField())
    trend = TrendPointSerializer(many=True)
    rankings = RankingSerializer(many=True)


class BoardSerializer(BoardFiguresSerializer):
    month = serializers.DateField()
    division_code = serializers.CharField()
    division_name = serializers.CharField()
    ranking_min_cases = serializers.IntegerField()
    overdue_label = serializers.CharField(help_text="本月未结束为“至今逾期”，已结束月份为“月末逾期”")
    schedule_rule = serializers.CharField(help_text="序时进度的计算口径")
    pipeline = PipelineStepSerializer(many=True)


class RollupRunSerializer(serializers.ModelSerializer):
    requested_by = serializers.CharField(source="requested_by.username", default=None, read_only=True)

    class Meta:
        model = RollupRun
        fields = ["id", "month", "trigger", "status", "forced", "requested_by", "reason", "started_at", "finished_at", "row_count", "message"]


class RollupRequestSerializer(serializers.Serializer):
    month = MonthText()
    force = serializers.BooleanField(default=False, help_text="强制重算已锁定月份（须填写原因）")
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
