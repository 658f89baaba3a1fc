"""Drift-cancelling regularisers: the losses whose scheme step follows the original flow with chosen drift
terms removed ([Ros23, Sec 4.6, App. B.4-B.6.3]).

The modifying fields ``f~_l`` of :func:`bea.modify` (the substitution law inverted, [CHV07]) are written, in a
gradient system, as ``f~_l = s_l grad E~_l`` with ``E~_l = E_l + R_l``: the regulariser ``R_l = O(h)`` is what
training adds to the loss of field ``l``.  Whether such a loss exists is decided power by power exactly as for
modified losses (:func:`bea.analysis.losses.modified_loss`); where it does not, the part that is not a gradient
is the certificate.  Where several fields share a block (sgd) each field's loss is found on its own.

Explicit regularisers already in use are read the other way, by the substitution law itself: a regularised
field is a B-series in the original fields, and the scheme applied to it has the modified field
``regularised * modified`` (:func:`regularised_drift`).  SGA [BRMF18] and consensus optimisation [MNG17] are
two such regularisers (docs/cancellation.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from ..algebra.trees import Tree
from ..errors import BeaError
from ..printable import Printable
from .gradient import GradientSystem, gradient_system
from .losses import ModifiedLoss, Potential, modified_loss, potential_gradient

__all__ = ["Cancellation", "cancel", "regularised", "regulariser_field"]


@dataclass(frozen=True)
class Cancellation(Printable):
    """The drift-cancelling losses of a scheme: ``losses[label]`` is the :class:`ModifiedLoss` whose field is
    the modifying field of ``label`` (its rows: ``E_l`` at ``h^0``, the regulariser after), ``flow`` the
    modifying fields themselves, ``terms`` the drift cancelled (``all``, ``interaction``, ``self``)."""

    flow: object
    system: GradientSystem
    terms: str
    losses: dict

    @property
    def exact(self) -> bool:
        """Every field's cancellation is the negative gradient of a loss at every power."""
        return all(loss.exact for loss in self.losses.values())

    def regulariser(self, label: str) -> list:
        """``R_l`` as ``(power, coefficient, Potential)`` rows: the loss of ``label`` beyond its ``h^0`` part."""
        return [row for row in self.loss(label).terms[self.flow.block_of(label)] if row[0] > 0]

    def loss(self, label: str) -> ModifiedLoss:
        """The regularised loss of ``label`` (pass it to ``bea.jax.loss`` for a model)."""
        if label not in self.losses:
            raise BeaError(f"no field {label!r}; the fields are {', '.join(self.losses)}")
        return self.losses[label]


def cancel(scheme, order: int, system, terms: str = "all", *, frozen: bool = False, losses: dict | None = None,
           time: str = "same", players: int | None = None, progress=False, budget=None, **params) -> Cancellation:
    """The regularised losses ``E_l + R_l`` whose scheme step follows the flow of the original losses with the
    ``terms`` drift removed, through ``h**order`` (see the module docstring).

    Parameters
    ----------
    scheme
        the scheme, as for :func:`bea.derive` (so are ``order``, ``time``, ``players``).
    order
        the powers ``h^0 .. h^(order-1)``.
    system
        the gradient system (``single``, ``sgd``, ``general``, ``common-payoff``, ``zero-sum``).
    terms
        ``all``, ``interaction`` (trees with a field other than the root's: [Ros23, Sec 4.6]) or ``self``.
    frozen
        write what is not a gradient with factors frozen at the last iterate ([Ros23, Ch. 5]).
    budget
        as :func:`bea.derive` (default: its budget).
    **params
        the scheme's parameters.
    losses
        ``{label: name}`` of the fields' losses (``sgd``, ``general``).

    Returns
    -------
    Cancellation
        :class:`Cancellation`.

    >>> c = cancel("simultaneous", 2, "zero-sum", "interaction", time="per-player")
    >>> print(c.to_text().splitlines()[1])
    E~_phi = -E + h*v_phi/4 |grad_theta E|^2

    References: [Ros23, Sec 4.6 and App. B.6.3], [CHV07].
    """
    from ..engine.derive import modify

    from ..engine.budget import DEFAULT_SECONDS

    flow = modify(scheme, order, terms=terms, time=time, players=players, progress=progress,
                  budget=DEFAULT_SECONDS if budget is None else budget, **params)
    if not isinstance(system, GradientSystem):
        system = gradient_system(system, flow.blocks, losses)
    out = {label: modified_loss(flow.of_label(label), system, frozen=frozen, progress=progress)
           for label in flow.blocks.labels}
    return Cancellation(flow, system, terms, out)


def regulariser_field(system: GradientSystem, regularisers: dict) -> dict:
    """The change of each field when its player's loss gains a regulariser: ``{label: {Tree: c}}`` with
    ``-grad_b R_l = sum c F(t)``, the whole factor ``c`` of ``h^(|t| - 1) F(t)``.

    ``regularisers[label]`` lists ``(strength, Potential)``: ``R_l = sum strength h^(n - 1) Phi`` for a potential
    of ``n`` nodes (its gradient's trees have ``n`` nodes; ``|grad_theta E|^2`` has two, so its strength is in
    units of ``h``: [Ros23, Sec 4.6]'s ``c_1 = O(h)``).  The player's own loss ``E'_l`` has ``F_l = -grad E'_l``
    whatever the system's sign, so the field changes by ``-grad_b R_l = -sum strength m G(t)`` over the re-rooted
    trees of the potential (:func:`~bea.analysis.losses.potential_gradient`), ``G(t) = s(t) F(t)``.
    """
    if not isinstance(regularisers, dict):
        raise BeaError(f"regularisers are a dict {{field label: [(strength, Potential), ...]}}, got {regularisers!r}")
    out: dict = {}
    for label, rows in regularisers.items():
        if label not in system.block:
            raise BeaError(f"a regulariser names the field {label!r}; the fields are {', '.join(system.block)}")
        change = out.setdefault(label, {})
        if not isinstance(rows, (list, tuple)):
            raise BeaError(f"the regulariser of {label} is a list of (strength, Potential), got {rows!r}")
        for row in rows:
            if not isinstance(row, (list, tuple)) or len(row) != 2:
                raise BeaError(f"a regulariser is a list of (strength, Potential) pairs, got {row!r}")
            strength, potential = row
            if not isinstance(potential, Potential):
                raise BeaError(f"a regulariser is a list of (strength, Potential), got {potential!r}")
            gradient = potential_gradient(potential, system.block[label], system)
            if gradient is None:
                raise BeaError(f"the potential {potential} has no gradient in block {system.block[label]} that is a "
                               f"field of the {system.name} system")
            for tree, m in gradient.items():
                change[tree] = change.get(tree, 0) - _strength(strength) * m * system.tree_sign(tree)
    return out


def _strength(value) -> sympy.Expr:
    """A regulariser's strength: an exact number, a SymPy expression without floats, or a symbol's name (not one
    SymPy or bea reserves, such as ``h`` or ``pi``); text is never evaluated."""
    from ..exact import exact_number
    from ..schemes.params import RESERVED

    if isinstance(value, str) and value.isidentifier():
        if value in RESERVED:
            raise BeaError(f"a regulariser's strength cannot be named {value!r} (a reserved name); choose another")
        return sympy.Symbol(value)
    if isinstance(value, sympy.Expr) and not isinstance(value, sympy.Number):
        if value.has(sympy.Float, sympy.oo, -sympy.oo, sympy.zoo, sympy.nan) or value.has(sympy.Symbol("h")):
            raise BeaError(f"a regulariser's strength must be exact, finite and free of h (it is in units of "
                           f"h^(n-1)), got {value}")
        return value
    return exact_number(value, "a regulariser's strength", floats="refuse")


def regularised(scheme, order: int, system, regularisers: dict, *, losses: dict | None = None, time: str = "same",
                players: int | None = None, **params):
    """The modified field of ``scheme`` run on regularised losses ``E'_l + R_l`` (:func:`regulariser_field`),
    as a flow in the original fields: ``A[f + delta f]`` for the scheme's modified field ``A`` (the substitution
    law, [CHV10, Thm 3.2]), through ``h**(order - 1)``.  The strengths may be symbols; they become parameters of
    the flow (its ``jacobian`` and ``evaluate`` take them), and :func:`bea.modified_loss` reads its losses.

    >>> import bea
    >>> from bea.analysis.losses import Potential
    >>> from bea.algebra.trees import parse_tree
    >>> c = sympy.Symbol("c")
    >>> sga = {"f": [(c, Potential("E", (parse_tree("g"),)))], "g": [(c, Potential("E", (parse_tree("f"),)))]}
    >>> flow = regularised("simultaneous", 2, "zero-sum", sga, time="per-player")
    >>> sympy.expand(flow.coefficient("phi", "f[g]"))      # the interaction drift -v_phi/2 and the regulariser 2c
    2*c - v_phi/2
    """
    from ..engine.bseries import bseries, field_series
    from ..engine.derive import derive
    from ..result import ModifiedFlow

    flow = derive(scheme, order, time=time, players=players, **params)
    if not isinstance(system, GradientSystem):
        system = gradient_system(system, flow.blocks, losses)
    change = regulariser_field(system, regularisers)
    fields: dict = {Tree.make(label, ()): 1 for label in flow.blocks.labels}
    for rows in change.values():
        for tree, c in rows.items():
            if tree.order <= order:
                fields[tree] = fields.get(tree, 0) + c
    adjusted = bseries(fields, order, kind="field", blocks=dict(flow.blocks), name="regularised fields")
    series = field_series(flow).substitute(adjusted)
    symbols = sorted(set().union(*(sympy.sympify(c).free_symbols for rows in change.values() for c in rows.values())),
                     key=str)
    return ModifiedFlow(f"{flow.scheme} (regularised)", order, {**flow.params, **{str(s): s for s in symbols}},
                        dict(flow.blocks), flow.time, series.terms, source=flow.source)
