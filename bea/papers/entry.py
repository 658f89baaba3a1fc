"""Catalogue entries: a result as printed, the derivation that regenerates it, and their exact comparison.

Each :class:`Entry` holds an equation *as printed* -- transcribed faithfully as data, typos
included, with the printed LaTeX -- and a function that *derives* the same quantities with
the engine (never typed in).  The two are compared exactly (SymPy), key by key; quoted
decimals agree when they match to the digits printed.  ``status`` is ``verified`` when
every quantity agrees and ``erratum`` otherwise, with a line naming what differs.  Nothing
here states a status: it is computed.  The builders below make the common kinds of entry:
a modified field, a modified loss, named values.
"""

from __future__ import annotations

import decimal
import functools
from dataclasses import dataclass
from functools import cached_property
from typing import Callable

import sympy

from ..algebra.trees import parse_tree
from ..analysis.gradient import GradientSystem, gradient_system
from ..analysis.losses import ModifiedLoss, Potential, modified_loss
from ..engine.derive import derive
from ..errors import BeaError
from ..printable import Printable
from ..printing.notation import key_latex, text_safe

__all__ = ["Entry", "Quoted", "FLOAT_DIGITS", "UnknownEntry", "field_entry", "loss_entry", "value_entry", "P", "agree", "key",
           "field_values", "field_of_loss", "per_axis", "spectral_gradient", "SINGLE", "ZERO_SUM", "PER_PLAYER", "SAME", "h",
           "v_phi", "v_theta", "m", "k", "R"]

h, v_phi, v_theta, m, k = sympy.symbols("h v_phi v_theta m k")
R = sympy.Rational


class UnknownEntry(BeaError):
    """An id that is not in the catalogue."""


@dataclass(frozen=True)
class Quoted:
    """A decimal as the text prints it (``"0.19"``, ``"-0.0016"``, ``"1.07e9"``): an exact or computed value
    agrees when it *rounds* to it at the printed last digit (half away from zero), so ``0.19838`` is not
    ``0.19`` (it rounds to ``0.20``).

    >>> Quoted("0.19").agrees(sympy.Rational(9919, 50000)), Quoted("0.20").agrees(sympy.Rational(9919, 50000))
    (False, True)
    >>> Quoted("1.07e9").agrees(2**30), Quoted("1.33e8").agrees(sympy.Rational(10**9, 7))
    (True, False)
    """

    text: str

    def __post_init__(self):
        try:
            decimal.Decimal(self.text)
        except decimal.InvalidOperation:
            raise BeaError(f"a quoted decimal must be a decimal number, got {self.text!r}") from None

    @property
    def value(self) -> sympy.Rational:
        return sympy.Rational(self.text)

    def agrees(self, exact) -> bool:
        printed = decimal.Decimal(self.text)
        unit = decimal.Decimal(1).scaleb(printed.as_tuple().exponent)
        with decimal.localcontext() as context:
            context.prec = 80
            value = decimal.Decimal(repr(exact) if isinstance(exact, float) else str(sympy.N(exact, 60)))
            return value.quantize(unit, rounding=decimal.ROUND_HALF_UP) == printed

    def __str__(self):
        return f"{self.text} (quoted)"


@dataclass(frozen=True)
class Entry(Printable):
    """One printed result and the derivation that regenerates it."""

    id: str
    source: str
    statement: str
    convention: str
    command: str
    printed_latex: str
    printed: Callable[[], dict]
    derived: Callable[[], tuple[dict, str]]
    covers: tuple[str, ...] = ()

    @cached_property
    def result(self) -> dict:
        printed = self.printed()
        derived, latex = self.derived()
        differing = []
        for key in list(printed) + [k for k in derived if k not in printed]:
            p, d = printed.get(key, 0), derived.get(key, 0)
            if not agree(p, d):
                differing.append((key, p, d))
        return {"printed": printed, "derived": derived, "latex": latex, "differing": differing}

    @property
    def status(self) -> str:
        return "erratum" if self.result["differing"] else "verified"

    @property
    def note(self) -> str:
        differing = self.result["differing"]
        if not differing:
            return f"all {len(self.result['printed'])} printed quantities agree with the derivation"
        key, p, d = differing[0]
        more = f" (and {len(differing) - 1} more)" if len(differing) > 1 else ""
        return f"{key}: printed {_show(p)}, derived {_show(d)}{more}"

    @property
    def differences(self) -> list[tuple[str, str, str]]:
        """``(quantity, printed, derived)`` as text, for every quantity that differs."""
        return [(k, _show(p), _show(d)) for k, p, d in self.result["differing"]]

    def __repr__(self) -> str:
        return f"<Entry {self.id} [{self.status}]: {self.source}>"


FLOAT_DIGITS = 9
"""A value the engine computes in floating point (an eigenvector, a Newton orbit, iterates) agrees with an
exact printed value to this many significant digits (or within ``10^-12`` of zero)."""


def agree(p, d) -> bool:
    """Printed ``p`` and derived ``d`` agree: a :class:`Quoted` decimal when ``d`` rounds to it; booleans
    and strings when equal; a float (or complex float) on either side to :data:`FLOAT_DIGITS` digits; else
    exactly (SymPy)."""
    if isinstance(p, Quoted):
        return p.agrees(d)
    if isinstance(p, (bool, str)) or isinstance(d, (bool, str)):
        return p == d
    if isinstance(p, (float, complex)) or isinstance(d, (float, complex)):
        p, d = complex(sympy.N(p, 30)), complex(sympy.N(d, 30))
        return abs(p - d) <= max(10.0 ** -FLOAT_DIGITS * max(abs(p), abs(d)), 1e-12)
    return sympy.simplify(sympy.sympify(p) - sympy.sympify(d)) == 0


def _show(x) -> str:
    if isinstance(x, (Quoted, str)):
        return str(x)
    return f"{x:.12g}" if isinstance(x, (float, complex)) else str(sympy.sympify(x))


# -- building blocks --------------------------------------------------------------------------
def key(block: str, power: int, tree: str, prefix: str = "") -> str:
    """The comparison key of one term of a field: ``"theta h^1 f[f]"``."""
    return f"{prefix}{block} h^{power} {tree}"


def field_values(flow, system: GradientSystem | None = None, powers=None, prefix: str = "") -> dict:
    """``{key: coefficient}`` of ``G(tree)`` (gradient system) or of ``F(tree)``, optionally only some powers."""
    out = {}
    for t in flow.terms:
        if powers is None or t.power in powers:
            sign = system.tree_sign(t.tree) if system else 1
            out[key(t.block, t.power, t.tree, prefix)] = t.coefficient * sign
    return out


def field_of_loss(rows: dict, system: GradientSystem, order: int, prefix: str = "", powers=None) -> dict:
    """``{key: coefficient of F(tree)}`` of the field ``-grad_b E~_b`` of printed losses ``{block: rows}``."""
    loss = ModifiedLoss(system, rows, {}, True, order)
    return {key(b, p, t, prefix): c for b in rows for (p, t), c in loss.field(b).items()
            if powers is None or p in powers}


def field_entry(id, source, statement, convention, scheme, order, printed, latex, *, system=None,
                powers=None, time="same", params=None, players=None):
    """A modified field as printed (coefficients of ``G(tree)`` in a gradient system, or of ``F(tree)``)."""
    params = dict(params or {})

    def make_system(flow):
        return gradient_system(system, flow.blocks) if system else None

    def printed_values():
        return {key(b, p, t): c for (b, p, t), c in printed.items()}

    def derived_values():
        flow = derive(scheme, order, time=time, players=players, **params)
        gs = make_system(flow)
        return field_values(flow, gs, powers), flow.to_latex(gradient=gs)

    command = _command("derive", scheme, order, time, params, players) + (f" --gradient {system}" if system else "")
    return Entry(id, source, statement, convention, command, latex, printed_values, derived_values)


def loss_entry(id, source, statement, convention, scheme, order, printed, latex, *, system, time="same",
               params=None, frozen=False, powers=None, flow_of=None, command=None):
    """Modified losses as printed, compared through the fields they generate, ``-grad_b E~_b``."""
    params = dict(params or {})

    @functools.cache
    def flow():
        return flow_of() if flow_of else derive(scheme, order, time=time, **params)

    def printed_values():
        return field_of_loss(printed(), gradient_system(system, flow().blocks), order, powers=powers)

    def derived_values():
        f = flow()
        return field_values(f, None, powers), modified_loss(f, system, frozen=frozen).to_latex()

    command = command or (_command("loss", scheme, order, time, params, None) + f" --system {system}"
                          + (" --frozen" if frozen else ""))
    return Entry(id, source, statement, convention, command, latex, printed_values, derived_values)


def value_entry(id, source, statement, convention, command, printed, derived, latex):
    """Scalar or matrix quantities: ``printed()`` and ``derived()`` return ``{name: value}``."""

    def derived_values():
        values = derived()
        body = " \\\\\n".join(f"{key_latex(k)} &= {_value_latex(v)}" for k, v in values.items())
        return values, "\\begin{aligned}\n" + body + "\n\\end{aligned}"

    return Entry(id, source, statement, convention, command, latex, printed, derived_values)


def _value_latex(value) -> str:
    """A derived value as LaTeX: words (``toward``) and truth values as text, floats to 10 digits, exact values
    by SymPy."""
    if isinstance(value, bool):
        return f"\\text{{{'true' if value else 'false'}}}"
    if isinstance(value, str):
        return f"\\text{{{text_safe(value)}}}"
    if isinstance(value, float):
        return sympy.latex(sympy.Float(value, 10))
    if isinstance(value, complex):
        return sympy.latex(sympy.Float(value.real, 10) + sympy.I * sympy.Float(value.imag, 10))
    return sympy.latex(sympy.sympify(value))


def _command(cmd, scheme, order, time, params, players) -> str:
    parts = [f"bea {cmd} --scheme {scheme} --order {order}"]
    if time != "same":
        parts.append(f"--time {time}")
    if players:
        parts.append(f"--players {players}")
    if params:
        parts.append("--param " + " ".join(f"{k}={v}" for k, v in params.items()))
    return " ".join(parts)


def per_axis(name: str, vector, convert=lambda v: v) -> dict:
    """``{"<name> x": convert(vector[0]), "<name> y": convert(vector[1])}``: a vector on the plane as named values."""
    return {f"{name} {axis}": convert(value) for axis, value in zip("xy", vector)}


def spectral_gradient(quantity, spectral_at, dimension: int = 2):
    """``[d quantity/d x_i]`` (rows: the direction ``i``) of ``quantity(Spectral)``, a quantity of :func:`bea.spectral`'s
    result at the point shifted by ``spectral_at(shift)``: central differences at steps 1/1000 and 1/2000,
    Richardson-extrapolated (error O(step^4)), each shift exact so the engine sees rational points."""
    import numpy as np

    def central(step, axis):
        shift = [0] * dimension
        shift[axis] = step
        plus, minus = quantity(spectral_at(shift)), quantity(spectral_at([-x for x in shift]))
        return (plus - minus) / (2 * float(step))
    return np.array([(4 * central(R(1, 2000), a) - central(R(1, 1000), a)) / 3 for a in range(dimension)])


def P(loss: str, *children: str, frozen: bool = False) -> Potential:
    """A printed potential: ``P("E", "f")`` is ``|grad E|^2`` for the field ``f`` of ``E``."""
    trees = tuple(parse_tree(c) for c in children)
    return Potential(loss, trees, (frozen,) * len(trees))


# -- the entries --------------------------------------------------------------------------------
SINGLE = "gradient descent, f = -grad E, T = h"
ZERO_SUM = "zero-sum as in thesis Sec 4.5: -E_phi = E_theta = E (f = grad_phi E, g = -grad_theta E)"
PER_PLAYER = "per-player time (T_phi = v_phi h, T_theta = v_theta h)"
SAME = "same physical time (T_phi = T_theta = h)"
