"""Property-based tests (Hypothesis) of the command line and the Python entry points.

The property, for random schemes, orders, parameter strings (reserved names, floats, injection
attempts, unicode), points, fields and tableau files: exit 0 with a correct answer, or exit 2 with
one line on stderr (in Python: a ``bea.BeaError``), within a time bound, and no file written.
"Correct" is checked where it is cheap and independent: a derived field of the papers' schemes
against the exact series check of ``tests/independent.py``, a JSON output that parses.
"""

import json
import os
import signal
from contextlib import contextmanager

import pytest
import numpy as np
import sympy
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import bea
from bea import eos
from bea.cli.main import main
from independent import mismatch

SECONDS = 60          # the time bound of one example
BUDGET = 20           # the budget each command is given: it must refuse (or finish) well within the bound
EXAMPLES = int(os.environ.get("BEA_PROPERTY_EXAMPLES", "150"))     # more for a longer hunt

NAMES = ["v_phi", "v_theta", "m", "k", "n", "beta", "alpha", "mm", "epsilon1", "tableau", "x", "h", "f", "théta", ""]
VALUES = ["1", "2", "3/2", "-1", "0", "1/0", "0.25", "1e-3", "eta", "nan", "inf", "oo", "E", "I", "pi", "h", "f",
          "theta", "2*x", "__import__('os').system('touch pwned')", "ünï", "1" * 40, "  7 ", "9/10", "-2/3"]
SCHEMES = ["euler", "simultaneous", "alternating", "sgd", "midpoint", "heun", "rk4", "extragradient", "proximal",
           "heavy-ball", "nesterov", "optimistic", "lookahead", "rk", "nope", "data/none.py:x", "os:system", ""]
FIELDS = ["f=-theta", "f=-x", "f=theta^2", "g=-phi", "f=log(theta)", "f=sqrt(theta)", "f=1/theta", "f=1",
          "f=__import__('os')", "f=-e1*phi + theta", "g=e2*theta - phi", "f=exp(theta)", "f=", "=x", "f=theta**99"]
POINTS = ["theta=1", "theta=0", "theta=-1", "phi=1/2", "nosuch=5", "theta=nan", "theta=x", "x=1", "theta=1e-3"]
TABLEAUX = ['{"a": [[], ["1/2"]], "b": [0, 1]}'] * 3 + ['{"a": [["1/2"]], "b": ["1"]}', '{"a": [["1/0"]], "b": ["1"]}',
            '{"a": [[0.5]], "b": [1]}', '{"a": [["sqrt(2)"]], "b": ["1"]}', "not json", '{"a": [], "b": []}',
            '{"a": [["alpha"]], "b": ["1"]}']


@contextmanager
def time_bound(seconds: int):
    def stop(signum, frame):
        raise TimeoutError(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


GOOD = {"v_phi": ["1", "2", "3/2", "-1", "eta"], "v_theta": ["1", "1/2", "-2/3"], "m": ["1", "2", "3", "m"],
        "k": ["1", "2", "k"], "n": ["1", "2", "3"], "beta": ["1/2", "9/10", "-1/3", "beta"], "alpha": ["1/2", "alpha"]}
PARAMS = {"simultaneous": ["v_phi", "v_theta"], "alternating": ["v_phi", "v_theta", "m", "k"], "sgd": ["n"],
          "heavy-ball": ["beta"], "nesterov": ["beta"], "lookahead": ["alpha", "k"]}
TWO = {"simultaneous", "alternating"}


def _hostile(draw, good: list, bad: list):
    """Mostly a good value, sometimes a hostile one (one in four)."""
    return draw(st.sampled_from(bad)) if draw(st.integers(0, 3)) == 0 else draw(st.sampled_from(good))


@st.composite
def command_lines(draw):
    """Random ``bea`` argument lists: mostly well-formed, with hostile values mixed in."""
    command = draw(st.sampled_from(["derive", "derive", "principal", "loss", "validate", "stability", "pf", "paper",
                                    "map", "order", "spectral", "drift", "loss-change", "modify", "cancel", "average",
                                    "eos"]))
    if command == "eos":
        tool = _hostile(draw, ["constants", "predicted", "two-cycle", "rotation", "iterates", "alignment",
                               "amplification", "weight-decay"], ["nope", ""])
        argv = ["eos", tool]
        for option, good, bad in (
                ("--loss", ["a^2*(1+b)/2 - b", "(t1*t2)^2", "x^2/2 - x^4/4"], ["", "exp(", "__import__('os')", "1/a"]),
                ("--var", ["a,b", "t1,t2", "x"], ["a,a", "h", ""]),
                ("--h", ["1/2", "0.011", "1e-3"], ["0", "-1", "x", "nan"]),
                ("--steps", ["0", "3"], ["-1", "x"]), ("--flow", ["gd", "pf", "igr"], ["nope"]),
                ("--z", ["Theta^2", "exp(Theta)"], ["x", ""]),
                ("--stencil", ["r, 1 - 2*r, r", "2/5, 1/5, 2/5"], ["1, 2", "x, y, z", ""]),
                ("--dt", ["1", "1e-8", "dt"], ["0", "-1", "x"]),
                ("--curvatures", ["-1/16, -1", "0, 1e9"], ["x", ""]), ("--checkerboard", ["4"], ["0", "-1", "x"])):
            if draw(st.booleans()):
                argv += [option, _hostile(draw, good, bad)]
        if draw(st.booleans()):
            argv += ["--at", *draw(st.sampled_from([["a=0", "b=3"], ["t1=-1/10", "t2=10"], ["x=0"], ["z=1"], ["a=nan"]]))]
        if draw(st.integers(0, 2)) == 0:
            argv += ["--cnn", *draw(st.sampled_from([["a=-1/2", "beta=1"], ["a=1"], ["x=1"]]))]
        if draw(st.integers(0, 2)) == 0:
            argv += ["--param", draw(st.sampled_from(["r=2/5", "kappa=kappa", "beta=9/10", "x=1", "r=nan"]))]
        if draw(st.booleans()):
            argv += ["--format", draw(st.sampled_from(["text", "json"]))]
        return argv
    if command == "loss-change":
        return ["loss-change", "--loss", draw(st.sampled_from(["x^2", "x^4/4+x*y", "exp(x)", "x", "1/x", "y", "__import__"])),
                "--var", draw(st.sampled_from(["x", "x,y", "x,x", "h"])),
                "--at", *draw(st.sampled_from([["x=1"], ["x=1", "y=2"], ["x=0"], ["z=1"], ["x=nan"]])),
                "--order", _hostile(draw, ["1", "2", "3"], ["0", "-1", "x"]),
                "--scheme", _hostile(draw, ["euler", "rk4", "heun"], ["heavy-ball", "alternating", "nope"]),
                *draw(st.sampled_from([[], ["--h", "1/2"], ["--h", "0"], ["--format", "json"]]))]
    if command in ("spectral", "drift"):
        argv = [command, "--h", _hostile(draw, ["1/10", "1/2", "2", "1e-3"], ["0", "-1", "x", "nan"])]
        if draw(st.booleans()):
            argv += ["--problem", _hostile(draw, ["quadratic", "rosenbrock", "two-layer"], ["nope", "linear-game"])]
        else:
            argv += ["--field", draw(st.sampled_from(["f=-theta", "f=-theta^3", "f=theta", "f=exp(-theta)"] + FIELDS)),
                     "--at", draw(st.sampled_from(["theta=1", "theta=0"] + POINTS))]
        if command == "spectral" and draw(st.booleans()):
            argv += ["--weight-decay", _hostile(draw, ["0", "1/10"], ["-1", "x"])]
        if command == "drift" and draw(st.booleans()):
            argv += ["--beta", _hostile(draw, ["1/2", "9/10"], ["1", "-1", "x"])]
        if draw(st.booleans()):
            argv += ["--format", draw(st.sampled_from(["text", "json"]))]
        return argv
    if command == "paper":
        return ["paper", draw(st.sampled_from(["list", "show", "doc", "nope"])),
                *draw(st.sampled_from([[], ["tmlr-eq8"], ["nope"], ["--format", "latex"], ["--format", "json"]]))]
    scheme = _hostile(draw, SCHEMES[:13], SCHEMES[13:])
    argv = [command, "--scheme", scheme, "--budget", str(BUDGET)]
    if command == "order":
        argv += ["--max-order", _hostile(draw, ["1", "2", "3"], ["0", "-1", "x", "40"])]
        argv += draw(st.sampled_from([[], ["--structure"], ["--effective"]]))
    elif command != "pf":
        argv += ["--order", _hostile(draw, ["1", "2", "3"], ["0", "-1", "x", "2.5", "40"])]
    if command == "map":
        argv += draw(st.sampled_from([[], ["--adjoint"], ["--exact-flow"], ["--then", "heun"], ["--then", "nope"]]))
    names = PARAMS.get(scheme, [])
    params = [f"{name}={_hostile(draw, GOOD[name], VALUES)}" for name in names if draw(st.booleans()) or name == "n"]
    if draw(st.integers(0, 4)) == 0:
        params.append(f"{draw(st.sampled_from(NAMES))}={draw(st.sampled_from(VALUES))}")
    if params:
        argv += ["--param", *params]
    players = 2 if scheme in TWO else 1
    if scheme not in TWO and scheme not in ("euler", "sgd") and draw(st.integers(0, 2)) == 0:
        players = 2
        argv += ["--players", "2"]
    if draw(st.integers(0, 9)) == 0:
        argv += ["--players", draw(st.sampled_from(["1", "2", "3"]))]
    if scheme == "rk" or draw(st.integers(0, 9)) == 0:
        argv += ["--tableau", "tableau.json"]
    if command in ("derive", "principal", "loss", "map", "modify", "cancel", "average") and draw(st.booleans()):
        argv += ["--format", draw(st.sampled_from(["text", "latex", "json"]))]
    if command in ("modify", "cancel") and draw(st.booleans()):
        argv += ["--terms", _hostile(draw, ["all", "interaction", "self"], ["none", ""])]
    if command in ("derive", "loss") and draw(st.integers(0, 4)) == 0:
        argv += ["--average-orderings"]
    if command == "average" and draw(st.booleans()):
        argv += ["--weight", _hostile(draw, ["1/2", "9/10", "1", "w"], ["0", "2", "-1", "x y", "nan", "alpha"])]
    if command != "pf" and draw(st.integers(0, 4)) == 0:
        argv += ["--time", draw(st.sampled_from(["same", "per-player"]))]
    if command in ("loss", "cancel"):
        systems = ["general", "common-payoff", "zero-sum"] if players == 2 else ["single", "sgd"]
        argv += ["--system", _hostile(draw, systems, ["x", "single", "zero-sum"])]
    if command in ("validate", "stability", "pf"):
        problems = ["linear-game", "dirac-gan", "quadratic"] if players == 2 else ["quadratic", "two-layer", "rosenbrock"]
        if draw(st.booleans()):
            argv += ["--problem", _hostile(draw, problems, ["nope", "linear-game"])]
        else:
            good = [["g=-phi", "f=-theta"], ["f=-e1*phi + theta", "g=e2*theta - phi"]] if players == 2 else \
                [["f=-theta"], ["f=-theta^3"], ["f=exp(-theta)"]]
            for field in _hostile(draw, good, [[f] for f in FIELDS]):
                argv += ["--field", field]
            good_points = [["phi=1/2", "theta=1"], ["phi=0", "theta=0"]] if players == 2 else [["theta=1"], ["theta=0"]]
            argv += ["--at", *_hostile(draw, good_points, [[p] for p in POINTS])]
        if command != "validate":
            argv += ["--h", _hostile(draw, ["1/10", "1/2", "5", "1e-3"], ["0", "-1", "x"])]
    if command == "pf" and draw(st.booleans()):
        argv += ["--steps", _hostile(draw, ["0", "2"], ["-1"]), "--method", draw(st.sampled_from(["eig", "schur"]))]
    if command == "validate" and draw(st.integers(0, 3)) == 0:
        argv += ["--h-max", draw(st.sampled_from(["1/10", "0", "-1", "x"]))]
    if command == "stability" and "--at" not in argv:
        argv += ["--at", "phi=0", "theta=0"] if players == 2 else ["--at", "theta=0"]
    return argv


def _check_derived(out: str) -> None:
    """A JSON field of a papers' scheme agrees with the independent exact check."""
    data = json.loads(out)
    if data["scheme"] not in ("euler", "simultaneous", "alternating", "sgd") or data["order"] > 3:
        return
    chosen = {"v_phi": sympy.Rational(2, 3), "v_theta": sympy.Rational(-3, 2), "m": 2, "k": 3}
    values = {}
    for name, text in data["params"].items():
        value = sympy.Rational(text) if text.lstrip("-").replace("/", "").isdigit() else None
        values[name] = value if value is not None else chosen.get(name, 2)
        if value is None and text != name:        # a parameter set to another symbol: give it the same value
            values[text] = values[name]
    if any(isinstance(v, sympy.Rational) and not v.is_Integer for k, v in values.items() if k in ("m", "k", "n")):
        return
    values = {k: int(v) if k in ("m", "k", "n") else v for k, v in values.items()}
    subs = {sympy.Symbol(k): v for k, v in values.items()}
    terms = [(t["block"], t["power"], t["tree"], sympy.sympify(t["coefficient"]).xreplace(subs)) for t in data["terms"]]
    time = "per-player" if data["time"].get("phi", "h") != "h" else "same"
    dims = dict.fromkeys(data["blocks"], 1)
    diff = mismatch(terms, data["scheme"], time, values, data["order"], dims)
    assert all(c == 0 for row in diff for c in row), ("wrong field", data)


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(argv=command_lines(), tableau=st.sampled_from(TABLEAUX))
def test_the_command_line_answers_or_refuses_in_one_line(workdir, capsys, argv, tableau):
    for stale in workdir.iterdir():
        stale.unlink()
    (workdir / "tableau.json").write_text(tableau)
    capsys.readouterr()
    with time_bound(SECONDS):
        try:
            status = main(argv)
        except SystemExit as stop:          # argparse's own errors
            status = stop.code
    out, err = capsys.readouterr()
    event(f"{argv[0]}: exit {status}")
    assert sorted(p.name for p in workdir.iterdir()) == ["tableau.json"], "a file was written"
    if status == 0:
        assert out.strip(), argv
        if argv[0] in ("derive", "principal") and "--format" in argv and argv[argv.index("--format") + 1] == "json":
            _check_derived(out) if argv[0] == "derive" else json.loads(out)
    else:
        assert status == 2, (argv, status, err)
        assert out == "" and len(err.strip().splitlines()) == 1 and "Traceback" not in err, (argv, err)


# -- the Python entry points -------------------------------------------------------------------------
ANY = st.one_of(st.integers(-3, 5), st.sampled_from(VALUES), st.floats(allow_nan=True), st.none(), st.booleans(),
                st.just([1]), st.just({"a": 1}), st.text(max_size=6))


@st.composite
def python_calls(draw):
    """``(description, thunk)`` pairs calling public functions with random arguments."""
    theta = sympy.Symbol("theta")
    kind = draw(st.sampled_from(["derive", "principal", "coefficient", "evaluate", "jacobian", "validate", "pf",
                                 "scheme", "map", "order", "series", "spectral", "eos", "modify", "cancel", "average",
                                 "regularised"]))
    draw_h, draw_w, draw_p = draw(ANY), draw(st.one_of(st.just(0), ANY)), draw(st.one_of(st.just(1), ANY))
    scheme = draw(st.sampled_from(SCHEMES[:-4] + ["nope"]))
    order = draw(st.one_of(st.integers(-1, 3), ANY))
    params = {draw(st.sampled_from(NAMES[:-1])): draw(ANY) for _ in range(draw(st.integers(0, 2)))}
    if kind in ("derive", "principal"):
        run = bea.derive if kind == "derive" else bea.principal
        return kind, lambda: run(scheme, order, **params)
    if kind == "map":
        return kind, lambda: bea.one_step_map(scheme, order, budget=BUDGET, **params)
    if kind == "modify":
        terms = draw(st.one_of(st.sampled_from(["all", "interaction", "self"]), ANY))
        return kind, lambda: bea.modify(scheme, order, terms=terms, budget=BUDGET, **params)
    if kind == "cancel":
        system, terms = draw(st.one_of(st.sampled_from(["single", "sgd", "zero-sum"]), ANY)), draw(ANY)
        return kind, lambda: bea.cancel(scheme, order, system, draw(st.sampled_from(["all", "interaction"])) if
                                        draw(st.booleans()) else terms, budget=BUDGET, **params)
    if kind == "average":
        weight = draw(st.one_of(st.sampled_from(["1/2", "w", "alpha", sympy.Rational(9, 10), 1]), ANY))
        return kind, lambda: bea.iterate_average(scheme, order, weight, **params)
    if kind == "regularised":
        strength = draw(st.one_of(st.sampled_from([sympy.Symbol("c"), sympy.Rational(1, 4)]), ANY))
        potential = draw(st.sampled_from([bea.potential("E", "g"), bea.potential("E", "f"), "E", None]))
        label = draw(st.sampled_from(["f", "g", "x"]))
        return kind, lambda: bea.regularised("simultaneous", order, "zero-sum", {label: [(strength, potential)]})
    if kind == "order":
        check = draw(st.sampled_from([bea.order, bea.symplectic, bea.symmetric, bea.energy_preserving]))
        return kind, lambda: check(scheme, order, **params)
    if kind == "spectral":
        fields = {"f": [draw(st.sampled_from([-theta, -theta ** 3, theta, 1 / theta, "x", None]))]}
        at = {draw(st.sampled_from([theta, "theta", "x"])): draw(ANY)}
        return kind, lambda: bea.spectral(fields, {"theta": [theta]}, at, draw_h, weight_decay=draw_w).dal(draw_p)
    if kind == "eos":
        a = sympy.Symbol("a")
        loss = draw(st.sampled_from([a ** 2 * (1 + theta) / 2 - theta, theta ** 2 / 2, a * theta, "a**2", None,
                                     a ** 2 * (1 + theta) / 2 - theta - a ** 4 / 8]))
        variables = draw(st.sampled_from([{"theta": [a, theta]}, {"theta": [theta]}, {"theta": ["a", "theta"]}, {}]))
        point = draw(st.sampled_from([[0.0, 3.0], [0.1, 2.5], [1.0], "x", None, [float("nan"), 1.0]]))
        steps = draw(st.one_of(st.integers(-1, 4), ANY))
        image = draw(st.sampled_from([np.ones((3, 3)), np.eye(2), [[1, float("inf")]], [1, 2], [], "x", None]))
        return kind, draw(st.sampled_from([
            lambda: eos.resummed_drift(draw_h),
            lambda: eos.nesterov_parameters(draw_h, draw_w),
            lambda: eos.cnn_curvatures(image, draw_w, draw_p),
            lambda: eos.weight_decay_bounds(eos.cnn_curvatures(image, -0.5, 1).ravel(), draw_h,
                                            draw(st.sampled_from(["euler", "nesterov", "heun", "nope"])), **params),
            lambda: eos.project(loss, variables, point, draw_h),
            lambda: eos.predicted(loss, variables, point, draw_h, steps),
            lambda: eos.two_cycle(loss, variables, dict(zip((a, theta), point or [])), draw_h),
            lambda: eos.iterates(loss, variables, point, draw_h, steps),
            lambda: eos.lyapunov({"f": [-theta]}, {"theta": [theta]}, point, draw_h, steps)]))
    if kind == "series":
        step = bea.one_step_map(draw(st.sampled_from(["euler", "heun", "alternating"])), 3)
        other, c = draw(st.sampled_from([step, step.modified_field(), 3, None])), draw(ANY)
        action = draw(st.sampled_from(["compose", "combine", "at_step", "substitute", "coefficient", "power"]))
        return kind, {"compose": lambda: step @ other, "combine": lambda: bea.combine([(c, step), (1, other)]),
                      "at_step": lambda: step.at_step(c), "substitute": lambda: step.substitute(other),
                      "coefficient": lambda: step.coefficient(c), "power": lambda: step ** c}[action]
    if kind == "coefficient":
        block, tree = draw(st.sampled_from(["theta", "phi", "x", ""])), draw(st.one_of(st.text(max_size=8), ANY))
        return kind, lambda: bea.derive("euler", 2).coefficient(block, tree)
    if kind in ("evaluate", "jacobian"):
        fields = {"f": [draw(st.sampled_from(["-theta", "theta**2", "__import__('os')", "x", -theta, 1, None]))]}
        variables = {"theta": [draw(st.sampled_from(["theta", theta, "1x", 3, "h"]))]}
        flow = bea.derive("euler", 2)
        if kind == "evaluate":
            return kind, lambda: flow.evaluate(fields, variables, params=params or None)
        at = {draw(st.sampled_from(["theta", "h", "x"])): draw(ANY)}
        return kind, lambda: flow.stability(fields, variables, at)
    if kind == "validate":
        levels = draw(st.one_of(st.integers(-1, 3), ANY))
        return kind, lambda: bea.validate(scheme, order, "quadratic", levels=levels, **params)
    if kind == "pf":
        h, y = draw(ANY), draw(st.sampled_from([[1.0], [1.0, 2.0], "x", None, [float("nan")]]))
        return kind, lambda: bea.principal_flow({"f": [-theta]}, {"theta": [theta]}, h).field(y)
    blocks = draw(st.sampled_from([{}, {"theta": "f"}, {"theta": 3}, {"theta": ("f", "f")}, {"": "f"}, "theta"]))
    declared = draw(st.sampled_from([None, {"c": "nope"}, {"c": bea.params.RATE}, {"c": (bea.params.COUNT, "x")}]))

    def define():
        @bea.scheme(blocks=blocks, params=declared)
        def update(y, F, h, **values):
            return y + h * F.f(y)

        return bea.derive(update, 2)

    return kind, define


@settings(max_examples=EXAMPLES + 50, deadline=None)
@given(call=python_calls())
def test_python_entry_points_answer_or_raise_a_bea_error(call):
    name, thunk = call
    cwd = set(os.listdir("."))
    with time_bound(SECONDS):
        try:
            thunk()
            event(f"{name}: answered")
        except bea.BeaError as error:
            event(f"{name}: refused")
            assert isinstance(error, ValueError) and str(error), name
    assert set(os.listdir(".")) == cwd, "a file was written"
