"""The one exact-number policy (bea.exact; docs/architecture.md "Numbers"): each float policy, text
numbers, complex values, the way back to mpmath, and the places that use each policy."""

import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy

import bea
from bea.exact import exact_number, mp_number, number_text


@pytest.mark.parametrize("value, expected", [
    (0.1, sympy.Rational(1, 10)), ("0.1", sympy.Rational(1, 10)), ("3/2", sympy.Rational(3, 2)), (2, 2),
    (Fraction(1, 3), sympy.Rational(1, 3)), ("-1e-3", sympy.Rational(-1, 1000)), (np.float64(0.25), sympy.Rational(1, 4)),
    (sympy.sqrt(2), sympy.sqrt(2)), (sympy.Float(0.2), sympy.Rational(1, 5)),
])
def test_decimal_policy_reads_what_a_person_typed(value, expected):
    assert exact_number(value) == expected


def test_binary_policy_reads_the_double_itself():
    value = exact_number(0.1, floats="binary")
    assert value == sympy.Rational(3602879701896397, 36028797018963968) and float(value) == 0.1
    assert exact_number("0.1", floats="binary") == sympy.Rational(1, 10)        # text is exact under every policy


def test_refuse_policy_and_what_is_never_a_number():
    with pytest.raises(bea.ParameterError, match="float 0.5 is inexact"):
        exact_number(0.5, floats="refuse")
    for bad in (True, None, math.nan, math.inf, "1/0", "x", "2**3", 1j, sympy.oo, sympy.I, [1]):
        with pytest.raises(bea.ParameterError):
            exact_number(bad)


def test_complex_values_when_allowed():
    assert exact_number(0.5 - 0.25j, allow_complex=True) == sympy.Rational(1, 2) - sympy.I / 4
    assert exact_number(0.1 + 0j, floats="binary", allow_complex=True) == exact_number(0.1, floats="binary")


def test_text_numbers_are_parsed_not_evaluated():
    assert number_text(" 7 ") == 7 and number_text("2.5e-1") == sympy.Rational(1, 4)
    assert number_text("__import__('os')") is None and number_text("1+1") is None


def test_mp_number_is_exact_for_rationals_and_precise_otherwise():
    with mpmath.workdps(40):
        assert mp_number(sympy.Rational(1, 3)) == mpmath.mpf(1) / 3
        assert abs(mp_number(sympy.exp(-1)) - mpmath.exp(-1)) < mpmath.mpf(10) ** -38


def test_each_entry_point_uses_its_policy():
    x = sympy.Symbol("x")
    # points and step sizes: decimal
    stability = bea.derive("euler", 2).stability({"f": [-x]}, {"theta": [x]}, {"x": 0.2, "h": 0.1})
    assert stability.at == {x: sympy.Rational(1, 5), sympy.Symbol("h"): sympy.Rational(1, 10)}
    assert bea.principal_flow({"f": [-x]}, {"theta": [x]}, 0.2).h == sympy.Rational(1, 5)
    # parameters: exact only
    with pytest.raises(bea.ParameterError, match="float"):
        bea.derive("simultaneous", 2, v_phi=0.5)
    # a numerical state read back by the principal flow: binary
    M, _ = bea.principal_flow({"f": [-x**2]}, {"theta": [x]}, "1/10").affine_map([0.1], exact=True)
    assert M[0, 0] == 1 - sympy.Rational(1, 10) * 2 * exact_number(0.1, floats="binary")
