"""The principal flow (TMLR Def 3.1, thesis Def 4.8.1) against the discrete iterates themselves."""

import numpy as np
import pytest
import sympy

import bea
from bea.analysis.matrix_functions import jordan_function, phi_derivative
from bea.analysis.principal_flow import principal_flow
from bea.errors import SingularFlowError

x, y, phi, theta = sympy.symbols("x y phi theta")
METHODS = ["jordan", "schur", "eig"]


def gradient_descent(A, b, y0, h, steps):
    """Iterates of theta <- theta - h (A theta + b): gradient descent on theta^T A theta/2 + b^T theta."""
    out = [np.asarray(y0, dtype=float)]
    for _ in range(steps):
        out.append(out[-1] - h * (A @ out[-1] + b))
    return np.array(out)


def quadratic(A, b):
    """Fields and variables of E = theta^T A theta / 2 + b^T theta in (x, y)."""
    v = sympy.Matrix([x, y])
    E = (v.T * sympy.Matrix(A) * v)[0] / 2 + (sympy.Matrix(b).T * v)[0]
    return {"f": [-sympy.diff(E, s) for s in (x, y)]}, {"theta": [x, y]}


A = [[3, 1], [1, 2]]          # eigenvalues (5 -+ sqrt 5)/2: 1.38 and 3.62


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("h,regime", [("1/10", "stable"), ("2/5", "oscillating"), ("3/5", "divergent")])
@pytest.mark.parametrize("b", [[0, 0], [sympy.Rational(1, 2), -1]])
def test_pf_follows_gradient_descent_on_quadratics(method, h, regime, b):
    """TMLR Remark 3.1: the PF at time n h is n gradient-descent steps, in all three regimes of h lambda_max."""
    lam = np.linalg.eigvalsh(np.array(A, dtype=float)).max()
    hf = float(sympy.Rational(h))
    assert {"stable": hf * lam < 1, "oscillating": 1 < hf * lam < 2, "divergent": hf * lam > 2}[regime]
    pf = principal_flow(*quadratic(A, b), h, method=method)
    y0 = np.array([1.0, -0.5])
    flow = pf.trajectory(y0, 8)
    descent = gradient_descent(np.array(A, float), np.array(b, float), y0, hf, 8)
    scale = np.abs(descent).max()
    assert np.abs(flow - descent).max() <= 1e-12 * scale
    assert np.abs(flow.imag).max() <= 1e-12 * scale       # complex in between, real at the iterates


def test_pf_is_tmlr_eq_12():
    """PF = sum_i log(1 - h lambda_i)/(h lambda_i) (grad E . u_i) u_i with the principal complex log."""
    b = [sympy.Rational(1, 2), -1]
    h = 0.4
    pf = principal_flow(*quadratic(A, b), "2/5")
    point = np.array([0.3, 0.7])
    grad = np.array(A, float) @ point + np.array(b, float)
    lam, U = np.linalg.eigh(np.array(A, float))
    expected = sum(np.log(complex(1 - h * l)) / (h * l) * (grad @ U[:, i]) * U[:, i] for i, l in enumerate(lam))
    assert any(h * l > 1 for l in lam)
    np.testing.assert_allclose(pf.field(point), expected, rtol=1e-13)
    assert np.log(complex(1 - h * lam.max())).imag == pytest.approx(np.pi)


@pytest.mark.parametrize("method", METHODS)
def test_zero_eigenvalue_is_removable(method):
    """A singular Hessian (lambda = 0): the PF is -grad E along the kernel, and still exact."""
    singular = [[1, 1], [1, 1]]
    b = [1, 0]
    pf = principal_flow(*quadratic(singular, b), "3/10", method=method)
    y0 = np.array([0.2, 0.4])
    descent = gradient_descent(np.array(singular, float), np.array(b, float), y0, 0.3, 5)
    np.testing.assert_allclose(pf.trajectory(y0, 5).real, descent, atol=1e-12)


def test_phi_at_zero_is_exact():
    assert [phi_derivative(j, 0) for j in range(4)] == [1, -sympy.Rational(1, 2), sympy.Rational(2, 3), -sympy.Rational(3, 2)]
    z = sympy.Symbol("z")
    series = sympy.series(sympy.log(1 + z) / z, z, 0, 4).removeO()
    assert [series.coeff(z, j) * sympy.factorial(j) for j in range(4)] == [phi_derivative(j, 0) for j in range(4)]


@pytest.mark.parametrize("method", METHODS)
def test_h_lambda_one_is_singular(method):
    pf = principal_flow(*quadratic([[2, 0], [0, 1]], [0, 0]), "1/2", method=method)
    with pytest.raises(SingularFlowError, match="h\\*lambda = 1"):
        pf.field(np.array([1.0, 1.0]))


def test_non_principal_third_order_term_tmlr_def_3_3():
    """PF + non-principal term = PF - h^2/12 grad E^T (nabla^3 E) grad E (TMLR Eq 14)."""
    E = x**4 / 4 + x * y**2 + y**2
    fields, variables = {"f": [-sympy.diff(E, s) for s in (x, y)]}, {"theta": [x, y]}
    h = sympy.Rational(1, 20)
    plain = principal_flow(fields, variables, h, method="schur")
    third = principal_flow(fields, variables, h, method="schur", nonprincipal=3)
    point = {x: sympy.Rational(1, 2), y: sympy.Rational(-1, 3)}
    grad = [sympy.diff(E, s).subs(point) for s in (x, y)]
    term = [-h**2 / 12 * sum(sympy.diff(E, s, a, b).subs(point) * grad[i] * grad[j]
                             for i, a in enumerate((x, y)) for j, b in enumerate((x, y))) for s in (x, y)]
    y0 = np.array([0.5, -1 / 3])
    np.testing.assert_allclose(third.field(y0) - plain.field(y0), [float(t) for t in term], rtol=1e-10)


def test_pf_expands_to_the_principal_terms():
    """TMLR Thm 3.2: PF - (chain terms to h^(p-1)) = O(h^p) on a non-quadratic loss."""
    E = sympy.exp(x / 2) + x**2 * y**2 / 2 + y**2
    fields, variables = {"f": [-sympy.diff(E, s) for s in (x, y)]}, {"theta": [x, y]}
    point = np.array([0.3, -0.2])
    chains = bea.principal("euler", 4).lambdify(fields, variables)
    gaps = []
    for h in (sympy.Rational(1, 40), sympy.Rational(1, 80)):
        pf = principal_flow(fields, variables, h, method="schur")
        gaps.append(np.abs(pf.field(point) - chains(point, float(h))).max())
    assert 3.7 < np.log2(gaps[0] / gaps[1]) < 4.3


def random_game(seed, kind):
    rng = np.random.default_rng(seed)
    if kind == "random":
        J = sympy.Matrix(2, 2, [sympy.Rational(int(v), 4) for v in rng.integers(-6, 7, 4)])
    elif kind == "defective":
        J = sympy.Matrix([[sympy.Rational(-1, 2), 1], [0, sympy.Rational(-1, 2)]])
        P = sympy.Matrix([[1, 2], [1, 3]])
        J = P * J * P.inv()
    else:   # a zero eigenvalue
        J = sympy.Matrix([[1, 2], [-sympy.Rational(1, 2), -1]])
    c = sympy.Matrix([sympy.Rational(1, 3), -sympy.Rational(1, 5)])
    fields = {"f": [J[0, 0] * phi + J[0, 1] * theta + c[0]], "g": [J[1, 0] * phi + J[1, 1] * theta + c[1]]}
    return J, c, fields


@pytest.mark.parametrize("method", ["jordan", "schur"])
@pytest.mark.parametrize("kind,seed", [("random", 0), ("random", 1), ("random", 2), ("defective", 0), ("singular", 0)])
@pytest.mark.parametrize("rates", [None, ("1", "1/3")])
def test_game_pf_reproduces_a_simultaneous_step(method, kind, seed, rates):
    """Thesis Def 4.8.1 / App B.7: the PF over time h is one simultaneous Euler step, exactly (to 1e-12)."""
    J, c, fields = random_game(seed, kind)
    if kind == "defective":
        assert not J.is_diagonalizable()
    if kind == "singular":
        assert J.det() == 0
    h = sympy.Rational(1, 5)
    pf = principal_flow(fields, {"phi": [phi], "theta": [theta]}, h, method=method, learning_rates=rates)
    v = np.array([1.0, 1.0]) if rates is None else np.array([1.0, 1 / 3])
    y0 = np.array([0.7, -0.4])
    Jf, cf = np.array(J.tolist(), float), np.array(list(c), float)
    steps = [y0]
    for _ in range(3):
        steps.append(steps[-1] + 0.2 * v * (Jf @ steps[-1] + cf))
    flow = pf.trajectory(y0, 3)
    assert np.abs(flow - np.array(steps)).max() <= 1e-12 * np.abs(steps).max()


def test_jordan_function_on_a_defective_block():
    """f(lambda I + Z) carries f'(lambda) on the superdiagonal."""
    N = sympy.Matrix([[sympy.Rational(1, 3), 1], [0, sympy.Rational(1, 3)]])
    F = jordan_function(N, phi_derivative)
    z = sympy.Symbol("z")
    phi_ = sympy.log(1 + z) / z
    assert sympy.simplify(F[0, 0] - phi_.subs(z, N[0, 0])) == 0
    assert sympy.simplify(F[0, 1] - sympy.diff(phi_, z).subs(z, N[0, 0])) == 0
    assert F[1, 0] == 0


@pytest.mark.parametrize("seed", range(20))
def test_eq_4_74_agrees_with_the_spectral_radius(seed):
    """(1 - h x)^2 + (h y)^2 < 1 for all eigenvalues x + iy of H = -J  <=>  rho(I + h J) < 1  <=>  the PF converges."""
    rng = np.random.default_rng(100 + seed)
    J = rng.normal(size=(2, 2))
    h = float(rng.uniform(0.05, 1.5))
    lam = np.linalg.eigvals(-J)
    mescheder = all((1 - h * l.real) ** 2 + (h * l.imag) ** 2 < 1 for l in lam)
    radius = np.abs(np.linalg.eigvals(np.eye(2) + h * J)).max() < 1
    Jq = sympy.Matrix(2, 2, [sympy.Rational(float(v)) for v in J.ravel()])
    fields = {"f": [Jq[0, 0] * phi + Jq[0, 1] * theta], "g": [Jq[1, 0] * phi + Jq[1, 1] * theta]}
    pf = principal_flow(fields, {"phi": [phi], "theta": [theta]}, sympy.Rational(h), method="schur")
    assert mescheder == radius == pf.converges([0.0, 0.0])
    bound = [2 * l.real / (l.real**2 + l.imag**2) for l in lam]     # Eq 4.74 as a bound on h
    assert mescheder == all(l.real > 0 and h < b for l, b in zip(lam, bound))


def test_alternating_pf_reproduces_alternating_steps():
    """Any scheme on a linear problem: the PF of alternating updates (m = 2, k = 3) over time h is one step."""
    J, c, fields = random_game(3, "random")
    pf = principal_flow(fields, {"phi": [phi], "theta": [theta]}, "1/4", method="schur",
                        scheme="alternating", m=2, k=3, v_theta="1/2")
    y0 = np.array([0.3, 0.9])
    Jf, cf = np.array(J.tolist(), float), np.array(list(c), float)
    states = [y0]
    for _ in range(3):
        z = states[-1].copy()
        for _ in range(2):
            z[0] += 0.25 / 2 * (Jf[0] @ z + cf[0])
        for _ in range(3):
            z[1] += 0.25 * 0.5 / 3 * (Jf[1] @ z + cf[1])
        states.append(z)
    assert np.abs(pf.trajectory(y0, 3) - np.array(states)).max() <= 1e-12


@pytest.mark.parametrize("scheme,params", [
    ("alternating", {"m": 2, "k": 1, "v_theta": sympy.Rational(1, 2)}),
    ("alternating", {"m": 1, "k": 3}),
    ("simultaneous", {"v_phi": 2}),
    ("sgd", {"n": 3}),
])
def test_log_of_the_linear_step_is_the_principal_series(scheme, params):
    """(1/T) log M(h) expanded in h equals `bea principal` evaluated on a random linear problem, exactly."""
    order = 5
    rng = np.random.default_rng(7)
    h = sympy.Symbol("h")
    if scheme == "sgd":
        variables = {"theta": [x, y]}
        fields = {f"f{i}": [sum(sympy.Rational(int(rng.integers(-4, 5)), 3) * s for s in (x, y)) for _ in range(2)]
                  for i in range(1, 4)}
    else:
        variables = {"phi": [phi], "theta": [theta]}
        fields = {label: [sympy.Rational(int(rng.integers(-4, 5)), 3) * phi + sympy.Rational(int(rng.integers(-4, 5)), 3) * theta]
                  for label in ("f", "g")}
    pf = principal_flow(fields, variables, 1, method="schur", scheme=scheme, **params)
    flow = bea.principal(scheme, order, **pf.scheme.params)      # the rates PF fills in (1) made explicit
    state = [v for vs in variables.values() for v in vs]
    M, _ = pf.affine_map([0] * len(state), exact=True, h=h)
    N = sympy.expand(M - sympy.eye(M.rows))
    log, power = sympy.zeros(*N.shape), sympy.eye(N.rows)
    for k in range(1, order + 1):
        power = (power * N).applyfunc(lambda e: sympy.expand(e).series(h, 0, order + 1).removeO())
        log += (-1) ** (k + 1) * power / k
    T = h * (3 if scheme == "sgd" else 1)
    series = (log * sympy.Matrix(state) / T).applyfunc(lambda e: sympy.expand(e).series(h, 0, order).removeO())
    assert sympy.expand(series - flow.evaluate(fields, variables)) == sympy.zeros(len(state), 1)


def test_continued_logarithm_keeps_the_oscillation():
    """On a cubic loss at h lambda = 1.5 the PF is complex; continuing the log between substeps
    tracks gradient descent, while the principal branch alone (flipping at Im z = 0) loses it."""
    z = sympy.Symbol("z")
    E = z**2 / 2 + z**3 / 30
    fields, variables = {"f": [-sympy.diff(E, z)]}, {"theta": [z]}
    descent = [0.3]
    for _ in range(4):
        descent.append(descent[-1] - 1.5 * (descent[-1] + descent[-1] ** 2 / 10))
    for method in ("eig", "schur"):        # jordan continues the same way: tests/test_reliability.py
        continued = principal_flow(fields, variables, "3/2", method=method).trajectory([0.3], 4, substeps=8)
        assert np.abs(continued[:, 0] - descent).max() < 0.02, method
    # the principal branch alone, re-chosen at every evaluation, loses the oscillation
    from bea.analysis.integrators import gbs_step

    pf = principal_flow(fields, variables, "3/2", method="eig")
    y, principal = np.array([0.3 + 0j]), [0.3]
    for _ in range(4):
        for _ in range(8):
            y = gbs_step(pf.field, y, 1.5 / 8)
        principal.append(y[0])
    assert np.abs(np.array(principal) - descent).max() > 0.2


def test_bad_input():
    fields, variables = quadratic(A, [0, 0])
    with pytest.raises(bea.BeaError, match="method"):
        principal_flow(fields, variables, "1/10", method="pade")
    with pytest.raises(bea.BeaError, match="positive"):
        principal_flow(fields, variables, "-1/10")
    with pytest.raises(bea.BeaError, match="one time"):
        principal_flow({"f": [theta], "g": [phi]}, {"phi": [phi], "theta": [theta]}, "1/10",
                       time="per-player", learning_rates=(1, 2))


def test_jordan_on_a_non_affine_field_agrees_with_its_exact_route_and_with_eig():
    """Away from affine fields the Jordan method diagonalises the step map in 30 digits where its eigenvalues are
    simple; that agrees with SymPy's exact Jordan form and with the eig method, in the real and the complex regime,
    and along a trajectory; a repeated eigenvalue takes the exact route."""
    from bea.analysis.pf_methods import Jordan, _simple_eigensystem

    E = x**3 / 3 + x * y**2 / 2 + y**2 / 2
    fields, variables = {"f": [-E.diff(v) for v in (x, y)]}, {"theta": [x, y]}
    for h in ("1/4", "1"):                                    # h lambda_0 = 0.4 and 1.6 at the first point
        pf = principal_flow(fields, variables, h, method="jordan")
        eig = principal_flow(fields, variables, h, method="eig")
        for point in ([0.5, 0.25], [-0.3, 0.7], [1.1, -0.2]):
            M, c = pf.affine_map(point, exact=True)
            assert _simple_eigensystem(M - sympy.eye(2)) is not None
            fast, exact = pf.field(point), Jordan(pf).exact_field(M, c, None)
            assert np.allclose(fast, exact, rtol=1e-14, atol=0)
            assert np.allclose(fast, eig.field(point), rtol=1e-9, atol=1e-12)
    pf = principal_flow(fields, variables, 1, method="jordan")
    start = np.array([0.5, 0.25])
    assert np.allclose(pf.trajectory(start, 1), principal_flow(fields, variables, 1, method="eig").trajectory(start, 1),
                       rtol=1e-9, atol=1e-12)
    cubic = {"f": [-(x**3 + x), -(y**3 + y)]}                 # N = -h diag(1 + 3 x^2, 1 + 3 y^2): repeated at x = y
    pf = principal_flow(cubic, variables, "1/4", method="jordan")
    M, _ = pf.affine_map([0.5, 0.5], exact=True)
    assert _simple_eigensystem(M - sympy.eye(2)) is None
    assert np.allclose(pf.field([0.5, 0.5]), principal_flow(cubic, variables, "1/4", method="eig").field([0.5, 0.5]),
                       rtol=1e-12)
