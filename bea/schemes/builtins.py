"""The built-in schemes, defined through the public mechanism of :mod:`bea.schemes.define`.

Each scheme is its update function and nothing more: no scheme knows any modified field.
The papers' schemes (docs/conventions.md) are ``euler``, ``simultaneous``, ``alternating`` and
``sgd``.  The optimisers beyond them are written once against a *slope* ``z -> h F(z)``
and instantiated for one field (block ``theta``, field ``f``, like ``euler``) and for two
players (blocks and fields of ``simultaneous``, ``F = (v_phi f, v_theta g)``).

:func:`make_scheme` fixes a scheme's parameters (numbers or symbols) and its time
convention; :func:`load_scheme` reads a user's scheme from ``path.py:name`` or
``module:name``.
"""

from __future__ import annotations

import importlib
import importlib.util
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sympy

from ..algebra.blocks import Blocks
from .define import SchemeDefinition, check_blocks, coefficient, repeat, scheme, solve
from ..errors import ParameterError, SchemeError
from ..printable import Printable
from .params import COUNT, MOMENTUM, NUMERIC_COUNT, RATE, REQUIRED, ParamKind
from .runge_kutta import (IMPLICIT_TABLEAUX, PARTITIONED, TABLEAUX, Tableau, additive_step, read_tableau,
                          read_tableaux, runge_kutta_step)

__all__ = ["Scheme", "SCHEMES", "TIMES", "TABLEAU", "make_scheme", "load_scheme", "SchemeInfo", "scheme_infos"]

TIMES = ("same", "per-player")
TABLEAU = ParamKind("a Butcher tableau (a JSON file with keys a and b)", lambda v: False, symbolic=False,
                    reader=read_tableau)

TABLEAU_PAIR = ParamKind('one Butcher tableau per field, f and g (a JSON file {"f": {"a": ..., "b": ...}, "g": ...})',
                         lambda v: False, symbolic=False, reader=lambda source: read_tableaux(source, ("f", "g")))
TABLEAU_SET = ParamKind('one Butcher tableau per field of one block (a JSON file {"f1": {"a": ..., "b": ...}, ...})',
                        lambda v: False, symbolic=False, reader=read_tableaux)

_ONE = {"theta": ("f",)}
_TWO = {"phi": ("f",), "theta": ("g",)}
_RATES = {"v_phi": RATE, "v_theta": RATE}
_PER_PLAYER = {"phi": "v_phi", "theta": "v_theta"}


# -- the papers' schemes (docs/conventions.md) ------------------------------------------------------
@scheme(blocks=_ONE)
def euler(y, F, h):
    """Gradient descent / explicit Euler: ``theta <- theta + h f(theta)``; ``T = h``."""
    return y + h * F.f(y)


@scheme(blocks=_TWO, params=_RATES, rates=_PER_PLAYER)
def simultaneous(y, F, h, v_phi, v_theta):
    """Both players step from the old state with rates ``v_phi h`` and ``v_theta h``."""
    return y + v_phi * h * F.f(y) + v_theta * h * F.g(y)


@scheme(blocks=_TWO, params={**_RATES, "m": COUNT, "k": COUNT}, rates=_PER_PLAYER)
def alternating(y, F, h, v_phi, v_theta, m, k):
    """``m`` steps of ``v_phi h / m`` on phi, then ``k`` steps of ``v_theta h / k`` on theta (Eqs 4.17-4.18)."""
    y = repeat(m, lambda z: z + (v_phi / m) * h * F.f(z), y)
    return repeat(k, lambda z: z + (v_theta / k) * h * F.g(z), y)


@scheme(blocks=lambda n: {"theta": tuple(f"f{i}" for i in range(1, int(n) + 1))},
        params={"n": (NUMERIC_COUNT, REQUIRED)}, times=lambda n: {"theta": n})
def sgd(y, F, h, n):
    """``theta <- theta + h f_i(theta)`` for ``i = 1..n``; ``T = n h``."""
    for i in range(1, int(n) + 1):
        y = y + h * F[f"f{i}"](y)
    return y


# -- optimisers written against a slope z -> h F(z) ------------------------------------------
def _proximal(y, slope):
    """Implicit Euler / proximal point: ``z+ = z + h F(z+)``, solved order by order."""
    return solve(lambda z: y + slope(z), y)


def _heavy_ball(y, slope, beta):
    """Polyak's heavy ball: ``theta+ = theta + h F(theta) + beta (theta - theta-)``, on the slow manifold."""
    return y + slope(y) + beta * (y - y.previous())


def _nesterov(y, slope, beta):
    """Nesterov momentum: ``theta+ = u + h F(u)`` at the look-ahead ``u = theta + beta (theta - theta-)``."""
    lookahead = y + beta * (y - y.previous())
    return lookahead + slope(lookahead)


def _optimistic(y, slope):
    """Optimistic gradient: ``z+ = z + 2 h F(z) - h F(z-)``, on the slow manifold."""
    return y + 2 * slope(y) - slope(y.previous())


def _lookahead(y, slope, alpha, k):
    """Lookahead: ``k`` fast steps from ``theta``, then ``theta+ = theta + alpha (fast - theta)``; ``T = k h``."""
    fast = repeat(k, lambda z: z + slope(z), y)
    return y + alpha * (fast - y)


def _sam(y, slope, c):
    """Sharpness-aware minimisation, unnormalised, radius ``rho = c h``: ``z+ = z + h F(z - c h F(z))`` (for
    ``F = -grad E`` the gradient at the ascent point ``z + rho grad E``)."""
    return y + slope(y - c * slope(y))


def _players(name: str, update, params: dict, doc: str, times=None) -> dict[int, SchemeDefinition]:
    """The one-field and two-player versions of an update written against a slope."""

    def one(y, F, h, **values):
        return update(y, lambda z: h * F.f(z), **values)

    def two(y, F, h, v_phi, v_theta, **values):
        return update(y, lambda z: v_phi * h * F.f(z) + v_theta * h * F.g(z), **values)

    one.__doc__ = two.__doc__ = doc
    return {
        1: scheme(blocks=_ONE, params=params, name=name, times=times and (lambda **p: {"theta": times(**p)}))(one),
        2: scheme(blocks=_TWO, params={**_RATES, **params}, rates=_PER_PLAYER, name=name,
                  times=times and (lambda **p: dict.fromkeys(("phi", "theta"), times(**p))))(two),
    }


# -- two players, each with its own momentum (zero: none) -------------------------------------------
_MOMENTA = {"beta_phi": MOMENTUM, "beta_theta": MOMENTUM}


@scheme(blocks=_TWO, params={**_RATES, **_MOMENTA}, rates=_PER_PLAYER, name="simultaneous-heavy-ball")
def simultaneous_heavy_ball(y, F, h, v_phi, v_theta, beta_phi, beta_theta):
    """Both players step from the old state, each with its own heavy-ball momentum:
    ``phi+ = phi + v_phi h f + beta_phi (phi - phi-)``, the same for theta (``beta = 0``: no momentum)."""
    velocity = y - y.previous()
    return y + v_phi * h * F.f(y) + v_theta * h * F.g(y) + beta_phi * velocity.on("phi") + beta_theta * velocity.on("theta")


@scheme(blocks=_TWO, params={**_RATES, **_MOMENTA}, rates=_PER_PLAYER, name="alternating-heavy-ball")
def alternating_heavy_ball(y, F, h, v_phi, v_theta, beta_phi, beta_theta):
    """phi steps with its momentum, then theta steps at the new phi with its own:
    ``phi+ = phi + v_phi h f(phi, theta) + beta_phi (phi - phi-)``,
    ``theta+ = theta + v_theta h g(phi+, theta) + beta_theta (theta - theta-)``."""
    velocity = y - y.previous()
    z = y + v_phi * h * F.f(y) + beta_phi * velocity.on("phi")
    return z + v_theta * h * F.g(z) + beta_theta * velocity.on("theta")


@scheme(blocks=_TWO, params={**_RATES, **_MOMENTA}, rates=_PER_PLAYER, name="simultaneous-nesterov")
def simultaneous_nesterov(y, F, h, v_phi, v_theta, beta_phi, beta_theta):
    """Both players take Nesterov steps, each with its own momentum, at the common look-ahead point
    ``u = (phi + beta_phi (phi - phi-), theta + beta_theta (theta - theta-))``."""
    velocity = y - y.previous()
    u = y + beta_phi * velocity.on("phi") + beta_theta * velocity.on("theta")
    return u + v_phi * h * F.f(u) + v_theta * h * F.g(u)


_BY_SLOPE = {
    **{name: (lambda y, slope, t=t: runge_kutta_step(y, slope, t), {}, f"Runge-Kutta method {name}: {t}")
       for name, t in {**TABLEAUX, **IMPLICIT_TABLEAUX}.items()},
    "rk": (runge_kutta_step, {"tableau": (TABLEAU, REQUIRED)}, "any Runge-Kutta method from its Butcher tableau"),
    "proximal": (_proximal, {}, _proximal.__doc__),
    "heavy-ball": (_heavy_ball, {"beta": MOMENTUM}, _heavy_ball.__doc__),
    "nesterov": (_nesterov, {"beta": MOMENTUM}, _nesterov.__doc__),
    "optimistic": (_optimistic, {}, _optimistic.__doc__),
    "lookahead": (_lookahead, {"alpha": RATE, "k": COUNT}, _lookahead.__doc__, lambda k, **_: k),
    "sam": (_sam, {"c": RATE}, _sam.__doc__),
}
_BY_SLOPE["extragradient"] = (_BY_SLOPE["extragradient"][0], {}, "extragradient: z+ = z + h F(z + h F(z))")

# -- additive and partitioned Runge-Kutta methods (one tableau per field) ------------------------------
def _partitioned(tableaux, doc: str):
    """A partitioned method for the two players: ``f`` (phi) and ``g`` (theta) each with its tableau
    (``tableaux``; ``None``: the scheme's parameter ``tableau``)."""
    def update(y, F, h, v_phi, v_theta, **values):
        pair = values.get("tableau", tableaux)
        return additive_step(y, {"f": lambda z: v_phi * h * F.f(z), "g": lambda z: v_theta * h * F.g(z)},
                             {"f": pair["f"], "g": pair["g"]})
    update.__doc__ = doc
    return update


def _additive(y, F, h, tableau):
    """additive Runge-Kutta method on one block: every field with its own tableau, at common stages"""
    return additive_step(y, {label: (lambda z, label=label: h * F[label](z)) for label in tableau.labels},
                         {label: tableau[label] for label in tableau.labels})


_PARTITIONED_SCHEMES = {
    "prk": scheme(blocks=_TWO, params={**_RATES, "tableau": (TABLEAU_PAIR, REQUIRED)}, rates=_PER_PLAYER, name="prk")(
        _partitioned(None, "partitioned Runge-Kutta method: one tableau for f (phi), one for g (theta)")),
    **{name: scheme(blocks=_TWO, params=_RATES, rates=_PER_PLAYER, name=name)(
        _partitioned(pair, f"partitioned Runge-Kutta method {name}: {pair}")) for name, pair in PARTITIONED.items()},
    "ark": scheme(blocks=lambda tableau, **_: {"theta": tableau.labels}, params={"tableau": (TABLEAU_SET, REQUIRED)},
                  name="ark")(_additive),
}

#: name -> {number of players: definition}
SCHEMES: dict[str, dict[int, SchemeDefinition]] = {
    "euler": {1: euler},
    "simultaneous": {2: simultaneous},
    "alternating": {2: alternating},
    "sgd": {1: sgd},
    **{name: _players(name, *entry) for name, entry in _BY_SLOPE.items()},
    **{name: {1 if name == "ark" else 2: definition} for name, definition in _PARTITIONED_SCHEMES.items()},
    **{d.name: {2: d} for d in (simultaneous_heavy_ball, alternating_heavy_ball, simultaneous_nesterov)},
}


@dataclass(frozen=True)
class SchemeInfo(Printable):
    """What ``bea schemes`` lists: a built-in scheme's name, its forms (1 or 2 players), its parameters
    (``{name: kind}``) and the first line of its description."""

    name: str
    players: tuple
    params: dict
    description: str


def scheme_infos() -> list[SchemeInfo]:
    """Every built-in scheme (:data:`SCHEMES`), in order."""
    out = []
    for name, variants in SCHEMES.items():
        definition = variants[min(variants)]             # the one-field form's parameters; --players 2 adds the rates
        params = {p: kind.description for p, (kind, _) in definition.params.items()}
        text = " ".join((definition.update.__doc__ or "").replace("``", "").split())
        sentence = text.split(". ")[0].rstrip(".")
        out.append(SchemeInfo(name, tuple(sorted(variants)), params, sentence))
    return out


# -- a scheme with its parameters fixed ---------------------------------------------------------
@dataclass(frozen=True)
class Scheme:
    """A scheme with its parameters fixed (numbers or symbols) and its time convention."""

    name: str
    definition: SchemeDefinition
    blocks: Blocks                          # block -> labels of the fields updating it
    times: dict[str, sympy.Expr]            # block -> T_b / h
    params: dict[str, object]
    time: str

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(label for labels in self.blocks.values() for label in labels)

    @property
    def players(self) -> int:
        return len(self.blocks)

    @property
    def values(self) -> list[sympy.Expr]:
        """Every exact value the scheme's coefficients are built from."""
        out = list(self.times.values())
        for value in self.params.values():
            out += value.entries if hasattr(value, "entries") else [value]
        return out

    def block_of(self, label: str) -> str:
        """The block that the field ``label`` updates."""
        return self.blocks.block_of(label)

    @property
    def shown_params(self) -> dict:
        """The parameters as results carry them: SymPy values as they are, others (a tableau) as text."""
        return {k: v if isinstance(v, sympy.Basic) else str(v) for k, v in self.params.items()}

    @property
    def tableau(self) -> Tableau | None:
        """The Butcher tableau of a Runge-Kutta scheme: its ``tableau`` parameter, or the built-in one it is
        (``rk4``, ``gauss4``, ...); None for other schemes."""
        for value in self.params.values():
            if isinstance(value, Tableau):
                return value
        builtin = SCHEMES.get(self.name, {}).get(1)
        return {**TABLEAUX, **IMPLICIT_TABLEAUX}.get(self.name) if builtin is self.definition else None


def definition_of(name, players: int | None = None) -> SchemeDefinition:
    """The definition of a built-in scheme (or a definition given directly)."""
    if isinstance(name, SchemeDefinition):
        return name
    variants = SCHEMES.get(name)
    if variants is None:
        if isinstance(name, str) and ":" in name:
            return load_scheme(name)
        raise SchemeError(f"unknown scheme {name!r}; choose one of {', '.join(SCHEMES)} or give path.py:function")
    if players is None:
        players = min(variants)
    if players not in variants:
        have = " or ".join(str(p) for p in variants)
        raise SchemeError(f"scheme {name!r} is defined for {have} player(s), not {players}")
    return variants[players]


def make_scheme(name, time: str = "same", players: int | None = None, **params) -> Scheme:
    """The scheme ``name`` (a built-in name, ``path.py:function`` or a definition) with its parameters.

    Parameters left out stay symbolic (``v_phi``, ``v_theta``, ``m``, ``k``, ``beta``);
    required ones (``n`` of ``sgd``, ``tableau`` of ``rk``) must be given.
    """
    definition = definition_of(name, players)
    if time not in TIMES:
        raise SchemeError(f"unknown time convention {time!r}; choose one of {', '.join(TIMES)}")
    unknown = sorted(set(params) - set(definition.params))
    if unknown:
        known = ", ".join(definition.params) or "none"
        raise ParameterError(f"scheme {definition.name!r} has no parameter {unknown[0]!r} (its parameters: {known})")
    values = {}
    for pname, (kind, default) in definition.params.items():
        if pname in params:
            values[pname] = kind.value(pname, params[pname])
        elif default is REQUIRED or (default is None and not kind.symbolic):
            raise ParameterError(f"scheme {definition.name!r} needs the parameter {pname} ({kind})")
        else:
            values[pname] = sympy.Symbol(pname) if default is None else default
    try:
        blocks = definition.blocks(**values) if callable(definition.blocks) else definition.blocks
    except Exception as error:      # a user's blocks function
        raise SchemeError(f"scheme {definition.name!r}: its blocks function raised {type(error).__name__}: {error}") from None
    blocks = check_blocks(definition.name, blocks)
    _check_symbols(definition.name, values, blocks)
    if time == "per-player" and not definition.rates:
        what = "one block" if len(blocks) == 1 else "no per-player rates"
        raise SchemeError(f"scheme {definition.name!r} has {what}; the time convention 'per-player' "
                          f"applies to two-player schemes with rates")
    times = {b: sympy.Integer(1) for b in blocks}
    if definition.times is not None:
        times = _times(definition, values, blocks)
    if time == "per-player":                    # each block's time scales with its player's rate
        times = {b: values[definition.rates[b]] * t for b, t in times.items()}
    return Scheme(definition.name, definition, blocks, times, values, time)


def _times(definition: SchemeDefinition, values: dict, blocks: dict) -> dict:
    """``{block: T_b / h}`` from the definition's ``times`` function, checked to be exact and for every block."""
    try:
        times = definition.times(**values)
    except Exception as error:
        raise SchemeError(f"scheme {definition.name!r}: its times function raised {type(error).__name__}: {error}") from None
    if not isinstance(times, dict) or set(times) != set(blocks):
        raise SchemeError(f"scheme {definition.name!r}: times must give T_b / h for the blocks {', '.join(blocks)}")
    out = {b: coefficient(times[b]) for b in blocks}
    if any(t == 0 for t in out.values()):
        raise SchemeError(f"scheme {definition.name!r}: a block's time is zero")
    return out


def _check_symbols(name: str, values: dict, blocks: dict) -> None:
    """Parameter symbols may not be named like a field, a block or another parameter with another value."""
    labels = {label for ls in blocks.values() for label in ls}
    for pname, value in values.items():
        if not isinstance(value, sympy.Symbol):
            continue
        other = values.get(value.name)
        clash = ("a field label" if value.name in labels else "a block" if value.name in blocks else
                 "another parameter" if other is not None and other != value else None)
        if clash:
            given = f" (with the value {other})" if clash == "another parameter" else ""
            raise ParameterError(f"parameter {pname}: the symbol {value.name!r} is the name of {clash} of scheme "
                                 f"{name!r}{given}; choose another name")


@contextmanager
def _working_directory_on_path():
    """The current directory first on ``sys.path`` while importing, as ``python -m`` has it: ``module:name``
    finds ``module.py`` in the folder the command runs in."""
    import os
    import sys

    here = os.getcwd()
    added = here not in sys.path
    if added:
        sys.path.insert(0, here)
    try:
        yield
    finally:
        if added and here in sys.path:
            sys.path.remove(here)


def load_scheme(reference: str) -> SchemeDefinition:
    """A user's scheme from ``path/to/file.py:name`` or ``package.module:name``."""
    location, _, attribute = reference.rpartition(":")
    if not location or not attribute.isidentifier():
        raise SchemeError(f"a user scheme is given as path.py:name or module:name, got {reference!r}")
    if location.endswith(".py"):
        path = Path(location)
        if not path.is_file():
            raise SchemeError(f"no scheme file {location!r}")
        spec = importlib.util.spec_from_file_location(f"bea_user_scheme_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(module)
        except SchemeError:
            raise
        except Exception as error:  # the user's file: report, do not trace back
            raise SchemeError(f"cannot load {location!r}: {type(error).__name__}: {error}") from None
    else:
        try:
            with _working_directory_on_path():
                module = importlib.import_module(location)
        except ImportError as error:
            raise SchemeError(f"cannot import the module {location!r}: {error}") from None
        except Exception as error:  # the user's module raised while loading
            raise SchemeError(f"cannot load the module {location!r}: {type(error).__name__}: {error}") from None
    found = getattr(module, attribute, None)
    if not isinstance(found, SchemeDefinition):
        what = "nothing" if found is None else f"a {type(found).__name__}"
        raise SchemeError(f"{reference!r} names {what}, not a scheme; decorate the update function with @bea.scheme(...)")
    return found
