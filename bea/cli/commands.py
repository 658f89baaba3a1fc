"""The subcommands: each turns parsed arguments into a result and returns what the printers make of it."""

from __future__ import annotations

from ..engine.derive import derive, modify, principal
from ..errors import BeaError, ParameterError
from ..printing import formatted, to_text
from ..schemes.builtins import SCHEMES
from .inputs import assignments, budget, params_of, point_with, problem, progress_lines, step_size

__all__ = ["COMMANDS"]


def derived(args, progress, run=derive, params=None):
    """The flow the arguments ask for: ``--scheme``, ``--order``, ``--time``, ``--players``, ``--budget``,
    ``--terms`` (modify) and the scheme's parameters (``params``, else those of ``--param``)."""
    params = params_of(args.param, args.tableau) if params is None else params
    extra = {"terms": args.terms} if getattr(args, "terms", None) is not None else {}
    if getattr(args, "average_orderings", False):
        extra["average_orderings"] = True
    return run(args.scheme, args.order, time=args.time, players=args.players, progress=progress,
               budget=budget(args), **extra, **params)


def listing_command(args) -> str:
    """``bea schemes`` and ``bea problems``."""
    if args.command == "schemes":
        from ..schemes.builtins import scheme_infos

        return formatted(scheme_infos(), args.format, summary=True)
    from ..concrete.library import PROBLEMS

    return formatted(list(PROBLEMS.values()), args.format, summary=True)


def validate_command(args) -> str:
    from ..concrete.library import PROBLEMS
    from ..analysis.validate import validate

    if args.list:
        return to_text(list(PROBLEMS.values()), summary=True)
    if args.scheme is None or args.order is None:
        raise BeaError("validate needs --scheme and --order (or --list)")
    if args.field and not args.at:
        raise BeaError("give the starting point of your fields with --at (e.g. --at phi=1 theta=1/2)")
    spec, scheme_params, problem_params = problem(args, args.scheme)
    at = None if args.field else assignments(args.at)
    result = validate(args.scheme, args.order, spec, time=args.time, players=args.players, at=at,
                      progress=progress_lines("validate"), budget=budget(args), **scheme_params, **problem_params)
    args.failed = not result.passed
    return formatted(result, args.format)


def stability_command(args) -> str:
    spec, scheme_params, problem_params = problem(args, args.scheme)
    progress = progress_lines("stability")
    flow = derived(args, progress, params=scheme_params)
    instance = spec.instance(flow.blocks, **problem_params)
    at = {str(k): v for k, v in point_with(instance.point, args.at).items()}
    if args.h is not None:
        at["h"] = step_size(args.h)
    return formatted(flow.stability(instance.fields, instance.variables, at, progress=progress), args.format)


def pf_command(args) -> str:
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
    spec, scheme_params, problem_params = problem(args, scheme)
    instance = spec.instance(make_scheme(scheme, players=args.players, **scheme_params).blocks, **problem_params)
    at = point_with(instance.point, [] if args.field else args.at)
    pf = principal_flow(instance.fields, instance.variables, step_size(args.h), method=args.method,
                        scheme=scheme, nonprincipal=args.nonprincipal, progress=progress_lines("pf"), **scheme_params)
    return formatted(pf.sample({v: at[v] for vs in instance.variables.values() for v in vs}, args.steps), args.format)


def spectral_command(args) -> str:
    from ..analysis.spectral import spectral
    from ..exact import exact_number
    from ..schemes.builtins import make_scheme

    spec, scheme_params, problem_params = problem(args, "euler")
    instance = spec.instance(make_scheme("euler").blocks, **problem_params)
    at = point_with(instance.point, [] if args.field else args.at)
    result = spectral(instance.fields, instance.variables, {str(k): v for k, v in at.items()}, step_size(args.h),
                      weight_decay=exact_number(args.weight_decay, "--weight-decay"))
    return formatted(result, args.format)


def drift_command(args) -> str:
    from ..analysis.drift import momentum_drift, one_step_drift
    from ..exact import exact_number
    from ..schemes.builtins import make_scheme

    spec, _, problem_params = problem(args, "euler")
    instance = spec.instance(make_scheme("euler").blocks, **problem_params)
    at = {str(k): v for k, v in point_with(instance.point, [] if args.field else args.at).items()}
    h = step_size(args.h)
    if args.beta is None:
        if args.velocity:
            raise BeaError("--velocity is the heavy ball's; give --beta too")
        return formatted(one_step_drift(instance.fields, instance.variables, at, h), args.format)
    beta = exact_number(args.beta, "--beta")
    velocity = [exact_number(v, "--velocity") for v in args.velocity] if args.velocity else None   # None: slow manifold
    return formatted(momentum_drift(instance.fields, instance.variables, at, h, beta, velocity), args.format)


def loss_change_command(args) -> str:
    from ..analysis.drift import loss_change
    from ..expressions import parse_expression
    from .inputs import variable

    names = [n.strip() for n in args.var.split(",") if n.strip()]
    variables = [variable(n) for n in names]
    loss = parse_expression(args.loss, names)
    values = assignments(args.at)
    result = loss_change(args.scheme, loss, {"theta": variables}, values, args.order,
                         h=None if args.h is None else step_size(args.h), **params_of(args.param))
    return formatted(result, args.format)


def derive_command(args) -> str:
    progress = progress_lines(args.command)
    flow = derived(args, progress, run={"derive": derive, "principal": principal, "modify": modify}[args.command])
    progress(f"printing {len(flow.terms)} terms as {args.format}")
    return formatted(flow, args.format, gradient=args.gradient)


def map_command(args) -> str:
    from ..engine.bseries import one_step_map

    params = params_of(args.param, args.tableau)
    progress = progress_lines("map")
    options = {"time": args.time, "players": args.players, "budget": budget(args), **params}
    series = one_step_map(args.scheme, args.order, **options)
    for scheme in args.then:
        series = one_step_map(scheme, args.order, **options) @ series
    if args.adjoint:
        series = series.adjoint()
    if args.exact_flow:
        series = series.exact_field().exact_flow()
    progress(f"printing {len(series.values)} terms as {args.format}")
    return formatted(series, args.format)


def order_command(args) -> str:
    from ..analysis import order as checks
    from ..engine.bseries import one_step_map

    params = params_of(args.param, args.tableau)
    options = {"time": args.time, "players": args.players, **params}
    limit = budget(args)
    results = [checks.order(args.scheme, args.max_order, budget=limit, **options)]
    if args.effective or args.structure:
        series = one_step_map(args.scheme, args.max_order + 1, budget=limit, **options)
        if args.effective:
            results.append(checks.effective_order(series, args.max_order))
        if args.structure:
            one_field = len(series.labels) == 1
            results += [check(series, args.max_order) for check in
                        ((checks.symplectic, checks.conjugate_symplectic, checks.symmetric, checks.energy_preserving)
                         if one_field else (checks.symplectic, checks.symmetric))]
    return formatted(results, args.format)


def loss_command(args) -> str:
    from ..analysis.losses import modified_loss

    progress = progress_lines("loss")
    flow = derived(args, progress)
    result = modified_loss(flow, args.system, frozen=args.frozen, progress=progress)
    progress("printing")
    return formatted(result, args.format)


def average_command(args) -> str:
    from ..engine.averaging import iterate_average
    from ..exact import exact_number

    weight = args.weight if args.weight.isidentifier() else exact_number(args.weight, "--weight")
    params = params_of(args.param, args.tableau)
    return formatted(iterate_average(args.scheme, args.order, weight, time=args.time, players=args.players, **params),
                     args.format)


def cancel_command(args) -> str:
    from ..analysis.cancel import cancel

    params = params_of(args.param, args.tableau)
    result = cancel(args.scheme, args.order, args.system, args.terms, frozen=args.frozen, time=args.time,
                    players=args.players, progress=progress_lines("cancel"), budget=budget(args), **params)
    return formatted(result, args.format)


def paper_command(args) -> str:
    from ..papers import CATALOGUE, entry, markdown

    if args.output and args.action != "doc":
        raise BeaError("--output goes with `bea paper doc`")
    if args.action == "doc":
        if not args.output:
            return markdown()
        from pathlib import Path

        try:
            Path(args.output).write_text(markdown() + "\n")
        except OSError as error:
            raise BeaError(f"cannot write {args.output}: {error.strerror or error}") from None
        return f"wrote {args.output}"
    if args.action == "list":
        if args.id:
            raise BeaError("`bea paper list` takes no id; use `bea paper show ID`")
        if args.format == "latex":
            raise BeaError("`bea paper list` prints text or json; for LaTeX use `bea paper show ID --format latex`")
        entries = [e for e in progress_lines("paper list").each(list(CATALOGUE.values()), "entries") if e.status]
        return formatted(entries, args.format, summary=True)
    if not args.id:
        raise BeaError("`bea paper show` needs an id (see `bea paper list`)")
    return formatted(entry(args.id), args.format, full=True)


def eos_command(args) -> str:
    """``bea eos TOOL``: one edge-of-stability tool of :mod:`bea.analysis.eos` on typed input."""
    import sympy

    from ..analysis import eos
    from ..exact import exact_number
    from ..expressions import parse_expression
    from .inputs import variable

    def need(*options):
        missing = [o for o in options if getattr(args, o.lstrip("-").replace("-", "_")) in (None, [])]
        if missing:
            raise BeaError(f"`bea eos {args.tool}` needs {', '.join(missing)}")

    names = [n.strip() for n in args.var.split(",") if n.strip()]
    variables = [variable(n) for n in names]
    if args.steps is not None and args.steps < 0:
        raise ParameterError(f"--steps must be a number of steps >= 0, got {args.steps}")
    tool = args.tool
    if tool in ("constants", "predicted", "two-cycle", "rotation", "iterates"):
        need("--loss", "--at", "--h", *(("--steps",) if tool in ("predicted", "iterates") else ()))
        loss, at, h = parse_expression(args.loss, names), assignments(args.at), step_size(args.h)
        problem = {"theta": variables}
        start = [at[n] if n in at else _missing_coordinate(n) for n in names]
        result = {"constants": lambda: eos.constants(loss, problem, at, h),
                  "predicted": lambda: eos.predicted(loss, problem, start, h, args.steps),
                  "two-cycle": lambda: eos.two_cycle(loss, problem, at, h),
                  "iterates": lambda: eos.iterates(loss, problem, start, h, args.steps),
                  "rotation": lambda: eos.rotation({"f": [-loss.diff(v) for v in variables]}, problem, at, h,
                                                   args.flow)}[tool]()
    elif tool == "alignment":
        need("--z", "--at", "--h")
        at = assignments(args.at)
        if len(names) != 2:
            raise BeaError("`bea eos alignment` is for the two-parameter network: --var t1,t2")
        result = eos.alignment(parse_expression(args.z, ["Theta"]), variable("Theta"),
                               [at[n] if n in at else _missing_coordinate(n) for n in names], step_size(args.h))
    elif tool == "amplification":
        need("--stencil", "--dt")
        values = _symbolic_params(args.param)
        symbols = {sympy.Symbol(name): value for name, value in values.items()}
        texts = args.stencil.split(",")
        if args.first is None and len(texts) % 2 == 0:
            raise BeaError(f"--stencil has {len(texts)} coefficients, so no centre: say where it starts with --first M")
        first = -(len(texts) // 2) if args.first is None else args.first
        stencil = {first + j: parse_expression(text, list(values)).xreplace(symbols) for j, text in enumerate(texts)}
        dt, dx = (parse_expression(text, list(values)).xreplace(symbols) for text in (args.dt, args.dx))
        result = eos.amplification(stencil, dt, dx)
    else:
        need("--dt")
        if (args.curvatures is None) == (args.checkerboard is None):
            raise BeaError("`bea eos weight-decay` needs the modes: --curvatures K ... or --checkerboard N --cnn a=A beta=B")
        if args.checkerboard is not None:
            cnn = assignments(args.cnn)
            if set(cnn) != {"a", "beta"} or args.checkerboard < 1:
                raise BeaError("--checkerboard N (N >= 1) needs --cnn a=A beta=B")
            board = [[(-1) ** (i + j) for j in range(args.checkerboard)] for i in range(args.checkerboard)]
            curvatures = eos.cnn_curvatures(board, cnn["a"], cnn["beta"]).ravel()
        else:
            curvatures = [exact_number(k, "--curvatures") for k in args.curvatures.split(",")]
        result = eos.weight_decay_bounds(curvatures, step_size(args.dt), args.scheme, **params_of(args.param))
    return formatted(result, args.format)


def _missing_coordinate(name: str):
    raise BeaError(f"--at gives no value for the variable {name}")


def _symbolic_params(items: list[str]) -> dict:
    """``--param NAME=VALUE`` as ``{name: value}`` for typed coefficients: a value equal to its name stays a
    positive symbol (``--param kappa=kappa``), any other is an exact number."""
    import sympy

    from ..exact import exact_number

    out: dict = {}
    for name, value in params_of(items).items():
        out[name] = sympy.Symbol(name, positive=True) if value.strip() == name else exact_number(value, name)
    return {**out, **{n: sympy.Symbol(n, positive=True) for n in ("dt", "dx") if n not in out}}


COMMANDS = {"derive": derive_command, "principal": derive_command, "modify": derive_command, "map": map_command, "order": order_command, "spectral": spectral_command, "drift": drift_command,
            "loss-change": loss_change_command, "loss": loss_command, "paper": paper_command,
            "validate": validate_command, "stability": stability_command, "pf": pf_command,
            "eos": eos_command, "cancel": cancel_command, "average": average_command, "schemes": listing_command,
            "problems": listing_command}
