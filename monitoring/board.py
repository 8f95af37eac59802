"""The 指数看板's reads: a period's ranking in one comparison group, one division's radar and trend, and
one indicator's distribution across the group. A constant number of queries whatever the group size."""
from dataclasses import dataclass

from django.db.models import Avg
from django.http import Http404

from registry.jinja import render_fragment
from registry.models import Division, DivisionLevel
from registry.scoping import user_can_see_division

from . import catalogue, charts, periods, selectors
from .models import Domain, Group, IndexPeriod, IndexSnapshot, IndicatorScore, PeriodStatus

TABS = [Group.URBANISED, Group.MOUNTAIN_ISLAND, Group.OTHER, Group.CITY]
TREND_PERIODS = 8
OWN, CLASS = {"stroke": "#d63939", "fill": "#d63939"}, {"stroke": "#206bc4", "fill": "#206bc4"}


@dataclass
class BoardQuery:
    period: str
    group: str
    division: str = ""
    indicator: str = ""
    available: tuple = ()


def default_query(user, params) -> BoardQuery:
    """The board's period (default: the latest published), class tab and county. Every period with an
    index may be chosen: an unpublished one shows a user outside the province only their own rows."""
    states = dict(IndexPeriod.objects.values_list("period", "status"))  # one row per period and catalogue version
    available = sorted(states, key=periods.sort_key, reverse=True)
    published = {p for p, status in states.items() if status == PeriodStatus.PUBLISHED}
    default_period = next((p for p in available if p in published), available[0] if available else "")
    try:
        period = periods.parse_period(params["period"]) if params.get("period") else default_period
    except ValueError:
        raise Http404("期别无效")
    own = user.division
    default_group = own.index_class if own is not None and own.level == DivisionLevel.COUNTY and own.index_class else (
        Group.CITY if own is not None and own.level == DivisionLevel.CITY else Group.URBANISED)
    group = params.get("group") or default_group
    if group not in TABS:
        raise Http404("比较组无效")
    division = params.get("division") or (own.code if own is not None and own.level == DivisionLevel.COUNTY else "")
    return BoardQuery(period, group, division, params.get("indicator", ""), tuple(available))


def _number(value, digits: int) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _row(snapshot, domains) -> dict:
    """One ranking row, formatted here: the rows are rendered by a Jinja2 fragment (the table was most of
    the page's time through the Django template engine's per-cell filters)."""
    return {
        "code": snapshot.division.code, "name": snapshot.division.name,
        "rank": snapshot.rank_in_group or "—",
        "domains": [_number(snapshot.domain_scores.get(d.code), 1) for d in domains],
        "composite": _number(snapshot.composite, 2), "movement": snapshot.rank_movement,
        "change_previous": _number(snapshot.change_previous, 2), "change_year": _number(snapshot.change_year, 2),
        "missing": "、".join(snapshot.missing),
    }


def _class_average(rows, domains):
    averages = []
    for d in domains:
        scores = [r.domain_scores.get(d.code) for r in rows if r.domain_scores.get(d.code) is not None]
        averages.append(sum(scores) / len(scores) if scores else None)
    return averages


def _detail(user, query, version, state, rows, domains, group_rows_visible):
    division = Division.objects.filter(code=query.division).first()
    if division is None or not user_can_see_division(user, division):
        raise Http404("对象不存在或不在您的管辖范围内")
    own = next((r for r in rows if r.division_id == division.pk), None)
    if own is None:
        own = IndexSnapshot.objects.filter(period=query.period, version=version, division=division).first()
    labels = [d.name for d in domains]
    series = []
    if own is not None:
        series.append({"name": division.name, "values": [own.domain_scores.get(d.code) for d in domains], **OWN})
    if group_rows_visible:
        series.append({"name": f"{Group(query.group).label}平均", "values": _class_average(rows, domains), **CLASS})
    trend_periods = periods.recent(query.period, TREND_PERIODS)
    mine = dict(IndexSnapshot.objects.filter(division=division, period__in=trend_periods).values_list("period", "composite"))
    averages = IndexSnapshot.objects.filter(period__in=trend_periods, group=query.group)
    if not user.sees_everything:
        averages = averages.filter(period__in=selectors.published_periods())
    average = dict(averages.values("period").annotate(avg=Avg("composite")).values_list("period", "avg"))
    trend = charts.trend(trend_periods, [p[2:] for p in trend_periods], [
        {"name": division.name, "values": [mine.get(p) for p in trend_periods], **OWN},
        {"name": f"{Group(query.group).label}平均", "values": [average.get(p) for p in trend_periods], **CLASS},
    ])
    return {"division": division, "snapshot": own, "radar": charts.radar(labels, series) if series else None, "trend": trend}


def _indicator_view(user, query, version, rows):
    indicators = catalogue.indicators_for(query.period, version)
    chosen = next((i for i in indicators if i.code == query.indicator), indicators[0] if indicators else None)
    if chosen is None:
        return None
    scores = IndicatorScore.objects.filter(period=query.period, indicator=chosen,
                                           division__in=[r.division_id for r in rows]).select_related("division")
    points = sorted(({"key": s.division.code, "name": s.division.name, "score": s.score, "value": s.value} for s in scores),
                    key=lambda p: -p["score"])
    return {"indicators": indicators, "indicator": chosen, "points": points,
            "chart": charts.strip(points, highlight=query.division)}


def board_context(user, query: BoardQuery) -> dict:
    version, state = selectors.period_state(query.period) if query.period else (None, None)
    domains = list(Domain.objects.all())
    context = {"query": query, "tabs": [(g.value, g.label) for g in TABS], "periods": query.available,
               "period_label": periods.label(query.period) if query.period else "", "state": state, "version": version,
               "domains": domains, "ranking_rows": "", "row_count": 0, "detail": None, "indicator_view": None}
    if state is None:
        return context
    rows = list(selectors.snapshots_for_user(user, query.period, state_of=(version, state)).filter(group=query.group))
    group_rows_visible = user.sees_everything or state.is_published
    context["ranking_rows"] = render_fragment(
        "monitoring/ranking_rows.html", rows=[_row(r, domains) for r in rows], selected=query.division,
        period=query.period, group=query.group)
    context["row_count"] = len(rows)
    context["averages"] = _class_average(rows, domains) if rows else []
    if query.division:
        context["detail"] = _detail(user, query, version, state, rows, domains, group_rows_visible)
    context["indicator_view"] = _indicator_view(user, query, version, rows)
    return context
