"""Safe parsing of field expressions typed on the command line.

A field such as ``-epsilon1*phi + theta`` is parsed by a small recursive-descent parser
into a SymPy expression; nothing is ever evaluated by Python.  The grammar is arithmetic
only::

    expr   := term (('+' | '-') term)*
    term   := unary (('*' | '/') unary)*
    unary  := ('+' | '-') unary | power
    power  := atom (('^' | '**') unary)?
    atom   := number | name | function '(' expr ')' | '(' expr ')'

Numbers are integers or decimals, read exactly (``0.09`` is ``9/100``).  Names must be
among the allowed ones (variables and parameters); the functions are the elementary
ones in :data:`FUNCTIONS`.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Iterable

import sympy

from .errors import BeaError
from .exact import UNDEFINED

__all__ = ["parse_expression", "to_expression", "ExpressionError", "FUNCTIONS"]


class ExpressionError(BeaError):
    """A field expression that is not arithmetic in the allowed names."""


FUNCTIONS = {
    "exp": sympy.exp, "log": sympy.log, "sqrt": sympy.sqrt,
    "sin": sympy.sin, "cos": sympy.cos, "tan": sympy.tan, "tanh": sympy.tanh,
    "sigmoid": lambda x: 1 / (1 + sympy.exp(-x)),
}

_MAX_EXPONENT = 64
_TOKEN = re.compile(r"\s*(?:((?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z_0-9]*)|(\*\*|[-+*/^()]))")


def _tokens(text: str) -> list[tuple[str, str]]:
    """``(kind, text)`` pairs, kind one of ``number``, ``name``, ``op``."""
    out, position = [], 0
    stripped = text.rstrip()
    while position < len(stripped):
        match = _TOKEN.match(stripped, position)
        if match is None:
            raise ExpressionError(f"unexpected character {stripped[position:].lstrip()[0]!r} in {text!r}")
        number, name, op = match.groups()
        out.append(("number", number) if number else ("name", name) if name else ("op", op))
        position = match.end()
    return out


def parse_expression(text: str, names: Iterable[str]) -> sympy.Expr:
    """The SymPy expression written in ``text``, using only ``names`` and :data:`FUNCTIONS`.

    >>> parse_expression("-e1*phi + theta^2/2", ["e1", "phi", "theta"])
    -e1*phi + theta**2/2
    """
    allowed = {name: sympy.Symbol(name) for name in names}
    tokens = _tokens(text)
    if not tokens:
        raise ExpressionError("empty expression")
    parser = _Parser(tokens, allowed, text)
    value = parser.expr()
    if parser.position != len(tokens):
        raise ExpressionError(f"unexpected {tokens[parser.position][1]!r} in {text!r}")
    if value.has(*UNDEFINED):
        raise ExpressionError(f"{text!r} divides by zero or is infinite")
    return value


def to_expression(value, names: Iterable[str], what: str = "an expression") -> sympy.Expr:
    """A SymPy expression from text (parsed by :func:`parse_expression`, never evaluated), a number
    or a SymPy object; anything else is refused (SymPy's own ``sympify`` would parse its ``str``).

    >>> to_expression("-x**2/2", ["x"]), to_expression(3, [])
    (-x**2/2, 3)
    """
    if isinstance(value, str):
        return parse_expression(value, names)
    if isinstance(value, bool):
        raise ExpressionError(f"{what}: {value!r} is not an expression")
    try:
        expr = sympy.sympify(value, strict=True)
    except (sympy.SympifyError, TypeError, ValueError):
        raise ExpressionError(f"{what}: cannot use {value!r} of type {type(value).__name__}") from None
    if not isinstance(expr, sympy.Expr):
        raise ExpressionError(f"{what}: {value!r} is not a scalar expression")
    return expr


class _Parser:
    def __init__(self, tokens, allowed, text):
        self.tokens, self.allowed, self.text, self.position = tokens, allowed, text, 0

    def _peek(self) -> str | None:
        return self.tokens[self.position][1] if self.position < len(self.tokens) else None

    def _take(self) -> tuple[str, str]:
        if self.position >= len(self.tokens):
            raise ExpressionError(f"{self.text!r} ends too early")
        self.position += 1
        return self.tokens[self.position - 1]

    def _expect(self, op: str) -> None:
        kind, value = self._take()
        if value != op or kind != "op":
            raise ExpressionError(f"expected {op!r} but found {value!r} in {self.text!r}")

    def expr(self):
        value = self.term()
        while self._peek() in ("+", "-"):
            value = value + self.term() if self._take()[1] == "+" else value - self.term()
        return value

    def term(self):
        value = self.unary()
        while self._peek() in ("*", "/"):
            value = value * self.unary() if self._take()[1] == "*" else value / self.unary()
        return value

    def unary(self):
        if self._peek() in ("+", "-"):
            return self.unary() if self._take()[1] == "+" else -self.unary()
        return self.power()

    def power(self):
        base = self.atom()
        if self._peek() in ("^", "**"):
            self._take()
            exponent = self.unary()
            if exponent.is_number and abs(exponent) > _MAX_EXPONENT:
                raise ExpressionError(f"exponent {exponent} is too large in {self.text!r} (at most {_MAX_EXPONENT})")
            return base ** exponent
        return base

    def atom(self):
        kind, value = self._take()
        if kind == "number":
            return sympy.Rational(Fraction(value))
        if kind == "name":
            if value in FUNCTIONS and self._peek() == "(":
                self._take()
                argument = self.expr()
                self._expect(")")
                return FUNCTIONS[value](argument)
            if value not in self.allowed:
                known = ", ".join(sorted(self.allowed)) or "none"
                raise ExpressionError(f"unknown name {value!r} in {self.text!r} (allowed names: {known}; functions: {', '.join(FUNCTIONS)})")
            return self.allowed[value]
        if value == "(":
            inner = self.expr()
            self._expect(")")
            return inner
        raise ExpressionError(f"unexpected {value!r} in {self.text!r}")
