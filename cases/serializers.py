"""The case API's input and output shapes."""
import datetime as dt

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from registry.api.fields import ChoiceLabel
from registry.models import Division, Organisation

from .concerns import concern_for_user
from .forms import ACTION_COMMENT_MAX_LENGTH, DESCRIPTION_MAX_LENGTH
from .models import Attachment, Case, CaseCategory, CaseEvent, CaseSource
from .selectors import labelled
from .workdays import MAX_DEADLINE_WORKDAYS, calendar_warning
from .workflow import ACTIONS, available_actions


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name"]


class AttachmentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "original_name", "content_type", "size", "sha256", "event", "uploaded_at", "download_url"]

    def get_download_url(self, obj) -> str:
        return reverse("api-case-attachment-download", args=[obj.pk])


class CasePageSerializer(serializers.ListSerializer):
    """A page of cases from plain rows (selectors.case_list_rows), written out directly: DRF's field
    machinery (a signature inspection for every callable source, a nested serializer per unit) and
    the model instances cost most of a 50-row page at province scale. The output is exactly
    CaseListSerializer's (tests/cases/test_api.py compares them)."""

    def to_representation(self, data):
        data = labelled(data)
        states, levels = dict(Case._meta.get_field("state").flatchoices), dict(Case._meta.get_field("level").flatchoices)
        tz = timezone.get_current_timezone()
        return [
            {
                "id": row["id"], "title": row["title"], "category": row["category__name"], "county": row["county__code"],
                "county_name": row["county__name"], "state": row["state"], "state_label": str(states.get(row["state"], row["state"])),
                "level": row["level"], "level_label": str(levels.get(row["level"], row["level"])),
                "deadline": row["deadline"].isoformat() if row["deadline"] else None,
                "lead_unit": {"id": row["lead_unit_id"], "name": row["lead_unit__name"]} if row["lead_unit_id"] else None,
                "owner": {"id": row["owner_id"], "name": row["owner__name"]}, "yellow_card": row["yellow_card"],
                "red_card": row["red_card"], "version": row["version"],
                # DRF's DateTimeField output (ISO 8601 in the current time zone) without its per-value lookups.
                "created_at": _iso(row["created_at"].astimezone(tz)),
            }
            for row in data
        ]


def _iso(moment) -> str:
    value = moment.isoformat()
    return value[:-6] + "Z" if value.endswith("+00:00") else value


class CaseListSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.name")
    county = serializers.CharField(source="county.code")
    county_name = serializers.CharField(source="county.name")
    state_label = ChoiceLabel("state")
    level_label = ChoiceLabel("level")
    lead_unit = UnitSerializer(allow_null=True)
    owner = UnitSerializer()

    class Meta:
        model = Case
        fields = [
            "id", "title", "category", "county", "county_name", "state", "state_label", "level", "level_label",
            "deadline", "lead_unit", "owner", "yellow_card", "red_card", "version", "created_at",
        ]
        list_serializer_class = CasePageSerializer


class ActionInfoSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    requires = serializers.ListField(child=serializers.CharField())
    comment_label = serializers.CharField()


class JointPartySerializer(serializers.Serializer):
    party = UnitSerializer()
    confirmed_by = serializers.CharField(allow_null=True)
    confirmed_at = serializers.DateTimeField(allow_null=True)


class CaseDetailSerializer(CaseListSerializer):
    source_label = ChoiceLabel("source")
    township = serializers.CharField(source="township.code", allow_null=True, default=None)
    assigning_unit = UnitSerializer()
    co_units = UnitSerializer(many=True)
    concerns = serializers.SerializerMethodField()
    joint_parties = serializers.SerializerMethodField()
    available_actions = serializers.SerializerMethodField()
    deadline_calendar_unconfirmed = serializers.SerializerMethodField(
        help_text="办理期限所在年度的法定节假日安排尚未导入工作日历：办理期限按周一至周五推算，不是正式日历的结果"
    )
    deadline_calendar_note = serializers.SerializerMethodField(help_text="上述情况的中文说明；办理期限按正式日历时为空字符串")

    class Meta(CaseListSerializer.Meta):
        list_serializer_class = serializers.ListSerializer
        fields = CaseListSerializer.Meta.fields + [
            "description", "source", "source_label", "priority", "township", "assigning_unit", "co_units", "tags",
            "external_ref",
            "concerns", "joint_parties", "extension_deadline", "extension_reason", "assigned_at", "closed_at",
            "available_actions", "deadline_calendar_unconfirmed", "deadline_calendar_note",
        ]

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_concerns(self, obj):
        if obj.content_type_id is None:
            return None
        return {"type": f"{obj.content_type.app_label}.{obj.content_type.model}", "id": obj.object_id}

    def _calendar_note(self, obj) -> str:
        # Read once per answer: both fields come from it.
        notes = self.context.setdefault("_calendar_notes", {})
        if obj.pk not in notes:
            # An action's answer knows already whether its deadline's year is loaded (selectors.with_details).
            notes[obj.pk] = calendar_warning(obj.deadline, getattr(obj, "calendar_loaded_years", None))
        return notes[obj.pk]

    @extend_schema_field(serializers.BooleanField())
    def get_deadline_calendar_unconfirmed(self, obj) -> bool:
        return bool(self._calendar_note(obj))

    @extend_schema_field(serializers.CharField())
    def get_deadline_calendar_note(self, obj) -> str:
        return self._calendar_note(obj)

    @extend_schema_field(JointPartySerializer(many=True))
    def get_joint_parties(self, obj):
        return [
            {
                "party": {"id": jc.party.pk, "name": jc.party.name},
                "confirmed_by": str(jc.confirmed_by) if jc.confirmed_by else None,
                "confirmed_at": jc.confirmed_at,
            }
            for jc in obj.joint_parties.all()
        ]

    @extend_schema_field(ActionInfoSerializer(many=True))
    def get_available_actions(self, obj):
        user = self.context["request"].user
        return [
            {"name": a.name, "label": a.label, "requires": sorted(a.requires), "comment_label": a.comment_label}
            for a in available_actions(obj, user)
        ]


def case_answer(case, user) -> dict:
    """CaseDetailSerializer's output for one case, written out directly: an action's answer. DRF built
    and deep-copied thirty-odd fields and their nested serializers for it on every action, an eighth of
    the action's CPU. Reads only what the case holds (selectors.with_details fills it);
    tests/cases/test_write_path.py compares the two outputs."""
    tz = timezone.get_current_timezone()

    def moment(value):
        return _iso(value.astimezone(tz)) if value is not None else None

    def day(value):
        return value.isoformat() if value is not None else None

    def unit(value):
        return {"id": value.pk, "name": value.name} if value is not None else None

    note = calendar_warning(case.deadline, getattr(case, "calendar_loaded_years", None))
    concerns = None
    if case.content_type_id is not None:
        concerns = {"type": f"{case.content_type.app_label}.{case.content_type.model}", "id": case.object_id}
    return {
        "id": case.pk, "title": case.title, "category": case.category.name, "county": case.county.code,
        "county_name": case.county.name, "state": case.state, "state_label": str(case.get_state_display()),
        "level": case.level, "level_label": str(case.get_level_display()), "deadline": day(case.deadline),
        "lead_unit": unit(case.lead_unit), "owner": unit(case.owner), "yellow_card": case.yellow_card,
        "red_card": case.red_card, "version": case.version, "created_at": moment(case.created_at),
        "description": case.description, "source": case.source, "source_label": str(case.get_source_display()),
        "priority": case.priority, "township": case.township.code if case.township_id else None,
        "assigning_unit": unit(case.assigning_unit), "co_units": [unit(u) for u in case.co_units.all()],
        "tags": case.tags, "external_ref": case.external_ref, "concerns": concerns,
        "joint_parties": [
            # In UTC: get_joint_parties hands DRF's JSON encoder the datetime as the database returns it.
            {"party": unit(jc.party), "confirmed_by": str(jc.confirmed_by) if jc.confirmed_by else None,
             "confirmed_at": _iso(jc.confirmed_at.astimezone(dt.UTC)) if jc.confirmed_at else None}
            for jc in case.joint_parties.all()
        ],
        "extension_deadline": day(case.extension_deadline), "extension_reason": case.extension_reason,
        "assigned_at": moment(case.assigned_at), "closed_at": moment(case.closed_at),
        "available_actions": [
            {"name": a.name, "label": a.label, "requires": sorted(a.requires), "comment_label": a.comment_label}
            for a in available_actions(case, user)
        ],
        "deadline_calendar_unconfirmed": bool(note), "deadline_calendar_note": note,
    }


class CaseCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, label="标题")
    description = serializers.CharField(required=False, allow_blank=True, default="", label="问题描述", max_length=DESCRIPTION_MAX_LENGTH)
    category = serializers.PrimaryKeyRelatedField(queryset=CaseCategory.objects.filter(is_active=True), label="类别")
    county = serializers.SlugRelatedField(slug_field="code", queryset=Division.objects.all(), label="县（市、区）代码")
    township = serializers.SlugRelatedField(
        slug_field="code", queryset=Division.objects.all(), required=False, allow_null=True, label="乡镇（街道）代码"
    )
    source = serializers.ChoiceField(choices=CaseSource.choices, default=CaseSource.INSPECTION, label="来源")
    priority = serializers.IntegerField(min_value=1, max_value=3, default=1, label="优先级")
    tags = serializers.CharField(required=False, allow_blank=True, default="", max_length=200, label="标签")
    concerns_type = serializers.CharField(required=False, allow_blank=True, default="", label="关联对象类型")
    concerns_id = serializers.IntegerField(required=False, allow_null=True, default=None, label="关联对象编号")
    joint_parties = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(is_active=True), many=True, required=False, default=list, label="联合销号确认单位"
    )

    def validate(self, attrs):
        type_name, object_id = attrs.pop("concerns_type"), attrs.pop("concerns_id")
        attrs["concerns"] = None
        if type_name or object_id is not None:
            target = concern_for_user(self.context["request"].user, type_name, object_id)
            attrs["concerns"] = target
        return attrs


class ActionInputSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=[(a.name, a.label) for a in ACTIONS.values()], label="操作")
    version = serializers.IntegerField(label="版本号")
    comment = serializers.CharField(required=False, allow_blank=True, default="", label="说明", max_length=ACTION_COMMENT_MAX_LENGTH)
    deadline = serializers.DateField(required=False, allow_null=True, default=None, label="办理期限")
    deadline_workdays = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=MAX_DEADLINE_WORKDAYS, label="办理期限（工作日数）",
        error_messages={"min_value": "工作日数须为正整数。", "max_value": "工作日数不能超过 {max_value} 个。"},
    )
    # With their divisions: the service judges each unit's place (a query apiece read lazily).
    lead_unit = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(is_active=True).select_related("division"), required=False, allow_null=True,
        default=None, label="牵头责任单位",
    )
    co_units = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(is_active=True).select_related("division"), many=True, required=False,
        default=list, label="协同责任单位",
    )
    attachments = serializers.ListField(child=serializers.IntegerField(), required=False, default=list, label="佐证材料编号")


class EventSerializer(serializers.ModelSerializer):
    action_label = serializers.CharField()
    actor = serializers.SerializerMethodField()
    actor_unit = serializers.CharField(source="actor_unit.name", allow_null=True, default=None)
    attachments = AttachmentSerializer(many=True)

    class Meta:
        model = CaseEvent
        fields = [
            "seq", "action", "action_label", "from_state", "to_state", "actor", "actor_unit", "created_at", "comment",
            "old_deadline", "new_deadline", "old_level", "new_level", "payload", "attachments", "prev_hash", "hash",
        ]

    def get_actor(self, obj) -> str:
        return str(obj.actor) if obj.actor_id else "系统"


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(label="文件")


class CaseUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField(label="版本号")
    comment = serializers.CharField(required=False, allow_blank=True, default="", label="修改说明", max_length=500)
    title = serializers.CharField(max_length=200, required=False, label="标题")
    description = serializers.CharField(required=False, allow_blank=True, label="问题描述", max_length=DESCRIPTION_MAX_LENGTH)
    category = serializers.PrimaryKeyRelatedField(queryset=CaseCategory.objects.filter(is_active=True), required=False, label="类别")
    source = serializers.ChoiceField(choices=CaseSource.choices, required=False, label="来源")
    priority = serializers.IntegerField(min_value=1, max_value=3, required=False, label="优先级")
    township = serializers.SlugRelatedField(
        slug_field="code", queryset=Division.objects.all(), required=False, allow_null=True, label="乡镇（街道）代码"
    )
    tags = serializers.CharField(required=False, allow_blank=True, max_length=200, label="标签")


class InstructionInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2000, allow_blank=True, help_text="领导批示内容（必填，不超过2000字）")
