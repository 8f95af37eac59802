"""Demo deliverables on the real divisions, at the programme's real orders of magnitude.

Reproducible from the seed and idempotent: every record has a natural key (a division, or a name in
its county or village); records whose key already exists are left alone, the rest are bulk inserted.
Seeded records carry no change history: they were not changed by anyone.
"""
import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from .cluster_models import ensure_cluster_models
# county_seat, month_starts and short_name are imported from here by the named examples and the case titles.
from .demo_support import (  # noqa: F401
    AXIS_DIRECTIONS, CLUSTER_WORDS, ENTERPRISE_TRADES, ENTERPRISE_WORDS, TYPE_WEIGHTS, WORKSHOP_PRODUCTS, Geography,
    _existing, _insert_new, _key, county_seat, month_starts, person, short_name,
)
from registry.demo import PROVINCIAL_DEPARTMENTS, STATE_OWNED_ENTERPRISES
from registry.models import (
    AxisNode,
    AxisNodeKind,
    CentralTown,
    CentralTownTrack,
    ClusterLevel,
    ClusterModel,
    DevelopmentAxis,
    Division,
    DivisionLevel,
    IndexClass,
    Organisation,
    OrganisationKind,
    PairingForm,
    PairingKind,
    PairingRelationship,
    VillageCluster,
    WeakTownship,
    WeakVillage,
    Workshop,
    WorkshopReport,
    WorkshopStatus,
    WorkshopType,
)

# Figures from the programme's documents (see shared/DOMAIN.md).
PROVINCE = {
    "axes": 87, "key_villages_per_axis": 7, "central_towns": 105, "central_towns_mountain": 51,
    "weak_townships": 76, "weak_villages": 575, "clusters": 226, "radiated": 1447, "workshops": 12698,
    "jobs": 551_000, "income_gain": 2668, "months": 12, "enterprises_per_county": 12,
}
SMALL = {
    "axes": 3, "key_villages_per_axis": 4, "central_towns": 6, "central_towns_mountain": 2,
    "weak_townships": 4, "weak_villages": 8, "clusters": 4, "radiated": 16, "workshops": 40,
    "jobs": 1700, "income_gain": 2668, "months": 3, "enterprises_per_county": 4,
}
# Small scale stays in Jinhua (where the demo logins clerk_330782 / staff_330782 look) plus two
# mountain counties, so every page has something to show.
SMALL_COUNTIES = ["330782", "330783", "330727", "330127"]

AXIS_KEY = CLUSTER_KEY = ("county_id", "name")
WORKSHOP_KEY = ("village_id", "name")
PAIRING_KEY = ("county_id", "year", "kind", "partner_county_id")


def seed_enterprises(geo, rng, per_county):
    rows = []
    for county in geo.counties:
        names = set()
        while len(names) < per_county:
            names.add(f"{county.name[:-1]}{rng.choice(ENTERPRISE_WORDS)}{rng.choice(ENTERPRISE_TRADES)}有限公司")
        rows += [Organisation(name=n, kind=OrganisationKind.ENTERPRISE, division=county) for n in sorted(names)]
    Organisation.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    by_county = defaultdict(list)
    for org in Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE, division__in=geo.counties).order_by("id"):
        by_county[org.division_id].append(org)
    return by_county


def seed_central_towns(geo, rng, target, mountain_target):
    taken = _existing(CentralTown, "division_id")
    tracks = list(CentralTownTrack.values)
    chosen = []
    for pool, count in ((geo.mountain, mountain_target), (geo.others, target - mountain_target)):
        candidates = []
        for county in pool:
            candidates += geo.towns(county)[:3]
        rng.shuffle(candidates)
        chosen += sorted(candidates[:count], key=lambda t: t.code)
    rows = [
        CentralTown(division=t, county_id=t.parent_id, track=tracks[i % 4], batch=1 if i % 2 == 0 else 2)
        for i, t in enumerate(chosen)
        if t.id not in taken
    ]
    CentralTown.objects.bulk_create(rows, batch_size=2000)
    return list(CentralTown.objects.filter(county__in=geo.counties))


def seed_weak_places(geo, rng, helpers, townships_target, villages_target, central_town_ids):
    since = dt.date(2023, 1, 1)
    pool = [t for c in geo.mountain or geo.counties for t in geo.remote_townships(c)[:6] if t.id not in central_town_ids]
    rng.shuffle(pool)
    townships = sorted(pool[:townships_target], key=lambda t: t.code)
    # Every random draw happens whether or not the row exists already, so reruns stay in step.
    rows = [
        WeakTownship(division=t, county_id=t.parent_id, since=since, helper_unit=rng.choice(helpers) if helpers else None,
                     plan_summary=f"{t.name}“一镇一策”：产业帮扶、就业帮扶与公共服务补短板。")
        for t in townships
    ]
    taken = _existing(WeakTownship, "division_id")
    WeakTownship.objects.bulk_create([r for r in rows if r.division_id not in taken])
    villages = [v for c in geo.mountain or geo.counties for v in geo.villages[c.id] if v.name.endswith("村委会")]
    villages = sorted(rng.sample(villages, min(villages_target, len(villages))), key=lambda v: v.code)
    rows = [
        WeakVillage(division=v, county_id=v.county_id, since=since, helper_unit=rng.choice(helpers) if helpers else None,
                    plan_summary=f"{short_name(v.name)}“一村一策”：壮大村集体经济，结对单位每年走访不少于两次。")
        for v in villages
    ]
    taken = _existing(WeakVillage, "division_id")
    WeakVillage.objects.bulk_create([r for r in rows if r.division_id not in taken], batch_size=2000)
    # 大镇带小乡: each central town drives the weak townships of its own county.
    through = CentralTown.driven_townships.through
    weak_by_county = defaultdict(list)
    for weak in WeakTownship.objects.filter(county__in=geo.counties):
        weak_by_county[weak.county_id].append(weak)
    links = [
        through(centraltown_id=town.id, weaktownship_id=weak.id)
        for town in CentralTown.objects.filter(county__in=geo.counties)
        for weak in weak_by_county[town.county_id][:2]
    ]
    through.objects.bulk_create(links, ignore_conflicts=True)


def seed_clusters(geo, rng, target, radiated_total):
    ensure_cluster_models(ClusterModel)
    models = list(ClusterModel.objects.all())
    counties = geo.counties
    per_radiated = radiated_total / max(target, 1)
    rows, plans = [], []
    names = defaultdict(set)
    townships = [
        t for c in counties for t in geo.rural_townships(c)[:6]
        if not t.name.endswith("街道") and len(geo.township_villages[t.id]) >= 6
    ]
    rng.shuffle(townships)
    for i, township in enumerate(sorted(townships[:target], key=lambda t: t.code)):
        county_id = township.parent_id
        villages = geo.township_villages[township.id]
        members = villages[: rng.randint(3, min(5, len(villages) - 1))]
        others = [v for v in geo.villages[county_id] if v not in members]
        radiated = rng.sample(others, min(len(others), max(1, round(per_radiated + rng.uniform(-2, 2)))))
        base = township.name[:-1] if len(township.name) > 2 else township.name  # 佛堂镇 -> 佛堂
        name = f"{base}{rng.choice(CLUSTER_WORDS)}片区"
        while name in names[county_id]:
            name = f"{base}{rng.choice(CLUSTER_WORDS)}{len(names[county_id])}号片区"
        names[county_id].add(name)
        rows.append(VillageCluster(
            name=name, level=ClusterLevel.PROVINCIAL, county_id=county_id, key_village=members[0],
            model=models[i % len(models)] if models else None,
            operating_company=f"{base}强村发展有限公司", joint_party_organisation=f"{name}联合党委",
        ))
        plans.append((members, radiated))
    inserted = _insert_new(VillageCluster, rows, CLUSTER_KEY)
    plan_by_key = {_key(r, CLUSTER_KEY): p for r, p in zip(rows, plans)}
    member_links, radiated_links = [], []
    for cluster in inserted:
        members, radiated = plan_by_key[_key(cluster, CLUSTER_KEY)]
        member_links += [VillageCluster.members.through(villagecluster_id=cluster.id, division_id=v.id) for v in members]
        radiated_links += [VillageCluster.radiated_villages.through(villagecluster_id=cluster.id, division_id=v.id) for v in radiated]
    VillageCluster.members.through.objects.bulk_create(member_links, batch_size=5000)
    VillageCluster.radiated_villages.through.objects.bulk_create(radiated_links, batch_size=5000)
    return len(inserted)


def seed_axes(geo, rng, target, key_villages):
    # Axes run through counties with a countryside: rural counties may have two, city districts one.
    slots = [c for c in geo.counties for _ in range(1 if c.index_class == IndexClass.HIGHLY_URBANISED else 2)]
    rng.shuffle(slots)
    slots = sorted(slots[:target], key=lambda c: c.code)
    counties = sorted(set(slots), key=lambda c: c.code)
    towns_by_county = defaultdict(list)
    for town in CentralTown.objects.filter(county__in=counties).select_related("division"):
        towns_by_county[town.county_id].append(town.division)
    clusters_by_county = defaultdict(list)
    for cluster in VillageCluster.objects.filter(county__in=counties):
        clusters_by_county[cluster.county_id].append(cluster)
    rows, plans = [], []
    per_county = defaultdict(int)
    for i, county in enumerate(slots):
        seat = geo.seat(county)
        direction = AXIS_DIRECTIONS[(int(county.code) + per_county[county.id]) % len(AXIS_DIRECTIONS)]
        per_county[county.id] += 1
        rows.append(DevelopmentAxis(
            name=f"{county.name}{direction}城乡融合发展轴",
            county=county, batch=1 if i < (len(slots) + 1) // 2 else 2,
            positioning=f"串联{county.name}县城、中心镇与重点村，推动城乡一体融合发展。",
            area_share=Decimal(rng.randint(1500, 4500)) / 100, population_share=Decimal(rng.randint(3000, 7000)) / 100,
        ))
        villages = [v for v in geo.villages[county.id] if v.name.endswith("村委会")] or geo.villages[county.id]
        nodes = [(AxisNodeKind.COUNTY_SEAT, seat, None)]
        nodes += [(AxisNodeKind.CENTRAL_TOWN, t, None) for t in towns_by_county[county.id][:3]]
        nodes += [(AxisNodeKind.KEY_VILLAGE, v, None) for v in rng.sample(villages, min(key_villages, len(villages)))]
        nodes += [(AxisNodeKind.CLUSTER, None, c) for c in clusters_by_county[county.id][:1]]
        plans.append(nodes)
    inserted = _insert_new(DevelopmentAxis, rows, AXIS_KEY)
    plan_by_key = {_key(r, AXIS_KEY): p for r, p in zip(rows, plans)}
    AxisNode.objects.bulk_create(
        [
            AxisNode(axis=axis, kind=kind, division=division, cluster=cluster, position=position)
            for axis in inserted
            for position, (kind, division, cluster) in enumerate(plan_by_key[_key(axis, AXIS_KEY)], start=1)
        ],
        batch_size=5000,
    )
    return len(inserted)


def seed_workshops(geo, rng, enterprises, target, jobs, income_gain, months):
    villages = [v for c in geo.counties for v in geo.villages[c.id] if v.name.endswith("村委会")]
    types = list(WorkshopType)
    mean_jobs = jobs / max(target, 1)
    rows, figures, names = [], [], set()
    for _ in range(target):
        village = rng.choice(villages)
        kind = rng.choices(types, weights=TYPE_WEIGHTS)[0]
        name = f"{short_name(village.name)}{rng.choice(WORKSHOP_PRODUCTS[kind])}共富工坊"
        suffix = 2
        while (village.id, name) in names:
            name = f"{short_name(village.name)}{rng.choice(WORKSHOP_PRODUCTS[kind])}共富工坊（{suffix}号）"
            suffix += 1
        names.add((village.id, name))
        form = rng.choices(list(PairingForm), weights=[70, 20, 10])[0]
        rows.append(Workshop(
            name=name, village=village, township_id=village.parent_id, county_id=village.county_id, type=kind,
            pairing_form=form, steward_name=person(rng), steward_unit=f"{short_name(village.name)}村股份经济合作社",
            steward_phone=f"13{rng.randint(100000000, 999999999)}",
            opened_on=dt.date(2022, 1, 1) + dt.timedelta(days=rng.randint(0, 900)),
            status=WorkshopStatus.SUSPENDED if rng.random() < 0.03 else WorkshopStatus.OPERATING,
        ))
        figures.append(workshop_figures(rng, mean_jobs, income_gain))
    inserted = _insert_new(Workshop, rows, WORKSHOP_KEY)
    figures_by_key = {_key(r, WORKSHOP_KEY): f for r, f in zip(rows, figures)}
    partner_links, reports = [], []
    through = Workshop.partner_enterprises.through
    periods = month_starts(months)
    for workshop in inserted:
        pool = enterprises[workshop.county_id]
        count = 2 if workshop.pairing_form == PairingForm.ONE_TO_MANY else 1
        partner_links += [through(workshop_id=workshop.id, organisation_id=o.id) for o in rng.sample(pool, min(count, len(pool)))]
        reports += monthly_reports(workshop, figures_by_key[_key(workshop, WORKSHOP_KEY)], periods, rng)
    through.objects.bulk_create(partner_links, batch_size=5000)
    WorkshopReport.objects.bulk_create(reports, batch_size=5000)
    return len(inserted), len(reports)


def workshop_figures(rng, mean_jobs, income_gain):
    """A workshop's typical month: jobs, income gain per person, village collective income (万元)."""
    employed = max(3, round(rng.gauss(mean_jobs, mean_jobs * 0.4)))
    return employed, max(600, rng.gauss(income_gain, 450)), max(0.0, rng.gauss(1.0, 0.45))


def monthly_reports(workshop, figures, periods, rng):
    employed, gain, collective = figures
    reports = []
    for index, period in enumerate(periods):
        # Jobs grow towards the latest month, whose total matches the programme's figure.
        month_jobs = max(1, round(employed * (0.85 + 0.15 * (index + 1) / len(periods)) * rng.uniform(0.97, 1.03)))
        reports.append(WorkshopReport(
            workshop=workshop, period=period, employed=month_jobs,
            low_income_employed=round(month_jobs * rng.uniform(0.12, 0.3)),
            avg_monthly_income_gain=Decimal(f"{gain * rng.uniform(0.95, 1.05):.2f}"),
            village_collective_income=Decimal(f"{collective * rng.uniform(0.8, 1.2):.4f}"),
        ))
    return reports


def seed_pairings(geo, rng, year):
    departments = list(Organisation.objects.filter(kind=OrganisationKind.PROVINCIAL_DEPARTMENT).order_by("name"))
    soes = list(Organisation.objects.filter(kind=OrganisationKind.STATE_OWNED_ENTERPRISE).order_by("name"))
    strong = Division.objects.filter(level=DivisionLevel.COUNTY, is_mountain_island=False).order_by("code")
    strong = list(strong)
    rows, members = [], []
    for i, county in enumerate(geo.mountain):
        lead = departments[i % len(departments)]
        partner = strong[(i * 7) % len(strong)]
        rows.append(PairingRelationship(
            county=county, kind=PairingKind.ONE_PLUS_THREE, year=year, lead_unit=lead, partner_county=partner,
            soe=soes[i % len(soes)], provincial_leader=person(rng),
        ))
        members.append([d for d in rng.sample(departments, 3) if d != lead])
        rows.append(PairingRelationship(
            county=county, kind=PairingKind.MOUNTAIN_SEA, year=year, partner_county=partner,
            project_name=f"{partner.name}—{county.name}山海协作产业园",
        ))
        members.append([])
        if i % 2 == 0:
            share = rng.choice((6, 7, 8))
            rows.append(PairingRelationship(
                county=county, kind=PairingKind.ENCLAVE, year=year, partner_county=partner,
                project_name=f"{county.name}在{partner.name}的消薄飞地",
                revenue_sharing_terms=f"飞地项目税收地方留成部分按{share}:{10 - share}由{county.name}与{partner.name}分成，保底收益每年不低于投资额的10%。",
            ))
            members.append([])
    # A county that already has its pairing of a kind this year keeps it: the named examples
    # (嵊泗's "1+3", 磐安's and 武义's mountain–sea partners) are seeded first. The draws above happen
    # anyway, so the rest stays in step.
    taken = set(PairingRelationship.objects.filter(year=year).values_list("county_id", "kind"))
    kept = [(r, m) for r, m in zip(rows, members) if (r.county_id, r.kind) not in taken]
    rows, members = [r for r, _ in kept], [m for _, m in kept]
    inserted = _insert_new(PairingRelationship, rows, PAIRING_KEY)
    members_by_key = {_key(r, PAIRING_KEY): m for r, m in zip(rows, members)}
    through = PairingRelationship.member_units.through
    through.objects.bulk_create([
        through(pairingrelationship_id=p.id, organisation_id=unit.id)
        for p in inserted for unit in members_by_key[_key(p, PAIRING_KEY)]
    ])
    return len(inserted)


@transaction.atomic
def seed_deliverables(*, scale: str, seed: int, **_) -> dict:
    rng = random.Random(seed)
    figures = PROVINCE if scale == "province" else SMALL
    geo = Geography(None if scale == "province" else SMALL_COUNTIES)
    helpers = list(
        Organisation.objects.filter(
            kind__in=[OrganisationKind.PROVINCIAL_DEPARTMENT, OrganisationKind.STATE_OWNED_ENTERPRISE],
            name__in=PROVINCIAL_DEPARTMENTS + STATE_OWNED_ENTERPRISES,
        ).order_by("name")
    )
    enterprises = seed_enterprises(geo, rng, figures["enterprises_per_county"])
    towns = seed_central_towns(geo, rng, figures["central_towns"], figures["central_towns_mountain"])
    seed_weak_places(geo, rng, helpers, figures["weak_townships"], figures["weak_villages"], {t.division_id for t in towns})
    clusters = seed_clusters(geo, rng, figures["clusters"], figures["radiated"])
    axes = seed_axes(geo, rng, figures["axes"], figures["key_villages_per_axis"])
    workshops, reports = seed_workshops(
        geo, rng, enterprises, figures["workshops"], figures["jobs"], figures["income_gain"], figures["months"]
    )
    pairings = seed_pairings(geo, rng, timezone.localdate().year)
    return {
        "axes": axes, "central_towns": len(towns), "clusters": clusters, "workshops": workshops,
        "workshop_reports": reports, "pairings": pairings,
    }
