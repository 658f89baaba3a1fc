"""How much work a derivation is, before it starts: tree counts, a time and a memory estimate.

The number ``a_n`` of rooted trees with ``n`` nodes, each node labelled by one of ``L``
labels and the children unordered, has the generating function
``A(x) = L x exp(sum_k A(x^k)/k)`` (Pólya; OEIS A000081 for ``L = 1``, A038055 for
``L = 2``), i.e. the recurrence

    a_1 = L,    a_{n+1} = (1 / n) sum_{k=1}^{n} (sum_{d | k} d a_d) a_{n-k+1};

chains (every node at most one child) number ``L^n``.  The engine's work on a tree of
size ``n`` is about ``n^2`` ring operations (its edge cuts times the rows of the Lie series),
growing further with the size of the coefficients; :func:`estimate` turns the counts into
seconds and bytes with constants measured on this project's benchmark machine (one core):
an estimate good to a small factor, not a promise.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import BudgetError

__all__ = ["tree_counts", "Estimate", "estimate", "check_budget", "DEFAULT_SECONDS", "DEFAULT_BYTES"]

#: The default budget: refuse work estimated above ten minutes or 8 GiB.
DEFAULT_SECONDS = 600.0
DEFAULT_BYTES = 8 * 2**30

# seconds per unit of work (n^2 per tree of size n), per coefficient converted to SymPy, and bytes
# per entry of a Lie-series row (n per tree),
# for exact rationals, Laurent polynomials and rational functions (benchmarks/derive.py)
_ENGINE = {"rational": 1.5e-6, "laurent": 3e-5, "fraction": 3e-4}
_CONVERT = {"rational": 2e-5, "laurent": 1.5e-4, "fraction": 2e-2}
_TRACE = {"rational": 1e-7, "laurent": 1e-6, "fraction": 1e-5}     # per tree and field label traced
_ENOUGH = 10**18
_BYTES_PER_ENTRY = {"rational": 120, "laurent": 600, "fraction": 2000}


def tree_counts(order: int, labels: int, chains: bool = False) -> list[int]:
    """``[a_1, ..., a_order]``: the number of labelled rooted trees (or chains) of each size.

    >>> tree_counts(6, 1), tree_counts(4, 2), tree_counts(3, 2, chains=True)
    ([1, 1, 2, 4, 9, 20], [2, 4, 14, 52], [2, 4, 8])
    """
    counts = []
    for a in _counts(labels, chains):
        if len(counts) == order:
            break
        counts.append(a)
    return counts


def _counts(labels: int, chains: bool):
    """``a_1, a_2, ...`` without end (the recurrence of the module docstring)."""
    if chains:
        n = 1
        while True:
            yield labels**n
            n += 1
    a = [0, labels]
    divisor_sums = [0, labels]               # s_k = sum_{d | k} d a_d
    yield labels
    n = 1
    while True:
        total = sum(divisor_sums[k] * a[n - k + 1] for k in range(1, n + 1))
        a.append(total // n)
        yield a[-1]
        n += 1
        divisor_sums.append(sum(d * a[d] for d in range(1, n + 1) if n % d == 0))


@dataclass(frozen=True)
class Estimate:
    """Trees to enumerate, and the estimated seconds and bytes of a derivation."""

    trees: int
    seconds: float
    bytes: float
    complete: bool = True       # False: counting stopped early, the work is larger still

    def __str__(self) -> str:
        more = "" if self.complete else "more than "
        return f"{more}{self.trees:,} trees, {more.strip() or 'about'} {_duration(self.seconds)} and {_size(self.bytes)}"


def estimate(order: int, labels: int, ring: str, chains: bool = False, passes: int = 1) -> Estimate:
    """The work of deriving ``order`` powers over ``labels`` field labels in the ring kind
    ``ring`` (``rational``, ``laurent``, ``fraction``); ``passes`` traces of the step (the
    slow manifold traces once per tree size)."""
    work = trees = entries = 0
    complete = True
    for n, a in enumerate(_counts(labels, chains), start=1):
        if n > order:
            break
        if work > _ENOUGH:                   # far beyond any budget: no need to count on
            complete = False
            break
        work += a * n * n * (1 + n / 100)
        entries += a * n
        trees += a
    seconds = (_ENGINE[ring] * work + _TRACE[ring] * trees * labels) * passes + _CONVERT[ring] * trees * max(1, order / 7)
    return Estimate(trees, seconds, _BYTES_PER_ENTRY[ring] * entries + 3000 * trees, complete)


def check_budget(what: str, cost: Estimate, budget: float | None, option: str) -> None:
    """Refuse work estimated above ``budget`` seconds (or :data:`DEFAULT_BYTES`); ``None``: no limit."""
    if budget is None:
        return
    if cost.seconds > budget or cost.bytes > DEFAULT_BYTES:
        limit = f"the budget of {_duration(budget)}" if cost.seconds > budget else f"{_size(DEFAULT_BYTES)} of memory"
        raise BudgetError(f"{what} would need {cost}, above {limit}; {option} lifts the limit")


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.3g} s"
    if seconds < 7200:
        return f"{seconds / 60:.3g} min"
    if seconds < 2 * 86400 * 365:
        return f"{seconds / 3600:.3g} h"
    return f"{seconds / (86400 * 365):.2g} years"


def _size(n: float) -> str:
    for unit, scale in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20)):
        if n >= scale:
            return f"{n / scale:.3g} {unit}"
    return f"{n / 2**10:.3g} KiB"
