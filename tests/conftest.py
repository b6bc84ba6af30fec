"""Shared fixtures: the repository root, a throw-away copy of it for workflow runs, and one smoke
build from clean that every test reading smoke results shares (the machine has two cores)."""
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[1]
BUILD_OUTPUTS = {".venv", ".git", ".snakemake", "results", "generated", "build", "__pycache__", ".pytest_cache"}


OFFLINE = ["unshare", "--map-root-user", "--net"]  # a new network namespace: a loopback, down, and nothing else


def copy_source(target: Path, source: Path = ROOT) -> Path:
    """Copy the source tree (no venv, no results, no build outputs) to ``target``, to run Snakemake in."""
    shutil.copytree(source, target, ignore=lambda _, names: [n for n in names if n in BUILD_OUTPUTS or n.endswith(".egg-info")])
    return target


def offline_unavailable() -> str | None:
    """Why a process cannot be cut off from the network here, or None when OFFLINE works."""
    try:
        probe = subprocess.run([*OFFLINE, "true"], capture_output=True, text=True, timeout=30)
    except OSError as error:
        return f"{OFFLINE[0]} cannot run: {error}"
    return None if probe.returncode == 0 else f"{' '.join(OFFLINE)} failed: {probe.stderr.strip()}"


def tex_installed() -> bool:
    return bool(shutil.which("latexmk") and shutil.which("pdflatex"))


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    """A copy of the source tree (no venv, no results, no build outputs) to run Snakemake in."""
    return copy_source(tmp_path / "repo")


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def snakemake():
    """Run the venv's snakemake: snakemake(cwd, *args) -> CompletedProcess; the caller checks it."""
    bin_dir = Path(sys.executable).parent  # the venv running the tests: its python runs the jobs
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}

    def run(cwd: Path, *args: str, timeout: int = 900, prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
        return subprocess.run([*prefix, *run.command, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)

    run.command, run.env = [str(bin_dir / "snakemake")], env  # for a build that a test starts and kills itself
    return run


@pytest.fixture(scope="session")
def smoke_build(tmp_path_factory, snakemake) -> SimpleNamespace:
    """The smoke build from clean, once per session, with no network when OFFLINE works (test_offline).

    Its fields: path (the copy it ran in), result (the CompletedProcess), select (the arguments
    that choose what to build: everything but the PDF when TeX is missing), offline (None, or why
    the build could not be cut off from the network), prefix (the command that cut it off) and copy
    (copy(target) copies the source it built, without its outputs: the same code, while others edit ROOT)."""
    path = copy_source(tmp_path_factory.mktemp("smoke") / "repo")
    select = [] if tex_installed() else ["--omit-from", "paper"]
    offline = offline_unavailable()
    prefix = () if offline else tuple(OFFLINE)
    result = snakemake(path, "--profile", "workflow/profiles/smoke", *select, prefix=prefix)
    return SimpleNamespace(path=path, result=result, select=select, offline=offline, prefix=prefix,
                           copy=lambda target: copy_source(target, path))
