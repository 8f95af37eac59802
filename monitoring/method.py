r"""The 城乡一体融合高质量发展指数 method, in one place (pure functions: no database).

The documents prescribe 标准化、适度化、无量纲化 of each indicator and a combined weighting (综合赋权法) of
subjective and objective weights. This module fixes one reading of that and states every choice.

Notation: a comparison group G (the counties of one class, or the cities), indicators j, divisions i,
x_ij the value of indicator j for division i, V_j ⊆ G the divisions with a value for j, n_j = |V_j|.

1. Direction (适度化). y_ij = x_ij for a higher-is-better indicator; y_ij = −x_ij for lower-is-better;
   for a target-band (适度) indicator [lo, hi], y_ij = −dist(x_ij, [lo, hi]) = −max(lo − x_ij, 0, x_ij − hi),
   so every value inside the band is best and the score falls with the distance outside it.

2. Standardisation within the group, scaled to 0–100 (无量纲化, min–max over V_j):
       s_ij = 100 · (y_ij − min_{k∈V_j} y_kj) / (max_{k∈V_j} y_kj − min_{k∈V_j} y_kj)
   If every value is equal (max = min) the indicator does not discriminate: s_ij = 100 for all i.
   An indicator with fewer than MIN_VALUES values in the group cannot be standardised: it is left out
   of the group's computation entirely, and the method note says so.

3. Objective weights by the entropy method over the group, for the used indicators J:
       p_ij = s_ij / Σ_{k∈V_j} s_kj,   e_j = −(1 / ln n_j) · Σ_{i∈V_j} p_ij ln p_ij   (0 · ln 0 = 0),
       d_j = 1 − e_j,                  o_j = d_j / Σ_{k∈J} d_k
   (if every d_j = 0, o_j = 1/|J|).

4. Subjective weights u_j = sw_j / Σ_{k∈J} sw_k from the catalogue (equal if they sum to zero), and the
   combined weight
       w_j = α · u_j + (1 − α) · o_j,      Σ_{j∈J} w_j = 1,
   with α = settings.INDEX_SUBJECTIVE_ALPHA (default 0.5), stored with every period and shown on the pages.

5. Missing values are never zeros. For division i, J_i = {j ∈ J : i ∈ V_j}; its composite and each
   domain score use the weights renormalised over what it has:
       C_i = Σ_{j∈J_i} w_j s_ij / Σ_{j∈J_i} w_j,        D_id = Σ_{j∈J_i∩d} w_j s_ij / Σ_{j∈J_i∩d} w_j
   (a plain mean where those weights sum to zero; None where J_i, or J_i ∩ d, is empty). The indicators
   left out for i are stored with its row (IndexSnapshot.missing).

6. Ranks: competition ranking by composite, highest first (equal composites share a rank, the next
   rank skips: 1, 2, 2, 4), within the group and, for counties, over all 90 ("overall"; the classes
   are scaled separately, so the overall rank is shown as secondary). Divisions without a composite
   have no rank.

7. The province is placed on its cities' scale: its y values standardised with the cities' min and
   max (clipped to 0–100) and weighted with the cities' weights.

Properties (tests/monitoring/test_method_properties.py): weights sum to 1; the result does not depend
on the order of the input rows (inputs are sorted by key before any sum); improving a value on a
higher-is-better indicator never lowers that division's score on it, nor, with the weights held, its
composite. With entropy weights re-estimated after the change the composite can move either way: the
improvement also changes how much that indicator discriminates within the group, which is what
entropy weighting measures.
"""
import math
from dataclasses import dataclass, field

MIN_VALUES = 2
HIGHER, LOWER, BAND = "higher", "lower", "band"


@dataclass(frozen=True)
class Spec:
    """One indicator as the method needs it."""

    id: int
    domain: str
    direction: str = HIGHER
    subjective: float = 1.0
    band: tuple[float, float] | None = None


@dataclass
class GroupResult:
    weights: dict = field(default_factory=dict)       # indicator id -> (u_j, o_j, w_j)
    scores: dict = field(default_factory=dict)        # (division, indicator) -> s_ij
    composite: dict = field(default_factory=dict)     # division -> C_i or None
    domains: dict = field(default_factory=dict)       # division -> {domain: D_id}
    missing: dict = field(default_factory=dict)       # division -> [indicator ids left out for it]
    excluded: list = field(default_factory=list)      # indicator ids left out of the group
    scale: dict = field(default_factory=dict)         # indicator id -> (min y, max y)
    rank: dict = field(default_factory=dict)          # division -> competition rank


def oriented(spec: Spec, x: float) -> float:
    """Step 1: larger is better after this."""
    if spec.direction == LOWER:
        return -x
    if spec.direction == BAND:
        low, high = spec.band
        return -max(low - x, 0.0, x - high)
    return x


def standardise(y: float, low: float, high: float) -> float:
    """Step 2 for one value on a group's scale (clipped, for the province placed on the cities' scale)."""
    if high == low:
        return 100.0
    return min(max(100.0 * (y - low) / (high - low), 0.0), 100.0)


def entropy_weights(columns: dict) -> dict:
    """Step 3: {indicator: [s_ij, …]} → {indicator: o_j}, summing to 1."""
    divergence = {}
    for j in sorted(columns):
        scores = columns[j]
        total, n = sum(scores), len(scores)
        if total <= 0 or n < 2:
            divergence[j] = 0.0
            continue
        e = -sum((s / total) * math.log(s / total) for s in scores if s > 0) / math.log(n)
        divergence[j] = max(1.0 - e, 0.0)
    total = sum(divergence.values())
    if total <= 0:
        return {j: 1.0 / len(columns) for j in columns} if columns else {}
    return {j: d / total for j, d in divergence.items()}


def combine(specs: list[Spec], objective: dict, alpha: float) -> dict:
    """Step 4: {indicator: (u_j, o_j, w_j)}."""
    subjective_total = sum(max(s.subjective, 0.0) for s in specs)
    result = {}
    for s in specs:
        u = max(s.subjective, 0.0) / subjective_total if subjective_total > 0 else 1.0 / len(specs)
        o = objective[s.id]
        result[s.id] = (u, o, alpha * u + (1 - alpha) * o)
    return result


def weighted(pairs: list[tuple[float, float]]) -> float | None:
    """Step 5: Σ w s / Σ w over what a division has; a plain mean if the weights are all zero."""
    if not pairs:
        return None
    total = sum(w for w, _ in pairs)
    if total <= 0:
        return sum(s for _, s in pairs) / len(pairs)
    return sum(w * s for w, s in pairs) / total


def competition_ranks(composites: dict) -> dict:
    """Step 6: 1, 2, 2, 4 by composite, highest first; divisions without a composite are not ranked."""
    ordered = sorted((c, d) for d, c in composites.items() if c is not None)
    values = [c for c, _ in ordered]
    ranks = {}
    for c, d in ordered:
        ranks[d] = sum(1 for v in values if v > c) + 1
    return ranks


def _aggregate(specs: list[Spec], result: GroupResult, divisions) -> None:
    for i in sorted(divisions):
        pairs, by_domain, missing = [], {}, []
        for s in specs:
            score = result.scores.get((i, s.id))
            if score is None:
                missing.append(s.id)
                continue
            w = result.weights[s.id][2]
            pairs.append((w, score))
            by_domain.setdefault(s.domain, []).append((w, score))
        result.composite[i] = weighted(pairs)
        result.domains[i] = {d: weighted(p) for d, p in sorted(by_domain.items())}
        result.missing[i] = missing


def compute_group(specs: list[Spec], values: dict, alpha: float, divisions=None) -> GroupResult:
    """Steps 1–6 for one comparison group. values: {(division, indicator): x}; divisions: the group's
    members (default: those with any value), so that a member without any value still gets a row."""
    if not 0 <= alpha <= 1:
        raise ValueError("α 须在 0 与 1 之间")
    result = GroupResult()
    members = set(divisions) if divisions is not None else {i for i, _ in values}
    by_indicator = {}
    for (i, j), x in sorted(values.items()):
        if i in members and x is not None:
            by_indicator.setdefault(j, []).append((i, float(x)))
    used = []
    for s in sorted(specs, key=lambda s: s.id):
        rows = by_indicator.get(s.id, [])
        if len(rows) < MIN_VALUES:
            result.excluded.append(s.id)
            continue
        ys = [(i, oriented(s, x)) for i, x in rows]
        low, high = min(y for _, y in ys), max(y for _, y in ys)
        result.scale[s.id] = (low, high)
        for i, y in ys:
            result.scores[(i, s.id)] = standardise(y, low, high)
        used.append(s)
    columns = {s.id: [result.scores[(i, s.id)] for i, _ in by_indicator[s.id]] for s in used}
    result.weights = combine(used, entropy_weights(columns), alpha) if used else {}
    _aggregate(used, result, members)
    result.rank = competition_ranks(result.composite)
    return result


def place_on_scale(specs: list[Spec], values: dict, reference: GroupResult, division) -> GroupResult:
    """Step 7: one division scored on another group's scale and weights (the province on the cities')."""
    result = GroupResult(weights=reference.weights, scale=reference.scale)
    used = [s for s in sorted(specs, key=lambda s: s.id) if s.id in reference.weights]
    for s in used:
        x = values.get((division, s.id))
        if x is not None:
            low, high = reference.scale[s.id]
            result.scores[(division, s.id)] = standardise(oriented(s, float(x)), low, high)
    _aggregate(used, result, [division])
    return result
