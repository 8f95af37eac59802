"""Read-only API views scoped to the user's jurisdiction (Model.objects.for_user)."""
from rest_framework import viewsets


class ScopedViewSetMixin:
    """Every scoped API reads through the model's jurisdiction manager: out of scope is a 404."""

    def get_queryset(self):
        return super().get_queryset().for_user(self.request.user)


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass
