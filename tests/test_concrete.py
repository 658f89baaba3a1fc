"""Concrete problems: evaluate, lambdify (CSE, batches) and numerical validation."""

import numpy as np
import pytest
import sympy

import bea
from bea.errors import BeaError, ParameterError
from bea.analysis.validate import validate

e1, e2, h, phi, theta = sympy.symbols("epsilon1 epsilon2 h phi theta")
GAME = ({"f": [-e1 * phi + theta], "g": [e2 * theta - phi]}, {"phi": [phi], "theta": [theta]})


def modified_jacobian(scheme, **params):
    flow = bea.derive(scheme, 2, time="per-player", v_phi=1, v_theta=1, **params)
    return sympy.expand(flow.evaluate(*GAME).jacobian([phi, theta]))


def test_thesis_eq_4_27_simultaneous_modified_jacobian():
    printed = sympy.Matrix([
        [-e1 - h / 2 * e1**2 + h / 2, 1 + h / 2 * e1 - h / 2 * e2],
        [-1 - h / 2 * e1 + h / 2 * e2, e2 + h / 2 - h / 2 * e2**2],
    ])
    assert sympy.expand(modified_jacobian("simultaneous") - printed) == sympy.zeros(2, 2)


def test_thesis_eq_4_28_alternating_modified_jacobian():
    printed = sympy.Matrix([
        [-e1 - h / 2 * e1**2 + h / 2, 1 + h / 2 * e1 - h / 2 * e2],
        [-1 + h / 2 * e1 + h / 2 * e2, e2 - h / 2 - h / 2 * e2**2],
    ])
    assert sympy.expand(modified_jacobian("alternating", m=1, k=1) - printed) == sympy.zeros(2, 2)


def test_evaluate_euler_against_direct_derivatives():
    """f - h/2 f'f + h^2 (1/3 f'f'f + 1/12 f''(f,f)) by explicit Jacobian and Hessians."""
    x, y = sympy.symbols("x y")
    E = x**4 / 4 + x * y**2 + 3 * y**2 / 2
    f = sympy.Matrix([-sympy.diff(E, x), -sympy.diff(E, y)])
    J = f.jacobian([x, y])
    second = sympy.Matrix([(f[i].diff(x, 2) * f[0] ** 2 + 2 * f[i].diff(x, y) * f[0] * f[1] + f[i].diff(y, 2) * f[1] ** 2)
                           for i in range(2)])
    expected = f - h / 2 * J * f + h**2 * (J * J * f / 3 + second / 12)
    derived = bea.derive("euler", 3).evaluate({"f": list(f)}, {"theta": [x, y]})
    assert sympy.expand(derived - expected) == sympy.zeros(2, 1)


def test_lambdify_matches_evaluate_and_takes_batches():
    p0, t0, t1 = sympy.symbols("p0 t0 t1")
    fields = {"f": [-p0 * t0 + t1**2], "g": [p0 - t0, sympy.sin(t1) * p0]}
    variables = {"phi": [p0], "theta": [t0, t1]}
    flow = bea.derive("alternating", 3, m=2)
    params = {"v_phi": 1, "v_theta": sympy.Rational(1, 2), "k": 3}
    F = flow.lambdify(fields, variables, params)
    exact = flow.evaluate(fields, variables, params)
    rng = np.random.default_rng(0)
    ys = rng.normal(size=(4, 5, 3))
    values = F(ys, 0.1)
    assert values.shape == (4, 5, 3)
    for index in [(0, 0), (3, 4), (2, 1)]:
        y = ys[index]
        point = {p0: y[0], t0: y[1], t1: y[2], h: 0.1}
        expected = np.array([float(e.subs(point)) for e in exact])
        np.testing.assert_allclose(values[index], expected, rtol=1e-12)
        np.testing.assert_allclose(F(y, 0.1), expected, rtol=1e-12)


def test_lambdify_needs_parameter_values():
    with pytest.raises(ParameterError, match="v_phi"):
        bea.derive("simultaneous", 2).lambdify(*GAME)


@pytest.mark.parametrize("fields,variables,words", [
    ({"f": [phi]}, {"phi": [phi], "theta": [theta]}, "fields must be given"),
    ({"f": [phi], "g": [theta, phi]}, {"phi": [phi], "theta": [theta]}, "components"),
    ({"f": [phi], "g": [theta]}, {"theta": [theta]}, "variables must be given"),
])
def test_problem_errors(fields, variables, words):
    with pytest.raises(BeaError, match=words):
        bea.derive("simultaneous", 2, v_phi=1, v_theta=1).evaluate(fields, variables)


@pytest.mark.parametrize("scheme,order,problem,params", [
    ("euler", 3, "quadratic", {}),
    ("euler", 4, "rosenbrock", {}),
    ("alternating", 3, "linear-game", {"m": 2, "v_theta": "1/2"}),
    ("alternating", 2, "dirac-gan", {"time": "per-player", "v_phi": 2}),
    ("simultaneous", 3, "dirac-gan", {}),
    ("sgd", 3, "two-layer", {"n": 2}),
])
def test_validation_shows_the_expected_order(scheme, order, problem, params):
    result = validate(scheme, order, problem, **params)
    assert result.passed, result.to_text()
    assert all(abs(p - (order + 1)) < 0.3 for p in result.observed)
    assert result.errors[-1] < result.errors[0]


def test_validation_measures_the_order_it_sees():
    """The unmodified flow (order 1) has local error O(h^2): validate observes 2, not 3."""
    result = validate("alternating", 1, "linear-game", m=2)
    assert result.passed and all(abs(p - 2) < 0.3 for p in result.observed)


@pytest.mark.parametrize("scheme", ["midpoint", "heun", "rk4", "extragradient"])
@pytest.mark.parametrize("problem", ["rosenbrock", "two-layer"])
def test_runge_kutta_validation(scheme, problem):
    result = validate(scheme, 4, problem, levels=4)
    assert result.passed, result.to_text()


def test_validation_reports_a_higher_order_honestly():
    """RK4 truncated at order 3 equals order 4 (no h^3 term): observed 5, reported as higher than expected."""
    result = validate("rk4", 3, "two-layer", levels=4)
    assert result.passed and result.exceeds and "higher than expected" in result.to_text()


@pytest.mark.parametrize("scheme, order, params", [("euler", 4, {}), ("alternating", 3, {"m": 2}), ("sgd", 3, {"n": 2})])
def test_the_field_and_jacobian_at_a_point_agree_with_the_expression_substituted(scheme, order, params):
    """The point-wise evaluation (no expression in the variables) against the symbolic field, substituted."""
    import random

    from bea.concrete.evaluate import at_point

    flow = bea.derive(scheme, order, **params)
    rng = random.Random(order)
    x, y = sympy.symbols("x y")
    variables = {b: [x, y] if len(flow.blocks) == 1 else [x if b == "phi" else y] for b in flow.blocks}
    state = [v for vs in variables.values() for v in vs]
    fields = {label: [sum(rng.randint(-3, 3) * x**i * y**j for i in range(3) for j in range(3 - i))
                      for _ in variables[flow.block_of(label)]] for label in flow.blocks.labels}
    point = {x: sympy.Rational(1, 3), y: sympy.Rational(-2, 5)}
    value, jacobian = at_point(flow, flow.problem(fields, variables), point, jacobian=True)
    symbolic = flow.evaluate(fields, variables)
    assert sympy.expand(value - symbolic.xreplace(point)) == sympy.zeros(len(state), 1)
    assert sympy.expand(jacobian - symbolic.jacobian(state).xreplace(point)) == sympy.zeros(len(state), len(state))
    assert flow.evaluate(fields, variables, at={"x": "1/3", "y": "-2/5"}) == value


def test_one_step_of_a_scheme_on_a_concrete_problem():
    """bea.step runs the scheme's own update on numbers: against the updates written out by hand."""
    import numpy as np

    x, y = sympy.symbols("x y")
    fields, variables = {"f": [-x**2 + y], "g": [x * y - 1]}, {"phi": [x], "theta": [y]}
    z = np.array([0.5, 2.0])
    h = 0.1

    def f(s):
        return -s[0] ** 2 + s[1]

    def g(s):
        return s[0] * s[1] - 1
    out = bea.step("alternating", fields, variables, z, h, v_phi=2, v_theta="1/2", m=1, k=1)
    phi = z[0] + 2 * h * f(z)
    assert np.allclose(out, [phi, z[1] + 0.5 * h * g([phi, z[1]])], rtol=1e-15)
    previous = np.array([0.4, 2.1])
    hb = bea.step("heavy-ball", {"f": [-x]}, {"theta": [x]}, [1.0], h, history=[[0.9]], beta="9/10")
    assert np.allclose(hb, [1.0 - h * 1.0 + 0.9 * (1.0 - 0.9)], rtol=1e-15)
    two = bea.step("simultaneous-heavy-ball", fields, variables, z, h, history=[previous], v_phi=1, v_theta=1,
                   beta_phi="1/2", beta_theta=0)
    assert np.allclose(two, [z[0] + h * f(z) + 0.5 * (z[0] - previous[0]), z[1] + h * g(z)], rtol=1e-15)
    with pytest.raises(bea.BeaError, match="history"):
        bea.step("heavy-ball", {"f": [-x]}, {"theta": [x]}, [1.0], h, beta="1/2")
    with pytest.raises(bea.BeaError, match="beta"):
        bea.step("heavy-ball", {"f": [-x]}, {"theta": [x]}, [1.0], h, history=[[1.0]])
    with pytest.raises(bea.BeaError, match="2 finite numbers"):
        bea.step("simultaneous", fields, variables, [1.0], h, v_phi=1, v_theta=1)


def test_the_validation_table_in_latex_writes_powers_of_ten():
    """Issue 19: ``3.434e-5`` in LaTeX sets its ``-`` as a binary minus; the table writes ``3.434 \\times 10^{-5}``."""
    import re

    latex = bea.validate("euler", 2, "quadratic").to_latex()
    assert r"\times 10^{-" in latex and not re.search(r"\de[-+]?\d", latex)
