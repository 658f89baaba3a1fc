"""The result of a derivation: a modified flow, with its text, LaTeX and JSON forms."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby

import sympy

from .schemes import block_of
from .render import block_latex, signed_sum, tree_latex
from .trees import parse_tree

__all__ = ["Term", "ModifiedFlow"]


def _exact(value) -> sympy.Expr:
    """A value as an exact SymPy number; floats are read as the decimal they print as."""
    if isinstance(value, float):
        return sympy.Rational(repr(value))
    return sympy.sympify(value)


H = sympy.Symbol("h")


@dataclass(frozen=True)
class Term:
    """``coefficient * h**power * F(tree)`` in the modified field of ``block``."""

    block: str
    power: int
    tree: str
    coefficient: sympy.Expr

    def _repr_latex_(self) -> str:
        return f"${self.to_latex()}$"

    def to_latex(self, block_of=None) -> str:
        power = "" if self.power == 0 else ("h " if self.power == 1 else f"h^{{{self.power}}} ")
        thing = power + tree_latex(parse_tree(self.tree), block_of)
        return signed_sum([(self.coefficient, thing)], sympy.latex)


@dataclass(frozen=True)
class ModifiedFlow:
    """The modified vector field of a scheme, truncated after ``h**(order-1)``.

    ``terms`` are sorted by block (in the order of ``blocks``), power and tree.  For each
    block ``b`` the exact flow of the field, run for time ``time[b]`` and read on block
    ``b``, agrees with one step of the scheme up to and including ``h**order``.
    """

    scheme: str
    order: int
    params: dict
    blocks: dict
    time: dict
    terms: list
    principal: bool = False
    reference: dict | None = field(default=None)

    # -- structure -----------------------------------------------------------------
    def block_of(self, label: str) -> str:
        """The block that the field ``label`` updates."""
        return block_of(self.blocks, label)

    def coefficient(self, block: str, tree: str) -> sympy.Expr:
        """The coefficient of ``F(tree)`` (times its power of h) in ``block``; 0 if absent."""
        wanted = parse_tree(tree)
        for term in self.terms:
            if term.block == block and parse_tree(term.tree) is wanted:
                return term.coefficient
        return sympy.Integer(0)

    # -- concrete problems -------------------------------------------------------------
    def problem(self, fields, variables):
        """The concrete problem: fields ``{label: [expr, ...]}`` on variables ``{block: [symbol, ...]}``."""
        from .concrete import Problem

        return Problem(self.blocks, fields, variables)

    def evaluate(self, fields, variables, params=None) -> sympy.Matrix:
        """The modified field of a concrete problem as a column Matrix in the variables and ``h``.

        ``params`` optionally gives values of the scheme's symbolic parameters.
        """
        problem = self.problem(fields, variables)
        total = [sympy.Integer(0)] * len(problem.state)
        subs = {sympy.Symbol(str(k)): sympy.sympify(v) for k, v in (params or {}).items()}
        for term in self.terms:
            coefficient = term.coefficient.xreplace(subs) * H**term.power
            for i, value in enumerate(problem.differential(term.tree)):
                if value != 0:
                    total[i] += coefficient * value
        return sympy.Matrix(total)

    def lambdify(self, fields, variables, params=None):
        """A NumPy callable ``F(y, h)`` of the concatenated state (blocks in order), batch-aware.

        The elementary differentials are evaluated in stages (:func:`bea.codegen.staged_field`).
        """
        from .codegen import staged_field

        return staged_field(self.terms, self.problem(fields, variables), params)

    def jacobian(self, fields, variables, at, params=None):
        """The exact Jacobian of the modified field at the point ``at``, as a :class:`~bea.stability.Stability`.

        ``at`` maps variables (symbols or their names) to values and may also fix ``h`` and
        the scheme's parameters; whatever is left symbolic stays in the matrix.  Floats are
        read as the decimals they print as (``0.2`` is ``1/5``).  Thesis Sec 4.3.
        """
        from .concrete import ProblemError
        from .stability import Stability

        problem = self.problem(fields, variables)
        field_ = self.evaluate(fields, variables, params)
        names = {str(s): s for s in field_.free_symbols | set(problem.state) | {H}}
        point = {}
        for key, value in at.items():
            symbol = names.get(str(key))
            if symbol is None:
                raise ProblemError(f"the point names {key}, which is neither a variable, h nor a parameter of the field")
            point[symbol] = _exact(value)
        matrix = field_.jacobian(problem.state).xreplace(point).applyfunc(sympy.simplify)
        at_point = field_.xreplace(point)
        fixed = None if at_point.free_symbols else all(sympy.simplify(x) == 0 for x in at_point)
        return Stability(matrix, point, fixed)

    def _grouped(self):
        """``(block, power, [terms])`` in print order."""
        for (block, power), group in groupby(self.terms, key=lambda t: (t.block, t.power)):
            yield block, power, list(group)

    # -- renderers -------------------------------------------------------------------
    def to_json(self) -> dict:
        """The object printed by ``bea derive --format json`` (CONTRACT §2)."""
        out = {
            "scheme": self.scheme,
            "order": self.order,
            "params": {name: str(value) for name, value in self.params.items()},
            "blocks": {block: list(labels) for block, labels in self.blocks.items()},
            "time": {block: str(value) for block, value in self.time.items()},
            "terms": [
                {"block": t.block, "power": t.power, "tree": t.tree, "coefficient": str(t.coefficient)}
                for t in self.terms
            ],
        }
        if self.reference is not None:
            out["reference"] = dict(self.reference)
        return out

    def _notation(self, gradient, latex: bool):
        """``term -> (coefficient, notation)``: trees, or the gradient notation of a system."""
        if gradient is None:
            block_of = self.block_of if len(self.blocks) > 1 else None
            if latex:
                return lambda t: (t.coefficient, tree_latex(parse_tree(t.tree), block_of))
            return lambda t: (t.coefficient, t.tree)
        from .gradient import differential_latex, differential_text, gradient_system

        system = gradient if not isinstance(gradient, str) else gradient_system(gradient, self.blocks)
        show = differential_latex if latex else differential_text

        def notation(t):
            tree = parse_tree(t.tree)
            return t.coefficient * system.tree_sign(tree), show(tree, system)
        return notation

    def to_text(self, gradient=None) -> str:
        """One line per block and power: ``phi: h^1: -v_phi*v_theta/2 f[g] - ...``.

        ``gradient`` (a system of :mod:`bea.gradient`, e.g. ``"single"``) prints the papers'
        gradient notation instead of trees, the signs ``(-1)^k`` worked out.
        """
        notation = self._notation(gradient, latex=False)
        lines = [self._header()]
        for block, power, group in self._grouped():
            body = signed_sum([notation(t) for t in group], str)
            lines.append(f"{block}: h^{power}: {body}")
        if self.reference is not None:
            verdict = "yes" if self.reference["agrees"] else "NO"
            lines.append(f"agrees with the Taylor coefficients of {self.reference['series']}: {verdict}")
        return "\n".join(lines)

    def _header(self) -> str:
        params = ", ".join(f"{k}={v}" for k, v in self.params.items())
        times = ", ".join(f"T_{b} = {v}" for b, v in self.time.items())
        kind = "principal terms of the modified field" if self.principal else "modified field"
        return f"# {self.scheme}{' (' + params + ')' if params else ''}: {kind} to order {self.order}; {times}"

    def to_latex(self, gradient=None) -> str:
        """An ``aligned`` environment: one equation per block, one line per power of h
        (``gradient``: the papers' gradient notation, as in :meth:`to_text`)."""
        notation = self._notation(gradient, latex=True)
        rows = []
        for block in self.blocks:
            lhs = f"\\dot{{{block_latex(block)}}}"
            lines = []
            for b, power, group in self._grouped():
                if b != block:
                    continue
                parts = [notation(t) for t in group]
                body = signed_sum(parts, sympy.latex)
                factor = "" if power == 0 else ("h" if power == 1 else f"h^{{{power}}}")
                if not factor:
                    lines.append(body)
                elif len(group) == 1:
                    lines.append(signed_sum([(parts[0][0], f"{factor} {parts[0][1]}")], sympy.latex))
                else:
                    lines.append(f"{factor} \\left({body}\\right)")
            first, rest = (lines[0], lines[1:]) if lines else ("0", [])
            rows.append(f"{lhs} &= {first}")
            for line in rest:
                sign = "" if line.startswith("-") else "+ "
                rows.append(f"&\\quad {sign}{line}")
        return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"

    def _repr_latex_(self) -> str:
        return f"$$\n{self.to_latex()}\n$$"

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return (
            f"<ModifiedFlow {self.scheme} order={self.order} time={self.time} "
            f"{len(self.terms)} terms{' (principal)' if self.principal else ''}>"
        )
