"""The one-step drift and the loss change (:mod:`bea.analysis.drift`) on models.

* :func:`model_drift` -- gradient descent (or heavy ball with a velocity) against its flow: the flow by the
  backend's accurate ODE solver at ``samples + 1`` times in ``[0, h]``, ``Hess E grad E = Df f`` along it
  by one forward-mode product each, so the drift, its ``h^2`` term and the mean-value bounds come out as
  on concrete problems.
* :func:`model_loss_change` -- ``E(theta+) - E(theta)`` through ``h^order`` for a one-field scheme: the
  step's map ``Delta(h) = sum_t h^|t| c(t) F(t)`` from the elementary differentials (nested ``jvp``), then
  the Taylor coefficients of the scalar ``phi(h) = E(theta + Delta(h))`` at ``h = 0`` by nested
  forward-mode derivatives in ``h``.
"""

from __future__ import annotations

from math import factorial
from typing import Callable, Mapping

import numpy as np

from ..analysis.drift import Drift, LossChange, decrease_threshold, one_field_map
from ..errors import BeaError, ParameterError
from ..exact import exact_number
from .field import ModelFields, elementary_differentials
from .loss import descent_field

__all__ = ["model_drift", "model_loss_change"]


def model_drift(fields: Mapping[str, Callable], state, h, backend, beta=None, velocity=None, samples: int = 16,
                rtol: float = 1e-12, atol: float = 1e-14) -> Drift:
    """:class:`~bea.analysis.drift.Drift` of one step at ``state`` (one block, ``f = -grad E``); with ``beta``,
    heavy ball with the velocity ``velocity`` (a pytree like the state; default the slow manifold's
    ``h f/(1 - beta)``) against the flow of ``f/(1 - beta)``."""
    model = ModelFields({"theta": ("f",)}, fields, backend)
    step = float(exact_number(h, "the step size h"))
    if not step > 0:
        raise ParameterError(f"the step size h must be a positive number, got {h!r}")
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
        raise ParameterError(f"samples must be a positive integer, got {samples!r}")
    b = 0.0 if beta is None else float(exact_number(beta, "beta"))
    if not 0 <= b < 1:
        raise ParameterError(f"beta must lie in [0, 1), got {beta!r}")
    (y,), bound = model.bind(state)

    def f_flat(x):
        return bound.value("f", (x,))

    speed = 1 / (1 - b)

    def flow(v, args):
        return (args * f_flat(v[0]),)

    times = [step * k / samples for k in range(samples + 1)]
    path = [p[0] for p in backend.trajectory(flow, (y,), times, speed, rtol, atol)]
    hess_grad = np.array([np.asarray(backend.to_numpy(backend.jvp(f_flat, p, f_flat(p))[1]), dtype=float) for p in path])
    theta, f0 = (np.asarray(backend.to_numpy(v), dtype=float) for v in (y, f_flat(y)))
    if beta is None:
        if velocity is not None:
            raise BeaError("a velocity is the heavy ball's: give beta too")
        v = np.zeros_like(theta)
    elif velocity is None:
        v = step * f0 / (1 - b)
    else:
        (vy,), _ = model.bind(velocity)
        v = np.asarray(backend.to_numpy(vy), dtype=float)
    stepped = theta + b * v + step * f0
    factor = step ** 2 * speed ** 2 / 2
    rest = -b * v + step * b * speed * f0
    end = np.asarray(backend.to_numpy(path[-1]), dtype=float)
    what = "gradient descent against the NGF" if beta is None else "heavy ball against the flow of -grad E/(1 - beta)"
    return Drift(what, step, end - stepped, factor * hess_grad[0], factor * hess_grad.min(axis=0),
                 factor * hess_grad.max(axis=0), rest)


def model_loss_change(scheme, loss: Callable, state, backend, order: int = 3, **params) -> LossChange:
    """:class:`~bea.analysis.drift.LossChange` (coefficients as floats) of one step of ``scheme`` on the
    model with loss ``loss(theta)`` (see the module docstring)."""
    from ..engine.derive import check_order          # the engine is loaded by the step map below anyway

    order = check_order(order)
    model = ModelFields({"theta": ("f",)}, descent_field(loss, backend), backend)
    (y,), bound = model.bind(state)
    step_map = one_field_map(scheme, order, **params)
    terms = step_map.terms
    values = elementary_differentials([t.tree for t in terms], bound, (y,))
    theta = np.asarray(backend.to_numpy(y), dtype=float)
    powers = [np.zeros_like(theta) for _ in range(order + 1)]
    for t in terms:
        powers[t.power] = powers[t.power] + float(t.coefficient) * np.asarray(backend.to_numpy(values[t.tree]), dtype=float)
    unflatten = bound.unflatten[0]
    directions = [backend.from_numpy(p) for p in powers]

    def phi(hh):
        moved = backend.from_numpy(theta)
        for p in range(1, order + 1):
            moved = moved + hh ** p * directions[p]
        return loss(unflatten(moved))

    coefficients = tuple(_taylor(backend, phi, k) / factorial(k) for k in range(1, order + 1))
    _, _, threshold = decrease_threshold(step_map)
    return LossChange(step_map.name, order, None, coefficients, threshold, np.array([]), np.array([]), ())


def _taylor(backend, phi: Callable, k: int) -> float:
    """``phi^(k)(0)`` for a scalar function of a scalar, by ``k`` nested forward-mode derivatives."""
    def derivative(fn):
        return lambda x: backend.jvp(fn, x, backend.from_numpy(np.ones(())))[1]

    fn = phi
    for _ in range(k):
        fn = derivative(fn)
    return float(backend.to_numpy(fn(backend.from_numpy(np.zeros(())))))
