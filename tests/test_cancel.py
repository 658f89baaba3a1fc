"""Drift-cancelling regularisers (bea.cancel, bea.regularised): the thesis's coefficients (Sec 4.6, Table 4.1)
and the Dirac-GAN condition (App. B.6.3) come out of the engine; the printed losses, turned into fields, make the
scheme follow the flow with the chosen drift removed (the independent series check of tests/independent.py)."""

import json

import pytest
import sympy

import bea
from bea.cli.main import main
from independent import modifying_mismatch

h, v_phi, v_theta = sympy.symbols("h v_phi v_theta")
GRAD_THETA, GRAD_PHI = bea.potential("E", "g"), bea.potential("E", "f")      # |grad_theta E|^2, |grad_phi E|^2


def strengths(c, label):
    """``{potential: coefficient}`` of the regulariser of ``label`` (each row is ``coefficient h^power Phi``)."""
    return {p: sympy.factor(coefficient * h**power) for power, coefficient, p in c.regulariser(label)}


def test_interaction_cancelling_coefficients_of_thesis_sec_4_6():
    """E_phi = -E + c1 |grad_theta E|^2, E_theta = E + c2 |grad_phi E|^2 with c1 = v_phi h/4, c2 = v_theta h/4
    (simultaneous) and c2 = v_theta h/4 (1 - 2 v_phi/v_theta) (alternating), per-player time [Ros23, Sec 4.6.3]."""
    sim = bea.cancel("simultaneous", 2, "zero-sum", "interaction", time="per-player")
    assert strengths(sim, "f") == {GRAD_THETA: v_phi * h / 4} and strengths(sim, "g") == {GRAD_PHI: v_theta * h / 4}
    alt = bea.cancel("alternating", 2, "zero-sum", "interaction", time="per-player")
    assert strengths(alt, "f") == {GRAD_THETA: v_phi * h / 4}
    assert sympy.simplify(strengths(alt, "g")[GRAD_PHI] - v_theta * h / 4 * (1 - 2 * v_phi / v_theta)) == 0
    assert sim.exact and alt.exact


@pytest.mark.parametrize("scheme,time,phi,theta", [
    ("simultaneous", "per-player", v_phi**2 * h**2 / 4, v_theta**2 * h**2 / 4),        # Cor 4.5.1
    ("simultaneous", "same", v_phi * v_theta * h**2 / 4, v_phi * v_theta * h**2 / 4),   # Cor 4.7.1
    ("alternating", "per-player", v_phi**2 * h**2 / 4, v_theta**2 * h**2 / 4 - 2 * v_phi * v_theta * h**2 / 4),
    ("alternating", "same", v_phi * v_theta * h**2 / 4, -v_phi * v_theta * h**2 / 4),  # Cor 4.7.2
])
def test_table_4_1_interaction_strengths(scheme, time, phi, theta):
    """Table 4.1: the interaction terms' displacement over one update, ``x ∇_phi |∇_theta E|^2``.  The cancelling
    regulariser ``c |∇_theta E|^2``, applied with the player's step (``v_phi h``), displaces by ``v_phi h c``:
    equal to the table's entry (whose Cor 4.5.2 theta entry prints ``v_theta^2 h/4`` for ``v_theta^2 h^2/4``,
    the catalogue's erratum thesis-table4.1)."""
    c = bea.cancel(scheme, 2, "zero-sum", "interaction", time=time)
    assert sympy.simplify(v_phi * h * strengths(c, "f")[GRAD_THETA] - phi) == 0
    assert sympy.simplify(v_theta * h * strengths(c, "g")[GRAD_PHI] - theta) == 0


def _loss_field_terms(c):
    """The field ``-grad E~`` of each printed loss, as terms (bea.ModifiedLoss.field: the potentials' gradients)."""
    out = []
    for label, loss in c.losses.items():
        block = c.flow.block_of(label)
        for (power, tree), coefficient in loss.field(block).items():
            out.append((block, power, str(tree), coefficient))
    return out


@pytest.mark.parametrize("scheme,terms,time", [("simultaneous", "interaction", "per-player"),
                                                ("alternating", "interaction", "same"),
                                                ("simultaneous", "self", "same"), ("alternating", "all", "per-player")])
def test_the_printed_losses_make_the_step_follow_the_flow_without_the_cancelled_terms(scheme, terms, time):
    values = {"v_phi": sympy.Rational(3, 2), "v_theta": sympy.Rational(2, 3), "m": 2, "k": 1}
    params = {"m": 2, "k": 1} if scheme == "alternating" else {}
    c = bea.cancel(scheme, 2, "zero-sum", terms, time=time, **params)
    kept = [t for t in bea.derive(scheme, 2, time=time, **params).terms
            if t.tree.order == 1 or (terms == "interaction" and len(t.tree.label_set) == 1)
            or (terms == "self" and len(t.tree.label_set) > 1)]
    target = [(t.block, t.power, str(t.tree), t.coefficient) for t in kept]
    # a zero-sum problem: f = grad_phi E, g = -grad_theta E; the independent check builds random polynomial fields,
    # so check on the modifying fields the losses generate, with the signs of the zero-sum system
    diff = modifying_mismatch(_loss_field_terms(c), target, scheme, time, values, 2, {"phi": 1, "theta": 1}, seed=4)
    assert all(x == 0 for row in diff for x in row), diff


def test_the_dirac_gan_condition_is_derived():
    """Thesis B.6.3: with E_phi = -E + gamma |grad_theta E|^2, E_theta = E + zeta |grad_phi E|^2 (gamma = c_gamma h,
    zeta = c_zeta h), the symmetric part of the modified Jacobian at the equilibrium is negative definite iff
    gamma > h v_phi/4 and zeta > h v_theta/4 -- solved from the engine's Jacobian, not typed."""
    cg, cz = sympy.symbols("c_gamma c_zeta")
    game = bea.get_problem("dirac-gan").instance({"phi": ("f",), "theta": ("g",)})
    flow = bea.regularised("simultaneous", 2, "zero-sum", {"f": [(cg, GRAD_THETA)], "g": [(cz, GRAD_PHI)]},
                           time="per-player")
    J = flow.jacobian(game.fields, game.variables, {"phi": 0, "theta": 0})
    lprime = sympy.Rational(1, 2)                                       # l'(0) for l = -log(1 + e^-t)
    assert sympy.simplify(J - sympy.Matrix([[(h * v_phi / 2 - 2 * cg * h) * lprime**2, lprime],
                                            [-lprime, (h * v_theta / 2 - 2 * cz * h) * lprime**2]])) == sympy.zeros(2)
    symmetric = (J + J.T) / 2
    assert symmetric[0, 1] == 0
    hp = sympy.Symbol("h", positive=True)
    conditions = [sympy.solve(symmetric[i, i].subs(h, hp) < 0, c) for i, c in ((0, cg), (1, cz))]
    assert conditions == [cg > v_phi / 4, cz > v_theta / 4]


def test_sga_and_consensus_optimisation_as_regularisers():
    """In a zero-sum game SGA (no alignment) adds lambda/2 |grad_theta E|^2 to phi's loss and lambda/2 |grad_phi E|^2
    to theta's; consensus optimisation adds gamma/2 (|grad_phi E|^2 + |grad_theta E|^2) to both.  Simultaneous
    per-player: SGA cancels the interaction drift exactly when lambda/2 = v_phi h/4 = v_theta h/4 (one lambda: equal
    rates) and leaves the self terms; CO cancels it at gamma/2 = v h/4 and then doubles the self terms."""
    lam, gam = sympy.symbols("lambda gamma")
    sga = bea.regularised("simultaneous", 2, "zero-sum", {"f": [(lam / 2, GRAD_THETA)], "g": [(lam / 2, GRAD_PHI)]},
                          time="per-player")
    co = bea.regularised("simultaneous", 2, "zero-sum", {"f": [(gam / 2, GRAD_PHI), (gam / 2, GRAD_THETA)],
                                                         "g": [(gam / 2, GRAD_PHI), (gam / 2, GRAD_THETA)]},
                         time="per-player")
    plain = bea.derive("simultaneous", 2, time="per-player")
    for tree, block in (("f[g]", "phi"), ("g[f]", "theta")):
        assert sympy.solve(sga.coefficient(block, tree), lam) == [-plain.coefficient(block, tree)]
        assert sympy.solve(co.coefficient(block, tree), gam) == [-plain.coefficient(block, tree)]
    assert sga.coefficient("phi", "f[f]") == plain.coefficient("phi", "f[f]")                # self terms left
    assert sympy.simplify(co.coefficient("phi", "f[f]").subs(gam, v_phi / 2) - 2 * plain.coefficient("phi", "f[f]")) == 0


def test_the_command_line(capsys):
    assert main(["cancel", "--scheme", "simultaneous", "--order", "2", "--system", "zero-sum", "--terms",
                 "interaction", "--time", "per-player"]) == 0
    out = capsys.readouterr().out
    assert "E~_phi = -E + h*v_phi/4 |grad_theta E|^2" in out and "E~_theta = E + h*v_theta/4 |grad_phi E|^2" in out
    assert main(["cancel", "--scheme", "euler", "--order", "2", "--system", "single", "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["kind"] == "cancellation" and shown["exact"] and shown["modifying"]["kind"] == "modifying"
    assert shown["losses"]["f"]["losses"]["theta"][1] == {"power": 1, "coefficient": "-1/4", "latex":
                                                          "\\|\\nabla_{\\theta} E\\|^2", "text": "|grad_theta E|^2"}
    assert main(["cancel", "--scheme", "sgd", "--param", "n=2", "--order", "2", "--system", "sgd"]) == 0
    assert "not a gradient" in capsys.readouterr().out                    # fixed orderings: no loss (use --frozen)
    assert main(["cancel", "--scheme", "sgd", "--param", "n=2", "--order", "2", "--system", "sgd", "--frozen"]) == 0
    assert "(t-1)" in capsys.readouterr().out
    assert main(["cancel", "--scheme", "euler", "--order", "2", "--system", "zero-sum"]) == 2
    assert "does not fit" in capsys.readouterr().err
