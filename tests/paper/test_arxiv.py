"""The submission tarball compiles as arXiv compiles it: unpacked in an empty folder, pdflatex, no network."""
import re
import subprocess
import tarfile

import pytest


@pytest.mark.slow
def test_the_arxiv_tarball_compiles_alone_and_offline(smoke_build, snakemake, tmp_path):
    if smoke_build.select:  # the smoke build left the PDF out
        pytest.skip("TeX Live / latexmk are not installed: there is no paper to pack")
    assert smoke_build.result.returncode == 0, smoke_build.result.stderr[-4000:]
    made = snakemake(smoke_build.path, "--profile", "workflow/profiles/smoke", "paper/build/arxiv.tar.gz", prefix=smoke_build.prefix)
    assert made.returncode == 0, made.stderr[-4000:]

    with tarfile.open(smoke_build.path / "paper/build/arxiv.tar.gz") as tar:
        names = tar.getnames()
        tar.extractall(tmp_path, filter="data")
    # the .tex with its generated inputs, the .bbl, the figures: nothing else
    assert {"paper.tex", "paper.bbl", "generated/theory_macros.tex", "generated/e1_loss_floor.pdf"} <= set(names)
    assert all(re.fullmatch(r"paper\.(tex|bbl)|generated/[a-z0-9_]+\.(tex|pdf)", n) for n in names), names
    for name in names:
        if name.endswith(".tex"):
            text = (tmp_path / name).read_text()
            assert not re.search(r"(?<!\\)%.*\S", text), f"{name} keeps a comment"
            assert not re.search(r"/(tmp|work|home|root|Users)/", text), f"{name} names a local path"

    prefix = smoke_build.prefix  # no network, as the smoke build (None in smoke_build.offline says it could be cut off)
    for _ in range(2):  # the second pass resolves the references
        run = subprocess.run([*prefix, "pdflatex", "-interaction=nonstopmode", "-halt-on-error", "paper.tex"],
                             cwd=tmp_path, capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stdout[-4000:]
    log = (tmp_path / "paper.log").read_text(errors="replace")
    assert (tmp_path / "paper.pdf").read_bytes().startswith(b"%PDF")
    assert "undefined" not in log, [line for line in log.splitlines() if "undefined" in line]
