"""Spectral diagnostics of gradient descent at a point: what the principal flow says per eigendirection.

For a loss ``E`` (a field ``f = -grad E``; weight decay ``w`` adds ``w/2 |theta|^2`` to ``E``, so ``w`` to
every eigenvalue and ``-w theta`` to the field) with Hessian eigenpairs ``(lambda_i, u_i)`` at ``theta``
and gradient ``g = grad E``:

* the principal flow is ``sum_i alpha(h lambda_i) (g . u_i) u_i`` with
  ``alpha(z) = log(1 - z)/z`` [RWQD23, Def 3.1]; the **stability coefficient** of direction ``i`` is
  ``sc_i = alpha(h lambda_i) (g . u_i)`` [RWQD23, Def 3.4], the signs of ``u_i`` chosen so that
  ``g . u_i >= 0``;
* the **regimes** of [RWQD23, Sec 3.1]: ``ngf-unstable`` (``lambda < 0``: the NGF itself moves away),
  ``monotone`` (``0 < h lambda < 1``: real ``alpha < 0``), ``oscillating`` (``1 < h lambda < 2``: complex
  ``alpha`` with negative real part), ``divergent`` (``h lambda > 2``: positive real part); the
  boundaries are named ``flat`` (``lambda = 0``), ``singular`` (``h lambda = 1``: the PF does not exist,
  ``log 0``) and ``edge-of-stability`` (``h lambda = 2``) and are decided exactly;
* the **sharpness** ``lambda_max`` and its gradient ``D^3 E(u, u)`` for a simple top eigenvalue
  [DNL23, Lemma 2]; the **progressive sharpening** ``-g . grad lambda_max`` (the rate of change of the
  sharpness along the NGF);
* the **third-order non-principal term** of the modified field, ``-(h^2/12) D^3 E(g, g)`` [RWQD23,
  Def 3.3, Eq 14], split into its diagonal part ``-(h^2/12) sum_i (g . u_i)^2 grad lambda_i`` and the
  rest [Ros23, Eqs 3.17-3.18];
* the **drift-adjusted learning rate** ``DAL-p = 2 / |Hess E g_hat|^p``, ``g_hat = g/|g|`` [RWQD23,
  Eqs 18-19].

:func:`diagnostics` computes all of it from eigenpairs and two contractions, so concrete problems
(:func:`spectral`, exact Hessians, eigenpairs at 50 digits) and models (:mod:`bea.models.spectral`,
Hessian-vector products and Lanczos) share one implementation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable

import mpmath
import numpy as np
import sympy

from ..concrete.problem import Problem
from ..errors import BeaError, ProblemError
from ..exact import exact_number
from ..printable import Printable

__all__ = ["spectral", "diagnostics", "Spectral", "ThirdOrder", "REGIMES", "BOUNDARIES", "regime", "gradient_problem",
           "loss_fields"]

REGIMES = ("ngf-unstable", "monotone", "oscillating", "divergent")
#: the boundaries between the regimes, by the value of h lambda
BOUNDARIES = {0: "flat", 1: "singular", 2: "edge-of-stability"}
_DIGITS = 50


def regime(h_lambda: float, boundary: str | None = None) -> str:
    """The regime of a direction with ``h lambda`` (``boundary``: the exact verdict that it lies on one)."""
    if boundary is not None:
        return boundary
    if h_lambda < 0:
        return "ngf-unstable"
    return "monotone" if h_lambda < 1 else "oscillating" if h_lambda < 2 else "divergent"


def alpha_pf(h_lambda) -> np.ndarray:
    """``alpha_PF(z) = log(1 - z)/z`` elementwise (principal branch; ``-1`` at ``z = 0``; ``-inf`` at ``z = 1``)."""
    from .matrix_functions import phi_values

    z = np.asarray(h_lambda, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        values = -phi_values((-z).astype(complex))      # 1 - z with imaginary part +0: log(1 - z) = log|1 - z| + i pi
    return np.where(z == 1, complex(-np.inf, 0), values)


@dataclass(frozen=True)
class ThirdOrder:
    """The ``h^2`` non-principal term ``-(h^2/12) D^3 E(g, g)`` of the modified field: ``total``, its
    ``diagonal`` part ``-(h^2/12) sum_i (g . u_i)^2 grad lambda_i`` and the ``cross`` part (the rest)."""

    total: np.ndarray
    diagonal: np.ndarray
    cross: np.ndarray


@dataclass(frozen=True)
class Spectral(Printable):
    """Spectral diagnostics at a point (module docstring).  Arrays are NumPy float64 (complex for the
    stability coefficients); ``eigenvectors[:, i]`` belongs to ``eigenvalues[i]`` (descending).
    ``complete`` is False when only the top ``k`` eigenpairs are known (models): the diagonal part of
    the third-order term then runs over those."""

    h: float
    weight_decay: float
    gradient: np.ndarray
    eigenvalues: np.ndarray
    eigenvectors: np.ndarray
    boundaries: tuple                      # per eigenvalue: None or the name of the boundary it lies on
    hessian_gradient: np.ndarray           # Hess E g
    sharpness_gradient: np.ndarray | None  # D^3 E(u_0, u_0); None when lambda_max is repeated
    third_order: ThirdOrder
    complete: bool = True
    at: dict = field(default_factory=dict)
    notes: tuple = ()
    _constraint: Callable | None = field(default=None, repr=False, compare=False)   # computes constraint_gradient

    @cached_property
    def constraint_gradient(self) -> np.ndarray | None:
        """``grad (g . u_0)`` (:func:`constraint_gradient`), computed when first asked for (on models it is a
        MINRES solve); None when ``lambda_max`` is repeated."""
        return None if self._constraint is None else self._constraint()

    @property
    def stability_coefficients(self) -> np.ndarray:
        """``sc_i = log(1 - h lambda_i)/(h lambda_i) (g . u_i)`` [RWQD23, Def 3.4]."""
        alpha, dots = alpha_pf(self.h * self.eigenvalues), self.eigenvectors.T @ self.gradient
        return np.array([complex(-np.inf, 0) if np.isinf(a.real) and d > 0 else complex("nan") if np.isinf(a.real)
                         else a * d for a, d in zip(alpha, dots)])

    @property
    def pf_exponents(self) -> np.ndarray:
        """``log(1 - h lambda_i)/h``: the principal flow's rate per direction, the eigenvalues of its Jacobian
        at a critical point [RWQD23, Eq 16] (complex for ``h lambda > 1``; the iterates are ``(1 - h lambda)^k``)."""
        alpha = alpha_pf(self.h * self.eigenvalues)
        with np.errstate(divide="ignore", invalid="ignore"):
            rates = alpha * self.eigenvalues
        # at h lambda = 1 the step map is singular: the rate is -inf (complex infinity times lambda is no number)
        return np.where(np.isinf(alpha.real), complex(-np.inf, 0), rates)

    @property
    def regimes(self) -> list[str]:
        """Per direction: ``ngf-unstable``, ``monotone``, ``oscillating``, ``divergent`` or a boundary."""
        return [regime(self.h * lam, b) for lam, b in zip(self.eigenvalues, self.boundaries)]

    @property
    def sharpness(self) -> float:
        """``lambda_max``, the largest eigenvalue of the Hessian."""
        return float(self.eigenvalues[0])

    @property
    def progressive_sharpening(self) -> float | None:
        """``-g . grad lambda_max``: how fast the sharpness grows along the NGF (None: ``lambda_max`` repeated)."""
        return None if self.sharpness_gradient is None else float(-self.gradient @ self.sharpness_gradient)

    @property
    def taylor_optimal_step(self) -> float:
        """``1 / (g_hat^T Hess E g_hat)``: the step minimising the quadratic Taylor model of ``E`` along ``-g``
        [Ros23, Eq A.171] (to compare with DAL)."""
        norm = float(np.linalg.norm(self.gradient))
        curvature = float(self.gradient @ self.hessian_gradient) / norm ** 2 if norm else 0.0
        if curvature <= 0:
            raise ProblemError("g^T Hess E g <= 0 at the point: the quadratic model has no minimising step")
        return 1 / curvature

    def dal_momentum(self, beta: float, p: float = 1, constant: float | None = None) -> float:
        """DAL for heavy ball (TMLR Eq 21): ``c / |Hess E g_hat|^p``.  The signal-to-noise argument of Eq 18
        applied to heavy ball (update ``h |g|/(1 - beta)``, drift ``h^2 |Hess E g| / (2 (1 - beta)^2)``,
        [Ros23, Eq A.161]) gives ``c = 2 (1 - beta)``, the default; the paper prints ``c = 1/2``."""
        if isinstance(beta, bool) or not isinstance(beta, (int, float)) or not 0 <= beta < 1:
            raise BeaError(f"beta must lie in [0, 1), got {beta!r}")
        c = 2 * (1 - beta) if constant is None else constant
        if isinstance(c, bool) or not isinstance(c, (int, float)) or not c > 0:
            raise BeaError(f"the constant must be a positive number, got {constant!r}")
        return c * self.dal(p) / 2

    def dal(self, p: float = 1) -> float:
        """The drift-adjusted learning rate ``2 / |Hess E g_hat|^p`` [RWQD23, Eqs 18-19] (``p = 1``: DAL)."""
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not np.isfinite(p) or p <= 0:
            raise BeaError(f"the power p of DAL-p must be a positive number, got {p!r}")
        norm = float(np.linalg.norm(self.gradient))
        if norm == 0:
            raise ProblemError("the gradient is zero at the point: the drift-adjusted learning rate is not defined")
        drift = float(np.linalg.norm(self.hessian_gradient)) / norm
        if drift == 0:
            raise ProblemError("Hess E g is zero at the point (no drift): the drift-adjusted learning rate is infinite")
        exponent = np.log(2) - p * np.log(drift)
        if not -745 < exponent < 709:
            raise ProblemError(f"the drift-adjusted learning rate 2/|Hess E g_hat|^p = e^{exponent:.4g} is outside "
                               "the range of float64")
        return float(np.exp(exponent))


def diagnostics(h, weight_decay, gradient, eigenvalues, eigenvectors, hessian_times: Callable, third: Callable,
                boundaries=None, complete: bool = True, at=None) -> Spectral:
    """The :class:`Spectral` result from eigenpairs ``(eigenvalues, eigenvectors)`` of ``Hess E`` (any
    order; sorted here, signs fixed so that ``g . u_i >= 0``), the gradient ``g``, ``hessian_times(v) =
    Hess E v`` and ``third(a, b) = D^3 E(a, b)`` (weight decay already in all of them).  Values that
    overflow float64 are refused (:class:`bea.ProblemError`), never returned as infinities."""
    with np.errstate(all="ignore"):          # overflow is refused below, by name, not warned about
        return _diagnostics(h, weight_decay, gradient, eigenvalues, eigenvectors, hessian_times, third, boundaries,
                            complete, at)


def _diagnostics(h, weight_decay, gradient, eigenvalues, eigenvectors, hessian_times: Callable, third: Callable,
                 boundaries, complete: bool, at) -> Spectral:
    order = np.argsort(-np.asarray(eigenvalues, dtype=float), kind="stable")
    lam = np.asarray(eigenvalues, dtype=float)[order]
    u = np.array(np.asarray(eigenvectors, dtype=float)[:, order])
    g = np.asarray(gradient, dtype=float)
    bounds = tuple(np.asarray(boundaries, dtype=object)[order]) if boundaries is not None else (None,) * len(lam)
    for i in range(u.shape[1]):
        dot = u[:, i] @ g
        if dot < 0 or (dot == 0 and u[np.argmax(np.abs(u[:, i])), i] < 0):
            u[:, i] = -u[:, i]
    scale = max(1.0, float(np.max(np.abs(lam)))) if len(lam) else 1.0
    notes = []
    if len(lam) > 1 and abs(lam[0] - lam[1]) <= 1e-10 * scale:
        top, notes = None, ["the largest eigenvalue is repeated: its gradient (and progressive sharpening) is not defined"]
    else:
        top = np.asarray(third(u[:, 0], u[:, 0]), dtype=float)
    factor = -h * h / 12
    total = factor * np.asarray(third(g, g), dtype=float)
    diagonal = np.zeros_like(g)
    for i in range(u.shape[1]):
        weight = (g @ u[:, i]) ** 2
        if weight:
            diagonal = diagonal + factor * weight * np.asarray(third(u[:, i], u[:, i]), dtype=float)
    if not complete:
        notes.append("only the top eigenpairs are known: the diagonal part of the third-order term runs over them")
    hg = np.asarray(hessian_times(g), dtype=float)
    parts = [g, lam, u, hg, total, diagonal] + ([] if top is None else [top])
    if not all(np.all(np.isfinite(p)) for p in parts):
        raise ProblemError("the gradient, the Hessian or the third derivatives overflow float64 at the point "
                           "(or are undefined there): the diagnostics would not be numbers")
    return Spectral(float(h), float(weight_decay), g, lam, u, bounds, hg, top,
                    ThirdOrder(total, diagonal, total - diagonal), complete, dict(at or {}), tuple(notes),
                    None if top is None else lambda: constraint_gradient(lam, u, g, hessian_times, third, complete))


def constraint_gradient(lam, u, g, hessian_times: Callable, third: Callable, complete: bool) -> np.ndarray:
    """``grad (g . u_0)``: the gradient of the alignment ``g . u_0`` of the gradient with the top eigenvector,
    the second constraint of [DNL23]'s stable set.  First-order eigenvector perturbation
    (``du_0 = (lambda_0 - H)^+ dH u_0``) gives

        grad (g . u_0) = lambda_0 u_0 + D^3 E(u_0, w),      w = (lambda_0 I - H)^+ g,

    with ``w`` from the eigenpairs when they are ``complete``, else by MINRES on ``u_0``'s complement from
    Hessian-vector products (an error when it does not converge, or when the result overflows).
    References: [DNL23, Sec 3], [Kato, Perturbation theory for linear operators, Ch. II]."""
    u0 = u[:, 0]
    if complete:
        rest = u[:, 1:]
        w = rest @ ((rest.T @ g) / (lam[0] - lam[1:]))
    else:
        from scipy.sparse.linalg import LinearOperator, minres

        def project(v):
            return v - (u0 @ v) * u0

        n = g.shape[0]
        shifted = LinearOperator((n, n), matvec=lambda v: project(lam[0] * project(v) - hessian_times(project(v))),
                                 dtype=float)
        w, info = minres(shifted, project(g), rtol=1e-12, maxiter=10 * n)
        if info != 0:
            raise ProblemError("the alignment's gradient: (lambda_0 - H)^+ g did not converge by MINRES")
        w = project(w)
    with np.errstate(all="ignore"):
        out = lam[0] * u0 + np.asarray(third(u0, w), dtype=float)
    if not np.all(np.isfinite(out)):
        raise ProblemError("the alignment's gradient overflows float64 at the point")
    return out


def spectral(fields, variables, at, h, weight_decay=0) -> Spectral:
    """Spectral diagnostics of gradient descent on a concrete problem at the point ``at``.

    Parameters
    ----------
    fields, variables
        one block, one field, as for :meth:`bea.ModifiedFlow.lambdify`:
        ``{"f": [expr, ...]}`` with ``f = -grad E`` (its Jacobian must be symmetric) and
        ``{"theta": [symbol, ...]}``.
    at
        ``{variable: value}`` for every variable (exact; floats read as decimals).
    h
        the step size; weight_decay: ``w >= 0`` (``E + w/2 |theta|^2``).

    Returns
    -------
    Spectral
        :class:`Spectral`.  The Hessian and third derivatives are exact at the point; eigenpairs are
        computed at 50 digits and returned as float64; boundaries of the regimes are decided exactly.

    >>> import sympy
    >>> x, y = sympy.symbols("x y")
    >>> s = spectral({"f": [-(3 * x), -(y / 2)]}, {"theta": [x, y]}, {x: 1, y: 1}, "1/2")   # E = 3x^2/2 + y^2/4
    >>> s.eigenvalues.tolist(), s.regimes
    ([3.0, 0.5], ['oscillating', 'monotone'])

    References: [RWQD23, Defs 3.1 and 3.4, Sec 3.1, Eqs 14, 18-19], [DNL23, Lemma 2], [Ros23, Eqs 3.17-3.18].
    """
    problem, exprs, point, step = gradient_problem(fields, variables, at, h, "spectral diagnostics")
    decay = exact_number(weight_decay, "the weight decay")
    if decay < 0:
        raise ProblemError(f"the weight decay must be >= 0, got {weight_decay!r}")
    state = problem.state
    jacobian = sympy.Matrix(exprs).jacobian(state)
    n = len(state)
    hessian = -jacobian.xreplace(point) + decay * sympy.eye(n)
    if any(v.has(sympy.zoo, sympy.nan, sympy.oo) for v in hessian):
        raise ProblemError("the field's Jacobian is infinite or undefined at the point")
    if (hessian - hessian.T).applyfunc(sympy.simplify) != sympy.zeros(n, n):
        raise ProblemError("the field is not a gradient at the point (its Jacobian is not symmetric): "
                           "spectral diagnostics need f = -grad E")
    gradient = [-e.xreplace(point) + decay * point[v] for e, v in zip(exprs, state)]
    derivatives = [(-jacobian.diff(v)).xreplace(point) for v in state]        # d/dtheta_k of Hess E
    with mpmath.workdps(_DIGITS):
        H = mpmath.matrix([[mpmath.mpf(sympy.Rational(x).p) / sympy.Rational(x).q if x.is_Rational else
                            mpmath.mpf(str(sympy.N(x, _DIGITS))) for x in row] for row in hessian.tolist()])
        values, vectors = mpmath.eigsy(H)
        lam = np.array([float(v) for v in values])
        u = np.array([[float(vectors[i, j]) for j in range(n)] for i in range(n)])
    T = [np.array(d.evalf(20).tolist(), dtype=float) for d in derivatives]
    Hf = np.array(hessian.evalf(20).tolist(), dtype=float)
    g = np.array([float(sympy.N(x, 20)) for x in gradient])
    boundaries = [_boundary(hessian, step, value) for value in lam]
    return diagnostics(float(step), float(decay), g, lam, u, lambda v: Hf @ v,
                       lambda a, b: np.array([a @ Tk @ b for Tk in T]), boundaries,
                       at={str(k): v for k, v in point.items()})


def gradient_problem(fields, variables, at, h, what: str):
    """``(problem, f's expressions, point, h)`` of a one-block, one-field problem at a point, checked: every
    variable given, ``h > 0``, no symbol in ``f`` but the variables (``what`` names the tool in errors)."""
    problem, exprs = field_problem(fields, variables, what)
    step = exact_number(h, "the step size h")
    if not step > 0:
        raise ProblemError(f"the step size h must be positive, got {h!r}")
    return problem, exprs, problem.point(at, complete=True), step


def field_problem(fields, variables, what: str):
    """``(problem, f's expressions)`` of a one-block, one-field problem, checked: no symbol in ``f`` but the
    variables (``what`` names the tool in errors)."""
    if not isinstance(fields, dict) or len(fields) != 1 or not isinstance(variables, dict) or len(variables) != 1:
        raise ProblemError(f"{what}: one block and one field are needed, {{'f': [...]}}, {{'theta': [...]}}")
    (label,), (block,) = fields, variables
    problem = Problem({block: (label,)}, fields, variables)
    exprs = problem.fields[label]
    stray = sorted(set().union(*(e.free_symbols for e in exprs)) - set(problem.state), key=str)
    if stray:
        raise ProblemError(f"field {label} has the symbol {stray[0]}, which is not a variable: give it a value")
    return problem, exprs


def loss_fields(loss, variables, what: str) -> tuple:
    """``(block, state, E, {"f": -grad E})`` for a loss ``E`` (a SymPy expression, never text) on one block
    (variables as symbols or names), checked: no symbol in the loss but the variables."""
    if not isinstance(variables, dict) or len(variables) != 1:
        raise ProblemError(f"{what}: one block is needed, {{'theta': [symbol, ...]}}")
    (block,) = variables
    state = Problem({block: ()}, {}, variables).state
    try:
        E = None if isinstance(loss, str) else sympy.sympify(loss, strict=True)
    except (sympy.SympifyError, TypeError):
        E = None
    if not isinstance(E, sympy.Expr):
        raise ProblemError("the loss is a SymPy expression in the variables")
    stray = sorted(E.free_symbols - set(state), key=str)
    if stray:
        raise ProblemError(f"the loss has the symbol {stray[0]}, which is not a variable: give it a value")
    return block, state, E, {"f": [-E.diff(v) for v in state]}


def _boundary(hessian: sympy.Matrix, h, value: float) -> str | None:
    """The boundary ``h lambda in {0, 1, 2}`` an eigenvalue near it lies on exactly (``det(Hess - b/h) = 0``)."""
    for k, name in BOUNDARIES.items():
        if abs(float(h) * value - k) < 1e-9 * max(1.0, abs(float(h) * value)):
            b = sympy.Rational(k) / h
            if (hessian - b * sympy.eye(hessian.rows)).det() == 0:
                return name
    return None
