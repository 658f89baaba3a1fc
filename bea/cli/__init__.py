"""The command line: ``bea derive | principal | loss | stability | validate | pf | paper`` (docs/cli.md)."""

from .main import entry_point, main

__all__ = ["main", "entry_point"]
