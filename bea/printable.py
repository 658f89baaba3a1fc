"""How results print: thin delegates to the printers of :mod:`bea.printing`.

Results are plain data; the text, LaTeX and JSON printers spell them (SymPy's design: the
printer dispatches on the class).  A result class inherits these delegates, so
``flow.to_latex(gradient="single")`` is ``bea.printing.to_latex(flow, gradient="single")``.
The printers load on first use (they sit above every result in the layering).
"""

from __future__ import annotations

__all__ = ["Printable"]


class Printable:
    """``to_text``, ``to_latex``, ``to_json``, ``str()`` and Jupyter's ``_repr_latex_``."""

    __slots__ = ()

    def to_text(self, **settings) -> str:
        """The text form (``bea ... --format text``); settings as the text printer's."""
        from .printing import to_text

        return to_text(self, **settings)

    def to_latex(self, **settings) -> str:
        """The LaTeX source (``bea ... --format latex``); settings as the LaTeX printer's."""
        from .printing import to_latex

        return to_latex(self, **settings)

    def to_json(self, **settings) -> dict:
        """The dict printed by ``bea ... --format json``."""
        from .printing import to_json

        return to_json(self, **settings)

    def _repr_latex_(self) -> str | None:
        from .printing import latex_display

        return latex_display(self)

    def __str__(self) -> str:
        return self.to_text()
