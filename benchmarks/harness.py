"""What the benchmark scripts share: one case in a fresh Python process, for this checkout or
another one (``--against OLD_DIR``, e.g. made with ``git worktree add /tmp/old REV``), so that
before and after are measured on the same machine in one run.

The child code receives the case as JSON in ``sys.argv[1]``, has the checkout first on its path,
and prints one JSON object, which :func:`measure` returns.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_PRELUDE = "import sys; sys.path.insert(0, sys.argv[2])\n"


def checkouts(against: Path | None) -> list[tuple[str, Path]]:
    """``[("now", this checkout)]``, and ``("before", against)`` when given."""
    return [("now", ROOT)] + ([("before", against.resolve())] if against else [])


def measure(child: str, case, root: Path = ROOT) -> dict:
    """Run ``child`` in a fresh process on ``case`` with the package of ``root``; its JSON line."""
    done = subprocess.run([sys.executable, "-c", _PRELUDE + child, json.dumps(case), str(root)],
                          capture_output=True, text=True, cwd=root)
    if done.returncode:
        raise SystemExit(f"benchmark case {case} failed in {root}: {done.stderr.strip().splitlines()[-1:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure_all(child: str, case, roots: list[tuple[str, Path]]) -> dict:
    """``{name: result}`` of :func:`measure` for every checkout; they must agree on ``digest``."""
    results = {name: measure(child, case, root) for name, root in roots}
    if len({r.get("digest") for r in results.values()}) > 1:
        raise SystemExit(f"benchmark case {case}: the checkouts compute different results")
    return results


def markdown_table(header: list[str], rows: list[list], left: int = 1) -> str:
    """A Markdown table; the first ``left`` columns aligned left, the others right."""
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join("---" if i < left else "---:" for i in range(len(header))) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)
