"""Exact stability regions on the test problem, against published closed forms and against iterates run
here by hand (the spectral radius of iterated steps): inside the region the iterates decay, outside they grow."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

import bea
from bea.analysis.stability_region import stability_region

R = sympy.Rational


@pytest.mark.parametrize("beta", [R(0), R(1, 4), R(1, 2), R(9, 10)])
def test_momentum_regions_are_the_closed_forms(beta):
    """Heavy ball 0 < h lambda < 2 (1 + beta) [Pol64]; Nesterov 0 < h lambda < 2 (1 + beta)/(1 + 2 beta)."""
    assert stability_region("heavy-ball", beta=beta).intervals == ((0, 2 * (1 + beta)),)
    assert stability_region("nesterov", beta=beta).intervals == ((0, 2 * (1 + beta) / (1 + 2 * beta)),)
    symbolic = stability_region("heavy-ball")
    assert symbolic.intervals is None and 2 * sympy.Symbol("beta") + 2 in symbolic.boundaries


def test_published_regions():
    """Gradient descent (0, 2); RK4's real interval ends at 2.785293563... and its imaginary one at 2 sqrt 2
    [HW96, Sec IV.2]; implicit Euler and Gauss are A-stable; extragradient on a bilinear game |h omega| < 1,
    gradient descent on it nowhere."""
    assert stability_region("euler").intervals == ((0, 2),)
    (a, b), = stability_region("rk4").intervals
    assert a == 0 and abs(float(b) - 2.785293563405282) < 1e-12
    assert stability_region("rk4", "imaginary").intervals == ((-2 * sympy.sqrt(2), 0), (0, 2 * sympy.sqrt(2)))
    assert stability_region("gauss4").intervals == ((0, sympy.oo),)
    assert stability_region("implicit-euler").contains(1000)
    assert stability_region("extragradient", "imaginary").intervals == ((-1, 0), (0, 1))
    assert stability_region("euler", "imaginary").intervals == ()


def _iterate(name, x, axis, steps=400):
    """|theta_k|^(1/k) for the scheme run by hand on theta' = mu theta (mu = -x or i x, h = 1)."""
    mu = -x if axis == "real" else 1j * x
    f = lambda t: mu * t                                           # noqa: E731
    old, t, logs = 1.0 + 0j, 1.0 + 0j, 0.0
    for _ in range(steps):
        if name == "euler":
            new = t + f(t)
        elif name == "heavy-ball":
            new = t + f(t) + 0.5 * (t - old)
        elif name == "nesterov":
            u = t + 0.5 * (t - old)
            new = u + f(u)
        elif name == "optimistic":
            new = t + 2 * f(t) - f(old)
        elif name == "extragradient":
            new = t + f(t + f(t))
        elif name == "rk4":
            k1 = f(t); k2 = f(t + k1 / 2); k3 = f(t + k2 / 2); k4 = f(t + k3)  # noqa: E702
            new = t + (k1 + 2 * k2 + 2 * k3 + k4) / 6
        old, t = t, new
        scale = max(abs(t), abs(old))               # rescale (a linear recursion): no overflow
        if scale > 1e50 or 0 < scale < 1e-50:
            old, t, logs = old / scale, t / scale, logs + np.log(scale)
    return float(np.exp((logs + np.log(max(abs(t), 1e-300))) / steps))


@pytest.mark.parametrize("name,params,axis", [("euler", {}, "real"), ("heavy-ball", {"beta": R(1, 2)}, "real"),
                                              ("nesterov", {"beta": R(1, 2)}, "real"), ("optimistic", {}, "real"),
                                              ("optimistic", {}, "imaginary"), ("extragradient", {}, "imaginary"),
                                              ("rk4", {}, "real"), ("rk4", {}, "imaginary")])
def test_regions_against_iterated_steps(name, params, axis):
    region = stability_region(name, axis, **params)
    for x in np.linspace(0.05, 4, 80):
        if any(abs(x - float(b)) < 0.02 for b in region.boundaries):
            continue                              # too close to a boundary to tell in 400 steps
        rate = _iterate(name, x, axis)
        assert (rate < 1) == region.contains(x), (name, axis, x, rate)


def test_the_method_verdict_reports_the_region(capsys):
    x = sympy.Symbol("x")
    flow = bea.derive("heavy-ball", 2, beta=R(1, 2))
    inside = flow.stability({"f": [-2 * x]}, {"theta": [x]}, {x: 0, "h": 1})
    outside = flow.stability({"f": [-2 * x]}, {"theta": [x]}, {x: 0, "h": 2})
    assert inside.method.outside == () and outside.method.outside == (4,)
    assert inside.method.verdict == "stable" and outside.method.verdict == "unstable"
    assert outside.to_json()["method"]["region"]["intervals"] == [["0", "3"]]
    assert "outside: 4" in outside.to_text()
