"""The exact stability region of a method on the scalar test problem.

On ``f(theta) = mu theta`` one step of a scheme is a linear recursion; with ``z = h mu`` its
characteristic polynomial ``p(zeta; z)`` (for a one-step method ``zeta - R(z)``, ``R`` the stability
function; for methods with past iterates the polynomial of the recursion) decides stability: the
iterates decay for every start exactly when every root ``zeta`` has ``|zeta| < 1`` [HW96, Sec IV.2],
[HNW93, Sec III.4].  Two lines of the ``z`` plane matter here:

* ``axis="real"``: gradient descent on ``E = lambda theta^2 / 2`` (``mu = -lambda``), reported in
  ``x = h lambda``: gradient descent is stable for ``0 < h lambda < 2``, heavy ball for
  ``0 < h lambda < 2 (1 + beta)`` [RWQD23, Sec 3.1], [Pol64];
* ``axis="imaginary"``: a bilinear game (``mu = +- i omega``), reported in ``x = h omega``.

The region is computed, not looked up: a root crosses the unit circle only where ``p(zeta)`` and its
reciprocal ``zeta^n conj(p)(1/zeta)`` share a root, i.e. where their resultant in ``zeta`` vanishes;
its real roots in ``x`` split the line into intervals, and one exact rational point per interval is
judged by :func:`bea.analysis.stability.disc_verdict` (exact).  With symbolic parameters only the
boundary candidates (the factors of the resultant) are given.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from ..errors import BeaError, SchemeError
from ..printable import Printable
from ..schemes.builtins import make_scheme
from ..schemes.program import linearised_step
from .stability import STABLE, companion, disc_verdict

__all__ = ["StabilityRegion", "stability_region", "characteristic_polynomial", "AXES"]

AXES = ("real", "imaginary")
ZETA, X = sympy.Symbol("zeta"), sympy.Symbol("x", real=True)


@dataclass(frozen=True)
class StabilityRegion(Printable):
    """The open intervals of ``x`` (``h lambda`` on the real axis, ``h omega`` on the imaginary one) where the
    method is stable on the test problem; ``polynomial`` is ``p(zeta; x)``, ``boundaries`` the real
    candidates where a root meets the unit circle (expressions when parameters are symbolic)."""

    scheme: str
    axis: str
    polynomial: sympy.Expr
    intervals: tuple | None          # ((a, b), ...) exact; None when parameters are symbolic
    boundaries: tuple
    params: dict

    def contains(self, x) -> bool:
        """Whether ``x`` (exact or float) lies in the region (strictly inside an interval)."""
        if self.intervals is None:
            raise BeaError("the region is not known with symbolic parameters; give their values")
        value = sympy.nsimplify(x) if isinstance(x, float) else sympy.sympify(x)
        return any(bool(a < value) and bool(value < b) for a, b in self.intervals)


def characteristic_polynomial(scheme, axis: str = "real", **params) -> sympy.Expr:
    """``p(zeta; x)`` of one step of ``scheme`` (one field) on ``f = mu theta``: ``mu = -x`` on the real
    axis (``x = h lambda``), ``mu = i x`` on the imaginary one (``x = h omega``); ``h = 1`` is absorbed in
    ``x``.  Runge-Kutta methods (explicit or implicit) go through their stability function
    ``R(z) = 1 + z b^T (I - z A)^{-1} 1`` [HW96, Sec IV.3]; other schemes through their linearised step
    (explicit ones: an implicit step cannot be traced exactly)."""
    if axis not in AXES:
        raise BeaError(f"axis is 'real' or 'imaginary', not {axis!r}")
    z = -X if axis == "real" else sympy.I * X
    machine = make_scheme(scheme, **params)
    if len(machine.labels) != 1:
        raise SchemeError(f"stability regions are computed for one-field schemes; {machine.name!r} has "
                          f"the fields {', '.join(machine.labels)}")
    tableau = machine.tableau
    if tableau is not None:
        A, b = sympy.Matrix(tableau.a), sympy.Matrix(tableau.b)
        s = len(tableau.b)
        R = 1 + z * (b.T * (sympy.eye(s) - z * A).inv() * sympy.ones(s, 1))[0]
        return sympy.together(ZETA - R)
    label = machine.labels[0]
    blocks, _ = linearised_step(machine, {label: range(1)}, {label: ([sympy.Integer(0)], sympy.Matrix([[z]]))}, 1,
                                sympy.Integer(1), exact=True)
    return companion([sympy.Matrix(b.tolist()) for b in blocks]).charpoly(ZETA).as_expr()


def stability_region(scheme, axis: str = "real", **params) -> StabilityRegion:
    """The exact stability region of ``scheme`` on the test problem (see the module docstring).

    >>> stability_region("euler").intervals
    ((0, 2),)
    >>> stability_region("heavy-ball", beta="1/2").intervals
    ((0, 3),)
    >>> stability_region("euler", axis="imaginary").intervals      # gradient descent on a bilinear game
    ()

    References: [HW96, Secs IV.2-IV.3], [HNW93, Sec III.4], [RWQD23, Sec 3.1].
    """
    p = sympy.expand(characteristic_polynomial(scheme, axis, **params))
    numerator = sympy.numer(sympy.together(p))
    poly = sympy.Poly(numerator, ZETA)
    n = poly.degree()
    conjugate = sympy.Poly(sympy.expand(ZETA ** n * numerator.subs(ZETA, 1 / ZETA).subs(sympy.I, -sympy.I)), ZETA)
    resultant = sympy.factor(sympy.resultant(poly.as_expr(), conjugate.as_expr(), ZETA))
    leading = sympy.factor(poly.LC())
    symbols = (resultant.free_symbols | leading.free_symbols) - {X}
    factors = [f for f, _ in sympy.factor_list(resultant * leading, X)[1] if f.has(X)]
    bound = make_scheme(scheme, **params)
    shown = {k: str(v) for k, v in bound.params.items()}
    if symbols:
        candidates = tuple(sorted({sympy.simplify(r) for f in factors for r in sympy.solve(f, X)}, key=str))
        return StabilityRegion(bound.name, axis, p, None, candidates, shown)
    roots = sorted({r for f in factors for r in sympy.Poly(f, X).real_roots()}, key=lambda r: float(r))
    points = [-sympy.oo] + roots + [sympy.oo]
    intervals = []
    for a, b in zip(points, points[1:]):
        sample = _between(a, b)
        value = sympy.Poly(sympy.expand(numerator.subs(X, sample)), ZETA)
        if value.degree() == n and disc_verdict(value) == STABLE:
            if intervals and intervals[-1][1] == a and not _on_circle(poly, a):
                intervals[-1] = (intervals[-1][0], b)
            else:
                intervals.append((a, b))
    return StabilityRegion(bound.name, axis, p, tuple(intervals), tuple(roots), shown)


def _between(a, b) -> sympy.Rational:
    """An exact rational strictly between ``a`` and ``b`` (either may be infinite)."""
    if a == -sympy.oo and b == sympy.oo:
        return sympy.Integer(0)
    if a == -sympy.oo:
        return sympy.floor(b) - 1
    if b == sympy.oo:
        return sympy.ceiling(a) + 1
    lo, hi = sympy.Rational(sympy.nsimplify(sympy.N(a, 30), rational=True)), sympy.Rational(sympy.nsimplify(sympy.N(b, 30), rational=True))
    return (lo + hi) / 2


def _on_circle(poly: sympy.Poly, x0) -> bool:
    """Whether at ``x = x0`` a root of ``p`` lies on the unit circle (the point is then a boundary)."""
    value = sympy.Poly(sympy.expand(poly.as_expr().subs(X, x0)), ZETA)
    return disc_verdict(value) != STABLE
