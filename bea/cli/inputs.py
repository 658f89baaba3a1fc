"""What the command line reads: ``--param``, ``--at``, ``--field``/``--var``, ``--h``, ``--budget``,
each parsed safely (never evaluated) into the values the layers below take."""

from __future__ import annotations

import sys

from ..errors import BeaError, ParameterError
from ..exact import exact_number

__all__ = ["params_of", "assignments", "budget", "problem", "point_with", "step_size", "progress_lines"]


def params_of(items: list[str], tableau: str | None = None) -> dict[str, str]:
    """``--param NAME=VALUE`` items (and ``--tableau FILE``) as keyword parameters."""
    params: dict[str, str] = {} if tableau is None else {"tableau": tableau}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ParameterError(f"--param expects NAME=VALUE, got {item!r}")
        if name in params:
            raise ParameterError(f"parameter {name} is given twice")
        params[name] = value
    return params


def assignments(items: list[str]) -> dict:
    """``["phi=0,theta=1/2", "x=1"]`` as ``{name: exact value}``; a name given twice is refused."""
    out = {}
    for item in items:
        for part in item.split(","):
            name, sep, value = part.partition("=")
            if not sep or not name.strip():
                raise ParameterError(f"--at expects NAME=VALUE, got {part!r}")
            if name.strip() in out:
                raise ParameterError(f"--at gives {name.strip()} twice")
            out[name.strip()] = exact_number(value, name.strip())
    return out


def budget(args) -> float | None:
    text = getattr(args, "budget", None)
    if text is None or text.strip().lower() == "none":
        return None
    value = exact_number(text, "--budget")
    if value <= 0:
        raise ParameterError(f"--budget must be a positive number of seconds or 'none', got {text!r}")
    return float(value)


# -- problems ------------------------------------------------------------------------------
def problem(args, scheme: str):
    """The problem spec of ``--problem``/``--field`` and ``--param`` split into (scheme, problem) values."""
    from ..concrete.library import get_problem, split_params

    params = params_of(args.param, args.tableau)
    if not args.field:
        if args.var:
            raise BeaError("--var names the variables of --field; the problems of the library have their own")
        spec = get_problem(args.problem or "random-polynomial")
        return (spec, *split_params(scheme, spec, params, args.players))
    if args.problem:
        raise BeaError("give either --problem or --field, not both")
    scheme_params, problem_params = split_params(scheme, None, params, args.players)
    return user_problem_of(args, scheme, scheme_params, problem_params), scheme_params, problem_params


def user_problem_of(args, scheme: str, scheme_params: dict, problem_params: dict):
    """A problem from ``--field``, ``--var`` and ``--at``, parsed safely (:mod:`bea.expressions`).

    Every name must be used: a ``--param`` that no field mentions is refused, and so is a
    field label the scheme does not have."""
    import sympy

    from ..expressions import parse_expression
    from ..concrete.library import user_problem
    from ..schemes.builtins import make_scheme

    blocks = make_scheme(scheme, time=getattr(args, "time", "same"), players=args.players, **scheme_params).blocks
    variables = {block: [sympy.Symbol(block)] for block in blocks}
    for item in args.var:
        block, _, names = item.partition("=")
        if block.strip() not in blocks:
            raise BeaError(f"--var names the block {block.strip()!r}; the scheme's blocks are {', '.join(blocks)}")
        listed = [n.strip() for n in names.split(",") if n.strip()]
        twice = sorted({n for n in listed if listed.count(n) > 1})
        if twice:
            raise BeaError(f"--var lists the variable {twice[0]} twice in block {block.strip()}")
        variables[block.strip()] = [variable(n) for n in listed]
    names = [str(v) for vs in variables.values() for v in vs] + list(problem_params)
    fields: dict = {}
    for item in args.field:
        label, sep, text = item.partition("=")
        if not sep:
            raise BeaError(f"--field expects LABEL=EXPR, got {item!r}")
        fields.setdefault(label.strip(), []).append(parse_expression(text, names))
    used = set().union(*(e.free_symbols for exprs in fields.values() for e in exprs))
    unused = sorted(p for p in problem_params if sympy.Symbol(p) not in used)
    if unused:
        raise ParameterError(f"--param {unused[0]}: the scheme {scheme!r} has no such parameter and no field uses it")
    point = point_with({v: sympy.Integer(0) for vs in variables.values() for v in vs}, args.at)
    return user_problem(fields, variables, point, h_max=exact_number(getattr(args, "h_max", "1/10"), "--h-max"),
                        params=problem_params)


def variable(name: str):
    import sympy

    from ..schemes.params import RESERVED

    if not name.isidentifier() or name in RESERVED:
        raise BeaError(f"--var: {name!r} cannot be a variable name")
    return sympy.Symbol(name)


def point_with(point: dict, at: list[str]) -> dict:
    """``point`` ({symbol: value}) with the values of ``--at``, each name a variable."""
    from ..concrete.library import with_values

    return with_values(point, assignments(at), "--at")


def step_size(text: str):
    value = exact_number(text, "--h")
    if value <= 0:
        raise ParameterError(f"--h must be a positive step size, got {text!r}")
    return value


def progress_lines(name: str):
    """Progress lines on stderr when it is a terminal."""
    from ..progress import Progress

    return Progress(name, sys.stderr.isatty())
