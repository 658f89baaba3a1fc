"""Time code generation for a large concrete problem: an order-4 alternating flow, 50 parameters per player.

The game (per coordinate i, coupled through a shared mean field):

    f_i = -phi_i + tanh(theta_i) - c * phi_i * s,     g_i = -theta_i**3/3 + phi_i - c * theta_i * s,
    s = mean(phi * theta)

Reported: derivation, NumPy code generation (``flow.lambdify``: staged elementary
differentials, CSE), and one evaluation of the generated field at one state and at a
batch of 1000 states; with ``--exact`` also the exact SymPy field (``flow.evaluate``).

    python benchmarks/lambdify.py [--dim 50] [--order 4] [--exact]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np
import sympy

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import bea  # noqa: E402


def game(dim: int):
    phi = list(sympy.symbols(f"p0:{dim}"))
    theta = list(sympy.symbols(f"t0:{dim}"))
    c = sympy.Rational(1, 10)
    s = sympy.Add(*(p * t for p, t in zip(phi, theta))) / dim
    f = [-p + sympy.tanh(t) - c * p * s for p, t in zip(phi, theta)]
    g = [-t**3 / 3 + p - c * t * s for p, t in zip(phi, theta)]
    return {"f": f, "g": g}, {"phi": phi, "theta": theta}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dim", type=int, default=50, help="parameters per player")
    parser.add_argument("--order", type=int, default=4)
    parser.add_argument("--exact", action="store_true", help="also time the exact SymPy field (flow.evaluate)")
    args = parser.parse_args()
    fields, variables = game(args.dim)
    params = {"v_phi": 1, "v_theta": sympy.Rational(1, 2), "m": 2, "k": 1}

    t0 = time.perf_counter()
    flow = bea.derive("alternating", args.order, **params)
    t1 = time.perf_counter()
    if args.exact:
        flow.evaluate(fields, variables)
    t2 = time.perf_counter()
    F = flow.lambdify(fields, variables)
    t3 = time.perf_counter()
    rng = np.random.default_rng(0)
    y = rng.normal(size=2 * args.dim) / 2
    F(y, 0.01)
    t4 = time.perf_counter()
    repeats = 100
    for _ in range(repeats):
        F(y, 0.01)
    t5 = time.perf_counter()
    batch = rng.normal(size=(1000, 2 * args.dim)) / 2
    F(batch, 0.01)
    t6 = time.perf_counter()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"alternating order {args.order}, {args.dim} parameters per player, {len(flow.terms)} terms, "
          "fields with a shared mean-field coupling")
    print(f"derive            {t1 - t0:8.3f} s")
    if args.exact:
        print(f"evaluate (SymPy)  {t2 - t1:8.3f} s")
    print(f"lambdify (CSE)    {t3 - t2:8.3f} s")
    print(f"first call        {(t4 - t3) * 1e3:8.3f} ms")
    print(f"one evaluation    {(t5 - t4) / repeats * 1e3:8.3f} ms")
    print(f"batch of 1000     {(t6 - t5) * 1e3:8.3f} ms")
    print(f"peak memory       {rss:8.0f} MB")


if __name__ == "__main__":
    main()
