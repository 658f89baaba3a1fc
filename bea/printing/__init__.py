"""Printers: text, LaTeX and JSON forms of every result, over one notation table (internal)."""
