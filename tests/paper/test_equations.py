"""Equations a mathematician would write, still derived: each printed form equals the derived result
(paper appendix "Derivations"; the notation of theory/symbols.py).

A readable form (theory.derivation.Readable), of a result or of a step, is printed instead of SymPy's raw
expression only after SymPy has proved the two equal; editing one without the other stops the export.
"""
from dataclasses import replace
import re

import pytest
import sympy as sp

from theory import bayes_floor, deep_linear, finite_samples
from theory.derivation import Readable, Step, written
from theory.export import DERIVATIONS, appendix, macros, step_latex
from theory.symbols import V, rho


@pytest.fixture(scope="module")
def derivations():
    return [module.derive() for module in DERIVATIONS]


@pytest.fixture(scope="module")
def printed(derivations):
    return macros(derivations), appendix(derivations)  # both check every readable form on the way


def test_every_readable_form_equals_its_derivation(derivations, printed):
    results = steps = 0
    for d in derivations:
        for name in d.readable:
            assert name in d.results, f"{d.target}: a readable form for no result, {name}"
            assert d.printed(name) is d.readable[name]  # proved equal, else a ValueError
            results += 1
        steps += sum(form is not None for step in d.steps for _, form in step.parts())
    assert results >= 40 and steps >= 25


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


def test_a_steps_printed_form_is_checked_too():
    t6 = deep_linear.derive()
    width = t6.readable["SaxeTransitionWidth"]
    wrong = Step("a transition width off by a factor 2", sp.Eq(sp.Symbol("Delta_t"), t6["SaxeTransitionWidth"]), Readable(2 * width.expr))
    with pytest.raises(ValueError, match="transition width"):
        step_latex(t6, wrong)
    tex = Step("the same width typed as LaTeX", sp.Eq(sp.Symbol("Delta_t"), t6["SaxeTransitionWidth"]), Readable(2 * width.expr,
        tex=r"\frac{1}{s}\ln\frac{s-\varepsilon}{\varepsilon}"))
    with pytest.raises(ValueError):  # typed LaTeX is printed only with a SymPy expression proved equal to the derivation
        step_latex(t6, tex)


def test_the_forms_the_referee_quoted_now_read_as_a_mathematician_writes_them(printed):
    text = "\n".join(printed)
    assert r"\frac{1}{s} \ln{\left(\frac{s - \varepsilon}{\varepsilon} \right)}" in text  # was (-ln(eps) + ln(-eps + s))/s
    assert r"R_{\mathrm{test}} = \frac{\sigma^{2} \left(n - 1\right)}{n - d - 1}" in text  # was sigma^2 (1 - n)/(d - n + 1)
    assert r"1 - \frac{\omega^{2}}{\theta^{2}}" in text  # was -(a - theta)(a + theta)/theta^2
    assert r"\mathbb{E}\operatorname{tr}\operatorname{Cov}(g \mid x)" in text and r"\mathbb{E}\|\bar g_B\|^2" in text


def test_notation_one_logarithm_one_epsilon_upright_operators_no_tuples(printed):
    text = "\n".join(printed)
    assert r"\log" not in text.replace(r"\log_2", "") and r"\ln" in text  # natural logs as ln; log2 only for bits
    assert r"\epsilon" not in text and "ϵ" not in text  # one epsilon, \varepsilon
    assert r"\operatorname{atan}" not in text and "^{T}" not in text  # arctan, and transposes as \top
    assert r"\left( " not in text.replace(r"\left( \right)", "")  # no tuple parentheses (SymPy prints tuples as "\left( a, \  b\right)")
    assert not re.search(r"_\{(?:eff|test|edge|noise|flip|sep|train|hat)\}", text)  # text subscripts are upright
    for italic in ("E tr", "Var[", "|E[", "E|", "tr \\Sigma"):
        assert italic not in text, italic


def test_every_symbol_of_the_appendix_is_defined_where_it_is_used(printed):
    appendix_text = printed[1]
    assert r"\mu = n p_k" in appendix_text and r"x = n\theta" not in appendix_text  # the memoriser's limit (was an undefined theta)
    for old in (r"\alpha_c", r"G_S", r"R_{0}", r"\det C", "P(y = c", r"\hat P", "K facts"):  # letters with a second meaning, renamed
        assert old not in appendix_text, old


def test_t3_is_stated_for_every_class_seen():
    t3 = finite_samples.derive()
    assert "every class" in t3.title and "infinite" in t3.assumptions and "(1-q)^m" in t3.assumptions
