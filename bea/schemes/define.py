"""Defining a scheme: a Python function that performs the updates of one step.

A scheme is written as it would be run.  The function receives the state ``y``, the
fields ``F`` and the step size ``h`` (and the scheme's parameters as keywords) and returns
the new state::

    @bea.scheme(blocks={"theta": "f"})
    def heun(y, F, h):
        k1 = h * F.f(y)
        k2 = h * F.f(y + k1)
        return y + (k1 + k2) / 2

The same function is *traced* by two interpreters (:mod:`bea.schemes.program`): one turns it into
the B-series of the one-step map (the engine's input), the other runs it on numbers (the
discrete update that validation and the principal flow compare against).  So a scheme is
defined once, and its series is exact by construction.

What a scheme may do, and what it means:

* ``F.f(z)`` (or ``F["f"](z)``) is the field ``f`` at the point ``z``; it lives on the
  block that ``f`` updates and must be multiplied by the step: ``c * h * F.f(z)`` with an
  exact ``c`` (a number or an expression in the parameters);
* points combine affinely: ``z + v``, ``z - w`` (a vector), ``(z1 + z2) / 2`` -- weights
  must sum to one wherever a point is needed (a field's argument, the result);
* ``repeat(count, body, z)`` runs ``body`` ``count`` times from ``z``; ``count`` may be a
  symbol (the series is then ``exp(count log body)``, exact);
* ``solve(equation, guess)`` is the point (or tuple of points) ``z = equation(z)``: an
  implicit update, expanded order by order;
* ``y.previous(j)`` is the iterate ``j`` steps before ``y``, for state-carrying methods
  (momentum, optimistic updates): the engine takes past iterates to lie on the modified
  flow itself (the slow manifold);
* ``v.on("phi")`` is the vector ``v`` on the block ``phi`` only (zero on the others): what one
  player does that the other does not, e.g. momentum on one player.

Anything else -- a field without ``h``, ``h**2``, a float, a point with weights summing to
two, a field the scheme did not declare -- raises :class:`~bea.errors.SchemeError`
naming it.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Callable

import sympy

from ..algebra.blocks import Blocks
from ..errors import BeaError, ParameterError, SchemeError
from .params import REQUIRED, kind_of

__all__ = ["scheme", "SchemeDefinition", "repeat", "solve", "Value", "StepSize", "Fields"]


# -- scalars ------------------------------------------------------------------------------
def coefficient(c) -> sympy.Expr:
    """An exact scalar of a scheme: an int, a Fraction or a SymPy expression (never a float)."""
    if isinstance(c, (Value, FieldValue)):
        raise SchemeError("a point or vector cannot multiply another; scale by numbers or parameters only")
    if isinstance(c, StepSize):
        raise SchemeError("h multiplies a field value only (h * F.f(z)); h**2 and h * point are not updates")
    if isinstance(c, float):
        raise SchemeError(f"the float {c!r} in a scheme is inexact; write sympy.Rational or an integer ratio")
    try:
        value = sympy.sympify(c, strict=True)
    except (sympy.SympifyError, TypeError):
        raise SchemeError(f"cannot use {c!r} of type {type(c).__name__} as a coefficient of a scheme") from None
    if value.has(sympy.Float):
        raise SchemeError(f"the coefficient {value} contains a float; use exact numbers")
    if not _rational_function(value):
        raise SchemeError(f"the coefficient {value} is not a rational function of the parameters with rational "
                          "numbers and roots of rationals (functions, I and pi are not supported); use a symbol instead")
    return value


def _rational_function(value) -> bool:
    """Built from rationals, roots of rationals (``sqrt(3)``) and symbols by ``+``, ``*`` and
    integer powers only: what the exact rings of :mod:`bea.algebra.rings` hold."""
    if value.is_Rational or value.is_Symbol:
        return True
    if value.is_Pow:
        if value.base.is_Rational and value.exp.is_Rational:
            return True
        return value.exp.is_Integer and _rational_function(value.base)
    if value.is_Add or value.is_Mul:
        return all(_rational_function(a) for a in value.args)
    return False


def _refuse_operation(what: str):
    """A method refusing an operation on traced values, naming it."""

    def refuse(self, *args, **kwargs):
        raise SchemeError(f"{what} is not an operation of a scheme: a scheme adds h * F.label(point) increments "
                          "and combines states affinely (see docs/schemes.md)")

    return refuse


# -- the traced objects ---------------------------------------------------------------------
class Value:
    """A point (``weight == 1``) or a vector (``weight == 0``) of the traced state.

    ``data`` belongs to the interpreter: a series for the engine, numbers when run.  Values
    combine linearly; the weight tracks the affine combination so that points stay points.
    """

    __slots__ = ("interpreter", "weight", "data", "history", "generator")

    def __init__(self, interpreter, weight, data, history=None, generator=None):
        self.interpreter = interpreter
        self.weight = weight
        self.data = data
        self.history = history          # set only on the state a scheme receives
        self.generator = generator      # the field whose flow this point is, when known

    def _combine(self, other, sign) -> "Value":
        if isinstance(other, FieldValue):
            other._refuse()
        if not isinstance(other, Value):
            raise SchemeError(f"cannot add {other!r} to a state value; add h * F.label(point) or another state value")
        if other.interpreter is not self.interpreter:
            raise SchemeError("state values of different runs cannot be combined")
        return self.interpreter.combine([(1, self), (sign, other)])

    def __add__(self, other):
        return self._combine(other, 1)

    __radd__ = __add__

    def __sub__(self, other):
        return self._combine(other, -1)

    def __rsub__(self, other):
        if not isinstance(other, Value):
            raise SchemeError(f"cannot subtract a state value from {other!r}")
        return other._combine(self, -1)

    def __neg__(self):
        return self.interpreter.combine([(-1, self)])

    def __mul__(self, c):
        return self.interpreter.combine([(coefficient(c), self)])

    __rmul__ = __mul__

    def __truediv__(self, c):
        c = coefficient(c)
        if c == 0:
            raise SchemeError("division of a state value by zero")
        return self.interpreter.combine([(1 / c, self)])

    def on(self, *blocks: str) -> "Value":
        """This vector on the named blocks only, zero on the others: momentum on one player,
        ``beta * (y - y.previous()).on("phi")``.  Only a vector (an increment) is projected: the
        part of a point on some blocks is not a point."""
        if self.weight != 0:
            raise SchemeError("only a vector (a difference of states or an increment) can be restricted to blocks")
        return self.interpreter.project(self, blocks)

    def previous(self, steps: int = 1) -> "Value":
        """The iterate ``steps`` steps before this state (only for the state the scheme receives)."""
        if self.history is None:
            raise SchemeError("only the state a scheme receives has previous iterates")
        if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
            raise SchemeError(f"previous(steps) needs a positive integer, got {steps!r}")
        return self.history(steps)

    def __repr__(self):
        kind = "point" if self.weight == 1 else "vector" if self.weight == 0 else f"weight {self.weight}"
        return f"<traced {kind}>"

    __abs__ = _refuse_operation("abs() of a state")
    __pow__ = __rpow__ = _refuse_operation("a power of a state")
    __matmul__ = __rmatmul__ = _refuse_operation("a matrix product of states")
    __bool__ = _refuse_operation("testing a state's truth (a scheme cannot branch on the state)")
    __lt__ = __le__ = __gt__ = __ge__ = _refuse_operation("comparing states")
    __getitem__ = _refuse_operation("indexing a state")
    __iter__ = _refuse_operation("iterating over a state")
    __array__ = _refuse_operation("converting a state to a NumPy array")
    __array_ufunc__ = __array_function__ = _refuse_operation("a NumPy function of a state")
    __rtruediv__ = _refuse_operation("dividing by a state")


class FieldValue:
    """``F_l(z)`` before it is multiplied by the step size."""

    __slots__ = ("label", "point")

    def __init__(self, label: str, point: Value):
        self.label, self.point = label, point

    def _refuse(self, *_):
        raise SchemeError(f"the field value F.{self.label}(...) must be multiplied by h before it is used")

    __add__ = __radd__ = __sub__ = __rsub__ = __neg__ = __truediv__ = __pow__ = __abs__ = _refuse
    __bool__ = __array__ = __array_ufunc__ = __array_function__ = __getitem__ = __iter__ = _refuse

    def __mul__(self, c):
        if isinstance(c, StepSize):
            return c * self
        return self._refuse()

    __rmul__ = __mul__


class StepSize:
    """``c h``: the step size times an exact coefficient."""

    __slots__ = ("c",)

    def __init__(self, c=1):
        self.c = c

    def __mul__(self, other):
        if isinstance(other, FieldValue):
            point = other.point
            return point.interpreter.increment(other.label, point, self.c)
        if isinstance(other, (StepSize, Value)):
            coefficient(self)  # raises
        return StepSize(self.c * coefficient(other))

    __rmul__ = __mul__

    def __truediv__(self, other):
        other = coefficient(other)
        if other == 0:
            raise SchemeError("division of h by zero")
        return StepSize(self.c / other)

    def __neg__(self):
        return StepSize(-self.c)

    def _refuse(self, *_):
        raise SchemeError("h enters a scheme only as a factor of a field value (h * F.f(z))")

    __add__ = __radd__ = __sub__ = __rsub__ = __pow__ = __rpow__ = __abs__ = __bool__ = _refuse
    __array__ = __array_ufunc__ = __array_function__ = _refuse

    def __repr__(self):
        return "h" if self.c == 1 else f"{self.c}*h"


class Fields:
    """The fields of a scheme: ``F.f(z)`` or ``F["f"](z)`` for a declared label."""

    def __init__(self, labels):
        self._labels = tuple(labels)

    def __getitem__(self, label):
        if label not in self._labels:
            raise SchemeError(f"the scheme uses a field {label!r} it did not declare (declared: {', '.join(self._labels)})")

        def evaluate(point):
            if not isinstance(point, Value):
                raise SchemeError(f"F.{label} takes a state value, got {point!r}")
            point.interpreter.require_point(point, f"the argument of F.{label}")
            return FieldValue(label, point)

        return evaluate

    def __getattr__(self, label):
        if label.startswith("_"):
            raise AttributeError(label)
        return self[label]


def repeat(count, body: Callable, start: Value) -> Value:
    """``body`` applied ``count`` times to ``start``; ``count`` a positive integer or a symbol."""
    if not isinstance(start, Value):
        raise SchemeError(f"repeat starts from a state value, got {start!r}")
    return start.interpreter.repeat(coefficient(count), body, start)


def solve(equation: Callable, guess):
    """The fixed point ``z = equation(z)`` near ``guess`` (a point or a tuple of points)."""
    values = guess if isinstance(guess, tuple) else (guess,)
    if not values or not all(isinstance(v, Value) for v in values):
        raise SchemeError("solve needs a state value or a tuple of state values as its guess")
    return values[0].interpreter.solve(equation, guess)


# -- the definition ---------------------------------------------------------------------------
@dataclass(frozen=True)
class SchemeDefinition:
    """A scheme: its update function, blocks, parameters and block times.

    ``blocks`` maps each block to the labels of the fields updating it (or is a function of
    the parameters returning that map); ``params`` maps each parameter to ``(kind, default)``
    with a :class:`~bea.schemes.params.ParamKind` and ``None`` (symbolic when unset), a value, or
    :data:`~bea.schemes.params.REQUIRED`; ``times`` gives ``T_b / h`` as a function of the parameters
    (default ``1``); ``rates`` names, per block, the parameter by which the block's time is
    multiplied under the per-player convention (two-player schemes).
    """

    name: str
    update: Callable
    blocks: object
    params: dict = field(default_factory=dict)
    times: Callable | None = None
    rates: dict | None = None

    def numeric_value(self, name: str):
        """The value parameter ``name`` takes where the scheme must run on numbers (validation, the
        principal flow, the method's own stability) and the user left it unset: its declared default,
        else its kind's numeric default; an error when it has neither (``n`` of ``sgd``)."""
        kind, default = self.params[name]
        if default is not None and default is not REQUIRED:
            return default
        if kind.numeric_default is None:
            raise ParameterError(f"the scheme runs on numbers here; give a value for its parameter {name} ({kind})")
        return kind.numeric_default

    def numeric_values(self, given: dict) -> dict:
        """The parameters where the scheme must run on numbers: those ``given``, every other one its
        :meth:`numeric_value`, in the order declared (names it does not declare are kept, for
        :func:`~bea.schemes.builtins.make_scheme` to refuse)."""
        values = {k: given[k] if k in given else self.numeric_value(k) for k in self.params}
        return {**values, **{k: v for k, v in given.items() if k not in self.params}}


def scheme(*, blocks, params=None, times=None, rates=None, name=None):
    """Decorator: turn an update function ``update(y, F, h, **params)`` into a scheme.

    ``params`` maps each parameter name to its kind (``bea.params.RATE``, ``COUNT``,
    ``NUMERIC_COUNT``, ``MOMENTUM`` or their descriptions) or to ``(kind, default)``.
    Everything is checked here, when the scheme is defined.
    """

    def wrap(update):
        if not callable(update):
            raise SchemeError("bea.scheme decorates a function update(y, F, h, **params)")
        label = name or getattr(update, "__name__", "scheme").replace("_", "-")
        declared = _declared_params(label, params)
        _check_signature(update, declared)
        if not callable(blocks):
            check_blocks(label, blocks)
        if times is not None and not callable(times):
            raise SchemeError(f"scheme {label!r}: times must be a function of the parameters returning {{block: T_b / h}}")
        if rates is not None and (not isinstance(rates, dict) or any(p not in declared for p in rates.values())):
            raise SchemeError(f"scheme {label!r}: rates must map blocks to declared parameters, got {rates!r}")
        return SchemeDefinition(label, update, blocks, declared, times, rates)

    return wrap


def _declared_params(name: str, params) -> dict:
    """``{param: (ParamKind, default)}`` from the declaration, every kind and default checked."""
    if params is None:
        return {}
    if not isinstance(params, dict):
        raise SchemeError(f"scheme {name!r}: params must be a dict {{name: kind}}, got {type(params).__name__}")
    out = {}
    for param, spec in params.items():
        if not (isinstance(param, str) and param.isidentifier()) or param in ("y", "F", "h"):
            raise SchemeError(f"scheme {name!r}: {param!r} cannot be a parameter name")
        kind, default = spec if isinstance(spec, tuple) and len(spec) == 2 else (spec, None)
        kind = kind_of(name, param, kind)
        if default is not None and default is not REQUIRED:
            try:
                default = kind.value(param, default)
            except BeaError as error:
                raise SchemeError(f"scheme {name!r}: the default of {param!r} is not valid: {error}") from None
        out[param] = (kind, default)
    return out


def check_blocks(name: str, blocks) -> Blocks:
    """``{block: (labels...)}`` from a declaration: block names, one block per label, labels names."""
    if not isinstance(blocks, dict) or not blocks:
        raise SchemeError(f"scheme {name!r}: blocks must be a non-empty dict {{block: label or labels}}, got {blocks!r}")
    out, seen = {}, {}
    for block, labels in blocks.items():
        if not (isinstance(block, str) and block.isidentifier()):
            raise SchemeError(f"scheme {name!r}: block name {block!r} is not a name")
        labels = (labels,) if isinstance(labels, str) else labels
        if not isinstance(labels, (tuple, list)) or not labels:
            raise SchemeError(f"scheme {name!r}: block {block!r} needs a field label or a list of labels, got {labels!r}")
        for label in labels:
            if not (isinstance(label, str) and label.isidentifier()):
                raise SchemeError(f"scheme {name!r}: field label {label!r} is not a name")
            if label in seen:
                raise SchemeError(f"scheme {name!r}: field {label!r} updates two blocks ({seen[label]!r} and {block!r})")
            if label in blocks:
                raise SchemeError(f"scheme {name!r}: {label!r} is both a block and a field label")
            seen[label] = block
        out[block] = tuple(labels)
    return Blocks(out)


def _check_signature(update, params) -> None:
    try:
        signature = inspect.signature(update)
    except (TypeError, ValueError):  # pragma: no cover - builtins
        return
    names = list(signature.parameters)
    if len(names) < 3:
        raise SchemeError(f"the update function {update.__name__} must take (y, F, h, **params)")
    missing = [p for p in params if p not in names[3:] and not any(
        q.kind is inspect.Parameter.VAR_KEYWORD for q in signature.parameters.values())]
    if missing:
        raise SchemeError(f"the update function {update.__name__} does not take its parameter {missing[0]!r}")
