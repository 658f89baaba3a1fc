"""B-series as public values: the one-step map of a scheme, exact flows, and the algebra on them.

A :class:`BSeries` is a truncated series ``sum_{|t| <= order} h^{|t|} c(t) F(t)`` over labelled
trees, with exact coefficients: the one-step map of a scheme (``kind="map"``: ``y+ = y + ...``), or a
vector field (``kind="field"``: ``f~ = sum h^{|t|-1} c(t) F(t)``).  As everywhere in bea, ``c(t)`` is
the whole factor of ``F(t)``: the normalised coefficient of [HLW06, Sec III.1] (``a(t)`` in
``h^{|t|} a(t)/sigma(t) F(t)``, BSeries.jl's convention [KR23]) divided by the symmetry ``sigma(t)``.

The operations are the laws of :mod:`bea.algebra.series` on those coefficients: composition
(``A @ B``: first ``B``, then ``A``), the inverse, the adjoint, the step ``c h``, affine
combinations (Richardson extrapolation), the substitution law, the logarithm (the modified field)
and the exact flow.  References: [HLW06, Secs III.1, IX.9], [CHV10], [KR23].
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field as dataclass_field
from fractions import Fraction
from numbers import Integral

import sympy

from ..algebra import series as laws
from ..algebra.blocks import Blocks
from ..algebra.coefficient import ExactCoefficient
from ..algebra.rings import ring_for, widening
from ..algebra.trees import Tree, parse_tree, trees_up_to
from ..errors import BeaError, OrderError, SchemeError
from ..printable import Printable
from ..result import H, ModifiedFlow, Term
from ..schemes.builtins import make_scheme
from ..schemes.program import one_step_map as traced_map
from .budget import DEFAULT_SECONDS
from .derive import check_order, cycle_collector_paused, within_budget

__all__ = ["BSeries", "one_step_map", "exact_flow", "bseries", "combine", "field_series"]

KINDS = ("map", "field")
_SAME = object()          # "keep the series' own times"


@dataclass(frozen=True, eq=False)
class BSeries(Printable):
    """A B-series truncated after trees of ``order`` nodes, with exact coefficients.

    ``kind`` is ``"map"`` (the series of ``y -> y+``, minus the identity: a term ``c h^{|t|} F(t)``)
    or ``"field"`` (a vector field: ``c h^{|t|-1} F(t)``).  ``blocks`` maps each block to its field
    labels; ``time`` the time ``T_b / h`` of each block: that a field's flow runs for, that a map
    follows (a scheme's block times; summed under composition, scaled by ``c`` at the step ``c h``);
    ``name`` says where the series came from.  Build one with :func:`one_step_map`,
    :func:`exact_flow` or :func:`bseries`.

    >>> import bea
    >>> euler = bea.one_step_map("euler", 3)
    >>> print(euler @ euler)
    # euler @ euler: B-series of a one-step map (y+ = y + ...), trees up to 3 nodes
    theta: h^1: 2 f
    theta: h^2: f[f]
    theta: h^3: 1/2 f[f,f]
    """

    kind: str
    order: int
    blocks: Blocks
    ring: object = dataclass_field(repr=False)
    values: dict = dataclass_field(repr=False)         # {Tree: ring element}, HLW's normalised a(t)
    name: str = ""
    params: dict = dataclass_field(default_factory=dict)
    time: dict | None = None

    def __post_init__(self):
        if not isinstance(self.blocks, Blocks):
            object.__setattr__(self, "blocks", Blocks(self.blocks))

    # -- reading -------------------------------------------------------------------------------
    @property
    def labels(self) -> tuple[str, ...]:
        return self.blocks.labels

    def block_of(self, label: str) -> str:
        """The block that the field ``label`` updates."""
        return self.blocks.block_of(label)

    def power(self, tree: Tree) -> int:
        """The power of ``h`` that ``F(tree)`` carries: ``|t|`` in a map, ``|t| - 1`` in a field."""
        return tree.order - (self.kind == "field")

    @property
    def universe(self) -> list[Tree]:
        """Every tree the series knows: all trees of its labels with up to ``order`` nodes."""
        return trees_up_to(self.order, self.labels)

    def _tree(self, tree) -> Tree:
        t = tree if isinstance(tree, Tree) else parse_tree(tree, self.labels)
        if not t.label_set <= set(self.labels):
            raise BeaError(f"tree {t} uses a label that is not a field of this series ({', '.join(self.labels)})")
        if t.order > self.order:
            raise OrderError(f"tree {t} has {t.order} nodes; this series is known for trees of up to "
                             f"{self.order} nodes")
        return t

    def coefficient(self, tree) -> sympy.Expr:
        """The whole factor ``c(t)`` of ``F(tree)`` (zero when absent within the order; beyond it an error)."""
        t = self._tree(tree)
        x = self.values.get(t)
        return sympy.Integer(0) if x is None else self.ring.to_sympy(x) / t.symmetry

    def normalised(self, tree) -> sympy.Expr:
        """``a(t) = sigma(t) c(t)``, the coefficient in the normalisation of [HLW06, Sec III.1] and
        BSeries.jl [KR23] (for a Runge-Kutta method, its elementary weight ``sum_i b_i Phi_i(t)``)."""
        t = self._tree(tree)
        x = self.values.get(t)
        return sympy.Integer(0) if x is None else self.ring.to_sympy(x)

    @property
    def terms(self) -> list[Term]:
        """The non-zero terms, by block, power and tree (what the printers print)."""
        rank = {block: i for i, block in enumerate(self.blocks)}
        position = {t: i for i, t in enumerate(self.universe)}
        ordered = sorted(self.values.items(), key=lambda item: (rank[self.block_of(item[0].label)], position[item[0]]))
        return [Term(self.block_of(t.label), self.power(t), t,
                     exact=ExactCoefficient(self.ring, x * self.ring.coerce(sympy.Rational(1, t.symmetry))))
                for t, x in ordered]

    def __repr__(self) -> str:
        return f"<BSeries {self.kind} {self.name or ''} order={self.order} {len(self.values)} terms>"

    # -- the algebra ----------------------------------------------------------------------------
    def _like(self, values, name, kind=None, order=None, time=_SAME, params=None) -> "BSeries":
        """A series like this one with other values (and whatever else is given; the times are kept)."""
        return BSeries(kind or self.kind, self.order if order is None else order, self.blocks, self.ring, values,
                       name, dict(self.params) if params is None else params, self.time if time is _SAME else time)

    def _require(self, kind: str, what: str) -> None:
        if self.kind != kind:
            raise BeaError(f"{what} needs the B-series of a {kind}, got a {self.kind} ({self.name})")

    def __matmul__(self, other: "BSeries") -> "BSeries":
        """``A @ B``: the map ``B`` followed by the map ``A`` (:func:`bea.algebra.series.compose`)."""
        _check_series(other, "composition (A @ B)")
        self._require("map", "composition")
        other._require("map", "composition")
        a, b = _common([self, other])
        values = laws.compose(a.values, b.values, _universe(a, b), a.ring.inverse, a.ring.zero, a.ring.one)
        return a._like(values, f"{_wrap(self.name)} @ {_wrap(other.name)}", order=min(a.order, b.order),
                       params={**a.params, **b.params}, time=_summed([(1, self), (1, other)]))

    def __rmatmul__(self, other) -> "BSeries":
        _check_series(other, "composition (A @ B)")

    def __pow__(self, n: int) -> "BSeries":
        """``A ** n``: ``n`` steps of the map (``n = 0`` the identity, negative ``n`` the inverse's steps)."""
        self._require("map", "a power")
        if isinstance(n, bool) or not isinstance(n, Integral):
            raise BeaError(f"a power of a map takes an integer, got {n!r}")
        base = self if n >= 0 else self.inverse()
        out = self._like({}, "identity", time=_summed([(0, self)]))
        for _ in range(abs(int(n))):
            out = base @ out
        return out._like(out.values, f"{_wrap(self.name)}^{n}", time=out.time)

    def inverse(self) -> "BSeries":
        """The inverse map ``A^{-1}`` (:func:`bea.algebra.series.inverse_map`)."""
        self._require("map", "the inverse")
        r = self.ring
        return self._like(laws.inverse_map(self.values, self.universe, r.inverse, r.zero, r.one), f"{_wrap(self.name)}^-1",
                          time=_summed([(-1, self)]))

    def adjoint(self) -> "BSeries":
        """The adjoint method ``Phi*_h = Phi_{-h}^{-1}`` [HLW06, Sec II.3] (:func:`bea.algebra.series.adjoint`)."""
        self._require("map", "the adjoint")
        r = self.ring
        return self._like(laws.adjoint(self.values, self.universe, r.inverse, r.zero, r.one), f"{_wrap(self.name)}*",
                          time=self.time)

    def at_step(self, c) -> "BSeries":
        """The series at the step ``c h`` (``c`` exact: ``"1/2"``, a SymPy number or symbol)."""
        c = _scalar(c)
        out, = _common([self], [c])
        return out._like(laws.scaled(out.values, out.ring.coerce(c)), f"{_wrap(self.name)}[{c} h]",
                         time=_summed([(c, self)]))

    def substitute(self, field: "BSeries") -> "BSeries":
        """``field * self``: this series with every field ``f_l`` replaced by the field series ``field``
        (the substitution law [CHV10, Thm 3.2], :func:`bea.algebra.series.substitute`).  Applying a
        method to a modified field: ``method.substitute(b)`` is one step of the method on ``b``."""
        _check_series(field, "substitution")
        field._require("field", "substitution")
        a, b = _common([self, field])
        if set(b.labels) != set(a.labels):
            raise BeaError(f"substitution needs a field for every label of the series ({', '.join(a.labels)}); "
                           f"the field has {', '.join(b.labels)}")
        universe = _universe(a, b)
        values = laws.substitute(b.values, a.values, universe, a.ring.zero)
        return a._like(values, f"{_wrap(self.name)}[f := {_wrap(field.name)}]", order=min(a.order, b.order))

    def modified_field(self, time=None) -> "BSeries":
        """The field whose exact flow, run for each block's time ``time[b] * h`` (default: the
        scheme's times, else ``h``), is this map: its logarithm [HLW06, Sec IX.9] (what ``derive``
        solves for, here on any map)."""
        self._require("map", "the modified field")
        times = self._times(time)
        values = laws.modified_field(self.values, self.universe, self._label_times(times), self.ring.inverse,
                                     self.ring.zero)
        return self._like(values, f"log {_wrap(self.name)}", kind="field", time=times)

    def _times(self, time) -> dict:
        given = time if time is not None else self.time
        if given is None:
            return {b: sympy.Integer(1) for b in self.blocks}
        if time is None and set(given) < set(self.blocks):
            given = {b: given.get(b, sympy.Integer(1)) for b in self.blocks}
        if not isinstance(given, dict) or set(given) != set(self.blocks):
            raise BeaError(f"time gives T_b / h for each block ({', '.join(self.blocks)})")
        return {b: sympy.sympify(v) for b, v in given.items()}

    def _label_times(self, times: dict) -> dict:
        """``{label: tau}`` in the series' ring, each label's time that of its block."""
        return {label: self.ring.coerce(times[self.block_of(label)]) for label in self.labels}

    def exact_field(self) -> "BSeries":
        """The field the map follows, the ``h^0`` part of its modified field (each block for its time):
        what its order is measured against (``f`` for a consistent Runge-Kutta method, ``v_phi f`` and
        ``v_theta g`` under ``time="same"``, the mean field of ``sgd``, ``alpha f`` for lookahead)."""
        self._require("map", "the exact field")
        leading = self.modified_field()
        return leading._like({t: x for t, x in leading.values.items() if t.order == 1}, f"leading field of {self.name}")

    def exact_flow(self) -> "BSeries":
        """The map of this field's exact flow, run for each block's time (``sum_j tau^j L_j`` with the
        Lie series ``L_j``, [HLW06, Sec III.1]): ``modified_field`` undone."""
        self._require("field", "the exact flow")
        times = self._times(None)
        values = laws.flow(self.values, self.universe, self.ring.zero, self._label_times(times))
        return self._like(values, f"exp {_wrap(self.name)}", kind="map", time=times)


def _check_series(value, what: str) -> None:
    if not isinstance(value, BSeries):
        raise BeaError(f"{what} takes a B-series (bea.one_step_map, bea.exact_flow, bea.bseries), "
                       f"not {type(value).__name__}")


def _summed(parts) -> dict:
    """The time each block follows after ``sum_j c_j`` runs of the series ``S_j``: per field label,
    ``sum_j c_j T_j`` over the series that hold the label (a splitting ``exp(h/2 f1) exp(h f2)
    exp(h/2 f1)`` runs ``f1`` and ``f2`` for ``h`` each: time ``h``; two steps of one scheme: ``2 h``).
    When the fields of a block ran for different times there is no one time: it is then ``1``, and
    the order is measured against the leading part of the modified field, which carries the weights."""
    totals: dict[str, sympy.Expr] = {}
    for c, series in parts:
        times = series._times(None)
        for label in series.labels:
            totals[label] = totals.get(label, 0) + c * times[series.block_of(label)]
    blocks = _blocks(*(series for _, series in parts))
    out = {}
    for block, labels in blocks.items():
        values = {sympy.simplify(totals[label]) for label in labels}
        out[block] = values.pop() if len(values) == 1 else sympy.Integer(1)
    return out


def _wrap(name: str) -> str:
    return f"({name})" if " " in name else name


def _scalar(c) -> sympy.Expr:
    """An exact scalar: an integer, a Fraction, a SymPy number or expression, or text such as ``"1/2"``
    or ``"c"`` (parsed, never evaluated); floats and anything else are refused."""
    if isinstance(c, float):
        raise BeaError(f"{c!r} is a float; give an exact number such as '1/2' or sympy.Rational(1, 2)")
    if isinstance(c, str):
        from ..expressions import parse_expression

        value = parse_expression(c, set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", c)))
    elif isinstance(c, (int, Fraction)) and not isinstance(c, bool):
        value = sympy.Rational(c)
    elif isinstance(c, sympy.Expr):
        value = c
    else:
        raise BeaError(f"a coefficient or step factor is an exact number or expression, got {c!r}")
    if value.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo) or value.has(sympy.Float):
        raise BeaError(f"{c!r} is not a finite exact number or expression")
    return value


def _blocks(*series: BSeries) -> Blocks:
    """The blocks of several series merged: each block with the union of its labels (so the flow of
    ``f1`` composes with the flow of ``f2`` on the same block, a splitting); a label may not update
    two different blocks."""
    merged: dict[str, list] = {}
    owner: dict[str, str] = {}
    for s in series:
        for block, labels in s.blocks.items():
            for label in labels:
                if owner.setdefault(label, block) != block:
                    raise BeaError(f"the field {label} updates block {owner[label]} in one series and {block} in another")
                if label not in merged.setdefault(block, []):
                    merged[block].append(label)
    return Blocks(merged)


def _universe(*series: BSeries) -> list[Tree]:
    return trees_up_to(min(s.order for s in series), series[0].labels)


def _common(series: list[BSeries], scalars=()) -> list[BSeries]:
    """The series on the same blocks (:func:`_blocks`) with their coefficients in one ring (the smallest
    holding all of them and ``scalars``)."""
    blocks = _blocks(*series)
    same_ring = not scalars and all(s.ring is series[0].ring for s in series)
    if same_ring and all(dict(s.blocks) == dict(blocks) for s in series):
        return series
    if same_ring:
        ring = series[0].ring
    else:
        values = [s.ring.to_sympy(x) for s in series for x in s.values.values()] + list(scalars)
        ring = ring_for(values, divides=True)
    out = []
    for s in series:
        time = None if s.time is None else {b: s.time.get(b, sympy.Integer(1)) for b in blocks}
        values = s.values if ring is s.ring else {t: ring.coerce(s.ring.to_sympy(x)) for t, x in s.values.items()}
        out.append(BSeries(s.kind, s.order, blocks, ring, values, s.name, s.params, time))
    return out


def combine(parts, name: str | None = None) -> BSeries:
    """``sum_j c_j S_j`` for pairs ``(c_j, S_j)``: fields combine linearly; maps affinely (the weights
    of maps must sum to 1, so the result is again a map ``y -> y + ...``), e.g. Richardson
    extrapolation ``(2^p (Phi_{h/2})^2 - Phi_h) / (2^p - 1)`` [HNW93, Sec II.9].

    >>> import bea
    >>> euler = bea.one_step_map("euler", 3)
    >>> half = euler.at_step("1/2")
    >>> bea.order(bea.combine([(2, half @ half), (-1, euler)])).order
    2
    """
    parts = [(_scalar(c), s) for c, s in parts]
    if not parts or not all(isinstance(s, BSeries) for _, s in parts):
        raise BeaError("combine takes pairs (coefficient, BSeries)")
    kinds = {s.kind for _, s in parts}
    if len(kinds) != 1:
        raise BeaError("combine takes series of one kind: all maps or all fields")
    if kinds == {"map"} and sympy.simplify(sum(c for c, _ in parts) - 1) != 0:
        raise BeaError(f"the weights of maps must sum to 1 (an affine combination), got {sum(c for c, _ in parts)}")
    series = _common([s for _, s in parts], [c for c, _ in parts])
    ring = series[0].ring
    values = laws.linear_combination({}, [(ring.coerce(c), s.values) for (c, _), s in zip(parts, series)])
    label = name or " + ".join(f"{c}*{_wrap(s.name)}" for c, s in parts)
    return BSeries(series[0].kind, min(s.order for s in series), series[0].blocks, ring, values, label,
                   {k: v for s in series for k, v in s.params.items()},
                   _summed(parts) if kinds == {"map"} else series[0].time)


@cycle_collector_paused()
def one_step_map(scheme, order: int, *, time: str = "same", players: int | None = None,
                 budget: float | None = DEFAULT_SECONDS, **params) -> BSeries:
    """The B-series of one step of a scheme: ``y+ = y + sum_{|t| <= order} h^{|t|} c(t) F(t)``.

    Arguments are those of :func:`bea.derive` (a built-in name, a user scheme; its parameters; for
    ``rk`` its ``tableau``; ``budget`` in seconds).  The series is traced from the update function itself, so it is the
    left-hand side of the matching that :func:`bea.derive` solves; ``time`` sets the block times that
    :meth:`BSeries.modified_field` uses.  Schemes that read past iterates (heavy ball, Nesterov,
    optimistic) have no one-step map of ``y`` alone and are refused.

    Returns
    -------
    BSeries
        :class:`BSeries` with ``kind="map"``.

    >>> import bea
    >>> rk4 = bea.one_step_map("rk4", 4)
    >>> rk4.coefficient("f[f[f[f]]]"), rk4.normalised("f[f,f,f]")   # HLW06 Sec III.1: 1/24 and 1/4
    (1/24, 1/4)

    References: [HLW06, Sec III.1], [HNW93, Sec II.2], [KR23].
    """
    order = check_order(order)
    bound = make_scheme(scheme, time=time, players=players, **params)
    ring, state_carrying = within_budget(bound, order, False, budget, lambda message: None)
    if state_carrying:
        raise SchemeError(f"scheme {bound.name!r} reads past iterates, so one step is not a map of the current state "
                          "alone (no one-step B-series); its modified field comes from `bea derive` (slow manifold)")
    universe = trees_up_to(order, bound.labels)
    (values, _), ring = widening(ring, lambda r: traced_map(bound, r, universe))
    return BSeries("map", order, bound.blocks, ring, values, bound.name, bound.shown_params, dict(bound.times))


def exact_flow(field, order: int | None = None) -> BSeries:
    """The B-series of the exact flow, for the time ``h`` (each block: its own time ``T_b``).

    ``field`` is a field label or a list of them (the unmodified field ``sum_l f_l``, all in one
    block ``theta``; coefficients ``1/gamma(t)`` over symmetry [HLW06, Thm III.1.3]), a
    :class:`~bea.result.ModifiedFlow` (the flow of the modified field, for its block times: what one
    step of the scheme matches through ``h^order``), or a field :class:`BSeries`.  ``order``: the
    largest tree size (default: the order of the flow or series).

    >>> import bea
    >>> e = bea.exact_flow("f", 4)
    >>> e.coefficient("f[f[f]]"), e.coefficient("f[f,f]"), e.normalised("f[f[f],f]")
    (1/6, 1/6, 1/8)
    """
    if isinstance(field, BSeries):
        series = field if order is None else _truncated(field, check_order(order))
        return series.exact_flow()
    if isinstance(field, ModifiedFlow):
        return field_series(field, order).exact_flow()
    labels = [field] if isinstance(field, str) else list(field) if isinstance(field, (list, tuple)) else None
    if not labels or not all(isinstance(label, str) and label.isidentifier() for label in labels):
        raise BeaError(f"exact_flow takes a field label ('f'), a list of labels, a ModifiedFlow or a field BSeries; "
                       f"got {field!r}")
    if order is None:
        raise BeaError("exact_flow of a field label needs the order (the largest tree size)")
    order = check_order(order)
    ring = ring_for([])
    unmodified = BSeries("field", order, {"theta": tuple(labels)}, ring, {Tree.make(label): ring.one for label in labels},
                         " + ".join(labels), {}, {"theta": sympy.Integer(1)})
    return unmodified.exact_flow()


def _truncated(series: BSeries, order: int) -> BSeries:
    if order > series.order:
        raise OrderError(f"the series is known for trees of up to {series.order} nodes, not {order}")
    return series._like({t: x for t, x in series.values.items() if t.order <= order}, series.name, order=order,
                        time=series.time)


def field_series(flow: ModifiedFlow, order: int | None = None) -> BSeries:
    """A derived flow as a field series (its own terms; block times ``T_b / h``)."""
    order = flow.order if order is None else check_order(order)
    if order > flow.order:
        raise OrderError(f"the flow is derived to order {flow.order}; its exact flow is known for trees of up to "
                         f"{flow.order} nodes, not {order}")
    if flow.principal:
        raise BeaError("the exact flow needs every term of the field; this flow holds only the principal terms")
    coefficients = [t.coefficient for t in flow.terms]
    times = {b: sympy.sympify(v / H) for b, v in flow.time.items()}
    ring = ring_for(coefficients + list(times.values()))
    values = {t.tree: ring.coerce(t.coefficient * t.tree.symmetry) for t in flow.terms if t.tree.order <= order}
    return BSeries("field", order, flow.blocks, ring, values, f"modified field of {flow.scheme}",
                   dict(flow.params), times)


def bseries(coefficients, order: int, *, kind: str = "map", blocks=None, name: str = "") -> BSeries:
    """A B-series from its coefficients: ``{tree: c}`` (whole factors, trees as text or
    :class:`~bea.algebra.trees.Tree`; missing trees are zero) or a function ``tree -> c``
    called on every tree of up to ``order`` nodes.  ``blocks``: ``{block: [labels]}``
    (default: ``theta`` with the labels used).

    The averaged vector field method, ``y+ = y + h int_0^1 f(y + s (y+ - y)) ds``, has
    ``a(l[t_1..t_k]) = a(t_1)..a(t_k) / (k + 1)`` [CMOQ10]:

    >>> import bea
    >>> from math import prod
    >>> def avf(t):
    ...     return sympy.Rational(prod(avf(c) * c.symmetry for c in t.children), (len(t.children) + 1) * t.symmetry)
    >>> bea.bseries(avf, 3).coefficient("f[f,f]")
    1/6
    """
    if kind not in KINDS:
        raise BeaError(f"kind is 'map' or 'field', not {kind!r}")
    order = check_order(order)
    if callable(coefficients):
        labels = [label for ls in (blocks or {"theta": ["f"]}).values() for label in ls]
        items = [(t, coefficients(t)) for t in trees_up_to(order, labels)]
    elif isinstance(coefficients, dict):
        items = [(t if isinstance(t, Tree) else parse_tree(t), c) for t, c in coefficients.items()]
    else:
        raise BeaError("bseries takes a dict {tree: coefficient} or a function of the tree")
    for t, c in items:
        if isinstance(c, float):
            raise BeaError(f"the coefficient of {t} is the float {c!r}; give exact numbers (sympy.Rational, '1/3')")
        if t.order > order:
            raise OrderError(f"tree {t} has more than {order} nodes")
    used = sorted({label for t, _ in items for label in t.labels})
    blocks = blocks or {"theta": used or ["f"]}
    values_sympy = [(t, _scalar(c) * t.symmetry) for t, c in items]
    ring = ring_for([v for _, v in values_sympy])
    values = {t: ring.coerce(v) for t, v in values_sympy if v != 0}
    time = {b: sympy.Integer(1) for b in blocks} if kind == "field" else None
    return BSeries(kind, order, blocks, ring, values, name or f"user {kind}", {}, time)

