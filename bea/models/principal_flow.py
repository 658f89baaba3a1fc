"""The principal flow of gradient descent on a model: ``PF = phi(h J) f``, ``phi(z) = log(1 + z)/z``.

For one block with field ``f`` and its Jacobian ``J = Df(theta)`` (``J = -Hess E`` for
``f = -grad E``) the principal terms of the modified field sum to ``phi(h J) f`` [RWQD23, Def 3.1,
Eq 12]; in the eigenbasis of a symmetric ``J``, ``PF = sum_i phi(h mu_i) (f . u_i) u_i``.  ``phi``
has its branch point at ``h mu = -1`` (``h lambda = 1``: the step's map is singular there and no
flow exists); beyond it the principal logarithm makes the PF complex, ``Im = pi/h`` per
direction (the period-2 oscillation of gradient descent).

* **dense** (at most ``dense_limit`` parameters): ``J`` by forward mode, then ``eigh`` (symmetric)
  or ``eig``; exact up to round-off.
* **lanczos** (beyond it; ``J`` symmetric): the ``rank`` eigenpairs of ``J`` of largest magnitude by
  Lanczos iteration on Jacobian-vector products (SciPy's ARPACK ``eigsh``), and on the rest of the
  space, where ``|h mu|`` is smaller than on those, the Taylor polynomial of ``phi`` of degree
  ``q``: ``sum_{j<=q} (-h J)^j / (j + 1)`` applied to the remainder of ``f`` by ``q`` more products
  and projected back onto that complement.  Its error is of order ``|h mu_{rank+1}|^{q+1}`` on the
  remainder (measured against the dense PF in the tests).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

import numpy as np

from ..analysis.matrix_functions import phi_values
from ..errors import ParameterError, SingularFlowError
from ..exact import exact_number
from .field import ModelFields
from .lanczos import lanczos_eigenpairs

__all__ = ["model_principal_flow", "ModelPrincipalFlow"]


@dataclass
class ModelPrincipalFlow:
    """The PF of gradient descent at one state of a model (see the module docstring).

    ``value``: the PF at the state, a pytree like it with complex leaves; ``vector``: the same,
    flat; ``eigenvalues``: the eigenvalues ``mu`` of ``J`` used (all of them when ``method`` is
    ``dense``, the ``rank`` largest in magnitude for ``lanczos``); ``field(state)`` recomputes
    at another state.
    """

    h: float
    method: str
    vector: np.ndarray
    eigenvalues: np.ndarray
    value: object
    _recompute: Callable

    def field(self, state):
        """The PF at another state (same settings)."""
        return self._recompute(state).value


def model_principal_flow(fields: Mapping[str, Callable], state, h, backend, dense_limit: int = 2000,
                         rank: int = 20, tail_degree: int = 2) -> ModelPrincipalFlow:
    """``PF = phi(h J) f`` at ``state`` for one block (see the module docstring)."""
    model = ModelFields({"theta": ("f",)}, fields, backend)
    step = float(exact_number(h, "the step size h"))
    if not step > 0:
        raise ParameterError(f"the step size h must be a positive number, got {h!r}")
    for name, value in (("dense_limit", dense_limit), ("rank", rank), ("tail_degree", tail_degree)):
        if isinstance(value, bool) or not isinstance(value, int) or value < (1 if name == "rank" else 0):
            raise ParameterError(f"{name} must be a non-negative integer (rank >= 1), got {value!r}")

    def compute(at) -> ModelPrincipalFlow:
        (y,), bound = model.bind(at)
        f_flat = lambda x: bound.value("f", (x,))
        f = backend.to_numpy(f_flat(y))
        n = f.shape[0]
        method = "dense" if n <= dense_limit else "lanczos"
        if method == "dense":
            vector, mu = _dense(backend, f_flat, y, f, step)
        else:
            vector, mu = _lanczos(backend, f_flat, y, f, step, rank, tail_degree)
        real, imag = (bound.unbind((backend.from_numpy(part),)) for part in (vector.real, vector.imag))
        value = backend.tree_map(lambda a, b: a + 1j * b, real, imag)
        return ModelPrincipalFlow(step, method, vector, mu, value, compute)

    return compute(state)


def _check_regular(mu: np.ndarray, h: float) -> None:
    if np.any(np.abs(1 + h * mu) < 1e-12):
        raise SingularFlowError("1 + h mu = 0 for an eigenvalue mu of the field's Jacobian (h lambda = 1): the "
                                "step's map is singular and no principal flow exists at this state")


def _dense(backend, f_flat, y, f, h):
    J = np.asarray(backend.to_numpy(backend.jacobian(f_flat, y)), dtype=float)
    scale = max(1.0, float(np.max(np.abs(J))))
    if np.max(np.abs(J - J.T)) <= 1e-10 * scale:
        mu, U = np.linalg.eigh((J + J.T) / 2)
        _check_regular(mu, h)
        return U @ (phi_values(h * mu) * (U.T @ f)), mu
    mu, V = np.linalg.eig(J)
    _check_regular(mu, h)
    return V @ (phi_values(h * mu) * np.linalg.solve(V, f.astype(complex))), mu


def _lanczos(backend, f_flat, y, f, h, rank, degree):
    n = f.shape[0]

    def jvp(v):
        return np.asarray(backend.to_numpy(backend.jvp(f_flat, y, backend.from_numpy(np.asarray(v, dtype=float)))[1]))

    mu, U = lanczos_eigenpairs(jvp, n, rank, "LM", f"rank {rank}",
                               "the Lanczos principal flow needs a symmetric Jacobian (f a negative gradient); "
                               "for this field use the dense method (raise dense_limit)")
    _check_regular(mu, h)
    coefficients = U.T @ f
    top = U @ (phi_values(h * mu) * coefficients)
    rest = f - U @ coefficients
    tail, power = rest.astype(complex), rest
    for j in range(1, degree + 1):
        power = -h * jvp(power)
        tail = tail + power / (j + 1)
    tail = tail - U @ (U.T @ tail)
    return top + tail, mu
