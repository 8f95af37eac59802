"""One builder per record type, placing a record in a given county, for the scoping and query-count tests."""
from .factories import (
    AxisFactory,
    CentralTownFactory,
    ClusterFactory,
    PairingFactory,
    WeakTownshipFactory,
    WeakVillageFactory,
    WorkshopFactory,
    WorkshopReportFactory,
    division,
    townships,
    villages,
)


def _cluster(code, n):
    members = villages(code, 2, offset=2 * n)
    return ClusterFactory(county=division(code), key_village=members[0], members=members)


def _report(code, n):
    return WorkshopReportFactory(workshop=WorkshopFactory(village=villages(code, 1, offset=n)[0]))


# (API path, page url prefix, builder(county_code, n) -> record); n distinguishes records of one county.
BUILDERS = {
    "axes": ("axis", lambda code, n: AxisFactory(county=division(code))),
    "central-towns": ("central_town", lambda code, n: CentralTownFactory(division=townships(code, 1, offset=n)[0])),
    "weak-townships": ("weak_township", lambda code, n: WeakTownshipFactory(division=townships(code, 1, offset=n)[0])),
    "weak-villages": ("weak_village", lambda code, n: WeakVillageFactory(division=villages(code, 1, offset=n)[0])),
    "clusters": ("cluster", _cluster),
    "workshops": ("workshop", lambda code, n: WorkshopFactory(village=villages(code, 1, offset=n)[0])),
    "workshop-reports": (None, _report),
    "pairings": ("pairing", lambda code, n: PairingFactory(county=division(code), year=2000 + n)),
}
