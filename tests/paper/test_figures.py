"""Figures that publishers accept: every font a figure PDF embeds is TrueType or Type 1, never Type 3."""
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
