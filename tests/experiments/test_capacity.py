"""E6 and its threshold unit: Newton's fit reaches the optimum and separates what is separable,
members fit as alone, runs are pure, and small runs land on Cover's fraction."""
import math

import numpy as np
import pandas as pd
import torch

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
