"""ODE integrators for following flows accurately: Gragg-Bulirsch-Stoer extrapolation.

References: [HNW93, Sec II.9] (the GBS method: the modified midpoint rule extrapolated in ``(H/n)^2``).
"""

from __future__ import annotations

import numpy as np

__all__ = ["gbs_step", "continued_trajectory"]


def gbs_step(f, y, H, sequence=(2, 4, 6, 8, 10, 12, 14, 16)):
    """One Gragg-Bulirsch-Stoer step of size ``H`` for ``y' = f(y)``: the modified midpoint rule with
    ``n`` substeps for each ``n`` of ``sequence``, extrapolated in ``(H/n)^2`` (order ``2 len(sequence)``).

    >>> import math
    >>> abs(gbs_step(lambda y: y, 1.0, 0.5) - math.exp(0.5)) < 1e-13      # y(1/2) of y' = y, y(0) = 1
    True
    """
    table: list[list] = []
    for j, n in enumerate(sequence):
        s = H / n
        z0, z1 = y, y + s * f(y)
        for _ in range(n - 1):
            z0, z1 = z1, z0 + 2 * s * f(z1)
        row = [(z0 + z1 + s * f(z1)) / 2]
        for k in range(1, j + 1):
            ratio = (sequence[j] / sequence[j - k]) ** 2
            row.append(row[k - 1] + (row[k - 1] - table[j - 1][k - 1]) / (ratio - 1))
        table.append(row)
    return table[-1][-1]


def continued_trajectory(field, y, T, steps: int, substeps: int = 4, each=iter):
    """States at times ``0, T, ..., steps T`` of ``y' = field(y, branch)``: :func:`gbs_step` on ``substeps``
    macro-steps per ``T``.

    ``branch`` is a list that ``field`` reads and rewrites: the eigenvalues of the step map and their
    logarithms at the last point it was called at (the principal flow continues each logarithm from
    there instead of jumping across the principal cut, [RWQD23, Sec 3]).  Within a macro-step every
    evaluation continues from the macro-step's start; the branch is then moved to its end.  ``each``
    wraps the loop over steps (a progress line).

    >>> import numpy as np
    >>> path = continued_trajectory(lambda y, branch: -y, np.array([1.0]), 0.5, 2)
    >>> bool(np.allclose(path[:, 0], np.exp([0.0, -0.5, -1.0]), atol=1e-13))
    True
    """
    branch: list = []
    field(y, branch)
    out = [y]
    H = T / substeps
    for _ in each(range(steps)):
        for _ in range(substeps):
            memory = list(branch)
            y = gbs_step(lambda z: field(z, list(memory)), y, H)
            field(y, branch)
        out.append(y)
    return np.array(out)
