"""A derived flow on a concrete problem: the modified field as SymPy expressions in the variables.

``sum_terms c h^p F(tree)``, each elementary differential computed by the problem
(:meth:`~bea.concrete.problem.Problem.differential`, contracted derivatives of the fields).
"""

from __future__ import annotations

import sympy

from ..errors import BeaError
from ..result import H
from ..schemes.params import parse_value

__all__ = ["modified_field", "substitutions"]


def modified_field(flow, fields, variables, params=None) -> sympy.Matrix:
    """The modified field of ``flow`` on the problem ``fields``/``variables`` as a column Matrix in the
    variables and ``h``.

    ``params`` optionally gives values (numbers, or symbol names) of the flow's symbolic parameters;
    a name that is not one of them is refused, and text is parsed, never evaluated.

    >>> import bea
    >>> x = sympy.Symbol("x")
    >>> modified_field(bea.derive("euler", 2), {"f": [-x**2]}, {"theta": [x]})
    Matrix([[-h*x**3 - x**2]])
    """
    problem = flow.problem(fields, variables)
    total = [sympy.Integer(0)] * len(problem.state)
    subs = substitutions(flow, params)
    for term in flow.terms:
        coefficient = term.coefficient.xreplace(subs) * H**term.power
        for i, value in enumerate(problem.differential(term.tree)):
            if value != 0:
                total[i] += coefficient * value
    return sympy.Matrix(total)


def substitutions(flow, params) -> dict:
    """``{symbol: value}`` for ``params``, each name a symbolic parameter of ``flow``."""
    if not params:
        return {}
    if not isinstance(params, dict):
        raise BeaError(f"params must be a dict {{name: value}}, got {type(params).__name__}")
    symbolic = {str(v): v for v in flow.params.values() if isinstance(v, sympy.Symbol)}
    unknown = sorted(str(k) for k in params if str(k) not in symbolic)
    if unknown:
        raise BeaError(f"params names {unknown[0]!r}, which is not a symbolic parameter of this flow "
                       f"(symbolic: {', '.join(symbolic) or 'none'})")
    return {symbolic[str(k)]: parse_value(str(k), v) for k, v in params.items()}


class PointEvaluation:
    """The elementary differentials of a problem and their Jacobians at one point, exactly.

    Instead of building ``F(t)`` as an expression in the variables (which swells with the order)
    and substituting the point last, the point goes into the derivative tensors first:
    ``F(a[t_1..t_k])(y0) = D^k F_a(y0)[F(t_1)(y0), ..., F(t_k)(y0)]`` is a contraction of
    numbers.  The Jacobian follows from the product rule,

        d/dy F(t) e_j = D^{k+1} F_a(y0)[F(t_1), ..., F(t_k), e_j] + sum_i D^k F_a(y0)[..., d/dy F(t_i) e_j, ...],

    again in numbers.  Symbols of the fields other than the variables stay symbols.
    """

    def __init__(self, problem, point: dict):
        self.problem = problem
        self.point = {v: point[v] for v in problem.state}
        self._tensors: dict = {}
        self._values: dict = {}
        self._tangents: dict = {}

    def _tensor(self, label: str, k: int) -> list:
        """``D^k F_label(y0)`` as expressions in the direction symbols."""
        if (label, k) not in self._tensors:
            self._tensors[(label, k)] = [sympy.expand(e.xreplace(self.point)) for e in self.problem.derivative(label, k)]
        return self._tensors[(label, k)]

    def _contract(self, label: str, arguments: list) -> list:
        """``D^k F_label(y0)[arguments]`` as a full-state list (zero outside the block of ``label``)."""
        problem = self.problem
        subs = {}
        for w, vector in zip(problem.directions(len(arguments)), arguments):
            subs.update(zip(w, vector))
        values = [sympy.expand(e.xreplace(subs)) for e in self._tensor(label, len(arguments))]
        out = [sympy.Integer(0)] * len(problem.state)
        start = problem.offset(problem.block_of[label])
        out[start:start + len(values)] = values
        return out

    def value(self, tree) -> list:
        """``F(tree)(y0)``."""
        if tree not in self._values:
            self._values[tree] = self._contract(tree.label, [self.value(c) for c in tree.children])
        return self._values[tree]

    def tangent(self, tree, j: int) -> list:
        """``d/dy F(tree)(y0) e_j``: column ``j`` of the Jacobian of ``F(tree)`` at the point."""
        if (tree, j) not in self._tangents:
            kids = [self.value(c) for c in tree.children]
            unit = [sympy.Integer(int(i == j)) for i in range(len(self.problem.state))]
            total = self._contract(tree.label, kids + [unit])
            for i, child in enumerate(tree.children):
                part = self._contract(tree.label, kids[:i] + [self.tangent(child, j)] + kids[i + 1:])
                total = [a + b for a, b in zip(total, part)]
            self._tangents[(tree, j)] = total
        return self._tangents[(tree, j)]


def at_point(flow, problem, point: dict, params=None, jacobian: bool = False):
    """The modified field of ``flow`` on ``problem`` (:meth:`bea.ModifiedFlow.problem`) at ``point``
    (``{variable: exact value}``, every variable given),
    as a column Matrix in ``h`` and the remaining symbols, and with ``jacobian=True`` also its
    Jacobian there -- both exact, without building the field as an expression in the variables
    (:class:`PointEvaluation`).

    >>> import bea
    >>> x = sympy.Symbol("x")
    >>> flow = bea.derive("euler", 2)
    >>> at_point(flow, flow.problem({"f": [-x**2]}, {"theta": [x]}), {x: 3}, jacobian=True)
    (Matrix([[-27*h - 9]]), Matrix([[-27*h - 6]]))
    """
    subs = substitutions(flow, params)
    evaluation = PointEvaluation(problem, point)
    n = len(problem.state)
    field = [sympy.Integer(0)] * n
    columns = [[sympy.Integer(0)] * n for _ in range(n)] if jacobian else []
    for term in flow.terms:
        c = term.coefficient.xreplace(subs) * H**term.power
        field = [a + c * b for a, b in zip(field, evaluation.value(term.tree))]
        for j in range(len(columns)):
            columns[j] = [a + c * b for a, b in zip(columns[j], evaluation.tangent(term.tree, j))]
    value = sympy.Matrix([sympy.expand(x) for x in field])
    if not jacobian:
        return value
    return value, sympy.Matrix(n, n, lambda i, j: sympy.expand(columns[j][i]))
