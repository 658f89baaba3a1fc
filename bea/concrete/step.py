"""One step of a scheme on a concrete problem, in floating point: the discrete update itself.

The scheme's own update function runs on numbers (:func:`bea.schemes.program.run_numerically`, the interpreter
that validation and the principal flow compare against), with the fields lambdified by NumPy.  Methods that
read past iterates (momentum, optimistic) take them as ``history``.
"""

from __future__ import annotations

import numpy as np
import sympy

from ..errors import ParameterError, ProblemError
from ..exact import exact_number
from ..schemes.builtins import make_scheme
from ..schemes.program import run_numerically, uses_previous_iterates
from .problem import Problem

__all__ = ["step"]


def step(scheme, fields, variables, state, h, *, history=None, time: str = "same", players: int | None = None,
         **params) -> np.ndarray:
    """One step of ``scheme`` from ``state`` (the concatenated state, blocks in order) with step size ``h``, as a
    float64 NumPy vector; ``fields``/``variables`` as for :meth:`bea.ModifiedFlow.lambdify`, the scheme's
    parameters as numbers.  ``history[j - 1]`` is the state ``j`` steps back, for methods that read it.

    >>> import sympy
    >>> x = sympy.Symbol("x")
    >>> step("heun", {"f": [-x]}, {"theta": [x]}, [1.0], "1/2").tolist()       # 1 - h + h^2/2
    [0.625]
    """
    machine = make_scheme(scheme, time=time, players=players, **params)
    if any(isinstance(v, sympy.Basic) and v.free_symbols for v in machine.params.values()):
        unset = sorted(str(s) for v in machine.params.values() if isinstance(v, sympy.Basic) for s in v.free_symbols)
        raise ParameterError(f"a numerical step needs every parameter of {machine.name!r} as a number; give {unset[0]}")
    problem = Problem(machine.blocks, fields, variables)
    stray = sorted({str(s) for exprs in problem.fields.values() for e in exprs for s in e.free_symbols}
                   - {str(v) for v in problem.state})
    if stray:
        raise ProblemError(f"the fields use the symbol {stray[0]}, which is not a variable; give it a value")
    y = _vector(state, len(problem.state), "the state")
    size = float(exact_number(h, "the step size h"))
    functions = {label: sympy.lambdify([problem.state], exprs, "numpy") for label, exprs in problem.fields.items()}
    past = None
    if uses_previous_iterates(machine):
        if history is None:
            raise ParameterError(f"{machine.name!r} reads past iterates: give history=[previous state, ...]")
        rows = [_vector(row, len(y), "a state of the history") for row in history]
        past = lambda j: list(rows[j - 1]) if j <= len(rows) else _short(machine.name, j)

    def field(label, z):
        return np.asarray(functions[label](np.asarray(z, dtype=float)), dtype=float).reshape(-1)

    return np.array(run_numerically(machine, list(y), size, problem.slices, field, history=past), dtype=float)


def _vector(values, n: int, what: str) -> np.ndarray:
    try:
        out = np.asarray(values, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        raise ParameterError(f"{what} must be {n} numbers, got {values!r}") from None
    if out.shape != (n,) or not np.all(np.isfinite(out)):
        raise ParameterError(f"{what} must be {n} finite numbers, got {values!r}")
    return out


def _short(name: str, j: int):
    raise ParameterError(f"{name!r} needs the state {j} steps back; the history is shorter")
