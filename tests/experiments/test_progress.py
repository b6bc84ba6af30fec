"""A long loop reports its progress in its log at a steady rate; a short one writes nothing."""
import functools
import io

import numpy as np
import torch

from experiments.common import lookup_table, trainer
from experiments.common.models import MODELS, init_ensemble
from experiments.common.progress import Progress


def test_a_line_every_interval_with_steps_elapsed_and_remaining():
    now = [0.0]
    out = io.StringIO()
    progress = Progress("E1 linear", total=100, every_s=10, clock=lambda: now[0], out=out)
    for step in range(1, 101):
        now[0] = step * 0.5  # half a second a step: a line every 20 steps
        progress.update(step)
    lines = out.getvalue().splitlines()
    assert len(lines) == 5
    assert lines[0] == "E1 linear: 20/100 steps (20%), 10 s elapsed, about 40 s left"
    assert lines[-1] == "E1 linear: 100/100 steps (100%), 50 s elapsed, about 0 s left"


def test_a_short_loop_writes_nothing():
    out = io.StringIO()
    progress = Progress("quick", total=3, every_s=10, out=out)
    for step in range(1, 4):
        progress.update(step)
    assert out.getvalue() == ""


def test_the_trainer_reports_its_steps_in_the_log(monkeypatch, capsys):
    monkeypatch.setattr(trainer, "Progress", functools.partial(Progress, every_s=0))  # a line every step
    counts = torch.tensor(np.stack([lookup_table.label_counts(0, lookup_table.rule_table(0, 4, 3), 0.5, 3, 20)]), dtype=torch.float32)
    model = MODELS["linear"]
    trainer.train_on_counts(model, init_ensemble(model, [0], 4, 3, {}), counts, trainer.TrainConfig(steps=5, learning_rate=0.05))
    lines = capsys.readouterr().err.splitlines()
    assert [line.split(",")[0] for line in lines] == [f"training 1 members in 1 chunks: {k}/5 steps ({20 * k}%)" for k in range(1, 6)]
