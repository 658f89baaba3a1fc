"""The ``bea`` command line (docs/cli.md).

Bad input exits with status 2 and one line on stderr naming what was wrong.
"""

from __future__ import annotations

import argparse
import os
import sys

from ..engine.budget import DEFAULT_SECONDS
from ..engine.derive import derive, principal
from ..errors import BeaError, ParameterError
from ..exact import exact_number
from ..printing import formatted, to_text
from ..analysis.gradient import SYSTEMS
from ..schemes.builtins import SCHEMES, TIMES

__all__ = ["main"]

FORMATS = ("text", "latex", "json")


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and exit status 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


# -- options -------------------------------------------------------------------------------
def _scheme_options(sub: argparse.ArgumentParser, required: bool) -> None:
    """The options naming a scheme, its order, parameters and time convention."""
    sub.add_argument("--scheme", required=required, metavar="SCHEME", help=_SCHEME_HELP)
    sub.add_argument("--order", required=required, type=int, help="number of powers of h (order 1: the unmodified field)")
    _param_option(sub)
    sub.add_argument("--time", default="same", choices=TIMES, help="time convention of two-player schemes")
    sub.add_argument("--budget", default=str(int(DEFAULT_SECONDS)), metavar="SECONDS",
                     help="refuse a derivation estimated to take longer (default %(default)s; 'none': no limit)")
    _variant_options(sub)


_SCHEME_HELP = f"the discrete update: {', '.join(SCHEMES)}, or a user scheme path/to/file.py:name or module:name"


def _variant_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--players", type=int, choices=(1, 2),
                     help="one field (block theta) or two players (blocks phi, theta) for schemes defined for both")
    sub.add_argument("--tableau", metavar="FILE", help='Butcher tableau of --scheme rk: JSON {"a": [[...]], "b": [...]}')


def _param_option(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "--param", action="extend", nargs="+", default=[], metavar="NAME=VALUE",
        help="a parameter value: integer, rational (3/2) or symbol; unset parameters stay symbolic",
    )


def _problem_options(sub: argparse.ArgumentParser, at_help: str, at_required: bool = False) -> None:
    """A problem from the library, or fields typed on the command line, and a point."""
    sub.add_argument("--problem", help="a problem of the library (see `bea validate --list`)")
    sub.add_argument("--field", action="append", default=[], metavar="LABEL=EXPR",
                     help='a field as arithmetic in the variables and parameters, e.g. f="-e1*phi + theta"; '
                          "repeat a label for a block with several variables")
    sub.add_argument("--var", action="append", default=[], metavar="BLOCK=X,Y",
                     help="the variables of a block (default: one variable named after the block)")
    sub.add_argument("--at", action="extend", nargs="+", default=[], required=at_required,
                     metavar="X=VALUE", help=at_help)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="bea", description="Backward error analysis of optimisers.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, help_text in (
        ("derive", "derive the modified vector field of a scheme"),
        ("principal", "derive only the principal (chain) terms of the modified field"),
    ):
        sub = commands.add_parser(name, help=help_text, description=help_text)
        _scheme_options(sub, required=True)
        sub.add_argument("--format", default="text", choices=FORMATS, help="output format")
        sub.add_argument("--gradient", choices=SYSTEMS, metavar="SYSTEM",
                         help=f"print in gradient notation for a gradient system: {', '.join(SYSTEMS)}")

    help_text = "the modified losses of a gradient system, or the part of the field that is not a gradient"
    loss = commands.add_parser("loss", help=help_text, description=help_text)
    _scheme_options(loss, required=True)
    loss.add_argument("--system", required=True, choices=SYSTEMS, metavar="SYSTEM",
                      help=f"the gradient system: {', '.join(SYSTEMS)}")
    loss.add_argument("--frozen", action="store_true",
                      help="freeze factors at theta_(t-1) where no loss exists (thesis Ch. 5)")
    loss.add_argument("--format", default="text", choices=FORMATS)

    help_text = "the papers' equations: printed as data, derived by bea, compared exactly"
    paper = commands.add_parser("paper", help=help_text, description=help_text)
    paper.add_argument("action", choices=("list", "show", "doc"), help="list the entries, show one, or write docs/papers.md")
    paper.add_argument("id", nargs="?", help="the entry to show (see `bea paper list`)")
    paper.add_argument("--format", default="text", choices=FORMATS)

    help_text = "measure the local error of a modified flow on a problem"
    check = commands.add_parser("validate", help=help_text, description=help_text)
    check.add_argument("--list", action="store_true", help="list the problems of the library")
    _scheme_options(check, required=False)
    _problem_options(check, "starting point of user fields, e.g. --at phi=1 theta=1/2")
    check.add_argument("--h-max", default="1/10", help="largest step of the ladder for user fields")
    check.add_argument("--format", default="text", choices=("text", "json"))

    help_text = "exact Jacobian of the modified field at a point, its eigenvalues and a stability verdict"
    stab = commands.add_parser("stability", help=help_text, description=help_text)
    _scheme_options(stab, required=True)
    _problem_options(stab, "the point (usually an equilibrium), e.g. --at phi=0 theta=0", at_required=True)
    stab.add_argument("--h", help="the step size (left symbolic when not given)")
    stab.add_argument("--format", default="text", choices=FORMATS)

    help_text = "the principal flow at a point and, with --steps, against the scheme's own iterates"
    pf = commands.add_parser("pf", help=help_text, description=help_text)
    pf.add_argument("--scheme", metavar="SCHEME", help="default: euler for one block, simultaneous for two")
    _param_option(pf)
    _variant_options(pf)
    _problem_options(pf, "the point (default: the problem's starting point)")
    pf.add_argument("--h", required=True, help="the step size")
    pf.add_argument("--method", default="jordan", choices=["jordan", "schur", "eig"])
    pf.add_argument("--steps", type=int, default=0, help="follow the PF for this many steps and compare")
    pf.add_argument("--format", default="text", choices=("text", "json"))
    return parser


# -- parsing values ------------------------------------------------------------------------
def _params(items: list[str], tableau: str | None = None) -> dict[str, str]:
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


def _assignments(items: list[str]) -> dict:
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


def _budget(args) -> float | None:
    text = getattr(args, "budget", None)
    if text is None or text.strip().lower() == "none":
        return None
    value = exact_number(text, "--budget")
    if value <= 0:
        raise ParameterError(f"--budget must be a positive number of seconds or 'none', got {text!r}")
    return float(value)


# -- problems ------------------------------------------------------------------------------
def _problem(args, scheme: str):
    """The problem spec of ``--problem``/``--field`` and ``--param`` split into (scheme, problem) values."""
    from ..concrete.library import get_problem, split_params

    params = _params(args.param, args.tableau)
    if not args.field:
        if args.var:
            raise BeaError("--var names the variables of --field; the problems of the library have their own")
        spec = get_problem(args.problem or "random-polynomial")
        return (spec, *split_params(scheme, spec, params, args.players))
    if args.problem:
        raise BeaError("give either --problem or --field, not both")
    scheme_params, problem_params = split_params(scheme, None, params, args.players)
    return _user_problem(args, scheme, scheme_params, problem_params), scheme_params, problem_params


def _user_problem(args, scheme: str, scheme_params: dict, problem_params: dict):
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
        variables[block.strip()] = [_variable(n) for n in listed]
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
    point = _point({v: sympy.Integer(0) for vs in variables.values() for v in vs}, args.at)
    return user_problem(fields, variables, point, h_max=exact_number(getattr(args, "h_max", "1/10"), "--h-max"),
                        params=problem_params)


def _variable(name: str):
    import sympy

    from ..schemes.params import RESERVED

    if not name.isidentifier() or name in RESERVED:
        raise BeaError(f"--var: {name!r} cannot be a variable name")
    return sympy.Symbol(name)


def _point(point: dict, at: list[str]) -> dict:
    """``point`` ({symbol: value}) with the values of ``--at``, each name a variable."""
    from ..concrete.library import with_values

    return with_values(point, _assignments(at), "--at")


# -- commands ------------------------------------------------------------------------------
def _validate(args) -> str:
    from ..concrete.library import PROBLEMS
    from ..analysis.validate import validate

    if args.list:
        return to_text(list(PROBLEMS.values()), summary=True)
    if args.scheme is None or args.order is None:
        raise BeaError("validate needs --scheme and --order (or --list)")
    if args.field and not args.at:
        raise BeaError("give the starting point of your fields with --at (e.g. --at phi=1 theta=1/2)")
    spec, scheme_params, problem_params = _problem(args, args.scheme)
    at = None if args.field else _assignments(args.at)
    result = validate(args.scheme, args.order, spec, time=args.time, players=args.players, at=at,
                      progress=_progress("validate"), budget=_budget(args), **scheme_params, **problem_params)
    args.failed = not result.passed
    return formatted(result, args.format)


def _stability(args) -> str:
    spec, scheme_params, problem_params = _problem(args, args.scheme)
    progress = _progress("stability")
    flow = derive(args.scheme, args.order, time=args.time, players=args.players, progress=progress,
                  budget=_budget(args), **scheme_params)
    instance = spec.instance(flow.blocks, **problem_params)
    at = {str(k): v for k, v in _point(instance.point, args.at).items()}
    if args.h is not None:
        at["h"] = _step(args.h)
    return formatted(flow.stability(instance.fields, instance.variables, at, progress=progress), args.format)


def _pf(args) -> str:
    from ..analysis.principal_flow import principal_flow
    from ..concrete.library import get_problem
    from ..schemes.builtins import make_scheme

    if args.steps < 0:
        raise ParameterError(f"--steps must be a number of steps >= 0, got {args.steps}")
    if args.field:
        two_players = len({item.partition("=")[0].strip() for item in args.field}) > 1
    else:
        two_players = get_problem(args.problem or "random-polynomial").games_only
    scheme = args.scheme or ("simultaneous" if two_players else "euler")
    if args.players is None and two_players and len(SCHEMES.get(scheme, {})) > 1:
        args.players = 2
    spec, scheme_params, problem_params = _problem(args, scheme)
    instance = spec.instance(make_scheme(scheme, players=args.players, **scheme_params).blocks, **problem_params)
    at = _point(instance.point, [] if args.field else args.at)
    pf = principal_flow(instance.fields, instance.variables, _step(args.h), method=args.method,
                        scheme=scheme, progress=_progress("pf"), **scheme_params)
    return formatted(pf.sample({v: at[v] for vs in instance.variables.values() for v in vs}, args.steps), args.format)


def _step(text: str):
    value = exact_number(text, "--h")
    if value <= 0:
        raise ParameterError(f"--h must be a positive step size, got {text!r}")
    return value


def _progress(name: str):
    """Progress lines on stderr when it is a terminal."""
    from ..progress import Progress

    return Progress(name, sys.stderr.isatty())


def _derive(args) -> str:
    run = derive if args.command == "derive" else principal
    progress = _progress(args.command)
    flow = run(args.scheme, args.order, time=args.time, players=args.players, progress=progress,
               budget=_budget(args), **_params(args.param, args.tableau))
    progress(f"printing {len(flow.terms)} terms as {args.format}")
    return formatted(flow, args.format, gradient=args.gradient)


def _loss(args) -> str:
    from ..analysis.losses import modified_loss

    progress = _progress("loss")
    flow = derive(args.scheme, args.order, time=args.time, players=args.players, progress=progress,
                  budget=_budget(args), **_params(args.param, args.tableau))
    result = modified_loss(flow, args.system, frozen=args.frozen, progress=progress)
    progress("printing")
    return formatted(result, args.format)


def _paper(args) -> str:
    from ..papers import CATALOGUE, entry, markdown

    if args.action == "doc":
        return markdown()
    if args.action == "list":
        if args.id:
            raise BeaError("`bea paper list` takes no id; use `bea paper show ID`")
        if args.format == "latex":
            raise BeaError("`bea paper list` prints text or json; for LaTeX use `bea paper show ID --format latex`")
        entries = [e for e in _progress("paper list").each(list(CATALOGUE.values()), "entries") if e.status]
        return formatted(entries, args.format, summary=True)
    if not args.id:
        raise BeaError("`bea paper show` needs an id (see `bea paper list`)")
    return formatted(entry(args.id), args.format, full=True)


COMMANDS = {"derive": _derive, "principal": _derive, "loss": _loss, "paper": _paper, "validate": _validate, "stability": _stability, "pf": _pf}


def main(argv=None) -> int:
    """Run the command line; return the exit status (1: a validation failed, 2: bad input, 3: a bug).

    Bad input is one line on stderr naming what was wrong.  An error that is not bad input is a
    bug in bea: it is reported in one line too (``BEA_DEBUG=1`` shows the traceback).
    """
    args = _parser().parse_args(argv)
    args.failed = False
    try:
        output = COMMANDS[args.command](args)
    except BeaError as error:
        print(f"bea {args.command}: error: {_one_line(error)}", file=sys.stderr)
        return 2
    except (KeyboardInterrupt, SystemExit):
        raise
    except MemoryError:
        print(f"bea {args.command}: error: out of memory (lower --order or the problem's size)", file=sys.stderr)
        return 2
    except Exception as error:          # a bug: one line, never a traceback unless asked for
        if os.environ.get("BEA_DEBUG"):
            raise
        print(f"bea {args.command}: internal error (please report it): {type(error).__name__}: {_one_line(error)}",
              file=sys.stderr)
        return 3
    print(output)
    return 1 if args.failed else 0


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split()) or type(error).__name__


def entry_point() -> None:  # pragma: no cover - the console script
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:             # e.g. `bea paper list | head`
        sys.stderr.close()
        sys.exit(0)
