"""Divergence: a run whose loss becomes NaN or infinite is recorded as diverged with its config, left
out of the ledger's means with a visible count, and never plotted as a number (README "When
something goes wrong").  A learning rate of 1e20 makes the MLP's float32 logits overflow."""
import argparse
import json
import math
import sys

import numpy as np
import pandas as pd
import torch

from experiments.claims import CLAIMS
from experiments.common import device, lookup_table, runs
from experiments.common import ledger as machinery
from experiments.common.models import MODELS, init_ensemble
from experiments.common.trainer import TrainConfig, train_on_counts
from experiments.e1_loss_floor import run as loss_floor
from experiments.e1_loss_floor.claims import largest_m

TINY = {"keys": 4, "rho": [0.0, 1.0], "samples_per_key": [20, 200], "steps": 30, "learning_rate": 0.05,
        "models": {"linear": {}, "mlp": {"hidden": 16}}}  # wide enough that no member's ReLUs all die
DIVERGING = {**TINY, "learning_rate": 1e20}
FLOOR = machinery.Claim(**{**next(c for c in CLAIMS if c.id == "T1.bayes_floor").__dict__, "select": largest_m})  # both rho at the largest m


def test_a_diverging_member_is_flagged_and_leaves_the_others_exact():
    model, seeds, config = MODELS["mlp"], [0, 1, 2], TrainConfig(steps=20, learning_rate=0.05)
    counts = torch.tensor(np.stack([lookup_table.label_counts(s, lookup_table.rule_table(s, 4, 3), 0.5, 3, 50) for s in seeds]), dtype=torch.float32)
    params = init_ensemble(model, seeds, 4, 3, {"hidden": 4})
    healthy = train_on_counts(model, params, counts, config)
    params = {name: torch.cat([p[:1] * 1e20, p[1:]]) for name, p in params.items()}  # member 0's logits overflow
    together = train_on_counts(model, params, counts, config)
    assert together.diverged.tolist() == [True, False, False] and not healthy.diverged.any()
    assert math.isnan(together.loss[0]) and torch.isfinite(together.loss[1:]).all()
    # the others train exactly as beside a healthy member 0 (same ensemble shape, so the same kernels)
    assert torch.equal(together.loss[1:], healthy.loss[1:])
    for name in params:
        assert torch.equal(together.params[name][1:], healthy.params[name][1:]), name


def test_a_run_with_a_huge_learning_rate_is_recorded_as_diverged_with_its_config():
    table = loss_floor.run(DIVERGING, [0, 1], "mlp", 3)
    wide = table.pivot_table(index=["model", "keys", "classes", "rho", "samples_per_key", "seed"], columns="quantity", values="value", dropna=False)
    assert len(wide) == 8 and (wide["diverged"] == 1).all()
    assert wide[["test_loss", "test_accuracy", "train_loss"]].isna().all().all()
    assert np.isfinite(wide["train_loss_optimum"]).all()  # a property of the data, not of the run
    healthy = loss_floor.run(TINY, [0, 1], "mlp", 3)
    assert (healthy.loc[healthy["quantity"] == "diverged", "value"] == 0).all() and np.isfinite(healthy["value"]).all()


def test_manifest_and_job_log_count_the_diverged_runs(tmp_path, capsys):
    table = loss_floor.run(DIVERGING, [0], "mlp", 3)
    args = argparse.Namespace(config=DIVERGING, seeds=[0], threads=1, device=device.CPU, out=tmp_path / "t.csv", manifest=tmp_path / "t.json")
    runs.finish(args, table, started=0.0, model="mlp", classes=3)
    assert json.loads(args.manifest.read_text())["diverged"] == 4
    log = capsys.readouterr().out
    assert "4 runs diverged" in log and "samples_per_key" in log  # each with its cell


def _mixed() -> pd.DataFrame:
    """Seeds 0 and 1 train normally, seeds 2 and 3 (same cells) diverge."""
    return pd.concat([loss_floor.run(TINY, [0, 1], "mlp", 3), loss_floor.run(DIVERGING, [2, 3], "mlp", 3)], ignore_index=True)


def test_ledger_leaves_diverged_seeds_out_of_the_mean_and_counts_them():
    mixed = _mixed()
    ledger = machinery.ledger({"loss_floor": mixed}, [FLOOR])
    assert len(ledger) == 2 and (ledger["n_seeds"] == 2).all() and (ledger["n_diverged"] == 2).all()
    finite = mixed[(mixed["quantity"] == "test_loss") & (mixed["samples_per_key"] == 200) & mixed["seed"].isin([0, 1])]
    assert np.allclose(ledger["measured"], finite.groupby("rho")["value"].mean().to_numpy(), rtol=1e-12)

    every_seed = machinery.ledger({"loss_floor": loss_floor.run(DIVERGING, [0, 1], "mlp", 3)}, [FLOOR])
    assert (every_seed["verdict"] == "inconclusive").all() and (every_seed["n_diverged"] == 2).all() and (every_seed["n_seeds"] == 0).all()
    assert every_seed["measured"].isna().all()


def test_figure_counts_diverged_runs_on_the_panel_and_plots_no_nan(tmp_path, monkeypatch):
    from experiments.common import figures
    from experiments.e1_loss_floor import figure as e1_loss_floor

    table = tmp_path / "mixed.csv"
    pd.concat([_mixed(), loss_floor.run(TINY, [0, 1], "linear", 3)]).to_csv(table, index=False)
    saved = {}
    monkeypatch.setattr(figures, "save", lambda fig, out: saved.update(fig=fig))
    monkeypatch.setattr(sys, "argv", ["e1_loss_floor", "--out", str(tmp_path / "e1.pdf"), str(table)])
    e1_loss_floor.main()
    axes = saved["fig"].axes
    notes = [figures.left_out_note(ax) for ax in axes[:3]]
    # (a), (b): the MLP at the largest m has 2 rho x 2 diverged seeds; (c) shows the linear model only
    assert notes == ["4 diverged runs not shown", "4 diverged runs not shown", ""]
    for ax in axes[:3]:
        for line in ax.lines:
            assert np.isfinite(np.asarray(line.get_ydata(), dtype=float)).all()
