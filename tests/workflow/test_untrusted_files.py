"""Untrusted files: results are CSV and JSON, and no code can run what a results file holds: no pickle
(nor pandas' or NumPy's pickle readers), torch.load only with weights_only=True, YAML only safely."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ["Snakefile", "theory", "experiments", "paper", "workflow", "tests"]
UNSAFE = {  # pattern -> why it is refused
    r"\b(c?pickle|dill|shelve|marshal)\b": "unpickling runs code",
    r"\bread_pickle\b|\bjoblib\.load\b": "a pickle reader",
    r"allow_pickle\s*=\s*True": "np.load with pickles",
    r"\byaml\.unsafe_load\(|\byaml\.load\((?![^)]*\bLoader\s*=[^)]*SafeLoader\b)|\bLoader\s*=\s*yaml\.(Unsafe)?Loader\b": "YAML that can build objects",
}
RESULT_SUFFIXES = {".csv", ".json", ".log", ".html"}  # .html: the ledger as a sortable table for `make report`, never read back


def torch_loads_without_weights_only(text: str) -> list[str]:
    """Every torch.load(...) call whose arguments do not include weights_only=True."""
    found = []
    for match in re.finditer(r"\btorch\.load\(", text):
        depth, end = 1, match.end()
        while depth and end < len(text):
            depth += {"(": 1, ")": -1}.get(text[end], 0)
            end += 1
        call = text[match.start() : end]
        if not re.search(r"weights_only\s*=\s*True", call):
            found.append(call)
    return found


def findings(text: str) -> list[str]:
    return [why for pattern, why in UNSAFE.items() if re.search(pattern, text)] + torch_loads_without_weights_only(text)


def test_the_scan_finds_what_it_looks_for():
    assert findings("import pickle") and findings("pd.read_pickle(p)") and findings("yaml.load(f)")
    assert findings("torch.load(path)") and findings("torch.load(path, map_location='cpu',\n weights_only=False)")
    assert not findings("torch.load(path, weights_only=True)") and not findings("yaml.safe_load(f)")
    assert findings("yaml.load(f, Loader=yaml.Loader)") and findings("yaml.load(f, Loader=yaml.FullLoader)")
    assert not findings('yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))')  # libyaml's safe loader


def test_no_code_loads_pickles_or_unsafe_files():
    this = Path(__file__).resolve()
    files = [f for src in SOURCES for f in ([ROOT / src] if (ROOT / src).is_file() else (ROOT / src).rglob("*"))
             if f.suffix in {".py", ".smk", ""} and f.is_file() and f.resolve() != this and "__pycache__" not in f.parts]
    assert len(files) > 20
    bad = {str(f.relative_to(ROOT)): found for f in files if (found := findings(f.read_text(errors="replace")))}
    assert not bad


def test_results_are_csv_and_json_only(smoke_build):
    assert smoke_build.result.returncode == 0, smoke_build.result.stderr[-2000:]
    suffixes = {f.suffix for f in (smoke_build.path / "results").rglob("*") if f.is_file()}
    assert {".csv", ".json"} <= suffixes <= RESULT_SUFFIXES
