"""Spectral diagnostics of gradient descent on a model, from Hessian-vector products.

The quantities of :mod:`bea.analysis.spectral` (stability coefficients, regimes, sharpness and its
gradient, progressive sharpening, the third-order term, DAL) at one state of a model with field
``f = -grad E``: ``Hess E v = -Df(theta) v + w v`` is one forward-mode product, ``D^3 E(a, b) =
-D^2 f(theta)(a, b)`` two nested ones (the Hessian is never formed above ``dense_limit``
parameters).

* **dense** (at most ``dense_limit`` parameters): the Hessian by forward mode and ``eigh``; every
  eigenpair (``complete``).
* **lanczos** (beyond it): the ``k`` largest eigenvalues (algebraically: the sharpest directions) by
  Lanczos iteration on Hessian-vector products (SciPy's ARPACK ``eigsh``); the diagonal part of the
  third-order term then runs over those ``k`` directions, and ``regimes`` and the stability
  coefficients are theirs.

With float64 states the boundaries between regimes are judged numerically (``h lambda`` within
``1e-12`` of 0, 1 or 2), not exactly as on concrete problems.
"""

from __future__ import annotations

from typing import Callable, Mapping

import numpy as np

from ..analysis.spectral import BOUNDARIES, Spectral, diagnostics
from ..errors import BeaError, ParameterError
from ..exact import exact_number
from .field import ModelFields
from .lanczos import lanczos_eigenpairs

__all__ = ["model_spectral", "SpectralProducts"]


def model_spectral(fields: Mapping[str, Callable], state, h, backend, k: int = 1, weight_decay=0,
                   dense_limit: int = 2000) -> Spectral:
    """:class:`~bea.analysis.spectral.Spectral` at ``state`` for one block with field ``f`` (see the module docstring)."""
    return SpectralProducts(fields, state, backend).spectral(state, h, k, weight_decay, dense_limit)


class SpectralProducts:
    """The compiled products of one model's field (``f``, ``Df v``, ``D^2 f(a, b)``, the dense Jacobian),
    built once for states shaped like ``state`` and reused at every point (a tool that visits many points,
    such as the projection onto Damian et al.'s stable set, compiles them once)."""

    def __init__(self, fields: Mapping[str, Callable], state, backend):
        model = ModelFields({"theta": ("f",)}, fields, backend)
        _, bound = model.bind(state)
        self.model, self.backend = model, backend

        def f_flat(x):
            return bound.value("f", (x,))

        self.f = backend.compiled(f_flat)
        self.jvp_f = backend.compiled(lambda x, v: backend.jvp(f_flat, x, v)[1])
        self.second_f = backend.compiled(lambda x, a, b: backend.jvp(lambda z: backend.jvp(f_flat, z, b)[1], x, a)[1])
        self.jacobian = backend.compiled(lambda x: backend.jacobian(f_flat, x))

    def spectral(self, state, h, k: int = 1, weight_decay=0, dense_limit: int = 2000) -> Spectral:
        """The diagnostics at ``state`` (a pytree shaped like the one the products were built for)."""
        backend = self.backend
        step = float(exact_number(h, "the step size h"))
        decay = float(exact_number(weight_decay, "the weight decay"))
        if not step > 0:
            raise ParameterError(f"the step size h must be a positive number, got {h!r}")
        if decay < 0:
            raise ParameterError(f"the weight decay must be >= 0, got {weight_decay!r}")
        for name, value in (("k", k), ("dense_limit", dense_limit)):
            if isinstance(value, bool) or not isinstance(value, int) or value < (1 if name == "k" else 0):
                raise ParameterError(f"{name} must be a positive integer (dense_limit >= 0), got {value!r}")
        (y,), _ = self.model.bind(state)

        def to_array(v):
            return np.asarray(backend.to_numpy(v), dtype=float)

        def to_backend(v):
            return backend.from_numpy(np.asarray(v, dtype=float))

        def hessian_times(v):
            return -to_array(self.jvp_f(y, to_backend(v))) + decay * np.asarray(v, dtype=float)

        def third(a, b):
            return -to_array(self.second_f(y, to_backend(a), to_backend(b)))

        theta = to_array(y)
        gradient = -to_array(self.f(y)) + decay * theta
        n = theta.shape[0]
        if n <= dense_limit:
            lam, U, complete = _dense(to_array(self.jacobian(y)), decay)
        else:
            lam, U = lanczos_eigenpairs(hessian_times, n, k, "LA", f"k = {k}",
                                        "the field's Jacobian is not symmetric: spectral diagnostics need f = -grad E")
            complete = False
        boundaries = [next((name for b, name in BOUNDARIES.items() if abs(step * value - b) <= 1e-12 * max(1, b)), None)
                      for value in lam]
        return diagnostics(step, decay, gradient, lam, U, hessian_times, third, boundaries, complete)


def _dense(jacobian, decay):
    H = -jacobian + decay * np.eye(jacobian.shape[0])
    scale = max(1.0, float(np.max(np.abs(H))))
    if np.max(np.abs(H - H.T)) > 1e-10 * scale:
        raise BeaError("the field's Jacobian is not symmetric: spectral diagnostics need f = -grad E")
    lam, U = np.linalg.eigh((H + H.T) / 2)
    return lam, U, True
