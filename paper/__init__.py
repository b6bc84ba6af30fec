"""The paper: its source, and the writers of its generated inputs (the ledger's LaTeX, E7's table, the build's macros, the
derivations); each figure's script is in its experiment's folder (experiments/<stem>/figure.py)."""
