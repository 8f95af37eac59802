"""The 八大模式 of village clusters (2025 provincial guidance), the initial content of ClusterModel."""

EIGHT_MODELS = [
    ("强村带弱村", "以强村为核心，带动周边薄弱村抱团发展。"),
    ("产业联动", "围绕主导产业链，组团村分工协作、联动发展。"),
    ("景区带动", "依托景区景点，组团发展乡村旅游与休闲服务。"),
    ("党建联建", "成立联合党委，统筹组团村资源、人才与事务。"),
    ("强村公司运营", "组建强村公司，统一运营片区资产与项目。"),
    ("飞地抱团", "多村联合投资飞地项目，按股分红、收益共享。"),
    ("城郊融合", "依托县城或中心镇，推动城郊村融合发展。"),
    ("文化传承", "挖掘历史文化资源，以文化赋能片区发展。"),
]


def ensure_cluster_models(model):
    """Create the eight models if missing (idempotent; edits by administrators are kept).

    `model` is passed in so the data migration can use its historical model."""
    for position, (name, description) in enumerate(EIGHT_MODELS, start=1):
        model.objects.get_or_create(name=name, defaults={"description": description, "position": position})
