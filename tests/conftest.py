"""Shared fixtures: the repository root, and a throw-away copy of it for workflow runs."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BUILD_OUTPUTS = {".venv", ".git", ".snakemake", "results", "generated", "build", "__pycache__", ".pytest_cache"}


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    """A copy of the source tree (no venv, no results, no build outputs) to run Snakemake in."""
    target = tmp_path / "repo"
    shutil.copytree(ROOT, target, ignore=lambda _, names: [n for n in names if n in BUILD_OUTPUTS or n.endswith(".egg-info")])
    return target


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def snakemake():
    """Run the venv's snakemake: snakemake(cwd, *args) -> CompletedProcess; the caller checks it."""
    bin_dir = Path(sys.executable).parent  # the venv running the tests: its python runs the jobs
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}

    def run(cwd: Path, *args: str, timeout: int = 900) -> subprocess.CompletedProcess:
        return subprocess.run([str(bin_dir / "snakemake"), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)

    return run
