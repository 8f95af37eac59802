"""The source documents' own named examples (shared/DOMAIN.md, "Named examples") on the real divisions.

The demo should show places people recognise: 衢江廿里镇 and its axis, 龙泉's "剑瓷龙泉·品质共富" axis,
大仙潭 at 莫干山, 嵊泗's "1+6" pairing… Each record carries only the names and figures the documents
give. Where they are silent (a cluster's model and members beyond those named, a "1+3" pairing's strong
county and SOE, a workshop's village), the generic generator's kind of choice fills the gap and the
text fields claim nothing the documents do not say. A place the division table does not hold under the
documents' name is skipped and listed in the summary, never invented.

Idempotent: records are found by their natural key; a record that exists is left alone. Every random
draw happens whether or not its record exists, so a re-run stays in step.
"""
import random

from django.db import transaction
from django.utils import timezone

from .cluster_models import ensure_cluster_models
from .demo import county_seat, month_starts, monthly_reports, short_name, workshop_figures
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
    Organisation,
    OrganisationKind,
    PairingForm,
    PairingKind,
    PairingRelationship,
    VillageCluster,
    Workshop,
    WorkshopReport,
    WorkshopType,
)

# 001: "衢州市衢江区为廿里镇量身定制“一镇一策”，将其锚定“工业强镇”赛道"; 002: 龙泉 "依托主城区和八都、安仁两个
# 省级中心镇辐射力". A track of None: the documents do not say, the generator chooses.
CENTRAL_TOWNS = [
    ("330803", "廿里镇", CentralTownTrack.INDUSTRY),
    ("331181", "八都镇", None),
    ("331181", "安仁镇", None),
]

# (county, township or None, name, key village or None, named members, size, operating company).
# 002: 廿里镇 "以上宇村为核心、联动周边4个村" (5 villages); 大塔后 "片区9个村（社区）" in 天台县 (桐柏村、塔后村、
# 仙都村 named); 001: "岭下镇八仙积道
# 片区" (金东区); 001: 德清县莫干山镇"大仙潭"片区 "推动仙潭村、南路村、四合村等", "联合县文旅集团组建了旅游发展公司";
# 004: 青田 "白蒲村节点作用…实施二街一乡“1+10”重点村组团" (11 villages).
CLUSTERS = [
    ("330803", "廿里镇", "“青年乐享”组团片区", "上宇村", ["上宇村"], 5, ""),
    # 002 names 桐柏村, 塔后村 and 仙都村 in 大塔后片区; all three are 赤城街道 villages in the division table
    # (塔后村委会 331023001211). It names no key village: 塔后村, whose name the cluster bears, is the
    # demo's choice, not a documented fact.
    ("331023", "赤城街道", "大塔后片区", "塔后村", ["塔后村", "桐柏村", "仙都村"], 9, ""),
    ("330703", "岭下镇", "八仙积道片区", None, [], None, ""),
    ("330521", "莫干山镇", "大仙潭片区", "仙潭村", ["仙潭村", "南路村", "四合村"], 3, "莫干山镇联合德清县文旅集团组建的旅游发展公司"),
    ("331121", None, "白蒲村“1+10”重点村组团", "白蒲村", ["白蒲村"], 11, ""),
]

# (county, name, central towns on it, clusters on it, positioning in the documents' words).
AXES = [
    ("330803", "廿里产城融合发展轴", ["廿里镇"], ["“青年乐享”组团片区"],
     "衢江区为廿里镇量身定制“一镇一策”，锚定“工业强镇”赛道，深度融入廿里产城融合发展轴建设，助力衢州打造一流"
     "高端新材料产业基地，协同带动周边两镇三乡发展。"),
    ("331181", "“剑瓷龙泉·品质共富”发展轴", ["八都镇", "安仁镇"], [],
     "主城区一核引领、两个中心镇并进、六大片区联动；沿发展轴构建“1+3+1”产业集群（热管理支柱产业+健康医药、"
     "高端装备等3个主导产业+剑瓷历史经典产业），轴内规上工业增加值占县域比重达82%。"),
    ("330723", "“县城—桐琴”产城融合发展轴", [], [],
     "覆盖近三分之一县域面积，突出“融合联永、南北共富”的功能定位，着力打造金永产业链接轴、下山共富示范轴、"
     "融合发展共享轴。"),
]

# 002: 省海洋经济发展厅 "牵头结对帮扶嵊泗县…创新制定实施“1+6”帮扶方案，融合近40家团组内外单位资源，构建“问题
# 三级响应+月调度季会商”的多维协同机制…累计推动37个帮扶项目落地".
ONE_PLUS_THREE = [("330922", "省海洋经济发展厅", "“1+6”帮扶方案")]
# 000: "持续提升金义新区、东阳市、义乌市—磐安县和永康市—武义县山海协作水平" (mountain county, partner).
MOUNTAIN_SEA = [("330727", "330782"), ("330727", "330783"), ("330723", "330784")]

# (county, township, name, type, place-less note). 002: "桐乡市洲泉镇与品牌企业合作，通过打造“黄金茧·共富工坊”";
# "打造“小橘灯”等一批知名工坊品牌" names no place.
WORKSHOPS = [
    ("330483", "洲泉镇", "黄金茧·共富工坊", WorkshopType.BRAND),
    (None, None, "小橘灯", WorkshopType.BRAND),
]
WORKSHOP_JOBS = 42  # the province's mean: 551,000 jobs over 12,698 workshops


def village_short_names(name: str) -> set[str]:
    """The names a village goes by: 上宇村村委会 is 上宇村, 仙潭村委会 is 仙潭村."""
    short = short_name(name)
    return {short, short if short.endswith("村") else f"{short}村"}


class Places:
    """Lookups by name under the right county; what is missing is noted, not invented."""

    def __init__(self):
        self.skipped: list[str] = []

    def county(self, code):
        return Division.objects.filter(code=code, level=DivisionLevel.COUNTY).first()

    def township(self, county, name):
        found = Division.objects.filter(parent=county, level=DivisionLevel.TOWNSHIP, name=name).first()
        if found is None:
            self.skipped.append(f"{county.name}{name}（区划表中无此乡镇）")
        return found

    def village(self, county, township, name):
        villages = Division.objects.filter(level=DivisionLevel.VILLAGE, key__startswith=(township or county).key)
        found = next((v for v in villages.order_by("code") if name in village_short_names(v.name)), None)
        if found is None:
            self.skipped.append(f"{(township or county).full_name}/{name}（区划表中无此村）")
        return found


@transaction.atomic
def seed(*, seed: int, year: int | None = None, **_) -> dict:
    """The `DEMO_SEEDERS` entry; runs before the generic deliverables, which then leave these places be."""
    rng = random.Random(f"{seed}-named")
    places = Places()
    year = year or timezone.localdate().year
    towns = _central_towns(places, rng)
    clusters = _clusters(places, rng)
    axes = _axes(places)
    pairings = _pairings(places, rng, year)
    workshops = _workshops(places, rng)
    return {
        "central_towns": towns, "clusters": clusters, "axes": axes, "pairings": pairings, "workshops": workshops,
        "skipped": places.skipped,
    }


def _central_towns(places, rng):
    created = 0
    for code, name, track in CENTRAL_TOWNS:
        drawn = rng.choice(CentralTownTrack.values)
        township = places.township(places.county(code), name)
        if township is None:
            continue
        _, new = CentralTown.objects.get_or_create(
            division=township, defaults={"county_id": township.parent_id, "track": track or drawn}
        )
        created += new
    return created


def _clusters(places, rng):
    ensure_cluster_models(ClusterModel)
    models = list(ClusterModel.objects.order_by("position", "id"))
    created = 0
    for code, township_name, name, key_name, named, size, company in CLUSTERS:
        model = rng.choice(models) if models else None
        county = places.county(code)
        township = places.township(county, township_name) if township_name else None
        if township_name and township is None:
            continue
        members = [places.village(county, township, n) for n in named]
        if None in members:
            continue
        if township is None and not members:
            # The documents name the cluster's county only: the generator picks one of its townships
            # large enough to hold the cluster.
            pool = [
                t for t in Division.objects.filter(parent=county, level=DivisionLevel.TOWNSHIP).order_by("code")
                if Division.objects.filter(parent=t).count() >= size
            ]
            township = rng.choice(pool)
        township = township or members[0].parent
        others = [v for v in Division.objects.filter(parent=township).order_by("code") if v not in members]
        size = size or rng.randint(3, 5)
        members += others[: max(0, size - len(members))]
        key = places.village(county, township, key_name) if key_name else members[0]
        if VillageCluster.objects.filter(county=county, name=name).exists():
            continue
        cluster = VillageCluster.objects.create(
            name=name, level=ClusterLevel.PROVINCIAL, county=county, key_village=key, model=model,
            operating_company=company,
        )
        cluster.members.set(members)
        created += 1
    return created


def _axes(places):
    created = 0
    for code, name, town_names, cluster_names, positioning in AXES:
        county = places.county(code)
        if DevelopmentAxis.objects.filter(county=county, name=name).exists():
            continue
        seat = county_seat(Division.objects.filter(parent=county, level=DivisionLevel.TOWNSHIP))
        towns = [t for t in (places.township(county, n) for n in town_names) if t is not None]
        clusters = list(VillageCluster.objects.filter(county=county, name__in=cluster_names).order_by("name"))
        axis = DevelopmentAxis.objects.create(name=name, county=county, positioning=positioning)
        nodes = [(AxisNodeKind.COUNTY_SEAT, seat, None)]
        nodes += [(AxisNodeKind.CENTRAL_TOWN, t, None) for t in towns]
        nodes += [(AxisNodeKind.CLUSTER, None, c) for c in clusters]
        AxisNode.objects.bulk_create([
            AxisNode(axis=axis, kind=kind, division=division, cluster=cluster, position=position)
            for position, (kind, division, cluster) in enumerate(nodes, start=1)
        ])
        created += 1
    return created


def _pairings(places, rng, year):
    strong = list(Division.objects.filter(level=DivisionLevel.COUNTY, is_mountain_island=False).order_by("code"))
    soes = list(Organisation.objects.filter(kind=OrganisationKind.STATE_OWNED_ENTERPRISE).order_by("name"))
    created = 0
    for code, lead_name, plan in ONE_PLUS_THREE:
        partner, soe = rng.choice(strong), rng.choice(soes) if soes else None
        county = places.county(code)
        lead = Organisation.objects.filter(kind=OrganisationKind.PROVINCIAL_DEPARTMENT, name=lead_name).first()
        if lead is None or soe is None:
            places.skipped.append(f"{county.name}“1+3”结对帮扶（缺少{lead_name}或省属国企）")
            continue
        _, new = PairingRelationship.objects.get_or_create(
            county=county, year=year, kind=PairingKind.ONE_PLUS_THREE,
            defaults={"lead_unit": lead, "partner_county": partner, "soe": soe, "project_name": plan},
        )
        created += new
    for code, partner_code in MOUNTAIN_SEA:
        county, partner = places.county(code), places.county(partner_code)
        _, new = PairingRelationship.objects.get_or_create(
            county=county, year=year, kind=PairingKind.MOUNTAIN_SEA, partner_county=partner,
        )
        created += new
    return created


def _workshops(places, rng):
    created = 0
    for code, township_name, name, kind in WORKSHOPS:
        figures = workshop_figures(rng, WORKSHOP_JOBS, 2668)
        form = rng.choices(list(PairingForm), weights=[70, 20, 10])[0]
        if code is None:
            places.skipped.append(f"{name}共富工坊（文件未写明所在地）")
            continue
        county = places.county(code)
        township = places.township(county, township_name)
        if township is None:
            continue
        villages = list(Division.objects.filter(parent=township, name__endswith="村委会").order_by("code"))
        village = villages[rng.randrange(len(villages))]
        if Workshop.objects.filter(township=township, name=name).exists():
            continue
        workshop = Workshop.objects.create(
            name=name, village=village, township=township, county=county, type=kind, pairing_form=form,
        )
        WorkshopReport.objects.bulk_create(monthly_reports(workshop, figures, month_starts(3), rng))
        created += 1
    return created
