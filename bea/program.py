"""Update programs and their interpretation as the B-series of the discrete one-step map.

A scheme is a short *update program* (CONTRACT §1):

* :class:`Step` -- one explicit update: each listed field ``l`` moves its block by
  ``c_l h F_l(Y)``, all fields evaluated at the current stage value ``Y``;
* :class:`Repeat` -- run a body ``count`` times; ``count`` is a positive integer or a
  symbol.

The interpreter turns a program into the series of its one-step map
(:mod:`bea.series`).  A ``Repeat`` uses the Lie-group identity
``body^m = exp(m log body)``: the body (run from the identity) is a near-identity map,
``log body`` is its modified field with time ``h``, and ``m`` repetitions are the exact
flow of ``m log body``.  This is exact for symbolic ``m`` (thesis Sec 4.2.2: ``m`` Euler
steps of size ``v h / m`` with the other block frozen are the time-``h`` flow of a field
whose coefficients are polynomials in ``1/m``).  The flow is then composed after the map
built so far, through that map's own modified field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Union

import sympy

from .errors import ParameterError
from .series import compose_after_flow, explicit_step, flow, linear_combination, modified_field

__all__ = ["Step", "Stages", "Repeat", "Program", "one_step_map", "run_numerically"]


@dataclass(frozen=True)
class Step:
    """``block(l) <- block(l) + c_l h F_l(Y)`` for every ``(l, c_l)``, all at the same stage ``Y``."""

    increments: tuple[tuple[str, sympy.Expr], ...]


@dataclass(frozen=True)
class Stages:
    """An explicit Runge-Kutta step from the Butcher tableau ``(a, b)`` (``a`` strictly lower triangular).

    ``K_i = h F(Y_i)`` with ``Y_i = Y + sum_{j<i} a_ij K_j``; the new state is
    ``Y + sum_i b_i K_i``.  ``F`` moves each listed field's block by ``c_l`` times the field
    (``increments`` as in :class:`Step`); ``Step`` is the one-stage tableau ``a = [[0]], b = [1]``.
    """

    a: tuple[tuple[sympy.Expr, ...], ...]
    b: tuple[sympy.Expr, ...]
    increments: tuple[tuple[str, sympy.Expr], ...]


@dataclass(frozen=True)
class Repeat:
    """Run ``body`` ``count`` times in a row."""

    count: sympy.Expr
    body: tuple


Program = tuple[Union[Step, Stages, Repeat], ...]


def one_step_map(program: Program, ring, universe) -> dict:
    """The series (minus identity) of the map that ``program`` applies to the state."""
    a, generator = _run(program, ring, universe)
    return a


def _run(program: Program, ring, universe):
    """Interpret ``program``; return its map and, when known, the map's modified field."""
    a: dict = {}
    generator: dict | None = {}          # the identity is the flow of the zero field
    for op in program:
        if isinstance(op, Step):
            increments = {label: ring.coerce(c) for label, c in op.increments}
            a, generator = explicit_step(a, increments, universe), None
        elif isinstance(op, Stages):
            a, generator = _stages(a, op, ring, universe), None
        elif isinstance(op, Repeat):
            phase = _repeat_field(op, ring, universe)
            if not a:
                a, generator = flow(phase, universe, ring.zero), phase
                continue
            if generator is None:
                generator = _log(a, ring, universe)
            a = compose_after_flow(flow(phase, universe, ring.zero), generator, universe, ring.zero)
            generator = None
        else:  # pragma: no cover - programs are built by bea.schemes
            raise TypeError(f"not an update: {op!r}")
    return a, generator


def _stages(a: dict, op: Stages, ring, universe) -> dict:
    """The series of ``Y + sum_i b_i K_i`` (Butcher; HLW III.1): each stage value
    ``Y_i = Y + sum_j a_ij K_j`` is a series, and ``K_i = h F(Y_i)`` is :func:`explicit_step` minus ``Y_i``."""
    increments = {label: ring.coerce(c) for label, c in op.increments}
    slopes: list[dict] = []
    for row in op.a:
        stage = linear_combination(a, [(ring.coerce(x), k) for x, k in zip(row, slopes)])
        stepped = explicit_step(stage, increments, universe)
        slopes.append(linear_combination(stepped, [(-ring.one, stage)]))
    return linear_combination(a, [(ring.coerce(x), k) for x, k in zip(op.b, slopes)])


def _repeat_field(op: Repeat, ring, universe) -> dict:
    """``count * log(body)``: the field whose time-1 flow is ``count`` runs of the body.

    The body's map and field involve only the fields the body uses, so they are computed
    over the trees labelled by those fields alone.
    """
    used = _labels(op.body)
    body_universe = [t for t in universe if used.issuperset(t.labels)]
    body_map, body_field = _run(op.body, ring, body_universe)
    if body_field is None:
        body_field = _log(body_map, ring, universe)
    count = ring.coerce(op.count)
    return {t: x * count for t, x in body_field.items()}


def _labels(program: Program) -> set[str]:
    """The field labels a program evaluates."""
    used = set()
    for op in program:
        used |= _labels(op.body) if isinstance(op, Repeat) else {label for label, _ in op.increments}
    return used


def _log(a: dict, ring, universe) -> dict:
    """The modified field of the map ``a`` with the same time ``h`` for every block."""
    return modified_field(a, universe, lambda tree: ring.one, ring.inverse, ring.zero)


def run_numerically(program: Program, state: list, h, slices: dict, field: Callable) -> list:
    """Run ``program`` on a concrete state: the discrete update itself, not its series.

    ``slices`` maps each field label to the positions of its block in the state and
    ``field(label, state)`` returns the field's value there; step coefficients and repeat
    counts must be numbers.
    """
    for op in program:
        if isinstance(op, Step):
            state = _add(state, [(1, _slope(op.increments, state, h, slices, field))])
        elif isinstance(op, Stages):
            slopes = []
            for row in op.a:
                stage = _add(state, [(_rational(x), k) for x, k in zip(row, slopes)])
                slopes.append(_slope(op.increments, stage, h, slices, field))
            state = _add(state, [(_rational(x), k) for x, k in zip(op.b, slopes)])
        else:
            count = op.count
            if not (isinstance(count, (int, sympy.Integer)) and int(count) > 0):
                raise ParameterError(f"the number of repetitions {count} must be given as a positive integer")
            for _ in range(int(count)):
                state = run_numerically(op.body, state, h, slices, field)
    return state


def _slope(increments, state: list, h, slices: dict, field: Callable) -> dict:
    """``{position: c_l h F_l(state)}`` for the fields of one explicit evaluation."""
    out: dict = {}
    for label, c in increments:
        c = _rational(c)
        step = h * int(c.p) / int(c.q)
        for i, value in zip(slices[label], field(label, state)):
            out[i] = out[i] + step * value if i in out else step * value
    return out


def _add(state: list, parts: list) -> list:
    """``state + sum_j c_j slope_j`` (never in place: entries may be arrays)."""
    new = list(state)
    for c, slope in parts:
        if c:
            for i, value in slope.items():
                new[i] = new[i] + (value if c == 1 else value * int(c.p) / int(c.q))
    return new


def _rational(c) -> sympy.Rational:
    c = sympy.sympify(c)
    if c.free_symbols:
        raise ParameterError(f"the step factor {c} still has symbolic parameters; give their values")
    return sympy.Rational(c)
