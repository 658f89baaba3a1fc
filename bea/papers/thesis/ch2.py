"""Thesis Ch. 2 [Ros23]: momentum's first-order flow (Eq 2.19), the NGF's equilibria (Cor 2.1) and the worked
construction of the IGR flow (Eqs 2.37-2.43)."""

from __future__ import annotations

import sympy

from ...engine.bseries import exact_flow, one_step_map
from ...engine.derive import derive
from ..entry import SINGLE, Entry, R, value_entry

__all__ = ["entries"]

_x, _y = sympy.symbols("x y")
_LOSS = (_x**2 - 1)**2 + (_y - _x / 2)**2          # strict minima at (+-1, +-1/2), a saddle at (0, 0)
_POINTS = {"strict minimum (1, 1/2)": (1, R(1, 2)), "saddle (0, 0)": (0, 0)}


def _ngf_jacobian(point) -> sympy.Matrix:
    """The Jacobian of the engine's order-1 field of gradient descent (the NGF, f = -grad E) at ``point``."""
    field = [-_LOSS.diff(v) for v in (_x, _y)]
    return derive("euler", 1).jacobian({"f": field}, {"theta": [_x, _y]}, dict(zip(("x", "y"), point)))


def _eq219() -> Entry:
    """Eq 2.19 (Kunin et al.): momentum (Eq 2.16) follows theta' = -grad E/(1 - beta) to first order: the h^0 part of
    bea's modified field of heavy ball on its slow manifold."""
    beta = sympy.Symbol("beta")
    return value_entry(
        "thesis-eq2.19", "thesis Eq 2.19 (with Eq 2.16)", "momentum v_t = beta v_{t-1} - h grad E, theta_t = theta_{t-1} "
        "+ v_t follows to first order the flow theta' = -grad E/(1 - beta)",
        SINGLE + "; heavy ball's iterates on its slow manifold (the previous iterate on the modified flow), f = -grad E",
        "bea derive --scheme heavy-ball --order 1", lambda: {"theta' : coefficient of -grad E": 1 / (1 - beta)},
        lambda: {"theta' : coefficient of -grad E": derive("heavy-ball", 1).coefficient("theta", "f")},
        r"\dot{\theta} = -\frac{1}{1-\beta} \nabla_{\theta} E")


def _cor21() -> Entry:
    """Cor 2.1: the NGF's Jacobian at a stationary point is -Hess E (symmetric), so a stationary point attracts
    exponentially iff Hess E is positive definite there (Remark 2.3.1): strict local minima do, saddles do not."""
    def printed():
        out = {}
        for name, point in _POINTS.items():
            minus_hessian = -sympy.hessian(_LOSS, (_x, _y)).subs(dict(zip((_x, _y), point)))
            out.update({f"{name}: J[{i},{j}] = -Hess E[{i},{j}]": minus_hessian[i, j] for i in range(2) for j in range(2)})
        out["strict minimum (1, 1/2): exponentially attractive"] = True
        out["saddle (0, 0): exponentially attractive"] = False
        return out

    def derived():
        out = {}
        for name, point in _POINTS.items():
            J = _ngf_jacobian(point)
            out.update({f"{name}: J[{i},{j}] = -Hess E[{i},{j}]": J[i, j] for i in range(2) for j in range(2)})
            out[f"{name}: exponentially attractive"] = all(sympy.re(v) < 0 for v in J.eigenvals())
        return out

    return value_entry(
        "thesis-cor2.1", "thesis Cor 2.1 (Sec 2.3.1, with Remark 2.3.1)", "the NGF theta' = -grad E is attracted only "
        "to local minima, and strict local minima attract exponentially: its Jacobian at a stationary point is "
        "-Hess E, symmetric, with negative eigenvalues exactly where Hess E is positive definite",
        SINGLE + "; E = (x^2 - 1)^2 + (y - x/2)^2 (strict minima at (+-1, +-1/2), a saddle at 0); the Jacobian of "
        "bea's order-1 field of gradient descent, exact; attractive when every eigenvalue has negative real part",
        "bea derive --scheme euler --order 1", printed, derived,
        r"\frac{d(-\nabla_{\theta} E)}{d\theta}(\theta^*) = -\nabla_{\theta}^2 E(\theta^*)")


def _eq243() -> Entry:
    """Eqs 2.37-2.43: the IGR flow built by hand -- the flow theta' = -grad E + h f_1 expanded over one step
    (2.37-2.40), subtracted from the gradient-descent step (2.41-2.42) and solved for f_1 (2.43).  In trees
    (f = -grad E, f[f] = f'f = Hess E grad E): the flow's expansion from bea.exact_flow, the step's from
    bea.one_step_map, f_1 from bea.derive."""
    def printed():
        return {"2.40 theta(h) h^1 f": 1, "2.40 theta(h) h^2 f[f] (from theta'' = Hess E grad E, 2.39)": R(1, 2),
                "2.41 theta_t h^2 f[f]": 0,
                "2.42 theta_t - theta(h): h^2 f[f] besides h^2 f_1": R(1, 2),
                "2.43 f_1 f[f] (f_1 = -Hess E grad E/2)": -R(1, 2)}

    def derived():
        flow, step = exact_flow("f", 2), one_step_map("euler", 2)
        return {"2.40 theta(h) h^1 f": flow.coefficient("f"),
                "2.40 theta(h) h^2 f[f] (from theta'' = Hess E grad E, 2.39)": flow.coefficient("f[f]"),
                "2.41 theta_t h^2 f[f]": step.coefficient("f[f]"),
                "2.42 theta_t - theta(h): h^2 f[f] besides h^2 f_1": step.coefficient("f[f]") - flow.coefficient("f[f]"),
                "2.43 f_1 f[f] (f_1 = -Hess E grad E/2)": derive("euler", 2).coefficient("theta", "f[f]")}

    return value_entry(
        "thesis-eq2.43", "thesis Eqs 2.37-2.43", "the IGR flow constructed step by step: the modified flow's expansion "
        "theta(h) = theta - h grad E + h^2 f_1 + h^2/2 Hess E grad E (2.40), the gradient-descent step (2.41), their "
        "difference (2.42) and f_1 = -Hess E grad E/2 (2.43)",
        SINGLE + "; f = -grad E, so f[f] = f'f = Hess E grad E; the flow theta' = f + h f_1 contributes h^2 f_1 to "
        "theta(h); 2.42 printed h^2 f_1 + h^2/2 Hess E grad E for theta_t - theta(h) = -(h^2 f_1 + h^2/2 Hess E grad E) "
        "(setting either to zero gives 2.43)",
        "bea map --scheme euler --order 2 --exact-flow", printed, derived,
        r"\theta(h) = \theta_{t-1} - h\nabla_{\theta}E + h^2 f_1 + \frac{h^2}{2}\nabla_{\theta}^2E\nabla_{\theta}E, \quad "
        r"\theta_t - \theta(h) = h^2 f_1 + \frac{h^2}{2}\nabla_{\theta}^2E\nabla_{\theta}E, \quad "
        r"f_1 = -\frac{1}{2}\nabla_{\theta}^2E\nabla_{\theta}E")


def entries() -> list[Entry]:
    """The Ch. 2 entries."""
    return [_eq219(), _cor21(), _eq243()]
