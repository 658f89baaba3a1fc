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
