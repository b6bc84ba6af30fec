"""The batched trainer (paper section "Methods: batched ensembles").

Every member of an ensemble (one per seed and grid cell of one shape) trains at once: the
parameters carry a leading member dimension, and each member's gradient of its own loss comes
from the model's closed form (experiments/models.py; equal to autograd's, tests/experiments/
test_trainer.py).  Adam acts elementwise, so one Adam over the stacked parameters equals one Adam
per member.

A model on one-hot keys sees the data only through the per-key label counts, so full-batch
training on the counts is training on every sample, at a cost independent of the sample size.

Each step runs over chunks of members small enough that a chunk's intermediate tensors (hidden
activations, their gradients) stay in the CPU's cache: only the parameters, their gradients and
Adam's moments travel to and from memory.  The chunks change nothing that is computed (each
member's gradient is its own), only how often memory is crossed (python -m experiments.bench measures it).

A member whose logits overflow at some step has diverged: its gradient is NaN from then on, which
Adam carries into its parameters for good.  It is flagged, and its final loss is NaN, so that no
caller can mistake it for a measurement (README "When something goes wrong").  Members are
independent, so a diverged member leaves the others untouched.
"""
import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import NamedTuple

import torch

from experiments.models import Model, Params
from experiments.progress import Progress

CHUNK_BYTES = 2**21  # members per forward-backward chunk: about 2 MiB of their largest tensor, so a chunk's work fits in cache


@dataclass(frozen=True)
class TrainConfig:
    steps: int  # full-batch Adam steps
    learning_rate: float  # peak step size; it decays to zero on a half cosine


class Trained(NamedTuple):
    params: Params  # the trained parameters, leading member dimension E
    loss: torch.Tensor  # final train loss per member (E,); NaN where diverged
    diverged: torch.Tensor  # (E,) bool: the member's logits overflowed at some step (its final loss or parameters are not finite)


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


def member_chunks(params: Params, counts: torch.Tensor, workers: int) -> list[slice]:
    """Equal slices of the member dimension, whose largest per-member tensor takes at most about CHUNK_BYTES
    in all, in a number that ``workers`` divides (where there are enough members) so that each worker gets as much."""
    members = counts.shape[0]
    per_member = max(t[0].numel() * t.element_size() for t in [*params.values(), counts])
    n_chunks = min(members, -(-math.ceil(members * per_member / CHUNK_BYTES) // workers) * workers)
    bounds = [round(i * members / n_chunks) for i in range(n_chunks + 1)]
    return [slice(start, stop) for start, stop in zip(bounds, bounds[1:])]


def _train_chunks(model: Model, leaves: list[Params], counts: list[torch.Tensor], config: TrainConfig, progress: Progress | None = None) -> None:
    """Train the chunks of one worker in place: its own Adam over its chunks' parameters, one thread (and report its progress).

    ``counts`` are each chunk's counts classes first, (E_chunk, V, K)."""
    torch.set_num_threads(1)
    optimizer = torch.optim.Adam([p for leaf in leaves for p in leaf.values()], lr=config.learning_rate, fused=True)  # one kernel per step: ~10x the default on CPU
    schedule = cosine_schedule(optimizer, config.steps)
    frequencies = [c / c.sum((1, 2), keepdim=True) for c in counts]  # c / N
    statistics = [(f, f.sum(1, keepdim=True)) for f in frequencies]  # c / N, n_k / N
    for step in range(config.steps):
        for leaf, (chunk_frequencies, key_weights) in zip(leaves, statistics):
            # each member's gradient of its own mean cross-entropy, in closed form
            for name, gradient in model.count_gradients(leaf, chunk_frequencies, key_weights).items():
                leaf[name].grad = gradient
        # step: Adam acts elementwise, on all of this worker's chunks at once
        optimizer.step()
        schedule.step()
        if progress:
            progress.update(step + 1)


def train_on_counts(model: Model, params: Params, counts: torch.Tensor, config: TrainConfig) -> Trained:
    """Train every member on its own counts (E, K, V); return its parameters, final train loss and divergence flag.

    The chunks are dealt to as many workers as torch has threads; each worker trains its own
    chunks on one thread, so the threads never wait for each other within a step."""
    threads = torch.get_num_threads()
    chunks = member_chunks(params, counts, threads)
    # one leaf tensor per chunk and parameter, so that each worker's Adam owns its chunks' parameters
    leaves = [{name: p[chunk].detach().clone() for name, p in params.items()} for chunk in chunks]
    counts_t = counts.transpose(1, 2).contiguous()  # (E, V, K): the softmax over classes runs in vectors across keys
    workers = min(threads, len(chunks))
    try:
        with ThreadPoolExecutor(workers) as pool:
            progress = Progress(f"training {counts.shape[0]} members", config.steps)  # worker 0 reports for all
            jobs = [pool.submit(_train_chunks, model, leaves[w::workers], [counts_t[c] for c in chunks[w::workers]],
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
