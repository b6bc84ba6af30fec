"""Figure E4: stage-like learning in a two-layer linear network, and how noise delays it (T6).

(a) each mode's strength over time at the largest n for two values of rho (solid: measured mean
over seeds; dashed: T6's sigmoid with s -> rho s); (b) measured half-times against T6's
(1/(2 rho s)) ln((rho s - u0)/u0), one colour per n (the diagonal is agreement); (c) final strength
over rho s against rho s: at small n the weak modes sink into the noise.
"""
import matplotlib.pyplot as plt
import numpy as np

from experiments.common import figures
from experiments.common.stats import summarise
from theory.deep_linear import mixture_half_time, mixture_mode_strength


def main() -> None:
    args = figures.parser(__doc__).parse_args()
    data = figures.read(args.tables)
    data = data[data["quantity"].isin(["mode_strength", "half_time", "final_strength"])]  # the main grid (the u0 sweep and
    # the noise-threshold run are in the ledger)
    cell = ["rho", "samples", "mode", "singular_value", "time"]
    u0 = float(data["init"].iloc[0])
    sizes = sorted(data["samples"].unique())
    dials = sorted(data["rho"].unique())
    fig, axes = plt.subplots(1, 3, figsize=(figures.WIDTH, 2.4))

    # (a) trajectories at the largest n
    traj = summarise(data[(data["quantity"] == "mode_strength") & (data["samples"] == sizes[-1])], cell)
    modes = sorted(traj["mode"].unique())
    for j, r in enumerate([dials[0], dials[-1]]):
        for i, m in enumerate(modes):
            t = traj[(traj["rho"] == r) & (traj["mode"] == m)]
            s = float(t["singular_value"].iloc[0])
            c = figures.color(i, len(modes))
            axes[0].plot(t["time"], t["mean"], color=c, linestyle="-" if j else ":", label=f"s={s:g}" if j else None)
            axes[0].plot(t["time"], mixture_mode_strength(t["time"], r, s, u0), color="k", linewidth=0.5, linestyle="--")
    axes[0].set_xlim(0, 1.5 * float(np.nanmax(mixture_half_time(dials[0], traj["singular_value"], u0))))
    axes[0].set_xlabel("time (learning rate x steps)")
    axes[0].set_ylabel("mode strength")
    axes[0].set_title(rf"(a) n={sizes[-1]}, $\rho$={dials[0]:g} (dotted), {dials[-1]:g}")
    axes[0].legend(frameon=False)

    # (b) half-times against the prediction, (c) final strengths
    for k, n in enumerate(sizes):
        c = figures.color(k, len(sizes))
        half = summarise(data[(data["quantity"] == "half_time") & (data["samples"] == n)], cell, censored=True)
        half["predicted"] = mixture_half_time(half["rho"], half["singular_value"], u0)
        figures.points(axes[1], half, "predicted", color=c, marker="o", label=f"n={n}")
        final = data[(data["quantity"] == "final_strength") & (data["samples"] == n)].copy()
        final["value"] = final["value"] / (final["rho"] * final["singular_value"])
        final = summarise(final, cell)
        final["rho_s"] = final["rho"] * final["singular_value"]
        figures.points(axes[2], final, "rho_s", color=c, marker="o", label=f"n={n}")
    span = np.array([axes[1].get_xlim()[0], axes[1].get_xlim()[1]])
    axes[1].plot(span, span, color="k", linewidth=0.6)
    axes[1].set_xscale("log")
    axes[1].set_yscale("log")
    axes[1].set_xlabel("predicted half-time")
    axes[1].set_ylabel("measured half-time")
    axes[1].set_title("(b) half-times")
    axes[1].legend(frameon=False)
    axes[2].axhline(1, color="k", linewidth=0.6)
    axes[2].set_xscale("log")
    axes[2].set_xlabel(r"$\rho s$")
    axes[2].set_ylabel(r"final strength / $\rho s$")
    axes[2].set_title("(c) final strength")
    figures.save(fig, args.out)


if __name__ == "__main__":
    main()
