"""The indicator catalogue: the demonstration set shipped with the product, its Excel round-trip, and
which indicators apply to a period.

The source documents (seed 002, “城乡一体融合高质量发展指数监测体系”) name four domains, eighteen indicators,
three county classes, quarterly reporting of key indicators and an annual evaluation, but not the
eighteen indicators themselves. DEMO_INDICATORS is built from measures the documents do quote
(城乡居民收入比 1.73, 经营性收入30万元以上行政村占比 88.6 %, 乡镇通三级及以上公路比例, 共富工坊, 112 项基本公共
服务同标, 闲置农房盘活, 巡回诊疗 …); it is a demonstration set, labelled so in the data
(CatalogueVersion.is_demonstration), on every page and in the README, to be replaced by the official
catalogue through the admin or the workbook below."""
from django.db import transaction

from registry.excel import Column, Kind, SheetSpec, history_recorder, upsert_by_key

from .models import Accumulation, CatalogueVersion, Direction, Domain, Frequency, Indicator
from . import periods

DEMO_VERSION = "demo-2025"
DEMO_NOTICE = "当前指标目录为演示用指标集，并非省里正式发布的18项指标，正式目录下发后请在“指标目录”中替换。"

DOMAINS = [("space", "城乡空间融合"), ("economy", "城乡经济融合"), ("life", "城乡生活融合"), ("ecology", "城乡生态融合")]

H, L, B = Direction.HIGHER, Direction.LOWER, Direction.BAND
Q, Y = Frequency.QUARTER, Frequency.YEAR
# code, name, domain, unit, direction, band, frequency, accumulation, source, key, subjective weight
DEMO_INDICATORS = [
    ("S01", "常住人口城镇化率", "space", "%", H, None, Y, "level", "省统计局", False, 1),
    ("S02", "乡镇通三级及以上公路比例", "space", "%", H, None, Y, "level", "省交通运输厅", False, 1),
    ("S03", "县城承载能力提升重大项目投资完成率", "space", "%", H, None, Q, "cumulative", "省发展改革委", True, 1.2),
    ("S04", "城乡公交一体化率", "space", "%", H, None, Y, "level", "省交通运输厅", False, 0.8),
    ("S05", "乡村片区组团覆盖行政村比例", "space", "%", H, None, Y, "level", "省农业农村厅", False, 1),
    ("E01", "城乡居民收入比", "economy", "倍", L, None, Q, "level", "省统计局", True, 2),
    ("E02", "农村居民人均可支配收入增速", "economy", "%", H, None, Q, "level", "省统计局", True, 1.2),
    ("E03", "村级集体经济经营性收入30万元以上行政村占比", "economy", "%", H, None, Y, "level", "省农业农村厅", False, 1.2),
    ("E04", "共富工坊吸纳就业人数", "economy", "人", H, None, Q, "level", "省委组织部", True, 1),
    ("E05", "闲置农房盘活数量", "economy", "宗", H, None, Q, "cumulative", "省农业农村厅", True, 0.8),
    ("L01", "基本公共服务城乡同标项目数", "life", "项", H, None, Y, "level", "省发展改革委", False, 1.5),
    ("L02", "城乡义务教育生均公用经费比", "life", "倍", B, (0.95, 1.05), Y, "level", "省教育厅", False, 1),
    ("L03", "山区海岛和偏远农村巡回诊疗覆盖率", "life", "%", H, None, Y, "level", "省卫生健康委", False, 1),
    ("L04", "每千人口拥有3岁以下婴幼儿托位数", "life", "个", H, None, Y, "level", "省卫生健康委", False, 0.8),
    ("L05", "城乡居民人均消费支出比", "life", "倍", L, None, Q, "level", "省统计局", True, 1.2),
    ("G01", "县控以上断面地表水达到或优于Ⅲ类水质比例", "ecology", "%", H, None, Y, "level", "省生态环境厅", False, 1),
    ("G02", "农村生活污水治理设施标准化运维覆盖率", "ecology", "%", H, None, Y, "level", "省住房城乡建设厅", False, 1),
    ("G03", "农村生活垃圾分类处理行政村覆盖率", "ecology", "%", H, None, Y, "level", "省住房城乡建设厅", False, 1),
]


@transaction.atomic
def seed_demo_catalogue() -> CatalogueVersion:
    """The four domains and the demonstration catalogue (idempotent: existing rows keep clerks' edits)."""
    domains = {}
    for order, (code, name) in enumerate(DOMAINS, start=1):
        domains[code] = Domain.objects.get_or_create(code=code, defaults={"name": name, "order": order})[0]
    version, _ = CatalogueVersion.objects.get_or_create(
        code=DEMO_VERSION,
        defaults={"name": "演示指标集（2025版）", "is_demonstration": True, "valid_from": 2024, "note": DEMO_NOTICE},
    )
    for order, (code, name, domain, unit, direction, band, frequency, accumulation, source, key, weight) in enumerate(
        DEMO_INDICATORS, start=1
    ):
        Indicator.objects.get_or_create(version=version, code=code, defaults={
            "name": name, "domain": domains[domain], "unit": unit, "direction": direction,
            "band_low": band[0] if band else None, "band_high": band[1] if band else None,
            "frequency": frequency, "accumulation": accumulation, "source_department": source,
            "is_key": key, "subjective_weight": weight, "order": order,
        })
    return version


def version_for(period: str) -> CatalogueVersion | None:
    """The catalogue in force for a period's year: the latest version whose years cover it."""
    year, _ = periods.split(period)
    return (
        CatalogueVersion.objects.filter(valid_from__lte=year)
        .exclude(valid_to__lt=year)
        .order_by("-valid_from", "-id")
        .first()
    )


def indicators_for(period: str, version: CatalogueVersion) -> list[Indicator]:
    """The version's indicators valid during the period. A quarter counts only quarterly indicators:
    annual ones have no quarterly figure (stated in the method note, not treated as missing)."""
    first, last = periods.bounds(period)
    qs = version.indicators.select_related("domain").exclude(valid_from__gt=last).exclude(valid_to__lt=first)
    if periods.is_quarter(period):
        qs = qs.filter(frequency=Frequency.QUARTER)
    return list(qs.order_by("order", "code"))


CATALOGUE_SHEET = SheetSpec(
    "指标目录",
    columns=[
        Column("指标体系版本", "version", Kind.FK, required=True, model=CatalogueVersion, to_field="code",
               within_jurisdiction=False, source="version.code"),
        Column("指标代码", "code", required=True, max_length=16),
        Column("指标名称", "name", required=True, max_length=100),
        Column("所属领域", "domain", Kind.FK, required=True, model=Domain, to_field="name", within_jurisdiction=False,
               source="domain.name"),
        Column("单位", "unit", max_length=20),
        Column("指标方向", "direction", Kind.CHOICE, required=True, choices=Direction.choices),
        Column("适度区间下限", "band_low", Kind.DECIMAL, decimal_places=4),
        Column("适度区间上限", "band_high", Kind.DECIMAL, decimal_places=4),
        Column("报送频率", "frequency", Kind.CHOICE, required=True, choices=Frequency.choices),
        Column("季度口径", "accumulation", Kind.CHOICE, required=True, choices=Accumulation.choices),
        Column("数据来源部门", "source_department", max_length=64),
        Column("省级适用", "at_province", Kind.BOOL, required=True),
        Column("设区市适用", "at_city", Kind.BOOL, required=True),
        Column("县级适用", "at_county", Kind.BOOL, required=True),
        Column("重点指标", "is_key", Kind.BOOL, required=True, help="重点指标按季度报送"),
        Column("主观权重", "subjective_weight", Kind.DECIMAL, required=True, min_value=0, decimal_places=4),
        Column("启用日期", "valid_from", Kind.DATE),
        Column("停用日期", "valid_to", Kind.DATE),
        Column("排序", "order", Kind.INT, min_value=0),
    ],
    key_columns=["version", "code"],
    instructions="7. 指标以“指标体系版本 + 指标代码”识别；修订指标体系时请先在管理后台新建版本，再导入新版本的指标，"
                 "以往期别仍按原版本计算。",
)


def _check_key_quarterly(instance, row):
    from django.core.exceptions import ValidationError

    if instance.is_key and instance.frequency != Frequency.QUARTER:
        raise ValidationError({"is_key": "重点指标按季度报送，报送频率须为“季度”。"})


def catalogue_import(rows, user):
    return upsert_by_key(Indicator, rows, spec=CATALOGUE_SHEET, user=user, prepare=_check_key_quarterly,
                         on_change=history_recorder(CATALOGUE_SHEET, user, reason="指标目录 Excel 导入"))
