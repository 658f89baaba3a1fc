"""A small library of concrete problems, for code generation and numerical validation.

Each problem gives SymPy fields for the blocks and labels of a scheme, a starting point,
and the largest step of a sensible validation ladder.  Objective-based problems adapt to
every scheme: one block and ``f = -grad E``; ``n`` SGD steps with ``f_i = -grad E_i``
(the loss on batch ``i``); two players splitting the variables with
``f = -grad_phi E``, ``g = -grad_theta E`` (common payoff).  Games fit two-player schemes only.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from itertools import combinations_with_replacement
from typing import Callable

import sympy

from ..errors import BeaError, ParameterError, SchemeError
from ..exact import exact_number
from ..expressions import to_expression
from ..schemes.builtins import definition_of
from ..schemes.params import parse_value

__all__ = ["PROBLEMS", "ProblemSpec", "Instance", "get_problem", "user_problem", "with_values", "UnknownProblem"]


class UnknownProblem(BeaError):
    """A problem name that is not in the library, or a problem that does not fit the scheme."""


@dataclass(frozen=True)
class Instance:
    """Fields ``{label: [expr]}``, variables ``{block: [symbol]}`` and a point ``{symbol: value}``."""

    fields: dict
    variables: dict
    point: dict
    h_max: sympy.Rational


@dataclass(frozen=True)
class ProblemSpec:
    """A named problem; ``build(blocks, **values)`` makes its :class:`Instance` for a scheme's blocks.

    ``params`` maps the problem's own parameters (e.g. ``epsilon1``) to default values.
    """

    name: str
    description: str
    build: Callable[..., Instance]
    games_only: bool = False
    params: dict = field(default_factory=dict)

    def instance(self, blocks: dict, **values) -> Instance:
        """The problem for a scheme with these blocks ``{block: (labels...)}`` and parameter values."""
        if self.games_only and list(blocks) != ["phi", "theta"]:
            raise UnknownProblem(f"problem {self.name!r} is a two-player game; use a two-player scheme")
        unknown = sorted(set(values) - set(self.params))
        if unknown:
            known = ", ".join(self.params) or "none"
            raise ParameterError(f"problem {self.name!r} has no parameter {unknown[0]!r} (its parameters: {known})")
        chosen = {name: parse_value(name, values.get(name, default)) for name, default in self.params.items()}
        return self.build(blocks, **chosen)


def _objective(variables, losses, point, h_max) -> Callable[[dict], Instance]:
    """Fields from losses: ``losses(i)`` is the loss on batch ``i`` (``None``: the full loss)."""

    def build(blocks):
        """Gradient fields of the losses for the blocks and labels of a scheme."""
        if list(blocks) == ["phi", "theta"]:
            half = max(1, len(variables) // 2)
            phi, theta = variables[:half], variables[half:]
            if not theta:
                raise UnknownProblem("this problem has one variable; it cannot be split between two players")
            loss = losses(None)
            fields = {"f": [-sympy.diff(loss, v) for v in phi], "g": [-sympy.diff(loss, v) for v in theta]}
            return Instance(fields, {"phi": phi, "theta": theta}, point, h_max)
        (labels,) = blocks.values()
        if len(labels) == 1:
            loss = losses(None)
            return Instance({labels[0]: [-sympy.diff(loss, v) for v in variables]}, {"theta": variables}, point, h_max)
        fields = {label: [-sympy.diff(losses(i), v) for v in variables] for i, label in enumerate(labels)}
        return Instance(fields, {"theta": variables}, point, h_max)

    return build


def _quadratic():
    x, y = sympy.symbols("x y")
    condition = 10

    def loss(i):
        shift = 0 if i is None else sympy.Rational(i + 1, 4)
        return ((x - shift) ** 2 + condition * (y + shift) ** 2) / 2

    return _objective([x, y], loss, {x: sympy.Rational(1), y: sympy.Rational(1, 2)}, sympy.Rational(1, 40))


def _rosenbrock():
    x, y = sympy.symbols("x y")

    def loss(i):
        a = 1 if i is None else sympy.Rational(4 + i, 4)
        return (a - x) ** 2 + 100 * (y - x**2) ** 2

    return _objective([x, y], loss, {x: sympy.Rational(-1, 2), y: sympy.Rational(1, 2)}, sympy.Rational(1, 2000))


def _two_layer():
    a, b = sympy.symbols("a b")
    data = [(sympy.Rational(1), sympy.Rational(2)), (sympy.Rational(2), sympy.Rational(1)),
            (sympy.Rational(-1), sympy.Rational(1, 2)), (sympy.Rational(1, 2), sympy.Rational(-1))]

    def loss(i):
        xs = data if i is None else [data[i % len(data)]]
        return sympy.Add(*((a * b * xv - yv) ** 2 / 2 for xv, yv in xs)) / len(xs)

    return _objective([a, b], loss, {a: sympy.Rational(1, 2), b: sympy.Rational(3, 4)}, sympy.Rational(1, 80))


def _linear_game(blocks, epsilon1, epsilon2):
    """Thesis Eq 4.23: ``phi' = -epsilon1 phi + theta``, ``theta' = epsilon2 theta - phi``."""
    phi, theta = sympy.symbols("phi theta")
    fields = {"f": [-epsilon1 * phi + theta], "g": [epsilon2 * theta - phi]}
    return Instance(fields, {"phi": [phi], "theta": [theta]}, {phi: sympy.Rational(1), theta: sympy.Rational(1, 2)}, sympy.Rational(1, 10))


def _dirac_gan(blocks):
    """Thesis Eq 4.37 with ``l(z) = -log(1 + exp(-z))``: ``f = l'(theta phi) theta``, ``g = -l'(theta phi) phi``."""
    phi, theta = sympy.symbols("phi theta")
    z = sympy.Symbol("z")
    lprime = sympy.diff(-sympy.log(1 + sympy.exp(-z)), z)
    fields = {"f": [lprime.subs(z, theta * phi) * theta], "g": [-lprime.subs(z, theta * phi) * phi]}
    return Instance(fields, {"phi": [phi], "theta": [theta]}, {phi: sympy.Rational(1, 2), theta: sympy.Rational(1)}, sympy.Rational(1, 10))


def _random_polynomial(seed: int = 0, degree: int = 2):
    """Random polynomial fields with rational coefficients (two variables per block)."""

    def build(blocks):
        rng = random.Random(seed)
        variables = {b: list(sympy.symbols(f"{b}_0:2")) for b in blocks}
        state = [v for vs in variables.values() for v in vs]
        monomials = [sympy.Mul(*c) for d in range(degree + 1) for c in combinations_with_replacement(state, d)]
        fields = {
            label: [sympy.Add(*(sympy.Rational(rng.randint(-3, 3), rng.randint(1, 4)) * m for m in monomials)) for _ in variables[b]]
            for b, labels in blocks.items() for label in labels
        }
        point = {v: sympy.Rational(rng.randint(-3, 3), 4) for v in state}
        return Instance(fields, variables, point, sympy.Rational(1, 20))

    return build


PROBLEMS: dict[str, ProblemSpec] = {
    spec.name: spec
    for spec in (
        ProblemSpec("quadratic", "ill-conditioned quadratic E = (x^2 + 10 y^2)/2 (batch i shifted)", _quadratic()),
        ProblemSpec("rosenbrock", "Rosenbrock banana E = (1 - x)^2 + 100 (y - x^2)^2 (TMLR Fig 6)", _rosenbrock()),
        ProblemSpec("two-layer", "scalar two-layer network E = (a b x - y)^2 / 2 on four data points", _two_layer()),
        ProblemSpec("linear-game", "thesis Eq 4.23, phi' = -epsilon1 phi + theta, theta' = epsilon2 theta - phi "
                    "(default epsilon1 = epsilon2 = 9/100)", _linear_game, games_only=True,
                    params={"epsilon1": sympy.Rational(9, 100), "epsilon2": sympy.Rational(9, 100)}),
        ProblemSpec("dirac-gan", "Dirac-GAN, thesis Sec 4.5.1 / App B.6, l(z) = -log(1 + e^-z)", _dirac_gan, games_only=True),
        ProblemSpec("random-polynomial", "random quadratic polynomial fields, seed 0", _random_polynomial()),
    )
}


def with_values(point: dict, given: dict | None, what: str = "at") -> dict:
    """``point`` ({symbol: value}) with the values ``given`` ({name: value}); every name must be a
    variable of the point, and every value an exact number (:mod:`bea.exact`)."""
    if not given:
        return dict(point)
    names = {str(v): v for v in point}
    unknown = sorted(set(map(str, given)) - set(names))
    if unknown:
        raise ParameterError(f"{what} names {unknown[0]!r}, which is not a variable of the problem "
                             f"(its variables: {', '.join(names)})")
    return {**point, **{names[str(k)]: exact_number(v, f"the value of {k}") for k, v in given.items()}}


def split_params(scheme, spec: ProblemSpec | None, params: dict, players=None) -> tuple[dict, dict]:
    """Split parameter values into the scheme's and the problem's.  With a problem ``spec``, a name
    known to neither is refused; without one (the user's own fields) the rest is the problem's."""
    try:
        scheme_names = set(definition_of(scheme, players).params)
    except SchemeError:
        scheme_names = set()
    if spec is not None:
        unknown = sorted(set(params) - scheme_names - set(spec.params))
        if unknown:
            known = ", ".join(sorted(scheme_names | set(spec.params))) or "none"
            raise ParameterError(f"neither scheme {scheme!r} nor problem {spec.name!r} has a parameter "
                                 f"{unknown[0]!r} (known: {known})")
    return ({k: v for k, v in params.items() if k in scheme_names},
            {k: v for k, v in params.items() if k not in scheme_names})


def get_problem(name: str) -> ProblemSpec:
    spec = PROBLEMS.get(name)
    if spec is None:
        raise UnknownProblem(f"unknown problem {name!r}; choose one of {', '.join(PROBLEMS)}")
    return spec


def user_problem(fields: dict, variables: dict, point: dict, h_max=sympy.Rational(1, 10),
                 params: dict | None = None, name: str = "user") -> ProblemSpec:
    """A problem from the user's own fields ``{label: [expr]}`` on variables ``{block: [symbol]}``.

    ``point`` gives the starting value of every variable; ``params`` the parameters that
    the expressions may contain, with default values.
    """
    params = {str(k): v for k, v in (params or {}).items()}
    state = [v for vs in variables.values() for v in vs]
    missing = [str(v) for v in state if v not in point]
    if missing:
        raise ParameterError(f"the starting point gives no value for {', '.join(missing)}")

    def build(blocks, **values):
        if set(variables) != set(blocks):
            raise UnknownProblem(f"the fields are for the blocks {list(variables)}; the scheme has {list(blocks)}")
        subs = {sympy.Symbol(k): v for k, v in values.items()}
        names = [str(v) for v in state] + list(params)
        chosen = {label: [to_expression(e, names, f"field {label}").xreplace(subs) for e in exprs]
                  for label, exprs in fields.items()}
        start = {v: exact_number(point[v], f"the starting value of {v}") for v in state}
        return Instance(chosen, {b: list(variables[b]) for b in blocks}, start, step)

    step = exact_number(h_max, "h_max")
    if not step > 0:
        raise ParameterError(f"h_max must be a positive step size, got {h_max}")

    return ProblemSpec(name, "fields given by the user", build, params=params)
