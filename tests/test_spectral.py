"""Spectral diagnostics against iterates and independent computations (not the papers' closed forms):
gradient-descent iterates per eigendirection in every regime, the principal flow's Jacobian at a critical
point by finite differences (TMLR Eq 16, complex for h lambda > 1), the sharpness gradient against finite
differences of the top eigenvalue, the third-order term against finite differences of the gradient and
against the derived modified field, and DAL against its definition."""

from __future__ import annotations

import json

import numpy as np
import pytest
import sympy

import bea
from clirun import run_exit

x, y, z = sympy.symbols("x y z")


def field_of(E, variables):
    return {"f": [-E.diff(v) for v in variables]}, {"theta": list(variables)}


def hessian_at(E, variables, point):
    return np.array(sympy.hessian(E, variables).xreplace(point).evalf(30).tolist(), dtype=float)


def test_pf_exponents_against_gradient_descent_iterates_in_every_regime():
    """A quadratic with one eigenvalue in each regime: the coordinates of GD iterates along u_i are
    (1 - h lambda_i)^k c_0 = exp(k h exponent_i) c_0, complex branch included (|.| and sign flips)."""
    h = sympy.Rational(1, 2)
    E = -x ** 2 / 4 + x * y / 10 + y ** 2 / 2 + 3 * z ** 2 / 2 + 5 * z * y / 100      # eigenvalues ~ -1/2, 1, 3 ...
    variables = [x, y, z]
    fields, blocks = field_of(E, variables)
    s = bea.spectral(fields, blocks, {x: 1, y: 1, z: 1}, h)
    assert set(s.regimes) == {"ngf-unstable", "monotone", "oscillating"}
    A = hessian_at(E, variables, {})
    theta = np.ones(3)
    coords0 = s.eigenvectors.T @ theta
    for k in range(1, 8):
        theta = theta - float(h) * (A @ theta)
        predicted = np.exp(k * float(h) * s.pf_exponents) * coords0
        assert np.allclose(predicted.imag, 0, atol=1e-9) and np.allclose(predicted.real, s.eigenvectors.T @ theta)
    divergent = bea.spectral({"f": [-5 * x]}, {"theta": [x]}, {x: 1}, h)      # h lambda = 5/2
    assert divergent.regimes == ["divergent"] and divergent.stability_coefficients[0].real > 0
    assert abs(np.exp(3 * float(h) * divergent.pf_exponents[0]) - (1 - 2.5) ** 3) < 1e-9


def test_pf_jacobian_at_a_critical_point_is_eq16_closed_form():
    """TMLR Eq 16: at a critical point the PF's Jacobian has the eigenvalues log(1 - h lambda_i)/h, also for
    h lambda > 1 (complex); the PF here is bea.principal_flow's, differentiated by central differences."""
    E = x ** 2 + 3 * y ** 2 + x ** 4 + x * y ** 3 + x ** 2 * y
    fields, blocks = field_of(E, [x, y])
    h = sympy.Rational(2, 5)                        # h lambda = 0.8 and 2.4
    s = bea.spectral(fields, blocks, {x: 0, y: 0}, h)
    assert s.regimes == ["divergent", "monotone"]
    pf = bea.principal_flow(fields, blocks, h, method="eig")
    step = 1e-6
    J = np.column_stack([(np.asarray(pf.field(list(step * e)), complex) - np.asarray(pf.field(list(-step * e)), complex))
                         / (2 * step) for e in np.eye(2)])
    assert np.allclose(np.sort_complex(np.linalg.eigvals(J)), np.sort_complex(s.pf_exponents), atol=1e-6)
    assert abs(s.pf_exponents[0] - (np.log(2.4 - 1) + 1j * np.pi) / 0.4) < 1e-12


def test_sharpness_gradient_and_progressive_sharpening_against_finite_differences():
    E = x ** 4 / 4 + x * y + y ** 2 + x ** 2 * y / 3 + y ** 3 / 7
    variables = [x, y]
    fields, blocks = field_of(E, variables)
    point = {x: sympy.Rational(6, 5), y: sympy.Rational(1, 3)}
    s = bea.spectral(fields, blocks, point, "1/10")
    step = 1e-6
    grad = []
    for v in variables:
        up = {**point, v: point[v] + sympy.Float(step, 30)}
        down = {**point, v: point[v] - sympy.Float(step, 30)}
        grad.append((np.linalg.eigvalsh(hessian_at(E, variables, up))[-1]
                     - np.linalg.eigvalsh(hessian_at(E, variables, down))[-1]) / (2 * step))
    assert np.allclose(s.sharpness_gradient, grad, rtol=1e-6)
    g = np.array([float(E.diff(v).xreplace(point)) for v in variables])
    assert abs(s.progressive_sharpening + g @ np.array(grad)) < 1e-6
    assert abs(s.sharpness - np.linalg.eigvalsh(hessian_at(E, variables, point))[-1]) < 1e-12


def test_third_order_term_against_finite_differences_and_the_modified_field():
    """-(h^2/12) D^3E(g, g): the second difference of grad E along g, and the f[f,f] term of Euler's
    order-3 modified field (whose coefficient 1/12 is the engine's)."""
    E = x ** 4 / 4 + x * y ** 2 + y ** 3 / 3 + x ** 2 * y / 2
    variables = [x, y]
    fields, blocks = field_of(E, variables)
    point = {x: sympy.Rational(1, 2), y: sympy.Rational(-1, 3)}
    h = sympy.Rational(1, 10)
    s = bea.spectral(fields, blocks, point, h)
    grad = sympy.Matrix([E.diff(v) for v in variables])
    g = np.array(grad.xreplace(point).evalf(30).tolist(), dtype=float).ravel()
    step = 1e-4

    def grad_at(shift):
        return np.array(grad.xreplace({v: point[v] + sympy.Float(shift * gi, 30) for v, gi in zip(variables, g)})
                        .evalf(30).tolist(), dtype=float).ravel()

    second = (grad_at(step) - 2 * grad_at(0) + grad_at(-step)) / step ** 2
    assert np.allclose(s.third_order.total, -float(h) ** 2 / 12 * second, rtol=1e-6)
    assert np.allclose(s.third_order.diagonal + s.third_order.cross, s.third_order.total)
    flow = bea.derive("euler", 3)
    term = [t for t in flow.terms if t.tree == "f[f,f]"][0]
    value = np.array(bea.ModifiedFlow(flow.scheme, flow.order, flow.params, flow.blocks, flow.time, [term])
                     .evaluate(fields, blocks).xreplace({**point, sympy.Symbol("h"): h}).evalf(30).tolist(),
                     dtype=float).ravel()
    assert np.allclose(value, s.third_order.total, rtol=1e-12)
    # the diagonal part: sum_i (g . u_i)^2 grad lambda_i, each grad lambda_i by finite differences
    hess = sympy.hessian(E, variables)
    parts = np.zeros(2)
    for i in range(2):
        lam_grad = []
        for v in variables:
            shifted = [np.linalg.eigvalsh(np.array(hess.xreplace({**point, v: point[v] + sympy.Float(d, 30)})
                                                   .evalf(30).tolist(), dtype=float))[::-1][i] for d in (1e-6, -1e-6)]
            lam_grad.append((shifted[0] - shifted[1]) / 2e-6)
        parts += (g @ s.eigenvectors[:, i]) ** 2 * np.array(lam_grad)
    assert np.allclose(s.third_order.diagonal, -float(h) ** 2 / 12 * parts, rtol=1e-5)


def test_dal_weight_decay_and_boundaries():
    E = x ** 2 + x * y + 2 * y ** 2 + x ** 3 / 3
    fields, blocks = field_of(E, [x, y])
    point = {x: 1, y: 2}
    s = bea.spectral(fields, blocks, point, "1/4")
    H, g = hessian_at(E, [x, y], point), np.array([float(E.diff(v).subs(point)) for v in (x, y)])
    ghat = g / np.linalg.norm(g)
    assert abs(s.dal() - 2 / np.linalg.norm(H @ ghat)) < 1e-12
    assert abs(s.dal(0.5) - 2 / np.linalg.norm(H @ ghat) ** 0.5) < 1e-12
    s_w = bea.spectral(fields, blocks, point, "1/4", weight_decay="1/10")
    assert np.allclose(s_w.eigenvalues, s.eigenvalues + 0.1) and np.allclose(s_w.gradient, g + 0.1 * np.array([1, 2]))
    # exact boundaries: E = x^2 (lambda = 2) at h = 1/2 (h lambda = 1), h = 1 (the edge), E = x^3 at 0 (flat)
    assert bea.spectral({"f": [-2 * x]}, {"theta": [x]}, {x: 1}, "1/2").regimes == ["singular"]
    assert bea.spectral({"f": [-2 * x]}, {"theta": [x]}, {x: 1}, 1).regimes == ["edge-of-stability"]
    assert bea.spectral({"f": [-3 * x ** 2]}, {"theta": [x]}, {x: 0}, 1).regimes == ["flat"]
    near = bea.spectral({"f": [-(2 + sympy.Rational(1, 10 ** 12)) * x]}, {"theta": [x]}, {x: 1}, 1)
    assert near.regimes == ["divergent"]                 # not on the edge: decided exactly
    with pytest.raises(bea.ProblemError, match="zero"):
        bea.spectral({"f": [-2 * x]}, {"theta": [x]}, {x: 0}, 1).dal()
    with pytest.raises(bea.BeaError, match="positive"):
        s.dal(-1)
    repeated = bea.spectral({"f": [-x, -y]}, {"theta": [x, y]}, {x: 1, y: 1}, "1/2")
    assert repeated.sharpness_gradient is None and repeated.progressive_sharpening is None and repeated.notes


def test_bad_input():
    with pytest.raises(bea.ProblemError, match="not a gradient"):
        bea.spectral({"f": [y, 0]}, {"theta": [x, y]}, {x: 1, y: 1}, 1)
    with pytest.raises(bea.ProblemError, match="one block"):
        bea.spectral({"f": [-x], "g": [-y]}, {"phi": [x], "theta": [y]}, {x: 1, y: 1}, 1)
    with pytest.raises(bea.ProblemError, match="positive"):
        bea.spectral({"f": [-x]}, {"theta": [x]}, {x: 1}, 0)
    with pytest.raises(bea.ProblemError, match="no value"):
        bea.spectral({"f": [-x, -y]}, {"theta": [x, y]}, {x: 1}, 1)


def test_spectral_command(capsys):
    status, out, _ = run_exit(capsys, "spectral", "--field", "f=-theta^3", "--at", "theta=1", "--h", "1/2",
                              "--format", "json")
    data = json.loads(out)
    assert status == 0 and data["eigenvalues"] == [3.0] and data["regimes"] == ["oscillating"]
    assert data["sharpness_gradient"] == [6.0] and data["third_order"]["total"] == [-0.125]
    assert set(data) >= {"stability_coefficients", "sharpness", "progressive_sharpening", "dal", "eigenvectors"}
    status, out, _ = run_exit(capsys, "spectral", "--problem", "rosenbrock", "--h", "1/1000")
    assert status == 0 and "ngf-unstable" in out and "DAL (p = 1)" in out
    for bad in (["--problem", "linear-game", "--h", "1/2"], ["--field", "f=-theta", "--h", "0"],
                ["--field", "f=-theta", "--h", "1", "--weight-decay", "-1"]):
        status, _, err = run_exit(capsys, "spectral", *bad)
        assert status == 2 and len(err.strip().splitlines()) == 1


def test_constraint_gradient_against_finite_differences():
    """grad (g . u_0) = lambda_0 u_0 + D^3E(u_0, (lambda_0 - H)^+ g) (first-order eigenvector perturbation)
    against central differences of g . u_0 recomputed at shifted points (u_0 signed continuously)."""
    a, b, c = sympy.symbols("a b c")
    E = a ** 2 * (1 + b) / 2 - b + a ** 4 / 12 + a * b * c / 3 + c ** 2 * (2 + a) / 3 + b ** 2 / 5
    fields, variables = {"f": [-E.diff(v) for v in (a, b, c)]}, {"theta": [a, b, c]}
    point = np.array([0.3, 1.2, -0.4])
    s = bea.spectral(fields, variables, dict(zip((a, b, c), point)), "1/10")

    def alignment(p):
        t = bea.spectral(fields, variables, dict(zip((a, b, c), p)), "1/10")
        u = t.eigenvectors[:, 0]
        return t.gradient @ (u if u @ s.eigenvectors[:, 0] > 0 else -u)
    step = 1e-6
    differences = [(alignment(point + step * e) - alignment(point - step * e)) / (2 * step) for e in np.eye(3)]
    assert np.allclose(s.constraint_gradient, differences, rtol=1e-7, atol=1e-9)
