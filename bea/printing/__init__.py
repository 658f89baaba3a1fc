"""Printers: the text, LaTeX and JSON forms of every result, one printer per language dispatching
on the result's class (:mod:`bea.printing.printer`) over one notation table
(:mod:`bea.printing.notation`).  Results delegate ``to_text`` / ``to_latex`` / ``to_json`` here."""

from __future__ import annotations

__all__ = ["to_text", "to_latex", "latex_display", "to_json"]


def to_text(obj, **settings) -> str:
    """The text form of a result (what ``bea ... --format text`` prints)."""
    from .text import TextPrinter

    return TextPrinter(**settings).doprint(obj)


def to_latex(obj, **settings) -> str:
    """The LaTeX form of a result (``display=True``: with math delimiters, for Jupyter)."""
    from .latex import LatexPrinter

    return LatexPrinter(**settings).doprint(obj)


def latex_display(obj) -> str | None:
    """Jupyter's LaTeX form of a result, or None when it has none (Jupyter then shows its text)."""
    from .latex import LatexPrinter

    printer = LatexPrinter(display=True)
    return printer.doprint(obj) if printer.can_print(obj) else None


def to_json(obj, **settings) -> dict:
    """The JSON-ready dict of a result (what ``bea ... --format json`` prints)."""
    from .json import JsonPrinter

    return JsonPrinter(**settings).doprint(obj)
