"""Presentation: figure scripts, the ledger's LaTeX, build macros, and the paper's source."""
