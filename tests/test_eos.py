"""The edge-of-stability tools (Damian et al.'s self-stabilisation), against exact algebra on a toy where
gradient descent *is* the four-stage map, the ODE's conserved quantity under SciPy's integrator, and the
constraints of the stable set."""

from __future__ import annotations

import numpy as np
import sympy
from scipy.integrate import solve_ivp

from bea import eos

a, b = sympy.symbols("a b")
TOY = a ** 2 * (1 + b) / 2 - b           # S = 1 + b along u = e_a; -grad L . e_b = 1: progressive sharpening
VARIABLES = {"theta": [a, b]}


def test_constants_on_the_toy_are_exact():
    c = eos.constants(TOY, VARIABLES, {a: 0, b: 3}, "1/2")                 # S = 4 = 2/eta
    assert c.sharpness == 4 and np.allclose(c.u, [1, 0]) and np.allclose(c.grad_sharpness_perp, [0, 1])
    assert (c.alpha, c.beta) == (1.0, 1.0) and abs(c.delta - np.sqrt(2)) < 1e-15 and c.epsilon == 0.5


def test_gradient_descent_on_the_toy_is_the_four_stage_map():
    """With x = a and y = b - b*, b* = 2/eta - 1, GD on the toy is exactly x+ = -(1 + eta y) x,
    y+ = y + eta (alpha - beta x^2/2)."""
    eta = 0.05
    c = eos.constants(TOY, VARIABLES, {a: 0, b: 2 / eta - 1}, eta)
    theta = np.array([0.01, 38.5])
    iterates = [theta]
    for _ in range(60):
        g = np.array([theta[0] * (1 + theta[1]), theta[0] ** 2 / 2 - 1])
        theta = theta - eta * g
        iterates.append(theta)
    iterates = np.array(iterates)
    predicted = eos.four_stage_map(c.alpha, c.beta, eta, 0.01, 38.5 - (2 / eta - 1), 60)
    assert np.abs(iterates[:, 0]).max() > 0.1                 # x grew past its start: the map is exercised
    assert np.allclose(iterates[:, 0], predicted[:, 0], rtol=1e-12, atol=1e-300)
    assert np.allclose(iterates[:, 1] - (2 / eta - 1), predicted[:, 1], rtol=1e-12, atol=1e-14)


def test_the_reduced_ode_conserves_its_invariant():
    alpha, beta, eta = 0.7, 1.3, 0.2
    field = eos.reduced_field(alpha, beta, eta)
    start = (0.4, -0.3)
    solution = solve_ivp(lambda t, z: field(*z), (0, 40), start, rtol=1e-12, atol=1e-14, dense_output=True)
    values = eos.invariant(alpha, beta, solution.y[0], solution.y[1])
    assert np.ptp(values) < 1e-8 * abs(values[0])
    assert eos.invariant(alpha, beta, 2 * alpha / beta, 0) == 0                # the fixed point: X = delta^2, Y = 0


def test_projection_and_constrained_trajectory():
    """proj_M lands on M (S <= 2/eta, grad L . u = 0); on the toy the constrained trajectory is a = 0,
    b_t = min(b_0 + t eta, 2/eta - 1) exactly (the sharpness is capped at 2/eta)."""
    eta = 0.5
    point = eos.project(TOY, VARIABLES, [0.3, 5.0], eta)
    assert abs(point[0]) < 1e-12 and abs(point[1] - 3) < 1e-12
    path = eos.constrained(TOY, VARIABLES, [0.0, 1.0], eta, 6)
    assert np.allclose(path[:, 0], 0, atol=1e-12)
    assert np.allclose(path[:, 1], [min(1 + t * eta, 3.0) for t in range(7)], atol=1e-12)
    curved = a ** 2 * (1 + b + b ** 2 / 10) / 2 - b + a ** 4 / 12
    for theta in eos.constrained(curved, VARIABLES, [0.3, 2.0], eta, 4):
        c = eos.constants(curved, VARIABLES, {a: theta[0], b: theta[1]}, eta)
        assert c.sharpness <= 2 / eta + 1e-9 and abs(c.gradient @ c.u) < 1e-9
