"""The batched trainer (paper section "Measurements on the dial": one batched tensor program per shape).

Every member of an ensemble (one per seed and grid cell of one shape) trains at once: the
parameters carry a leading member dimension, and each member's gradient of its own loss comes
from the model's closed form (experiments/common/models.py; equal to autograd's, tests/experiments/
test_trainer.py).  Adam acts elementwise, so one Adam over the stacked parameters equals one Adam
per member.

A model on one-hot keys sees the data only through the per-key label counts, so full-batch
training on the counts is training on every sample, at a cost independent of the sample size.

The members train in chunks small enough that a chunk's parameters, gradients, Adam moments and
intermediate tensors stay in the CPU's cache, and a chunk takes all its steps before the next
starts: nothing but the chunk's counts and final parameters crosses memory.  Members are
independent and Adam acts elementwise, so the chunks and their order change nothing that is
computed (tests/experiments/test_trainer.py), only how often memory is crossed (python -m
experiments.bench measures it).  In float32 the chunk size can move a few last bits: torch's fused
Adam rounds the elements past a tensor's last whole vector (16 floats) in a scalar path, and which
elements those are depends on the chunk's size (at V = 2 and 10; never the thread count).

On a GPU (the config's device, experiments/common/device.py) every member trains in one chunk, on the
device of the parameters and counts it is given; the result stays there.

A member whose logits overflow at some step has diverged: its gradient is NaN from then on, which
Adam carries into its parameters for good.  It is flagged, and its final loss is NaN, so that no
caller can mistake it for a measurement (README "When something goes wrong").  Members are
independent, so a diverged member leaves the others untouched.
"""
import math
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import NamedTuple

import torch

from experiments.common import chunks
from experiments.common.device import chunks_on
from experiments.common.models import Model, Params
from experiments.common.progress import Progress


@dataclass(frozen=True)
class TrainConfig:
    steps: int  # full-batch Adam steps
    learning_rate: float  # peak step size; it decays to zero on a half cosine


class Trained(NamedTuple):
    params: Params  # the trained parameters, leading member dimension E
    loss: torch.Tensor  # final train loss per member (E,); NaN where diverged
    diverged: torch.Tensor  # (E,) bool: the member's logits overflowed at some step (its final loss or parameters are not finite)


def cosine_factor(step: int, steps: int) -> float:
    """The step size's fraction of its peak at ``step``: it decays to zero on a half cosine over ``steps``."""
    return 0.5 * (1 + math.cos(math.pi * step / steps))


def cosine_schedule(optimizer: torch.optim.Optimizer, steps: int) -> torch.optim.lr_scheduler.LambdaLR:
    """The cosine schedule as torch's scheduler (for the benchmark's per-run baselines)."""
    return torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: cosine_factor(step, steps))


class FusedAdam:
    """torch.optim.Adam(params, lr, fused=True) with its default betas and eps (torch.optim.AdamW where ``decoupled``,
    E8), at the step size ``learning_rate(step)``: the same kernel on the same state, so the same steps bit for bit
    (tests/experiments/test_trainer.py), without the optimizer's and scheduler's Python bookkeeping, which costs about
    0.2 ms a call and, called once per chunk and step, took a quarter of the MLP's training time (and held the
    interpreter lock the other thread waited for)."""

    BETA1, BETA2, EPS = 0.9, 0.999, 1e-8  # torch.optim.Adam's defaults

    def __init__(self, params: list[torch.Tensor], learning_rate: Callable[[int], float], weight_decay: float = 0.0, decoupled: bool = False):
        self.params, self.learning_rate, self.weight_decay = params, learning_rate, weight_decay
        self.kernel = torch._fused_adamw_ if decoupled else torch._fused_adam_
        self.first, self.second = [torch.zeros_like(p) for p in params], [torch.zeros_like(p) for p in params]
        self.steps_taken = [torch.zeros((), device=p.device) for p in params]  # one per parameter, float32, as Adam keeps them

    def step(self, gradients: list[torch.Tensor], step: int) -> None:
        """Step ``step`` (from 0): move the parameters in place."""
        torch._foreach_add_(self.steps_taken, 1)
        self.kernel(self.params, gradients, self.first, self.second, [], self.steps_taken, lr=self.learning_rate(step), beta1=self.BETA1,
                    beta2=self.BETA2, weight_decay=self.weight_decay, eps=self.EPS, amsgrad=False, maximize=False)


def cosine_learning_rate(config: TrainConfig) -> Callable[[int], float]:
    """The step size at each step: the peak learning rate on the cosine schedule."""
    return lambda step: config.learning_rate * cosine_factor(step, config.steps)


def count_loss(logits: torch.Tensor, counts: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over the samples that the counts describe: (E, K, V), (E, K, V) -> (E,)."""
    log_probs = torch.log_softmax(logits, dim=-1)
    return -(counts * log_probs).sum(dim=(1, 2)) / counts.sum(dim=(1, 2))


def all_key_logits(model: Model, params: Params) -> torch.Tensor:
    """Every member's logits on every key: (E, K, V)."""
    return model.table(params)


def member_chunks(params: Params, counts: torch.Tensor) -> list[slice]:
    """Equal slices of the member dimension, whose largest per-member tensor takes at most about half of
    chunks.CACHE_BYTES in all, so that a chunk's training state fits in cache.  They do not depend on the number of
    threads, so neither does any bit of the result."""
    per_member = max(t[0].numel() * t.element_size() for t in [*params.values(), counts])
    return chunks.equal_slices(counts.shape[0], per_member, chunks.CACHE_BYTES // 2)


def _train_chunks(model: Model, leaves: list[Params], counts: list[torch.Tensor], config: TrainConfig, progress: Progress | None = None) -> None:
    """Train the chunks of one worker in place, one after the other, on one thread: each chunk takes all its steps,
    with its own Adam, while its state stays in cache (and worker 0 reports its progress).

    ``counts`` are each chunk's counts classes first, (E_chunk, V, K)."""
    torch.set_num_threads(1)
    for done, (leaf, chunk_counts) in enumerate(zip(leaves, counts)):
        optimizer = FusedAdam(list(leaf.values()), cosine_learning_rate(config))
        frequencies = chunk_counts / chunk_counts.sum((1, 2), keepdim=True)  # c / N
        key_weights = frequencies.sum(1, keepdim=True)  # n_k / N
        for step in range(config.steps):
            gradients = model.count_gradients(leaf, frequencies, key_weights)  # each member's own, in closed form
            optimizer.step([gradients[name] for name in leaf], step)
            if progress:
                progress.update(done * config.steps + step + 1)


def train_on_counts(model: Model, params: Params, counts: torch.Tensor, config: TrainConfig) -> Trained:
    """Train every member on its own counts (E, K, V); return its parameters, final train loss and divergence flag,
    on the device of ``params`` and ``counts``.

    The chunks are dealt in turn to as many workers as torch has threads; each worker trains its chunks one after
    the other on one thread, so the threads never wait for each other's steps (only, between small operations, for
    Python's interpreter lock: the build runs each job on one thread), and the thread count changes no bit."""
    threads = torch.get_num_threads()
    slices = chunks_on(counts.device, counts.shape[0], member_chunks(params, counts))
    # one leaf tensor per chunk and parameter, so that each chunk's Adam owns its parameters
    leaves = [{name: p[chunk].detach().clone() for name, p in params.items()} for chunk in slices]
    counts_t = counts.transpose(1, 2).contiguous()  # (E, V, K): the softmax over classes runs in vectors across keys
    workers = min(threads, len(slices))
    try:
        with ThreadPoolExecutor(workers) as pool:
            progress = Progress(f"training {counts.shape[0]} members in {len(slices)} chunks", len(slices[::workers]) * config.steps)  # worker 0's steps
            jobs = [pool.submit(_train_chunks, model, leaves[w::workers], [counts_t[c] for c in slices[w::workers]],
                                config, progress if w == 0 else None) for w in range(workers)]
            for job in jobs:
                job.result()
    finally:
        torch.set_num_threads(threads)
    params = {name: torch.cat([leaf[name] for leaf in leaves]) for name in params}
    with torch.no_grad():
        final = count_loss(all_key_logits(model, params), counts)
    diverged = ~torch.isfinite(final) | ~torch.stack([torch.isfinite(p).flatten(1).all(1) for p in params.values()]).all(0)
    return Trained(params, final.masked_fill(diverged, math.nan), diverged)
