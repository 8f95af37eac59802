"""The inbox in the API: /api/v1/notifications/ (list, mark-read, unread-count)."""
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from registry.api.fields import ChoiceLabel

from .services import notification_mark_read, notification_model, unread_notification_count


class NotificationSerializer(serializers.ModelSerializer):
    kind_label = ChoiceLabel("kind")

    class Meta:
        model = notification_model()
        fields = ["id", "kind", "kind_label", *model.subject_fields, "link", "message", "created_at", "read_at"]


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(), required=False, allow_null=True, default=None, label="通知编号（不填为全部）")


@extend_schema_view(list=extend_schema(tags=["通知"], summary="我的通知"))
class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = NotificationSerializer
    filter_backends = []

    def get_queryset(self):
        qs = notification_model().objects.filter(recipient=self.request.user)
        if self.request.query_params.get("unread") in ("1", "true"):
            qs = qs.filter(read_at__isnull=True)
        return qs

    @extend_schema(
        tags=["通知"],
        summary="标记已读",
        request=MarkReadSerializer,
        responses=inline_serializer("MarkReadResult", {"marked": serializers.IntegerField()}),
    )
    @action(detail=False, methods=["post"], url_path="mark-read")
    def mark_read(self, request):
        serializer = MarkReadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response({"marked": notification_mark_read(user=request.user, ids=serializer.validated_data["ids"])})

    @extend_schema(tags=["通知"], summary="未读数", responses=inline_serializer("UnreadCount", {"unread": serializers.IntegerField()}))
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request):
        return Response({"unread": unread_notification_count(user=request.user)})


router = DefaultRouter()
router.include_root_view = False
router.register("notifications", NotificationViewSet, basename="notification")
urlpatterns = router.urls
