"""Derive modified fields: scheme -> one-step map series -> order-by-order solve -> flow.

The modified field ``sum_p h^p sum_t c(t) F(t)`` of a scheme is the field whose exact
flow, run for each block's time ``T_b`` and read on that block, agrees with one step of
the scheme through ``h^order`` (CONTRACT §1).  Trees with ``p + 1`` nodes carry ``h^p``.
"""

from __future__ import annotations

from numbers import Integral

import sympy
from sympy.polys.domains import QQ

from .coefficients import ring_for
from .errors import OrderError
from .flow import H, ModifiedFlow, Term
from .program import Step, one_step_map
from .schemes import make_scheme
from .series import modified_field
from .trees import chains_up_to, parse_tree, trees_up_to

__all__ = ["derive", "principal", "PRINCIPAL_SERIES"]

PRINCIPAL_SERIES = "log(1+z)/z"


def derive(scheme: str, order: int, *, time: str = "same", **params) -> ModifiedFlow:
    """The modified field of ``scheme`` through ``h**(order-1)``, with exact coefficients.

    >>> flow = derive("euler", order=2)
    >>> [(t.tree, t.coefficient) for t in flow.terms]
    [('f', 1), ('f[f]', -1/2)]
    """
    return _derive(scheme, order, time, params, chains_only=False)


def principal(scheme: str, order: int, *, time: str = "same", **params) -> ModifiedFlow:
    """Only the chain terms (``f``, ``f[f]``, ``f[g[f]]``, ...) of the modified field.

    Chains are closed under the operations of the solve, so they are derived without
    enumerating any other tree.  For schemes that are one explicit step (``euler``,
    ``simultaneous``) the flow carries ``reference``: whether every chain coefficient is
    the Taylor coefficient of ``log(1+z)/z`` of its degree (thesis Thm A.1.2, TMLR
    Thm 3.1) times the product of its nodes' step factors, divided by the root block's
    time factor.
    """
    return _derive(scheme, order, time, params, chains_only=True)


def _check_order(order) -> int:
    if isinstance(order, bool) or not isinstance(order, Integral):
        raise OrderError(f"order must be an integer >= 1, got {order!r}")
    if order < 1:
        raise OrderError(f"order must be an integer >= 1, got {order}")
    return int(order)


def _derive(name, order, time, params, chains_only) -> ModifiedFlow:
    order = _check_order(order)
    scheme = make_scheme(name, time=time, **params)
    ring = ring_for(list(scheme.params.values()) + list(scheme.times.values()))
    enumerate_trees = chains_up_to if chains_only else trees_up_to
    universe = enumerate_trees(order, scheme.labels)

    step_map = one_step_map(scheme.program, ring, universe)
    block_time = {label: ring.coerce(scheme.times[scheme.block_of(label)]) for label in scheme.labels}
    field = modified_field(step_map, universe, lambda t: block_time[t.label], ring.inverse, ring.zero)

    block_rank = {block: i for i, block in enumerate(scheme.blocks)}
    ordered = sorted(field.items(), key=lambda item: (block_rank[scheme.block_of(item[0].label)], item[0].sort_key))
    terms = [
        Term(scheme.block_of(t.label), t.order - 1, str(t), ring.to_sympy(c * QQ(1, t.symmetry)))
        for t, c in ordered
    ]
    reference = _reference(scheme, order, terms) if chains_only and _is_one_step(scheme) else None
    return ModifiedFlow(
        scheme=scheme.name,
        order=order,
        params=dict(scheme.params),
        blocks=dict(scheme.blocks),
        time={block: tau * H for block, tau in scheme.times.items()},
        terms=terms,
        principal=chains_only,
        reference=reference,
    )


def _is_one_step(scheme) -> bool:
    return len(scheme.program) == 1 and isinstance(scheme.program[0], Step)


def log_series_coefficient(n: int) -> sympy.Rational:
    """The coefficient of ``z^n`` in ``log(1+z)/z = sum_n (-1)^n z^n / (n+1)``."""
    return sympy.Rational((-1) ** n, n + 1)


def _reference(scheme, order: int, terms) -> dict:
    """Compare chain coefficients with ``log(1+z)/z`` for a one-step scheme ``y + h W F(y)``.

    For the linearisation ``y + h W J y`` the modified field with equal block times is
    ``log(1 + h W J)/h``; a chain ``a_1[a_2[...a_n]]`` is the product of Jacobians
    ``F'_{a_1} ... F'_{a_{n-1}} F_{a_n}`` and so has coefficient ``c_{n-1} prod_i w(a_i)``
    (divided by the root block's time factor).  Every chain up to ``order`` nodes is
    compared, a missing one counting as zero.
    """
    (step,) = scheme.program
    weight = dict(step.increments)
    derived = {parse_tree(t.tree): t.coefficient for t in terms}
    agrees = True
    for chain in chains_up_to(order, scheme.labels):
        expected = log_series_coefficient(chain.order - 1) * sympy.Mul(*(weight[a] for a in chain.labels))
        expected /= scheme.times[scheme.block_of(chain.label)]
        if sympy.expand(derived.get(chain, 0) - expected) != 0:
            agrees = False
            break
    return {"series": PRINCIPAL_SERIES, "agrees": agrees}
