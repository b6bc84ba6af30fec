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

from theory.symbols import rho


@dataclass(frozen=True)
class Step:
    """One step of a derivation: a sentence of prose and the expression it arrives at."""

    text: str
    expr: sp.Basic


@dataclass(frozen=True)
class Readable:
    """A result as a mathematician writes it: an expression in named intermediate symbols (p, q, ...).

    ``names`` maps each named symbol to its expression in the derivation's own symbols;
    :meth:`Derivation.printed` has SymPy prove the readable form equal to the derived one before it is printed.
    """

    expr: sp.Basic  # printed in the order it is written: build sums with :func:`written`
    names: dict[sp.Symbol, sp.Basic] = field(default_factory=dict)


def written(*terms: sp.Basic) -> sp.Add:
    """A sum that keeps its terms in the order given (SymPy would sort them), for a :class:`Readable`."""
    return sp.Add(*terms, evaluate=False)


@dataclass(frozen=True)
class Derivation:
    """A derived theory target: the steps shown in the appendix and the named results."""

    target: str  # the paper's id, e.g. "T1"
    title: str  # a short heading for the appendix
    assumptions: str  # what the derivation takes for granted, in one or two sentences
    steps: tuple[Step, ...]
    results: dict[str, sp.Basic] = field(default_factory=dict)  # CamelCase name -> expression
    readable: dict[str, Readable] = field(default_factory=dict)  # result name -> the form the paper prints

    def __getitem__(self, name: str) -> sp.Basic:
        return self.results[name]

    def printed(self, name: str) -> sp.Basic:
        """The form of result ``name`` that the paper prints: its readable form, once checked equal to the derived one."""
        if name not in self.readable:
            return self.results[name]
        form = self.readable[name]
        if not proved_equal(form.expr.subs(form.names), self.results[name]):
            raise ValueError(f"{self.target}: the printed form of {name}, {form.expr}, is not the derived {self.results[name]}")
        return form.expr


def floats(*values) -> list:
    """Each value as a float NumPy array, ready for a predictor."""
    return [np.asarray(v, dtype=float) for v in values]


@cache
def predictor(expr: sp.Basic, *args: sp.Symbol):
    """A vectorised NumPy function of ``args`` that evaluates ``expr`` (broadcasting like NumPy)."""
    return sp.lambdify(args, expr, modules="numpy")


T = sp.Symbol("t", positive=True)  # rho = 1/(1 + t) with t > 0 puts rho inside the dial


def proved_equal(a: sp.Basic, b: sp.Basic) -> bool:
    """True when SymPy simplifies a - b to zero on the dial's domain 0 < rho < 1 (other symbols positive).

    rho is written as 1/(1+t), t > 0, so that SymPy knows 1 - rho > 0, and each logarithm's argument
    is factored so that its sign shows.
    """
    diff = (a - b).subs(rho, 1 / (1 + T))
    factored = diff.replace(sp.log, lambda arg: sp.log(sp.factor(arg)))  # log(t/(V(1+t))), not log(-1 + 1/(1+t))
    return any(sp.simplify(sp.expand_log(sp.together(e), force=True)) == 0 for e in (diff, factored))


def equal(a: sp.Basic, b: sp.Basic, samples: int = 5, digits: int = 50) -> bool:
    """True when ``a`` and ``b`` agree on the dial's domain 0 < rho < 1 (other symbols positive).

    SymPy is first asked to simplify the difference to zero (:func:`proved_equal`).  Where it cannot
    close the gap, both sides are evaluated with ``digits`` significant digits at ``samples`` random
    points of the domain.
    """
    if proved_equal(a, b):
        return True
    diff = (a - b).subs(rho, 1 / (1 + T))
    rng = random.Random(0)
    for _ in range(samples):
        point = {s: (sp.Rational(rng.randint(1, 999), 100) if s == T else rng.randint(2, 40)) for s in diff.free_symbols}
        if abs(sp.N(diff.subs(point), digits)) > sp.Float(10) ** (5 - digits):
            return False
    return True
