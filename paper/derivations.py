"""The derivations of theory/ into the paper: a macro per result for the text, and the steps for the appendix.

    python -m paper.derivations --macros paper/generated/theory_macros.tex --appendix paper/generated/derivations.tex

Each result ``Name`` of a derivation becomes ``\\EqName``; each derivation one subsection of the appendix
(theory/export.py prints them with SymPy's LaTeX printer, each readable form only once proved equal to its derivation).
"""
import argparse
from pathlib import Path

from experiments.common.io import write_text_atomic
from theory.export import DERIVATIONS, appendix, macros


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--macros", type=Path, required=True)
    parser.add_argument("--appendix", type=Path, required=True)
    args = parser.parse_args()
    derivations = [module.derive() for module in DERIVATIONS]
    write_text_atomic(args.macros, macros(derivations))
    write_text_atomic(args.appendix, appendix(derivations))


if __name__ == "__main__":
    main()
