"""Figure E7: the middle of the dial, mapped (paper section "The middle, mapped").

One row per quantity with a prediction at both ends of the dial (experiments/e7_middle_map/spec.py's MIDDLE_MAP); in the left
panel the naive prediction (the two ends interpolated linearly in rho), in the right the continued theory.
Each tile is one ledger cell at (rho, scale): its error in units of its tolerance, the ledger's statistic
(blue: measured below the prediction, red: above, white: equal), on a scale linear within one tolerance and
logarithmic beyond, to the largest statistic on the map.  Framed tiles hold (|statistic| <= 1); grey, if any, is no cell.
"""
import json

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import SymLogNorm
from matplotlib.patches import Rectangle

from experiments.common import figures
from experiments.e7_middle_map.spec import MIDDLE_MAP

CMAP = plt.get_cmap("RdBu_r").with_extremes(bad="0.6")  # grey: no cell


def scale_label(names: tuple[str, ...], values: tuple) -> str:
    short = {"classes": "V", "samples_per_key": "m", "keys": "K", "features": "d", "samples": "n", "singular_value": "s",
             "weights": "N", "points": "P", "train_size": "n", "train_fraction": "f",
             "modulus": "p", "weight_decay": r"$\lambda$"}
    return ", ".join(f"{short.get(n, n)}={v:g}" for n, v in zip(names, values))


TILE = 0.1  # inches per tile row, so that a 7 pt label fits each row
OVERHEAD = 0.75  # inches per row of panels: its title, tick labels and axis label


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


def panel(ax, cells: pd.DataFrame, scale: tuple[str, ...], which: str, norm) -> plt.cm.ScalarMappable | None:
    if cells.empty:
        ax.text(0.5, 0.5, "no cell in this build", ha="center", va="center", transform=ax.transAxes)
        ax.set_xticks([]), ax.set_yticks([])
        return None
    grid, rhos, rows = grid_of(cells, scale)
    image = ax.imshow(grid, cmap=CMAP, norm=norm, aspect="auto", origin="lower")
    for (i, j), stat in np.ndenumerate(grid):
        if np.abs(stat) <= 1:
            ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, edgecolor="k", linewidth=0.8))
    labelled = sorted({0, len(rhos) // 2, len(rhos) - 1})  # tiles are categories: every one ticked, three labelled
    ax.set_xticks(labelled, [f"{rhos[j]:g}" for j in labelled])
    ax.set_xticks(range(len(rhos)), minor=True)
    ax.set_yticks(range(len(rows)), [scale_label(scale, r).replace(r"$\lambda$", "\u03bb") for r in rows])  # a plain lambda is a
    # line of text high, mathtext's a little more than a tile
    ax.set_xlabel(rf"$\rho$, {which}")
    return image


def main() -> None:
    args = figures.parser(__doc__).parse_args()
    ledger = pd.concat([pd.read_csv(p, dtype={"params": str}) for p in args.tables], ignore_index=True)
    claims = [c for _, _, naive, continued in MIDDLE_MAP for c in (naive, continued) if c is not None]
    stats = ledger.loc[ledger["claim"].isin(claims), "statistic"].abs()
    end = 10 ** np.ceil(np.log10(max(float(stats.max()), 10))) if stats.notna().any() else 10.0
    norm = SymLogNorm(linthresh=1, linscale=1, vmin=-end, vmax=end, base=10)  # linear within the tolerance, in decades beyond
    pairs = [MIDDLE_MAP[k:k + 2] for k in range(0, len(MIDDLE_MAP), 2)]  # two quantities side by side
    tiles = [max(len(grid_of(ledger[ledger["claim"] == naive], scale)[2]) if (ledger["claim"] == naive).any() else 1
                 for _, scale, naive, _ in pair) for pair in pairs]
    heights = [TILE * t + OVERHEAD for t in tiles] + [0.75]
    fig = plt.figure(figsize=(figures.WIDTH, sum(heights)))
    rows = fig.subfigures(len(heights), 1, height_ratios=heights)
    image, missing = None, False
    for row, pair in zip(rows, pairs):
        for cell, (label, scale, naive, continued) in zip(row.subfigures(1, 2), pair):
            cell.suptitle(label, fontsize=8)
            left, right = cell.subplots(1, 2, sharey=True)
            image = panel(left, ledger[ledger["claim"] == naive], scale, "naive", norm) or image
            if continued is None:
                right.axis("off")
                right.text(0.5, 0.5, "continued\n= naive", ha="center", va="center", transform=right.transAxes)
            else:
                image = panel(right, ledger[ledger["claim"] == continued], scale, "continued", norm) or image
                right.tick_params(labelleft=False)
            missing |= any(np.isnan(im.get_array()).any() for ax in (left, right) for im in ax.images)
    if image is not None:
        bar = rows[-1].add_gridspec(1, 3, width_ratios=[1, 2.2, 1])
        decades = int(np.log10(end))
        ticks = sorted({0, *(s * 10.0**k for s in (-1, 1) for k in range(0, decades + 1, max(1, decades // 3)))})
        colorbar = rows[-1].colorbar(image, cax=rows[-1].add_subplot(bar[1]), orientation="horizontal", ticks=ticks)
        colorbar.ax.set_xticklabels([f"{t:g}" if abs(t) < 100 else f"$10^{{{np.log10(abs(t)):.0f}}}$" if t > 0 else f"$-10^{{{np.log10(-t):.0f}}}$"
                                     for t in ticks])
        colorbar.set_label("(measured \u2212 prediction) / tolerance: blue below, red above, white equal;\n"
                           "framed: within the tolerance (holds)" + ("; grey: no cell" if missing else ""))
    figures.save(fig, args.out)


if __name__ == "__main__":
    main()
