"""Figure E1: the loss floor across the dial, and the finite-sample excess (T1, T3).

(a) test cross-entropy and (b) test accuracy against rho at the largest m, for each V, with
the Bayes floor H(rho) and accuracy p(rho) of T1 as lines; (c) the excess of the test loss
over H against samples per key m for the linear model, with T3's (V-1)/(2m) as the line;
hollow points lie outside T3's validity (m(1-rho)/V < 20).
"""
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D

from experiments.common import figures
from experiments.common.stats import summarise
from experiments.e1_loss_floor.claims import t3_valid
from theory.bayes_floor import bayes_accuracy, bayes_floor
from theory.finite_samples import finite_sample_excess

PRINTED = 1.0  # of the text width: paper.tex's \includegraphics width for this figure, so that it prints at scale 1


def main() -> None:
    args = figures.parser(__doc__).parse_args()
    data = figures.read(args.tables)
    cell = ["model", "classes", "keys", "rho", "samples_per_key"]
    largest = data[data["samples_per_key"] == data["samples_per_key"].max()]
    classes = sorted(data["classes"].unique())
    dial = np.linspace(0, 1, 201)
    fig, axes = plt.subplots(1, 3, figsize=(PRINTED * figures.WIDTH, 2.7), width_ratios=[1, 1, 1.25])

    # (a, b) loss and accuracy across the dial
    for ax, quantity, theory in ((axes[0], "test_loss", bayes_floor), (axes[1], "test_accuracy", bayes_accuracy)):
        for i, v in enumerate(classes):
            c = figures.color(i, len(classes))
            ax.plot(dial, theory(dial, v), color=c, label=f"$V$ = {v}" if ax is axes[0] else None)
            for model, style in figures.MODELS.items():
                rows = largest[(largest["classes"] == v) & (largest["model"] == model) & (largest["quantity"] == quantity)]
                if len(rows):
                    figures.points(ax, summarise(rows, cell), "rho", color=c, **style)
        ax.set_xlabel(r"dial $\rho$")
    axes[0].set_ylabel("test cross-entropy (nats)")
    axes[0].set_title(f"(a) loss, $m$ = {largest['samples_per_key'].max()}")
    axes[1].set_ylabel("test accuracy")
    axes[1].set_title(f"(b) accuracy, $m$ = {largest['samples_per_key'].max()}")
    models = [Line2D([], [], color=figures.THEORY, linestyle="none", label=model, **style) for model, style in figures.MODELS.items()]
    theory_line = Line2D([], [], color=figures.THEORY, label=r"T1: $H(\rho)$, Bayes accuracy")
    figures.below(fig, handles=[*axes[0].get_legend_handles_labels()[0], *models, theory_line], ncol=6)

    # (c) finite-sample excess over the floor, linear model, middle V
    v = classes[len(classes) // 2]
    rows = data[(data["model"] == "linear") & (data["classes"] == v) & (data["quantity"] == "test_loss")].copy()
    rows["value"] = rows["value"] - bayes_floor(rows["rho"], rows["classes"])
    summary = summarise(rows, cell)
    every = sorted(summary["rho"].unique())
    dials = [every[i] for i in np.unique(np.linspace(0, len(every) - 1, min(4, len(every))).round().astype(int))]
    for i, r in enumerate(dials):
        s = summary[summary["rho"] == r]
        valid = np.asarray(t3_valid(s), dtype=bool)
        c, marker = figures.PALETTE[len(figures.PALETTE) - 1 - i], figures.marker(i + 1)  # not (a, b)'s colours: these are values of rho
        figures.points(axes[2], s[valid], "samples_per_key", color=c, marker=marker, label=rf"$\rho$ = {r:g}" if valid.any() else None)
        figures.points(axes[2], s[~valid], "samples_per_key", color=c, marker=marker, markerfacecolor="none",
                       label=rf"$\rho$ = {r:g}" if not valid.any() else None)
    m = np.geomspace(summary["samples_per_key"].min(), summary["samples_per_key"].max(), 50)
    axes[2].plot(m, finite_sample_excess(m, v), color=figures.THEORY, label="T3: $(V-1)/(2m)$")
    axes[2].plot([], [], color=figures.THEORY, marker="o", markerfacecolor="none", linestyle="none", label="outside T3's validity")
    axes[2].set_xscale("log")
    axes[2].set_yscale("log")
    axes[2].set_ylim(0.5 * summary["ci_low"].where(summary["ci_low"] > 0, summary["mean"]).min(), None)
    axes[2].set_xlabel("samples per key $m$")
    axes[2].set_ylabel("test loss minus $H$ (nats)")
    axes[2].set_title(f"(c) finite-sample excess, linear, $V$ = {v}")
    figures.beside(axes[2])
    figures.save(fig, args.out)


if __name__ == "__main__":
    main()
