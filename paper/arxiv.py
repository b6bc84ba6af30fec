"""The submission tarball (`make arxiv`): the paper's source as arXiv compiles it, and nothing else.

    python -m paper.arxiv --tex paper/paper.tex --bbl paper/build/paper.bbl --out paper/build/arxiv.tar.gz \
                          paper/generated/*.tex paper/generated/*.pdf

The .tex, its generated inputs and figures (under generated/, as the .tex names them) and the .bbl
that latexmk made (so arXiv needs no BibTeX run) are cleaned by arxiv-latex-cleaner, which drops
every comment (the generated files' headers name the local files they came from) and every file the
.tex does not use; the tarball holds the cleaned folder's contents.
"""
import argparse
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from experiments.common.io import atomic_path


def stage(tex: Path, bbl: Path, generated: list[Path], folder: Path) -> None:
    """Lay out the source as the .tex expects it: paper.tex, paper.bbl and generated/<file>."""
    (folder / "generated").mkdir(parents=True)
    shutil.copy(tex, folder / tex.name)
    shutil.copy(bbl, folder / f"{tex.stem}.bbl")
    for path in generated:
        shutil.copy(path, folder / "generated" / path.name)


def clean(folder: Path) -> Path:
    """Run arxiv-latex-cleaner on ``folder``; it writes the cleaned copy beside it, as <folder>_arXiv."""
    run = subprocess.run([sys.executable, "-m", "arxiv_latex_cleaner", str(folder)], capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"arxiv-latex-cleaner failed:\n{run.stderr}")
    return folder.with_name(folder.name + "_arXiv")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tex", type=Path, required=True, help="the paper's main .tex")
    parser.add_argument("--bbl", type=Path, required=True, help="the .bbl of the built paper")
    parser.add_argument("--out", type=Path, required=True, help="the tarball (.tar.gz)")
    parser.add_argument("generated", type=Path, nargs="+", help="the generated inputs and figures")
    args = parser.parse_args()
    missing = [str(p) for p in [args.tex, args.bbl, *args.generated] if not p.is_file()]
    if missing:
        parser.error(f"missing input files: {', '.join(missing)}")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "paper"
        stage(args.tex, args.bbl, args.generated, source)
        cleaned = clean(source)
        with atomic_path(args.out) as out, tarfile.open(out, "w:gz") as tar:
            for path in sorted(cleaned.rglob("*")):
                if path.is_file():
                    tar.add(path, arcname=path.relative_to(cleaned).as_posix())


if __name__ == "__main__":
    main()
