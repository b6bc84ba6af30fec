"""Figure E8: a capability jump on (a + b) mod p under the label mixture, over a phase diagram.

(a) clean test accuracy over steps at the first setting, one colour per rho (mean over seeds; the jump level
and chance 1/p in grey); (b) the phase diagram: each setting (p, f, lambda) a row, each rho a tile coloured by
what most seeds end in after the horizon (memorise only; generalise and memorise the random training labels;
generalise and overwrite them with the rule), with the norm competition's rho_c declared from the ends (black
bar); (c) the jump's delay jump(rho)/jump(1) against rho, one colour per setting: jumped seeds' mean as points,
cells with a seed censored at the horizon as lower bounds (open triangles at the censored mean), and the delay
declared from the ends (line); (d) the dip: clean test accuracy over steps 10-50 against the additive
memoriser's (line); (e) the gradient signal ||G(rho)||^2/||G(1)||^2 at initialisation against its expectation
declared from the ends (line).
"""
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.lines import Line2D

from experiments.common import figures
from experiments.common.stats import summarise
from experiments.e8_modular_addition.spec import CELL, JUMP_LEVEL

PRINTED = 0.95  # of the text width: paper.tex's \includegraphics width for this figure, so that it prints at scale 1

PHASES = ("memorise only", "generalise, memorise", "generalise, overwrite")
PHASE_COLORS = ("0.85", "#9ECAE1", "#FDAE6B")  # grey, light blue, light orange: apart from the settings' colours
SETTING = ["modulus", "train_fraction", "weight_decay"]


def phase(final) -> int:
    """A member's phase after the horizon: 0 no jump; 1 jumped, random training labels kept; 2 jumped, overwritten."""
    if not final["clean_accuracy"] >= JUMP_LEVEL:
        return 0
    return 2 if final["train_rule_on_random"] > final["train_accuracy_random"] else 1


def members(data):
    """One row per member: its setting, rho, seed and what it measured after the horizon (one column per quantity)."""
    finals = data[data["step"] == data.groupby(SETTING)["step"].transform("max")]
    return finals.set_index(SETTING + ["rho", "seed", "quantity"])["value"].unstack("quantity").reset_index()


def of(frame, setting):
    """The rows of one setting (p, f, lambda)."""
    return frame[(frame["modulus"] == setting[0]) & (frame["train_fraction"] == setting[1]) & (frame["weight_decay"] == setting[2])]


def label(setting) -> str:
    p, f, wd = setting
    return rf"p={p:g}, f={f:g}, $\lambda$={wd:g}"


def main() -> None:
    args = figures.parser(__doc__).parse_args()
    data = figures.read(args.tables)
    settings = sorted(set(zip(data["modulus"], data["train_fraction"], data["weight_decay"])), key=lambda s: (-s[0], s[1], s[2]))
    finals = data[data["step"] == data.groupby(SETTING)["step"].transform("max")]
    found = members(data)
    colors = {s: figures.color(i, len(settings)) for i, s in enumerate(settings)}
    shapes = {s: figures.marker(i) for i, s in enumerate(settings)}
    fig = plt.figure(figsize=(PRINTED * figures.WIDTH, 4.9))
    rows = fig.add_gridspec(2, 1, height_ratios=[1, 1])
    top, bottom = rows[0].subgridspec(1, 2, width_ratios=[1, 1.6]), rows[1].subgridspec(1, 3)
    axes = [fig.add_subplot(top[0]), fig.add_subplot(top[1]), *(fig.add_subplot(bottom[i]) for i in range(3))]

    # (a) clean test accuracy over training, first setting (measured means, no theory)
    first = of(data, settings[0])
    dials = sorted(first["rho"].unique())
    for i, r in enumerate(dials):
        s = summarise(first[(first["rho"] == r) & (first["quantity"] == "test_accuracy_curve")], ["rho", "step"])
        axes[0].plot(s["step"].clip(lower=1), s["mean"], color=figures.shade(i, len(dials)), label=f"{r:g}")
    for level in (JUMP_LEVEL, 1 / settings[0][0]):
        axes[0].axhline(level, color="0.6", linewidth=0.5, linestyle="--")
    axes[0].set_xscale("log")
    axes[0].set_xlabel("step")
    axes[0].set_ylabel("clean test accuracy")
    axes[0].set_title(f"(a) {label(settings[0])}")
    axes[0].set_ylim(-0.02, 1.02)
    figures.beside(axes[0], title=r"$\rho$", handlelength=1.0, labelspacing=0.2)

    # (b) the phase diagram, with rho_c declared from the ends
    rhos = sorted(found["rho"].unique())
    tiles = np.full((len(settings), len(rhos)), np.nan)
    for i, setting in enumerate(settings):
        members_of = of(found, setting)
        for j, r in enumerate(rhos):
            phases = [phase(m) for _, m in members_of[members_of["rho"] == r].iterrows()]
            if phases:
                tiles[i, j] = np.bincount(phases, minlength=3).argmax()
        critical = members_of["rho_critical"].mean()
        x = np.interp(critical, rhos, np.arange(len(rhos)))
        axes[1].plot([x, x], [i - 0.45, i + 0.45], color="k", linewidth=1.5)
    axes[1].imshow(tiles, cmap=ListedColormap(PHASE_COLORS), vmin=-0.5, vmax=2.5, aspect="auto")
    axes[1].set_xticks(range(len(rhos)), [f"{r:g}" for r in rhos], rotation=90)
    axes[1].set_yticks(range(len(settings)), [", ".join(f"{v:g}" for v in s) for s in settings])
    axes[1].set_ylabel(r"setting $(p, f, \lambda)$")
    for tick, setting in zip(axes[1].get_yticklabels(), settings):  # each setting's colour in (c)-(e)
        tick.set_color(colors[setting])
    axes[1].set_xlabel(r"dial $\rho$")
    axes[1].set_title("(b) phase after the horizon (most seeds)")
    handles = [plt.Rectangle((0, 0), 1, 1, color=c, label=p) for c, p in zip(PHASE_COLORS, PHASES)]
    handles.append(Line2D([], [], color="k", linewidth=1.5, label=r"$\rho_c$ declared" "\nfrom the ends"))
    figures.beside(axes[1], handles=handles, handlelength=1.0)

    # (c) the jump's delay, censored runs as lower bounds, and the delay declared from the ends
    for setting in settings:
        members_of = of(found, setting)
        members_of = members_of[members_of["rho"] > 0]
        cells = members_of.groupby("rho").agg(delay=("jump_delay_at_least", "mean"), censored=("censored", "max"),
                                              declared=("declared_delay", "mean"), horizon=("horizon_ratio", "mean")).reset_index()
        jumped, censored = cells[cells["censored"] == 0], cells[cells["censored"] > 0]
        axes[2].plot(jumped["rho"], jumped["delay"], linestyle="none", marker=shapes[setting], markersize=3.5, color=colors[setting])
        axes[2].plot(censored["rho"], censored["delay"], linestyle="none", marker="^", markersize=4.5, markerfacecolor="none", color=colors[setting])
        shown = cells[np.isfinite(cells["declared"]) & (cells["declared"] < cells["horizon"])]
        axes[2].plot(shown["rho"], shown["declared"], color=colors[setting], linewidth=0.8)
    axes[2].set_yscale("log")
    axes[2].set_xlabel(r"dial $\rho$")
    axes[2].set_ylabel(r"jump step / jump step at $\rho$ = 1")
    axes[2].set_title("(c) delay of the jump")

    # (d) the dip below chance against the additive memoriser, and (e) the gradient signal against its expectation
    for ax, measured, declared, title in ((axes[3], "dip_accuracy", "memoriser_accuracy", "(d) dip, steps 10-50"),
                                          (axes[4], "grad_signal_ratio", "grad_signal_expected", "(e) signal at initialisation")):
        for setting in settings:
            members_of = of(finals, setting)
            figures.points(ax, summarise(members_of[members_of["quantity"] == measured], list(CELL)), "rho", color=colors[setting],
                           marker=shapes[setting], markersize=3)
            line = summarise(members_of[members_of["quantity"] == declared], list(CELL))
            ax.plot(line["rho"], line["mean"], color=colors[setting], linewidth=0.8)
        ax.set_xlabel(r"dial $\rho$")
        ax.set_title(title)
    axes[3].axhline(1 / settings[0][0], color="0.6", linewidth=0.5, linestyle="--")
    axes[3].set_ylabel("clean test accuracy")
    axes[4].set_ylabel(r"$\|G(\rho)\|^2 / \|G(1)\|^2$")
    handles = [Line2D([], [], color=colors[s], marker=shapes[s], markersize=3.5, label=label(s)) for s in settings]
    handles += [Line2D([], [], color=figures.THEORY, label="declared from the ends\n((d): the memoriser)"),
                Line2D([], [], color=figures.THEORY, marker="^", markerfacecolor="none", markersize=4.5, linestyle="none",
                       label="(c) censored: a lower bound")]
    figures.below(fig, handles=handles, ncol=4)
    figures.save(fig, args.out)


if __name__ == "__main__":
    main()
