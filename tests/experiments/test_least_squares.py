"""E3's measurement: the batched fits are the least-squares fits, the exact test risk is the
Monte Carlo one, and gradient descent with a small step follows T5's eigen-sum."""
import numpy as np
import pandas as pd
import torch

from experiments import least_squares
from experiments.zipf_scaling import log_log_slope
from theory.gradient_flow import gradient_flow_loss

POWER_LAW = {"features": 64, "samples": 2048, "spectrum": [1.0], "teacher": [1.0], "learning_rate": 0.5,
             "steps": 400, "fit_from": 10, "records": 6}
CONFIG = {"samples": 12, "features": [5, 8], "rho": [0.0, 0.5, 1.0], "teacher_norm_sq": 1.0, "noise_variance": 0.5, "repeats": 4,
          "gd_features": [5], "gd_steps": 200, "gd_learning_rate": 0.01, "power_law": POWER_LAW}


def test_fit_and_exact_risk_match_numpy():
    x, y, beta = least_squares.draw(0, 12, 20, 0.5, 1.0, 0.5, 3)
    for i in range(3):
        w = np.linalg.lstsq(x[i], y[i], rcond=None)[0]  # minimum norm when d > n
        w_torch = torch.linalg.pinv(torch.tensor(x[i])) @ torch.tensor(y[i])
        assert np.allclose(w, w_torch.numpy(), atol=1e-10)
    # exact test risk against a Monte Carlo test set
    rng = np.random.default_rng(0)
    w = np.linalg.lstsq(x[0], y[0], rcond=None)[0]
    x0 = rng.normal(size=(400_000, 20))
    y0 = np.where(rng.random(400_000) < 0.5, x0 @ beta[0], rng.normal(scale=np.sqrt(0.5), size=400_000))
    loss = (y0 - x0 @ w) ** 2
    exact = 0.5 * np.sum((beta[0] - w) ** 2) + 0.5 * (0.5 + np.sum(w**2))
    assert abs(loss.mean() - exact) < 4 * loss.std() / np.sqrt(len(loss))


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
