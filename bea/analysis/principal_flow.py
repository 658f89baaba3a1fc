"""The principal flow (PF): the principal terms of the modified field summed to all orders.

On an affine problem ``F_l(z) = F_l(y) + A_l (z - y)`` every elementary differential with
a node of two or more children vanishes: only the chains (the principal terms, TMLR
Thm 3.1) survive.  One step of any scheme is then an affine map ``z -> y + M (z - y) + c``
and the modified field is its exact generator: with ``T`` the scheme's step time,

    PF(y) = (1/T) phi(M - I) c,        phi(z) = log(1 + z) / z,

the last column of ``(1/T) log [[M, c], [0, 1]]`` (the log of the augmented affine map).
The PF of a non-linear problem linearises at the current point ``y``.

* Gradient descent, ``f = -grad E``: ``M - I = -h Hess E``, ``c = h f`` and
  ``PF = sum_i log(1 - h lambda_i)/(h lambda_i) (grad E . u_i) u_i`` [RWQD23, Def 3.1, Eq 12].
* Simultaneous two-player updates with rates ``V``: ``M - I = -h H`` with ``H = -V J`` and
  ``PF = psi(h H) V F``, ``psi(z) = -log(1 - z)/z`` ([Ros23, Def 4.8.1], without inverting ``J``).
* Alternating updates: ``M`` is the product of the two players' maps (any scheme works).

``phi`` is entire apart from the branch point ``z = -1`` (``h lambda = 1``: ``M`` is
singular and the flow does not exist) and ``phi(0) = 1`` is a removable singularity.
The logarithm is the principal one: ``log(1 - h lambda) = log(h lambda - 1) + i pi`` for
``h lambda > 1``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import sympy

from ..concrete.codegen import staged_field
from ..concrete.problem import Problem
from ..engine.derive import check_order, derive
from ..errors import ParameterError, ProblemError, SchemeError
from ..exact import exact_number
from ..printable import Printable
from ..progress import progress_for
from ..schemes.builtins import definition_of, make_scheme
from ..schemes.program import linearised_step, run_numerically, uses_previous_iterates
from .integrators import continued_trajectory
from .matrix_functions import check_regular, continued_log
from .pf_methods import METHODS

__all__ = ["principal_flow", "PrincipalFlow", "PrincipalFlowSample"]


def principal_flow(fields, variables, h, method: str = "jordan", learning_rates=None, *,
                   scheme: str | None = None, time: str = "same", nonprincipal: int | None = None,
                   progress=False, **params) -> "PrincipalFlow":
    """The principal flow of a scheme on a concrete problem: the principal terms of the modified
    field summed to all orders, ``PF(y) = (1/T) phi(M_y - I) c_y`` with ``phi(z) = log(1 + z)/z``
    (see the module docstring).

    Parameters
    ----------
    fields, variables
        as for :meth:`bea.ModifiedFlow.lambdify` (``{label: [expr, ...]}``,
        ``{block: [symbol, ...]}``); one block or two.
    h
        the step size (exact; a float reads as the decimal it prints as).
    method
        ``jordan`` (the Jordan form of the exact step map: SymPy's exact form for affine fields and
        repeated eigenvalues, a 30-digit eigendecomposition where they are simple; defective and
        singular Jacobians too),
        ``schur`` (``scipy.linalg.logm`` of the augmented map), ``eig`` (eigendecomposition,
        the logarithm continued along trajectories) -- :mod:`bea.analysis.pf_methods`.
    learning_rates
        ``(v_phi, v_theta)`` under the same-physical-time convention.
    scheme
        default gradient descent (``euler``) for one block, ``simultaneous`` for two.
    nonprincipal
        ``p`` adds the non-principal terms of the modified field up to order ``p``
        (``p = 3``: [RWQD23, Def 3.3]).
    **params
        the scheme's parameters (numbers).

    Returns
    -------
    PrincipalFlow
        :class:`PrincipalFlow`: ``pf.field(y)``, ``pf.trajectory(y0, steps)``, ``pf.iterates``,
        ``pf.eigenvalues``, ``pf.sample(y0, steps)``.

    >>> import math, sympy
    >>> x = sympy.Symbol("x")
    >>> pf = principal_flow({"f": [-2 * x]}, {"theta": [x]}, "1/4")      # E = x^2: h lambda = 1/2
    >>> bool(abs(pf.field([1.0])[0] - math.log(1 - 1 / 2) / (1 / 4)) < 1e-12)   # (1/h) log(1 - h lambda) x
    True

    References: [RWQD23, Def 3.1 and Thm 3.2], [Ros23, Def 4.8.1], [Hig08].
    """
    if method not in METHODS:
        raise ParameterError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    if scheme is None:
        scheme = "euler" if len(variables) == 1 else "simultaneous"
    if learning_rates is not None:
        if len(learning_rates) != 2:
            raise ParameterError("learning_rates must be a pair (v_phi, v_theta)")
        params = {**params, "v_phi": learning_rates[0], "v_theta": learning_rates[1]}
    definition = definition_of(scheme, len(variables))
    machine = make_scheme(definition, time=time, **definition.numeric_values(params))
    if uses_previous_iterates(machine):
        raise SchemeError(f"the principal flow is defined for one-step maps; {machine.name!r} carries past iterates")
    times = set(machine.times.values())
    if len(times) != 1:
        raise ParameterError("the principal flow needs one time for all blocks; use time='same' or equal rates")
    step = exact_number(h, "the step size h")
    if not step > 0:
        raise ParameterError(f"the step size h must be a positive number, got {h!r}")
    extra = None
    if nonprincipal is not None:
        nonprincipal = check_order(nonprincipal, "nonprincipal")
        full = derive(definition, nonprincipal, time=time, **machine.params)
        extra = [t for t in full.terms if not t.tree.is_chain]
    return PrincipalFlow(machine, Problem(machine.blocks, fields, variables), step, step * times.pop(), method, extra,
                         progress, nonprincipal)


@dataclass
class PrincipalFlow(Printable):
    """``PF(y) = (1/T) phi(M_y - I) c_y`` for the affine one-step map ``(M_y, c_y)`` of the problem linearised at ``y``."""

    scheme: object
    problem: Problem
    h: sympy.Rational
    T: sympy.Rational
    method: str
    nonprincipal_terms: list | None = None
    progress: object = field(default=None, repr=False)
    nonprincipal: int | None = None

    def __post_init__(self):
        self.progress = progress_for(self.progress or False, "pf")
        self._T, self._h = complex(self.T), complex(self.h)

    # -- the linearised problem -------------------------------------------------------
    @cached_property
    def _jacobians(self) -> dict:
        """Exact ``A_l = dF_l/dy`` (rows of the block of ``l``, columns of the whole state)."""
        return {label: sympy.Matrix(exprs).jacobian(self.problem.state) for label, exprs in self.problem.fields.items()}

    @cached_property
    def _numeric(self):
        """NumPy callables ``F_l(y)`` and ``A_l(y)`` (symbols other than the variables are refused here:
        the exact affine map may keep them, numbers may not)."""
        state = self.problem.state
        for label, exprs in self.problem.fields.items():
            stray = sorted(set().union(*(e.free_symbols for e in exprs)) - set(state), key=str)
            if stray:
                raise ProblemError(f"field {label} has the symbol {stray[0]}, which is not a variable: the principal "
                                   "flow is evaluated numerically here, so give every parameter of the fields a value")
        return {label: (sympy.lambdify([state], exprs, "numpy"), sympy.lambdify([state], self._jacobians[label], "numpy"))
                for label, exprs in self.problem.fields.items()}

    @cached_property
    def _method(self):
        """The :class:`~bea.analysis.pf_methods.PFMethod` named by ``method``."""
        return METHODS[self.method](self)

    @cached_property
    def constant_jacobian(self) -> bool:
        """True when the fields are affine (the PF is then exact for every ``y``)."""
        state = set(self.problem.state)
        return all(not (A.free_symbols & state) for A in self._jacobians.values())

    def affine_map(self, y, exact: bool = False, h=None):
        """``(M, c)``: one step of the scheme on the problem linearised at ``y``, as ``delta -> M delta + c``.

        The scheme's update function runs on linear forms in ``(delta, 1)``, so it is the scheme's own
        step (alternating: the product of the players' maps).  ``exact=True`` computes in
        SymPy, where ``h`` may also be a symbol.
        """
        n = len(self.problem.state)
        if exact:
            point = {v: exact_number(x, f"the coordinate {v} of the state", floats="binary", allow_complex=True)
                     for v, x in zip(self.problem.state, y)}
            values = {label: ([e.xreplace(point) for e in exprs], self._jacobians[label].xreplace(point))
                      for label, exprs in self.problem.fields.items()}
            step = self.h if h is None else h
        else:
            y = self._state(y)
            values = {label: (np.asarray(F(y), dtype=complex).reshape(-1), np.asarray(A(y), dtype=complex))
                      for label, (F, A) in self._numeric.items()}
            step = self._h
        (M,), c = linearised_step(self.scheme, self.problem.slices, values, n, step, exact)
        return (sympy.Matrix(M.tolist()), sympy.Matrix(c.tolist())) if exact else (M, c)

    def _state(self, y) -> np.ndarray:
        """``y`` as a complex vector of the state's size, or a clear error."""
        try:
            y = np.asarray(y, dtype=complex)
        except (TypeError, ValueError):
            raise ParameterError(f"the state must be a vector of {len(self.problem.state)} numbers, got {y!r}") from None
        if y.shape != (len(self.problem.state),):
            raise ParameterError(f"the state must be a vector of {len(self.problem.state)} numbers "
                                 f"({', '.join(map(str, self.problem.state))}), got shape {y.shape}")
        if not np.all(np.isfinite(y)):
            raise ParameterError("the state has a NaN or infinite entry")
        return y

    # -- the field ----------------------------------------------------------------------
    def field(self, y, _branch=None) -> np.ndarray:
        """The PF vector field at the state ``y`` (complex NumPy vector).

        ``_branch`` (used by :meth:`trajectory`) carries the eigenvalues of the step map and the
        logarithms taken at a nearby earlier point; every method continues each eigenvalue's
        logarithm from there instead of jumping across the principal cut.
        """
        value = self._method.field(self._state(y), _branch)
        if self.nonprincipal_terms:
            value = value + self._nonprincipal(y, self._h)
        return value

    __call__ = field

    @cached_property
    def _nonprincipal(self):
        return staged_field(self.nonprincipal_terms, self.problem)

    # -- stability at critical points ([RWQD23, Eq 16], [Ros23, Sec 4.8.1]) -----------------------
    def eigenvalues(self, y) -> np.ndarray:
        """Eigenvalues ``(1/T) log mu_k`` of the PF Jacobian ``(1/T) log M`` at a critical point ``y``."""
        M, _ = self.affine_map(y)
        mu = np.linalg.eigvals(M)
        check_regular(mu)
        return continued_log(mu, None) / self._T

    def converges(self, y) -> bool:
        """All ``Re (1/T) log mu_k < 0``, i.e. ``|mu_k| < 1`` ([Ros23, Eq 4.74], [MNG17, Lemma 4])."""
        return bool(np.all(self.eigenvalues(y).real < 0))

    # -- following the flow ---------------------------------------------------------------
    def iterates(self, y0, steps: int) -> np.ndarray:
        """The scheme's own discrete iterates ``y_0, ..., y_steps`` (for comparison with :meth:`trajectory`)."""
        if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
            raise ParameterError(f"steps must be an integer >= 0, got {steps!r}")
        slices = self.problem.slices
        out = [self._state(y0).real]
        for _ in range(steps):
            state = run_numerically(self.scheme, list(out[-1]), float(self.h), slices,
                                    lambda label, z: np.asarray(self._numeric[label][0](np.array(z)), dtype=float).reshape(-1))
            out.append(np.array(state, dtype=float))
        return np.array(out)

    def trajectory(self, y0, steps: int, substeps: int = 4) -> np.ndarray:
        """States at times ``0, T, 2T, ..., steps T`` of the PF started at ``y0``.

        Gragg-Bulirsch-Stoer extrapolation (order 16) on ``substeps`` macro-steps per ``T``.
        With ``method="eig"`` the logarithm of every eigenvalue is continued from the start
        of each macro-step, so a complex PF never flips between the branches of the log.
        """
        if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
            raise ParameterError(f"steps must be an integer >= 0, got {steps!r}")
        if isinstance(substeps, bool) or not isinstance(substeps, int) or substeps < 1:
            raise ParameterError(f"substeps must be an integer >= 1, got {substeps!r}")
        return continued_trajectory(self.field, self._state(y0), self._T, steps, substeps,
                                    lambda r: self.progress.each(r, f"{self.method} PF, step"))

    def sample(self, y0, steps: int = 0) -> "PrincipalFlowSample":
        """The PF at ``y0`` (``{variable: value}`` or a state vector): its field, the eigenvalues of
        ``(1/T) log M`` and, for ``steps > 0``, its trajectory next to the scheme's own iterates."""
        state = self.problem.state
        if isinstance(y0, dict):
            at = self.problem.point(y0, complete=True)
        else:
            at = dict(zip(state, self._state(y0)))
        y = self._state([at[v] for v in state])
        rows = ()
        if steps:
            flow, discrete = self.trajectory(y, steps), self.iterates(y, steps)
            rows = tuple((a, b, float(np.abs(a - b).max())) for a, b in zip(flow, discrete))
        return PrincipalFlowSample(self.scheme.name, self.h, self.method, at, tuple(self.field(y)),
                                   tuple(self.eigenvalues(y)), self.converges(y), rows, self.nonprincipal)

    def __repr__(self) -> str:
        extra = f", non-principal terms to order {self.nonprincipal}" if self.nonprincipal is not None else ""
        return (f"<PrincipalFlow of {self.scheme.name} on {len(self.problem.state)} variables, h = {self.h}, "
                f"T = {self.T}, method={self.method}{extra}>")

@dataclass(frozen=True)
class PrincipalFlowSample(Printable):
    """The principal flow at one point (``bea pf``): ``field`` and ``eigenvalues`` of ``(1/T) log M``
    there, ``converges`` (every real part < 0), and ``steps``: ``(PF state, scheme's iterate,
    max |difference|)`` at times ``0, T, 2T, ...``."""

    scheme: str
    h: sympy.Rational
    method: str
    at: dict
    field: tuple
    eigenvalues: tuple
    converges: bool
    steps: tuple = ()
    nonprincipal: int | None = None


