"""The batched trainer (paper section "Methods: batched ensembles").

Every member of an ensemble (one per seed and grid cell of one shape) trains at once: the
parameters carry a leading member dimension, the model computes every member's logits table
in batched tensor operations, and the members' losses are summed, so each member's gradient is exactly its own.  Adam acts
elementwise, so one Adam over the stacked parameters equals one Adam per member.

A model on one-hot keys sees the data only through the per-key label counts, so full-batch
training on the counts is training on every sample, at a cost independent of the sample size.

A member whose loss becomes NaN or infinite at any step has diverged: it is flagged, and its
final loss is NaN, so that no caller can mistake it for a measurement (README "When something
goes wrong").  Members are independent, so a diverged member leaves the others untouched.
"""
import math
from dataclasses import dataclass
from typing import NamedTuple

import torch

from experiments.models import Model, Params


@dataclass(frozen=True)
class TrainConfig:
    steps: int  # full-batch Adam steps
    learning_rate: float  # peak step size; it decays to zero on a half cosine


class Trained(NamedTuple):
    params: Params  # the trained parameters, leading member dimension E
    loss: torch.Tensor  # final train loss per member (E,); NaN where diverged
    diverged: torch.Tensor  # (E,) bool: the member's loss was NaN or infinite at some step


def cosine_schedule(optimizer: torch.optim.Optimizer, steps: int) -> torch.optim.lr_scheduler.LambdaLR:
    """The step size decays from its peak to zero on a half cosine over ``steps``."""
    return torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 0.5 * (1 + math.cos(math.pi * step / steps)))


def count_loss(logits: torch.Tensor, counts: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over the samples that the counts describe: (E, K, V), (E, K, V) -> (E,)."""
    log_probs = torch.log_softmax(logits, dim=-1)
    return -(counts * log_probs).sum(dim=(1, 2)) / counts.sum(dim=(1, 2))


def all_key_logits(model: Model, params: Params) -> torch.Tensor:
    """Every member's logits on every key: (E, K, V)."""
    return model.table(params)


def train_on_counts(model: Model, params: Params, counts: torch.Tensor, config: TrainConfig) -> Trained:
    """Train every member on its own counts (E, K, V); return its parameters, final train loss and divergence flag."""
    params = {name: p.detach().clone().requires_grad_(True) for name, p in params.items()}
    optimizer = torch.optim.Adam(params.values(), lr=config.learning_rate, fused=True)  # one kernel per step: ~10x the default on CPU
    schedule = cosine_schedule(optimizer, config.steps)
    diverged = torch.zeros(counts.shape[0], dtype=torch.bool)  # (E,)
    for _ in range(config.steps):
        # forward: each member's mean cross-entropy on its own counts
        loss = count_loss(all_key_logits(model, params), counts)  # (E,)
        diverged |= ~torch.isfinite(loss.detach())
        # backward and step: the sum separates, so each member gets its own gradient
        optimizer.zero_grad(set_to_none=True)
        loss.sum().backward()
        optimizer.step()
        schedule.step()
    with torch.no_grad():
        final = count_loss(all_key_logits(model, params), counts)
    diverged |= ~torch.isfinite(final)
    return Trained({name: p.detach() for name, p in params.items()}, final.masked_fill(diverged, math.nan), diverged)
