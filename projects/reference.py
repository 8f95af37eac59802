"""The project categories every installation starts with (an editable list afterwards)."""

CATEGORIES = ["县城承载能力提升", "中心镇", "发展轴重点项目", "片区组团", "山海协作产业项目", "基础设施", "公共服务"]


def seed_categories(category_model=None):
    """Idempotent; takes the model so the data migration can pass its historical one."""
    if category_model is None:
        from .models import ProjectCategory as category_model
    for order, name in enumerate(CATEGORIES, start=1):
        category_model.objects.get_or_create(name=name, defaults={"order": order * 10})
