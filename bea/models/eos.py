"""The edge-of-stability tools of :mod:`bea.analysis.eos` on models: Damian et al.'s constants, stable set,
constrained trajectory, predicted dynamics and 2-cycle (through :class:`ModelLoss`, the models'
:class:`~bea.analysis.eos.LossOracle`), the rotation of the top eigenvector, the finite-time Lyapunov
exponent and the iterates' numerical events, from gradients and Hessian-vector products (the top eigenpairs
by Lanczos above ``dense_limit`` parameters, :mod:`bea.models.spectral`).  Points are flat float64 vectors in
the order of the backend's ``flatten``."""

from __future__ import annotations

from typing import Callable

import numpy as np

from ..analysis.eos import FLOWS, EosConstants, LossOracle, Rotation, constants_of, finite_time_lyapunov, rotation_between
from ..errors import ProblemError
from ..exact import exact_number
from .loss import descent_field
from .principal_flow import descent_pf_trajectory
from .spectral import SpectralProducts, model_spectral

__all__ = ["ModelLoss", "model_constants", "model_rotation", "model_lyapunov"]


class ModelLoss(LossOracle):
    """:class:`~bea.analysis.eos.LossOracle` of a scalar model loss ``loss(state)``: its compiled value, and the
    gradient, Hessian-vector products and spectral diagnostics (top two eigenpairs by Lanczos above
    ``dense_limit``) from one set of compiled :class:`~bea.models.spectral.SpectralProducts` of ``f = -grad
    loss``; derivatives along a line by nested gradients.  ``point`` is ``state`` as a flat float64 vector."""

    def __init__(self, loss: Callable, state, backend, dense_limit: int = 2000):
        flat, unflatten = backend.flatten(state)
        backend.check_float64(flat, "the state")
        self.backend, self.unflatten, self.dense_limit = backend, unflatten, dense_limit
        self.fields = descent_field(loss, backend)
        self._products = SpectralProducts(self.fields, state, backend)
        self.point = np.asarray(backend.to_numpy(flat), dtype=float)
        self.n = self.point.shape[0]
        self.names = tuple(f"theta[{i}]" for i in range(self.n))
        self._loss = loss
        self._value = backend.compiled(lambda x: loss(unflatten(x)))

    def _array(self, x) -> np.ndarray:
        return np.asarray(self.backend.to_numpy(x), dtype=float)

    def value(self, theta) -> float:
        return float(self._array(self._value(self.backend.from_numpy(np.asarray(theta, dtype=float)))))

    def gradient(self, theta) -> np.ndarray:
        return -self._array(self._products.f(self.backend.from_numpy(np.asarray(theta, dtype=float))))

    def hessian_times(self, theta, V) -> np.ndarray:
        x, V = self.backend.from_numpy(np.asarray(theta, dtype=float)), np.asarray(V, dtype=float)
        columns = V.reshape(self.n, -1)
        out = np.stack([-self._array(self._products.jvp_f(x, self.backend.from_numpy(columns[:, j])))
                        for j in range(columns.shape[1])], axis=1)
        return out.reshape(V.shape)

    def spectral(self, theta, h):
        state = self.unflatten(self.backend.from_numpy(np.asarray(theta, dtype=float)))
        return self._products.spectral(state, h, k=2, dense_limit=self.dense_limit)

    def line(self, theta, u, k: int):
        backend, unflatten = self.backend, self.unflatten
        base, direction = backend.from_numpy(np.asarray(theta, dtype=float)), backend.from_numpy(np.asarray(u, dtype=float))

        def F(x):
            return self._loss(unflatten(base + x * direction))
        for _ in range(k):
            F = backend.grad(F)
        derivative = backend.compiled(F)
        return lambda x: float(self._array(derivative(backend.from_numpy(np.asarray(x, dtype=float)))))


def model_constants(loss: Callable, state, h, backend, dense_limit: int = 2000) -> EosConstants:
    """:class:`~bea.analysis.eos.EosConstants` at ``state`` for the scalar loss ``loss(theta)``."""
    return constants_of(model_spectral(descent_field(loss, backend), state, h, backend, k=2, dense_limit=dense_limit))


def model_rotation(loss: Callable, state, h, backend, flow="gd", dense_limit: int = 2000) -> Rotation:
    """The top eigenvector before and after one step of ``gd``, or of the flow for time ``h`` of the ``ngf``,
    the ``igr`` flow (gradient descent's modified field to order 2) or a :class:`~bea.result.ModifiedFlow` of
    one field (its truncated field by :func:`~bea.models.field.model_field`; the backend's ODE solver), or
    ``pf``, the principal flow (its branch-continued complex trajectory, the real part of its end, as
    :func:`bea.eos.rotation`; :func:`~bea.models.principal_flow.descent_pf_trajectory`), on a model (flat
    vectors); the alignment ratio when the model has two parameters."""
    from ..engine.derive import derive
    from ..result import ModifiedFlow
    from .field import model_field

    if not (flow in FLOWS or isinstance(flow, ModifiedFlow)):
        raise ProblemError(f"flow is one of {', '.join(FLOWS)} or a ModifiedFlow, got {flow!r}")
    fields = descent_field(loss, backend)
    step = float(exact_number(h, "the step size h"))
    before = model_spectral(fields, state, step, backend, k=2, dense_limit=dense_limit)
    flat, unflatten = backend.flatten(state)
    theta = np.asarray(backend.to_numpy(flat), dtype=float)
    if flow == "gd":
        end = theta - step * before.gradient
    elif flow == "pf":
        end = descent_pf_trajectory(loss, state, step, 1, backend, dense_limit)[-1].real
    else:
        modified = flow if isinstance(flow, ModifiedFlow) else derive("euler", 1 if flow == "ngf" else 2)
        F = model_field(modified, fields, backend)

        def field(y, args):
            vector, _ = backend.flatten(F(unflatten(y[0]), step))
            return (vector,)
        end = np.asarray(backend.to_numpy(backend.integrate(field, (flat,), step, None, 1e-12, 1e-14)[0]), dtype=float)
    after = model_spectral(fields, unflatten(backend.from_numpy(end)), step, backend, k=2, dense_limit=dense_limit)
    name = flow if isinstance(flow, str) else f"modified flow of {flow.scheme} to order {flow.order}"
    return rotation_between(name, step, before.eigenvectors[:, 0], after.eigenvectors[:, 0])


def model_lyapunov(fields, state, h, steps: int, backend, dense_limit: int = 200, seed: int = 0) -> float:
    """The finite-time Lyapunov exponent of gradient descent (any one-block field ``f``, not only a gradient)
    on a model: :func:`~bea.analysis.eos.finite_time_lyapunov` with tangents by forward-mode products.  Up to
    ``dense_limit`` parameters the whole tangent space is carried (the exact ``sigma_max``); beyond it one
    random unit tangent (seeded), whose growth is the exponent for all but a measure-zero start."""
    from .field import ModelFields

    model = ModelFields({"theta": ("f",)}, fields, backend)
    (y,), bound = model.bind(state)

    def f_flat(x):
        return bound.value("f", (x,))

    jvp = backend.compiled(lambda x, v: backend.jvp(f_flat, x, v)[1])
    value = backend.compiled(f_flat)
    theta = np.asarray(backend.to_numpy(y), dtype=float)
    n = theta.shape[0]
    if n <= dense_limit:
        W = np.eye(n)
    else:
        W = np.random.default_rng(seed).standard_normal((n, 1))
        W /= np.linalg.norm(W)

    def tangent(t, M):
        x = backend.from_numpy(t)
        return np.stack([np.asarray(backend.to_numpy(jvp(x, backend.from_numpy(M[:, j]))), dtype=float)
                         for j in range(M.shape[1])], axis=1)

    return finite_time_lyapunov(lambda t: np.asarray(backend.to_numpy(value(backend.from_numpy(t))), dtype=float),
                                tangent, theta, h, steps, W)
