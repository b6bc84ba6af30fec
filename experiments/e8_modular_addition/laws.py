"""E8's laws of the middle, declared from theory and the dial's two ends before the middle is seen (paper section
"The middle of the dial: a capability jump", E8: laws declared from the ends).

Every function here reads, for a member at rho, only the same seed's members at rho = 1 and rho = 0 and the
member's own data (its labels and training set), never a measurement of a member inside the dial:
tests/experiments/test_modular_addition.py perturbs every middle member's measurements and checks that the
declared values do not move.

    memoriser_accuracy   the dip below chance: the clean test accuracy of the additive memoriser, whose logit for
                         class c on (a, b) counts the training pairs of row a and of column b labelled c (the
                         direction of the first gradient step of a linear model on one-hot a plus one-hot b);
                         ties share the guess equally.  At rho = 1 a test pair's own class is the one class
                         that neither its row nor its column votes for, so it predicts accuracy 0.
    grad_signal_expected E|G(rho)|^2 / |G(1)|^2 at initialisation over the mixture's draw with the random labels
                         frozen: G(rho) = G0 + sum_i k_i d_i with k_i ~ Bernoulli(rho) and d_i the change of pair
                         i's gradient from its random label to the rule's, so
                         E|G(rho)|^2 = |rho G1 + (1 - rho) G0|^2 + rho (1 - rho) sum_i |d_i|^2  (run.initial_ends).
    rho_critical         the norm competition (Varma et al. 2023): weight decay prices a solution by its squared
                         norm; the rule costs what the rho = 1 member ends with, memorising every training pair what
                         the rho = 0 member ends with.  Assumed: a pair memorised against the rule costs what a
                         pair memorised at rho = 0 costs, so generalising and memorising the random fraction costs
                         |theta(1)|^2 + (1 - rho) |theta(0)|^2, and it is cheaper than memorising all when
                         rho > rho_c = |theta(1)|^2 / |theta(0)|^2.
    declared_delay       critical slowing down: the drive towards the rule is the price advantage, proportional to
                         rho - rho_c, so the jump's delay is (1 - rho_c) / (rho - rho_c) above rho_c; no jump below.
    declared_delay_censored  the same censored at the horizon (horizon / the same seed's jump step at rho = 1), as
                         the measured delay is: the two compare like for like
"""
import numpy as np
import pandas as pd


def memoriser_accuracy(labels: np.ndarray, train: np.ndarray, p: int) -> float:
    """The additive memoriser's expected clean test accuracy on one member's data: labels (p^2,), train mask (p^2,)."""
    a, b = np.divmod(np.arange(p * p), p)
    rule = (a + b) % p
    rows, columns = np.zeros((p, p)), np.zeros((p, p))
    np.add.at(rows, (a[train], labels[train]), 1.0)
    np.add.at(columns, (b[train], labels[train]), 1.0)
    test = ~train
    scores = rows[a[test]] + columns[b[test]]  # (test pairs, p)
    top = scores == scores.max(1, keepdims=True)
    return float(np.mean(top[np.arange(test.sum()), rule[test]] / top.sum(1)))


def _at_end(finals: pd.DataFrame, rho: float, column: str) -> pd.Series:
    """Each member's same-seed value of ``column`` at the dial's end rho (1 or 0)."""
    ends = finals[finals["rho"] == rho].set_index("seed")[column]
    return finals["seed"].map(ends)


def with_ratios(finals: pd.DataFrame) -> pd.DataFrame:
    """The measured ratios to the same seed's rho = 1 member: the jump's delay (NaN where censored), its lower bound
    with a censored jump counted at the horizon, and the gradient signal at initialisation."""
    first = _at_end(finals, 1.0, "jump_step")
    return finals.assign(jump_delay=finals["jump_step"] / first,
                         jump_delay_at_least=finals["jump_step"].fillna(finals["horizon"]) / first,
                         horizon_ratio=finals["horizon"] / first,
                         grad_signal_ratio=finals["grad_sq"] / _at_end(finals, 1.0, "grad_sq"))


def declare(finals: pd.DataFrame, ends: pd.DataFrame) -> pd.DataFrame:
    """The middle's laws for every member, from its rho, the same seed's ends (final norms in ``finals`` at rho = 1
    and 0; gradients at initialisation in ``ends``, one row per seed) and nothing else."""
    rho = finals["rho"].to_numpy()
    at = ends.set_index("seed").loc[finals["seed"]]
    mean_sq = rho**2 * at["g1_sq"] + (1 - rho) ** 2 * at["g0_sq"] + 2 * rho * (1 - rho) * at["g1_dot_g0"]
    expected = (mean_sq + rho * (1 - rho) * at["flip_sq"]) / at["g1_sq"]
    critical = (_at_end(finals, 1.0, "norm_sq") / _at_end(finals, 0.0, "norm_sq")).to_numpy()
    delay = np.where(rho > critical, (1 - critical) / np.maximum(rho - critical, 1e-300), np.inf)
    horizon = (finals["horizon"] / _at_end(finals, 1.0, "jump_step")).to_numpy()
    return pd.DataFrame({"grad_signal_expected": expected.to_numpy(), "rho_critical": critical, "declared_delay": delay,
                         "declared_delay_censored": np.minimum(delay, horizon)}, index=finals.index)
