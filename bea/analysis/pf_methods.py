"""The methods that compute the principal flow's field ``(1/T) phi(M_y - I) c_y`` at a state.

Each is a small class over one interface, :class:`PFMethod`: made once for a
:class:`~bea.analysis.principal_flow.PrincipalFlow`, it answers :meth:`PFMethod.field` for a
state ``y`` and, along a trajectory, continues each eigenvalue's logarithm from ``branch`` (the
step map's eigenvalues and logarithms at a nearby earlier point) instead of jumping across the
principal cut.  The three agree wherever the step map is diagonalisable and well conditioned;
they differ in what they need and how they fail:

* ``jordan`` -- the Jordan form of the exact step map, ``phi`` on each block [Hig08, Def 1.2]: exact
  (SymPy) for affine fields and where eigenvalues repeat, a 30-digit eigendecomposition where they are simple;
  works for defective and singular Jacobians ([Ros23, Def 4.8.1]);
* ``schur`` -- the last column of ``log [[M, c], [0, 1]]`` by SciPy's Schur-Pade logarithm on a
  rotated cut, backward error checked [Hig08, Sec 11.5];
* ``eig`` -- the eigendecomposition ``M - I = V diag(nu) V^-1`` ([RWQD23, Def 3.1]); it falls back
  to the ``schur`` route where ``V`` is ill-conditioned.
"""

from __future__ import annotations

from functools import cached_property

import mpmath
import numpy as np
import sympy

from ..errors import ProblemError
from ..exact import mp_number
from .matrix_functions import (BACKWARD_ERROR, backward_error, check_regular, continued_log, jordan_blocks,
                               jordan_function, log_column, phi_derivative, phi_values)

__all__ = ["PFMethod", "Jordan", "Schur", "Eig", "METHODS"]


class PFMethod:
    """The interface: ``field(y, branch)`` is ``(1/T) phi(M_y - I) c_y`` (complex vector)."""

    name = "?"

    def __init__(self, pf):
        self.pf = pf

    def field(self, y: np.ndarray, branch: list | None) -> np.ndarray:
        raise NotImplementedError

    @staticmethod
    def _continued(mu: np.ndarray, branch: list | None) -> np.ndarray:
        """``log mu`` continued from ``branch``, which then records ``(mu, log mu)`` for the next point."""
        check_regular(mu)
        logs = continued_log(mu, branch)
        if branch is not None:
            branch[:] = list(zip(mu, logs))
        return logs


SEPARATION = 1e-6
"""Eigenvalues of ``N = M - I`` further apart than this (relative to ``max(1, |nu|)``) are simple: ``N``'s Jordan
form is diagonal and the 30-digit eigendecomposition is its Jordan basis; closer ones take SymPy's exact form."""


class Jordan(PFMethod):
    """``(1/T) phi(N) c`` with ``phi`` applied on the Jordan blocks of ``N = M - I``: for affine fields ``N``
    does not depend on ``y`` and ``phi(N)`` is computed once, exactly; elsewhere, where ``N``'s eigenvalues are
    simple (:data:`SEPARATION`), its Jordan form is diagonal and is found in 30 digits (mpmath), else SymPy's exact
    Jordan form is used (defective or nearly defective ``N``)."""

    name = "jordan"

    def field(self, y, branch):
        pf = self.pf
        if pf.constant_jacobian:
            _, c = pf.affine_map(y)
            return self._constant_phi @ c / pf._T
        M, c = pf.affine_map(y, exact=True)
        simple = _simple_eigensystem(M - sympy.eye(M.rows))
        if simple is None:
            return self.exact_field(M, c, branch)
        values, V = simple
        mu = np.array([complex(1 + v) for v in values])
        turns = _turns(mu, self._continued(mu, branch))
        with mpmath.workdps(30):                   # V diag(phi(nu_i)) V^-1 c, phi on each logarithm's branch
            w = mpmath.lu_solve(V, _mp_matrix(c))
            for i, (nu, turn) in enumerate(zip(values, turns)):
                w[i] *= _phi(nu, turn)
            return np.array([complex(x) for x in V * w]) / pf._T

    def exact_field(self, M: sympy.Matrix, c: sympy.Matrix, branch) -> np.ndarray:
        """The field from SymPy's exact Jordan form of ``N = M - I`` (``M``, ``c`` exact)."""
        pf = self.pf
        try:
            P, J = (M - sympy.eye(M.rows)).jordan_form()
        except (OverflowError, RecursionError):
            raise ProblemError("SymPy cannot find the exact Jordan form of the step map at this point; use "
                               "method='schur' or 'eig'") from None
        lam = [J[i, i] for i in range(J.rows)]
        mu = np.array([complex(sympy.N(1 + x, 20)) for x in lam])
        turns = dict(zip(lam, _turns(mu, self._continued(mu, branch))))
        F = jordan_blocks(J, lambda j, x: phi_derivative(j, x, turns[x]))
        with mpmath.workdps(30):                   # P F P^-1 c in 30 digits: exact P, F, c evaluated once
            P_, F_, c_ = (_mp_matrix(A) for A in (P, F, c))
            value = P_ * (F_ * mpmath.lu_solve(P_, c_))
            return np.array([complex(x) for x in value]) / pf._T

    @cached_property
    def _constant_phi(self) -> np.ndarray:
        M, _ = self.pf.affine_map([0] * len(self.pf.problem.state), exact=True)
        Phi = jordan_function(M - sympy.eye(M.rows), phi_derivative)
        return np.array([[complex(sympy.N(x, 20)) for x in row] for row in Phi.tolist()])


def _simple_eigensystem(N: sympy.Matrix):
    """``(values, vectors)`` of the exact matrix ``N`` in 30 digits (mpmath) when its eigenvalues are simple
    (pairwise further apart than :data:`SEPARATION`), else ``None``."""
    with mpmath.workdps(30):
        values, vectors = mpmath.eig(_mp_matrix(N))
        scale = max([1] + [abs(v) for v in values])
        if any(abs(a - b) <= SEPARATION * scale for i, a in enumerate(values) for b in values[i + 1:]):
            return None
        return values, vectors


def _mp_matrix(A: sympy.Matrix) -> mpmath.matrix:
    """An exact SymPy matrix (or column) in 30 digits (inside ``mpmath.workdps(30)``)."""
    return mpmath.matrix([[mp_number(x, 30) for x in row] for row in A.tolist()])


def _turns(mu: np.ndarray, logs: np.ndarray) -> list[int]:
    """How many turns of ``2 pi i`` each continued logarithm ``logs`` lies off the principal ``log mu``."""
    return [int(round((log - np.log(m)).imag / (2 * np.pi))) for m, log in zip(mu, logs)]


def _phi(nu, turns: int):
    """``(log(1 + nu) + 2 pi i turns)/nu`` in mpmath (``1 - nu/2 + nu^2/3`` near ``nu = 0`` on the principal
    branch, the removable singularity)."""
    if turns == 0 and abs(nu) < mpmath.mpf("1e-10"):
        return 1 - nu / 2 + nu * nu / 3
    return (mpmath.log(1 + nu) + 2j * mpmath.pi * turns) / nu


class Schur(PFMethod):
    """The last column of ``(1/T) log [[M, c], [0, 1]]`` (:func:`~bea.analysis.matrix_functions.log_column`);
    for affine fields the column is linear in ``c``: ``phi(M - I)``, the top-right block of
    ``log [[M, I], [0, I]]``, is computed once."""

    name = "schur"

    def field(self, y, branch):
        pf = self.pf
        M, c = pf.affine_map(y)
        if pf.constant_jacobian:
            return self._constant_phi @ c / pf._T
        logs = self._continued(np.linalg.eigvals(M), branch)
        return log_column(M, c[:, None], logs.imag)[:, 0] / pf._T

    @cached_property
    def _constant_phi(self) -> np.ndarray:
        M, _ = self.pf.affine_map(np.zeros(len(self.pf.problem.state)))
        mu = np.linalg.eigvals(M)
        check_regular(mu)
        return log_column(M, np.eye(len(M), dtype=complex), continued_log(mu, None).imag)


class Eig(PFMethod):
    """``(1/T) V phi(nu) V^-1 c`` from the eigendecomposition of ``N = M - I``; where ``expm`` of the
    resulting logarithm misses ``M`` (a nearly defective ``M``), the ``schur`` route instead."""

    name = "eig"

    def field(self, y, branch):
        from scipy.linalg import expm

        pf = self.pf
        M, c = pf.affine_map(y)
        nu, V = np.linalg.eig(M - np.eye(len(c)))
        logs = self._continued(1 + nu, branch)
        log_M = V @ np.diag(logs) @ np.linalg.inv(V)
        if backward_error(expm(log_M), M) > BACKWARD_ERROR:
            return log_column(M, c[:, None], logs.imag)[:, 0] / pf._T
        return V @ (phi_values(nu, logs) * np.linalg.solve(V, c)) / pf._T


METHODS = {method.name: method for method in (Jordan, Schur, Eig)}
