"""E1: the loss floor across the dial, and the finite-sample excess (tests T1 and T3; paper section "Measurements on
the dial", E1).  One job per model and number of classes V, each training its whole grid (rho x m x seed) as one ensemble.
"""
from experiments.common.spec import Experiment

CELL = ("model", "classes", "keys", "rho", "samples_per_key")  # the columns of one ledger cell (seeds are averaged)

SCHEMA = """  # the config section, checked before any job runs
description: E1, the loss floor across the dial and the finite-sample excess (T1, T3)
type: object
additionalProperties: false
required: [keys, classes, rho, samples_per_key, steps, learning_rate, models]
properties:
  keys: {description: number of keys K of the lookup-table rule, type: integer, minimum: 1}
  classes:
    description: numbers of classes V, one training job per model and V
    allOf: [{$ref: "#/$defs/positive_int_grid"}, {items: {minimum: 2}}]
  rho: {$ref: "#/$defs/dial"}
  samples_per_key:
    description: training samples per key m; T1 is read at the largest
    $ref: "#/$defs/positive_int_grid"
  steps: {description: full-batch Adam steps, type: integer, minimum: 1}
  learning_rate: {description: peak Adam step size (cosine decay to zero), type: number, exclusiveMinimum: 0}
  models: {$ref: "#/$defs/models"}
"""

SPEC = Experiment(
    name="e1_loss_floor",
    title="E1: the loss floor across the dial",
    section="loss_floor",
    schema=SCHEMA,
    jobs=lambda section: {f"{model}_V{classes}": {"model": model, "classes": classes}
                        for model in section["models"] for classes in section["classes"]},
    jumps=frozenset({"test_accuracy"}),
    resources={"mem_mb": 4000, "runtime": 60},
    priority=1,
)
