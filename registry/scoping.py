"""The one jurisdiction mechanism.

A user's jurisdiction is their organisation's division and everything below it. Every scoped model
declares, in one line, the path from itself to the Division that places it::

    objects = JurisdictionManager("county")

and every list, detail, form, API and export reads through ``Model.objects.for_user(user)``. Objects
outside the jurisdiction simply do not exist for that user: lookups answer 404, counts omit them.

Some work crosses jurisdictions: a "1+3" strong county confirms a task in a mountain county of another
city. A model names the organisations involved in an object, and their members see it too::

    objects = JurisdictionManager("county", involved=("lead_unit", "co_units", "joint_parties__party"))
"""
from django.db import models
from django.db.models import Q
from django.http import Http404


class JurisdictionQuerySet(models.QuerySet):
    def _key_lookup(self) -> str:
        path = self.model._jurisdiction_path
        return "key__startswith" if path == "self" else f"{path}__key__startswith"

    def within(self, division):
        """Objects placed in `division` or below it."""
        return self.filter(**{self._key_lookup(): division.key})

    def for_user(self, user):
        if user is None or not user.is_authenticated:
            return self.none()
        if user.sees_everything:
            return self
        division = user.division
        if division is None:
            return self.none()
        visible = Q(**{self._key_lookup(): division.key})
        for path in self.model._jurisdiction_involved:
            # A subquery, not a join, so that many-valued paths cannot duplicate rows.
            visible |= Q(pk__in=self.model._base_manager.filter(**{path: user.organisation_id}).values("pk"))
        return self.filter(visible)


class JurisdictionManager(models.Manager.from_queryset(JurisdictionQuerySet)):
    def __init__(self, division_path: str | None = None, involved: tuple[str, ...] = ()):
        # Related managers subclass the default manager and call __init__() without arguments.
        super().__init__()
        self.division_path = division_path
        self.involved = tuple(involved)

    def deconstruct(self):
        # Managers are not serialised into migrations (use_in_migrations is False) but keep the
        # signature honest for anyone who does.
        return (False, f"{__name__}.JurisdictionManager", None, (self.division_path,), {"involved": self.involved})

    def contribute_to_class(self, cls, name):
        super().contribute_to_class(cls, name)
        cls._jurisdiction_path = self.division_path
        cls._jurisdiction_involved = self.involved


def get_for_user_or_404(queryset_or_model, user, **lookups):
    """Fetch one object the user may see; anything else (missing or out of jurisdiction) is a 404."""
    qs = queryset_or_model
    if isinstance(qs, type) and issubclass(qs, models.Model):
        qs = qs._default_manager.all()
    try:
        return qs.for_user(user).get(**lookups)
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise Http404("对象不存在或不在您的管辖范围内")


def user_can_see_division(user, division) -> bool:
    if user.sees_everything:
        return True
    own = user.division
    return own is not None and division is not None and division.key.startswith(own.key)
