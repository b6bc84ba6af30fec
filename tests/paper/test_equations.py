"""Equations a mathematician would write, still derived: each printed form equals the derived result.

A readable form (theory.derivation.Readable) is printed instead of SymPy's raw result only after SymPy
has checked the two equal; editing one without the other stops the export.
"""
from dataclasses import replace

import pytest
import sympy as sp

from theory import bayes_floor
from theory.derivation import Readable, written
from theory.export import DERIVATIONS, appendix, macros
from theory.symbols import V, rho


@pytest.fixture(scope="module")
def derivations():
    return [module.derive() for module in DERIVATIONS]


def test_every_readable_form_equals_its_derivation(derivations):
    checked = 0
    for d in derivations:
        for name, form in d.readable.items():
            assert name in d.results, f"{d.target}: a readable form for no result, {name}"
            assert d.printed(name) == form.expr
            checked += 1
    assert checked >= 8


def test_the_floor_reads_minus_p_ln_p_and_equals_the_derived_floor():
    t1 = bayes_floor.derive()
    form = t1.readable["BayesFloor"]
    p, q = sorted(form.names, key=str)
    t = sp.Symbol("t", positive=True)  # rho = 1/(1 + t): SymPy then knows 0 < rho < 1
    difference = (form.expr.subs({p: t1["LabelProbRule"], q: t1["LabelProbOther"]}) - t1["BayesFloor"]).subs(rho, 1 / (1 + t))
    difference = difference.replace(sp.log, lambda arg: sp.log(sp.factor(arg)))  # log(t/(V(1+t))): its sign shows
    assert sp.simplify(sp.expand_log(sp.together(difference), force=True)) == 0
    assert r"- p \ln{\left(p \right)} - \left(V - 1\right) q \ln{\left(q \right)}" in macros([t1])


def test_a_printed_form_edited_without_its_derivation_stops_the_export():
    t1 = bayes_floor.derive()
    p, q = sorted(t1.readable["BayesFloor"].names, key=str)
    edited = Readable(written(-p * sp.log(p), -V * q * sp.log(q)), {p: t1["LabelProbRule"], q: t1["LabelProbOther"]})  # V for V - 1
    with pytest.raises(ValueError, match="BayesFloor"):
        replace(t1, readable={**t1.readable, "BayesFloor": edited}).printed("BayesFloor")
    rederived = replace(t1, results={**t1.results, "BayesAccuracy": t1["BayesAccuracy"] + rho / V})  # a derivation changed alone
    with pytest.raises(ValueError, match="BayesAccuracy"):
        macros([rederived])


def test_the_natural_logarithm_prints_as_ln(derivations):
    printed = macros(derivations)
    assert r"\ln" in printed and r"\log" not in printed
    assert r"\ln{\left(V \right)}" in appendix(derivations)
