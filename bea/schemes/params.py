"""Scheme parameters: safe parsing of their values and the kinds they may take.

A parameter value is an integer (``2``), a rational (``3/2``), an exact decimal
(``0.25``, ``1e-3``) or a symbol name (``eta``).  Text is matched against these forms with
regular expressions and never evaluated.

Symbol names that SymPy or bea read as something else are refused: ``h`` (the step
size), SymPy's constants (``E``, ``I``, ``pi``, ``oo``, ``nan``, ...) and Python keywords,
and -- checked when a scheme is bound -- the names of the scheme's fields and blocks.

A *kind* (:class:`ParamKind`) says which values a parameter takes, and whether a
symbol is allowed; it is checked when a scheme is defined (an unknown kind is refused)
and again for every value given.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass
from fractions import Fraction
from numbers import Integral
from typing import Callable

import sympy

from ..errors import ParameterError, SchemeError
from ..exact import exact_number, number_text

__all__ = ["parse_value", "ParamKind", "kind_of", "REQUIRED", "RATE", "COUNT", "NUMERIC_COUNT", "MOMENTUM",
           "RESERVED", "MAX_STEPS"]

#: Names SymPy's parser (and so a reader of bea's JSON) would take for something other than a symbol.
RESERVED = frozenset({"h", "E", "I", "pi", "oo", "zoo", "nan", "inf", "infinity", "S", "N", "O", "Q",
                      "EulerGamma", "Catalan", "GoldenRatio", "TribonacciConstant", "true", "false",
                      *keyword.kwlist})

#: The largest number of steps of a scheme traced one by one (``n`` of ``sgd``).
MAX_STEPS = 100_000

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def parse_value(name: str, value) -> sympy.Expr:
    """The exact SymPy value of parameter ``name`` given as text, number or SymPy atom.

    >>> parse_value("v_phi", "3/2"), parse_value("lr", "1e-3"), parse_value("v_phi", "eta")
    (3/2, 1/1000, eta)
    """
    what = f"parameter {name}"
    if isinstance(value, sympy.Symbol):
        return _checked_symbol(name, value)
    if isinstance(value, str):
        if _NAME.fullmatch(value.strip()):
            return _checked_symbol(name, sympy.Symbol(value.strip()))
        number = number_text(value, what)
        if number is None:
            raise ParameterError(f"{what}: cannot parse {value!r}; use an integer, a rational such as 3/2, or a symbol name")
        return number
    if isinstance(value, (bool, Integral, Fraction, float, sympy.Rational, sympy.Float)):
        return exact_number(value, what, floats="refuse")          # a parameter is exact: floats are refused
    raise ParameterError(f"{what}: cannot use {value!r} of type {type(value).__name__}")


def _checked_symbol(name: str, value):
    if isinstance(value, sympy.Symbol):
        if not _NAME.fullmatch(value.name):
            raise ParameterError(f"parameter {name}: {value.name!r} cannot be used as a symbol name")
        if value.name in RESERVED:
            why = "the step size" if value.name == "h" else "a Python keyword" if keyword.iskeyword(value.name) \
                else "a SymPy constant, so it would not read back as a symbol"
            raise ParameterError(f"parameter {name}: {value.name!r} cannot be used as a symbol name ({why})")
    return value


@dataclass(frozen=True)
class ParamKind:
    """The values a scheme parameter takes: ``accepts(value)`` on exact numbers, ``symbolic`` allowed or not.

    ``numeric_default`` is the value used where the scheme must run on numbers (validation,
    the principal flow, the method's stability) and the user left the parameter unset.
    """

    description: str
    accepts: Callable[[sympy.Rational], bool]
    symbolic: bool = True
    numeric_default: object = None
    reader: Callable | None = None      # reads a value that is not a number (a tableau)

    def value(self, name: str, raw):
        """The value of ``name`` given as ``raw`` if it is of this kind; else :class:`ParameterError`."""
        if self.reader is not None:
            return self.reader(raw)
        value = parse_value(name, raw)
        ok = self.symbolic if isinstance(value, sympy.Symbol) else (value.is_Rational and self.accepts(value))
        if not ok:
            raise ParameterError(f"parameter {name} must be {self.description}, got {value}")
        return value

    def __str__(self) -> str:
        return self.description


RATE = ParamKind("a non-zero rational or a symbol", lambda v: v != 0, numeric_default=1)
COUNT = ParamKind("a positive integer or a symbol", lambda v: v.is_Integer and v > 0, numeric_default=1)
NUMERIC_COUNT = ParamKind(f"a positive integer (at most {MAX_STEPS:,}: each of the steps is traced, one field each)",
                          lambda v: v.is_Integer and 0 < v <= MAX_STEPS, symbolic=False)
MOMENTUM = ParamKind("a rational with |beta| < 1, or a symbol (the slow-manifold expansion needs |beta| < 1)",
                     lambda v: abs(v) < 1, numeric_default=sympy.Rational(1, 2))

_KINDS = {kind.description: kind for kind in (RATE, COUNT, NUMERIC_COUNT, MOMENTUM)}
_KINDS.update({"a rational other than 1, or a symbol": MOMENTUM, "a positive integer": NUMERIC_COUNT,
               f"a positive integer (at most {MAX_STEPS})": NUMERIC_COUNT})

#: The default of a parameter that must be given: ``params={"n": (NUMERIC_COUNT, REQUIRED)}``.
REQUIRED = object()

def kind_of(scheme_name: str, param: str, kind) -> ParamKind:
    """The :class:`ParamKind` declared for ``param``: a kind object or its documented description."""
    if isinstance(kind, ParamKind):
        return kind
    found = _KINDS.get(kind) if isinstance(kind, str) else None
    if found is None:
        known = "; ".join(k.description for k in (RATE, COUNT, NUMERIC_COUNT, MOMENTUM))
        raise SchemeError(f"scheme {scheme_name!r}: parameter {param!r} has the unknown kind {kind!r}; "
                          f"use one of bea.params.RATE, COUNT, NUMERIC_COUNT, MOMENTUM ({known})")
    return found
