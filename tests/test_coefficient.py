"""Coefficients printed from the exact ring (bea.algebra.coefficient) against SymPy's own printer
on random Laurent polynomials: the same text, the same sign extraction, byte for byte."""

import random

import pytest
import sympy
from sympy.polys.domains import QQ

from bea.algebra.rings import LaurentRing, RationalRing
from bea.algebra.coefficient import ExactCoefficient

SYMBOLS = sympy.symbols("v_phi v_theta m k beta")


def random_polynomial(rng, ring, symbols):
    value = ring.zero
    for _ in range(rng.choice([0, 1, 1, 2, 2, 3, 4, 6])):
        c = sympy.Rational(rng.choice([-1, 1]) * rng.choice([1, 1, 1, 2, 3, 5, 12]), rng.choice([1, 1, 2, 3, 4, 12, 24]))
        term = c
        for s in symbols:
            term *= s ** rng.choice([0, 0, 0, 1, 1, 2, 3, -1, -1, -2])
        value = value + ring.coerce(term)
    return value


@pytest.mark.parametrize("seed", range(8))
def test_laurent_polynomials_print_as_sympy_prints_them(seed):
    rng = random.Random(seed)
    symbols = tuple(rng.sample(SYMBOLS, rng.randint(1, len(SYMBOLS))))      # ring order is not name order
    ring = LaurentRing(symbols)
    for _ in range(400):
        value = random_polynomial(rng, ring, symbols)
        exact, expr = ExactCoefficient(ring, value), ring.to_sympy(value)
        assert str(exact) == str(expr), (str(exact), str(expr))
        assert exact.could_extract_minus_sign() == expr.could_extract_minus_sign(), str(expr)
        assert exact.is_Add == expr.is_Add and (exact == 1) == (expr == 1)
        assert str(-exact) == str(-expr)


def test_rationals_print_as_sympy_prints_them():
    ring = RationalRing()
    for value in (QQ(0), QQ(1), QQ(-1, 2), QQ(7, 3), QQ(-12)):
        exact = ExactCoefficient(ring, value)
        assert str(exact) == str(ring.to_sympy(value))
        assert exact.could_extract_minus_sign() == ring.to_sympy(value).could_extract_minus_sign()


@pytest.mark.parametrize("scheme, order, params", [
    ("alternating", 4, {"time": "per-player"}), ("alternating", 4, {}), ("simultaneous", 4, {"v_phi": "2"}),
    ("sgd", 3, {"n": 3}), ("heavy-ball", 3, {}), ("lookahead", 3, {}), ("euler", 6, {}),
])
def test_derived_coefficients_print_from_the_ring_as_sympy_prints_them(scheme, order, params):
    import bea
    from bea.printing.notation import TEXT, signed_sum

    flow = bea.derive(scheme, order, **params)
    for t in flow.terms:
        assert str(t.exact) == str(t.coefficient), t
        for sign in (1, -1):
            assert signed_sum([(t.exact * sign, "X")], str) == signed_sum([(t.coefficient * sign, "X")], str)
    assert TEXT.exact
