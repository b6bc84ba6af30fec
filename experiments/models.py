"""The models of E1 and E2, as pure functions of one ensemble member's parameters.

An ensemble is a dict of tensors with a leading member dimension E; ``torch.func.vmap`` maps a
model over it, so every seed and grid cell of one shape trains as one tensor program.
Inputs are one-hot keys, so a model is fed key indices.

linear  logits = W[x]: a linear softmax on one-hot keys with no bias; zero initialisation
        gives the uniform logits of T2.
mlp     logits = relu(W1[x] + b1) W2 + b2: one hidden layer, initialised as torch.nn.Linear.
"""
import math
from dataclasses import dataclass
from typing import Callable

import torch

Params = dict[str, torch.Tensor]


def linear_logits(params: Params, keys: torch.Tensor) -> torch.Tensor:
    return params["W"][keys]  # (N, V)


def mlp_logits(params: Params, keys: torch.Tensor) -> torch.Tensor:
    hidden = torch.relu(params["W1"][keys] + params["b1"])  # (N, H)
    return hidden @ params["W2"] + params["b2"]  # (N, V)


# The logits of every key at once, for any leading member dimensions: the one-hot input of key x
# selects row x, so the table needs no gather (whose backward, deterministic, is slow).
def linear_table(params: Params) -> torch.Tensor:
    return params["W"]  # (..., K, V)


def mlp_table(params: Params) -> torch.Tensor:
    hidden = torch.relu(params["W1"] + params["b1"].unsqueeze(-2))  # (..., K, H)
    return hidden @ params["W2"] + params["b2"].unsqueeze(-2)  # (..., K, V)


def _uniform(generator: torch.Generator, shape: tuple[int, ...], fan_in: int) -> torch.Tensor:
    bound = 1.0 / math.sqrt(fan_in)  # torch.nn.Linear's default initialisation
    return (torch.rand(shape, generator=generator) * 2 - 1) * bound


def init_linear(seed: int, n_keys: int, n_classes: int) -> Params:
    return {"W": torch.zeros(n_keys, n_classes)}


def init_mlp(seed: int, n_keys: int, n_classes: int, hidden: int) -> Params:
    generator = torch.Generator().manual_seed(seed)
    return {
        "W1": _uniform(generator, (n_keys, hidden), n_keys),
        "b1": _uniform(generator, (hidden,), n_keys),
        "W2": _uniform(generator, (hidden, n_classes), hidden),
        "b2": _uniform(generator, (n_classes,), hidden),
    }


@dataclass(frozen=True)
class Model:
    init: Callable[..., Params]  # (seed, K, V, **options) -> one member's parameters
    logits: Callable[[Params, torch.Tensor], torch.Tensor]  # (params, keys (N,)) -> logits (N, V)
    table: Callable[[Params], torch.Tensor]  # params -> every key's logits (..., K, V)


MODELS = {"linear": Model(init_linear, linear_logits, linear_table), "mlp": Model(init_mlp, mlp_logits, mlp_table)}


def init_ensemble(model: Model, seeds: list[int], n_keys: int, n_classes: int, options: dict) -> Params:
    """Stack one member per seed along a new leading dimension E; options are the model's own (e.g. hidden)."""
    members = [model.init(seed, n_keys, n_classes, **options) for seed in seeds]
    return {name: torch.stack([m[name] for m in members]) for name in members[0]}
