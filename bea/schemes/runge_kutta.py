"""Runge-Kutta methods from their Butcher tableaux [HNW93, Sec II.1], [HLW06, Sec II.1].

One step of the ``s``-stage method ``(a, b)`` for the field ``F`` is

    K_i = h F(y + sum_j a_ij K_j),    y+ = y + sum_i b_i K_i.

When ``a`` is strictly lower triangular the stages are computed in turn (explicit);
otherwise they are one implicit equation for all stage values, solved order by order
(:func:`bea.schemes.define.solve`).  A tableau's entries are exact: rationals, roots of
rationals (``1/2 - sqrt(3)/6``: the series is then computed in the algebraic number field they
generate, :class:`bea.algebra.rings.AlgebraicRing`), or rational functions of symbols (``alpha``,
``1 - 1/(2*alpha)``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import sympy

from .define import solve
from ..errors import ParameterError
from ..expressions import ExpressionError, parse_expression

__all__ = ["Tableau", "TableauSet", "TABLEAUX", "IMPLICIT_TABLEAUX", "PARTITIONED", "read_tableau",
           "read_tableaux", "runge_kutta_step", "additive_step"]


@dataclass(frozen=True)
class Tableau:
    """A Butcher tableau: the ``s x s`` matrix ``a`` and the weights ``b``."""

    a: tuple[tuple[sympy.Expr, ...], ...]
    b: tuple[sympy.Expr, ...]

    @property
    def explicit(self) -> bool:
        return all(self.a[i][j] == 0 for i in range(len(self.b)) for j in range(i, len(self.b)))

    @property
    def entries(self) -> list[sympy.Expr]:
        return [x for row in self.a for x in row] + list(self.b)

    def __str__(self) -> str:
        rows = "; ".join(", ".join(str(x) for x in row) for row in self.a)
        return f"a = [{rows}], b = [{', '.join(str(x) for x in self.b)}]"


def _tableau(a, b) -> Tableau:
    """A tableau from rows of numbers or text, with the shape checked."""
    s = len(b)
    if s == 0:
        raise ParameterError("a Butcher tableau needs at least one stage (b is empty)")
    rows = [list(row) + [0] * (s - len(row)) for row in a]    # rows of a lower triangle may be short
    if len(rows) != s or any(len(row) != s for row in rows):
        raise ParameterError(f"the Butcher matrix a must be {s} x {s} to match the {s} weights b")
    a = tuple(tuple(_entry(x) for x in row) for row in rows)
    return Tableau(a, tuple(_entry(x) for x in b))


def _entry(x) -> sympy.Expr:
    """One exact tableau entry: an integer, a rational, or arithmetic in symbols (never a float)."""
    if isinstance(x, bool) or isinstance(x, float):
        raise ParameterError(f"tableau entry {x!r} is not exact; write it as text, e.g. \"1/3\"")
    if isinstance(x, int):
        return sympy.Integer(x)
    if isinstance(x, sympy.Expr):
        return x
    if not isinstance(x, str):
        raise ParameterError(f"tableau entry {x!r} is neither a number nor text")
    try:
        value = parse_expression(x, _identifiers(x))
    except ExpressionError as error:
        raise ParameterError(f"tableau entry {x!r}: {error}") from None
    if value.atoms(sympy.Function, sympy.NumberSymbol) or any(not (e.is_Integer or (b.is_Rational and e.is_Rational))
                                          for b, e in (p.as_base_exp() for p in value.atoms(sympy.Pow))):
        raise ParameterError(f"tableau entry {x!r} must be a rational function of symbols and roots of "
                             "rationals such as sqrt(3) (no other functions, no roots of symbols)")
    return value


def _identifiers(text: str) -> set[str]:
    """The names in ``text`` that may be symbols (functions are rejected afterwards)."""
    return {name for name in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text) if name != "h"}


@dataclass(frozen=True)
class TableauSet:
    """One Butcher tableau per field, all with the same number of stages: an additive (one block,
    several fields) or partitioned (one field per block) Runge-Kutta method [HLW06, Sec III.2]."""

    tableaux: tuple[tuple[str, Tableau], ...]

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(label for label, _ in self.tableaux)

    @property
    def entries(self) -> list[sympy.Expr]:
        return [x for _, t in self.tableaux for x in t.entries]

    def __getitem__(self, label: str) -> Tableau:
        return dict(self.tableaux)[label]

    def __str__(self) -> str:
        return "; ".join(f"{label}: {t}" for label, t in self.tableaux)


def _json_source(source, what: str):
    """The data of a JSON file (a path), or the mapping itself."""
    if not isinstance(source, (str, Path)):
        return source
    path = Path(source)
    try:
        return json.loads(path.read_text())
    except OSError as error:
        raise ParameterError(f"cannot read the {what} file {str(path)!r}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise ParameterError(f"the {what} file {str(path)!r} is not a text (JSON) file") from None
    except json.JSONDecodeError as error:
        raise ParameterError(f"the {what} file {str(path)!r} is not JSON: {error.msg} (line {error.lineno})") from None


def read_tableaux(source, labels=None) -> TableauSet:
    """One tableau per field from a JSON file or mapping ``{"f": {"a": ..., "b": ...}, "g": {...}}``
    (``labels``: the field labels required, in order; else any identifiers, in the order given)."""
    if isinstance(source, TableauSet):
        data = dict(source.tableaux)
    else:
        data = _json_source(source, "tableaux")
    if not isinstance(data, dict) or not data:
        raise ParameterError('tableaux are an object {"label": {"a": [[...]], "b": [...]}, ...}, one per field')
    if labels is not None and set(data) != set(labels):
        raise ParameterError(f"the tableaux must be given for exactly the fields {', '.join(labels)}; got {', '.join(map(str, data))}")
    for label in data:
        if not isinstance(label, str) or not label.isidentifier():
            raise ParameterError(f"a field label of the tableaux must be an identifier, got {label!r}")
    order = list(labels) if labels is not None else list(data)
    tableaux = tuple((label, read_tableau(data[label])) for label in order)
    stages = {len(t.b) for _, t in tableaux}
    if len(stages) != 1:
        raise ParameterError(f"the tableaux must have one number of stages; they have {', '.join(map(str, sorted(stages)))}")
    return TableauSet(tableaux)


def read_tableau(source) -> Tableau:
    """A tableau from a JSON file ``{"a": [[...], ...], "b": [...]}``, a mapping, or a Tableau."""
    if isinstance(source, Tableau):
        return source
    if isinstance(source, (str, Path)):
        data = _json_source(source, "tableau")
    else:
        data = source
    if not isinstance(data, dict) or set(data) != {"a", "b"}:
        raise ParameterError('a tableau is an object with exactly the keys "a" (rows) and "b" (weights)')
    if not isinstance(data["a"], (list, tuple)) or not all(isinstance(r, (list, tuple)) for r in data["a"]):
        raise ParameterError('the tableau\'s "a" must be a list of rows')
    if not isinstance(data["b"], (list, tuple)):
        raise ParameterError('the tableau\'s "b" must be a list')
    return _tableau(data["a"], data["b"])


#: Named tableaux, typed from [HNW93, Sec II.1] (extragradient: ``y + h F(y + h F(y))``) and, for
#: the implicit ones, [HW96, Sec IV.5, Tables 5.1-5.2, 5.5-5.6, 5.9-5.12] and [HLW06, Sec II.1].
TABLEAUX = {
    "midpoint": _tableau([[], ["1/2"]], [0, 1]),
    "heun": _tableau([[], [1]], ["1/2", "1/2"]),
    "rk4": _tableau([[], ["1/2"], [0, "1/2"], [0, 0, 1]], ["1/6", "1/3", "1/3", "1/6"]),
    "extragradient": _tableau([[], [1]], [0, 1]),
}

#: Implicit collocation and Lobatto methods, exact (some entries are roots of rationals).
IMPLICIT_TABLEAUX = {
    "implicit-euler": _tableau([[1]], [1]),
    "implicit-midpoint": _tableau([["1/2"]], [1]),
    "trapezoidal": _tableau([[0, 0], ["1/2", "1/2"]], ["1/2", "1/2"]),
    "gauss4": _tableau([["1/4", "1/4 - sqrt(3)/6"], ["1/4 + sqrt(3)/6", "1/4"]], ["1/2", "1/2"]),
    "gauss6": _tableau([["5/36", "2/9 - sqrt(15)/15", "5/36 - sqrt(15)/30"],
                        ["5/36 + sqrt(15)/24", "2/9", "5/36 - sqrt(15)/24"],
                        ["5/36 + sqrt(15)/30", "2/9 + sqrt(15)/15", "5/36"]], ["5/18", "4/9", "5/18"]),
    "radau-iia3": _tableau([["5/12", "-1/12"], ["3/4", "1/4"]], ["3/4", "1/4"]),
    "radau-iia5": _tableau([["(88 - 7*sqrt(6))/360", "(296 - 169*sqrt(6))/1800", "(-2 + 3*sqrt(6))/225"],
                            ["(296 + 169*sqrt(6))/1800", "(88 + 7*sqrt(6))/360", "(-2 - 3*sqrt(6))/225"],
                            ["(16 - sqrt(6))/36", "(16 + sqrt(6))/36", "1/9"]],
                           ["(16 - sqrt(6))/36", "(16 + sqrt(6))/36", "1/9"]),
    "lobatto-iiia4": _tableau([[0, 0, 0], ["5/24", "1/3", "-1/24"], ["1/6", "2/3", "1/6"]], ["1/6", "2/3", "1/6"]),
    "lobatto-iiic4": _tableau([["1/6", "-1/3", "1/6"], ["1/6", "5/12", "-1/12"], ["1/6", "2/3", "1/6"]],
                              ["1/6", "2/3", "1/6"]),
}

#: Partitioned methods for ``phi' = f``, ``theta' = g`` (one tableau per field) [HLW06, Secs II.2 and VI.3]:
#: symplectic Euler (``phi`` implicit, ``theta`` explicit: ``phi+ = phi + h f(phi+, theta)``,
#: ``theta+ = theta + h g(phi+, theta)``) and Stormer-Verlet as the Lobatto IIIB (``f``) / IIIA (``g``) pair.
PARTITIONED = {
    "symplectic-euler": TableauSet((("f", _tableau([[1]], [1])), ("g", _tableau([[0]], [1])))),
    "stormer-verlet": TableauSet((("f", _tableau([["1/2", 0], ["1/2", 0]], ["1/2", "1/2"])),
                                  ("g", _tableau([[0, 0], ["1/2", "1/2"]], ["1/2", "1/2"])))),
}


def runge_kutta_step(y, slope, tableau: Tableau):
    """``y + sum_i b_i K_i`` with ``K_i = slope(Y_i)``, ``Y_i = y + sum_j a_ij K_j``.

    ``slope(z)`` is ``h F(z)`` as a traced vector.  Explicit tableaux run stage by stage;
    implicit ones solve for all stage values at once.  (:func:`additive_step` with one field.)
    """
    return additive_step(y, {None: slope}, {None: tableau})


def additive_step(y, slopes: dict, tableaux: dict):
    """One step of an additive Runge-Kutta method [HLW06, Sec III.2.1], [KC03]:

        K^l_i = slope_l(Y_i),   Y_i = y + sum_l sum_j a^l_ij K^l_j,   y+ = y + sum_l sum_i b^l_i K^l_i,

    one tableau ``(a^l, b^l)`` per field ``l`` (``slope_l(z) = c_l h F_l(z)``).  When each field
    updates its own block this is a partitioned method (symplectic Euler, Stormer-Verlet).  All
    tableaux explicit: stage by stage; otherwise the stage values are solved for at once.
    """
    labels = list(slopes)
    s = len(tableaux[labels[0]].b)

    def stage(i, ks):
        """``Y_i = y + sum_l sum_j a^l_ij K^l_j``."""
        value = y
        for l in labels:
            value = _combination(value, tableaux[l].a[i], ks[l])
        return value

    if all(tableaux[l].explicit for l in labels):
        slopes_by_label = {l: [] for l in labels}
        for i in range(s):
            value = stage(i, slopes_by_label)
            for l in labels:
                slopes_by_label[l].append(slopes[l](value))
    else:
        def stages(values):
            ks = {l: [slopes[l](v) for v in values] for l in labels}
            return tuple(stage(i, ks) for i in range(s))

        values = solve(stages, (y,) * s)
        slopes_by_label = {l: [slopes[l](v) for v in values] for l in labels}
    for l in labels:
        y = _combination(y, tableaux[l].b, slopes_by_label[l])
    return y


def _combination(y, weights, vectors):
    for w, k in zip(weights, vectors):
        if w != 0:
            y = y + w * k
    return y
