"""Printers: the text, LaTeX and JSON forms of every result, one printer per language dispatching
on the result's class (:mod:`bea.printing.printer`) over one notation table
(:mod:`bea.printing.notation`).  Results delegate ``to_text`` / ``to_latex`` / ``to_json`` here."""

from __future__ import annotations

__all__ = ["to_text", "to_latex", "latex_display", "to_json", "formatted"]


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


def formatted(obj, format: str, **settings) -> str:
    """What ``bea ... --format FORMAT`` prints: text, LaTeX, or JSON (indented).  Each printer gets the
    settings it declares (e.g. ``gradient`` all three, ``full`` only JSON)."""
    import json

    from .json import JsonPrinter
    from .latex import LatexPrinter
    from .text import TextPrinter

    printer = {"text": TextPrinter, "latex": LatexPrinter, "json": JsonPrinter}[format]
    out = printer(**{k: v for k, v in settings.items() if k in printer.default_settings}).doprint(obj)
    return json.dumps(out, indent=2) if format == "json" else out


def to_json(obj, **settings) -> dict:
    """The JSON-ready dict of a result (what ``bea ... --format json`` prints)."""
    from .json import JsonPrinter

    return JsonPrinter(**settings).doprint(obj)
