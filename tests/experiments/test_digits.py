"""E9's data and trainer: the split is fixed, the label mixture frozen per image and seed with the right
fractions, the network's shapes, a tiny run end to end, a run a pure function of config and seeds,
and a config the data cannot serve refused before training."""
import numpy as np
import pandas as pd
import pytest
import torch

from experiments.common import chunks
from experiments.e9_digits import run as digits

TINY = {"test_images": 597, "train_sizes": [40], "noise": ["frozen", "fresh"], "rho": [0.0, 0.5, 1.0],
        "hidden": 8, "learning_rate": 0.02, "steps": 30, "record_every": 10}


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
    assert torch.equal(params["W1"][0], params["W1"][2])  # the initialisation depends on the seed alone
    hidden, logits = digits.forward(digits.readout_first(params), torch.zeros(5, 64))
    assert hidden.shape == (3, 8, 5) and logits.shape == (3, 10, 5)  # hidden units and classes first


def test_readout_first_is_the_same_network():
    params = digits.init_members([0, 1], 64, 8)
    pixels = torch.rand(5, 64, generator=torch.Generator().manual_seed(0))
    plain = torch.relu(pixels @ params["W1"] + params["b1"][:, None]) @ params["W2"] + params["b2"][:, None]  # (E, N, V)
    assert torch.allclose(digits.forward(digits.readout_first(params), pixels)[1].transpose(1, 2), plain, rtol=1e-5, atol=1e-6)


def test_closed_form_gradient_equals_autograd():
    members, n = 3, 20
    params = {k: v.double().requires_grad_(True) for k, v in digits.readout_first(digits.init_members([0, 1, 2], 64, 16)).items()}
    generator = torch.Generator().manual_seed(0)
    pixels = torch.rand(n, 64, generator=generator, dtype=torch.float64)
    labels = torch.randint(digits.N_CLASSES, (members, n), generator=generator)
    target = (labels[:, None] == torch.arange(digits.N_CLASSES)[:, None]).double() / n
    hidden, logits = digits.forward(params, pixels)
    assert 0.2 < (hidden > 0).double().mean() < 0.8  # the ReLU both passes and blocks
    losses = torch.nn.functional.cross_entropy(logits, labels, reduction="none").mean(1)  # (E,): classes on dim 1
    expected = torch.autograd.grad(losses.sum(), list(params.values()))
    closed = digits.gradient({k: v.detach() for k, v in params.items()}, pixels, hidden.detach(), logits.detach(), target)
    for (name, value), want in zip(params.items(), expected):
        assert closed[name].shape == value.shape
        assert torch.allclose(closed[name], want, rtol=1e-12, atol=1e-15), name


def test_recorded_argmax_is_the_first_of_equal_maxima():
    logits = torch.randint(3, (4, digits.N_CLASSES, 597), generator=torch.Generator().manual_seed(0)).float()  # (E, V, N): many ties
    first = torch.where(logits == logits.amax(1, keepdim=True), torch.arange(digits.N_CLASSES)[:, None], digits.N_CLASSES).amin(1)
    assert torch.equal(logits.max(1).indices, first)  # the kernel train_size_group records with


def test_tiny_run_end_to_end_and_pure():
    table = digits.run(TINY, [0, 1])
    final = table[table["step"] == TINY["steps"]]
    curves = {"train_accuracy_true", "train_accuracy_random", "test_accuracy_curve"}
    assert set(final["quantity"]) == curves | {"clean_accuracy", "memoriser_accuracy", "clean_accuracy_drop", "structure_margin", "noisy_test_loss",
                                               "noisy_accuracy_gap", "fit_step"}
    assert set(final[final["quantity"] == "memoriser_accuracy"]["noise"]) == {"frozen"}  # the memoriser theory is of frozen noise
    assert set(table[table["step"] < TINY["steps"]]["quantity"]) == curves
    assert set(table["step"]) == {0, 10, 20, 30}
    accuracy = final[final["quantity"] == "clean_accuracy"]["value"]
    assert accuracy.between(0, 1).all()
    at_structure = final[final["rho"] == 1.0].set_index(["quantity", "noise", "seed"])["value"]
    assert (at_structure[["clean_accuracy_drop", "noisy_accuracy_gap"]] == 0).all()  # rho = 1: no drop, no noisy labels
    assert at_structure["clean_accuracy", "fresh"].equals(at_structure["clean_accuracy", "frozen"])  # at rho = 1 the noises are one
    curve = table[(table["quantity"] == "train_accuracy_random") & ((table["rho"] == 1.0) | (table["noise"] == "fresh"))]
    assert curve["value"].isna().all()  # no randomised image at rho = 1, and none kept apart under fresh noise
    pd.testing.assert_frame_equal(table, digits.run(TINY, [0, 1]))


def test_chunks_change_nothing_beyond_rounding(monkeypatch):
    config = {**TINY, "train_sizes": [40, 400]}
    assert [len(digits.member_chunks(12, n, 8)) for n in config["train_sizes"]] == [1, 1]
    whole = digits.run(config, [0, 1])  # one chunk of twelve members per training-set size
    monkeypatch.setattr(chunks, "CACHE_BYTES", 1)
    assert digits.member_chunks(12, 40, 8) == [slice(i, i + 1) for i in range(12)]  # a chunk per member
    pd.testing.assert_frame_equal(whole, digits.run(config, [0, 1]), rtol=1e-6)  # float32 rounding of 30 steps


@pytest.mark.parametrize("change", [{"train_sizes": [1201]}, {"test_images": 1797}, {"rho": [0.0, 0.5]}])
def test_bad_config_refused_before_training(change):
    with pytest.raises(ValueError):
        digits.check({**TINY, **change})


def test_fresh_noise_is_redrawn_every_step_with_the_right_fraction():
    digits_ = np.arange(2000) % 10
    stream = digits.fresh_draws(3, digits_, [0.25, 1.0])
    first, second = next(stream), next(stream)
    assert not np.array_equal(first[0], second[0])  # redrawn
    assert np.array_equal(first[1], digits_) and np.array_equal(second[1], digits_)  # rho = 1 keeps every digit
    kept = np.mean([np.mean(next(stream)[0] == digits_) for _ in range(50)])
    assert abs(kept - (0.25 + 0.75 / 10)) < 0.01  # kept with probability rho, else right by chance 1/V


def test_memoriser_is_a_nearest_neighbour_on_the_frozen_labels():
    pool_x, pool_y, test_x, test_y = digits.split(597)
    nearest = ((test_x[:, None, :] - pool_x[None, :200, :]) ** 2).sum(-1).argmin(1)  # brute force, 1-NN
    labels, _ = digits.mixture_labels(0, pool_y[:200], 0.5)
    assert digits.memoriser_accuracy(pool_x[:200], labels, test_x, test_y) == pytest.approx(np.mean(labels[nearest] == test_y))
