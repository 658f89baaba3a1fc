"""One-step drift and the loss change, against independent computations: the flow integrated by mpmath's
Taylor-series method at 30 digits (bea uses SciPy's DOP853), the steps run here by hand, and the exact Taylor series of the loss along
those steps on random polynomial losses."""

from __future__ import annotations

import json
import random

import mpmath
import numpy as np
import pytest
import sympy

import bea
from bea.analysis.drift import loss_change, momentum_drift, one_step_drift
from clirun import run_exit

x, y = sympy.symbols("x y")
R = sympy.Rational


def random_loss(seed):
    rng = random.Random(seed)
    monomials = [x ** i * y ** j for i in range(5) for j in range(5) if 2 <= i + j <= 4]
    return sum(R(rng.randint(-3, 3), rng.randint(1, 4)) * m for m in rng.sample(monomials, 6)) + x ** 2 + y ** 2


def flow_end(E, start, h, speed=1.0):
    """The flow of -speed grad E for the time h by mpmath's Taylor-series integrator at 30 digits (bea
    integrates with SciPy's DOP853: an independent integrator)."""
    grad = sympy.lambdify([(x, y)], [E.diff(x), E.diff(y)], "mpmath")
    with mpmath.workdps(30):
        solution = mpmath.odefun(lambda t, v: [-speed * g for g in grad(v)], 0, [mpmath.mpf(repr(c)) for c in start])
        return np.array([float(c) for c in solution(mpmath.mpf(repr(float(h))))])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gradient_descent_drift_is_theorem_6_1(seed):
    """NGF(h) - GD lies within the mean-value bounds (h^2/2) [min, max] Hess E grad E on the path, equals an
    independent integration, and tends to its h^2 term at the start as h -> 0."""
    E = random_loss(seed)
    fields, blocks = {"f": [-E.diff(x), -E.diff(y)]}, {"theta": [x, y]}
    point = {x: R(1, 2), y: R(-1, 3)}
    g = np.array([float(E.diff(v).subs(point)) for v in (x, y)])
    for h in (R(1, 10), R(1, 100)):
        d = one_step_drift(fields, blocks, point, h)
        assert d.holds
        independent = flow_end(E, [0.5, -1 / 3], h) - (np.array([0.5, -1 / 3]) - float(h) * g)
        assert np.allclose(d.drift, independent, rtol=1e-8, atol=1e-14)
    H = np.array(sympy.hessian(E, (x, y)).subs(point).evalf().tolist(), dtype=float)
    small = one_step_drift(fields, blocks, point, R(1, 1000))
    assert np.allclose(small.drift / 1e-6, (H @ g) / 2, rtol=1e-2, atol=1e-2 * np.abs(H @ g).max())


def test_a_flow_that_blows_up_before_h_is_an_error():
    """theta' = exp(theta) from 1 blows up at t = exp(-1) < h = 1/2: an error, never a hang (the property
    tests found the hang)."""
    t = sympy.Symbol("t")
    with pytest.raises(bea.ProblemError, match="blows up"):
        one_step_drift({"f": [sympy.exp(t)]}, {"theta": [t]}, {t: 1}, R(1, 2))


def test_momentum_drift_with_a_free_velocity():
    """Heavy ball against the flow of -grad E/(1 - beta): the -beta v - h beta/(1-beta) grad E part is exact
    (zero on the slow manifold), and the rest lies within the mean-value bounds; the flow by mpmath."""
    E = random_loss(3)
    fields, blocks = {"f": [-E.diff(x), -E.diff(y)]}, {"theta": [x, y]}
    point = {x: R(1, 4), y: R(1, 5)}
    g = np.array([float(E.diff(v).subs(point)) for v in (x, y)])
    h, beta = R(1, 20), R(1, 2)
    slow = [R(str(-0.05 * gi / 0.5)) for gi in g]
    for velocity in (slow, [R(1, 10), R(-1, 7)]):
        d = momentum_drift(fields, blocks, point, h, beta, velocity)
        assert d.holds
        step = np.array([0.25, 0.2]) + 0.5 * np.array([float(v) for v in velocity]) - 0.05 * g
        assert np.allclose(d.drift, flow_end(E, [0.25, 0.2], h, speed=2.0) - step, rtol=1e-8, atol=1e-13)
    on_manifold = momentum_drift(fields, blocks, point, h, beta, [-h * gi / (1 - beta) for gi in
                                                                    [E.diff(v).subs(point) for v in (x, y)]])
    assert np.allclose(on_manifold.rest, 0, atol=1e-25)


def _rk4_step(E, point, hs):
    grad = [E.diff(v) for v in (x, y)]

    def f(p):
        return [-g.xreplace({x: p[0], y: p[1]}) for g in grad]

    p = [point[x], point[y]]
    k1 = f(p)
    k2 = f([a + hs / 2 * b for a, b in zip(p, k1)])
    k3 = f([a + hs / 2 * b for a, b in zip(p, k2)])
    k4 = f([a + hs * b for a, b in zip(p, k3)])
    return [a + hs / 6 * (b + 2 * c + 2 * d + e) for a, b, c, d, e in zip(p, k1, k2, k3, k4)]


@pytest.mark.parametrize("seed", [0, 4])
def test_loss_change_against_one_step_on_random_polynomial_losses(seed):
    E = random_loss(seed)
    point = {x: R(1, 3), y: R(-1, 2)}
    hs = sympy.Symbol("h")
    steps = {"euler": [point[v] - hs * E.diff(v).subs(point) for v in (x, y)], "rk4": _rk4_step(E, point, hs)}
    for scheme, new in steps.items():
        change = loss_change(scheme, E, {"theta": [x, y]}, point, order=4)
        # the step's polynomial in h cut after h^4 (E's change through h^4 sees no more), then expanded
        cut = [sum(sympy.Poly(sympy.expand(c), hs).coeff_monomial(hs ** p) * hs ** p for p in range(5)) for c in new]
        exact = sympy.Poly(sympy.expand(E.subs({x: cut[0], y: cut[1]}, simultaneous=True) - E.subs(point)), hs)
        assert change.coefficients == tuple(exact.coeff_monomial(hs ** p) for p in range(1, 5)), scheme


def test_loss_change_per_direction_on_a_quadratic():
    """On E = theta^T A theta / 2 the change over a GD step is exactly sum_i (g.u_i)^2 (-h + h^2 lambda_i/2):
    it decreases along u_i iff h lambda_i < 2 (the thesis's A.165 prints 1 - h/(2 lambda_i))."""
    E = x ** 2 / 2 + x * y / 2 + 3 * y ** 2
    h = R(1, 2)
    change = loss_change("euler", E, {"theta": [x, y]}, {x: 1, y: 1}, order=3, h=h)
    assert change.threshold == 2 and change.coefficients[2] == 0
    exact = sum(change.coefficients[p] * h ** (p + 1) for p in range(2))
    assert abs(float(exact) - float(h) * change.per_direction.sum()) < 1e-12
    assert change.decreases == tuple(float(h) * lam < 2 for lam in change.eigenvalues)
    assert change.decreases == (False, True)          # lambda_max ~ 6.04: h lambda > 2


def test_dal_momentum_and_the_taylor_optimal_step():
    """DAL for heavy ball from the SNR argument: 2 (1 - beta)/|Hess E g_hat| (TMLR Eq 21 prints 1/(2 |H g_hat|));
    the Taylor-optimal step of thesis A.171 is 1/(g_hat^T H g_hat)."""
    E = x ** 2 + x * y + 2 * y ** 2
    s = bea.spectral({"f": [-E.diff(x), -E.diff(y)]}, {"theta": [x, y]}, {x: 1, y: 2}, "1/4")
    H = np.array([[2, 1], [1, 4]], dtype=float)
    g = H @ np.array([1, 2])
    ghat = g / np.linalg.norm(g)
    assert abs(s.dal_momentum(0.9) - 2 * 0.1 / np.linalg.norm(H @ ghat)) < 1e-12
    assert abs(s.dal_momentum(0.9, constant=0.5) - 0.5 / np.linalg.norm(H @ ghat)) < 1e-12
    assert abs(s.taylor_optimal_step - 1 / (ghat @ H @ ghat)) < 1e-12


def test_drift_and_loss_change_commands(capsys):
    status, out, _ = run_exit(capsys, "drift", "--field", "f=-theta^3", "--at", "theta=1", "--h", "1/10",
                              "--format", "json")
    data = json.loads(out)
    assert status == 0 and data["holds"] and abs(data["leading"][0] - 0.015) < 1e-15
    status, out, _ = run_exit(capsys, "drift", "--problem", "rosenbrock", "--h", "1/1000", "--beta", "9/10")
    assert status == 0 and "within" in out
    status, out, _ = run_exit(capsys, "loss-change", "--loss", "x^2", "--var", "x", "--at", "x=1", "--order", "2",
                              "--format", "json")
    assert status == 0 and json.loads(out)["coefficients"] == ["-4", "4"]
    for bad in (["drift", "--field", "f=-theta", "--h", "1", "--velocity", "1"],
                ["loss-change", "--scheme", "heavy-ball", "--loss", "x^2", "--var", "x", "--at", "x=1"],
                ["loss-change", "--loss", "x^2", "--var", "x", "--at", "y=1"]):
        status, _, err = run_exit(capsys, *bad)
        assert status == 2 and len(err.strip().splitlines()) == 1
