"""User schemes that misuse the mechanism, each refused in one line (tests/test_reliability.py)."""

import numpy as np
import sympy

import bea


@bea.scheme(blocks={"theta": "f"})
def root_two(y, F, h):
    return y + sympy.sqrt(2) * h * F.f(y)


@bea.scheme(blocks={"theta": "f"})
def transcendental(y, F, h):
    return y + sympy.pi * h * F.f(y)


@bea.scheme(blocks={"theta": "f"})
def absolute(y, F, h):
    return abs(y) + h * F.f(y)


@bea.scheme(blocks={"theta": "f"})
def numpy_tanh(y, F, h):
    return np.tanh(y) + h * F.f(y)


@bea.scheme(blocks={"theta": "f"})
def undeclared_symbol(y, F, h):
    return y + sympy.Symbol("c") * h * F.f(y)


@bea.scheme(blocks={"theta": "f"})
def raises(y, F, h):
    return 1 / 0


@bea.scheme(blocks={"theta": "f"})
def branches(y, F, h):
    return y + h * F.f(y) if y else y


@bea.scheme(blocks={"theta": "f"}, params={"c": bea.schemes.params.RATE})
def one_plus_c(y, F, h, c):
    return y + (1 + c) * h * F.f(y)
