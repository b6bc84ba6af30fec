"""The models of E1 and E2, as pure functions of one ensemble member's parameters.

An ensemble is a dict of tensors with a leading member dimension E; ``torch.func.vmap`` maps a
model over it, so every seed and grid cell of one shape trains as one tensor program.
Inputs are one-hot keys, so a model is fed key indices.

linear  logits = W[:, x]: a linear softmax on one-hot keys with no bias; zero initialisation
        gives the uniform logits of T2.  W is stored classes first, (V, K).
mlp     logits = relu(W1[x] + b1) W2 + b2: one hidden layer, initialised as torch.nn.Linear.

Each model also gives the gradient of the count loss (experiments/common/trainer.py) in closed form: the
cross-entropy's derivative in the logits, (n_k softmax - c)/N, carried back by the chain rule
(tests/experiments/test_trainer.py checks it against autograd).  It works on the logits classes
first, (E, V, K), so that the softmax over the few classes runs in vectors across the keys.
"""
import math
from dataclasses import dataclass
from typing import Callable

import torch

Params = dict[str, torch.Tensor]


def linear_logits(params: Params, keys: torch.Tensor) -> torch.Tensor:
    return params["W"][:, keys].T  # (N, V)


def mlp_logits(params: Params, keys: torch.Tensor) -> torch.Tensor:
    hidden = torch.relu(params["W1"][keys] + params["b1"])  # (N, H)
    return hidden @ params["W2"] + params["b2"]  # (N, V)


# The logits of every key at once, for any leading member dimensions: the one-hot input of key x
# selects row x, so the table needs no gather (whose backward, deterministic, is slow).
def linear_table(params: Params) -> torch.Tensor:
    return params["W"].transpose(-1, -2)  # (..., K, V)


def mlp_hidden(params: Params) -> torch.Tensor:
    """Every key's hidden activations, relu(W1[x] + b1): (..., K, H)."""
    return (params["W1"] + params["b1"].unsqueeze(-2)).relu_()


def mlp_table(params: Params) -> torch.Tensor:
    return mlp_hidden(params) @ params["W2"] + params["b2"].unsqueeze(-2)  # (..., K, V)


def linear_init(generator: torch.Generator, shape: tuple[int, ...], fan_in: int) -> torch.Tensor:
    bound = 1.0 / math.sqrt(fan_in)  # torch.nn.Linear's default initialisation
    return (torch.rand(shape, generator=generator) * 2 - 1) * bound


def init_linear(seed: int, n_keys: int, n_classes: int) -> Params:
    return {"W": torch.zeros(n_classes, n_keys)}  # classes first: the trainer's softmax runs across keys


def init_mlp(seed: int, n_keys: int, n_classes: int, hidden: int) -> Params:
    generator = torch.Generator().manual_seed(seed)
    return {
        "W1": linear_init(generator, (n_keys, hidden), n_keys),
        "b1": linear_init(generator, (hidden,), n_keys),
        "W2": linear_init(generator, (hidden, n_classes), hidden),
        "b2": linear_init(generator, (n_classes,), hidden),
    }


def count_loss_gradient(logits_t: torch.Tensor, frequencies_t: torch.Tensor, key_weights: torch.Tensor) -> torch.Tensor:
    """The derivative of the mean cross-entropy -sum_kv c_kv log softmax(l_k)_v / N in the logits, classes first:

    w_k softmax(l_k)_v - f_kv, with f_kv = c_kv / N the samples' frequencies (frequencies_t, (E, V, K)) and
    w_k = sum_v f_kv the keys' (key_weights, (E, 1, K)); logits_t is (E, V, K).  NaN wherever a member's logits are
    NaN or infinite."""
    probabilities = (logits_t - logits_t.amax(1, keepdim=True)).exp_()
    return probabilities.mul_(key_weights / probabilities.sum(1, keepdim=True)).sub_(frequencies_t)


def linear_count_gradients(params: Params, frequencies_t: torch.Tensor, key_weights: torch.Tensor) -> Params:
    """The count loss's gradient for the linear model: the logits are W itself, classes first."""
    return {"W": count_loss_gradient(params["W"], frequencies_t, key_weights)}  # (E, V, K)


def mlp_count_gradients(params: Params, frequencies_t: torch.Tensor, key_weights: torch.Tensor) -> Params:
    """The count loss's gradient for the MLP, back through the readout, the ReLU and the hidden layer.

    W2's gradient is formed transposed, (gradient_t hidden)^T: with few classes that product runs about 5x faster."""
    hidden = mlp_hidden(params)  # (E, K, H)
    logits_t = torch.baddbmm(params["b2"].unsqueeze(-1), params["W2"].transpose(-1, -2), hidden.transpose(-1, -2))  # (E, V, K)
    gradient_t = count_loss_gradient(logits_t, frequencies_t, key_weights)  # (E, V, K)
    gradient_hidden = torch.bmm(gradient_t.transpose(-1, -2), params["W2"].transpose(-1, -2))  # (E, K, H)
    torch.ops.aten.threshold_backward.grad_input(gradient_hidden, hidden, 0, grad_input=gradient_hidden)  # through the ReLU, in place
    return {"W1": gradient_hidden, "b1": gradient_hidden.sum(-2),  # (E, K, H), (E, H)
            "W2": torch.bmm(gradient_t, hidden).transpose(-1, -2).contiguous(), "b2": gradient_t.sum(-1)}  # (E, H, V), (E, V)


@dataclass(frozen=True)
class Model:
    init: Callable[..., Params]  # (seed, K, V, **options) -> one member's parameters
    logits: Callable[[Params, torch.Tensor], torch.Tensor]  # (params, keys (N,)) -> logits (N, V)
    table: Callable[[Params], torch.Tensor]  # params -> every key's logits (..., K, V)
    count_gradients: Callable[..., Params]  # (params, c / N (E, V, K), n_k / N (E, 1, K)) -> the count loss's gradient


MODELS = {"linear": Model(init_linear, linear_logits, linear_table, linear_count_gradients),
          "mlp": Model(init_mlp, mlp_logits, mlp_table, mlp_count_gradients)}


def init_ensemble(model: Model, seeds: list[int], n_keys: int, n_classes: int, options: dict) -> Params:
    """Stack one member per seed along a new leading dimension E; options are the model's own (e.g. hidden)."""
    members = [model.init(seed, n_keys, n_classes, **options) for seed in seeds]
    return {name: torch.stack([m[name] for m in members]) for name in members[0]}
