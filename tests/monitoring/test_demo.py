from monitoring.models import CountyEvaluation, IndexPeriod, IndexSnapshot, IndicatorValue, PeriodStatus


def test_monitoring_demo_seeds_values_computes_and_publishes_idempotently(divisions):
    from monitoring import demo
    from registry.demo import seed_people

    seed_people(password="Seed@2026x")
    summary = demo.seed(seed=7)
    assert summary["periods"] == 8 and IndicatorValue.objects.count() == summary["values"] > 102 * 18
    states = list(IndexPeriod.objects.order_by("period"))
    assert len(states) == 8 and sum(s.status == PeriodStatus.PUBLISHED for s in states) == 7
    assert IndexSnapshot.objects.filter(period=states[0].period).count() == 102
    assert CountyEvaluation.objects.count() == 90
    again = demo.seed(seed=7)
    assert again["values"] == summary["values"]
