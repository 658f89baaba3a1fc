"""One step of a bea scheme on a model: the scheme's own update function run on block vectors.

The update function written for the engine (``@bea.scheme``, :mod:`bea.schemes.builtins`) is
interpreted a third time: on series it gives the one-step map's B-series, on numbers the step of a
concrete problem, and here on the backend's arrays (one flat vector per block) -- the
:class:`~bea.schemes.program.NumericInterpreter` does both of the latter, as its values only need
``+`` and multiplication by numbers.
"""

from __future__ import annotations

from typing import Callable, Mapping, Sequence

from ..errors import ParameterError
from ..schemes.builtins import Scheme, definition_of, make_scheme
from ..schemes.program import run_numerically
from .field import ModelFields

__all__ = ["model_step", "bound_scheme"]


def bound_scheme(scheme, time: str = "same", players: int | None = None, **params) -> Scheme:
    """The scheme with numbers for every parameter: those given, the others their numeric defaults
    (as ``bea validate``; ``n`` of ``sgd`` must be given)."""
    if isinstance(scheme, Scheme):
        return scheme
    definition = definition_of(scheme, players)
    return make_scheme(definition, time=time, **definition.numeric_values(params))


def model_step(scheme: Scheme, fields: Mapping[str, Callable], state, h, backend,
               previous: Sequence | None = None):
    """The state after one step of ``scheme`` from ``state`` with step size ``h``; ``previous``
    lists the earlier iterates, most recent first, for schemes that read them (heavy ball), or is a
    function ``j -> the iterate j steps back``."""
    model = ModelFields(scheme.blocks, fields, backend)
    y, bound = model.bind(state)
    slices = {label: [i] for label, i in model.block_index.items()}
    earlier = previous if previous is None or callable(previous) else _listed(scheme, previous)
    history = None if earlier is None else (lambda j: list(model.bind(earlier(j))[0]))
    out = run_numerically(scheme, list(y), h, slices, lambda label, data: [bound.value(label, tuple(data))],
                          history=history)
    return bound.unbind(tuple(out))


def _listed(scheme: Scheme, previous: Sequence) -> Callable:
    """``j -> previous[j - 1]``, refusing an iterate further back than the list goes."""
    def earlier(j: int):
        if j > len(previous):
            raise ParameterError(f"the scheme {scheme.name!r} reads the iterate {j} step(s) back; "
                                 f"previous has {len(previous)}")
        return previous[j - 1]

    return earlier
