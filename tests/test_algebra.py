"""Direct unit tests of the algebra layer (trees, rings, series, blocks), each against a check that
does not use the function under test: the tree density gamma, log(exp(b)) = b, exp(b) o exp(b) = exp(2b),
SymPy's own arithmetic."""

import pickle
import random
from fractions import Fraction
from math import prod

import pytest
import sympy
from sympy.polys.domains import QQ

import bea
from bea.algebra.blocks import Blocks
from bea.algebra.rings import LaurentRing
from bea.algebra.series import compose_after_flow, flow, lie_derivative, linear_combination, modified_field
from bea.algebra.trees import Tree, parse_tree, trees_up_to


def gamma(t: Tree) -> int:
    """The density gamma(t) = |t| prod gamma(children) [HLW06, Sec III.1], by recursion on the children."""
    return t.order * prod(gamma(c) for c in t.children)


def test_the_exact_flow_has_the_coefficients_one_over_gamma():
    trees = trees_up_to(7, ["f"])
    exact = flow({trees[0]: QQ(1)}, trees, QQ(0))
    assert len(trees) == 1 + 1 + 2 + 4 + 9 + 20 + 48          # A000081
    for t in trees:
        assert exact[t] == QQ(1, gamma(t)), t           # stored as a(t), the series being sum a(t)/sigma(t) F(t)


def random_field(trees, labels, seed):
    rng = random.Random(seed)
    return {t: QQ(rng.randint(-5, 5), rng.randint(1, 4)) for t in trees if rng.random() < 0.7 and t.order <= 4}


@pytest.mark.parametrize("seed", range(4))
def test_the_modified_field_of_an_exact_flow_is_its_field(seed):
    trees = trees_up_to(5, ["f", "g"])
    b = {t: x for t, x in random_field(trees, ["f", "g"], seed).items() if x}
    recovered = modified_field(flow(b, trees, QQ(0)), trees, {"f": QQ(1), "g": QQ(1)}, lambda x: 1 / x, QQ(0))
    assert recovered == b


@pytest.mark.parametrize("seed", range(3))
def test_a_flow_after_itself_is_the_flow_for_twice_the_time(seed):
    trees = trees_up_to(5, ["f", "g"])
    b = random_field(trees, ["f", "g"], seed)
    twice = flow({t: 2 * x for t, x in b.items()}, trees, QQ(0))
    assert compose_after_flow(flow(b, trees, QQ(0)), b, trees, QQ(0)) == {t: x for t, x in twice.items() if x}


def test_the_lie_derivative_grafts_onto_every_node():
    f, g = parse_tree("f"), parse_tree("g")
    trees = trees_up_to(3, ["f", "g"])
    derivative = lie_derivative({parse_tree("f[g]"): QQ(1)}, {f: QQ(1)}, trees, QQ(0))
    # f[g] with f grafted on the root (f[f,g]) or on the g node (f[g[f]])
    assert derivative == {parse_tree("f[f,g]"): QQ(1), parse_tree("f[g[f]]"): QQ(1)}
    assert lie_derivative({g: QQ(1)}, {}, trees, QQ(0)) == {}


def test_linear_combinations_drop_what_cancels():
    f, ff = parse_tree("f"), parse_tree("f[f]")
    assert linear_combination({f: QQ(1), ff: QQ(2)}, [(QQ(-1), {f: QQ(1)}), (QQ(1, 2), {ff: QQ(2)})]) == {ff: QQ(3)}


def test_laurent_arithmetic_agrees_with_sympy():
    m, v, k = sympy.symbols("m v k")
    ring = LaurentRing((m, v, k))
    rng = random.Random(1)
    for _ in range(30):
        exprs = [sympy.Rational(rng.randint(-4, 4), rng.randint(1, 3)) * m ** rng.randint(-2, 2) * v ** rng.randint(-1, 3)
                 * k ** rng.randint(-1, 1) for _ in range(3)]
        a, b, c = (ring.coerce(e) for e in exprs)
        expected = sympy.expand((exprs[0] + exprs[1]) * exprs[2] - exprs[1])
        assert sympy.expand(ring.to_sympy((a + b) * c - b) - expected) == 0
        if exprs[2] != 0:
            assert sympy.simplify(ring.to_sympy(ring.inverse(c)) * exprs[2]) == 1


def test_trees_are_their_canonical_text():
    t = parse_tree("f[g, f[f]]")
    assert t == "f[g,f[f]]" and isinstance(t, str) and t is parse_tree("f[f[f],g]")
    assert {t: 1}["f[g,f[f]]"] == 1
    assert pickle.loads(pickle.dumps(t)) is t
    assert (t.order, t.label, t.symmetry, t.is_chain) == (4, "f", 1, False)
    with pytest.raises(TypeError):
        Tree("f")


def test_blocks_are_read_only_and_know_each_fields_block():
    blocks = Blocks({"phi": ["f"], "theta": ("g", "h2")})
    assert blocks == {"phi": ("f",), "theta": ("g", "h2")} and blocks.labels == ("f", "g", "h2")
    assert blocks.block_of("h2") == "theta"
    with pytest.raises(bea.BeaError, match="no field 'x'"):
        blocks.block_of("x")
    with pytest.raises(TypeError):
        blocks["psi"] = ("k",)
    assert pickle.loads(pickle.dumps(blocks)).block_of("f") == "phi"


def test_a_derived_flow_carries_typed_trees_and_blocks():
    flow_ = bea.derive("alternating", 2)
    assert all(isinstance(t.tree, Tree) for t in flow_.terms)
    assert isinstance(flow_.blocks, Blocks) and flow_.block_of("g") == "theta"
    assert flow_.coefficient("theta", parse_tree("g[f]")) == flow_.coefficient("theta", "g[f]")
    assert Fraction(1, 2) == Fraction(str(-flow_.coefficient("phi", "f[g]") / sympy.Symbol("v_phi") / sympy.Symbol("v_theta")))
