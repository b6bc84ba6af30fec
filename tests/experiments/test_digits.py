"""E9's data and trainer: the split is fixed, the label mixture frozen per image and seed with the right
fractions, the network's shapes, a tiny run end to end, a run a pure function of config and seeds,
and a config the data cannot serve refused before training."""
import numpy as np
import pandas as pd
import pytest
import torch

from experiments import digits

TINY = {"test_images": 597, "train_sizes": [40], "rho": [0.0, 0.5, 1.0], "hidden": 8, "learning_rate": 0.02, "steps": 30, "record_every": 10}


def test_split_is_fixed_and_disjoint():
    pool_x, pool_y, test_x, test_y = digits.split(597)
    again = digits.split(597)
    assert pool_x.shape == (1200, 64) and test_x.shape == (597, 64)
    assert np.array_equal(pool_y, again[1]) and np.array_equal(test_y, again[3])
    assert 0 <= pool_x.min() and pool_x.max() <= 1
    rows = {tuple(r) for r in pool_x} & {tuple(r) for r in test_x}
    assert len(rows) <= 5  # the pool and the test set share no image (a few digits are pixel-identical duplicates)


def test_mixture_is_frozen_nested_and_has_the_right_fraction():
    truth = digits.split(597)[1]
    labels, kept = digits.mixture_labels(3, truth, 0.6)
    assert np.array_equal(labels, digits.mixture_labels(3, truth, 0.6)[0])
    assert np.array_equal(labels[kept], truth[kept])
    assert abs(kept.mean() - 0.6) < 4 * np.sqrt(0.6 * 0.4 / len(truth))
    random = labels[~kept]
    assert abs((random == truth[~kept]).mean() - 0.1) < 4 * np.sqrt(0.09 / len(random))  # uniform over V = 10
    _, kept_less = digits.mixture_labels(3, truth, 0.3)
    assert np.all(kept[kept_less])  # raising rho only returns images to their digits
    assert not np.array_equal(kept, digits.mixture_labels(4, truth, 0.6)[1])


def test_logit_shapes():
    params = digits.init_members([0, 1, 0], 64, 8)
    out = digits.logits(params, torch.zeros(5, 64))
    assert out.shape == (3, 5, 10)
    assert torch.equal(params["W1"][0], params["W1"][2])  # the initialisation depends on the seed alone


def test_tiny_run_end_to_end_and_pure():
    table = digits.run(TINY, [0, 1])
    final = table[table["step"] == TINY["steps"]]
    curves = {"train_accuracy_true", "train_accuracy_random", "test_accuracy_curve"}
    assert set(final["quantity"]) == curves | {"clean_accuracy", "clean_accuracy_drop", "structure_margin", "noisy_test_loss", "noisy_accuracy_gap", "fit_step"}
    assert set(table[table["step"] < TINY["steps"]]["quantity"]) == curves
    assert set(table["step"]) == {0, 10, 20, 30}
    accuracy = final[final["quantity"] == "clean_accuracy"]["value"]
    assert accuracy.between(0, 1).all()
    at_structure = final[final["rho"] == 1.0].set_index("quantity")["value"]
    assert (at_structure[["clean_accuracy_drop", "noisy_accuracy_gap"]] == 0).all()  # rho = 1: no drop, no noisy labels
    curve = table[(table["quantity"] == "train_accuracy_random") & (table["rho"] == 1.0)]
    assert curve["value"].isna().all()  # no randomised image at rho = 1
    pd.testing.assert_frame_equal(table, digits.run(TINY, [0, 1]))


@pytest.mark.parametrize("change", [{"train_sizes": [1201]}, {"test_images": 1797}, {"rho": [0.0, 0.5]}])
def test_bad_config_refused_before_training(change):
    with pytest.raises(ValueError):
        digits.check({**TINY, **change})
