"""The shape every derivation shares: its steps (for the appendix) and its results (for the text).

A derivation is a function that starts from a model's definition and returns a
:class:`Derivation`.  ``theory.export`` prints each result with SymPy's LaTeX printer into
a macro ``\\Eq<Name>`` and each step into the derivation appendix; the claims ledger and
the figures call the predictors built from the same results by :func:`predictor`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
import random

import numpy as np
import sympy as sp


@dataclass(frozen=True)
class Step:
    """One step of a derivation: a sentence of prose and the expression it arrives at."""

    text: str
    expr: sp.Basic


@dataclass(frozen=True)
class Derivation:
    """A derived theory target: the steps shown in the appendix and the named results."""

    target: str  # the paper plan's id, e.g. "T1"
    title: str  # a short heading for the appendix
    assumptions: str  # what the derivation takes for granted, in one or two sentences
    steps: tuple[Step, ...]
    results: dict[str, sp.Basic] = field(default_factory=dict)  # CamelCase name -> expression

    def __getitem__(self, name: str) -> sp.Basic:
        return self.results[name]


def floats(*values) -> list:
    """Each value as a float NumPy array, ready for a predictor."""
    return [np.asarray(v, dtype=float) for v in values]


@cache
def predictor(expr: sp.Basic, *args: sp.Symbol):
    """A vectorised NumPy function of ``args`` that evaluates ``expr`` (broadcasting like NumPy)."""
    return sp.lambdify(args, expr, modules="numpy")


def equal(a: sp.Basic, b: sp.Basic, samples: int = 5, digits: int = 50) -> bool:
    """True when ``a`` and ``b`` agree on the dial's domain 0 < rho < 1 (other symbols positive).

    SymPy is first asked to simplify the difference to zero, with rho written as 1/(1+t), t > 0,
    so that it knows 1 - rho > 0.  Where it cannot close the gap, both sides are evaluated
    with ``digits`` significant digits at ``samples`` random points of the domain.
    """
    from theory.symbols import rho

    t = sp.Symbol("t", positive=True)
    diff = (a - b).subs(rho, 1 / (1 + t))
    if sp.simplify(sp.expand_log(sp.together(diff), force=True)) == 0:
        return True
    rng = random.Random(0)
    for _ in range(samples):
        point = {s: (sp.Rational(rng.randint(1, 999), 100) if s == t else rng.randint(2, 40)) for s in diff.free_symbols}
        if abs(sp.N(diff.subs(point), digits)) > sp.Float(10) ** (5 - digits):
            return False
    return True
