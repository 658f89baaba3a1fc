"""Time the public B-series operations, each case in a fresh process ("cold": trees built inside).

    python benchmarks/bseries.py              # this checkout
    python benchmarks/bseries.py --markdown   # the table as Markdown, for docs/benchmarks.md

Cases: one-step maps (rational and number-field coefficients), composition, the order with its
conditions, the structure checks, and the conjugacy solves (effective order, conjugate symplecticity).
"""

from __future__ import annotations

import argparse

from harness import checkouts, markdown_table, measure_all

# (label, Python statement run on `bea`, the result's digest expression)
CASES = [
    ("one_step_map rk4, trees up to 8 nodes", "r = bea.one_step_map('rk4', 8)", "len(r.values)"),
    ("one_step_map gauss6 (QQ(sqrt 15)), 6 nodes", "r = bea.one_step_map('gauss6', 6)", "len(r.values)"),
    ("rk4 @ rk4, 7 nodes", "s = bea.one_step_map('rk4', 7); r = s @ s", "len(r.values)"),
    ("order rk4 (trees up to 7 nodes)", "r = bea.order('rk4')", "r.order"),
    ("order alternating symbolic per-player (5 nodes)", "r = bea.order('alternating', 4, time='per-player')", "r.order"),
    ("symplectic gauss6, 6 nodes", "r = bea.symplectic('gauss6', 6)", "r.holds_to"),
    ("energy_preserving rk4, 7 nodes", "r = bea.energy_preserving('rk4', 7)", "r.holds_to"),
    ("effective_order of a processed rk4 (6 nodes)",
     "s = bea.one_step_map('rk4', 6); e = bea.one_step_map('euler', 6); r = bea.effective_order(e.inverse() @ s @ e, 5)",
     "r.order"),
    ("conjugate_symplectic lobatto-iiia4, 6 nodes", "r = bea.conjugate_symplectic('lobatto-iiia4', 6)", "r.holds_to"),
    ("conjugate_symplectic stormer-verlet, 5 nodes",
     "r = bea.conjugate_symplectic('stormer-verlet', 5, v_phi=1, v_theta=1)", "r.holds_to"),
]

_CHILD = r"""
import json, resource, sys, time
import bea
bea.one_step_map, bea.order                  # load the modules outside the timing
label, statement, digest = json.loads(sys.argv[1])
space = {"bea": bea}
t = time.perf_counter(); exec(statement, space); seconds = time.perf_counter() - t
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "rss_mb": rss, "digest": str(eval(digest, space))}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    rows = []
    for case in CASES:
        result = measure_all(_CHILD, list(case), checkouts(None))["now"]
        rows.append([case[0], f"{result['seconds']:.3f}", f"{result['rss_mb']:.0f}", result["digest"]])
        if not args.markdown:
            print(f"{case[0]:55} {result['seconds']:7.3f} s {result['rss_mb']:6.0f} MB   {result['digest']}")
    if args.markdown:
        print(markdown_table(["case", "seconds", "peak MB", "result"], rows))


if __name__ == "__main__":
    main()
