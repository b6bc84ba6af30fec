"""E4's noise threshold: the derived forms equal the BBP closed forms, and sampled matrices follow them."""
import numpy as np
import sympy as sp

from theory import spiked_correlation
from theory.symbols import d, n, r, rho, sigma

a, theta = spiked_correlation.scale, spiked_correlation.theta


def test_derived_equals_closed_forms():
    res = spiked_correlation.derive().results
    sigma_eff_sq = rho * (1 - rho) * r**2 + (1 - rho) * sigma**2
    assert sp.simplify(res["NoiseScale"] ** 2 - d * sigma_eff_sq / n) == 0
    assert res["NoiseEdge"] == 2 * a and res["NoiseThreshold"] == a
    assert sp.simplify(res["SpikeOutlier"] - (theta + a**2 / theta)) == 0
    assert sp.simplify(res["SpikeOverlapSq"] - (1 - a**2 / theta**2)) == 0
    assert sp.simplify(res["SpikeKeptStrength"] - (theta - a**4 / theta**3)) == 0


def _unit(rng, size):
    x = rng.standard_normal(size)
    return x / np.linalg.norm(x)


def test_monte_carlo_spiked_matrix():
    # theta u v^T + N, N with iid N(0, a^2/d) entries, at d = 400: the top singular value and its
    # vectors' overlaps against the predictions, above and below the threshold theta = a.
    rng = np.random.default_rng(3)
    dim, scale_a = 400, 0.5
    bulk = []
    for strength in (0.25, 1.0, 1.5):
        tops, overlaps, kept = [], [], []
        for _ in range(5):
            u, v = _unit(rng, dim), _unit(rng, dim)
            noise = rng.normal(scale=scale_a / np.sqrt(dim), size=(dim, dim))
            left, values, right = np.linalg.svd(strength * np.outer(u, v) + noise)
            tops.append(values[0])
            overlaps.append((left[:, 0] @ u) ** 2)
            kept.append(values[0] * (left[:, 0] @ u) * (right[0] @ v))
            bulk.append(np.linalg.svd(noise, compute_uv=False)[0])
        if strength > scale_a:
            outlier = strength + scale_a**2 / strength
            assert abs(np.mean(tops) - outlier) < 0.02 * outlier
            assert abs(np.mean(overlaps) - (1 - scale_a**2 / strength**2)) < 0.05
            assert abs(np.mean(kept) - spiked_correlation.kept_strength(strength, scale_a)) < 0.05 * strength
        else:  # below: the top singular value stays at the edge and its vectors forget the mode
            assert abs(np.mean(tops) - 2 * scale_a) < 0.03 and np.mean(overlaps) < 0.05
            assert spiked_correlation.kept_strength(strength, scale_a) == 0
    assert abs(np.mean(bulk) - 2 * scale_a) < 0.03  # the edge 2a


def test_noise_scale_of_a_sampled_mixture_fit():
    # The least-squares map of n mixture samples (label W* x w.p. rho, else N(0, sigma^2 I)) minus rho W*:
    # its entries' mean square is a^2/d, up to n/(n - d - 1) - 1 = 0.4% (the inverse Wishart's mean) and the
    # x-dependent variance of the mixture's noise, 2 rho (1 - rho) |W*|^2 / (d^2 sigma_eff^2) = 1.4% here.
    rng = np.random.default_rng(4)
    dim, samples, dial, sigma2 = 16, 4000, 0.5, 1.0
    teacher = 2.0 * np.outer(np.eye(dim)[0], np.eye(dim)[1])  # one mode of strength 2, as in E4's threshold run
    errors = []
    for _ in range(60):
        x = rng.standard_normal((samples, dim))
        y = np.where(rng.random((samples, 1)) < dial, x @ teacher.T, rng.normal(scale=np.sqrt(sigma2), size=(samples, dim)))
        fit = np.linalg.lstsq(x, y, rcond=None)[0].T
        errors.append(np.mean((fit - dial * teacher) ** 2))
    predicted = spiked_correlation.noise_scale(dial, samples, dim, np.sum(teacher**2), sigma2) ** 2 / dim
    assert abs(np.mean(errors) / predicted - 1) < 0.045  # the two effects, plus 2 standard errors (1.1% each)


def test_critical_rho_is_where_the_mode_meets_the_noise():
    """rho_c s = a(rho_c): checked on the root, and on both sides (the mode below the noise scale under it, above over it)."""
    critical_rho, noise_scale, overlap_sq = spiked_correlation.critical_rho, spiked_correlation.noise_scale, spiked_correlation.overlap_sq
    strength, n, d = 2.0, 512, 64
    rho_c = critical_rho(strength, n, d, 1.0)
    assert abs(rho_c * strength - float(noise_scale(rho_c, n, d, strength**2, 1.0))) < 1e-9
    assert 0.9 * rho_c * strength < noise_scale(0.9 * rho_c, n, d, strength**2, 1.0)
    assert 1.1 * rho_c * strength > noise_scale(1.1 * rho_c, n, d, strength**2, 1.0)
    assert overlap_sq(0.9 * rho_c * strength, noise_scale(0.9 * rho_c, n, d, strength**2, 1.0)) == 0
