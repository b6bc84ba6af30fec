"""T7: scaling laws and emergence from Zipf-distributed skills (paper section "Theory at the ends of the dial", T4--T8).

Sources: Hutter (2021), "Learning curve theory" (the memorising learner); Michaud, Liu, Girit
and Tegmark (2023), "The quantization model of neural scaling"; Nam, Fonseca, Lee, Mingard and
Louis (2024), "An exactly solvable model for emergence and scaling laws in the multitask sparse
parity problem".

The data: skill k (k = 1, 2, ...) is seen with probability p_k = k^{-(1+alpha)}/Z.

- Memorising learner (Hutter): it answers every skill seen in its n samples and errs on the
  others, so E_n = sum_k p_k (1 - p_k)^n.  For large n, (1 - x/n)^n -> e^{-x}, and the sum,
  replaced by an integral over k, is a Gamma function times n^{-alpha/(1+alpha)}.
- Quantization model (Michaud et al.): each skill not learned costs Delta_q times its frequency,
  L - L_inf = Delta_q sum_{k > n_q} p_k ~ Delta_q n_q^{-alpha}/(alpha Z).  A model of N parameters
  holds n_q = N/N_q skills (exponent alpha); with n samples a skill is learned once it is expected
  tau times, n p_{n_q} = tau (exponent alpha/(1+alpha)); after T steps of batch B, n = B T.
- Emergence (Nam et al.): the model's output on skill k is w1_k w2_k g_k(x), the target s g_k(x),
  the skills' features disjoint, so the loss is sum_k p_k (s - w1_k w2_k)^2 / 2 (T6's dynamics, so
  T6's letters).  Gradient flow with learning rate eta (T steps) from a balanced start w1_k = w2_k
  gives each skill a sigmoid whose rate is proportional to p_k; it reaches s/2 at a time
  proportional to k^{1+alpha}.

Assumptions: n, N/C and the emergence times large enough that sums over skills are integrals
(the summand varies on a scale of many skills); skills learned strictly in order of frequency in
the quantization model; 0 < u_0 < s.
"""
from functools import cache

import numpy as np
import sympy as sp

from theory.derivation import Derivation, Readable, Step, predictor, written
from theory.symbols import B, N, Tex, alpha, eta, k, n, s, u0

Z = sp.Symbol("Z", positive=True)  # the normaliser sum_k k^{-(1+alpha)}
theta = sp.Symbol("p_k", positive=True)  # one skill's probability
rank = sp.Symbol("k", positive=True)  # a skill's rank as a continuous variable (printed k, as the sum's index it replaces)
x = sp.Symbol("mu", positive=True)  # n p_k, a skill's expected sightings, held fixed as n grows
learned = sp.Symbol("n_q", positive=True)  # skills (quanta) learned
gap = sp.Symbol("Delta_q", positive=True)  # loss of a skill not learned, per unit frequency
per_skill = sp.Symbol("N_q", positive=True)  # parameters needed per skill
threshold = sp.Symbol("tau", positive=True)  # expected samples needed to learn a skill
steps = sp.Symbol("T", positive=True)  # optimisation steps
target, initial = s, u0  # a skill's target strength and its start (T6's letters: the same dynamics)
v1, v2, strength = sp.symbols("w_1 w_2 u", positive=True)  # a skill's two weights and their product
skill_strength_fn = sp.Function("u_k")


def _decay_exponent(expr, variable):
    """-d ln(expr)/d ln(variable): the exponent of a power law."""
    return sp.factor(sp.simplify(-variable * sp.diff(sp.log(expr), variable)))


@cache
def derive() -> Derivation:
    frequency = k ** (-(1 + alpha)) / Z
    density = frequency.subs(k, rank)

    # Memorising learner: skill k is unseen in n independent samples with probability (1 - p_k)^n.
    skill_error = theta * (1 - theta) ** n
    error_sum = sp.Sum(skill_error.subs(theta, frequency), (k, 1, sp.oo))
    poisson = sp.limit((1 - x / n) ** n, n, sp.oo)  # (1 - theta)^n at theta = x/n
    integrand = density * poisson.subs(x, n * density)
    asymptotic = sp.integrate(integrand, (rank, 0, sp.oo), conds="none")
    asymptotic = sp.powsimp(sp.expand_power_base(sp.expand_func(sp.simplify(asymptotic)), force=True), combine="exp")
    hutter_exponent = _decay_exponent(asymptotic, n)

    # Quantization model: the loss above L_inf is the frequency of the skills not learned.
    tail = sp.simplify(sp.integrate(gap * density, (rank, learned, sp.oo), conds="none"))
    param_exponent = _decay_exponent(tail.subs(learned, N / per_skill), N)
    (learned_from_data,) = sp.solve(sp.Eq(n * frequency.subs(k, learned), threshold), learned)
    data_exponent = _decay_exponent(tail.subs(learned, learned_from_data), n)
    step_exponent = _decay_exponent(tail.subs(learned, learned_from_data.subs(n, B * steps)), steps)

    # Emergence: gradient flow on one skill's loss p (S - v1 v2)^2 / 2, balanced start.
    skill_loss = theta * (target - v1 * v2) ** 2 / 2
    flow1, flow2 = -eta * sp.diff(skill_loss, v1), -eta * sp.diff(skill_loss, v2)
    assert sp.simplify(v1 * flow1 - v2 * flow2) == 0, "gradient flow must conserve v1^2 - v2^2"
    strength_flow = sp.factor((v2 * flow1 + v1 * flow2).subs({v1: sp.sqrt(strength), v2: sp.sqrt(strength)}))
    ode = sp.Eq(skill_strength_fn(steps).diff(steps), strength_flow.subs(strength, skill_strength_fn(steps)))
    solution = sp.simplify(sp.dsolve(ode, skill_strength_fn(steps), ics={skill_strength_fn(0): initial}).rhs)
    top, bottom = sp.fraction(solution)
    sigmoid = target / sp.collect(sp.expand(bottom * target / top), sp.exp(-2 * eta * theta * target * steps))
    (emergence,) = sp.solve(sp.Eq(sigmoid, target / 2), steps)
    emergence_k = emergence.subs(theta, frequency)
    emergence_exponent = sp.simplify(k * sp.diff(sp.log(emergence_k), k))

    one_plus = written(1, alpha)
    steps_shown = (
        Step("Skill $k$ is seen with probability", sp.Eq(theta, frequency)),
        Step("A memorising learner errs on a skill it has not seen in $n$ samples, so its expected error is", sp.Eq(sp.Symbol("E_n"), error_sum),
             Readable(sp.Sum(skill_error, (k, 1, sp.oo)), {theta: frequency})),
        Step("For large $n$ at a fixed expected number of sightings $\\mu = n p_k$, the chance that a skill is unseen tends to",
             sp.Eq(sp.Limit(written(1, -x / n) ** n, n, sp.oo), poisson)),
        Step("and the sum over skills becomes an integral over the rank $k$,", sp.Eq(sp.Symbol("E_n"), sp.Integral(integrand, (rank, 0, sp.oo))),
             Readable(sp.Integral(sp.Mul(theta, sp.exp(sp.Mul(-1, n, theta, evaluate=False)), evaluate=False), (rank, 0, sp.oo)), {theta: density})),
        Step("which is", sp.Eq(sp.Symbol("E_n"), asymptotic)),
        Step("a power law in the data with exponent", sp.Eq(Tex(r"-\frac{d\ln E_n}{d\ln n}"), hutter_exponent)),
        Step("In the quantization model the loss above $L_\\infty$ is the frequency of the skills not learned, the first $n_q$ being learned, "
             "each skill not learned costing $\\Delta_q$ per unit frequency:", sp.Eq(Tex(r"L - L_\infty"), tail)),
        Step("With $n_q = N/N_q$ skills held by $N$ parameters ($N_q$ per skill), $L - L_\\infty \\propto N^{-\\gamma_N}$ with",
             sp.Eq(sp.Symbol("gamma_N"), param_exponent)),
        Step("With $n$ samples a skill is learned once expected $\\tau$ times, so", sp.Eq(learned, learned_from_data)),
        Step("and the exponents in the data and in the steps ($n = BT$) are",
             (sp.Eq(sp.Symbol("gamma_n"), data_exponent), sp.Eq(sp.Symbol("gamma_T"), step_exponent))),
        Step("Emergence: gradient descent with learning rate $\\eta$ on one skill's loss $p_k (s - w_1 w_2)^2/2$, as a flow in the step count $T$, conserves $w_1^2 - w_2^2$; "
             "from a balanced start the skill's strength $u_k = w_1 w_2$ obeys", ode,
             Readable(sp.Mul(2, eta, theta, written(target, -skill_strength_fn(steps)), skill_strength_fn(steps), evaluate=False))),
        Step("whose solution from $u_k(0) = u_0$ is", sp.Eq(skill_strength_fn(steps), sigmoid)),
        Step("The skill reaches $s/2$ after", sp.Eq(sp.Symbol("T_k"), emergence_k)),
        Step("steps, a power of the skill's rank:", sp.Eq(Tex(r"\frac{d\ln T_k}{d\ln k}"), emergence_exponent)),
    )
    return Derivation(
        target="T7",
        title="Zipf skills: learning curves, scaling exponents and emergence",
        assumptions="Skill frequencies $p_k \\propto k^{-(1+\\alpha)}$; large $n$, $N/N_q$ and $T$, so that sums over skills are integrals; the quantization model learns skills in order of frequency; emergence from a balanced start $0 < u_0 < s$.",
        steps=steps_shown,
        results={
            "SkillFrequency": frequency,
            "MemorisingSkillError": skill_error,
            "HutterErrorAsymptotic": asymptotic,
            "HutterExponent": hutter_exponent,
            "QuantizationParamExponent": param_exponent,
            "QuantizationDataExponent": data_exponent,
            "QuantizationStepExponent": step_exponent,
            "SkillStrength": sigmoid,
            "SkillEmergenceTime": emergence_k,
            "SkillEmergenceExponent": emergence_exponent,
        },
        readable={  # as the paper writes them
            "SkillFrequency": Readable(sp.Pow(k, sp.Mul(-1, one_plus, evaluate=False), evaluate=False) / Z),
            "HutterErrorAsymptotic": Readable(sp.Mul(sp.gamma(alpha / one_plus) / one_plus, sp.Pow(Z, -1 / one_plus, evaluate=False),
                                                     sp.Pow(n, -alpha / one_plus, evaluate=False), evaluate=False)),
            "HutterExponent": Readable(alpha / one_plus),
            "QuantizationDataExponent": Readable(alpha / one_plus),
            "QuantizationStepExponent": Readable(alpha / one_plus),
            "SkillStrength": Readable(target / written(1, sp.Mul(written(target / initial, -1), sp.exp(sp.Mul(-2, eta, theta, target, steps, evaluate=False)), evaluate=False))),
            "SkillEmergenceTime": Readable(sp.Mul(sp.UnevaluatedExpr(Z * k**one_plus / (2 * eta * target)), sp.log(written(target, -initial) / initial), evaluate=False)),
            "SkillEmergenceExponent": Readable(one_plus),
        },
    )


def zipf_frequencies(alpha_value, n_skills):
    """p_k for k = 1..n_skills, normalised over those skills."""
    weights = predictor(derive()["SkillFrequency"], k, alpha, Z)(np.arange(1.0, n_skills + 1), float(alpha_value), 1.0)
    return weights / weights.sum()


def hutter_error(n_samples, alpha_value, n_skills):
    """E_n = sum_k p_k (1 - p_k)^n, summed exactly over n_skills skills (vectorised over n)."""
    skill_error = predictor(derive()["MemorisingSkillError"], theta, n)
    samples = np.asarray(n_samples, float)[..., None]
    return skill_error(zipf_frequencies(alpha_value, n_skills), samples).sum(axis=-1)


def hutter_error_asymptotic(n_samples, alpha_value, n_skills):
    """The large-n form of E_n, a Gamma function times n^{-alpha/(1+alpha)}."""
    normaliser = 1 / zipf_frequencies(alpha_value, n_skills)[0]  # p_1 = 1/Z
    return predictor(derive()["HutterErrorAsymptotic"], n, alpha, Z)(np.asarray(n_samples, float), float(alpha_value), normaliser)


def hutter_exponent(alpha_value):
    """alpha/(1 + alpha): E_n falls as n to minus this power."""
    return predictor(derive()["HutterExponent"], alpha)(np.asarray(alpha_value, float))


def quantization_exponents(alpha_value):
    """The quantization model's exponents of L - L_inf in parameters, data and steps."""
    names = ("QuantizationParamExponent", "QuantizationDataExponent", "QuantizationStepExponent")
    value = np.asarray(alpha_value, float)
    return tuple(predictor(derive()[name], alpha)(value) for name in names)


def skill_strength(n_steps, frequency, target_value, initial_value, learning_rate):
    """u_k(T) = s/(1 + (s/u_0 - 1) e^{-2 eta p_k s T}) for a skill of frequency p_k."""
    args = np.broadcast_arrays(*(np.asarray(v, float) for v in (n_steps, frequency, target_value, initial_value, learning_rate)))
    return predictor(derive()["SkillStrength"], steps, theta, target, initial, eta)(*args)


def skill_emergence_time(rank_k, alpha_value, n_skills, target_value, initial_value, learning_rate):
    """Steps until skill k reaches s/2: Z k^{1+alpha} ln(s/u_0 - 1)/(2 eta s)."""
    normaliser = 1 / zipf_frequencies(alpha_value, n_skills)[0]  # p_1 = 1/Z
    args = (np.asarray(rank_k, float), float(alpha_value), normaliser, float(target_value), float(initial_value), float(learning_rate))
    return predictor(derive()["SkillEmergenceTime"], k, alpha, Z, target, initial, eta)(*args)


def skill_emergence_exponent(alpha_value):
    """1 + alpha: the emergence time T_k grows as k to this power."""
    return predictor(derive()["SkillEmergenceExponent"], alpha)(np.asarray(alpha_value, float))
