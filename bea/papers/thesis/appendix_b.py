"""Thesis App. B [Ros23]: the derivations behind Ch. 4 (Secs B.3, B.5, B.6)."""

from __future__ import annotations

import sympy

from ...analysis.cancel import regularised
from ...analysis.losses import potential
from ...concrete.library import get_problem
from ...concrete.step import step as step_of
from ...engine.derive import derive
from ..entry import R, PER_PLAYER, Entry, field_values, h, v_phi, v_theta, value_entry

__all__ = ["entries"]

_STARTS = ((1.0, 0.5), (-0.3, 2.0), (0.05, -0.1), (3.0, 3.0))          # (phi, theta)


def _grows(phi0: float, theta0: float) -> bool:
    """One simultaneous step (bea.step, h = 1/5) of Dirac-GAN with l(t) = -log(1 + e^-t) moves away from 0."""
    phi, theta = sympy.symbols("phi theta")
    lp = 1 / (1 + sympy.exp(theta * phi))                                # l'(theta phi)
    after = step_of("simultaneous", {"f": [lp * theta], "g": [-lp * phi]}, {"phi": [phi], "theta": [theta]},
                    [phi0, theta0], "1/5", v_phi=1, v_theta=1)
    return bool(after @ after > phi0**2 + theta0**2)


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
