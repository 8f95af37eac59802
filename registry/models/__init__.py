"""The registry app's models: the ground's (divisions, organisations, users, history, periods) and, so that
Django registers them under the app label `registry`, the deliverables package's (registry.deliverables)."""
from .divisions import Division, DivisionLevel, IndexClass
from .floors import WriteFloorEntry, WriteFloorSlot
from .history import ChangeAction, ChangeRecord
from .organisations import Organisation, OrganisationKind
from .periods import LockException, PeriodLock, ReportingWindow
from .reliability import CacheEpoch, OutboxTask
from .users import LoginEvent, LoginLock, Role, User

# Imported last: the deliverables' models import the ground's.
from registry.deliverables.models import (
    AxisNode,
    AxisNodeKind,
    Batch,
    CentralTown,
    CentralTownTrack,
    ClusterLevel,
    ClusterModel,
    DevelopmentAxis,
    GraphNodeKind,
    GraphReach,
    PairingForm,
    PairingKind,
    PairingRelationship,
    PairingGroup,
    PairingGroupKind,
    VillageCluster,
    WeakTownship,
    WeakVillage,
    Workshop,
    WorkshopReport,
    WorkshopReportReminder,
    WorkshopReportStatus,
    WorkshopStatus,
    WorkshopType,
)

__all__ = [
    "AxisNode",
    "AxisNodeKind",
    "Batch",
    "CacheEpoch",
    "CentralTown",
    "CentralTownTrack",
    "ChangeAction",
    "ChangeRecord",
    "ClusterLevel",
    "ClusterModel",
    "DevelopmentAxis",
    "Division",
    "DivisionLevel",
    "GraphNodeKind",
    "GraphReach",
    "IndexClass",
    "LockException",
    "LoginEvent",
    "LoginLock",
    "Organisation",
    "OrganisationKind",
    "OutboxTask",
    "PairingForm",
    "PairingKind",
    "PairingRelationship",
    "PairingGroup",
    "PairingGroupKind",
    "PeriodLock",
    "ReportingWindow",
    "Role",
    "User",
    "VillageCluster",
    "WeakTownship",
    "WeakVillage",
    "Workshop",
    "WorkshopReport",
    "WorkshopReportReminder",
    "WorkshopReportStatus",
    "WorkshopStatus",
    "WorkshopType",
    "WriteFloorEntry",
    "WriteFloorSlot",
]
