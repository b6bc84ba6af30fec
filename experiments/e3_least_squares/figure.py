"""Figure E3: least squares between noise and teacher (T4, T5, and T4 continued inward).

(a) test risk and (b) train error of the minimum-norm fit against d/n, one colour per rho: lines
are T4 at rho = 0 and 1 and its continuation (effective teacher rho beta, effective noise
sigma_eff^2) in between; the double-descent peak at d = n shrinks as rho grows.  (c) the loss of
full-batch gradient descent against time (learning rate x steps) with T5's eigen-sum on the same data.
"""
import matplotlib.pyplot as plt
import numpy as np

from experiments.common import figures
from experiments.common.stats import summarise
from theory.regression_mixture import mixture_test_risk, mixture_train_mse


def main() -> None:
    args = figures.parser(__doc__).parse_args()
    data = figures.read(args.tables)
    cell = ["samples", "features", "rho", "step"]
    n, r2, sigma2 = int(data["samples"].iloc[0]), float(data["teacher_norm_sq"].iloc[0]), float(data["noise_variance"].iloc[0])
    dials = sorted(data["rho"].unique())
    grid = np.arange(1, data["features"].max() + 1)
    fig, axes = plt.subplots(1, 3, figsize=(figures.WIDTH, 2.4))

    # (a, b) risk and train error across d/n
    for ax, quantity, theory in ((axes[0], "test_risk", mixture_test_risk), (axes[1], "train_mse", mixture_train_mse)):
        for i, r in enumerate(dials):
            c = figures.color(i, len(dials))
            line = theory(r, n, grid, r2, sigma2)
            if quantity == "train_mse":
                line = np.where(grid < n, line, 0.0)  # the fit interpolates above the threshold
            ax.plot(grid / n, line, color=c)
            s = summarise(data[(data["quantity"] == quantity) & (data["rho"] == r)], cell)
            s["ratio"] = s["features"] / n
            figures.points(ax, s, "ratio", color=c, marker="o", label=rf"$\rho$={r:g}")
        ax.axvline(1, color="0.8", linewidth=0.6)
        ax.set_xlabel("features per sample d/n")
    axes[0].set_yscale("log")
    axes[0].set_ylim(bottom=0.05)  # rho = 1 below the threshold fits exactly: risk 0, off this axis
    axes[0].set_ylabel("test risk")
    axes[0].set_title(f"(a) test risk, n = {n}")
    axes[0].legend(frameon=False)
    axes[1].set_ylabel("train error")
    axes[1].set_title("(b) train error")

    # (c) gradient descent against the eigen-sum
    curves = data[data["quantity"].isin(["gd_loss", "gd_eigen_sum"])]
    if len(curves):
        d = int(curves["features"].min())
        for i, r in enumerate(dials):
            c = figures.color(i, len(dials))
            rows = curves[(curves["features"] == d) & (curves["rho"] == r) & (curves["step"] > 0)]
            theory = summarise(rows[rows["quantity"] == "gd_eigen_sum"], cell)
            measured = summarise(rows[rows["quantity"] == "gd_loss"], cell)
            axes[2].plot(theory["step"], theory["mean"], color=c)
            figures.points(axes[2], measured, "step", color=c, marker="o")
        axes[2].set_xscale("log")
        axes[2].set_yscale("log")
        axes[2].set_xlabel("gradient-descent steps")
        axes[2].set_ylabel("train loss")
        axes[2].set_title(f"(c) gradient descent, d = {d} (lines: T5)")
    figures.save(fig, args.out)


if __name__ == "__main__":
    main()
