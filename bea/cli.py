"""The ``bea`` command line (CONTRACT §2 and §4).

Bad input exits with status 2 and one line on stderr naming what was wrong.
"""

from __future__ import annotations

import argparse
import json
import sys

from .derive import derive, principal
from .errors import BeaError, ParameterError
from .schemes import SCHEMES, TIMES

__all__ = ["main"]

FORMATS = ("text", "latex", "json")


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and exit status 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def _scheme_options(sub: argparse.ArgumentParser, required: bool) -> None:
    """The options naming a scheme, its order, parameters and time convention."""
    sub.add_argument("--scheme", required=required, choices=list(SCHEMES), help="the discrete update")
    sub.add_argument("--order", required=required, type=int, help="number of powers of h (order 1: the unmodified field)")
    sub.add_argument(
        "--param",
        action="extend",
        nargs="+",
        default=[],
        metavar="NAME=VALUE",
        help="a parameter value: integer, rational (3/2) or symbol; unset parameters stay symbolic",
    )
    sub.add_argument("--time", default="same", choices=TIMES, help="time convention of two-player schemes")


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
    help_text = "measure the local error of a modified flow on a problem"
    check = commands.add_parser("validate", help=help_text, description=help_text)
    check.add_argument("--list", action="store_true", help="list the problems of the library")
    _scheme_options(check, required=False)
    check.add_argument("--problem", default="random-polynomial", help="a problem of the library (see --list)")
    check.add_argument("--format", default="text", choices=("text", "json"))
    return parser


def _validate(args) -> int:
    from .problems import PROBLEMS
    from .validate import validate

    if args.list:
        for name, spec in PROBLEMS.items():
            print(f"{name:18s} {spec.description}{' (two-player schemes)' if spec.games_only else ''}")
        return 0
    if args.scheme is None or args.order is None:
        raise BeaError("validate needs --scheme and --order (or --list)")
    result = validate(args.scheme, args.order, args.problem, time=args.time,
                      progress=sys.stderr.isatty(), **_params(args.param))
    print(json.dumps(result.to_json(), indent=2) if args.format == "json" else result.to_text())
    return 0 if result.passed else 1


def _params(items: list[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ParameterError(f"--param expects NAME=VALUE, got {item!r}")
        if name in params:
            raise ParameterError(f"parameter {name} is given twice")
        params[name] = value
    return params


def _render(flow, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(flow.to_json(), indent=2)
    if fmt == "latex":
        return flow.to_latex()
    return flow.to_text()


def main(argv=None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "validate":
            return _validate(args)
        run = derive if args.command == "derive" else principal
        flow = run(args.scheme, args.order, time=args.time, **_params(args.param))
    except BeaError as error:
        print(f"bea {args.command}: error: {error}", file=sys.stderr)
        return 2
    print(_render(flow, args.format))
    return 0


def entry_point() -> None:  # pragma: no cover - the console script
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
