"""Schemes beyond the papers and user-defined schemes, against the independent check.

Every derived field is checked by tests/independent.py, which runs each scheme in plain
loops on random polynomial fields (momentum methods with past iterates taken on the
candidate field's own backward flow) and compares with the exact flow.
"""

import json
import random
from pathlib import Path

import pytest
import sympy
from sympy import Rational as R

import bea
from bea.cli.main import main
from bea.errors import ParameterError, SchemeError
from bea.analysis.validate import validate
from independent import mismatch

DATA = Path(__file__).parent / "data"
USER = DATA / "user_schemes.py"


def exact(flow, scheme, values, order, players=1, time="same", seed=0):
    terms = [(t.block, t.power, t.tree, t.coefficient) for t in flow.terms]
    dims = {"theta": 2} if players == 1 else {"phi": 1, "theta": 2}
    diff = mismatch(terms, scheme, time, values, order, dims, seed=seed, players=players)
    return all(x == 0 for row in diff for x in row)


def rates(seed):
    rng = random.Random(seed)
    return {"v_phi": R(rng.randint(1, 9), rng.randint(1, 5)), "v_theta": R(-rng.randint(1, 9), rng.randint(1, 5))}


# -- built-in schemes against the independent check ---------------------------------------------
@pytest.mark.parametrize("scheme,params,values", [
    ("proximal", {}, {}),
    ("heavy-ball", {}, {"beta": R(3, 7)}),
    ("heavy-ball", {}, {"beta": R(-2, 5)}),
    ("nesterov", {}, {"beta": R(9, 10)}),
    ("optimistic", {}, {}),
    ("lookahead", {}, {"alpha": R(1, 2), "k": 3}),
    ("lookahead", {"k": 2}, {"alpha": R(-3, 4), "k": 2}),
])
def test_one_field_schemes_order_5(scheme, params, values):
    """Symbolic parameters are derived symbolically, then substituted."""
    assert exact(bea.derive(scheme, 5, **params), scheme, values, 5, seed=len(values))


@pytest.mark.parametrize("scheme", ["midpoint", "heun", "rk4", "extragradient", "proximal", "lookahead"])
@pytest.mark.parametrize("time", ["same", "per-player"])
def test_two_player_schemes_both_time_conventions(scheme, time):
    values = {**rates(7), **({"alpha": R(2, 3), "k": 2} if scheme == "lookahead" else {})}
    flow = bea.derive(scheme, 4, players=2, time=time)
    assert exact(flow, scheme, values, 4, players=2, time=time, seed=2)


@pytest.mark.parametrize("scheme", ["heavy-ball", "nesterov", "optimistic"])
def test_two_player_momentum(scheme):
    values = {**rates(3), "beta": R(1, 3)}
    assert exact(bea.derive(scheme, 4, players=2), scheme, values, 4, players=2, seed=1)


def test_the_check_tells_momentum_from_gradient_descent():
    euler = bea.derive("euler", 3)
    assert not exact(euler, "heavy-ball", {"beta": R(1, 3)}, 3)
    flow = bea.derive("heavy-ball", 3, beta="1/3")
    assert exact(flow, "heavy-ball", {"beta": R(1, 3)}, 3)
    assert not exact(flow, "nesterov", {"beta": R(1, 3)}, 3)


def test_heavy_ball_leading_terms():
    """f/(1-beta) and -(1+beta)/(2(1-beta)^3) f'f (Kovachki & Stuart 2021; the modified loss of
    Ghosh et al. 2023 is E/(1-beta) + h(1+beta)/(4(1-beta)^3)|grad E|^2)."""
    beta = sympy.Symbol("beta")
    flow = bea.derive("heavy-ball", 2)
    assert sympy.simplify(flow.coefficient("theta", "f") - 1 / (1 - beta)) == 0
    assert sympy.simplify(flow.coefficient("theta", "f[f]") + (1 + beta) / (2 * (1 - beta) ** 3)) == 0
    assert flow.coefficient("theta", "f").free_symbols == {beta}


def test_proximal_point_is_the_adjoint_of_euler():
    """Implicit Euler is explicit Euler with h -> -h: its coefficients are (-1)^(|t|-1) times Euler's."""
    euler, proximal = bea.derive("euler", 6), bea.derive("proximal", 6)
    assert len(euler.terms) == len(proximal.terms)
    for term in euler.terms:
        assert proximal.coefficient("theta", term.tree) == (-1) ** term.power * term.coefficient


# -- Runge-Kutta tableaux from files ---------------------------------------------------------------
def write_tableau(tmp_path, a, b, name="t.json"):
    path = tmp_path / name
    path.write_text(json.dumps({"a": a, "b": b}))
    return path


@pytest.mark.parametrize("name,a,b", [
    ("implicit-midpoint", [["1/2"]], ["1"]),
    ("radau-iia-2", [["5/12", "-1/12"], ["3/4", "1/4"]], ["3/4", "1/4"]),
    ("rk4", [["0", "0", "0", "0"], ["1/2"], ["0", "1/2"], ["0", "0", "1"]], ["1/6", "1/3", "1/3", "1/6"]),
])
def test_tableau_files_explicit_and_implicit(tmp_path, name, a, b):
    path = write_tableau(tmp_path, a, b)
    flow = bea.derive("rk", 5, tableau=str(path))
    tableau = bea.schemes.runge_kutta.read_tableau(path)
    assert exact(flow, "rk", {"tableau": ([list(r) for r in tableau.a], list(tableau.b))}, 5, seed=4)


def test_implicit_midpoint_is_symmetric():
    """A symmetric method's modified field has only even powers of h (HLW Thm IX.2.2)."""
    flow = bea.derive("rk", 6, tableau={"a": [["1/2"]], "b": [1]})
    assert {t.power for t in flow.terms} == {0, 2, 4}


def test_symbolic_tableau():
    """The two-stage explicit family a21 = alpha, b = (1 - 1/(2 alpha), 1/(2 alpha)) is of order 2 for every alpha."""
    alpha = sympy.Symbol("alpha")
    family = {"a": [[], ["alpha"]], "b": ["1 - 1/(2*alpha)", "1/(2*alpha)"]}
    flow = bea.derive("rk", 4, tableau=family)
    assert {t.power for t in flow.terms} == {0, 2, 3}
    for value in (R(1, 2), R(2, 3), R(1)):
        a = [[0, 0], [value, 0]]
        b = [1 - 1 / (2 * value), 1 / (2 * value)]
        substituted = bea.derive("rk", 4, tableau={"a": [[str(x) for x in r] for r in a], "b": [str(x) for x in b]})
        for term in flow.terms:
            assert term.coefficient.subs(alpha, value) == substituted.coefficient("theta", term.tree)
        assert exact(substituted, "rk", {"tableau": (a, b)}, 4, seed=5)


@pytest.mark.parametrize("source,words", [
    ({"a": [["1"]]}, "exactly the keys"),
    ({"a": [["0", "0"]], "b": ["1", "0"]}, "2 x 2"),
    ({"a": [[0.5]], "b": [1]}, "not exact"),
    ({"a": [["sqrt(x)"]], "b": [1]}, "rational function"),         # roots of rationals are exact; of symbols not
    ({"a": [["exp(1)"]], "b": [1]}, "rational function"),
    ({"a": [["1/"]], "b": [1]}, "tableau entry"),
    ({"a": "x", "b": [1]}, "list of rows"),
    ("/nonexistent/tableau.json", "cannot read"),
])
def test_bad_tableaux(source, words):
    with pytest.raises(ParameterError, match=words):
        bea.derive("rk", 2, tableau=source)


# -- user-defined schemes -------------------------------------------------------------------
def test_a_user_scheme_from_a_file_equals_the_built_in():
    mine = bea.derive(f"{USER}:my_heun", 5)
    builtin = bea.derive("heun", 5)
    assert [(t.tree, t.coefficient) for t in mine.terms] == [(t.tree, t.coefficient) for t in builtin.terms]
    assert exact(mine, "heun", {}, 5)


def test_a_user_scheme_as_a_python_object():
    @bea.scheme(blocks={"phi": "f", "theta": "g"}, params={"gamma": "a non-zero rational or a symbol"})
    def gauss_seidel(y, F, h, gamma):
        z = y + h * F.f(y)
        return z + gamma * h * F.g(z)

    flow = bea.derive(gauss_seidel, 4)
    values = {"v_phi": 1, "v_theta": R(-5, 3), "m": 1, "k": 1}
    reference = bea.derive("alternating", 4, m=1, k=1, v_phi=1)
    for term in reference.terms:
        assert flow.coefficient(term.block, term.tree) == term.coefficient.subs(sympy.Symbol("v_theta"), sympy.Symbol("gamma"))
    substituted = bea.derive(gauss_seidel, 4, gamma="-5/3")
    assert exact(substituted, "alternating", values, 4, players=2)


def test_a_user_scheme_validates():
    result = validate(f"{USER}:damped_alternation", 3, "linear-game", gamma="1/2", levels=4)
    assert result.passed, result.observed


@pytest.mark.parametrize("name,words", [
    ("no_step_size", "must be multiplied by h"),
    ("double", "weights sum to 2"),
    ("other_field", "did not declare"),
    ("float_rate", "float"),
    ("square_step", "h multiplies a field value only"),
    ("not_near_identity", "not of the form z = y"),
    ("returns_nothing", "must return the new state"),
    ("sympy_not_a_scheme", "not a scheme"),
    ("missing", "names nothing"),
])
def test_user_scheme_errors(name, words):
    with pytest.raises(SchemeError, match=words):
        bea.derive(f"{USER}:{name}", 3)


def test_scheme_reference_errors(tmp_path):
    broken = tmp_path / "broken.py"
    broken.write_text("def oops(:\n")
    with pytest.raises(SchemeError, match="cannot load"):
        bea.derive(f"{broken}:oops", 2)
    with pytest.raises(SchemeError, match="no scheme file"):
        bea.derive(f"{tmp_path}/absent.py:x", 2)
    with pytest.raises(SchemeError, match="cannot import"):
        bea.derive("no_such_module_xyz:name", 2)
    with pytest.raises(SchemeError, match="unknown scheme"):
        bea.derive("momentum", 2)


def test_bad_uses_of_the_mechanism():
    with pytest.raises(SchemeError, match="one time for all blocks"):
        bea.derive("heavy-ball", 2, players=2, time="per-player")
    with pytest.raises(SchemeError, match="defined for 1 player"):
        bea.derive("euler", 2, players=2)
    with pytest.raises(ParameterError, match="beta"):
        bea.derive("heavy-ball", 2, beta=1)

    @bea.scheme(blocks={"theta": "f"})
    def stuck(y, F, h):
        return y + h * F.f(y) + (y - y.previous())

    with pytest.raises(SchemeError, match="does not determine a modified field"):
        bea.derive(stuck, 2)

    @bea.scheme(blocks={"theta": "f"})
    def inner_history(y, F, h):
        return bea.repeat(2, lambda z: z + h * F.f(z.previous()), y)

    with pytest.raises(SchemeError, match="only the state a scheme receives"):
        bea.derive(inner_history, 2)

    @bea.scheme(blocks={"theta": "f"})
    def closure(y, F, h):
        return bea.repeat(2, lambda z: z + h * F.f(y), y)

    with pytest.raises(SchemeError, match="different runs"):
        bea.derive(closure, 2)


# -- validation: every new scheme shows its orders on two problems ---------------------------------
@pytest.mark.parametrize("scheme,problem,params", [
    ("proximal", "rosenbrock", {}), ("proximal", "two-layer", {}),
    ("heavy-ball", "rosenbrock", {"beta": "1/2"}), ("heavy-ball", "two-layer", {"beta": "9/10"}),
    ("nesterov", "rosenbrock", {}), ("nesterov", "two-layer", {}),
    ("optimistic", "rosenbrock", {}), ("optimistic", "two-layer", {}),
    ("lookahead", "rosenbrock", {"alpha": "1/2", "k": 3}), ("lookahead", "two-layer", {"alpha": "1/2", "k": 2}),
])
def test_validation_one_field(scheme, problem, params):
    result = validate(scheme, 3, problem, levels=4, **params)
    assert result.passed, result.observed


@pytest.mark.parametrize("scheme,problem,time", [
    ("rk4", "linear-game", "per-player"), ("rk4", "dirac-gan", "same"),
    ("extragradient", "linear-game", "same"), ("extragradient", "dirac-gan", "per-player"),
    ("proximal", "linear-game", "same"), ("proximal", "dirac-gan", "per-player"),
    ("heavy-ball", "linear-game", "same"), ("heavy-ball", "dirac-gan", "same"),
    ("optimistic", "linear-game", "same"), ("optimistic", "dirac-gan", "same"),
    ("nesterov", "linear-game", "same"), ("lookahead", "dirac-gan", "same"),
])
def test_validation_two_players(scheme, problem, time):
    extra = {"alpha": "1/2", "k": 2} if scheme == "lookahead" else {}
    result = validate(scheme, 3, problem, players=2, time=time, levels=4, v_theta="1/2", **extra)
    assert result.passed, result.observed


# -- command line ----------------------------------------------------------------------------
def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_cli_user_scheme_players_and_tableau(capsys, tmp_path):
    status, out, _ = run(capsys, "derive", "--scheme", f"{USER}:my_heun", "--order", "3", "--format", "json")
    assert status == 0 and json.loads(out)["scheme"] == "my-heun"
    status, out, _ = run(capsys, "derive", "--scheme", "rk4", "--players", "2", "--order", "2", "--format", "json")
    assert status == 0 and json.loads(out)["blocks"] == {"phi": ["f"], "theta": ["g"]}
    path = write_tableau(tmp_path, [["1/2"]], ["1"])
    status, out, _ = run(capsys, "derive", "--scheme", "rk", "--tableau", str(path), "--order", "4", "--format", "json")
    assert status == 0 and {t["power"] for t in json.loads(out)["terms"]} == {0, 2}
    status, out, _ = run(capsys, "derive", "--scheme", "heavy-ball", "--order", "2", "--param", "beta=9/10")
    assert status == 0 and "10" in out
    status, out, _ = run(capsys, "validate", "--scheme", "nesterov", "--order", "2", "--problem", "rosenbrock")
    assert status == 0


@pytest.mark.parametrize("argv,words", [
    (["derive", "--scheme", "euler", "--players", "2", "--order", "2"], "defined for 1 player"),
    (["derive", "--scheme", "rk", "--order", "2"], "needs the parameter tableau"),
    (["derive", "--scheme", "euler", "--tableau", "x.json", "--order", "2"], "no parameter 'tableau'"),
    (["derive", "--scheme", "rk", "--tableau", "/nonexistent.json", "--order", "2"], "cannot read"),
    (["derive", "--scheme", f"{USER}:double", "--order", "2"], "weights sum to 2"),
    (["derive", "--scheme", "heavy-ball", "--order", "2", "--param", "beta=1"], "beta"),
    (["derive", "--scheme", "nope.py:x", "--order", "2"], "no scheme file"),
])
def test_cli_bad_schemes(capsys, argv, words):
    status, out, err = run(capsys, *argv)
    assert status == 2 and words in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
