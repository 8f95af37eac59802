"""The one jurisdiction mechanism.

A user's jurisdiction is their organisation's division and everything below it. Every scoped model
declares, in one line, the path from itself to the Division that places it::

    objects = JurisdictionManager("county")

and every list, detail, form, API and export reads through ``Model.objects.for_user(user)``. Objects
outside the jurisdiction simply do not exist for that user: lookups answer 404, counts omit them.

Some work crosses jurisdictions: a "1+3" strong county confirms a task in a mountain county of another
city. A model names the organisations involved in an object, and their members see it too::

    objects = JurisdictionManager("county", involved=("lead_unit", "co_units", "joint_parties__party"))

The "1+3" partner units (provincial departments, state-owned enterprises and other non-task-force units
placed at the province) have no division of their own to see below: their areas are the counties the
pairing records name them in (lead unit, member unit or SOE of a PairingRelationship, lead or member of
one of its three groups, PairingGroup), and they see
those counties' subtrees plus what they are a party to, nothing else (least privilege). A model whose
records in those counties are not all the partner's business declares which are, ``partner=``: the
path to the pairing record, or "concerns" for cases, whose pairing work concerns the pairing record;
there a partner sees only its pairings' work (the county's other cases stay the county's). `areas` is the
one place that says which subtrees a user sees; for_user, can_see and user_can_see_division read it.
"""
from django.apps import apps
from django.db import models
from django.db.models import Q
from django.http import Http404


def _target_level(model, path: str):
    """The division level the last foreign key of `path` is limited to, if any."""
    field = None
    for name in path.split("__"):
        field = model._meta.get_field(name)
        model = field.related_model
    limit = field.remote_field.limit_choices_to if field is not None else None
    return limit.get("level") if isinstance(limit, dict) else None


def partner_counties(organisation_id) -> list:
    """The counties whose pairing records name the organisation (lead unit, member unit or SOE)."""
    # A school, hospital or institute in a provincial group, and any group's lead or member, count too.
    pairings = apps.get_model("registry", "PairingRelationship").objects.filter(pk__in=partner_pairings(organisation_id))
    division = apps.get_model("registry", "Division")
    return list(division.objects.filter(pk__in=pairings.values("county")).order_by("code"))


def partner_pairings(organisation_id):
    """The ids (a subquery) of the pairing records that name the organisation, in a field or a group."""
    pairing = apps.get_model("registry", "PairingRelationship")
    return pairing.objects.filter(
        Q(lead_unit=organisation_id) | Q(member_units=organisation_id) | Q(soe=organisation_id)
        | Q(groups__lead_unit=organisation_id) | Q(groups__members=organisation_id)
    ).values("pk")


def partner_work_q(model, user) -> Q | None:
    """For a partner unit's user and a model that declares what pairing work it holds (``partner=``):
    the condition that keeps, within the paired counties, only that work. None: no such restriction."""
    declared = getattr(model, "_jurisdiction_partner", None)
    if not declared or not getattr(user, "is_partner", False):
        return None
    pairings = partner_pairings(user.organisation_id)
    if declared == "concerns" or declared.endswith("__concerns"):
        # A case of the pairing's loop concerns the pairing record (pairing.services); its events,
        # evidence and confirmations follow their case ("case__concerns").
        from django.contrib.contenttypes.models import ContentType

        prefix = declared[: -len("concerns")]
        pairing_type = ContentType.objects.get_for_model(apps.get_model("registry", "PairingRelationship"))
        return Q(**{f"{prefix}content_type": pairing_type, f"{prefix}object_id__in": pairings})
    return Q(**{f"{declared}__in": pairings})


def areas(user) -> list | None:
    """The divisions whose subtrees the user sees: None for the whole province (the province task
    force, superusers), the user's division for everyone else, the paired counties for a partner unit
    (read once per user object, i.e. per request)."""
    if user is None or not user.is_authenticated:
        return []
    if user.sees_everything:
        return None
    if user.is_partner:
        if "_partner_counties" not in user.__dict__:
            user.__dict__["_partner_counties"] = partner_counties(user.organisation_id)
        return user.__dict__["_partner_counties"]
    return [user.division] if user.division is not None else []


def scope_key(user) -> str:
    """A cache key part naming what areas(user) covers (involved objects not included)."""
    covered = areas(user)
    if covered is None:
        return "all"
    return ",".join(d.key for d in covered) or "none"


class JurisdictionQuerySet(models.QuerySet):
    def _within_q(self, division) -> Q:
        path = self.model._jurisdiction_path
        if path == "self":
            return Q(key__startswith=division.key)
        # The subtree's ids from the key index, not a join filtered on the key: with the join,
        # PostgreSQL hashed all 27k divisions and could not use the indexes that start with the
        # division's foreign key (a county staff's case list: 36 ms → 3 ms at province scale).
        # A foreign key limited to one level (a county) needs only that level's ids: one for a county
        # user instead of the 500 townships and villages below it, which made the planner scan.
        level = _target_level(self.model, path)
        if level == division.level:
            # The division is the only one of its level in its subtree. Named directly, the planner
            # knows how many rows it holds; as a subquery it guessed ten for a county's 1,158 cases
            # and joined all of them before keeping a page of 50 (24 ms; 11 ms named).
            return Q(**{path: division.pk})
        subtree = apps.get_model("registry", "Division").objects.filter(key__startswith=division.key)
        if level is not None:
            subtree = subtree.filter(level=level)
        return Q(**{f"{path}__in": subtree.values("pk")})

    def within(self, division):
        """Objects placed in `division` or below it."""
        if division.parent_id is None:
            return self.all()  # the province: everything, without a filter to evaluate on every row
        return self.filter(self._within_q(division))

    def for_user(self, user, *, filtered=False):
        """The objects `user` may see. filtered: this queryset's own filters (a list's) are applied
        inside each branch of the union as well, so that each branch reads only the rows the list
        shows, from indexes that start with the branch's key and the filtered columns: a county
        staff's rectifying cases then come from two short index ranges instead of the county's whole
        id set merged with the table read backwards (docs/performance.md, "Jurisdiction")."""
        covered = areas(user)
        if covered is None:
            return self
        visible = [self._within_q(division) for division in covered]
        work = partner_work_q(self.model, user)
        if work is not None:
            visible = [q & work for q in visible]
        involved = self.model._jurisdiction_involved if getattr(user, "organisation_id", None) else ()
        if not involved:
            return self.filter(Q(*visible, _connector=Q.OR)) if visible else self.none()
        # One id set, the union of indexed lookups (a subquery, so that many-valued paths cannot
        # duplicate rows). An OR of subqueries instead left PostgreSQL guessing their selectivity: it
        # walked the primary key backwards through a third of all cases for one county's list.
        base = (self if filtered else self.model._base_manager).order_by()
        branches = [base.filter(q).values("pk") for q in visible]
        branches += [base.filter(**{path: user.organisation_id}).values("pk") for path in involved]
        return self.filter(pk__in=branches[0].union(*branches[1:]))


class JurisdictionManager(models.Manager.from_queryset(JurisdictionQuerySet)):
    def __init__(self, division_path: str | None = None, involved: tuple[str, ...] = (), partner: str | None = None):
        # Related managers subclass the default manager and call __init__() without arguments.
        super().__init__()
        self.division_path = division_path
        self.involved = tuple(involved)
        self.partner = partner

    def deconstruct(self):
        # Managers are not serialised into migrations (use_in_migrations is False) but keep the
        # signature honest for anyone who does.
        return (False, f"{__name__}.JurisdictionManager", None, (self.division_path,),
                {"involved": self.involved, "partner": self.partner})

    def contribute_to_class(self, cls, name):
        super().contribute_to_class(cls, name)
        cls._jurisdiction_path = self.division_path
        cls._jurisdiction_involved = self.involved
        cls._jurisdiction_partner = self.partner


OUT_OF_REACH = "对象不存在或不在您的管辖范围内"


def get_for_user_or_404(queryset_or_model, user, **lookups):
    """Fetch one object the user may see; anything else (missing or out of jurisdiction) is a 404.

    The object is read by its lookups, with the division that places it, and judged by `can_see`:
    the same rule as ``for_user``, without compiling the jurisdiction's union of subqueries for one
    row (three times in a case action: its view, its service and its answer).
    """
    qs = queryset_or_model
    if isinstance(qs, type) and issubclass(qs, models.Model):
        qs = qs._default_manager.all()
    path = qs.model._jurisdiction_path
    if path != "self":
        qs = qs.select_related(path)
    try:
        obj = qs.get(**lookups)
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise Http404(OUT_OF_REACH)
    return visible_or_404(user, obj)


def visible_or_404(user, obj):
    """obj if the user may see it, else the same 404 as for a missing object."""
    if not can_see(user, obj):
        raise Http404(OUT_OF_REACH)
    return obj


def can_see(user, obj) -> bool:
    """Whether ``type(obj).objects.for_user(user)`` holds obj (tests compare the two on every pair)."""
    covered = areas(user)
    if covered is None:
        return True
    model = type(obj)
    place = obj
    if model._jurisdiction_path != "self":
        for name in model._jurisdiction_path.split("__"):
            place = getattr(place, name) if place is not None else None
    level = None if model._jurisdiction_path == "self" else _target_level(model, model._jurisdiction_path)
    if place is not None and (level is None or place.level == level) and any(d.contains(place) for d in covered):
        work = partner_work_q(model, user)
        if work is None or model._base_manager.filter(work, pk=obj.pk).exists():
            return True
    involved = model._jurisdiction_involved
    if not involved or user.organisation_id is None:
        return False
    parties = Q(*(Q(**{path: user.organisation_id}) for path in involved), _connector=Q.OR)
    return model._base_manager.filter(parties, pk=obj.pk).exists()


def user_can_see_division(user, division) -> bool:
    covered = areas(user)
    return covered is None or (division is not None and any(d.contains(division) for d in covered))
