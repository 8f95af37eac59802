"""Properties of the method (hypothesis): weights sum to 1, the input order does not matter, and an
improvement on a higher-is-better indicator never lowers the division's score on it nor, with the
weights held, its composite."""
import random

import pytest
from hypothesis import given, settings, strategies as st

from monitoring.method import BAND, HIGHER, LOWER, Spec, compute_group, weighted

DIRECTIONS = st.sampled_from([HIGHER, LOWER, BAND])
NUMBER = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False).map(lambda x: round(x, 3))


@st.composite
def groups(draw):
    n_divisions = draw(st.integers(min_value=2, max_value=12))
    n_indicators = draw(st.integers(min_value=1, max_value=6))
    specs = []
    for j in range(1, n_indicators + 1):
        direction = draw(DIRECTIONS)
        band = tuple(sorted((draw(NUMBER), draw(NUMBER)))) if direction == BAND else None
        specs.append(Spec(j, draw(st.sampled_from("abcd")), direction, draw(st.floats(0, 5)), band))
    values = {}
    for i in range(1, n_divisions + 1):
        for s in specs:
            if draw(st.booleans()) or draw(st.booleans()):  # about a quarter missing
                values[(i, s.id)] = draw(NUMBER)
    return specs, values, list(range(1, n_divisions + 1)), draw(st.floats(0, 1))


@settings(max_examples=200, deadline=None)
@given(groups())
def test_weights_sum_to_one_and_scores_stay_within_0_and_100(case):
    specs, values, divisions, alpha = case
    result = compute_group(specs, values, alpha, divisions)
    if result.weights:
        assert sum(w for _, _, w in result.weights.values()) == pytest.approx(1)
        assert sum(o for _, o, _ in result.weights.values()) == pytest.approx(1)
    assert all(0 <= s <= 100 for s in result.scores.values())
    assert all(c is None or -1e-9 <= c <= 100 + 1e-9 for c in result.composite.values())


@settings(max_examples=200, deadline=None)
@given(groups(), st.randoms(use_true_random=False))
def test_results_do_not_depend_on_row_order(case, rnd: random.Random):
    specs, values, divisions, alpha = case
    items = list(values.items())
    rnd.shuffle(items)
    shuffled_specs = list(specs)
    rnd.shuffle(shuffled_specs)
    first = compute_group(specs, values, alpha, divisions)
    second = compute_group(shuffled_specs, dict(items), alpha, list(reversed(divisions)))
    assert first.composite == second.composite and first.rank == second.rank
    assert first.weights == second.weights and first.domains == second.domains


@settings(max_examples=200, deadline=None)
@given(groups(), st.data())
def test_improving_a_higher_is_better_value_never_lowers_the_divisions_score(case, data):
    specs, values, divisions, alpha = case
    higher = [s for s in specs if s.direction == HIGHER]
    present = [(i, j) for (i, j) in values if any(s.id == j for s in higher)]
    if not present:
        return
    i, j = data.draw(st.sampled_from(sorted(present)))
    gain = data.draw(st.floats(min_value=0.001, max_value=1e6))
    before = compute_group(specs, values, alpha, divisions)
    after = compute_group(specs, {**values, (i, j): values[(i, j)] + gain}, alpha, divisions)
    if (i, j) in before.scores:
        assert after.scores[(i, j)] >= before.scores[(i, j)] - 1e-9
        # With the weights held (those before the change), the composite does not fall either.
        held = [(before.weights[s][2], after.scores[(i, s)]) for s in before.weights if (i, s) in after.scores]
        assert weighted(held) >= before.composite[i] - 1e-9
