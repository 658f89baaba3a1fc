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

from ..exact import mp_number

__all__ = ["Stability", "MethodStability", "method_stability", "half_plane_verdict", "disc_verdict", "STABLE", "UNSTABLE",
           "INCONCLUSIVE", "equilibrium_jacobian"]

STABLE = "stable"
UNSTABLE = "unstable"
INCONCLUSIVE = "inconclusive"

_DIGITS = 60
_MAX_DIGITS = 4000
_POSITIVE = {"h", "v_phi", "v_theta", "m", "k", "n"}      # positive by the contract's conventions


def half_plane_verdict(poly: sympy.Poly) -> str:
    """``stable`` when every root of ``poly`` (exact rational coefficients) has negative real part,
    ``unstable`` when one has positive real part, else ``inconclusive``; decided exactly (module docstring)."""
    axis = _on_imaginary_axis(poly)
    digits = _DIGITS
    while digits <= _MAX_DIGITS:
        roots = _roots(poly, digits)
        with mpmath.workdps(digits):
            tolerance = mpmath.mpf(10) ** (-digits // 3)
            if any(mpmath.re(r) > tolerance for r in roots):
                return UNSTABLE
            if axis or all(mpmath.re(r) < -tolerance for r in roots):
                return INCONCLUSIVE if axis else STABLE
        digits *= 2          # a real part is tiny but (no root being on the axis) not zero: resolve it
    return INCONCLUSIVE


def disc_verdict(poly: sympy.Poly) -> str:
    """The same for the unit disc: ``stable`` when every root has modulus < 1.

    The Cayley map ``z = (1 + s)/(1 - s)`` takes the open left half-plane onto the open unit disc,
    so ``q(s) = (1 - s)^n p((1 + s)/(1 - s))`` has its roots in the left half-plane exactly when
    ``p`` has them in the disc; a root ``z = -1`` (on the circle) lowers the degree of ``q``.
    """
    z, s = poly.gens[0], sympy.Symbol("s")
    n = poly.degree()
    q = sympy.Poly(sympy.expand(sympy.cancel((1 - s) ** n * poly.as_expr().subs(z, (1 + s) / (1 - s)))), s)
    verdict = half_plane_verdict(q) if q.degree() > 0 else INCONCLUSIVE
    if q.degree() < n and verdict == STABLE:        # a root at z = -1, on the circle
        return INCONCLUSIVE
    return verdict


def _on_imaginary_axis(poly: sympy.Poly) -> int:
    """The number of distinct roots with zero real part (exact: a gcd and Sturm counting)."""
    w = sympy.Symbol("w", real=True)
    value = sympy.expand(poly.as_expr().subs(poly.gens[0], sympy.I * w))
    real, imag = (sympy.Poly(part, w) for part in (sympy.re(value), sympy.im(value)))
    common = sympy.gcd(real, imag)
    return 0 if common.degree() <= 0 else common.count_roots()


def _roots(poly: sympy.Poly, digits: int) -> list:
    """Roots of ``poly`` at ``digits`` significant digits."""
    with mpmath.workdps(digits):
        return mpmath.polyroots([mp_number(c, digits) for c in poly.all_coeffs()],
                                maxsteps=50 + 10 * digits, extraprec=4 * digits)


@dataclass(frozen=True)
class MethodStability:
    """The discrete method's own verdict at a point: the spectral radius of its linearised step.

    ``matrix`` is the linearised one-step map (for methods that read past iterates, the companion
    matrix of the linear recursion ``delta_+ = sum_j A_j delta_{-j}``), ``roots`` its eigenvalues
    (the roots of the characteristic polynomial of the recursion), ``spectral_radius`` their
    largest modulus; ``stable`` when it is < 1, decided exactly.  ``None`` values and the
    ``inconclusive`` verdict with a ``reason`` when symbols are left (no step size given).
    """

    verdict: str
    reason: str
    matrix: sympy.Matrix | None = None
    roots: tuple = ()
    spectral_radius: float | None = None

    def to_json(self) -> dict:
        return {"verdict": self.verdict, "spectral_radius": self.spectral_radius,
                "roots": [_complex_text(r) for r in self.roots], "reason": self.reason}


def method_stability(matrix: sympy.Matrix | None, reason: str = "") -> MethodStability:
    """The verdict of the linearised step ``matrix`` (exact entries), or ``inconclusive`` for ``reason``."""
    if matrix is None or matrix.free_symbols:
        left = ", ".join(sorted(map(str, matrix.free_symbols))) if matrix is not None else ""
        return MethodStability(INCONCLUSIVE, reason or f"the step still has symbols: {left}", matrix)
    poly = matrix.charpoly(sympy.Symbol("z"))
    roots = tuple(complex(r) for r in _roots(poly, _DIGITS))
    radius = max(abs(r) for r in roots)
    verdict = disc_verdict(poly)
    why = {STABLE: "every root of the linearised step has modulus < 1",
           UNSTABLE: "a root of the linearised step has modulus > 1: the iterates move away",
           INCONCLUSIVE: "a root of the linearised step lies on the unit circle"}[verdict]
    return MethodStability(verdict, why, matrix, roots, radius)


@dataclass(frozen=True)
class Stability:
    """The exact Jacobian ``matrix`` of a flow at the point ``at``, with eigenvalues and a verdict.

    ``method``, when known, is the discrete method's own verdict at the same point
    (:class:`MethodStability`); :attr:`agree` says whether the two verdicts match.
    """

    matrix: sympy.Matrix
    at: dict = field(default_factory=dict)
    fixed_point: bool | None = None      # is ``at`` an equilibrium of the flow (None: not known)
    method: MethodStability | None = None

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
        return [sympy.Float(complex(r).real, 30) + sympy.I * sympy.Float(complex(r).imag, 30)
                for r in _roots(poly, _DIGITS)]

    @cached_property
    def on_imaginary_axis(self) -> int:
        """The number of distinct eigenvalues with zero real part (exact)."""
        return _on_imaginary_axis(self.characteristic_polynomial)

    @cached_property
    def verdict(self) -> str:
        """``stable`` (all real parts < 0), ``unstable`` (some > 0) or ``inconclusive``."""
        if self.symbols:
            return UNSTABLE if self._trace_positive else INCONCLUSIVE
        return half_plane_verdict(self.characteristic_polynomial)

    @property
    def agree(self) -> bool | None:
        """Whether the modified flow's verdict and the method's match (None: the method's is not known)."""
        if self.method is None or INCONCLUSIVE in (self.method.verdict, self.verdict):
            return None
        return self.method.verdict == self.verdict

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

    @property
    def disagreement(self) -> str | None:
        """A plain sentence when the two verdicts differ."""
        if self.agree is not False:
            return None
        return (f"the truncated modified flow is {self.verdict} but the method itself is {self.method.verdict}: "
                "the step lies outside the region where the modified flow describes the iterates "
                "(the series in h does not converge there); trust the method's verdict")

    # -- renderers -------------------------------------------------------------------
    def to_json(self) -> dict:
        out = {
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
        if self.method is not None:
            out["method"] = self.method.to_json()
            out["agree"] = self.agree
            if self.disagreement:
                out["disagreement"] = self.disagreement
        return out

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
        if self.method is not None:
            m = self.method
            if m.spectral_radius is not None:
                lines.append("roots of the linearised step: " + ", ".join(_complex_text(r) for r in m.roots))
                lines.append(f"spectral radius = {m.spectral_radius:.10g}")
            lines.append(f"method verdict: {m.verdict} ({m.reason})")
            if self.disagreement:
                lines.append(f"WARNING: {self.disagreement}")
        return "\n".join(lines)

    def to_latex(self) -> str:
        eigen = ", ".join(sympy.latex(v) for v in self.eigenvalues)
        method = "" if self.method is None else f" \\quad \\text{{method: {self.method.verdict}}}"
        return (f"\\tilde{{J}} = {sympy.latex(self.matrix)}, \\quad \\operatorname{{Tr}} = {sympy.latex(self.trace)}, "
                f"\\quad \\det = {sympy.latex(self.determinant)}, \\quad \\lambda \\in \\{{{eigen}\\}}"
                f" \\quad \\text{{({self.verdict})}}{method}")

    def _repr_latex_(self) -> str:
        return f"${self.to_latex()}$"

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        at = ", ".join(f"{k}={v}" for k, v in self.at.items())
        method = "" if self.method is None else f"; method {self.method.verdict}"
        return f"<Stability at {at}: {self.verdict}; trace {self.trace}, determinant {self.determinant}{method}>"


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
