"""The result of a derivation: a modified flow, with its text, LaTeX and JSON forms."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from itertools import groupby

import sympy

from .errors import BeaError, OrderError, ProblemError
from .exact import UNDEFINED
from .schemes.builtins import block_of
from .printing.notation import block_latex, signed_sum, tree_latex
from .algebra.trees import Tree, parse_tree

__all__ = ["Term", "ModifiedFlow"]


def _companion(blocks: list) -> sympy.Matrix:
    """The companion matrix of ``delta_+ = sum_j A_j delta_{-j}``: the state ``(delta_0, ..., delta_{-q})``."""
    n, q = blocks[0].rows, len(blocks) - 1
    top = sympy.Matrix.hstack(*blocks)
    if q == 0:
        return top
    shift = sympy.Matrix.hstack(sympy.eye(n * q), sympy.zeros(n * q, n))
    return sympy.Matrix.vstack(top, shift)


H = sympy.Symbol("h")


@dataclass(frozen=True)
class Term:
    """``coefficient * h**power * F(tree)`` in the modified field of ``block``.

    ``tree`` is a :class:`~bea.algebra.trees.Tree` (given as text, it is parsed): it is also its
    canonical text, so ``term.tree == "f[g]"`` holds (CONTRACT §3).
    """

    block: str
    power: int
    tree: Tree
    coefficient: sympy.Expr

    def __post_init__(self):
        if not isinstance(self.tree, Tree):
            object.__setattr__(self, "tree", parse_tree(self.tree))

    def _repr_latex_(self) -> str:
        return f"${self.to_latex()}$"

    def to_latex(self, block_of=None) -> str:
        power = "" if self.power == 0 else ("h " if self.power == 1 else f"h^{{{self.power}}} ")
        thing = power + tree_latex(self.tree, block_of)
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
    source: object = field(default=None, repr=False, compare=False)     # the bound Scheme it was derived from

    # -- structure -----------------------------------------------------------------
    def block_of(self, label: str) -> str:
        """The block that the field ``label`` updates."""
        return block_of(self.blocks, label)

    def coefficient(self, block: str, tree) -> sympy.Expr:
        """The coefficient of ``F(tree)`` (times its power of h) in ``block``.

        Zero when the tree is within the derived order and absent; an error when it is not
        known: an unknown block or label, a tree of another block, a tree beyond the order
        (its coefficient was not derived), or a non-chain of a principal-terms flow.
        """
        if block not in self.blocks:
            raise BeaError(f"the flow has no block {block!r} (its blocks: {', '.join(self.blocks)})")
        labels = [label for ls in self.blocks.values() for label in ls]
        wanted = tree if isinstance(tree, Tree) else parse_tree(tree, labels)
        if wanted.label not in labels:
            raise BeaError(f"tree {wanted} uses unknown field label {wanted.label!r}; known: {', '.join(labels)}")
        if not set(wanted.labels) <= set(labels):
            raise BeaError(f"tree {wanted} uses a label that is not a field of this flow ({', '.join(labels)})")
        owner = self.block_of(wanted.label)
        if owner != block:
            raise BeaError(f"tree {wanted} is a term of block {owner}, not {block} (its root {wanted.label} updates {owner})")
        if wanted.order > self.order:
            raise OrderError(f"tree {wanted} has {wanted.order} nodes and carries h^{wanted.order - 1}; this flow is "
                             f"derived to order {self.order} (powers up to h^{self.order - 1}): derive it to order "
                             f">= {wanted.order} for this coefficient")
        if self.principal and not wanted.is_chain:
            raise BeaError(f"tree {wanted} is not a chain; this flow holds only the principal (chain) terms")
        return self._index.get((block, wanted), sympy.Integer(0))

    @cached_property
    def _index(self) -> dict:
        """``(block, Tree) -> coefficient``: O(1) lookup."""
        return {(t.block, t.tree): t.coefficient for t in self.terms}

    # -- concrete problems -------------------------------------------------------------
    def problem(self, fields, variables):
        """The concrete problem: fields ``{label: [expr, ...]}`` on variables ``{block: [symbol, ...]}``."""
        from .concrete.problem import Problem

        names = [str(v) for v in self.params.values() if isinstance(v, sympy.Symbol)]
        return Problem(self.blocks, fields, variables, names)

    def evaluate(self, fields, variables, params=None) -> sympy.Matrix:
        """The modified field of a concrete problem as a column Matrix in the variables and ``h``.

        ``params`` optionally gives values (numbers, or symbol names) of the scheme's symbolic
        parameters; a name that is not one of them is refused, and text is parsed, never evaluated.
        """
        problem = self.problem(fields, variables)
        total = [sympy.Integer(0)] * len(problem.state)
        subs = self._substitutions(params)
        for term in self.terms:
            coefficient = term.coefficient.xreplace(subs) * H**term.power
            for i, value in enumerate(problem.differential(term.tree)):
                if value != 0:
                    total[i] += coefficient * value
        return sympy.Matrix(total)

    def _substitutions(self, params) -> dict:
        """``{symbol: value}`` for ``params``, each name a symbolic parameter of this flow."""
        from .schemes.params import parse_value

        if not params:
            return {}
        if not isinstance(params, dict):
            raise BeaError(f"params must be a dict {{name: value}}, got {type(params).__name__}")
        symbolic = {str(v): v for v in self.params.values() if isinstance(v, sympy.Symbol)}
        unknown = sorted(str(k) for k in params if str(k) not in symbolic)
        if unknown:
            raise BeaError(f"params names {unknown[0]!r}, which is not a symbolic parameter of this flow "
                           f"(symbolic: {', '.join(symbolic) or 'none'})")
        return {symbolic[str(k)]: parse_value(str(k), v) for k, v in params.items()}

    def lambdify(self, fields, variables, params=None):
        """A NumPy callable ``F(y, h)`` of the concatenated state (blocks in order), batch-aware.

        The elementary differentials are evaluated in stages (:func:`bea.codegen.staged_field`).
        """
        from .concrete.codegen import staged_field

        self._substitutions(params)                    # refuse unknown names before generating code
        return staged_field(self.terms, self.problem(fields, variables), params)

    def jacobian(self, fields, variables, at, params=None):
        """The exact Jacobian of the modified field at the point ``at``, as a :class:`~bea.stability.Stability`.

        ``at`` maps variables (symbols or their names) to values and may also fix ``h`` and
        the scheme's parameters; whatever is left symbolic stays in the matrix.  Values follow
        :mod:`bea.exact` (floats read as the decimals they print as: ``0.2`` is ``1/5``).  Thesis Sec 4.3.
        """
        from .analysis.stability import Stability

        matrix, point, fixed = self._jacobian_at(fields, variables, at, params)
        return Stability(matrix, point, fixed)

    def stability(self, fields, variables, at, params=None, progress=False):
        """The verdict object at the point ``at``: the modified flow's Jacobian, eigenvalues and verdict,
        and the discrete method's own verdict (:class:`~bea.stability.MethodStability`: the spectral
        radius of its linearised step, or of the companion matrix of its recursion when it reads past
        iterates) -- the two differ where the step is outside the region the expansion describes.
        """
        from .progress import progress_for
        from .analysis.stability import Stability

        report = progress_for(progress, "stability")
        report("the Jacobian of the modified field")
        matrix, point, fixed = self._jacobian_at(fields, variables, at, params)
        report("the method's linearised step")
        return Stability(matrix, point, fixed, self._method_stability(fields, variables, point, params))

    def _jacobian_at(self, fields, variables, at, params):
        problem = self.problem(fields, variables)
        field_ = self.evaluate(fields, variables, params)
        point = self._point(problem, field_.free_symbols, at)
        matrix = field_.jacobian(problem.state).xreplace(point)
        at_point = field_.xreplace(point)
        if matrix.has(*UNDEFINED) or at_point.has(*UNDEFINED):
            raise ProblemError("the modified field or its Jacobian is infinite or undefined at the point: "
                               "the fields are singular there")
        matrix = matrix.applyfunc(sympy.simplify)
        fixed = None if at_point.free_symbols else all(sympy.simplify(x) == 0 for x in at_point)
        return matrix, point, fixed

    @staticmethod
    def _point(problem, free: set, at) -> dict:
        """``{symbol: exact value}`` for ``at``; names must be variables, ``h`` or symbols of the field."""
        from .exact import exact_number

        if not isinstance(at, dict):
            raise ProblemError(f"the point must be a dict {{variable: value}}, got {type(at).__name__}")
        names = {str(s): s for s in free | set(problem.state) | {H}}
        point = {}
        for key, value in at.items():
            symbol = names.get(str(key))
            if symbol is None:
                raise ProblemError(f"the point names {key}, which is neither a variable, h nor a parameter of the field")
            point[symbol] = exact_number(value, f"the value of {key}")
        return point

    def _method_stability(self, fields, variables, point: dict, params):
        """The method's verdict at ``point`` (exact), or ``inconclusive`` saying what is missing."""
        from .schemes.program import linearised_step
        from .schemes.builtins import make_scheme
        from .analysis.stability import method_stability

        if self.source is None:
            return method_stability(None, "the flow does not carry its scheme")
        if H not in point:
            return method_stability(None, "the step size h is symbolic; give it (--h H, or 'h' in at)")
        problem = self.problem(fields, variables)
        values = {**{str(k): v for k, v in point.items() if k not in problem.state and k != H}, **(params or {})}
        fixed = {name: values.get(str(value), value) if isinstance(value, sympy.Symbol) else value
                 for name, value in self.source.params.items()}
        try:
            machine = make_scheme(self.source.definition, time=self.source.time, **fixed)
        except BeaError as error:
            return method_stability(None, f"the method cannot be run with these parameters ({error})")
        if any(isinstance(v, sympy.Symbol) for v in machine.params.values()):
            left = ", ".join(k for k, v in machine.params.items() if isinstance(v, sympy.Symbol))
            return method_stability(None, f"the scheme's parameters {left} are symbolic; give their values")
        state = {v: point.get(v, v) for v in problem.state}
        fvalues = {label: ([e.xreplace(state) for e in exprs], sympy.Matrix(exprs).jacobian(problem.state).xreplace(state))
                   for label, exprs in problem.fields.items()}
        if any(sympy.Matrix(F).free_symbols or A.free_symbols for F, A in fvalues.values()):
            return method_stability(None, "the fields still have symbols at the point; give every variable and parameter")
        blocks, _ = linearised_step(machine, problem.slices, fvalues, len(problem.state), point[H], exact=True)
        return method_stability(_companion([sympy.Matrix(b.tolist()) for b in blocks]))

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
                return lambda t: (t.coefficient, tree_latex(t.tree, block_of))
            return lambda t: (t.coefficient, t.tree)
        from .analysis.gradient import differential_latex, differential_text, gradient_system

        system = gradient if not isinstance(gradient, str) else gradient_system(gradient, self.blocks)
        show = differential_latex if latex else differential_text

        def notation(t):
            return t.coefficient * system.tree_sign(t.tree), show(t.tree, system)
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
