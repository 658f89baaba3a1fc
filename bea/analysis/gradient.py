"""Gradient systems: which loss, block and sign each field's gradient has.

When every field is a gradient, ``F_l = s_l grad_{b(l)} E_l`` (sign ``s_l``, loss ``E_l``,
block ``b(l)``), the elementary differential of a tree is a contraction of derivatives of
the losses:

    F(l[t_1..t_k]) = s(t) grad^{k+1}_{b(l) b(t_1) .. b(t_k)} E_l [G(t_1), ..., G(t_k)]

with ``s(t)`` the product of the signs of all nodes (``(-1)^|t|`` when every field is a
negative gradient) and ``G`` the same contraction without signs (printed by :mod:`bea.printing.notation`).  Systems:

* ``single``: ``f = -grad E`` (gradient descent);
* ``sgd``: ``f_i = -grad E_i``;
* ``general``: ``f = -grad_phi E_phi``, ``g = -grad_theta E_theta``;
* ``common-payoff``: ``E_phi = E_theta = E``;
* ``zero-sum``: ``-E_phi = E_theta = E`` -- theta minimises ``E``, phi maximises it,
  ``f = grad_phi E``, ``g = -grad_theta E`` (the convention of [Ros23, Sec 4.5]).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import BeaError
from ..algebra.trees import Tree

__all__ = ["GradientSystem", "SYSTEMS", "gradient_system"]

SYSTEMS = ("single", "sgd", "general", "common-payoff", "zero-sum")


@dataclass(frozen=True)
class GradientSystem:
    """``F_l = sign[l] * grad_{block[l]} E_{loss[l]}`` for every label ``l``."""

    name: str
    sign: dict
    loss: dict
    block: dict

    def label_of(self, loss: str, block: str) -> str | None:
        """The field label whose loss and block these are (None: no such field)."""
        for label in self.loss:
            if self.loss[label] == loss and self.block[label] == block:
                return label
        return None

    def tree_sign(self, tree: Tree) -> int:
        out = self.sign[tree.label]
        for child in tree.children:
            out *= self.tree_sign(child)
        return out


def gradient_system(name: str, blocks: dict, losses: dict | None = None) -> GradientSystem:
    """The gradient system ``name`` for a scheme's blocks (``{block: labels}``).

    Each field gets its own loss: ``single`` names it ``E``; ``sgd`` names the loss of ``f<i>``
    ``E<i>`` and of any other label ``l`` ``E_l``; games use ``E_phi``, ``E_theta`` (general) or
    one ``E``.  ``losses`` ({label: name}) names them instead (``sgd`` and ``general`` only:
    the other systems fix which fields share a loss).
    """
    labels = {label: block for block, ls in blocks.items() for label in ls}
    players = list(blocks)
    fits = _fitting(blocks)
    if name not in SYSTEMS:
        raise BeaError(f"unknown gradient system {name!r}; choose one of {', '.join(SYSTEMS)}")
    if name not in fits:
        shape = f"{len(labels)} field(s) on the block(s) {', '.join(players)}"
        raise BeaError(f"gradient system {name!r} does not fit {shape}; "
                       + (f"choose {' or '.join(fits)}" if fits else "no gradient system fits"))
    if name == "single":
        system = GradientSystem(name, {"f": -1}, {"f": "E"}, {"f": "theta"})
    elif name == "sgd":
        system = GradientSystem(name, dict.fromkeys(labels, -1), {l: _sgd_loss(l) for l in labels}, labels)
    else:
        loss = {"f": "E_phi", "g": "E_theta"} if name == "general" else {"f": "E", "g": "E"}
        sign = {"f": 1, "g": -1} if name == "zero-sum" else {"f": -1, "g": -1}
        system = GradientSystem(name, sign, loss, labels)
    if losses:
        system = _renamed(system, losses)
    if len(set(system.loss.values())) != len(labels) and name in ("sgd", "general"):
        raise BeaError(f"the losses of gradient system {name!r} must have one name per field, got {system.loss}")
    return system


def _fitting(blocks: dict) -> list[str]:
    """The systems whose fields match the scheme's blocks and labels."""
    labels = [label for ls in blocks.values() for label in ls]
    if list(blocks) == ["theta"]:
        return ["single", "sgd"] if labels == ["f"] else ["sgd"]
    if list(blocks) == ["phi", "theta"] and blocks["phi"] == ("f",) and blocks["theta"] == ("g",):
        return ["general", "common-payoff", "zero-sum"]
    return []


def _sgd_loss(label: str) -> str:
    """``f3 -> E3``; any other label ``l -> E_l``: one loss per field."""
    return f"E{label[1:]}" if label[:1] == "f" and label[1:].isdigit() else f"E_{label}"


def _renamed(system: GradientSystem, losses: dict) -> GradientSystem:
    if system.name not in ("sgd", "general"):
        raise BeaError(f"the losses of gradient system {system.name!r} are fixed; name them for sgd or general")
    unknown = sorted(set(losses) - set(system.loss))
    if unknown:
        raise BeaError(f"losses names the field {unknown[0]!r}, which the scheme does not have")
    for label, loss in losses.items():
        if not (isinstance(loss, str) and loss.isidentifier()):
            raise BeaError(f"the loss of {label} must be a name, got {loss!r}")
    return GradientSystem(system.name, system.sign, {**system.loss, **losses}, system.block)
