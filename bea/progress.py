"""Progress lines for long work: timed, on stderr, only when asked (the CLI asks on a terminal).

A :class:`Progress` is called with a message at the start of each phase, and
:meth:`Progress.each` wraps a loop so that a line ``what i/N`` appears at most once a second.
A disabled one costs a function call.
"""

from __future__ import annotations

import sys
import time

__all__ = ["Progress", "progress_for"]


class Progress:
    """``progress(message)`` prints ``name: message (t s)`` to stderr when enabled."""

    def __init__(self, name: str, enabled: bool = True, interval: float = 1.0):
        self.name, self.enabled, self.interval = name, enabled, interval
        self.start = time.perf_counter()

    def __call__(self, message: str) -> None:
        if self.enabled:
            print(f"{self.name}: {message} ({time.perf_counter() - self.start:.2f} s)", file=sys.stderr, flush=True)

    def each(self, items, what: str):
        """The items of a sized iterable, with a line ``what i/N`` at most every ``interval`` seconds."""
        if not self.enabled:
            yield from items
            return
        total = len(items)
        last = time.perf_counter()
        for i, item in enumerate(items):
            now = time.perf_counter()
            if now - last >= self.interval:
                self(f"{what} {i}/{total}")
                last = now
            yield item


def progress_for(progress, name: str) -> Progress:
    """A :class:`Progress` from a flag (``True``/``False``) or an existing one (shared across phases)."""
    if isinstance(progress, Progress):
        return progress
    return Progress(name, bool(progress))
