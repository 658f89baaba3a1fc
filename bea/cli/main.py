"""The ``bea`` command line (docs/cli.md): parse, run the subcommand, print; bad input exits with
status 2 and one line on stderr naming what was wrong."""

from __future__ import annotations

import os
import sys

from ..errors import BeaError
from .commands import COMMANDS
from .parser import parser

__all__ = ["main", "entry_point"]


def main(argv=None) -> int:
    """Run the command line; return the exit status (1: a validation failed, 2: bad input, 3: a bug).

    Bad input is one line on stderr naming what was wrong.  An error that is not bad input is a
    bug in bea: it is reported in one line too (``BEA_DEBUG=1`` shows the traceback).
    """
    args = parser().parse_args(argv)
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
