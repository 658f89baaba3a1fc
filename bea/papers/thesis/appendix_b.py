"""Thesis App. B [Ros23]: the derivations behind Ch. 4 (Secs B.1-B.3, B.5, B.6)."""

from __future__ import annotations

import functools

import sympy

from ...analysis.cancel import regularised
from ...analysis.losses import potential
from ...concrete.library import get_problem
from ...concrete.step import step as step_of
from ...analysis.gradient import gradient_system
from ...engine.bseries import bseries, exact_flow, one_step_map
from ...engine.derive import derive
from ...schemes.define import scheme
from ...schemes.params import RATE
from ..entry import (R, PER_PLAYER, Entry, P, field_of_loss, field_values, h, k, m, v_phi, v_theta,
                     value_entry)

__all__ = ["entries"]

_STARTS = ((1.0, 0.5), (-0.3, 2.0), (0.05, -0.1), (3.0, 3.0))          # (phi, theta)


def _grows(phi0: float, theta0: float) -> bool:
    """One simultaneous step (bea.step, h = 1/5) of Dirac-GAN with l(t) = -log(1 + e^-t) moves away from 0."""
    phi, theta = sympy.symbols("phi theta")
    lp = 1 / (1 + sympy.exp(theta * phi))                                # l'(theta phi)
    after = step_of("simultaneous", {"f": [lp * theta], "g": [-lp * phi]}, {"phi": [phi], "theta": [theta]},
                    [phi0, theta0], "1/5", v_phi=1, v_theta=1)
    return bool(after @ after > phi0**2 + theta0**2)


def _one_step_expansions() -> Entry:
    """B.1: the modified flow's expansion over one step (Lemma B.1.1), m Euler steps (Lemma B.1.2), the alternating
    players' one-step expansions (B.63-B.82) and the matching that gives f_1, g_1 (B.28-B.34, B.83-B.94).

    Every derived number is a coefficient of a B-series from the engine: the exact flow of the field (f, g)
    (bea.exact_flow), the one-step maps of euler and alternating (bea.one_step_map), the modified fields
    (bea.derive) and their block times.
    """
    expansion = (("B.63 and B.81", "phi", 1, "f", v_phi), ("B.63 and B.81", "phi", 2, "f[f]", (m - 1) / (2 * m) * v_phi**2),
                 ("B.82", "theta", 1, "g", v_theta), ("B.82", "theta", 2, "g[f]", v_theta * v_phi),
                 ("B.82", "theta", 2, "g[g]", (k - 1) / (2 * k) * v_theta**2),
                 ("B.75", "theta", 2, "g[g]", (k - 1) / (2 * k)))                   # B.75 drops v_theta^2
    corrections = (("B.33", "phi", "f[f]", -R(1, 2)), ("B.33", "phi", "f[g]", -R(1, 2)),
                   ("B.34", "theta", "g[f]", -R(1, 2)), ("B.34", "theta", "g[g]", -R(1, 2)))
    alternating = (("B.93", "phi", "f[f]", -1 / (2 * m)), ("B.93", "phi", "f[g]", -R(1, 2)),
                   ("B.94", "theta", "g[f]", v_phi / v_theta - R(1, 2)), ("B.94", "theta", "g[g]", -1 / (2 * k)))
    names = {"phi": "f_1", "theta": "g_1"}

    def printed():
        out = {"B.13 phi tau_phi^2 f[f]": R(1, 2), "B.13 phi tau_phi^2 f[g]": R(1, 2)}
        out.update({f"B.62 m = {n}: h^2 f[f] after m + 1 steps": R(n * (n + 1), 2) for n in (1, 2, 3)})
        out.update({f"{eq} {b} h^{p} {t}": c for eq, b, p, t, c in expansion})
        out.update({"B.83 tau_phi": v_phi * h, "B.84 tau_theta": v_theta * h})
        out.update({f"{eq} {names[b]} {t}": c for eq, b, t, c in corrections + alternating})
        return out

    def derived():
        field = exact_flow(bseries({"f": 1, "g": 1}, 2, kind="field", blocks={"phi": ["f"], "theta": ["g"]}))
        out = {f"B.13 phi tau_phi^2 {t}": field.coefficient(t) for t in ("f[f]", "f[g]")}
        euler = one_step_map("euler", 2)
        out.update({f"B.62 m = {n}: h^2 f[f] after m + 1 steps": (euler ** (n + 1)).coefficient("f[f]")
                    for n in (1, 2, 3)})
        step = one_step_map("alternating", 2, time="per-player")
        out.update({f"{eq} {b} h^{p} {t}": step.coefficient(t) for eq, b, p, t, _ in expansion})
        flow = derive("alternating", 2, time="per-player")
        out.update({"B.83 tau_phi": flow.time["phi"], "B.84 tau_theta": flow.time["theta"]})
        for rows, scheme_name in ((corrections, "simultaneous"), (alternating, "alternating")):
            modified = derive(scheme_name, 2, time="per-player")
            rate = {"phi": v_phi, "theta": v_theta}
            out.update({f"{eq} {names[b]} {t}": modified.coefficient(b, t) / rate[b] for eq, b, t, _ in rows})
        return out

    return value_entry(
        "thesis-b.1", "thesis App B.1 (Lemmas B.1.1-B.1.2, Eqs B.13, B.28-B.34, B.62-B.94)", "the one-step "
        "expansions behind Thms 4.2.1-4.2.2: the modified flow over tau_phi (B.13), m + 1 Euler steps (B.62), the "
        "alternating players' steps phi_{m,t} (B.63, B.81) and theta_{k,t} (B.75, B.82), and the matching that gives "
        "f_1, g_1 (B.33-B.34 simultaneous, B.93-B.94 alternating)",
        PER_PLAYER + "; phi takes m steps of v_phi h/m, then theta k steps of v_theta h/k (B.35-B.36); f_1, g_1 are "
        "the h-corrections of f~ = f + v_phi h f_1, g~ = g + v_theta h g_1; B.75's h^2 term is read with "
        "dg/dtheta at t' replaced by its value at t-1 (the difference is O(h^3))",
        "bea map --scheme alternating --order 2 --time per-player", printed, derived,
        r"\phi(\tau + \tau_\phi) = \phi + \tau_\phi f + \tau_\phi^2 f_1 + \frac{\tau_\phi^2}{2} \frac{df}{d\phi} f + "
        r"\frac{\tau_\phi^2}{2} \frac{df}{d\theta} g, \quad \theta_{k,t} = \theta_{t-1} + v_\theta h g + v_\theta v_\phi h^2 "
        r"\frac{dg}{d\phi} f + \frac{k-1}{2k} v_\theta^2 h^2 \frac{dg}{d\theta} g \ \text{(B.82; B.75 prints } \frac{k-1}{2k} "
        r"h^2 \text{)}, \quad f_1 = -\frac{1}{2m} \frac{df}{d\phi} f - \frac{1}{2} \frac{df}{d\theta} g, \quad "
        r"g_1 = \left(\frac{v_\phi}{v_\theta} - \frac{1}{2}\right) \frac{dg}{d\phi} f - \frac{1}{2k} \frac{dg}{d\theta} g")


def _common_payoff_losses() -> Entry:
    """B.2.1: the common-payoff modified losses of alternating updates for any m, k (B.101-B.112), each printed step
    compared through the field it states, against the engine's modified field (bea.derive)."""
    E = "E"
    f_1 = {"B.101": [(1, -v_phi / 2, "f[f]"), (1, -v_phi / 2, "f[g]")]}         # as printed (no 1/m)
    steps = {  # printed potentials: (power, coefficient, P)
        "B.104": {"phi": [(1, v_phi / (4 * m), P(E, "f")), (1, v_phi / 4, P(E, "g"))]},
        "B.108": {"theta": [(1, v_theta / 4 * (1 - 2 * v_phi / v_theta), P(E, "f")), (1, v_theta / k, P(E, "g"))]},
        "B.111-B.112": {"phi": [(0, 1, P(E)), (1, v_phi / (4 * m), P(E, "f")), (1, v_phi / 4, P(E, "g"))],
                        "theta": [(0, 1, P(E)), (1, v_theta / 4 * (1 - 2 * v_phi / v_theta), P(E, "f")),
                                  (1, v_theta / (4 * k), P(E, "g"))]},
    }
    g_1 = {"B.105": [(1, -v_theta / 2 * (1 - 2 * v_phi / v_theta), "g[f]"), (1, -v_theta / (2 * k), "g[g]")]}

    @functools.cache
    def flow():
        return derive("alternating", 2, time="per-player")

    def printed():
        system = gradient_system("common-payoff", flow().blocks)
        out = {f"{eq} phi h^{p} {t}": c for eq, rows in f_1.items() for p, c, t in rows}
        out.update({f"{eq} theta h^{p} {t}": c for eq, rows in g_1.items() for p, c, t in rows})
        for eq, rows in steps.items():
            out.update(field_of_loss(rows, system, 2, prefix=f"{eq} "))
        return out

    def derived():
        out = {}
        for eq, blocks, powers in (("B.101", ("phi",), {1}), ("B.105", ("theta",), {1}), ("B.104", ("phi",), {1}),
                                   ("B.108", ("theta",), {1}), ("B.111-B.112", ("phi", "theta"), {0, 1})):
            out.update({key: c for key, c in field_values(flow(), powers=powers, prefix=f"{eq} ").items()
                        if key.split()[1] in blocks})
        return out

    return value_entry(
        "thesis-b.2.1", "thesis App B.2.1 (Eqs B.101-B.112)", "common-payoff game, alternating updates with m and k "
        "steps: f_1 and g_1 written as gradients and the modified losses E~_phi = E + v_phi h/4 (|grad_phi E|^2/m + "
        "|grad_theta E|^2), E~_theta = E + v_theta h/4 ((1 - 2 v_phi/v_theta) |grad_phi E|^2 + |grad_theta E|^2/k)",
        PER_PLAYER + "; common payoff, f = -grad_phi E, g = -grad_theta E; each printed step compared through the "
        "field it states (a potential through minus its gradient), term by term against the engine's order-2 field",
        "bea loss --scheme alternating --order 2 --time per-player --system common-payoff", printed, derived,
        r"f_1 = -\frac{1}{2} \left(\frac{df}{d\phi} f + \frac{df}{d\theta} g\right) \ \text{(B.101)}, \quad g_1 = "
        r"-\nabla_\theta \left(\frac{1}{4} \left(1 - \frac{2v_\phi}{v_\theta}\right) \|\nabla_\phi E\|^2 + \frac{1}{k} "
        r"\|\nabla_\theta E\|^2 \right) \ \text{(B.108)}, \quad \tilde{E}_\phi = E + \frac{v_\phi h}{4} \left("
        r"\frac{1}{m} \|\nabla_\phi E\|^2 + \|\nabla_\theta E\|^2 \right), \quad \tilde{E}_\theta = E + "
        r"\frac{v_\theta h}{4} \left(\left(1 - \frac{2v_\phi}{v_\theta}\right) \|\nabla_\phi E\|^2 + \frac{1}{k} "
        r"\|\nabla_\theta E\|^2 \right)")


def _rk4_stages(stage: int, last_half: bool):
    """Two-player Runge-Kutta 4 (B.131-B.142) as a bea scheme returning ``y + v h k_stage`` (``stage`` 1-4) or the
    step ``y + v h (k_1 + 2 k_2 + 2 k_3 + k_4)/6`` (``stage`` 0); ``last_half``: k_4 evaluated at the half step
    ``y + v h k_3/2`` as B.137-B.138 print it, else at the full step ``y + v h k_3`` (Kutta's method)."""
    @scheme(blocks={"phi": ("f",), "theta": ("g",)}, params={"v_phi": RATE, "v_theta": RATE},
            rates={"phi": "v_phi", "theta": "v_theta"}, name=f"rk4-stage-{stage}")
    def stages(y, F, h, v_phi, v_theta):
        def increment(z):                               # (v_phi h k_phi, v_theta h k_theta) at the point z
            return v_phi * h * F.f(z) + v_theta * h * F.g(z)
        k1 = increment(y)
        k2 = increment(y + k1 / 2)
        k3 = increment(y + k2 / 2)
        k4 = increment(y + k3 / 2) if last_half else increment(y + k3)
        return y + ((k1, k2, k3, k4)[stage - 1] if stage else (k1 + 2 * k2 + 2 * k3 + k4) / 6)
    return stages


def _rk4_step_by_step() -> Entry:
    """B.3.2 step by step: the stages k_i of two-player RK4 to first order (B.143-B.155), the update direction
    (B.156-B.159) and the step (B.160-B.161), each from the one-step map (bea.one_step_map) of the stage written as
    a scheme; the step against bea's built-in rk4."""
    rates = {"phi": v_phi, "theta": v_theta}
    half = {"phi": ("f[f]", "f[g]"), "theta": ("g[g]", "g[f]")}

    def stage_rows(eqs, value):
        return {f"{eq} k_{b} h {t}": value(b, t) for eq, b in eqs for t in half[b]}

    stage_eqs = {2: (("B.147", "phi"), ("B.150", "theta")), 3: (("B.152", "phi"), ("B.153", "theta")),
                 4: (("B.154", "phi"), ("B.155", "theta")), 0: (("B.157", "phi"), ("B.159", "theta"))}

    def rate_of(tree):
        return v_phi if tree[-2] == "f" else v_theta

    def printed():
        out = {}
        for eqs in stage_eqs.values():
            out.update(stage_rows(eqs, lambda b, t: rate_of(t) / 2))
        out.update({f"B.160-B.161 {b} h^2 {t}": rates[b] * rate_of(t) / 2 for b in half for t in half[b]})
        out["B.157 follows from B.154 as printed (k_4 at the half step of B.137)"] = True
        out["the step with k_4 at the full step is bea's rk4"] = True
        return out

    def derived():
        out = {}
        for stage, eqs in stage_eqs.items():
            series = one_step_map(_rk4_stages(stage, False), 2, time="per-player")
            out.update(stage_rows(eqs, lambda b, t: series.coefficient(t) / rates[b]))
        rk4 = one_step_map("rk4", 2, players=2, time="per-player")
        out.update({f"B.160-B.161 {b} h^2 {t}": rk4.coefficient(t) for b in half for t in half[b]})
        as_printed = one_step_map(_rk4_stages(0, True), 2, time="per-player")
        out["B.157 follows from B.154 as printed (k_4 at the half step of B.137)"] = all(
            as_printed.coefficient(t) == rates[b] * rate_of(t) / 2 for b in half for t in half[b])
        full = one_step_map(_rk4_stages(0, False), 4, time="per-player")
        out["the step with k_4 at the full step is bea's rk4"] = full.values == one_step_map(
            "rk4", 4, players=2, time="per-player").values
        return out

    return value_entry(
        "thesis-b.160", "thesis App B.3.2 (Eqs B.131-B.161)", "Runge-Kutta 4 for two players step by step: the "
        "stages k_2, k_3, k_4 to first order (B.143-B.155), the update direction k = (k_1 + 2 k_2 + 2 k_3 + k_4)/6 "
        "(B.156-B.159) and the one-step expansion (B.160-B.161)",
        PER_PLAYER + "; each stage k_i = f + h (a df/dphi f + b df/dtheta g) + O(h^2), its two coefficients read from "
        "the one-step map of y + v h k_i (the stages written as a bea scheme and traced by the engine); B.137-B.138 "
        "print k_4 at the half step y + v h k_3/2, B.157-B.161 need the full step y + v h k_3 (Kutta's RK4, bea's rk4)",
        "bea map --scheme rk4 --players 2 --order 2 --time per-player", printed, derived,
        r"k_{4,\phi} = f\left(\phi_{t-1} + \frac{v_\phi h}{2} k_{3,\phi}, \theta_{t-1} + \frac{v_\theta h}{2} "
        r"k_{3,\theta}\right) \ \text{(B.137)}, \quad k_{4,\phi} = f + \frac{v_\theta h}{2} \frac{df}{d\theta} g + "
        r"\frac{v_\phi h}{2} \frac{df}{d\phi} f \ \text{(B.154)}, \quad k_\phi = f + \frac{v_\theta h}{2} \frac{df}{d\theta} g"
        r" + \frac{v_\phi h}{2} \frac{df}{d\phi} f \ \text{(B.157)}, \quad \phi_t = \phi_{t-1} + v_\phi h f + \frac{1}{2} "
        r"v_\phi v_\theta h^2 \frac{df}{d\theta} g + \frac{1}{2} v_\phi^2 h^2 \frac{df}{d\phi} f \ \text{(B.160)}")


def entries() -> list[Entry]:
    """The App. B entries."""
    def b3_printed():
        return {"phi h^0 f": 1, "phi h^1 f[g]": v_phi * R(1, 2) * (v_theta / v_phi - 1),
                "theta h^0 g": 1, "theta h^1 g[f]": v_theta * R(1, 2) * (v_phi / v_theta - 1),
                "equal rates: no drift below h^4": True}

    def b3_derived():
        values = field_values(derive("rk4", 2, players=2, time="per-player"))
        equal = derive("rk4", 4, players=2, time="per-player", v_phi="v", v_theta="v")
        values["equal rates: no drift below h^4"] = {t.power for t in equal.terms} == {0}
        return values

    p1, p2, t1, t2, zeta = sympy.symbols("p1 p2 t1 t2 zeta")
    phi_v, theta_v = [p1, p2], [t1, t2]
    E = (p1 * t1 + R(1, 2) * p2 * t1**2 - R(1, 3) * p1**2 * t2 + R(2, 5) * p2 * t2 + R(1, 7) * p1 * p2 * t1 * t2
         + R(1, 4) * p1**2 - t2**2)

    def grad(expr, xs):
        return sympy.Matrix([expr.diff(x) for x in xs])

    def norm2(v):
        return sum(x**2 for x in v)

    def b5_derived():
        """SGA (B.193-B.196): xi = (grad_phi E, -grad_theta E), A the antisymmetric part of H_xi = dxi/dpsi,
        xi^ = xi + zeta A^T xi; the players' losses L1, L2 with xi^ = (grad_phi L1, grad_theta L2) are read off."""
        psi = phi_v + theta_v
        xi = sympy.Matrix.vstack(grad(E, phi_v), -grad(E, theta_v))
        H = xi.jacobian(psi)
        A = (H - H.T) / 2
        adjusted = xi + zeta * A.T * xi
        a, b = sympy.symbols("a b")
        L1, L2 = E + a * norm2(grad(E, theta_v)), -E + b * norm2(grad(E, phi_v))
        equations = list(sympy.expand(adjusted[:2, 0] - grad(L1, phi_v))) + list(sympy.expand(adjusted[2:, 0] - grad(L2, theta_v)))
        coefficients = [c for eq in equations for c in sympy.Poly(eq, *psi).coeffs()]
        solution = sympy.solve(coefficients, [a, b], dict=True)
        if not solution:
            return {"L1: coefficient of |grad_theta E|^2": sympy.nan, "L2: coefficient of |grad_phi E|^2": sympy.nan}
        return {"L1: coefficient of |grad_theta E|^2": solution[0][a], "L2: coefficient of |grad_phi E|^2": solution[0][b]}

    a1, a2, a3, theta, phi = sympy.symbols("a1 a2 a3 theta phi")
    x = sympy.Symbol("x")
    ell = a1 * x + a2 * x**2 + a3 * x**3             # a generic l up to cubic order (l(0) drops out)

    def lp(order):
        return ell.diff(x, order).subs(x, theta * phi)

    def b6_printed():
        l1, l2 = lp(1), lp(2)
        phi_dot = l1 * theta + h / 2 * (-theta**3 * l1 * l2 + phi * l1**2 + phi**2 * theta * l1 * l2)
        theta_dot = -l1 * phi - h / 2 * (-theta * l1**2 - theta**2 * phi * l1 * l2 + phi**3 * l1 * l2)
        return {"phi'": sympy.expand(phi_dot), "theta'": sympy.expand(theta_dot),
                "d(theta^2 + phi^2)/dt": sympy.expand(h * theta**2 * l1**2 + h * phi**2 * l1**2),
                "d(theta^2 + phi^2)/dt on the original flow (Eq 4.38)": sympy.Integer(0),
                "theta^2 + phi^2 grows over every simultaneous step (Mescheder et al.)": True}

    def b6_derived():
        Eg = ell.subs(x, theta * phi)
        fields = {"f": [Eg.diff(phi)], "g": [-Eg.diff(theta)]}            # B.203: phi ascends, theta descends
        out = {}
        for order, suffix in ((2, ""), (1, " on the original flow (Eq 4.38)")):
            flow = derive("simultaneous", order, v_phi=1, v_theta=1)
            phi_dot, theta_dot = flow.evaluate(fields, {"phi": [phi], "theta": [theta]})
            if order == 2:
                out.update({"phi'": sympy.expand(phi_dot), "theta'": sympy.expand(theta_dot)})
            out[f"d(theta^2 + phi^2)/dt{suffix}"] = sympy.expand(2 * theta * theta_dot + 2 * phi * phi_dot)
        out["theta^2 + phi^2 grows over every simultaneous step (Mescheder et al.)"] = all(_grows(*start) for start in
                                                                                          _STARTS)
        return out

    cg, cz = sympy.symbols("c_gamma c_zeta")
    lprime = sympy.Rational(1, 2)                                  # l'(0) for the library's l = -log(1 + e^-t)

    def b63_printed():
        """B.223-B.224 with gamma = c_gamma h, zeta = c_zeta h, and the stability condition of B.6.3 / Sec 4.5.1."""
        return {"J[0,0]": (h * v_phi / 2 - 2 * cg * h) * lprime**2, "J[0,1]": lprime, "J[1,0]": -lprime,
                "J[1,1]": (h * v_theta / 2 - 2 * cz * h) * lprime**2,
                "gamma above which the symmetric part is negative definite": h * v_phi / 4,
                "zeta above which the symmetric part is negative definite": h * v_theta / 4}

    def b63_derived():
        """The engine's modified flow of simultaneous updates on the regularised losses (bea.regularised: the
        substitution law), its Jacobian at the equilibrium, and the thresholds SymPy solves from its symmetric part."""
        game = get_problem("dirac-gan").instance({"phi": ("f",), "theta": ("g",)})
        flow = regularised("simultaneous", 2, "zero-sum", {"f": [(cg, potential("E", "g"))], "g": [(cz, potential("E", "f"))]},
                           time="per-player")
        J = flow.jacobian(game.fields, game.variables, {"phi": 0, "theta": 0})
        out = {f"J[{i},{j}]": J[i, j] for i in range(2) for j in range(2)}
        positive = sympy.Symbol("h", positive=True)
        for i, (c, name) in enumerate(((cg, "gamma"), (cz, "zeta"))):
            condition = sympy.solve(((J + J.T) / 2)[i, i].subs(h, positive) < 0, c)
            if not (isinstance(condition, sympy.StrictGreaterThan) and condition.lhs == c):
                out[f"{name} above which the symmetric part is negative definite"] = sympy.nan
                continue
            out[f"{name} above which the symmetric part is negative definite"] = condition.rhs * h
        return out

    return [
        _one_step_expansions(),
        _common_payoff_losses(),
        _rk4_step_by_step(),
        value_entry("thesis-b.3", "thesis App B.3 (Eqs B.164-B.165)", "Runge-Kutta 4 for two players with different "
                    "learning rates: first-order drift from the interaction terms only",
                    PER_PLAYER + " (as in B.162-B.163, modified field f + tau_phi f_1); under the same-time convention "
                    "RK4 has no drift below h^4 for any rates (bea derive --scheme rk4 --players 2)",
                    "bea derive --scheme rk4 --players 2 --order 2 --time per-player", b3_printed, b3_derived,
                    r"f_1 = \frac{1}{2} \left(\frac{v_\theta}{v_\phi} - 1 \right) \frac{df}{d\theta} g, \quad "
                    r"g_1 = \frac{1}{2} \left(\frac{v_\phi}{v_\theta} - 1 \right) \frac{dg}{d\phi} f"),
        value_entry("thesis-b.5", "thesis App B.5 (Eqs B.196-B.200)", "SGA as modified losses: the adjusted field "
                    "xi + zeta A^T xi as gradients of L1, L2",
                    "phi minimises E, theta minimises -E (B.193); SGA as defined in B.196 (Balduzzi et al.): A^T xi; "
                    "checked on a polynomial E with two parameters per player", "bea paper show thesis-b.5", lambda: {"L1: coefficient of |grad_theta E|^2": -zeta / 2,
                                                  "L2: coefficient of |grad_phi E|^2": -zeta / 2}, b5_derived,
                    r"\tilde{L}_1 = E - \frac{\zeta}{2} \|\nabla_\theta E\|^2, \quad \tilde{L}_2 = -E - \frac{\zeta}{2} "
                    r"\|\nabla_\phi E\|^2"),
        value_entry("thesis-b.6", "thesis App B.6 (Eqs B.211-B.217)", "Dirac-GAN: modified flows of simultaneous "
                    "gradient descent and the growth of theta^2 + phi^2 (conserved by the original flow, Eq 4.38)", "E = l(theta phi) + l(0), phi ascends, theta "
                    "descends (B.203); both players use rate h; l a generic cubic; the growth per discrete step from "
                    "bea.step with l(t) = -log(1 + e^-t), h = 1/5, from four points", "bea stability --scheme simultaneous "
                    "--order 2 --problem dirac-gan --at phi=0 theta=0", b6_printed, b6_derived,
                    r"\dot{\phi} = l'\theta + \frac{h}{2} [-\theta^3 l' l'' + \phi l'^2 + \phi^2 \theta l' l''], \quad "
                    r"\dot{\theta} = -l'\phi - \frac{h}{2} [-\theta l'^2 - \theta^2 \phi l' l'' + \phi^3 l' l''], \quad "
                    r"\frac{d(\theta^2 + \phi^2)}{dt} = h\theta^2 l'^2 + h\phi^2 l'^2"),
        value_entry("thesis-b.6.3", "thesis App B.6.3 (Eqs B.223-B.224) and Sec 4.5.1", "Dirac-GAN with explicit "
                    "regularisation E_phi = -E + gamma |grad_theta E|^2, E_theta = E + zeta |grad_phi E|^2: the modified "
                    "Jacobian at the equilibrium, negative definite iff gamma > h v_phi/4 and zeta > h v_theta/4",
                    PER_PLAYER + "; gamma = c_gamma h, zeta = c_zeta h (O(h), as the thesis takes them); l = "
                    "-log(1 + e^-t), l'(0) = 1/2; the condition read off the symmetric part of the Jacobian",
                    "bea cancel --scheme simultaneous --order 2 --system zero-sum --terms interaction --time per-player",
                    b63_printed, b63_derived,
                    r"\tilde{J} = \begin{bmatrix} (hv_\phi/2 - 2\gamma)l'(0)^2 & l'(0) \\ -l'(0) & (hv_\theta/2 - 2\zeta)"
                    r"l'(0)^2 \end{bmatrix}, \quad \gamma > \frac{h v_\phi}{4}, \ \zeta > \frac{h v_\theta}{4}"),
    ]
