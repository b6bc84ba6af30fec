"""E4: stage-like learning in a two-layer linear network, and how label noise delays it (tests T6; paper section
"Measurements on the dial", E4).  One job: every rho x n x seed, the initial-scale sweep, the noise threshold and the onset.
"""
from experiments.common.spec import Experiment

CELL = ("dimension", "rho", "samples", "mode", "singular_value", "init", "learning_rate", "noise_variance", "steps")  # one ledger cell
WIDTH_MARGIN = 0.1  # a transition is timed from WIDTH_MARGIN to 1 - WIDTH_MARGIN of the final strength

SCHEMA = """  # the config section, checked before any job runs
description: E4, stage-like learning of a two-layer linear network under the rho mixture (T6)
type: object
additionalProperties: false
required: [dimension, singular_values, rho, samples, noise_variance, init, learning_rate, steps, record_every, u0_sweep, noise_threshold, onset]
properties:
  dimension: {description: input and output dimension d, type: integer, minimum: 1}
  singular_values:
    description: the teacher's singular values s_i (at most dimension of them), one mode each
    type: array
    minItems: 1
    uniqueItems: true
    items: {type: number, exclusiveMinimum: 0}
  rho:
    description: dial values; rho = 0 has no structure to learn, so each must be above 0
    allOf: [{$ref: "#/$defs/dial"}, {items: {exclusiveMinimum: 0}}]
  samples:
    description: training samples n; small n lets modes sink into the noise
    $ref: "#/$defs/positive_int_grid"
  noise_variance: {description: variance sigma^2 of each coordinate of a noise label, type: number, minimum: 0}
  init: {description: every mode's strength u0 at the decoupled balanced start, type: number, exclusiveMinimum: 0}
  learning_rate: {description: gradient-descent step size; time is learning rate x steps, type: number, exclusiveMinimum: 0}
  steps: {description: full-batch gradient-descent steps, type: integer, minimum: 1}
  record_every: {description: steps between recorded mode strengths, type: integer, minimum: 1}
  u0_sweep:
    description: T6's transition width and onset, every rho at one large n from each initial scale u0 (strengths at every step)
    type: object
    additionalProperties: false
    required: [init, samples]
    properties:
      init:
        description: initial strengths u0, each below the weakest rho s (at least 2 for the onset's slope against ln(1/u0))
        type: array
        minItems: 2
        uniqueItems: true
        items: {type: number, exclusiveMinimum: 0}
      samples: {description: training samples n of the sweep, type: integer, minimum: 1}
  noise_threshold:
    description: E4's noise threshold, a width-1 network on a one-mode teacher in d dimensions, one teacher per strength s
    type: object
    additionalProperties: false
    required: [dimension, samples, rho, singular_values, repeats, learning_rate, steps]
    properties:
      dimension: {description: input and output dimension d, type: integer, minimum: 2}
      samples: {description: training samples n; the threshold on rho s is sigma_eff sqrt(d/n), type: integer, minimum: 1}
      rho: {description: the dial, type: number, exclusiveMinimum: 0, exclusiveMaximum: 1}
      singular_values:
        description: the teacher's strengths s, one teacher (and one cell) each
        type: array
        minItems: 1
        uniqueItems: true
        items: {type: number, exclusiveMinimum: 0}
      repeats: {description: data sets per seed whose kept strengths are averaged, type: integer, minimum: 1}
      learning_rate: {description: gradient-descent step size, type: number, exclusiveMinimum: 0}
      steps: {description: full-batch gradient-descent steps, type: integer, minimum: 1}
  onset:
    description: E4's capability onset, a width-1 network from a random small start on a one-mode teacher, rho swept across the declared threshold rho_c
    type: object
    additionalProperties: false
    required: [singular_value, shapes, rho_over_critical, init, repeats, learning_rate, steps]
    properties:
      singular_value: {description: the teacher's strength s, type: number, exclusiveMinimum: 0}
      shapes:
        description: the (d, n) pairs, each with its own rho_c (n > d + 1)
        type: array
        minItems: 1
        items: {type: array, minItems: 2, maxItems: 2, items: {type: integer, minimum: 2}}
      rho_over_critical:
        description: the dial as multiples of each shape's rho_c (every rho at most 1, checked before training)
        type: array
        minItems: 1
        uniqueItems: true
        items: {type: number, exclusiveMinimum: 0}
      init: {description: the squared norm u0 of each layer at the random start, type: number, exclusiveMinimum: 0}
      repeats: {description: data sets per seed whose overlaps are averaged, type: integer, minimum: 1}
      learning_rate: {description: gradient-descent step size, type: number, exclusiveMinimum: 0}
      steps: {description: full-batch gradient-descent steps, type: integer, minimum: 1}
"""

SPEC = Experiment(
    name="e4_deep_linear",
    title="E4: stage-like learning, and how noise delays it",
    section="deep_linear",
    schema=SCHEMA,
    jumps=frozenset({"half_time", "sweep_half_time", "transition_width", "onset_slope", "onset_overlap"}),
    resources={"mem_mb": 2000, "runtime": 30},
)
