"""What every figure shares: its command line, reading results, the look, and saving atomically.

The look (paper issue 22): a figure is drawn at the width the paper prints it (its script's PRINTED fraction of the
text width, the width paper.tex includes it at), so its fonts print at their size, never below MIN_POINTS; colours
are Okabe and Ito's colour-blind-safe set (a sequential map, viridis without its pale yellow end, where more series
than that are in order, e.g. many values of rho), and each series has its own marker too.  Theory is drawn as lines,
measurements as markers with 95% intervals over seeds and no line (measured curves with no theory to compare against,
such as accuracy over training, are lines).  Legends sit off the data, beside a panel or below the figure.  Runs that
diverged (NaN or infinite values), and censored times (+inf where the figure's summary says so: a level never reached
within the steps), are never drawn: a panel that lost any says how many of each under its title.  ``save`` refuses a
figure that ``audit`` finds unreadable (tests/paper/test_figures.py).
"""
import argparse
from itertools import combinations
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.container import ErrorbarContainer  # noqa: E402
from matplotlib.legend import Legend  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from experiments.common.io import atomic_path  # noqa: E402

WIDTH = 8.5 - 2 * 2.2 / 2.54  # inches: paper.tex's text width (letter paper less its 2.2 cm margins); a figure is drawn at the
# fraction of it (its script's PRINTED) at which paper.tex includes it, so that it prints at scale 1 and a font at its size
MIN_POINTS = 7.0  # the smallest text a reader should have to read, at printed size
GAP = 2.0  # points: the least space between two texts side by side

# Okabe & Ito (2008), "Color Universal Design", without yellow (unreadable on white): blue, orange, bluish green,
# vermillion, reddish purple, sky blue, black.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000")
SEQUENTIAL = plt.get_cmap("viridis")
MARKER_CYCLE = ("o", "s", "^", "D", "v", "P", "X", "<", ">", "h", "*")
MODELS = {"linear": {"marker": "o", "markersize": 3.5}, "mlp": {"marker": "^", "markersize": 5.5, "markerfacecolor": "none"}}  # the MLP's
# open triangles are larger than the linear model's dots, so that where the two agree both stay visible
THEORY = "0.25"  # the grey of a theory line shared by every series of a panel, and of the legend's key entries

# pdf.fonttype 42 embeds TrueType fonts: publishers reject the default Type 3 (tests/paper/test_figures.py).
plt.rcParams.update({"font.size": 8, "axes.titlesize": 8, "axes.labelsize": 8, "xtick.labelsize": 7, "ytick.labelsize": 7,
                     "legend.fontsize": 7, "legend.title_fontsize": 7, "legend.frameon": False, "legend.handlelength": 1.6,
                     "lines.linewidth": 1.0, "lines.markersize": 4, "errorbar.capsize": 1.5, "pdf.fonttype": 42,
                     "figure.constrained_layout.use": True, "savefig.bbox": None})


def parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--out", type=Path, required=True, help="the figure (PDF)")
    p.add_argument("tables", type=Path, nargs="+", help="tidy results tables (CSV)")
    return p


def read(paths: list[Path]) -> pd.DataFrame:
    return pd.concat([pd.read_csv(p) for p in paths], ignore_index=True)


def color(i: int, n: int):
    """The i-th of n series' colour: Okabe-Ito's while they suffice, else ``shade``."""
    return PALETTE[i] if n <= len(PALETTE) else shade(i, n)


def shade(i: int, n: int):
    """The i-th of n ordered series' colour, evenly along viridis from dark blue to green (its pale yellow end left out)."""
    return SEQUENTIAL(0.85 * i / max(n - 1, 1))


def marker(i: int) -> str:
    """The i-th series' marker, so that series differ in shape as well as colour."""
    return MARKER_CYCLE[i % len(MARKER_CYCLE)]


def points(ax, summary: pd.DataFrame, x: str, **style) -> None:
    """Means over seeds with their 95% intervals (a summary from experiments.common.stats.summarise), as markers."""
    note_diverged(ax, int(summary["n_diverged"].sum()))
    note_diverged(ax, int(summary["n_censored"].sum()), "censored")
    summary = summary[summary["n_seeds"] > 0]
    err = [summary["mean"] - summary["ci_low"], summary["ci_high"] - summary["mean"]]
    ax.errorbar(summary[x], summary["mean"], yerr=err, linestyle="none", zorder=3, **style)


def beside(ax, **kw):
    """The panel's legend to its right, off the data."""
    return ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5), borderaxespad=0, **kw)


def below(fig, **kw):
    """One legend for the whole figure, under its panels."""
    return fig.legend(loc="outside lower center", **kw)


def note_diverged(ax, runs: int, what: str = "diverged") -> None:
    """Add ``runs`` to the panel's count of diverged (or censored: never reached their level within the steps) runs
    left out; ``save`` writes the counts under the panel's title, off the data."""
    if runs == 0:
        return
    ax.left_out = getattr(ax, "left_out", {})
    ax.left_out[what] = ax.left_out.get(what, 0) + runs


def left_out_note(ax) -> str:
    """The panel's count of the runs note_diverged left out, as save writes it under the title ("" where none)."""
    left_out = getattr(ax, "left_out", {})
    return ", ".join(f"{n} {kind} run{'s' if n > 1 else ''}" for kind, n in left_out.items()) + " not shown" if left_out else ""


def audit(fig) -> list[str]:
    """What makes ``fig`` hard to read, drawn at its printed size: text under MIN_POINTS, a legend that repeats a label or
    covers a plotted point, a measured point outside its axes' limits, texts that overlap (or sit closer side by side than GAP) or run off the
    figure."""
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    every_axes = fig.findobj(Axes)  # with those of subfigures, which fig.axes leaves out
    drawn = {id(label) for ax in every_axes if ax.axison for axis in ax._axis_map.values() if axis.get_visible()
             for tick in axis._update_ticks() for label in (tick.label1, tick.label2)}  # the tick labels in view, which alone are drawn
    ticks = {id(label) for ax in every_axes for axis in ax._axis_map.values()
             for tick in [*axis.majorTicks, *axis.minorTicks] for label in (tick.label1, tick.label2)}
    texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip() and (id(t) not in ticks or id(t) in drawn)]
    problems = [f"{t.get_text()!r} prints at {t.get_fontsize():.1f} pt" for t in texts if t.get_fontsize() < MIN_POINTS - 1e-9]
    for legend in fig.findobj(Legend):
        labels = [t.get_text() for t in legend.get_texts()]
        problems += [f"the legend repeats {label!r}" for label in sorted({x for x in labels if labels.count(x) > 1})]
        box = legend.get_window_extent(renderer)
        for ax in every_axes:
            for line in ax.lines:
                xy = line.get_transform().transform(np.column_stack(line.get_data()).astype(float))  # axhline's x is in axes units
                if box.count_contains(xy[np.isfinite(xy).all(axis=1)]):
                    problems.append(f"the legend {labels} covers {line.get_label()!r} in {ax.get_title()!r}")
    for ax in every_axes:
        names = {id(c.lines[0]): c.get_label() for c in ax.containers if isinstance(c, ErrorbarContainer)}  # errorbar labels its container
        for line in ax.lines:
            if line.get_marker() in ("None", "", None, " ", "_", "|"):
                continue  # a theory line may run off the panel, and an interval's caps (below 0 on a log axis); a measurement may not
            x, y = (np.asarray(v, dtype=float) for v in line.get_data())
            shown = np.isfinite(x) & np.isfinite(y)
            for values, limits, scale_name in ((x[shown], ax.get_xlim(), ax.get_xscale()), (y[shown], ax.get_ylim(), ax.get_yscale())):
                low, high = sorted(limits)
                if ((values < low) | (values > high) | ((values <= 0) if scale_name == "log" else False)).any():
                    problems.append(f"{names.get(id(line), line.get_label())!r} in {ax.get_title()!r} has points outside the axes ({low:g}, {high:g})")
    boxes = [(t, t.get_window_extent(renderer)) for t in texts]
    page = fig.bbox
    legends = [(f"a legend {[t.get_text() for t in legend.get_texts()]}", legend.get_window_extent(renderer)) for legend in fig.findobj(Legend)]
    for what, box in [*((repr(t.get_text()), b) for t, b in boxes), *legends]:
        if box.x0 < page.x0 - 0.5 or box.y0 < page.y0 - 0.5 or box.x1 > page.x1 + 0.5 or box.y1 > page.y1 + 0.5:
            problems.append(f"{what} is cut at the figure's edge")
    gap = GAP * fig.dpi / 72 / 2  # pixels each side: texts side by side need GAP points between them to read as two
    for (s, a), (t, b) in combinations(boxes, 2):
        if a.x0 - gap < b.x1 + gap and b.x0 - gap < a.x1 + gap and min(a.y1, b.y1) - max(a.y0, b.y0) > 0.5:
            problems.append(f"{s.get_text()!r} overlaps {t.get_text()!r}")
    return problems


def save(fig, out: Path) -> None:
    """Write the figure at its drawn size; log axes keep labels on their decades only (minor labels crowd short ranges).
    Refuses (ValueError) a figure that ``audit`` finds hard to read."""
    for ax in fig.findobj(Axes):
        for axis in (ax.xaxis, ax.yaxis):
            if axis.get_scale() == "log":
                axis.set_minor_formatter(plt.NullFormatter())
        note = left_out_note(ax)
        if note:
            ax.set_title(f"{ax.get_title()}\n({note})")
    problems = audit(fig)
    if problems:
        raise ValueError(f"{out.name} is hard to read at its printed width:\n  " + "\n  ".join(problems))
    with atomic_path(out) as tmp:
        fig.savefig(tmp, format="pdf")
    plt.close(fig)
