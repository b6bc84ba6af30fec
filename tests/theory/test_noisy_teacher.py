"""T8 under a noisy teacher: the derived pieces equal their textbook forms, the capacity equals the replica-free
threshold of Candes and Sur, and exact separability tests (linear programming) put the half point there."""
import numpy as np
import sympy as sp
from scipy import integrate, optimize, special
from scipy.optimize import linprog

from theory import noisy_teacher
from theory.noisy_teacher import R, load, noisy_teacher_capacity, q, teacher_overlap
from theory.symbols import rho


def test_derived_pieces_equal_their_textbook_forms():
    res = noisy_teacher.derive().results
    assert sp.simplify(res["NoisyFlipRate"] - (1 - rho) / 2) == 0
    # the entropic part of Gardner's volume with a teacher (Engel and Van den Broeck 2001, chapter 2)
    assert sp.simplify(res["NoisyGardnerEntropy"] - (sp.log(1 - q) / 2 + (q - R**2) / (2 * (1 - q)))) == 0
    # E[z^2; sign(R z + sqrt(1 - R^2) v) != sign(z)] = (arccos R - R sqrt(1 - R^2))/pi, by polar coordinates
    textbook = (sp.acos(R) - R * sp.sqrt(1 - R**2)) / sp.pi
    for value in (0.05, 0.3, 0.7, 0.99):
        assert abs(float((res["NoisyDisagreementMoment"] - textbook).subs(R, value))) < 1e-14
    assert res["NoisyCapacityAtNoise"] == 2 and res["NoisyCapacityAtStructure"] == sp.oo
    (stationary,) = sp.solve(sp.diff(res["NoisyVolumeExponent"], R), load)
    assert sp.simplify(stationary - sp.pi * R / (rho * sp.sqrt(1 - R**2))) == 0


def test_disagreement_moment_by_monte_carlo():
    rng = np.random.default_rng(7)
    z, v = rng.standard_normal((2, 1_000_000))
    for overlap in (0.3, 0.8):
        sample = z**2 * (np.sign(overlap * z + np.sqrt(1 - overlap**2) * v) != np.sign(z))
        moment = float(noisy_teacher.derive()["NoisyDisagreementMoment"].subs(R, overlap))
        assert abs(sample.mean() - moment) < 4 * sample.std() / np.sqrt(len(sample))


def _candes_sur_capacity(dial: float) -> float:
    """1/h with h = min_t E[(t Y V - Z)_+^2], Y V = |V| or -|V| (a flip), Z independent: Candes and Sur (2020),
    Theorem 1 without intercept, by quadrature (E over Z of (c - Z)_+^2 is (1 + c^2) Phi(c) + c phi(c))."""
    flip = (1 - dial) / 2
    def positive_part(c):
        return (1 + c**2) * special.ndtr(c) + c * np.exp(-c**2 / 2) / np.sqrt(2 * np.pi)
    def h(t):
        integrand = lambda u: 2 * np.exp(-u**2 / 2) / np.sqrt(2 * np.pi) * ((1 - flip) * positive_part(t * u) + flip * positive_part(-t * u))
        return integrate.quad(integrand, 0, np.inf, epsabs=1e-13, epsrel=1e-13)[0]
    return 1 / optimize.minimize_scalar(h, bounds=(-50, 50), method="bounded", options={"xatol": 1e-10}).fun  # t < 0 at the minimum


def test_capacity_equals_the_replica_free_threshold():
    dials = np.array([0.125, 0.5, 0.75, 0.875, 0.95])
    assert np.allclose(noisy_teacher_capacity(dials), [_candes_sur_capacity(r) for r in dials], rtol=1e-8)


def test_ends_and_growth():
    dials = np.linspace(0, 0.99, 12)
    capacity, overlap = noisy_teacher_capacity(dials), teacher_overlap(dials)
    assert capacity[0] == 2 and overlap[0] == 0
    assert np.all(np.diff(capacity) > 0) and np.all(np.diff(overlap) > 0) and overlap[-1] < 1
    assert noisy_teacher_capacity(1.0) == np.inf
    # the capacity is the maximum over R of (1 - R^2)/M(R): no other overlap gives a larger load
    ratio = noisy_teacher.predictor(noisy_teacher.derive()["NoisyCapacityLoad"], R, rho)
    grid = np.linspace(1e-3, 1 - 1e-3, 2001)
    for dial, best in zip(dials[1:], capacity[1:]):
        assert ratio(grid, dial).max() <= best * (1 + 1e-9)


def _separable(points, labels) -> bool:
    """An exact test: is there w with y_i w . x_i >= 1 for every i (linear programming, HiGHS)?"""
    result = linprog(np.zeros(points.shape[1]), A_ub=-(labels[:, None] * points), b_ub=-np.ones(len(labels)),
                     bounds=(None, None), method="highs")
    return result.status == 0


def _fraction_separable(n_weights, loads, dial, labellings, rng):
    """Per load P/N, the fraction of fresh mixtures (points, teacher, labels) of P facts that are separable."""
    fractions = []
    for n_points in np.round(np.asarray(loads) * n_weights).astype(int):
        separable = 0
        for _ in range(labellings):
            points, teacher = rng.standard_normal((n_points, n_weights)), rng.standard_normal(n_weights)
            labels = np.where(rng.random(n_points) < dial, np.sign(points @ teacher), rng.choice([-1.0, 1.0], n_points))
            separable += _separable(points, labels)
        fractions.append(separable / labellings)
    return np.array(fractions)


def test_half_point_by_linear_programming_sharpens_at_the_capacity():
    # rho = 0.75: the capacity 2.78 is far from Cover's 2; 48 mixtures per load, binomial sd at most 0.072
    rng, labellings, dial = np.random.default_rng(3), 48, 0.75
    capacity = float(noisy_teacher_capacity(dial))
    loads = capacity * np.array([0.8, 1.0, 1.2])  # a 20% error of the formula either way
    small, large = (_fraction_separable(n, loads, dial, labellings, rng) for n in (25, 100))
    tolerance = 4 * 0.5 / np.sqrt(labellings)
    for fractions in (small, large):
        assert abs(fractions[1] - 0.5) < tolerance  # one half at the capacity
    assert large[0] > 1 - tolerance and large[2] < tolerance  # and the 20% errors rejected at N = 100
    assert large[0] - large[2] >= small[0] - small[2]  # the transition sharpens as N grows
