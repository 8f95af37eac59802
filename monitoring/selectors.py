"""Reads for the monitoring pages and API: one scoping rule for values and snapshots."""
from django.db.models import Q

from registry.models import Division, DivisionLevel

from . import catalogue
from .catalogue import DEMO_NOTICE
from .models import CatalogueVersion, Domain, IndexPeriod, IndexSnapshot, IndicatorValue, PeriodStatus


def catalogue_context() -> dict:
    versions = list(CatalogueVersion.objects.prefetch_related("indicators__domain").order_by("-valid_from"))
    return {
        "versions": versions,
        "domains": list(Domain.objects.all()),
        "demo_notice": DEMO_NOTICE if any(v.is_demonstration for v in versions) else "",
    }


def published_periods():
    return IndexPeriod.objects.filter(status=PeriodStatus.PUBLISHED).values("period")


def values_for_user(user, queryset=None):
    """The values a user may read: their jurisdiction's, and for a county user also the values of the
    counties of their class in published periods (the published ranking's basis). Another county's
    values of an unpublished period do not exist for them (404)."""
    qs = queryset if queryset is not None else IndicatorValue.objects.all()
    own = qs.for_user(user)
    division = user.division
    if user.sees_everything or division is None or division.level != DivisionLevel.COUNTY or not division.index_class:
        return own
    peers = qs.filter(division__level=DivisionLevel.COUNTY, division__index_class=division.index_class,
                      period__in=published_periods())
    return qs.filter(pk__in=own.order_by().values("pk").union(peers.order_by().values("pk")))


def completeness(period: str, version, user) -> dict:
    """Indicator × division presence for a period: which values are missing (shown, never zero)."""
    indicators = catalogue.indicators_for(period, version)
    divisions = list(Division.objects.for_user(user).filter(level__lte=DivisionLevel.COUNTY).order_by("level", "index_class", "code"))
    present = set(IndicatorValue.objects.filter(period=period, indicator__in=indicators, division__in=divisions)
                  .values_list("division_id", "indicator_id"))
    rows, totals = [], {i.pk: [0, 0] for i in indicators}
    for d in divisions:
        cells = []
        for i in indicators:
            if not i.applies_at(d.level):
                cells.append(None)
                continue
            has = (d.pk, i.pk) in present
            totals[i.pk][0] += has
            totals[i.pk][1] += 1
            cells.append(has)
        rows.append({"division": d, "cells": cells, "missing": sum(1 for c in cells if c is False)})
    return {"indicators": indicators, "rows": rows, "totals": [totals[i.pk] for i in indicators],
            "missing": sum(r["missing"] for r in rows)}


def period_state(period: str):
    version = catalogue.version_for(period)
    if version is None:
        return None, None
    return version, IndexPeriod.objects.filter(period=period, version=version).first()


def snapshots_for_user(user, period: str, *, state_of=None):
    """A period's index rows a user may read: everything for the province; their own jurisdiction
    always (computed, even unpublished); once published, the rankings they are compared in — for a
    county user its class, for a city user every group (its counties are ranked in them)."""
    version, state = state_of or period_state(period)
    if state is None:
        return IndexSnapshot.objects.none()
    qs = IndexSnapshot.objects.filter(period=period, version=version).select_related("division").order_by(
        "group", "rank_in_group", "division__code")
    if user.sees_everything:
        return qs
    own = qs.for_user(user)
    if not state.is_published:
        return own
    division = user.division
    if division is not None and division.level == DivisionLevel.COUNTY:
        return qs.filter(Q(pk__in=own.values("pk")) | Q(group=division.index_class))
    if division is not None and division.level == DivisionLevel.CITY:
        return qs
    return own
