"""Text and LaTeX notation for elementary differentials and sums of terms.

* One block (``euler``, ``sgd``): primes, as in Hairer-Lubich-Wanner --
  ``f[f]`` is ``f'f``, ``f[f,f]`` is ``f''(f,f)``, ``f[f[f,f]]`` is ``f'f''(f,f)``.
* Several blocks (games): block-wise partial derivatives, one subscript per child --
  ``f[g]`` is ``\\partial_\\theta f\\, g``, ``f[f,g]`` is ``\\partial_{\\phi\\theta} f\\,(f, g)``.
"""

from __future__ import annotations

import re
from typing import Callable, Iterable

import sympy

from ..algebra.trees import Tree

__all__ = ["tree_latex", "label_latex", "block_latex", "signed_sum"]

_GREEK = {"phi", "theta", "psi", "eta", "mu", "nu", "lambda", "omega", "alpha", "beta", "gamma", "sigma"}


def label_latex(label: str) -> str:
    """``f`` -> ``f``; ``f12`` -> ``f_{12}``."""
    match = re.fullmatch(r"([A-Za-z]+)(\d+)", label)
    return f"{match.group(1)}_{{{match.group(2)}}}" if match else label


def block_latex(block: str) -> str:
    return f"\\{block}" if block in _GREEK else block


def tree_latex(tree: Tree, block_of: Callable[[str], str] | None = None) -> str:
    """LaTeX of ``F(tree)``; ``block_of`` (label -> block) selects the partial-derivative form."""
    name = label_latex(tree.label)
    kids = tree.printed_children
    if not kids:
        return name
    args = [tree_latex(c, block_of) for c in kids]
    if block_of is None:
        k = len(kids)
        derivative = name + "'" * k if k <= 3 else f"{name}^{{({k})}}"
        space = ""
    else:
        blocks = "".join(block_latex(block_of(c.label)) for c in kids)
        derivative = f"\\partial_{{{blocks}}} {name}"
        space = "\\, "
    if len(kids) == 1:
        return f"{derivative}{space}{args[0]}"
    return f"{derivative}{space}({', '.join(args)})"


def signed_sum(
    terms: Iterable[tuple[sympy.Expr, str]],
    show: Callable[[sympy.Expr], str],
    times: str = " ",
) -> str:
    """Join ``coefficient * thing`` pairs into ``a X - b Y + (c + d) Z``.

    ``show`` prints a coefficient; sums are parenthesised; unit coefficients are omitted.
    """
    out = []
    for coeff, thing in terms:
        negative = coeff.could_extract_minus_sign()
        magnitude = -coeff if negative else coeff
        if magnitude == 1:
            body = thing
        elif isinstance(magnitude, sympy.Add):
            body = f"({show(magnitude)}){times}{thing}"
        else:
            body = f"{show(magnitude)}{times}{thing}"
        if out:
            out.append(f"- {body}" if negative else f"+ {body}")
        else:
            out.append(f"-{body}" if negative else body)
    return " ".join(out) if out else "0"
