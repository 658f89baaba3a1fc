"""Gradient systems and the papers' gradient notation for elementary differentials.

When every field is a gradient, ``F_l = s_l grad_{b(l)} E_l`` (sign ``s_l``, loss ``E_l``,
block ``b(l)``), the elementary differential of a tree is a contraction of derivatives of
the losses:

    F(l[t_1..t_k]) = s(t) grad^{k+1}_{b(l) b(t_1) .. b(t_k)} E_l [G(t_1), ..., G(t_k)]

with ``s(t)`` the product of the signs of all nodes (``(-1)^|t|`` when every field is a
negative gradient) and ``G`` the same contraction without signs.  Systems:

* ``single``: ``f = -grad E`` (gradient descent);
* ``sgd``: ``f_i = -grad E_i``;
* ``general``: ``f = -grad_phi E_phi``, ``g = -grad_theta E_theta``;
* ``common-payoff``: ``E_phi = E_theta = E``;
* ``zero-sum``: ``-E_phi = E_theta = E`` -- theta minimises ``E``, phi maximises it,
  ``f = grad_phi E``, ``g = -grad_theta E`` (the convention of thesis Sec 4.5).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import BeaError
from ..printing.notation import block_latex
from ..algebra.trees import Tree

__all__ = ["GradientSystem", "SYSTEMS", "gradient_system", "differential_latex", "differential_text"]

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


# -- notation ---------------------------------------------------------------------------------
def _loss_latex(loss: str) -> str:
    if loss.startswith("E_"):
        return f"E_{{{block_latex(loss[2:])}}}"
    return f"E_{{{loss[1:]}}}" if len(loss) > 1 else "E"


def _nabla_latex(blocks: list[str]) -> str:
    """``\\nabla^k_{\\theta}`` when all blocks agree, ``\\nabla_{\\phi\\theta}`` otherwise."""
    k = len(blocks)
    if len(set(blocks)) == 1:
        power = f"^{{{k}}}" if k > 1 else ""
        return f"\\nabla{power}_{{{block_latex(blocks[0])}}}"
    return f"\\nabla_{{{''.join(block_latex(b) for b in blocks)}}}"


def differential_latex(tree: Tree, system: GradientSystem) -> str:
    """``G(tree)``: the unsigned contraction of loss derivatives, in the papers' notation."""
    return _contraction_latex(system.loss[tree.label], [system.block[tree.label]], tree.printed_children, system)


def _contraction_latex(loss: str, own: list[str], kids, system: GradientSystem, frozen=()) -> str:
    """``nabla_{own + blocks of kids} E_loss`` applied to the children (``frozen``: at theta_{t-1})."""
    blocks = own + [system.block[c.label] for c in kids]
    args = [_at(differential_latex(c, system), i in frozen) for i, c in enumerate(kids)]
    head = f"{_nabla_latex(blocks)} {_loss_latex(loss)}" if blocks else _loss_latex(loss)
    if not kids:
        return head
    if len(kids) == 1:
        return f"{head} {args[0]}"
    return f"{head}[{', '.join(args)}]"


def _at(text: str, frozen: bool) -> str:
    return f"\\left.{text}\\right|_{{t-1}}" if frozen else text


def differential_text(tree: Tree, system: GradientSystem) -> str:
    """Plain-text ``G(tree)``: ``grad^2_theta E grad_theta E``, ``grad_phitheta E_phi grad_theta E_theta``."""
    return _contraction_text(system.loss[tree.label], [system.block[tree.label]], tree.printed_children, system)


def _contraction_text(loss: str, own: list[str], kids, system: GradientSystem, frozen=()) -> str:
    blocks = own + [system.block[c.label] for c in kids]
    args = [differential_text(c, system) + ("(t-1)" if i in frozen else "") for i, c in enumerate(kids)]
    if not blocks:
        return loss
    k = len(blocks)
    nabla = (f"grad^{k}_{blocks[0]}" if k > 1 else f"grad_{blocks[0]}") if len(set(blocks)) == 1 else f"grad_{''.join(blocks)}"
    head = f"{nabla} {loss}"
    if not kids:
        return head
    return f"{head} {args[0]}" if len(kids) == 1 else f"{head}[{', '.join(args)}]"
