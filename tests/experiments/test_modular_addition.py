"""E8's data and trainer: the rule's labels, the mixture frozen per pair and seed with the right fractions,
nested training sets of the right size, the logits table against a direct computation, a tiny run end to
end, a run a pure function of config and seeds, a bad config refused before training, and T6's delay."""
import numpy as np
import pandas as pd
import pytest
import torch

from experiments import modular_addition as ma

TINY = {"modulus": 5, "hidden": 8, "rho": [0.0, 0.5, 1.0], "train_fraction": [0.6],
        "learning_rate": 0.01, "weight_decay": 1.0, "steps": 20, "record_every": 10}


def test_pairs_and_rule():
    a, label = ma.pairs(7)
    assert len(a) == 49 and label[3 * 7 + 5] == (3 + 5) % 7


def test_mixture_is_frozen_nested_and_has_the_right_fraction():
    p, rho = 31, 0.4
    labels, kept = ma.mixture_labels(2, p, rho)
    assert np.array_equal(labels, ma.mixture_labels(2, p, rho)[0])
    assert np.array_equal(labels[kept], ma.pairs(p)[1][kept])
    assert abs(kept.mean() - rho) < 4 * np.sqrt(rho * (1 - rho) / p**2)
    counts = np.bincount(labels[~kept], minlength=p)
    assert counts.min() > 0 and abs(counts.mean() - (~kept).sum() / p) < 1e-9  # random labels spread over all p classes
    assert np.all(kept[ma.mixture_labels(2, p, 0.2)[1]])  # raising rho only returns pairs to the rule


def test_training_sets_have_the_right_size_and_are_nested():
    small, large = ma.train_mask(1, 11, 0.3), ma.train_mask(1, 11, 0.7)
    assert small.sum() == round(0.3 * 121) and large.sum() == round(0.7 * 121)
    assert np.all(large[small])
    assert not np.array_equal(small, ma.train_mask(2, 11, 0.3))


def test_table_equals_the_network_on_each_pair():
    params = ma.init_members([0, 1], 5, 6)
    table = ma.table(params)
    assert table.shape == (2, 25, 5)
    a, b = 3, 4
    hidden = torch.relu(params["embed_a"][1, a] + params["embed_b"][1, b] + params["b1"][1])
    assert torch.allclose(table[1, a * 5 + b], hidden @ params["W2"][1] + params["b2"][1])


def test_tiny_run_end_to_end_and_pure():
    table = ma.run(TINY, [0, 1])
    final = table[table["step"] == TINY["steps"]]
    assert {"jump_step", "jump_delay", "clean_accuracy", "grad_signal_ratio", "grad_noise_part"} <= set(final["quantity"])
    assert set(table["step"]) == {0, 10, 20}
    at = final.set_index(["quantity", "rho", "seed"])["value"]
    assert at["grad_signal_ratio", 1.0, 0] == 1 and at["grad_noise_part", 1.0, 0] == 0
    assert at["grad_noise_part", 0.0, 1] == at["grad_signal_ratio", 0.0, 1]
    assert final[final["quantity"] == "clean_accuracy"]["value"].between(0, 1).all()
    pd.testing.assert_frame_equal(table, ma.run(TINY, [0, 1]))


@pytest.mark.parametrize("change", [{"modulus": 3, "train_fraction": [0.99]},  # round(0.99 x 9) = 9 pairs: no test set
                                    {"rho": [0.5, 1.0]}, {"rho": [0.0, 0.5]}])
def test_bad_config_refused_before_training(change):
    with pytest.raises(ValueError):
        ma.check({**TINY, **change})


def test_t6_delay_closed_form():
    rho, p = np.array([0.25, 0.5, 1.0]), 31
    assert np.allclose(ma.t6_jump_delay(rho, p), np.log(rho * p - 1) / np.log(p - 1) / rho)
