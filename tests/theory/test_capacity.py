"""T8: the solved Cover recursion equals the cited count, and enumerated separability checks agree."""
from itertools import combinations
from math import comb

import numpy as np
import sympy as sp

from theory import capacity
from theory.symbols import N, P, V


def test_derived_equals_plan_closed_forms():
    res = capacity.derive().results
    k = sp.Symbol("k", integer=True, nonnegative=True)
    plan = 2 ** (1 - P) * sp.Sum(sp.binomial(P - 1, k), (k, 0, N - 1))
    for p in range(1, 16):
        for n_weights in range(1, 16):
            point = {P: p, N: n_weights}
            assert res["CoverSeparableFraction"].subs(point).doit() == plan.subs(point).doit()
    assert res["CoverHalfPoint"] == sp.Rational(1, 2) and res["CoverBitsPerWeight"] == 2
    assert sp.simplify(res["BitsStoredLowerBound"] - P * (sp.log(V, 2) - capacity.loss / sp.log(2))) == 0


def _separable(points, labels):
    """Which labellings (rows of +-1) a threshold unit without bias realises on points in general position.

    The cone of separating weights, when not empty, has an edge w orthogonal to N - 1 of the points;
    there the other points' signs are the labelling's (or its negation's) and the N - 1 points can be
    given any sign by tilting w.  So: try every edge.
    """
    n_points, n_weights = points.shape
    found = np.zeros(len(labels), bool)
    for subset in combinations(range(n_points), n_weights - 1):
        edge = np.linalg.svd(points[list(subset)])[2][-1]  # orthogonal to the subset
        others = np.setdiff1d(np.arange(n_points), subset)
        match = labels[:, others] == np.sign(points[others] @ edge)
        found |= match.all(axis=1) | (~match).all(axis=1)
    return found


def _perceptron_converges(points, labels, epochs):
    """Rosenblatt's perceptron on every labelling at once; convergence proves separability."""
    w = np.zeros((len(labels), points.shape[1]))
    for _ in range(epochs):
        mistakes = np.zeros(len(labels), bool)
        for x, label in zip(points, labels.T):
            wrong = label * (w @ x) <= 0
            w[wrong] += label[wrong, None] * x
            mistakes |= wrong
        if not mistakes.any():
            break
    return ~mistakes


def _all_labellings(n_points):
    return 1 - 2 * ((np.arange(2**n_points)[:, None] >> np.arange(n_points)) & 1)


def test_enumerated_separable_labellings_match_cover_count():
    rng = np.random.default_rng(12)
    for n_points, n_weights in ((6, 2), (8, 3), (10, 4), (10, 5), (12, 6), (12, 4)):
        points = rng.standard_normal((n_points, n_weights))  # in general position with probability one
        separable = _separable(points, _all_labellings(n_points))
        assert separable.sum() == round(2**n_points * capacity.cover_separable_fraction(n_points, n_weights))
    # The edge search agrees with a perceptron, which finds a separating w for exactly those labellings.
    points = rng.standard_normal((8, 3))
    labels = _all_labellings(8)
    assert np.array_equal(_perceptron_converges(points, labels, 3000), _separable(points, labels))


def test_half_point_and_large_n_fraction():
    assert np.allclose(capacity.cover_separable_fraction([2, 20, 400], [1, 10, 200]), 0.5)
    exact = [2 ** (1 - p) * sum(comb(p - 1, i) for i in range(n_w)) for p, n_w in ((30, 10), (300, 160))]
    assert np.allclose(capacity.cover_separable_fraction([30, 300], [10, 160]), exact, rtol=1e-12)


def test_bits_estimator_on_a_synthetic_memoriser():
    # K random facts over V values; for a random half of them the model stores which block of m
    # values holds the answer (log2(V/m) bits each) and predicts uniformly within that block; on the
    # other half it predicts uniformly over all V values.
    rng = np.random.default_rng(13)
    n_facts, n_values, block = 10_000, 64, 4
    answers = rng.integers(n_values, size=n_facts)
    stored = rng.random(n_facts) < 0.5
    probs = np.full((n_facts, n_values), 1 / n_values)
    in_block = np.arange(n_values)[None, :] // block == (answers // block)[:, None]
    probs[stored] = in_block[stored] / block
    train_loss = -np.log(probs[np.arange(n_facts), answers]).mean()
    block_bits = stored.sum() * np.log2(n_values / block)  # what the model knows about the answers
    assert np.isclose(capacity.bits_stored_lower_bound(n_facts, n_values, train_loss), block_bits)


def test_fewer_points_than_weights_are_always_separable():
    assert np.allclose(capacity.cover_separable_fraction([1, 3, 5, 6], [6, 6, 6, 6]), 1.0)
    assert capacity.cover_separable_fraction(7, 6) < 1.0


def test_half_crossing_interpolates_the_first_fall_to_one_half():
    assert np.isclose(capacity.half_crossing([1, 2, 3], [1.0, 0.75, 0.25]), 2.5)
    assert np.isclose(capacity.half_crossing([3, 1, 2], [0.25, 1.0, 0.5]), 2.0)  # unsorted grid; exactly 1/2 at a point
    assert np.isnan(capacity.half_crossing([1, 2], [0.9, 0.6]))  # never reaches 1/2 on the grid
    assert np.isnan(capacity.half_crossing([1, 2], [0.4, 0.1]))  # starts below it


def test_cover_half_point_is_two_on_a_grid_through_2N_and_near_two_off_it():
    assert capacity.cover_half_point(8, [1.0, 1.75, 2.0, 2.25, 3.0]) == 2.0
    # off the grid point the interpolant's chord bends the crossing; exact sums by hand at N = 4, P = 6 and 10
    f6, f10 = (2 ** (1 - p) * sum(comb(p - 1, i) for i in range(4)) for p in (6, 10))
    assert np.isclose(capacity.cover_half_point(4, [1.5, 2.5]), 1.5 + (f6 - 0.5) / (f6 - f10))
    # the chord's error shrinks as Cover's transition sharpens with N
    assert abs(capacity.cover_half_point(16, [1.5, 2.5]) - 2) < 0.05
