"""What text and LaTeX share when printing a modified field: the terms grouped, each spelt as a
tree or, in a gradient system, as a signed contraction of loss derivatives."""

from __future__ import annotations

from itertools import groupby

from ..analysis.gradient import gradient_system
from ..result import H
from .notation import Notation, differential, potential, signed_terms

__all__ = ["grouped", "spelling", "loss_rows"]


def grouped(flow):
    """``(block, power, [terms])`` in print order (the flow's terms are sorted); for modifying fields
    (``flow.kind == "modifying"``) ``(label, power, [terms])``, one field per label."""
    by_label = getattr(flow, "kind", None) == "modifying"
    for (key, power), group in groupby(flow.terms, key=lambda t: (t.tree.label if by_label else t.block, t.power)):
        yield key, power, list(group)


def spelling(flow, gradient, notation: Notation):
    """``term -> (coefficient, notation)``: the tree, or its gradient notation with the sign
    ``(-1)^k`` of the system worked into the coefficient.  ``gradient``: a system's name or a
    :class:`~bea.analysis.gradient.GradientSystem`."""
    def value(t):
        return t.exact if notation.exact else t.coefficient
    if gradient is None:
        block_of = flow.block_of if len(flow.blocks) > 1 else None
        return lambda t: (value(t), notation.tree(t.tree, block_of))
    system = gradient if not isinstance(gradient, str) else gradient_system(gradient, flow.blocks)
    return lambda t: (value(t) * system.tree_sign(t.tree), differential(t.tree, system, notation))


def loss_rows(loss, notation):
    """``(block, loss body, [(power, remainder body)])`` of a modified loss, in print order; each body is the
    list of its signed pieces (:func:`~bea.printing.notation.signed_terms`), so a printer may break it."""
    system = loss.system
    for block, rows in loss.terms.items():
        body = signed_terms([(c * H**p, potential(q, system, notation)) for p, c, q in rows], notation.coefficient)
        stop = loss.valid_to.get(block)
        if stop is not None:
            body.append(f"+ {notation.big_o(stop)}")
        rest = []
        for power in sorted({p for p, _, _ in loss.remainder.get(block, ())}):
            parts = [(c * H**p * system.tree_sign(t), differential(t, system, notation))
                     for p, c, t in loss.remainder[block] if p == power]
            rest.append((power, signed_terms(parts, notation.coefficient)))
        yield block, body or ["0"], rest
