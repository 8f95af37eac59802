from django.db import migrations

CATEGORIES = ["县城承载能力提升", "中心镇", "发展轴重点项目", "片区组团", "山海协作产业项目", "基础设施", "公共服务"]


def seed(apps, schema_editor):
    ProjectCategory = apps.get_model("projects", "ProjectCategory")
    for order, name in enumerate(CATEGORIES, start=1):
        ProjectCategory.objects.get_or_create(name=name, defaults={"order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
