"""Issue 11's named cases, one regression test each: an error or a right answer, never a silent wrong one.

Right answers are checked against independent computations (iterated steps of the method, the
discrete iterates, direct SymPy differentiation), never against the engine's earlier output.
"""

import math
from pathlib import Path

import numpy as np
import pytest
import sympy

import bea
from clirun import run_exit
from bea.errors import BeaError, BudgetError, OrderError, ParameterError, ProblemError, SchemeError, TreeSyntaxError
from bea.analysis.losses import modified_loss
from bea.algebra.trees import Tree, leaf, parse_tree
from bea.analysis.validate import validate

R = sympy.Rational


cli = run_exit


def refused(capsys, *argv, words=""):
    status, out, err = cli(capsys, *argv)
    assert status == 2 and out == "", (status, out, err)
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert words in err, err
    return err


# -- wrong answers that are now errors ---------------------------------------------------------
def test_coefficient_beyond_the_order_or_of_an_unknown_block_raises():
    flow = bea.derive("euler", 2)
    assert flow.coefficient("theta", "f[f]") == R(-1, 2)
    assert flow.coefficient("theta", parse_tree("f")) == 1
    with pytest.raises(OrderError, match="derive it to order >= 3"):
        flow.coefficient("theta", "f[f[f]]")
    with pytest.raises(BeaError, match="no block 'Theta'"):
        flow.coefficient("Theta", "f")
    with pytest.raises(TreeSyntaxError):
        flow.coefficient("theta", "f[")
    with pytest.raises(TreeSyntaxError, match="unknown field label"):
        flow.coefficient("theta", "g")
    game = bea.derive("alternating", 2)
    with pytest.raises(BeaError, match="term of block phi"):
        game.coefficient("theta", "f[g]")
    chains = bea.principal("euler", 3)
    assert chains.coefficient("theta", "f[f[f]]") == R(1, 3)
    with pytest.raises(BeaError, match="not a chain"):
        chains.coefficient("theta", "f[f,f]")


def test_every_name_on_the_command_line_is_used_or_refused(capsys):
    refused(capsys, "validate", "--scheme", "euler", "--order", "2", "--field", "f=-theta", "--at", "nosuch=5",
            words="not a variable")
    refused(capsys, "validate", "--scheme", "alternating", "--order", "2", "--field", "f=-phi", "--field", "g=-theta",
            "--at", "phi=1", "theta=1", "--param", "mm=3", words="no field uses it")
    refused(capsys, "validate", "--scheme", "euler", "--order", "2", "--problem", "quadratic", "--at", "z=1",
            words="not a variable")
    refused(capsys, "pf", "--problem", "quadratic", "--h", "1/10", "--at", "q=1", words="not a variable")
    with pytest.raises(ParameterError, match="not a variable"):
        validate("euler", 2, "quadratic", at={"nosuch": 1})
    with pytest.raises(BeaError, match="not a symbolic parameter"):
        bea.derive("alternating", 2, m=2).evaluate({"f": [1], "g": [1]}, {"phi": ["x"], "theta": ["y"]}, params={"mm": 3})


@pytest.mark.parametrize("value,words", [
    ("nan", "SymPy constant"), ("inf", "SymPy constant"), ("oo", "SymPy constant"), ("E", "SymPy constant"),
    ("I", "SymPy constant"), ("pi", "SymPy constant"), ("h", "step size"), ("lambda", "keyword"),
    ("f", "field label"), ("theta", "a block"), ("k", "another parameter"),
])
def test_reserved_and_clashing_parameter_names_are_refused(capsys, value, words):
    refused(capsys, "derive", "--scheme", "alternating", "--order", "2", "--param", f"v_phi={value}", "k=2",
            words=words)


def test_a_symbol_may_name_another_unset_parameter():
    flow = bea.derive("alternating", 1, v_phi="v_theta")
    assert flow.coefficient("phi", "f") == sympy.Symbol("v_theta")


def test_complex_or_singular_fields_are_not_validated(capsys):
    refused(capsys, "validate", "--scheme", "euler", "--order", "2", "--field", "f=log(theta)", "--at", "theta=-1",
            words="complex")
    refused(capsys, "validate", "--scheme", "euler", "--order", "2", "--field", "f=sqrt(theta)", "--at", "theta=0",
            words="not differentiable")
    refused(capsys, "validate", "--scheme", "euler", "--order", "2", "--field", "f=1/theta", "--at", "theta=0",
            words="no value at the starting point (ZeroDivisionError)")


def test_stability_with_transcendental_entries():
    """f = exp(-theta) at theta = 1 (found by the property hunt): J = -1/e, and midpoint's step derivative is
    1 + h J + (h J)^2 / 2, here 0.96388873..."""
    theta = sympy.Symbol("theta")
    result = bea.derive("midpoint", 1).stability({"f": [sympy.exp(-theta)]}, {"theta": [theta]},
                                                 {"theta": 1, "h": "1/10"})
    j = -math.exp(-1) / 10
    assert result.verdict == "stable" and result.method.verdict == "stable"
    assert result.method.spectral_radius == pytest.approx(1 + j + j * j / 2, rel=1e-12)


def test_stability_at_a_singular_point_is_refused(capsys):
    refused(capsys, "stability", "--scheme", "euler", "--order", "1", "--field", "f=log(theta)", "--at", "theta=0",
            "--h", "1", words="singular")


def test_a_constant_field_is_exact_not_a_division_by_zero(capsys):
    status, out, err = cli(capsys, "validate", "--scheme", "euler", "--order", "2", "--field", "f=1", "--at", "theta=0")
    assert status == 0 and "exact" in out and "PASS" in out, (out, err)
    from bea.concrete.library import user_problem

    result = validate("euler", 2, user_problem({"f": [1]}, {"theta": [sympy.Symbol("t")]},
                                                             {sympy.Symbol("t"): 0}))
    assert result.exact and result.passed and result.to_json()["rows"][-1]["observed"] is None


def test_a_negative_rate_under_the_per_player_convention_validates():
    """T_phi = v_phi h < 0: the flow is followed backwards in time (found by the property hunt)."""
    result = validate("simultaneous", 3, "linear-game", time="per-player", v_phi=-1, v_theta="1/2", levels=3)
    assert result.passed and result.observed[-1] == pytest.approx(4, abs=0.3)


def test_an_exact_irrational_starting_point_validates():
    assert validate("euler", 2, "quadratic", at={"x": sympy.sqrt(2) / 2}, levels=3).passed


def test_negative_steps_and_bad_ladders_are_refused(capsys):
    refused(capsys, "pf", "--problem", "quadratic", "--h", "1/10", "--steps", "-1", words="--steps")
    refused(capsys, "validate", "--scheme", "euler", "--order", "2", "--field", "f=-theta", "--at", "theta=1",
            "--h-max", "0", words="h_max")
    refused(capsys, "pf", "--problem", "quadratic", "--h", "0", words="positive")
    with pytest.raises(ParameterError, match="levels"):
        validate("euler", 2, levels=1)
    refused(capsys, "validate", "--scheme", "lookahead", "--order", "1", "--param", "alpha=alpha", "--players", "2",
            "--problem", "linear-game", words="give a number for its parameter alpha")


def test_solve_refuses_an_equation_that_keeps_its_guess():
    @bea.scheme(blocks={"theta": "f"})
    def identity(y, F, h):
        return bea.solve(lambda z: z, y)

    with pytest.raises(SchemeError, match="depends on the guess"):
        bea.derive(identity, 3)
    assert bea.derive("proximal", 2).coefficient("theta", "f[f]") == R(1, 2)     # implicit Euler still works


@pytest.mark.parametrize("declare,words", [
    (dict(blocks={}), "non-empty dict"),
    (dict(blocks={"theta": 3}), "needs a field label"),
    (dict(blocks={"theta": "f", "phi": "f"}), "updates two blocks"),
    (dict(blocks={"theta": "f"}, params={"c": "a real number"}), "unknown kind"),
    (dict(blocks={"theta": "f"}, params={"c": ("a positive integer or a symbol", "1/2")}), "default of 'c'"),
    (dict(blocks={"theta": "f"}, params={"h": "a non-zero rational or a symbol"}), "cannot be a parameter"),
    (dict(blocks={"theta": "f"}, rates={"theta": "nope"}), "rates"),
])
def test_bad_declarations_are_refused_when_the_scheme_is_defined(declare, words):
    with pytest.raises(SchemeError, match=words):
        @bea.scheme(**declare)
        def update(y, F, h, **params):
            return y + h * F.f(y)


def test_the_declared_default_of_a_parameter_is_used():
    @bea.scheme(blocks={"theta": "f"}, params={"c": (bea.params.RATE, "1/2")})
    def scaled(y, F, h, c):
        return y + c * h * F.f(y)

    assert bea.derive(scaled, 1).coefficient("theta", "f") == R(1, 2)
    assert bea.derive(scaled, 1, c=3).coefficient("theta", "f") == 3


def test_sgd_losses_have_one_name_per_field():
    @bea.scheme(blocks={"theta": ("f", "u")})
    def two_batches(y, F, h):
        y = y + h * F.f(y)
        return y + h * F.u(y)

    loss = modified_loss(bea.derive(two_batches, 1), "sgd")
    assert loss.exact and {q.loss for _, _, q in loss.terms["theta"]} == {"E_f", "E_u"}
    named = modified_loss(bea.derive(two_batches, 1), "sgd", losses={"f": "A", "u": "B"})
    assert {q.loss for _, _, q in named.terms["theta"]} == {"A", "B"}
    with pytest.raises(BeaError, match="one name per field"):
        modified_loss(bea.derive(two_batches, 1), "sgd", losses={"f": "A", "u": "A"})


def test_no_loss_is_printed_where_none_exists(capsys):
    status, out, _ = cli(capsys, "loss", "--scheme", "euler", "--order", "3", "--system", "single")
    assert status == 0
    loss_line = next(line for line in out.splitlines() if line.startswith("E~_theta"))
    assert loss_line == "E~_theta = E + h/4 |grad_theta E|^2 + O(h^2)"
    assert "no modified loss at h^2" in out and "3*h**2/20" not in out


# -- the method's own stability ----------------------------------------------------------------
def _heavy_ball_growth(beta, h_lambda, steps=200):
    """The growth factor per step of heavy ball on f = -lambda theta, by iterating the method itself."""
    previous, current = 1.0, 1.0
    for _ in range(steps):
        previous, current = current, current - h_lambda * current + beta * (current - previous)
    previous, current = current, current - h_lambda * current + beta * (current - previous)
    return abs(current / previous)


def test_heavy_ball_at_h_lambda_5_is_unstable_although_the_truncated_flow_is_stable(capsys):
    flow = bea.derive("heavy-ball", 2, beta="9/10")
    theta = sympy.Symbol("theta")
    result = flow.stability({"f": [-theta]}, {"theta": [theta]}, {"theta": 0, "h": 5})
    assert result.verdict == "stable" and result.method.verdict == "unstable" and result.agree is False
    assert result.method.spectral_radius == pytest.approx(_heavy_ball_growth(0.9, 5.0), rel=1e-6)
    assert result.method.spectral_radius == pytest.approx(2.775765067, rel=1e-9)
    status, out, _ = cli(capsys, "stability", "--scheme", "heavy-ball", "--order", "2", "--param", "beta=9/10",
                         "--field", "f=-theta", "--at", "theta=0", "--h", "5", "--format", "json")
    import json

    data = json.loads(out)
    assert status == 0 and data["verdict"] == "stable" and data["method"]["verdict"] == "unstable"
    assert set(data["method"]) >= {"verdict", "spectral_radius", "roots"} and "disagreement" in data


@pytest.mark.parametrize("scheme,params,h", [
    ("euler", {}, "1/2"), ("euler", {}, "5/2"), ("heavy-ball", {"beta": "1/2"}, "2"), ("heavy-ball", {"beta": "1/2"}, "4"),
    ("nesterov", {"beta": "1/2"}, "1"), ("nesterov", {"beta": "1/2"}, "3"), ("rk4", {}, "2"), ("rk4", {}, "3"),
])
def test_the_method_verdict_matches_iterated_steps(scheme, params, h):
    """The stability region of the method itself (GD: h lambda < 2, heavy ball: < 2 (1 + beta)), against the
    growth of its own iterates on f = -theta."""
    from bea.schemes.program import run_numerically
    from bea.schemes.builtins import make_scheme

    theta = sympy.Symbol("theta")
    flow = bea.derive(scheme, 1, **params)
    method = flow.stability({"f": [-theta]}, {"theta": [theta]}, {"theta": 0, "h": h}).method
    machine = make_scheme(scheme, **params)
    history = [1.0, 0.9, 0.8]
    state = [1.0]
    for _ in range(60):
        new = run_numerically(machine, state, float(R(h)), {"f": range(0, 1)}, lambda label, y: [-y[0]],
                              history=lambda j: [history[-j]])
        history.append(state[0])
        state = new
    grows = abs(state[0]) > 1.0
    assert method.verdict == ("unstable" if grows else "stable")


@pytest.mark.parametrize("beta", ["1", "2", "-1", "3/2"])
def test_momentum_outside_the_slow_manifold_is_refused(beta):
    for scheme in ("heavy-ball", "nesterov"):
        with pytest.raises(ParameterError, match=r"\|beta\| < 1"):
            bea.derive(scheme, 2, beta=beta)


# -- the principal flow --------------------------------------------------------------------------
def _dln():
    t1, t2 = sympy.symbols("t1 t2")
    E = (t1 * t2) ** 2
    return {"f": [-E.diff(t1), -E.diff(t2)]}, {"theta": [t1, t2]}


def test_every_pf_method_follows_the_branch_on_a_diagonal_linear_network():
    """Wang & Roberts' start (-0.1, 10) at h = 0.011 (h lambda > 2): one step of the PF lands next to GD's
    iterate (+0.12, 9.9978), not on the other branch (-1.17), and refining the integration changes nothing."""
    fields, variables = _dln()
    y0 = np.array([-0.1, 10.0])
    h = R(11, 1000)
    eig = bea.principal_flow(fields, variables, h, method="eig")
    gd = eig.iterates(y0, 1)[-1]
    reference = eig.trajectory(y0, 1, substeps=4)[-1]
    assert abs(reference[0].real - gd[0]) < 1e-4 and abs(reference[1].real - gd[1]) < 1e-2
    schur = bea.principal_flow(fields, variables, h, method="schur")
    for substeps in (1, 4):
        assert np.allclose(schur.trajectory(y0, 1, substeps=substeps)[-1], reference, atol=1e-7)
    # jordan: the same continuation, checked on one evaluation with a branch record across the cut
    jordan = bea.principal_flow(fields, variables, h, method="jordan")
    branch_e, branch_j = [], []
    eig.field(y0, branch_e)
    jordan.field(y0, branch_j)
    y1 = np.array([-0.1 + 1e-5j, 10.0 - 2e-4j])
    assert np.allclose(jordan.field(y1, list(branch_j)), eig.field(y1, list(branch_e)), rtol=1e-9)


@pytest.mark.parametrize("method", ["jordan", "schur", "eig"])
def test_a_defective_game_with_a_negative_step_eigenvalue(method):
    """J = [[-2, 1], [-1, 0]] at h = 1.7: M = I + h J has the double eigenvalue -0.7 with one eigenvector.
    The fields are linear, so the PF is exact: two PF steps equal two simultaneous steps."""
    phi, theta = sympy.symbols("phi theta")
    fields = {"f": [-2 * phi + theta], "g": [-phi]}
    pf = bea.principal_flow(fields, {"phi": [phi], "theta": [theta]}, R(17, 10), method=method)
    y = np.array([1.0, 0.5])
    assert np.allclose(pf.trajectory(y, 2)[-1], pf.iterates(y, 2)[-1], atol=1e-9)


def test_pf_inputs_are_checked():
    fields, variables = _dln()
    with pytest.raises(ParameterError, match="finite"):
        bea.principal_flow(fields, variables, float("nan"))
    pf = bea.principal_flow(fields, variables, R(1, 100), method="eig")
    with pytest.raises(ParameterError, match="vector of 2 numbers"):
        pf.field([1.0])
    with pytest.raises(ParameterError, match="steps"):
        pf.trajectory([1.0, 1.0], -1)


# -- errors, never tracebacks ----------------------------------------------------------------------
USER = Path(__file__).with_name("data") / "bad_schemes.py"


@pytest.mark.parametrize("name,words", [
    ("transcendental", "not a rational function"), ("absolute", "abs()"), ("numpy_tanh", "NumPy function"),
    ("undeclared_symbol", "not one of its parameters"), ("raises", "ZeroDivisionError"),
    ("branches", "truth"),
])
def test_user_scheme_mistakes_are_one_line(capsys, name, words):
    refused(capsys, "derive", "--scheme", f"{USER}:{name}", "--order", "3", words=words)


def test_a_non_monomial_coefficient_of_a_symbolic_parameter_is_held_exactly():
    """(1 + c) h f: the Laurent ring cannot hold 1 + c, so the derivation widens to rational functions.
    Independent check: euler with the field (1 + c) f, i.e. the coefficients of euler times (1 + c)^|t|."""
    flow = bea.derive(f"{USER}:one_plus_c", 4)
    c = sympy.Symbol("c")
    euler = bea.derive("euler", 4)
    for term in euler.terms:
        tree = parse_tree(term.tree)
        assert sympy.simplify(flow.coefficient("theta", tree) - term.coefficient * (1 + c) ** tree.order) == 0


def test_tableau_files_that_are_not_tableaux(capsys, tmp_path):
    zero = tmp_path / "zero.json"
    zero.write_text('{"a": [["1/0"]], "b": ["1"]}')
    refused(capsys, "derive", "--scheme", "rk", "--tableau", str(zero), "--order", "2", words="divides by zero")
    binary = tmp_path / "binary.json"
    binary.write_bytes(bytes(range(256)))
    refused(capsys, "derive", "--scheme", "rk", "--tableau", str(binary), "--order", "2", words="not a text")


def test_deep_trees_need_no_recursion():
    chain = leaf("f")
    for _ in range(3000):
        chain = Tree.make("f", (chain,))
    text = str(chain)
    assert text.count("[") == 3000 and parse_tree(text) is chain
    assert chain.is_chain and chain.symmetry == 1 and len(chain.cuts) == 3000
    flow = bea.principal("euler", 120)
    assert flow.coefficient("theta", flow.terms[-1].tree) == R((-1) ** 119, 120)     # log(1+z)/z


@pytest.mark.parametrize("call,error,words", [
    (lambda: validate("euler", 2, levels=1), ParameterError, "levels"),
    (lambda: validate("euler", 2, "nope"), BeaError, "unknown problem"),
    (lambda: bea.principal_flow(*_dln(), "1/0"), ParameterError, "divides by zero"),
    (lambda: bea.principal_flow(*_dln(), 0.1, method="nope"), ParameterError, "unknown method"),
    (lambda: bea.derive("euler", 2).evaluate({"f": ["theta**2"]}, {"theta": [3]}), ProblemError, "symbols or names"),
    (lambda: bea.derive("euler", 2).lambdify({"f": [sympy.Symbol("t")]}, {"theta": ["t"]})([1.0, 2.0], 0.1),
     ProblemError, "last dimension"),
    (lambda: bea.derive("euler", 2).jacobian({"f": ["-t"]}, {"theta": ["t"]}, {"t": "1/0"}), ParameterError, "zero"),
    (lambda: bea.derive("euler", 2).jacobian({"f": ["-t"]}, {"theta": ["t"]}, {"t": float("inf")}), ParameterError,
     "finite"),
    (lambda: bea.derive("euler", 2).jacobian({"f": ["-t"]}, {"theta": ["t"]}, [1]), ProblemError, "dict"),
])
def test_python_errors_are_bea_errors(call, error, words):
    with pytest.raises(error, match=words) as info:
        call()
    assert isinstance(info.value, ValueError)


def test_no_user_string_is_evaluated(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    attack = "__import__('os').system('touch pwned')"
    flow = bea.derive("alternating", 2)
    fields, variables = {"f": ["-x"], "g": ["-y"]}, {"phi": ["x"], "theta": ["y"]}
    with pytest.raises(BeaError):
        flow.evaluate(fields, variables, params={"m": attack})
    with pytest.raises(BeaError):
        flow.jacobian(fields, variables, {"x": attack})
    with pytest.raises(BeaError):
        flow.evaluate({"f": [attack], "g": ["-y"]}, variables)
    with pytest.raises(BeaError):
        bea.derive("alternating", 2, v_phi=attack)

    class Sneaky:
        def __str__(self):
            return attack

    with pytest.raises(BeaError):
        flow.evaluate({"f": [Sneaky()], "g": ["-y"]}, variables)
    assert list(tmp_path.iterdir()) == []
    assert flow.evaluate({"f": ["-x**2/2"], "g": ["-y"]}, variables)[0] == sympy.expand(
        flow.evaluate({"f": [-sympy.Symbol("x") ** 2 / 2], "g": [-sympy.Symbol("y")]}, variables)[0])


def test_messages_do_not_contradict_themselves(capsys):
    err = refused(capsys, "derive", "--scheme", "sgd", "--param", "n=2", "--order", "2", "--gradient", "single")
    assert "choose sgd" in err and "single," not in err
    refused(capsys, "validate", "--scheme", "euler", "--order", "2", "--field", "f=-x", "--var", "theta=x,x",
            "--at", "x=1", words="twice in block theta")


# -- work that could run forever ---------------------------------------------------------------------
@pytest.mark.parametrize("argv", [
    ["derive", "--scheme", "euler", "--order", "40"],
    ["principal", "--scheme", "alternating", "--order", "60"],
    ["derive", "--scheme", "sgd", "--param", "n=100000", "--order", "3"],
    ["principal", "--scheme", "euler", "--order", "400", "--budget", "10"],
])
def test_unbounded_work_is_refused_with_an_estimate(capsys, argv):
    err = refused(capsys, *argv, words="--budget")
    assert "trees" in err


def test_an_integration_that_runs_on_stops_at_the_budget(capsys):
    """theta' = 2 e^theta (heavy ball's leading term) blows up near t = 0.18: the accurate integration
    crawls; validation stops at its budget with an error instead of running for minutes."""
    import time

    start = time.monotonic()
    refused(capsys, "validate", "--scheme", "heavy-ball", "--order", "3", "--field", "f=exp(theta)",
            "--at", "theta=1", "--budget", "2", words="longer than the budget")
    assert time.monotonic() - start < 30


def test_sgd_with_a_billion_steps_is_refused(capsys):
    refused(capsys, "derive", "--scheme", "sgd", "--param", "n=1000000000", "--order", "2", words="at most 100,000")


def test_the_tree_counts_are_the_closed_forms():
    """OEIS A000081 (one label) and A038055 (two labels), and chains L^n."""
    from bea.engine.budget import tree_counts
    from bea.algebra.trees import chains_up_to, trees_up_to

    assert tree_counts(10, 1) == [1, 1, 2, 4, 9, 20, 48, 115, 286, 719]
    assert tree_counts(7, 2) == [2, 4, 14, 52, 214, 916, 4116]
    for labels in (["f"], ["f", "g"], ["a", "b", "c"]):
        counts = tree_counts(5, len(labels))
        enumerated = trees_up_to(5, labels)
        assert [sum(t.order == n for t in enumerated) for n in range(1, 6)] == counts
        assert len(chains_up_to(4, labels)) == sum(tree_counts(4, len(labels), chains=True))


def test_budget_none_lifts_the_limit():
    with pytest.raises(BudgetError):
        bea.principal("euler", 400, budget=1)
    assert len(bea.principal("euler", 30, budget=None).terms) == 30


def test_progress_reaches_every_phase(capsys):
    from bea.progress import Progress

    theta = sympy.Symbol("theta")
    flow = bea.derive("euler", 3, progress=True)
    flow.stability({"f": [-theta]}, {"theta": [theta]}, {"theta": 0, "h": "1/2"}, progress=True)
    modified_loss(flow, "single", progress=True)
    validate("euler", 2, "quadratic", progress=True, levels=2)
    err = capsys.readouterr().err
    for phase in ("estimated", "trees with up to", "terms; converting", "the method's linearised step",
                  "power h^2", "step 2/2"):
        assert phase in err, phase
    ticks = Progress("loop", interval=0.0)
    assert list(ticks.each([1, 2], "item")) == [1, 2]
    assert "loop: item 1/2" in capsys.readouterr().err


def test_principal_flow_refuses_a_field_with_a_symbol_that_is_not_a_variable():
    """Found by the redesign: a stray symbol reached NumPy and failed there with a NameError."""
    x, y = sympy.symbols("x y")
    with pytest.raises(bea.ProblemError, match="symbol y, which is not a variable"):
        bea.principal_flow({"f": [-x - y**2]}, {"theta": [x]}, "1/10").field([1.0])
