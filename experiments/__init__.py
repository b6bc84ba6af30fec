"""Experiments: one folder per experiment of the paper (E1-E9), listed in paper order by experiments/registry.py.

Each folder holds its spec, its run (``python -m experiments.<name>.run``, the only module of the folder that loads
torch), its claims and its figure (experiments/common/spec.py); what they share is in experiments/common/, and
experiments/claims.py evaluates every claim into the ledger.  Each run is a pure function of its config and seeds.
"""
