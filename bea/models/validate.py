"""The numerical order test on a model: one scheme step against the flow of the truncated field.

As ``bea validate`` (:mod:`bea.analysis.validate`), for each step size ``h`` of a ladder the state
after one step of the scheme is compared with the exact flow of the order-``p`` modified field,
run for each block's time ``T_b`` and read on that block; the local error must shrink like
``h^(p+1)``.  Here the flow is integrated in float64 by the backend's adaptive ODE solver with tight
tolerances, so the ladder should keep the local errors well above ``1e-13`` (relative).
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import sympy

from ..analysis.validate import Validation, pair_order
from ..errors import ParameterError
from ..schemes.program import uses_previous_iterates
from .field import ModelFields, model_field
from .step import bound_scheme, model_step

__all__ = ["model_validate"]


def model_validate(flow, fields: Mapping, state, hs: Sequence, backend, params: dict | None = None,
                   rtol: float = 1e-13, atol: float = 1e-15) -> Validation:
    """Observed local orders of ``flow`` on a model at ``state`` over the step sizes ``hs``."""
    hs = [float(h) for h in hs]
    if len(hs) < 2 or any(not h > 0 for h in hs):
        raise ParameterError(f"hs must be at least two positive step sizes, got {hs}")
    params = dict(params or {})
    given = {k: v for k, v in flow.source.params.items() if not getattr(v, "free_symbols", None)}
    scheme = bound_scheme(flow.source.definition, time=flow.source.time, **{**given, **params})
    F = model_field(flow, fields, backend, params)
    model = ModelFields(scheme.blocks, fields, backend)
    y0, bound = model.bind(state)
    times = [float(scheme.times[b]) for b in scheme.blocks]
    carrying = uses_previous_iterates(scheme)
    if carrying and len(set(times)) != 1:
        raise ParameterError("a scheme that reads past iterates needs one time for all blocks")

    def flow_field(y, h):
        return model.bind(F(bound.unbind(y), h))[0]

    errors = []
    for h in hs:
        def on_flow(t, h=h):
            return backend.integrate(flow_field, y0, t, h, rtol, atol)

        def on_slow_manifold(j, on_flow=on_flow, h=h):      # past iterates: the flow run backwards
            return bound.unbind(on_flow(-j * times[0] * h))

        stepped, _ = model.bind(model_step(scheme, fields, state, h, backend, on_slow_manifold if carrying else None))
        ends = {tau: on_flow(tau * h) for tau in set(times)}      # one solve per distinct block time
        errors.append(max(float(np.max(np.abs(backend.to_numpy(stepped[b]) - backend.to_numpy(ends[tau][b]))))
                          for b, tau in enumerate(times)))
    observed = [pair_order(errors[i], errors[i + 1]) * np.log(2) / np.log(hs[i] / hs[i + 1])
                for i in range(len(hs) - 1)]
    values = {k: (str(v) if isinstance(v, sympy.Basic) else v) for k, v in scheme.params.items()}
    return Validation(scheme.name, flow.order, "model", values, hs, errors, [float(o) for o in observed], flow.order + 1)
