"""The interface a numerical framework implements so that bea can evaluate its flows on models.

A *state* is a tuple of block states, each an arbitrary pytree of arrays; internally each block
is one flat float64 vector (:meth:`Backend.flatten`), so the mathematics of :mod:`bea.models`
is written once on tuples of vectors.  Everything a backend must supply is below; nothing else of
the framework is used.
"""

from __future__ import annotations

from typing import Callable

__all__ = ["Backend"]


class Backend:
    """Operations on the framework's arrays and functions (all arrays float64).

    * ``flatten(tree) -> (vector, unflatten)``: a pytree as one flat vector and the inverse map.
    * ``jvp(fn, x, v) -> (fn(x), Dfn(x) v)``: forward mode, for one array argument.
    * ``grad(fn, holomorphic=False) -> x -> grad fn(x)``: reverse mode for a scalar function of one
      array; ``holomorphic=True`` for a complex function of complex ``x`` (the complex derivative).
    * ``jacobian(fn, x, holomorphic=False)``: the dense Jacobian matrix (only below a size the caller
      states); ``holomorphic`` as for ``grad``.
    * ``integrate(field, y0, t, args, rtol, atol)``: the solution at time ``t`` (either sign) of
      ``y' = field(y, args)``, ``y`` a tuple of vectors, to the given tolerances (``args``, e.g.
      the step size, is data: solving again with other ``args`` need not recompile); a solve
      that fails or blows up raises :class:`bea.ProblemError`.
    * ``trajectory(field, y0, ts, args, rtol, atol)``: the solution at the increasing times ``ts``
      (from 0), as a list; by default one ``integrate`` per time.
    * ``stop_gradient(x)``: ``x`` as a constant for differentiation (a frozen factor).
    * ``to_numpy(x)`` and ``from_numpy(a)``; ``zeros_like(x)``;
      ``tree_map(fn, *trees)`` leaf by leaf.
    * ``check_float64(x, what)``: refuse a leaf that is not float64 (BEA terms of order ``h^2``
      and beyond drown in float32 round-off), raising :class:`bea.BeaError` naming ``what``.
    * ``compiled(fn)``: ``fn`` (of arrays) prepared for many calls with arrays of one shape (JAX:
      ``jax.jit``); by default ``fn`` itself.
    """

    name = "abstract"

    def flatten(self, tree):
        raise NotImplementedError

    def jvp(self, fn: Callable, x, v):
        raise NotImplementedError

    def grad(self, fn: Callable, holomorphic: bool = False) -> Callable:
        raise NotImplementedError

    def jacobian(self, fn: Callable, x, holomorphic: bool = False):
        raise NotImplementedError

    def integrate(self, field: Callable, y0: tuple, t: float, args, rtol: float, atol: float) -> tuple:
        raise NotImplementedError

    def trajectory(self, field: Callable, y0: tuple, ts, args, rtol: float, atol: float) -> list:
        return [self.integrate(field, y0, t, args, rtol, atol) for t in ts]

    def stop_gradient(self, x):
        raise NotImplementedError

    def to_numpy(self, x):
        raise NotImplementedError

    def from_numpy(self, a):
        raise NotImplementedError

    def zeros_like(self, x):
        raise NotImplementedError

    def tree_map(self, fn: Callable, *trees):
        raise NotImplementedError

    def check_float64(self, tree, what: str) -> None:
        raise NotImplementedError

    def compiled(self, fn: Callable) -> Callable:
        return fn
