"""The result of a derivation: a modified flow, as data (its text, LaTeX and JSON forms are :mod:`bea.printing`'s)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import cached_property

import sympy

from .errors import BeaError, OrderError
from .algebra.blocks import Blocks
from .printable import Printable
from .algebra.trees import Tree, parse_tree

__all__ = ["Term", "ModifiedFlow", "load"]


H = sympy.Symbol("h")          #: the step size (learning rate) in every coefficient


class Term(Printable):
    """``coefficient * h**power * F(tree)`` in the modified field of ``block``.

    ``tree`` is a :class:`~bea.algebra.trees.Tree` (given as text, it is parsed): it is also its
    canonical text, so ``term.tree == "f[g]"`` holds (docs/api.md).  ``coefficient`` is a SymPy
    expression.  A term the engine made also holds ``exact``, the coefficient as an element of the
    ring it was computed in (:class:`~bea.algebra.coefficient.ExactCoefficient`): the text and JSON
    printers print that, and the SymPy expression is built only when it is asked for.
    """

    __slots__ = ("block", "power", "tree", "_coefficient", "_exact")

    def __init__(self, block: str, power: int, tree, coefficient=None, *, exact=None):
        if coefficient is None and exact is None:
            raise TypeError("a Term needs its coefficient")
        self.block, self.power = block, power
        self.tree = tree if isinstance(tree, Tree) else parse_tree(tree)
        self._coefficient = None if coefficient is None else sympy.sympify(coefficient)
        self._exact = exact

    @property
    def coefficient(self) -> sympy.Expr:
        """The coefficient as a SymPy expression."""
        if self._coefficient is None:
            self._coefficient = self._exact.expr
        return self._coefficient

    @property
    def exact(self):
        """The coefficient as the text and JSON printers read it: the ring element when there is one."""
        return self._exact if self._exact is not None else self.coefficient

    def _key(self) -> tuple:
        return self.block, self.power, self.tree, self.coefficient

    def __eq__(self, other) -> bool:
        return isinstance(other, Term) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (f"Term(block={self.block!r}, power={self.power!r}, tree={self.tree!r}, "
                f"coefficient={self.coefficient!r})")


@dataclass(frozen=True)
class ModifiedFlow(Printable):
    """The modified vector field of a scheme, truncated after ``h**(order-1)``.

    ``terms`` are sorted by block (in the order of ``blocks``), power and tree.  For each
    block ``b`` the exact flow of the field, run for time ``time[b]`` and read on block
    ``b``, agrees with one step of the scheme up to and including ``h**order``.

    With ``kind == "modifying"`` (:func:`bea.modify`) the terms are the modifying fields instead, one per
    field label (a term belongs to its tree's root label; sorted by block, label, power and tree): one step
    of the scheme given them follows the exact flow of its leading field to that order.
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
    kind: str = "modified"       # or "modifying": the fields f~ that one step of the scheme should be given
    cancelled: str | None = None  # modifying fields: which drift terms they cancel (all, interaction, self)

    # -- structure -----------------------------------------------------------------
    def __post_init__(self):
        if not isinstance(self.blocks, Blocks):
            object.__setattr__(self, "blocks", Blocks(self.blocks))

    def block_of(self, label: str) -> str:
        """The block that the field ``label`` updates."""
        return self.blocks.block_of(label)

    def coefficient(self, block: str, tree) -> sympy.Expr:
        """The coefficient of ``F(tree)`` (times its power of h) in ``block``.

        Zero when the tree is within the derived order and absent; an error when it is not
        known: an unknown block or label, a tree of another block, a tree beyond the order
        (its coefficient was not derived), or a non-chain of a principal-terms flow.
        """
        if block not in self.blocks:
            raise BeaError(f"the flow has no block {block!r} (its blocks: {', '.join(self.blocks)})")
        labels = self.blocks.labels
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
        term = self._index.get((block, wanted))
        return sympy.Integer(0) if term is None else term.coefficient

    @cached_property
    def _index(self) -> dict:
        """``(block, Tree) -> Term``: O(1) lookup (a term's SymPy coefficient is built only when asked for)."""
        return {(t.block, t.tree): t for t in self.terms}

    # -- on concrete problems: thin delegates to the layers above ---------------------------
    def problem(self, fields, variables):
        """The concrete problem: fields ``{label: [expr, ...]}`` on variables ``{block: [symbol, ...]}``
        (:class:`~bea.concrete.problem.Problem`); the flow's symbolic parameters may appear in the fields."""
        from .concrete.problem import Problem

        names = [str(v) for v in self.params.values() if isinstance(v, sympy.Symbol)]
        return Problem(self.blocks, fields, variables, names)

    def evaluate(self, fields, variables, params=None, at=None) -> sympy.Matrix:
        """The modified field of a concrete problem as a column Matrix in the variables and ``h``
        (:func:`bea.concrete.evaluate.modified_field`); with ``at`` (``{variable: value}``, every
        variable), its value at that point, computed there without the expression in the variables
        (:func:`bea.concrete.evaluate.at_point`; fast at high orders)."""
        from .concrete.evaluate import at_point, modified_field

        self._one_field_per_block()
        if at is None:
            return modified_field(self, fields, variables, params)
        problem = self.problem(fields, variables)
        return at_point(self, problem, problem.point(at, complete=True), params)

    def lambdify(self, fields, variables, params=None):
        """A NumPy callable ``F(y, h)`` of the concatenated state (blocks in order), batch-aware
        (:func:`bea.concrete.codegen.staged_field`)."""
        from .concrete.codegen import staged_field
        from .concrete.evaluate import substitutions

        self._one_field_per_block()
        substitutions(self, params)                  # refuse unknown names before generating code
        return staged_field(self.terms, self.problem(fields, variables), params)

    def jacobian(self, fields, variables, at, params=None):
        """The exact Jacobian of the modified field at the point ``at``, as a
        :class:`~bea.analysis.stability.Stability` (:func:`bea.analysis.stability.flow_jacobian`)."""
        from .analysis.stability import flow_jacobian

        self._one_field_per_block()
        return flow_jacobian(self, fields, variables, at, params)

    def stability(self, fields, variables, at, params=None, progress=False):
        """The verdict object at the point ``at``: the modified flow's and the method's own
        (:func:`bea.analysis.stability.flow_stability`)."""
        from .analysis.stability import flow_stability

        self._one_field_per_block()
        return flow_stability(self, fields, variables, at, params, progress)

    @property
    def modifying(self) -> bool:
        """True for the modifying fields of :func:`bea.modify`."""
        return self.kind == "modifying"

    def of_label(self, label: str) -> "ModifiedFlow":
        """The modifying field of ``label`` alone (the terms whose tree's root is ``label``), as a flow of
        the same kind: where several fields share a block (sgd), each is evaluated on its own."""
        if not self.modifying:
            raise BeaError("of_label is for modifying fields (bea.modify); a modified field is one field per block")
        if label not in self.blocks.labels:
            raise BeaError(f"the flow has no field {label!r} (its fields: {', '.join(self.blocks.labels)})")
        return dataclasses.replace(self, terms=[t for t in self.terms if t.tree.label == label])

    def _one_field_per_block(self) -> None:
        """Modifying fields are one per label: a block with several (sgd) has no single vector to evaluate."""
        if not self.modifying:
            return
        present = {t.tree.label for t in self.terms}
        for block, labels in self.blocks.items():
            shared = [l for l in labels if l in present]
            if len(shared) > 1:
                raise BeaError(f"block {block} holds the modifying fields of {', '.join(shared)}: evaluate each "
                               f"with flow.of_label({shared[0]!r}) and so on")

    # -- saving and loading ---------------------------------------------------------------------
    def save(self, path) -> None:
        """Write the flow's JSON (``bea derive --format json``) to ``path``; :func:`load` reads it back."""
        import json
        from pathlib import Path

        try:
            Path(path).write_text(json.dumps(self.to_json(), indent=2) + "\n")
        except OSError as error:
            raise BeaError(f"cannot write {path}: {error.strerror or error}") from None

    @classmethod
    def from_json(cls, data: dict) -> "ModifiedFlow":
        """The flow a JSON dict describes (:meth:`to_json`'s, or ``bea derive --format json``'s), exactly: every
        coefficient string is parsed, never evaluated, with the parameter names and ``h`` as symbols (so a
        ``beta`` stays the symbol ``beta``, where ``sympy.sympify`` would read SymPy's beta function).  A
        built-in scheme's flow gets its scheme back (for ``stability``'s method verdict)."""
        from .expressions import parse_expression

        if not isinstance(data, dict):
            raise BeaError(f"a flow's JSON is a dict, got {type(data).__name__}")
        try:
            scheme, order, params, blocks = data["scheme"], data["order"], data["params"], data["blocks"]
            time, rows = data["time"], data["terms"]
        except KeyError as missing:
            raise BeaError(f"the flow's JSON has no {missing.args[0]!r}") from None
        if isinstance(order, bool) or not isinstance(order, int) or order < 1 or not isinstance(params, dict):
            raise BeaError("the flow's JSON needs an integer order >= 1 and a dict of params")
        names = {"h"} | {n for n in params if str(n).isidentifier()}
        names |= {str(v) for v in params.values() if str(v).isidentifier()}

        def parse(text, what):
            if not isinstance(text, str):
                raise BeaError(f"{what} must be a string, got {text!r}")
            return parse_expression(text, sorted(names))

        values = {name: parse(str(v), f"the parameter {name}") for name, v in params.items()}
        for row in rows:
            if not isinstance(row, dict) or not {"block", "power", "tree", "coefficient"} <= set(row):
                raise BeaError(f"a term is a dict with block, power, tree and coefficient, got {row!r}")
        coefficients = [parse(row["coefficient"], f"the coefficient of {row['tree']}") for row in rows]
        terms = [Term(row["block"], row["power"], parse_tree(row["tree"]), exact=c)
                 for row, c in zip(rows, _exact(coefficients, list(values.values())))]
        flow = cls(scheme, order, values, Blocks(blocks), {b: parse(t, f"the time of {b}") for b, t in time.items()},
                   terms, principal="reference" in data, reference=data.get("reference"),
                   kind=data.get("kind", "modified"), cancelled=data.get("cancelled"))
        return dataclasses.replace(flow, source=_scheme_of(flow))

    def __repr__(self) -> str:
        return (
            f"<ModifiedFlow {self.scheme}{' (modifying)' if self.modifying else ''} order={self.order} "
            f"time={self.time} {len(self.terms)} terms{' (principal)' if self.principal else ''}>"
        )


def _exact(coefficients: list, params: list) -> list:
    """The coefficients as elements of the ring the engine would compute them in -- the smallest ring of the
    scheme's parameter values, widened where a coefficient needs it -- so a loaded flow prints and compares as
    the derived one did."""
    from .algebra.coefficient import ExactCoefficient
    from .algebra.rings import LaurentRing, ring_for, widening

    def coerce(ring, c):                  # a Laurent polynomial term by term (a ring takes monomials)
        c = sympy.expand(c) if isinstance(ring, LaurentRing) else c
        if isinstance(ring, LaurentRing) and c.is_Add:
            return sum((ring.coerce(a) for a in c.args), ring.zero)
        return ring.coerce(c)

    values, ring = widening(ring_for(params + coefficients if not params else params),
                            lambda r: [coerce(r, c) for c in coefficients])
    return [ExactCoefficient(ring, x) for x in values]


def _scheme_of(flow: ModifiedFlow):
    """The bound built-in scheme a loaded flow came from (same parameters, blocks and times), or None."""
    from .schemes.builtins import SCHEMES, make_scheme

    if flow.scheme not in SCHEMES:
        return None
    for time in ("same", "per-player"):
        try:
            scheme = make_scheme(flow.scheme, time=time, players=len(flow.blocks), **flow.params)
        except BeaError:
            continue
        if dict(scheme.blocks) == dict(flow.blocks) and all(
                sympy.simplify(tau * H - flow.time[b]) == 0 for b, tau in scheme.times.items()):
            return scheme
    return None


def load(source) -> ModifiedFlow:
    """A saved flow: a dict, or the path of a JSON file (:meth:`ModifiedFlow.save`, ``bea derive --format json``),
    restored exactly (:meth:`ModifiedFlow.from_json`).

    >>> import bea
    >>> flow = bea.derive("heavy-ball", 2)
    >>> load(flow.to_json()).terms == flow.terms
    True
    """
    import json
    from pathlib import Path

    if isinstance(source, dict):
        return ModifiedFlow.from_json(source)
    if not isinstance(source, (str, Path)):
        raise BeaError(f"load takes a dict or the path of a JSON file, got {type(source).__name__}")
    try:
        data = json.loads(Path(source).read_text())
    except OSError as error:
        raise BeaError(f"cannot read {source}: {error.strerror or error}") from None
    except json.JSONDecodeError as error:
        raise BeaError(f"{source} is not JSON: {error.msg} at line {error.lineno}") from None
    return ModifiedFlow.from_json(data)
