"""Malformed configs are refused by Snakemake before any job runs, with a message naming the field
and the allowed values (README "When something goes wrong")."""
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

BAD = [  # (field, value, words the message must contain besides the field's name)
    ("loss_floor.rho", [0.0, 1.5], ["1.5", "maximum of 1"]),
    ("gradient_noise.rho", [-0.1], ["-0.1", "minimum of 0"]),
    ("loss_floor.rho", [], ["non-empty"]),
    ("loss_floor.learning_rate", -0.05, ["-0.05", "minimum of 0"]),
    ("seeds", [0, 0, 1], ["non-unique"]),
    ("seeds", "0, 1", ["'0, 1'", "not of type 'array'"]),
    ("seeds", _DELETE, ["required"]),
    ("loss_floor.keys", -3, ["-3", "minimum of 1"]),
    ("loss_floor.keys", "many", ["many", "integer"]),
    ("loss_floor.steps", 1.5, ["1.5", "integer"]),
    ("loss_floor.classes", [], ["non-empty"]),
    ("gradient_noise.batch_sizes", [0, 4], ["0 is less than the minimum of 1"]),
    ("loss_floor.models", {"transformer": {}}, ["transformer", "linear", "mlp"]),
    ("zipf_skilz", {"alpha": 1.1}, ["Additional properties are not allowed", "loss_floor", "gradient_noise"]),
    ("gradient_noise.samples", _DELETE, ["required"]),
    ("build", "huge", ["huge", "default", "smoke", "full"]),
]


@pytest.mark.parametrize("field, value, words", BAD, ids=[b[0] + ":" + repr(b[1])[:12] for b in BAD])
def test_bad_config_is_refused_naming_the_field(snakemake, tmp_path, field, value, words):
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(_with(field, value)))
    result = snakemake(ROOT, "--dry-run", "--configfile", str(bad))
    message = result.stdout + result.stderr
    assert result.returncode != 0
    assert "WorkflowError" in message or "validation" in message.lower()
    for word in [field.split(".")[-1], *words]:
        assert word in message, f"message does not mention {word!r}:\n{message[-1500:]}"


def test_bad_config_stops_the_build_before_any_job(repo_copy, snakemake):
    bad = repo_copy / "bad.yaml"
    bad.write_text(yaml.safe_dump(_with("loss_floor.rho", [0.0, 1.5])))
    result = snakemake(repo_copy, "--profile", "workflow/profiles/smoke", "--configfile", str(bad))
    assert result.returncode != 0 and "maximum of 1" in result.stdout + result.stderr
    assert not (repo_copy / "results").exists() and not (repo_copy / "paper/generated").exists()


def test_default_smoke_and_full_configs_are_valid(snakemake):
    for name in ("default", "smoke", "full"):
        result = snakemake(ROOT, "--dry-run", "--configfile", f"workflow/configs/{name}.yaml")
        assert result.returncode == 0, result.stderr[-2000:]


def test_workflow_passes_snakemakes_linter(snakemake):
    result = snakemake(ROOT, "--lint")
    assert result.returncode == 0 and "good condition" in result.stdout + result.stderr, result.stdout[-3000:]
