"""Numerical validation: the local error of a truncated modified flow must shrink like h^(order+1).

For each step size of a ladder, one step of the scheme (its update function run on the
concrete problem) is compared with the exact flow of the truncated modified field,
integrated by mpmath's arbitrary-precision Taylor-series method, each block read at its
own time ``T_b``.  Working precision is chosen so that the integration error is far below
the smallest local error measured.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass

import mpmath
import sympy

from .concrete import Problem
from .derive import derive
from .flow import H
from .errors import ParameterError, SchemeError
from .problems import ProblemSpec, get_problem
from .params import NUMERIC_DEFAULTS
from .program import run_numerically, uses_previous_iterates
from .schemes import definition_of, make_scheme

__all__ = ["validate", "Validation", "VALIDATION_DEFAULTS", "split_params"]

VALIDATION_DEFAULTS = NUMERIC_DEFAULTS


@dataclass(frozen=True)
class Validation:
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
    def passed(self) -> bool:
        """True when the asymptotic observed order (the finest pair of steps) is at least
        ``order + 1 - tolerance``; coarser pairs may still be pre-asymptotic.  A higher order
        means the next terms vanish on this problem (e.g. RK4 has no ``h^3`` term), never a
        wrong field: a wrong coefficient lowers the order."""
        return self.observed[-1] >= self.expected - self.tolerance

    @property
    def exceeds(self) -> bool:
        return self.observed[-1] > self.expected + self.tolerance

    def to_json(self) -> dict:
        return {
            "scheme": self.scheme, "order": self.order, "problem": self.problem,
            "params": {k: str(v) for k, v in self.params.items()},
            "expected": self.expected, "passed": self.passed,
            "rows": [{"h": str(h), "error": float(e), "observed": (None if i == 0 else self.observed[i - 1])}
                     for i, (h, e) in enumerate(zip(self.steps, self.errors))],
        }

    def to_text(self) -> str:
        params = ", ".join(f"{k}={v}" for k, v in self.params.items())
        lines = [f"# {self.scheme} order {self.order} on {self.problem}" + (f" ({params})" if params else ""),
                 f"{'h':>14s} {'local error':>14s} {'observed order':>15s}"]
        for i, (h, e) in enumerate(zip(self.steps, self.errors)):
            observed = "" if i == 0 else f"{self.observed[i - 1]:15.3f}"
            lines.append(f"{str(h):>14s} {mpmath.nstr(e, 6):>14s} {observed}")
        verdict = "PASS" if self.passed else "FAIL"
        if self.exceeds:
            verdict += " (higher than expected: the next terms of the field vanish on this problem)"
        lines.append(f"expected order {self.expected}: {verdict}")
        return "\n".join(lines)

    def _repr_latex_(self) -> str:
        rows = " \\\\ ".join(
            f"{sympy.latex(h)} & {mpmath.nstr(e, 4)} & {'' if i == 0 else f'{self.observed[i - 1]:.3f}'}"
            for i, (h, e) in enumerate(zip(self.steps, self.errors))
        )
        return f"$\\begin{{array}}{{rrr}} h & \\text{{local error}} & \\text{{order}} \\\\ \\hline {rows} \\end{{array}}$"

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        verdict = "passed" if self.passed else "FAILED"
        return (f"<Validation {self.scheme} order {self.order} on {self.problem}: observed "
                f"{self.observed[-1]:.3f}, expected {self.expected}, {verdict}>")


def validate(scheme, order: int, problem="random-polynomial", *, time: str = "same", players: int | None = None,
             levels: int = 5, progress: bool = False, **params) -> Validation:
    """Measure the local error of the order-``order`` modified flow over ``levels`` halvings of h.

    ``problem`` is a name from :data:`bea.problems.PROBLEMS` or a :class:`~bea.problems.ProblemSpec`
    (e.g. from :func:`~bea.problems.user_problem`); ``params`` holds the scheme's parameters
    and the problem's.
    """
    spec = get_problem(problem) if isinstance(problem, str) else problem
    scheme_params, problem_params = split_params(scheme, spec, params, players)
    names = make_scheme(scheme, time=time, players=players, **scheme_params).params
    missing = [k for k in names if k not in scheme_params and k not in VALIDATION_DEFAULTS]
    if missing:
        raise ParameterError(f"validation runs the scheme on numbers; give a value for its parameter {missing[0]}")
    values = {k: scheme_params.get(k, VALIDATION_DEFAULTS.get(k)) for k in names}
    flow = derive(scheme, order, time=time, players=players, **values)
    machine = make_scheme(scheme, time=time, players=players, **values)
    state_carrying = uses_previous_iterates(machine)
    instance = spec.instance(machine.blocks, **problem_params)
    concrete = Problem(machine.blocks, instance.fields, instance.variables)
    modified = list(flow.evaluate(instance.fields, instance.variables))

    steps = [instance.h_max / 2**i for i in range(levels)]
    # Local errors reach about C h^(order+1); carry enough digits to resolve them well.
    smallest = float(instance.h_max) / 2 ** (levels - 1)
    digits = int(30 + (order + 1) * -math.log10(smallest))
    errors = []
    with mpmath.workdps(digits):
        state = concrete.state
        point = [_mpf(instance.point[v]) for v in state]
        field_fns = {label: sympy.lambdify(state, exprs, modules="mpmath") for label, exprs in concrete.fields.items()}
        slices = concrete.slices
        modified_fn = sympy.lambdify([*state, H], modified, modules="mpmath", cse=True)
        b0 = next(iter(machine.blocks))
        for i, h in enumerate(steps):
            if progress:
                print(f"validate: step {i + 1}/{levels}, h = {h}", file=sys.stderr, flush=True)
            hm = _mpf(h)
            history = _past_on_the_flow(modified_fn, point, hm, hm * _mpf(machine.times[b0])) if state_carrying else None
            discrete = run_numerically(machine, point, hm, slices, lambda label, y: field_fns[label](*y),
                                       history=history, tolerance=mpmath.eps * 2**8)
            solution = mpmath.odefun(lambda t, y: modified_fn(*y, hm), 0, point)
            error = mpmath.mpf(0)
            for b in machine.blocks:
                exact = solution(hm * _mpf(machine.times[b]))
                for j in slices[machine.blocks[b][0]]:
                    error = max(error, abs(discrete[j] - exact[j]))
            errors.append(error)
    observed = [float(mpmath.log(errors[i] / errors[i + 1]) / mpmath.log(2)) for i in range(levels - 1)]
    return Validation(scheme, order, spec.name, {**values, **problem_params}, steps, errors, observed, order + 1)


def _past_on_the_flow(modified_fn, point, h, period):
    """``j ->`` the state ``j`` steps back on the modified flow (the slow manifold): the
    flow of the negated field, run forward for time ``j * period``."""
    backward = mpmath.odefun(lambda t, y: [-x for x in modified_fn(*y, h)], 0, point)
    return lambda j: backward(j * period)


def split_params(scheme, spec: ProblemSpec, params: dict, players=None) -> tuple[dict, dict]:
    """Split parameter values into the scheme's and the problem's; reject names known to neither."""
    try:
        scheme_names = set(definition_of(scheme, players).params)
    except SchemeError:
        scheme_names = set()
    unknown = sorted(set(params) - scheme_names - set(spec.params))
    if unknown:
        known = ", ".join(sorted(scheme_names | set(spec.params))) or "none"
        raise ParameterError(f"neither scheme {scheme!r} nor problem {spec.name!r} has a parameter {unknown[0]!r} (known: {known})")
    return ({k: v for k, v in params.items() if k in scheme_names},
            {k: v for k, v in params.items() if k not in scheme_names})


def _mpf(value) -> mpmath.mpf:
    """An exact rational as an mpmath number at the working precision."""
    value = sympy.Rational(value)
    return mpmath.mpf(int(value.p)) / int(value.q)
