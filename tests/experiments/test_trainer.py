"""The batched trainer: an ensemble equals its members trained alone, runs are pure functions of
config and seed, and the linear softmax converges to the per-key frequencies."""
import numpy as np
import pandas as pd
import torch

from experiments.common import chunks, lookup_table
from experiments.common.models import MODELS, init_ensemble
from experiments.common.trainer import FusedAdam, TrainConfig, cosine_learning_rate, cosine_schedule, count_loss, train_on_counts
from experiments.e1_loss_floor import run as loss_floor

CONFIG = {"keys": 6, "rho": [0.0, 0.6], "samples_per_key": [40, 400], "steps": 200, "learning_rate": 0.05,
          "models": {"linear": {}, "mlp": {"hidden": 8}}}


def _counts(seeds, rho=0.5, n_keys=6, n_classes=3, m=50):
    return torch.tensor(np.stack([lookup_table.label_counts(s, lookup_table.rule_table(s, n_keys, n_classes), rho, n_classes, m) for s in seeds]), dtype=torch.float32)


def test_ensemble_members_train_exactly_as_alone():
    model, seeds, config = MODELS["mlp"], [0, 1, 2], TrainConfig(steps=50, learning_rate=0.05)
    counts = _counts(seeds)
    together, loss_together, _ = train_on_counts(model, init_ensemble(model, seeds, 6, 3, {"hidden": 8}), counts, config)
    for i, seed in enumerate(seeds):
        alone, loss_alone, _ = train_on_counts(model, init_ensemble(model, [seed], 6, 3, {"hidden": 8}), counts[i : i + 1], config)
        for name in alone:
            assert torch.allclose(together[name][i], alone[name][0], atol=1e-5), name
        assert torch.allclose(loss_together[i], loss_alone[0], atol=1e-6)


def test_same_config_and_seed_give_identical_numbers():
    first = loss_floor.run(CONFIG, [0, 1], "mlp", 3)
    second = loss_floor.run(CONFIG, [0, 1], "mlp", 3)
    pd.testing.assert_frame_equal(first, second, check_exact=True)
    other_seed = loss_floor.run(CONFIG, [0, 2], "mlp", 3)
    assert not first["value"].equals(other_seed["value"])


def test_linear_softmax_reaches_the_train_optimum():
    table = loss_floor.run({**CONFIG, "steps": 1000}, [0], "linear", 3)
    wide = table.pivot_table(index=["rho", "samples_per_key"], columns="quantity", values="value")
    gap = wide["train_loss"] - wide["train_loss_optimum"]
    assert (gap.abs() < 1e-4).all(), gap


def test_logits_table_is_every_keys_logits():
    for name, model in MODELS.items():
        params = init_ensemble(model, [0, 1], 5, 3, {"hidden": 4} if name == "mlp" else {})
        table = model.table(params)  # (E, K, V)
        for e in range(2):
            one = {k: v[e] for k, v in params.items()}
            assert torch.allclose(table[e], model.logits(one, torch.arange(5)), atol=1e-6), name


def test_closed_form_gradients_equal_autograd():
    """The trainer's gradients (models.py, classes first) equal autograd's gradient of the count loss."""
    generator = torch.Generator().manual_seed(0)
    for name, model in MODELS.items():
        for n_classes in (2, 3, 17):  # the softmax's vector paths differ with the number of classes
            params = init_ensemble(model, [0, 1, 2], 6, n_classes, {"hidden": 8} if name == "mlp" else {})
            params = {k: v + torch.randn(v.shape, generator=generator) for k, v in params.items()}  # away from init: dead and live ReLUs
            counts = torch.randint(0, 4, (3, 6, n_classes), generator=generator).float()
            leaves = {k: v.clone().requires_grad_(True) for k, v in params.items()}
            count_loss(model.table(leaves), counts).sum().backward()
            frequencies_t = (counts / counts.sum((1, 2), keepdim=True)).transpose(1, 2).contiguous()
            closed = model.count_gradients(params, frequencies_t, frequencies_t.sum(1, keepdim=True))
            assert closed.keys() == leaves.keys()
            for k, leaf in leaves.items():
                assert torch.allclose(closed[k], leaf.grad, rtol=1e-5, atol=1e-7), (name, n_classes, k)


def test_fused_adam_takes_torch_adams_steps_on_the_cosine_schedule():
    generator = torch.Generator().manual_seed(0)
    start = [torch.randn(3, 5, generator=generator), torch.randn(7, generator=generator)]
    gradients = [[torch.randn(p.shape, generator=generator) for p in start] for _ in range(6)]
    config = TrainConfig(steps=6, learning_rate=0.1)
    ours, theirs = [p.clone() for p in start], [p.clone().requires_grad_() for p in start]
    adam = FusedAdam(ours, cosine_learning_rate(config))
    optimizer = torch.optim.Adam(theirs, lr=config.learning_rate, fused=True)
    schedule = cosine_schedule(optimizer, config.steps)
    for step, grads in enumerate(gradients):
        adam.step(grads, step)
        for p, g in zip(theirs, grads):
            p.grad = g
        optimizer.step()
        schedule.step()
    for a, b, p in zip(ours, theirs, start):
        assert not torch.equal(a, p)  # the steps moved something
        assert torch.equal(a, b.detach())  # bit for bit


def test_fused_adamw_takes_torch_adamws_steps():
    generator = torch.Generator().manual_seed(1)
    start = [torch.randn(4, 6, generator=generator), torch.randn(5, generator=generator)]
    gradients = [[torch.randn(p.shape, generator=generator) for p in start] for _ in range(6)]
    ours, theirs = [p.clone() for p in start], [p.clone().requires_grad_() for p in start]
    adam = FusedAdam(ours, lambda step: 0.05, weight_decay=0.7, decoupled=True)
    optimizer = torch.optim.AdamW(theirs, lr=0.05, weight_decay=0.7, fused=True)
    for step, grads in enumerate(gradients):
        adam.step(grads, step)
        for p, g in zip(theirs, grads):
            p.grad = g
        optimizer.step()
    for a, b, p in zip(ours, theirs, start):
        assert not torch.equal(a, p)
        assert torch.equal(a, b.detach())  # bit for bit, weight decay included


def test_chunks_change_no_members_training(monkeypatch):
    model, seeds = MODELS["mlp"], list(range(6))
    counts, config = _counts(seeds), TrainConfig(steps=30, learning_rate=0.05)
    params = init_ensemble(model, seeds, 6, 3, {"hidden": 8})
    whole = train_on_counts(model, params, counts, config)
    monkeypatch.setattr(chunks, "CACHE_BYTES", 1)  # a chunk per member, dealt to the threads
    split = train_on_counts(model, params, counts, config)
    for name in params:
        assert torch.allclose(whole.params[name], split.params[name], rtol=1e-5, atol=1e-7), name


def test_thread_count_changes_no_bit(monkeypatch):
    monkeypatch.setattr(chunks, "CACHE_BYTES", 1)  # a chunk per member: one thread takes all six, three take two each
    model, seeds = MODELS["mlp"], list(range(6))
    counts, config = _counts(seeds), TrainConfig(steps=20, learning_rate=0.05)
    params = init_ensemble(model, seeds, 6, 3, {"hidden": 8})
    threads = torch.get_num_threads()
    results = []
    try:
        for n in (1, 3):
            torch.set_num_threads(n)
            results.append(train_on_counts(model, params, counts, config))
    finally:
        torch.set_num_threads(threads)
    for name in params:
        assert torch.equal(results[0].params[name], results[1].params[name]), name
