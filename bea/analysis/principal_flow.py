"""The principal flow (PF): the principal terms of the modified field summed to all orders.

On an affine problem ``F_l(z) = F_l(y) + A_l (z - y)`` every elementary differential with
a node of two or more children vanishes: only the chains (the principal terms, TMLR
Thm 3.1) survive.  One step of any scheme is then an affine map ``z -> y + M (z - y) + c``
and the modified field is its exact generator: with ``T`` the scheme's step time,

    PF(y) = (1/T) phi(M - I) c,        phi(z) = log(1 + z) / z,

the last column of ``(1/T) log [[M, c], [0, 1]]`` (the log of the augmented affine map).
The PF of a non-linear problem linearises at the current point ``y``.

* Gradient descent, ``f = -grad E``: ``M - I = -h Hess E``, ``c = h f`` and
  ``PF = sum_i log(1 - h lambda_i)/(h lambda_i) (grad E . u_i) u_i`` (TMLR Def 3.1, Eq 12).
* Simultaneous two-player updates with rates ``V``: ``M - I = -h H`` with ``H = -V J`` and
  ``PF = psi(h H) V F``, ``psi(z) = -log(1 - z)/z`` (thesis Def 4.8.1 without inverting ``J``).
* Alternating updates: ``M`` is the product of the two players' maps (any scheme works).

``phi`` is entire apart from the branch point ``z = -1`` (``h lambda = 1``: ``M`` is
singular and the flow does not exist) and ``phi(0) = 1`` is a removable singularity.
The logarithm is the principal one: ``log(1 - h lambda) = log(h lambda - 1) + i pi`` for
``h lambda > 1``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from functools import cached_property
from typing import Sequence

import mpmath
import numpy as np
import sympy

from ..concrete.problem import Problem
from ..errors import BeaError, ParameterError, SchemeError
from ..exact import exact_number, mp_number
from ..progress import progress_for
from ..schemes.program import linearised_step, run_numerically, uses_previous_iterates
from ..schemes.builtins import definition_of, make_scheme
from ..schemes.params import NUMERIC_DEFAULTS

__all__ = ["principal_flow", "PrincipalFlow", "SingularFlowError", "METHODS", "phi_derivative"]

METHODS = ("jordan", "schur", "eig")

_Z = sympy.Symbol("z")


class SingularFlowError(BeaError):
    """``h lambda = 1`` for an eigenvalue: ``log(I - h H)`` does not exist."""


def principal_flow(fields, variables, h, method: str = "jordan", learning_rates=None, *,
                   scheme: str | None = None, time: str = "same", nonprincipal: int | None = None,
                   progress=False, **params) -> "PrincipalFlow":
    """The PF of ``scheme`` (default: gradient descent for one block, simultaneous updates for two).

    ``learning_rates=(v_phi, v_theta)`` sets the players' rates under the same-physical-time
    convention.  ``nonprincipal=p`` adds the non-principal terms of the modified field up to
    order ``p`` (``p = 3``: TMLR Def 3.3).  ``method``: ``jordan`` (exact, SymPy's Jordan form,
    works for defective and singular Jacobians), ``schur`` (``scipy.linalg.logm`` of the
    augmented map), ``eig`` (eigendecomposition, the logarithm continued along trajectories).
    """
    if method not in METHODS:
        raise ParameterError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    if scheme is None:
        scheme = "euler" if len(variables) == 1 else "simultaneous"
    if learning_rates is not None:
        if len(learning_rates) != 2:
            raise ParameterError("learning_rates must be a pair (v_phi, v_theta)")
        params = {**params, "v_phi": learning_rates[0], "v_theta": learning_rates[1]}
    definition = definition_of(scheme, len(variables))
    params = {**{k: v for k, v in NUMERIC_DEFAULTS.items() if k in definition.params}, **params}
    machine = make_scheme(definition, time=time, **params)
    if uses_previous_iterates(machine):
        raise SchemeError(f"the principal flow is defined for one-step maps; {machine.name!r} carries past iterates")
    times = set(machine.times.values())
    if len(times) != 1:
        raise ParameterError("the principal flow needs one time for all blocks; use time='same' or equal rates")
    step = exact_number(h, "the step size h")
    if not step > 0:
        raise ParameterError(f"the step size h must be a positive number, got {h!r}")
    extra = None
    if nonprincipal is not None:
        from ..engine.derive import derive

        full = derive(definition, nonprincipal, time=time, **machine.params)
        extra = [t for t in full.terms if not t.tree.is_chain]
    return PrincipalFlow(machine, Problem(machine.blocks, fields, variables), step, step * times.pop(), method, extra,
                         progress)


@dataclass
class PrincipalFlow:
    """``PF(y) = (1/T) phi(M_y - I) c_y`` for the affine one-step map ``(M_y, c_y)`` of the problem linearised at ``y``."""

    scheme: object
    problem: Problem
    h: sympy.Rational
    T: sympy.Rational
    method: str
    nonprincipal_terms: list | None = None
    progress: object = field(default=None, repr=False)

    def __post_init__(self):
        self.progress = progress_for(self.progress or False, "pf")
        self._T, self._h = complex(self.T), complex(self.h)

    # -- the linearised problem -------------------------------------------------------
    @cached_property
    def _jacobians(self) -> dict:
        """Exact ``A_l = dF_l/dy`` (rows of the block of ``l``, columns of the whole state)."""
        return {label: sympy.Matrix(exprs).jacobian(self.problem.state) for label, exprs in self.problem.fields.items()}

    @cached_property
    def _numeric(self):
        """NumPy callables ``F_l(y)`` and ``A_l(y)``."""
        state = self.problem.state
        return {label: (sympy.lambdify([state], exprs, "numpy"), sympy.lambdify([state], self._jacobians[label], "numpy"))
                for label, exprs in self.problem.fields.items()}

    @cached_property
    def constant_jacobian(self) -> bool:
        """True when the fields are affine (the PF is then exact for every ``y``)."""
        state = set(self.problem.state)
        return all(not (A.free_symbols & state) for A in self._jacobians.values())

    def affine_map(self, y, exact: bool = False, h=None):
        """``(M, c)``: one step of the scheme on the problem linearised at ``y``, as ``delta -> M delta + c``.

        The scheme's update function runs on linear forms in ``(delta, 1)``, so it is the scheme's own
        step (alternating: the product of the players' maps).  ``exact=True`` computes in
        SymPy, where ``h`` may also be a symbol.
        """
        n = len(self.problem.state)
        if exact:
            point = {v: _exact_number(x) for v, x in zip(self.problem.state, y)}
            values = {label: ([e.xreplace(point) for e in exprs], self._jacobians[label].xreplace(point))
                      for label, exprs in self.problem.fields.items()}
            step = self.h if h is None else h
        else:
            y = self._state(y)
            values = {label: (np.asarray(F(y), dtype=complex).reshape(-1), np.asarray(A(y), dtype=complex))
                      for label, (F, A) in self._numeric.items()}
            step = self._h
        (M,), c = linearised_step(self.scheme, self.problem.slices, values, n, step, exact)
        return (sympy.Matrix(M.tolist()), sympy.Matrix(c.tolist())) if exact else (M, c)

    def _state(self, y) -> np.ndarray:
        """``y`` as a complex vector of the state's size, or a clear error."""
        try:
            y = np.asarray(y, dtype=complex)
        except (TypeError, ValueError):
            raise ParameterError(f"the state must be a vector of {len(self.problem.state)} numbers, got {y!r}") from None
        if y.shape != (len(self.problem.state),):
            raise ParameterError(f"the state must be a vector of {len(self.problem.state)} numbers "
                                 f"({', '.join(map(str, self.problem.state))}), got shape {y.shape}")
        if not np.all(np.isfinite(y)):
            raise ParameterError("the state has a NaN or infinite entry")
        return y

    # -- the field ----------------------------------------------------------------------
    def field(self, y, _branch=None) -> np.ndarray:
        """The PF vector field at the state ``y`` (complex NumPy vector).

        ``_branch`` (used by :meth:`trajectory`) carries the eigenvalues of the step map and the
        logarithms taken at a nearby earlier point; every method continues each eigenvalue's
        logarithm from there instead of jumping across the principal cut.
        """
        y = self._state(y)
        if self.method == "jordan":
            value = self._jordan(y, _branch)
        elif self.method == "schur":
            value = self._schur(y, _branch)
        else:
            value = self._eig(y, _branch)
        if self.nonprincipal_terms:
            value = value + self._nonprincipal(y, self._h)
        return value

    __call__ = field

    def _jordan(self, y, branch=None) -> np.ndarray:
        """``(1/T) phi(N) c`` with ``phi`` applied exactly on the Jordan blocks of ``N = M - I``,
        each eigenvalue's logarithm on the branch continued from ``branch``.

        For affine fields ``N`` does not depend on ``y``: ``phi(N)`` is computed once, exactly.
        """
        if self.constant_jacobian:
            _, c = self.affine_map(y)
            return self._constant_phi @ c / self._T
        M, c = self.affine_map(y, exact=True)
        N = M - sympy.eye(M.rows)
        P, J = N.jordan_form()
        lam = [J[i, i] for i in range(J.rows)]
        mu = np.array([complex(sympy.N(1 + x, 20)) for x in lam])
        _check_regular(mu)
        logs = _continued_log(mu, branch)
        turns = {x: int(round((log - np.log(m)).imag / (2 * np.pi))) for x, m, log in zip(lam, mu, logs)}
        if branch is not None:
            branch[:] = list(zip(mu, logs))
        F = jordan_blocks(J, lambda j, x: phi_derivative(j, x, turns[x]))
        with mpmath.workdps(30):                   # P F P^-1 c in 30 digits: exact P, F, c evaluated once
            P_, F_, c_ = (mpmath.matrix([[mp_number(x, 30) for x in row] for row in A.tolist()]) for A in (P, F, c))
            value = P_ * (F_ * mpmath.lu_solve(P_, c_))
            return np.array([complex(x) for x in value]) / self._T

    @cached_property
    def _constant_phi(self) -> np.ndarray:
        M, _ = self.affine_map([0] * len(self.problem.state), exact=True)
        Phi = jordan_function(M - sympy.eye(M.rows), phi_derivative)
        return np.array([[complex(sympy.N(x, 20)) for x in row] for row in Phi.tolist()])

    def _schur(self, y, branch=None) -> np.ndarray:
        """The last column of ``(1/T) log [[M, c], [0, 1]]`` by Schur-Pade (``scipy.linalg.logm``),
        on the branch continued from ``branch`` and with its backward error checked (:func:`_log_column`).

        For affine fields ``M`` is constant and the column is linear in ``c``: the top-right
        block of ``log [[M, I], [0, I]]`` is ``phi(M - I)``, computed once.
        """
        M, c = self.affine_map(y)
        if self.constant_jacobian:
            return self._schur_phi @ c / self._T
        mu = np.linalg.eigvals(M)
        _check_regular(mu)
        logs = _continued_log(mu, branch)
        if branch is not None:
            branch[:] = list(zip(mu, logs))
        return _log_column(M, c[:, None], logs.imag)[:, 0] / self._T

    @cached_property
    def _schur_phi(self) -> np.ndarray:
        M, _ = self.affine_map(np.zeros(len(self.problem.state)))
        mu = np.linalg.eigvals(M)
        _check_regular(mu)
        return _log_column(M, np.eye(len(M), dtype=complex), _continued_log(mu, None).imag)

    def _eig(self, y, branch=None) -> np.ndarray:
        """``(1/T) V phi(nu) V^-1 c`` from the eigendecomposition of ``N = M - I`` (TMLR Def 3.1).

        ``branch`` carries the logarithms used at a nearby earlier point; each eigenvalue's
        logarithm is continued from there instead of jumping across the principal cut.
        """
        M, c = self.affine_map(y)
        nu, V = np.linalg.eig(M - np.eye(len(c)))
        _check_regular(1 + nu)
        logs = _continued_log(1 + nu, branch)
        if branch is not None:
            branch[:] = list(zip(1 + nu, logs))
        log_M = V @ np.diag(logs) @ np.linalg.inv(V)
        from scipy.linalg import expm

        if _backward_error(expm(log_M), M) > _BACKWARD_ERROR:    # a (nearly) defective M: V is ill-conditioned
            return _log_column(M, c[:, None], logs.imag)[:, 0] / self._T
        small = np.abs(nu) < 1e-8
        ratio = np.where(small, 1 - nu / 2 + nu**2 / 3, logs / np.where(small, 1, nu))
        return V @ (ratio * np.linalg.solve(V, c)) / self._T

    @cached_property
    def _nonprincipal(self):
        from ..concrete.codegen import staged_field

        return staged_field(self.nonprincipal_terms, self.problem)

    # -- stability at critical points (TMLR Eq 16, thesis Sec 4.8.1) -----------------------
    def eigenvalues(self, y) -> np.ndarray:
        """Eigenvalues ``(1/T) log mu_k`` of the PF Jacobian ``(1/T) log M`` at a critical point ``y``."""
        M, _ = self.affine_map(y)
        mu = np.linalg.eigvals(M)
        _check_regular(mu)
        return _continued_log(mu, None) / self._T

    def converges(self, y) -> bool:
        """All ``Re (1/T) log mu_k < 0``, i.e. ``|mu_k| < 1`` (thesis Eq 4.74, Mescheder et al. Lemma 4)."""
        return bool(np.all(self.eigenvalues(y).real < 0))

    # -- following the flow ---------------------------------------------------------------
    def iterates(self, y0, steps: int) -> np.ndarray:
        """The scheme's own discrete iterates ``y_0, ..., y_steps`` (for comparison with :meth:`trajectory`)."""
        if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
            raise ParameterError(f"steps must be an integer >= 0, got {steps!r}")
        slices = self.problem.slices
        out = [self._state(y0).real]
        for _ in range(steps):
            state = run_numerically(self.scheme, list(out[-1]), float(self.h), slices,
                                    lambda label, z: np.asarray(self._numeric[label][0](np.array(z)), dtype=float).reshape(-1))
            out.append(np.array(state, dtype=float))
        return np.array(out)

    def trajectory(self, y0, steps: int, substeps: int = 4) -> np.ndarray:
        """States at times ``0, T, 2T, ..., steps T`` of the PF started at ``y0``.

        Gragg-Bulirsch-Stoer extrapolation (order 16) on ``substeps`` macro-steps per ``T``.
        With ``method="eig"`` the logarithm of every eigenvalue is continued from the start
        of each macro-step, so a complex PF never flips between the branches of the log.
        """
        if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
            raise ParameterError(f"steps must be an integer >= 0, got {steps!r}")
        if isinstance(substeps, bool) or not isinstance(substeps, int) or substeps < 1:
            raise ParameterError(f"substeps must be an integer >= 1, got {substeps!r}")
        y = self._state(y0)
        branch: list = []
        self.field(y, branch)
        out = [y]
        H = self._T / substeps
        for _ in self.progress.each(range(steps), f"{self.method} PF, step"):
            for _ in range(substeps):
                memory = list(branch)
                y = _gbs_step(lambda z: self.field(z, list(memory)), y, H)
                self.field(y, branch)
            out.append(y)
        return np.array(out)

    def __repr__(self) -> str:
        extra = f", non-principal terms to order {len({t.power for t in self.nonprincipal_terms}) + 1}" if self.nonprincipal_terms else ""
        return (f"<PrincipalFlow of {self.scheme.name} on {len(self.problem.state)} variables, h = {self.h}, "
                f"T = {self.T}, method={self.method}{extra}>")

    def to_latex(self) -> str:
        """The definition: ``(1/T) phi(M_y - I) c_y``, ``phi(z) = log(1+z)/z``, with the step's data."""
        head = r"\mathrm{PF}(y) = \frac{1}{T}\, \varphi(M_y - I)\, c_y, \quad \varphi(z) = \frac{\log(1+z)}{z}"
        return (head + rf", \quad T = {sympy.latex(self.T)},\ h = {sympy.latex(self.h)} "
                rf"\quad \text{{({self.scheme.name}, {self.method})}}")

    def _repr_latex_(self) -> str:
        return f"${self.to_latex()}$"


def _exact_number(x):
    """A coordinate of a numerical state, exactly (floats are data here: their binary value)."""
    if isinstance(x, (complex, np.complexfloating)):
        return exact_number(x.real, floats="binary") + sympy.I * exact_number(x.imag, floats="binary")
    return exact_number(x, "a coordinate of the state", floats="binary")


_BACKWARD_ERROR = 1e-10


def _log_column(M: np.ndarray, C: np.ndarray, arguments) -> np.ndarray:
    """``phi(M - I) C``: the top-right block of ``log A``, ``A = [[M, C], [0, I]]``, on a chosen branch.

    ``arguments`` are the imaginary parts wanted for the logarithms of ``M``'s eigenvalues (the
    branch continued along a trajectory).  ``log A = logm(e^{-i b} A) + i b I`` for a rotation ``b``
    that puts every wanted argument (and ``0``, for the block ``I``) strictly inside
    ``(b - pi, b + pi)``: the principal logarithm of the rotated matrix is then that branch.  The
    backward error ``|expm(log A) - A| / |A|`` is measured; above ``1e-10`` (SciPy's ``logm`` is not
    reliable on defective complex input) the logarithm is recomputed in 50-digit arithmetic
    (``mpmath.logm``) and checked again (Higham, *Functions of Matrices*, 2008, Sec 11.5).
    """
    from scipy.linalg import expm, logm

    _check_regular(np.linalg.eigvals(M))
    n, k = C.shape
    A = np.zeros((n + k, n + k), dtype=complex)
    A[:n, :n], A[:n, n:], A[n:, n:] = M, C, np.eye(k)
    wanted = np.concatenate([np.asarray(arguments, dtype=float), [0.0]])
    if wanted.max() - wanted.min() >= 2 * np.pi - 1e-6:
        raise SingularFlowError("the continued logarithms of the step map's eigenvalues spread over more than 2 pi; "
                                "use method='eig'")
    b = (wanted.max() + wanted.min()) / 2
    rotated = np.exp(-1j * b) * A
    X = logm(rotated) + 1j * b * np.eye(n + k)
    if _backward_error(expm(X), A) > _BACKWARD_ERROR:
        X = _mp_logm(rotated) + 1j * b * np.eye(n + k)
        error = _backward_error(expm(X), A)
        if error > _BACKWARD_ERROR:
            raise SingularFlowError(f"the matrix logarithm of the step map is inaccurate (backward error {error:.2g}); "
                                    "use method='jordan' or 'eig'")
    return X[:n, n:]


def _backward_error(E: np.ndarray, A: np.ndarray) -> float:
    return float(np.linalg.norm(E - A) / max(np.linalg.norm(A), 1e-300))


def _mp_logm(A: np.ndarray) -> np.ndarray:
    """The principal logarithm in 50-digit arithmetic."""
    with mpmath.workdps(50):
        X = mpmath.logm(mpmath.matrix(A.tolist()))
        return np.array([[complex(X[i, j]) for j in range(X.cols)] for i in range(X.rows)])


def _check_regular(mu) -> None:
    if np.any(np.abs(mu) < 1e-13):
        raise SingularFlowError("h*lambda = 1 for an eigenvalue: the step map is singular and its logarithm does not exist")


def phi_derivative(j: int, z, turns: int = 0) -> sympy.Expr:
    """The ``j``-th derivative of ``phi(z) = (log(1 + z) + 2 pi i turns)/z``, exact; ``turns`` picks the
    branch of the logarithm (0: principal).  ``phi^(j)(0) = (-1)^j j!/(j+1)`` on the principal branch."""
    if z == 0:
        if turns:
            raise SingularFlowError("a logarithm continued off the principal branch at z = 0")
        return sympy.Integer(-1) ** j * sympy.factorial(j) / (j + 1)
    if sympy.simplify(1 + z) == 0:
        raise SingularFlowError("h*lambda = 1 for an eigenvalue: log(I - h H) does not exist")
    value = _phi_derivative_expression(j).subs(_Z, z)
    if turns:
        value += 2 * sympy.pi * sympy.I * turns * (-1) ** j * sympy.factorial(j) / z ** (j + 1)
    return value


@functools.lru_cache(maxsize=None)
def _phi_derivative_expression(j: int) -> sympy.Expr:
    return sympy.diff(sympy.log(1 + _Z) / _Z, _Z, j)


def jordan_function(N: sympy.Matrix, derivative, form=None) -> sympy.Matrix:
    """``f(N)`` through the Jordan form ``N = P J P^-1``: on a block ``lambda I + Z`` of size ``s``,
    ``f(lambda I + Z) = sum_{j<s} f^(j)(lambda)/j! Z^j`` (Higham, Functions of Matrices, Def 1.2).

    ``form`` is ``(P, J)`` when already computed.

    >>> jordan_function(sympy.Matrix([[0, 1], [0, 0]]), lambda j, x: [sympy.Integer(1), sympy.Integer(3)][j])
    Matrix([
    [1, 3],
    [0, 1]])
    """
    P, J = form if form is not None else N.jordan_form()
    return P * jordan_blocks(J, derivative) * P.inv()


def jordan_blocks(J: sympy.Matrix, derivative) -> sympy.Matrix:
    """``f(J)`` for a Jordan matrix ``J``: ``f^(j)(lambda)/j!`` on the ``j``-th superdiagonal of each block."""
    F = sympy.zeros(*J.shape)
    start = 0
    while start < J.rows:
        end = start + 1
        while end < J.rows and J[end - 1, end] == 1:
            end += 1
        value = J[start, start]
        for j in range(end - start):
            entry = derivative(j, value) / sympy.factorial(j)
            for i in range(start, end - j):
                F[i, i + j] = entry
        start = end
    return F


def _continued_log(mu: np.ndarray, branch: Sequence | None) -> np.ndarray:
    """``log mu`` with each value's branch chosen closest to the logarithm of the nearest earlier eigenvalue."""
    logs = np.log(mu)
    if not branch:     # the principal branch; a negative real eigenvalue split by rounding takes +i pi
        near_cut = (mu.real < 0) & (np.abs(mu.imag) <= 1e-6 * np.abs(mu))
        return np.where(near_cut, logs.real + 1j * np.pi, logs)
    previous = list(branch)
    out = np.empty_like(logs)
    for i, value in enumerate(mu):
        j = min(range(len(previous)), key=lambda k: abs(previous[k][0] - value))
        reference = previous.pop(j)[1] if len(previous) > 1 else previous[j][1]
        turns = np.round((reference - logs[i]).imag / (2 * np.pi))
        out[i] = logs[i] + 2j * np.pi * turns
    return out


def _gbs_step(f, y, H, sequence=(2, 4, 6, 8, 10, 12, 14, 16)):
    """One Gragg-Bulirsch-Stoer step: modified midpoint rule extrapolated in ``(H/n)^2``."""
    table: list[list] = []
    for j, n in enumerate(sequence):
        s = H / n
        z0, z1 = y, y + s * f(y)
        for _ in range(n - 1):
            z0, z1 = z1, z0 + 2 * s * f(z1)
        row = [(z0 + z1 + s * f(z1)) / 2]
        for k in range(1, j + 1):
            ratio = (sequence[j] / sequence[j - k]) ** 2
            row.append(row[k - 1] + (row[k - 1] - table[j - 1][k - 1]) / (ratio - 1))
        table.append(row)
    return table[-1][-1]
