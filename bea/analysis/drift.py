"""The drift of one step from a flow, and the change of the loss over one step.

* :func:`one_step_drift` -- gradient descent against the negative gradient flow (NGF) [RWQD23,
  Thm 6.1], [Ros23, Thm 3.7.1 and Eqs A.152-A.153]: along the NGF ``theta'' = Hess E grad E``, so by
  Taylor's theorem with the mean-value remainder, per component,
  ``NGF(h) - (theta - h grad E) = (h^2/2) (Hess E grad E)_i(theta(xi_i))`` for some ``xi_i`` in
  ``(0, h)``: the drift lies between ``h^2/2`` times the least and the largest value of
  ``(Hess E grad E)_i`` on the flow's path.  The NGF is integrated by SciPy's DOP853 at ``rtol = 1e-13``
  (a flow that blows up before ``h`` is an error).
* :func:`momentum_drift` -- heavy ball with a free velocity ``v`` against the flow
  ``theta' = -grad E / (1 - beta)`` [Ros23, Eqs A.154-A.161]: ``flow(h) - (theta + beta v - h grad E)``
  is ``(h^2 / (2 (1 - beta)^2)) Hess E grad E(theta') - beta v - (h beta/(1 - beta)) grad E``; the last two
  cancel on the slow manifold ``v = -h grad E/(1 - beta)``.  (The thesis prints ``+ beta v`` in A.160-A.161.)
* :func:`loss_change` -- the exact change ``E(theta+) - E(theta)`` over one step of a one-field scheme as
  a series in ``h`` (the scheme's one-step map on the problem, then Taylor of ``E`` along it) [Ros23,
  App. A.2.1]; to second order, per eigendirection, ``(g . u_i)^2 (-a_1 h + (a_2 + a_1^2/2) h^2 lambda_i)``
  with ``a_1 h f + a_2 h^2 f'f`` the map's first terms, so the loss decreases along ``u_i`` when
  ``h lambda_i < a_1 / (a_2 + a_1^2/2)`` (gradient descent: ``h lambda_i < 2``; the thesis's Eq A.165
  prints ``1 - h/(2 lambda_i)`` for ``1 - h lambda_i/2``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy

from ..concrete.problem import Problem
from ..errors import BeaError, ProblemError
from ..exact import exact_number
from ..printable import Printable
from .spectral import gradient_problem, loss_fields, spectral

__all__ = ["Drift", "one_step_drift", "momentum_drift", "LossChange", "loss_change", "one_field_map",
           "decrease_threshold"]

_DIGITS = 30
_SAMPLES = 64


@dataclass(frozen=True)
class Drift(Printable):
    """``drift = flow(h) - step``; ``leading`` its ``h^2`` term at the start; ``low``, ``high`` the bounds of
    the mean-value form (the ``h^2`` term's least and largest value on the flow's path, sampled at
    ``_SAMPLES + 1`` points); ``rest`` the exactly known non-``h^2`` part (momentum: ``-beta v - h beta/(1 -
    beta) grad E``); ``holds``: every component of ``drift - rest`` lies within ``[low, high]``
    (within the sampling of the path)."""

    what: str
    h: float
    drift: np.ndarray
    leading: np.ndarray
    low: np.ndarray
    high: np.ndarray
    rest: np.ndarray

    @property
    def holds(self) -> bool:
        core = self.drift - self.rest
        span = np.maximum(self.high - self.low, 1e-300)
        return bool(np.all(core >= self.low - 1e-6 * span - 1e-20) and np.all(core <= self.high + 1e-6 * span + 1e-20))


def _path(exprs, state, start, speed, h):
    """The flow ``theta' = speed * f(theta)`` from ``start`` at ``_SAMPLES + 1`` times in ``[0, h]``, and the
    vector ``Hess E grad E = J f`` (``f = -grad E``, ``J = Df``) on it: SciPy's DOP853 at ``rtol = 1e-13``.
    A flow that blows up, or cannot be followed, before the time ``h`` is an error (never a hang)."""
    from scipy.integrate import solve_ivp

    J = sympy.Matrix(exprs).jacobian(state)
    f_num = sympy.lambdify([state], exprs, "numpy")
    hg_num = sympy.lambdify([state], list(J * sympy.Matrix(exprs)), "numpy")
    times = np.linspace(0.0, float(h), _SAMPLES + 1)
    with np.errstate(all="ignore"):
        solution = solve_ivp(lambda t, y: speed * np.asarray(f_num(y), dtype=float), (0.0, float(h)),
                             [float(v) for v in start], method="DOP853", t_eval=times, rtol=1e-13, atol=1e-15)
        ok = solution.status == 0 and np.all(np.isfinite(solution.y))
        values = np.array([np.asarray(hg_num(p), dtype=float) for p in solution.y.T]) if ok else None
    if not ok or not np.all(np.isfinite(values)):
        raise ProblemError(f"the flow cannot be followed for the time {float(h):.6g} from this point (it blows up "
                           f"or the field is undefined on the way): {solution.message}")
    return solution.y[:, -1], values


def one_step_drift(fields, variables, at, h) -> Drift:
    """Gradient descent against the NGF from ``at`` (see the module docstring): fields as for
    :func:`bea.spectral` (``f = -grad E``).

    >>> import sympy
    >>> x = sympy.Symbol("x")
    >>> d = one_step_drift({"f": [-x ** 3]}, {"theta": [x]}, {x: 1}, "1/10")      # E = x^4/4
    >>> d.holds, round(float(d.leading[0]), 6)                                   # (h^2/2) 3x^2 x^3 at x = 1
    (True, 0.015)

    References: [RWQD23, Thm 6.1], [Ros23, Thm 3.7.1, Eqs A.152-A.153].
    """
    problem, exprs, point, step = gradient_problem(fields, variables, at, h, "the one-step drift")
    state = problem.state
    start = [point[v] for v in state]
    end, values = _path(exprs, state, start, 1, step)
    f0 = np.array([float(sympy.N(e.xreplace(point), _DIGITS)) for e in exprs])
    theta0 = np.array([float(v) for v in start])
    gd = theta0 + float(step) * f0
    factor = float(step) ** 2 / 2
    leading = factor * values[0]
    return Drift("gradient descent against the NGF", float(step), end - gd, leading, factor * values.min(axis=0),
                 factor * values.max(axis=0), np.zeros_like(leading))


def momentum_drift(fields, variables, at, h, beta, velocity=None) -> Drift:
    """Heavy ball ``theta + beta v - h grad E`` with the velocity ``v`` (the last update; default the slow
    manifold's ``-h grad E/(1 - beta)``) against the flow ``theta' = -grad E/(1 - beta)`` for the time ``h``
    (see the module docstring)."""
    problem, exprs, point, step = gradient_problem(fields, variables, at, h, "the momentum drift")
    b = exact_number(beta, "beta")
    if not 0 <= b < 1:
        raise ProblemError(f"beta must lie in [0, 1), got {beta!r}")
    state = problem.state
    f0 = [e.xreplace(point) for e in exprs]                                      # f = -grad E, exact
    if velocity is None:
        v = [step * fi / (1 - b) for fi in f0]
    else:
        listed = velocity if isinstance(velocity, (list, tuple, np.ndarray)) else [velocity]
        v = [exact_number(x, "the velocity", floats="binary") for x in listed]
    if len(v) != len(state):
        raise ProblemError(f"the velocity has {len(v)} components; the state has {len(state)}")
    start = [point[s] for s in state]
    speed = 1 / (1 - b)
    end, values = _path(exprs, state, start, speed, step)
    heavy = np.array([float(sympy.N(x + b * vi + step * fi, _DIGITS)) for x, vi, fi in zip(start, v, f0)])
    factor = float(step) ** 2 * float(speed) ** 2 / 2
    rest = np.array([float(sympy.N(-b * vi + step * b * speed * fi, _DIGITS)) for vi, fi in zip(v, f0)])
    # -beta v - h beta/(1-beta) grad E, exactly: zero on the slow manifold
    return Drift("heavy ball against the flow of -grad E/(1 - beta)", float(step), end - heavy, factor * values[0],
                 factor * values.min(axis=0), factor * values.max(axis=0), rest)


@dataclass(frozen=True)
class LossChange(Printable):
    """``E(theta+) - E(theta) = sum_p coefficients[p-1] h^p`` through ``h^order`` (exact, SymPy), and the
    second-order picture per Hessian eigendirection: ``threshold`` (the loss decreases along ``u_i`` to second
    order when ``h lambda_i < threshold``), ``per_direction[i] = (g . u_i)^2 (-a_1 + (a_2 + a_1^2/2) h lambda_i)``
    per unit ``h`` at the given ``h``, and ``decreases[i]``."""

    scheme: str
    order: int
    h: object
    coefficients: tuple
    threshold: sympy.Expr | None
    eigenvalues: np.ndarray
    per_direction: np.ndarray
    decreases: tuple

    def series(self) -> sympy.Expr:
        """``sum_p c_p h^p`` as a SymPy expression in ``h``."""
        h = sympy.Symbol("h")
        return sum((c * h ** (p + 1) for p, c in enumerate(self.coefficients)), sympy.Integer(0))


def loss_change(scheme, loss, variables, at, order: int = 3, h=None, **params) -> LossChange:
    """The change of the loss ``E`` over one step of a one-field ``scheme`` (field ``f = -grad E``) from
    ``at``, as an exact series in ``h`` through ``h^order`` (see the module docstring); ``h`` (optional)
    evaluates the per-direction second-order picture there.

    >>> import sympy
    >>> x = sympy.Symbol("x")
    >>> change = loss_change("euler", x ** 2, {"theta": [x]}, {x: 1}, order=2)      # E = x^2, g = 2, lambda = 2
    >>> change.coefficients, change.threshold                                      # -h g^2 + h^2/2 g H g
    ((-4, 4), 2)

    References: [Ros23, App. A.2.1 and A.2.3], [RWQD23, Sec 3.1].
    """
    from ..engine.derive import check_order          # the engine is loaded by the step map below anyway

    order = check_order(order)
    block, state, E, fields = loss_fields(loss, variables, "the loss change")
    problem = Problem({block: ("f",)}, fields, variables)
    point = problem.point(at, complete=True)
    step_map = one_field_map(scheme, order, **params)
    hs = sympy.Symbol("h")
    increment = [sympy.Integer(0)] * len(state)
    for term in step_map.terms:
        vector = problem.differential(term.tree)
        for i, component in enumerate(vector):
            increment[i] += term.coefficient * hs ** term.power * component.xreplace(point)
    coefficients = _taylor_along(E, state, point, increment, hs, order)
    a1, denominator, threshold = decrease_threshold(step_map)
    if h is None:
        return LossChange(step_map.name, order, None, coefficients, threshold, np.array([]), np.array([]), ())
    diagnosis = spectral(fields, variables, {str(k): v for k, v in point.items()}, h)
    x = float(exact_number(h, "the step size h")) * diagnosis.eigenvalues
    dots = diagnosis.eigenvectors.T @ diagnosis.gradient
    per = dots ** 2 * (-float(a1) + float(denominator) * x)
    return LossChange(step_map.name, order, exact_number(h, "h"), coefficients, threshold, diagnosis.eigenvalues, per,
                      tuple(bool(v < 0) for v in per))


def one_field_map(scheme, order: int, **params):
    """The one-step map of a one-field ``scheme`` (field ``f``) through ``h^order``, for the loss change."""
    from ..engine.bseries import one_step_map

    step_map = one_step_map(scheme, order, **params)
    if step_map.labels != ("f",):
        raise BeaError(f"the loss change is computed for one-field schemes (field f); {step_map.name!r} has "
                       f"{', '.join(step_map.labels)}")
    return step_map


def decrease_threshold(step_map) -> tuple:
    """``(a_1, a_2 + a_1^2/2, threshold)`` of a map ``a_1 h f + a_2 h^2 f'f + ...``: to second order the loss
    decreases along ``u_i`` when ``h lambda_i < threshold = a_1 / (a_2 + a_1^2/2)`` (None when the
    denominator vanishes: no second-order growth)."""
    a1 = step_map.coefficient("f")
    a2 = step_map.coefficient("f[f]") if step_map.order >= 2 else sympy.Integer(0)
    denominator = sympy.simplify(a2 + a1 ** 2 / 2)
    return a1, denominator, None if denominator == 0 else sympy.simplify(a1 / denominator)


def _taylor_along(E, state, point, increment, hs, order: int) -> tuple:
    """The coefficients of ``h^1 .. h^order`` in ``E(theta + Delta(h)) - E(theta)`` for ``Delta = O(h)`` a
    polynomial in ``h``: ``sum_{1 <= |alpha| <= order} d^alpha E(theta) Delta^alpha / alpha!`` (Taylor in the
    state, each power of ``Delta`` truncated at ``h^order``), exact."""
    from itertools import combinations_with_replacement
    from math import factorial

    deltas = [sympy.Poly(sympy.expand(d), hs) for d in increment]
    total = [sympy.Integer(0)] * (order + 1)
    for k in range(1, order + 1):
        for combo in combinations_with_replacement(range(len(state)), k):
            derivative = E
            for i in combo:
                derivative = derivative.diff(state[i])
            value = derivative.xreplace(point)
            if value == 0:
                continue
            product = sympy.Poly(1, hs)
            for i in combo:
                product = _truncated(product * deltas[i], hs, order)
            weight = sympy.Integer(1)
            for i in set(combo):
                weight *= factorial(combo.count(i))
            for (p,), c in product.terms():
                if 1 <= p <= order:
                    total[p] += value * c / weight
    return tuple(sympy.expand(c) for c in total[1:])


def _truncated(poly: sympy.Poly, hs, order: int) -> sympy.Poly:
    return sympy.Poly.from_dict({m: c for m, c in poly.as_dict().items() if m[0] <= order} or {(0,): 0}, hs)
