r"""Table E8: the phase diagram's settings, each with what its ends declared and where its jump was seen (paper
section "The middle of the dial", E8: laws declared from the ends).

One row per setting (p, f, lambda): the jump step at rho = 1 (mean over seeds), the horizon every member trained
to, the critical rho_c that the norm competition declares from the same seeds' ends (mean over seeds), the largest
rho at which no seed jumped by the horizon and the smallest above which every seed jumped, and how many of the
members that jumped overwrote their random training labels with the rule.  The file defines \EEightTable (the
table) and, for the text, \EEightJumped (members inside the dial that jumped by the horizon), \EEightCensored
(those that did not), \EEightOverwritten (jumped members inside the dial that overwrote their random labels),
\EEightSettings (the settings), and \EEightCriticalRefuted (settings where every seed jumped at a rho below the
declared rho_c: the law said no jump there).

    python -m experiments.e8_modular_addition.table --out paper/generated/e8_modular_addition_table.tex results/modular_addition/*.csv
"""
import numpy as np
import pandas as pd

from experiments.common import tables
from experiments.e8_modular_addition.figure import SETTING, members, phase


def boundary(group: pd.DataFrame) -> tuple[float, float]:
    """One setting's measured boundary: the largest rho > 0 at which no seed jumped by the horizon, and the smallest
    rho from which every seed jumped at every larger rho (NaN where there is none)."""
    jumped = group.groupby("rho")["censored"].agg(lambda c: (c == 0).mean())
    none = jumped.index[(jumped == 0) & (jumped.index > 0)]
    every = [r for r in jumped.index if (jumped[jumped.index >= r] == 1).all()]
    return (none.max() if len(none) else np.nan), (min(every) if every else np.nan)


def rows(members: pd.DataFrame) -> list[str]:
    """The table's rows, one per setting."""
    out = []
    for setting, group in members.groupby(SETTING, sort=False):
        none, every = boundary(group)
        phases = [phase(m) for _, m in group[group["censored"] == 0].iterrows()]
        first = group.loc[group["rho"] == 1.0, "jump_step"].mean()
        cells = [f"{setting[0]:g}", f"{setting[1]:g}", f"{setting[2]:g}", f"{first:.0f}" if np.isfinite(first) else "none",
                 f"{group['horizon'].iloc[0]:.0f}", f"{group['rho_critical'].mean():.2f}",
                 f"{none:g}" if np.isfinite(none) else "--", f"{every:g}" if np.isfinite(every) else "--",
                 f"{phases.count(2)} of {len(phases)}"]
        out.append(" & ".join(cells) + r" \\")
    return out


def table(data: pd.DataFrame) -> str:
    """The file: the counts for the text, then the table."""
    found = members(data)
    inside = found[(found["rho"] > 0) & (found["rho"] < 1)]
    jumped = inside[inside["censored"] == 0]
    groups = [group for _, group in found.groupby(SETTING)]
    counts = {"EEightJumped": len(jumped), "EEightCensored": int((inside["censored"] == 1).sum()),
              "EEightOverwritten": sum(phase(m) == 2 for _, m in jumped.iterrows()), "EEightSettings": len(groups),
              "EEightCriticalRefuted": sum(boundary(g)[1] < g["rho_critical"].mean() for g in groups)}
    head = (r"\begin{tabular}{rrrrrrrrr}" "\n" r"\toprule" "\n"
            r"$p$ & $f$ & $\lambda$ & jump at $\rho=1$ & horizon & $\rho_c$ declared & no seed jumped, up to $\rho$ & "
            r"every seed jumped, from $\rho$ & overwrote \\" "\n" r"\midrule")
    return tables.tex(__spec__.name, counts, "EEightTable", [head, *rows(found), r"\bottomrule", r"\end{tabular}"])


if __name__ == "__main__":
    tables.main(__doc__, table)
