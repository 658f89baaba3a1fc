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

from .errors import ProblemError
from .trees import Tree, parse_tree

__all__ = ["Problem", "ProblemError"]


_EPSILON = sympy.Dummy("epsilon")


class Problem:
    """Concrete fields ``{label: [expr, ...]}`` on variables ``{block: [symbol, ...]}``."""

    def __init__(self, blocks: Mapping[str, Sequence[str]], fields: Mapping, variables: Mapping):
        missing = [b for b in blocks if b not in variables]
        extra = [b for b in variables if b not in blocks]
        if missing or extra:
            raise ProblemError(f"variables must be given for the blocks {list(blocks)}; got {list(variables)}")
        self.variables = {b: [sympy.sympify(v) for v in variables[b]] for b in blocks}
        for b, vs in self.variables.items():
            if not vs or not all(isinstance(v, sympy.Symbol) for v in vs):
                raise ProblemError(f"variables of block {b} must be a non-empty list of SymPy symbols")
        self.state = [v for b in blocks for v in self.variables[b]]
        if len(set(self.state)) != len(self.state):
            raise ProblemError("a variable appears in two blocks")
        self.blocks = {b: tuple(blocks[b]) for b in blocks}
        self.block_of = {label: b for b, labels in self.blocks.items() for label in labels}
        unknown = sorted(set(fields) - set(self.block_of))
        absent = sorted(set(self.block_of) - set(fields))
        if unknown or absent:
            raise ProblemError(f"fields must be given for the labels {sorted(self.block_of)}; got {sorted(fields)}")
        self.fields = {}
        for label, exprs in fields.items():
            exprs = [sympy.sympify(e) for e in (exprs if isinstance(exprs, (list, tuple, sympy.MatrixBase, np.ndarray)) else [exprs])]
            size = len(self.variables[self.block_of[label]])
            if len(exprs) != size:
                raise ProblemError(f"field {label} has {len(exprs)} components; its block {self.block_of[label]} has {size} variables")
            self.fields[label] = exprs
        self._contracted: dict = {}
        self._differentials: dict = {}

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
        tree = parse_tree(tree) if isinstance(tree, str) else tree
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
