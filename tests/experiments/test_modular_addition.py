"""E8's data and trainer: the rule's labels, the mixture frozen per pair and seed with the right fractions,
nested training sets of the right size, the logits table against a direct computation, the closed-form
gradient against autograd's, a tiny run end to end, a run a pure function of config and seeds whatever its
chunks and threads, a bad config refused before training, and T6's delay."""
import numpy as np
import pandas as pd
import pytest
import torch

from experiments.common import chunks
from experiments.e8_modular_addition import run as ma
from theory.deep_linear import t6_jump_delay

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


def test_forward_equals_the_network_on_each_pair():
    params = ma.init_members([0, 1], 5, 6)
    hidden, logits = ma.forward(ma.readout_first(params))
    assert hidden.shape == (2, 25, 6) and logits.shape == (2, 5, 25)
    for a, b in [(3, 4), (0, 2)]:
        direct = torch.relu(params["embed_a"][1, a] + params["embed_b"][1, b] + params["b1"][1])
        assert torch.allclose(hidden[1, a * 5 + b], direct)
        assert torch.allclose(logits[1, :, a * 5 + b], direct @ params["W2"][1] + params["b2"][1])


def test_closed_form_gradient_equals_autograd():
    p, members = 7, 3
    params = {k: v.double().requires_grad_(True) for k, v in ma.readout_first(ma.init_members([0, 1, 2], p, 16)).items()}
    generator = torch.Generator().manual_seed(0)
    labels = torch.randint(p, (members, p * p), generator=generator)
    train = torch.rand(members, p * p, generator=generator) < 0.6
    weight = train.double() / train.sum(1, keepdim=True)
    target = (labels[:, None] == torch.arange(p)[:, None]) * weight[:, None]
    hidden, logits = ma.forward(params)
    assert 0.2 < (hidden > 0).double().mean() < 0.8  # the ReLU both passes and blocks
    losses = torch.nn.functional.cross_entropy(logits, labels, reduction="none")  # (E, p^2): classes on dim 1
    expected = torch.autograd.grad(((losses * train).sum(1) / train.sum(1)).sum(), list(params.values()))
    closed = ma.gradient({k: v.detach() for k, v in params.items()}, hidden.detach(), logits.detach(), weight, target)
    for (name, value), want in zip(params.items(), expected):
        assert closed[name].shape == value.shape
        assert torch.allclose(closed[name], want, rtol=1e-12, atol=1e-15), name


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


def test_chunks_and_threads_change_nothing(monkeypatch):
    threads = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        whole = ma.run(TINY, [0, 1])  # one chunk of six members on one thread
        monkeypatch.setattr(chunks, "CACHE_BYTES", 1)  # a chunk per member
        assert len(ma.member_chunks(6, 5, 8, 1)[0]) == 6
        torch.set_num_threads(2)
        assert [len(chunks) for chunks in ma.member_chunks(6, 5, 8, 2)] == [3, 3]
        pd.testing.assert_frame_equal(whole, ma.run(TINY, [0, 1]))
    finally:
        torch.set_num_threads(threads)


@pytest.mark.parametrize("change", [{"modulus": 3, "train_fraction": [0.99]},  # round(0.99 x 9) = 9 pairs: no test set
                                    {"rho": [0.5, 1.0]}, {"rho": [0.0, 0.5]}])
def test_bad_config_refused_before_training(change):
    with pytest.raises(ValueError):
        ma.check({**TINY, **change})


def test_t6_delay_closed_form():
    rho, p = np.array([0.25, 0.5, 1.0]), 31
    assert np.allclose(t6_jump_delay(rho, p), np.log(rho * p - 1) / np.log(p - 1) / rho)
