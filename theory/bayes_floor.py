"""T1: the Bayes floor of the rho label mixture (paper section "Theory at the ends of the dial", T1).

The data: a fixed rule f maps each key x to one of V classes; the label is f(x) with
probability rho and uniform over the V classes otherwise.  We derive, from that definition,
the label distribution, the predictor that minimises expected cross-entropy, the floor H it
reaches, the Bayes accuracy, dH/drho and the expansion of H at rho = 0.

Assumption: among predictive distributions the optimum gives every non-rule class the same
probability (the expected loss is convex and symmetric in those classes, so this is no loss).
"""
from functools import cache

import numpy as np
import sympy as sp

from theory.derivation import Derivation, Readable, Step, predictor, written
from theory.symbols import Tex, V, rho

a = sp.Symbol("phat", positive=True)  # predicted probability of the rule's class f(x), printed \hat{p}
is_rule = Tex(r"\mathbf{1}[c = f(x)]")  # the indicator that class c is the rule's class
p_named, q_named = sp.symbols("p q", positive=True)  # the paper's names for the label probabilities (printing only)


@cache
def derive() -> Derivation:
    label_prob = rho * is_rule + (1 - rho) / V  # P(y = c | x) by the mixture's definition
    p = label_prob.subs(is_rule, 1)  # the rule's class
    q = label_prob.subs(is_rule, 0)  # each of the V - 1 other classes
    assert sp.simplify(p + (V - 1) * q - 1) == 0, "the label distribution must sum to one"

    # Expected cross-entropy of a predictor that puts a on f(x) and (1-a)/(V-1) on each other class.
    risk = -p * sp.log(a) - (V - 1) * q * sp.log((1 - a) / (V - 1))
    (a_star,) = sp.solve(sp.diff(risk, a), a)
    floor = risk.subs(a, a_star).replace(sp.log, lambda arg: sp.log(sp.factor(arg)))
    accuracy = a_star  # the rule's class has p - q = rho >= 0, so it is the Bayes guess
    slope = sp.simplify(sp.diff(floor, rho))
    series = sp.series(floor, rho, 0, 3).removeO()
    near_zero = sum(sp.factor(series.coeff(rho, k)) * rho**k for k in range(3)) + sp.O(rho**3)

    steps = (
        Step("By the definition of the mixture, the label distribution given a key $x$ is", sp.Eq(Tex(r"p_c = \Pr(y = c \mid x)"), label_prob),
             Readable(written(sp.Mul(rho, is_rule, evaluate=False), written(1, -rho) / V))),
        Step("so the rule's class has probability $p = p_{f(x)}$ and each of the $V-1$ others $q$:", (sp.Eq(p_named, p), sp.Eq(q_named, q)),
             (Readable(written(rho, written(1, -rho) / V)), Readable(written(1, -rho) / V))),
        Step("A predictor putting $\\hat p$ on $f(x)$ and spreading the rest evenly has expected cross-entropy", sp.Eq(Tex(r"R(\hat p)"), risk),
             Readable(written(-p_named * sp.log(a), -sp.Mul(written(V, -1), q_named, sp.log(written(1, -a) / written(V, -1)), evaluate=False)),
                 {p_named: p, q_named: q})),
        Step("Setting $dR/d\\hat p = 0$ gives the Bayes predictor, which is the label distribution itself:", sp.Eq(Tex(r"\hat p^{*}"), a_star)),
        Step("Its risk is the loss floor:", sp.Eq(Tex(r"H(\rho)"), floor)),
        Step("Differentiating in the dial,", sp.Eq(Tex(r"\frac{dH}{d\rho}"), slope)),
        Step("and expanding at pure noise,", sp.Eq(Tex(r"H(\rho)"), near_zero)),
    )
    return Derivation(
        target="T1",
        title="Bayes floor of the label mixture",
        assumptions="The optimal predictor treats the $V-1$ non-rule classes alike (convexity and symmetry); $0<\\rho<1$.",
        steps=steps,
        results={
            "LabelProbRule": p,
            "LabelProbOther": q,
            "BayesFloor": floor,
            "BayesAccuracy": accuracy,
            "BayesFloorSlope": slope,
            "BayesFloorNearNoise": near_zero,
        },
        readable={  # as the paper writes them, with p and q of the label distribution named
            "BayesFloor": Readable(written(-p_named * sp.log(p_named), -sp.Mul(written(V, -1), q_named, sp.log(q_named), evaluate=False)), {p_named: p, q_named: q}),
            "BayesAccuracy": Readable(written(rho, written(1, -rho) / V)),
            "BayesFloorSlope": Readable(written(V, -1) / V * sp.log(q_named / p_named), {p_named: p, q_named: q}),
        },
    )


def bayes_floor(rho_value, n_classes):
    """H(rho): the lowest expected test cross-entropy (nats) at dial rho with V classes.

    At rho = 1 the derived expression holds 0 * log 0, whose limit is 0; the predictor
    evaluates the limit there (a test checks it against SymPy's own limit).
    """
    rho_value, n_classes = np.broadcast_arrays(np.asarray(rho_value, float), np.asarray(n_classes, float))
    inside = np.where(rho_value < 1, rho_value, 0.5)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = predictor(derive()["BayesFloor"], rho, V)(inside, n_classes)
    return np.where(rho_value < 1, value, 0.0)


def bayes_accuracy(rho_value, n_classes):
    """p(rho): the highest expected test accuracy at dial rho with V classes."""
    return predictor(derive()["BayesAccuracy"], rho, V)(np.asarray(rho_value, float), np.asarray(n_classes, float))
