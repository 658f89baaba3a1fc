"""B-series over labelled trees: Lie derivative, flows, composition and the modified field.

A *series* is a dict ``{tree: a(t)}``, missing trees being zero.  It stands for

    sum_t  h^{|t|} a(t) / sigma(t) * F(t)

(the normalisation of [HLW06, Sec III.1]; ``|t|`` is the number of nodes, ``sigma`` the symmetry coefficient).
Both one-step *maps* ``y -> y + sum ...`` and *vector fields* ``sum ...`` are series;
the power of ``h`` is carried by the tree's size and never stored.

Every operation works over a *universe*: a list of trees sorted by size and closed under
taking children and under cutting edges -- all trees up to a size, or only the chains
(:func:`bea.algebra.trees.chains_up_to`), which is how the principal terms are derived without
enumerating other trees.

The one primitive is the **Lie derivative** of a series ``a`` along a field ``b``,
``(D_b a)(s) = sum_{edges of s} a(root part) b(cut branch)`` [HLW06, Lemma IX.9.1]: the
derivative of ``sum a(t) F(t)`` in the direction of ``b`` grafts ``b`` onto every node.
From it:

* the exact flow of ``b`` for time 1:  ``exp(b) = sum_{j>=1} L_j``,
  ``L_1 = b``, ``L_j = D_b L_{j-1} / j`` (the Lie series);
* the composition ``A o exp(b)`` of a map ``A`` after the flow of ``b``:
  ``exp(b) + sum_i D_b^i (A - id) / i!`` (Taylor expansion of ``A`` along the flow);
* the modified field ``log``: the ``b`` whose flow, run for the time ``tau_B h`` of each
  block B and read off on that block, reproduces a map -- solved tree by tree in order of
  size, since the ``j >= 2`` terms of the Lie series of a tree involve smaller trees only.

A field evaluated at a stage value ``Y = y + B(a, y)`` is again a series:
``h F_l(Y) = B(a', y)`` with ``a'(l[t_1..t_k]) = a(t_1) ... a(t_k)`` [HLW06, Lemma III.1.9].
"""

from __future__ import annotations

from typing import Callable, Iterable, Mapping, Sequence

from sympy.polys.domains import QQ

from .trees import Tree

__all__ = [
    "lie_derivative",
    "linear_combination",
    "flow",
    "compose_after_flow",
    "modified_field",
    "field_increment",
    "logarithm",
    "compose",
    "scaled",
    "inverse_map",
    "adjoint",
    "substitute",
    "modifying_field",
    "lie_series",
]

Series = dict  # {Tree: ring element}

_INVERSE = [None]             # _INVERSE[j] = 1/j, exact, made once each


def _inverses(n: int) -> list:
    """``_INVERSE`` holding at least ``1/1 .. 1/n``."""
    if len(_INVERSE) <= n:
        _INVERSE.extend(QQ(1, j) for j in range(len(_INVERSE), n + 1))
    return _INVERSE


def _lie_terms(s: Tree, rows: Mapping[Tree, Sequence], b: Mapping, offset: int, zero) -> list:
    """``[T_1(s), ..., T_{|s|-1}(s)]`` of the Lie series ``T_k = D_b T_{k-1} / (k + offset)``.

    ``rows[t]`` holds ``[T_0(t), T_1(t), ...]`` for the trees ``t`` smaller than ``s``.  One pass
    over the distinct edge cuts ``(r, u)`` of ``s`` (each times its count) gives every ``k`` at once, since
    ``(D_b T)(s) = sum_{cuts} T(r) b(u)`` [HLW06, Lemma IX.9.1] and ``r`` is smaller than ``s``.
    This is the one Lie-derivative sum of the package: the exact flow (``offset = 1``), a map
    after a flow (``offset = 0``) and the modified field all run on it.
    """
    tail = [zero] * (s.order - 1)
    field, known = b.get, rows.get
    for root_part, branch, count in s.edge_cuts:
        y = field(branch)
        if not y:
            continue
        row = known(root_part)
        if row is None:
            continue
        if count != 1:
            y = y * count
        for i, x in enumerate(row):
            if x:
                tail[i] = tail[i] + x * y        # never in place: tail starts as the shared zero
    inverse = _inverses(len(tail) + offset)
    return [x * inverse[i + 1 + offset] if x else x for i, x in enumerate(tail)]


def _supported(universe: Iterable[Tree], *series: Mapping) -> list[Tree]:
    """The trees of ``universe`` that use only labels occurring in ``series``.

    The operations below vanish outside them: every term of a Lie derivative, a flow or a
    modified field at ``s`` is a product over a split of ``s`` into trees of the inputs, so
    a label that no input uses makes it zero.  Restricting to them lets a one-player phase of
    a game be solved over that player's trees only."""
    labels = frozenset().union(*(t.label_set for a in series for t in a))
    return [t for t in universe if t.label_set <= labels]


def lie_derivative(a: Mapping, b: Mapping, universe: Iterable[Tree], zero) -> Series:
    """``D_b a``: the derivative of the series ``a`` along the field ``b`` -- ``b`` grafted onto every
    node of every tree of ``a`` [HLW06, Lemma IX.9.1].

    >>> from bea.algebra.trees import parse_tree
    >>> f, ff = parse_tree("f"), parse_tree("f[f]")
    >>> {t.text: str(c) for t, c in lie_derivative({f: QQ(1)}, {f: QQ(1)}, [f, ff], QQ(0)).items()}
    {'f[f]': '1'}
    """
    rows = {t: (x,) for t, x in a.items()}
    out: Series = {}
    for s in _supported(universe, a, b):
        x = _lie_terms(s, rows, b, 0, zero)[0] if s.order > 1 else zero
        if x:
            out[s] = x
    return out


def flow(b: Mapping, universe: Iterable[Tree], zero, times: Mapping[str, object] | None = None) -> Series:
    """The exact time-1 flow ``exp(b)`` of the field ``b``, as a map series (minus identity):
    ``sum_{j>=1} L_j`` with ``L_1 = b``, ``L_j = D_b L_{j-1} / j`` (the Lie series).  For one label
    and ``b = f`` the coefficients are ``a(t) = 1/gamma(t)`` (``F(t)`` then carries ``1/(sigma(t) gamma(t))``):
    the Taylor series of the solution [HLW06, Sec III.1].  With ``times`` (``{root label: tau}``) the
    flow runs for the time ``tau`` and is read on the root's block: ``sum_j tau^j L_j`` (the matching
    that :func:`modified_field` solves).

    >>> from bea.algebra.trees import trees_up_to
    >>> trees = trees_up_to(3, ["f"])
    >>> {t.text: str(c) for t, c in flow({trees[0]: QQ(1)}, trees, QQ(0)).items()}
    {'f': '1', 'f[f]': '1/2', 'f[f,f]': '1/3', 'f[f[f]]': '1/6'}
    """
    out: Series = {}
    for s, row in lie_series(b, universe, zero).items():
        if times is None:
            total = sum(row[1:], row[0])
        else:
            tau = times[s.label]
            total, power = zero, tau
            for x in row:
                if x:
                    total = total + power * x
                power = power * tau
        if total:
            out[s] = total
    return out


def lie_series(b: Mapping, universe: Iterable[Tree], zero) -> dict:
    """``{tree: [L_1(t), L_2(t), ...]}``: the terms of the Lie series of the field ``b``, ``L_1 = b``,
    ``L_j = D_b L_{j-1} / j`` (trees where every term vanishes are left out).  The flow of ``b`` for the time
    ``s`` is ``sum_j s^j L_j``: a polynomial in ``s``, which is how averages of past iterates on a flow are
    summed in closed form (:mod:`bea.engine.averaging`).

    >>> from bea.algebra.trees import trees_up_to
    >>> trees = trees_up_to(3, ["f"])
    >>> {t.text: [str(x) for x in row] for t, row in lie_series({trees[0]: QQ(1)}, trees, QQ(0)).items()}
    {'f': ['1'], 'f[f]': ['0', '1/2'], 'f[f,f]': ['0', '0', '1/3'], 'f[f[f]]': ['0', '0', '1/6']}
    """
    rows: dict[Tree, list] = {}
    for s in _supported(universe, b):
        row = [b.get(s, zero)] + _lie_terms(s, rows, b, 1, zero)
        if any(row):
            rows[s] = row
    return rows


def modified_field(
    a: Mapping,
    universe: Iterable[Tree],
    times: Mapping[str, object],
    inverse: Callable[[object], object],
    zero,
) -> Series:
    """The field ``b`` whose flow matches the map ``a`` block by block (the modified field, the
    logarithm of the map [HLW06, Sec IX.9]).

    For a tree ``s`` whose root lies in block B, with ``tau = times[root label]`` the block's time
    in units of ``h``, the flow of ``b`` for time ``tau h`` has coefficient
    ``sum_j tau^j L_j(s)``; setting it equal to ``a(s)`` gives
    ``b(s) = (a(s) - sum_{j>=2} tau^j L_j(s)) / tau``: the ``L_j``, ``j >= 2``, of ``s`` involve ``b``
    of smaller trees only, so ``b`` is solved tree by tree in order of size.

    Explicit Euler, ``a = {f: 1}``, gives ``f - h/2 f'f + h^2 (1/12 f''(f,f) + 1/3 f'f'f)`` [HLW06,
    Sec IX.1] (the coefficients here carry ``sigma(t)``: ``1/6 = 2 * 1/12``):

    >>> from bea.algebra.trees import trees_up_to
    >>> trees = trees_up_to(3, ["f"])
    >>> b = modified_field({trees[0]: QQ(1)}, trees, {"f": QQ(1)}, lambda x: 1 / x, QQ(0))
    >>> {t.text: str(c) for t, c in b.items()}
    {'f': '1', 'f[f]': '-1/2', 'f[f,f]': '1/6', 'f[f[f]]': '1/3'}
    """
    rows: dict[Tree, list] = {}
    out: Series = {}
    powers = {label: [tau * tau] for label, tau in times.items()}     # [tau^2, tau^3, ...] per root label
    for s in _supported(universe, a):
        tail = _lie_terms(s, rows, out, 1, zero)
        tau, known = times[s.label], powers[s.label]
        while len(known) < len(tail):
            known.append(known[-1] * tau)
        rest = zero
        for x, power in zip(tail, known):
            if x:
                rest = rest + power * x
        target = a.get(s, zero) - rest
        if not target and not any(tail):
            continue
        b = target * inverse(tau) if target else zero
        # L_j for j >= 2 are built from b of smaller trees; keep them even when b(s) = 0.
        rows[s] = [b] + tail
        if b:
            out[s] = b
    return out


def compose_after_flow(a: Mapping, b: Mapping, universe: list[Tree], zero) -> Series:
    """The map ``A o exp(b)``: first the flow of ``b``, then the map ``y + A(y)``.

    ``A(exp(b)(y)) = sum_i (D_b^i A)(y) / i!`` (Taylor expansion of ``A`` along the flow), so the
    result (minus identity) is ``exp(b) + sum_{i>=0} T_i`` with ``T_0 = A``, ``T_i = D_b T_{i-1} / i``.
    """
    rows: dict[Tree, list] = {}
    out = dict(flow(b, universe, zero))
    for s in _supported(universe, a, b):
        row = [a.get(s, zero)] + _lie_terms(s, rows, b, 0, zero)
        if any(row):
            rows[s] = row
            total = sum(row[1:], row[0]) + out.get(s, zero)
            if total:
                out[s] = total
            else:
                out.pop(s, None)
    return out


def linear_combination(base: Mapping, parts: Iterable) -> Series:
    """``base + sum_j c_j s_j`` for pairs ``(c_j, s_j)`` of a scalar and a series; zero coefficients are dropped."""
    out = dict(base)
    for c, series in parts:
        if not c:
            continue
        for t, x in series.items():
            scaled = x if c == 1 else c * x
            total = out[t] + scaled if t in out else scaled
            if total:
                out[t] = total
            else:
                out.pop(t, None)
    return out


def field_increment(a: Mapping, increments: Mapping[str, object], universe: Iterable[Tree]) -> Series:
    """``h sum_l c_l F_l(Y)`` at the stage ``Y = y + B(a, y)`` [HLW06, Lemma III.1.9].

    ``increments`` maps field labels to their step coefficients ``c_l``; the coefficient of
    ``l[t_1..t_k]`` is ``c_l a(t_1) ... a(t_k)``.
    """
    out = {}
    for s in universe:
        c = increments.get(s.label)
        if c is None:
            continue
        prod = c
        for child in s.children:
            x = a.get(child)
            if not x:
                prod = None
                break
            prod = prod * x
        if prod:
            out[s] = prod
    return out


def logarithm(a: Mapping, universe: Iterable[Tree], inverse: Callable[[object], object], zero, one) -> Series:
    """``log a``: the field whose time-1 flow is the map ``a`` (every label's time 1): the modified
    field of :func:`modified_field` with ``tau = 1`` [HLW06, Sec IX.9], [CHV10, Sec 3]."""
    universe = list(universe)
    return modified_field(a, universe, dict.fromkeys({t.label for t in universe}, one), inverse, zero)


def compose(a: Mapping, b: Mapping, universe: list[Tree], inverse: Callable[[object], object], zero, one) -> Series:
    """The map ``A o B``: first the map ``y + B(y)``, then ``y + A(y)`` (the Butcher product of
    the two B-series, [HLW06, Thm III.1.10], [CHV10, Sec 2.2]).

    ``B`` is the time-1 flow of its logarithm ``beta`` (:func:`logarithm`), so ``A o B`` is
    :func:`compose_after_flow` of ``A`` and ``beta``: one Lie-series mechanism for everything.

    >>> from bea.algebra.trees import trees_up_to
    >>> trees = trees_up_to(3, ["f"])
    >>> euler = {trees[0]: QQ(1)}
    >>> {t.text: str(c) for t, c in compose(euler, euler, trees, lambda x: 1 / x, QQ(0), QQ(1)).items()}
    {'f': '2', 'f[f]': '1', 'f[f,f]': '1'}

    (Two Euler steps: ``y + hf(y) + hf(y + hf(y)) = y + 2hf + h^2 f'f + h^3/2 f''(f,f) + ...``;
    ``f[f,f]`` carries ``a/sigma = 1/2``.)
    """
    if not b:
        return dict(a)
    return compose_after_flow(a, logarithm(b, universe, inverse, zero, one), universe, zero)


def scaled(a: Mapping, c) -> Series:
    """The series at the step ``c h``: ``a(t) c^{|t|}`` (``h`` enters only through ``h^{|t|}``)."""
    out, powers = {}, [None, c]            # powers[n] = c^n, by products (ring elements need not have **)
    for t, x in a.items():
        while len(powers) <= t.order:
            powers.append(powers[-1] * c)
        y = x * powers[t.order]
        if y:
            out[t] = y
    return out


def inverse_map(a: Mapping, universe: list[Tree], inverse: Callable[[object], object], zero, one) -> Series:
    """The inverse map ``A^{-1} = exp(-log A)`` [CHV10, Sec 2.2]."""
    return flow({t: -x for t, x in logarithm(a, universe, inverse, zero, one).items()}, universe, zero)


def adjoint(a: Mapping, universe: list[Tree], inverse: Callable[[object], object], zero, one) -> Series:
    """The adjoint method ``Phi*_h = Phi_{-h}^{-1}`` [HLW06, Def II.3.1, Sec V.1]: the inverse map at
    the step ``-h``.  A method is symmetric when it is its own adjoint."""
    return scaled(inverse_map(a, universe, inverse, zero, one), -one)


def substitute(b: Mapping, a: Mapping, universe: Iterable[Tree], zero) -> Series:
    """The substitution law ``b * a`` [CHV10, Sec 3, Thm 3.2]: the series ``a`` with every field
    ``f_l`` replaced by the field series ``b`` (whose trees with root ``l`` replace ``f_l``).

    ``(b * a)(t) = sum_{edge sets removed} a(skeleton) prod_{pieces} b(piece)``: removing a set of
    edges of ``t`` splits it into pieces (subtrees, each rooted at its node nearest the root); the
    skeleton is the tree of the pieces, each a node with its root's label.  The sum runs over all
    ``2^{|t|-1}`` sets; coefficients are those of :mod:`bea.algebra.series` (``h^{|t|} a(t)/sigma(t)``).
    Substituting a field ``b`` into the exact flow gives the exact flow of ``b``, and the modified field
    of a map ``a`` is the ``b`` with ``b * e = a`` (``e`` the exact flow of the field ``f``).
    """
    out: Series = {}
    for s in _supported(universe, b):
        nodes = _nodes(s)
        total = zero
        for removed in range(1 << (len(nodes) - 1)):
            x = _substitution_term(nodes, removed, a, b)
            if x:
                total = total + x
        if total:
            out[s] = total
    return out


def modifying_field(a: Mapping, target: Mapping, universe: Iterable[Tree], inverse: Callable[[object], object],
                    zero) -> Series:
    """The field series ``b`` with ``b * a = target`` (:func:`substitute`): the field that, put in place of
    ``f`` into the series ``a``, gives ``target`` -- the modifying field of [CHV07, Sec 2], BSeries.jl's
    ``modifying_integrator`` [KR23].

    With ``a`` the modified field of a scheme and ``target`` its leading (one-node) part, ``b`` is the
    field on which one step of the scheme follows the exact flow of ``target``: the scheme applied to ``b``
    has the modified field ``b * a = target``.  In ``(b * a)(t)`` only the term that removes no edge holds
    ``b(t)`` itself, as ``a(l) b(t)`` with ``l`` the root's label; every other term holds ``b`` of smaller
    pieces.  So ``b(t) = (target(t) - rest(t)) / a(l)``, tree by tree in order of size.  Explicit Euler's
    modified field ``f - h/2 f'f + ...`` gives ``f + h/2 f'f + h^2/6 (f''(f, f) + f'f'f)``, the exact flow's
    Taylor series divided by ``h`` (with ``sigma(t)``: ``1/3 = 2 * 1/6``):

    >>> from bea.algebra.trees import trees_up_to
    >>> trees = trees_up_to(3, ["f"])
    >>> euler = modified_field({trees[0]: QQ(1)}, trees, {"f": QQ(1)}, lambda x: 1 / x, QQ(0))
    >>> b = modifying_field(euler, {trees[0]: QQ(1)}, trees, lambda x: 1 / x, QQ(0))
    >>> {t.text: str(c) for t, c in b.items()}
    {'f': '1', 'f[f]': '1/2', 'f[f,f]': '1/3', 'f[f[f]]': '1/6'}
    >>> substitute(b, euler, trees, QQ(0)) == {trees[0]: QQ(1)}
    True

    References: [CHV07, Sec 2], [CHV10, Thm 3.2].
    """
    out: Series = {}
    for s in universe:
        nodes = _nodes(s)
        lead = a.get(Tree.make(s.label, []))
        if not lead:
            raise ValueError(f"the series has no term in the field {s.label} alone: it cannot be inverted")
        rest = zero
        for removed in range(1, 1 << (len(nodes) - 1)):
            x = _substitution_term(nodes, removed, a, out)
            if x:
                rest = rest + x
        value = (target.get(s, zero) - rest) * inverse(lead)
        if value:
            out[s] = value
    return out


def _nodes(tree: Tree) -> list[tuple[str, int]]:
    """``[(label, parent index), ...]`` of the nodes, root first (parent -1); node ``i > 0`` hangs
    from its parent by the edge numbered ``i - 1``."""
    nodes, stack = [], [(tree, -1)]
    while stack:
        t, parent = stack.pop()
        nodes.append((t.label, parent))
        index = len(nodes) - 1
        stack.extend((child, index) for child in reversed(t.children))
    return nodes


def _substitution_term(nodes, removed: int, a: Mapping, b: Mapping):
    """``a(skeleton) prod b(pieces)`` for the edges whose bits are set in ``removed``."""
    n = len(nodes)
    head = list(range(n))                      # head[i]: the top node of i's piece
    for i in range(1, n):
        if not removed >> (i - 1) & 1:
            head[i] = head[nodes[i][1]]
    kids: dict[int, list] = {i: [] for i in range(n)}
    pieces: dict[int, Tree] = {}
    for i in range(n - 1, -1, -1):             # children come after their parents: build bottom up
        pieces[i] = Tree.make(nodes[i][0], kids[i])
        parent = nodes[i][1]
        if parent >= 0 and head[i] == head[parent]:
            kids[parent].append(pieces[i])
    product = None
    skeleton_kids: dict[int, list] = {i: [] for i in range(n) if head[i] == i}
    for i in range(n - 1, -1, -1):
        if head[i] != i:
            continue
        x = b.get(pieces[i])
        if not x:
            return None
        product = x if product is None else product * x
        skeleton = Tree.make(nodes[i][0], skeleton_kids[i])
        if i == 0:
            y = a.get(skeleton)
            return product * y if y else None
        skeleton_kids[head[nodes[i][1]]].append(skeleton)
    return None
