"""Realistic task titles for the demo: the programme's lines of work, placed on real townships and villages.

A title names the place and the problem the way a task force's list does ("佛堂镇中心镇“一镇一策”项目
进度滞后"). The problems are the work the documents describe; the places are drawn from the division
table, so the same problem reads differently in each village.
"""
from registry.deliverables.demo import short_name
from registry.models import Division, DivisionLevel

# (line of work, templates): {county} is the county, {town} a township, {village} a village of it.
WORK = [
    ("人居环境整治", [
        "{village}人居环境整治：房前屋后杂物堆放未清理", "{village}农村生活垃圾分类不到位",
        "{village}农村生活污水处理终端运维不到位", "{village}农房风貌管控不到位，新建农房未按图施工",
        "{town}“千万工程”和美乡村创建项目进度滞后", "{village}河道沟渠漂浮物未及时清理",
    ]),
    ("村道提升", [
        "{village}村道破损未修复", "{town}通村公路提升改造工程进度滞后", "{town}四好农村路养护不到位",
        "{village}村道安全防护设施缺失", "{town}三级及以上公路通达工程未按期开工",
    ]),
    ("共富工坊", [
        "{village}共富工坊用工台账不全", "{village}共富工坊带动低收入农户就业人数未达标",
        "{village}共富工坊结对企业订单不足、开工不稳", "{town}共富工坊管家履职不到位",
    ]),
    ("山区海岛县结对", [
        "{county}“1+3”结对帮扶年度重点任务进度滞后", "{county}山海协作产业园入驻企业少",
        "{county}消薄飞地项目收益未按约定分配", "{county}结对帮扶项目资金拨付慢",
        "{county}结对帮扶承接任务未按期销号",
    ]),
    ("中心镇", [
        "{town}中心镇“一镇一策”项目进度滞后", "{town}中心镇重大项目月度投资完成率偏低",
        "{town}污水管网建设滞后", "{town}县城公交线路未延伸至中心镇", "{town}中心镇便民服务中心“跨乡通办”未落实",
    ]),
    ("片区组团与发展轴", [
        "{town}乡村片区组团运营机制未建立", "{town}重点村组团片区规划未编制",
        "{county}发展轴“一轴一方案”项目清单未更新", "{village}重点村闲置农房盘活进度慢",
    ]),
    ("薄弱村与公共服务", [
        "{village}薄弱村集体经济增收措施不实", "{village}村集体经营性收入未达30万元", "{town}卫生院巡回诊疗未覆盖偏远村",
        "{town}小规模学校布局调整方案未落实", "{village}农村饮用水达标提标工程未完成", "{village}居家养老服务照料中心未正常运营",
    ]),
]
PAIRING = "山区海岛县结对"
TEMPLATES = [template for _, templates in WORK for template in templates]
# "1+3" pairing, mountain–sea cooperation and enclaves are tasks of the 28 mountain and island counties.
TEMPLATES_ELSEWHERE = [template for line, templates in WORK if line != PAIRING for template in templates]


def village_name(village) -> str:
    name = short_name(village.name)
    return name if name.endswith("村") else f"{name}村"


class Places:
    """One county's rural townships and their villages, read once, for titles."""

    def __init__(self, county, townships, villages):
        self.county = county
        rural = [t for t in townships if not t.name.endswith("街道")]
        self.towns = rural or list(townships)
        self.villages = {}
        for village in villages:
            if village.name.endswith(("村委会", "村民委员会")):
                self.villages.setdefault(village.parent_id, []).append(village)

    def title(self, rng) -> tuple[str, object]:
        """A title on one of the county's townships (and one of its villages); returns (title, township)."""
        template = rng.choice(TEMPLATES if self.county.is_mountain_island else TEMPLATES_ELSEWHERE)
        town = rng.choice(self.towns) if self.towns else None
        villages = self.villages.get(town.pk, []) if town else []
        village = rng.choice(villages) if villages else None
        if town is None or ("{village}" in template and village is None):
            return f"{self.county.name}项目月度投资完成率偏低", None
        text = template.format(county="", town=town.name, village=f"{town.name}{village_name(village)}" if village else "")
        # A county-wide task ("1+3" pairing, an axis) belongs to no township.
        return f"{self.county.name}{text}", town if "{county}" not in template else None


def places_by_county(counties) -> dict:
    """Places for each county, from one query."""
    codes = {c.code: c for c in counties}
    townships, villages = {}, {}
    for d in Division.objects.filter(level__in=[DivisionLevel.TOWNSHIP, DivisionLevel.VILLAGE]).order_by("code").only(
        "id", "code", "key", "name", "level", "parent_id"
    ):
        county = codes.get(d.key[:6])
        if county is not None:
            (townships if d.level == DivisionLevel.TOWNSHIP else villages).setdefault(county.pk, []).append(d)
    return {c.pk: Places(c, townships.get(c.pk, []), villages.get(c.pk, [])) for c in counties}
