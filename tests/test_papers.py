"""Derived coefficients against printed equations that are not in the paper catalogue.

The catalogue's entries (bea/papers/) hold the papers' printed equations as data, once; their
exact comparison with the engine is tested in test_catalogue.py.  These are the other printed
results bea is checked against: HLW's explicit Euler expansion and the thesis's App. C.
"""

import pytest
import sympy
from sympy import Rational as R

import bea


def field(flow):
    """``{(block, tree): coefficient}`` with trees in canonical text form."""
    return {(t.block, t.tree): t.coefficient for t in flow.terms}


def assert_same(derived, printed):
    assert set(derived) == set(printed), set(derived) ^ set(printed)
    for key, value in printed.items():
        assert sympy.simplify(derived[key] - value) == 0, (key, derived[key], value)


def test_hairer_lubich_wanner_explicit_euler_h3():
    # HLW Sec IX.1: f_3 = -1/4 f'f'f'f - 1/12 f''(f, f'f) - 1/12 f'f''(f, f); no f'''(f,f,f).
    flow = bea.derive("euler", 4)
    h3 = {t.tree: t.coefficient for t in flow.terms if t.power == 3}
    assert h3 == {"f[f[f[f]]]": R(-1, 4), "f[f,f[f]]": R(-1, 12), "f[f[f,f]]": R(-1, 12)}
    assert flow.coefficient("theta", "f[f,f,f]") == 0


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
