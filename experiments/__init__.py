"""Experiments: data with a structure dial, batched models and trainer, and measurements (E1-E7).

Each experiment module is an entry point (``python -m experiments.<name>``) that the Snakemake
workflow calls with a validated config; each run is a pure function of its config and seeds.
"""
