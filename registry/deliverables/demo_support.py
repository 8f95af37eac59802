"""The demo's shared means: names for people, villages and enterprises, the months, the divisions
read once (Geography), and idempotent bulk inserts by natural key."""
import datetime as dt
from collections import defaultdict

from django.utils import timezone

from registry.models import (
    Division,
    DivisionLevel,
    WorkshopType,
)

VILLAGE_SUFFIXES = ["社区居民委员会", "村民委员会", "居民委员会", "社区居委会", "村委会", "居委会", "委员会"]
WORKSHOP_PRODUCTS = {
    WorkshopType.PROCESSING: ["饰品", "服装", "玩具", "工艺品", "电子配件", "箱包", "袜业"],
    WorkshopType.RECRUITMENT: ["纺织", "五金", "食品加工", "家具", "汽配"],
    WorkshopType.LIVESTREAM: ["农产品直播", "土特产电商", "茶叶直播", "竹木电商"],
    WorkshopType.AGRITOURISM: ["民宿", "研学", "农家乐", "采摘园"],
    WorkshopType.BRAND: ["茶叶", "高山蔬菜", "香榧", "火腿", "红糖"],
    WorkshopType.INDUSTRY: ["竹制品", "中药材", "食用菌", "花卉苗木", "水产"],
}
# Shares of the six types among the province's workshops (来料加工 is by far the most common).
TYPE_WEIGHTS = [38, 18, 14, 12, 8, 10]
AXIS_DIRECTIONS = ["东部", "西部", "南部", "北部", "中部", "沿江", "环湖", "山海", "城西", "城南"]
CLUSTER_WORDS = ["共富", "和美", "未来", "振兴", "幸福", "山水", "田园", "红色"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万钱严覃武戴莫孔汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玲建国红梅志文斌海燕飞鹏辉晓东林波宁凯浩俊峰"
ENTERPRISE_WORDS = ["永康", "恒通", "华越", "新农", "绿源", "兴业", "富民", "同创", "金穗", "云峰", "江南", "瑞丰", "宏达", "天成"]
ENTERPRISE_TRADES = ["实业", "农业开发", "电子商务", "服饰", "工艺品", "食品", "文旅发展", "供应链"]


def short_name(name):
    for suffix in VILLAGE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def person(rng):
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def month_starts(count):
    """The `count` months up to and including the previous month."""
    first = timezone.localdate().replace(day=1)
    months = []
    for _ in range(count):
        first = (first - dt.timedelta(days=1)).replace(day=1)
        months.append(first)
    return sorted(months)


class Geography:
    """The divisions the seeder places records on, read once."""

    def __init__(self, county_codes=None):
        counties = Division.objects.filter(level=DivisionLevel.COUNTY).order_by("code")
        if county_codes:
            counties = counties.filter(code__in=county_codes)
        self.counties = list(counties)
        keys = {c.key: c for c in self.counties}
        self.townships = defaultdict(list)  # county id -> townships
        self.villages = defaultdict(list)  # county id -> villages
        self.township_villages = defaultdict(list)
        for d in Division.objects.filter(level__in=[DivisionLevel.TOWNSHIP, DivisionLevel.VILLAGE]).order_by("code"):
            county = keys.get(d.key[:6])
            if county is None:
                continue
            if d.level == DivisionLevel.TOWNSHIP:
                self.townships[county.id].append(d)
            else:
                d.county_id = county.id
                self.villages[county.id].append(d)
                self.township_villages[d.parent_id].append(d)
        self.mountain = [c for c in self.counties if c.is_mountain_island]
        self.others = [c for c in self.counties if not c.is_mountain_island]

    def rural_townships(self, county):
        """Towns and townships first, urban sub-districts (街道) last: a central town is rarely a 街道."""
        return sorted(self.townships[county.id], key=lambda t: (t.name.endswith("街道"), t.code))

    def seat(self, county):
        return county_seat(self.townships[county.id])

    def towns(self, county):
        """The county's 建制镇 other than its seat: the only places a central town can be."""
        seat = self.seat(county)
        return [t for t in self.townships[county.id] if t.name.endswith("镇") and t != seat]

    def remote_townships(self, county):
        """Where weak townships are: never a 街道 nor the seat's town; 乡 before 镇."""
        seat = self.seat(county)
        rural = [t for t in self.townships[county.id] if not t.name.endswith("街道") and t != seat]
        return sorted(rural, key=lambda t: (not t.name.endswith("乡"), t.code))


def county_seat(townships):
    """The township a county's seat is in: its first 街道 or, in counties without one (嵊泗, 磐安…), its
    first-coded town: the division table has no seat flag, and codes number the seat first."""
    townships = sorted(townships, key=lambda t: t.code)
    return next((t for t in townships if t.name.endswith("街道")), townships[0] if townships else None)


def _existing(model, field):
    return set(model.objects.values_list(field, flat=True))


def _insert_new(model, rows, fields):
    """Bulk insert the rows whose natural key (`fields`) is not yet present; returns the inserted rows."""
    present = set(model.objects.values_list(*fields))
    fresh = [row for row in rows if tuple(getattr(row, f) for f in fields) not in present]
    model.objects.bulk_create(fresh, batch_size=2000)
    return fresh


def _key(row, fields):
    return tuple(getattr(row, f) for f in fields)
