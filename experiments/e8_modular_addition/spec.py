"""E8: a capability jump in the middle of the dial (paper section "The middle of the dial: a capability jump, and
natural data", E8).  One job per setting (p, f, weight decay): every seed x rho as one batched program.
"""
from experiments.common.spec import Experiment

CELL = ("modulus", "hidden", "weight_decay", "train_fraction", "rho")  # the columns of one ledger cell (seeds are averaged)
JUMP_LEVEL = 0.5  # the clean test accuracy that marks the jump
DIP_STEPS = (10, 50)  # the steps over which the dip below chance is measured: where the rho = 1 runs of a pilot sat at zero
HORIZON_FACTOR = 20  # every member trains this many times the slowest seed's jump step at rho = 1 (run.py: the horizon)

SCHEMA = """  # the config section, checked before any job runs
description: E8, a capability jump on (a + b) mod p under the label mixture (one job per setting, every seed x rho at once)
type: object
additionalProperties: false
required: [settings, hidden, rho, learning_rate, seeds, max_steps, record_every]
properties:
  settings:
    description: the settings of the phase diagram, one job each; a modulus p (the data are all p^2 ordered pairs), a
      fraction f of the pairs in the training set (the rest is the test set; f p^2 must leave both non-empty) and AdamW's
      decoupled weight decay
    type: array
    minItems: 1
    items:
      type: object
      additionalProperties: false
      required: [modulus, train_fraction, weight_decay]
      properties:
        modulus: {type: integer, minimum: 2}
        train_fraction: {type: number, exclusiveMinimum: 0, exclusiveMaximum: 1}
        weight_decay: {type: number, minimum: 0}
  hidden: {description: hidden width H (each number's embedding per position), type: integer, minimum: 1}
  rho:
    description: dial values; must hold 0 and 1, the ends that the middle's laws are declared from (checked before training)
    $ref: "#/$defs/dial"
  learning_rate: {description: constant AdamW step size of full-batch training, type: number, exclusiveMinimum: 0}
  seeds: {description: the first this many of the build's seeds train in every cell, type: integer, minimum: 2}
  max_steps: {description: the most steps of a run (the horizon is 20 times the slowest jump at rho = 1, at most this), type: integer, minimum: 1}
  record_every: {description: steps between the recorded points of the training curves (the jump is read at every step), type: integer, minimum: 10}
"""


def setting_jobs(section: dict) -> dict[str, dict[str, object]]:
    """One job per setting: p31_f0.8_wd1 -> its modulus, training fraction and weight decay."""
    return {f"p{s['modulus']}_f{s['train_fraction']:g}_wd{s['weight_decay']:g}":
            {"modulus": s["modulus"], "train_fraction": s["train_fraction"], "weight_decay": s["weight_decay"]} for s in section["settings"]}


SPEC = Experiment(
    name="e8_modular_addition",
    title="E8: a capability jump",
    section="modular_addition",
    schema=SCHEMA,
    jobs=setting_jobs,
    jumps=frozenset({"clean_accuracy", "test_accuracy_curve", "train_accuracy_rule", "train_accuracy_random", "train_rule_on_random",
                     "jump_step", "jump_delay", "jump_delay_at_least", "censored", "horizon", "norm_sq", "rho_critical", "declared_delay"}),
    resources={"mem_mb": 3000, "runtime": 60},
    priority=1,
)
