"""bea on models in JAX: modified fields, losses, steps, validation and principal flows on pytrees.

Install with ``pip install 'bea[jax]'``.  Importing this module switches JAX to float64
(``jax_enable_x64``); float32 states are refused.  Fields and losses are the user's JAX functions
taking the block states as positional arguments in block order (one block: ``f(theta)``; two:
``f(phi, theta)``; SGD: ``f1(theta)``, ..., ``fn(theta)``), each field returning a pytree shaped
like its own block.  Everything returned is jit-able and vmap-able.

>>> import bea, bea.jax, jax.numpy as jnp
>>> F = bea.jax.field(bea.derive("euler", 2), {"f": lambda x: -x})     # E = |x|^2 / 2
>>> [round(float(v), 12) for v in F(jnp.array([1.0, 2.0]), 0.1)]      # f - h/2 f'f = -(1 + h/2) x
[-1.05, -2.1]

The mathematics lives in :mod:`bea.models` over the backend interface of
:mod:`bea.models.backend`; this module binds it to :mod:`bea.models.jax_backend`.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Callable, Mapping, Sequence

from .models.jax_backend import JAX
from .models.field import model_field
from .models.loss import model_loss
from .models.principal_flow import ModelPrincipalFlow, model_principal_flow
from .models.drift import model_drift, model_loss_change
from .models.eos import ModelLoss, model_constants, model_lyapunov, model_rotation
from .models.spectral import model_spectral
from .models.step import bound_scheme, model_step
from .models.validate import model_validate

__all__ = ["field", "loss", "step", "validate", "principal_flow", "ModelPrincipalFlow", "spectral", "drift",
           "loss_change", "eos"]


def field(flow, fields: Mapping[str, Callable], params: dict | None = None) -> Callable:
    """``F(state, h)``: the truncated modified field of ``flow`` (:func:`bea.derive`) on JAX pytrees.

    Each elementary differential ``F(l[t_1..t_k]) = D^k F_l (F(t_1), ..., F(t_k))`` is a nested
    ``jax.jvp`` of the root's field along its children's vectors, each distinct subtree computed
    once per call; no Jacobian or Hessian is formed.  ``params`` gives values for the flow's
    symbolic parameters.  Returns the field as a pytree like the state: for one block
    ``F(theta, h)``, for two ``F((phi, theta), h) -> (phi_dot, theta_dot)``.

    References: [HLW06, Sec III.1], [RWQD23, Sec 2], [Ros23, Ch. 4].
    """
    return model_field(flow, fields, JAX, params)


def loss(modified_loss, losses: Mapping[str, Callable], params: dict | None = None) -> Callable:
    """``L(state, h)``: a modified loss of :func:`bea.modified_loss` as a JAX function (a scalar for one
    block, a tuple of the blocks' losses for two), with ``grad_b L_b == -F_b`` for the same flow.

    ``losses`` maps the system's loss names (``E``; ``E_phi``, ``E_theta``; ``E1``..``En``) to
    functions of the block states.  Factors frozen by the thesis's Ch. 5 construction
    (``frozen=True``) are held constant for differentiation (``jax.lax.stop_gradient``).

    References: [BD21], [SDBD21], [Ros23, Secs 4.4-4.5 and Ch. 5].
    """
    return model_loss(modified_loss, losses, JAX, params)


def step(scheme, fields: Mapping[str, Callable], state, h, *, time: str = "same", players: int | None = None,
         previous: Sequence | None = None, **params):
    """One step of a bea scheme (a built-in name, ``path.py:function`` or ``@bea.scheme``) on JAX
    pytrees: the same update function the engine traces, run on arrays.  Unset parameters take the
    numeric defaults ``bea validate`` uses; ``previous`` lists earlier iterates (most recent first)
    for schemes that read them."""
    return model_step(bound_scheme(scheme, time=time, players=players, **params), fields, state, h, JAX, previous)


def validate(flow, fields: Mapping[str, Callable], state, hs: Sequence, params: dict | None = None, *,
             rtol: float = 1e-13, atol: float = 1e-15):
    """The local error of one scheme step against the flow of the truncated modified field,
    integrated by diffrax (8th-order Dormand--Prince, tolerances ``rtol``, ``atol``), over the
    ladder of step sizes ``hs``: a :class:`bea.Validation` whose observed orders should reach
    ``flow.order + 1``."""
    return model_validate(flow, fields, state, hs, JAX, params, rtol, atol)


def principal_flow(fields: Mapping[str, Callable], state, h, *, dense_limit: int = 2000, rank: int = 20,
                   tail_degree: int = 2) -> ModelPrincipalFlow:
    """The principal flow of gradient descent on a model (one block, ``f``):
    ``PF = phi(h J) f`` with ``J = Df`` and ``phi(z) = log(1 + z)/z`` [RWQD23, Def 3.1].

    Up to ``dense_limit`` parameters the Jacobian is formed (``jax.jacfwd``) and decomposed;
    beyond it the ``rank`` eigenpairs of largest magnitude are found by Lanczos iteration on
    Jacobian-vector products (SciPy's ``eigsh``; ``J`` symmetric, i.e. ``f`` a negative
    gradient) and the rest of the space is given the Taylor polynomial of ``phi`` of degree
    ``tail_degree`` (see :mod:`bea.models.principal_flow`).
    """
    return model_principal_flow(fields, state, h, JAX, dense_limit, rank, tail_degree)


def spectral(fields: Mapping[str, Callable], state, h, *, k: int = 1, weight_decay=0, dense_limit: int = 2000):
    """Spectral diagnostics of gradient descent on a model (one block, ``f = -grad E``): the
    :class:`bea.Spectral` of :func:`bea.spectral` from Hessian-vector products (forward mode).  Up to
    ``dense_limit`` parameters every eigenpair; beyond it the top ``k`` by Lanczos iteration
    (:mod:`bea.models.spectral`).  Eigenvectors are flat, in the order of ``jax.flatten_util.ravel_pytree``.
    """
    return model_spectral(fields, state, h, JAX, k, weight_decay, dense_limit)


def drift(fields: Mapping[str, Callable], state, h, *, beta=None, velocity=None, samples: int = 16):
    """The drift of one gradient-descent step from the NGF on a model (TMLR Thm 6.1), or with ``beta`` of one
    heavy-ball step (``velocity``: the last update, default the slow manifold's) from the flow of
    ``-grad E/(1 - beta)``: :class:`bea.analysis.drift.Drift`, the flow by diffrax (:mod:`bea.models.drift`)."""
    return model_drift(fields, state, h, JAX, beta, velocity, samples)


def loss_change(scheme, loss: Callable, state, *, order: int = 3, **params):
    """``E(theta+) - E(theta)`` over one step of a one-field scheme on a model, through ``h^order``: the
    coefficients of the series (floats) and the second-order threshold, as :func:`bea.loss_change`."""
    return model_loss_change(scheme, loss, state, JAX, order, **params)


def _eos_constants(loss: Callable, state, h, *, dense_limit: int = 2000):
    """Damian et al.'s constants (:func:`bea.eos.constants`) on a model with scalar loss ``loss(theta)``."""
    return model_constants(loss, state, h, JAX, dense_limit)


def _eos_rotation(loss: Callable, state, h, flow: str = "gd", *, dense_limit: int = 2000):
    """The rotation of the top eigenvector under one step of ``gd``, or the ``ngf``, the ``igr`` flow, the
    ``pf`` (the loss continued to complex parameters; dense) or a ModifiedFlow for time ``h`` (:func:`bea.eos.rotation`)."""
    return model_rotation(loss, state, h, JAX, flow, dense_limit)


def _eos_lyapunov(fields: Mapping[str, Callable], state, h, steps: int, *, dense_limit: int = 200, seed: int = 0):
    """The finite-time Lyapunov exponent of gradient descent on a model (:func:`bea.eos.lyapunov`): every
    tangent up to ``dense_limit`` parameters, one seeded random tangent beyond (:mod:`bea.models.eos`)."""
    return model_lyapunov(fields, state, h, steps, JAX, dense_limit, seed)


def _eos_project(loss: Callable, state, h, *, dense_limit: int = 2000):
    """Damian et al.'s ``proj_M`` (:func:`bea.eos.project`) on a model: a flat float64 vector."""
    from .analysis.eos import project_on

    oracle = ModelLoss(loss, state, JAX, dense_limit)
    return project_on(oracle, oracle.point, h)


def _eos_constrained(loss: Callable, state, h, steps: int, *, dense_limit: int = 2000):
    """The constrained trajectory ``theta_dagger`` (:func:`bea.eos.constrained`) on a model: rows of flat vectors."""
    from .analysis.eos import constrained_on

    oracle = ModelLoss(loss, state, JAX, dense_limit)
    return constrained_on(oracle, oracle.point, h, steps)


def _eos_predicted(loss: Callable, state, h, steps: int, *, dense_limit: int = 2000):
    """Damian et al.'s predicted dynamics (:func:`bea.eos.predicted`) on a model, from ``state``."""
    from .analysis.eos import predicted_on

    oracle = ModelLoss(loss, state, JAX, dense_limit)
    return predicted_on(oracle, oracle.point, h, steps)


def _eos_two_cycle(loss: Callable, state, h, *, guess: float | None = None, dense_limit: int = 2000):
    """The 2-cycle of gradient descent along the top eigenvector at ``state`` (:func:`bea.eos.two_cycle`)."""
    from .analysis.eos import two_cycle_on

    oracle = ModelLoss(loss, state, JAX, dense_limit)
    return two_cycle_on(oracle, oracle.point, h, guess)


def _eos_iterates(loss: Callable, state, h, steps: int):
    """Gradient descent on a model with underflow and overflow reported (:func:`bea.eos.iterates`)."""
    from .analysis.eos import iterates_on

    oracle = ModelLoss(loss, state, JAX)
    return iterates_on(oracle, oracle.point, h, steps)


#: the edge-of-stability tools on models (:mod:`bea.models.eos`): the names of :mod:`bea.eos`, with a scalar
#: ``loss(state)`` (or ``fields`` for the Lyapunov exponent) and a pytree ``state`` in place of expressions and
#: variables; points and trajectories come back as flat float64 vectors (``jax.flatten_util.ravel_pytree``'s order)
eos = SimpleNamespace(constants=_eos_constants, rotation=_eos_rotation, lyapunov=_eos_lyapunov, project=_eos_project,
                      constrained=_eos_constrained, predicted=_eos_predicted, two_cycle=_eos_two_cycle,
                      iterates=_eos_iterates)
