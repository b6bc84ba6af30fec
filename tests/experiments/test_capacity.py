"""E6 and its threshold unit: Newton's fit reaches the optimum and separates what is separable,
members fit as alone, runs are pure, small runs land on Cover's fraction, and the mixture's bisected
separability thresholds agree with an exact test (linear programming)."""
import math

import numpy as np
import pandas as pd
import torch
from scipy.optimize import linprog

from experiments.common.threshold_unit import fit_logistic, gaussian_points, random_signs
from experiments.e6_capacity import run as capacity
from theory.capacity import cover_separable_fraction

CONFIG = {"weights": [5], "points_per_weight": [1.0, 2.0, 3.0], "labellings": 8, "iterations": 20,
          "mixture": {"weights": 6, "points_per_weight": [2.0], "rho": [0.0, 0.5, 1.0], "labellings": 4}}


def _problem(n_sets=2, n_labellings=3, n_points=40, n_weights=6):
    points = torch.from_numpy(np.stack([gaussian_points(s, n_points, n_weights) for s in range(n_sets)]))
    signs = torch.from_numpy(np.stack([random_signs(s, (n_labellings, n_points)) for s in range(n_sets)]))
    return points, signs, torch.full(signs.shape, 1 / n_points, dtype=torch.float64)


def test_newton_reaches_the_optimum_of_a_non_separable_fit():
    points, signs, weights = _problem(n_points=40, n_weights=6)  # P = 40 >> 2N: never separable in practice
    fit = fit_logistic(points, signs, weights, iterations=20)
    margins = signs * (fit.weights @ points.transpose(-1, -2))
    gradient = -((weights * signs * torch.sigmoid(-margins)) @ points)
    assert gradient.norm(dim=-1).max() < 1e-6  # from about 0.1 at w = 0
    assert not fit.diverged.any() and (fit.loss < math.log(2)).all()


def test_a_teachers_labels_are_always_separated():
    points, _, weights = _problem(n_points=30, n_weights=6)
    teacher = torch.randn(2, 3, 6, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    signs = torch.sign(teacher @ points.transpose(-1, -2))
    fit = fit_logistic(points, signs, weights, iterations=20)
    assert (fit.margins > 0).all()
    assert (fit.loss < 1e-3).all()  # separable: the loss falls towards zero


def test_members_fit_exactly_as_alone():
    points, signs, weights = _problem()
    together = fit_logistic(points, signs, weights, iterations=15)
    for b in range(2):
        for l in range(3):
            alone = fit_logistic(points[b : b + 1], signs[b : b + 1, l : l + 1], weights[b : b + 1, l : l + 1], iterations=15)
            assert torch.allclose(together.weights[b, l], alone.weights[0, 0], atol=1e-9)


def test_points_of_a_smaller_unit_are_the_first_coordinates_of_a_larger_ones():
    small, large = gaussian_points(4, 10, 3), gaussian_points(4, 10, 8)
    assert np.allclose(small * math.sqrt(3), large[:, :3] * math.sqrt(8))


def test_separable_fraction_follows_cover_over_many_labellings():
    # 4 seeds x 128 labellings per cell: four binomial standard deviations at worst are 2/sqrt(512) = 0.088
    config = {**CONFIG, "points_per_weight": [1.4, 2.0, 2.6], "labellings": 128}
    table = capacity.run(config, [0, 1, 2, 3], "noise", 5)
    rows = table[table["quantity"] == "separated_fraction"]
    measured = rows.groupby("points")["value"].mean()
    predicted = cover_separable_fraction(measured.index.to_numpy(), 5)
    assert np.all(np.abs(measured.to_numpy() - predicted) < 2 / math.sqrt(512))
    assert abs(measured[10] - 0.5) < 2 / math.sqrt(512)  # one half at P = 2N


def test_separated_labellings_store_a_bit_per_fact():
    table = capacity.run({**CONFIG, "points_per_weight": [1.0]}, [0, 1], "noise", 5)  # P = N: always separable
    assert (table[table["quantity"] == "separated_fraction"]["value"] == 1).all()
    bits = table[table["quantity"] == "bits_per_weight"]["value"]
    assert np.allclose(bits, 1.0, atol=1e-3)  # K log2 V / N with K = N, V = 2


def test_mixture_ends_and_purity():
    first = capacity.run(CONFIG, [0, 1], "mixture")
    pd.testing.assert_frame_equal(first, capacity.run(CONFIG, [0, 1], "mixture"), check_exact=True)
    rule_facts = first[(first["quantity"] == "rule_facts_accuracy") & (first["rho"] == 1.0)]["value"]
    assert np.allclose(rule_facts, 1.0)  # a teacher's labels are separable, so all are fitted
    assert set(first[first["quantity"] == "random_facts_accuracy"]["rho"]) == {0.0, 0.5}  # no random facts at rho = 1
    separated = first[first["quantity"] == "mixture_separated_fraction"].set_index(["rho", "seed"])["value"]
    assert np.allclose(separated.xs(1.0, level="rho"), 1.0)  # every labelling of a teacher is separable
    assert not first["value"].equals(capacity.run(CONFIG, [0, 2], "mixture")["value"])


def _separable(points, labels) -> bool:
    """An exact test: is there w with y_i w . x_i >= 1 for every i (linear programming, HiGHS)?"""
    result = linprog(np.zeros(points.shape[1]), A_ub=-(labels[:, None] * points), b_ub=-np.ones(len(labels)),
                     bounds=(None, None), method="highs")
    return result.status == 0


def test_bisected_thresholds_are_the_exact_largest_separable_prefixes():
    n_points, n_weights = 30, 6
    points = gaussian_points(5, n_points, n_weights)
    teacher = np.random.default_rng(5).standard_normal(n_weights)
    rule = np.random.default_rng(6).random((12, n_points)) < 0.6
    signs = np.where(rule, np.sign(points @ teacher), random_signs(5, (12, n_points)))  # 12 mixtures at rho near 0.6
    thresholds = capacity.separability_thresholds(torch.from_numpy(points)[None], torch.from_numpy(signs)[None], 25)[0]
    assert len(set(thresholds.tolist())) > 3  # the thresholds differ: the check below is not one case
    for labels, threshold in zip(signs, thresholds.int().tolist()):
        assert _separable(points[:threshold], labels[:threshold])
        assert threshold == n_points or not _separable(points[: threshold + 1], labels[: threshold + 1])


def test_half_points_read_the_fraction_of_thresholds_reached():
    # N = 8: thresholds 8, 10, 12, 14 leave fractions 1, 3/4, 3/4, 1/2 at P = 8..11, so the crossing is at P = 11
    assert np.isclose(capacity.half_points(np.array([[8.0, 10, 12, 14]]), 8, 16)[0], 11 / 8)
    assert np.isclose(capacity.half_points(np.array([[8.0, 10, np.nan, 12, 14]]), 8, 16)[0], 11 / 8)  # a diverged fit is left out
    assert capacity.half_points(np.array([[16.0, 16, 16, 9]]), 8, 16)[0] == np.inf  # above 1/2 up to the largest P: censored
    assert np.isnan(capacity.half_points(np.array([[np.nan, np.nan]]), 8, 16)[0])  # every fit diverged: no half point


def test_mixture_half_point_is_measured_below_rho_one():
    config = {**CONFIG, "mixture": {**CONFIG["mixture"], "points_per_weight": [2.0, 4.0], "labellings": 8}}
    table = capacity.run(config, [0, 1], "mixture")
    half = table[table["quantity"] == "mixture_half_point_per_weight"]
    assert set(half["rho"]) == {0.0, 0.5} and len(half) == 4
    assert ((half["value"] > 1) & (half["value"] < 4)).all()  # between N and the largest P = 4N
