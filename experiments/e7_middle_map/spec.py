"""E7: the middle of the dial, mapped (paper section "The middle, mapped").  It trains nothing: its claims read the
other experiments' tables, and its figure reads the claims ledger.

For each quantity with a prediction at both ends of the dial, the naive prediction interpolates the two ends'
predictions at the cell's scale linearly in rho; the continued one is the theory carried inward where one is derived.
Both are predictions, expected to fail somewhere: the map says where.
"""
from experiments.common.spec import Experiment

MIDDLE_MAP = (  # a row of panels per quantity: (label, in LaTeX, the params that make its scale, naive claim, continued claim)
    ("E1 test loss (linear)", ("classes", "samples_per_key"), "E7.e1_loss.naive", "E7.e1_loss.continued"),
    ("E1 test accuracy (linear)", ("classes", "samples_per_key"), "E7.e1_accuracy.naive", None),  # T1 is linear in rho
    ("E2 gradient signal $\\|G\\|^2$", ("keys",), "E7.e2_signal.naive", "T2.mean_grad_sq_norm"),
    ("E3 test risk", ("features",), "E7.e3_risk.naive", "E3.continuation_test_risk"),
    ("E4 half-time", ("samples", "singular_value"), "E7.e4_half_time.naive", "E7.e4_half_time.continued"),
    ("E6 separated fraction", ("weights", "points"), "E7.e6_separated.naive", "E6.mixture_separable_fraction"),
    ("E8 jump delay", ("modulus", "train_fraction", "weight_decay"), "E7.e8_jump_delay.naive", "E8.declared_delay"),
    ("E9 clean accuracy drop", ("train_size",), "E7.e9_accuracy.naive", "E9.structure_limit_frozen"),
)

SPEC = Experiment(name="e7_middle_map", title="E7: the middle, mapped", section=None)
