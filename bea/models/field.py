"""The modified field of a derived flow on a model, by nested forward-mode derivatives.

A state is a tuple of block vectors ``y = (y_1, ..., y_B)``.  The elementary differential of a tree
is [HLW06, Sec III.1], CONTRACT §1

    F(l[t_1..t_k])(y) = D^k F_l(y) (F(t_1)(y), ..., F(t_k)(y)),

a nested directional derivative of the root's field along its children's vectors, each child's
vector living in the block of its own root label:

    D^k F_l(y)(w_1..w_k) = d/de [ D^{k-1} F_l(y + e w_k)(w_1..w_{k-1}) ] at e = 0,

with the ``w_i`` held fixed.  Each derivative is one ``jvp`` in the block of ``w_i`` only, so no
Jacobian or Hessian is ever formed; each distinct subtree is computed once per call, smallest
first (:func:`bea.concrete.codegen.subtree_closure`, the staging of the NumPy code generator).
"""

from __future__ import annotations

from typing import Callable, Mapping

from ..algebra.blocks import Blocks
from ..concrete.codegen import numeric_weights, subtree_closure
from ..concrete.evaluate import substitutions
from ..errors import BeaError, ProblemError

__all__ = ["ModelFields", "BoundFields", "model_field", "elementary_differentials", "directional"]


class ModelFields:
    """The user's field functions on a scheme's blocks.

    ``fields[label]`` takes the block states (pytrees) as positional arguments in block order and
    returns a pytree shaped like its own block.  :meth:`bind` reads one state into block vectors
    and gives the fields as functions of such vectors (:class:`BoundFields`).
    """

    def __init__(self, blocks: Mapping, fields: Mapping, backend, what: str = "fields"):
        if not isinstance(fields, Mapping):
            raise BeaError(f"{what} must be a dict {{label: function}}, got {type(fields).__name__}")
        blocks = Blocks(blocks)
        labels = blocks.labels
        missing = [l for l in labels if l not in fields]
        extra = [l for l in fields if l not in labels]
        if missing or extra:
            raise BeaError(f"{what} must give a function for each of the labels {', '.join(labels)}"
                           + (f"; missing {', '.join(missing)}" if missing else "")
                           + (f"; unknown {', '.join(map(str, extra))}" if extra else ""))
        for label in labels:
            if not callable(fields[label]):
                raise BeaError(f"the field {label} must be a function of the block states, got {fields[label]!r}")
        self.blocks, self.fields, self.backend = blocks, dict(fields), backend
        self.block_index = {label: i for i, ls in enumerate(blocks.values()) for label in ls}

    def split(self, state) -> tuple:
        """The block states of ``state``: a tuple in block order, or the bare pytree of one block."""
        n = len(self.blocks)
        if n == 1:
            self.backend.check_float64(state, "the state")
            return (state,)
        if not isinstance(state, (tuple, list)) or len(state) != n:
            raise BeaError(f"the state must be a tuple of {n} block states ({', '.join(self.blocks)}), "
                           f"got {type(state).__name__}")
        for name, b in zip(self.blocks, state):
            self.backend.check_float64(b, f"the state of block {name}")
        return tuple(state)

    def bind(self, state) -> tuple[tuple, "BoundFields"]:
        """``(y, bound)``: the block vectors of ``state`` and the fields on vectors of its shape."""
        flat = [self.backend.flatten(b) for b in self.split(state)]
        return tuple(v for v, _ in flat), BoundFields(self, [u for _, u in flat])


class BoundFields:
    """The fields as functions of tuples of flat block vectors, for states of one pytree shape."""

    def __init__(self, fields: ModelFields, unflatten: list):
        self.model, self.unflatten = fields, unflatten
        self.backend, self.block_index = fields.backend, fields.block_index

    def unbind(self, vectors: tuple):
        """Block vectors back to the state's shape (bare for one block)."""
        blocks = tuple(u(v) for u, v in zip(self.unflatten, vectors))
        return blocks[0] if len(blocks) == 1 else blocks

    def value(self, label: str, y: tuple):
        """``F_label(y)`` as a flat vector of its block."""
        args = [u(v) for u, v in zip(self.unflatten, y)]
        try:
            out = self.model.fields[label](*args)
        except BeaError:
            raise
        except TypeError as error:
            raise ProblemError(f"the field {label} could not be called on the block states "
                               f"({len(args)} positional argument(s)): {error}") from None
        vector, _ = self.backend.flatten(out)
        b = self.block_index[label]
        if vector.shape != y[b].shape:
            raise ProblemError(f"the field {label} must return a pytree shaped like its block "
                               f"{list(self.model.blocks)[b]} ({y[b].shape[0]} numbers), got {vector.shape[0]}")
        return vector


def elementary_differentials(trees, fields: BoundFields, y: tuple) -> dict:
    """``{tree: F(tree)(y)}`` for ``trees`` and all their subtrees, each computed once."""
    values = {}
    for tree in subtree_closure(trees):
        directions = [(fields.block_index[child.label], values[child]) for child in tree.children]
        values[tree] = directional(fields.backend, lambda x, label=tree.label: fields.value(label, x), y, directions)
    return values


def directional(backend, base: Callable, y: tuple, directions: list):
    """``D^k base(y)(w_1, ..., w_k)`` for ``directions = [(block, w_i)]``: nested jvps, the innermost
    along ``w_1``, each in its block only (``base`` maps a tuple of block vectors to an array)."""
    if not directions:
        return base(y)
    (block, w), inner = directions[-1], directions[:-1]

    def along(x):
        return directional(backend, base, y[:block] + (x,) + y[block + 1:], inner)

    return backend.jvp(along, y[block], w)[1]


def model_field(flow, fields: Mapping, backend, params: dict | None = None) -> Callable:
    """``F(state, h)``: the truncated modified field ``sum_p h^p sum_t c_t F(t)`` of ``flow`` on a
    model, block by block, in the state's own pytree shapes (see the module docstring)."""
    substitutions(flow, params)                  # refuse a name that is not a symbolic parameter of the flow
    weights = numeric_weights(flow.terms, params)
    complex_weights = [w for w in weights if isinstance(w[2], complex)]
    if complex_weights:
        raise BeaError(f"the coefficient of {complex_weights[0][0]} is not real; a model's field needs real coefficients")
    model = ModelFields(flow.blocks, fields, backend)
    trees = [tree for tree, _, _ in weights]
    index = model.block_index

    def field(state, h):
        y, bound = model.bind(state)
        values = elementary_differentials(trees, bound, y)
        total = [None] * len(y)
        for tree, power, weight in weights:
            b = index[tree.label]
            term = (weight * h ** power) * values[tree]
            total[b] = term if total[b] is None else total[b] + term
        return bound.unbind(tuple(backend.zeros_like(v) if t is None else t for v, t in zip(y, total)))

    field.flow = flow
    return field
