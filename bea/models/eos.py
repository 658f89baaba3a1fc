"""The edge-of-stability tools of :mod:`bea.analysis.eos` on models: Damian et al.'s constants and the
rotation of the top eigenvector, from Hessian-vector products (the top eigenpair by Lanczos above
``dense_limit`` parameters, :mod:`bea.models.spectral`)."""

from __future__ import annotations

from typing import Callable

import numpy as np

from ..analysis.eos import FLOWS, EosConstants, Rotation, constants_of, finite_time_lyapunov, rotation_between
from ..errors import ProblemError
from ..exact import exact_number
from .loss import descent_field
from .spectral import model_spectral

__all__ = ["model_constants", "model_rotation", "model_lyapunov"]


def model_constants(loss: Callable, state, h, backend, dense_limit: int = 2000) -> EosConstants:
    """:class:`~bea.analysis.eos.EosConstants` at ``state`` for the scalar loss ``loss(theta)``."""
    return constants_of(model_spectral(descent_field(loss, backend), state, h, backend, k=2, dense_limit=dense_limit))


def model_rotation(loss: Callable, state, h, backend, flow: str = "gd", dense_limit: int = 2000) -> Rotation:
    """The top eigenvector before and after one step of ``gd`` or the ``ngf`` (the backend's ODE solver) on a
    model (flat vectors); the alignment ratio when the model has two parameters."""
    if flow not in ("gd", "ngf"):
        raise ProblemError(f"on models the flow is 'gd' or 'ngf' (of {', '.join(FLOWS)} on concrete problems), got {flow!r}")
    fields = descent_field(loss, backend)
    step = float(exact_number(h, "the step size h"))
    before = model_spectral(fields, state, step, backend, k=2, dense_limit=dense_limit)
    flat, unflatten = backend.flatten(state)
    theta = np.asarray(backend.to_numpy(flat), dtype=float)
    if flow == "gd":
        end = theta - step * before.gradient
    else:
        def ngf(y, args):
            vector, _ = backend.flatten(fields["f"](unflatten(y[0])))
            return (vector,)
        end = np.asarray(backend.to_numpy(backend.integrate(ngf, (flat,), step, None, 1e-12, 1e-14)[0]), dtype=float)
    after = model_spectral(fields, unflatten(backend.from_numpy(end)), step, backend, k=2, dense_limit=dense_limit)
    return rotation_between(flow, step, before.eigenvectors[:, 0], after.eigenvectors[:, 0])


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
