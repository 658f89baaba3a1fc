"""Matrix functions for the principal flow: ``phi(z) = log(1 + z)/z`` on Jordan blocks, exactly, and the
matrix logarithm on a chosen branch, numerically, with its backward error checked.

References: [Hig08, Def 1.2 and Sec 11.5] for functions of matrices through the Jordan form and the
inverse scaling and squaring logarithm; the branch is continued along trajectories as in [RWQD23, Sec 3].
"""

from __future__ import annotations

import functools
from typing import Sequence

import mpmath
import numpy as np
import sympy

from ..errors import SingularFlowError

__all__ = ["phi_derivative", "phi_values", "jordan_function", "jordan_blocks", "log_column", "continued_log",
           "check_regular", "backward_error", "BACKWARD_ERROR"]

_Z = sympy.Symbol("z")


BACKWARD_ERROR = 1e-10


def log_column(M: np.ndarray, C: np.ndarray, arguments) -> np.ndarray:
    """``phi(M - I) C``: the top-right block of ``log A``, ``A = [[M, C], [0, I]]``, on a chosen branch.

    ``arguments`` are the imaginary parts wanted for the logarithms of ``M``'s eigenvalues (the
    branch continued along a trajectory).  ``log A = logm(e^{-i b} A) + i b I`` for a rotation ``b``
    that puts every wanted argument (and ``0``, for the block ``I``) strictly inside
    ``(b - pi, b + pi)``: the principal logarithm of the rotated matrix is then that branch.  The
    backward error ``|expm(log A) - A| / |A|`` is measured; above ``1e-10`` (SciPy's ``logm`` is not
    reliable on defective complex input) the logarithm is recomputed in 50-digit arithmetic
    (``mpmath.logm``) and checked again [Hig08, Sec 11.5].
    """
    from scipy.linalg import expm, logm     # SciPy loads only when a numeric logarithm is taken

    check_regular(np.linalg.eigvals(M))
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
    if backward_error(expm(X), A) > BACKWARD_ERROR:
        X = mp_logm(rotated) + 1j * b * np.eye(n + k)
        error = backward_error(expm(X), A)
        if error > BACKWARD_ERROR:
            raise SingularFlowError(f"the matrix logarithm of the step map is inaccurate (backward error {error:.2g}); "
                                    "use method='jordan' or 'eig'")
    return X[:n, n:]


def backward_error(E: np.ndarray, A: np.ndarray) -> float:
    return float(np.linalg.norm(E - A) / max(np.linalg.norm(A), 1e-300))


def mp_logm(A: np.ndarray) -> np.ndarray:
    """The principal logarithm in 50-digit arithmetic."""
    with mpmath.workdps(50):
        X = mpmath.logm(mpmath.matrix(A.tolist()))
        return np.array([[complex(X[i, j]) for j in range(X.cols)] for i in range(X.rows)])


def check_regular(mu) -> None:
    if np.any(np.abs(mu) < 1e-13):
        raise SingularFlowError("h*lambda = 1 for an eigenvalue: the step map is singular and its logarithm does not exist")


def phi_values(z, logs=None) -> np.ndarray:
    """``phi(z) = log(1 + z)/z`` elementwise for complex ``z``, with ``logs`` the logarithms of ``1 + z``
    on the chosen branch (default: the principal ones); ``1 - z/2 + z^2/3`` where ``|z| < 1e-8``, the
    removable singularity at ``z = 0``."""
    z = np.asarray(z, dtype=complex)
    small = np.abs(z) < 1e-8
    safe = np.where(small, 1, z)
    return np.where(small, 1 - z / 2 + z * z / 3, (np.log1p(safe) if logs is None else logs) / safe)


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
    ``f(lambda I + Z) = sum_{j<s} f^(j)(lambda)/j! Z^j`` [Hig08, Def 1.2].

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


def continued_log(mu: np.ndarray, branch: Sequence | None) -> np.ndarray:
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
