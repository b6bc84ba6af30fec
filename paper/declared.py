"""When each claim took its current form, read from git at build time (paper section "Claims ledger", appendix).

A claim is declared in experiments/<name>/claims.py as one ``Claim("<id>", ...)`` call; its lines run to the next
claim or the end of the tuple.  ``git log -L`` over those lines of the committed file (HEAD) lists the commits that
changed them, newest first: the first gave the claim its current form, their count says how often it changed.  The
history reaches back to the commit that gave each experiment its own folder; earlier forms lived in one claims.py.
Outside a git checkout (a tarball, an arXiv source) every claim's commit is unknown, and the build goes on.
"""
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _git(*args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def claim_lines(text: str, claim: str) -> tuple[int, int] | None:
    """The first and last line (1-based) of the claim's declaration in a claims.py's text; None where it is absent."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if re.search(rf'Claim\("{re.escape(claim)}"', line)), None)
    if start is None:
        return None
    end = next((i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("Claim(") or lines[i].startswith(")")), len(lines))
    return start + 1, end


def declared(claim: str, path: str) -> tuple[str, str, int]:
    """(commit, date, commits that changed it) for the claim declared in ``path`` (relative to the repository); the
    commit and date are "--" and the count 0 where git cannot say."""
    text = _git("show", f"HEAD:{path}")
    span = claim_lines(text, claim) if text else None
    log = _git("log", f"-L{span[0]},{span[1]}:{path}", "--format=%h %cs", "-s") if span else None
    commits = [line.split() for line in (log or "").splitlines() if re.fullmatch(r"[0-9a-f]+ \d{4}-\d\d-\d\d", line.strip())]
    return (commits[0][0], commits[0][1], len(commits)) if commits else ("--", "--", 0)
