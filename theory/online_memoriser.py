"""T7 in training steps: the per-key softmax trained online, one Zipf sample per step
(paper section "Measurements on the dial", E5).

The quantization model (theory.zipf_skills) predicts that after T steps of batch B the loss above
L_inf falls as (BT)^{-alpha/(1+alpha)}: a skill is learned once seen often enough, and the skills
seen often enough after n = BT samples are the most frequent ones.  E5's steps run tests it on
the simplest learner that needs several sightings per skill: a key's V logits, zero at the start,
take one plain gradient step of size eta on -log softmax(z)_answer each time the key is sampled
(B = 1).  Here we derive that step: by symmetry the V - 1 wrong logits stay equal, so the state
of a key is its margin Delta = z_answer - z_wrong, and each sighting maps
Delta -> Delta + eta V / (V - 1 + e^Delta); its loss is log(1 + (V - 1) e^{-Delta}).  The expected loss after T steps is then an exact finite sum over
keys and over the binomial count of each key's sightings, whose fitted slope over the
experiment's step grid is the finite-T, finite-K value of the exponent (the bias the ledger adds).

Assumptions: zero initial logits (the wrong logits stay equal); one sample per step; the key's
answer fixed (rho = 1).
"""
from functools import cache

import numpy as np
import sympy as sp

from theory.derivation import Derivation, Readable, Step, predictor, written
from theory.symbols import Tex, V, eta

z_right, z_wrong = sp.symbols("z_a z_o", real=True)  # the answer's logit and each wrong one's (equal by symmetry)
margin = sp.Symbol("Delta", real=True)  # z_a - z_o


@cache
def derive() -> Derivation:
    loss = -z_right + sp.log(sp.exp(z_right) + (V - 1) * sp.exp(z_wrong))  # -log softmax_a with V - 1 equal wrong logits
    # one wrong logit's own gradient is 1/(V - 1) of the derivative in the shared z_o
    step_right, step_wrong = -eta * sp.diff(loss, z_right), -eta * sp.diff(loss, z_wrong) / (V - 1)
    margin_step = sp.simplify((step_right - step_wrong).subs(z_right, z_wrong + margin))
    margin_loss = sp.simplify(sp.expand_log(loss.subs(z_right, z_wrong + margin), force=True))
    steps = (
        Step("A key's loss on a sample of its answer, with the $V-1$ wrong logits equal (they start at zero), is", sp.Eq(sp.Symbol("ell"), loss),
             Readable(written(-z_right, sp.log(written(sp.exp(z_right), sp.Mul(written(V, -1), sp.exp(z_wrong), evaluate=False)))))),
        Step("One gradient step of size $\\eta$ moves the margin $\\Delta = z_a - z_o$ by", sp.Eq(Tex(r"\Delta' - \Delta"), margin_step)),
        Step("and the loss at margin $\\Delta$ is", sp.Eq(Tex(r"\ell(\Delta)"), margin_loss)),
    )
    return Derivation(
        target="T7",
        title="The online memoriser: a key's margin after each sighting",
        assumptions="Zero initial logits; one sample per step; fixed answers ($\\rho = 1$).",
        steps=steps,
        results={"OnlineMarginStep": margin_step, "OnlineMarginLoss": margin_loss},
        readable={
            "OnlineMarginStep": Readable(sp.Mul(eta, V, evaluate=False) / written(V, -1, sp.exp(margin))),
            "OnlineMarginLoss": Readable(sp.log(written(1, sp.Mul(written(V, -1), sp.exp(-margin), evaluate=False)))),
        },
    )


def loss_after_sightings(max_count: int, lr: float, classes: int) -> np.ndarray:
    """A key's loss after c = 0..max_count sightings, each one derived gradient step from zero logits."""
    step = predictor(derive()["OnlineMarginStep"], margin, eta, V)
    loss = predictor(derive()["OnlineMarginLoss"], margin, V)
    margins = np.zeros(max_count + 1)
    for c in range(max_count):
        margins[c + 1] = margins[c] + step(margins[c], float(lr), float(classes))
    return loss(margins, float(classes))


def expected_loss(steps: int, frequencies: np.ndarray, lr: float, classes: int) -> float:
    """E sum_k p_k loss(c_k), c_k ~ Binomial(steps, p_k): the expected Zipf-weighted loss after ``steps`` samples."""
    per_count = loss_after_sightings(steps, lr, classes)
    total = 0.0
    for group in (frequencies[frequencies * steps > 30], frequencies[frequencies * steps <= 30]):
        if len(group) == 0:
            continue
        top = steps if group[0] * steps > 30 else min(steps, 150)  # beyond 150 sightings a mean <= 30 has no mass
        c = np.arange(top + 1)
        log_ratio = np.log((steps - c[:-1]) / (c[:-1] + 1))  # log C(T, c+1)/C(T, c)
        log_pmf = steps * np.log1p(-group)[:, None] + np.concatenate([[0.0], np.cumsum(log_ratio)])[None] \
            + c[None] * np.log(group / (1 - group))[:, None]
        total += float((group * (np.exp(log_pmf) @ per_count[: top + 1])).sum())
    return total
