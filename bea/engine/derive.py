"""Derive modified fields: scheme -> one-step map series -> order-by-order solve -> flow; and the modifying
fields that cancel them (the substitution law inverted).

The modified field ``sum_p h^p sum_t c(t) F(t)`` of a scheme is the field whose exact
flow, run for each block's time ``T_b`` and read on that block, agrees with one step of
the scheme through ``h^order`` (docs/conventions.md).  Trees with ``p + 1`` nodes carry ``h^p``.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from numbers import Integral

import sympy
from sympy.polys.domains import QQ

from .budget import DEFAULT_SECONDS, check_budget, estimate
from ..algebra.rings import NotInRing, ring_for, ring_kind, widening
from ..errors import OrderError, SchemeError
from ..result import H, ModifiedFlow, Term
from ..schemes.program import one_step_map, uses_previous_iterates
from ..progress import progress_for
from ..schemes.builtins import make_scheme
from ..algebra.series import modified_field, modifying_field
from ..algebra.coefficient import ExactCoefficient
from ..algebra.trees import cancelled, chains_up_to, trees_up_to

__all__ = ["derive", "principal", "modify", "PRINCIPAL_SERIES"]

PRINCIPAL_SERIES = "log(1+z)/z"


def derive(scheme, order: int, *, time: str = "same", players: int | None = None, progress=False,
           budget: float | None = DEFAULT_SECONDS, average_orderings: bool = False, **params) -> ModifiedFlow:
    """The modified vector field of a scheme: ``sum_{p < order} h^p sum_t c_t F(t)``, exactly.

    For each block ``b`` the exact flow of the field, run for the block's time ``T_b``, agrees
    with one step of ``scheme`` up to and including ``h**order`` (local error
    ``O(h**(order+1))``): the backward error analysis of [HLW06, Sec IX.1], here for optimisers
    ([RWQD23, Sec 2], [Ros23, Ch. 4]).

    Parameters
    ----------
    scheme
        a built-in name (``bea.SCHEMES``), ``"path.py:function"``, ``"module:function"``
        or a scheme made with ``@bea.scheme``.
    order
        ``p >= 1``; the powers ``h^0 .. h^(p-1)`` are derived (2: the IGR flow, 3: the
        third-order flow).
    time
        ``"same"`` (``T = h`` for every block) or ``"per-player"`` (``T_b = v_b h``).
    players
        1 or 2, for the schemes that have both forms (``rk4``, ``heavy-ball``, ...).
    progress
        print a timed line for each phase on stderr.
    budget
        seconds; work estimated (:mod:`bea.engine.budget`) to take longer is refused
        before it starts.  ``None``: no limit.
    average_orderings
        average over every ordering of the fields that share a block (sgd's
        batches drawn in a random order, [SDBD21]; :func:`bea.engine.orderings.average_orderings`).
    **params
        the scheme's parameters (``v_phi=2``, ``m="3/2"``, ``k="k"``); unset ones stay
        symbolic.

    Returns
    -------
    ModifiedFlow
        :class:`~bea.result.ModifiedFlow`.  Normalisation: a term is ``c h^p F(t)`` with
        ``p = |t| - 1`` and ``c`` the whole factor (no symmetry factor is hidden in the tree):
        Euler's ``f[f,f]`` term is ``1/12 h^2 f''(f, f)``.

    Examples
    --------
    >>> flow = derive("euler", order=2)
    >>> [(t.tree, t.coefficient) for t in flow.terms]
    [(Tree('f'), 1), (Tree('f[f]'), -1/2)]
    >>> derive("euler", 3).coefficient("theta", "f[f,f]")
    1/12

    References: [HLW06, Secs IX.1 and IX.9], [CHV10], [RWQD23, Eqs 3 and 8], [Ros23, Thms 4.2.1-4.2.2].
    """
    flow = _derive(scheme, order, time, players, params, chains_only=False, progress=progress, budget=budget)
    if average_orderings:
        from .orderings import average_orderings as averaged

        return averaged(flow)
    return flow


def principal(scheme, order: int, *, time: str = "same", players: int | None = None, progress=False,
              budget: float | None = DEFAULT_SECONDS, **params) -> ModifiedFlow:
    """Only the chain terms (``f``, ``f[f]``, ``f[g[f]]``, ...) of the modified field: the principal
    terms, which alone survive on affine problems [RWQD23, Thm 3.1].  Arguments and result as
    :func:`derive` (with ``principal=True``; asking it for another tree is an error).

    Chains are closed under the operations of the solve, so they are derived without
    enumerating any other tree.  For schemes that are one explicit step (``euler``,
    ``simultaneous``) the flow carries ``reference``: whether every chain coefficient is
    the Taylor coefficient of ``log(1+z)/z`` of its degree ([Ros23, Thm A.1.2], [RWQD23,
    Thm 3.1]) times the product of its nodes' step factors, divided by the root block's
    time factor.
    """
    return _derive(scheme, order, time, players, params, chains_only=True, progress=progress, budget=budget)


def modify(scheme, order: int, *, terms: str = "all", time: str = "same", players: int | None = None, progress=False,
           budget: float | None = DEFAULT_SECONDS, **params) -> ModifiedFlow:
    """The modifying field of a scheme: per field label ``l``, ``f~_l = f_l + h f~_l1 + h^2 f~_l2 + ...``
    such that one step of the scheme applied to the ``f~`` agrees, through ``h**order``, with the exact
    flow of the scheme's leading field (the ``h^0`` part of :func:`derive`: ``f`` for gradient descent,
    ``v_phi f`` and ``v_theta g`` under the same time, the mean field for sgd, ``f/(1 - beta)`` for heavy
    ball), each block run for its time ``T_b`` as in :func:`derive`.

    ``terms`` chooses the drift to cancel (:data:`bea.algebra.trees.TERMS`): ``all`` (above), ``interaction`` or ``self`` -- then
    the step follows the flow of the modified field with only those terms removed (every order), the others
    kept as :func:`derive` has them.

    If ``A`` is the scheme's modified field as a B-series in ``f`` (:func:`derive`), ``f~`` is the field
    series with ``A[f~] = A_0[f]``: the inverse of the substitution law ([CHV07, Sec 2], [CHV10, Thm 3.2];
    :func:`bea.algebra.series.modifying_field`).  Putting ``f~`` into the scheme in place of ``f`` removes
    its drift to that order -- the numerical-analysis form of drift cancellation (BSeries.jl's
    ``modifying_integrator`` [KR23]).

    Arguments and budget as :func:`derive`.

    Returns
    -------
    ModifiedFlow
        :class:`~bea.result.ModifiedFlow` with ``kind == "modifying"``: a term ``c h^p F(t)`` belongs to the
        field of its tree's root label ``t.tree.label`` (several fields may share a block, as in sgd).

    >>> [(str(t.tree), t.coefficient) for t in modify("euler", 3).terms]
    [('f', 1), ('f[f]', 1/2), ('f[f,f]', 1/6), ('f[f[f]]', 1/6)]

    References: [CHV07], [CHV10, Sec 3], [KR23].
    """
    return _derive(scheme, order, time, players, params, chains_only=False, progress=progress, budget=budget,
                   modifying=cancelled(terms), cancelling=terms)


def check_order(order, name: str = "order") -> int:
    """``order`` as an int, or an :class:`OrderError` naming ``name`` unless it is an integer >= 1."""
    if isinstance(order, bool) or not isinstance(order, Integral):
        raise OrderError(f"{name} must be an integer >= 1, got {order!r}")
    if order < 1:
        raise OrderError(f"{name} must be an integer >= 1, got {order}")
    return int(order)


@contextmanager
def cycle_collector_paused():
    """Run the block with Python's cyclic garbage collector off (reference counting still frees
    everything).  The solve makes hundreds of thousands of acyclic containers (trees, their
    edge cuts, rows of Lie series); each generation-2 pass of the collector rescans all of them
    and finds nothing -- about a quarter of a large derivation's time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@cycle_collector_paused()
def _derive(name, order, time, players, params, chains_only, progress=False, budget=DEFAULT_SECONDS,
            modifying=None, cancelling=None) -> ModifiedFlow:
    """``modifying``: None for the modified field; for the modifying field, the predicate naming the trees
    whose drift it cancels (:func:`cancelled`)."""
    order = check_order(order)
    scheme = make_scheme(name, time=time, players=players, **params)
    report = progress_for(progress, f"{'modify' if modifying else 'derive'} {scheme.name}")
    ring, state_carrying = within_budget(scheme, order, chains_only, budget, report)
    enumerate_trees = chains_up_to if chains_only else trees_up_to
    universe = enumerate_trees(order, scheme.labels)
    report(f"{len(universe)} trees with up to {order} nodes")
    # a coefficient such as 1 + c or sqrt(3) widens the ring: rational functions, a number field
    solve = (lambda r: _modifying(scheme, r, universe, state_carrying, modifying, report)) if modifying else \
        (lambda r: _solve(scheme, r, universe, state_carrying, report))
    (step_map, field), ring = widening(ring, solve)
    report(f"{len(field)} terms; converting coefficients")

    block_rank = {block: i for i, block in enumerate(scheme.blocks)}
    label_rank = {label: i for i, label in enumerate(scheme.labels)}
    position = {t: i for i, t in enumerate(universe)}          # the universe is in canonical order

    def rank(item):
        t = item[0]
        return (block_rank[scheme.block_of(t.label)], label_rank[t.label] if modifying else 0, position[t])
    ordered = sorted(field.items(), key=rank)
    terms = [
        Term(scheme.block_of(t.label), t.order - 1, t, exact=ExactCoefficient(ring, c * QQ(1, t.symmetry)))
        for t, c in report.each(ordered, "coefficients")
    ]
    one_step = step_map is not None and all(t.order == 1 for t in step_map)
    reference = _reference(scheme, order, terms, step_map, ring) if chains_only and one_step else None
    return ModifiedFlow(
        scheme=scheme.name,
        order=order,
        params=scheme.shown_params,
        blocks=dict(scheme.blocks),
        time={block: tau * H for block, tau in scheme.times.items()},
        terms=terms,
        principal=chains_only,
        reference=reference,
        source=scheme,
        kind="modifying" if modifying else "modified",
        cancelled=cancelling,
    )


def within_budget(scheme, order: int, chains_only: bool, budget, report) -> tuple[object, bool]:
    """``(ring, state_carrying)`` once the estimated work is within ``budget`` (:mod:`bea.engine.budget`).

    The work is estimated first as for a one-step scheme, since finding out whether the scheme
    reads past iterates is itself a trace over its labels, then again with the slow manifold's
    ring and one pass per tree size."""
    what = f"{'principal' if chains_only else 'derive'} {scheme.name} to order {order}"
    lift = "--budget SECONDS (Python: budget=None)"
    ring = ring_for(scheme.values)
    check_budget(what, estimate(order, len(scheme.labels), ring_kind(ring), chains=chains_only), budget, lift)
    state_carrying = uses_previous_iterates(scheme)
    if state_carrying:
        ring = ring_for(scheme.values, divides=True)
    cost = estimate(order, len(scheme.labels), ring_kind(ring), chains_only, passes=order if state_carrying else 1)
    check_budget(what, cost, budget, lift)
    report(f"estimated {cost}")
    return ring, state_carrying


def _solve(scheme, ring, universe, state_carrying: bool, report) -> tuple[dict | None, dict]:
    """``(one-step map, modified field)`` as series over ``universe`` in ``ring`` (no map on the slow manifold)."""
    times = {label: ring.coerce(scheme.times[scheme.block_of(label)]) for label in scheme.labels}
    if state_carrying:
        return None, _slow_manifold_field(scheme, ring, universe, times, report)
    step_map, _ = one_step_map(scheme, ring, universe)
    report("series of the one-step map done; solving for the modified field")
    return step_map, modified_field(step_map, universe, times, ring.inverse, ring.zero)


def _modifying(scheme, ring, universe, state_carrying: bool, cancels, report) -> tuple[None, dict]:
    """``(None, modifying field)``: the modified field ``A`` solved as :func:`_solve` does, then ``f~`` with
    ``f~ * A`` equal to ``A`` without the trees ``cancels`` names (:func:`bea.algebra.series.modifying_field`).
    A leading coefficient that the ring cannot invert (``b1 + b2`` in Laurent polynomials) widens it."""
    _, field = _solve(scheme, ring, universe, state_carrying, report)
    report("modified field done; inverting the substitution")
    target = {t: c for t, c in field.items() if t.order == 1 or not cancels(t)}
    missing = [label for label in scheme.labels if not any(t.label == label for t in target)]
    if missing:
        raise SchemeError(f"scheme {scheme.name!r} has no leading term in the field {missing[0]}: one step does not "
                          "move along it to first order, so no modifying field makes the step follow its flow")

    def inverse(x):
        try:
            return ring.inverse(x)
        except ZeroDivisionError:
            raise NotInRing(ring.to_sympy(x), getattr(ring, "symbols", ()), wider=True) from None
    return None, modifying_field(field, target, universe, inverse, ring.zero)


def _slow_manifold_field(scheme, ring, universe, times, report=lambda message: None) -> dict:
    """The modified field of a state-carrying scheme, past iterates on its own flow.

    A past iterate ``y_{-j} = exp(-j tau b)(y)`` depends on the unknown field ``b``; on a
    tree ``s`` of size ``p`` it is ``-j tau b(s)`` plus terms of smaller trees, and fields
    see only the children of a tree.  So the map is ``a(s) = a_0(s) + g b(s)`` where
    ``a_0`` is the map with ``b(s) = 0`` and the gain ``g`` (per root label) is read off a
    probe on single-node trees.  Matching the flow ``tau b(s) + rest(s) = a(s)`` gives
    ``b(s) = (a_0(s) - rest(s)) / (tau - g)``: the sizes are solved in turn, each with
    one trace of the step (heavy ball: ``g = -beta``, so ``b(f) = 1/(1 - beta)``).
    """
    singles = trees_up_to(1, scheme.labels)
    base, _ = one_step_map(scheme, ring, singles, past={})
    probe, _ = one_step_map(scheme, ring, singles, past={t: ring.one for t in singles})
    gain = {t.label: probe.get(t, ring.zero) - base.get(t, ring.zero) for t in singles}
    field: dict = {}
    for size in range(1, max((t.order for t in universe), default=0) + 1):
        known = [t for t in universe if t.order <= size]
        step_map, _ = one_step_map(scheme, ring, known, past=field)
        report(f"slow manifold: trees with {size} nodes")
        trial = modified_field(step_map, known, times, ring.inverse, ring.zero)
        for t in known:
            if t.order == size and trial.get(t):
                tau = times[t.label]
                denominator = tau - gain[t.label]
                if not denominator:
                    raise SchemeError(f"scheme {scheme.name!r} does not determine a modified field: "
                                      f"the step cannot move along its own flow (e.g. beta = 1)")
                field[t] = trial[t] * tau * ring.inverse(denominator)
    return field


def log_series_coefficient(n: int) -> sympy.Rational:
    """The coefficient of ``z^n`` in ``log(1+z)/z = sum_n (-1)^n z^n / (n+1)``."""
    return sympy.Rational((-1) ** n, n + 1)


def _reference(scheme, order: int, terms, step_map: dict, ring) -> dict:
    """Compare chain coefficients with ``log(1+z)/z`` for a one-step scheme ``y + h W F(y)``.

    For the linearisation ``y + h W J y`` the modified field with equal block times is
    ``log(1 + h W J)/h``; a chain ``a_1[a_2[...a_n]]`` is the product of Jacobians
    ``F'_{a_1} ... F'_{a_{n-1}} F_{a_n}`` and so has coefficient ``c_{n-1} prod_i w(a_i)``
    (divided by the root block's time factor).  Every chain up to ``order`` nodes is
    compared, a missing one counting as zero.
    """
    weight = {t.label: ring.to_sympy(x) for t, x in step_map.items()}
    derived = {t.tree: t.coefficient for t in terms}
    agrees = True
    for chain in chains_up_to(order, scheme.labels):
        expected = log_series_coefficient(chain.order - 1) * sympy.Mul(*(weight.get(a, 0) for a in chain.labels))
        expected /= scheme.times[scheme.block_of(chain.label)]
        if sympy.expand(derived.get(chain, 0) - expected) != 0:
            agrees = False
            break
    return {"series": PRINCIPAL_SERIES, "agrees": agrees}
