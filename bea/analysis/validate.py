"""Numerical validation: the local error of a truncated modified flow must shrink like h^(order+1).

For each step size of a ladder, one step of the scheme (its update function run on the
concrete problem) is compared with the exact flow of the truncated modified field,
integrated by mpmath's arbitrary-precision Taylor-series method, each block read at its
own time ``T_b``.  Working precision is chosen so that the integration error is far below
the smallest local error measured.
"""

from __future__ import annotations

import math
from time import monotonic
from dataclasses import dataclass

import mpmath
import sympy

from ..engine.budget import DEFAULT_SECONDS
from ..concrete.problem import Problem
from ..engine.derive import derive
from ..errors import BudgetError, ParameterError, ProblemError
from ..exact import UNDEFINED, mp_number
from ..result import H
from ..concrete.library import PROBLEMS, ProblemSpec, get_problem, split_params, with_values
from ..schemes.program import run_numerically, uses_previous_iterates
from ..printable import Printable
from ..progress import progress_for
from ..schemes.builtins import make_scheme

__all__ = ["validate", "Validation", "pair_order"]


@dataclass(frozen=True)
class Validation(Printable):
    """The ladder of step sizes, local errors and observed orders of one validation run."""

    scheme: str
    order: int
    problem: str
    params: dict
    steps: list
    errors: list
    observed: list      # observed[i] compares steps i and i + 1
    expected: int
    tolerance: float = 0.3

    @property
    def exact(self) -> bool:
        """True when the finest local errors are zero to the working precision: the truncated
        modified flow reproduces the step exactly on this problem (e.g. a constant field)."""
        return math.isnan(self.observed[-1])

    @property
    def passed(self) -> bool:
        """True when the asymptotic observed order (the finest pair of steps) is at least
        ``order + 1 - tolerance``, or the flow is exact there; coarser pairs may still be
        pre-asymptotic.  A higher order means the next terms vanish on this problem (e.g. RK4
        has no ``h^3`` term), never a wrong field: a wrong coefficient lowers the order."""
        return self.exact or self.observed[-1] >= self.expected - self.tolerance

    @property
    def exceeds(self) -> bool:
        return not self.exact and self.observed[-1] > self.expected + self.tolerance

    def __repr__(self) -> str:
        from ..printing.notation import observed_order

        verdict = "passed" if self.passed else "FAILED"
        return (f"<Validation {self.scheme} order {self.order} on {self.problem}: observed "
                f"{observed_order(self.observed[-1])}, expected {self.expected}, {verdict}>")


def validate(scheme, order: int, problem="random-polynomial", *, time: str = "same", players: int | None = None,
             levels: int = 5, at: dict | None = None, progress=False, budget: float | None = DEFAULT_SECONDS,
             **params) -> Validation:
    """Measure the local error of the order-``order`` modified flow over ``levels`` halvings of h:
    one step of the scheme against the exact flow of the truncated field (integrated in high
    precision with mpmath), whose observed order must reach ``order + 1``.

    ``problem`` is a name from :data:`bea.concrete.library.PROBLEMS` or a :class:`~bea.concrete.library.ProblemSpec`
    (e.g. from :func:`~bea.concrete.library.user_problem`); ``at`` ({variable name: value}) replaces
    values of its starting point; ``params`` holds the scheme's parameters and the problem's.
    The fields must be real and analytic at the starting point (a complex or infinite value
    is refused), and the integration of the flow stops with an error rather than run on.
    """
    if isinstance(levels, bool) or not isinstance(levels, int) or levels < 2:
        raise ParameterError(f"levels must be an integer >= 2 (two step sizes give one observed order), got {levels!r}")
    spec = get_problem(problem) if isinstance(problem, str) else problem
    if not isinstance(spec, ProblemSpec):
        raise ParameterError(f"problem must be a name ({', '.join(PROBLEMS)}) or a ProblemSpec, got {problem!r}")
    report = progress_for(progress, "validate")
    scheme_params, problem_params = split_params(scheme, spec, params, players)
    definition = make_scheme(scheme, time=time, players=players, **scheme_params).definition
    values = definition.numeric_values(scheme_params)
    symbolic = [k for k, v in make_scheme(definition, time=time, **values).params.items()
                if any(getattr(x, "free_symbols", None) for x in getattr(v, "entries", [v]))]
    if symbolic:
        raise ParameterError(f"validation runs the scheme on numbers; give a number for its parameter {symbolic[0]}")
    flow = derive(scheme, order, time=time, players=players, progress=report, budget=budget, **values)
    machine = flow.source
    state_carrying = uses_previous_iterates(machine)
    instance = spec.instance(machine.blocks, **problem_params)
    concrete = Problem(machine.blocks, instance.fields, instance.variables)
    start = with_values(instance.point, at)
    modified = list(flow.evaluate(instance.fields, instance.variables))

    steps = [instance.h_max / 2**i for i in range(levels)]
    # Local errors reach about C h^(order+1); carry enough digits to resolve them well.
    smallest = instance.h_max / 2 ** (levels - 1)
    digits = int(30 + (order + 1) * -math.log10(float(smallest)))
    floor = mpmath.mpf(10) ** (-(digits - 10))          # below this a local error is zero
    errors = []
    deadline = None if budget is None else monotonic() + budget
    with mpmath.workdps(digits):
        state = concrete.state
        point = [mp_number(start[v]) for v in state]
        field_fns = {label: sympy.lambdify(state, exprs, modules="mpmath") for label, exprs in concrete.fields.items()}
        slices = concrete.slices
        modified_fn = sympy.lambdify([*state, H], modified, modules="mpmath", cse=True)
        _check_real(field_fns, modified_fn, point, mp_number(steps[0]))
        _check_differentiable(concrete, start)
        b0 = next(iter(machine.blocks))
        for i, h in enumerate(steps):
            report(f"step {i + 1}/{levels}, h = {h}")
            hm = mp_number(h)
            guarded = _guarded(lambda y, hm=hm: modified_fn(*y, hm), deadline)
            history = _past_on_the_flow(guarded, point, hm * mp_number(machine.times[b0])) if state_carrying else None
            discrete = run_numerically(machine, point, hm, slices, lambda label, y: field_fns[label](*y),
                                       history=history, tolerance=mpmath.eps * 2**8)
            solution = _flow(guarded, point)
            error = mpmath.mpf(0)
            for b in machine.blocks:
                exact = solution(hm * mp_number(machine.times[b]))
                for j in slices[machine.blocks[b][0]]:
                    error = max(error, abs(discrete[j] - exact[j]))
            errors.append(error if error > floor else mpmath.mpf(0))
    observed = [pair_order(errors[i], errors[i + 1]) for i in range(levels - 1)]
    return Validation(scheme if isinstance(scheme, str) else machine.name, order, spec.name,
                      {**values, **problem_params}, steps, errors, observed, order + 1)


def pair_order(coarse, fine) -> float:
    """``log2(coarse / fine)``: the observed order of a pair; ``inf`` when only the finer error is zero
    and ``nan`` when both are (the truncated flow is exact there)."""
    if not fine:
        return math.nan if not coarse else math.inf
    if not coarse:
        return -math.inf
    return float(mpmath.log(coarse / fine) / mpmath.log(2))


def _check_real(field_fns: dict, modified_fn, point, h) -> None:
    """Refuse fields that are complex, infinite or undefined at the starting point."""
    for label, fn in field_fns.items():
        _finite_real(fn, point, f"the field {label}")
    _finite_real(lambda *y: modified_fn(*y, h), point, "the modified field")


def _check_differentiable(problem, start: dict) -> None:
    """Refuse fields whose Jacobian is infinite or undefined at the starting point (``sqrt`` at 0):
    the modified field is a series of their derivatives there."""
    for label, exprs in problem.fields.items():
        jacobian = sympy.Matrix(exprs).jacobian(problem.state).xreplace(start)
        if jacobian.has(*UNDEFINED):
            raise ProblemError(f"the field {label} is not differentiable at the starting point (its Jacobian is "
                               "infinite there); backward error analysis needs fields analytic near the point")


def _finite_real(fn, point, what: str) -> None:
    try:
        values = fn(*point)
    except (ZeroDivisionError, ValueError, TypeError, OverflowError) as error:
        detail = f": {error}" if str(error) else ""
        raise ProblemError(f"{what} has no value at the starting point ({type(error).__name__}{detail})") from None
    for x in (values if isinstance(values, (list, tuple)) else [values]):
        x = mpmath.mpmathify(x)
        if isinstance(x, mpmath.mpc) and x.imag != 0:
            raise ProblemError(f"{what} is complex at the starting point ({mpmath.nstr(x, 8)}); validation needs real fields")
        if not mpmath.isfinite(x):
            raise ProblemError(f"{what} is not finite at the starting point ({x}): the field is singular there")


_MAX_EVALUATIONS = 200_000


def _guarded(fn, deadline: float | None):
    """``fn`` that refuses to run on without end: a bounded number of calls, finished by the ``deadline``
    (``monotonic()``; None: none), and real finite values."""
    calls = [0]

    def guarded(y):
        calls[0] += 1
        if calls[0] > _MAX_EVALUATIONS:
            raise BudgetError(f"integrating the modified flow took more than {_MAX_EVALUATIONS} field evaluations; "
                              "the field is probably singular near the starting point")
        if deadline is not None and calls[0] % 64 == 0 and monotonic() > deadline:
            raise BudgetError("integrating the modified flow took longer than the budget (the flow is stiff or "
                              "close to blowing up near the starting point); use a smaller --h-max, another point, "
                              "or --budget SECONDS")
        values = fn(y)
        for x in values:
            if isinstance(x, mpmath.mpc) or not mpmath.isfinite(x):
                raise ProblemError("the modified flow leaves the real numbers or blows up within one step; "
                                   "use a smaller --h-max or another starting point")
        return values

    return guarded


def _flow(field, point):
    """``t ->`` the state at time ``t`` on the flow of ``field`` from ``point``, for either sign of ``t``
    (a negative rate under the per-player convention gives a block a negative time): mpmath's
    Taylor integrator runs forward, so negative times follow the negated field."""
    forward = mpmath.odefun(lambda t, y: field(y), 0, point)
    backward = None

    def at(t):
        nonlocal backward
        if t >= 0:
            return forward(t)
        if backward is None:
            backward = mpmath.odefun(lambda s, y: [-x for x in field(y)], 0, point)
        return backward(-t)

    return at


def _past_on_the_flow(field, point, period):
    """``j ->`` the state ``j`` steps back on the modified flow (the slow manifold): the
    flow of the negated field, run forward for time ``j * period``."""
    backward = mpmath.odefun(lambda t, y: [-x for x in field(y)], 0, point)
    return lambda j: backward(j * period)
