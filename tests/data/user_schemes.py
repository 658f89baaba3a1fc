"""User-defined schemes for the tests (loaded as tests/data/user_schemes.py:NAME)."""

import sympy

import bea


@bea.scheme(blocks={"theta": "f"})
def my_heun(y, F, h):
    """Heun's method written by hand."""
    k1 = h * F.f(y)
    k2 = h * F.f(y + k1)
    return y + (k1 + k2) / 2


@bea.scheme(blocks={"phi": "f", "theta": "g"}, params={"gamma": "a non-zero rational or a symbol"})
def damped_alternation(y, F, h, gamma):
    """phi steps, then theta steps from the new phi with rate gamma."""
    z = y + h * F.f(y)
    return z + gamma * h * F.g(z)


@bea.scheme(blocks={"theta": "f"})
def no_step_size(y, F, h):
    return y + F.f(y)


@bea.scheme(blocks={"theta": "f"})
def double(y, F, h):
    return 2 * y + h * F.f(y)


@bea.scheme(blocks={"theta": "f"})
def other_field(y, F, h):
    return y + h * F.g(y)


@bea.scheme(blocks={"theta": "f"})
def float_rate(y, F, h):
    return y + 0.5 * h * F.f(y)


@bea.scheme(blocks={"theta": "f"})
def square_step(y, F, h):
    return y + h * h * F.f(y)


@bea.scheme(blocks={"theta": "f"})
def not_near_identity(y, F, h):
    return bea.solve(lambda z: 2 * z - y + h * F.f(z), y)


@bea.scheme(blocks={"theta": "f"})
def returns_nothing(y, F, h):
    y + h * F.f(y)


sympy_not_a_scheme = sympy.Integer(3)
