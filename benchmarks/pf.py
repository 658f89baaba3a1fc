"""Time the principal flow's field on non-affine problems, per method, and the Jordan method's two routes: its
30-digit eigendecomposition (simple eigenvalues, the default) and SymPy's exact Jordan form (repeated or close
eigenvalues; ``--exact`` times it too, for comparison, and checks that the two agree).

    python benchmarks/pf.py [--exact] [--steps 2]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import sympy

import bea
from bea.analysis.pf_methods import Jordan

x, y, z = sympy.symbols("x y z")
PROBLEMS = {  # name: (loss, variables, start, h)
    "2-D cubic, h lambda_0 = 1.6": (x**3 / 3 + x * y**2 / 2 + y**2 / 2, [x, y], [0.5, 0.25], 1),
    "3-D quartic, h lambda_0 = 0.9": (x**4 / 4 + x * y * z + y**2 + z**2 / 2 + x * z, [x, y, z], [0.6, -0.4, 0.3], "1/5"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--exact", action="store_true", help="also time the exact Jordan route")
    parser.add_argument("--steps", type=int, default=2)
    args = parser.parse_args()
    for name, (loss, variables, start, h) in PROBLEMS.items():
        fields = {"f": [-loss.diff(v) for v in variables]}
        point = np.array(start)
        for method in ("eig", "schur", "jordan"):
            pf = bea.principal_flow(fields, {"theta": variables}, h, method=method)
            t0 = time.perf_counter()
            for _ in range(20):
                pf.field(point)
            t1 = time.perf_counter()
            pf.trajectory(point, args.steps)
            t2 = time.perf_counter()
            print(f"{name:32s} {method:6s}: field {1000 * (t1 - t0) / 20:8.2f} ms, trajectory of {args.steps} steps "
                  f"{t2 - t1:7.2f} s", flush=True)
        if args.exact:
            jordan = Jordan(bea.principal_flow(fields, {"theta": variables}, h, method="jordan"))
            M, c = jordan.pf.affine_map(point, exact=True)
            t0 = time.perf_counter()
            try:
                exact = jordan.exact_field(M, c, None)
            except bea.ProblemError as error:
                print(f"{name:32s} jordan, exact route: {error} ({time.perf_counter() - t0:.2f} s)", flush=True)
                continue
            t1 = time.perf_counter()
            fast = jordan.field(point, None)
            print(f"{name:32s} jordan, exact route: field {1000 * (t1 - t0):8.2f} ms; |fast - exact| = "
                  f"{np.abs(fast - exact).max():.1e}", flush=True)


if __name__ == "__main__":
    main()
