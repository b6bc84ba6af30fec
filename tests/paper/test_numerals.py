"""Every number traced: paper/paper.tex types no numeral and no equation that a generated macro holds.

The prose and the captions may name things with digits (claims T1..T8, experiments E1..E6) and use the
digits 0, 1 and 2 inside mathematics as its structure (rho = 0, 1 - rho, m^2, P = 2N); section numbers,
citations (with their locators, such as a chapter), labels, file names and LaTeX lengths are not text. Any other numeral must come from a macro
(\\Cfg..., \\Claim..., \\Eq... or build_macros.CONSTANTS), and a formula that theory/ exports must be
printed with its \\Eq macro, not typed again.
"""
import re
from functools import cache

import pytest
import sympy as sp
from sympy.parsing.latex import parse_latex

from theory.export import DERIVATIONS

NOT_TEXT = [  # what is not prose: commands whose argument is a name, a file or a length
    r"\\(?:label|ref|eqref|[cC]ite|[cC]itep|[cC]itet|citealp|input|include|rebuild|bibliography|bibliographystyle|setlength|nolinkurl)"
    r"(?:\[[^\]]*\])?\{[^{}]*\}",  # a citation's locator, [ch.~5], is part of the citation
    r"\\includegraphics(?:\[[^\]]*\])?\{[^{}]*\}",
    r"\\begin\{(?:figure|table)\}\[[a-zA-Z!]+\]",
    r"-?\d+(?:\.\d+)?(?:pt|cm|mm|em|ex|in|bp)\b|\d*\.?\d+\\(?:text|line|column)width",  # LaTeX lengths
    r"\b[TE]\d(?:--[TE]?\d)?\b",  # claim and experiment names: T1, E6, T4--T8
    r"\\texttt\{[^{}]*/[^{}]*\}",  # a file's path: experiments/e8_modular_addition/laws.py
    r"\\(?:sub)*section\*?",
]
MATH = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$|\\begin\{(equation\*?|align\*?)\}(.+?)\\end\{\3\}", re.S)
STRUCTURAL = {"0", "1", "2"}  # digits that are the mathematics' own structure


def body(tex: str) -> str:
    """The document's text without comments or the constructs of NOT_TEXT."""
    text = tex.split(r"\begin{document}", 1)[1].split(r"\end{document}", 1)[0]
    text = re.sub(r"(?<!\\)%.*", "", text)
    for pattern in NOT_TEXT:
        text = re.sub(pattern, " ", text)
    return text


def typed_numerals(tex: str) -> list[str]:
    """Numerals typed in the prose, or in mathematics beyond the structural digits, each with its context."""
    text, found = body(tex), []
    for match in MATH.finditer(text):
        math = match.group(1) or match.group(2) or match.group(4)
        found += [f"${math.strip()}$" for n in re.findall(r"\d+(?:\.\d+)?", math) if n not in STRUCTURAL]
    prose = MATH.sub(" ", text)
    found += [prose[max(m.start() - 30, 0):m.end() + 30].replace("\n", " ") for m in re.finditer(r"\d+(?:\.\d+)?", prose)]
    return found


@cache
def exported() -> dict[str, sp.Expr]:
    """Every result theory/ exports as \\Eq<Name>, its symbols by name only (as a parser reads them)."""
    out = {}
    for module in DERIVATIONS:
        for name, expr in module.derive().results.items():
            out[name] = expr.subs({s: sp.Symbol(s.name) for s in expr.free_symbols})
    return out


def close(a: sp.Expr, b: sp.Expr) -> bool:
    """A quick filter before SymPy's simplify: ``a`` and ``b`` agree at one point off the special values."""
    point = {s: sp.Rational(3 + 7 * i, 17 + 5 * i) for i, s in enumerate(sorted(a.free_symbols, key=str))}
    value = sp.N((a - b).subs(point))
    return not (value.is_number and value.is_finite and abs(value) > 1e-9)


def typed_equations(tex: str) -> list[tuple[str, str]]:
    """(fragment, macro) for each formula of the text that equals an exported result it does not cite."""
    found = []
    for match in MATH.finditer(body(tex)):
        math = (match.group(1) or match.group(2) or match.group(4)).strip()
        if "\\Eq" in math:
            continue
        for part in re.split(r"=|<|>|\\le|\\ge|\\propto|\\to|,", math):
            try:
                expr = parse_latex(part, backend="lark")
            except Exception:  # prose mathematics the parser does not read (sets, words): nothing to compare
                continue
            if not isinstance(expr, sp.Expr) or expr.is_Atom or (expr.is_Mul and all(f.is_Symbol for f in expr.args)):
                continue  # a symbol, a number or a product of symbols names a quantity, it is no formula
            names = {s.name for s in expr.free_symbols}
            for name, result in exported().items():
                if {s.name for s in result.free_symbols} == names and close(expr, result) and sp.simplify(expr - result) == 0:
                    found.append((part.strip(), f"\\Eq{name}"))
    return found


def test_numerals_and_typed_equations_are_found():
    tex = r"\begin{document} bound $m/V<20$, $\rho=0$, 95\% of T1 in 3pt\label{x1} and $(V-1)/(2m)$. \end{document}"
    found = typed_numerals(tex)
    assert len(found) == 2 and found[0] == "$m/V<20$" and "95" in found[1]
    assert typed_equations(tex) == [("(V-1)/(2m)", r"\EqFiniteSampleExcess")]


@pytest.fixture(scope="module")
def paper(root):
    return (root / "paper/paper.tex").read_text()


def test_the_paper_types_no_numeral(paper):
    assert typed_numerals(paper) == []


def test_the_paper_types_no_exported_equation(paper):
    assert typed_equations(paper) == []
