"""Figure E2: gradient signal and noise at initialisation across the dial (T2).

(a) the squared norm of the mean gradient |G|^2 and the covariance trace tr Sigma against rho;
(b) the gradient noise scale B_noise = tr Sigma / |G|^2 against rho, with K/rho^2 - 1;
(c) the squared norm of a minibatch's mean gradient against its size B, one colour per rho,
with |G|^2 + tr Sigma / B.  Lines are T2 for the linear softmax at zero initialisation;
the MLP (triangles, random initialisation) has no line: its logits are not uniform.
"""
import matplotlib.pyplot as plt
import numpy as np

from experiments.common import figures
from experiments.common.stats import summarise
from theory.gradient_noise import gradient_noise_scale, gradient_trace, mean_gradient_sq_norm, minibatch_sq_norm


def main() -> None:
    args = figures.parser(__doc__).parse_args()
    data = figures.read(args.tables)
    cell = ["model", "classes", "keys", "rho", "batch_size"]
    n_keys, n_classes = int(data["keys"].iloc[0]), int(data["classes"].iloc[0])
    positive = np.geomspace(max(data.loc[data["rho"] > 0, "rho"].min(), 1e-3), 1, 100)
    fig, axes = plt.subplots(1, 3, figsize=(figures.WIDTH, 2.3))

    def measured(ax, quantity, x, **kw):
        for model, marker in figures.MARKERS.items():
            rows = data[(data["model"] == model) & (data["quantity"] == quantity)]
            if len(rows):
                s = summarise(rows, cell)
                figures.points(ax, s[s[x] > 0], x, marker=marker, label=f"{model}", **kw)

    # (a) signal and noise
    axes[0].plot(positive, mean_gradient_sq_norm(positive, n_classes, n_keys), color=figures.color(0, 2), label=r"$|G|^2$ theory")
    axes[0].plot(positive, gradient_trace(positive, n_classes, n_keys), color=figures.color(1, 2), label=r"tr$\Sigma$ theory")
    measured(axes[0], "mean_grad_sq_norm", "rho", color=figures.color(0, 2))
    measured(axes[0], "grad_trace", "rho", color=figures.color(1, 2))
    axes[0].set_title(f"(a) signal and noise, K={n_keys}, V={n_classes}")

    # (b) the noise scale
    axes[1].plot(positive, gradient_noise_scale(positive, n_keys), color="k", label=r"$K/\rho^2-1$")
    measured(axes[1], "noise_scale", "rho", color="k")
    axes[1].set_title(r"(b) gradient noise scale $B_{noise}$")
    for ax in axes[:2]:
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(r"dial $\rho$")
        ax.legend(frameon=False)

    # (c) minibatch gradient norms, linear model
    rows = data[(data["model"] == "linear") & (data["quantity"] == "minibatch_sq_norm")]
    dials = sorted(rows["rho"].unique())
    sizes = np.geomspace(rows["batch_size"].min(), rows["batch_size"].max(), 50)
    for i, r in enumerate(dials):
        c = figures.color(i, len(dials))
        axes[2].plot(sizes, minibatch_sq_norm(r, sizes, n_classes, n_keys), color=c)
        figures.points(axes[2], summarise(rows[rows["rho"] == r], cell), "batch_size", color=c, marker="o", label=rf"$\rho$={r:g}")
    axes[2].set_xscale("log")
    axes[2].set_yscale("log")
    axes[2].set_xlabel("minibatch size B")
    axes[2].set_ylabel(r"$E|\bar g_B|^2$")
    axes[2].set_title("(c) minibatch gradient, linear")
    axes[2].legend(ncol=2, frameon=False)
    figures.save(fig, args.out)


if __name__ == "__main__":
    main()
