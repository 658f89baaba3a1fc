"""Iterate averaging (bea.iterate_average): the exponential moving average of a scheme's iterates on its
modified flow, checked on random polynomial problems without bea's series laws (tests/independent.py): the lag
map satisfies the averaging recursion, and the averaged iterates move by the flow bea gives them."""

import pytest
import sympy
from sympy import QQ
from sympy import Rational as R
from sympy.polys.rings import ring as poly_ring

import bea
from independent import Problem, flow_from, terms_at


def _terms(series_or_flow):
    return [(t.block, t.power, str(t.tree), t.coefficient) for t in series_or_flow.terms]


@pytest.mark.parametrize("scheme,params,order", [("euler", {}, 4), ("heavy-ball", {"beta": R(1, 3)}, 3),
                                                 ("rk4", {}, 5)])
@pytest.mark.parametrize("alpha", [R(1, 3), R(9, 10)])
def test_the_average_follows_its_flow(scheme, params, order, alpha):
    """theta_1 = exp(h F)(theta_0) on the scheme's modified flow; theta_bar = Psi(theta):
    Psi(theta_1) = (1 - alpha) Psi(theta_0) + alpha theta_1 (the recursion), and exp(h G)(Psi(theta_0)) = Psi(theta_1)."""
    avg = bea.iterate_average(scheme, order, alpha, **params)
    flow = bea.derive(scheme, order, **params)
    problem = Problem({"theta": ["f"]}, {"theta": 2}, degree=2, seed=7)
    hr, h = poly_ring("h", QQ)
    theta0 = [hr(c) for c in problem.point]
    theta1 = flow_from(problem, problem.modified_field(_terms(flow), {}, order), theta0, QQ(1), order)
    lag = _terms(avg.lag)
    bar0 = [a + b for a, b in zip(theta0, terms_at(problem, lag, {}, theta0, order))]
    bar1 = [a + b for a, b in zip(theta1, terms_at(problem, lag, {}, theta1, order))]
    a = QQ(alpha.p, alpha.q)
    recursion = [(1 - a) * x + a * y for x, y in zip(bar0, theta1)]
    assert all((x - y) == 0 for x, y in zip(bar1, recursion))
    moved = flow_from(problem, problem.modified_field(_terms(avg.flow), {}, order), bar0, QQ(1), order)
    assert all((x - y) == 0 for x, y in zip(moved, bar1))
    if alpha != 1:
        assert any(x - y != 0 for x, y in zip(bar0, theta0))            # the average lags behind


def test_lag_and_flow_in_closed_form():
    """The lag is (1 - w)/w steps to first order; the averaged flow of gradient descent differs from its own
    modified flow only in the f''(f, f) term at h^2 (at w = 1 there is no averaging); the weight is named apart
    from the scheme's parameters."""
    a = sympy.Symbol("w")
    avg = bea.iterate_average("euler", 3)
    assert sympy.simplify(avg.lag.coefficient("f") + (1 - a) / a) == 0
    plain = bea.derive("euler", 3)
    for t in plain.terms:
        difference = sympy.simplify(avg.flow.coefficient("theta", t.tree) - t.coefficient)
        assert (difference == 0) == (str(t.tree) != "f[f,f]")
        assert difference.subs(a, 1) == 0
    with pytest.raises(bea.BeaError, match="weight"):
        bea.iterate_average("euler", 2, "3/2")
    with pytest.raises(bea.BeaError, match="name it apart"):
        bea.iterate_average("lookahead", 2, "alpha")
    assert bea.iterate_average("lookahead", 2, k=2).flow.params["w"] == sympy.Symbol("w")


def test_the_command_line(capsys):
    import json

    from bea.cli.main import main

    assert main(["average", "--scheme", "euler", "--order", "3", "--weight", "1/2", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["kind"] == "iterate-average" and out["weight"] == "1/2"
    assert {(t["tree"], t["coefficient"]) for t in out["lag"]["terms"]} >= {("f", "-1"), ("f[f]", "2")}
    assert ("f[f,f]", "13/12") in {(t["tree"], t["coefficient"]) for t in out["flow"]["terms"]}
    assert main(["average", "--scheme", "euler", "--order", "2", "--weight", "0"]) == 2
    assert "(0, 1]" in capsys.readouterr().err
