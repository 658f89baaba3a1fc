"""bea against the Python B-series packages: the modified equation of the explicit midpoint method.

For each order p (trees with up to p nodes, i.e. ``bea derive --scheme midpoint --order p``)
the coefficients are computed by bea and, in the same run, by the Python packages that
compute modified equations, each installed into a throwaway virtual environment (they are
not dependencies of bea):

* ``kauri`` (PyPI): ``RK(A, b).modified_equation_map()`` evaluated on every tree;
* ``bseries`` (PyPI 0.1, module ``BSeries``): the recursion of its ``bs.modified_equation``
  (``B[t] = a[t] - subs(B, e, t) + B[t]`` with ``a`` the elementary weights), run over
  ``trees.all_trees`` -- the shipped function builds ``a`` over the named trees of order
  <= 5 only, so beyond order 5 it returns unevaluated symbols;
* ``pybs`` (PyPI): installed and imported if it can be.

Normalisation.  All three write the field as ``sum_t h^(|t|-1) c(t) / sigma(t) F(t)``;
bea's coefficient is the whole factor, ``c(t) / sigma(t)`` (CONTRACT §1), so peer values
are divided by the symmetry ``sigma(t)`` before comparing.  kauri computes in floating
point, so agreement is judged to a relative 1e-9; bseries and bea are exact.  Trees are
compared in a canonical nested-tuple form; bea omits zero coefficients.

Each measurement runs in a fresh process with a time limit; imports are not timed, tree
generation is (cold).  Usage::

    python benchmarks/peers.py                   # orders 6..10, 600 s limit per run
    python benchmarks/peers.py --orders 6 7 --timeout 60 --markdown
"""

from __future__ import annotations

import argparse
import ast
import re
import json
import shutil
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = {"kauri": "kauri", "bseries": "bseries", "pybs": "pybs"}

# Runs inside the throwaway venv: prints {"seconds": ..., "coefficients": {nested list: value}}.
WORKER = r'''
import json, sys, time
from fractions import Fraction
package, order = sys.argv[1], int(sys.argv[2])
out = {}
if package == "kauri":
    from kauri import RK, trees_up_to_order
    start = time.perf_counter()                       # imports are not timed; tree generation is
    method = RK([[Fraction(0), Fraction(0)], [Fraction(1, 2), Fraction(0)]], [Fraction(0), Fraction(1)], "midpoint")
    field = method.modified_equation_map()
    for t in trees_up_to_order(order):
        if t.list_repr is not None:
            out[str(t)] = [repr(float(field(t))), int(t.sigma())]
elif package == "bseries":
    import numpy as np, sympy
    from BSeries import trees, bs
    start = time.perf_counter()
    A = np.array([[0, 0], [sympy.Rational(1, 2), 0]], dtype=object)
    b = np.array([0, 1], dtype=object)
    a, B = bs.TreeMap("a"), bs.TreeMap("b")
    forest = [t for p in range(1, order + 1) for t in trees.all_trees(p)]
    for t in forest:
        a[t] = bs.elementary_weight(t, A, b)
    e = lambda t: sympy.Rational(1) / trees.gamma(t)
    B[forest[0]] = a[forest[0]]
    for t in forest[1:]:
        B[t] = a[t] - bs.subs(B, e, t) + B[t]
    for t in forest:
        out[str(t._nl)] = [str(B[t]), int(t.symmetry())]
elif package == "pybs":
    import pybs
    raise SystemExit("pybs imported, but it has no modified-equation routine this script knows")
print(json.dumps({"seconds": time.perf_counter() - start, "coefficients": out}))
'''

# Runs in this interpreter's environment with bea importable.
BEA = r'''
import json, sys, time
import bea
derive = bea.derive                                   # imports are not timed (bea loads its engine on first use)
start = time.perf_counter()                           # cold: trees are built inside the call
flow = derive("midpoint", int(sys.argv[1]))
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "coefficients": {t.tree: str(t.coefficient) for t in flow.terms}}))
'''


def canonical(nested) -> tuple:
    """A tree as a sorted nested tuple of its children (the root's label dropped)."""
    return tuple(sorted(canonical(child) for child in nested))


def from_bea(text: str):
    """bea's tree text as nested lists: ``f`` is ``[]``, ``f[a,b]`` is ``[a, b]``."""
    return ast.literal_eval(re.sub(r"f(?!\[)", "[]", text).replace("f[", "["))


def run(cmd, timeout):
    start = time.perf_counter()
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timeout after {timeout} s"}
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["failed"])[-1]
        return {"error": last[:160]}
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall"] = time.perf_counter() - start
    return result


def install(venv: Path) -> dict:
    """Create the venv and try to install each peer; return {name: error or None}."""
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
    subprocess.run(pip + ["sympy", "numpy"], capture_output=True)
    status = {}
    for name, dist in PACKAGES.items():
        done = subprocess.run(pip + [dist], capture_output=True, text=True)
        status[name] = None if done.returncode == 0 else (done.stderr.strip().splitlines() or ["failed"])[-1]
    probe = subprocess.run([str(venv / "bin" / "python"), "-c", "import pybs"], capture_output=True, text=True)
    if status["pybs"] is None and probe.returncode != 0:
        status["pybs"] = "installs, but does not import on Python 3: " + probe.stderr.strip().splitlines()[-1]
    return status


def agree(reference: dict, peer: dict, exact: bool) -> tuple[bool, str]:
    """Compare bea's coefficients with a peer's (divided by the symmetry)."""
    ours = {canonical(from_bea(t)): Fraction(c) for t, c in reference.items()}
    worst = 0.0
    for tree, (value, sigma) in peer.items():
        key = canonical(ast.literal_eval(tree))
        theirs = Fraction(value) / sigma if exact else float(value) / sigma
        mine = ours.pop(key, Fraction(0))
        if exact:
            if theirs != mine:
                return False, f"tree {tree}: {theirs} vs bea {mine}"
        else:
            worst = max(worst, abs(theirs - float(mine)) / max(1.0, abs(float(mine))))
    if ours:
        return False, f"{len(ours)} bea trees missing in the peer"
    return (worst <= 1e-9, f"max relative difference {worst:.1e}") if not exact else (True, "exact")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, nargs="+", default=[6, 7, 8, 9, 10])
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--venv", type=Path, help="reuse this venv (default: a throwaway one)")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="bea-peers-"))
    try:
        venv = args.venv or workdir / "venv"
        status = install(venv) if not (venv / "bin" / "python").exists() else {n: None for n in PACKAGES}
        worker = workdir / "worker.py"
        worker.write_text(WORKER)
        for name, error in status.items():
            print(f"# {name}: {'installed' if error is None else error}", file=sys.stderr)
        env_python = str(venv / "bin" / "python")
        rows = []
        for order in args.orders:
            mine = run([sys.executable, "-c", f"import sys; sys.path.insert(0, {str(ROOT)!r});" + BEA, str(order)],
                       args.timeout)
            row = {"order": order, "bea": mine}
            for name in ("kauri", "bseries", "pybs"):
                if status.get(name) is not None:
                    row[name] = {"error": status[name]}
                    continue
                result = run([env_python, str(worker), name, str(order)], args.timeout)
                if "coefficients" in result and "coefficients" in mine:
                    result["agrees"], result["detail"] = agree(mine["coefficients"], result["coefficients"],
                                                               exact=name == "bseries")
                row[name] = result
            rows.append(row)
            print(_line(row), flush=True)
        if args.markdown:
            print(_markdown(rows))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


def _cell(result: dict, reference: dict) -> str:
    if "error" in result:
        return result["error"]
    ratio = result["seconds"] / reference["seconds"] if "seconds" in reference else float("nan")
    check = "agrees" if result.get("agrees") else f"DISAGREES ({result.get('detail')})"
    return f"{result['seconds']:.3f} s ({ratio:,.0f}x bea; {check})"


def _line(row) -> str:
    bea = row["bea"]
    head = f"order {row['order']:2d}: bea " + (f"{bea['seconds']:.4f} s ({len(bea['coefficients'])} terms)"
                                              if "seconds" in bea else bea["error"])
    return head + "".join(f" | {name}: {_cell(row[name], bea)}" for name in ("kauri", "bseries", "pybs"))


def _markdown(rows) -> str:
    lines = ["| order | bea | kauri | bseries | pybs |", "|---|---|---|---|---|"]
    for row in rows:
        bea = row["bea"]
        lines.append(f"| {row['order']} | {bea.get('seconds', float('nan')):.4f} s | "
                     + " | ".join(_cell(row[n], bea) for n in ("kauri", "bseries", "pybs")) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
