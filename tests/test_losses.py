"""Gradient notation and modified losses, checked against direct SymPy computation on concrete losses."""

import random

import pytest
import sympy
from sympy import Rational as R

import bea
from bea.printing.notation import TEXT, potential
from bea.errors import BeaError
from bea.analysis.gradient import gradient_system
from bea.analysis.losses import Potential, modified_loss, potential_gradient
from bea.algebra.trees import parse_tree

x, y, u, w = sympy.symbols("x y u w")


def random_polynomial(variables, seed, degree=4):
    rng = random.Random(seed)
    monomials = [sympy.Mul(*c) for d in range(1, degree + 1)
                 for c in __import__("itertools").combinations_with_replacement(variables, d)]
    return sum(R(rng.randint(-5, 5), rng.randint(1, 4)) * m for m in monomials)


def derivative_along(components, variables, vectors):
    """D^k (components)[v_1, ..., v_k]: the vectors are held fixed while differentiating."""
    directions = [[sympy.Dummy() for _ in variables] for _ in vectors]
    out = list(components)
    for d in directions:
        out = [sum(comp.diff(v) * dv for v, dv in zip(variables, d)) for comp in out]
    values = {dv: value for d, vec in zip(directions, vectors) for dv, value in zip(d, vec)}
    return [sympy.expand(c.xreplace(values)) for c in out]


def contraction(tree, E, variables):
    """G(tree) = D^k grad E (G(t_1), ..., G(t_k)), computed directly (one block)."""
    gradient = [E.diff(v) for v in variables]
    return derivative_along(gradient, variables, [contraction(c, E, variables) for c in tree.children])


@pytest.mark.parametrize("children", [("f",), ("f", "f"), ("f[f]",), ("f[f]", "f"), ("f[f,f]",)])
def test_potential_gradient_is_the_product_rule(children):
    """grad of grad^k E[G(t_1),...] equals the sum of re-rooted differentials (computed directly)."""
    E = random_polynomial([x, y], 1)
    system = gradient_system("single", {"theta": ("f",)})
    kids = [parse_tree(c) for c in children]
    potential = Potential("E", tuple(kids), (False,) * len(kids))
    scalar = derivative_along([E], [x, y], [contraction(c, E, [x, y]) for c in kids])[0]
    expected = [sympy.expand(scalar.diff(v)) for v in (x, y)]
    total = [0, 0]
    for tree, multiplicity in potential_gradient(potential, "theta", system).items():
        total = [a + multiplicity * b for a, b in zip(total, contraction(tree, E, [x, y]))]
    assert [sympy.expand(a - b) for a, b in zip(total, expected)] == [0, 0]


def test_mixed_blocks_potential_gradient():
    """Common payoff: grad_phi of grad_theta E . grad_theta E = 2 grad_(phi,theta) E grad_theta E."""
    system = gradient_system("common-payoff", {"phi": ("f",), "theta": ("g",)})
    grad = potential_gradient(Potential("E", (parse_tree("g"),), (False,)), "phi", system)
    assert grad == {parse_tree("f[g]"): 2}
    general = gradient_system("general", {"phi": ("f",), "theta": ("g",)})
    assert potential_gradient(Potential("E_phi", (parse_tree("g"),), (False,)), "phi", general) is None


def test_igr_loss_is_exact_and_gd_at_h2_is_not_a_gradient():
    loss = modified_loss(bea.derive("euler", 2), "single")
    assert loss.exact
    rows = {(p, potential(q, loss.system, TEXT)): c for p, c, q in loss.terms["theta"]}
    assert rows == {(0, "E"): 1, (1, "|grad_theta E|^2"): R(1, 4)}
    third = modified_loss(bea.derive("euler", 3), "single")
    assert not third.exact and third.remainder["theta"]
    assert all(p == 2 for p, _, _ in third.remainder["theta"])
    # no loss is claimed at h^2: the loss stops before it, and the text shows the remainder instead
    assert third.valid_to["theta"] == 2 and all(p < 2 for p, _, _ in third.terms["theta"])
    text = third.to_text()
    assert "E~_theta = E + h/4 |grad_theta E|^2 + O(h^2)" in text and "3*h**2/20" not in text
    assert "no modified loss at h^2 (theta)" in text
    # the remainder is orthogonal to every gradient: loss + nearest gradient + remainder is the field
    flow = bea.derive("euler", 3)
    field = third.field("theta")
    for key, c in third.field("theta", third.nearest["theta"]).items():
        field[key] = field.get(key, 0) + c
    for p, c, tree in third.remainder["theta"]:
        key = (p, tree)
        field[key] = field.get(key, 0) + c
    assert {k: v for k, v in field.items() if v != 0} == {(t.power, t.tree): t.coefficient for t in flow.terms}


def test_general_games_have_no_loss_at_first_order_but_frozen_factors_give_one():
    flow = bea.derive("simultaneous", 2, v_phi=1, v_theta=1)
    plain = modified_loss(flow, "general")
    assert not plain.exact
    assert {t for _, _, t in plain.remainder["phi"]} == {"f[g]"}
    frozen = modified_loss(flow, "general", frozen=True)
    assert not frozen.remainder["phi"] and frozen._uses_frozen()
    for block in ("phi", "theta"):
        assert frozen.field(block) == {(t.power, t.tree): t.coefficient for t in flow.terms if t.block == block}


def test_gradient_notation_signs():
    flow = bea.derive("euler", 3)
    text = flow.to_text(gradient="single")
    assert "h^0: -grad_theta E" in text
    assert "-1/2 grad^2_theta E grad_theta E" in text
    assert "-1/12 grad^3_theta E[grad_theta E, grad_theta E]" in text
    latex = flow.to_latex(gradient="single")
    assert r"\nabla^{3}_{\theta} E[\nabla_{\theta} E, \nabla_{\theta} E]" in latex
    assert latex.count("{") == latex.count("}")
    game = bea.derive("simultaneous", 2, time="per-player").to_latex(gradient="general")
    assert r"\nabla_{\phi\theta} E_{\phi} \nabla_{\theta} E_{\theta}" in game
    zero_sum = bea.derive("simultaneous", 2, time="per-player").to_text(gradient="zero-sum")
    assert "phi: h^0: grad_phi E" in zero_sum and "theta: h^0: -grad_theta E" in zero_sum


def test_gradient_system_must_fit():
    with pytest.raises(BeaError, match="does not fit"):
        bea.derive("euler", 2).to_text(gradient="zero-sum")
    with pytest.raises(BeaError, match="does not fit"):
        modified_loss(bea.derive("simultaneous", 2), "single")


def test_sgd_loss_with_frozen_factors_reproduces_the_field():
    for n in (2, 3):
        flow = bea.derive("sgd", 3, n=n)
        loss = modified_loss(flow, "sgd", frozen=True)
        assert loss.field("theta") == {(t.power, t.tree): t.coefficient for t in flow.terms}


def test_cli_loss_and_gradient(capsys):
    from bea.cli.main import main
    assert main(["loss", "--scheme", "euler", "--order", "2", "--system", "single"]) == 0
    out = capsys.readouterr().out
    assert "E~_theta = E + h/4 |grad_theta E|^2" in out and "exact" in out
    assert main(["derive", "--scheme", "euler", "--order", "2", "--gradient", "single", "--format", "latex"]) == 0
    assert r"\nabla^{2}_{\theta} E" in capsys.readouterr().out
    assert main(["loss", "--scheme", "euler", "--order", "2", "--system", "zero-sum"]) == 2
    assert "does not fit" in capsys.readouterr().err


def test_mixed_derivatives_keep_their_block_names_apart():
    """Issue 19: the text notation wrote grad_phitheta; it is grad_(phi,theta) (LaTeX keeps nabla_{phi theta})."""
    loss = bea.modified_loss(bea.derive("simultaneous", 2), "general")
    assert "grad_(theta,phi) E_theta grad_phi E_phi" in loss.to_text() and "phitheta" not in loss.to_text()
    assert r"\nabla_{\phi\theta}" in bea.derive("simultaneous", 2).to_latex(gradient="zero-sum")
