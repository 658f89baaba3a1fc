"""The edge-of-stability tools (Damian et al.'s self-stabilisation), against exact algebra on a toy where
gradient descent *is* the four-stage map, the ODE's conserved quantity under SciPy's integrator, and the
constraints of the stable set."""

from __future__ import annotations

import numpy as np
import sympy
from scipy.integrate import solve_ivp

import bea
from bea import eos
from sympy import Rational as R

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


def test_two_cycle_against_iterated_gradient_descent():
    """E = S x^2/2 - x^4/4 with h S = 2.3 (past the edge): the 2-cycle +-delta, delta^2 = (2/h - S)/(4 c) with
    c = -1/4, is stable with radius (1 - h F''(delta))^2 = 0.16, and gradient descent from nearby converges to
    it; App. F's S_inf = 2/h + F''(delta) - F'(delta)/delta is F'' on the cycle."""
    t = sympy.Symbol("t")
    S, h = R(23, 5), R(1, 2)
    E = S * t ** 2 / 2 - t ** 4 / 4
    cycle = eos.two_cycle(E, {"theta": [t]}, {t: 0}, h)
    delta = np.sqrt(float((2 / h - S) / (4 * R(-1, 4))))
    assert np.allclose(sorted(cycle.offsets), [-delta, delta], rtol=1e-12)
    F1, F2 = (float(E.diff(t, k).subs(t, delta)) for k in (1, 2))
    assert np.allclose(cycle.sharpness, F2) and abs(2 / float(h) + F2 - F1 / delta - F2) < 1e-12
    assert abs(cycle.radius - (1 - float(h) * F2) ** 2) < 1e-12 and cycle.stable
    x = 0.9
    for _ in range(400):
        x = x - float(h) * (float(S) * x - x ** 3)
    assert abs(abs(x) - delta) < 1e-12
    unstable = eos.two_cycle(3 * a ** 2 / 2 + a ** 4 / 4 + (b - 1) ** 2 / 2 + a ** 2 * b / 10, VARIABLES, {a: 0, b: 1}, h)
    assert not unstable.stable                      # S = 3.2 < 2/h at the minimum: the cycle repels


def test_predicted_dynamics_track_gradient_descent_on_the_toy():
    """Damian et al.'s predicted v* along the constrained trajectory: the iterates theta_dagger + v* follow
    gradient descent through the sharpening, the oscillation and the self-stabilisation, and the time
    average of x^2 approaches delta^2 (= 2 here) for both."""
    eta, steps = 0.05, 240
    p = eos.predicted(TOY, VARIABLES, [0.01, 38.0], eta, steps)
    theta, path = np.array([0.01, 38.0]), []
    for _ in range(steps + 1):
        path.append(theta)
        theta = theta - eta * np.array([theta[0] * (1 + theta[1]), theta[0] ** 2 / 2 - 1])
    path = np.array(path)
    assert np.abs(path[:, 1] - p.theta[:, 1]).max() < 1.0 and np.abs(path[:, 0] - p.theta[:, 0]).max() < 1.0
    assert abs(np.mean(path[20:, 0] ** 2) - np.mean(p.x[20:] ** 2)) < 0.1 * np.mean(path[20:, 0] ** 2)
    assert np.allclose(p.delta[-1] ** 2, 2) and 1.5 < np.mean(p.x[20:] ** 2) < 3


def test_rotation_in_wang_and_roberts_fig_1():
    """The 2-parameter DLN z(t1 t2), z = Theta^2, from (-0.1, 10): R_2 = |u_11/u_12| is their Eq 1,
    beta + sqrt(beta^2 + 1); one gradient step rotates u toward t1 for the stable steps (0.001, 0.0095) and
    away for the unstable ones (0.011, 0.013: above eta_eos = 0.01); the PF predicts each direction, the NGF
    and the IGR flow predict 'toward' throughout."""
    t1, t2 = sympy.symbols("t1 t2")
    L = (t1 * t2) ** 2
    fields, variables = {"f": [-L.diff(t1), -L.diff(t2)]}, {"theta": [t1, t2]}
    start = {t1: R(-1, 10), t2: 10}
    Theta, z1, z2 = -1, 2 * -1, 2
    beta = abs(z2 * (100 - R(1, 100)) / (2 * (z1 + z2 * Theta)))
    for eta, expected in (("0.001", "toward"), ("0.0095", "toward"), ("0.011", "away"), ("0.013", "away")):
        gd = eos.rotation(fields, variables, start, eta, "gd")
        assert abs(gd.ratio - float(beta + sympy.sqrt(beta ** 2 + 1))) < 1e-9
        assert gd.direction == expected
        assert eos.rotation(fields, variables, start, eta, "pf").direction == expected
        for flow in ("ngf", "igr"):
            assert eos.rotation(fields, variables, start, eta, flow).direction == "toward"


def test_finite_time_lyapunov_exponent_on_a_quadratic():
    """For E = theta^T A theta / 2 the GD map is linear: the exponent is log max_i |1 - h lambda_i|."""
    x, y = sympy.symbols("x y")
    E = 3 * x ** 2 / 2 + x * y / 2 + y ** 2 / 4
    fields, variables = {"f": [-E.diff(x), -E.diff(y)]}, {"theta": [x, y]}
    lam = np.linalg.eigvalsh(np.array([[3, 0.5], [0.5, 0.5]]))
    for h in (0.2, 0.7):
        assert abs(eos.lyapunov(fields, variables, [1.0, 1.0], h, 50) - np.log(np.max(np.abs(1 - h * lam)))) < 1e-10


def test_ftcs_amplification_bound_and_modified_pde():
    """Sun et al. Eqs 1-3: FTCS's A = 1 - 4 r sin^2(s/2) with |A| <= 1 iff r <= 1/2 (Fig. 1: r = 0.4 stable,
    0.8 unstable with max |A| = |1 - 4r| = 2.2); its modified PDE kappa u_xx + kappa (dx^2/12 - kappa dt/2) u_xxxx."""
    k, t, x = sympy.symbols("kappa dt dx", positive=True)
    r = k * t / x ** 2
    a = eos.amplification({-1: r, 0: 1 - 2 * r, 1: r}, t, x)
    s = sympy.Symbol("s", real=True)
    assert sympy.simplify(a.factor - (1 - 4 * r * sympy.sin(s / 2) ** 2)) == 0
    assert sympy.simplify(a.modified[2] - k) == 0 and sympy.simplify(a.modified[4] - k * (x ** 2 / 12 - k * t / 2)) == 0
    assert set(a.modified) == {2, 4}
    for value, bound in ((R(2, 5), 1), (R(4, 5), R(11, 5)), (R(1, 2), 1), (R(51, 100), R(26, 25))):
        assert eos.amplification({-1: value, 0: 1 - 2 * value, 1: value}, 1, 1).bound == bound


def test_wang_roberts_alignment_gamma_and_balancedness():
    """Eq 2's gamma_beta against the exact one-step ratio (equal for quadratic z, close for a quartic one);
    eta* = 1/(t1^2 + t2^2) for quadratic z, where gamma crosses 1; the loss of balancedness of one GD step
    is eta^2 z'^2 (t1^2 - t2^2) exactly, and the IGR flow run for the time eta carries it to leading order
    (the NGF conserves t2^2 - t1^2)."""
    from scipy.integrate import solve_ivp

    import bea

    T = sympy.Symbol("Theta")
    for eta in (0.001, 0.0095, 0.011, 0.013):
        q = eos.alignment(T ** 2, T, (-0.1, 10), eta)
        assert abs(q.gamma - q.gamma_step) < 1e-12 * q.gamma and abs(q.eta_star - 1 / 100.01) < 1e-15
        assert (q.gamma > 1) == (eta < q.eta_star)
        z1 = 2 * (-0.1 * 10)
        assert abs((q.balancedness[1] - q.balancedness[0]) - eta ** 2 * z1 ** 2 * (0.01 - 100)) < 1e-12
        quartic = eos.alignment(T ** 2 + T ** 4 / 10, T, (-0.1, 10), eta)
        assert abs(quartic.gamma - quartic.gamma_step) < 0.15 * quartic.gamma_step    # Eq 2 is an approximation here: 4-14%
    t1, t2 = sympy.symbols("t1 t2")
    L = (t1 * t2) ** 2
    fields, variables = {"f": [-L.diff(t1), -L.diff(t2)]}, {"theta": [t1, t2]}
    igr = bea.derive("euler", 2).lambdify(fields, variables)
    for eta in (1e-3, 1e-4):
        end = solve_ivp(lambda t, v: igr(v, eta), (0, eta), [-0.1, 10.0], method="DOP853", rtol=1e-13, atol=1e-15).y[:, -1]
        change_igr = end[1] ** 2 - end[0] ** 2 - (100 - 0.01)
        change_gd = eos.alignment(T ** 2, T, (-0.1, 10), eta)
        assert abs(change_igr / (change_gd.balancedness[1] - change_gd.balancedness[0]) - 1) < 300 * eta   # O(h lambda), lambda ~ 200


def test_underflow_and_overflow_are_reported():
    """Wang & Roberts' DLN at eta = 0.013: t1 falls below the smallest normal float (then to exactly zero);
    the run says so instead of calling it converged. At eta = 0.05 the iterates overflow."""
    t1, t2 = sympy.symbols("t1 t2")
    L = (t1 * t2) ** 2
    run = eos.iterates(L, {"theta": [t1, t2]}, [-0.1, 10], 0.013, 400)
    (step, name), = run.underflow
    assert name == "t1" and abs(run.path[step - 1][0]) >= np.finfo(float).tiny > abs(run.path[step][0])
    assert run.path[-1][0] == 0 and "underflowed" in run.to_text()
    exploding = eos.iterates(L, {"theta": [t1, t2]}, [-0.1, 10], 0.05, 100)
    assert exploding.overflow is not None and len(exploding.path) == exploding.overflow


def test_weight_decay_bounds_are_sun_et_al_eq_14_and_hold_for_iterates():
    """Per-mode curvatures kappa(omega) = a beta |I_hat(omega)|^2 / 2 with a beta < 0: the bounds are Eq 14's
    alpha_min = -a beta max|I|^2 / 2 and alpha_max = 2/dt - a beta min|I|^2 / 2; gradient descent on the modes
    with a decay just inside decays and just outside grows."""
    a_beta = R(-1, 2)
    spectrum = [R(1, 4), 1, R(9, 4), 4]                          # |I_hat(omega)|^2 on four modes
    kappas = [a_beta * s / 2 for s in spectrum]
    dt = R(1, 10)
    low, high = eos.weight_decay_bounds(kappas, dt)
    assert low == -a_beta * max(spectrum) / 2 and high == 2 / dt - a_beta * min(spectrum) / 2
    for alpha, stable in ((low + R(1, 100), True), (high - R(1, 100), True), (low - R(1, 100), False),
                          (high + R(1, 100), False)):
        factors = [abs(1 - float(dt) * float(alpha + k)) for k in kappas]
        assert (max(factors) < 1) == stable
    positive = [-k for k in kappas]                               # a beta > 0: Eq 14's min and max swap
    low, high = eos.weight_decay_bounds(positive, dt)
    printed_low, printed_high = -(-a_beta) * max(spectrum) / 2, 2 / dt - (-a_beta) * min(spectrum) / 2
    assert (low, high) == (-min(positive), 2 / dt - max(positive)) and printed_high > high and printed_low < low
    for alpha, stable in ((high - R(1, 100), True), (printed_high - R(1, 100), False), (low + R(1, 100), True),
                          (printed_low + R(1, 100), False)):
        factors = [abs(1 - float(dt) * float(alpha + k)) for k in positive]
        assert (max(factors) < 1) == stable
    nesterov = eos.weight_decay_bounds(kappas, dt, "nesterov", beta=R(9, 10))
    assert nesterov[1] == 2 * (1 + R(9, 10)) / (1 + 2 * R(9, 10)) / dt - max(kappas)


def test_rel_l1():
    assert eos.rel_l1([1, -2, 0], [1, -2, 0]) == 0
    assert abs(eos.rel_l1([1, 2], [3, -2]) - (2 / 2) * (2 / 4 + 4 / 4)) < 1e-15
    assert eos.rel_l1([1, 0], [-1, 0]) == 1.0                   # opposite signs: 2 per entry, averaged


def test_n_parameter_dln_eigenvector_ratios_are_app_c_eq_14():
    """W&R App. C: with lambda_hat_1 the sharpness, Eq 14's R_n(k) = f(t_k)/f(t_1) equals the ratio of the
    top eigenvector's components of the exact Hessian of z(t_1 ... t_n), for n = 2, 3, 4 and quadratic,
    quartic and exponential z (it is the eigenvector equation)."""
    T = sympy.Symbol("Theta")
    for z in (T ** 2, T ** 2 + T ** 4 / 10, sympy.exp(T)):
        for theta in ((R(1, 10), 3, 10), (R(1, 5), 2, 5, 8)):
            exact, eq14 = eos.dln_ratios(z, T, theta)
            assert np.allclose(exact, eq14, rtol=1e-10), (z, theta)
    exact, eq14 = eos.dln_ratios(T ** 2, T, (R(-1, 10), 10))
    assert abs(exact[0] - 50.014994004196346) < 1e-9 and abs(eq14[0] - exact[0]) < 1e-9     # = R_2 of Eq 1


def test_resummed_drift_is_the_modified_fields_series_summed():
    """Damian et al.'s y-update has the cubic term eta beta x^2/2 per step; the modified flow of gradient
    descent carries it with the factor c(h S) = 2 log|1 - hS| / ((1 - hS)^2 - 1).  Below hS = 1: c's Taylor
    series is the x^2-coefficient of the y-component of bea.derive's field, order by order (exact, on
    L = (S + y) x^2/2 at y = 0, beta = 1).  Past it (hS = 1.9, where the series diverges): iterated gradient
    descent with a tiny x moves y by what the flow x^2 = x_0^2 |1 - hS|^(2t/h), y' = -c x^2/2 predicts."""
    x, y, h, z = sympy.symbols("x y h z")
    S = 3
    L = (S + y) * x ** 2 / 2
    F = bea.derive("euler", 7).evaluate({"f": [-L.diff(x), -L.diff(y)]}, {"theta": [x, y]})
    coefficient = sympy.Poly(sympy.expand(F[1].subs(y, 0)), x).coeff_monomial(x ** 2)
    closed = 2 * sympy.log(1 - z) / ((1 - z) ** 2 - 1)
    taylor = sympy.series(closed, z, 0, 7).removeO().subs(z, S * h)
    assert sympy.expand(coefficient + taylor / 2) == 0 and sympy.Poly(coefficient, h).degree() == 6
    for value in (0.1, 0.5, 0.9):
        assert abs(eos.resummed_drift(value) - float(closed.subs(z, value))) < 1e-14
    assert eos.resummed_drift(0) == 1 and eos.resummed_drift(2) == 1 and eos.resummed_drift(1) == np.inf
    eta, steps, x0 = 0.1, 40, 1e-5
    S = 1.9 / eta
    xs, ys = x0, 0.0
    for _ in range(steps):
        xs, ys = xs - eta * (S + ys) * xs, ys - eta * xs ** 2 / 2
    ell = np.log(abs(1 - eta * S))
    flow = -eos.resummed_drift(eta * S) * x0 ** 2 / 2 * eta * np.expm1(2 * ell * steps) / (2 * ell)
    assert abs(ys - flow) < 1e-6 * abs(flow)


def test_sun_et_al_tables_2_and_9_weight_decay_bounds():
    """Table 2 (GD, dt = 1e-8, a = -0.5, beta = 1, a 256 x 256 checkerboard of +-1): alpha_min = 1.07e9 (the
    checkerboard's one mode, |I_hat|^2 = 65536^2) and alpha_max = 2e8, as printed (so the infinite-window
    interval is empty).  Table 9 (their Nesterov, dt = 1e-4, momentum 0.9): bea's exact stability interval of
    Nesterov's method gives alpha_max = 1e9/7 = 1.43e8, where Eq 18 prints 4/(3 dt^2) = 1.33e8 and their
    experiment found 1.42e8: Eq 18 is the limit d -> 0 (their damping does matter).  Iterating their scheme
    (Eqs 70-71) on the critical mode just inside and just outside the bound decides it independently."""
    board = np.array([[(-1) ** (i + j) for j in range(256)] for i in range(256)])
    curvatures = eos.cnn_curvatures(board, -0.5, 1).ravel()
    low, high = eos.weight_decay_bounds(curvatures, "1e-8")
    assert (low, high) == (2 ** 30, 2 * 10 ** 8) and f"{float(low):.2e}" == "1.07e+09"
    p = eos.nesterov_parameters(R(1, 10 ** 4), R(2, 19) * 10 ** 4)            # (2 - d dt)/(2 + d dt) = 0.9
    assert p["beta"] == R(9, 10)
    low, high = eos.weight_decay_bounds(curvatures, p["h"], "nesterov", beta=p["beta"])
    assert low == 2 ** 30 and high == R(10 ** 9, 7) and f"{float(high):.2e}" == "1.43e+08"
    assert f"{4 / (3 * 1e-8):.2e}" == "1.33e+08"                              # Eq 18, as printed

    def grows(z, steps=3000):                                                  # Eqs 70-71 on one mode
        k_old = k = 1.0
        for _ in range(steps):
            v = k + float(p["beta"]) * (k - k_old)
            k_old, k = k, v - float(p["h"]) * z * v
        return abs(k) > 1e3
    critical = float(high)                     # the checkerboard's other modes have curvature 0: z = alpha
    assert not grows(critical * (1 - 1e-3)) and grows(critical * (1 + 1e-3))
    assert not grows(4 / (3 * 1e-8))           # Eq 18's bound is inside the stable interval: not the edge


def test_the_command_line_runs_each_tool_as_python_does(capsys):
    """`bea eos TOOL` gives the Python function's result (JSON keys = attribute names) and refuses what a tool
    cannot use with one line and status 2."""
    import json

    from bea.cli.main import main

    def run(*argv):
        assert main(["eos", *argv, "--format", "json"]) == 0, capsys.readouterr().err
        return json.loads(capsys.readouterr().out)

    t1, t2 = sympy.symbols("t1 t2")
    dln = ["--loss", "(t1*t2)^2", "--var", "t1,t2", "--at", "t1=-1/10", "t2=10"]
    for flow in ("gd", "pf"):
        out = run("rotation", *dln, "--h", "0.013", "--flow", flow)
        L = (t1 * t2) ** 2
        expected = eos.rotation({"f": [-L.diff(t1), -L.diff(t2)]}, {"theta": [t1, t2]}, {t1: R(-1, 10), t2: 10},
                                "0.013", flow)
        assert out["direction"] == expected.direction == "away" and abs(out["ratio_after"] - expected.ratio_after) < 1e-9
    constants = run("constants", "--loss", "a^2*(1+b)/2 - b", "--var", "a,b", "--at", "a=0", "b=3", "--h", "1/2")
    assert constants["sharpness"] == 4 and constants["alpha"] == 1 and abs(constants["delta"] - np.sqrt(2)) < 1e-15
    cycle = run("two-cycle", "--loss", "23/5*x^2/2 - x^4/4", "--var", "x", "--at", "x=0", "--h", "1/2")
    assert np.allclose(sorted(cycle["offsets"]), [-np.sqrt(0.6), np.sqrt(0.6)]) and cycle["stable"]
    path = run("iterates", *dln, "--h", "0.013", "--steps", "300")
    assert path["underflow"] == [{"step": 288, "coordinate": "t1"}]
    board = run("weight-decay", "--checkerboard", "256", "--cnn", "a=-1/2", "beta=1", "--dt", "1e-8")
    assert (board["alpha_min"], board["alpha_max"], board["empty"]) == (str(2 ** 30), str(2 * 10 ** 8), True)
    nesterov = run("weight-decay", "--curvatures", "0", "--dt", "1", "--scheme", "nesterov", "--param", "beta=1/2")
    assert run("weight-decay", "--curvatures", "-1/16, -1", "--dt", "1/10")["alpha_max"] == "321/16"
    assert sympy.sympify(nesterov["alpha_max"]) == R(3, 2)                 # 2 (1 + beta)/(1 + 2 beta)
    ftcs = run("amplification", "--stencil", "kappa*dt/dx^2, 1 - 2*kappa*dt/dx^2, kappa*dt/dx^2", "--dt", "dt",
               "--dx", "dx", "--param", "kappa=kappa")
    k, t, x = sympy.symbols("kappa dt dx")
    assert sympy.simplify(sympy.sympify(ftcs["modified"]["4"]) - k * (x ** 2 / 12 - k * t / 2)) == 0
    assert run("amplification", "--stencil", "4/5, -3/5, 4/5", "--dt", "1")["bound"] == "11/5"
    q = run("alignment", "--z", "Theta^2", "--var", "t1,t2", "--at", "t1=-1/10", "t2=10", "--h", "0.011")
    assert abs(q["ratio"] - 50.014994004196346) < 1e-9
    p = run("predicted", "--loss", "a^2*(1+b)/2 - b", "--var", "a,b", "--at", "a=0.01", "b=38", "--h", "0.05",
            "--steps", "5")
    expected = eos.predicted(TOY, VARIABLES, [0.01, 38.0], 0.05, 5)
    assert np.allclose(p["x"], expected.x, rtol=1e-12) and np.allclose(p["theta"], expected.theta, rtol=1e-12)
    for argv, message in ((["rotation", *dln], "needs --h"), (["amplification", "--stencil", "1, 2", "--dt", "1"],
                                                              "no centre"),
                          (["weight-decay", "--dt", "1"], "needs the modes"), (["alignment", "--z", "Theta", "--var", "a",
                                                                                "--at", "a=1", "--h", "1"], "two-parameter"),
                          (["iterates", "--loss", "x^2", "--var", "x", "--at", "y=1", "--h", "1", "--steps", "2"],
                           "no value for the variable x")):
        assert main(["eos", *argv]) == 2
        err = capsys.readouterr().err
        assert message in err and len(err.strip().splitlines()) == 1, err
