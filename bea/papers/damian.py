"""Damian, Nichani & Lee, *Self-stabilization: the implicit bias of gradient descent at the edge of stability*
[DNL23]: the constants and the four-stage map of Sec 4.1 (Eq 3), the toy model of App. B with its constrained
trajectory, and the limiting sharpness of the generalised dynamics (App. F.2).

The seed text of this paper has its formulas stripped: the printed side of these entries is the published
form (arXiv 2209.15594), as transcribed in :mod:`bea.analysis.eos`; each entry says so."""

from __future__ import annotations

import sympy

from ..analysis.eos import constants, constrained, iterates, two_cycle
from ..analysis.spectral import spectral
from .entry import Entry, R, per_axis, spectral_gradient, value_entry

__all__ = ["entries"]

_a, _b, _x = sympy.symbols("a b x")
TOY = _a**2 * (1 + _b) / 2 - _b
"""App. B's toy: ``S = 1 + b`` along ``u = e_a`` and ``-grad L . e_b = 1`` (progressive sharpening)."""
PUBLISHED = "the published form (arXiv 2209.15594): the seed text has its formulas stripped"
ETA, X0, Y0, STEPS = R(1, 20), R(1, 10), R(1, 2), 10


def entries() -> list[Entry]:
    """The entries of [DNL23], in the paper's order."""
    return [
        value_entry("damian-lemma2", "Damian et al. Lemma 2", "where the top eigenvalue of the Hessian is simple, the "
                    "sharpness S = lambda_max(Hess L) is differentiable and grad S = grad^3 L(u, u), u its unit "
                    "eigenvector", PUBLISHED + "; L = x^4/4 + x y^2 + y^2/2 + x y at (1, 1/2) (Hess L = [[3, 2], [2, 3]], "
                    "S = 5, u = (1, 1)/sqrt 2); printed: grad^3 L(u, u) exactly (SymPy); derived: the gradient of "
                    "bea.spectral's sharpness by Richardson-extrapolated central differences (9 digits)",
                    "bea eos constants --loss 'x^4/4 + x*y^2 + y^2/2 + x*y' --var x,y --at x=1 y=1/2 --h 1/10",
                    _lemma2_printed, _lemma2_derived, r"\nabla S(\theta) = \nabla^3 L(\theta)(u, u)"),
        value_entry("damian-eq3", "Damian et al. Sec 4.1 (Eq 3) and App. B", "on the toy L = a^2 (1 + b)/2 - b: "
                    "alpha = -grad L . grad S_perp = 1, beta = |grad S_perp|^2 = 1, delta^2 = 2 alpha/beta; gradient "
                    "descent is exactly the four-stage map x+ = -(1 + eta y) x, y+ = y + eta (alpha - beta x^2/2) "
                    "(x = a, y = b - (2/eta - 1)); the constrained trajectory is a = 0, b_t = min(b_0 + eta t, "
                    "2/eta - 1)", PUBLISHED + f"; the map from x = {X0}, y = {Y0} with eta = {ETA} for {STEPS} steps, "
                    "exactly, against gradient descent in float64; the constrained trajectory from b_0 = 1, eta = 1/2",
                    "bea eos predicted --loss 'a^2*(1 + b)/2 - b' --var a,b --at a=1/10 b=79/2 --h 1/20 --steps 10",
                    _eq3_printed, _eq3_derived,
                    r"x_{t+1} = -(1 + \eta y_t) x_t, \quad y_{t+1} = y_t + \eta\left(\alpha - \frac{\beta}{2} x_t^2\right)"),
        value_entry("damian-sec4.1", "Damian et al. Sec 4.1 (the four stages)", "along gradient descent near the edge: "
                    "while S < 2/eta (y < 0) the unstable coordinate x shrinks (stages 1 and 4); once S > 2/eta (y > 0) "
                    "|x| grows (stage 2); once x^2 > delta^2 = 2 alpha/beta, y (the sharpness) decreases (stage 3: "
                    "self-stabilisation), and below it progressive sharpening raises it",
                    PUBLISHED + "; the toy of App. B (alpha = beta = 1, delta^2 = 2), eta = 1/20, 400 steps of gradient "
                    "descent (bea.eos.iterates) from x = 1/10, y = -1/2; each stage's rule checked at every step the "
                    "trajectory is in it, and the trajectory visits every stage",
                    "bea eos iterates --loss 'a^2*(1 + b)/2 - b' --var a,b --at a=1/10 b=77/2 --h 1/20 --steps 400",
                    _stages_printed, _stages_derived,
                    r"y_t < 0: |x_{t+1}| < |x_t|, \quad y_t > 0: |x_{t+1}| > |x_t|, \quad x_t^2 > \delta^2: y_{t+1} < y_t, "
                    r"\quad x_t^2 < \delta^2: y_{t+1} > y_t"),
        value_entry("damian-appF", "Damian et al. App. F.2", "the limiting sharpness of a period-2 orbit +-delta along "
                    "u of an even loss F: S_inf = 2/eta + F''(delta) - F'(delta)/delta; a sub-quadratic F settles "
                    "below 2/eta", PUBLISHED + "; F(x) = S x^2/2 - x^4/4 with S = 23/5, eta = 1/2 (eta S = 2.3), "
                    "whose orbit has F'(delta)/delta = 2/eta, delta^2 = 3/5; against the 2-cycle found by Newton's "
                    "method on gradient descent and the Hessian there",
                    "bea eos two-cycle --loss '23/5*x^2/2 - x^4/4' --var x --at x=0 --h 1/2",
                    _app_f_printed, _app_f_derived,
                    r"S_\infty = \frac{2}{\eta} + F''(\delta) - \frac{F'(\delta)}{\delta}"),
    ]


_x2, _y2 = sympy.symbols("x y")
_LEMMA2 = _x2**4 / 4 + _x2 * _y2**2 + _y2**2 / 2 + _x2 * _y2
_AT2 = {_x2: 1, _y2: R(1, 2)}


def _lemma2_printed() -> dict:
    """grad^3 L(u, u) at the point, u the top eigenvector of the exact Hessian."""
    v = (_x2, _y2)
    hessian = sympy.hessian(_LEMMA2, v).xreplace(_AT2)
    (top, _, (vector,)) = max(hessian.eigenvects(), key=lambda e: e[0])
    u = vector / vector.norm()
    return {f"grad S {a}": sum(_LEMMA2.diff(v[i], v[j], v[k]).xreplace(_AT2) * u[i] * u[j] for i in range(2)
                               for j in range(2)) for k, a in enumerate("xy")}


def _lemma2_derived() -> dict:
    fields, variables = {"f": [-_LEMMA2.diff(v) for v in (_x2, _y2)]}, {"theta": [_x2, _y2]}
    gradient = spectral_gradient(lambda s: s.sharpness, lambda shift: spectral(
        fields, variables, {"x": _AT2[_x2] + shift[0], "y": _AT2[_y2] + shift[1]}, R(1, 10)))
    return per_axis("grad S", gradient, float)


def _eq3_printed() -> dict:
    alpha, beta = 1, 1
    x, y = X0, Y0
    for _ in range(STEPS):
        x, y = -(1 + ETA * y) * x, y + ETA * (alpha - beta * x**2 / 2)
    out = {"alpha": alpha, "beta": beta, "delta^2": R(2 * alpha, beta), f"x after {STEPS} steps": x,
           f"y after {STEPS} steps": y}
    out.update({f"constrained b_{t}": min(1 + R(t, 2), 3) for t in range(7)})
    return out


def _eq3_derived() -> dict:
    """The constants at the constrained trajectory's point ``a = 0`` on the edge, gradient descent itself
    (:func:`bea.eos.iterates`) and the projected trajectory (:func:`bea.eos.constrained`)."""
    variables = {"theta": [_a, _b]}
    edge = 2 / ETA - 1
    c = constants(TOY, variables, {_a: 0, _b: edge}, ETA)
    path = iterates(TOY, variables, [X0, edge + Y0], ETA, STEPS).path
    out = {"alpha": c.alpha, "beta": c.beta, "delta^2": c.delta**2, f"x after {STEPS} steps": path[-1][0],
           f"y after {STEPS} steps": path[-1][1] - float(edge)}
    out.update({f"constrained b_{t}": b for t, (_, b) in enumerate(constrained(TOY, variables, [0, 1], R(1, 2), 6))})
    return out


_STAGE_RULES = ("y < 0: |x| shrinks (stages 1, 4)", "y > 0: |x| grows (stage 2)",
                "x^2 > delta^2: y decreases (stage 3)", "x^2 < delta^2: y increases (stages 1, 2, 4)",
                "every stage is visited")


def _stages_printed() -> dict:
    return {rule: True for rule in _STAGE_RULES}


def _stages_derived() -> dict:
    """The rules on gradient descent's own iterates (bea.eos.iterates) on the toy, in x = a, y = b - (2/eta - 1)."""
    import numpy as np

    eta, delta2 = R(1, 20), 2
    edge = 2 / eta - 1
    path = np.array(iterates(TOY, {"theta": [_a, _b]}, [R(1, 10), edge - R(1, 2)], eta, 400).path, dtype=float)
    x, y = path[:, 0], path[:, 1] - float(edge)
    now, shrinks, falls = slice(None, -1), np.abs(x[1:]) < np.abs(x[:-1]), y[1:] < y[:-1]
    checks = {"y < 0: |x| shrinks (stages 1, 4)": (y[now] < 0, shrinks),
              "y > 0: |x| grows (stage 2)": (y[now] > 0, ~shrinks),
              "x^2 > delta^2: y decreases (stage 3)": (x[now] ** 2 > delta2, falls),
              "x^2 < delta^2: y increases (stages 1, 2, 4)": (x[now] ** 2 < delta2, ~falls)}
    out = {rule: bool(np.all(then[when])) for rule, (when, then) in checks.items()}
    out["every stage is visited"] = all(bool(np.any(when)) for when, _ in checks.values())
    return out


_S, _ETA = R(23, 5), R(1, 2)


def _app_f_printed() -> dict:
    F = _S * _x**2 / 2 - _x**4 / 4
    (delta,) = [d for d in sympy.solve(sympy.Eq(F.diff(_x) / _x, 2 / _ETA), _x) if d > 0]   # the orbit +-delta
    limit = 2 / _ETA + F.diff(_x, 2).subs(_x, delta) - F.diff(_x).subs(_x, delta) / delta
    return {"delta": delta, "S_inf": limit, "S_inf below 2/eta (sub-quadratic)": True}


def _app_f_derived() -> dict:
    cycle = two_cycle(_S * _x**2 / 2 - _x**4 / 4, {"theta": [_x]}, {_x: 0}, _ETA)
    return {"delta": max(cycle.offsets), "S_inf": cycle.sharpness[0],
            "S_inf below 2/eta (sub-quadratic)": bool(max(cycle.sharpness) < 2 / float(_ETA))}
