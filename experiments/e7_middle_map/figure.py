"""Figure E7: the middle of the dial, mapped (paper section "The middle, mapped").

One pair of panels per quantity with a prediction at both ends of the dial (experiments/e7_middle_map/spec.py's
MIDDLE_MAP): on the left the naive prediction (the two ends interpolated linearly in rho), on the right the continued
theory.  Each tile is one ledger cell at (rho, scale): its error in units of its tolerance, the ledger's statistic
(blue: measured below the prediction, red: above, white: equal), on a scale linear within one tolerance and
logarithmic beyond, to the largest statistic on the map.  Framed tiles hold (|statistic| <= 1); grey, if any, is no
cell.  A map of more than a few scales labels its groups (the first parameter of the scale; the rest rise within each
group, as its title says) or its first, middle and last scale.
"""
import json

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import SymLogNorm
from matplotlib.patches import Rectangle

from experiments.common import figures
from experiments.e7_middle_map.spec import MIDDLE_MAP

PRINTED = 0.72  # of the text width: paper.tex's \includegraphics width for this figure, so that it prints at scale 1

CMAP = plt.get_cmap("RdBu_r").with_extremes(bad="0.6")  # grey: no cell
EVERY_ROW = 6  # up to this many scales, each row of tiles is labelled
LABELLED, GROUPED = 0.1, 0.05  # inches per row of tiles: a 7 pt label to each row, or to a group of rows
OVERHEAD = 0.75  # inches per row of panels: its title, tick labels and axis label; a second line of title adds NOTE
NOTE = 0.13


def scale_label(names: tuple[str, ...], values: tuple) -> str:
    short = {"classes": "V", "samples_per_key": "m", "keys": "K", "features": "d", "samples": "n", "singular_value": "s",
             "weights": "N", "points": "P", "train_size": "n", "train_fraction": "f",
             "modulus": "p", "weight_decay": r"$\lambda$"}
    return ", ".join(f"{short.get(n, n)}={v:g}" for n, v in zip(names, values))


def grid_of(cells: pd.DataFrame, scale: tuple[str, ...]) -> tuple[np.ndarray, list, list]:
    """The ledger's statistic of the cells inside the dial as a (scale, rho) grid (NaN where no cell), with its rhos and scales."""
    params = pd.DataFrame([json.loads(p) for p in cells["params"]])
    inside = ((params["rho"] > 0) & (params["rho"] < 1)).to_numpy()  # the map is of the middle; the ends have their own claims
    params, cells = params[inside].reset_index(drop=True), cells[inside]
    rhos = sorted(params["rho"].unique())
    rows = sorted({tuple(r) for r in params[list(scale)].itertuples(index=False)})
    grid = np.full((len(rows), len(rhos)), np.nan)
    for (i, p), stat in zip(params.iterrows(), cells["statistic"]):
        grid[rows.index(tuple(p[list(scale)])), rhos.index(p["rho"])] = stat
    return grid, rhos, rows


def scales(ledger: pd.DataFrame, scale: tuple[str, ...], *claims) -> list:
    """The scales (rows of tiles) of a quantity's panels."""
    rows = [grid_of(ledger[ledger["claim"] == c], scale)[2] for c in claims if c is not None and (ledger["claim"] == c).any()]
    return max(rows, key=len, default=[])


def row_labels(scale: tuple[str, ...], rows: list) -> tuple[list, list, str]:
    """Where the rows of tiles are labelled, with what, and what a title must add: every row when they are few; else the
    groups of the scale's first parameter, the rest rising within each group; else the first, middle and last row."""
    if len(rows) <= EVERY_ROW:
        return list(range(len(rows))), [scale_label(scale, r).replace(r"$\lambda$", "\u03bb") for r in rows], ""
    if len(scale) > 1:
        groups = sorted({r[0] for r in rows})
        centres = [float(np.mean([i for i, r in enumerate(rows) if r[0] == g])) for g in groups]
        inner = sorted({r[1:] for r in rows})
        return centres, [scale_label(scale[:1], (g,)) for g in groups], \
            f"({scale_label(scale[1:], inner[0])} to {scale_label(scale[1:], inner[-1])} upward in each)"
    ends = sorted({0, len(rows) // 2, len(rows) - 1})
    return ends, [scale_label(scale, rows[i]) for i in ends], ""


def panel(ax, cells: pd.DataFrame, scale: tuple[str, ...], norm) -> plt.cm.ScalarMappable | None:
    if cells.empty:
        ax.text(0.5, 0.5, "no cell\nin this build", ha="center", va="center", transform=ax.transAxes)
        ax.set_xticks([]), ax.set_yticks([])
        return None
    grid, rhos, rows = grid_of(cells, scale)
    image = ax.imshow(grid, cmap=CMAP, norm=norm, aspect="auto", origin="lower")
    for (i, j), stat in np.ndenumerate(grid):
        if np.abs(stat) <= 1:
            ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, edgecolor="k", linewidth=0.6))
    labelled = sorted({0, len(rhos) - 1})  # tiles are categories: every one ticked, the ends labelled
    ax.set_xticks(labelled, [f"{rhos[j]:g}" for j in labelled])
    ax.set_xticks(range(len(rhos)), minor=True)
    positions, labels, _ = row_labels(scale, rows)
    ax.set_yticks(positions, labels)
    if len(scale) > 1 and len(rows) > EVERY_ROW:  # a line between groups
        for i in range(1, len(rows)):
            if rows[i][0] != rows[i - 1][0]:
                ax.axhline(i - 0.5, color="k", linewidth=1.2)
    ax.set_yticks(range(len(rows)), minor=True)
    ax.set_xlabel(r"$\rho$")
    return image


def main() -> None:
    args = figures.parser(__doc__).parse_args()
    ledger = pd.concat([pd.read_csv(p, dtype={"params": str}) for p in args.tables], ignore_index=True)
    claims = [c for _, _, naive, continued in MIDDLE_MAP for c in (naive, continued) if c is not None]
    stats = ledger.loc[ledger["claim"].isin(claims), "statistic"].abs()
    end = 10 ** np.ceil(np.log10(max(float(stats.max()), 10))) if stats.notna().any() else 10.0
    norm = SymLogNorm(linthresh=1, linscale=1, vmin=-end, vmax=end, base=10)  # linear within the tolerance, in decades beyond
    pairs = [MIDDLE_MAP[k:k + 2] for k in range(0, len(MIDDLE_MAP), 2)]  # two quantities side by side
    notes, heights = [], []
    for pair in pairs:
        rows = [(scale, scales(ledger, scale, naive, continued)) for _, scale, naive, continued in pair]
        notes.append([row_labels(scale, r)[2] for scale, r in rows])
        heights.append(max(len(r) * (LABELLED if len(r) <= EVERY_ROW else GROUPED) for _, r in rows) + OVERHEAD + NOTE * any(notes[-1]))
    heights.append(0.95)  # the colour bar and its explanation
    fig = plt.figure(figsize=(PRINTED * figures.WIDTH, sum(heights)))
    rows = fig.subfigures(len(heights), 1, height_ratios=heights)
    image, missing = None, False
    for row, pair, pair_notes in zip(rows, pairs, notes):
        for cell, (label, scale, naive, continued), note in zip(row.subfigures(1, 2), pair, pair_notes):
            cell.suptitle(f"{label}\n{note}" if note else label, fontsize=7)
            left, right = cell.subplots(1, 2, sharey=True)
            image = panel(left, ledger[ledger["claim"] == naive], scale, norm) or image
            if continued is None:
                right.axis("off")
                right.text(0.5, 0.5, "continued\n= naive", ha="center", va="center", transform=right.transAxes)
            else:
                image = panel(right, ledger[ledger["claim"] == continued], scale, norm) or image
                right.tick_params(which="both", labelleft=False)
            missing |= any(np.isnan(im.get_array()).any() for ax in (left, right) for im in ax.images)
    if image is not None:
        bar = rows[-1].add_gridspec(1, 3, width_ratios=[1, 4, 1])
        decades = int(np.log10(end))
        ticks = sorted({0, *(s * 10.0**k for s in (-1, 1) for k in range(0, decades + 1, 2 if decades > 3 else 1))})
        colorbar = rows[-1].colorbar(image, cax=rows[-1].add_subplot(bar[1]), orientation="horizontal", ticks=ticks)
        colorbar.ax.set_xticklabels([f"{t:g}" if abs(t) < 100 else f"$10^{{{np.log10(abs(t)):.0f}}}$" if t > 0 else f"$-10^{{{np.log10(-t):.0f}}}$"
                                     for t in ticks])
        colorbar.set_label("(measured \u2212 prediction) / tolerance: blue below, red above,\nwhite equal; framed: within the tolerance "
                           "(holds)" + ("; grey: no cell" if missing else "") + "\nleft of each pair: naive; right: continued")
    figures.save(fig, args.out)


if __name__ == "__main__":
    main()
