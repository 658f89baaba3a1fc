"""The edge of stability of gradient descent: self-stabilisation [DNL23], built on the spectral diagnostics.

Damian, Nichani & Lee's quantities at a reference point ``theta*`` for gradient descent with step
``eta`` on a loss ``L`` (their text file lacks its formulas; these are the published forms, arXiv
2209.15594 Secs 3-4): the sharpness ``S = lambda_max(Hess L)`` with eigenvector ``u``, its gradient
``grad S = D^3 L(u, u)`` and the part orthogonal to ``u``, ``grad S_perp``;

    alpha = -grad L . grad S_perp    (progressive sharpening: the rate S grows along -grad L),
    beta = |grad S_perp|^2,   delta = sqrt(2 alpha / beta),   epsilon = eta sqrt(alpha);

the stable set ``M = {theta: S(theta) <= 2/eta, grad L . u = 0}``; in the coordinates
``x = u . (theta - theta*)``, ``y = grad S_perp . (theta - theta*)`` the four-stage map

    x+ = -(1 + eta y) x,      y+ = y + eta (alpha - beta x^2 / 2),

whose ODE ``X' = 2 eta X Y``, ``Y' = eta (alpha - beta X / 2)`` (``X = x^2``) conserves
``g(X, Y) = h(X / delta^2) + Y^2 / alpha``, ``h(z) = z - log z - 1``.

This module holds the constants, the reduced map, ODE and invariant, and the projection onto ``M``
with the constrained trajectory ``theta+_dagger = proj_M(theta_dagger - eta grad L(theta_dagger))``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy

from ..errors import ProblemError
from ..exact import exact_number
from ..printable import Printable
from .spectral import spectral

__all__ = ["EosConstants", "constants", "four_stage_map", "reduced_field", "invariant", "project", "constrained"]


@dataclass(frozen=True)
class EosConstants(Printable):
    """[DNL23]'s constants at a point (module docstring); ``delta`` and ``epsilon`` are None when
    ``alpha <= 0`` (no progressive sharpening: there is nothing to stabilise)."""

    h: float
    sharpness: float
    u: np.ndarray
    grad_sharpness: np.ndarray
    grad_sharpness_perp: np.ndarray
    gradient: np.ndarray
    alpha: float
    beta: float
    delta: float | None
    epsilon: float | None


def _loss_problem(loss, variables):
    if not isinstance(variables, dict) or len(variables) != 1:
        raise ProblemError("the edge-of-stability tools take one block: {'theta': [symbol, ...]}")
    (block,), state = variables, list(variables[next(iter(variables))])
    E = loss if isinstance(loss, sympy.Expr) else None
    if E is None:
        raise ProblemError("the loss is a SymPy expression in the variables")
    return block, state, {"f": [-E.diff(v) for v in state]}


def constants(loss, variables, at, h) -> EosConstants:
    """The constants of [DNL23] at ``at`` for gradient descent with step ``h`` (see the module docstring).

    >>> import sympy
    >>> a, b = sympy.symbols("a b")
    >>> c = constants(a ** 2 * (1 + b) / 2 - b, {"theta": [a, b]}, {a: 0, b: 1}, "1/2")   # S = 1 + b, grad L = (0, -1)
    >>> c.sharpness, c.alpha, c.beta, c.delta
    (2.0, 1.0, 1.0, 1.4142135623730951)

    References: [DNL23, Secs 3-4, Lemma 2].
    """
    _, _, fields = _loss_problem(loss, variables)
    s = spectral(fields, variables, at, h)
    if s.sharpness_gradient is None:
        raise ProblemError("the largest eigenvalue of the Hessian is repeated at the point: grad S is not defined")
    u, grad_s, g = s.eigenvectors[:, 0], s.sharpness_gradient, s.gradient
    perp = grad_s - (grad_s @ u) * u
    alpha, beta = float(-g @ perp), float(perp @ perp)
    delta = float(np.sqrt(2 * alpha / beta)) if alpha > 0 and beta > 0 else None
    epsilon = float(s.h * np.sqrt(alpha)) if alpha > 0 else None
    return EosConstants(s.h, s.sharpness, u, grad_s, perp, g, alpha, beta, delta, epsilon)


def four_stage_map(alpha: float, beta: float, eta: float, x0: float, y0: float, steps: int) -> np.ndarray:
    """The iterates ``(x_t, y_t)``, ``t = 0 .. steps``, of ``x+ = -(1 + eta y) x``, ``y+ = y + eta (alpha -
    beta x^2/2)`` [DNL23, Sec 4.1]."""
    out = np.empty((steps + 1, 2))
    x, y = float(x0), float(y0)
    out[0] = x, y
    for t in range(steps):
        x, y = -(1 + eta * y) * x, y + eta * (alpha - beta * x * x / 2)
        out[t + 1] = x, y
    return out


def reduced_field(alpha: float, beta: float, eta: float):
    """``(X, Y) -> (2 eta X Y, eta (alpha - beta X / 2))``: the ODE of the two-step map in ``X = x^2``."""
    return lambda X, Y: (2 * eta * X * Y, eta * (alpha - beta * X / 2))


def invariant(alpha: float, beta: float, X, Y):
    """``g = h(X / delta^2) + Y^2 / alpha`` with ``h(z) = z - log z - 1``, conserved by :func:`reduced_field`."""
    z = np.asarray(X, dtype=float) * beta / (2 * alpha)
    return z - np.log(z) - 1 + np.asarray(Y, dtype=float) ** 2 / alpha


def _constraints(loss, variables, theta, h):
    """``(S - 2/h, grad L . u)`` at ``theta`` (floats) and the spectral result there."""
    state = list(variables[next(iter(variables))])
    _, _, fields = _loss_problem(loss, variables)
    s = spectral(fields, variables, {v: float(x) for v, x in zip(state, theta)}, h)
    return np.array([s.sharpness - 2 / s.h, s.gradient @ s.eigenvectors[:, 0]]), s


def project(loss, variables, theta, h, tolerance: float = 1e-12, max_steps: int = 50) -> np.ndarray:
    """The point of ``M = {S <= 2/h, grad L . u = 0}`` nearest ``theta`` to first order: Gauss-Newton steps
    ``-J^T (J J^T)^{-1} c`` on the active constraints ``c`` (``S - 2/h`` when positive, and
    ``grad L . u``), with ``J`` their gradients (``grad S``; ``grad (grad L . u)`` by central differences),
    until ``|c| < tolerance``; an error when that does not happen.  References: [DNL23, Sec 3 (Eq 3)]."""
    point = np.array([float(exact_number(x, "theta", floats="binary")) for x in theta])
    step = float(exact_number(h, "the step size h"))
    for _ in range(max_steps):
        c, s = _constraints(loss, variables, point, step)
        active = [1] + ([0] if c[0] > 0 else [])
        if max(abs(c[i]) for i in active) < tolerance * max(1.0, abs(2 / step)):
            return point
        rows = []
        for i in active:
            rows.append(s.sharpness_gradient if i == 0 else _difference(loss, variables, point, step))
        J, residual = np.array(rows), np.array([c[i] for i in active])
        point = point - J.T @ np.linalg.solve(J @ J.T, residual)
    raise ProblemError(f"the projection onto the stable set did not converge in {max_steps} steps at {theta}")


def _difference(loss, variables, point, h, step: float = 1e-6) -> np.ndarray:
    """``grad (grad L . u)`` by central differences, ``u`` signed like at ``point`` at the shifted points
    (so that the function differenced is continuous)."""
    _, base = _constraints(loss, variables, point, h)
    u0 = base.eigenvectors[:, 0]
    out = np.empty_like(point)
    for i in range(point.shape[0]):
        values = []
        for sign in (1, -1):
            shifted = point.copy()
            shifted[i] += sign * step
            _, s = _constraints(loss, variables, shifted, h)
            u = s.eigenvectors[:, 0]
            u = u if u @ u0 >= 0 else -u
            values.append(s.gradient @ u)
        out[i] = (values[0] - values[1]) / (2 * step)
    return out


def constrained(loss, variables, theta0, h, steps: int) -> np.ndarray:
    """The constrained trajectory ``theta_dagger``: ``proj_M`` of each gradient step, ``steps`` of them
    from ``proj_M(theta0)`` (rows: ``t = 0 .. steps``) [DNL23, Sec 3]."""
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
        raise ProblemError(f"steps must be an integer >= 0, got {steps!r}")
    state = list(variables[next(iter(variables))])
    _, _, fields = _loss_problem(loss, variables)
    step = float(exact_number(h, "the step size h"))
    gradient = sympy.lambdify([state], [-e for e in fields["f"]], "numpy")
    point = project(loss, variables, theta0, h)
    path = [point]
    for _ in range(steps):
        point = project(loss, variables, point - step * np.asarray(gradient(point), dtype=float), h)
        path.append(point)
    return np.array(path)
