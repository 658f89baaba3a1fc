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

from typing import Callable, Iterable, Mapping

from sympy.polys.domains import QQ

from .trees import Tree

__all__ = [
    "lie_derivative",
    "linear_combination",
    "flow",
    "compose_after_flow",
    "modified_field",
    "field_increment",
]

Series = dict  # {Tree: ring element}

_INVERSE = [None] + [QQ(1, j) for j in range(1, 512)]


def _inv(j: int):
    return _INVERSE[j] if j < len(_INVERSE) else QQ(1, j)


def lie_derivative(a: Mapping, b: Mapping, universe: Iterable[Tree], zero) -> Series:
    """``D_b a``: graft the field ``b`` onto every node of every tree of ``a``."""
    out: Series = {}
    for s in universe:
        acc = zero
        for root_part, branch in s.cuts:
            x, y = a.get(root_part), b.get(branch)
            if x and y:
                acc = acc + x * y
        if acc:
            out[s] = acc
    return out


def _lie_series_tail(s: Tree, terms: Mapping[Tree, list], zero) -> list:
    """``[L_2(s), ..., L_{|s|}(s)]`` from the Lie-series terms of smaller trees.

    ``terms[t] = [L_1(t), ..., L_{|t|}(t)]`` where ``L_1 = b`` and
    ``L_j = D_b L_{j-1} / j``; ``L_j(t) = 0`` for ``j > |t|``.
    """
    tail = [zero] * (s.order - 1)
    for root_part, branch in s.cuts:
        lb = terms.get(branch)
        if not lb or not lb[0]:
            continue
        b = lb[0]
        for i, x in enumerate(terms.get(root_part, ())):
            if x:
                tail[i] = tail[i] + x * b
    return [x * _inv(i + 2) if x else x for i, x in enumerate(tail)]


def flow(b: Mapping, universe: Iterable[Tree], zero) -> Series:
    """The exact time-1 flow ``exp(b)`` of the field ``b``, as a map series (minus identity)."""
    terms: dict[Tree, list] = {}
    out: Series = {}
    for s in universe:
        row = [b.get(s, zero)] + _lie_series_tail(s, terms, zero)
        if any(row):
            terms[s] = row
            total = sum(row[1:], row[0])
            if total:
                out[s] = total
    return out


def modified_field(
    a: Mapping,
    universe: Iterable[Tree],
    time: Callable[[Tree], object],
    inverse: Callable[[object], object],
    zero,
) -> Series:
    """The field ``b`` whose flow matches the map ``a`` block by block.

    For a tree ``s`` whose root lies in block B, with ``tau = time(s)`` the block's time in
    units of ``h``, the flow of ``b`` for time ``tau h`` has coefficient
    ``sum_j tau^j L_j(s)``; setting it equal to ``a(s)`` gives
    ``b(s) = (a(s) - sum_{j>=2} tau^j L_j(s)) / tau``.
    """
    terms: dict[Tree, list] = {}
    out: Series = {}
    for s in universe:
        tail = _lie_series_tail(s, terms, zero)
        tau = time(s)
        rest = zero
        power = tau
        for x in tail:
            power = power * tau
            if x:
                rest = rest + power * x
        target = a.get(s, zero) - rest
        if not target and not any(tail):
            continue
        b = target * inverse(tau) if target else zero
        # L_j for j >= 2 are built from b of smaller trees; keep them even when b(s) = 0.
        terms[s] = [b] + tail
        if b:
            out[s] = b
    return out


def compose_after_flow(a: Mapping, b: Mapping, universe: list[Tree], zero) -> Series:
    """The map ``A o exp(b)``: first the flow of ``b``, then the map ``y + A(y)``.

    ``A(exp(b)(y)) = sum_i (D_b^i A)(y) / i!``, so the result (minus identity) is
    ``exp(b) + sum_{i>=0} D_b^i A / i!``.
    """
    out = dict(flow(b, universe, zero))
    term = dict(a)
    i = 0
    while term:
        out = linear_combination(out, [(1, term)])
        i += 1
        term = {s: x * _inv(i) for s, x in lie_derivative(term, b, universe, zero).items()}
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
