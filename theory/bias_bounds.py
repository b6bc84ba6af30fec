"""Bias bounds of the claims ledger: the next term of an expansion that a prediction truncates
(paper section "Claims ledger"; used by E1's claims, experiments/e1_loss_floor/claims.py).

T3 keeps the 1/m term of the per-key estimate's expected excess loss.  Its next term, of order
1/m^2, bounds the truncation: we expand one class's term -P log(1 + delta/P) of KL(P || P_hat) to
fourth order in the estimation error delta, take the binomial count's central moments from its
moment generating function (1 - P + P e^t)^m e^{-t m P}, keep the terms of order 1/m^2 (the
fourth order's 1/m^3 part is incomplete and is dropped), and sum the rule's class and the V - 1
others with T1's label probabilities.

Assumption: the same as T3's (every class seen often, m(1 - rho)/V >> 1); the term is the size of
what T3 neglects, not a correction the ledger adds to the prediction.
"""
from functools import cache

import numpy as np
import sympy as sp

from theory import bayes_floor
from theory.derivation import predictor
from theory.symbols import V, m, rho

P = sp.Symbol("P", positive=True)  # one class's probability
delta = sp.Symbol("delta", real=True)  # the estimation error P_hat - P
t = sp.Symbol("t", real=True)  # the argument of the moment generating function
h = sp.Symbol("h", positive=True)  # 1/m


@cache
def finite_sample_second_order() -> sp.Basic:
    """The 1/m^2 term of the expected excess test cross-entropy of the per-key estimate (nats)."""
    series = sp.series(-P * sp.log(1 + delta / P), delta, 0, 5).removeO()
    centred_mgf = sp.exp(-t * m * P) * (1 - P + P * sp.exp(t)) ** m  # the count minus its mean m P
    expected = sum(series.coeff(delta, k) * sp.diff(centred_mgf, t, k).subs(t, 0) / m**k for k in range(1, 5))
    per_class = sp.expand(sp.simplify(expected).subs(m, 1 / h)).coeff(h, 2) / m**2
    t1 = bayes_floor.derive()
    return sp.factor(sp.simplify(per_class.subs(P, t1["LabelProbRule"]) + (V - 1) * per_class.subs(P, t1["LabelProbOther"])))


def finite_sample_next_term(rho_value, samples_per_key, n_classes):
    """|the 1/m^2 term| that T3's (V - 1)/(2m) leaves out (nats)."""
    args = (np.asarray(v, float) for v in (rho_value, samples_per_key, n_classes))
    return np.abs(predictor(finite_sample_second_order(), rho, m, V)(*args))
