"""Stability of modified flows at a point: the exact Jacobian, its eigenvalues and a verdict.

Thesis Sec 4.3 (Remark 2.3.1): an equilibrium of a flow is asymptotically stable when
every eigenvalue of the Jacobian there has negative real part, and unstable when one has
positive real part; eigenvalues on the imaginary axis leave the linearisation
inconclusive.  The verdict is decided from the exact characteristic polynomial ``p``:
roots on the imaginary axis are the common real roots ``w`` of ``Re p(iw)`` and
``Im p(iw)`` (found exactly with a gcd and Sturm counting); the signs of the other roots'
real parts are read from high-precision numerical roots, which cannot misjudge a sign
that is not zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import mpmath
import sympy

__all__ = ["Stability", "STABLE", "UNSTABLE", "INCONCLUSIVE", "equilibrium_jacobian"]

STABLE = "stable"
UNSTABLE = "unstable"
INCONCLUSIVE = "inconclusive"

_DIGITS = 60
_MAX_DIGITS = 4000
_POSITIVE = {"h", "v_phi", "v_theta", "m", "k", "n"}      # positive by the contract's conventions


@dataclass(frozen=True)
class Stability:
    """The exact Jacobian ``matrix`` of a flow at the point ``at``, with eigenvalues and a verdict."""

    matrix: sympy.Matrix
    at: dict = field(default_factory=dict)
    fixed_point: bool | None = None      # is ``at`` an equilibrium of the flow (None: not known)

    @cached_property
    def trace(self) -> sympy.Expr:
        return sympy.simplify(self.matrix.trace())

    @cached_property
    def determinant(self) -> sympy.Expr:
        return sympy.factor(self.matrix.det(method="berkowitz"))

    @cached_property
    def characteristic_polynomial(self) -> sympy.Poly:
        """``det(s I - J)`` in the variable ``s``."""
        return self.matrix.charpoly(sympy.Symbol("s"))

    @cached_property
    def symbols(self) -> set:
        """Symbols left in the Jacobian (parameters without values)."""
        return self.matrix.free_symbols

    @cached_property
    def eigenvalues(self) -> list:
        """Eigenvalues with multiplicity: exact where SymPy finds them in closed form, else numeric."""
        poly = self.characteristic_polynomial
        found = sympy.roots(poly)
        if self.symbols:
            return [v for v, mult in found.items() for _ in range(mult)]
        if sum(found.values()) == poly.degree():
            return [v for v, mult in sorted(found.items(), key=lambda kv: _key(kv[0])) for _ in range(mult)]
        return [sympy.Float(complex(r).real, 30) + sympy.I * sympy.Float(complex(r).imag, 30) for r in self._numeric_roots]

    @cached_property
    def _numeric_roots(self) -> list:
        return self._roots(_DIGITS)

    def _roots(self, digits: int) -> list:
        """Roots of the characteristic polynomial at ``digits`` significant digits."""
        coefficients = [sympy.Rational(c) for c in self.characteristic_polynomial.all_coeffs()]
        with mpmath.workdps(digits):
            return mpmath.polyroots([mpmath.mpf(int(c.p)) / int(c.q) for c in coefficients],
                                    maxsteps=50 + 10 * digits, extraprec=4 * digits)

    @cached_property
    def on_imaginary_axis(self) -> int:
        """The number of distinct eigenvalues with zero real part (exact)."""
        w = sympy.Symbol("w", real=True)
        value = sympy.expand(self.characteristic_polynomial.as_expr().subs(sympy.Symbol("s"), sympy.I * w))
        real, imag = (sympy.Poly(part, w) for part in (sympy.re(value), sympy.im(value)))
        common = sympy.gcd(real, imag)
        return 0 if common.degree() <= 0 else common.count_roots()

    @cached_property
    def verdict(self) -> str:
        """``stable`` (all real parts < 0), ``unstable`` (some > 0) or ``inconclusive``."""
        if self.symbols:
            return UNSTABLE if self._trace_positive else INCONCLUSIVE
        axis = self.on_imaginary_axis
        digits = _DIGITS
        while digits <= _MAX_DIGITS:
            roots = self._numeric_roots if digits == _DIGITS else self._roots(digits)
            with mpmath.workdps(digits):
                tolerance = mpmath.mpf(10) ** (-digits // 3)
                if any(mpmath.re(r) > tolerance for r in roots):
                    return UNSTABLE
                if axis or all(mpmath.re(r) < -tolerance for r in roots):
                    return INCONCLUSIVE if axis else STABLE
            digits *= 2          # a real part is tiny but (no root being on the axis) not zero: resolve it
        return INCONCLUSIVE

    @cached_property
    def _trace_positive(self) -> bool:
        """The trace (the sum of the eigenvalues) is positive for all positive step sizes and rates."""
        positive = {s: sympy.Dummy(s.name, positive=True) for s in self.symbols if s.name in _POSITIVE}
        return bool(sympy.simplify(self.trace.xreplace(positive)).is_positive)

    @property
    def reason(self) -> str:
        if self.symbols and self._trace_positive:
            return "the trace is positive for every positive " + ", ".join(sorted(map(str, self.symbols)))
        if self.symbols:
            return "the Jacobian still has symbols: " + ", ".join(sorted(map(str, self.symbols)))
        return {
            STABLE: "all eigenvalues have negative real part",
            UNSTABLE: "an eigenvalue has positive real part",
            INCONCLUSIVE: "an eigenvalue lies on the imaginary axis and none has positive real part",
        }[self.verdict]

    # -- renderers -------------------------------------------------------------------
    def to_json(self) -> dict:
        return {
            "at": {str(k): str(v) for k, v in self.at.items()},
            "fixed_point": self.fixed_point,
            "jacobian": [[str(x) for x in row] for row in self.matrix.tolist()],
            "trace": str(self.trace),
            "determinant": str(self.determinant),
            "eigenvalues": [str(v) for v in self.eigenvalues],
            "eigenvalues_numeric": [] if self.symbols else [_complex_text(v) for v in self.eigenvalues],
            "verdict": self.verdict,
            "reason": self.reason,
        }

    def to_text(self) -> str:
        at = ", ".join(f"{k} = {v}" for k, v in self.at.items())
        lines = [f"# Jacobian of the modified field at {at}" + ("" if self.fixed_point is None else
                 ("  (an equilibrium)" if self.fixed_point else "  (NOT an equilibrium of the field)"))]
        lines += ["  [" + ", ".join(str(x) for x in row) + "]" for row in self.matrix.tolist()]
        lines.append(f"trace = {self.trace}" + ("" if self.symbols else f" = {_complex_text(self.trace)}"))
        lines.append(f"determinant = {self.determinant}" + ("" if self.symbols else f" = {_complex_text(self.determinant)}"))
        for v in self.eigenvalues:
            lines.append(f"eigenvalue {v}" + ("" if self.symbols else f" = {_complex_text(v)}"))
        lines.append(f"verdict: {self.verdict} ({self.reason})")
        return "\n".join(lines)

    def to_latex(self) -> str:
        eigen = ", ".join(sympy.latex(v) for v in self.eigenvalues)
        return (f"\\tilde{{J}} = {sympy.latex(self.matrix)}, \\quad \\operatorname{{Tr}} = {sympy.latex(self.trace)}, "
                f"\\quad \\det = {sympy.latex(self.determinant)}, \\quad \\lambda \\in \\{{{eigen}\\}}"
                f" \\quad \\text{{({self.verdict})}}")

    def _repr_latex_(self) -> str:
        return f"${self.to_latex()}$"

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        at = ", ".join(f"{k}={v}" for k, v in self.at.items())
        return f"<Stability at {at}: {self.verdict}; trace {self.trace}, determinant {self.determinant}>"


def _key(value):
    number = complex(sympy.N(value, 30))
    return (number.real, number.imag)


def _complex_text(value) -> str:
    number = complex(sympy.N(value, 30))
    if abs(number.imag) <= 1e-15 * max(1.0, abs(number.real)):
        return f"{number.real:.10g}"
    return f"{number.real:.10g} {'+' if number.imag >= 0 else '-'} {abs(number.imag):.10g} i"


def equilibrium_jacobian(flow) -> sympy.Matrix:
    """The Jacobian of ``flow``'s modified field at an equilibrium of the original fields, players of dimension 1.

    At a point where every field vanishes, the Jacobian of ``F(t)`` is zero unless ``t``
    is a chain ``l1[l2[...lk]]``, whose Jacobian is ``A_l1 A_l2 ... A_lk`` (every other
    term of the product rule keeps an undifferentiated field).  So linear fields
    ``F_l = sum_b (dF_l/db) b`` with symbolic derivatives give the general answer in the
    symbols ``df/dphi``-style names ``f_phi``, ``f_theta``, ...; it is exact, not a linearisation.
    Thesis Eqs 4.24-4.26: ``J~ = J - h/2 K``.
    """
    variables = {b: [sympy.Symbol(b)] for b in flow.blocks}
    fields = {label: [sympy.Add(*(sympy.Symbol(f"{label}_{b}") * sympy.Symbol(b) for b in flow.blocks))]
              for label in (lab for labels in flow.blocks.values() for lab in labels)}
    modified = flow.evaluate(fields, variables)
    return sympy.expand(modified.jacobian([sympy.Symbol(b) for b in flow.blocks]))
