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

from ..errors import BeaError, ProblemError
from ..concrete.evaluate import at_point as evaluate_at
from ..exact import UNDEFINED, mp_number
from ..printable import Printable
from ..progress import progress_for
from ..schemes.builtins import make_scheme
from ..result import H
from ..schemes.program import linearised_step

__all__ = ["Stability", "MethodStability", "method_stability", "companion", "flow_jacobian", "flow_stability", "half_plane_verdict", "disc_verdict", "STABLE", "UNSTABLE",
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
class MethodStability(Printable):
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
    region: tuple | None = None    # (StabilityRegion, the test values x at the point) for one-field schemes

    @property
    def outside(self) -> tuple:
        """The test values ``x`` (``h lambda_i``, or ``h omega_i`` on a game) at the point outside the
        method's exact stability region (:mod:`bea.analysis.stability_region`)."""
        if self.region is None:
            return ()
        region, values = self.region
        return tuple(v for v in values if not region.contains(v))


def method_stability(matrix: sympy.Matrix | None, region=None, reason: str = "") -> MethodStability:
    """The verdict of the linearised step ``matrix`` (exact entries), or ``inconclusive`` for ``reason``;
    ``region``: the method's stability region and the test values at the point, when known."""
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
    return MethodStability(verdict, why, matrix, roots, radius, region)


@dataclass(frozen=True)
class Stability(Printable):
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

    def __repr__(self) -> str:
        at = ", ".join(f"{k}={v}" for k, v in self.at.items())
        method = "" if self.method is None else f"; method {self.method.verdict}"
        return f"<Stability at {at}: {self.verdict}; trace {self.trace}, determinant {self.determinant}{method}>"


def _key(value):
    number = complex(sympy.N(value, 30))
    return (number.real, number.imag)


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


# -- a derived flow at a point -------------------------------------------------------------------
class JacobianMatrix(sympy.MutableDenseMatrix):
    """The exact Jacobian of a modified field at a point: a SymPy ``Matrix`` (what ``flow.jacobian`` returns,
    as ``Matrix.jacobian`` does).  Until the next release it also answers the attributes of the verdict object
    ``flow.jacobian`` used to return (``trace``, ``determinant``, ``eigenvalues``, ``verdict``, ``matrix``, ...)
    with a ``DeprecationWarning``: ``flow.stability(...)`` gives that object."""

    _verdicts: Stability | None = None

    def __getattr__(self, name):
        verdicts = self.__dict__.get("_verdicts")
        if verdicts is None or name.startswith("_") or not hasattr(verdicts, name):
            raise AttributeError(f"'Matrix' object has no attribute {name!r}")
        _deprecated(name)
        return getattr(verdicts, name)

    @property
    def trace(self):
        """``trace()`` as for any Matrix; read as an attribute (the old verdict object's ``trace``), the value."""
        return _Trace(self)


def _deprecated(name: str) -> None:
    import warnings

    warnings.warn(f"flow.jacobian(...) returns the Jacobian Matrix; its .{name} is deprecated and goes in the next "
                  f"release: use flow.stability(...).{name}", DeprecationWarning, stacklevel=3)


class _Trace:
    """``J.trace``: called, the Matrix's trace; used as a value (the deprecated attribute), the simplified trace."""

    def __init__(self, matrix):
        self._matrix = matrix

    def __call__(self):
        return sympy.MutableDenseMatrix.trace(self._matrix)

    def _value(self):
        _deprecated("trace")
        return self._matrix._verdicts.trace if self._matrix._verdicts is not None else self()

    def _sympy_(self):
        return self._value()

    def __str__(self):
        return str(self._value())

    __repr__ = __str__

    def __format__(self, spec):
        return format(self._value(), spec)

    def __float__(self):
        return float(self._value())

    def __eq__(self, other):
        return self._value() == other

    def __hash__(self):
        return hash(self._value())

    def __getattr__(self, name):
        return getattr(self._value(), name)


for _name in ("add", "radd", "sub", "rsub", "mul", "rmul", "truediv", "rtruediv", "neg", "lt", "le", "gt", "ge"):
    setattr(_Trace, f"__{_name}__", lambda self, *args, _n=_name: getattr(self._value(), f"__{_n}__")(*args))


def flow_jacobian(flow, fields, variables, at, params=None) -> JacobianMatrix:
    """The exact Jacobian of ``flow``'s modified field at the point ``at``: a SymPy Matrix
    (:class:`JacobianMatrix`; the verdict object is :func:`flow_stability`'s).

    ``at`` maps variables (symbols or their names) to values and may also fix ``h`` and the
    scheme's parameters; whatever is left symbolic stays in the matrix.  Values follow
    :mod:`bea.exact` (floats read as the decimals they print as: ``0.2`` is ``1/5``).  [Ros23, Sec 4.3].
    """
    matrix, point, fixed = _jacobian_at(flow, fields, variables, at, params)
    out = JacobianMatrix(matrix)
    out._verdicts = Stability(matrix, point, fixed)
    return out


def flow_stability(flow, fields, variables, at, params=None, progress=False) -> Stability:
    """The verdict object at the point ``at``: the modified flow's Jacobian, eigenvalues and verdict,
    and the discrete method's own verdict (:class:`MethodStability`: the spectral radius of its
    linearised step, or of the companion matrix of its recursion when it reads past iterates) --
    the two differ where the step is outside the region the expansion describes.
    """
    report = progress_for(progress, "stability")
    report("the Jacobian of the modified field")
    matrix, point, fixed = _jacobian_at(flow, fields, variables, at, params)
    report("the method's linearised step")
    return Stability(matrix, point, fixed, _method_stability(flow, fields, variables, point, params))


def _jacobian_at(flow, fields, variables, at, params):
    """The Jacobian and the value of the modified field at ``at``: through the point-wise evaluation
    when ``at`` gives every variable (no expression in the variables is built), else symbolically."""
    problem = flow.problem(fields, variables)
    free = {s for exprs in problem.fields.values() for e in exprs for s in e.free_symbols}
    free |= {v for v in flow.params.values() if isinstance(v, sympy.Symbol)}
    point = problem.point(at, free | {H})
    if all(v in point for v in problem.state):
        at_point, matrix = evaluate_at(flow, problem, {v: point[v] for v in problem.state}, params, jacobian=True)
        at_point, matrix = at_point.xreplace(point), matrix.xreplace(point)
    else:
        field_ = flow.evaluate(fields, variables, params)
        matrix = field_.jacobian(problem.state).xreplace(point)
        at_point = field_.xreplace(point)
    if matrix.has(*UNDEFINED) or at_point.has(*UNDEFINED):
        raise ProblemError("the modified field or its Jacobian is infinite or undefined at the point: "
                           "the fields are singular there")
    matrix = matrix.applyfunc(sympy.simplify)
    fixed = None if at_point.free_symbols else all(sympy.simplify(x) == 0 for x in at_point)
    return matrix, point, fixed

def _method_stability(flow, fields, variables, point: dict, params):
    """The method's verdict at ``point`` (exact), or ``inconclusive`` saying what is missing."""
    if flow.source is None:
        return method_stability(None, reason="the flow does not carry its scheme")
    if H not in point:
        return method_stability(None, reason="the step size h is symbolic; give it (--h H, or 'h' in at)")
    problem = flow.problem(fields, variables)
    values = {**{str(k): v for k, v in point.items() if k not in problem.state and k != H}, **(params or {})}
    fixed = {name: values.get(str(value), value) if isinstance(value, sympy.Symbol) else value
             for name, value in flow.source.params.items()}
    try:
        machine = make_scheme(flow.source.definition, time=flow.source.time, **fixed)
    except BeaError as error:
        return method_stability(None, reason=f"the method cannot be run with these parameters ({error})")
    if any(isinstance(v, sympy.Symbol) for v in machine.params.values()):
        left = ", ".join(k for k, v in machine.params.items() if isinstance(v, sympy.Symbol))
        return method_stability(None, reason=f"the scheme's parameters {left} are symbolic; give their values")
    state = {v: point.get(v, v) for v in problem.state}
    fvalues = {label: ([e.xreplace(state) for e in exprs], sympy.Matrix(exprs).jacobian(problem.state).xreplace(state))
               for label, exprs in problem.fields.items()}
    if any(sympy.Matrix(F).free_symbols or A.free_symbols for F, A in fvalues.values()):
        return method_stability(None, reason="the fields still have symbols at the point; give every variable and parameter")
    blocks, _ = linearised_step(machine, problem.slices, fvalues, len(problem.state), point[H], exact=True)
    region = _region_at(flow.source.definition, machine, fvalues, point[H])
    return method_stability(companion([sympy.Matrix(b.tolist()) for b in blocks]), region)


def _region_at(definition, machine, fvalues: dict, h):
    """``(StabilityRegion, test values)`` for a one-field scheme whose Jacobian at the point has real
    eigenvalues (``x = h lambda``, ``lambda`` those of ``-A``) or imaginary ones (``x = h omega``); else None."""
    from .stability_region import stability_region

    if len(fvalues) != 1:
        return None
    (_, A), = fvalues.values()
    eigenvalues = list(A.eigenvals(multiple=True))
    if all(sympy.im(e) == 0 for e in eigenvalues):
        axis, values = "real", [sympy.simplify(-h * e) for e in eigenvalues]
    elif all(sympy.re(e) == 0 for e in eigenvalues):
        axis, values = "imaginary", [sympy.simplify(h * sympy.im(e)) for e in eigenvalues]
    else:
        return None
    try:
        region = stability_region(definition, axis, **machine.params)
    except BeaError:
        return None
    return region, tuple(sorted(set(values), key=lambda v: float(v)))


def companion(blocks: list) -> sympy.Matrix:
    """The companion matrix of ``delta_+ = sum_j A_j delta_{-j}``: the state ``(delta_0, ..., delta_{-q})``."""
    n, q = blocks[0].rows, len(blocks) - 1
    top = sympy.Matrix.hstack(*blocks)
    if q == 0:
        return top
    shift = sympy.Matrix.hstack(sympy.eye(n * q), sympy.zeros(n * q, n))
    return sympy.Matrix.vstack(top, shift)
