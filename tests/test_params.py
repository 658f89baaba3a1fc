"""Bad input in Python: ValueError subclasses naming what was wrong; values parsed safely."""

from fractions import Fraction

import pytest
import sympy

import bea
from bea.errors import BeaError, OrderError, ParameterError, SchemeError


@pytest.mark.parametrize("call,error,words", [
    (lambda: bea.derive("nope", 2), SchemeError, "unknown scheme"),
    (lambda: bea.derive("euler", 0), OrderError, "order"),
    (lambda: bea.derive("euler", 2.0), OrderError, "order"),
    (lambda: bea.derive("euler", "3"), OrderError, "order"),
    (lambda: bea.derive("euler", True), OrderError, "order"),
    (lambda: bea.derive("euler", 2, m=2), ParameterError, "no parameter 'm'"),
    (lambda: bea.derive("euler", 2, time="per-player"), SchemeError, "one block"),
    (lambda: bea.derive("simultaneous", 2, time="later"), SchemeError, "time convention"),
    (lambda: bea.derive("sgd", 2), ParameterError, "needs the parameter n"),
    (lambda: bea.derive("sgd", 2, n=0), ParameterError, "positive integer"),
    (lambda: bea.derive("sgd", 2, n="k"), ParameterError, "positive integer"),
    (lambda: bea.derive("alternating", 2, m=0), ParameterError, "parameter m"),
    (lambda: bea.derive("alternating", 2, m="1/2"), ParameterError, "parameter m"),
    (lambda: bea.derive("alternating", 2, k=-1), ParameterError, "parameter k"),
    (lambda: bea.derive("alternating", 2, v_phi=0), ParameterError, "v_phi"),
    (lambda: bea.derive("alternating", 2, v_phi=0.5), ParameterError, "float"),
    (lambda: bea.derive("alternating", 2, v_phi="1/0"), ParameterError, "divides by zero"),
    (lambda: bea.derive("alternating", 2, v_phi="h"), ParameterError, "symbol name"),
    (lambda: bea.derive("alternating", 2, v_phi="2*x"), ParameterError, "cannot parse"),
    (lambda: bea.derive("alternating", 2, v_phi="__import__('os').system('true')"), ParameterError, "cannot parse"),
    (lambda: bea.derive("alternating", 2, v_phi=[1]), ParameterError, "cannot use"),
])
def test_bad_input(call, error, words):
    with pytest.raises(error, match=words) as info:
        call()
    assert isinstance(info.value, ValueError) and isinstance(info.value, BeaError)


@pytest.mark.parametrize("value,expected", [
    (2, sympy.Integer(2)), ("3/2", sympy.Rational(3, 2)), (Fraction(3, 2), sympy.Rational(3, 2)),
    ("0.25", sympy.Rational(1, 4)), ("-2", sympy.Integer(-2)), ("eta", sympy.Symbol("eta")),
    (sympy.Rational(1, 3), sympy.Rational(1, 3)), (sympy.Symbol("lr"), sympy.Symbol("lr")),
])
def test_values(value, expected):
    flow = bea.derive("simultaneous", 1, v_phi=value)
    assert flow.params["v_phi"] == expected
    assert flow.coefficient("phi", "f") == expected


def test_unset_parameters_stay_symbolic():
    flow = bea.derive("alternating", 1, m=2)
    assert flow.params == {"v_phi": sympy.Symbol("v_phi"), "v_theta": sympy.Symbol("v_theta"),
                           "m": sympy.Integer(2), "k": sympy.Symbol("k")}
