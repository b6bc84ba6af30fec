"""E9: natural data on the dial, scikit-learn's handwritten digits (paper section "The middle of the dial: a capability
jump, and natural data", E9).  One job: every noise x rho x seed, one training-set size n at a time.
"""
from experiments.common.spec import Experiment

CELL = ("hidden", "test_images", "train_size", "noise", "rho")  # the columns of one ledger cell (seeds are averaged)
N_CLASSES = 10  # the digits 0-9

SCHEMA = """  # the config section, checked before any job runs
description: E9, natural data on the dial (scikit-learn's bundled handwritten digits, 1797 images of 8x8, V = 10)
type: object
additionalProperties: false
required: [test_images, train_sizes, noise, rho, hidden, learning_rate, steps, record_every]
properties:
  test_images: {description: images in the fixed test set (the rest is the training pool), type: integer, minimum: 1, maximum: 1796}
  train_sizes:
    description: training-set sizes n, the first n images of the pool (each at most the pool's size, checked before training)
    $ref: "#/$defs/positive_int_grid"
  noise:
    description: the label noises, side by side; frozen (one random label per image and seed, which a network can memorise) and fresh (redrawn at every step)
    type: array
    minItems: 1
    uniqueItems: true
    items: {enum: [frozen, fresh]}
  rho:
    description: dial values; must hold 1, the member that every member of its seed is compared with (checked before training)
    $ref: "#/$defs/dial"
  hidden: {description: hidden width of the one-hidden-layer ReLU network, type: integer, minimum: 1}
  learning_rate: {description: constant Adam step size of full-batch training, type: number, exclusiveMinimum: 0}
  steps: {description: full-batch Adam steps, type: integer, minimum: 1}
  record_every: {description: steps between the recorded points of the training curves, type: integer, minimum: 1}
"""

SPEC = Experiment(
    name="e9_digits",
    title="E9: natural data",
    section="digits",
    schema=SCHEMA,
    jumps=frozenset({"clean_accuracy", "memoriser_accuracy", "clean_accuracy_drop", "structure_margin", "noisy_accuracy_gap", "test_accuracy_curve",
                     "train_accuracy_true", "train_accuracy_random", "fit_step"}),
    resources={"mem_mb": 2000, "runtime": 30},
    priority=1,
)
