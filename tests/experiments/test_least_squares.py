"""E3's measurement: the batched fits are the least-squares fits, the exact test risk is the
Monte Carlo one, gradient descent on the residual and kernel takes the steps of gradient descent
on w, and with a small step it follows T5's eigen-sum."""
from decimal import Decimal, localcontext

import numpy as np
import pandas as pd
import pytest
import torch

from experiments.common import chunks
from experiments.common.curves import log_log_slope
from experiments.e3_least_squares import run as least_squares
from theory.gradient_flow import gradient_flow_loss

POWER_LAW = {"features": 64, "samples": 2048, "spectrum": [1.0], "teacher": [1.0], "learning_rate": 0.5,
             "steps": 400, "fit_from": 10, "records": 6}
CONFIG = {"samples": 12, "features": [5, 8], "rho": [0.0, 0.5, 1.0], "teacher_norm_sq": 1.0, "noise_variance": 0.5, "repeats": 4,
          "gd_features": [5], "gd_steps": 200, "gd_learning_rate": 0.01, "power_law": POWER_LAW}


@pytest.mark.parametrize("features", [5, 12, 20])  # d < n, d = n, d > n (minimum norm)
def test_fit_is_the_pseudo_inverse_fit(features):
    x, y, _ = least_squares.draw(0, 12, features, 0.5, 1.0, 0.5, 3)
    w = least_squares.min_norm_fit(torch.tensor(x), torch.tensor(y)).numpy()
    for i in range(3):
        expected = np.linalg.pinv(x[i]) @ y[i]  # numpy's SVD, independent of the batched LAPACK solve
        assert np.allclose(w[i], expected, rtol=1e-9, atol=1e-9 * np.abs(expected).max())


def test_exact_risk_matches_monte_carlo():
    x, y, beta = least_squares.draw(0, 12, 20, 0.5, 1.0, 0.5, 3)
    rng = np.random.default_rng(0)
    w = np.linalg.lstsq(x[0], y[0], rcond=None)[0]
    x0 = rng.normal(size=(400_000, 20))
    y0 = np.where(rng.random(400_000) < 0.5, x0 @ beta[0], rng.normal(scale=np.sqrt(0.5), size=400_000))
    loss = (y0 - x0 @ w) ** 2
    exact = 0.5 * np.sum((beta[0] - w) ** 2) + 0.5 * (0.5 + np.sum(w**2))
    assert abs(loss.mean() - exact) < 4 * loss.std() / np.sqrt(len(loss))


def plain_steps(x: np.ndarray, y: np.ndarray, learning_rate: float, record: list[int]) -> list[float]:
    """The plain steps w <- w - lr X^T (X w - y) / n from w = 0 on one data set, in 40-digit decimals: the loss
    at each recorded step, free of float64's cancellation in X w - y as the fit nears interpolation."""
    (n, d), losses = x.shape, []
    with localcontext() as context:
        context.prec = 40
        xs, ys, rate = [[Decimal(v) for v in row] for row in x.tolist()], [Decimal(v) for v in y.tolist()], Decimal(learning_rate) / n
        w = [Decimal(0)] * d
        for step in range(max(record) + 1):
            residual = [sum(a * b for a, b in zip(row, w)) - target for row, target in zip(xs, ys)]
            if step in record:
                losses.append(float(sum(r * r for r in residual) / (2 * n)))
            w = [w[j] - rate * sum(xs[i][j] * residual[i] for i in range(n)) for j in range(d)]
    return losses


@pytest.mark.parametrize("features", [5, 12, 30])  # d < n, d = n, d > n (interpolation: the loss falls to ~1e-10)
def test_gradient_descent_takes_the_plain_steps_on_w(features, monkeypatch):
    monkeypatch.setattr(chunks, "CACHE_BYTES", 1)  # a chunk per member, over the threads
    x, y, _ = least_squares.draw(0, 12, features, 0.5, 1.0, 0.5, 2)
    record = [0, 1, 7, 60, 300]
    expected = torch.tensor([plain_steps(x[m], y[m], 0.05, record) for m in range(2)], dtype=torch.float64)
    assert (expected.diff(dim=1) < 0).all()  # the steps go somewhere
    measured = least_squares.gradient_descent(torch.tensor(x), torch.tensor(y), 0.05, record)
    assert torch.allclose(measured, expected, rtol=1e-12, atol=0)


def test_gradient_descent_follows_the_eigen_sum_and_runs_are_pure():
    table = least_squares.run(CONFIG, [0, 1], 5)
    again = least_squares.run(CONFIG, [0, 1], 5)
    assert table.equals(again)
    gd = table[table["quantity"] == "gd_loss"].set_index(["rho", "seed", "step"])["value"]
    eig = table[table["quantity"] == "gd_eigen_sum"].set_index(["rho", "seed", "step"])["value"]
    assert np.allclose(gd, eig, rtol=0.01)  # eta = 0.01: the flow and the steps differ by O(eta lambda)
    assert np.allclose(gd.xs(0, level="step"), eig.xs(0, level="step"), rtol=1e-10)  # t = 0: both are |y|^2/2n


def test_power_law_run_follows_the_population_eigen_sum():
    rows = pd.DataFrame(least_squares.power_law_run(POWER_LAW, [0, 1, 2]))
    loss = rows[rows["quantity"] == "power_law_loss"].pivot(index="seed", columns="power_law_step", values="value")
    steps = loss.columns.to_numpy(float)
    j = np.arange(1.0, 65)
    population = gradient_flow_loss(0.5 * steps, j**-2.0, np.sqrt(2048 * j**-2.0) * j**-1.0, 2048)  # (1/2) sum_j j^-4 e^{-2 t/j^2}
    # sampled spectrum at n = 32 d: the loss within 15% of the population's; the discrete step is a small change at t >= 5
    assert np.allclose(loss.mean().to_numpy(), population, rtol=0.15)
    exponent = rows[rows["quantity"] == "power_law_exponent"]["value"]
    assert abs(exponent.mean() + log_log_slope(steps, population)) < 0.05  # sampling moves one seed's by a few %
    assert least_squares.run(CONFIG, [0], 5)["quantity"].isin(["power_law_loss"]).sum() == 0  # only the largest d's job
    assert least_squares.run(CONFIG, [0], 8)["quantity"].isin(["power_law_loss"]).sum() == 6
