"""The built PDF as a reader sees it, read from LaTeX's own log and aux (paper/build/paper.log, paper.aux): no box
overfull by more than a point (a line or table running into the margin), and every figure and table of the main text
on a page before the references (paper section "References"; the appendix's tables are not floats).

They read the files of two builds: the last `make paper` (or Snakemake rule) left in paper/build, skipped with the
reason when there are none or the log is older than paper.tex, and this session's smoke build from clean."""
import re
from pathlib import Path

import pytest

TOLERANCE_PT = 1.0  # an overfull box up to this many points is invisible in print
OVERFULL = re.compile(r"^Overfull \\([hv])box \((\d+(?:\.\d+)?)pt too (?:wide|high)\) (.*)$", re.M)
LABEL = re.compile(r"\\newlabel\{([^{}]+)\}\{\{[^{}]*\}\{(\d+)\}")
FLOAT = re.compile(r"\\begin\{(figure|table)\*?\}.*?\\end\{\1\*?\}", re.S)
REFERENCES = "sec:references"  # paper.tex's label at the first page of the references


def overfull_boxes(log: str) -> list[tuple[str, float, str]]:
    """(h or v, points, where with the text it holds) for every overfull box in a LaTeX log."""
    boxes = []
    for match in OVERFULL.finditer(log):
        following = log[match.end():match.end() + 300].strip().splitlines()
        boxes.append((match.group(1), float(match.group(2)), " ".join([match.group(3), *following[:2]])))
    return boxes


def float_labels(tex: str) -> list[str]:
    """The labels of the figure and table floats of a LaTeX source."""
    return [label for body in FLOAT.finditer(tex) for label in re.findall(r"\\label\{([^{}]+)\}", body.group(0))]


def pages(aux: str) -> dict[str, int]:
    """The page of every label, as the aux file records it."""
    return {label: int(page) for label, page in LABEL.findall(aux)}


def floats_after(tex: str, aux: str, marker: str = REFERENCES) -> list[str]:
    """The floats placed on or after the marker's page (where the references begin), each with its page."""
    where = pages(aux)
    return [f"{label} on page {where[label]} (references from page {where[marker]})"
            for label in float_labels(tex) if label in where and where[label] >= where[marker]]


def test_the_readers_find_what_they_look_for():
    log = "x\nOverfull \\hbox (95.2pt too wide) in paragraph at lines 157--176\n[]\\T1/ptm/m/n/10.95 For $K=256$\n" \
          "Overfull \\vbox (0.4pt too high) has occurred while \\output is active []\n"
    assert [(kind, points) for kind, points, _ in overfull_boxes(log)] == [("h", 95.2), ("v", 0.4)]
    assert "lines 157--176" in overfull_boxes(log)[0][2] and "K=256" in overfull_boxes(log)[0][2]
    tex = "\\begin{figure}[t]\\caption{a}\\label{fig:a}\\end{figure} text \\label{sec:x} \\begin{table}\\label{tab:b}\\end{table}"
    aux = "\\newlabel{fig:a}{{1}{3}{a}{figure.1}{}}\n\\newlabel{tab:b}{{1}{9}{b}{table.1}{}}\n\\newlabel{sec:references}{{}{8}{}{x}{}}\n"
    assert float_labels(tex) == ["fig:a", "tab:b"]
    assert floats_after(tex, aux) == ["tab:b on page 9 (references from page 8)"]


@pytest.fixture(scope="module", params=["last build", "smoke build"])
def build(request, root: Path) -> Path:
    """The folder of a built paper: the last build left in paper/build (a reader's `make paper`), or this session's
    smoke build from clean (so that a fresh clone's `make test` checks a log too)."""
    if request.param == "smoke build":
        smoke = request.getfixturevalue("smoke_build")
        if smoke.select:
            pytest.skip("TeX is missing: the smoke build left the PDF out")
        assert smoke.result.returncode == 0, smoke.result.stderr[-3000:]
        return smoke.path / "paper/build"
    folder, tex = root / "paper/build", root / "paper/paper.tex"
    log = folder / "paper.log"
    if not log.is_file():
        pytest.skip(f"no LaTeX log at {log}: build the paper first (`make paper`)")
    if log.stat().st_mtime < tex.stat().st_mtime:
        pytest.skip(f"{log} is older than {tex}: rebuild the paper to check it")
    return folder


def test_no_box_is_overfull_by_more_than_a_point(build):
    boxes = overfull_boxes((build / "paper.log").read_text(errors="replace"))
    too_wide = [f"{kind}box {points}pt: {where}" for kind, points, where in boxes if points > TOLERANCE_PT]
    assert not too_wide, f"overfull boxes in {build / 'paper.log'}:\n" + "\n".join(too_wide)


def test_no_float_of_the_main_text_comes_after_the_references(build):
    aux = (build / "paper.aux").read_text(errors="replace")
    assert REFERENCES in pages(aux), f"paper.tex has no \\label{{{REFERENCES}}} at the references"
    late = floats_after((build.parent / "paper.tex").read_text(), aux)
    assert not late, "floats after the references:\n" + "\n".join(late)
