"""One exact-number policy: how a value a user gives becomes an exact SymPy number.

:func:`exact_number` is the one conversion of a step size, a coordinate of a point or a
parameter value to an exact number.  Its rules:

* integers, :class:`fractions.Fraction` and SymPy rationals are themselves;
* text is an integer (``2``), a rational (``3/2``) or a decimal (``0.25``, ``1e-3``), read
  exactly and never evaluated;
* a float is read as the shortest decimal that prints as it (``0.1`` is ``1/10``, as a
  user who typed ``0.1`` meant) under the default policy ``floats="decimal"``; ``"binary"``
  takes its exact binary value (for floats that are data, e.g. a numerical state);
  ``"refuse"`` refuses it;
* other exact real SymPy numbers (``sqrt(2)``) are kept; NaN, infinities and complex numbers
  are refused, naming the value -- unless ``allow_complex=True``, when a complex number is its
  real and imaginary parts, each under the same float policy.

Where each policy is used: ``decimal`` for everything a person types or passes (step sizes,
points, parameter values, ``--at``, ``--h``); ``binary`` for floats that are computed data (a
state on a NumPy trajectory, read back exactly by the principal flow); ``refuse`` where an
exact input is required (Butcher tableaux).  :func:`mp_number` is the one conversion the other
way, from exact numbers to mpmath at a working precision.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from numbers import Integral

import sympy

from .errors import ParameterError

__all__ = ["exact_number", "number_text", "mp_number", "FLOAT_POLICIES", "UNDEFINED"]

FLOAT_POLICIES = ("decimal", "binary", "refuse")

#: The values an exact expression takes where it is singular: ``expr.has(*UNDEFINED)`` tests for them.
UNDEFINED = (sympy.zoo, sympy.nan, sympy.oo, -sympy.oo)

_INTEGER = re.compile(r"[+-]?\d+")
_RATIONAL = re.compile(r"[+-]?\d+/\d+")
_DECIMAL = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def number_text(text: str, what: str = "the value") -> sympy.Rational | None:
    """The exact number written as ``text`` -- an integer, ``p/q`` or a decimal -- or None when the
    text is not one of those (it is never evaluated).

    >>> number_text("-3/4"), number_text("2.5e-1"), number_text("x") is None
    (-3/4, 1/4, True)
    """
    text = text.strip()
    if _INTEGER.fullmatch(text):
        return sympy.Integer(int(text))
    if _RATIONAL.fullmatch(text):
        p, q = text.split("/")
        if int(q) == 0:
            raise ParameterError(f"{what}: {text!r} divides by zero")
        return sympy.Rational(int(p), int(q))
    if _DECIMAL.fullmatch(text):
        return sympy.Rational(Fraction(text))
    return None


def exact_number(value, what: str = "the value", floats: str = "decimal", allow_complex: bool = False) -> sympy.Expr:
    """``value`` as an exact, finite, real SymPy number (see the module docstring).

    >>> exact_number(0.1), exact_number("3/2"), exact_number("1e-3"), exact_number(0.1, floats="binary")
    (1/10, 3/2, 1/1000, 3602879701896397/36028797018963968)
    >>> exact_number(0.5 - 0.25j, allow_complex=True)
    1/2 - I/4
    """
    if floats not in FLOAT_POLICIES:
        raise ValueError(f"floats must be one of {FLOAT_POLICIES}")
    if isinstance(value, bool) or value is None:
        raise ParameterError(f"{what}: {value!r} is not a number")
    if isinstance(value, (Integral, Fraction)):
        return sympy.Rational(value)
    if hasattr(value, "dtype") and getattr(value, "shape", None) == ():      # NumPy scalars
        value = value.item()
    if isinstance(value, float):
        return _float(value, what, floats)
    if isinstance(value, complex) and allow_complex:
        return _float(value.real, what, floats) + sympy.I * _float(value.imag, what, floats)
    if isinstance(value, complex):
        raise ParameterError(f"{what}: {value!r} is complex; a real number is needed")
    if isinstance(value, str):
        parsed = number_text(value, what)
        if parsed is None:
            raise ParameterError(f"{what}: expected a number (an integer, a rational such as 3/2 or a decimal), "
                                 f"got {value!r}")
        return parsed
    if isinstance(value, sympy.Basic):
        if isinstance(value, sympy.Float):
            return _float(float(value), what, floats)
        if value.is_Rational:
            return value
        if value.is_number and value.is_real and value.is_finite and not value.has(sympy.Float):
            return value
        raise ParameterError(f"{what}: {value} is not a finite real number")
    raise ParameterError(f"{what}: cannot use {value!r} of type {type(value).__name__} as a number")


def _float(value: float, what: str, floats: str) -> sympy.Rational:
    if not math.isfinite(value):
        raise ParameterError(f"{what}: {value!r} is not a finite number")
    if floats == "refuse":
        raise ParameterError(f"{what}: the float {value!r} is inexact; give an integer, a rational such as '3/2', "
                             "or a decimal as text")
    return sympy.Rational(repr(value)) if floats == "decimal" else sympy.Rational(value)


def mp_number(value, digits: int | None = None):
    """An exact SymPy number as an mpmath number: rationals exactly, other numbers (``exp(-1)``,
    ``sqrt(2) i``) evaluated by SymPy to ``digits`` + 10 digits (default: mpmath's working
    precision; call inside ``mpmath.workdps``).

    >>> mp_number(sympy.Rational(1, 4)), mp_number(sympy.sqrt(2), 15)
    (mpf('0.25'), mpf('1.4142135623730951'))
    """
    import mpmath

    digits = mpmath.mp.dps if digits is None else digits

    value = sympy.sympify(value)
    if value.is_Rational:
        return mpmath.mpf(int(value.p)) / int(value.q)
    re, im = sympy.N(value, digits + 10).as_real_imag()
    return mpmath.mpc(mpmath.mpf(str(re)), mpmath.mpf(str(im))) if im else mpmath.mpf(str(re))
