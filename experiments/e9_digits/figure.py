"""Figure E9: natural data on the dial (scikit-learn's handwritten digits).

(a) frozen noise: clean test accuracy against rho, one colour per training-set size n, with the 1-nearest-
neighbour memoriser's accuracy on the same frozen labels (solid, computed from the data before training) and the
naive interpolation from chance 1/V to the rho = 1 accuracy (dotted); (b) fresh noise: the same with the structure
limit carried inward (the rho = 1 accuracy, dashed); (c) frozen noise, training accuracy over steps on the images
that kept their digit (solid) and on the randomised ones (dashed) at the largest n, one colour per rho; (d) frozen
noise, steps to fit every training label against rho (members that never fit within the steps are counted, not
drawn).
"""
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D

from experiments.common import figures
from experiments.common.stats import summarise
from experiments.e9_digits.spec import N_CLASSES

PRINTED = 1.0  # of the text width: paper.tex's \includegraphics width for this figure, so that it prints at scale 1


def main() -> None:
    args = figures.parser(__doc__).parse_args()
    data = figures.read(args.tables)
    cell = ["train_size", "rho", "step"]
    sizes = sorted(data["train_size"].unique())
    steps = int(data["step"].max())
    everything = data
    data = everything[everything["noise"] == "frozen"]
    final = data[data["step"] == steps]
    fig, axes = plt.subplots(2, 2, figsize=(PRINTED * figures.WIDTH, 4.3))
    axes = axes.flat

    # (a) frozen noise: clean accuracy across the dial, the memoriser's line and the naive one; (b) fresh noise, the structure limit
    for ax, noise in ((axes[0], "frozen"), (axes[1], "fresh")):
        rows = everything[(everything["noise"] == noise) & (everything["step"] == steps)]
        for i, n in enumerate(sizes):
            c = figures.color(i, len(sizes))
            s = summarise(rows[(rows["train_size"] == n) & (rows["quantity"] == "clean_accuracy")], cell)
            figures.points(ax, s, "rho", color=c, marker=figures.marker(i), markersize=3.5, label=f"$n$ = {n}")
            top = float(s[s["rho"] == s["rho"].max()]["mean"].iloc[0])
            if noise == "frozen":
                line = summarise(rows[(rows["train_size"] == n) & (rows["quantity"] == "memoriser_accuracy")], cell)
                ax.plot(line["rho"], line["mean"], color=c, linewidth=0.8)
                ax.plot([0, 1], [1 / N_CLASSES, top], color=c, linestyle=":", linewidth=0.9)
            else:
                ax.plot([0, 1], [top, top], color=c, linestyle="--", linewidth=0.8)
        ax.set_xlabel(r"dial $\rho$")
        ax.set_ylabel("clean test accuracy")
        ax.set_ylim(0, 1.02)
    axes[0].set_title("(a) frozen noise")
    axes[1].set_title("(b) fresh noise")
    lines = [Line2D([], [], color=figures.THEORY, linewidth=0.8, label="1-NN memoriser (a)"),
             Line2D([], [], color=figures.THEORY, linestyle=":", linewidth=0.9, label="naive interpolation (a)"),
             Line2D([], [], color=figures.THEORY, linestyle="--", linewidth=0.8, label=r"structure limit (b)")]
    figures.beside(axes[1], handles=[*axes[0].get_legend_handles_labels()[0], *lines])
    axes = axes[1:]  # (c) and (d) below, frozen noise

    # (c) memorisation and learning over training at the largest n (measured means, no theory); rho in colours of its own
    curves = data[data["train_size"] == sizes[-1]]
    dials = sorted(curves["rho"].unique())
    shown = [dials[k] for k in np.unique(np.linspace(0, len(dials) - 1, min(4, len(dials))).round().astype(int))]
    for i, r in enumerate(shown):
        c = figures.PALETTE[len(figures.PALETTE) - 1 - i]
        for quantity, line in (("train_accuracy_true", "-"), ("train_accuracy_random", "--")):
            s = summarise(curves[(curves["rho"] == r) & (curves["quantity"] == quantity)], cell)
            axes[1].plot(s["step"], s["mean"], color=c, linestyle=line, label=rf"$\rho$ = {r:g}" if line == "-" else None)
    fitted = final[(final["quantity"] == "fit_step") & (final["train_size"] == sizes[-1])]["value"]
    if fitted.notna().any():  # the curves are flat once every label is fitted
        axes[1].set_xlim(0, min(steps, 2 * float(fitted.max())))
    axes[1].set_xlabel("step")
    axes[1].set_ylabel("train accuracy")
    axes[1].set_title(f"(c) frozen noise, $n$ = {sizes[-1]}")
    kinds = [Line2D([], [], color=figures.THEORY, label="images that\nkept their digit"),
             Line2D([], [], color=figures.THEORY, linestyle="--", label="randomised\nimages")]
    figures.beside(axes[1], handles=[*axes[1].get_legend_handles_labels()[0], *kinds])

    # (d) steps to fit the training set
    fits = final[final["quantity"] == "fit_step"]
    for i, n in enumerate(sizes):
        rows = fits[fits["train_size"] == n].dropna(subset=["value"])
        if len(rows):
            figures.points(axes[2], summarise(rows, cell), "rho", color=figures.color(i, len(sizes)), marker=figures.marker(i), markersize=3.5)
    unfitted = int(fits["value"].isna().sum())
    axes[2].set_xlabel(r"dial $\rho$")
    axes[2].set_ylabel("steps to fit every label")
    axes[2].set_title("(d) frozen noise, steps to fit" + (f"\n({unfitted} of {len(fits)} runs never fit)" if unfitted else ""))
    figures.save(fig, args.out)


if __name__ == "__main__":
    main()
