"""Figure E2: gradient signal and noise at initialisation across the dial (T2).

(a) the squared norm of the mean gradient ||G||^2 and the covariance trace tr Sigma against rho;
(b) the gradient noise scale B_noise = tr Sigma / ||G||^2 against rho, with K/rho^2 - 1;
(c) the squared norm of a minibatch's mean gradient against its size B, one colour per rho,
with ||G||^2 + tr Sigma / B.  Lines are T2 for the linear softmax at zero initialisation;
the MLP (open triangles, random initialisation) has no line: its logits are not uniform.
"""
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D

from experiments.common import figures
from experiments.common.stats import summarise
from theory.gradient_noise import gradient_noise_scale, gradient_trace, mean_gradient_sq_norm, minibatch_sq_norm

PRINTED = 1.0  # of the text width: paper.tex's \includegraphics width for this figure, so that it prints at scale 1


def main() -> None:
    args = figures.parser(__doc__).parse_args()
    data = figures.read(args.tables)
    cell = ["model", "classes", "keys", "rho", "batch_size"]
    n_keys, n_classes = int(data["keys"].iloc[0]), int(data["classes"].iloc[0])
    positive = np.geomspace(max(data.loc[data["rho"] > 0, "rho"].min(), 1e-3), 1, 100)
    fig, axes = plt.subplots(1, 3, figsize=(PRINTED * figures.WIDTH, 2.8), width_ratios=[1, 1, 1.3])

    def measured(ax, quantity, x, **kw):
        for model, style in figures.MODELS.items():
            rows = data[(data["model"] == model) & (data["quantity"] == quantity)]
            if len(rows):
                s = summarise(rows, cell)
                figures.points(ax, s[s[x] > 0], x, **style, **kw)

    # (a) signal and noise
    signal, noise = figures.color(0, 2), figures.color(1, 2)
    axes[0].plot(positive, mean_gradient_sq_norm(positive, n_classes, n_keys), color=signal)
    axes[0].plot(positive, gradient_trace(positive, n_classes, n_keys), color=noise)
    measured(axes[0], "mean_grad_sq_norm", "rho", color=signal)
    measured(axes[0], "grad_trace", "rho", color=noise)
    axes[0].set_title(rf"(a) signal and noise, $K$ = {n_keys}, $V$ = {n_classes}")

    # (b) the noise scale
    axes[1].plot(positive, gradient_noise_scale(positive, n_keys), color=figures.THEORY)
    measured(axes[1], "noise_scale", "rho", color="k")
    axes[1].set_title(r"(b) gradient noise scale $B_{\mathrm{noise}}$")
    axes[1].set_ylabel(r"$B_{\mathrm{noise}} = \mathrm{tr}\,\Sigma / \|G\|^2$")
    for ax in axes[:2]:
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(r"dial $\rho$")
    quantities = [Line2D([], [], color=signal, marker="o", markersize=3.5, label=r"$\|G\|^2$"),
                  Line2D([], [], color=noise, marker="o", markersize=3.5, label=r"$\mathrm{tr}\,\Sigma$")]
    models = [Line2D([], [], color=figures.THEORY, linestyle="none", label=f"{model} (measured)", **style) for model, style in figures.MODELS.items()]
    theory = Line2D([], [], color=figures.THEORY, label=r"T2, linear (lines; (b): $K/\rho^2-1$)")
    figures.below(fig, handles=[*quantities, *models, theory], ncol=5)

    # (c) minibatch gradient norms, linear model
    rows = data[(data["model"] == "linear") & (data["quantity"] == "minibatch_sq_norm")]
    dials = sorted(rows["rho"].unique())
    sizes = np.geomspace(rows["batch_size"].min(), rows["batch_size"].max(), 50)
    for i, r in enumerate(dials):
        c = figures.color(i, len(dials))
        axes[2].plot(sizes, minibatch_sq_norm(r, sizes, n_classes, n_keys), color=c)
        figures.points(axes[2], summarise(rows[rows["rho"] == r], cell), "batch_size", color=c, marker=figures.marker(i), markersize=3,
                       label=rf"$\rho$ = {r:g}")
    axes[2].set_xscale("log")
    axes[2].set_yscale("log")
    axes[2].set_xlabel("minibatch size $B$")
    axes[2].set_ylabel(r"$E\|\bar g_B\|^2$")
    axes[2].set_title("(c) minibatch gradient, linear")
    figures.beside(axes[2], handlelength=1.0, labelspacing=0.25)
    figures.save(fig, args.out)


if __name__ == "__main__":
    main()
