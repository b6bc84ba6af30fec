"""Figures that publishers accept (every font a figure PDF embeds is TrueType or Type 1, never Type 3) and that read at
the size the paper prints them (paper issue 22; experiments/common/figures.py)."""
import importlib
import re
import shutil
import subprocess
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

from experiments.common import figures


def type3_fonts(pdf: Path) -> list[str]:
    """The lines of ``pdffonts`` (poppler-utils) that name a Type 3 font embedded in ``pdf``."""
    if not shutil.which("pdffonts"):
        pytest.skip("pdffonts (poppler-utils) is not installed: `make tex` installs it")
    listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    fonts = listing.splitlines()[2:]  # a header line and a rule first
    assert fonts, f"pdffonts found no font in {pdf}: nothing was checked"
    return [line for line in fonts if "Type 3" in line]


def test_the_house_style_embeds_no_type3_font(tmp_path):
    fig, ax = plt.subplots(figsize=(figures.WIDTH, 2))
    ax.plot([1, 2], [3, 4], label=r"$\rho$ = 0.5, $(V-1)/(2m)$")
    ax.set_xlabel(r"dial $\rho$")
    ax.legend()
    figures.save(fig, tmp_path / "probe.pdf")
    assert type3_fonts(tmp_path / "probe.pdf") == []


@pytest.mark.slow
def test_no_figure_of_the_smoke_build_embeds_a_type3_font(smoke_build):
    assert smoke_build.result.returncode == 0, smoke_build.result.stderr[-4000:]
    figures = sorted((smoke_build.path / "paper/generated").glob("e*.pdf"))
    assert len(figures) >= 6, figures
    assert {f.name: type3_fonts(f) for f in figures} == {f.name: [] for f in figures}


# Readable at printed size (paper issue 22): the house style draws every figure at the width the paper prints it,
# and figures.save refuses one that figures.audit finds hard to read.  Each defect below is one a referee found.

def readable(tmp_path) -> tuple:
    """A figure in the house style with a measured series, a theory line and its legend beside the panel."""
    fig, ax = plt.subplots(figsize=(figures.WIDTH, 2))
    ax.plot([1, 2, 3], [1, 2, 3], color=figures.THEORY, label="theory")
    ax.errorbar([1, 2, 3], [1.1, 2.0, 2.9], yerr=0.1, color=figures.color(0, 2), marker="o", linestyle="none", label="measured")
    figures.beside(ax)
    return fig, ax


def included_widths() -> dict[str, float]:
    """Each figure's width in paper.tex's \\includegraphics, as a fraction of the text width."""
    tex = (Path(__file__).parents[2] / "paper/paper.tex").read_text()
    found = re.findall(r"\\includegraphics\[width=([\d.]*)\\textwidth\]\{generated/(e\w+)\.pdf\}", tex)
    return {name: float(fraction or 1) for fraction, name in found}


def test_the_text_width_is_paper_tex_s():
    tex = (Path(__file__).parents[2] / "paper/paper.tex").read_text()
    margin = re.search(r"\\usepackage\[margin=([\d.]+)cm\]\{geometry\}", tex)
    assert margin, "paper.tex no longer sets its margins with geometry's margin=...cm: update figures.WIDTH"
    assert not re.search(r"\\documentclass\[[^]]*(a4|a5|b5|legal|executive)paper", tex), "not letter paper: update figures.WIDTH"
    assert figures.WIDTH == pytest.approx(8.5 - 2 * float(margin.group(1)) / 2.54)


def test_every_figure_is_drawn_at_the_width_paper_tex_prints_it():
    """A figure's PRINTED is its \\includegraphics width, so that it prints at scale 1 and its fonts at the size the audit checks."""
    widths = included_widths()
    assert len(widths) >= 9, widths
    drawn = {name: importlib.import_module(f"experiments.{name}.figure").PRINTED for name in widths}
    assert drawn == widths


def test_a_readable_figure_passes_the_audit(tmp_path):
    fig, _ = readable(tmp_path)
    assert figures.audit(fig) == []


def test_the_audit_finds_text_under_7_points_at_printed_size(tmp_path):
    fig, ax = readable(tmp_path)
    ax.set_xlabel("tiny", fontsize=6)
    assert any("'tiny' prints at 6.0 pt" in p for p in figures.audit(fig))


def test_the_audit_finds_a_legend_that_repeats_a_label(tmp_path):
    fig, ax = readable(tmp_path)
    ax.plot([1, 3], [3, 1], color="C2", label="measured")
    figures.beside(ax)
    assert figures.audit(fig) == ["the legend repeats 'measured'"]


def test_the_audit_finds_a_legend_on_the_data(tmp_path):
    fig, ax = readable(tmp_path)
    ax.legend(loc="center")  # over the middle point
    assert any(p.startswith("the legend ['theory', 'measured'] covers") for p in figures.audit(fig))


def test_the_audit_finds_measured_points_outside_the_axes(tmp_path):
    fig, ax = readable(tmp_path)
    ax.set_ylim(1.5, None)  # the first point is cut at the floor
    assert any("'measured'" in p and "outside the axes" in p for p in figures.audit(fig))
    fig, ax = readable(tmp_path)
    ax.plot([1, 2], [0.0, 1.0], marker="s", linestyle="none", label="zero")
    ax.set_yscale("log")  # a log axis cannot show 0
    assert any("'zero'" in p and "outside the axes" in p for p in figures.audit(fig))


def test_the_audit_finds_overlapping_and_cut_text(tmp_path):
    fig, ax = readable(tmp_path)
    ax.text(0.5, 0.5, "one note", transform=ax.transAxes)
    ax.text(0.52, 0.5, "another note", transform=ax.transAxes)
    assert "'one note' overlaps 'another note'" in figures.audit(fig)
    fig, ax = readable(tmp_path)
    fig.text(0.97, 0.5, "runs off the page")
    assert "'runs off the page' is cut at the figure's edge" in figures.audit(fig)


def test_save_refuses_an_unreadable_figure_and_writes_nothing(tmp_path):
    fig, ax = readable(tmp_path)
    ax.set_title("small", fontsize=5)
    with pytest.raises(ValueError, match="'small' prints at 5.0 pt"):
        figures.save(fig, tmp_path / "unreadable.pdf")
    assert not (tmp_path / "unreadable.pdf").exists()


def test_a_left_out_run_is_counted_under_the_title_not_on_the_data(tmp_path):
    fig, ax = readable(tmp_path)
    ax.set_title("(a) panel")
    figures.note_diverged(ax, 2)
    figures.note_diverged(ax, 1, "censored")
    figures.save(fig, tmp_path / "noted.pdf")
    assert ax.get_title() == "(a) panel\n(2 diverged runs, 1 censored run not shown)"
    assert [t for t in ax.texts] == []


@pytest.mark.slow
def test_every_figure_of_the_smoke_build_is_drawn_at_its_printed_width(smoke_build):
    """So that paper.tex prints it at scale 1 and its fonts at their size (figures.audit checks them)."""
    assert smoke_build.result.returncode == 0, smoke_build.result.stderr[-4000:]
    if not shutil.which("pdfinfo"):
        pytest.skip("pdfinfo (poppler-utils) is not installed: `make tex` installs it")
    pages = {}
    for pdf in sorted((smoke_build.path / "paper/generated").glob("e*.pdf")):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        pages[pdf.stem] = float(re.search(r"Page size:\s+([\d.]+) x", info).group(1)) / 72
    assert len(pages) >= 6, pages
    widths = included_widths()
    assert pages == pytest.approx({name: widths[name] * figures.WIDTH for name in pages}, abs=0.01)


def test_a_reference_line_across_the_panel_is_not_taken_for_data_under_a_legend_beside_it():
    fig, ax = plt.subplots(figsize=(figures.WIDTH, 2))
    ax.plot([0, 0.5], [0, 1], label="theory")
    ax.set_xlim(0, 0.9)  # axhline's ends are at 0 and 1 in axes units; read as data, x = 1 would lie under the legend
    ax.axhline(0.5, color="k", label="reference")
    figures.beside(ax)
    assert figures.audit(fig) == []
