"""Eigenpairs of a symmetric operator known only through its products (Hessian- or Jacobian-vector
products of a model): SciPy's ARPACK Lanczos iteration (``eigsh``), after a one-probe check that the
operator is symmetric, so that a non-gradient field is refused rather than given wrong eigenpairs."""

from __future__ import annotations

from typing import Callable

import numpy as np

from ..errors import BeaError, ParameterError

__all__ = ["lanczos_eigenpairs"]


def lanczos_eigenpairs(matvec: Callable, n: int, k: int, which: str, count: str, asymmetric: str):
    """``(eigenvalues, eigenvectors)``: the ``k`` eigenpairs of the symmetric ``n x n`` operator ``matvec``
    selected by ``which`` (``"LM"``: largest magnitude, ``"LA"``: largest).  ``count`` names ``k`` and
    ``asymmetric`` is the message when ``<A p, A p>`` and ``<A A p, p>`` differ for a random probe ``p``
    (the operator is not symmetric); both are :class:`bea.BeaError`."""
    from scipy.sparse.linalg import LinearOperator, eigsh

    if k >= n - 1:
        raise ParameterError(f"{count} must be below the number of parameters minus one ({n - 1}); "
                             "use the dense method (dense_limit) for small models")
    probe = np.random.default_rng(0).standard_normal(n)
    a = matvec(probe)
    if abs(np.dot(matvec(a), probe) - np.dot(a, a)) > 1e-8 * (1 + np.dot(a, a)):
        raise BeaError(asymmetric)
    return eigsh(LinearOperator((n, n), matvec=matvec, dtype=float), k=k, which=which)
