"""The printer interface: dispatch on the class of the object printed, as SymPy's printers do.

A printer is a class with ``_print_<ClassName>(obj)`` methods; :meth:`Printer.doprint` walks the
object's method resolution order and calls the first one it finds, so a subclass of a result
prints as its parent unless a printer knows it.  Settings are declared once per printer, with
their defaults, and checked when the printer is made.
"""

from __future__ import annotations

from ..errors import BeaError

__all__ = ["Printer"]


class Printer:
    """Base class of the text, LaTeX and JSON printers."""

    #: the output language, for messages
    language = "?"
    #: setting name -> default
    default_settings: dict = {}

    def __init__(self, **settings):
        unknown = sorted(set(settings) - set(self.default_settings))
        if unknown:
            known = ", ".join(self.default_settings) or "none"
            raise BeaError(f"the {self.language} printer has no setting {unknown[0]!r} (its settings: {known})")
        self.settings = {**self.default_settings, **settings}

    def doprint(self, obj):
        """Print ``obj`` with the first ``_print_<Class>`` along its class's MRO."""
        method = self._method(obj)
        if method is None:
            raise BeaError(f"bea has no {self.language} form of a {type(obj).__name__}")
        return method(obj)

    def can_print(self, obj) -> bool:
        """True when this printer has a form for ``obj``."""
        return self._method(obj) is not None

    def _method(self, obj):
        for cls in type(obj).__mro__:
            method = getattr(self, f"_print_{cls.__name__}", None)
            if method is not None:
                return method
        return None
