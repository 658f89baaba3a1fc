"""The public B-series algebra, order and structure, against published values and independent checks.

Independent means: elementary weights and gamma computed here from their textbook recursions
([HNW93, Sec II.2]: ``Phi_i(bullet) = 1``, ``Phi_i([t_1..t_k]) = prod_k sum_j a_ij Phi_j(t_k)``,
``gamma([t_1..t_k]) = |t| prod gamma(t_k)``), steps run on random polynomial problems exactly in
``tests/independent.py`` (no tree machinery of bea), and published tables (HLW06's modified equations,
the orders of HW96's collocation methods, the number of rooted trees).
"""

from __future__ import annotations

import json
import random

import pytest
import sympy
from sympy import QQ, Rational as R
from sympy.polys.rings import ring as poly_ring

import bea
from bea.algebra.trees import trees_up_to
from bea.schemes.runge_kutta import IMPLICIT_TABLEAUX, TABLEAUX, Tableau

from clirun import run_exit
from independent import Problem, _evaluate, _truncate, flow_at_times, parse

ALL_TABLEAUX = {**TABLEAUX, **IMPLICIT_TABLEAUX}
EULER = Tableau(((0,),), (1,))
WITH_EULER = {"euler": EULER, **ALL_TABLEAUX}


# -- independent formulas -------------------------------------------------------------------------
def elementary_weight(tableau: Tableau, tree) -> sympy.Expr:
    """``sum_i b_i Phi_i(t)`` [HNW93, Sec II.2, Def 2.9]."""
    a, b = tableau.a, tableau.b
    s = len(b)

    def phi(t):
        out = []
        for i in range(s):
            value = sympy.Integer(1)
            for child in t.children:
                inner = phi(child)
                value *= sum(a[i][j] * inner[j] for j in range(s))
            out.append(value)
        return out

    return sympy.nsimplify(sympy.expand(sum(bi * p for bi, p in zip(b, phi(tree)))))


def gamma(tree) -> int:
    """The density ``gamma(t) = |t| prod gamma(t_i)`` [HNW93, Def 2.10]."""
    out = tree.order
    for child in tree.children:
        out *= gamma(child)
    return out


def test_number_of_trees_is_oeis_a000081():
    counts = [sum(1 for t in trees_up_to(n, ["f"]) if t.order == n) for n in range(1, 8)]
    assert counts == [1, 1, 2, 4, 9, 20, 48]


@pytest.mark.parametrize("name", ["heun", "rk4", "midpoint", "gauss4", "radau-iia3", "lobatto-iiia4", "trapezoidal",
                                  "implicit-euler"])
def test_map_coefficients_are_the_elementary_weights(name):
    series = bea.one_step_map(name, 5)
    for t in trees_up_to(5, ["f"]):
        assert sympy.simplify(series.normalised(t) - elementary_weight(ALL_TABLEAUX[name], t)) == 0, t
        assert sympy.simplify(series.coefficient(t) * t.symmetry - series.normalised(t)) == 0


def test_symbolic_tableau_map_is_the_elementary_weights():
    c2, c3, a32 = sympy.symbols("c2 c3 a32")
    tableau = {"a": [[], ["c2"], ["c3 - a32", "a32"]], "b": ["1 - b2 - b3", "b2", "b3"]}
    series = bea.one_step_map("rk", 4, tableau=tableau)
    typed = Tableau(((0, 0, 0), (c2, 0, 0), (c3 - a32, a32, 0)),
                    (1 - sympy.Symbol("b2") - sympy.Symbol("b3"), sympy.Symbol("b2"), sympy.Symbol("b3")))
    for t in trees_up_to(4, ["f"]):
        assert sympy.simplify(series.normalised(t) - elementary_weight(typed, t)) == 0, t


def test_exact_flow_is_one_over_gamma():
    e = bea.exact_flow("f", 6)
    for t in trees_up_to(6, ["f"]):
        assert e.normalised(t) == R(1, gamma(t))


# published orders: [HNW93, Sec II.1] (explicit), [HW96, Sec IV.5, Tables 5.1-5.12] (collocation, Lobatto)
ORDERS = {"euler": 1, "heun": 2, "midpoint": 2, "rk4": 4, "implicit-euler": 1, "implicit-midpoint": 2,
          "trapezoidal": 2, "gauss4": 4, "gauss6": 6, "radau-iia3": 3, "radau-iia5": 5, "lobatto-iiia4": 4,
          "lobatto-iiic4": 4}


@pytest.mark.parametrize("name", sorted(ORDERS))
def test_published_orders(name):
    result = bea.order(name, max_order=6)
    assert result.order == ORDERS[name] and not result.at_least
    for c in result.failures:       # each failing condition is a(t) != 1/gamma(t), as the weights say
        t = c.trees[0]
        assert t.order == ORDERS[name] + 1
        assert sympy.simplify(c.exact - R(1, gamma(t) * t.symmetry)) == 0
        assert sympy.simplify(c.method - elementary_weight(WITH_EULER[name], t) / t.symmetry) == 0
    failing = {c.trees[0] for c in result.failures}
    for t in trees_up_to(ORDERS[name] + 1, ["f"]):     # and every tree not listed satisfies its condition
        if t not in failing:
            assert sympy.simplify(elementary_weight(WITH_EULER[name], t) - R(1, gamma(t))) == 0


def test_butcher_conditions_up_to_order_5_for_a_symbolic_tableau():
    """The order conditions bea lists for a generic explicit 2-stage method are Butcher's:
    sum b = 1 (flagged: the method then follows (b1 + b2) f); at order 2, b2 c2 = 1/2."""
    result = bea.order("rk", max_order=3, tableau={"a": [[], ["c2"]], "b": ["b1", "b2"]})
    assert "(b1 + b2) f, not f" in result.note and "order 0" in result.note
    result = bea.order("rk", max_order=3, tableau={"a": [[], ["c2"]], "b": ["1 - b2", "b2"]})
    assert result.order == 1 and [sympy.simplify(c.defect - (sympy.Symbol("b2") * sympy.Symbol("c2") - R(1, 2)))
                                  for c in result.failures] == [0]


def test_hlw_modified_equations():
    """[HLW06, Sec IX.1, Eqs (1.4) and (1.9)]: explicit Euler f - h/2 f'f + h^2 (1/12 f''(f,f) + 1/3 f'f'f);
    implicit midpoint f + h^2 (1/12 f'f'f - 1/24 f''(f,f))."""
    euler = bea.one_step_map("euler", 3).modified_field()
    assert [euler.coefficient(t) for t in ("f", "f[f]", "f[f,f]", "f[f[f]]")] == [1, R(-1, 2), R(1, 12), R(1, 3)]
    midpoint = bea.one_step_map("implicit-midpoint", 4).modified_field()
    assert [midpoint.coefficient(t) for t in ("f", "f[f]", "f[f,f]", "f[f[f]]")] == [1, 0, R(-1, 24), R(1, 12)]
    assert all(midpoint.coefficient(t) == 0 for t in trees_up_to(4, ["f"]) if t.order == 4)


# -- composition, adjoint, Richardson, substitution ---------------------------------------------------
def composed_tableau(first: Tableau, second: Tableau) -> Tableau:
    """One step of ``first`` then one of ``second``, as one tableau [HLW06, Sec III.1.3]."""
    s, r = len(first.b), len(second.b)
    a = [[first.a[i][j] if j < s else 0 for j in range(s + r)] for i in range(s)]
    a += [[first.b[j] if j < s else second.a[i][j - s] for j in range(s + r)] for i in range(r)]
    return Tableau(tuple(map(tuple, a)), tuple(first.b) + tuple(second.b))


def as_json(tableau: Tableau) -> dict:
    return {"a": [[str(x) for x in row] for row in tableau.a], "b": [str(x) for x in tableau.b]}


@pytest.mark.parametrize("first, second", [("heun", "rk4"), ("rk4", "rk4"), ("midpoint", "gauss4")])
def test_composition_is_the_composed_tableau(first, second):
    composed = bea.one_step_map(second, 5) @ bea.one_step_map(first, 5)
    reference = composed_tableau(ALL_TABLEAUX[first], ALL_TABLEAUX[second])
    for t in trees_up_to(5, ["f"]):
        assert sympy.simplify(composed.normalised(t) - elementary_weight(reference, t)) == 0, t


def rational(x) -> QQ:
    x = sympy.Rational(x)
    return QQ(int(x.p), int(x.q))


def step_on_problem(problem: Problem, tableau: Tableau, y, order: int, hr, c=1):
    """One explicit RK step of size ``c h`` on the polynomial problem, as polynomials in h."""
    h = hr.gens[0]
    k = []
    for i in range(len(tableau.b)):
        stage = [y[n] + sum((rational(tableau.a[i][j]) * k[j][n] for j in range(i)), hr.zero)
                 for n in range(len(y))]
        k.append([_truncate(c * h * _evaluate(f, stage, hr), order, (0,)) for f in problem.fields["f"]])
    return [_truncate(y[n] + sum((rational(b) * k[i][n] for i, b in enumerate(tableau.b)), hr.zero),
                      order, (0,)) for n in range(len(y))]


def map_on_problem(series, problem: Problem, order: int, hr):
    """``y0 + sum c h^|t| F(t)(y0)`` with the elementary differentials of ``tests/independent.py``."""
    h = hr.gens[0]
    out = [hr(x) for x in problem.point]
    for term in series.terms:
        c = sympy.Rational(term.coefficient)
        for n, v in enumerate(problem.elementary_differential(parse(term.tree.text))):
            value = v.as_expr().subs(dict(zip(sympy.symbols(problem.names), problem.point)))
            out[n] += QQ(c.p, c.q) * rational(value) * h ** term.power
    return out


@pytest.mark.parametrize("seed", [0, 1])
def test_composition_and_richardson_on_random_polynomial_problems(seed):
    """Two half steps of Heun, then Richardson ``(4 Phi_{h/2}^2 - Phi_h)/3``: the B-series evaluated on a
    random quadratic field in 2 variables equals the steps run there exactly, through h^4."""
    order = 4
    problem = Problem({"theta": ["f"]}, {"theta": 2}, degree=2, seed=seed)
    hr, h = poly_ring("h", QQ)
    heun = bea.one_step_map("heun", order)
    half = heun.at_step("1/2")
    y = [hr(x) for x in problem.point]
    once = step_on_problem(problem, TABLEAUX["heun"], y, order, hr, c=QQ(1, 2))
    twice = step_on_problem(problem, TABLEAUX["heun"], once, order, hr, c=QQ(1, 2))
    assert map_on_problem(half @ half, problem, order, hr) == twice
    full = step_on_problem(problem, TABLEAUX["heun"], y, order, hr)
    richardson = bea.combine([(R(4, 3), half @ half), (R(-1, 3), heun)])
    expected = [_truncate(QQ(4, 3) * a - QQ(1, 3) * b, order, (0,)) for a, b in zip(twice, full)]
    assert map_on_problem(richardson, problem, order, hr) == expected
    # the order command against the exact flow of f on the problem (Picard iteration, tests/independent.py):
    # the local error of the steps starts at h^(order + 1)
    flow = flow_at_times(problem, problem.modified_field([("theta", 0, "f", 1)], {}, order), {"theta": QQ(1)}, order)

    def first_error_power(steps):
        return min(d for i in range(2) for d in range(order + 1) if steps[i].coeff(h ** d if d else 1) != flow[i][d])

    assert first_error_power(full) == bea.order(heun).order + 1 == 3
    assert first_error_power(expected) == bea.order(richardson).order + 1 == 4     # Richardson: one order more


def adjoint_tableau(t: Tableau) -> Tableau:
    """``a*_ij = b_{s+1-j} - a_{s+1-i,s+1-j}``, ``b*_i = b_{s+1-i}`` [HLW06, Thm V.1.? / Sec II.3]."""
    s = len(t.b)
    return Tableau(tuple(tuple(t.b[s - 1 - j] - t.a[s - 1 - i][s - 1 - j] for j in range(s)) for i in range(s)),
                   tuple(t.b[s - 1 - i] for i in range(s)))


@pytest.mark.parametrize("name", ["euler", "heun", "rk4", "radau-iia3"])
def test_adjoint_is_the_adjoint_tableau(name):
    adjoint = bea.one_step_map(name, 5).adjoint()
    reference = adjoint_tableau(WITH_EULER[name])
    for t in trees_up_to(5, ["f"]):
        assert sympy.simplify(adjoint.normalised(t) - elementary_weight(reference, t)) == 0, t
    assert (adjoint.adjoint().values.keys() == bea.one_step_map(name, 5).values.keys())


def test_substitution_law():
    """``b * e = exp(b)`` for any field ``b``; the modified field ``b`` of a map ``a`` has ``b * e = a``
    [CHV10, Sec 3]; and the map of a modifying field: ``Phi[f := f~] = exp(f)``."""
    field = bea.bseries({"f": 1, "f[f]": R(2, 3), "f[f,f]": R(-1, 5), "f[f[f]]": R(3, 7), "f[f[f,f]]": 2}, 5,
                        kind="field")
    e = bea.exact_flow("f", 5)
    lhs, rhs = e.substitute(field), field.exact_flow()
    assert all(lhs.coefficient(t) == rhs.coefficient(t) for t in trees_up_to(5, ["f"]))
    rk = bea.one_step_map("rk4", 6)
    back = bea.exact_flow("f", 6).substitute(rk.modified_field())
    assert all(sympy.simplify(back.coefficient(t) - rk.coefficient(t)) == 0 for t in trees_up_to(6, ["f"]))


def test_modified_field_of_the_map_is_derive():
    for name, options in [("alternating", {"time": "per-player"}), ("rk4", {}), ("gauss4", {})]:
        series = bea.one_step_map(name, 4, **options)
        flow = bea.derive(name, 4, **options)
        field = series.modified_field()
        assert all(sympy.simplify(field.coefficient(t.tree) - t.coefficient) == 0 for t in flow.terms)
        assert len(field.terms) == len(flow.terms)
        again = bea.exact_flow(flow)
        assert all(sympy.simplify(again.coefficient(t) - series.coefficient(t)) == 0 for t in series.universe)


# -- structure --------------------------------------------------------------------------------------
def tableau_symplectic(t: Tableau) -> bool:
    s = len(t.b)
    return all(sympy.simplify(t.b[i] * t.a[i][j] + t.b[j] * t.a[j][i] - t.b[i] * t.b[j]) == 0
               for i in range(s) for j in range(s))


@pytest.mark.parametrize("name", sorted(ALL_TABLEAUX))
def test_symplecticity_agrees_with_the_tableau_conditions(name):
    """[HLW06, Thm VI.4.3 and Thm VI.7.4]: the tree conditions and ``b_i a_ij + b_j a_ji = b_i b_j``
    agree for these (irreducible) methods; a method of order p satisfies the tree conditions to p nodes."""
    result = bea.symplectic(name, 6)
    assert result.holds == tableau_symplectic(ALL_TABLEAUX[name])
    assert result.holds_to >= ORDERS.get(name, 1)
    assert ("for all i, j" in result.note) == result.holds


SYMMETRIC = {"implicit-midpoint", "trapezoidal", "gauss4", "gauss6", "lobatto-iiia4"}


@pytest.mark.parametrize("name", sorted(ALL_TABLEAUX))
def test_symmetry_is_adjoint_equal(name):
    """Symmetric methods ([HLW06, Sec V.2]): the collocation methods with symmetric nodes, Lobatto IIIA."""
    assert bea.symmetric(name, 6).holds == (name in SYMMETRIC)     # order p: Phi and Phi* differ at p + 2 nodes for even p


def avf(t):
    """The averaged vector field method's coefficients (whole factors) [CMOQ10, Sec 2]."""
    weight = sympy.Integer(1)
    for child in t.children:
        weight *= avf(child) * child.symmetry
    return weight / ((len(t.children) + 1) * t.symmetry)


def energy_error_power(series, order: int, seed: int = 0) -> int:
    """The lowest power of h in ``grad H . f~`` on a random cubic Hamiltonian in 2 variables with
    ``f = J grad H``: the modified field evaluated through ``tests/independent.py``'s differentials."""
    problem = Problem({"theta": ["f"]}, {"theta": 2}, degree=2, seed=seed)
    q, p = problem.y
    rng_coefficients = [R(c) for c in (1, -2, 3, 1, 2, -1, 1)]
    H = sum(c * m for c, m in zip(rng_coefficients, (q * q, q * p, p * p, q ** 3, q * q * p, q * p * p, p ** 3)))
    problem.fields["f"] = [H.diff(p), -H.diff(q)]
    problem._differentials.clear()
    field = series.modified_field()
    h = sympy.Symbol("h")
    grad = [H.diff(q).as_expr(), H.diff(p).as_expr()]
    total = 0
    for term in field.terms:
        vector = problem.elementary_differential(parse(term.tree.text))
        total += term.coefficient * h ** term.power * sum(g * v.as_expr() for g, v in zip(grad, vector))
    poly = sympy.Poly(sympy.expand(total), h)
    powers = [m[0] for m, c in poly.terms() if c != 0]
    return min(powers) if powers else order


def test_energy_preservation():
    """BSeries.jl's energy-preserving orders (Euler 1, implicit midpoint 2, Gauss4 4, AVF all), and on a
    random cubic Hamiltonian the energy error of the modified field starts at the power after."""
    assert bea.energy_preserving(bea.bseries(avf, 6)).holds
    for name, expected in [("euler", 1), ("implicit-midpoint", 2), ("rk4", 4)]:
        result = bea.energy_preserving(name, 6)
        assert result.holds_to == expected, name
        assert energy_error_power(bea.one_step_map(name, expected + 1), expected + 1) == expected
    assert energy_error_power(bea.bseries(avf, 5), 5) == 5        # no power below h^5: conserved


# -- errors and the command line --------------------------------------------------------------------
def test_a_root_of_a_rational_in_a_user_scheme_is_exact():
    """``y + sqrt(2) h f``: Euler on the field sqrt(2) f, so each coefficient is Euler's times sqrt(2)^|t|
    (the number field QQ(sqrt 2) holds them exactly)."""
    import pathlib

    scheme = f"{pathlib.Path(__file__).parent / 'data' / 'bad_schemes.py'}:root_two"
    flow, euler = bea.derive(scheme, 4), bea.derive("euler", 4)
    assert len(flow.terms) == len(euler.terms)
    assert all(sympy.simplify(flow.coefficient("theta", t.tree) - t.coefficient * sympy.sqrt(2) ** t.tree.order) == 0
               for t in euler.terms)


def test_bad_input_is_an_error():
    euler = bea.one_step_map("euler", 3)
    with pytest.raises(bea.BeaError, match="past iterates"):
        bea.one_step_map("heavy-ball", 2)
    with pytest.raises(bea.OrderError):
        euler.coefficient("f[f[f[f]]]")
    with pytest.raises(bea.BeaError, match="sum to 1"):
        bea.combine([(2, euler), (1, euler)])
    with pytest.raises(bea.BeaError, match="float"):
        euler.at_step(0.5)
    with pytest.raises(bea.BeaError, match="map"):
        euler.modified_field() @ euler
    with pytest.raises(bea.BeaError, match="roots of rationals"):
        bea.one_step_map("rk", 2, tableau={"a": [[]], "b": ["sqrt(x)"]})


def test_map_command(capsys):
    status, out, _ = run_exit(capsys, "map", "--scheme", "midpoint", "--order", "3", "--format", "json")
    data = json.loads(out)
    assert status == 0 and data["kind"] == "map"
    terms = {t["tree"]: (t["power"], sympy.sympify(t["coefficient"])) for t in data["terms"]}
    assert terms["f"] == (1, 1) and terms["f[f]"] == (2, R(1, 2)) and terms["f[f,f]"] == (3, R(1, 8))
    status, out, _ = run_exit(capsys, "map", "--scheme", "euler", "--order", "3", "--exact-flow")
    assert status == 0 and "1/6 f[f,f] + 1/6 f[f[f]]" in out
    status, _, err = run_exit(capsys, "map", "--scheme", "heavy-ball", "--order", "2")
    assert status == 2 and len(err.strip().splitlines()) == 1


def test_order_command(capsys):
    status, out, _ = run_exit(capsys, "order", "--scheme", "gauss4", "--max-order", "4", "--structure",
                              "--format", "json")
    data = json.loads(out)
    assert status == 0 and data[0]["order"] == 4 and data[0]["at_least"] is False
    assert [d["property"] for d in data[1:]] == ["symplectic", "conjugate symplectic", "symmetric", "energy preserving"]
    assert data[1]["holds"] and data[2]["holds"] and data[3]["holds"] and data[4]["holds_to"] == 4
    status, out, _ = run_exit(capsys, "order", "--scheme", "rk4")
    assert status == 0 and out.startswith("# order of rk4: 4") and out.count("fails at") == 9


def test_order_is_measured_against_the_flow_the_method_follows():
    """Block times: per-player rates, sgd's n h, lookahead's k h -- the orders of the papers' schemes
    (first order), and lookahead with alpha = 1/2, k = 2, which follows f/2 for the time 2h to second order."""
    assert bea.order("alternating", 2, time="per-player").order == 1
    assert bea.order("simultaneous", 2, time="per-player", v_phi=2, v_theta=3).order == 1
    assert bea.order("sgd", 2, n=3).order == 1
    result = bea.order("lookahead", 2, alpha="1/2", k=2)     # y + h f + h^2/2 f'f: the flow of f/2 for 2h
    assert result.order == 2 and "(1/2) f, not f" in result.note
    assert bea.order("euler", 2).note == ""


def test_powers_and_times():
    """``A ** n`` is n steps and follows the flow for n h: its order is the method's; the inverse
    follows it for -h, Richardson's combination for h."""
    heun = bea.one_step_map("heun", 5)
    assert all((heun ** 2).coefficient(t) == (heun @ heun).coefficient(t) for t in heun.universe)
    assert (heun ** -1 @ heun).values == {} and (heun ** 0).values == {}
    assert [bea.order(heun ** n).order for n in (3, -2)] == [2, 2]
    assert (heun ** 3).time == {"theta": 3} and heun.inverse().time == {"theta": -1}


# -- additive and partitioned Runge-Kutta methods -----------------------------------------------------
from independent import mismatch  # noqa: E402


def exact_against_independent(flow, scheme, values, order, dims, players, time="same"):
    terms = [(t.block, t.power, t.tree, t.coefficient) for t in flow.terms]
    diff = mismatch(terms, scheme, time, values, order, dims, seed=2, players=players)
    assert all(c == 0 for row in diff for c in row), diff


@pytest.mark.parametrize("scheme", ["symplectic-euler", "stormer-verlet"])
@pytest.mark.parametrize("time", ["same", "per-player"])
def test_partitioned_methods_against_the_independent_check(scheme, time):
    values = {"v_phi": R(3, 2), "v_theta": R(-2, 3)}
    flow = bea.derive(scheme, 4, time=time)
    exact_against_independent(flow, scheme, values, 4, {"phi": 1, "theta": 2}, players=2, time=time)


def test_tableau_pairs_and_additive_methods_against_the_independent_check():
    pair = {"f": {"a": [["1/3", 0], ["1/2", "1/4"]], "b": ["1/2", "1/2"]},
            "g": {"a": [[0, 0], ["2/3", 0]], "b": ["1/4", "3/4"]}}
    flow = bea.derive("prk", 4, tableau=pair, v_phi=1, v_theta=R(1, 2))
    exact_against_independent(flow, "prk", {"tableau": pair, "v_phi": 1, "v_theta": R(1, 2)}, 4,
                              {"phi": 2, "theta": 1}, players=2)
    imex = {"f1": {"a": [[0, 0], [1, 0]], "b": ["1/2", "1/2"]},          # explicit trapezoid (Heun) ...
            "f2": {"a": [[0, 0], ["1/2", "1/2"]], "b": ["1/2", "1/2"]}}  # ... with the implicit trapezoidal rule
    flow = bea.derive("ark", 4, tableau=imex)
    exact_against_independent(flow, "ark", {"tableau": imex}, 4, {"theta": 2}, players=1)
    assert bea.order("ark", tableau=imex).order == 2


def test_symplectic_euler_modified_hamiltonian_hlw():
    """[HLW06, Sec IX.3, Example 3.?]: symplectic Euler follows the Hamiltonian
    H - h/2 H_p H_q + h^2/12 (H_pp H_q^2 + H_qq H_p^2 + 4 H_pq H_p H_q) + O(h^3); here phi = p
    (f = -H_q, implicit) and theta = q (g = H_p)."""
    p, q, h = sympy.symbols("p q h")
    H = p ** 4 / 4 + p ** 2 * q / 3 + q ** 3 / 5 - p * q ** 2
    Hp, Hq = H.diff(p), H.diff(q)
    field = bea.derive("symplectic-euler", 3, v_phi=1, v_theta=1).evaluate({"f": [-Hq], "g": [Hp]},
                                                                          {"phi": [p], "theta": [q]})
    modified = H - h / 2 * Hp * Hq + h ** 2 / 12 * (H.diff(p, 2) * Hq ** 2 + H.diff(q, 2) * Hp ** 2 + 4 * H.diff(p, q) * Hp * Hq)
    assert sympy.expand(field[0] + modified.diff(q)) == 0 and sympy.expand(field[1] - modified.diff(p)) == 0


def test_stormer_verlet_conserves_the_invariant_of_the_harmonic_oscillator():
    """Kick-drift-kick on H = (p^2 + q^2)/2 conserves p^2 + (1 - h^2/4) q^2 exactly: the modified field
    (whose h^2 term is the first correction) must conserve it through h^2."""
    p, q, h = sympy.symbols("p q h")
    field = bea.derive("stormer-verlet", 4, v_phi=1, v_theta=1).evaluate({"f": [-q], "g": [p]},
                                                                        {"phi": [p], "theta": [q]})
    invariant = p ** 2 + (1 - h ** 2 / 4) * q ** 2
    rate = sympy.expand(invariant.diff(p) * field[0] + invariant.diff(q) * field[1])
    assert all(rate.coeff(h, k) == 0 for k in range(4))


def test_partitioned_symplecticity():
    """Symplectic Euler and Stormer-Verlet are symplectic (two-coloured conditions, HLW06 Thm VI.7.6);
    random pairs built to satisfy the tableau conditions b_i a^g_ij + b_j a^f_ji = b_i b_j, b^f = b^g
    (HLW06 Thm VI.4.6) pass, and the same pairs perturbed fail.  Different rates v_phi != v_theta
    break symplecticity for dp ^ dq, and the check says so at the single nodes."""
    rates = {"v_phi": 1, "v_theta": 1}
    assert bea.symplectic("symplectic-euler", 6, **rates).holds
    assert bea.symplectic("stormer-verlet", 6, **rates).holds
    assert bea.symplectic("stormer-verlet", 3).holds_to == 0
    rng = random.Random(5)
    for _ in range(3):
        b = [R(rng.randint(1, 5), rng.randint(1, 5)) for _ in range(2)]
        af = [[R(rng.randint(-3, 3), rng.randint(1, 4)) for _ in range(2)] for _ in range(2)]
        ag = [[b[j] - b[j] * af[j][i] / b[i] for j in range(2)] for i in range(2)]
        text = lambda rows: [[str(x) for x in row] for row in rows]  # noqa: E731
        pair = {"f": {"a": text(af), "b": [str(x) for x in b]}, "g": {"a": text(ag), "b": [str(x) for x in b]}}
        assert bea.symplectic("prk", 5, tableau=pair, **rates).holds
        pair["g"]["a"][0][0] = str(ag[0][0] + 1)
        assert not bea.symplectic("prk", 5, tableau=pair, **rates).holds
    with pytest.raises(bea.BeaError, match="partitioned"):
        bea.symplectic("sgd", 3, n=2)


# -- splittings, effective order, conjugate symplecticity ----------------------------------------------
def test_strang_splitting_is_symmetric_of_order_2_with_the_bch_correction():
    """Strang ``exp(h/2 f1) exp(h f2) exp(h/2 f1)``: order 2, symmetric; Lie-Trotter order 1 [HLW06, Sec II.5].
    Its h^2 term is the symmetric BCH term ``-1/24 [X,[X,Y]] + 1/12 [Y,[Y,X]]`` (X = f1, Y = f2; the
    double brackets do not depend on the sign convention of the bracket), checked on polynomial fields."""
    e1, e2 = bea.exact_flow("f1", 4), bea.exact_flow("f2", 4)
    strang = e1.at_step("1/2") @ e2 @ e1.at_step("1/2")
    assert bea.order(strang, 3).order == 2 and bea.symmetric(strang).holds
    assert bea.order(e2 @ e1, 3).order == 1
    x, y = sympy.symbols("x y")
    X = sympy.Matrix([y ** 2 - x, x * y + 1])
    Y = sympy.Matrix([x ** 2, y - x * y ** 2])

    def bracket(a, b):
        return a.jacobian([x, y]) * b - b.jacobian([x, y]) * a

    expected = -sympy.Rational(1, 24) * bracket(X, bracket(X, Y)) + sympy.Rational(1, 12) * bracket(Y, bracket(Y, X))
    problem = Problem({"theta": ["f1", "f2"]}, {"theta": 2}, degree=2, seed=0)
    big, *problem.y = poly_ring("theta0,theta1", QQ)
    problem.ring = big
    rename = {x: sympy.Symbol("theta0"), y: sympy.Symbol("theta1")}
    problem.fields = {"f1": [big(sympy.expand(c.subs(rename))) for c in X], "f2": [big(sympy.expand(c.subs(rename))) for c in Y]}
    problem._differentials.clear()
    field = strang.modified_field()
    total = [0, 0]
    for term in field.terms:
        if term.power == 2:
            for n, v in enumerate(problem.elementary_differential(parse(term.tree.text))):
                total[n] += term.coefficient * v.as_expr()
    back = {sympy.Symbol("theta0"): x, sympy.Symbol("theta1"): y}
    assert all(sympy.expand(sympy.sympify(t).subs(back) - e) == 0 for t, e in zip(total, expected))


def test_effective_order_of_processed_methods():
    """``chi^-1 Phi chi`` has a lower classical order than ``Phi`` but the same effective order [But69]:
    RK4 and Gauss4 processed by Euler and Heun steps; the trapezoidal rule (conjugate to the implicit
    midpoint rule, order 2) has effective order 2."""
    rk4, euler = bea.one_step_map("rk4", 6), bea.one_step_map("euler", 6)
    processed = euler.inverse() @ rk4 @ euler
    assert bea.order(processed).order < 4 and bea.effective_order(processed, 5).order == 4
    heun = bea.one_step_map("heun", 6).at_step("1/3")
    gauss = heun.inverse() @ bea.one_step_map("gauss4", 6) @ heun
    assert bea.order(gauss).order == 3 and bea.effective_order(gauss, 5).order == 4
    assert bea.effective_order("trapezoidal", 4).order == 2


def test_conjugate_symplecticity():
    """The trapezoidal rule and Lobatto IIIA are conjugate symplectic, not symplectic [HLW06, Sec VI.8];
    a conjugate of Gauss4 is conjugate symplectic by construction; Radau IIA is not."""
    for name in ("trapezoidal", "lobatto-iiia4"):
        assert bea.conjugate_symplectic(name, 5).holds and not bea.symplectic(name, 5).holds
    heun = bea.one_step_map("heun", 6).at_step("1/3")
    assert bea.conjugate_symplectic(heun.inverse() @ bea.one_step_map("gauss4", 6) @ heun).holds
    assert not bea.conjugate_symplectic("radau-iia3", 5).holds
    with pytest.raises(bea.BeaError, match="numeric"):
        bea.conjugate_symplectic("rk", 4, tableau={"a": [[], ["c"]], "b": ["1/2", "1/2"]})


def test_partitioned_conjugate_symplecticity():
    """Symplectic pairs are conjugate symplectic (chi = identity): the field conditions are consistent
    with the map conditions; a pair conjugated by a partitioned step stays so."""
    rates = {"v_phi": 1, "v_theta": 1}
    assert bea.conjugate_symplectic("symplectic-euler", 5, **rates).holds
    verlet = bea.one_step_map("stormer-verlet", 5, **rates)
    chi = bea.one_step_map("symplectic-euler", 5, **rates).at_step("1/3") @ bea.one_step_map("simultaneous", 5, **rates)
    processed = chi.inverse() @ verlet @ chi
    assert not bea.symplectic(processed, 4).holds and bea.conjugate_symplectic(processed, 4).holds


def test_tree_pictures():
    import matplotlib

    matplotlib.use("Agg")
    tree = bea.parse_tree("f[g[f],f]")
    tikz = tree.to_tikz(block_of={"f": "phi", "g": "theta"}.get)
    assert tikz.count("\\node") == 4 and tikz.count("\\draw") == 3 and tikz.endswith("$")
    ax = tree.draw()
    assert len(ax.lines) == 3 and ax.collections[0].get_offsets().shape == (4, 2)


def test_partitioned_energy_preservation():
    """Two players: the conditions on oriented free trees agree with a random non-separable Hamiltonian
    H(phi, theta) (the energy error of the modified field starts at h^(holds_to)), and a one-field
    method applied to the partitioned system (the same tableau for f and g) keeps its energy order."""
    rates = {"v_phi": 1, "v_theta": 1}
    p, q, h = sympy.symbols("p q h")
    H = p ** 3 / 3 + p * q ** 2 - q ** 3 / 2 + p ** 2 * q / 5 + q ** 2 / 2 + p ** 2 / 2
    fields, variables = {"f": [-H.diff(q)], "g": [H.diff(p)]}, {"phi": [p], "theta": [q]}
    for name, expected in [("symplectic-euler", 1), ("stormer-verlet", 2)]:
        result = bea.energy_preserving(name, 5, **rates)
        assert result.holds_to == expected
        field = bea.derive(name, expected + 2, **rates).evaluate(fields, variables)
        rate = sympy.Poly(sympy.expand(H.diff(p) * field[0] + H.diff(q) * field[1]), h)
        assert min(m[0] for m, c in rate.terms() if c != 0) == expected
    gauss = ALL_TABLEAUX["gauss4"]
    both = {label: as_json(gauss) for label in ("f", "g")}
    assert bea.energy_preserving("prk", 5, tableau=both, **rates).holds_to == bea.energy_preserving("gauss4", 5).holds_to
    coloured = bea.bseries({t: avf(t) for t in trees_up_to(5, ["f", "g"])}, 5, blocks={"phi": ["f"], "theta": ["g"]})
    assert bea.energy_preserving(coloured).holds
