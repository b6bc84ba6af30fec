"""T3: the finite-sample excess of a per-key categorical estimate (paper section "Theory at the ends of the dial", T3).

A key seen m times, its labels counted, and the counts' frequencies used as the predictor
(the maximum-likelihood estimate, which a linear softmax on one-hot keys converges to).
Its expected test cross-entropy exceeds the floor H of T1 by E KL(P || P_hat).  We expand
the KL divergence to second order in the estimation error, take the expectation with the
counts' moments (read off the binomial probability generating function), and sum over the
classes, arriving at (V - 1)/(2m) + O(1/m^2).

Validity: the unsmoothed estimate gives a class unseen among the m labels probability 0, which
happens with probability at least (1 - q)^m > 0, so its unconditional expected KL is infinite at
every finite m.  T3 is the expected excess conditional on every class being seen: conditioning
changes the counts' moments only by terms of order (1 - q)^m, exponentially small in
m q = m (1 - rho)/V, and the expansion needs every class to be seen many times, m (1 - rho)/V >> 1.
The trained softmax of E1 never assigns probability 0 (a smoothed estimate); where m q is small its
excess depends on how far training pushes the unseen classes down, and T3 makes no claim there.
"""
from functools import cache

import numpy as np
import sympy as sp

from theory import bayes_floor
from theory.derivation import Derivation, Readable, Step, predictor, written
from theory.symbols import Tex, V, m, rho

P = sp.Symbol("p_c", positive=True)  # one class's probability
delta = sp.Symbol("delta", real=True)  # the estimation error P_hat - P of that class
s = sp.Symbol("zeta")  # the argument of the generating function


@cache
def derive() -> Derivation:
    # One class's contribution to KL(P || P_hat) with P_hat = P + delta, to second order in delta.
    kl_term = -P * sp.log((P + delta) / P)
    kl_series = sp.series(kl_term, delta, 0, 3).removeO()  # -delta + delta^2/(2P)

    # The count of the class among m draws is binomial: generating function (1 - P + P s)^m.
    pgf = (1 - P + P * s) ** m
    mean_count = sp.simplify(sp.diff(pgf, s).subs(s, 1))
    factorial_moment = sp.simplify(sp.diff(pgf, s, 2).subs(s, 1))
    count_variance = sp.factor(sp.simplify(factorial_moment + mean_count - mean_count**2))
    mean_error = sp.simplify(mean_count / m - P)  # E delta = 0: the estimate is unbiased
    error_variance = sp.simplify(count_variance / m**2)  # E delta^2

    expected_term = sp.expand(kl_series.coeff(delta, 1) * mean_error + kl_series.coeff(delta, 2) * error_variance)

    # Sum over classes: the rule's class (P = p) and V - 1 others (P = q), with the T1 probabilities.
    t1 = bayes_floor.derive()
    p, q = t1["LabelProbRule"], t1["LabelProbOther"]
    excess = sp.factor(sp.simplify(expected_term.subs(P, p) + (V - 1) * expected_term.subs(P, q)))

    steps = (
        Step("One class's term of $\\mathrm{KL}(p\\,\\|\\,\\hat p)$, with estimation error $\\delta = \\hat p_c - p_c$, expanded to second order:",
             sp.Eq(Tex(r"-p_c \ln(1 + \delta/p_c)"), kl_series), Readable(written(-delta, delta**2 / (2 * P)))),
        Step("The class's count among $m$ draws has generating function", sp.Eq(Tex(r"\psi(\zeta)"), pgf), Readable(written(1, -P, P * s) ** m)),
        Step("whose derivatives at $\\zeta=1$ give the error's mean and variance (conditioning on every class being seen changes them only by terms of order $(1-p_c)^m$):",
             (sp.Eq(Tex(r"\mathbb{E}\,\delta"), mean_error), sp.Eq(Tex(r"\mathbb{E}\,\delta^2"), error_variance))),
        Step("so each class adds, in expectation,",
             sp.Eq(Tex(r"\mathbb{E}\Bigl[-\delta + \frac{\delta^2}{2p_c}\Bigr]"), expected_term), Readable(written(1, -P) / (2 * m))),
        Step("and summing the rule's class and the $V-1$ others of the mixture gives the excess over $H$, every class seen:",
             sp.Eq(Tex(r"\mathbb{E}\bigl[\mathrm{KL}(p \,\|\, \hat p) \bigm| \text{every class seen}\bigr]"), excess)),
    )
    return Derivation(
        target="T3",
        title="Finite samples: excess loss of the per-key estimate, every class seen",
        assumptions="The predictor is the per-key frequency $\\hat p$ of $m$ independent labels, conditional on every class being seen "
        "(unconditionally its expected KL is infinite: an unseen class gets probability 0, with probability at least $(1-q)^m > 0$); "
        "conditioning changes the counts' moments by $O((1-q)^m)$, and terms of order $1/m^2$ are dropped, which needs $m(1-\\rho)/V \\gg 1$.",
        steps=steps,
        results={"CountVariance": count_variance, "FiniteSampleExcess": excess},
        readable={"CountVariance": Readable(sp.Mul(m, P, written(1, -P), evaluate=False))},
    )


def finite_sample_excess(samples_per_key, n_classes):
    """(V-1)/(2m): expected excess test cross-entropy (nats) over H of the per-key estimate."""
    return predictor(derive()["FiniteSampleExcess"], m, V)(np.asarray(samples_per_key, float), np.asarray(n_classes, float))


def other_class_count(rho_value, samples_per_key, n_classes):
    """m (1 - rho)/V: how often each non-rule class is expected per key; T3 needs it >> 1."""
    q = predictor(bayes_floor.derive()["LabelProbOther"], rho, V)
    return np.asarray(samples_per_key, float) * q(np.asarray(rho_value, float), np.asarray(n_classes, float))
