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

from theory.symbols import Log2, rho


@dataclass(frozen=True)
class Readable:
    """A result as a mathematician writes it: an expression in named intermediate symbols (p, q, ...).

    ``names`` maps each named symbol to its expression in the derivation's own symbols; the form is
    printed only once SymPy has proved it equal to the derived one (:func:`check`).  Where no arrangement
    of SymPy's prints as a mathematician writes, ``tex`` is the LaTeX typed once and ``expr`` is what it
    says, the expression that the check proves equal.
    """

    expr: sp.Basic  # printed in the order it is written: build sums with :func:`written`
    names: dict[sp.Symbol, sp.Basic] = field(default_factory=dict)
    tex: str | None = None


def check(form: Readable, derived: sp.Basic, where: str) -> Readable:
    """``form``, once SymPy has proved it equal to ``derived``; a ValueError naming ``where`` otherwise."""
    said = form.expr.subs(form.names).replace(lambda e: isinstance(e, (Log2, sp.UnevaluatedExpr)), lambda e: e.doit())
    if not proved_equal(said, derived):
        raise ValueError(f"{where}: the printed form {form.expr} is not the derived {derived}")
    return form


@dataclass(frozen=True)
class Step:
    """One step of a derivation: a sentence of prose and the expression it arrives at.

    ``expr`` is one expression or equation, or a tuple of equations printed side by side; ``shown`` the
    readable forms of their right-hand sides (one, or a tuple with None where SymPy's own form is kept).
    """

    text: str
    expr: sp.Basic | tuple[sp.Basic, ...]
    shown: Readable | tuple[Readable | None, ...] | None = None

    def parts(self) -> list[tuple[sp.Basic, Readable | None]]:
        """Each equation (or expression) of the step with its readable form, if it has one."""
        exprs = self.expr if isinstance(self.expr, tuple) else (self.expr,)
        shown = self.shown if isinstance(self.shown, tuple) else (self.shown,) * len(exprs)
        assert len(shown) == len(exprs), f"{self.text}: a readable form for each equation"
        return list(zip(exprs, shown))


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

    def printed(self, name: str) -> Readable | None:
        """The readable form of result ``name``, once proved equal to the derived one; None where SymPy's form is printed."""
        if name not in self.readable:
            return None
        return check(self.readable[name], self.results[name], f"{self.target} {name}")


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
    if isinstance(a, sp.MatrixExpr):  # a matrix identity: expanded, its terms cancel
        return sp.expand(a - b).doit().is_ZeroMatrix is True
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
