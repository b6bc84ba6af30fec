"""E6: capacity on pure noise, and what noise costs structure (tests T8; paper section "Measurements on the dial", E6).
One job per number of weights N on pure noise, and one for the rho mixture.
"""
from experiments.common.spec import Experiment

PARTS = ("noise", "mixture")  # the noise part: one job per N; the mixture: one job
CELL = ("part", "weights", "points", "labellings")  # one ledger cell; the half points have no P

SCHEMA = """  # the config section, checked before any job runs
description: E6, capacity on pure noise and what noise costs structure (T8); one job per N, one for the mixture
type: object
additionalProperties: false
required: [weights, points_per_weight, labellings, iterations, mixture]
properties:
  weights:
    description: numbers of weights N of the threshold unit, one noise job each
    allOf: [{$ref: "#/$defs/positive_int_grid"}, {items: {minimum: 2}}]
  points_per_weight:
    description: ratios P/N of random facts (points) to weights, P = round(ratio N); at least 1 (below, every labelling is separable)
    type: array
    minItems: 1
    uniqueItems: true
    items: {type: number, minimum: 1}
  labellings: {description: random labellings fitted per point set (seed and P), type: integer, minimum: 1}
  iterations: {description: Newton steps (with line search) of every fit, type: integer, minimum: 1}
  mixture:
    description: the rho dial on the unit, each fact from a random teacher's rule with probability rho, else a random bit
    type: object
    additionalProperties: false
    required: [weights, points_per_weight, rho, labellings]
    properties:
      weights: {description: number of weights N, type: integer, minimum: 2}
      points_per_weight:
        description: ratios P/N of facts to weights, P = round(ratio N); the largest bounds the half point's bisection
        type: array
        minItems: 1
        uniqueItems: true
        items: {type: number, minimum: 1}
      rho: {$ref: "#/$defs/dial"}
      labellings: {description: teachers and labellings fitted per point set and rho, type: integer, minimum: 1}
"""

SPEC = Experiment(
    name="e6_capacity",
    title="E6: capacity on pure noise, and what noise costs structure",
    section="capacity",
    schema=SCHEMA,
    jobs=lambda section: {**{f"noise_N{weights}": {"part": "noise", "weights": weights} for weights in section["weights"]},
                        "mixture": {"part": "mixture"}},
    jumps=frozenset({"separated_fraction", "mixture_separated_fraction", "rule_facts_accuracy", "random_facts_accuracy",
                     "half_point_per_weight", "mixture_half_point_per_weight"}),
    resources={"mem_mb": 2000, "runtime": 20},
)
