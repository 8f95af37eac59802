from .divisions import Division, DivisionLevel, IndexClass
from .organisations import Organisation, OrganisationKind
from .users import LoginEvent, Role, User

__all__ = [
    "Division",
    "DivisionLevel",
    "IndexClass",
    "LoginEvent",
    "Organisation",
    "OrganisationKind",
    "Role",
    "User",
]
