"""Time ``bea.engine.derive`` / ``bea.principal`` against the targets of the engine issue.

Each case runs in a fresh Python process (so tree enumeration and caches are counted:
"cold"), then once more in that process ("warm": trees already built).  Peak memory is
the process's maximum resident set size.

    python benchmarks/derive.py             # the full table (a few minutes)
    python benchmarks/derive.py --quick     # a smaller ladder
    python benchmarks/derive.py --markdown  # the table as Markdown, for docs/benchmarks.md
    python benchmarks/derive.py --against OLD_DIR   # also an older checkout, in the same run
"""

from __future__ import annotations

import argparse
from pathlib import Path

from harness import checkouts, markdown_table, measure_all

# (label, function, scheme, order, params, target seconds or None)
CASES = (
    [("euler", "derive", "euler", p, {}, {12: 0.3}.get(p)) for p in range(8, 13)]
    + [("alternating numeric", "derive", "alternating", p, {"v_phi": "1", "v_theta": "2", "m": "2", "k": "3"},
        {8: 0.5}.get(p)) for p in range(5, 9)]
    + [("alternating symbolic", "derive", "alternating", p, {}, {6: 5.0}.get(p)) for p in range(4, 7)]
    + [("alternating symbolic per-player", "derive", "alternating", p, {"time": "per-player"}, None) for p in range(4, 7)]
    + [(f"sgd n={n}", "derive", "sgd", p, {"n": str(n)}, {(3, 5): 0.5}.get((n, p))) for n in (2, 3, 4) for p in (3, 4, 5)]
    + [("midpoint", "derive", "midpoint", p, {}, {13: 1.0}.get(p)) for p in (11, 12, 13)]
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
digest = __import__("hashlib").md5(repr([(t.block, str(t.tree), str(t.coefficient)) for t in flow.terms]).encode())
print(json.dumps({"cold": cold, "warm": warm, "terms": len(flow.terms), "rss_mb": rss, "digest": digest.hexdigest()[:12]}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="skip the largest cases")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--against", type=Path, help="another checkout to measure in the same run")
    args = parser.parse_args()
    roots = checkouts(args.against)
    rows = []
    for label, fn, scheme, order, params, target in CASES:
        if args.quick and (order >= 12 or (scheme == "alternating" and order >= 8)):
            continue
        results = measure_all(_CHILD, [fn, scheme, order, params], roots)
        rows.append((label, order, target, results))
        if not args.markdown:
            for name, r in results.items():
                verdict = "" if target is None else ("meets" if r["cold"] <= target else "MISSES")
                print(f"{label:34s} order {order:3d}  {name:6s}  terms {r['terms']:6d}  cold {r['cold']:8.3f}s  "
                      f"warm {r['warm']:8.3f}s  peak {r['rss_mb']:7.0f} MB  output {r['digest']}" + (f"  target <= {target}s: {verdict}" if target else ""),
                      flush=True)
    if args.markdown:
        names = [name for name, _ in roots]
        table = []
        for label, order, target, results in rows:
            now = results["now"]
            goal = "" if target is None else f"<= {target} s: {'meets' if now['cold'] <= target else 'misses'}"
            table.append([label, order, now["terms"], *(f"{results[n]['cold']:.3f}" for n in names),
                          f"{now['warm']:.3f}", f"{now['rss_mb']:.0f}", goal])
        header = ["case", "order", "terms", *(f"cold, {n} (s)" for n in names), "warm, now (s)",
                  "peak memory, now (MB)", "target"]
        print(markdown_table(header, table))

if __name__ == "__main__":
    main()
