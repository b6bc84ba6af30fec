"""README's table of theory and experiments says what the code says: each experiment of the registry has its row, with
its folder, config section, figure and claims, and each theory row names modules that exist."""
import re
from importlib import import_module
from pathlib import Path

from experiments.registry import EXPERIMENTS

ROOT = Path(__file__).resolve().parents[2]


def table_rows() -> dict[str, list[str]]:
    """The rows of the README's "Theory and experiments, one table", by id: their cells, without backticks."""
    text = (ROOT / "README.md").read_text().split("## Theory and experiments, one table", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in text.splitlines():
        cells = [c.strip().replace("`", "") for c in line.strip().strip("|").split("|")]
        if re.fullmatch(r"[TE]\d", cells[0]):
            rows[cells[0]] = cells
    return rows


def matches(pattern: str, claim: str) -> bool:
    return claim.startswith(pattern[:-1]) if pattern.endswith("*") else claim == pattern


def test_each_experiment_has_its_row_with_folder_section_figure_and_claims():
    rows = table_rows()
    assert {r for r in rows if r.startswith("E")} == {e.title.split(":")[0] for e in EXPERIMENTS}
    for experiment in EXPERIMENTS:
        _, _, folder, section, figure, claims = rows[experiment.title.split(":")[0]]
        assert folder == f"experiments/{experiment.name}/" and figure == experiment.name
        assert section == (experiment.section or "")
        ids = [c.id for c in import_module(experiment.claims).CLAIMS]
        patterns = [p.strip() for p in claims.split(",")]
        assert all(any(matches(p, i) for p in patterns) for i in ids), (experiment.name, ids, patterns)
        assert all(any(matches(p, i) for i in ids) for p in patterns), (experiment.name, ids, patterns)


def test_each_theory_row_names_modules_that_exist():
    rows = {r: cells for r, cells in table_rows().items() if r.startswith("T")}
    assert set(rows) == {f"T{i}" for i in range(1, 9)}
    for cells in rows.values():
        for module in cells[2].split(", "):
            assert (ROOT / module).is_file(), module
