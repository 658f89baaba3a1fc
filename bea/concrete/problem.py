"""Modified fields of concrete problems: elementary differentials from the fields' derivatives.

``F(a[t1..tk]) = D^k F_a(F(t1), ..., F(tk))`` is computed by contracting the derivative
of ``F_a`` one direction at a time with *frozen* direction symbols ``w_1, ..., w_k``
(``D^k F_a(w_1..w_k) = d/dy [D^{k-1} F_a(w_1..w_{k-1})] w_k``) and only then substituting
``w_i = F(t_i)``.  The contracted derivatives are cached per (label, k) and the
differentials per tree, so each derivative is taken once however many trees share it.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import sympy

from ..algebra.blocks import Blocks
from ..algebra.trees import Tree, parse_tree
from ..errors import ProblemError
from ..exact import exact_number
from ..expressions import to_expression
from ..schemes.params import RESERVED

__all__ = ["Problem", "ProblemError"]


_EPSILON = sympy.Dummy("epsilon")


def _variables(block: str, given) -> list[sympy.Symbol]:
    """The variables of a block: SymPy symbols or their names (never parsed as expressions)."""
    listed = given if isinstance(given, (list, tuple)) else [given]
    out = []
    for v in listed:
        if isinstance(v, str) and v.isidentifier() and v not in RESERVED:
            v = sympy.Symbol(v)
        if not isinstance(v, sympy.Symbol):
            raise ProblemError(f"variables of block {block} must be SymPy symbols or names, got {v!r}")
        out.append(v)
    if not out:
        raise ProblemError(f"block {block} needs at least one variable")
    return out


class Problem:
    """Concrete fields ``{label: [expr, ...]}`` on variables ``{block: [symbol, ...]}``."""

    def __init__(self, blocks: Mapping[str, Sequence[str]], fields: Mapping, variables: Mapping, names=()):
        if not isinstance(variables, Mapping) or not isinstance(fields, Mapping):
            raise ProblemError("fields and variables must be dicts: {label: [expr, ...]} and {block: [symbol, ...]}")
        missing = [b for b in blocks if b not in variables]
        extra = [b for b in variables if b not in blocks]
        if missing or extra:
            raise ProblemError(f"variables must be given for the blocks {list(blocks)}; got {list(variables)}")
        self.variables = {b: _variables(b, variables[b]) for b in blocks}
        self.state = [v for b in blocks for v in self.variables[b]]
        twice = sorted({str(v) for v in self.state if self.state.count(v) > 1})
        if twice:
            where = [b for b, vs in self.variables.items() if sympy.Symbol(twice[0]) in vs]
            raise ProblemError(f"the variable {twice[0]} is listed twice (in {' and '.join(where)})"
                               if len(where) > 1 else f"the variable {twice[0]} is listed twice in block {where[0]}")
        self.blocks = blocks if isinstance(blocks, Blocks) else Blocks(blocks)
        self.block_of = self.blocks.owner             # label -> block
        unknown = sorted(set(fields) - set(self.block_of))
        absent = sorted(set(self.block_of) - set(fields))
        if unknown or absent:
            raise ProblemError(f"fields must be given for the labels {sorted(self.block_of)}; got {sorted(fields)}")
        allowed = [str(v) for v in self.state] + list(names)
        self.fields = {}
        for label, exprs in fields.items():
            listed = exprs if isinstance(exprs, (list, tuple, sympy.MatrixBase, np.ndarray)) else [exprs]
            exprs = [to_expression(e, allowed, f"field {label}") for e in listed]
            size = len(self.variables[self.block_of[label]])
            if len(exprs) != size:
                raise ProblemError(f"field {label} has {len(exprs)} components; its block {self.block_of[label]} has {size} variables")
            self.fields[label] = exprs
        self._contracted: dict = {}
        self._differentials: dict = {}

    def point(self, at, others=(), complete: bool = False) -> dict:
        """``{symbol: exact value}`` for ``at`` (``{variable or its name: value}``, values per
        :mod:`bea.exact`); names may also be the symbols ``others`` (``h``, parameters);
        ``complete``: every variable must be given."""
        if not isinstance(at, dict):
            raise ProblemError(f"the point must be a dict {{variable: value}}, got {type(at).__name__}")
        names = {str(s): s for s in (*others, *self.state)}
        point = {}
        for key, value in at.items():
            symbol = names.get(str(key))
            if symbol is None:
                what = "neither a variable, h nor a parameter of the field" if others else \
                    f"not a variable of the problem ({', '.join(map(str, self.state))})"
                raise ProblemError(f"the point names {key}, which is {what}")
            point[symbol] = exact_number(value, f"the value of {key}")
        missing = [str(v) for v in self.state if v not in point] if complete else []
        if missing:
            raise ProblemError(f"the point gives no value for the variable {missing[0]}")
        return point

    @property
    def slices(self) -> dict[str, range]:
        """For each field label, the positions of its block in the concatenated state."""
        return {label: range(self.offset(b), self.offset(b) + len(self.variables[b])) for label, b in self.block_of.items()}

    def offset(self, block: str) -> int:
        return sum(len(self.variables[b]) for b in list(self.blocks)[: list(self.blocks).index(block)])

    def directions(self, k: int) -> list[list[sympy.Symbol]]:
        return [list(sympy.symbols(f"_w{i}_0:{len(self.state)}")) for i in range(k)]

    def derivative(self, label: str, k: int) -> list[sympy.Expr]:
        """``D^k F_label(w_1, ..., w_k)`` with frozen direction symbols.

        One directional derivative per level, ``D^k F(..., w_k) = d/de D^(k-1) F(y + e w_k)(...)|_(e=0)``:
        a single derivative in ``e`` instead of a sum of ``dim`` partial derivatives, so the
        result keeps the fields' structure (shared sums stay shared).
        """
        key = (label, k)
        if key not in self._contracted:
            if k == 0:
                self._contracted[key] = list(self.fields[label])
            else:
                lower = self.derivative(label, k - 1)
                w = self.directions(k)[k - 1]
                shift = {y: y + _EPSILON * wj for y, wj in zip(self.state, w)}
                self._contracted[key] = [
                    sympy.diff(g.xreplace(shift), _EPSILON).xreplace({_EPSILON: 0}) for g in lower
                ]
        return self._contracted[key]

    def differential(self, tree: Tree | str) -> list[sympy.Expr]:
        """``F(tree)`` as a full-state list (zero outside the block of its root)."""
        tree = tree if isinstance(tree, Tree) else parse_tree(tree)
        if tree not in self._differentials:
            kids = tree.children
            values = self.derivative(tree.label, len(kids))
            if kids:
                subs = {}
                for w, child in zip(self.directions(len(kids)), kids):
                    subs.update(zip(w, self.differential(child)))
                values = [v.xreplace(subs) for v in values]
            block = self.block_of[tree.label]
            out = [sympy.Integer(0)] * len(self.state)
            start = self.offset(block)
            out[start : start + len(values)] = values
            self._differentials[tree] = out
        return self._differentials[tree]
