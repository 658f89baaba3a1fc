"""Time a derived flow on a concrete problem at an exact point: the field and its Jacobian of an
order-P flow on a random quintic in two or three variables (the performance issue's target:
<= 5 s at order 5), point-wise (``flow.evaluate(..., at=...)``, ``flow.jacobian``) and, with
``--symbolic``, through the whole expression in the variables for comparison.

    python benchmarks/concrete.py [--order 5] [--symbolic]
"""

from __future__ import annotations

import argparse
import random
import time

import sympy

import bea


def quintic(variables, rng):
    """A random polynomial of degree 5 in ``variables``, small integer coefficients."""
    monomials = [m for m in sympy.itermonomials(variables, 5)]
    return sum(rng.randint(-3, 3) * m for m in rng.sample(monomials, min(12, len(monomials))))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--order", type=int, default=5)
    parser.add_argument("--symbolic", action="store_true", help="also time the symbolic route (slow)")
    args = parser.parse_args()
    rng = random.Random(5)
    for scheme, names, params in [("euler", "x y", {}), ("euler", "x y z", {}), ("simultaneous", "x y", {"v_phi": 1, "v_theta": 1})]:
        symbols = sympy.symbols(names)
        flow = bea.derive(scheme, args.order, **params)
        if len(flow.blocks) == 1:
            variables = {"theta": list(symbols)}
        else:
            variables = {"phi": [symbols[0]], "theta": [symbols[1]]}
        E = quintic(symbols, rng)
        fields = {label: [-E.diff(v) for v in variables[flow.block_of(label)]] for label in flow.blocks.labels}
        at = {str(v): sympy.Rational(rng.randint(-3, 3), rng.randint(1, 4)) for v in symbols}
        t0 = time.perf_counter()
        value = flow.evaluate(fields, variables, at=at)
        t1 = time.perf_counter()
        stability = flow.jacobian(fields, variables, {**at, "h": "1/10"})
        t2 = time.perf_counter()
        line = (f"{scheme:13s} order {args.order} on a quintic in {names:6s}: field at the point {t1 - t0:6.2f} s, "
                f"Jacobian at the point {t2 - t1:6.2f} s ({len(flow.terms)} terms)")
        if args.symbolic:
            t3 = time.perf_counter()
            symbolic = flow.evaluate(fields, variables)
            exact = symbolic.xreplace({sympy.Symbol(k): v for k, v in at.items()})
            t4 = time.perf_counter()
            assert sympy.expand(exact - value) == sympy.zeros(*value.shape)
            line += f"; symbolic field then substituted {t4 - t3:6.2f} s"
        print(line, flush=True)
        del stability


if __name__ == "__main__":
    main()
