"""Atomic writes: a failed writer leaves the old file and no temporary; a killed writer's temporary
is removed by the next write of its target (README "When something goes wrong")."""
import pytest

from experiments.common.io import atomic_path, write_text_atomic


def test_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "table.csv"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("killed")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["table.csv"]


def test_next_write_removes_a_killed_writers_temporary(tmp_path):
    stale = tmp_path / ".table.csv.k1ll3d.tmp"  # what SIGKILL leaves: no except clause ran
    stale.write_text("half")
    other = tmp_path / ".other.csv.k1ll3d.tmp"  # another target's: not ours to remove
    other.write_text("half")
    write_text_atomic(tmp_path / "table.csv", "new")
    assert (tmp_path / "table.csv").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other.csv.k1ll3d.tmp", "table.csv"]
