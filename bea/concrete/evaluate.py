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
