"""Malformed configs are refused by Snakemake before any job runs, with a message naming the field."""
import copy

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = yaml.safe_load((ROOT / "workflow/configs/default.yaml").read_text())


def _with(path: str, value):
    config = copy.deepcopy(DEFAULT)
    *parents, last = path.split(".")
    node = config
    for key in parents:
        node = node[key]
    if value is _DELETE:
        del node[last]
    else:
        node[last] = value
    return config


_DELETE = object()

BAD = [  # (field, value, words the message must contain)
    ("loss_floor.rho", [0.0, 1.5], ["1.5", "maximum"]),
    ("gradient_noise.rho", [-0.1], ["-0.1", "minimum"]),
    ("seeds", [0, 0, 1], ["seeds", "non-unique"]),
    ("loss_floor.keys", -3, ["-3", "minimum"]),
    ("loss_floor.keys", "many", ["many", "integer"]),
    ("loss_floor.classes", [], ["classes"]),
    ("loss_floor.models", {"transformer": {}}, ["transformer"]),
    ("gradient_noise.samples", _DELETE, ["samples", "required"]),
    ("build", "huge", ["huge", "default", "smoke"]),
]


@pytest.mark.parametrize("field, value, words", BAD, ids=[b[0] + ":" + repr(b[1])[:12] for b in BAD])
def test_bad_config_is_refused_naming_the_field(snakemake, tmp_path, field, value, words):
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(_with(field, value)))
    result = snakemake(ROOT, "--dry-run", "--configfile", str(bad))
    message = result.stdout + result.stderr
    assert result.returncode != 0
    assert "WorkflowError" in message or "validation" in message.lower()
    for word in words:
        assert word in message, f"message does not mention {word!r}:\n{message[-1500:]}"


def test_default_and_smoke_configs_are_valid(snakemake):
    for name in ("default", "smoke"):
        result = snakemake(ROOT, "--dry-run", "--configfile", f"workflow/configs/{name}.yaml")
        assert result.returncode == 0, result.stderr[-2000:]


def test_workflow_passes_snakemakes_linter(snakemake):
    result = snakemake(ROOT, "--lint")
    assert result.returncode == 0 and "good condition" in result.stdout + result.stderr, result.stdout[-3000:]
