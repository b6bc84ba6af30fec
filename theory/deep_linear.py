"""T6: stage-like learning in a deep linear network, and how label noise delays it
(paper section "Theory at the ends of the dial", T4--T8).

Source: Saxe, McClelland and Ganguli (2014), "Exact solutions to the nonlinear dynamics of
learning in deep linear neural networks", eqs. 10-12.  The rho-delayed form is derived here.

The model: a two-layer linear network y_hat = W2 W1 x on whitened inputs (E x x^T = I), trained
by gradient flow on (1/2) E |y - W2 W1 x|^2, time t = learning rate x steps.  Started with its
weights on the singular vectors of the input-output correlation Sigma_yx = E y x^T (Saxe et
al.'s decoupled initial condition), each mode of singular value s evolves alone: its strength
u = w2 w1 with w1, w2 the mode's first- and second-layer weights.  The labels follow the rho
mixture: with probability rho the linear teacher's label (s x along the mode), otherwise an
independent N(0, sigma^2) label.

We take the mode's expected loss under the mixture with SymPy's expectations, which depends on
the data only through the correlation E[y x] = rho s and E[x^2] = 1; derive its gradient flow;
show that w1^2 - w2^2 is conserved, so a balanced start (w1 = w2) stays balanced and
du/dt = 2u(rho s - u); solve that with dsolve.  rho = 1 gives Saxe's sigmoid; for rho < 1 every
mode is learned as if its strength were rho s: half-time (1/(2 rho s)) ln((rho s - u0)/u0) to
half its final value rho s.

Assumptions: population (infinite-data) gradient flow; whitened inputs; the decoupled, balanced
initial condition w1 = w2 = sqrt(u0) with 0 < u0 < rho s; the mixture's noise labels independent
of x with mean 0; the rule-or-noise choice independent of x.
"""
from functools import cache

import numpy as np
import sympy as sp
from sympy.stats import Bernoulli, E, Normal

from theory.derivation import Derivation, Readable, Step, floats, predictor, written
from theory.symbols import Tex, eta, rho, s, sigma, t, u0

w1, w2 = sp.symbols("w_1 w_2", positive=True)  # the mode's weight in the first and in the second layer
u = sp.Symbol("u", positive=True)  # the mode's strength w2 w1
strength = sp.Function("u")  # u(t)
epsilon = sp.Symbol("varepsilon", positive=True)  # a small distance from 0 and from the final strength


def _logit(level, final):
    return sp.log(level / (final - level))


@cache
def derive() -> Derivation:
    # One mode under the mixture: input x ~ N(0, 1) along the mode, label s x w.p. rho, else noise.
    follows_rule = Bernoulli("J", rho)
    x = Normal("x", 0, 1)
    label = follows_rule * s * x + (1 - follows_rule) * Normal("xi", 0, sigma)
    correlation = sp.simplify(E(label * x))
    loss = sp.expand(E((label - w2 * w1 * x) ** 2) / 2)

    flow1, flow2 = -sp.diff(loss, w1), -sp.diff(loss, w2)  # dw1/dt, dw2/dt
    imbalance_flow = sp.simplify(2 * w1 * flow1 - 2 * w2 * flow2)  # d(w1^2 - w2^2)/dt
    assert imbalance_flow == 0, "gradient flow must conserve w1^2 - w2^2"
    strength_flow = sp.factor((w2 * flow1 + w1 * flow2).subs({w1: sp.sqrt(u), w2: sp.sqrt(u)}))
    gd_step = sp.factor(((w1 + eta * flow1) * (w2 + eta * flow2)).subs({w1: sp.sqrt(u), w2: sp.sqrt(u)}))  # E4's finite step
    ode = sp.Eq(strength(t).diff(t), strength_flow.subs(u, strength(t)))

    solution = sp.simplify(sp.dsolve(ode, strength(t), ics={strength(0): u0}).rhs)
    top, bottom = sp.fraction(solution)
    mixture = sp.expand(top / u0) / sp.expand(bottom / u0)  # Saxe et al.'s form
    final = sp.limit(mixture, t, sp.oo)
    (mixture_half,) = sp.solve(sp.Eq(mixture, final / 2), t)

    saxe = mixture.subs(rho, 1)  # pure structure
    saxe_half = mixture_half.subs(rho, 1)
    logit_rate = sp.simplify(sp.diff(_logit(saxe, s), t))  # the logit of u/s rises at a constant rate
    width = sp.factor(sp.expand(sp.expand_log((_logit(s - epsilon, s) - _logit(epsilon, s)) / logit_rate, force=True)))

    def sigmoid(final):  # Saxe et al.'s form: final / (1 + (final/u0 - 1) e^{-2 final t})
        return final / written(1, sp.Mul(written(final / u0, -1), sp.exp(sp.Mul(-2, final, t, evaluate=False)), evaluate=False))

    def half_time(final):
        return sp.Mul(sp.UnevaluatedExpr(1 / (2 * final)), sp.log(written(final, -u0) / u0), evaluate=False)

    steps = (
        Step("Along one mode of whitened inputs the mixture's label has correlation with the input", sp.Eq(Tex(r"\mathbb{E}[yx]"), correlation)),
        Step("and the mode's expected loss, with first- and second-layer weights $w_1, w_2$, is", sp.Eq(sp.Symbol("ell"), loss),
             Readable(written(written(rho * s, -w1 * w2) ** 2 / 2,
                              sp.Mul(rho, written(1, -rho), s**2, evaluate=False) / 2,
                              sp.Mul(written(1, -rho), sigma**2, evaluate=False) / 2))),
        Step("Gradient flow on it:", (sp.Eq(sp.Symbol("wdot_1"), flow1), sp.Eq(sp.Symbol("wdot_2"), flow2)),
             (Readable(sp.Mul(w2, written(rho * s, -w1 * w2), evaluate=False)), Readable(sp.Mul(w1, written(rho * s, -w1 * w2), evaluate=False)))),
        Step("conserves $w_1^2 - w_2^2$; from a balanced start $w_1 = w_2$ the strength $u = w_1 w_2$ obeys", ode,
             Readable(sp.Mul(2, written(rho * s, -strength(t)), strength(t), evaluate=False))),
        Step("(a gradient-descent step of size $\\eta$ maps $u$ to",
             sp.Eq(sp.Symbol("u'"), gd_step)),
        Step("which is the flow as $\\eta \\to 0$) whose solution from $u(0) = u_0$ is", sp.Eq(strength(t), mixture)),
        Step("rising to the final strength", sp.Eq(Tex(r"u(\infty)"), final)),
        Step("and reaching half of it at", sp.Eq(Tex(r"t_{1/2}"), mixture_half)),
        Step("At $\\rho = 1$ this is Saxe et al.'s sigmoid,", sp.Eq(strength(t), saxe)),
        Step("with half-time", sp.Eq(Tex(r"t_{1/2}"), saxe_half)),
        Step("Along it the logit $\\ln(u/(s-u))$ grows at the constant rate", sp.Eq(Tex(r"\frac{d}{dt}\ln\frac{u}{s-u}"), logit_rate)),
        Step("so the rise from $\\varepsilon$ to $s - \\varepsilon$ takes a time that does not depend on $u_0$:", sp.Eq(Tex(r"\Delta t"), width)),
    )
    return Derivation(
        target="T6",
        title="Deep linear network: stage-like learning and its delay by label noise",
        assumptions="Population gradient flow; whitened inputs; decoupled, balanced initialisation $w_1 = w_2 = \\sqrt{u_0}$ with $0 < u_0 < \\rho s$; noise labels independent of $x$ with mean 0.",
        steps=steps,
        results={
            "SaxeModeStrength": saxe,
            "SaxeHalfTime": saxe_half,
            "SaxeTransitionWidth": width,
            "MixtureCorrelation": correlation,
            "MixtureModeStrength": mixture,
            "MixtureFinalStrength": final,
            "MixtureHalfTime": mixture_half,
            "MixtureGdStep": gd_step,
        },
        readable={  # as Saxe et al. write them
            "SaxeModeStrength": Readable(sigmoid(s)),
            "SaxeHalfTime": Readable(half_time(s)),
            "SaxeTransitionWidth": Readable(sp.Mul(sp.UnevaluatedExpr(1 / s), sp.log(written(s, -epsilon) / epsilon), evaluate=False)),
            "MixtureModeStrength": Readable(sigmoid(rho * s)),
            "MixtureHalfTime": Readable(half_time(rho * s)),
            "MixtureGdStep": Readable(u * written(1, eta * written(rho * s, -u)) ** 2),
        },
    )


def saxe_mode_strength(time, strength_s, initial):
    """u(t) = s e^{2st}/(e^{2st} - 1 + s/u0): a mode's strength at rho = 1."""
    return predictor(derive()["SaxeModeStrength"], t, s, u0)(*floats(time, strength_s, initial))


def saxe_half_time(strength_s, initial):
    """(1/(2s)) ln((s - u0)/u0): when a mode reaches s/2 at rho = 1."""
    return predictor(derive()["SaxeHalfTime"], s, u0)(*floats(strength_s, initial))


def saxe_transition_width(strength_s, margin):
    """(1/s) ln((s - epsilon)/epsilon): the time from epsilon to s - epsilon, independent of u0."""
    return predictor(derive()["SaxeTransitionWidth"], s, epsilon)(*floats(strength_s, margin))


def mixture_mode_strength(time, rho_value, strength_s, initial):
    """u(t) under the rho mixture: Saxe's sigmoid with s replaced by rho s."""
    return predictor(derive()["MixtureModeStrength"], t, rho, s, u0)(*floats(time, rho_value, strength_s, initial))


def mixture_half_time(rho_value, strength_s, initial):
    """(1/(2 rho s)) ln((rho s - u0)/u0): when a mode reaches half its final strength rho s."""
    return predictor(derive()["MixtureHalfTime"], rho, s, u0)(*floats(rho_value, strength_s, initial))


def gd_mode_strength(steps: int, lr: float, rho_value, strength_s, initial) -> np.ndarray:
    """u after 0..steps gradient-descent steps of size lr on the balanced mode's population loss, last axis the step:
    T6 at E4's finite step, whose departure from the flow bounds the discreteness bias of E4's claims."""
    step = predictor(derive()["MixtureGdStep"], u, eta, rho, s)
    path = [np.broadcast_to(np.asarray(initial, float), np.broadcast(*floats(rho_value, strength_s, initial)).shape)]
    for _ in range(steps):
        path.append(step(path[-1], float(lr), *floats(rho_value, strength_s)))
    return np.stack(path, axis=-1)
