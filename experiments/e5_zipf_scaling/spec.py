"""E5: scaling laws from Zipf skills (tests T7; paper section "Measurements on the dial", E5).  One job per part: data
(Hutter's memorising learner, and the online learner), size (the quantization model) and emergence (Nam et al.'s skills).
"""
from experiments.common.spec import Experiment

PARTS = ("data", "size", "emergence")  # one job each
CELL = ("alpha", "keys", "samples")  # the data part's ledger cell: n samples; the fitted exponents have no n
EMERGENCE_CELL = ("alpha", "skills", "hidden", "learning_rate")  # the emergence part's

SCHEMA = """  # the config section, checked before any job runs
description: E5, scaling laws from Zipf skills (T7); one job per part (data, size, emergence)
type: object
additionalProperties: false
required: [alpha, data, size, emergence]
properties:
  alpha:
    description: Zipf exponents alpha; skill k is asked with probability proportional to k^-(1+alpha)
    type: array
    minItems: 1
    uniqueItems: true
    items: {type: number, exclusiveMinimum: 0}
  data:
    description: Hutter's learner, the per-key linear softmax trained on the counts of n Zipf samples
    type: object
    additionalProperties: false
    required: [keys, classes, samples, steps, learning_rate, online_learning_rate]
    properties:
      keys: {description: number of keys (skills) K, type: integer, minimum: 2}
      classes: {description: number of classes V of each key's fixed answer, type: integer, minimum: 2}
      samples:
        description: sample counts n, prefixes of one stream per seed; at least 3 for the exponent's fit
        allOf: [{$ref: "#/$defs/positive_int_grid"}, {minItems: 3}]
      steps: {description: full-batch Adam steps, type: integer, minimum: 1}
      learning_rate: {description: peak Adam step size (cosine decay to zero), type: number, exclusiveMinimum: 0}
      online_learning_rate: {description: 'the online learner''s plain gradient step, one Zipf sample per step (T = n)', type: number, exclusiveMinimum: 0}
  size:
    description: the quantization model, a threshold unit of N weights on Gaussian key features fitted on the population
    type: object
    additionalProperties: false
    required: [keys, weights, iterations]
    properties:
      keys: {description: number of keys (one-bit skills) K, type: integer, minimum: 2}
      weights:
        description: model sizes N (weights of the unit); at least 3 for the exponent's fit
        allOf: [{$ref: "#/$defs/positive_int_grid"}, {minItems: 3}]
      iterations: {description: Newton steps (with line search) of the convex fit, type: integer, minimum: 1}
  emergence:
    description: a two-layer linear network on a bijective table (V = K), plain gradient descent from a small init
    type: object
    additionalProperties: false
    required: [skills, hidden, init_scale, steps, learning_rate, records]
    properties:
      skills: {description: number of skills K, each its own answer among V = K classes, type: integer, minimum: 3}
      hidden: {description: embedding width H, type: integer, minimum: 1}
      init_scale: {description: standard deviation of every initial weight, type: number, exclusiveMinimum: 0}
      steps: {description: full-batch gradient-descent steps, type: integer, minimum: 1}
      learning_rate: {description: gradient-descent step size, type: number, exclusiveMinimum: 0}
      records: {description: log-spaced steps at which every skill's probability is recorded, type: integer, minimum: 2}
"""

SPEC = Experiment(
    name="e5_zipf_scaling",
    title="E5: scaling laws from Zipf skills",
    section="zipf_scaling",
    schema=SCHEMA,
    jobs=lambda section: {part: {"part": part} for part in PARTS},
    jumps=frozenset({"memorising_error", "population_error", "memorising_error_exponent", "population_error_exponent",
                     "jump_step", "emergence_exponent"}),
    resources={"mem_mb": 3000, "runtime": 20},
)
