"""Modified fields, losses, steps, validation and principal flows on *models*: states that are
pytrees of arrays (a network's weights), fields that are the user's own functions.

The mathematics here is backend-neutral and runs over the small interface of
:class:`~bea.models.backend.Backend` (forward-mode derivatives, flattening a state, an accurate
ODE solve, a symmetric eigensolver); :mod:`bea.models.jax_backend` implements it with JAX and
diffrax, and :mod:`bea.jax` is the public face.  A PyTorch backend (``torch.func.jvp``) would be
one more implementation of the interface.
"""
