"""T8: capacity in the noise limit (paper section "Theory at the ends of the dial", T4--T8).

Sources: Cover (1965), "Geometrical and statistical properties of systems of linear inequalities
with applications in pattern recognition" (the function-counting theorem); Gardner (1988), "The
space of interactions in neural network models" (capacity 2 per weight); Allen-Zhu and Li (2024),
"Physics of language models: part 3.3, knowledge capacity scaling laws" (about 2 bits per parameter).

The model: a linear threshold unit sign(w . x) with N weights and P points in general position in
R^N, each given a random label +-1.  Cover's count C(P, N) of the labellings it realises obeys the
recursion C(P + 1, N) = C(P, N) + C(P, N - 1), with C(1, N) = 2 for N >= 1 and C(P, 0) = 0.  We
solve it with the generating function f_P(y) = sum_N C(P, N) y^N, for which the recursion reads
f_{P+1} = (1 + y) f_P (rsolve), and read off the coefficient of y^N; the fraction of separable
labellings is C(P, N)/2^P, and the symmetry of the binomial coefficients puts one half at P = 2N:
P = 2N one-bit labels on N weights, 2 bits per weight.

The estimator: P facts (random labels), each a value drawn uniformly from V, carry P log2 V bits.  A
model whose cross-entropy on them is L nats per fact codes them in P L / ln 2 bits given the model
(Shannon), so the model holds at least the difference, P (log2 V - L / ln 2) bits.

Assumptions: points in general position (any N of them linearly independent); the unit has no
bias (a bias is one more weight with a constant input); labels independent of the points.
"""
from functools import cache

import numpy as np
import sympy as sp

from theory.derivation import Derivation, Readable, Step, predictor, written
from theory.symbols import Log2, N, P, Tex, V

y = sp.Symbol("zeta")  # the variable of the generating function over N
i = sp.Symbol("i", integer=True, nonnegative=True)  # a summation index
j = sp.Symbol("j", integer=True, positive=True)  # a summation index from 1
power = sp.Symbol("M", integer=True, nonnegative=True)  # an exponent of the binomial theorem
value = sp.Symbol("c", integer=True, positive=True)  # one of the V values (classes) of a fact
loss = sp.Symbol("L", positive=True)  # training cross-entropy in nats per fact
gf = sp.Function("f")  # f_P(y)
count = sp.Function("C")  # C(P, N)


def _convergent(series: sp.Sum) -> sp.Basic:
    """The value of a power series in y inside its disc of convergence."""
    return sp.piecewise_fold(series.doit()).args[0][0]


@cache
def derive() -> Derivation:
    recursion = sp.Eq(count(written(P, 1), N), count(P, N) + count(P, N - 1))  # printed only: P + 1 as written
    first_series = sp.Sum(2 * y**j, (j, 1, sp.oo))  # C(1, N) = 2 for every N >= 1
    first = _convergent(first_series)
    solved = sp.factor(sp.rsolve(gf(P + 1) - (1 + y) * gf(P), gf(P), {gf(1): first}))
    binomial_series = sp.Sum(sp.binomial(power, i) * y**i, (i, 0, power))
    assert sp.simplify(_convergent(binomial_series) - (1 + y) ** power) == 0, "the binomial theorem"
    assert sp.simplify(solved / (first * (1 + y) ** (P - 1))) == 1, "f_P = f_1 (1 + y)^(P - 1)"

    # The coefficient of y^N of f_1 (1 + y)^(P-1): f_1's coefficients are 2 from y^1 on, so the
    # product sums the binomial coefficients of (1 + y)^(P-1) from y^0 to y^(N-1), each times 2.
    closed = first_series.function.coeff(y**j) * sp.Sum(binomial_series.function.coeff(y**i).subs(power, P - 1), (i, 0, N - 1))
    _check_recursion(closed)
    fraction = sp.powsimp(closed / 2**P)

    # At P = 2N: the binomial coefficients of 2N - 1 are symmetric, so the sums below and above N - 1/2 agree.
    top = 2 * N - 1
    below = sp.Sum(sp.binomial(top, i), (i, 0, N - 1))
    above = sp.Sum(sp.binomial(top, i), (i, N, top)).change_index(i, top - i, i)
    assert above.limits == below.limits and sp.simplify(above.function - below.function) == 0
    total = sp.Sum(sp.binomial(top, i), (i, 0, top)).doit()
    half_point = sp.simplify(fraction.subs(P, 2 * N).subs(below, total / 2))
    bits_per_weight = 2 * N / N  # P = 2N labels of one bit each on N weights

    entropy = sp.simplify(sp.Sum(-sp.log(1 / V, 2) / V, (value, 1, V)).doit())  # bits per fact
    bits_stored = sp.simplify(P * (entropy - loss / sp.log(2)))

    steps = (
        Step("Cover's count of the labellings of $P$ points in general position that $N$ weights realise obeys", recursion),
        Step("with $C(1, N) = 2$ for $N \\ge 1$ and $C(P, 0) = 0$; in the generating function $C_P(\\zeta) = \\sum_N C(P,N) \\zeta^N$ the recursion is "
             "$C_{P+1} = (1+\\zeta) C_P$, starting from $C_1(\\zeta) =$", sp.Eq(first_series, first), Readable(2 * y / written(1, -y))),
        Step("Solving the recursion in $P$ gives",
             sp.Eq(Tex(r"C_P(\zeta)"), solved),
             Readable(sp.Mul(2 * y / written(1, -y), sp.Pow(written(1, y), written(P, -1), evaluate=False), evaluate=False))),
        Step("By the binomial theorem and the series of $C_1$, the coefficient of $\\zeta^N$ is", sp.Eq(count(P, N), closed)),
        Step("so the fraction of the $2^P$ random labellings that are linearly separable is", sp.Eq(Tex(r"p_{\mathrm{sep}}(P, N)"), fraction)),
        Step("The binomial coefficients of $2N-1$ are symmetric, so at $P = 2N$ the sum is half of $2^{2N-1}$ and",
             sp.Eq(Tex(r"p_{\mathrm{sep}}(2N, N)"), half_point)),
        Step("$P = 2N$ random one-bit labels on $N$ weights: the capacity in bits per weight is", sp.Eq(P / N, bits_per_weight)),
        Step("$P$ facts uniform over $V$ values carry $P$ times", sp.Eq(Tex(r"-\sum_{c=1}^{V} \frac{1}{V} \log_2 \frac{1}{V}"), entropy), Readable(Log2(V))),
        Step("bits; a model with training cross-entropy $L$ nats per fact codes them in $PL/\\ln 2$ bits, so it stores at least",
             sp.Eq(sp.Symbol("I"), bits_stored)),
    )
    return Derivation(
        target="T8",
        title="Capacity in the noise limit",
        assumptions="Points in general position; a threshold unit without bias; labels independent of the points; for the estimator, facts (random labels) drawn uniformly and independently.",
        steps=steps,
        results={
            "CoverCount": closed,
            "CoverSeparableFraction": fraction,
            "CoverHalfPoint": half_point,
            "CoverBitsPerWeight": bits_per_weight,
            "BitsStoredLowerBound": bits_stored,
        },
        readable={"BitsStoredLowerBound": Readable(sp.Mul(P, written(Log2(V), -loss / sp.log(2)), evaluate=False))},
    )


def _check_recursion(closed: sp.Basic, largest: int = 12) -> None:
    """The closed form obeys Cover's recursion and its boundary values (exact integers)."""
    c = sp.Lambda((P, N), closed)
    for p in range(1, largest):
        assert c(1, p).doit() == 2 and c(p, 0).doit() == 0, "boundary values"
        for n_weights in range(1, largest):
            assert c(p + 1, n_weights).doit() == c(p, n_weights).doit() + c(p, n_weights - 1).doit(), "recursion"


def cover_separable_fraction(n_points, n_weights):
    """2^{1-P} sum_{i<N} binom(P-1, i): the chance that a random labelling of P points is separable by N weights."""
    exact = predictor(derive()["CoverSeparableFraction"].rewrite(sp.factorial), P, N)  # factorials: exact integers
    # binom(P-1, i) vanishes for i >= P, so the sum may stop at min(N, P): the factorials stay defined and P <= N gives 1
    return np.vectorize(lambda p, n_w: exact(int(p), min(int(n_w), int(p))), otypes=[float])(n_points, n_weights)


def half_crossing(ratios, fractions) -> float:
    """The P/N at which a falling curve of separable fractions on a grid of P/N first reaches 1/2.

    Linear interpolation between the last grid point above 1/2 and the first at or below it; NaN when the
    curve does not reach 1/2 on the grid or starts at or below it (no crossing inside the grid).
    """
    r, f = np.asarray(ratios, float), np.asarray(fractions, float)
    order = np.argsort(r)
    r, f = r[order], f[order]
    at_or_below = np.flatnonzero(f <= 0.5)  # NaN compares False: a diverged point is never the crossing
    if len(at_or_below) == 0 or at_or_below[0] == 0 or not np.isfinite(f[at_or_below[0] - 1]):
        return float("nan")
    j = at_or_below[0]
    return float(r[j - 1] + (f[j - 1] - 0.5) / (f[j - 1] - f[j]) * (r[j] - r[j - 1]))


def cover_half_point(n_weights, ratios) -> float:
    """Cover's capacity as an experiment on the grid P = round(r N) measures it: the half crossing of the exact fraction.

    F(2N, N) = 1/2 exactly at every N (``CoverHalfPoint``): the half point has no finite-N correction, and a grid
    holding P = 2N gives exactly 2.  A grid without it gives the interpolant's crossing, whose distance from 2 is
    the bias of the measured half point that comes from the grid (exact sums of binomial coefficients).
    """
    ratios = np.asarray(ratios, float)
    points = np.round(ratios * n_weights).astype(int)
    return half_crossing(points / n_weights, cover_separable_fraction(points, np.full(len(points), n_weights)))


def bits_stored_lower_bound(n_facts, n_values, train_loss):
    """P (log2 V - L/ln 2): bits a model must hold to reach cross-entropy L (nats) on P random facts over V values."""
    args = (np.asarray(v, float) for v in (n_facts, n_values, train_loss))
    return predictor(derive()["BitsStoredLowerBound"], P, V, loss)(*args)
