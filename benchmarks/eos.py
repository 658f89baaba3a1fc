"""Time the edge-of-stability tools, each case in a fresh process.

    python benchmarks/eos.py                          # this checkout
    python benchmarks/eos.py --against /tmp/old       # and another one, in the same run (same digests)
    python benchmarks/eos.py --markdown               # the table as Markdown

Cases: Damian et al.'s projection onto the stable set, constrained trajectory and predicted dynamics on a
toy with curvature (the projection's Gauss-Newton steps need the gradient of g . u), the 2-cycle; and, for
this checkout only (``now``), the same on a JAX model.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from harness import checkouts, markdown_table, measure, measure_all

_TOY = ("a, b = sympy.symbols('a b'); toy = a**2 * (1 + b + b**2/50)/2 - b - a**4/40; "
        "V = {'theta': [a, b]}; ")
_MODEL = ("import bea.jax, jax.numpy as jnp; "
          "loss = lambda t: t[0]**2 * (1 + t[1] + t[1]**2/50)/2 - t[1] - t[0]**4/40; ")

# (label, setup, statement timed, digest expression, runs on older checkouts)
CASES = [
    ("project (0.3, 5), eta 0.05", _TOY, "r = eos.project(toy, V, [0.3, 5.0], 0.05)", "round(float(r[1]), 9)", True),
    ("constrained, 60 steps", _TOY, "r = eos.constrained(toy, V, [0.01, 25.5], 0.05, 60)", "round(float(r[-1][1]), 9)", True),
    ("predicted, 60 steps", _TOY, "r = eos.predicted(toy, V, [0.01, 25.5], 0.05, 60)", "round(float((r.x**2).mean()), 6)", True),
    ("two_cycle of S x^2/2 - x^4/4, hS = 2.3", _TOY,
     "r = eos.two_cycle(sympy.Rational(23, 5) * a**2/2 - a**4/4, {'theta': [a]}, {a: 0}, sympy.Rational(1, 2))",
     "round(r.radius, 12)", True),
    ("model predicted (JAX), 60 steps", _MODEL,
     "r = bea.jax.eos.predicted(loss, jnp.array([0.01, 25.5]), 0.05, 60)", "round(float((r.x**2).mean()), 6)", False),
]

_CHILD = r"""
import json, resource, sys, time
import sympy
import bea
from bea import eos
label, setup, statement, digest = json.loads(sys.argv[1])
space = {"bea": bea, "eos": eos, "sympy": sympy}
exec(setup, space)
t = time.perf_counter(); exec(statement, space); seconds = time.perf_counter() - t
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "rss_mb": rss, "digest": str(eval(digest, space))}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", type=Path, help="another checkout to time in the same run")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    roots = checkouts(args.against)
    rows = []
    for label, setup, statement, digest, old in CASES:
        case = [label, setup, statement, digest]
        results = measure_all(_CHILD, case, roots) if old else {"now": measure(_CHILD, case)}
        before = results.get("before")
        row = [label, f"{before['seconds']:.2f}" if before else "-", f"{results['now']['seconds']:.2f}",
               results["now"]["digest"]]
        rows.append(row)
        if not args.markdown:
            print(f"{label:45} before {row[1]:>6} s   now {row[2]:>6} s   {row[3]}")
    if args.markdown:
        print(markdown_table(["case", "before (s)", "now (s)", "result"], rows))


if __name__ == "__main__":
    main()
