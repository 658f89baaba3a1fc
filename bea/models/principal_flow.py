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

Following the PF for a time (:func:`descent_pf_trajectory`) leaves the real parameters as soon as
some ``h lambda > 1`` [RWQD23, Remark 4.1]: the loss is continued holomorphically to complex
parameters (the model evaluated at complex arrays; the complex gradient and Jacobian by the
backend's holomorphic derivatives, the Cauchy--Riemann equations checked at every step), and the
logarithm of each eigenvalue of the step map is continued along the path, as on concrete problems.
The Jacobian of such a field is complex symmetric, not Hermitian, so this is dense only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

import numpy as np

from ..analysis.integrators import continued_trajectory
from ..analysis.matrix_functions import phi_values
from ..analysis.pf_methods import Eig
from ..errors import BeaError, ParameterError, ProblemError, SingularFlowError
from ..exact import exact_number
from .field import ModelFields
from .lanczos import lanczos_eigenpairs

__all__ = ["model_principal_flow", "ModelPrincipalFlow", "descent_pf_trajectory"]


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


def descent_pf_trajectory(loss: Callable, state, h, steps: int, backend, dense_limit: int = 2000,
                          substeps: int = 4) -> np.ndarray:
    """The PF of gradient descent on the scalar loss ``loss(state)`` followed from ``state`` for
    ``steps`` times ``h``: flat complex states at ``0, h, ..., steps h`` (the eigendecomposition method
    of the concrete PF with its logarithms continued along the path, :class:`~bea.analysis.pf_methods.Eig`;
    Gragg--Bulirsch--Stoer on ``substeps`` macro-steps per ``h``).  The loss is continued to complex
    parameters (see the module docstring): a loss that is not holomorphic there (``abs``, ``.real``,
    ``conj``) is refused by name, as is a model above ``dense_limit`` parameters."""
    step = float(exact_number(h, "the step size h"))
    if not step > 0:
        raise ParameterError(f"the step size h must be a positive number, got {h!r}")
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
        raise ParameterError(f"steps must be an integer >= 0, got {steps!r}")
    flat, unflatten = backend.flatten(state)
    backend.check_float64(flat, "the state")
    start = np.asarray(backend.to_numpy(flat), dtype=complex)
    if start.shape[0] > dense_limit:
        raise ProblemError(f"the principal flow's trajectory on a model needs its dense complex Jacobian (complex "
                           f"symmetric off the reals: no Lanczos); the model has {start.shape[0]} parameters, above "
                           f"dense_limit = {dense_limit}")
    descent = ComplexDescent(loss, unflatten, backend, step)
    method = Eig(descent)

    def field(y, branch):
        descent.check_holomorphic(y)
        return method.field(y, branch)
    return continued_trajectory(field, start, step, steps, substeps)


class ComplexDescent:
    """One gradient-descent step on a loss continued to complex parameters, linearised at ``z``: the affine
    map ``delta -> M delta + c``, ``M = I + h J(z)``, ``c = h f(z)``, ``f = -grad E``, ``J = Df`` -- what a
    :class:`~bea.analysis.pf_methods.PFMethod` reads (``affine_map`` and the step time ``_T = h``)."""

    def __init__(self, loss: Callable, unflatten: Callable, backend, h: float):
        gradient = backend.grad(lambda z: loss(unflatten(z)), holomorphic=True)

        def f(z):
            return -gradient(z)
        self.backend, self.h, self._T = backend, h, h
        self._f = backend.compiled(f)
        self._J = backend.compiled(lambda z: backend.jacobian(f, z, holomorphic=True))
        self._jvp = backend.compiled(lambda z, v: backend.jvp(f, z, v)[1])

    def _call(self, fn, *args) -> np.ndarray:
        try:
            out = fn(*(self.backend.from_numpy(np.asarray(a, dtype=complex)) for a in args))
        except BeaError:
            raise
        except (TypeError, ValueError) as error:
            raise ProblemError("the principal flow's trajectory evaluates the loss at complex parameters (it leaves "
                               "the reals where h lambda > 1), and this loss cannot be: "
                               f"{str(error).splitlines()[0]}") from None
        return np.asarray(self.backend.to_numpy(out), dtype=complex)

    def affine_map(self, y):
        f, J = self._call(self._f, y), self._call(self._J, y)
        return np.eye(f.shape[0]) + self.h * J, self.h * f

    def check_holomorphic(self, y) -> None:
        """The Cauchy--Riemann equations ``Df(z)(i v) = i Df(z) v`` along a fixed direction ``v``: a loss
        that is not holomorphic (``abs``, ``conj``) has no complex gradient and is refused."""
        v = np.cos(np.arange(1, len(y) + 1))
        a, b = self._call(self._jvp, y, v), self._call(self._jvp, y, 1j * v)
        if np.linalg.norm(b - 1j * a) > 1e-8 * max(1.0, np.linalg.norm(a)):
            raise ProblemError("the loss is not holomorphic at complex parameters (it uses abs, conj, .real or the "
                               "like): the principal flow's complex trajectory needs its analytic continuation")
