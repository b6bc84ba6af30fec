"""Theory: the paper's exact predictions, derived with SymPy from each model's definition.

Every module here serves one theory target (T1-T8, README "Theory and experiments, one table").  Each exposes
``derive()``, which returns a :class:`theory.derivation.Derivation` (the steps that the
paper's appendix prints and the results that its text uses), and NumPy predictors made
from those results with ``lambdify``.  Nothing here imports torch or ``experiments``.
"""
