"""Order of accuracy and structure of a method, read off its B-series with exact coefficients.

* :func:`order` -- the order of accuracy: the largest ``p`` with ``a(t) = e(t)`` for every tree of
  up to ``p`` nodes, ``e`` the exact flow of the method's own leading field (the order conditions
  [HNW93, Sec II.2], [But16, Sec 3.5]); equivalently the first power of ``h`` at which the modified
  field differs from that field.  The failing conditions are listed.  The field is the leading part
  of the modified field, the flow the method follows (``f`` for consistent methods; ``v_phi f``,
  ``v_theta g`` under ``time="same"``; the mean field of ``sgd``); a one-field method following
  ``c f``, ``c != 1``, is flagged (of order 0 for ``f`` itself).
* :func:`symplectic` -- ``a(u o v) + a(v o u) = a(u) a(v)`` for all trees ``u, v`` [HLW06, Thm VI.7.4]
  (``u o v``: ``v`` grafted on the root of ``u``), for partitioned methods over two-coloured trees
  [HLW06, Thm VI.7.6], and for Runge-Kutta methods the tableau conditions
  ``b_i a_ij + b_j a_ji = b_i b_j`` [HLW06, Thm VI.4.3].
* :func:`symmetric` -- the method equals its adjoint ``Phi_{-h}^{-1}`` [HLW06, Sec V.1].
* :func:`energy_preserving` -- the modified field conserves every Hamiltonian of ``y' = S grad H``
  (``S`` skew) [CMOQ10, Thm 2]: with ``dH/dt = sum_t c(t) grad H . F(t)`` and ``grad H . F(t)`` the
  contraction of the free tree ``t + z`` (``z`` a new leaf above the root), the whole factors
  ``c(t)`` of the rooted trees giving one free tree, signed by the parity of the leaf ``z``'s
  distance, must sum to zero -- except for the free trees whose contraction vanishes (two isomorphic
  halves about a central edge).

* :func:`effective_order` and :func:`conjugate_symplectic` -- the same properties up to a change of
  coordinates ``chi = exp(beta)``, ``beta`` a near-identity B-series: the conjugated method
  ``chi Phi chi^{-1}`` has the modified field ``exp(ad_beta) b`` (``Ad_{exp beta} = exp(ad_beta)``),
  so the property holds through ``n`` nodes when some ``beta`` makes ``exp(ad_beta) b`` the exact
  field there [But69], [HLW06, Sec V.3.3], or a Hamiltonian field, ``b(u o v) + b(v o u) = 0``
  [HLW06, Thm IX.9.3, Sec VI.8].  The coefficients of ``beta`` are unknowns, and the conditions
  polynomial equations in them, solved exactly (SymPy).

Each returns a :class:`Property` (or :class:`Order`): the largest tree size through which it holds,
how far it was checked, and the failing conditions at the first size that fails.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy

from ..algebra.trees import Tree, trees_up_to
from ..engine.budget import DEFAULT_SECONDS
from ..engine.bseries import BSeries, one_step_map
from ..engine.derive import derive
from ..errors import BeaError
from ..printable import Printable
from ..schemes.builtins import make_scheme
from ..schemes.program import uses_previous_iterates

__all__ = ["Order", "Property", "order", "symplectic", "symmetric", "energy_preserving", "effective_order",
           "conjugate_symplectic"]

DEFAULT_MAX_ORDER = 6


@dataclass(frozen=True)
class Condition:
    """One condition ``value = 0`` at ``tree`` (or a pair of trees), with what each side is."""

    trees: tuple
    defect: sympy.Expr             # zero when the condition holds
    method: sympy.Expr | None = None
    exact: sympy.Expr | None = None


@dataclass(frozen=True)
class Property(Printable):
    """Whether a method has a structural property through trees of ``holds_to`` nodes.

    ``holds_to`` is the largest ``n`` such that every condition on trees of up to ``n`` nodes holds
    (``checked`` when none fails); ``failures`` are the conditions that fail at ``holds_to + 1``."""

    name: str
    method: str
    holds_to: int
    checked: int
    failures: list = field(default_factory=list)
    note: str = ""

    @property
    def holds(self) -> bool:
        """True when no condition up to ``checked`` nodes fails."""
        return self.holds_to >= self.checked


@dataclass(frozen=True)
class Order(Property):
    """The order of accuracy ``order`` (local error ``O(h^(order+1))``); ``failures`` are the order
    conditions of trees with ``order + 1`` nodes that do not hold (``method``: the method's whole
    factor, ``exact``: the exact flow's).  When every condition up to ``checked`` nodes holds,
    ``order`` is ``checked`` and ``at_least`` is True."""

    @property
    def order(self) -> int:
        return self.holds_to

    @property
    def at_least(self) -> bool:
        return self.holds


def _map_of(method, max_size: int, params: dict, what: str) -> BSeries:
    if isinstance(method, BSeries):
        if method.kind != "map":
            raise BeaError(f"{what} needs the B-series of a one-step map, got a {method.kind}")
        if method.order < max_size:
            raise BeaError(f"{what} to {max_size} nodes needs the map to trees of {max_size} nodes; it has {method.order}")
        return method
    return one_step_map(method, max_size, **params)


def _check_max(max_order, method=None, offset: int = 0) -> int:
    """``max_order`` checked; by default what a series supports (its order less ``offset``), for a
    scheme :data:`DEFAULT_MAX_ORDER`."""
    if max_order is None:
        max_order = method.order - offset if isinstance(method, BSeries) else DEFAULT_MAX_ORDER
    if isinstance(max_order, bool) or not isinstance(max_order, int) or max_order < 1:
        raise BeaError(f"max_order must be an integer >= 1, got {max_order!r}")
    return max_order


def order(method, max_order: int | None = None, *, time: str = "same", players: int | None = None,
          budget: float | None = DEFAULT_SECONDS, **params) -> Order:
    """The order of accuracy of a method, with its failing order conditions.

    Parameters
    ----------
    method
        a scheme (as for :func:`bea.derive`: ``time``, ``players``, ``budget`` and its
        parameters) or a map :class:`BSeries`.
    max_order
        trees of up to ``max_order + 1`` nodes are compared, so an order up to
        ``max_order`` is found exactly and a higher one is reported as ``>= max_order + 1``
        (default: 6 for a scheme, for a series what its order allows).

    Returns
    -------
    Order
        :class:`Order`.  A scheme that reads past iterates (heavy ball, ...) is judged by its
        modified field on the slow manifold: the order is the first power of ``h`` with a correction.

    >>> import bea
    >>> result = bea.order("heun", max_order=3)
    >>> result.order, [c.trees[0] for c in result.failures]
    (2, [Tree('f[f,f]'), Tree('f[f[f]]')])

    References: [HNW93, Sec II.2, Thm 2.13], [But16, Sec 3.5], [HLW06, Sec III.1].
    """
    size = _check_max(max_order, method, offset=1) + 1
    options = {"time": time, "players": players, **params}
    if not isinstance(method, BSeries) and uses_previous_iterates(make_scheme(method, **options)):
        return _order_from_field(method, size, {**options, "budget": budget})
    series = _map_of(method, size, {**options, "budget": budget}, "order")
    leading = series.exact_field()
    exact = leading.exact_flow()
    return _graded("order", series, size, lambda n: [
        Condition((t,), d, a, e) for t in series.universe if t.order == n
        for a, e in [(series.coefficient(t), exact.coefficient(t))]
        for d in [sympy.simplify(a - e)] if d != 0], _consistency(series, leading), result=Order)


def _graded(name: str, series: BSeries, checked: int, failures_at, note: str = "", failure_note: str = "",
            result=Property) -> Property:
    """The ``result`` for the first tree size ``n <= checked`` whose conditions ``failures_at(n)`` fail
    (``holds_to = n - 1``, with ``failure_note`` if given), or holding through ``checked``."""
    for n in range(1, checked + 1):
        failures = failures_at(n)
        if failures:
            return result(name, series.name, n - 1, checked, failures, failure_note or note)
    return result(name, series.name, checked, checked, [], note)


def _consistency(series: BSeries, leading: BSeries) -> str:
    """A sentence when a one-field method follows ``c f`` with ``c != 1`` (``sum b_i != 1``: Butcher's
    first condition fails, so it is of order 0 for ``f`` itself); else empty."""
    if len(series.labels) != 1:
        return ""
    c = sympy.simplify(leading.coefficient(Tree.make(series.labels[0])))
    if c == 1:
        return ""
    return f"the step follows ({c}) {series.labels[0]}, not {series.labels[0]}: for {series.labels[0]} itself it is of order 0"


def _order_from_field(method, size: int, options: dict) -> Order:
    flow = derive(method, size, **options)
    note = "from the modified field on the slow manifold (the scheme reads past iterates)"
    powers = sorted({t.power for t in flow.terms if t.power > 0})
    if not powers:
        return Order("order", flow.scheme, size, size, [], note)
    failures = [Condition((t.tree,), t.coefficient) for t in flow.terms if t.power == powers[0]]
    return Order("order", flow.scheme, powers[0], size, failures, note)


def _one_label(series: BSeries, what: str) -> str:
    if len(series.labels) != 1:
        raise BeaError(f"{what} is checked for B-series of one field; {series.name} has the fields "
                       f"{', '.join(series.labels)} (partitioned series are not supported yet)")
    return series.labels[0]


def symplectic(method, max_order: int | None = None, **params) -> Property:
    """Whether a method is symplectic, on trees of up to ``max_order`` nodes.

    One field: ``a(u o v) + a(v o u) = a(u) a(v)`` for all trees (normalised coefficients ``a``)
    [HLW06, Thm VI.7.4].  Two players (a partitioned method for ``phi' = f``, ``theta' = g``, a
    P-series over trees coloured by ``f`` and ``g``): the same law for every ``u`` rooted at ``f`` and
    ``v`` rooted at ``g``, and ``a(t) = a(t')`` when ``t, t'`` differ only in the root's colour
    [HLW06, Thm VI.7.6]; for Runge-Kutta methods they are the tableau conditions
    ``b_i a^g_ij + b^f_j a^f_ji = b^f_i b^g_j`` and ``b^f = b^g`` [HLW06, Thm VI.4.6].  For a
    Runge-Kutta scheme the one-field tableau conditions ``b_i a_ij + b_j a_ji = b_i b_j`` are
    checked too and reported in ``note`` [HLW06, Thm VI.4.3].

    >>> import bea
    >>> bea.symplectic("gauss4", 6).holds, bea.symplectic("rk4", 6).holds_to   # order 4: exact to 4 nodes
    (True, 4)
    >>> bea.symplectic("stormer-verlet", 5, v_phi=1, v_theta=1).holds    # v_phi != v_theta: not for dp ^ dq
    True
    """
    max_order = _check_max(max_order, method)
    series = _map_of(method, max_order, params, "symplecticity")
    labels = _coloured_labels(series)
    a = series.normalised
    trees = trees_up_to(max_order, labels)
    note = _tableau_note(method, params) if len(labels) == 1 else ""

    def failures_at(n):
        failures = []
        for u in trees:
            for v in trees:
                if u.order + v.order != n or (u.label, u.sort_key) > (v.label, v.sort_key):
                    continue
                if len(labels) == 2 and u.label == v.label:
                    continue
                defect = sympy.simplify(a(u.graft(v)) + a(v.graft(u)) - a(u) * a(v))
                if defect != 0:
                    failures.append(Condition((u, v), defect))
        if len(labels) == 2:
            first, second = labels
            for t in trees:
                if t.order == n and t.label == first:
                    defect = sympy.simplify(a(t) - a(Tree.make(second, t.children)))
                    if defect != 0:
                        failures.append(Condition((t, Tree.make(second, t.children)), defect))
        return failures

    return _graded("symplectic", series, max_order, failures_at, note)


def _coloured_labels(series: BSeries) -> tuple[str, ...]:
    """One field, or two fields each updating its own block (a partitioned method); else an error."""
    if len(series.labels) == 1 or (len(series.labels) == 2 and len(series.blocks) == 2):
        return series.labels
    raise BeaError(f"symplecticity is checked for one field or for two fields on two blocks (a partitioned "
                   f"method); {series.name} has the fields {', '.join(series.labels)} on {', '.join(series.blocks)}")


def _tableau_note(method, params) -> str:
    """The tableau conditions of a Runge-Kutta scheme, as a sentence (empty for other methods)."""
    if isinstance(method, BSeries):
        return ""
    tableau = make_scheme(method, **{k: v for k, v in params.items() if k != "budget"}).tableau
    if tableau is None:
        return ""
    a, b, s = tableau.a, tableau.b, len(tableau.b)
    bad = [(i + 1, j + 1) for i in range(s) for j in range(i, s)
           if sympy.simplify(b[i] * a[i][j] + b[j] * a[j][i] - b[i] * b[j]) != 0]
    return ("tableau: b_i a_ij + b_j a_ji = b_i b_j for all i, j" if not bad else
            f"tableau: b_i a_ij + b_j a_ji != b_i b_j at (i, j) = {', '.join(map(str, bad))}")


def symmetric(method, max_order: int | None = None, **params) -> Property:
    """Whether the method is its own adjoint ``Phi_{-h}^{-1}`` on trees of up to ``max_order`` nodes
    [HLW06, Sec V.1, Thm V.1.5] (then its modified field has only even powers of ``h``).

    >>> import bea
    >>> bea.symmetric("implicit-midpoint", 5).holds, bea.symmetric("euler", 5).holds_to
    (True, 1)
    """
    max_order = _check_max(max_order, method)
    series = _map_of(method, max_order, params, "symmetry")
    adjoint = series.adjoint()
    return _graded("symmetric", series, max_order, lambda n: [
        Condition((t,), d, series.coefficient(t), adjoint.coefficient(t)) for t in series.universe if t.order == n
        for d in [sympy.simplify(series.coefficient(t) - adjoint.coefficient(t))] if d != 0])


def energy_preserving(method, max_order: int | None = None, **params) -> Property:
    """Through which tree size the modified field conserves the energy: for one field, of every
    system ``y' = S grad H`` (``S`` skew), the energy-preserving order of BSeries.jl [CMOQ10, Thm 2],
    [KR23]; for two players, of every partitioned Hamiltonian system ``phi' = f = -H_theta``,
    ``theta' = g = H_phi``.  See the module docstring for the conditions on free trees.

    >>> import bea
    >>> bea.energy_preserving("implicit-midpoint", 5).holds_to, bea.energy_preserving("euler", 5).holds_to
    (2, 1)
    """
    max_order = _check_max(max_order, method)
    series = _map_of(method, max_order, params, "energy preservation")
    labels = _coloured_labels(series)
    field_series = series.modified_field()
    classify = _free_tree_with_leaf if len(labels) == 1 else _oriented_free_tree

    def failures_at(n):
        classes: dict[Tree, sympy.Expr] = {}
        for t in trees_up_to(n, labels):
            if t.order != n:
                continue
            free, sign = classify(t, labels)
            if free is None:
                continue
            classes[free] = classes.get(free, 0) + sign * field_series.coefficient(t)
        return [Condition((free,), d) for free, c in classes.items() for d in [sympy.simplify(c)] if d != 0]

    return _graded("energy preserving", series, max_order, failures_at,
                   failure_note="conditions are on free trees (printed rooted at their centre)")


def _with_leaf_above(t: Tree) -> tuple[dict, dict, dict]:
    """The free tree ``t + z`` as ``(adjacency, parent, labels)``: node 0 is the new leaf ``z``, node 1 the
    root of ``t``; ``parent`` maps each node of ``t`` to its parent, ``labels`` to its field label."""
    adjacency, parent, labels = {0: [1], 1: [0]}, {1: 0}, {1: t.label}
    nodes, count = [(t, 1)], 2
    while nodes:
        tree, index = nodes.pop()
        for child in tree.children:
            adjacency[index].append(count)
            adjacency[count] = [index]
            parent[count], labels[count] = index, child.label
            nodes.append((child, count))
            count += 1
    return adjacency, parent, labels


def _free_tree_with_leaf(t: Tree, labels):
    """``(canonical free tree of t + z, (-1)^(depth of z))``: the free tree rooted canonically at its
    centre (the smaller rooting of a bicentre), or ``(None, 0)`` when its contraction vanishes (a
    bicentre whose two rootings are the same tree)."""
    (label,) = labels
    adjacency, _, _ = _with_leaf_above(t)
    rooted = [(_rooted(adjacency, c, lambda v, w: label), c) for c in _centres(adjacency)]
    if len(rooted) == 2 and rooted[0][0] is rooted[1][0]:
        return None, 0
    tree, centre = min(rooted, key=lambda item: item[0].sort_key)
    return tree, (-1) ** _distance(adjacency, centre, 0)


def _oriented_free_tree(t: Tree, labels):
    """For two players: ``(canonical oriented free tree of t + z, (-1)^(number of f nodes))``.

    ``grad H . F(t)`` with ``f = -H_theta``, ``g = H_phi`` is the contraction of the free tree ``t + z``
    (a node of degree ``k``: a ``k``-th derivative of ``H``) in which every edge joins a
    ``phi``-derivative at one end to a ``theta``-derivative at the other: the ``phi`` end is the parent
    when the child is an ``f`` node.  Each ``f`` node brings the sign ``-1``.  The contraction depends
    only on the free tree with these orientations, printed rooted at its centre with each node named
    ``up`` or ``down`` by where its edge to the centre has its ``phi`` end."""
    first, _ = labels
    adjacency, parent, node_label = _with_leaf_above(t)
    phi_end = {}
    for child, up in parent.items():
        phi_end[frozenset((child, up))] = up if node_label[child] == first else child

    def name(v, w):                      # w hangs from v in the rooting at the centre
        return "centre" if v is None else ("up" if phi_end[frozenset((v, w))] == v else "down")

    tree = min((_rooted(adjacency, c, name) for c in _centres(adjacency)), key=lambda r: r.sort_key)
    return tree, (-1) ** sum(1 for v in node_label.values() if v == first)


def _centres(adjacency: dict) -> list[int]:
    """The one or two centres of a free tree: strip leaves until at most two nodes remain."""
    degree = {v: len(ns) for v, ns in adjacency.items()}
    layer = [v for v, d in degree.items() if d <= 1]
    remaining = len(adjacency)
    while remaining > 2:
        remaining -= len(layer)
        nxt = []
        for v in layer:
            for w in adjacency[v]:
                degree[w] -= 1
                if degree[w] == 1:
                    nxt.append(w)
        layer = nxt
    return layer


def _rooted(adjacency: dict, root: int, name) -> Tree:
    """The free tree rooted at ``root``, each node named ``name(parent, node)`` (``parent`` None at the root)."""
    def build(v, parent):
        return Tree.make(name(parent, v), [build(w, v) for w in adjacency[v] if w != parent])
    return build(root, None)


def _distance(adjacency: dict, a: int, b: int) -> int:
    frontier, seen, d = [a], {a}, 0
    while b not in seen:
        frontier = [w for v in frontier for w in adjacency[v] if w not in seen]
        seen.update(frontier)
        d += 1
    return d


def effective_order(method, max_order: int | None = None, **params) -> Order:
    """The effective order [But69]: the largest ``q`` such that ``chi Phi chi^{-1}`` has order ``q``
    for some near-identity B-series map ``chi`` (so ``q`` steps' error is that of an order-``q``
    method once the output is processed).  At least the order; ``max_order`` defaults to 5 for a scheme.

    >>> import bea
    >>> rk4, euler = bea.one_step_map("rk4", 6), bea.one_step_map("euler", 6)
    >>> processed = euler.inverse() @ rk4 @ euler           # rk4 seen in other coordinates
    >>> bea.order(processed).order, bea.effective_order(processed).order
    (2, 4)
    """
    max_order = _check_max(max_order if max_order is not None or isinstance(method, BSeries) else 5, method, offset=1)
    series = _map_of(method, max_order + 1, params, "effective order")
    label = _one_label(series, "effective order")
    target = {Tree.make(label): 1}
    field = series.modified_field()

    def conditions(conjugated, n):
        return [((t,), conjugated(t) - target.get(t, 0)) for t in field.universe if t.order == n]

    holds = _conjugate_property(field, max_order + 1, conditions)
    return Order("effective order", series.name, holds, max_order + 1, [],
                 "chi Phi chi^-1 has this order for some near-identity map chi")


def conjugate_symplectic(method, max_order: int | None = None, **params) -> Property:
    """Whether the method is conjugate to a symplectic method through trees of ``max_order`` nodes:
    some near-identity ``chi`` makes the modified field of ``chi Phi chi^{-1}`` Hamiltonian,
    ``b(u o v) + b(v o u) = 0`` [HLW06, Sec VI.8, Thm IX.9.3]; for two players (a P-series) for ``u``
    rooted at ``f`` and ``v`` at ``g``, with ``b(t) = b(t')`` for trees differing in the root's colour
    (the field form of :func:`symplectic`'s conditions).  ``max_order`` defaults to 5.

    >>> import bea
    >>> bea.conjugate_symplectic("trapezoidal", 5).holds, bea.symplectic("trapezoidal", 5).holds
    (True, False)
    """
    max_order = _check_max(max_order if max_order is not None or isinstance(method, BSeries) else 5, method)
    series = _map_of(method, max_order, params, "conjugate symplecticity")
    labels = _coloured_labels(series)
    trees = trees_up_to(max_order, labels)

    def conditions(conjugated, n):
        out = [((u, v), conjugated(u.graft(v)) + conjugated(v.graft(u))) for u in trees for v in trees
               if u.order + v.order == n and (u.label, u.sort_key) <= (v.label, v.sort_key)
               and (len(labels) == 1 or u.label != v.label)]
        if len(labels) == 2:
            out += [((t,), conjugated(t) - conjugated(Tree.make(labels[1], t.children)))
                    for t in trees if t.order == n and t.label == labels[0]]
        return out

    holds = _conjugate_property(series.modified_field(), max_order, conditions)
    return Property("conjugate symplectic", series.name, holds, max_order, [])


def _conjugate_property(field: BSeries, max_size: int, conditions) -> int:
    """The largest ``n <= max_size`` such that some ``beta`` satisfies ``conditions(c, m)`` for every
    ``m <= n``, where ``c(t)`` is the normalised coefficient of ``exp(ad_beta) b`` at ``t``.

    ``beta`` has one unknown per tree of up to ``max_size - 1`` nodes (a tree of ``m`` nodes of the
    conjugated field involves ``beta`` on trees of fewer nodes only, since ``b`` starts with ``f``)."""
    from sympy.polys.rings import ring as polynomial_ring

    from ..algebra import series as laws

    if field.ring.symbols:
        raise BeaError("conjugacy checks need numeric coefficients: give the scheme's parameters values")
    domain = field.ring.field if hasattr(field.ring, "generators") else sympy.QQ     # QQ or a number field
    unknown_trees = [t for t in field.universe if t.order < max_size]
    names = [f"beta{i}" for i in range(len(unknown_trees))]
    poly, *gens = polynomial_ring(",".join(names), domain)
    beta = dict(zip(unknown_trees, gens))
    b = {t: poly(x) for t, x in field.values.items()}
    universe = field.universe
    conjugated = dict(b)
    term = dict(b)
    for k in range(1, max_size):                 # exp(ad_beta) b, truncated: ad_beta raises the size by one
        bracket = laws.linear_combination(laws.lie_derivative(beta, term, universe, poly.zero),
                                          [(-poly.one, laws.lie_derivative(term, beta, universe, poly.zero))])
        term = {t: x * sympy.QQ(1, k) for t, x in bracket.items()}
        if not term:
            break
        conjugated = laws.linear_combination(conjugated, [(poly.one, term)])
    branches = [{}]                  # the solutions so far: values of some unknowns, the others free
    holds = 0
    for n in range(1, max_size + 1):
        equations = [sympy.sympify(x.as_expr()) if hasattr(x, "as_expr") else sympy.sympify(x)
                     for _, x in conditions(lambda t: conjugated.get(t, poly.zero), n)]
        branches = [extended for branch in branches for extended in _solved(equations, branch)]
        if not branches:
            return holds
        holds = n
    return holds


def _solved(equations, branch: dict) -> list[dict]:
    """The solutions of ``equations`` that extend ``branch`` (each a dict of unknowns to values)."""
    pending = [e for e in (sympy.expand(e.subs(branch)) for e in equations) if e != 0]
    if not pending:
        return [branch]
    unknowns = sorted(set().union(*(e.free_symbols for e in pending)), key=str)
    if not unknowns:
        return []
    out = []
    for solution in sympy.solve(pending, unknowns, dict=True):
        merged = {k: sympy.expand(v.subs(solution)) for k, v in branch.items()}
        merged.update(solution)
        out.append(merged)
    return out
