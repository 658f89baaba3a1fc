"""Time symbolic derivations *with their output*: derive, then JSON and text (the targets of the
performance issue), each case in a fresh process ("cold", tree building included).

    python benchmarks/symbolic.py                     # this checkout
    python benchmarks/symbolic.py --against OLD_DIR   # also an older checkout, in the same run
    python benchmarks/symbolic.py --markdown          # the table as Markdown, for docs/benchmarks.md

``--against`` takes a directory holding another version of the package (e.g. made with
``git worktree add /tmp/old REV``), so before and after are measured on the same machine, in one run.
"""

from __future__ import annotations

import argparse

from pathlib import Path

from harness import checkouts, markdown_table, measure_all

# (label, scheme, order, params, target seconds for derive + JSON or None)
CASES = [
    ("alternating symbolic per-player", "alternating", 5, {"time": "per-player"}, None),
    ("alternating symbolic per-player", "alternating", 6, {"time": "per-player"}, None),
    ("alternating symbolic per-player", "alternating", 7, {"time": "per-player"}, 1.5),
    ("alternating symbolic per-player", "alternating", 8, {"time": "per-player"}, 15.0),
    ("alternating symbolic", "alternating", 6, {}, None),
    ("simultaneous symbolic", "simultaneous", 7, {}, None),
    ("sgd n=3", "sgd", 5, {"n": 3}, None),
]

_CHILD = r"""
import json, resource, sys, time
import bea
derive = bea.derive                      # loads the engine (and SymPy) outside the timing
scheme, order, params = json.loads(sys.argv[1])
t1 = time.perf_counter(); flow = derive(scheme, order, **params)
t2 = time.perf_counter(); out = json.dumps(flow.to_json())
t3 = time.perf_counter(); text = flow.to_text()
t4 = time.perf_counter()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"derive": t2 - t1, "json": t3 - t2, "text": t4 - t3, "terms": len(flow.terms), "rss_mb": rss,
                  "digest": __import__("hashlib").md5((out + text).encode()).hexdigest()[:12]}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--against", type=Path, help="another checkout to measure in the same run")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args()
    roots = checkouts(args.against)
    rows = []
    for label, scheme, order, params, target in CASES:
        results = measure_all(_CHILD, [scheme, order, params], roots)
        rows.append((label, order, target, results))
        if not args.markdown:
            for name, r in results.items():
                total = r["derive"] + r["json"]
                print(f"{label:32s} order {order}  {name:6s}  terms {r['terms']:6d}  derive {r['derive']:7.2f}s  "
                      f"json {r['json']:7.2f}s  text {r['text']:7.2f}s  derive+json {total:7.2f}s  "
                      f"peak {r['rss_mb']:5.0f} MB  output {r['digest']}", flush=True)
    if args.markdown:
        names = [name for name, _ in roots]
        table = [[label, order, results["now"]["terms"],
                  *(f"{results[n]['derive'] + results[n]['json']:.2f}" for n in names),
                  f"{results['now']['text']:.2f}", "" if target is None else f"<= {target} s"]
                 for label, order, target, results in rows]
        print(markdown_table(["case", "order", "terms", *(f"derive + JSON, {n} (s)" for n in names),
                              "text, now (s)", "target"], table))

if __name__ == "__main__":
    main()
