r"""Table E9: where the network departs from the memoriser under frozen noise and from the structure limit under
fresh noise (paper section "The middle of the dial", E9).

One row per training-set size n: the 1-nearest-neighbour memoriser's and the network's clean test accuracy at
rho = 1; under frozen noise the network's accuracy minus the memoriser's, mean and most negative over the cells
inside the dial (0 < rho < 1); under fresh noise the drop from the accuracy at rho = 1, mean and largest over
the same cells.  Accuracies in points (per cent).  The file defines \ENineTable and, for the text,
\ENineFrozenShortfall (the largest frozen-noise shortfall of the network below the memoriser, any n, in points) and
\ENineFreshDrop (the largest fresh-noise drop, any n, in points).

    python -m experiments.e9_digits.table --out paper/generated/e9_digits_table.tex results/digits/*.csv
"""
import pandas as pd

from experiments.common import tables

CELL = ["train_size", "noise", "rho"]


def cells(data: pd.DataFrame) -> pd.DataFrame:
    """Means over seeds of the final clean accuracy, the memoriser's and the drop, one row per (n, noise, rho)."""
    final = data[data["step"] == data["step"].max()]
    wanted = final[final["quantity"].isin(["clean_accuracy", "memoriser_accuracy", "clean_accuracy_drop"])]
    return wanted.groupby(CELL + ["quantity"])["value"].mean().unstack("quantity").reset_index()


def table(data: pd.DataFrame) -> str:
    means = cells(data)
    inside = means[(means["rho"] > 0) & (means["rho"] < 1)]
    frozen, fresh = inside[inside["noise"] == "frozen"], inside[inside["noise"] == "fresh"]
    gap = 100 * (frozen["clean_accuracy"] - frozen["memoriser_accuracy"])
    drop = 100 * fresh["clean_accuracy_drop"]
    rows = []
    for n, at_n in means[(means["noise"] == "frozen") & (means["rho"] == 1.0)].groupby("train_size"):
        g, d = gap[frozen["train_size"] == n], drop[fresh["train_size"] == n]
        values = [f"{n:g}", f"{100 * at_n['memoriser_accuracy'].iloc[0]:.1f}", f"{100 * at_n['clean_accuracy'].iloc[0]:.1f}",
                  f"{g.mean():+.1f}", f"{g.min():+.1f}", f"{d.mean():+.1f}" if len(d) else "--", f"{d.max():+.1f}" if len(d) else "--"]
        rows.append(" & ".join(values) + r" \\")
    macros = {"ENineFrozenShortfall": f"{-gap.min():.1f}", "ENineFreshDrop": f"{drop.max():.1f}" if len(drop) else "--"}
    tabular = [r"\begin{tabular}{rrrrrrr}", r"\toprule",
               r" & \multicolumn{2}{c}{at $\rho=1$} & \multicolumn{2}{c}{frozen: network $-$ 1-NN} & \multicolumn{2}{c}{fresh: drop} \\",
               r"$n$ & 1-NN & network & mean & lowest & mean & largest \\", r"\midrule", *rows, r"\bottomrule", r"\end{tabular}"]
    return tables.tex(__spec__.name, macros, "ENineTable", tabular)


if __name__ == "__main__":
    tables.main(__doc__, table)
