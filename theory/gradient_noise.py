"""T2: gradient signal and noise at initialisation (paper section "Theory at the ends of the dial", T2).

From the definition of softmax cross-entropy we derive the logit gradient at uniform logits,
its expected squared norm, the squared norm of its mean under the rho mixture, the trace of
its covariance, and, for a linear softmax on K one-hot keys at zero initialisation (whose
logits are uniform), the gradient noise scale B_noise = tr(Sigma) / |G|^2 of McCandlish et
al. (2018), plus the squared norm of a size-B minibatch gradient on pure noise.

Assumptions: keys are drawn uniformly; samples are independent; the weight gradient of a
linear layer on a one-hot key e_x is the outer product e_x g (g the logit gradient).
"""
from functools import cache

import numpy as np
import sympy as sp

from theory import bayes_floor
from theory.derivation import Derivation, Readable, Step, floats, predictor, written
from theory.symbols import B, K, V, Tex, rho

z_label, z_other, z_rest = sp.symbols("z_y z_j z_o", real=True)  # logits: the label's, another class's, the rest
key = sp.Symbol("x", integer=True, positive=True)  # a key index, 1..K


@cache
def derive() -> Derivation:
    # Cross-entropy of label y: -z_y + log(sum_c e^{z_c}), the classes split as y, one other j, V-2 rest.
    loss = -z_label + sp.log(sp.exp(z_label) + sp.exp(z_other) + (V - 2) * sp.exp(z_rest))
    uniform = {z_label: 0, z_other: 0, z_rest: 0}
    g_label = sp.simplify(sp.diff(loss, z_label).subs(uniform))  # gradient on the label's logit
    g_other = sp.simplify(sp.diff(loss, z_other).subs(uniform))  # on each of the V-1 other logits
    sq_norm = sp.factor(g_label**2 + (V - 1) * g_other**2)  # |g|^2, the same for every label

    # Mean logit gradient given a key: average g over the label distribution of T1.
    t1 = bayes_floor.derive()
    p, q = t1["LabelProbRule"], t1["LabelProbOther"]
    mean_rule = sp.simplify(p * g_label + (1 - p) * g_other)  # component on f(x)
    mean_other = sp.simplify(q * g_label + (1 - q) * g_other)  # on each other class
    mean_sq_norm = sp.factor(mean_rule**2 + (V - 1) * mean_other**2)
    cond_trace = sp.factor(sq_norm - mean_sq_norm)

    # Linear softmax on K one-hot keys: g_W = e_x g, keys uniform, so G = (1/K) sum_x e_x E[g|x];
    # the K blocks e_x E[g|x] are orthogonal, so |G|^2 sums their squared norms.
    weight_mean_sq_norm = sp.factor(sp.Sum(mean_sq_norm / K**2, (key, 1, K)).doit())
    weight_trace = sp.factor(sq_norm - weight_mean_sq_norm)
    noise_scale = sp.simplify(weight_trace / weight_mean_sq_norm)
    noise_scale = sp.expand(noise_scale)
    minibatch_sq_norm = sp.simplify(weight_mean_sq_norm + weight_trace / B)  # E|mean of B gradients|^2
    minibatch_pure_noise = sp.limit(minibatch_sq_norm, rho, 0)

    steps = (
        Step("Cross-entropy of label $y$ with the classes split into $y$, one other $j$ and the remaining $V-2$:", sp.Eq(sp.Symbol("ell"), loss),
             Readable(written(-z_label, sp.log(written(sp.exp(z_label), sp.exp(z_other), sp.Mul(written(V, -2), sp.exp(z_rest), evaluate=False)))))),
        Step("At uniform logits its gradient is, on the label's logit and on every other logit,",
             (sp.Eq(Tex(r"\frac{\partial \ell}{\partial z_y}"), g_label), sp.Eq(Tex(r"\frac{\partial \ell}{\partial z_j}"), g_other)),
             (Readable(sp.Mul(-1, written(V, -1) / V, evaluate=False)), None)),
        Step("so every sample has the same squared gradient norm:", sp.Eq(Tex(r"\|g\|^2"), sq_norm)),
        Step("Averaging over the mixture's labels, the mean gradient given a key has squared norm", sp.Eq(Tex(r"\|\mathbb{E}[g \mid x]\|^2"), mean_sq_norm)),
        Step("and the conditional covariance has trace", sp.Eq(Tex(r"\mathbb{E}\operatorname{tr}\operatorname{Cov}(g \mid x)"), cond_trace),
             Readable(sp.Mul(written(1, -rho**2), written(V, -1), evaluate=False) / V)),
        Step("For a linear softmax on $K$ one-hot keys the weight gradient is $e_x g$; with uniform keys its mean $G$ has",
             sp.Eq(Tex(r"\|G\|^2"), weight_mean_sq_norm)),
        Step("and its covariance $\\Sigma$ has trace", sp.Eq(Tex(r"\operatorname{tr}\Sigma"), weight_trace)),
        Step("The gradient noise scale is their ratio:", sp.Eq(Tex(r"B_{\mathrm{noise}}"), noise_scale)),
        Step("A minibatch of $B$ independent samples has mean gradient $\\bar g_B$ of mean squared norm",
             sp.Eq(Tex(r"\mathbb{E}\|\bar g_B\|^2"), minibatch_sq_norm)),
        Step("which on pure noise falls as $1/B$:", sp.Eq(Tex(r"\mathbb{E}\|\bar g_B\|^2\big|_{\rho=0}"), minibatch_pure_noise)),
    )
    return Derivation(
        target="T2",
        title="Gradient signal and noise at initialisation",
        assumptions="Uniform logits at initialisation (a linear softmax at zero weights); keys uniform over $K$; samples independent.",
        steps=steps,
        results={
            "LogitGradSqNorm": sq_norm,
            "LogitGradMeanSqNorm": mean_sq_norm,
            "LogitGradCondTrace": cond_trace,
            "WeightGradMeanSqNorm": weight_mean_sq_norm,
            "WeightGradTrace": weight_trace,
            "GradientNoiseScale": noise_scale,
            "MinibatchSqNorm": minibatch_sq_norm,
            "MinibatchSqNormPureNoise": minibatch_pure_noise,
        },
        readable={  # as the paper writes it: |G|^2 + tr Sigma / B, with the factor (V - 1)/(K V) outside
            "MinibatchSqNorm": Readable(written(V, -1) / (K * V) * written(rho**2, written(K, -rho**2) / B)),
        },
    )


def gradient_sq_norm(n_classes):
    """E|g|^2 per sample at uniform logits (the same for every label): 1 - 1/V."""
    return predictor(derive()["LogitGradSqNorm"], V)(np.asarray(n_classes, float))


def mean_gradient_sq_norm(rho_value, n_classes, n_keys):
    """|G|^2 for the linear softmax on K one-hot keys at zero initialisation."""
    return predictor(derive()["WeightGradMeanSqNorm"], rho, V, K)(*floats(rho_value, n_classes, n_keys))


def gradient_trace(rho_value, n_classes, n_keys):
    """tr(Sigma), the per-sample gradient covariance trace, for the same model."""
    return predictor(derive()["WeightGradTrace"], rho, V, K)(*floats(rho_value, n_classes, n_keys))


def gradient_noise_scale(rho_value, n_keys):
    """B_noise = tr(Sigma)/|G|^2 for the same model (infinite at rho = 0)."""
    rho_value, n_keys = floats(rho_value, n_keys)
    with np.errstate(divide="ignore"):
        return predictor(derive()["GradientNoiseScale"], rho, K)(rho_value, n_keys)


def minibatch_sq_norm(rho_value, batch_size, n_classes, n_keys):
    """E|mean gradient of a size-B minibatch|^2 = |G|^2 + tr(Sigma)/B for the same model."""
    return predictor(derive()["MinibatchSqNorm"], rho, B, V, K)(*floats(rho_value, batch_size, n_classes, n_keys))


def minibatch_sq_norm_pure_noise(batch_size, n_classes):
    """E|mean gradient of a size-B minibatch|^2 at rho = 0: (1 - 1/V)/B."""
    return predictor(derive()["MinibatchSqNormPureNoise"], B, V)(*floats(batch_size, n_classes))
