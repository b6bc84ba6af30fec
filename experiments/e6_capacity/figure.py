"""Figure E6: capacity on pure noise, and what noise costs structure (T8).

(a) the fraction of random labellings of P points that the fitted threshold unit of N weights
separates, against P/N, with Cover's 2^{1-P} sum_{i<N} C(P-1, i) (lines, one per N); (b) the
bits stored per weight by the loss estimator K (log2 V - L_train/ln 2)/N, with Cover and
Gardner's capacity in bits per weight (dashed) and the K log2 V bits of every fact stored (dotted);
(c) the rho mixture at one N: train accuracy on the facts that follow the rule (triangles) and
on the random facts (squares), and the rule's accuracy on fresh points (circles), one colour per
P/N, measurement only; (d) the mixture's half point, the P/N at which half its labellings are
separable, against the noisy teacher's capacity alpha_c(rho) (theory/noisy_teacher.py, N -> infinity;
line) and Cover's 2 (dashed).
"""
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D

from experiments.common import figures
from experiments.common.stats import summarise
from theory.capacity import bits_stored_lower_bound, cover_separable_fraction
from theory.capacity import derive as capacity_derivation
from theory.noisy_teacher import noisy_teacher_capacity

PRINTED = 0.9  # of the text width: paper.tex's \includegraphics width for this figure, so that it prints at scale 1


def main() -> None:
    args = figures.parser(__doc__).parse_args()
    data = figures.read(args.tables)
    noise, mixture = data[data["part"] == "noise"], data[data["part"] == "mixture"]
    sizes = sorted(noise["weights"].unique())
    fig, axes = plt.subplots(2, 2, figsize=(PRINTED * figures.WIDTH, 4.05))
    axes = axes.flat

    # (a) Cover's separable fraction, (b) bits per weight
    ratios = np.array(sorted(noise["points_per_weight"].dropna().unique()))
    for i, n in enumerate(sizes):
        c, shape = figures.color(i, len(sizes)), figures.marker(i)
        points = np.arange(int(ratios.min() * n), int(ratios.max() * n) + 1)
        axes[0].plot(points / n, cover_separable_fraction(points, n), color=c)
        rows = noise[noise["weights"] == n]
        figures.points(axes[0], summarise(rows[rows["quantity"] == "separated_fraction"], ["points_per_weight"]), "points_per_weight", color=c,
                       marker=shape, markersize=3.5, label=f"$N$ = {n}")
        figures.points(axes[1], summarise(rows[rows["quantity"] == "bits_per_weight"], ["points_per_weight"]), "points_per_weight", color=c,
                       marker=shape, markersize=3.5, label=f"$N$ = {n}")
    axes[0].set_xlabel("points per weight $P/N$")
    axes[0].set_ylabel("fraction separated")
    axes[0].set_title("(a) Cover's separable fraction")
    figures.beside(axes[0], handles=[*axes[0].get_legend_handles_labels()[0], Line2D([], [], color=figures.THEORY, label="Cover (lines)")])
    capacity_bits = float(capacity_derivation()["CoverBitsPerWeight"])
    axes[1].axhline(capacity_bits, color="k", linestyle="--", linewidth=0.8, label=f"capacity,\n{capacity_bits:g} bits per weight")
    axes[1].plot(ratios, bits_stored_lower_bound(ratios, 2, 0.0), color="0.5", linestyle=":", label="every fact\nstored")
    axes[1].set_ylim(0, None)
    axes[1].set_xlabel("facts per weight $K/N$")
    axes[1].set_ylabel("bits per weight (estimator)")
    axes[1].set_title("(b) bits stored, one-bit random facts")
    figures.beside(axes[1])

    # (c) the mixture: measurement only, so lines join a series' points; colour is P/N (not (a, b)'s N), marker the quantity
    if len(mixture):
        fractions = sorted(mixture["points_per_weight"].dropna().unique())
        shown = {"rule_accuracy": ("o", "rule, fresh points"), "rule_facts_accuracy": ("^", "train, rule's facts"),
                 "random_facts_accuracy": ("s", "train, random facts")}
        for i, r in enumerate(fractions):
            c = figures.PALETTE[len(figures.PALETTE) - 1 - i]
            for quantity, (marker, _) in shown.items():
                s = summarise(mixture[(mixture["points_per_weight"] == r) & (mixture["quantity"] == quantity)], ["rho"])
                figures.points(axes[2], s, "rho", color=c, marker=marker, markersize=3.5, markerfacecolor="none" if marker == "s" else c)
                axes[2].plot(s["rho"], s["mean"], color=c, linewidth=0.5)
        axes[2].set_xlabel(r"dial $\rho$ (fraction of facts from the rule)")
        axes[2].set_ylabel("accuracy")
        axes[2].set_title(f"(c) mixture, $N$ = {int(mixture['weights'].iloc[0])}")
        handles = [Line2D([], [], color=figures.PALETTE[len(figures.PALETTE) - 1 - i], label=f"$P/N$ = {r:g}") for i, r in enumerate(fractions)]
        handles += [Line2D([], [], color=figures.THEORY, marker=marker, markersize=3.5, linestyle="none", markerfacecolor="none" if marker == "s" else None,
                           label=label) for marker, label in shown.values()]
        figures.beside(axes[2], handles=handles)

        # (d) the mixture's half point against the noisy teacher's capacity
        half = summarise(mixture[mixture["quantity"] == "mixture_half_point_per_weight"], ["rho"])
        dials = np.linspace(0, half["rho"].max(), 200)
        axes[3].plot(dials, noisy_teacher_capacity(dials), color="k", label="capacity $\\alpha_c(\\rho)$,\n$N\\to\\infty$")
        axes[3].axhline(capacity_bits, color="0.5", linestyle="--", linewidth=0.8, label="Cover's capacity")
        figures.points(axes[3], half, "rho", color=figures.PALETTE[0], marker="o", markersize=3.5, label=f"measured, $N$ = {int(mixture['weights'].iloc[0])}")
        axes[3].set_xlabel(r"dial $\rho$")
        axes[3].set_ylabel("half point $P/N$")
        axes[3].set_title("(d) mixture, half the labellings separable")
        figures.beside(axes[3])
    figures.save(fig, args.out)


if __name__ == "__main__":
    main()
