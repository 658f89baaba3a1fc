"""Time ``bea.engine.derive`` / ``bea.principal`` against the targets of the engine issue.

Each case runs in a fresh Python process (so tree enumeration and caches are counted:
"cold"), then once more in that process ("warm": trees already built).  Peak memory is
the process's maximum resident set size.

    python benchmarks/derive.py             # the full table (a few minutes)
    python benchmarks/derive.py --quick     # a smaller ladder
    python benchmarks/derive.py --markdown  # the table as Markdown, for docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# (label, function, scheme, order, params, target seconds or None)
CASES = (
    [("euler", "derive", "euler", p, {}, {10: 0.3, 12: 10.0}.get(p)) for p in range(8, 13)]
    + [("alternating numeric", "derive", "alternating", p, {"v_phi": "1", "v_theta": "2", "m": "2", "k": "3"},
        {7: 0.5}.get(p)) for p in range(5, 9)]
    + [("alternating symbolic", "derive", "alternating", p, {}, {6: 5.0}.get(p)) for p in range(4, 7)]
    + [("alternating symbolic per-player", "derive", "alternating", p, {"time": "per-player"}, None) for p in range(4, 7)]
    + [(f"sgd n={n}", "derive", "sgd", p, {"n": str(n)}, {(3, 5): 0.5}.get((n, p))) for n in (2, 3, 4) for p in (3, 4, 5)]
    + [("principal euler", "principal", "euler", 100, {}, 1.0)]
)

_CHILD = r"""
import json, resource, sys, time
import bea
fn, scheme, order, params = json.loads(sys.argv[1])
run = getattr(bea, fn)
t0 = time.perf_counter(); flow = run(scheme, order, **params); cold = time.perf_counter() - t0
t0 = time.perf_counter(); run(scheme, order, **params); warm = time.perf_counter() - t0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"cold": cold, "warm": warm, "terms": len(flow.terms), "rss_mb": rss}))
"""


def measure(fn, scheme, order, params) -> dict:
    arg = json.dumps([fn, scheme, order, params])
    done = subprocess.run([sys.executable, "-c", _CHILD, arg], capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="skip the largest cases")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args()
    rows = []
    for label, fn, scheme, order, params, target in CASES:
        if args.quick and (order >= 12 or (scheme == "alternating" and order >= 8)):
            continue
        result = measure(fn, scheme, order, params)
        verdict = "" if target is None else ("meets" if result["cold"] < target else "MISSES")
        rows.append((label, order, result["terms"], result["cold"], result["warm"], result["rss_mb"], target, verdict))
        if not args.markdown:
            print(f"{label:34s} order {order:3d}  terms {result['terms']:6d}  cold {result['cold']:8.3f}s  "
                  f"warm {result['warm']:8.3f}s  peak {result['rss_mb']:7.0f} MB"
                  + (f"  target < {target}s: {verdict}" if target else ""), flush=True)
    if args.markdown:
        print("| case | order | terms | cold (s) | warm (s) | peak memory (MB) | target |")
        print("|---|---:|---:|---:|---:|---:|---|")
        for label, order, terms, cold, warm, rss, target, verdict in rows:
            goal = f"< {target} s: {verdict}" if target else ""
            print(f"| {label} | {order} | {terms} | {cold:.3f} | {warm:.3f} | {rss:.0f} | {goal} |")


if __name__ == "__main__":
    main()
