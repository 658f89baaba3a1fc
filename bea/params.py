"""Safe parsing and range checks of scheme parameters.

A parameter value is an integer (``2``), a rational (``3/2``), an exact decimal
(``0.25``) or a symbol name (``eta``).  Text is matched against these forms with
regular expressions and never evaluated.
"""

from __future__ import annotations

import re
from fractions import Fraction
from numbers import Integral

import sympy

from .errors import ParameterError

__all__ = ["parse_value", "check_value", "RATE", "COUNT", "NUMERIC_COUNT", "MOMENTUM", "NUMERIC_DEFAULTS"]

RATE = "a non-zero rational or a symbol"
COUNT = "a positive integer or a symbol"
NUMERIC_COUNT = "a positive integer"
MOMENTUM = "a rational other than 1, or a symbol"

#: Values used where a scheme must run on numbers and the user left a parameter unset.
NUMERIC_DEFAULTS = {"v_phi": 1, "v_theta": 1, "m": 1, "k": 1, "beta": "1/2"}

_INTEGER = re.compile(r"[+-]?\d+")
_RATIONAL = re.compile(r"[+-]?\d+/\d+")
_DECIMAL = re.compile(r"[+-]?(\d+\.\d*|\.\d+)")
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_RESERVED = {"h"}


def parse_value(name: str, value) -> sympy.Expr:
    """The exact SymPy value of parameter ``name`` given as text, number or SymPy atom."""
    if isinstance(value, bool):
        raise ParameterError(f"parameter {name}: {value!r} is not a number or a symbol")
    if isinstance(value, (Integral, Fraction)):
        return sympy.Rational(value)
    if isinstance(value, (sympy.Rational, sympy.Symbol)):
        return _checked_symbol(name, value)
    if isinstance(value, float):
        raise ParameterError(
            f"parameter {name}: the float {value!r} is inexact; give an integer, a rational such as '3/2', or a symbol"
        )
    if not isinstance(value, str):
        raise ParameterError(f"parameter {name}: cannot use {value!r} of type {type(value).__name__}")
    text = value.strip()
    if _INTEGER.fullmatch(text):
        return sympy.Integer(int(text))
    if _RATIONAL.fullmatch(text):
        p, q = text.split("/")
        if int(q) == 0:
            raise ParameterError(f"parameter {name}: {value!r} divides by zero")
        return sympy.Rational(int(p), int(q))
    if _DECIMAL.fullmatch(text):
        return sympy.Rational(Fraction(text))
    if _NAME.fullmatch(text):
        return _checked_symbol(name, sympy.Symbol(text))
    raise ParameterError(
        f"parameter {name}: cannot parse {value!r}; use an integer, a rational such as 3/2, or a symbol name"
    )


def _checked_symbol(name: str, value):
    if isinstance(value, sympy.Symbol) and (value.name in _RESERVED or not _NAME.fullmatch(value.name)):
        raise ParameterError(f"parameter {name}: {value.name!r} cannot be used as a symbol name")
    return value


def check_value(name: str, value: sympy.Expr, kind: str) -> sympy.Expr:
    """Raise :class:`ParameterError` unless ``value`` is of the given kind."""
    symbolic = isinstance(value, sympy.Symbol)
    if kind == RATE:
        ok = symbolic or value != 0
    elif kind == COUNT:
        ok = symbolic or (value.is_Integer and value > 0)
    elif kind == NUMERIC_COUNT:
        ok = value.is_Integer and value > 0
    elif kind == MOMENTUM:
        ok = symbolic or value != 1
    else:  # pragma: no cover
        raise AssertionError(kind)
    if not ok:
        raise ParameterError(f"parameter {name} must be {kind}, got {value}")
    return value
