"""E2: gradient signal and noise at initialisation across the dial (tests T2; paper section "Measurements on the dial",
E2).  One job per model, every rho x seed at its initialisation.
"""
from experiments.common.spec import Experiment

CELL = ("model", "classes", "keys", "rho", "batch_size", "samples")  # the columns of one ledger cell (seeds are averaged)

SCHEMA = """  # the config section, checked before any job runs
description: E2, gradient signal and noise at initialisation (T2)
type: object
additionalProperties: false
required: [keys, classes, rho, samples, batch_sizes, chunk, models]
properties:
  keys: {description: number of keys K, type: integer, minimum: 1}
  classes: {description: number of classes V, type: integer, minimum: 2}
  rho: {$ref: "#/$defs/dial"}
  samples: {description: per-sample gradients n per member, a multiple of chunk, type: integer, minimum: 2}
  batch_sizes:
    description: minibatch sizes B, each dividing the next and the largest dividing chunk
    $ref: "#/$defs/positive_int_grid"
  chunk: {description: samples whose gradients are held in memory at once, type: integer, minimum: 1}
  models: {$ref: "#/$defs/models"}
"""

SPEC = Experiment(
    name="e2_gradient_noise",
    title="E2: gradient signal and noise at initialisation",
    section="gradient_noise",
    schema=SCHEMA,
    jobs=lambda section: {model: {"model": model} for model in section["models"]},
    resources={"mem_mb": 4000, "runtime": 60},
)
