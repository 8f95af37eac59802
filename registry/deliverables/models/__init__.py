"""The programme's deliverables: axes, central towns, weak townships/villages, village clusters,
common-prosperity workshops and their monthly figures, and pairing relationships — one module each.

Every record carries the county it belongs to (derived from its division where it has one) so that
one jurisdiction path, ``county``, scopes them all. Rules on a single row live in ``clean()``; rules
that need the proposed many-to-many sets live in ``clean_relations()``; the services call both.
"""
# plan_upload_to and validate_plan_file stay importable here: the early migrations name them by this path.
from .plans import plan_upload_to, validate_plan_file  # noqa: F401
from .base import Batch, Deliverable  # noqa: F401
from .places import WeakTownship, WeakVillage  # noqa: F401
from .axes import DevelopmentAxis, AxisNodeKind, AxisNode  # noqa: F401
from .towns import CentralTownTrack, CentralTown  # noqa: F401
from .clusters import ClusterModel, ClusterLevel, VillageCluster  # noqa: F401
from .workshops import WorkshopType, PairingForm, WorkshopStatus, Workshop, WorkshopReport, WorkshopReportReminder, WorkshopReportStatus  # noqa: F401
from .pairings import PairingKind, PairingRelationship, PairingGroupKind, PairingGroup  # noqa: F401
from .graph import GraphNodeKind, GraphReach  # noqa: F401
