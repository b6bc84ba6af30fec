"""Text into LaTeX: escaping, macro names made of letters only, and numbers as a paper prints them (for the generated
files of paper/generated/)."""
import math
import re

DIGITS = ["Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine"]


def macro_name(claim: str) -> str:
    """A claim id or config path as letters only, e.g. T1.bayes_floor -> TOneBayesFloor."""
    words = re.split(r"[._\s]+", re.sub(r"\d", lambda d: f"_{DIGITS[int(d.group())]}_", claim))
    return "".join(w[:1].upper() + w[1:] for w in words if w)


def tex(text: str) -> str:
    """Text with LaTeX's special characters escaped (a backslash becomes a slash)."""
    return str(text).replace("\\", "/").replace("_", r"\_").replace("&", r"\&").replace("%", r"\%").replace("#", r"\#")


def number(x, digits: int = 4) -> str:
    """A number as a paper prints it, in text or mathematics: an integral value without a decimal point (1.0 -> 1),
    others to ``digits`` significant figures without trailing zeros, and powers of ten as such (1e-05 -> 10^{-5},
    9.537e-07 -> 9.537 x 10^{-7}) instead of Python's exponent notation."""
    x = float(x)
    if not math.isfinite(x):
        return "--" if math.isnan(x) else (r"\ensuremath{\infty}" if x > 0 else r"\ensuremath{-\infty}")
    if x == int(x) and abs(x) < 1e6:
        return str(int(x))
    text = f"{x:.{digits}g}"
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    power = f"10^{{{int(exponent)}}}"
    return rf"\ensuremath{{{power}}}" if float(mantissa) == 1 else rf"\ensuremath{{{mantissa}\times {power}}}"


def power_of_ten(x: float) -> str | None:
    """10^{k} for an exact power of ten (a value of a geometric grid), else None."""
    k = round(math.log10(abs(x))) if x > 0 else None
    return rf"\ensuremath{{10^{{{k}}}}}" if k is not None and math.isclose(x, 10.0**k, rel_tol=1e-12) else None


LIST_SEPARATOR = r", \allowbreak "  # a list may break after any comma, in text and in mathematics


def number_list(values: list, least_run: int = 5) -> str:
    """Values as a list the text prints, a run of at least ``least_run`` values in arithmetic or geometric progression
    written as a range (0, 0.1, ..., 1) so that a long grid does not run into the margin; other values one by one, and
    the line may break after any comma."""
    values = [float(v) for v in values]
    out, i = [], 0
    while i < len(values):
        end = i + 1
        for step in (lambda a, b: b - a, lambda a, b: b / a if a else math.nan):
            if i + 1 < len(values):
                s, j = step(values[i], values[i + 1]), i + 1
                while j + 1 < len(values) and math.isclose(step(values[j], values[j + 1]), s, rel_tol=1e-9, abs_tol=1e-12):
                    j += 1
                end = max(end, j + 1) if j + 1 - i >= least_run and s not in (0, 1) else end
        if end - i >= least_run:
            ends = [values[i], values[i + 1], values[end - 1]]
            as_powers = all(power_of_ten(v) for v in ends) and any("10^" in number(v) for v in ends)  # 10^{-2}, ..., 10^{-6}
            first, second, last = (power_of_ten(v) if as_powers else number(v) for v in ends)
            out += [first, second, r"\ldots", last]
        else:
            out.append(number(values[i]))
        i = end if end - i >= least_run else i + 1
    return LIST_SEPARATOR.join(out)
