"""The modified field averaged over the orderings of interchangeable fields (SGD's batches).

n-step SGD applies its batches' fields ``f_1, ..., f_n`` in one order; drawing the order at random each epoch,
the expected modified field is the average over the ``n!`` orderings [SDBD21, Sec 2].  Running the batches in the
order ``pi`` relabels every tree, so the average coefficient of a tree ``s`` is the mean of the coefficients over
``s``'s orbit under relabelling -- each ordering maps ``s`` uniformly onto its orbit.  Orbits are built from the
trees' own labels (``n!/(n - k)!`` relabellings of a tree with ``k`` distinct labels, ``k`` at most the order),
never from the ``n!`` orderings.  Fields in different blocks are not interchanged.
"""

from __future__ import annotations

from itertools import permutations

import sympy

from ..algebra.trees import Tree
from ..errors import BeaError
from ..result import ModifiedFlow, Term

__all__ = ["average_orderings"]


def average_orderings(flow: ModifiedFlow) -> ModifiedFlow:
    """``flow`` averaged over every ordering of the fields that share a block (see the module docstring).

    >>> import bea
    >>> average_orderings(bea.derive("sgd", 2, n=2)).coefficient("theta", "f1[f2]")
    0
    >>> average_orderings(bea.derive("sgd", 2, n=2)).coefficient("theta", "f1[f1]")
    -1/4

    References: [SDBD21, Sec 2], [Ros23, Sec 5.3].
    """
    if flow.modifying:
        raise BeaError("modifying fields are one per batch and are not averaged over orderings")
    groups = [tuple(labels) for labels in flow.blocks.values() if len(labels) > 1]
    if not groups:
        raise BeaError(f"{flow.scheme} has no block with several fields, so no orderings to average over")
    totals: dict = {}
    for term in flow.terms:
        orbit = _orbit(term.tree, groups)
        share = term.coefficient / len(orbit)
        for tree in orbit:
            totals[tree] = totals.get(tree, 0) + share
    blocks = list(flow.blocks)
    ordered = sorted(totals, key=lambda t: (blocks.index(flow.block_of(t.label)), t.sort_key))
    terms = [Term(flow.block_of(t.label), t.order - 1, t, c) for t in ordered
             for c in [sympy.factor(totals[t])] if c != 0]
    return ModifiedFlow(f"{flow.scheme} (averaged over orderings)", flow.order, dict(flow.params), dict(flow.blocks),
                        dict(flow.time), terms, flow.principal, None, flow.source)


def _orbit(tree: Tree, groups: list[tuple]) -> set:
    """Every tree obtained from ``tree`` by an injective relabelling within each group of interchangeable labels."""
    out = {tree}
    for group in groups:
        used = sorted(set(tree.labels) & set(group))
        if not used:
            continue
        out = {_relabelled(t, dict(zip(used, image))) for t in out for image in permutations(group, len(used))}
    return out


def _relabelled(tree: Tree, mapping: dict) -> Tree:
    return Tree.make(mapping.get(tree.label, tree.label), [_relabelled(c, mapping) for c in tree.children])
