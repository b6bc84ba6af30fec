"""E8: a capability jump in the middle of the dial (paper section "The middle of the dial: a capability jump, and
natural data", E8).  One job: every seed x rho x training fraction as one batched program.
"""
from experiments.common.spec import Experiment

CELL = ("modulus", "hidden", "weight_decay", "train_fraction", "rho")  # the columns of one ledger cell (seeds are averaged)
JUMP_LEVEL = 0.5  # the clean test accuracy that marks the jump

SCHEMA = """  # the config section, checked before any job runs
description: E8, a capability jump on (a + b) mod p under the label mixture (one job, every seed x rho x f at once)
type: object
additionalProperties: false
required: [modulus, hidden, rho, train_fraction, learning_rate, weight_decay, steps, record_every]
properties:
  modulus: {description: the modulus p; the data are all p^2 ordered pairs, type: integer, minimum: 2}
  hidden: {description: hidden width H (each number's embedding per position), type: integer, minimum: 1}
  rho:
    description: dial values; must hold 0 and 1, the members that the ratios pair every member with (checked before training)
    $ref: "#/$defs/dial"
  train_fraction:
    description: fractions f of the pairs in the training set (the rest is the test set); f p^2 must leave both sets non-empty
    type: array
    minItems: 1
    uniqueItems: true
    items: {type: number, exclusiveMinimum: 0, exclusiveMaximum: 1}
  learning_rate: {description: constant AdamW step size of full-batch training, type: number, exclusiveMinimum: 0}
  weight_decay: {description: AdamW's decoupled weight decay, type: number, minimum: 0}
  steps: {description: full-batch AdamW steps, type: integer, minimum: 1}
  record_every: {description: steps between the recorded points of the training curves (the jump is read at every step), type: integer, minimum: 1}
"""

SPEC = Experiment(
    name="e8_modular_addition",
    title="E8: a capability jump",
    section="modular_addition",
    schema=SCHEMA,
    jumps=frozenset({"clean_accuracy", "test_accuracy_curve", "train_accuracy_rule", "train_accuracy_random", "jump_step", "jump_delay",
                     "jump_delay_at_least", "jump_horizon"}),
    resources={"mem_mb": 3000, "runtime": 30},
    priority=1,
)
