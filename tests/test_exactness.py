"""Derived modified fields against the independent series check (tests/independent.py).

Symbolic parameters are derived symbolically and then substituted by random rationals
and small integers; the check runs the scheme itself with those values.
"""

import random

import pytest
import sympy
from sympy import Rational as R

import bea
from independent import mismatch


def terms_of(flow):
    return [(t.block, t.power, t.tree, t.coefficient) for t in flow.terms]


def assert_exact(flow, scheme, time, values, order, dims, seed=0, degree=2):
    diff = mismatch(terms_of(flow), scheme, time, values, order, dims, seed=seed, degree=degree)
    assert all(c == 0 for row in diff for c in row), diff


def random_rates(seed):
    rng = random.Random(seed)
    return {"v_phi": R(rng.randint(1, 9), rng.randint(1, 5)), "v_theta": R(-rng.randint(1, 9), rng.randint(1, 5))}


@pytest.mark.parametrize("seed", [0, 1])
def test_euler_order_4(seed):
    assert_exact(bea.derive("euler", 4), "euler", "same", {}, 4, {"theta": 2}, seed=seed, degree=3)


@pytest.mark.parametrize("time", ["same", "per-player"])
def test_simultaneous_symbolic_order_4(time):
    values = random_rates(3)
    assert_exact(bea.derive("simultaneous", 4, time=time), "simultaneous", time, values, 4, {"phi": 1, "theta": 2})


@pytest.mark.parametrize("time", ["same", "per-player"])
@pytest.mark.parametrize("m,k", [(1, 1), (2, 3), (3, 1)])
def test_alternating_symbolic_order_4(time, m, k):
    values = {**random_rates(m * 10 + k), "m": m, "k": k}
    flow = bea.derive("alternating", 4, time=time)
    assert_exact(flow, "alternating", time, values, 4, {"phi": 2, "theta": 1}, seed=m + k)


@pytest.mark.parametrize("time", ["same", "per-player"])
def test_alternating_numeric_parameters_order_4(time):
    values = {"v_phi": R(3, 2), "v_theta": R(1, 3), "m": 2, "k": 2}
    flow = bea.derive("alternating", 4, time=time, v_phi="3/2", v_theta="1/3", m=2, k=2)
    assert all(not t.coefficient.free_symbols for t in flow.terms)
    assert_exact(flow, "alternating", time, values, 4, {"phi": 1, "theta": 2})


def test_alternating_many_inner_steps():
    values = {"v_phi": R(1, 2), "v_theta": R(2), "m": 12, "k": 5}
    flow = bea.derive("alternating", 4, v_phi="1/2", v_theta=2, m=12, k=5)
    assert_exact(flow, "alternating", "same", values, 4, {"phi": 1, "theta": 1})


@pytest.mark.parametrize("n", [2, 3, 4])
def test_sgd_order_4(n):
    flow = bea.derive("sgd", 4 if n < 4 else 3, n=n)
    assert_exact(flow, "sgd", "same", {"n": n}, flow.order, {"theta": 1}, seed=n)


def test_user_symbols_as_values():
    flow = bea.derive("alternating", 3, v_phi="eta", v_theta="eta", m="q", k=1, time="per-player")
    values = {"eta": R(3, 4), "q": 2}
    subs = {sympy.Symbol("eta"): values["eta"], sympy.Symbol("q"): 2}
    terms = [(t.block, t.power, t.tree, t.coefficient.subs(subs)) for t in flow.terms]
    diff = mismatch(terms, "alternating", "per-player", {"v_phi": R(3, 4), "v_theta": R(3, 4), "m": 2, "k": 1}, 3, {})
    assert all(c == 0 for row in diff for c in row)


def test_the_check_detects_a_wrong_coefficient():
    """The independent check is not vacuous: perturbing one top-order coefficient fails it."""
    flow = bea.derive("alternating", 3, time="per-player")
    values = {**random_rates(5), "m": 2, "k": 2}
    for index in (-1, len(flow.terms) // 2):
        terms = terms_of(flow)
        block, power, tree, c = terms[index]
        terms[index] = (block, power, tree, c + R(1, 7))
        diff = mismatch(terms, "alternating", "per-player", values, 3, {"phi": 1, "theta": 1})
        assert any(c != 0 for row in diff for c in row)


def test_the_check_detects_a_missing_term():
    terms = terms_of(bea.derive("euler", 4))
    terms = [t for t in terms if t[2] != "f[f,f]"]
    diff = mismatch(terms, "euler", "same", {}, 4, {"theta": 2}, degree=3)
    assert any(c != 0 for row in diff for c in row)


@pytest.mark.parametrize("scheme,time", [("euler", "same"), ("simultaneous", "per-player"), ("alternating", "same"), ("alternating", "per-player"), ("sgd", "same")])
def test_principal_terms_are_exact_on_affine_fields(scheme, time):
    """For affine fields every derivative of order >= 2 vanishes, so the chain terms alone
    form the exact modified field: check them to order 7."""
    params = {"n": 2} if scheme == "sgd" else {}
    flow = bea.principal(scheme, 7, time=time, **params)
    values = {"n": 2} if scheme == "sgd" else {**random_rates(7), "m": 2, "k": 3}
    dims = {"theta": 2} if scheme in ("euler", "sgd") else {"phi": 1, "theta": 2}
    assert_exact(flow, scheme, time, values, 7, dims, degree=1)


@pytest.mark.parametrize("time", ["same", "per-player"])
def test_alternating_symbolic_order_5(time):
    values = {**random_rates(11), "m": 2, "k": 3}
    assert_exact(bea.derive("alternating", 5, time=time), "alternating", time, values, 5, {"phi": 1, "theta": 2})


def test_euler_order_6():
    assert_exact(bea.derive("euler", 6), "euler", "same", {}, 6, {"theta": 2}, degree=3)


def test_sgd_order_5():
    assert_exact(bea.derive("sgd", 5, n=3), "sgd", "same", {"n": 3}, 5, {"theta": 1}, degree=3)


@pytest.mark.parametrize("time", ["same", "per-player"])
def test_alternating_symbolic_order_6(time):
    values = {**random_rates(13), "m": 3, "k": 2}
    assert_exact(bea.derive("alternating", 6, time=time), "alternating", time, values, 6, {"phi": 1, "theta": 1})


@pytest.mark.slow
def test_alternating_symbolic_order_7():
    values = {**random_rates(17), "m": 2, "k": 3}
    assert_exact(bea.derive("alternating", 7, time="per-player"), "alternating", "per-player", values, 7, {"phi": 1, "theta": 1})


@pytest.mark.slow
def test_euler_order_8():
    assert_exact(bea.derive("euler", 8), "euler", "same", {}, 8, {"theta": 2}, degree=3)


RUNGE_KUTTA = ["midpoint", "heun", "rk4", "extragradient"]


@pytest.mark.parametrize("scheme", RUNGE_KUTTA)
def test_runge_kutta_tableaux_against_the_independent_check(scheme):
    """Explicit Runge-Kutta schemes (Stages programs) to order 6 on random polynomial fields."""
    flow = bea.derive(scheme, 6)
    diff = mismatch(terms_of(flow), scheme, "same", {}, 6, {"theta": 2}, seed=3)
    assert all(x == 0 for row in diff for x in row)
    euler = bea.derive("euler", 6)           # and the check tells the schemes apart
    assert any(x != 0 for row in mismatch(terms_of(euler), scheme, "same", {}, 6, {"theta": 2}, seed=3) for x in row)


def test_rk4_has_no_drift_below_h4():
    """RK4 is of order 4: its modified field is f + O(h^4); the chain coefficient is that of log R(z) (-1/120)."""
    flow = bea.derive("rk4", 5)
    assert {t.power for t in flow.terms} == {0, 4}
    assert flow.coefficient("theta", "f[f[f[f[f]]]]") == sympy.Rational(-1, 120)
