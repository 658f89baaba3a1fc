"""Iterate averaging: the exponential moving average of a scheme's iterates, on the slow manifold.

The average ``theta_bar+ = (1 - w) theta_bar + w theta+`` is an extra block with no field of its own.  It
is no near-identity step in its own block (it contracts towards ``theta`` by ``w`` per step), so it has no
modified field of its own; but where the iterates lie on the scheme's modified flow ``exp(t F)`` (the slow
manifold of the momentum methods), the average is a function of the current iterate,

    theta_bar = Psi(theta) = sum_{k>=0} w (1 - w)^k exp(-k T F)(theta),

a near-identity B-series map (the *lag*): with the Lie series ``exp(s F) = sum_j s^j L_j``,
``Psi = id + sum_j M_j T^j L_j``, ``M_j = sum_k w (1 - w)^k (-k)^j`` in closed form (rational in ``w``:
``M_1 = -(1 - w)/w``, a lag of ``(1 - w)/w`` steps).  The average then moves by the
conjugate map ``Psi o exp(T F) o Psi^-1``, whose modified field is the flow the averaged iterates follow.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from ..algebra import series as laws
from ..algebra.rings import ring_for
from ..algebra.trees import trees_up_to
from ..errors import BeaError, ParameterError
from ..printable import Printable
from ..result import H, ModifiedFlow

__all__ = ["IterateAverage", "iterate_average", "moments"]


@dataclass(frozen=True)
class IterateAverage(Printable):
    """``lag``: the B-series map ``theta -> theta_bar`` (a :class:`~bea.engine.bseries.BSeries`); ``flow``: the
    modified field that the averaged iterates follow (a :class:`~bea.result.ModifiedFlow`, the scheme's times);
    ``weight`` the average's ``w``."""

    weight: sympy.Expr
    lag: object
    flow: ModifiedFlow


def moments(w, count: int) -> list:
    """``M_j = sum_{k>=0} w (1 - w)^k (-k)^j`` for ``j = 0 .. count - 1``, exactly: with ``q = 1 - w``,
    ``sum_k k^j q^k = (q d/dq)^j 1/(1 - q)``.

    >>> moments(sympy.Rational(1, 2), 3)
    [1, -1, 3]
    """
    q = sympy.Symbol("q")
    out, S = [], 1 / (1 - q)
    for j in range(count):
        out.append(sympy.factor(w * (-1) ** j * S.subs(q, 1 - w)))
        S = sympy.together(q * sympy.diff(S, q))
    return out


def iterate_average(scheme, order: int, weight="w", *, time: str = "same", players: int | None = None,
                    **params) -> IterateAverage:
    """The exponential moving average of the scheme's iterates (see the module docstring) through ``h**order``.

    ``weight`` is the average's ``w`` in ``(0, 1]`` (a rational or a symbol, default ``w``; ``1`` is no averaging;
    named apart from the schemes' own parameters, such as lookahead's ``alpha``).  The average runs over the iterates
    on the modified flow for all past steps, so the scheme's blocks must share one time.

    >>> import bea
    >>> avg = bea.iterate_average("euler", 2, "1/2")
    >>> avg.lag.coefficient("f")                           # theta_bar = theta - h f + ...: one step behind
    -1
    >>> [(str(t.tree), t.coefficient) for t in avg.flow.terms]   # the same flow to first order
    [('f', 1), ('f[f]', -1/2)]

    References: [HLW06, Sec III.1] (the Lie series), [CHV10, Sec 2.2] (composition and inverse).
    """
    from .bseries import BSeries
    from .derive import derive

    a = _weight(weight)
    flow = derive(scheme, order, time=time, players=players, **params)
    if str(a) in {str(v) for v in flow.params.values() if isinstance(v, sympy.Symbol)}:
        raise ParameterError(f"the average's weight {a} is also a parameter of {flow.scheme}: name it apart")
    times = {b: sympy.sympify(v / H) for b, v in flow.time.items()}
    if len(set(times.values())) != 1:
        raise BeaError("averaging past iterates on the modified flow needs one time for all blocks (time='same')")
    tau = next(iter(times.values()))
    universe = trees_up_to(order, flow.blocks.labels)
    M = moments(a, order + 1)
    ring = ring_for([t.coefficient for t in flow.terms] + [tau] + M, divides=True)
    field = {t.tree: ring.coerce(t.coefficient * t.tree.symmetry) for t in flow.terms}
    weights = [ring.coerce(M[j] * tau**j) for j in range(order + 1)]
    lag = {}
    for tree, row in laws.lie_series(field, universe, ring.zero).items():
        total = sum((weights[j + 1] * x for j, x in enumerate(row) if x), ring.zero)
        if total:
            lag[tree] = total
    one = {label: ring.coerce(tau) for label in flow.blocks.labels}
    step = laws.flow(field, universe, ring.zero, one)
    inverse = laws.inverse_map(lag, universe, ring.inverse, ring.zero, ring.one)
    moved = laws.compose(lag, laws.compose(step, inverse, universe, ring.inverse, ring.zero, ring.one), universe,
                         ring.inverse, ring.zero, ring.one)
    averaged = laws.modified_field(moved, universe, one, ring.inverse, ring.zero)
    name = f"exponential moving average (w = {a}) of {flow.scheme}"
    params_out = {**flow.params, **({str(a): a} if a.free_symbols else {})}
    lag_series = BSeries("map", order, flow.blocks, ring, lag, f"lag of the {name}", params_out, dict(times))
    field_series = BSeries("field", order, flow.blocks, ring, averaged, name, params_out, dict(times))
    result = ModifiedFlow(name, order, params_out, dict(flow.blocks), dict(flow.time), field_series.terms,
                          source=flow.source)
    return IterateAverage(a, lag_series, result)


def _weight(weight) -> sympy.Expr:
    """The average's weight: an exact number in ``(0, 1]`` or a symbol name."""
    from ..exact import exact_number

    if isinstance(weight, sympy.Symbol):
        return weight
    if isinstance(weight, str) and weight.isidentifier():
        return sympy.Symbol(weight)
    value = exact_number(weight, "the average's weight w")
    if not 0 < value <= 1:
        raise ParameterError(f"the average's weight w must be in (0, 1], got {weight}")
    return value
