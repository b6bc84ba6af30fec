"""Text into LaTeX: escaping, and macro names made of letters only (for the generated files of paper/generated/)."""
import re

DIGITS = ["Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine"]


def macro_name(claim: str) -> str:
    """A claim id or config path as letters only, e.g. T1.bayes_floor -> TOneBayesFloor."""
    words = re.split(r"[._\s]+", re.sub(r"\d", lambda d: f"_{DIGITS[int(d.group())]}_", claim))
    return "".join(w[:1].upper() + w[1:] for w in words if w)


def tex(text: str) -> str:
    """Text with LaTeX's special characters escaped (a backslash becomes a slash)."""
    return str(text).replace("\\", "/").replace("_", r"\_").replace("&", r"\&").replace("%", r"\%").replace("#", r"\#")
