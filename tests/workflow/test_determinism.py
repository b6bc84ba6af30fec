"""Determinism: `make verify` rebuilds the smoke results from clean and matches the checksums recorded
for this machine, and two builds from clean give byte-identical results tables."""
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "workflow/scripts/verify.py"


def _verify_module():
    spec = importlib.util.spec_from_file_location("verify", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tables(tree: Path) -> dict[str, bytes]:
    return {p.relative_to(tree).as_posix(): p.read_bytes() for p in sorted((tree / "results").rglob("*.csv"))}


def test_compare_names_every_table_that_differs():
    verify = _verify_module()
    recorded = {"results/a.csv": "1", "results/b.csv": "2", "results/c.csv": "3"}
    assert verify.compare(recorded, dict(recorded)) == []
    measured = {"results/a.csv": "1", "results/b.csv": "X", "results/d.csv": "4"}
    assert verify.compare(recorded, measured) == ["results/b.csv: differs", "results/c.csv: not built", "results/d.csv: not recorded"]


@pytest.mark.slow
def test_verify_matches_the_recorded_checksums_and_a_second_build_from_clean(smoke_build, tmp_path):
    assert smoke_build.result.returncode == 0, smoke_build.result.stderr[-2000:]
    build = tmp_path / "verify"
    verify = _verify_module()
    recorded_on = verify.CHECKSUMS.read_text().splitlines()[0]
    if verify.machine() not in recorded_on:  # floating point may differ on another CPU: compare two builds only
        build.mkdir()
        verify.copy_source(build)
        verify.build(build)
        assert tables(build) == tables(smoke_build.path)
        pytest.skip(f"checksums were {recorded_on.split('recorded by', 1)[-1].strip()}; this is {verify.machine()}: "
                    "two builds from clean compared, the recorded checksums not (run `make checksums` here to record them)")
    result = subprocess.run([sys.executable, str(SCRIPT), "--keep", str(build)], cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "results tables match" in result.stdout
    assert tables(build) == tables(smoke_build.path)  # two builds from clean, byte for byte
    assert verify.checksums(build) == verify.read(verify.CHECKSUMS)
