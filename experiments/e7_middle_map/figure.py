"""Figure E7: the middle of the dial, mapped (paper section "The middle, mapped").

One row per quantity with a prediction at both ends of the dial (experiments/e7_middle_map/spec.py's MIDDLE_MAP); in the left
panel the naive prediction (the two ends interpolated linearly in rho), in the right the continued theory.
Each tile is one ledger cell at (rho, scale): its error in units of its tolerance, the ledger's statistic
(blue: measured below the prediction, red: above; clipped at 4).  Framed tiles hold (|statistic| <= 1).
"""
import json

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import Rectangle

from experiments.common import figures
from experiments.e7_middle_map.spec import MIDDLE_MAP

CLIP = 4.0  # the colour scale's end, in tolerances


def scale_label(names: tuple[str, ...], values: tuple) -> str:
    short = {"classes": "V", "samples_per_key": "m", "keys": "K", "features": "d", "samples": "n", "singular_value": "s",
             "weights": "N", "points": "P", "train_size": "n", "train_fraction": "f",
             "modulus": "p", "weight_decay": r"$\lambda$"}
    return ", ".join(f"{short.get(n, n)}={v:g}" for n, v in zip(names, values))


def panel(ax, cells: pd.DataFrame, scale: tuple[str, ...], title: str) -> plt.cm.ScalarMappable | None:
    ax.set_title(title)
    if cells.empty:
        ax.text(0.5, 0.5, "no cell in this build", ha="center", va="center", transform=ax.transAxes)
        ax.set_xticks([]), ax.set_yticks([])
        return None
    params = pd.DataFrame([json.loads(p) for p in cells["params"]])
    inside = ((params["rho"] > 0) & (params["rho"] < 1)).to_numpy()  # the map is of the middle; the ends have their own claims
    params, cells = params[inside].reset_index(drop=True), cells[inside]
    rhos = sorted(params["rho"].unique())
    rows = sorted({tuple(r) for r in params[list(scale)].itertuples(index=False)})
    grid = np.full((len(rows), len(rhos)), np.nan)
    for (i, p), stat in zip(params.iterrows(), cells["statistic"]):
        grid[rows.index(tuple(p[list(scale)])), rhos.index(p["rho"])] = stat
    image = ax.imshow(np.clip(grid, -CLIP, CLIP), cmap="RdBu_r", vmin=-CLIP, vmax=CLIP, aspect="auto", origin="lower")
    for (i, j), stat in np.ndenumerate(grid):
        if np.abs(stat) <= 1:
            ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, edgecolor="k", linewidth=0.8))
    ax.set_xticks(range(len(rhos)), [f"{r:g}" for r in rhos], rotation=90)
    ax.set_yticks(range(len(rows)), [scale_label(scale, r) for r in rows], fontsize=5 if len(rows) > 8 else None)
    ax.set_xlabel(r"$\rho$")
    return image


def main() -> None:
    args = figures.parser(__doc__).parse_args()
    ledger = pd.concat([pd.read_csv(p, dtype={"params": str}) for p in args.tables], ignore_index=True)
    rows = (len(MIDDLE_MAP) + 1) // 2  # two quantities side by side, each a (naive, continued) pair of panels
    fig, axes = plt.subplots(rows, 4, figsize=(figures.WIDTH, 1.9 * rows), squeeze=False, layout="constrained")
    image = None
    for k, (label, scale, naive, continued) in enumerate(MIDDLE_MAP):
        left, right = axes[k // 2, 2 * (k % 2)], axes[k // 2, 2 * (k % 2) + 1]
        image = panel(left, ledger[ledger["claim"] == naive], scale, f"{label}:\nnaive") or image
        if continued is None:
            right.axis("off")
            right.text(0.5, 0.5, "continued\n= naive", ha="center", va="center", transform=right.transAxes)
        else:
            image = panel(right, ledger[ledger["claim"] == continued], scale, f"continued:\n{continued}") or image
            right.set_yticklabels([])
    for ax in axes.flat[2 * len(MIDDLE_MAP):]:
        ax.axis("off")
    if image is not None:
        fig.colorbar(image, ax=axes, location="bottom", shrink=0.4, aspect=40, label="error / tolerance (framed tiles: the prediction holds)")
    figures.save(fig, args.out)


if __name__ == "__main__":
    main()
