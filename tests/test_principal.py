"""Principal (chain) terms against the Taylor series of log(1+z)/z (thesis Thm A.1.2, TMLR Thm 3.1)."""

import pytest
import sympy

import bea
from bea.algebra.trees import parse_tree

z = sympy.Symbol("z")


def taylor_log(order):
    """Coefficients of z^0..z^(order-1) of log(1+z)/z, by SymPy's series expansion."""
    series = sympy.series(sympy.log(1 + z) / z, z, 0, order).removeO()
    return [series.coeff(z, n) for n in range(order)]


def test_euler_principal_coefficients_to_order_50():
    flow = bea.principal("euler", 50)
    coefficients = taylor_log(50)
    chains = {t.tree: t.coefficient for t in flow.terms}
    assert len(chains) == 50
    for n in range(50):
        tree = "f[" * n + "f" + "]" * n
        assert chains[tree] == coefficients[n], n
    assert flow.to_json()["reference"] == {"series": "log(1+z)/z", "agrees": True}


def test_simultaneous_chains_are_log_series_times_rates():
    flow = bea.principal("simultaneous", 6)
    coefficients = taylor_log(6)
    rates = {"f": sympy.Symbol("v_phi"), "g": sympy.Symbol("v_theta")}
    assert len(flow.terms) == 2 + 4 + 8 + 16 + 32 + 64
    for term in flow.terms:
        labels = parse_tree(term.tree).labels
        expected = coefficients[len(labels) - 1] * sympy.Mul(*(rates[a] for a in labels))
        assert sympy.expand(term.coefficient - expected) == 0
    assert flow.reference["agrees"] is True


def test_per_player_time_breaks_the_log_structure():
    # Thm 4.2.1: the phi-block coefficient of f[g] is -v_phi/2, not -v_theta/2.
    flow = bea.principal("simultaneous", 3, time="per-player")
    assert flow.reference["agrees"] is False
    assert bea.principal("simultaneous", 3, time="per-player", v_phi=2, v_theta=2).reference["agrees"] is True


@pytest.mark.parametrize(
    "scheme,params",
    [("euler", {}), ("simultaneous", {}), ("alternating", {}), ("alternating", {"m": 3}), ("sgd", {"n": 3})],
)
def test_principal_equals_chain_terms_of_full_derivation(scheme, params):
    full = bea.derive(scheme, 5, **params)
    principal = bea.principal(scheme, 5, **params)
    chains = [(t.block, t.power, t.tree, t.coefficient) for t in full.terms if parse_tree(t.tree).is_chain]
    assert chains == [(t.block, t.power, t.tree, t.coefficient) for t in principal.terms]


def test_principal_has_no_reference_for_multistep_schemes():
    assert "reference" not in bea.principal("alternating", 3).to_json()
    assert "reference" not in bea.derive("euler", 3).to_json()
