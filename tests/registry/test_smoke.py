from registry.models import Division


def test_divisions_loaded_once_per_test_database(divisions):
    assert Division.objects.filter(level=3).count() == 90
