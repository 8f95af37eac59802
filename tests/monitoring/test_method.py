"""The method against a small example computed by hand (3 indicators × 4 counties, α = 0.5).

    j1 higher-is-better: 10, 20, 30, 40      → s = 0, 33.33, 66.67, 100
    j2 lower-is-better:  1, 2, 2, 3          → y = −1, −2, −2, −3 → s = 100, 50, 50, 0
    j3 band [2, 4]:      3, 5, 1, 4          → distance 0, 1, 1, 0 → s = 100, 0, 0, 100
    entropy (k = 1/ln 4): e1 = 0.72957, e2 = 0.75, e3 = 0.5 → d = 0.27043, 0.25, 0.5
    objective o = d / Σd = 0.26501, 0.24500, 0.48999; subjective 1, 1, 2 → u = 0.25, 0.25, 0.5
    combined w = 0.5u + 0.5o = 0.25751, 0.24750, 0.49500
    composite A = 0.2475·100 + 0.4950·100 = 74.249; B = 0.2575·33.33 + 0.2475·50 = 20.958;
              C = 0.2575·66.67 + 0.2475·50 = 29.542; D = 0.2575·100 + 0.4950·100 = 75.250
"""
import pytest

from monitoring.method import BAND, HIGHER, LOWER, Spec, competition_ranks, compute_group

A, B, C, D = 1, 2, 3, 4
SPECS = [Spec(1, "a", HIGHER, 1), Spec(2, "a", LOWER, 1), Spec(3, "b", BAND, 2, band=(2, 4))]
VALUES = {
    (A, 1): 10, (B, 1): 20, (C, 1): 30, (D, 1): 40,
    (A, 2): 1, (B, 2): 2, (C, 2): 2, (D, 2): 3,
    (A, 3): 3, (B, 3): 5, (C, 3): 1, (D, 3): 4,
}
W = {1: 0.2575064, 2: 0.2474979, 3: 0.4949957}


def test_hand_computed_scores_weights_composites_and_ranks():
    result = compute_group(SPECS, VALUES, 0.5)
    assert [round(result.scores[(i, 1)], 3) for i in (A, B, C, D)] == [0, 33.333, 66.667, 100]
    assert [result.scores[(i, 2)] for i in (A, B, C, D)] == [100, 50, 50, 0]
    assert [result.scores[(i, 3)] for i in (A, B, C, D)] == [100, 0, 0, 100]
    assert [w for _, _, w in (result.weights[j] for j in (1, 2, 3))] == pytest.approx([W[1], W[2], W[3]], abs=1e-6)
    assert [result.weights[j][1] for j in (1, 2, 3)] == pytest.approx([0.2650129, 0.2449957, 0.4899914], abs=1e-6)
    assert [result.composite[i] for i in (A, B, C, D)] == pytest.approx([74.24936, 20.95844, 29.54199, 75.25021], abs=1e-4)
    assert result.rank == {D: 1, A: 2, C: 3, B: 4}
    # domain "a" of A: (w1·0 + w2·100) / (w1 + w2)
    assert result.domains[A]["a"] == pytest.approx(W[2] * 100 / (W[1] + W[2]), abs=1e-4)
    assert result.domains[A]["b"] == 100


def test_a_missing_value_is_excluded_and_the_weights_renormalised_not_counted_as_zero():
    values = {k: v for k, v in VALUES.items() if k != (D, 2)}
    result = compute_group(SPECS, values, 0.5)
    assert result.missing[D] == [2] and result.missing[A] == []
    # D has the best score on both indicators it has: 100, not dragged down by a zero for j2.
    assert result.composite[D] == pytest.approx(100)
    assert sum(w for _, _, w in result.weights.values()) == pytest.approx(1)


def test_an_indicator_with_one_value_is_left_out_of_the_group():
    values = {k: v for k, v in VALUES.items() if k[1] != 2 or k[0] == A}
    result = compute_group(SPECS, values, 0.5)
    assert result.excluded == [2] and 2 not in result.weights


def test_equal_composites_share_a_rank():
    assert competition_ranks({1: 50.0, 2: 70.0, 3: 50.0, 4: 10.0, 5: None}) == {2: 1, 1: 2, 3: 2, 4: 4}


def test_alpha_outside_zero_to_one_is_refused():
    with pytest.raises(ValueError):
        compute_group(SPECS, VALUES, 1.5)
