"""What every figure shares: its command line, reading results, the look, and saving atomically.

Theory is drawn as lines, measurements as points with 95% intervals over seeds.  Runs that
diverged (NaN or infinite values), and censored times (+inf where the figure's summary says so: a level never reached
within the steps), are never drawn: a panel that lost any says how many of each, in red.
"""
import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from experiments.common.io import atomic_path  # noqa: E402

WIDTH = 7.0  # inches: the text width of the paper
COLORS = plt.get_cmap("viridis")
MARKERS = {"linear": "o", "mlp": "^"}

# pdf.fonttype 42 embeds TrueType fonts: publishers reject the default Type 3 (tests/paper/test_figures.py).
plt.rcParams.update({"font.size": 8, "axes.titlesize": 8, "legend.fontsize": 6.5, "lines.linewidth": 1.0, "savefig.bbox": "tight", "pdf.fonttype": 42})


def parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--out", type=Path, required=True, help="the figure (PDF)")
    p.add_argument("tables", type=Path, nargs="+", help="tidy results tables (CSV)")
    return p


def read(paths: list[Path]) -> pd.DataFrame:
    return pd.concat([pd.read_csv(p) for p in paths], ignore_index=True)


def color(i: int, n: int):
    return COLORS(0.1 + 0.8 * i / max(n - 1, 1))


def points(ax, summary: pd.DataFrame, x: str, **style) -> None:
    """Means over seeds with their 95% intervals (a summary from experiments.common.stats.summarise)."""
    note_diverged(ax, int(summary["n_diverged"].sum()))
    note_diverged(ax, int(summary["n_censored"].sum()), "censored")
    summary = summary[summary["n_seeds"] > 0]
    err = [summary["mean"] - summary["ci_low"], summary["ci_high"] - summary["mean"]]
    ax.errorbar(summary[x], summary["mean"], yerr=err, linestyle="none", markersize=3.5, capsize=1.5, **style)


def note_diverged(ax, runs: int, what: str = "diverged") -> None:
    """Add ``runs`` to the panel's count of diverged (or censored: never reached their level within the steps) runs
    left out, shown in its lower left corner."""
    if runs == 0:
        return
    note = next((t for t in ax.texts if t.get_gid() == "diverged"), None)
    if note is None:
        note = ax.text(0.02, 0.02, "", transform=ax.transAxes, gid="diverged", color="red", fontsize=6.5)
        note.runs = {}
    note.runs[what] = note.runs.get(what, 0) + runs
    note.set_text(", ".join(f"{n} {kind} run{'s' if n > 1 else ''}" for kind, n in note.runs.items()) + " not shown")


def save(fig, out: Path) -> None:
    """Write the figure; log axes keep labels on their decades only (minor labels crowd short ranges)."""
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if axis.get_scale() == "log":
                axis.set_minor_formatter(plt.NullFormatter())
    with atomic_path(out) as tmp:
        fig.savefig(tmp, format="pdf")
    plt.close(fig)
