"""The command line's grammar: one argparse parser, its subcommands and their options (docs/cli.md)."""

from __future__ import annotations

import argparse

from ..analysis.gradient import SYSTEMS
from ..engine.budget import DEFAULT_SECONDS
from ..algebra.trees import TERMS
from ..schemes.builtins import SCHEMES, TIMES

__all__ = ["parser", "FORMATS", "EOS_TOOLS"]

FORMATS = ("text", "latex", "json")
_EXACT = "; 3/20, 0.15 and 1e-3 are read exactly as written (1e-3 is 1/1000)"
EOS_TOOLS = ("constants", "predicted", "two-cycle", "rotation", "iterates", "alignment", "amplification",
             "weight-decay")


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


def _orderings_option(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--average-orderings", action="store_true",
                     help="average over every ordering of the fields that share a block (sgd's batches in a random "
                          "order each epoch)")


def _param_option(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "--param", action="extend", nargs="+", default=[], metavar="NAME=VALUE",
        help="a parameter value: an integer, a rational (3/2), a decimal as ML code writes it (1e-3, read exactly "
             "as 1/1000) or a symbol; unset parameters stay symbolic",
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


def _gradient_descent_options(sub: argparse.ArgumentParser) -> None:
    """A gradient-descent problem at a point (one block, f = -grad E) and the step size ``--h``."""
    _param_option(sub)
    sub.add_argument("--players", type=int, choices=(1,), help=argparse.SUPPRESS)     # what problem() reads
    sub.add_argument("--tableau", help=argparse.SUPPRESS)
    _problem_options(sub, "the point (default: the problem's starting point), e.g. --at theta=1")
    sub.add_argument("--h", required=True, help=f"the step size (learning rate){_EXACT}")


def parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="bea", description="Backward error analysis of optimisers.")
    parser.add_argument("--version", action="version", version=f"bea {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, help_text in (("schemes", "list the built-in schemes: parameters, players and what each does"),
                            ("problems", "list the problem library (what --problem takes)")):
        listing = commands.add_parser(name, help=help_text, description=help_text)
        listing.add_argument("--format", default="text", choices=("text", "json"))
    for name, help_text in (
        ("derive", "derive the modified vector field of a scheme"),
        ("principal", "derive only the principal (chain) terms of the modified field"),
        ("modify", "derive the modifying fields f~ = f + h f~1 + ...: one step of the scheme on them follows the "
                   "exact flow of its leading field"),
    ):
        sub = commands.add_parser(name, help=help_text, description=help_text)
        _scheme_options(sub, required=True)
        sub.add_argument("--format", default="text", choices=FORMATS, help="output format")
        sub.add_argument("--gradient", choices=SYSTEMS, metavar="SYSTEM",
                         help=f"print in gradient notation for a gradient system: {', '.join(SYSTEMS)}")
        if name == "derive":
            _orderings_option(sub)
        if name == "modify":
            sub.add_argument("--terms", default="all", choices=TERMS,
                             help="the drift terms to cancel: all, interaction (trees with another field than the "
                                  "root's) or self (default %(default)s)")

    help_text = "the B-series of one step of a scheme (or, with --exact-flow, of the exact flow it approximates)"
    step_map = commands.add_parser("map", help=help_text, description=help_text)
    _scheme_options(step_map, required=True)
    step_map.add_argument("--then", action="append", default=[], metavar="SCHEME",
                          help="follow the step by one step of SCHEME (repeatable; same parameters): a composition")
    step_map.add_argument("--adjoint", action="store_true", help="print the adjoint method Phi*_h = Phi_{-h}^{-1}")
    step_map.add_argument("--exact-flow", action="store_true",
                          help="print the exact flow of the scheme's leading field (the other side of the matching)")
    step_map.add_argument("--format", default="text", choices=FORMATS, help="output format")

    help_text = "the order of accuracy of a scheme, its failing order conditions and, with --structure, its structure"
    accuracy = commands.add_parser("order", help=help_text, description=help_text)
    accuracy.add_argument("--scheme", required=True, metavar="SCHEME", help=_SCHEME_HELP)
    accuracy.add_argument("--max-order", type=int, default=6,
                          help="compare trees of up to MAX_ORDER + 1 nodes (default %(default)s)")
    _param_option(accuracy)
    accuracy.add_argument("--time", default="same", choices=TIMES, help="time convention of two-player schemes")
    _variant_options(accuracy)
    accuracy.add_argument("--budget", default=str(int(DEFAULT_SECONDS)), metavar="SECONDS",
                          help="refuse a series estimated to take longer (default %(default)s; 'none': no limit)")
    accuracy.add_argument("--effective", action="store_true",
                          help="also find the effective order (a conjugating change of coordinates; one field)")
    accuracy.add_argument("--structure", action="store_true",
                          help="also check symplecticity, conjugate symplecticity, symmetry and energy preservation "
                               "(one field; symplecticity and symmetry also for two players)")
    accuracy.add_argument("--format", default="text", choices=("text", "json"))

    help_text = "the modified losses of a gradient system, or the part of the field that is not a gradient"
    loss = commands.add_parser("loss", help=help_text, description=help_text)
    _scheme_options(loss, required=True)
    loss.add_argument("--system", required=True, choices=SYSTEMS, metavar="SYSTEM",
                      help=f"the gradient system: {', '.join(SYSTEMS)}")
    loss.add_argument("--frozen", action="store_true",
                      help="freeze factors at theta_(t-1) where no loss exists (thesis Ch. 5)")
    _orderings_option(loss)
    loss.add_argument("--format", default="text", choices=FORMATS)

    help_text = "the exponential moving average of a scheme's iterates on its modified flow: its lag and its flow"
    average = commands.add_parser("average", help=help_text, description=help_text)
    _scheme_options(average, required=True)
    average.add_argument("--weight", default="w", metavar="W",
                         help="the average's weight w in theta_bar+ = (1 - w) theta_bar + w theta+, in (0, 1] "
                              "(default: the symbol w)")
    average.add_argument("--format", default="text", choices=FORMATS)

    help_text = "drift-cancelling regularisers: the losses whose scheme step follows the flow with chosen drift removed"
    cancel = commands.add_parser("cancel", help=help_text, description=help_text)
    _scheme_options(cancel, required=True)
    cancel.add_argument("--system", required=True, choices=SYSTEMS, metavar="SYSTEM",
                        help=f"the gradient system: {', '.join(SYSTEMS)}")
    cancel.add_argument("--terms", default="all", choices=TERMS,
                        help="the drift terms to cancel: all, interaction (trees with another field than the root's) "
                             "or self (default %(default)s)")
    cancel.add_argument("--frozen", action="store_true",
                        help="freeze factors at theta_(t-1) where a cancellation is not a gradient (thesis Ch. 5)")
    cancel.add_argument("--format", default="text", choices=FORMATS)

    help_text = "the papers' equations: printed as data, derived by bea, compared exactly"
    paper = commands.add_parser("paper", help=help_text, description=help_text)
    paper.add_argument("action", choices=("list", "show", "doc"),
                       help="list the entries, show one, or print the Markdown of docs/papers.md (doc)")
    paper.add_argument("--output", metavar="FILE", help="doc: write the Markdown to FILE instead of printing it")
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
    stab.add_argument("--h", help=f"the step size, left symbolic when not given{_EXACT}")
    stab.add_argument("--format", default="text", choices=FORMATS)

    help_text = "spectral diagnostics of gradient descent at a point: regimes, stability coefficients, sharpness, DAL"
    spec = commands.add_parser("spectral", help=help_text, description=help_text)
    _gradient_descent_options(spec)
    spec.add_argument("--weight-decay", default="0", metavar="W", help="add W/2 |theta|^2 to the loss (default 0)")
    spec.add_argument("--format", default="text", choices=("text", "json"))

    help_text = "the drift of one gradient-descent (or heavy-ball) step from its flow, with the mean-value bounds"
    drift = commands.add_parser("drift", help=help_text, description=help_text)
    _gradient_descent_options(drift)
    drift.add_argument("--beta", help="heavy ball with this momentum (against the flow of -grad E/(1 - beta))")
    drift.add_argument("--velocity", action="extend", nargs="+", default=[], metavar="V",
                       help="the heavy ball's last update, one number per variable (default: the slow manifold's)")
    drift.add_argument("--format", default="text", choices=("text", "json"))

    help_text = "the change of the loss over one step of a scheme, as an exact series in h"
    change = commands.add_parser("loss-change", help=help_text, description=help_text)
    change.add_argument("--scheme", default="euler", metavar="SCHEME", help="a one-field scheme (default euler)")
    change.add_argument("--loss", required=True, metavar="EXPR", help="the loss E in the variables, e.g. 'x^4/4 + x*y'")
    change.add_argument("--var", default="theta", metavar="X,Y", help="the variables (default theta)")
    change.add_argument("--at", action="extend", nargs="+", default=[], required=True, metavar="X=VALUE")
    change.add_argument("--order", type=int, default=3, help="the powers of h: 1 .. ORDER (default 3)")
    change.add_argument("--h", help=f"a step size: the second-order change per eigendirection there{_EXACT}")
    _param_option(change)
    change.add_argument("--format", default="text", choices=("text", "json"))

    help_text = ("the edge-of-stability tools: Damian et al.'s constants, predicted dynamics and 2-cycle, Wang & "
                 "Roberts' rotation and alignment, Sun et al.'s amplification and weight-decay bounds")
    edge = commands.add_parser("eos", help=help_text, description=help_text)
    edge.add_argument("tool", choices=EOS_TOOLS, help="the tool (docs/dynamics.md); each names the options it needs")
    edge.add_argument("--loss", metavar="EXPR", help="the loss E in the variables, e.g. 'a^2*(1 + b)/2 - b' "
                      "(constants, predicted, two-cycle, rotation, iterates)")
    edge.add_argument("--var", default="theta", metavar="X,Y", help="the variables (default theta)")
    edge.add_argument("--at", action="extend", nargs="+", default=[], metavar="X=VALUE", help="the point")
    edge.add_argument("--h", help=f"the step size (learning rate){_EXACT}")
    edge.add_argument("--steps", type=int, help="the number of steps (predicted, iterates)")
    edge.add_argument("--flow", default="gd", choices=("gd", "ngf", "igr", "pf"),
                      help="rotation: one gradient step, or the flow for time h (default %(default)s)")
    edge.add_argument("--z", metavar="EXPR", help="alignment: the loss z(Theta) of the product Theta = t1 t2")
    edge.add_argument("--stencil", metavar="C,C,...",
                      help="amplification: the coefficients c_m of u_j+ = sum_m c_m u_(j+m), comma-separated, centred "
                           "unless --first says otherwise, e.g. 'r, 1 - 2*r, r' (names from --param)")
    edge.add_argument("--first", type=int, help="amplification: the offset m of the first coefficient")
    edge.add_argument("--dt", help="amplification, weight-decay: the time step (a number or a --param name)")
    edge.add_argument("--dx", default="1", help="amplification: the grid spacing (default 1)")
    edge.add_argument("--curvatures", metavar="K,K,...",
                      help="weight-decay: the Hessian eigenvalues of the modes without decay, comma-separated")
    edge.add_argument("--checkerboard", type=int, metavar="N", help="weight-decay: the modes of Sun et al.'s "
                      "one-layer CNN on an N x N checkerboard of +-1 (with --cnn a=A beta=B)")
    edge.add_argument("--cnn", action="extend", nargs="+", default=[], metavar="NAME=VALUE",
                      help="weight-decay: the CNN's a (prediction minus label) and beta (Swish)")
    edge.add_argument("--scheme", default="euler", metavar="SCHEME",
                      help="weight-decay: a one-field scheme whose stability interval bounds the modes (default euler)")
    _param_option(edge)
    edge.add_argument("--format", default="text", choices=("text", "json"))

    help_text = "the principal flow at a point and, with --steps, against the scheme's own iterates"
    pf = commands.add_parser("pf", help=help_text, description=help_text)
    pf.add_argument("--scheme", metavar="SCHEME", help="default: euler for one block, simultaneous for two")
    _param_option(pf)
    _variant_options(pf)
    _problem_options(pf, "the point (default: the problem's starting point)")
    pf.add_argument("--h", required=True, help=f"the step size{_EXACT}")
    pf.add_argument("--method", default="jordan", choices=["jordan", "schur", "eig"])
    pf.add_argument("--steps", type=int, default=0, help="follow the PF for this many steps and compare")
    pf.add_argument("--nonprincipal", type=int, metavar="P",
                    help="add the non-principal terms of the modified field up to order P (3: RWQD23 Def 3.3)")
    pf.add_argument("--format", default="text", choices=("text", "json"))
    return parser


def _version() -> str:
    from .. import __version__

    return __version__


# -- parsing values ------------------------------------------------------------------------
