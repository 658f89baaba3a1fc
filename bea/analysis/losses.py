"""Modified losses: when is a modified field the negative gradient of a loss, and which loss.

Scalars built from the losses are *potentials*: a rooted tree whose root is a loss ``E_a``
(no output direction) and whose children are elementary differentials ``G(t_i)`` of the
gradient system (:mod:`bea.analysis.gradient`),

    Phi = grad^k_{b(t_1)..b(t_k)} E_a [G(t_1), ..., G(t_k)]       (e.g. |grad E|^2, E).

By the product rule its gradient in block ``beta`` is a sum over the nodes ``v`` of the
tree *re-rooted at v*: ``v`` takes the output direction ``beta``, and every other node the
direction of the edge towards its new parent.  A term whose node would need a loss in a
block no field has (``grad_phi`` of ``E_theta`` in a general game) is not an elementary
differential: such a potential is not admissible for that block.

At each power of ``h`` the modified field of block ``beta`` is a gradient, ``-grad_beta``
of a loss, exactly when its coefficient vector lies in the span of the admissible
potentials' gradients (an integer matrix).  The loss is read off the orthogonal projection
onto that span, computed in exact rational arithmetic; the remainder, orthogonal to every
gradient, is the part that is not a gradient (zero iff a loss exists).

Thesis Ch. 5: BEA fixes the modified field only at the initial point ``theta_{t-1}``, so a
factor may be frozen there.  ``G(l[t_1..t_k])`` is the gradient of
``grad^k E_l [G(t_1)(theta_{t-1}), ...]`` at ``theta = theta_{t-1}``; with ``frozen=True``
the remainder is written that way and every field has a loss.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy

from ..algebra.rings import natural_form
from ..algebra.trees import Tree, trees_up_to
from ..errors import BeaError
from ..printable import Printable
from ..progress import progress_for
from .gradient import GradientSystem, gradient_system

__all__ = ["Potential", "ModifiedLoss", "modified_loss", "potential", "potential_gradient"]


@dataclass(frozen=True)
class Potential:
    """``grad^k E_loss [G(children)]``; children flagged ``frozen`` are taken at ``theta_{t-1}``."""

    loss: str
    children: tuple[Tree, ...] = ()
    frozen: tuple[bool, ...] = ()


def potential(loss: str, *children) -> Potential:
    """``grad^k E_loss [G(children)]``, the children trees as text or :class:`~bea.algebra.trees.Tree`:
    ``potential("E", "g")`` is ``|grad_theta E|^2`` in a zero-sum game (``G(g) = grad_theta E``), ``potential("E")``
    the loss itself.  The regularisers of :func:`bea.regularised` are lists of ``(strength, potential)``.

    >>> potential("E", "f[f]").children
    (Tree('f[f]'),)
    """
    from ..algebra.trees import parse_tree

    return Potential(loss, tuple(c if isinstance(c, Tree) else parse_tree(c) for c in children),
                     (False,) * len(children))


def potential_gradient(potential: Potential, block: str, system: GradientSystem) -> dict | None:
    """``grad_block Phi`` as ``{tree: multiplicity}`` of unsigned differentials ``G(tree)``; None if inadmissible."""
    nodes, edges = [(potential.loss, False)], {0: []}

    def add(tree: Tree, parent: int, frozen: bool) -> None:
        i = len(nodes)
        nodes.append((system.loss[tree.label], frozen))
        edges[i] = [(parent, system.block[tree.label])]
        edges[parent].append((i, system.block[tree.label]))
        for child in tree.children:
            add(child, i, frozen)

    for child, frozen in zip(potential.children, potential.frozen or (False,) * len(potential.children)):
        add(child, 0, frozen)

    def build(node: int, parent: int | None, label: str | None) -> Tree | None:
        if label is None:
            return None
        kids = []
        for other, direction in edges[node]:
            if other != parent:
                kid = build(other, node, system.label_of(nodes[other][0], direction))
                if kid is None:
                    return None
                kids.append(kid)
        return Tree.make(label, kids)

    out: dict = {}
    for v, (loss, frozen) in enumerate(nodes):
        if frozen:
            continue
        tree = build(v, None, system.label_of(loss, block))
        if tree is None:
            return None
        out[tree] = out.get(tree, 0) + 1
    return out


@dataclass
class ModifiedLoss(Printable):
    """Per block: the modified loss ``E~_b`` with ``f~_b = -grad_b E~_b``, power by power.

    ``terms[block]`` lists ``(power, coefficient, Potential)``: the loss, through the last
    power before the first one at which the field is not a gradient (``valid_to[block]``;
    ``None`` when every power is one).  From that power on there is no modified loss:
    ``remainder[block]`` lists ``(power, coefficient, tree)``, the part of the field that is not
    a gradient (orthogonal to every gradient; the certificate), and ``nearest[block]`` the
    projection on the gradients at those powers -- data, never presented as a loss.  With
    ``frozen`` the remainder is frozen into the loss ([Ros23, Ch. 5]) and every power has one.
    """

    system: GradientSystem
    terms: dict
    remainder: dict
    frozen: bool
    order: int
    scheme: str = ""
    nearest: dict = field(default_factory=dict)
    valid_to: dict = field(default_factory=dict)

    @property
    def exact(self) -> bool:
        """True when the field is the negative gradient of the loss at every power."""
        return not any(self.remainder.values()) and not self._uses_frozen()

    def _uses_frozen(self) -> bool:
        return any(any(p.frozen) for rows in self.terms.values() for _, _, p in rows)

    def field(self, block: str, rows=None) -> dict:
        """``-grad_block E~_block`` as ``{(power, tree): coefficient}`` of the signed ``F(tree)``
        (``rows``: other ``(power, coefficient, Potential)`` rows, e.g. ``nearest[block]``)."""
        out: dict = {}
        for power, c, potential in self.terms[block] if rows is None else rows:
            for tree, m in potential_gradient(potential, block, self.system).items():
                key = (power, tree)
                out[key] = out.get(key, 0) - c * m * self.system.tree_sign(tree)
        return {k: sympy.simplify(v) for k, v in out.items() if sympy.simplify(v) != 0}

    def __repr__(self) -> str:
        return f"<ModifiedLoss {self.scheme} {self.system.name} order={self.order} exact={self.exact}>"


def modified_loss(flow, system: str | GradientSystem, frozen: bool = False, *, losses: dict | None = None,
                  progress=False) -> ModifiedLoss:
    """The modified losses ``E~_b`` with ``f~_b = -grad_b E~_b``, power by power, of a derived flow.

    Parameters
    ----------
    flow
        a :class:`~bea.result.ModifiedFlow` from :func:`bea.derive` (all terms, not principal).
    system
        a gradient system's name (``single``, ``sgd``, ``general``, ``common-payoff``,
        ``zero-sum``; :mod:`bea.analysis.gradient`) or a GradientSystem.
    frozen
        write what is not a gradient with factors frozen at ``theta_{t-1}`` ([Ros23, Ch. 5]),
        so that every power has a loss.
    losses
        ``{label: name}`` of the fields' losses (``sgd``, ``general``).

    Returns
    -------
    ModifiedLoss
        :class:`ModifiedLoss`; where a power of the field is not a gradient, no loss is given from
        that power on (``valid_to``) and the part that is not a gradient is the certificate.

    >>> import bea
    >>> print(modified_loss(bea.derive("euler", 2), "single").to_text().splitlines()[1])
    E~_theta = E + h/4 |grad_theta E|^2

    References: [BD21] (the IGR loss), [SDBD21], [Ros23, Secs 4.4-4.5 and Ch. 5].
    """
    if not isinstance(system, GradientSystem):
        system = gradient_system(system, flow.blocks, losses)
    if flow.principal:
        raise BeaError("a modified loss needs every term of the field; derive it with bea.derive, not principal")
    report = progress_for(progress, "loss")
    labels = [l for ls in flow.blocks.values() for l in ls]
    terms, remainder, nearest, valid_to = {}, {}, {}, {}
    for block in flow.blocks:
        terms[block], remainder[block], nearest[block], valid_to[block] = [], [], [], None
        for power in range(flow.order):
            report(f"block {block}, power h^{power}")
            target = {}
            for t in flow.terms:
                if t.block == block and t.power == power:
                    tree = t.tree
                    target[tree] = -t.coefficient * system.tree_sign(tree)      # grad E~ = -field
            if not target:
                continue
            candidates = _potentials(power + 1, labels, block, system)
            solution, rest = _project(target, candidates)
            if frozen:
                terms[block] += [(power, c, p) for p, c in solution]
                terms[block] += [(power, c, Potential(system.loss[t.label], t.children, (True,) * len(t.children)))
                                 for t, c in rest]
                continue
            if rest and valid_to[block] is None:
                valid_to[block] = power
            if valid_to[block] is None:
                terms[block] += [(power, c, p) for p, c in solution]
            else:
                nearest[block] += [(power, c, p) for p, c in solution]
                remainder[block] += [(power, -c * system.tree_sign(t), t) for t, c in rest]   # as F(t)
    return ModifiedLoss(system, terms, remainder, frozen, flow.order, flow.scheme, nearest, valid_to)


def _potentials(size: int, labels, block: str, system: GradientSystem) -> list[tuple[Potential, dict]]:
    """Admissible potentials with ``size`` nodes and their gradients, one per distinct gradient."""
    seen, out = set(), []
    for tree in trees_up_to(size, labels):
        if tree.order != size:
            continue
        potential = Potential(system.loss[tree.label], tree.children, (False,) * len(tree.children))
        gradient = potential_gradient(potential, block, system)
        if gradient is None:
            continue
        key = tuple(sorted((t.sort_key, m) for t, m in gradient.items()))
        if key not in seen:
            seen.add(key)
            out.append((potential, gradient))
    return out


def _project(target: dict, candidates: list) -> tuple[list, list]:
    """Orthogonal projection of ``target`` on the span of the candidates' gradients (exact).

    Returns ``([(potential, coefficient)], [(tree, remainder coefficient)])``.
    """
    trees = sorted({t for t in target} | {t for _, g in candidates for t in g}, key=lambda t: t.sort_key)
    index = {t: i for i, t in enumerate(trees)}
    basis, columns = [], []
    for potential, gradient in candidates:            # keep independent columns (integer matrix)
        column = sympy.zeros(len(trees), 1)
        for t, m in gradient.items():
            column[index[t]] = m
        trial = sympy.Matrix.hstack(*columns, column)
        if trial.rank() > len(columns):
            columns.append(column)
            basis.append(potential)
    b = sympy.Matrix([target.get(t, 0) for t in trees])
    if not columns:
        return [], [(t, c) for t, c in target.items() if c != 0]
    G = sympy.Matrix.hstack(*columns)
    x = (G.T * G).inv() * (G.T * b)
    rest = b - G * x
    solution = [(p, natural_form(sympy.factor(c))) for p, c in zip(basis, x) if sympy.simplify(c) != 0]
    remainder = [(t, natural_form(sympy.factor(r))) for t, r in zip(trees, rest) if sympy.simplify(r) != 0]
    return solution, remainder
