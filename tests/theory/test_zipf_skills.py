"""T7: the derived Zipf-skill exponents equal the cited closed forms; sampled learners and real steps agree."""
import numpy as np
import sympy as sp

from theory import zipf_skills
from theory.symbols import alpha, eta, k


def _zipf(alpha_value, n_skills):
    p = np.arange(1.0, n_skills + 1) ** -(1 + alpha_value)
    return p / p.sum()


def test_derived_equals_plan_closed_forms():
    res = zipf_skills.derive().results
    assert sp.simplify(res["HutterExponent"] - alpha / (1 + alpha)) == 0
    assert res["QuantizationParamExponent"] == alpha
    assert sp.simplify(res["QuantizationDataExponent"] - alpha / (alpha + 1)) == 0
    assert sp.simplify(res["QuantizationStepExponent"] - alpha / (alpha + 1)) == 0
    p, big_s, r0, steps = zipf_skills.theta, zipf_skills.target, zipf_skills.initial, zipf_skills.steps
    plan = big_s / (1 + (big_s / r0 - 1) * sp.exp(-2 * eta * p * big_s * steps))
    assert sp.simplify(res["SkillStrength"] - plan) == 0
    assert sp.simplify(sp.diff(res["SkillEmergenceTime"] / k ** (1 + alpha), k)) == 0  # proportional to k^{1+alpha}


def test_monte_carlo_memorising_learner_error():
    # Sample n skills 4,000 times; the learner errs on a fresh sample whose skill it has not seen.
    rng = np.random.default_rng(10)
    alpha_value, n_skills, n_samples, repeats = 1.5, 1000, 300, 4000
    p = _zipf(alpha_value, n_skills)
    error = (p * (rng.multinomial(n_samples, p, size=repeats) == 0)).sum(axis=1)
    predicted = zipf_skills.hutter_error(n_samples, alpha_value, n_skills)
    assert abs(error.mean() - predicted) < 4 * error.std() / np.sqrt(repeats)


def test_hutter_exponent_from_the_exact_sum_at_large_n():
    # The exact sum_k p_k (1 - p_k)^n over a million skills; the corrections to the asymptotic
    # form are O(1/n) (from (1 - p)^n = e^{-np}(1 + O(n p^2))), under 1e-4 for n >= 10^4.
    n_samples = np.geomspace(1e4, 1e6, 5)
    for alpha_value in (1.5, 3.0):
        p = _zipf(alpha_value, 10**6)
        error = np.array([(p * np.exp(m * np.log1p(-p))).sum() for m in n_samples])
        slope = np.polyfit(np.log(n_samples), np.log(error), 1)[0]
        assert abs(-slope - zipf_skills.hutter_exponent(alpha_value)) < 1e-4
        assert np.allclose(error, zipf_skills.hutter_error_asymptotic(n_samples, alpha_value, 10**6), rtol=1e-4)


def test_quantization_exponents_from_sampled_data_and_exact_tails():
    rng = np.random.default_rng(11)
    alpha_value, threshold, repeats = 1.5, 5, 100
    param_exponent, data_exponent, _ = zipf_skills.quantization_exponents(alpha_value)
    # Data: a quantum is learned once it appears `threshold` times; the loss gap is the unlearned frequency.
    p = _zipf(alpha_value, 10**5)
    n_samples = np.geomspace(1e3, 1e6, 7).astype(int)
    gap = np.array([(p * (rng.multinomial(m, p, size=repeats) < threshold)).sum(axis=1) for m in n_samples])
    weights = np.log(n_samples) - np.log(n_samples).mean()
    weights /= (weights**2).sum()  # the least-squares slope is sum(weights * log mean gap)
    slope = -(weights * np.log(gap.mean(axis=1))).sum()
    stderr = np.sqrt((weights**2 * gap.var(axis=1) / gap.mean(axis=1) ** 2).sum() / repeats)
    assert abs(slope - data_exponent) < 4 * stderr
    # Parameters: the first n_q quanta learned; replacing the tail sum by its integral shifts the
    # local slope by alpha/(2 n_q) (Euler-Maclaurin), at most alpha/(2 * 100) on this range.
    p = _zipf(alpha_value, 10**6)
    learned = np.array([100, 300, 1000, 3000, 10000])
    tail = p[::-1].cumsum()[::-1][learned]  # sum over k > n_q
    slope = -np.polyfit(np.log(learned), np.log(tail), 1)[0]
    assert abs(slope - param_exponent) < alpha_value / (2 * learned[0])


def test_gradient_steps_give_sigmoids_that_emerge_at_k_to_the_one_plus_alpha():
    # Full-batch gradient descent on sum_k p_k (S - v1_k v2_k)^2 / 2 from a small balanced start.
    alpha_value, n_skills, target, initial, lr = 1.5, 10, 1.0, 1e-3, 0.05
    p = _zipf(alpha_value, n_skills)
    ranks = np.arange(1, n_skills + 1)
    predicted = zipf_skills.skill_emergence_time(ranks, alpha_value, n_skills, target, initial, lr)
    n_steps = int(1.5 * predicted[-1])
    v1 = v2 = np.full(n_skills, np.sqrt(initial))
    path = np.empty((n_steps, n_skills))
    for i in range(n_steps):
        grad = p * (target - v1 * v2)
        v1, v2 = v1 + lr * v2 * grad, v2 + lr * v1 * grad
        path[i] = v1 * v2
    # As in T6: one step moves the logit by 2 eta p S (1 + O(eta p S)), a relative time shift of at most eta p S.
    shift = lr * p * target
    measured = 1 + (path < target / 2).sum(axis=0)  # steps taken when R_k first reaches S/2
    assert np.all(np.abs(measured - predicted) <= shift * predicted + 1)
    steps = np.arange(1, n_steps + 1)[:, None]
    sigmoid = zipf_skills.skill_strength(steps, p, target, initial, lr)
    assert np.all(np.abs(path - sigmoid) <= shift * target**2 * lr * p * steps)
