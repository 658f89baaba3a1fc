"""NumPy code generation for modified fields of concrete problems."""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np
import sympy

from .errors import ParameterError
from .flow import H

__all__ = ["numpy_field"]


def numpy_field(exprs: Sequence[sympy.Expr], state: Sequence[sympy.Symbol]) -> Callable:
    """A NumPy function ``F(y, h)`` of the concatenated state, generated with common-subexpression elimination.

    ``y`` may be one state (shape ``(dim,)``) or a batch (shape ``(..., dim)``); ``h`` a number
    or an array broadcastable against the batch.  The result has the shape of ``y``.
    """
    free = set().union(*(sympy.sympify(e).free_symbols for e in exprs)) - set(state) - {H}
    if free:
        names = ", ".join(sorted(str(s) for s in free))
        raise ParameterError(f"the field still has symbolic parameters ({names}); give their values")
    raw = sympy.lambdify([*state, H], list(exprs), modules="numpy", cse=True)
    dim = len(state)

    def field(y, h):
        y = np.asarray(y)
        if y.shape[-1:] != (dim,):
            raise ValueError(f"the state must have last dimension {dim}, got shape {y.shape}")
        columns = raw(*(y[..., i] for i in range(dim)), h)
        base = np.zeros(y.shape[:-1], dtype=np.result_type(y, float))
        return np.stack([base + c for c in columns], axis=-1)

    field.expressions = list(exprs)
    field.state = list(state)
    return field
