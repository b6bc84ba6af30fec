"""T8 carried inward: the capacity of a threshold unit whose labels come from a noisy teacher (paper section
"Measurements on the dial", E6).

Sources: Gardner (1988), the volume of the weights that fit every example; Gyorgyi and Tishby (1990) and Seung,
Sompolinsky and Tishby (1992), the perceptron that learns from a teacher, with output noise; Engel and Van den
Broeck (2001), "Statistical Mechanics of Learning", chapters 2 (Gardner's volume with a teacher), 5 (noisy
teachers) and 6 (the storage problem, q -> 1).  The same threshold, proved without replicas, is the existence boundary of the logistic maximum-likelihood estimate
without intercept (Candes and Sur 2020); tests/theory/test_noisy_teacher.py checks it numerically against theirs.

The model: E6's mixture.  A unit sign(w . x) with N weights, P = kappa N points x with i.i.d. N(0, 1/N)
coordinates, a teacher t; each label is sign(t . x) with probability rho and a uniform random sign otherwise.
The version space, the weights on the sphere |w|^2 = N that fit every label, is an intersection of half-spaces;
its typical log-volume per weight is extremal in two overlaps, q between two of its students and R between a
student and the teacher.  Replicas (n_r copies of w, n_r -> 0): the entropic part is half the log-determinant of
the overlap matrix Q of teacher and replicas, the energetic part the chance that every replica fits a label, given
the replicas' common field h.  As the load kappa = P/N grows the version space shrinks, q -> 1, and the log-volume
is A(R)/(2(1 - q)) + ln(1 - q)/2 + O(1), with A = 1 - R^2 - kappa M(R) and M(R) = E[h^2; y h < 0], the second
moment of a student's field on the labels it contradicts.  It has a solution 1 - q = A > 0 while max_R A > 0:
the capacity kappa_c(rho) is where A = 0 and dA/dR = 0, an equation for R solved numerically.  It is
Cover's 2 at rho = 0 and grows without bound as rho -> 1 (a teacher's labels are always separable).

Assumptions: N -> infinity at fixed kappa = P/N; replica symmetry (the version space is convex, for which it is
stable: Gardner and Derrida 1988); the volume of N-vectors with a given overlap matrix Q is exp(N ln det(Q)/2)
to leading order; the replica limit n_r -> 0 taken on the RS expression.  In code z is the field the paper calls h,
and v the teacher field's independent part h_perp.
"""
from functools import cache

import numpy as np
import sympy as sp
from scipy.optimize import brentq

from theory.derivation import Derivation, Readable, Step, floats, predictor, written
from theory.symbols import Tex, rho

q = sp.Symbol("q", positive=True)  # overlap of two students of the version space
R = sp.Symbol("R", positive=True)  # overlap of a student with the teacher
epsilon = sp.Symbol("epsilon", positive=True)  # 1 - q, vanishing at the capacity
replicas = sp.Symbol("n_r", positive=True)  # the number of replicas, taken to 0
load = sp.Symbol("kappa", positive=True)  # the load P/N
slope = sp.Symbol("k", positive=True)  # R / sqrt(1 - R^2): the teacher's field given the student's, per unit
z, v = sp.symbols("z v", real=True)  # a student's field (the paper's h) and the teacher's field's independent part (h_perp)
x = sp.Symbol("x", positive=True)  # the argument of H(x), the Gaussian tail
moment_named, disagree_named, flip_named = sp.symbols("M D p_{\\mathrm{flip}}")  # M(R), D(R) and the flip rate, as the paper names them
gauss = sp.exp(-z**2 / 2) / sp.sqrt(2 * sp.pi)  # the density Dz


def _tail(at: sp.Basic) -> sp.Basic:
    """H(at) = P(g > at) for a standard Gaussian g, integrated."""
    return sp.simplify(sp.integrate(gauss.subs(z, v), (v, at, sp.oo)))


@cache
def derive() -> Derivation:
    flip = sp.nsimplify(rho * 0 + (1 - rho) * sp.Rational(1, 2))  # a random sign disagrees with the teacher half the time

    # Entropic part: teacher and n replicas, RS overlaps (q between replicas, R with the teacher).  The replicas'
    # block has eigenvalue 1 - q + n q on (1, ..., 1) and 1 - q on the rest; the teacher enters by its Schur complement.
    determinant = sp.factor((1 - q) ** (replicas - 1) * (1 - q + replicas * q) * (1 - R**2 * replicas / (1 - q + replicas * q)))
    for m in range(1, 5):
        gram = sp.Matrix(m + 1, m + 1, lambda i, j: 1 if i == j else (R if 0 in (i, j) else q))
        assert sp.simplify(gram.det() - determinant.subs(replicas, m)) == 0, "the RS Gram determinant"
    entropy = sp.simplify(sp.diff(sp.log(determinant) / 2, replicas).subs(replicas, 0))

    # Energetic part: a student's field sqrt(q) z + sqrt(1 - q) z_a fits label y with chance H(-y sqrt(q) z / sqrt(1 - q));
    # as q -> 1, ln H(x) ~ -x^2/2 for large x (l'Hopital) and -> 0 for large negative x, so only the labels that the
    # common field z contradicts cost, each z^2 / (2 epsilon).
    tail = _tail(x)
    log_tail_rate = sp.limit(sp.diff(sp.log(tail), x) / sp.diff(x**2, x), x, sp.oo)
    assert sp.limit(tail.subs(x, -x), x, sp.oo) == 1
    # At q = 1 the teacher's field is R z + sqrt(1 - R^2) v: it disagrees in sign with z > 0 when v < -k z.
    disagree = sp.simplify(sp.integrate(2 * z**2 * gauss * _tail(slope * z), (z, 0, sp.oo)))  # E[z^2; sign u != sign z]
    disagree = sp.simplify(disagree.subs(slope, R / sp.sqrt(1 - R**2)))
    second_moment = sp.integrate(z**2 * gauss, (z, -sp.oo, sp.oo))  # E z^2 = 1: the rest agrees
    moment = sp.collect(sp.expand((1 - flip) * disagree + flip * (second_moment - disagree)), rho)  # M(R) = E[z^2; y z < 0]

    leading = sp.limit(epsilon * entropy.subs(q, 1 - epsilon), epsilon, 0)  # the entropic part's 1/epsilon coefficient
    exponent = sp.expand(2 * (leading + load * log_tail_rate * moment))  # A(R)
    log_volume = exponent / (2 * epsilon) + sp.log(epsilon) / 2
    (saddle,) = sp.solve(sp.diff(log_volume, epsilon), epsilon)

    # The capacity: A = 0 at its maximum over R.  dA/dR = 0 gives alpha in R; A = 0 then fixes R.
    (stationary,) = sp.solve(sp.diff(exponent, R), load)
    capacity_load = sp.simplify((1 - R**2) / moment)  # A = 0, alpha in terms of R
    at_stationary = sp.factor(sp.numer(sp.together(exponent.subs(load, stationary))))
    overlap_equation = sp.factor(at_stationary / (R**2 - 1))  # the factor R^2 - 1 vanishes only at the end R = 1
    assert sp.denom(sp.together(overlap_equation)) == 1 and overlap_equation.subs(R, 1) != 0
    at_noise = sp.limit(capacity_load.subs(rho, 0), R, 0)  # rho = 0: dA/dR = -2R puts R at 0
    assert sp.diff(exponent.subs(rho, 0), R) == -2 * R
    below_one = sp.Symbol("delta", positive=True)
    at_structure = sp.limit(stationary.subs(rho, 1).subs(R, 1 - below_one), below_one, 0)  # rho -> 1: R -> 1

    root = sp.sqrt(1 - R**2)
    entropy_form = written(sp.Mul(sp.Rational(1, 2), sp.log(written(1, -q)), evaluate=False), written(q, -R**2) / sp.Mul(2, written(1, -q), evaluate=False))
    steps = (
        Step("A random sign disagrees with the teacher half the time, so a label of the mixture is flipped with probability", sp.Eq(flip_named, flip)),
        Step("With $n_{\\mathrm{r}}$ replicas at overlap $q$ and teacher overlap $R$ (replica symmetry), the overlap matrix has determinant",
             sp.Eq(Tex(r"\det \mathcal{Q}_{n_{\mathrm{r}}}"), determinant),
             Readable(sp.Mul(sp.Pow(written(1, -q), written(replicas, -1), evaluate=False), written(1, -q, replicas * written(q, -R**2)), evaluate=False))),
        Step("and the entropic part of the log-volume per weight, $\\partial_{n_{\\mathrm{r}}} \\tfrac12 \\ln\\det \\mathcal{Q}_{n_{\\mathrm{r}}}$ at $n_{\\mathrm{r}} = 0$, is",
             sp.Eq(Tex(r"\mathcal{S}"), entropy)),
        Step("A replica fits a label $y$ given the common field $h$ with chance $\\bar\\Phi(-y\\sqrt{q}h/\\sqrt{1-q})$, where",
             sp.Eq(Tex(r"\bar\Phi(x)"), tail),
             Readable(sp.Mul(sp.Rational(1, 2), written(1, -sp.erf(sp.Mul(x, sp.Pow(sp.sqrt(2), -1, evaluate=False), evaluate=False))), evaluate=False))),
        Step("and $\\ln \\bar\\Phi(x)/x^2$ tends to (l'H\\^opital)", sp.Eq(Tex(r"\lim_{x\to\infty} \frac{\ln\bar\Phi(x)}{x^2}"), log_tail_rate)),
        Step("so as $q \\to 1$ only labels that contradict $h$ cost, $h^2/(2(1-q))$ each.  The teacher's field $Rh + \\sqrt{1-R^2}\\,h_\\perp$ "
             "($h_\\perp$ an independent standard Gaussian) disagrees in sign with $h$ with second moment",
             sp.Eq(Tex("D(R)"), disagree)),
        Step("and, with the flips, a student's field on the labels it contradicts has second moment", sp.Eq(Tex("M(R)"), moment)),
        Step("The log-volume per weight is $A/(2(1-q)) + \\tfrac12\\ln(1-q) + O(1)$ with", sp.Eq(sp.Symbol("A"), exponent)),
        Step("stationary in $q$ at", sp.Eq(Tex("1 - q"), saddle), Readable(sp.Symbol("A"), {sp.Symbol("A"): exponent})),
        Step("so the version space vanishes where $\\max_R A = 0$: $\\partial_R A = 0$ at", sp.Eq(load, stationary)),
        Step("and $A = 0$ at", sp.Eq(Tex(r"\kappa_c"), capacity_load)),
        Step("so the teacher overlap at the capacity solves", sp.Eq(overlap_equation, 0)),
        Step("At $\\rho = 0$, $\\partial_R A = -2R$ puts $R$ at 0 and the capacity is Cover's", sp.Eq(Tex(r"\kappa_c(0)"), at_noise)),
        Step("and as $\\rho \\to 1$ the overlap tends to 1 and", sp.Eq(Tex(r"\kappa_c(1)"), at_structure)),
    )
    return Derivation(
        target="T8",
        title="Capacity under a noisy teacher (the mixture of E6)",
        assumptions="$N \\to \\infty$ at fixed load $\\kappa = P/N$; replica symmetry (stable on the convex version space); the volume of vectors with overlap matrix $\\mathcal{Q}$ is $e^{N \\ln\\det \\mathcal{Q}/2}$ to leading order; the limit $n_{\\mathrm{r}} \\to 0$ on the replica-symmetric expression.",
        steps=steps,
        results={
            "NoisyFlipRate": flip,
            "NoisyGardnerEntropy": entropy,
            "NoisyDisagreementMoment": disagree,
            "NoisyErrorMoment": moment,
            "NoisyVolumeExponent": exponent,
            "NoisyCapacityLoad": capacity_load,
            "NoisyOverlapEquation": overlap_equation,
            "NoisyCapacityAtNoise": at_noise,
            "NoisyCapacityAtStructure": at_structure,
        },
        readable={
            "NoisyFlipRate": Readable(sp.Mul(written(1, -rho), sp.Pow(2, -1, evaluate=False), evaluate=False)),
            "NoisyGardnerEntropy": Readable(entropy_form),
            "NoisyDisagreementMoment": Readable(written(sp.atan(root / R), -R * root) / sp.pi),
            "NoisyErrorMoment": Readable(written(flip_named, sp.Mul(rho, disagree_named, evaluate=False)), {flip_named: flip, disagree_named: disagree}),
            "NoisyVolumeExponent": Readable(written(1, -R**2, -sp.Mul(load, moment_named, evaluate=False)), {moment_named: moment}),
            "NoisyCapacityLoad": Readable(written(1, -R**2) / moment_named, {moment_named: moment}),
            "NoisyOverlapEquation": Readable(written(sp.Mul(sp.pi, R, written(1, -rho), evaluate=False), sp.Mul(2, rho, written(R * sp.atan(root / R), -root), evaluate=False))),
        },
    )


def teacher_overlap(rho_values) -> np.ndarray:
    """R(rho): the root in [0, 1] of the overlap equation (0 at rho = 0, where it is -2 rho R; 1 at rho = 1)."""
    residual = predictor(derive()["NoisyOverlapEquation"], R, rho)
    with np.errstate(divide="ignore"):  # at R = 0 the equation's arctan(sqrt(1 - R^2)/R) is pi/2
        return np.vectorize(lambda r: 1.0 if r >= 1 else brentq(residual, 0.0, 1.0, args=(r,), xtol=1e-15), otypes=[float])(*floats(rho_values))


def noisy_teacher_capacity(rho_values) -> np.ndarray:
    """alpha_c(rho): the P/N at which the version space of a noisy teacher's labels vanishes (N -> infinity)."""
    dials = np.asarray(rho_values, float)
    capacity = predictor(derive()["NoisyCapacityLoad"], R, rho)
    with np.errstate(divide="ignore", invalid="ignore"):
        inside = capacity(teacher_overlap(dials), dials)
    return np.where(dials >= 1, float(derive()["NoisyCapacityAtStructure"]), inside)
