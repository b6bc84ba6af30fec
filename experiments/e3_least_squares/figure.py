"""Figure E3: least squares between noise and teacher (T4, T5, and T4 continued inward).

(a) test risk and (b) train error of the minimum-norm fit against d/n, one colour per rho: lines
are T4 at rho = 0 and 1 and its continuation (effective teacher rho beta, effective noise
sigma_eff^2) in between; the double-descent peak at d = n shrinks as rho grows.  At rho = 1 and d < n the fit is
exact: its risk, 0 up to rounding, is not drawn on (a)'s log axis; (b) stops at d = n, above which the fit
interpolates and its train error is 0.  (c) the loss of full-batch gradient descent against time (learning rate x
steps) with T5's eigen-sum on the same data (dashed, over the points).
"""
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D

from experiments.common import figures
from experiments.common.stats import summarise
from theory.regression_mixture import mixture_test_risk, mixture_train_mse

PRINTED = 1.0  # of the text width: paper.tex's \includegraphics width for this figure, so that it prints at scale 1


def main() -> None:
    args = figures.parser(__doc__).parse_args()
    data = figures.read(args.tables)
    cell = ["samples", "features", "rho", "step"]
    n, r2, sigma2 = int(data["samples"].iloc[0]), float(data["teacher_norm_sq"].iloc[0]), float(data["noise_variance"].iloc[0])
    dials = sorted(data["rho"].unique())
    grid = np.arange(1, data["features"].max() + 1)
    fig, axes = plt.subplots(1, 3, figsize=(PRINTED * figures.WIDTH, 2.9))

    # (a, b) risk and train error across d/n; the train error is 0 above the threshold (the fit interpolates), so (b) stops there
    for ax, quantity, theory in ((axes[0], "test_risk", mixture_test_risk), (axes[1], "train_mse", mixture_train_mse)):
        for i, r in enumerate(dials):
            c = figures.color(i, len(dials))
            s = summarise(data[(data["quantity"] == quantity) & (data["rho"] == r)], cell)
            s["ratio"] = s["features"] / n
            shown = grid
            if quantity == "train_mse":
                shown, s = grid[grid <= n], s[s["ratio"] <= 1]
            else:
                s = s[s["mean"] > np.finfo(float).eps]  # rho = 1 below the threshold fits exactly: risk 0 up to rounding (about
                # 1e-30), which a log axis would show as a value
            ax.plot(shown / n, theory(r, n, shown, r2, sigma2), color=c)
            figures.points(ax, s, "ratio", color=c, marker=figures.marker(i), markersize=3, label=rf"$\rho$ = {r:g}" if i == 0 else f"{r:g}")
        ax.axvline(1, color="0.8", linewidth=0.6)
        ax.set_xlabel("features per sample $d/n$")
    axes[0].set_yscale("log")
    axes[0].set_ylabel("test risk")
    axes[0].set_title(f"(a) test risk, $n$ = {n}\n($\\rho$ = 1, $d<n$: 0, not drawn)")
    axes[1].set_ylabel("train error")
    axes[1].set_title("(b) train error\n(0 for $d \\geq n$: the fit interpolates)")

    # (c) gradient descent against the eigen-sum
    curves = data[data["quantity"].isin(["gd_loss", "gd_eigen_sum"])]
    if len(curves):
        d = int(curves["features"].min())
        for i, r in enumerate(dials):
            c = figures.color(i, len(dials))
            rows = curves[(curves["features"] == d) & (curves["rho"] == r) & (curves["step"] > 0)]
            theory = summarise(rows[rows["quantity"] == "gd_eigen_sum"], cell)
            measured = summarise(rows[rows["quantity"] == "gd_loss"], cell)
            figures.points(axes[2], measured, "step", color=c, marker=figures.marker(i), markersize=3)
            axes[2].plot(theory["step"], theory["mean"], color="k", linestyle="--", linewidth=0.7, zorder=4)  # over the points
        axes[2].set_xscale("log")
        axes[2].set_yscale("log")
        axes[2].set_xlabel("gradient-descent steps")
        axes[2].set_ylabel("train loss")
        axes[2].set_title(f"(c) gradient descent, $d$ = {d}")
    handles = axes[0].get_legend_handles_labels()[0]
    figures.below(fig, handles=[*handles, Line2D([], [], color=figures.THEORY, label="(a, b) T4 continued"),
                                Line2D([], [], color="k", linestyle="--", linewidth=0.7, label="(c) T5 eigen-sum")], ncol=6)
    figures.save(fig, args.out)


if __name__ == "__main__":
    main()
