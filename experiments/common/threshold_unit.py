"""A linear threshold unit on random Gaussian points, fitted by Newton's method (E5 and E6).

The unit of Cover (1965): sign(w . x) with N weights and no bias, on points x in R^N drawn
i.i.d. N(0, I/N) (in general position with probability one), each with a label y = +-1.  It
is fitted by minimising the weighted logistic loss sum_p c_p ln(1 + e^{-y_p w . x_p}), a
two-class softmax whose two weight columns are tied, from w = 0.  The loss is convex, so the fit
does not depend on an initialisation or a learning rate: Newton's method with a line search
reaches the optimum in tens of steps, where first-order training would need thousands to
resolve data weights that span many orders of magnitude (E5's Zipf weights).  On separable
data the optimum is at infinity: the loss falls towards zero along a separating direction,
and every point ends correctly classified (E6 reads separability from that).

Shapes: B independent point sets (P, N), each with L labellings that share its points; every
(set, labelling) pair is one member with its own weights, so B x L members fit at once.
"""
import math
from typing import NamedTuple

import numpy as np
import torch

from experiments.common.streams import rng_for

STEP_SIZES = 0.5 ** torch.arange(10, dtype=torch.float64)  # the line search's candidates, 1 down to 1/512
RIDGE = 1e-12  # added to the Hessian's diagonal: keeps the solve defined once separable data flatten the loss


def gaussian_points(seed: int, n_points: int, n_weights: int, *tags) -> np.ndarray:
    """P points in R^N with i.i.d. N(0, 1/N) coordinates, shape (P, N).

    Coordinate j comes from its own stream, so the points of N weights are, up to the common
    factor that keeps |x| near 1, the first N coordinates of those of any larger N: a larger
    unit sees more of the same points.
    """
    columns = [rng_for(seed, "points", n_points, j, *tags).standard_normal(n_points) for j in range(n_weights)]
    return np.stack(columns, axis=1).reshape(n_points, n_weights) / math.sqrt(n_weights)


def random_signs(seed: int, shape: tuple[int, ...], *tags) -> np.ndarray:
    """Independent uniform labels +-1."""
    return rng_for(seed, "signs", *shape, *tags).integers(2, size=shape) * 2.0 - 1.0


class Fit(NamedTuple):
    weights: torch.Tensor  # (B, L, N)
    margins: torch.Tensor  # y w . x, (B, L, P): a point is classified correctly where positive
    loss: torch.Tensor  # the weighted logistic loss at the end, (B, L); NaN where diverged
    diverged: torch.Tensor  # (B, L) bool: the loss became NaN or infinite


def logistic_loss(margins: torch.Tensor, data_weights: torch.Tensor) -> torch.Tensor:
    """sum_p c_p ln(1 + exp(-m_p)) over the last axis, for margins m_p = y_p w . x_p."""
    return (data_weights * torch.nn.functional.softplus(-margins)).sum(dim=-1)


def fit_logistic(points: torch.Tensor, signs: torch.Tensor, data_weights: torch.Tensor, iterations: int) -> Fit:
    """Newton's method from w = 0 for every member: points (B, P, N), signs and data weights (B, L, P), float64."""
    n_sets, n_labellings, n_points = signs.shape
    n_weights = points.shape[-1]
    transposed = points.transpose(-1, -2)  # (B, N, P)
    weights = torch.zeros(n_sets, n_labellings, n_weights, dtype=torch.float64)
    margins = torch.zeros(n_sets, n_labellings, n_points, dtype=torch.float64)  # y w . x
    diverged = torch.zeros(n_sets, n_labellings, dtype=torch.bool)
    for _ in range(iterations):
        # gradient and Hessian of each member's loss, and the Newton step
        wrong = torch.sigmoid(-margins)  # the probability given to the other label
        gradient = -((data_weights * signs * wrong) @ points)  # (B, L, N)
        scaled = points[:, None] * (data_weights * wrong * (1 - wrong)).sqrt()[..., None]  # (B, L, P, N)
        hessian = scaled.transpose(-1, -2) @ scaled + RIDGE * torch.eye(n_weights, dtype=torch.float64)  # (B, L, N, N)
        step = torch.linalg.solve(hessian, gradient[..., None])[..., 0]  # (B, L, N)

        # line search: each member takes the candidate step size with the lowest loss, or none
        along = signs * (step @ transposed)  # how the margins change per unit step, (B, L, P)
        sizes = torch.cat([torch.zeros(1, dtype=torch.float64), STEP_SIZES])[:, None, None]  # (S + 1, 1, 1)
        losses = logistic_loss(margins - sizes[..., None] * along, data_weights)  # (S + 1, B, L)
        diverged |= ~torch.isfinite(losses[0])
        size = sizes[torch.nan_to_num(losses, nan=math.inf).argmin(dim=0), 0, 0]  # (B, L); 0 keeps the weights
        weights = weights - size[..., None] * step
        margins = signs * (weights @ transposed)
    loss = logistic_loss(margins, data_weights)
    diverged |= ~torch.isfinite(loss)
    return Fit(weights, margins, loss.masked_fill(diverged, math.nan), diverged)
