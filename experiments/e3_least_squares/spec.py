"""E3: least squares between noise and teacher (tests T4, T5 and T4 continued inward; paper section "Measurements on the
dial", E3).  One job per number of features d; T5's power-law run rides in the job of the largest d.
"""
from experiments.common.spec import Experiment

CELL = ("samples", "features", "rho", "step", "repeats", "teacher_norm_sq", "noise_variance")  # one ledger cell (seeds averaged)
POWER_LAW_CELL = ("samples", "features", "spectrum_exponent", "teacher_exponent", "learning_rate")  # T5's fitted exponent

SCHEMA = """  # the config section, checked before any job runs
description: E3, least squares between noise and teacher (T4, T5, and T4 continued inward)
type: object
additionalProperties: false
required: [samples, features, rho, teacher_norm_sq, noise_variance, repeats, gd_features, gd_steps, gd_learning_rate, power_law]
properties:
  samples: {description: training samples n of every fit, type: integer, minimum: 2}
  features:
    description: numbers of features d, one job each; d/n sweeps through the interpolation threshold
    $ref: "#/$defs/positive_int_grid"
  rho: {$ref: "#/$defs/dial"}
  teacher_norm_sq: {description: squared norm r^2 of the linear teacher, type: number, minimum: 0}
  noise_variance: {description: variance sigma^2 of the noise labels, type: number, minimum: 0}
  repeats: {description: independent data sets per seed and cell, averaged into one measurement, type: integer, minimum: 1}
  gd_features:
    description: the values of d (from features) whose gradient-descent loss curves are recorded
    type: array
    uniqueItems: true
    items: {type: integer, minimum: 1}
  gd_steps: {description: full-batch gradient-descent steps, type: integer, minimum: 1}
  gd_learning_rate: {description: gradient-descent step size, type: number, exclusiveMinimum: 0}
  power_law:
    description: T5's power law, noiseless labels on features of spectrum j^-2a with teacher j^-b (run in the job of the largest d)
    type: object
    additionalProperties: false
    required: [features, samples, spectrum, teacher, learning_rate, steps, fit_from, records]
    properties:
      features: {description: features d (modes j = 1..d), type: integer, minimum: 2}
      samples: {description: training samples n, type: integer, minimum: 1}
      spectrum:
        description: a of each run, eigenvalues lambda_j = j^-2a (paired with teacher; 2a + 2b > 1)
        type: array
        minItems: 1
        items: {type: number, exclusiveMinimum: 0}
      teacher:
        description: b of each run, teacher weights j^-b (as many as spectrum)
        type: array
        minItems: 1
        items: {type: number, exclusiveMinimum: 0}
      learning_rate: {description: gradient-descent step size, type: number, exclusiveMinimum: 0}
      steps: {description: gradient-descent steps, type: integer, minimum: 2}
      fit_from: {description: the first recorded step of the exponent's fit, type: integer, minimum: 1}
      records: {description: log-spaced recorded steps from fit_from to steps (at least 3 for the fit), type: integer, minimum: 3}
"""

SPEC = Experiment(
    name="e3_least_squares",
    title="E3: least squares between noise and teacher",
    section="least_squares",
    schema=SCHEMA,
    jobs=lambda section: {f"d{features}": {"features": features} for features in section["features"]},
    resources={"mem_mb": 4000, "runtime": 30},
)
