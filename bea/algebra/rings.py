"""Exact coefficient rings for the series solve.

For the papers' schemes every coefficient is a Laurent polynomial with rational
coefficients in the symbolic parameters (``v_phi``, ``v_theta``, ``m``, ``k`` or symbols
the user names): the one-step map is polynomial in the step sizes ``v h / m``, and the
solve only divides by the block times ``T_b / h`` and the repetition counts ``m``, ``k``,
which are non-zero rationals or single symbols, i.e. units of the Laurent ring.

Four rings share one small interface (``zero``, ``one``, ``coerce``, ``inverse``,
``to_sympy``; elements support ``+``, ``-``, ``*`` and truth testing):

* :class:`RationalRing` -- plain exact rationals, used when every parameter is a number;
* :class:`LaurentRing` -- Laurent polynomials over QQ in a tuple of SymPy symbols;
* :class:`FractionRing` -- rational functions, for the solves that divide by more
  (momentum methods on the slow manifold, tableaux with non-monomial entries);
* :class:`AlgebraicRing` -- an algebraic number field ``QQ(sqrt(3), ...)``, for tableaux with
  algebraic entries (Gauss, Radau IIA, Lobatto IIIA-C); with symbols as well, the rational
  functions over that field (a :class:`FractionRing` with the field as its domain).
"""

from __future__ import annotations

import sympy
from sympy.polys.domains import QQ

from ..errors import SchemeError

__all__ = ["RationalRing", "LaurentRing", "FractionRing", "AlgebraicRing", "algebraic_generators", "widening", "ring_for", "ring_kind", "wider_ring", "NotInRing"]


class NotInRing(SchemeError):
    """A coefficient the ring cannot hold: ``wider`` says whether rational functions in the
    ring's symbols can (a non-monomial in a Laurent ring); otherwise it uses a symbol that is
    not a parameter of the scheme."""

    def __init__(self, value, symbols, wider: bool):
        self.wider, self.value = wider, value
        if wider:
            message = (f"{value} is not a monomial in {', '.join(map(str, symbols))}" if symbols else
                       f"{value} is not a rational number")
        else:
            unknown = sorted(str(s) for s in sympy.sympify(value).free_symbols - set(symbols))
            message = (f"the scheme uses the symbol {', '.join(unknown) or value}, which is not one of its parameters "
                       "(declare it in params=... of bea.scheme)")
        super().__init__(message)


def _check_symbols(value, symbols) -> sympy.Expr:
    """``value`` as SymPy, refusing symbols that are not the ring's."""
    value = sympy.sympify(value)
    if not value.free_symbols <= set(symbols):
        raise NotInRing(value, symbols, wider=False)
    return value

_WIDTH = 20                     # bits per exponent in a packed monomial
_BIAS = 1 << (_WIDTH - 1)       # exponents are stored as e + _BIAS, so they may be negative


class RationalRing:
    """The field QQ of exact rationals (SymPy's ground type, gmpy2 when installed)."""

    zero = QQ(0)
    one = QQ(1)
    symbols = ()

    def coerce(self, value) -> object:
        """A SymPy Rational (or int) as an element of QQ."""
        value = _check_symbols(value, ())
        if not value.is_Rational:
            raise NotInRing(value, (), wider=True)
        return QQ(int(value.p), int(value.q))

    def inverse(self, x):
        return self.one / x

    def to_sympy(self, x) -> sympy.Expr:
        return sympy.Rational(int(x.numerator), int(x.denominator))


class LaurentRing:
    """Laurent polynomials over QQ in ``symbols``.

    A monomial ``prod s_i^{e_i}`` is packed into one integer with ``e_i + BIAS`` in bits
    ``[WIDTH i, WIDTH (i+1))``, so multiplying monomials is adding integers.

    >>> m, v = sympy.symbols("m v")
    >>> ring = LaurentRing((m, v))
    >>> x = ring.coerce(v / (2 * m)) + ring.one
    >>> ring.to_sympy(x * x - ring.one), ring.to_sympy(ring.inverse(ring.coerce(3 * m)))
    (v/m + v**2/(4*m**2), 1/(3*m))
    """

    def __init__(self, symbols):
        self.symbols = tuple(symbols)
        self._unit_key = sum(_BIAS << (_WIDTH * i) for i in range(len(self.symbols)))
        self.zero = Laurent(self, {})
        self.one = Laurent(self, {self._unit_key: QQ(1)})

    def monomial(self, exponents) -> "Laurent":
        key = self._unit_key + sum(e << (_WIDTH * i) for i, e in enumerate(exponents))
        return Laurent(self, {key: QQ(1)})

    def coerce(self, value) -> "Laurent":
        """A rational, a symbol of the ring, or a product of powers of them."""
        value = _check_symbols(value, self.symbols)
        coeff, factors = value.as_coeff_mul()
        result = Laurent(self, {self._unit_key: RationalRing().coerce(coeff)})
        for factor in factors:
            base, exp = factor.as_base_exp()
            if base not in self.symbols or not exp.is_Integer:
                raise NotInRing(value, self.symbols, wider=True)
            exps = [0] * len(self.symbols)
            exps[self.symbols.index(base)] = int(exp)
            result = result * self.monomial(exps)
        return result

    def inverse(self, x: "Laurent") -> "Laurent":
        """The inverse of a unit ``c * monomial``; other elements are not invertible."""
        if len(x.terms) != 1:
            raise ZeroDivisionError(f"{self.to_sympy(x)} is not a unit of the Laurent ring")
        (key, c), = x.terms.items()
        return Laurent(self, {2 * self._unit_key - key: QQ(1) / c})

    def exponents(self, key: int) -> list[int]:
        mask = (1 << _WIDTH) - 1
        return [((key >> (_WIDTH * i)) & mask) - _BIAS for i in range(len(self.symbols))]

    def to_sympy(self, x: "Laurent") -> sympy.Expr:
        terms = []
        for key, c in x.terms.items():
            term = sympy.Rational(int(c.numerator), int(c.denominator))
            for sym, e in zip(self.symbols, self.exponents(key)):
                if e:
                    term *= sym ** e
            terms.append(term)
        return sympy.Add(*terms)


class Laurent:
    """An element of a :class:`LaurentRing`: a dict from packed monomials to rationals."""

    __slots__ = ("ring", "terms")

    def __init__(self, ring: LaurentRing, terms: dict):
        self.ring = ring
        self.terms = terms

    def __bool__(self) -> bool:
        return bool(self.terms)

    def __eq__(self, other) -> bool:
        return not (self - other)

    __hash__ = None

    def _lift(self, other) -> "Laurent":
        if isinstance(other, Laurent):
            return other
        return Laurent(self.ring, {self.ring._unit_key: other} if other else {})

    def __add__(self, other):
        other = self._lift(other)
        if len(other.terms) > len(self.terms):
            self, other = other, self
        terms = dict(self.terms)
        for key, c in other.terms.items():
            s = terms.get(key)
            if s is None:
                terms[key] = c
            else:
                s += c
                if s:
                    terms[key] = s
                else:
                    del terms[key]
        return Laurent(self.ring, terms)

    __radd__ = __add__

    def __neg__(self):
        return Laurent(self.ring, {key: -c for key, c in self.terms.items()})

    def __sub__(self, other):
        return self + (-self._lift(other))

    def __rsub__(self, other):
        return self._lift(other) + (-self)

    def __mul__(self, other):
        if not isinstance(other, Laurent):
            if not other:
                return Laurent(self.ring, {})
            return Laurent(self.ring, {key: c * other for key, c in self.terms.items()})
        a, b = (self.terms, other.terms) if len(self.terms) >= len(other.terms) else (other.terms, self.terms)
        if len(b) == 1:             # a monomial times a polynomial (most products): no two terms collide
            (k2, c2), = b.items()
            shift = k2 - self.ring._unit_key
            return Laurent(self.ring, {k1 + shift: c1 * c2 for k1, c1 in a.items()})
        unit = self.ring._unit_key
        terms: dict = {}
        for k1, c1 in a.items():
            for k2, c2 in b.items():
                key = k1 + k2 - unit
                s = terms.get(key)
                terms[key] = c1 * c2 if s is None else s + c1 * c2
        return Laurent(self.ring, {key: c for key, c in terms.items() if c})

    __rmul__ = __mul__

    def __repr__(self) -> str:
        return f"Laurent({self.ring.to_sympy(self)})"


def ring_kind(ring) -> str:
    """``rational``, ``laurent`` or ``fraction`` (for the work estimate of :mod:`bea.engine.budget`;
    an algebraic number field costs as rational functions do)."""
    return {RationalRing: "rational", LaurentRing: "laurent"}.get(type(ring), "fraction")


def wider_ring(ring, value=None):
    """A ring holding ``ring`` and ``value``: the rational functions in the ring's symbols (for a
    non-monomial in a Laurent ring), over the number field of the ring's and the value's roots
    (for ``sqrt(3)``)."""
    generators = sorted(set(getattr(ring, "generators", ())) | set(algebraic_generators([value] if value is not None else [])), key=sympy.default_sort_key)
    if not generators:
        return FractionRing(ring.symbols)
    number_field = AlgebraicRing(generators)
    return FractionRing(ring.symbols, number_field.field) if ring.symbols else number_field


def natural_form(expr: sympy.Expr) -> sympy.Expr:
    """A factored rational function written as a reader would: a denominator factor with a negative constant
    term turned round, ``-1/(beta - 1)`` as ``1/(1 - beta)`` and ``(beta + 1)/(2 (beta - 1)^3)`` as
    ``-(beta + 1)/(2 (1 - beta)^3)`` (the same value; numerators are left as SymPy orders them).

    >>> beta = sympy.Symbol("beta")
    >>> natural_form(sympy.factor(-1 / (beta - 1))), natural_form(sympy.factor((beta + 1) / (2 * (beta - 1)**3)))
    (1/(1 - beta), -(beta + 1)/(2*(1 - beta)**3))
    """
    coeff, factors = expr.as_coeff_mul()
    sign, out, turned = sympy.Integer(1), [], False
    for factor in factors:
        base, exponent = factor.as_base_exp()
        if base.is_Add and exponent.is_Integer and exponent < 0 and base.as_coeff_Add()[0] < 0:
            base, sign, turned = -base, sign * sympy.Integer(-1) ** exponent, True
        out.append(sympy.Pow(base, exponent))
    return sympy.Mul(sign * coeff, *out) if turned else expr


def widening(ring, run, limit: int = 8):
    """``(run(ring), ring)``, with the ring widened (:func:`wider_ring`) each time a coefficient
    does not fit (a :class:`NotInRing` that says so); other errors pass through."""
    for _ in range(limit):
        try:
            return run(ring), ring
        except NotInRing as error:
            if not error.wider:
                raise
            ring = wider_ring(ring, error.value)
    return run(ring), ring


def algebraic_generators(values) -> list:
    """The irrational roots of rationals (``sqrt(3)``, ``15**(1/3)``) occurring in ``values``,
    sorted; a number that is neither rational nor built from such roots by arithmetic (``pi``,
    ``exp(1)``) is refused: it has no exact ring."""
    generators = set()
    for value in values:
        for atom in sympy.sympify(value).atoms(sympy.Number, sympy.NumberSymbol, sympy.Pow, sympy.Function):
            if isinstance(atom, sympy.Pow) and atom.base.is_Rational and atom.exp.is_Rational:
                if not atom.exp.is_Integer:
                    generators.add(atom)
            elif isinstance(atom, sympy.Pow) or atom.is_Rational:
                continue
            elif not atom.free_symbols:
                raise SchemeError(f"the value {value} contains {atom}, which is not an algebraic number: "
                                  "coefficients must be exact rationals, roots of rationals or symbols")
    return sorted(generators, key=sympy.default_sort_key)


def ring_for(values, divides: bool = False):
    """The smallest ring holding the given SymPy values.

    QQ when they are numbers; Laurent polynomials in their symbols when every value is a
    monomial and the solve divides only by block times and counts; rational functions when
    some value is not a monomial or ``divides`` says the solve divides by other elements.
    """
    values = [sympy.sympify(v) for v in values]
    symbols = sorted(set().union(*(v.free_symbols for v in values)), key=str)
    generators = algebraic_generators(values)
    if generators:
        return AlgebraicRing(generators) if not symbols else FractionRing(symbols, AlgebraicRing(generators).field)
    if not symbols:
        return RationalRing()
    if divides or not all(_is_monomial(v, symbols) for v in values):
        return FractionRing(symbols)
    return LaurentRing(symbols)


def _is_monomial(value, symbols) -> bool:
    coeff, factors = value.as_coeff_mul()
    return coeff.is_Rational and all(
        f.as_base_exp()[0] in symbols and f.as_base_exp()[1].is_Integer for f in factors)


class FractionRing:
    """Rational functions over QQ in ``symbols`` (SymPy's ``FracField``).

    Needed when the solve divides by more than a monomial: the slow-manifold factor
    ``1 - beta`` of momentum methods, or tableau entries such as ``1 - 1/(2 alpha)``.
    """

    def __init__(self, symbols, domain=QQ):
        from sympy.polys.fields import field

        self.symbols, self.domain = tuple(symbols), domain
        self.generators = tuple(getattr(domain, "orig_ext", ()))      # the roots of an algebraic domain
        self.field, *_ = field(self.symbols, domain)
        self.zero, self.one = self.field.zero, self.field.one

    def coerce(self, value):
        value = _check_symbols(value, self.symbols)
        try:
            return self.field.from_expr(value)
        except Exception:        # SymPy's CoercionFailed: a root outside the ground field
            raise NotInRing(value, self.symbols, wider=True) from None

    def inverse(self, x):
        if not x:
            raise ZeroDivisionError("division by zero in the rational-function ring")
        return self.one / x

    def to_sympy(self, x) -> sympy.Expr:
        return natural_form(sympy.factor(x.as_expr()))


class AlgebraicRing:
    """The number field ``QQ(g_1, ..., g_n)`` generated by roots of rationals (SymPy's
    ``AlgebraicField``, one primitive element): exact arithmetic and division for tableaux such as
    Gauss's ``1/2 +- sqrt(3)/6`` [HLW06, Sec II.1.3].

    >>> ring = AlgebraicRing([sympy.sqrt(3)])
    >>> c = ring.coerce(sympy.Rational(1, 2) - sympy.sqrt(3) / 6)
    >>> ring.to_sympy(c * c), ring.to_sympy(ring.inverse(c))
    (1/3 - sqrt(3)/6, sqrt(3) + 3)
    """

    def __init__(self, generators):
        self.generators = tuple(generators)
        self.symbols = ()
        self.field = QQ.algebraic_field(*self.generators)
        self.zero, self.one = self.field.zero, self.field.one

    def coerce(self, value):
        value = _check_symbols(value, ())
        try:
            return self.field.from_sympy(value)
        except Exception:        # SymPy raises CoercionFailed (or NotAlgebraic) for a number outside the field
            raise NotInRing(value, (), wider=True) from None

    def inverse(self, x):
        if not x:
            raise ZeroDivisionError("division by zero in an algebraic number field")
        return self.one / x

    def to_sympy(self, x) -> sympy.Expr:
        return self.field.to_sympy(x)
