"""Derived coefficients against the papers' printed equations, transcribed as data.

Gradient notation: for ``f = -grad E`` every node of a tree is a derivative of
``-grad E``, so ``F(t) = (-1)^{|t|} G(t)`` where ``G`` is the same differential of
``grad E``.  A printed term ``c G(t)`` is therefore the tree coefficient ``(-1)^{|t|} c``.
"""

import pytest
import sympy
from sympy import Rational as R

import bea

v_phi, v_theta, m, k = sympy.symbols("v_phi v_theta m k")


def field(flow):
    """``{(block, tree): coefficient}`` with trees in canonical text form."""
    return {(t.block, t.tree): t.coefficient for t in flow.terms}


def assert_same(derived, printed):
    assert set(derived) == set(printed), set(derived) ^ set(printed)
    for key, value in printed.items():
        assert sympy.simplify(derived[key] - value) == 0, (key, derived[key], value)


def from_gradient(printed):
    """Printed ``{tree: c}`` in gradient notation -> tree coefficients for ``f = -grad E``."""
    return {("theta", tree): (-1) ** bea.algebra.trees.parse_tree(tree).order * c for tree, c in printed.items()}


def test_tmlr_eq3_igr_flow():
    # theta' = -grad E - h/4 grad ||grad E||^2 = -grad E - h/2 Hess E grad E
    printed = {"f": R(-1), "f[f]": R(-1, 2)}
    assert_same(field(bea.derive("euler", 2)), from_gradient(printed))


def test_tmlr_eq8_third_order_flow():
    # -grad E - h/2 Hess grad E - h^2 (1/3 Hess^2 grad E + 1/12 grad E^T D^3E grad E)
    printed = {"f": R(-1), "f[f]": R(-1, 2), "f[f[f]]": R(-1, 3), "f[f,f]": R(-1, 12)}
    assert_same(field(bea.derive("euler", 3)), from_gradient(printed))


def test_hairer_lubich_wanner_explicit_euler_h3():
    # HLW Sec IX.1: f_3 = -1/4 f'f'f'f - 1/12 f''(f, f'f) - 1/12 f'f''(f, f); no f'''(f,f,f).
    flow = bea.derive("euler", 4)
    h3 = {t.tree: t.coefficient for t in flow.terms if t.power == 3}
    assert h3 == {"f[f[f[f]]]": R(-1, 4), "f[f,f[f]]": R(-1, 12), "f[f[f,f]]": R(-1, 12)}
    assert flow.coefficient("theta", "f[f,f,f]") == 0


def test_thesis_thm_4_2_1_simultaneous_per_player():
    printed = {
        ("phi", "f"): 1, ("phi", "f[f]"): -v_phi / 2, ("phi", "f[g]"): -v_phi / 2,
        ("theta", "g"): 1, ("theta", "g[f]"): -v_theta / 2, ("theta", "g[g]"): -v_theta / 2,
    }
    assert_same(field(bea.derive("simultaneous", 2, time="per-player")), printed)


def test_thesis_thm_4_2_2_alternating_per_player():
    printed = {
        ("phi", "f"): 1,
        ("phi", "f[f]"): -v_phi / 2 / m,
        ("phi", "f[g]"): -v_phi / 2,
        ("theta", "g"): 1,
        ("theta", "g[f]"): -v_theta / 2 * (1 - 2 * v_phi / v_theta),
        ("theta", "g[g]"): -v_theta / 2 / k,
    }
    assert_same(field(bea.derive("alternating", 2, time="per-player")), printed)


def test_thesis_thm_4_7_1_simultaneous_same_time():
    printed = {
        ("phi", "f"): v_phi, ("phi", "f[f]"): -v_phi**2 / 2, ("phi", "f[g]"): -v_phi * v_theta / 2,
        ("theta", "g"): v_theta, ("theta", "g[f]"): -v_phi * v_theta / 2, ("theta", "g[g]"): -v_theta**2 / 2,
    }
    assert_same(field(bea.derive("simultaneous", 2)), printed)


def test_thesis_thm_4_7_2_alternating_same_time():
    printed = {
        ("phi", "f"): v_phi,
        ("phi", "f[f]"): -v_phi**2 / (2 * m),
        ("phi", "f[g]"): -v_phi * v_theta / 2,
        ("theta", "g"): v_theta,
        ("theta", "g[f]"): v_theta * v_phi / 2,
        ("theta", "g[g]"): -v_theta**2 / (2 * k),
    }
    assert_same(field(bea.derive("alternating", 2)), printed)


@pytest.mark.parametrize("n", [2, 3, 4])
def test_thesis_c63_n_step_sgd(n):
    """Thesis Eqs C.56-C.63 expand the flow as ``f + (n h) f_1`` over time ``n h``, with

        f_1 = -1/2 fbar' fbar + 1/n^2 sum_{tau < mu} f_mu' f_tau,   fbar = (f_1 + ... + f_n)/n.

    In the contract's series in powers of ``h`` the ``h^1`` coefficient is ``n f_1``.
    """
    printed = {("theta", f"f{i}"): R(1, n) for i in range(1, n + 1)}
    for i in range(1, n + 1):          # the tree f_i[f_j] is f_i' f_j
        for j in range(1, n + 1):
            usual = -R(1, 2) * R(1, n * n)                   # from fbar' fbar
            drift = R(1, n * n) if i > j else 0              # mu = i > tau = j
            printed[("theta", f"f{i}[f{j}]")] = n * (usual + drift)
    assert_same(field(bea.derive("sgd", 2, n=n)), printed)
