"""E8's data, trainer and laws: the rule's labels, the mixture frozen per pair and seed with the right fractions,
nested training sets of the right size, the logits table against a direct computation, the closed-form
gradient against autograd's, a chunk's backward on its training pairs alone against every pair's, the
gradient's expectation over the mixture against a Monte Carlo, the additive memoriser against a direct count, a
tiny run end to end (censored members as lower bounds), a run a pure function of config and seeds whatever its
chunks, a bad config refused before training, and the middle's laws declared from the ends alone
(pre-registration)."""
import numpy as np
import pandas as pd
import pytest
import torch

from experiments.common import chunks
from experiments.e8_modular_addition import laws
from experiments.e8_modular_addition import run as ma

TINY = {"settings": [{"modulus": 5, "train_fraction": 0.6, "weight_decay": 1.0}], "hidden": 8, "rho": [0.0, 0.5, 1.0],
        "learning_rate": 0.05, "seeds": 2, "max_steps": 60, "record_every": 10}
SETTING = (5, 0.6, 1.0)  # p, f, weight decay


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
    hidden, logits = ma.forward(ma.batched(params), ma.PairRows.of(2, 5, torch.arange(25)))
    assert hidden.shape == (2, 25, 6) and logits.shape == (2, 5, 25)
    for a, b in [(3, 4), (0, 2)]:
        direct = torch.relu(params["embed_a"][1, a] + params["embed_b"][1, b] + params["b1"][1])
        assert torch.allclose(hidden[1, a * 5 + b], direct)
        assert torch.allclose(logits[1, :, a * 5 + b], direct @ params["W2"][1] + params["b2"][1])


def test_closed_form_gradient_equals_autograd():
    p, members = 7, 3
    params = {k: v.double().requires_grad_(True) for k, v in ma.batched(ma.init_members([0, 1, 2], p, 16)).items()}
    generator = torch.Generator().manual_seed(0)
    labels = torch.randint(p, (members, p * p), generator=generator)
    train = torch.rand(members, p * p, generator=generator) < 0.6
    weight = train.double() / train.sum(1, keepdim=True)
    target = (labels[:, None] == torch.arange(p)[:, None]) * weight[:, None]
    rows = ma.PairRows.of(members, p, torch.arange(p * p))
    hidden, logits = ma.forward(params, rows)
    assert 0.2 < (hidden > 0).double().mean() < 0.8  # the ReLU both passes and blocks
    losses = torch.nn.functional.cross_entropy(logits, labels, reduction="none")  # (E, p^2): classes on dim 1
    expected = torch.autograd.grad(((losses * train).sum(1) / train.sum(1)).sum(), list(params.values()))
    closed = ma.gradient({k: v.detach() for k, v in params.items()}, hidden.detach(), logits.detach(), weight, target, rows)
    for (name, value), want in zip(params.items(), expected):
        assert closed[name].shape == value.shape
        assert torch.allclose(closed[name], want, rtol=1e-12, atol=1e-15), name


def test_a_chunk_trains_on_its_training_pairs_alone():
    """A chunk (one seed's members, training pairs listed first) gives the same logits, accuracies and gradient from
    its training pairs alone as every pair in row-major order with the test pairs weighted zero (float64)."""
    p, f, cells = 7, 0.6, [(0.0, 4), (0.5, 4), (1.0, 4)]
    members = ma.Members(p, f, 16, cells)
    members.params = {k: v.double() for k, v in members.params.items()}
    members.weight, members.target = members.weight.double(), members.target.double()
    (part,) = ma.seed_chunks(members, 16)
    assert part.ids.tolist() == [0, 1, 2] and part.n_train == round(f * p * p)
    order = torch.cat([torch.nonzero(members.train[0])[:, 0], torch.nonzero(~members.train[0])[:, 0]])
    hidden, logits = ma.forward(members.params, members.rows)
    whole = ma.gradient(members.params, hidden, logits, members.weight, members.target, members.rows)
    n = part.n_train
    part_hidden = ma.hidden_layer(part.params, part.rows)
    assert torch.allclose(part_hidden, hidden[:, order], rtol=1e-12)
    train_logits, test_logits = ma.readout(part.params, part_hidden[:, :n]), ma.readout(part.params, part_hidden[:, n:])
    alone = ma.gradient(part.params, part_hidden[:, :n], train_logits, part.weight, part.target, part.train_rows)
    for name, value in whole.items():
        assert torch.allclose(alone[name], value, rtol=1e-12, atol=1e-15), name
    test = ~members.train[0]
    rule_right = logits.max(1).indices == members.rule
    assert part.test_correct(test_logits).tolist() == (rule_right & test).sum(1).tolist()
    guesses = logits.max(1).indices
    kept, train = members.kept, members.train
    right = guesses == members.labels
    expected = torch.stack([ma._masked_mean(right, train & kept), ma._masked_mean(right, train & ~kept), ma._masked_mean(rule_right, train & ~kept)])
    assert torch.equal(part.train_accuracies(train_logits).nan_to_num(-1), expected.nan_to_num(-1))


def test_a_chunk_refuses_members_of_two_training_sets():
    members = ma.Members(7, 0.6, 8, [(1.0, 0), (1.0, 1)])
    with pytest.raises(ValueError, match="training set"):
        ma.Chunk(members, [0, 1])


def test_gradient_expectation_over_the_mixture_matches_a_monte_carlo():
    """E|G(rho)|^2 from the ends (laws.declare, run.initial_ends) against the mean of |G|^2 over fresh mixture draws
    with the random labels frozen, in float64, at initialisation."""
    p, f, hidden, seed = 7, 0.6, 16, 3
    ends = ma.initial_ends(p, f, hidden, [seed])
    base = ma.Members(p, f, hidden, [(0.0, seed)])
    params = {k: v.double() for k, v in base.params.items()}
    weight, rule, random = base.weight.double(), ma.pairs(p)[1], base.labels[0].numpy()
    hidden_, logits = ma.forward(params, base.rows)
    rng = np.random.default_rng(0)
    for rho in (0.3, 0.8):
        draws = []
        for _ in range(3000):
            labels = torch.tensor(np.where(rng.random(p * p) < rho, rule, random))[None]
            target = (labels[:, None] == torch.arange(p)[:, None]) * weight[:, None]
            draws.append(sum(g.pow(2).sum() for g in ma.gradient(params, hidden_, logits, weight, target, base.rows).values()).item())
        finals = pd.DataFrame({"rho": [rho, 1.0, 0.0], "seed": seed, "norm_sq": 1.0, "jump_step": 1.0, "horizon": 1.0})
        expected = laws.declare(finals, ends)["grad_signal_expected"].iloc[0] * ends["g1_sq"].iloc[0]
        assert abs(np.mean(draws) - expected) < 4 * np.std(draws) / np.sqrt(len(draws)), rho


def test_additive_memoriser_against_a_direct_count():
    p = 7
    labels, _ = ma.mixture_labels(1, p, 0.5)
    train = ma.train_mask(1, p, 0.6)
    a, b = np.divmod(np.arange(p * p), p)
    accuracy = []
    for i in np.flatnonzero(~train):
        votes = [sum((a[j] == a[i]) + (b[j] == b[i]) for j in np.flatnonzero(train) if labels[j] == c) for c in range(p)]
        top = [c for c in range(p) if votes[c] == max(votes)]
        accuracy.append((((a[i] + b[i]) % p) in top) / len(top))
    assert laws.memoriser_accuracy(labels, train, p) == pytest.approx(np.mean(accuracy))
    rule_only = ma.mixture_labels(1, p, 1.0)[0]
    assert laws.memoriser_accuracy(rule_only, train, p) == 0  # at rho = 1 no row or column votes for a test pair's class


def test_tiny_run_end_to_end_censored_and_pure():
    table = ma.run(TINY, [0, 1], *SETTING)
    horizon = int(table["step"].max())
    final = table[table["step"] == horizon].set_index(["quantity", "rho", "seed"])["value"]
    assert {"jump_step", "censored", "jump_delay_at_least", "clean_accuracy", "grad_signal_ratio", "grad_signal_expected",
            "dip_accuracy", "memoriser_accuracy", "declared_delay_censored"} <= set(final.index.get_level_values(0))
    assert final["grad_signal_ratio", 1.0, 0] == 1 and final["grad_signal_expected", 1.0, 1] == pytest.approx(1)
    jumped = final["jump_step"].notna()
    assert (final["censored"] == (~jumped).astype(float)).all()  # a member too small to jump here: censored, never dropped
    assert horizon <= TINY["max_steps"]
    if not jumped[1.0].all():  # a seed at rho = 1 that never jumps: the horizon is max_steps
        assert horizon == TINY["max_steps"]
    assert set(table["quantity"]) >= set(ma.CURVES)
    pd.testing.assert_frame_equal(table, ma.run(TINY, [0, 1], *SETTING))


def test_censored_delay_is_a_lower_bound_at_the_horizon():
    finals = pd.DataFrame({"rho": [1.0, 0.9, 0.5, 1.0, 0.9, 0.5], "seed": [0, 0, 0, 1, 1, 1], "horizon": 2000.0,
                           "jump_step": [100, 700, np.nan, 80, np.nan, np.nan], "grad_sq": 1.0})
    ratios = laws.with_ratios(finals)
    assert ratios["jump_delay"].tolist()[:2] == [1, 7] and np.isnan(ratios["jump_delay"].iloc[2])
    assert ratios["jump_delay_at_least"].tolist() == [1, 7, 20, 1, 25, 25]
    assert ratios["horizon_ratio"].tolist() == [20, 20, 20, 25, 25, 25]


def test_chunks_change_nothing(monkeypatch):
    whole = ma.run(TINY, [0, 1], *SETTING)  # one chunk of six members
    monkeypatch.setattr(chunks, "CACHE_BYTES", 1)  # a chunk per member
    pd.testing.assert_frame_equal(whole, ma.run(TINY, [0, 1], *SETTING), rtol=1e-5)


@pytest.mark.parametrize("change", [({}, 3, 0.99),  # round(0.99 x 9) = 9 pairs: no test set
                                    ({"rho": [0.5, 1.0]}, 5, 0.6), ({"rho": [0.0, 0.5]}, 5, 0.6)])
def test_bad_config_refused_before_training(change):
    config, modulus, fraction = change
    with pytest.raises(ValueError):
        ma.check({**TINY, **config}, modulus, fraction)


def test_middle_laws_read_only_the_ends():
    """Pre-registration: every declared value of every member stays the same when every middle member's
    measurements are replaced by anything else."""
    rng = np.random.default_rng(0)
    measured = ["jump_step", "censored", "clean_accuracy", "train_accuracy_random", "train_rule_on_random", "norm_sq", "grad_sq",
                "dip_accuracy"]
    finals = pd.DataFrame([{"rho": r, "seed": s, "horizon": 900.0, "memoriser_accuracy": 0.01, **dict(zip(measured, rng.random(len(measured)) * 100))}
                           for r in (0.0, 0.6, 0.9, 1.0) for s in (0, 1)])
    ends = pd.DataFrame({"seed": [0, 1], "g1_sq": [1.0, 2.0], "g0_sq": [3.0, 3.5], "g1_dot_g0": [0.1, -0.2], "flip_sq": [5.0, 6.0]})
    declared = laws.declare(finals, ends)
    inside = finals["rho"].between(0, 1, inclusive="neither")
    perturbed = finals.copy()
    perturbed.loc[inside, measured] = rng.random((int(inside.sum()), len(measured))) * 1e3
    pd.testing.assert_frame_equal(declared, laws.declare(perturbed, ends))
    assert not declared.loc[inside, "declared_delay"].isna().any()
