"""Modifying fields (bea.modify) against the independent series check: one step of the scheme, run on the
concrete f~ built from random polynomial fields, agrees with the exact flow of the scheme's leading field
through h^order (tests/independent.py shares no code with bea's tree machinery)."""

import pytest
import sympy
from sympy import Rational as R

import bea
from independent import modifying_mismatch


def check(scheme, order, values, dims, time="same", players=1, seed=0, degree=2, **params):
    flow = bea.modify(scheme, order, time=time, players=players if players != 1 else None, **params)
    assert flow.kind == "modifying"
    leading = bea.derive(scheme, 1, time=time, players=players if players != 1 else None, **params)
    terms = [(t.block, t.power, str(t.tree), t.coefficient) for t in flow.terms]
    target = [(t.block, t.power, str(t.tree), t.coefficient) for t in leading.terms]
    diff = modifying_mismatch(terms, target, scheme, time, values, order, dims, seed=seed, degree=degree,
                              players=players)
    assert all(c == 0 for row in diff for c in row), diff
    return flow


def test_euler_is_the_exact_flows_taylor_series_over_h():
    """Gradient descent on f~ is y + h f~(y): f~ = (exact flow - y)/h, f + h/2 f'f + h^2/6 (f''(f,f) + f'f'f)."""
    flow = check("euler", 5, {}, {"theta": 2}, degree=3)
    assert {str(t.tree): t.coefficient for t in flow.terms if t.power <= 2} == {
        "f": 1, "f[f]": R(1, 2), "f[f,f]": R(1, 6), "f[f[f]]": R(1, 6)}


@pytest.mark.parametrize("time", ["same", "per-player"])
@pytest.mark.parametrize("scheme,params", [("simultaneous", {}), ("alternating", {"m": 2, "k": 3})])
def test_two_player_schemes(scheme, params, time):
    values = {"v_phi": R(3, 2), "v_theta": R(-2, 3), **params}
    flow = check(scheme, 4, values, {"phi": 1, "theta": 2}, time=time)        # derived symbolically in v_phi, v_theta
    assert all(t.coefficient == 1 for t in flow.terms if t.power == 0)          # f~ = f + O(h), g~ = g + O(h)


@pytest.mark.parametrize("n", [2, 3])
def test_sgd_each_batch_gets_its_own_modifying_field(n):
    flow = check("sgd", 3, {"n": n}, {"theta": 2}, seed=n, n=n)
    assert {t.tree.label for t in flow.terms} == {f"f{i}" for i in range(1, n + 1)}


@pytest.mark.parametrize("scheme", ["heun", "midpoint", "rk4", "extragradient", "proximal", "implicit-midpoint"])
def test_runge_kutta(scheme):
    flow = check(scheme, 5, {}, {"theta": 2}, seed=2)
    if scheme == "rk4":
        assert {t.power for t in flow.terms} == {0, 4}                  # order 4: nothing to modify below h^4


@pytest.mark.parametrize("scheme", ["heavy-ball", "nesterov"])
def test_momentum_on_the_slow_manifold(scheme):
    flow = check(scheme, 3, {"beta": R(1, 3)}, {"theta": 2}, beta="1/3")
    symbolic = bea.modify(scheme, 3)                                       # exact rational functions of beta
    for t in flow.terms:
        assert symbolic.coefficient("theta", t.tree).subs(sympy.Symbol("beta"), R(1, 3)) == t.coefficient


def test_optimistic_and_lookahead():
    check("optimistic", 3, {}, {"theta": 2}, seed=5)
    check("lookahead", 3, {"alpha": R(1, 2), "k": 3}, {"theta": 1}, alpha="1/2", k=3)


def test_a_user_scheme():
    @bea.scheme(blocks={"theta": "f"})
    def ralston(y, F, h):
        k1 = h * F.f(y)
        k2 = h * F.f(y + 2 * k1 / 3)
        return y + (k1 + 3 * k2) / 4

    flow = bea.modify(ralston, 4)
    heun = bea.modify("heun", 4)
    assert flow.terms != heun.terms                                   # two second-order methods, different f~
    from independent import TABLEAUX
    TABLEAUX["ralston"] = ([[0, 0], [R(2, 3), 0]], [R(1, 4), R(3, 4)])
    try:
        terms = [(t.block, t.power, str(t.tree), t.coefficient) for t in flow.terms]
        diff = modifying_mismatch(terms, [("theta", 0, "f", 1)], "ralston", "same", {}, 4, {"theta": 2}, seed=1)
        assert all(c == 0 for row in diff for c in row)
    finally:
        del TABLEAUX["ralston"]


def test_the_check_detects_a_wrong_coefficient():
    flow = bea.modify("alternating", 3, m=2, k=1, v_phi=1, v_theta=1)
    terms = [(t.block, t.power, str(t.tree), t.coefficient * (2 if t.power == 2 and i % 2 else 1))
             for i, t in enumerate(flow.terms)]
    target = [(t.block, t.power, str(t.tree), t.coefficient) for t in bea.derive("alternating", 1, m=2, k=1, v_phi=1,
                                                                                   v_theta=1).terms]
    diff = modifying_mismatch(terms, target, "alternating", "same", {"v_phi": 1, "v_theta": 1, "m": 2, "k": 1}, 3,
                              {"phi": 1, "theta": 1})
    assert any(c != 0 for row in diff for c in row)


def test_printing_and_the_command_line(capsys):
    """`bea modify` prints derive's JSON shape with "kind": "modifying" and each term's "label"; text and LaTeX
    name the fields f~ (one per label)."""
    import json

    from bea.cli.main import main

    assert main(["modify", "--scheme", "sgd", "--param", "n=2", "--order", "2", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["kind"] == "modifying" and out["blocks"] == {"theta": ["f1", "f2"]} and out["time"] == {"theta": "2*h"}
    assert {(t["label"], t["tree"], t["coefficient"]) for t in out["terms"]} == {
        ("f1", "f1", "1"), ("f1", "f1[f1]", "1/2"), ("f1", "f1[f2]", "1/2"),
        ("f2", "f2", "1"), ("f2", "f2[f1]", "-1/2"), ("f2", "f2[f2]", "1/2")}
    assert main(["modify", "--scheme", "euler", "--order", "2"]) == 0
    text = capsys.readouterr().out
    assert "modifying fields" in text and "f~: h^1: 1/2 f[f]" in text
    latex = bea.modify("sgd", 2, n=2).to_latex()
    assert r"\tilde{f}_{1} &= f_{1}" in latex and r"\tilde{f}_{2} &= f_{2}" in latex
    assert main(["derive", "--scheme", "euler", "--order", "2", "--format", "json"]) == 0
    assert "kind" not in json.loads(capsys.readouterr().out)              # derive's JSON is as the contract has it
    assert main(["modify", "--scheme", "euler", "--order", "0"]) == 2
    assert "order" in capsys.readouterr().err


def test_evaluating_modifying_fields_on_a_problem():
    """One field per block evaluates as derive's flows do; a block holding several (sgd) is refused by name, and
    each field is evaluated with of_label: here f2~ = f2 + h/2 (f2'f2 - f2'f1) on f1 = -x, f2 = -2x is h x - 2x."""
    x = sympy.Symbol("x")
    sgd = bea.modify("sgd", 2, n=2)
    fields, variables = {"f1": [-x], "f2": [-2 * x]}, {"theta": [x]}
    with pytest.raises(bea.BeaError, match="of_label"):
        sgd.evaluate(fields, variables)
    h = sympy.Symbol("h")
    assert sympy.expand(sgd.of_label("f2").evaluate(fields, variables)[0] - (h * x - 2 * x)) == 0
    euler = bea.modify("euler", 3).evaluate({"f": [-x**2]}, {"theta": [x]})
    assert sympy.expand(euler[0] - (-x**2 + h * x**3 - h**2 * x**4)) == 0       # f + h/2 f'f + h^2/6 (f''ff + f'f'f)
    with pytest.raises(bea.BeaError, match="modifying"):
        bea.derive("euler", 2).of_label("f")


@pytest.mark.parametrize("n,order", [(2, 4), (3, 3)])
def test_averaging_over_orderings_is_the_mean_over_every_ordering(n, order):
    """bea.derive(..., average_orderings=True) builds orbits of relabelled trees; here every one of the n!
    orderings is its own user scheme (batches applied in that order), derived and averaged term by term."""
    import itertools

    averaged = bea.derive("sgd", order, n=n, average_orderings=True)
    total: dict = {}
    for order_of_batches in itertools.permutations(range(1, n + 1)):
        @bea.scheme(blocks={"theta": [f"f{i}" for i in range(1, n + 1)]}, times=lambda: {"theta": n},
                    name="sgd in another order")
        def permuted(y, F, h):
            for i in order_of_batches:
                y = y + h * getattr(F, f"f{i}")(y)
            return y

        for t in bea.derive(permuted, order).terms:
            total[t.tree] = total.get(t.tree, 0) + t.coefficient / sympy.factorial(n)
    assert {str(t.tree): t.coefficient for t in averaged.terms} == {str(k): v for k, v in total.items() if v != 0}


def test_smith_et_al_first_order_loss_in_bea_conventions():
    """[SDBD21]: averaged over orderings, n-step SGD follows -grad of E_bar + h/(4n) sum_i |grad E_i|^2 for the time
    n h (E_bar the mean of the batch losses) -- a modified loss, where a fixed ordering has none at h^1."""
    for n in (2, 3, 4):
        loss = bea.modified_loss(bea.derive("sgd", 2, n=n, average_orderings=True), "sgd")
        assert loss.exact
        rows = {(p, str(q.loss), tuple(map(str, q.children))): c for p, c, q in loss.terms["theta"]}
        assert rows == {**{(0, f"E{i}", ()): R(1, n) for i in range(1, n + 1)},
                        **{(1, f"E{i}", (f"f{i}",)): R(1, 4 * n) for i in range(1, n + 1)}}
        assert not bea.modified_loss(bea.derive("sgd", 2, n=n), "sgd").exact


def test_averaging_needs_interchangeable_fields():
    with pytest.raises(bea.BeaError, match="no block with several fields"):
        bea.derive("euler", 2, average_orderings=True)


@pytest.mark.parametrize("scheme", ["simultaneous-heavy-ball", "alternating-heavy-ball", "simultaneous-nesterov"])
@pytest.mark.parametrize("betas", [(R(1, 3), R(1, 5)), (R(1, 2), 0)])        # (beta_phi, beta_theta); 0: one player only
def test_per_player_momentum_against_the_independent_check(scheme, betas):
    """Momentum on one block (Value.on), each player its own: derive and modify both pass the series check."""
    from independent import mismatch

    values = {"v_phi": R(3, 2), "v_theta": R(2, 3), "beta_phi": betas[0], "beta_theta": betas[1]}
    params = {"beta_phi": betas[0], "beta_theta": betas[1]}
    flow = bea.derive(scheme, 3, **params)
    diff = mismatch([(t.block, t.power, str(t.tree), t.coefficient) for t in flow.terms], scheme, "same", values, 3,
                    {"phi": 1, "theta": 2}, players=2)
    assert all(c == 0 for row in diff for c in row), diff
    check(scheme, 3, values, {"phi": 1, "theta": 2}, players=2, **params)


def test_alternating_heavy_ball_interaction_coefficient():
    """The second player's interaction term of alternating heavy ball with momentum beta on both (v = 1, zero-sum):
    -h (3 beta - 1)/(4 (1 - beta)^3) |grad_phi E|^2 in E~_theta, which is alternating gradient descent's h/4 at
    beta = 0; heavy ball's self term h (1 + beta)/(4 (1 - beta)^3)."""
    beta, h = sympy.symbols("beta h")
    loss = bea.modified_loss(bea.derive("alternating-heavy-ball", 2, beta_phi="beta", beta_theta="beta", v_phi=1,
                                        v_theta=1), "zero-sum")
    rows = {(str(q.loss), tuple(map(str, q.children))): c * h**p for p, c, q in loss.terms["theta"]}
    assert sympy.simplify(rows[("E", ("f",))] + h * (3 * beta - 1) / (4 * (1 - beta)**3)) == 0
    assert sympy.simplify(rows[("E", ("g",))] + h * (1 + beta) / (4 * (beta - 1)**3)) == 0
    assert rows[("E", ("f",))].subs(beta, 0) == h / 4


def test_sam_with_radius_proportional_to_h():
    """Unnormalised SAM with rho = c h is the explicit Runge-Kutta step y + h F(y - c h F(y)): its modified field
    passes the series check (as that tableau), and its first-order loss is E + (rho/2 + h/4) |grad E|^2."""
    from independent import TABLEAUX, mismatch

    c = R(1, 2)
    TABLEAUX["sam-test"] = ([[0, 0], [-c, 0]], [0, 1])
    try:
        flow = bea.derive("sam", 4, c=c)
        diff = mismatch([(t.block, t.power, str(t.tree), t.coefficient) for t in flow.terms], "sam-test", "same", {},
                        4, {"theta": 2}, seed=6)
        assert all(x == 0 for row in diff for x in row)
    finally:
        del TABLEAUX["sam-test"]
    loss = bea.modified_loss(bea.derive("sam", 2), "single")
    (_, c0, _), (_, c1, _) = loss.terms["theta"]
    assert c0 == 1 and sympy.simplify(c1 - (sympy.Symbol("c") / 2 + R(1, 4))) == 0
