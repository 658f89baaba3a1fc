"""The notation table: how one traversal of a tree or a potential is spelt in text and in LaTeX.

Elementary differentials of trees (docs/conventions.md):

* one block (``euler``, ``sgd``): primes, as in Hairer-Lubich-Wanner --
  ``f[f]`` is ``f'f``, ``f[f,f]`` is ``f''(f,f)``, ``f[f[f,f]]`` is ``f'f''(f,f)``;
* several blocks (games): block-wise partial derivatives, one subscript per child --
  ``f[g]`` is ``\\partial_\\theta f\\, g``, ``f[f,g]`` is ``\\partial_{\\phi\\theta} f\\,(f, g)``.

In a gradient system (:mod:`bea.analysis.gradient`) the same tree is a contraction of loss
derivatives, ``G(l[t_1..t_k]) = grad^{k+1}_{b(l) b(t_1)..b(t_k)} E_l [G(t_1), ..., G(t_k)]``
[Ros23, Sec 2.3]: :func:`differential` and :func:`potential` walk it once and ask a
:class:`Notation` (``TEXT`` or ``LATEX``) how to spell each piece.  In text, a tree is its
canonical form ``f[g]``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Callable, Iterable

import sympy

from ..algebra.coefficient import ExactCoefficient
from ..algebra.trees import Tree

__all__ = ["Notation", "TEXT", "LATEX", "tree_latex", "label_latex", "block_latex", "signed_sum",
           "complex_number", "python_complex", "observed_order", "text_safe", "signed_terms", "key_latex", "differential", "potential"]

_GREEK = {"phi", "theta", "psi", "eta", "mu", "nu", "lambda", "omega", "alpha", "beta", "gamma", "sigma"}


def label_latex(label: str) -> str:
    """``f`` -> ``f``; ``f12`` -> ``f_{12}``."""
    match = re.fullmatch(r"([A-Za-z]+)(\d+)", label)
    return f"{match.group(1)}_{{{match.group(2)}}}" if match else label


def block_latex(block: str) -> str:
    """``theta`` -> ``\\theta``; other names unchanged."""
    return f"\\{block}" if block in _GREEK else block


def tree_latex(tree: Tree, block_of: Callable[[str], str] | None = None) -> str:
    """LaTeX of ``F(tree)``; ``block_of`` (label -> block) selects the partial-derivative form.

    >>> from bea.algebra.trees import parse_tree
    >>> tree_latex(parse_tree("f[f,f[f]]")), tree_latex(parse_tree("f[g]"), {"f": "phi", "g": "theta"}.get)
    ("f''(f, f'f)", '\\\\partial_{\\\\theta} f\\\\, g')
    """
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


def signed_sum(terms: Iterable[tuple[sympy.Expr, str]], show: Callable[[sympy.Expr], str], times: str = " ") -> str:
    """Join ``coefficient * thing`` pairs into ``a X - b Y + (c + d) Z``.

    ``show`` prints a coefficient (a SymPy expression, or for text an
    :class:`~bea.algebra.coefficient.ExactCoefficient`); sums are parenthesised (``\\left( \\right)`` when
    ``show`` is ``sympy.latex``, so the brackets grow with the fractions inside); unit coefficients are omitted.

    >>> a = sympy.Symbol("a")
    >>> signed_sum([(1, "X"), (-a / 2, "Y"), (a + 1, "Z")], str)
    'X - a/2 Y + (a + 1) Z'
    """
    return " ".join(signed_terms(terms, show, times)) or "0"


def signed_terms(terms: Iterable[tuple[sympy.Expr, str]], show: Callable[[sympy.Expr], str], times: str = " ") -> list:
    """The pieces of :func:`signed_sum`, each with its sign (``X``, ``- a/2 Y``, ``+ (a + 1) Z``): a long sum
    can be broken between them."""
    opening, closing = ("\\left(", "\\right)") if show is sympy.latex else ("(", ")")
    out = []
    for coeff, thing in terms:
        coeff = coeff if isinstance(coeff, ExactCoefficient) else sympy.sympify(coeff)
        negative = coeff.could_extract_minus_sign()
        magnitude = -coeff if negative else coeff
        if magnitude == 1:
            body = thing
        elif magnitude.is_Add:
            body = f"{opening}{show(magnitude)}{closing}{times}{thing}"
        else:
            body = f"{show(magnitude)}{times}{thing}"
        if out:
            out.append(f"- {body}" if negative else f"+ {body}")
        else:
            out.append(f"-{body}" if negative else body)
    return out


def complex_number(value, digits: int = 10, unit: str = " i", tolerance: float = 1e-15) -> str:
    """A (complex) number to ``digits`` significant digits; the imaginary part, unless below
    ``tolerance`` relative to the real part, as ``a + b i`` (``unit=" i"``) or ``a+bj``
    (``unit="j"``, Python's spelling).

    >>> complex_number(1 / 3), complex_number(1 - 2j), complex_number(0.5 + 1j, 12, "j")
    ('0.3333333333', '1 - 2 i', '0.5+1j')
    """
    number = complex(sympy.N(value, 30)) if isinstance(value, sympy.Basic) else complex(value)
    if abs(number.imag) <= tolerance * max(1.0, abs(number.real)):
        return f"{number.real:.{digits}g}"
    sign = "+" if number.imag >= 0 else "-"
    spaced = " " if unit == " i" else ""
    return f"{number.real:.{digits}g}{spaced}{sign}{spaced}{abs(number.imag):.{digits}g}{unit}"


def observed_order(order: float) -> str:
    """An observed order to three decimals; ``exact`` when the errors vanished (NaN)."""
    return "exact" if math.isnan(order) else f"{order:.3f}"


def python_complex(value) -> str:
    """A complex number as the principal flow's output writes it: 12 digits, Python's ``a+bj``."""
    return complex_number(value, 12, "j", 1e-14)


_GREEK_NAMES = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "kappa", "lambda", "mu", "nu",
                "xi", "pi", "rho", "sigma", "tau", "phi", "chi", "psi", "omega", "Gamma", "Delta", "Theta", "Lambda",
                "Sigma", "Phi", "Psi", "Omega"}
_KEY_TOKENS = re.compile(r"[A-Za-z]+|\d+(?:\.\d+)?|\s+|.")


def key_latex(name: str) -> str:
    """A quantity's name (``alpha_max, a beta = -1/2``, ``h^3 (Hess E)^3 grad E``) as LaTeX math: words upright,
    Greek names as letters, ``_x`` and ``^x`` as sub- and superscripts, spaces kept -- never math inside
    ``\\text{}``, which MathJax does not typeset there.

    >>> print(key_latex("alpha_max, a beta = -1/2"))
    \\alpha_{\\mathrm{max}},\\ a\\ \\beta\\ =\\ -1/2
    >>> print(key_latex("h^3 (Hess E)^3 grad E"))
    h^{3}\\ (\\mathrm{Hess}\\ E)^{3}\\ \\mathrm{grad}\\ E
    """
    tokens = _KEY_TOKENS.findall(name)
    out, i = [], 0

    def atom(token: str) -> str:
        if token in _GREEK_NAMES:
            return f"\\{token}"
        if token.isalpha() and len(token) > 1:
            return f"\\mathrm{{{token}}}"
        if token.isspace():
            return "\\ "
        if token in "{}#$%&~\\'":
            return {"'": "\\text{'}", "{": "\\{", "}": "\\}"}.get(token, "")
        return token

    while i < len(tokens):
        token = tokens[i]
        if token in "_^" and i + 1 < len(tokens) and not tokens[i + 1].isspace():
            group = tokens[i + 1]
            if group == "{":                                  # an already braced group: up to its brace
                j = tokens.index("}", i + 2) if "}" in tokens[i + 2:] else len(tokens)
                inner = "".join(atom(t) for t in tokens[i + 2:j])
                out.append(f"{token}{{{inner}}}")
                i = j + 1
                continue
            out.append(f"{token}{{{atom(group)}}}")
            i += 2
            continue
        out.append(atom(token))
        i += 1
    return "".join(out)


def text_safe(name: str) -> str:
    """A name, safe inside LaTeX's ``\\text{}`` (backslashes dropped, underscores and carets escaped)."""
    return name.replace("\\", "").replace("_", "\\_").replace("^", "\\^{}")


# -- the table ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Notation:
    """How each piece of a printed term is spelt (one instance per output language)."""

    coefficient: Callable[[sympy.Expr], str]        # a SymPy coefficient
    block: Callable[[str], str]                     # a block name
    loss: Callable[[str], str]                      # a loss name (E, E_phi, E3)
    frozen: Callable[[str], str]                    # a factor taken at theta_{t-1}
    inner: Callable[[str, str], str]                # grad E . v
    norm_squared: Callable[[str], str]              # |v|^2
    big_o: Callable[[int], str]                     # O(h^p)
    tree: Callable[[Tree, Callable | None], str]    # F(tree); the callable maps labels to blocks (games)
    grad: str                                       # the gradient operator
    group: Callable[[str], str]                     # a super- or subscript
    exact: bool = False                             # print derived coefficients from their ring (text)
    mixed: Callable[[list], str] = lambda names: "".join(names)     # the blocks of a mixed derivative

    def nabla(self, blocks: list[str]) -> str:
        """``grad^k_theta`` when all blocks agree, ``grad_(phi,theta)`` (text) or ``\\nabla_{\\phi\\theta}`` (LaTeX)
        otherwise."""
        k, names = len(blocks), [self.block(b) for b in blocks]
        if len(set(blocks)) == 1:
            return f"{self.grad}{'^' + self.group(str(k)) if k > 1 else ''}_{self.group(names[0])}"
        return f"{self.grad}_{self.group(self.mixed(names))}"


def _loss_latex(loss: str) -> str:
    if loss.startswith("E_"):
        return f"E_{{{block_latex(loss[2:])}}}"
    return f"E_{{{loss[1:]}}}" if len(loss) > 1 else "E"


def _big_o_text(power: int) -> str:
    return f"O(h{'^' + str(power) if power > 1 else ''})"


TEXT = Notation(coefficient=str, block=str, loss=str, frozen=lambda x: f"{x}(t-1)",
                inner=lambda a, b: f"{a} . {b}", norm_squared=lambda x: f"|{x}|^2", big_o=_big_o_text,
                tree=lambda tree, block_of=None: tree.text, grad="grad", group=lambda x: x, exact=True,
                mixed=lambda names: f"({','.join(names)})")
LATEX = Notation(coefficient=sympy.latex, block=block_latex, loss=_loss_latex,
                 frozen=lambda x: f"\\left.{x}\\right|_{{t-1}}", inner=lambda a, b: f"{a}^\\top {b}",
                 norm_squared=lambda x: f"\\|{x}\\|^2", big_o=lambda p: f"O({sympy.latex(sympy.Symbol('h')**p)})",
                 tree=tree_latex, grad="\\nabla", group=lambda x: f"{{{x}}}")


# -- the gradient notation: one traversal -----------------------------------------------------
def differential(tree: Tree, system, notation: Notation) -> str:
    """``G(tree)``: the unsigned contraction of loss derivatives (``system``: a GradientSystem).

    >>> from bea.algebra.trees import parse_tree
    >>> from bea.analysis.gradient import gradient_system
    >>> single = gradient_system("single", {"theta": ("f",)})
    >>> differential(parse_tree("f[f]"), single, TEXT), differential(parse_tree("f[f]"), single, LATEX)
    ('grad^2_theta E grad_theta E', '\\\\nabla^{2}_{\\\\theta} E \\\\nabla_{\\\\theta} E')
    """
    return contraction(system.loss[tree.label], [system.block[tree.label]], tree.printed_children, system, notation)


def contraction(loss: str, own: list[str], kids, system, notation: Notation, frozen=()) -> str:
    """``nabla_{own + blocks of kids} E_loss`` applied to the children (``frozen``: those at theta_{t-1})."""
    blocks = own + [system.block[c.label] for c in kids]
    args = [differential(c, system, notation) for c in kids]
    args = [notation.frozen(a) if i in frozen else a for i, a in enumerate(args)]
    head = f"{notation.nabla(blocks)} {notation.loss(loss)}" if blocks else notation.loss(loss)
    if not kids:
        return head
    return f"{head} {args[0]}" if len(kids) == 1 else f"{head}[{', '.join(args)}]"


def potential(p, system, notation: Notation) -> str:
    """A potential ``grad^k E_a [G(t_1), ..., G(t_k)]`` (:class:`bea.analysis.losses.Potential`):
    ``|grad E|^2`` and ``grad E . v`` spelt as such."""
    kids = p.children
    frozen = {i for i, f in enumerate(p.frozen) if f}
    if len(kids) == 1:
        block = system.block[kids[0].label]
        head = contraction(p.loss, [block], (), system, notation)
        if not kids[0].children and system.loss[kids[0].label] == p.loss and not frozen:
            return notation.norm_squared(head)
        rest = contraction(system.loss[kids[0].label], [block], kids[0].printed_children, system, notation)
        return notation.inner(head, notation.frozen(rest) if frozen else rest)
    return contraction(p.loss, [], kids, system, notation, frozen)
