"""State changes of the deliverable records. Every write goes through here: the actor's right to
write, jurisdiction, model validation, relation rules and the change history in one transaction."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from registry.history import record_changes, snapshot
from registry.models import (
    AxisNode,
    CentralTown,
    DevelopmentAxis,
    PairingRelationship,
    VillageCluster,
    WeakTownship,
    WeakVillage,
    Workshop,
    WorkshopReport,
)
from registry.scoping import user_can_see_division

from . import graph, reporting

CLERKS_ONLY = "只有专班工作人员可以新建或修改台账。"
REPORTERS_ONLY = "只有专班工作人员或县乡工作人员可以填报工坊数据。"
OUT_OF_JURISDICTION = "所选区划不在您的管辖范围内。"


def check_actor(actor, county, *, county_staff_allowed=False):
    allowed = actor.is_superuser or actor.is_clerk or (county_staff_allowed and actor.is_county_staff)
    if not allowed:
        raise PermissionDenied(REPORTERS_ONLY if county_staff_allowed else CLERKS_ONLY)
    if county is not None and not user_can_see_division(actor, county):
        raise ValidationError(OUT_OF_JURISDICTION, code="jurisdiction")


def county_of(instance):
    return instance.workshop.county if isinstance(instance, WorkshopReport) else getattr(instance, "county", None)


def _relation_names(model):
    return [f.name for f in model._meta.many_to_many]


def _save(instance, *, actor, values, relations=None, reason="", county_staff_allowed=False, extra=None, after_save=None):
    """Apply `values` (fields) and `relations` (many-to-many sets) to `instance`, validate, save and
    record what changed. Updates lock the row first so concurrent edits serialise."""
    model = type(instance)
    relations = relations or {}
    names = _relation_names(model)
    creating = instance.pk is None
    if creating:
        before, old_county_id = {}, None
    else:
        instance = model._default_manager.select_for_update().get(pk=instance.pk)
        old_county_id = getattr(instance, "county_id", None)
        check_actor(actor, county_of(instance), county_staff_allowed=county_staff_allowed)
        before = snapshot(instance, relations=names, extra=extra)
    for name, value in values.items():
        setattr(instance, name, value)
    if hasattr(instance, "derive_county"):
        instance.derive_county()
    check_actor(actor, county_of(instance), county_staff_allowed=county_staff_allowed)
    instance.full_clean()
    if hasattr(instance, "clean_relations"):
        current = {name: (list(getattr(instance, name).all()) if instance.pk else []) for name in names}
        instance.clean_relations(**{**current, **relations})
    instance.save()
    for name, items in relations.items():
        getattr(instance, name).set(items)
    if after_save is not None:
        after_save(instance)
    if isinstance(instance, graph.STRUCTURE_MODELS):
        # The structure's closure rows change with the record, in the same transaction (graph.py).
        graph.graph_refresh(county_ids={old_county_id, instance.county_id})
    record_changes(instance, actor=actor, before=before, after=snapshot(instance, relations=names, extra=extra), reason=reason)
    return instance


def _split(model, data):
    names = set(_relation_names(model))
    return ({k: v for k, v in data.items() if k not in names}, {k: list(v) for k, v in data.items() if k in names})


# --- 发展轴 -----------------------------------------------------------------------------------------

def _nodes_text(axis):
    return "；".join(str(node) for node in axis.nodes.select_related("division", "cluster", "central_town__division"))


AXIS_EXTRA = {"nodes": ("节点", _nodes_text)}


def _replace_nodes(axis, nodes):
    """Nodes are given as dicts {kind, division, cluster, central_town}; their order is their position on the axis."""
    built = []
    for position, spec in enumerate(nodes, start=1):
        node = AxisNode(
            axis=axis, position=position, kind=spec["kind"], division=spec.get("division"), cluster=spec.get("cluster"),
            central_town=spec.get("central_town"),
        )
        try:
            node.full_clean()
        except ValidationError as exc:
            raise ValidationError({"nodes": [f"第{position}个节点：{m}" for m in exc.messages]})
        built.append(node)
    axis.nodes.all().delete()
    AxisNode.objects.bulk_create(built)


@transaction.atomic
def axis_create(*, actor, data: dict, nodes=None) -> DevelopmentAxis:
    return _save(
        DevelopmentAxis(), actor=actor, values=data, extra=AXIS_EXTRA,
        after_save=lambda axis: _replace_nodes(axis, nodes or []),
    )


@transaction.atomic
def axis_update(*, actor, axis: DevelopmentAxis, data: dict, nodes=None, reason: str = "") -> DevelopmentAxis:
    return _save(
        axis, actor=actor, values=data, extra=AXIS_EXTRA, reason=reason,
        after_save=None if nodes is None else (lambda a: _replace_nodes(a, nodes)),
    )


# --- the records written the same way: fields plus many-to-many sets -----------------------------

def _creator(model):
    @transaction.atomic
    def create(*, actor, data: dict):
        values, relations = _split(model, data)
        return _save(model(), actor=actor, values=values, relations=relations)

    create.__name__ = f"{model._meta.model_name}_create"
    create.__doc__ = f"新建{model._meta.verbose_name}。"
    return create


def _updater(model):
    @transaction.atomic
    def update(*, actor, instance, data: dict, reason: str = ""):
        values, relations = _split(model, data)
        return _save(instance, actor=actor, values=values, relations=relations, reason=reason)

    update.__name__ = f"{model._meta.model_name}_update"
    update.__doc__ = f"修改{model._meta.verbose_name}，并记录修改前后的值。"
    return update


central_town_create, central_town_update = _creator(CentralTown), _updater(CentralTown)
weak_township_create, weak_township_update = _creator(WeakTownship), _updater(WeakTownship)
weak_village_create, weak_village_update = _creator(WeakVillage), _updater(WeakVillage)
cluster_create, cluster_update = _creator(VillageCluster), _updater(VillageCluster)
workshop_create, workshop_update = _creator(Workshop), _updater(Workshop)
pairing_create, pairing_update = _creator(PairingRelationship), _updater(PairingRelationship)


# --- 共富工坊月度数据 -------------------------------------------------------------------------------

@transaction.atomic
def workshop_report_submit(*, actor, data: dict) -> WorkshopReport:
    """County staff and clerks report a workshop's month once (refused in a locked month without the
    county's exception); later changes are corrections."""
    return reporting.report_submit(_save, actor=actor, data=data)


@transaction.atomic
def workshop_report_correct(*, actor, report: WorkshopReport, data: dict, reason: str) -> WorkshopReport:
    """Correct a month's figures with a reason; the old figures stay in the change history."""
    return reporting.report_correct(_save, actor=actor, report=report, data=data, reason=reason)


workshop_reports_confirm = reporting.workshop_reports_confirm
