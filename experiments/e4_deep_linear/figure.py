"""Figure E4: stage-like learning in a two-layer linear network, and how noise delays it (T6).

(a) each mode's strength over time at the largest n for the largest and the smallest rho (markers, filled and
open: measured mean over seeds; lines: T6's sigmoid with s -> rho s); (b) measured half-times against T6's
(1/(2 rho s)) ln((rho s - u0)/u0), one colour per n (the diagonal is agreement); (c) final strength
over rho s against rho s: at small n the weak modes sink into the noise; (d) the capability onset: the squared
overlap of a width-1 network's learned directions with the teacher's mode, from a random small start, against
rho / rho_c, rho_c the threshold declared from d, n and sigma_eff, one colour per (d, n), with the spiked-matrix
theory 1 - a^2/(rho s)^2 at the experiment's finite n (lines).
"""
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D

from experiments.common import figures
from experiments.common.stats import summarise
from experiments.e4_deep_linear.claims import finite_noise_scale
from theory.deep_linear import mixture_half_time, mixture_mode_strength
from theory.spiked_correlation import critical_rho, overlap_sq

PRINTED = 1.0  # of the text width: paper.tex's \includegraphics width for this figure, so that it prints at scale 1


def main() -> None:
    args = figures.parser(__doc__).parse_args()
    everything = figures.read(args.tables)
    data = everything[everything["quantity"].isin(["mode_strength", "half_time", "final_strength"])]  # the main grid (the u0 sweep and
    # the noise-threshold run are in the ledger)
    cell = ["rho", "samples", "mode", "singular_value", "time"]
    u0 = float(data["init"].iloc[0])
    sizes = sorted(data["samples"].unique())
    dials = sorted(data["rho"].unique())
    fig, axes = plt.subplots(2, 2, figsize=(PRINTED * figures.WIDTH, 3.7))
    axes = axes.flat

    # (a) trajectories at the largest n: the measured mean at every third time (markers; filled at the largest rho, open
    # at the smallest), T6's sigmoid as lines
    traj = summarise(data[(data["quantity"] == "mode_strength") & (data["samples"] == sizes[-1])], cell)
    modes = sorted(traj["mode"].unique())
    horizon = 1.5 * float(np.nanmax(mixture_half_time(dials[0], traj["singular_value"], u0)))
    for j, r in enumerate([dials[0], dials[-1]]):
        for i, m in enumerate(modes):
            t = traj[(traj["rho"] == r) & (traj["mode"] == m) & (traj["time"] <= horizon)]
            s = float(t["singular_value"].iloc[0])
            c = figures.color(i, len(modes))
            axes[0].plot(t["time"], mixture_mode_strength(t["time"], r, s, u0), color=c, linewidth=0.8, label=f"$s$ = {s:g}" if j else None)
            figures.points(axes[0], t.iloc[::3], "time", color=c, marker="o" if j else "s", markersize=3 if j else 3.5,
                           markerfacecolor=c if j else "none", markeredgewidth=0.7)
    axes[0].set_xlim(0, horizon)
    axes[0].set_xlabel("time (learning rate $\\times$ steps)")
    axes[0].set_ylabel("mode strength")
    axes[0].set_title(f"(a) mode strengths, $n$ = {sizes[-1]}")
    handles = [*axes[0].get_legend_handles_labels()[0],
               Line2D([], [], color=figures.THEORY, marker="o", markersize=3, linestyle="none", label=rf"$\rho$ = {dials[-1]:g}"),
               Line2D([], [], color=figures.THEORY, marker="s", markersize=3.5, markerfacecolor="none", linestyle="none", label=rf"$\rho$ = {dials[0]:g}"),
               Line2D([], [], color=figures.THEORY, linewidth=0.8, label="T6")]
    figures.beside(axes[0], handles=handles)

    # (b) half-times against the prediction, (c) final strengths, one colour and marker per n
    for k, n in enumerate(sizes):
        c, shape = figures.color(k, len(sizes)), figures.marker(k)
        half = summarise(data[(data["quantity"] == "half_time") & (data["samples"] == n)], cell, censored=True)
        half["predicted"] = mixture_half_time(half["rho"], half["singular_value"], u0)
        figures.points(axes[1], half, "predicted", color=c, marker=shape, markersize=3, label=f"$n$ = {n}")
        final = data[(data["quantity"] == "final_strength") & (data["samples"] == n)].copy()
        final["value"] = final["value"] / (final["rho"] * final["singular_value"])
        final = summarise(final, cell)
        final["rho_s"] = final["rho"] * final["singular_value"]
        figures.points(axes[2], final, "rho_s", color=c, marker=shape, markersize=3, label=f"$n$ = {n}")
    span = np.array([axes[1].get_xlim()[0], axes[1].get_xlim()[1]])
    axes[1].plot(span, span, color=figures.THEORY, linewidth=0.8, label="T6 (agreement)")
    axes[1].set_xscale("log")
    axes[1].set_yscale("log")
    axes[1].set_xlabel("T6's half-time")
    axes[1].set_ylabel("measured half-time")
    axes[1].set_title("(b) half-times, every $\\rho$ and $s$")
    figures.beside(axes[1])
    axes[2].axhline(1, color=figures.THEORY, linewidth=0.8, label="T6: 1")
    axes[2].set_xscale("log")
    axes[2].set_xlabel(r"$\rho s$")
    axes[2].set_ylabel(r"final strength / $\rho s$")
    axes[2].set_title("(c) final strength")
    figures.beside(axes[2])

    # (d) the capability onset across the declared threshold
    onset = everything[everything["quantity"] == "onset_overlap"]
    shapes = sorted({(int(d), int(n)) for d, n in zip(onset["dimension"], onset["samples"])})
    for i, (d, n) in enumerate(shapes):
        rows = onset[(onset["dimension"] == d) & (onset["samples"] == n)]
        s = summarise(rows, ["dimension", "samples", "rho", "singular_value", "noise_variance"])
        strength, sigma2 = float(s["singular_value"].iloc[0]), float(s["noise_variance"].iloc[0])
        critical = critical_rho(strength, n, d, sigma2)
        s["x"] = s["rho"] / critical
        color = figures.color(len(figures.PALETTE) - 1 - i, len(figures.PALETTE))  # not (b, c)'s colours: these are (d, n) pairs
        figures.points(axes[3], s, "x", color=color, marker=figures.marker(i + 3), markersize=3, label=f"$d$ = {d}, $n$ = {n}")
        line = s.sort_values("rho")
        axes[3].plot(line["x"], overlap_sq(line["rho"] * strength, finite_noise_scale(line)), color=color, linewidth=0.8)
    axes[3].axvline(1, color="0.6", linewidth=0.5)
    axes[3].set_xlabel(r"$\rho / \rho_c$")
    axes[3].set_ylabel("squared overlap")
    axes[3].set_title("(d) onset, random start")
    figures.beside(axes[3], handles=[*axes[3].get_legend_handles_labels()[0], Line2D([], [], color=figures.THEORY, linewidth=0.8,
                                                                                        label="spiked-matrix\ntheory")])
    figures.save(fig, args.out)


if __name__ == "__main__":
    main()
