"""A derived coefficient as it comes out of the engine: an exact ring element that prints itself.

A derived coefficient is an element of a ring of :mod:`bea.algebra.rings`: a rational, or a
Laurent polynomial over QQ in the parameters.  Converting each to SymPy and printing it with
SymPy's ``str`` costs most of a large derivation's time, so :class:`ExactCoefficient` prints a
Laurent polynomial itself, *as SymPy's StrPrinter would*: the term order of
``Expr.as_ordered_terms`` (monomials in lexicographic order of the generators sorted by name,
larger exponents first; the special case ``1 - x/2``) and the layout of ``_print_Mul`` /
``_print_Pow`` (``-v_phi**2/(2*m)``, ``m**(-2)``).  Where SymPy's choice depends on more than
that (the sign SymPy extracts from a sum with as many negative as positive terms and a constant
term), or for other rings, it asks SymPy.  ``tests/test_coefficient.py`` compares it with SymPy on
random polynomials.  The LaTeX printer still asks SymPy (``expr``).
"""

from __future__ import annotations

from .rings import Laurent, RationalRing

__all__ = ["ExactCoefficient"]

_OTHER = object()          # the terms of an element of another ring: SymPy prints it
_MONOMIALS: dict = {}      # {generator names: ({ring key: factors}, {factors: sort key})}, for all coefficients


class ExactCoefficient:
    """A ring element with the parts of the SymPy interface the printers use."""

    __slots__ = ("ring", "value", "_expr", "_terms_", "_ordered_")

    def __init__(self, ring, value):
        self.ring, self.value = ring, value
        self._expr = self._terms_ = self._ordered_ = None

    # -- the SymPy interface used by the printers ---------------------------------------------
    @property
    def expr(self):
        """The SymPy expression (built on demand, once)."""
        if self._expr is None:
            self._expr = self.ring.to_sympy(self.value)
        return self._expr

    def __neg__(self) -> "ExactCoefficient":
        return ExactCoefficient(self.ring, -self.value)

    def __mul__(self, sign: int) -> "ExactCoefficient":
        return self if sign == 1 else ExactCoefficient(self.ring, self.value * sign)

    def __eq__(self, other) -> bool:
        if other == 1 and self._terms is not None:
            return self._terms == [(1, 1, ())]
        return self.expr == other

    __hash__ = None

    @property
    def is_Add(self) -> bool:
        terms = self._terms
        return len(terms) > 1 if terms is not None else self.expr.is_Add

    def could_extract_minus_sign(self) -> bool:
        terms = self._terms
        if terms is None:
            return self.expr.could_extract_minus_sign()
        if not terms:
            return False
        if len(terms) == 1:
            return terms[0][0] < 0
        negative = sum(1 for p, _, _ in terms if p < 0)
        if 2 * negative != len(terms):
            return 2 * negative > len(terms)
        if len(terms) == 2 and any(not f for _, _, f in terms):
            return self.expr.could_extract_minus_sign()      # 1 - x/2 and -1 + x/2 sort differently
        return self._ordered[0][0] < 0                          # SymPy: expr.sort_key() < (-expr).sort_key()

    def __str__(self) -> str:
        terms = self._terms
        if terms is None:
            return str(self.expr)
        if not terms:
            return "0"
        out = []
        for p, q, factors in self._ordered:
            text = _term_text(p, q, factors)
            sign = "-" if text.startswith("-") else "+"
            out += [sign, text[1:] if sign == "-" else text]
        first = out.pop(0)
        return ("" if first == "+" else "-") + " ".join(out)

    # -- the polynomial ------------------------------------------------------------------------
    @property
    def _terms(self) -> list | None:
        """``[(p, q, ((name, exponent), ...))]`` with factors sorted by name; None outside QQ[x, 1/x]."""
        if self._terms_ is None:
            self._terms_ = self._read_terms()
        return None if self._terms_ is _OTHER else self._terms_

    def _read_terms(self):
        value, ring = self.value, self.ring
        if isinstance(ring, RationalRing):
            return [] if not value else [(int(value.numerator), int(value.denominator), ())]
        if not isinstance(value, Laurent):
            return _OTHER
        names = tuple(s.name for s in ring.symbols)
        factors_of, ranks = _MONOMIALS.setdefault(names, ({}, {}))
        out = []
        for key, c in value.terms.items():
            factors = factors_of.get(key)
            if factors is None:
                factors, rank = _monomial(names, ring.exponents(key))
                factors_of[key], ranks[factors] = factors, rank
            out.append((int(c.numerator), int(c.denominator), factors))
        return out

    @property
    def _ordered(self) -> list:
        """The terms in the order of SymPy's ``Expr.as_ordered_terms``."""
        if self._ordered_ is None:
            self._ordered_ = self._order()
        return self._ordered_

    def _order(self) -> list:
        terms = self._terms
        if len(terms) < 2:
            return terms
        if len(terms) == 2:                                   # SymPy's special case Add(Number, Mul(-Number, x))
            constant, other = [t for t in terms if not t[2]], [t for t in terms if t[2]]
            if constant and constant[0][0] > 0 and len(other[0][2]) == 1 and other[0][0] < 0:
                return constant + other
        rank = _MONOMIALS[tuple(s.name for s in self.ring.symbols)][1]
        return sorted(terms, key=lambda term: (rank[term[2]], term[0] / term[1]))


def _monomial(names: tuple, exponents: list) -> tuple:
    """``(factors, sort key)`` of a monomial: its ``(name, exponent)`` pairs sorted by name, and the
    exponents negated in the order of the sorted names (SymPy's lexicographic term order: larger
    exponents first).  Generators absent from a coefficient have exponent 0 in all its terms, so
    ordering by all the ring's generators orders its terms as by its own."""
    pairs = sorted(zip(names, exponents))
    return tuple((n, e) for n, e in pairs if e), tuple(-e for _, e in pairs)


def _term_text(p: int, q: int, factors: tuple) -> str:
    """One term as SymPy's StrPrinter prints the Rational, Symbol, Pow or Mul it is."""
    if not factors:
        return str(p) if q == 1 else f"{p}/{q}"
    if p == 1 and q == 1 and len(factors) == 1:
        name, e = factors[0]
        return name if e == 1 else f"1/{name}" if e == -1 else f"{name}**({e})" if e < 0 else f"{name}**{e}"
    sign = "-" if p < 0 else ""
    p = abs(p)
    numerator = [str(p)] if p != 1 else []
    denominator = [str(q)] if q != 1 else []
    for name, e in factors:
        if e > 0:
            numerator.append(name if e == 1 else f"{name}**{e}")
        else:
            denominator.append(name if e == -1 else f"{name}**{-e}")
    text = sign + "*".join(numerator or ["1"])
    if len(denominator) == 1:
        return f"{text}/{denominator[0]}"
    return f"{text}/({'*'.join(denominator)})" if denominator else text
