"""A modified loss (:func:`bea.modified_loss`) as a function on a model, usable as a training objective.

A potential of the modified loss is [Ros23, Secs 4.4-4.5], :mod:`bea.analysis.losses`

    Phi = D^k E_a(y) [G(t_1), ..., G(t_k)],      G(t) = s(t) F(t),

a nested directional derivative of a loss along unsigned elementary differentials, where the
fields are the gradients of the losses, ``F_l = s_l grad_{b(l)} E_l`` (:mod:`bea.analysis.gradient`),
and ``s(t)`` is the product of the signs of the nodes of ``t``.  A factor that the thesis's Ch. 5
construction freezes at ``theta_{t-1}`` is held constant for differentiation
(``stop_gradient``), so that at every point the gradient of the loss of block ``b`` in ``b`` is
``-F_b``: the modified field of the flow the loss came from.
"""

from __future__ import annotations

from typing import Callable, Mapping

from ..concrete.codegen import numeric_coefficient, parameter_values
from ..errors import BeaError
from .field import ModelFields, directional, elementary_differentials

__all__ = ["model_loss", "gradient_fields", "descent_field"]


def descent_field(loss: Callable, backend) -> dict:
    """``{"f": theta -> -grad loss(theta)}``: gradient descent's field for one scalar loss of one block."""
    gradient = backend.grad(loss)
    return {"f": lambda t: backend.tree_map(lambda g: -g, gradient(t))}


def gradient_fields(system, blocks: Mapping, losses: Mapping[str, Callable], backend) -> ModelFields:
    """The fields ``F_l = s_l grad_{b(l)} E_l`` of a gradient system, from the losses as functions of
    the block states (one reverse-mode gradient in the field's block each)."""
    names = sorted(set(system.loss.values()))
    if not isinstance(losses, Mapping):
        raise BeaError(f"losses must be a dict {{name: function}} for {', '.join(names)}")
    missing, extra = [n for n in names if n not in losses], [n for n in losses if n not in names]
    if missing or extra:
        raise BeaError(f"losses must give a function for each of the losses {', '.join(names)} of the "
                       f"{system.name} system" + (f"; missing {', '.join(missing)}" if missing else "")
                       + (f"; unknown {', '.join(map(str, extra))}" if extra else ""))
    order = list(blocks)

    def field(label: str) -> Callable:
        loss, sign, b = losses[system.loss[label]], system.sign[label], order.index(system.block[label])

        def f(*states):
            x, unflatten = backend.flatten(states[b])
            gradient = backend.grad(lambda z: loss(*states[:b], unflatten(z), *states[b + 1:]))(x)
            return unflatten(sign * gradient)

        return f

    return ModelFields(blocks, {label: field(label) for label in system.loss}, backend)


def model_loss(modified, losses: Mapping[str, Callable], backend, params: dict | None = None) -> Callable:
    """``L(state, h)``: the modified loss of each block (a scalar for one block, a tuple in block
    order for two), with ``grad_b L_b = -F_b`` for the modified field ``F`` it came from."""
    for block, power in modified.valid_to.items():
        if power is not None and not modified.frozen:
            raise BeaError(f"the modified field of block {block} is not a gradient from h^{power} on, so there is "
                           "no modified loss to that order (bea loss prints the remainder); use a lower order "
                           "or frozen=True (thesis Ch. 5)")
    system, blocks = modified.system, _blocks_of(modified)
    fields = gradient_fields(system, blocks, losses, backend)
    subs = parameter_values(params)
    rows = {b: [(power, _real(numeric_coefficient(c, subs), potential), potential) for power, c, potential in
                modified.terms.get(b, [])] for b in blocks}
    trees = [child for rs in rows.values() for _, _, p in rs for child in p.children]
    index = fields.block_index

    def loss(state, h):
        y, bound = fields.bind(state)
        values = elementary_differentials(trees, bound, y)
        unflatten = bound.unflatten
        out = []
        for b in blocks:
            total = 0.0
            for power, weight, potential in rows[b]:
                directions = []
                for child, frozen in zip(potential.children, potential.frozen or (False,) * len(potential.children)):
                    g = system.tree_sign(child) * values[child]
                    directions.append((index[child.label], backend.stop_gradient(g) if frozen else g))
                energy = losses[potential.loss]
                phi = directional(backend, lambda x, e=energy: e(*(u(v) for u, v in zip(unflatten, x))), y, directions)
                total = total + weight * h ** power * phi
            out.append(total)
        return out[0] if len(out) == 1 else tuple(out)

    loss.modified = modified
    return loss


def _blocks_of(modified) -> dict:
    """``{block: labels}`` in the flow's block order (the order of ``modified.terms``)."""
    system = modified.system
    return {b: tuple(l for l in system.loss if system.block[l] == b) for b in modified.terms}


def _real(weight, potential):
    if isinstance(weight, complex):
        raise BeaError(f"the coefficient of the potential {potential} is not real")
    return weight
