"""The ledger's bias bounds: T3's next term equals the closed form and matches an exact expectation."""
from math import comb, log

import numpy as np
import sympy as sp

from theory import bias_bounds
from theory.symbols import V, m, rho


def test_t3_next_term_closed_form():
    # sum over classes of (1 - P)(5 - P)/(12 P m^2), with the rule's class p = rho + (1 - rho)/V and V - 1 others q
    p, q = rho + (1 - rho) / V, (1 - rho) / V
    closed = sum(k * (1 - x) * (5 - x) / (12 * x * m**2) for k, x in ((1, p), (V - 1, q)))
    assert sp.simplify(bias_bounds.finite_sample_second_order() - closed) == 0


def test_t3_next_term_against_an_exact_binomial_expectation():
    # One class of probability P: E[-P log(P_hat/P) + (P_hat - P)] over the binomial count, summed exactly where the count
    # is not zero (its weight (1-P)^m is below 1e-40 here), matches (1-P)/(2m) + (1-P)(5-P)/(12 P m^2) to O(1/m^3).
    prob, n = 0.3, 400
    exact = sum(comb(n, c) * prob**c * (1 - prob) ** (n - c) * (-prob * log(c / n / prob) + c / n - prob) for c in range(1, n + 1))
    first = (1 - prob) / (2 * n)
    second = (1 - prob) * (5 - prob) / (12 * prob * n**2)
    assert abs(exact - first - second) < 0.2 * second  # the remainder is O(1/m^3), much smaller than the term
    assert abs(exact - first) > 0.5 * second  # and the term is really there
    assert np.isclose(bias_bounds.finite_sample_next_term(0.0, 100, 2), 2 * 0.5 * 4.5 / (12 * 0.5 * 100**2))
