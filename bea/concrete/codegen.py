"""NumPy code generation for modified fields of concrete problems.

The generated field is *staged* like the series itself: for every label ``l`` and number
of children ``k`` one NumPy function evaluates the contracted derivative
``D^k F_l(y)(w_1, ..., w_k)`` (generated once, with common-subexpression elimination);
the elementary differentials are then computed numerically in order of tree size,
``F(l[t_1..t_k]) = D^k F_l(y)(F(t_1), ..., F(t_k))``, each tree once, and summed with the
numeric coefficients.  Nothing of size (number of trees) x (size of a derivative) is ever
built symbolically, so problems with many parameters stay cheap.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import sympy

from ..errors import ParameterError, ProblemError
from ..schemes.params import parse_value

__all__ = ["staged_field", "numeric_weights", "numeric_coefficient", "parameter_values", "subtree_closure"]


def _check_numeric(exprs, allowed) -> None:
    free = set().union(*(e.free_symbols for e in exprs)) - set(allowed)
    if free:
        names = ", ".join(sorted(str(s) for s in free))
        raise ParameterError(f"the field still has symbolic parameters ({names}); give their values")


def _columns(y, dim: int):
    y = np.asarray(y)
    if y.shape[-1:] != (dim,):
        raise ProblemError(f"the state must have last dimension {dim}, got shape {y.shape}")
    return y, [y[..., i] for i in range(dim)]


def _stack(columns, like) -> np.ndarray:
    base = np.zeros(like.shape[:-1], dtype=np.result_type(like, float))
    return np.stack([base + c for c in columns], axis=-1)


def staged_field(terms, problem, params: dict | None = None) -> Callable:
    """``F(y, h) = sum_terms c h^p F(tree)(y)``, the elementary differentials evaluated in stages.

    ``terms`` are :class:`~bea.result.Term` objects, ``problem`` a :class:`~bea.concrete.problem.Problem`;
    ``params`` gives values of symbolic coefficients.  ``y`` may be a batch ``(..., dim)``.
    """
    weights = numeric_weights(terms, params)
    _check_numeric([e for exprs in problem.fields.values() for e in exprs], problem.state)
    trees = subtree_closure([tree for tree, _, _ in weights])
    derivative = {}
    for tree in trees:
        key = (tree.label, len(tree.children))
        if key not in derivative:
            derivative[key] = _derivative_function(problem, *key)
    dim = len(problem.state)
    spans = {label: (r.start, r.stop) for label, r in problem.slices.items()}

    def field(y, h):
        y, cols = _columns(y, dim)
        zero = np.zeros(y.shape[:-1], dtype=np.result_type(y, float))
        values: dict = {}
        for tree in trees:
            start, stop = spans[tree.label]
            args = [c for child in tree.children for c in values[child]]
            block = derivative[(tree.label, len(tree.children))](*cols, *args)
            full = [zero] * dim
            full[start:stop] = [zero + b for b in block]
            values[tree] = full
        total = [zero] * dim
        for tree, power, weight in weights:
            scale = weight * h**power
            total = [t + scale * v for t, v in zip(total, values[tree])]
        return np.stack(total, axis=-1)

    field.state = list(problem.state)
    return field


def numeric_weights(terms, params: dict | None = None) -> list[tuple]:
    """``[(tree, power, weight)]``: each term's coefficient as a float (complex if it is not real),
    with ``params`` ({name: value}) giving the values of symbolic parameters; an error names
    any parameter still symbolic."""
    subs = parameter_values(params)
    return [(term.tree, term.power, numeric_coefficient(term.coefficient, subs)) for term in terms]


def parameter_values(params: dict | None) -> dict:
    """``{Symbol: exact value}`` from ``{name: value}`` (values as the scheme parameters read them)."""
    return {sympy.Symbol(str(k)): parse_value(str(k), v) for k, v in (params or {}).items()}


def numeric_coefficient(coefficient, subs: dict):
    """A SymPy coefficient with the parameter values ``subs`` put in, as a float (complex if it is not
    real); an error names any parameter still symbolic."""
    coefficient = sympy.sympify(coefficient).xreplace(subs)
    _check_numeric([coefficient], [])
    return complex(coefficient) if not coefficient.is_real else float(coefficient)


def subtree_closure(trees) -> list:
    """The trees and all their subtrees, smallest first (children before parents): the order in
    which staged evaluation computes each elementary differential once."""
    seen: set = set()
    stack = list(trees)
    while stack:
        tree = stack.pop()
        if tree not in seen:
            seen.add(tree)
            stack.extend(tree.children)
    return sorted(seen, key=lambda t: (t.order, t.sort_key))


def _derivative_function(problem, label: str, k: int) -> Callable:
    """NumPy ``(y..., w_1..., ..., w_k...) -> D^k F_label(y)(w_1, ..., w_k)`` with CSE."""
    directions = [w for ws in problem.directions(k) for w in ws]
    return sympy.lambdify([*problem.state, *directions], problem.derivative(label, k), modules="numpy", cse=True)
