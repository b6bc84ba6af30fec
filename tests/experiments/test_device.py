"""The config's device (experiments/common/device.py; README "Full grids on a GPU"), tested without a GPU: the default,
cpu, computes today's results bit for bit through the command line that the workflow builds; a device the machine
lacks stops every run before any training, naming the config's field; the schema refuses a device it does not know;
and only a GPU build's jobs request a GPU.  The CUDA path itself needs a GPU and is not run here."""
import importlib.util
import json
import subprocess
import sys
from importlib import import_module
from pathlib import Path

import pandas as pd
import pytest
import torch
import yaml

from experiments.common import device
from experiments.registry import EXPERIMENTS, BY_SECTION

ROOT = Path(__file__).resolve().parents[2]
SMOKE = yaml.safe_load((ROOT / "workflow/configs/smoke.yaml").read_text())
NO_GPU = pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a CUDA device")


def _script(name: str):
    sys.path.insert(0, str(ROOT / "workflow/scripts"))  # verify imports its sibling compare
    spec = importlib.util.spec_from_file_location(name, ROOT / f"workflow/scripts/{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_config_names_the_cpu():
    for name in ("default", "smoke", "full"):
        assert yaml.safe_load((ROOT / f"workflow/configs/{name}.yaml").read_text())["device"] == "cpu", name


def test_the_device_is_checked_and_the_field_named():
    assert device.select("cpu") == device.CPU
    for bad in ("gpu", "mps", "cuda:x"):
        with pytest.raises(ValueError, match="config field 'device'"):
            device.select(bad)
    with pytest.raises(ValueError, match=r"config field 'device' is 'cuda:\d+', but this machine has \d+ CUDA device" if torch.cuda.is_available()
                       else "config field 'device' is 'cuda:7', but torch .* finds no CUDA device"):
        device.select(f"cuda:{torch.cuda.device_count()}" if torch.cuda.is_available() else "cuda:7")


def test_a_gpu_trains_every_member_in_one_chunk_and_the_cpu_keeps_its_own():
    cpu_chunks = [slice(0, 3), slice(3, 6), slice(6, 8)]
    assert device.chunks_on(device.CPU, 8, cpu_chunks) is cpu_chunks
    assert device.chunks_on(torch.device("cuda"), 8, cpu_chunks) == [slice(0, 8)]


@NO_GPU
@pytest.mark.parametrize("experiment", [e for e in EXPERIMENTS if e.section], ids=lambda e: e.section)
def test_a_missing_gpu_stops_every_run_before_any_training(experiment, monkeypatch, tmp_path, capsys):
    module = import_module(experiment.run)
    monkeypatch.setattr(module, "run", lambda *args, **kwargs: pytest.fail("training started"))
    out = tmp_path / "table.csv"
    monkeypatch.setattr(sys, "argv", ["run.py", "--config", "{}", "--seeds", "0", "1", "--device", "cuda", "--out", str(out),
                                      "--manifest", str(tmp_path / "table.json")])
    with pytest.raises(SystemExit) as stopped:
        module.main()
    message = capsys.readouterr().err
    assert stopped.value.code == 2 and "argument --device: config field 'device' is 'cuda', but torch" in message, message
    assert "finds no CUDA device" in message and "set device: cpu" in message and not out.exists()


def test_cpu_through_the_command_line_is_todays_result(tmp_path):
    """E1's MLP job of the smoke build (the shared trainer, its chunks and fused Adam), run as the workflow runs it with
    --device cpu: the recorded smoke table byte for byte on the recording machine, within compare's tolerances elsewhere."""
    section, job = "loss_floor", "mlp_V4"
    options = BY_SECTION[section].jobs(SMOKE[section])[job]
    out = tmp_path / f"{job}.csv"
    command = [sys.executable, "-m", BY_SECTION[section].run, *(f"--{k}={v}" for k, v in options.items()), "--seeds", *map(str, SMOKE["seeds"]),
               "--config", json.dumps(SMOKE[section], sort_keys=True), "--threads", "1", "--device", "cpu",
               "--out", str(out), "--manifest", str(tmp_path / f"{job}.json")]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads((tmp_path / f"{job}.json").read_text())["device"] == "cpu"
    reference = ROOT / "workflow/reference/smoke" / section / f"{job}.csv"
    compare, verify = _script("compare"), _script("verify")
    if verify.fingerprint(verify.machine()) == verify.read_checksums(verify.CHECKSUMS)[1]:
        assert out.read_bytes() == reference.read_bytes()
    else:
        assert compare.compare_table(f"{section}/{job}.csv", pd.read_csv(reference), pd.read_csv(out))[0] == []


def _dry_run(snakemake, *config: str):
    target = f"results/loss_floor/{next(iter(BY_SECTION['loss_floor'].jobs(SMOKE['loss_floor'])))}.csv"
    return snakemake(ROOT, "--dry-run", "--printshellcmds", target, "--configfile", "workflow/configs/smoke.yaml", *config)


def test_only_a_gpu_build_requests_a_gpu_and_the_schema_refuses_other_devices(snakemake):
    cpu, cuda, bad = _dry_run(snakemake), _dry_run(snakemake, "--config", "device=cuda:1"), _dry_run(snakemake, "--config", "device=gpu")
    assert cpu.returncode == 0 and "--device cpu " in cpu.stdout and "gpu=" not in cpu.stdout, cpu.stdout[-2000:]
    assert cuda.returncode == 0 and "--device cuda:1 " in cuda.stdout and "gpu=1" in cuda.stdout, cuda.stdout[-2000:]
    message = bad.stdout + bad.stderr
    assert bad.returncode != 0 and "'gpu' does not match" in message and "['device']" in message, message[-2000:]
