"""``python -m bea``: the same program as the ``bea`` command."""

from .cli import entry_point

entry_point()
