"""The JAX implementation of :class:`~bea.models.backend.Backend` (float64 throughout).

Importing this module switches JAX to 64-bit floats (``jax_enable_x64``): the terms of a modified
field at ``h^2`` and beyond are below float32's resolution.  ODE solves use diffrax's 8th-order
Dormand--Prince method with adaptive steps [HNW93, Sec II.5].
"""

from __future__ import annotations

from functools import lru_cache

import jax

jax.config.update("jax_enable_x64", True)

import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
from jax.flatten_util import ravel_pytree  # noqa: E402

from ..errors import BeaError, ProblemError  # noqa: E402
from .backend import Backend  # noqa: E402

__all__ = ["JAX"]


class JaxBackend(Backend):
    """Forward mode by ``jax.jvp``, flattening by ``ravel_pytree``, ODEs by diffrax."""

    name = "jax"

    def flatten(self, tree):
        return ravel_pytree(tree)

    def jvp(self, fn, x, v):
        return jax.jvp(fn, (x,), (v,))

    def grad(self, fn, holomorphic=False):
        return jax.grad(fn, holomorphic=holomorphic)

    def jacobian(self, fn, x, holomorphic=False):
        return jax.jacfwd(fn, holomorphic=holomorphic)(x)

    def integrate(self, field, y0, t, args, rtol, atol):
        import diffrax

        if t == 0:
            return y0
        solution = diffrax.diffeqsolve(_term(field), diffrax.Dopri8(), 0.0, float(t), None, y0, args=args,
                                       stepsize_controller=diffrax.PIDController(rtol=rtol, atol=atol),
                                       max_steps=_MAX_STEPS, saveat=diffrax.SaveAt(t1=True), throw=False)
        if solution.result != diffrax.RESULTS.successful:
            raise ProblemError(f"integrating the modified flow for time {float(t):.3g} did not finish in {_MAX_STEPS} "
                               "steps: the flow is stiff or blows up within that time; use smaller step sizes or "
                               "another state")
        end = jax.tree_util.tree_map(lambda leaf: leaf[-1], solution.ys)
        if not all(bool(jnp.all(jnp.isfinite(leaf))) for leaf in jax.tree_util.tree_leaves(end)):
            raise ProblemError(f"the modified flow blows up within time {float(t):.3g}; use smaller step sizes")
        return end

    def trajectory(self, field, y0, ts, args, rtol, atol):
        """One diffrax solve saved at the times ``ts`` (increasing, from 0)."""
        import diffrax

        ts = jnp.asarray([float(t) for t in ts])
        if float(ts[-1]) == 0:
            return [y0 for _ in ts]
        solution = diffrax.diffeqsolve(_term(field), diffrax.Dopri8(), 0.0, float(ts[-1]), None, y0, args=args,
                                       stepsize_controller=diffrax.PIDController(rtol=rtol, atol=atol),
                                       max_steps=_MAX_STEPS, saveat=diffrax.SaveAt(ts=ts), throw=False)
        if solution.result != diffrax.RESULTS.successful or not all(
                bool(jnp.all(jnp.isfinite(leaf))) for leaf in jax.tree_util.tree_leaves(solution.ys)):
            raise ProblemError(f"integrating the flow for time {float(ts[-1]):.3g} did not finish or blew up; "
                               "use a smaller step size or another state")
        return [jax.tree_util.tree_map(lambda leaf, i=i: leaf[i], solution.ys) for i in range(len(ts))]

    def stop_gradient(self, x):
        return jax.lax.stop_gradient(x)

    def to_numpy(self, x):
        return np.asarray(x)

    def from_numpy(self, a):
        return jnp.asarray(a)

    def zeros_like(self, x):
        return jnp.zeros_like(x)

    def tree_map(self, fn, *trees):
        return jax.tree_util.tree_map(fn, *trees)

    def compiled(self, fn):
        return jax.jit(fn)

    def check_float64(self, tree, what):
        for leaf in jax.tree_util.tree_leaves(tree):
            dtype = getattr(leaf, "dtype", None)
            if dtype is None:
                if not isinstance(leaf, (int, float)):
                    raise BeaError(f"{what} must be a pytree of float64 arrays, got a leaf {type(leaf).__name__}")
                continue
            if dtype != jnp.float64:
                raise BeaError(f"{what} has a {dtype} leaf; bea evaluates modified fields in float64 (terms of "
                               "order h^2 and beyond are below float32 round-off): pass float64 arrays")


_MAX_STEPS = 100_000


@lru_cache(maxsize=8)
def _term(field):
    """One diffrax term per field function (the last few kept), so that repeated solves with other
    ``args`` reuse its compilation."""
    import diffrax

    return diffrax.ODETerm(lambda s, y, args: field(y, args))


JAX = JaxBackend()
