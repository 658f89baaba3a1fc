"""The edge of stability of gradient descent [DNL23, WR, SLYS], built on the spectral diagnostics.

Damian, Nichani & Lee's quantities at a reference point ``theta*`` for gradient descent with step
``eta`` on a loss ``L`` (their text file lacks its formulas; these are the published forms, arXiv
2209.15594 Secs 3-4): the sharpness ``S = lambda_max(Hess L)`` with eigenvector ``u``, its gradient
``grad S = D^3 L(u, u)`` and the part orthogonal to ``u``, ``grad S_perp``::

    alpha = -grad L . grad S_perp    (progressive sharpening: the rate S grows along -grad L),
    beta = |grad S_perp|^2,   delta = sqrt(2 alpha / beta),   epsilon = eta sqrt(alpha);

the stable set ``M = {theta: S(theta) <= 2/eta, grad L . u = 0}``; in the coordinates
``x = u . (theta - theta*)``, ``y = grad S_perp . (theta - theta*)`` the four-stage map

    x+ = -(1 + eta y) x,      y+ = y + eta (alpha - beta x^2 / 2),

whose ODE ``X' = 2 eta X Y``, ``Y' = eta (alpha - beta X / 2)`` (``X = x^2``) conserves
``g(X, Y) = h(X / delta^2) + Y^2 / alpha``, ``h(z) = z - log z - 1``.

This module holds the constants, the reduced map, ODE and invariant, the resummed drift, the projection
onto ``M`` with the constrained trajectory ``theta+_dagger = proj_M(theta_dagger - eta grad L(theta_dagger))``,
the predicted dynamics and the 2-cycle (written once over a :class:`LossOracle`, so that models run the same
algorithms, :mod:`bea.models.eos`); Wang & Roberts' rotation and alignment [WR]; Sun et al.'s von Neumann
analysis, CNN curvatures and weight-decay bounds, RelL1 and the finite-time Lyapunov exponent [SLYS].
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy

from ..concrete.problem import Problem
from ..errors import ProblemError
from ..exact import exact_number
from ..printable import Printable
from .spectral import field_problem, loss_fields, spectral

__all__ = ["EosConstants", "constants", "constants_of", "four_stage_map", "reduced_field", "invariant", "resummed_drift",
           "LossOracle", "ConcreteLoss", "project", "project_on", "constrained", "constrained_on", "TwoCycle", "two_cycle",
           "two_cycle_on", "Predicted", "predicted", "predicted_on", "Rotation", "rotation", "rotation_between", "lyapunov",
           "finite_time_lyapunov", "Amplification", "amplification", "Alignment", "alignment", "Iterates", "iterates",
           "iterates_on", "weight_decay_bounds", "WeightDecayBounds", "cnn_curvatures", "nesterov_parameters", "rel_l1", "dln_ratios"]


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
    """``(block, state, {"f": -grad L})`` of the loss (:func:`bea.analysis.spectral.loss_fields`)."""
    block, state, _, fields = loss_fields(loss, variables, "the edge-of-stability tools")
    return block, state, fields


class LossOracle:
    """What the self-stabilisation tools need of a loss ``L`` on flat float64 vectors ``theta``: ``n`` and
    ``names`` (of the coordinates, for reports), ``value``, ``gradient``, ``hessian_times(theta, V)`` (on the
    columns of ``V``), ``spectral(theta, h)`` (a :class:`~bea.analysis.spectral.Spectral` with the top pair's
    gradients) and ``line(theta, u, k)``, the ``k``-th derivative of ``F(x) = L(theta + x u)`` as a function of
    ``x``.  :class:`ConcreteLoss` implements it for SymPy losses, :class:`bea.models.eos.ModelLoss` for models;
    the algorithms below are written once over it."""

    n: int
    names: tuple

    def value(self, theta) -> float: ...
    def gradient(self, theta) -> np.ndarray: ...
    def hessian_times(self, theta, V) -> np.ndarray: ...
    def spectral(self, theta, h): ...
    def line(self, theta, u, k: int): ...


class ConcreteLoss(LossOracle):
    """:class:`LossOracle` of a SymPy loss in ``variables`` (one block): NumPy functions of its exact
    derivatives; :func:`bea.spectral` at the points (exact there, floats read as their decimals)."""

    def __init__(self, loss, variables):
        _, state, fields = _loss_problem(loss, variables)
        self.loss, self.variables, self.state, self.fields = loss, variables, state, fields
        self.n, self.names = len(state), tuple(str(v) for v in state)
        self._value = sympy.lambdify([state], loss, "numpy")
        self._gradient = sympy.lambdify([state], [-e for e in fields["f"]], "numpy")
        self._hessian = sympy.lambdify([state], sympy.hessian(loss, state), "numpy")

    def value(self, theta) -> float:
        return float(self._value(theta))

    def gradient(self, theta) -> np.ndarray:
        return np.asarray(self._gradient(theta), dtype=float)

    def hessian_times(self, theta, V) -> np.ndarray:
        return np.asarray(self._hessian(theta), dtype=float) @ V

    def spectral(self, theta, h):
        return spectral(self.fields, self.variables, {v: float(x) for v, x in zip(self.state, theta)}, h)

    def line(self, theta, u, k: int):
        x = sympy.Symbol("x")
        F = self.loss.xreplace({v: sympy.Float(float(t), 30) + x * sympy.Float(float(ui), 30)
                                for v, t, ui in zip(self.state, theta, u)})
        return sympy.lambdify(x, F.diff(x, k), "numpy")


def _vector(values, what: str, n: int | None = None) -> np.ndarray:
    """Floats of a point given by the user (exact numbers or floats, read as their binary values): a sequence
    of ``n`` finite numbers, or an error naming ``what``."""
    if isinstance(values, (str, bytes, dict)) or not hasattr(values, "__len__"):
        raise ProblemError(f"{what} is a sequence of numbers, got {values!r}")
    if n is not None and len(values) != n:
        raise ProblemError(f"{what} needs {n} coordinates, got {len(values)}")
    point = np.array([float(exact_number(x, what, floats="binary")) for x in np.asarray(values, dtype=object).ravel()])
    if not np.all(np.isfinite(point)):
        raise ProblemError(f"{what} has a coordinate that is not a finite number")
    return point


def _steps(steps, least: int = 0) -> int:
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < least:
        raise ProblemError(f"steps must be an integer >= {least}, got {steps!r}")
    return steps


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
    return constants_of(spectral(fields, variables, at, h))


def constants_of(s) -> EosConstants:
    """The constants from a :class:`~bea.analysis.spectral.Spectral` result (concrete or a model's)."""
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


def resummed_drift(z):
    """The factor ``c(z) = 2 log|1 - z| / ((1 - z)^2 - 1)`` of the cubic term of the modified flow's ``y``-field:
    with ``z = h S`` and ``x`` the coordinate along ``u``, the flow that interpolates gradient descent has
    ``y' = ... - c(z) beta x^2 / 2``, against the map's ``eta beta x^2 / 2`` per step (the four-stage map).

    Derivation: to leading order in ``x`` the flow moves ``x`` by the principal flow's exponent,
    ``x(t)^2 = x_0^2 e^{2 t l / h}``, ``l = Re log(1 - z) = log|1 - z|`` [RWQD23, Eq 16]; matching
    ``int_0^h c beta x(t)^2/2 dt`` with one step's ``h beta x_0^2 / 2`` gives ``c = 2 l / (e^{2l} - 1)``: the
    principal series of the drift summed.  ``c(0) = c(2) = 1`` (the limits are returned there), ``c(1) =
    inf`` (one step annihilates ``x``); its Taylor series ``1 + z + 5 z^2/6 + ...`` is the modified field's
    coefficients order by order (tested against :func:`bea.derive`).

    >>> [round(float(resummed_drift(z)), 6) for z in (0, 0.5, 1.9, 2)]
    [1.0, 1.848392, 1.109058, 1.0]

    References: [DNL23, Sec 4.1], [RWQD23, Def 3.1, Eq 16].
    """
    if isinstance(z, (list, tuple, np.ndarray)):
        try:
            values = np.asarray(z, dtype=float)
        except (TypeError, ValueError):
            raise ProblemError(f"z = h S is a number or an array of numbers, got {z!r}") from None
    else:
        values = np.asarray(float(exact_number(z, "z = h S", floats="binary")))
    if not np.all(np.isfinite(values)):
        raise ProblemError("z = h S must be finite")
    with np.errstate(divide="ignore", invalid="ignore"):
        ell = np.where(values < 1, np.log1p(-values), np.log(np.abs(1 - values)))   # accurate near z = 0 and 2
        c = np.where(ell == 0, 1.0, 2 * ell / np.expm1(2 * ell))
    return c if c.ndim else float(c)


def project(loss, variables, theta, h, tolerance: float = 1e-12, max_steps: int = 50) -> np.ndarray:
    """The point of ``M = {S <= 2/h, grad L . u = 0}`` nearest ``theta`` to first order: Gauss-Newton steps
    ``-J^T (J J^T)^{-1} c`` on the active constraints ``c`` (``S - 2/h`` when positive, and
    ``grad L . u``), with ``J`` their gradients (``grad S`` and
    :attr:`~bea.analysis.spectral.Spectral.constraint_gradient`), until ``|c| < tolerance``; an error when
    that does not happen.  References: [DNL23, Sec 3 (Eq 3)]."""
    return project_on(ConcreteLoss(loss, variables), theta, h, tolerance, max_steps)


def project_on(oracle: LossOracle, theta, h, tolerance: float = 1e-12, max_steps: int = 50) -> np.ndarray:
    """:func:`project` over a :class:`LossOracle`."""
    point = _vector(theta, "theta", oracle.n)
    step = float(exact_number(h, "the step size h"))
    for _ in range(max_steps):
        s = oracle.spectral(point, step)
        c = np.array([s.sharpness - 2 / s.h, s.gradient @ s.eigenvectors[:, 0]])
        active = [1] + ([0] if c[0] > 0 else [])
        if max(abs(c[i]) for i in active) < tolerance * max(1.0, abs(2 / step)):
            return point
        rows = [s.sharpness_gradient if i == 0 else s.constraint_gradient for i in active]
        if any(r is None for r in rows):
            raise ProblemError("the top eigenvalue of the Hessian is repeated on the way to the stable set: "
                               "its constraints have no gradient there")
        J = np.array(rows)
        point = point - J.T @ np.linalg.solve(J @ J.T, c[active])
    raise ProblemError(f"the projection onto the stable set did not converge in {max_steps} steps at {theta}")


def constrained(loss, variables, theta0, h, steps: int) -> np.ndarray:
    """The constrained trajectory ``theta_dagger``: ``proj_M`` of each gradient step, ``steps`` of them
    from ``proj_M(theta0)`` (rows: ``t = 0 .. steps``) [DNL23, Sec 3]."""
    return constrained_on(ConcreteLoss(loss, variables), theta0, h, steps)


def constrained_on(oracle: LossOracle, theta0, h, steps: int) -> np.ndarray:
    """:func:`constrained` over a :class:`LossOracle`."""
    _steps(steps)
    step = float(exact_number(h, "the step size h"))
    point = project_on(oracle, theta0, step)
    path = [point]
    for _ in range(steps):
        point = project_on(oracle, point - step * oracle.gradient(point), step)
        path.append(point)
    return np.array(path)


@dataclass(frozen=True)
class TwoCycle(Printable):
    """The period-2 orbit of gradient descent along ``u`` through ``theta_dagger``: ``offsets`` ``(x_1, x_2)``
    with ``x_2 = x_1 - h F'(x_1)``, ``x_1 = x_2 - h F'(x_2)`` for ``F(x) = L(theta_dagger + x u)``; ``points``;
    ``sharpness`` ``S_inf = F''`` at the orbit's points (for even ``F``: ``2/h + F''(delta) - F'(delta)/delta``,
    [DNL23, App. F]); ``radius`` the spectral radius of the two-step Jacobian of gradient descent on the
    whole state, ``stable`` when it is below 1."""

    h: float
    offsets: tuple
    points: np.ndarray
    sharpness: tuple
    radius: float

    @property
    def stable(self) -> bool:
        return self.radius < 1


def two_cycle(loss, variables, at, h, guess: float | None = None) -> TwoCycle:
    """The 2-cycle of gradient descent along the top eigenvector at ``at`` (see :class:`TwoCycle`), found by
    Newton's method from ``(guess, -guess)`` (default: the symmetric cycle of the quadratic-plus-quartic model
    of ``F``).  An error when there is none near the guess.  References: [DNL23, App. F]."""
    oracle = ConcreteLoss(loss, variables)
    point = Problem({"theta": ("f",)}, {"f": oracle.fields["f"]}, {"theta": oracle.state}).point(at, complete=True)
    return two_cycle_on(oracle, [point[v] for v in oracle.state], h, guess)


def two_cycle_on(oracle: LossOracle, theta, h, guess: float | None = None, tolerance: float = 1e-15) -> TwoCycle:
    """:func:`two_cycle` over a :class:`LossOracle`: Newton's method in float64 on ``(x_1, x_2)`` with the
    Jacobian ``[[h F''(x_1) - 1, 1], [1, h F''(x_2) - 1]]``; the radius from the products ``(I - h H(p_2))(I -
    h H(p_1))`` (dense up to 500 parameters, else ARPACK on Hessian-vector products)."""
    eta = float(exact_number(h, "the step size h"))
    base = _vector(theta, "the point", oracle.n)
    u = oracle.spectral(base, eta).eigenvectors[:, 0]
    dF, d2F = oracle.line(base, u, 1), oracle.line(base, u, 2)
    if guess is None:
        curvature, quartic = float(d2F(0.0)), float(oracle.line(base, u, 4)(0.0)) / 24
        if quartic == 0 or (2 / eta - curvature) / (4 * quartic) <= 0:
            raise ProblemError("no symmetric 2-cycle of the quadratic-plus-quartic model along u; give a guess")
        guess = float(np.sqrt((2 / eta - curvature) / (4 * quartic)))
    p, q = float(guess), -float(guess)
    for _ in range(100):
        residual = np.array([q - p + eta * dF(p), p - q + eta * dF(q)], dtype=float)
        jacobian = np.array([[eta * d2F(p) - 1, 1.0], [1.0, eta * d2F(q) - 1]], dtype=float)
        if not np.all(np.isfinite(residual)) or abs(np.linalg.det(jacobian)) < 1e-300:
            raise ProblemError(f"no 2-cycle found near +-{guess:.6g} along u (Newton's method broke down)")
        dp, dq = np.linalg.solve(jacobian, residual)
        p, q = p - dp, q - dq
        if max(abs(dp), abs(dq)) <= tolerance * max(1.0, abs(p), abs(q)):
            break
    else:
        raise ProblemError(f"no 2-cycle found near +-{guess:.6g} along u: Newton's method did not converge")
    if abs(p - q) <= 1e-10 * max(1.0, abs(p)):
        raise ProblemError("Newton's method found a fixed point, not a 2-cycle; give another guess")
    points = np.array([base + x * u for x in (p, q)])
    return TwoCycle(eta, (p, q), points, (float(d2F(p)), float(d2F(q))), _two_step_radius(oracle, points, eta))


def _two_step_radius(oracle: LossOracle, points, eta: float) -> float:
    """The spectral radius of ``(I - eta H(p_2))(I - eta H(p_1))``."""
    def two_steps(V):
        V = V - eta * oracle.hessian_times(points[0], V)
        return V - eta * oracle.hessian_times(points[1], V)
    if oracle.n <= 500:
        return float(np.max(np.abs(np.linalg.eigvals(two_steps(np.eye(oracle.n))))))
    from scipy.sparse.linalg import LinearOperator, eigs

    operator = LinearOperator((oracle.n, oracle.n), matvec=lambda v: two_steps(v.reshape(-1, 1)).ravel(), dtype=float)
    return float(np.max(np.abs(eigs(operator, k=1, which="LM", return_eigenvectors=False))))


@dataclass(frozen=True)
class Predicted(Printable):
    """[DNL23, Sec 4]'s predicted dynamics: the constrained trajectory ``dagger`` (rows ``t = 0 .. steps``),
    the deviation ``v`` with ``x = u . v`` and ``y = grad S_perp . v``, the predicted iterates
    ``theta = dagger + v``, the predicted loss ``L(dagger) + S x^2 / 2`` and sharpness ``S(dagger) + grad S . v``,
    and ``delta`` per step.  The sign of ``x`` is ``u``'s, which on ``M`` (where ``grad L . u = 0``) is a
    convention; ``v``, ``x^2`` and ``y`` do not depend on it."""

    h: float
    dagger: np.ndarray
    v: np.ndarray
    x: np.ndarray
    y: np.ndarray
    loss: np.ndarray
    sharpness: np.ndarray
    delta: np.ndarray

    @property
    def theta(self) -> np.ndarray:
        return self.dagger + self.v


def predicted(loss, variables, theta0, h, steps: int) -> Predicted:
    """``v_{t+1} = v_t - h [Hess L_t v_t + u_t x_t y_t + (x_t^2 - delta_t^2)/2 grad S_perp_t]`` along the
    constrained trajectory, from ``v_0 = theta0 - dagger_0`` (every quantity at ``dagger_t``) [DNL23, Sec 4,
    Eq 6]; the ``delta_t^2`` term is the projection's pull back onto ``S = 2/h``, so it is there only where the
    constrained trajectory is on that edge (and ``alpha_t > 0``).  Before, ``v`` follows plain linearised
    gradient descent with the cubic coupling."""
    return predicted_on(ConcreteLoss(loss, variables), theta0, h, steps)


def predicted_on(oracle: LossOracle, theta0, h, steps: int) -> Predicted:
    """:func:`predicted` over a :class:`LossOracle`."""
    dagger = constrained_on(oracle, theta0, h, steps)
    eta = float(exact_number(h, "the step size h"))
    v = _vector(theta0, "theta0", oracle.n) - dagger[0]
    vs, xs, ys, losses, sharp, deltas = [], [], [], [], [], []
    for t in range(steps + 1):
        c = constants_of(oracle.spectral(dagger[t], eta))
        x, y = float(c.u @ v), float(c.grad_sharpness_perp @ v)
        on_edge = c.sharpness >= 2 / eta * (1 - 1e-9)           # the projection caps S only on the edge
        delta = (c.delta or 0.0) if on_edge else 0.0
        vs.append(v), xs.append(x), ys.append(y), deltas.append(delta)
        losses.append(oracle.value(dagger[t]) + c.sharpness * x * x / 2)
        sharp.append(c.sharpness + float(c.grad_sharpness @ v))
        Hv = oracle.hessian_times(dagger[t], v)
        v = v - eta * (Hv + c.u * x * y + (x * x - delta * delta) / 2 * c.grad_sharpness_perp)
    return Predicted(eta, dagger, np.array(vs), np.array(xs), np.array(ys), np.array(losses), np.array(sharp),
                     np.array(deltas))


# -- Wang & Roberts: the rotation of the top eigenvector ---------------------------------------------------
@dataclass(frozen=True)
class Rotation(Printable):
    """The top Hessian eigenvector before (``u``) and after one step of ``flow`` (``u_after``), the angle
    between them, and for two parameters the alignment ratio ``R_2 = |u_1 / u_2|`` before and after [WR, Eq 1]."""

    flow: str
    h: float
    u: np.ndarray
    u_after: np.ndarray
    angle: float
    ratio: float | None
    ratio_after: float | None

    @property
    def direction(self) -> str | None:
        """``toward`` the first parameter (``R_2`` grows), ``away`` from it, or None (not two parameters)."""
        if self.ratio is None:
            return None
        return "toward" if self.ratio_after > self.ratio else "away"


FLOWS = ("gd", "ngf", "igr", "pf")


def rotation(fields, variables, at, h, flow="gd") -> Rotation:
    """The one-step change of the top eigenvector of ``-Df`` under ``flow``: ``gd`` (the step itself),
    ``ngf`` (the flow of ``f`` for time ``h``), ``igr`` (the order-2 modified flow of gradient descent),
    ``pf`` (the principal flow), or a :class:`~bea.result.ModifiedFlow` of gradient descent (its truncated
    field); flows are integrated accurately (SciPy, DOP853) [WR, Secs 3-4]."""
    from scipy.integrate import solve_ivp

    from ..engine.derive import derive
    from ..result import ModifiedFlow
    from .principal_flow import principal_flow

    if not (flow in FLOWS or isinstance(flow, ModifiedFlow)):
        raise ProblemError(f"flow is one of {', '.join(FLOWS)} or a ModifiedFlow, got {flow!r}")
    before = spectral(fields, variables, at, h)
    state = list(variables[next(iter(variables))])
    start = np.array([float(exact_number(at[v] if v in at else at[str(v)], str(v))) for v in state])
    step = before.h
    if flow == "gd":
        end = start - step * before.gradient
    elif flow == "pf":
        end = principal_flow(fields, variables, sympy.nsimplify(step), method="eig").trajectory(list(start), 1)[-1].real
    else:
        modified = flow if isinstance(flow, ModifiedFlow) else derive("euler", 1 if flow == "ngf" else 2)
        F = modified.lambdify(fields, variables)
        end = solve_ivp(lambda t, z: np.asarray(F(z, step), dtype=float), (0, step), start, method="DOP853",
                        rtol=1e-12, atol=1e-14).y[:, -1]
    after = spectral(fields, variables, {v: float(x) for v, x in zip(state, end)}, step)
    name = flow if isinstance(flow, str) else f"modified flow of {flow.scheme} to order {flow.order}"
    return rotation_between(name, step, before.eigenvectors[:, 0], after.eigenvectors[:, 0])


def rotation_between(flow: str, h: float, u: np.ndarray, w: np.ndarray) -> Rotation:
    """The :class:`Rotation` from the top eigenvector ``u`` to ``w`` (``w`` signed like ``u``); the ratio
    ``|v_1 / v_2|`` when there are two parameters (infinite when ``v_2 = 0``)."""
    w = w if w @ u >= 0 else -w
    angle = float(np.arccos(min(1.0, abs(float(u @ w)))))
    if u.shape[0] != 2:
        return Rotation(flow, h, u, w, angle, None, None)

    def ratio(v):
        return float(abs(v[0] / v[1])) if v[1] != 0 else float("inf")
    return Rotation(flow, h, u, w, angle, ratio(u), ratio(w))


def lyapunov(fields, variables, theta0, h, steps: int) -> float:
    """The finite-time Lyapunov exponent of the gradient-descent map, ``(1/T) log sigma_max(J_T ... J_1)``
    (the growth of the fastest-growing tangent ``w``), ``J_t = I + h Df(theta_t)`` along the iterates
    [SLYS, Sec 6] (:func:`finite_time_lyapunov`)."""
    problem, exprs = field_problem(fields, variables, "the Lyapunov exponent")
    state = problem.state
    f = sympy.lambdify([state], list(exprs), "numpy")
    J = sympy.lambdify([state], sympy.Matrix(exprs).jacobian(state), "numpy")
    theta = _vector(theta0, "theta0", len(state))
    return finite_time_lyapunov(lambda t: np.asarray(f(t), dtype=float),
                                lambda t, W: np.asarray(J(t), dtype=float) @ W, theta, h, steps, np.eye(len(state)))


def finite_time_lyapunov(f, tangent, theta, h, steps: int, W) -> float:
    """``(1/T) log sigma_max(P)``, ``P = J_T ... J_1 W``, ``J_t = I + h Df(theta_t)``, ``theta+ = theta + h f(theta)``:
    ``tangent(theta, W) = Df(theta) W`` on the columns of ``W`` (the identity for the exact finite-time exponent,
    a random vector for its estimate on models).  The product is renormalised every step (its scale kept as a
    logarithm).  An iterate that overflows, or a product that underflows to exactly zero, is an error, not a
    number."""
    _steps(steps, 1)
    eta = float(exact_number(h, "the step size h"))
    product, logs = np.asarray(W, dtype=float), 0.0
    for _ in range(steps):
        product = product + eta * tangent(theta, product)
        scale = float(np.max(np.abs(product)))
        if not np.isfinite(scale) or scale == 0:
            raise ProblemError("the tangent map underflowed to zero or overflowed: the exponent is not defined")
        product, logs = product / scale, logs + np.log(scale)
        theta = theta + eta * f(theta)
        if not np.all(np.isfinite(theta)):
            raise ProblemError("the gradient-descent iterates overflow: the exponent is not defined")
    return float((logs + np.log(np.linalg.svd(product, compute_uv=False)[0])) / steps)


# -- Sun, Lao, Yezzi & Sundaramoorthi: the von Neumann view -------------------------------------------------
@dataclass(frozen=True)
class Amplification(Printable):
    """A one-step linear scheme ``u_j+ = sum_m c_m u_{j+m}`` on a grid ``dx``, step ``dt``: ``factor`` the von
    Neumann amplification ``A(s) = sum_m c_m e^{i m s}`` (``s = omega dx``), ``bound`` the largest
    ``|A(s)|`` over ``s`` (stable when it is at most 1: evaluated exactly at the critical points when the
    coefficients are numbers), and ``modified`` the coefficients ``a_k`` of the modified PDE
    ``u_t = sum_k a_k d^k u/dx^k`` from ``log A(omega dx)/dt = sum_k a_k (i omega)^k`` (BEA per Fourier mode)."""

    stencil: dict
    factor: sympy.Expr
    bound: sympy.Expr | None
    modified: dict


S_GRID = sympy.Symbol("s", real=True)


def amplification(stencil: dict, dt, dx, order: int = 4) -> Amplification:
    """The von Neumann analysis and the modified PDE of a linear scheme (see :class:`Amplification`).
    FTCS for ``u_t = kappa u_xx`` is ``{-1: r, 0: 1 - 2 r, 1: r}``, ``r = kappa dt/dx^2``: ``A = 1 - 4 r
    sin^2(s/2)``, stable iff ``r <= 1/2``, modified PDE ``kappa u_xx + kappa (dx^2/12 - kappa dt/2) u_xxxx``
    [SLYS, Eqs 1-3].

    >>> k, t, x = sympy.symbols("kappa dt dx", positive=True)
    >>> r = k * t / x ** 2
    >>> a = amplification({-1: r, 0: 1 - 2 * r, 1: r}, t, x)
    >>> sympy.simplify(a.modified[2] - k), sympy.simplify(a.modified[4] - k * (x ** 2 / 12 - k * t / 2))
    (0, 0)
    """
    if not isinstance(stencil, dict) or not stencil:
        raise ProblemError("a stencil is a dict {offset: coefficient}, e.g. {-1: r, 0: 1 - 2*r, 1: r}")
    coefficients = {int(m): sympy.sympify(c) for m, c in stencil.items()}
    dt, dx = sympy.sympify(dt), sympy.sympify(dx)
    A = sum((c * sympy.exp(sympy.I * m * S_GRID) for m, c in coefficients.items()), sympy.Integer(0))
    factor = sympy.simplify(A.rewrite(sympy.cos))
    omega = sympy.Symbol("omega", real=True)
    series = sympy.series(sympy.log(A.subs(S_GRID, omega * dx)) / dt, omega, 0, order + 1).removeO()
    modified = {}
    for k in range(order + 1):
        c = sympy.simplify(sympy.expand(series).coeff(omega, k) / sympy.I ** k)
        if c != 0:
            modified[k] = c
    bound = None
    if not factor.free_symbols - {S_GRID}:
        critical = {sympy.Integer(0), sympy.pi}
        derivative = sympy.diff(sympy.Abs(factor) ** 2 if factor.is_real is False else factor ** 2, S_GRID)
        try:
            critical |= {s for s in sympy.solveset(sympy.simplify(derivative), S_GRID, sympy.Interval(0, 2 * sympy.pi))}
        except Exception:          # SymPy cannot solve it: the grid below decides
            pass
        values = [sympy.Abs(factor.subs(S_GRID, s)) for s in critical if s.is_real]
        grid = [sympy.Abs(factor.subs(S_GRID, sympy.pi * j / 64)) for j in range(129)]
        bound = sympy.simplify(max(values + grid, key=lambda v: float(v)))
    return Amplification(coefficients, factor, bound, modified)


@dataclass(frozen=True)
class Alignment(Printable):
    """Wang & Roberts' quantities for the two-parameter network ``z(t1 t2)`` at ``(t1, t2)`` and step ``h``
    [WR, Eqs 1-2]: ``beta`` and ``ratio = R_2 = beta + sqrt(beta^2 + 1)``; ``gamma`` their approximation of
    the one-step ratio ``beta+/beta`` (Eq 2) and ``gamma_step`` the ratio after one gradient step computed
    exactly; ``eta_star`` the step at which ``gamma = 1`` (for quadratic ``z``: ``1/(t1^2 + t2^2)``);
    ``balancedness`` ``t2^2 - t1^2`` before and after the step."""

    beta: float
    ratio: float
    gamma: float
    gamma_step: float
    eta_star: float
    balancedness: tuple


def alignment(z, Theta, theta, h) -> Alignment:
    """[WR]'s alignment quantities (see :class:`Alignment`) for ``z`` a SymPy expression in the symbol ``Theta``."""
    t1, t2 = (float(exact_number(x, "theta", floats="binary")) for x in theta)
    eta = float(exact_number(h, "the step size h"))
    d1, d2 = (sympy.lambdify(Theta, z.diff(Theta, k)) for k in (1, 2))

    def beta_at(a, b):
        value = a * b
        return abs(d2(value) * (b * b - a * a) / (2 * (d1(value) + d2(value) * value)))

    value = t1 * t2
    z1 = d1(value)
    s = t1 / t2 + t2 / t1
    beta = beta_at(t1, t2)
    gamma = abs((1 - eta ** 2 * z1 ** 2) / (1 - s * eta * z1 + eta ** 2 * z1 ** 2))
    n1, n2 = t1 - eta * z1 * t2, t2 - eta * z1 * t1
    eta_star = float(2 * t1 * t2 / ((t1 ** 2 + t2 ** 2) * z1))
    return Alignment(beta, beta + float(np.sqrt(beta * beta + 1)), gamma, beta_at(n1, n2) / beta, eta_star,
                     (t2 * t2 - t1 * t1, n2 * n2 - n1 * n1))


@dataclass(frozen=True)
class Iterates(Printable):
    """Gradient-descent iterates (rows ``t = 0 .. steps``) in float64, with the numerical events the toys
    meet named rather than hidden: ``underflow`` lists ``(step, coordinate)`` where a non-zero coordinate
    became subnormal or exactly zero (its dynamics are then lost to round-off, not converged), ``overflow``
    the first step with a non-finite value (the run stops there)."""

    h: float
    path: np.ndarray
    underflow: tuple
    overflow: int | None


def iterates(loss, variables, theta0, h, steps: int) -> Iterates:
    """Gradient descent on ``loss`` from ``theta0`` for ``steps`` steps (see :class:`Iterates`)."""
    return iterates_on(ConcreteLoss(loss, variables), theta0, h, steps)


def iterates_on(oracle: LossOracle, theta0, h, steps: int) -> Iterates:
    """:func:`iterates` over a :class:`LossOracle` (underflows named by ``oracle.names``)."""
    _steps(steps)
    eta = float(exact_number(h, "the step size h"))
    theta = _vector(theta0, "theta0", oracle.n)
    path, underflow, overflow, reported = [theta], [], None, set()
    tiny = np.finfo(float).tiny
    with np.errstate(all="ignore"):
        for t in range(1, steps + 1):
            new = theta - eta * oracle.gradient(theta)
            if not np.all(np.isfinite(new)):
                overflow = t
                break
            for i in np.flatnonzero((theta != 0) & (np.abs(new) < tiny)):
                if i not in reported:
                    reported.add(i)
                    underflow.append((t, oracle.names[i]))
            theta = new
            path.append(theta)
    return Iterates(eta, np.array(path), tuple(underflow), overflow)


@dataclass(frozen=True)
class WeightDecayBounds(Printable):
    """``(alpha_min, alpha_max)`` of :func:`weight_decay_bounds` (unpacks as that pair), exact, with the scheme,
    the step ``dt`` and the end ``x_max`` of the method's stability interval ``(0, x_max)`` in ``dt lambda``."""

    scheme: str
    dt: sympy.Expr
    x_max: sympy.Expr
    alpha_min: sympy.Expr
    alpha_max: sympy.Expr

    def __iter__(self):
        return iter((self.alpha_min, self.alpha_max))

    def __getitem__(self, i):
        return (self.alpha_min, self.alpha_max)[i]

    @property
    def empty(self) -> bool:
        """No weight decay is stable on every mode: ``alpha_min >= alpha_max``."""
        return bool(self.alpha_min >= self.alpha_max)


def weight_decay_bounds(curvatures, dt, scheme="euler", **params) -> WeightDecayBounds:
    """``(alpha_min, alpha_max)``: the weight decays for which a one-field ``scheme`` with step ``dt`` is stable
    on every mode of a linearised problem whose Hessian eigenvalues without decay are ``curvatures`` (e.g.
    ``a beta |I_hat(omega)|^2 / 2`` per Fourier mode, [SLYS, Thm 5.4]): decay adds ``alpha`` to each, so
    ``dt (alpha + kappa) < x_max`` and ``alpha + kappa > 0`` for all ``kappa``, with ``(0, x_max)`` the
    method's exact stability interval on the real axis (:func:`bea.stability_region`).  For gradient descent
    this is ``-min kappa < alpha < 2/dt - max kappa``: Eq 14 of [SLYS], whose ``min``/``max`` are for
    ``a beta < 0``."""
    from .stability_region import stability_region

    region = stability_region(scheme, **params)
    if not region.intervals or region.intervals[0][0] != 0:
        raise ProblemError(f"{region.scheme} has no stability interval (0, x) on the real axis")
    x_max = region.intervals[0][1]
    kappas = [exact_number(k, "a curvature", floats="binary") for k in curvatures]
    step = exact_number(dt, "dt")
    return WeightDecayBounds(region.scheme, step, x_max, -min(kappas), x_max / step - max(kappas))


def cnn_curvatures(image, a, beta) -> np.ndarray:
    """The Hessian eigenvalues without weight decay of Sun et al.'s one-layer CNN ``f(I) = s[sum r(K * I)]``
    (Swish ``r(x) = x s(beta x)``, sigmoid ``s``, cross-entropy) linearised at ``K * I = 0`` with ``a = y_hat - y``
    held constant: ``r'(x) = 1/2 + beta x/2 + O(x^2)`` makes the gradient ``(a/2)(I_bar + beta (K * I) * I)``
    [SLYS, Thm 5.2, Eq 10], a convolution whose Fourier symbol per mode is ``a beta |I_hat(omega)|^2 / 2``
    [SLYS, Eq 13] (periodic image, kernel as large as the image: the paper's ``w -> infinity``; ``I_hat``
    unnormalised, ``numpy.fft.fft2``).  Feed them to :func:`weight_decay_bounds` for Thm 5.4's ``alpha_min``,
    ``alpha_max``.  Returns the array of the DFT grid's shape."""
    try:
        I = np.asarray(image, dtype=float)
    except (TypeError, ValueError):
        I = np.empty(0)
    if I.ndim != 2 or I.size == 0 or not np.all(np.isfinite(I)):
        raise ProblemError("the image is a non-empty 2-D array of finite numbers")
    a_, beta_ = (float(exact_number(v, name, floats="binary")) for v, name in ((a, "a"), (beta, "beta")))
    return a_ * beta_ * np.abs(np.fft.fft2(I)) ** 2 / 2


def nesterov_parameters(dt, damping) -> dict:
    """Sun et al.'s Nesterov scheme (Eqs 16-17, the semi-implicit discretisation of ``K'' + d K' = -grad L``
    with time step ``dt``) as bea's ``nesterov`` scheme: step ``h = 2 dt^2/(2 + d dt)`` and momentum ``beta =
    (2 - d dt)/(2 + d dt)``, exact (``{"h": ..., "beta": ...}``; pass ``beta`` to :func:`weight_decay_bounds`).
    References: [SLYS, Thm 5.5, App. E.1]."""
    t, d = exact_number(dt, "dt"), exact_number(damping, "the damping d")
    if not t > 0 or d < 0 or d * t >= 2:
        raise ProblemError(f"need dt > 0 and 0 <= d dt < 2 (momentum in [0, 1)), got dt = {dt}, d = {damping}")
    return {"h": 2 * t ** 2 / (2 + d * t), "beta": (2 - d * t) / (2 + d * t)}


def rel_l1(theta, other) -> float:
    """Sun et al.'s divergence measure ``RelL1 = (2/N) sum_i |t_i - t'_i| / (|t_i| + |t'_i|)`` (a term with
    ``t_i = t'_i = 0`` counts 0; at most 2) [SLYS, Sec 4]."""
    a, b = np.asarray(theta, dtype=float).ravel(), np.asarray(other, dtype=float).ravel()
    if a.shape != b.shape or a.size == 0:
        raise ProblemError("RelL1 compares two parameter vectors of one non-zero size")
    scale = np.abs(a) + np.abs(b)
    terms = np.divide(np.abs(a - b), scale, out=np.zeros_like(scale), where=scale > 0)
    return float(2 * terms.mean())


def dln_ratios(z, Theta, theta) -> tuple:
    """Wang & Roberts' App. C for the n-parameter network ``z(t_1 ... t_n)``: the ratios ``R_n(k) = |u_1 / u_k|``
    of the top Hessian eigenvector, ``k = 2 .. n``, exactly (the Hessian of ``z`` at ``theta``, :func:`bea.spectral`)
    and by their Eq 14, ``f(t_k)/f(t_1)`` with ``f(t) = |t| (lambda + z' Theta / t^2)`` (``lambda`` for their
    ``lambda_hat_1``, the sharpness): ``(exact, eq14)``, two tuples."""
    values = [exact_number(x, "theta", floats="binary") for x in theta]
    n = len(values)
    if n < 2:
        raise ProblemError("the network needs at least two parameters")
    symbols = sympy.symbols(f"w1:{n + 1}")
    loss = z.xreplace({Theta: sympy.Mul(*symbols)})
    s = spectral({"f": [-loss.diff(w) for w in symbols]}, {"theta": list(symbols)}, dict(zip(symbols, values)), 1)
    u = s.eigenvectors[:, 0]
    product = float(sympy.Mul(*values))
    z1 = float(z.diff(Theta).subs(Theta, sympy.Mul(*values)))
    lam = s.sharpness

    def f(t):
        return abs(t) * (lam + z1 * product / t ** 2)

    t = [float(v) for v in values]
    exact = tuple(float(abs(u[0] / u[k])) if u[k] != 0 else float("inf") for k in range(1, n))
    return exact, tuple(f(t[k]) / f(t[0]) for k in range(1, n))
