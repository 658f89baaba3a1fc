"""The built-in schemes as update programs (CONTRACT §1).

A :class:`Scheme` names the state's blocks and the fields that update them, the update
program of one step (:mod:`bea.program`), and the time ``T_b`` for which the modified
flow of each block is run (in units of ``h``).  Nothing here knows any modified field:
the programs are interpreted by the one engine in :mod:`bea.program`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import sympy

from .errors import ParameterError, SchemeError
from .params import COUNT, NUMERIC_COUNT, RATE, check_value, parse_value
from .program import Program, Repeat, Stages, Step

__all__ = ["Scheme", "SCHEMES", "TIMES", "block_of", "make_scheme"]

TIMES = ("same", "per-player")
_REQUIRED = object()


@dataclass(frozen=True)
class Scheme:
    """A scheme with its parameters fixed (numbers or symbols)."""

    name: str
    blocks: dict[str, tuple[str, ...]]      # block -> labels of the fields updating it
    program: Program
    times: dict[str, sympy.Expr]            # block -> T_b / h
    params: dict[str, sympy.Expr]
    time: str

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(label for labels in self.blocks.values() for label in labels)

    def block_of(self, label: str) -> str:
        return block_of(self.blocks, label)


def block_of(blocks: dict[str, tuple[str, ...]], label: str) -> str:
    """The block that the field ``label`` updates."""
    for block, labels in blocks.items():
        if label in labels:
            return block
    raise KeyError(label)


@dataclass(frozen=True)
class _Spec:
    build: Callable[..., tuple[dict, Program, dict]]
    params: dict[str, tuple[str, object]]       # name -> (kind, default)
    players: int


def _euler(time):
    """``theta <- theta + h f(theta)``; ``T = h``."""
    return {"theta": ("f",)}, (Step((("f", sympy.Integer(1)),)),), {"theta": sympy.Integer(1)}


def _simultaneous(time, v_phi, v_theta):
    """Both players step from the old state with rates ``v_phi h`` and ``v_theta h``."""
    program = (Step((("f", v_phi), ("g", v_theta))),)
    return _two_players(), program, _player_times(time, v_phi, v_theta)


def _alternating(time, v_phi, v_theta, m, k):
    """``m`` steps of ``v_phi h / m`` on phi, then ``k`` steps of ``v_theta h / k`` on theta (Eqs 4.17-4.18)."""
    program = (
        Repeat(m, (Step((("f", v_phi / m),)),)),
        Repeat(k, (Step((("g", v_theta / k),)),)),
    )
    return _two_players(), program, _player_times(time, v_phi, v_theta)


def _sgd(time, n):
    """``theta <- theta + h f_i(theta)`` for ``i = 1..n``; ``T = n h``."""
    labels = tuple(f"f{i}" for i in range(1, int(n) + 1))
    program = tuple(Step(((label, sympy.Integer(1)),)) for label in labels)
    return {"theta": labels}, program, {"theta": n}


def _tableau(a, b, doc):
    """A one-field explicit Runge-Kutta scheme from its Butcher tableau; ``T = h``."""
    R = sympy.Rational
    a = tuple(tuple(R(x) for x in row) for row in a)
    b = tuple(R(x) for x in b)

    def build(time):
        return {"theta": ("f",)}, (Stages(a, b, (("f", sympy.Integer(1)),)),), {"theta": sympy.Integer(1)}

    build.__doc__ = doc
    return build


TABLEAUX = {
    "midpoint": _tableau([[0, 0], ["1/2", 0]], [0, 1], "explicit midpoint: K1 = h f(y), y+ = y + h f(y + K1/2)"),
    "heun": _tableau([[0, 0], [1, 0]], ["1/2", "1/2"], "Heun (explicit trapezoid): y+ = y + h/2 (f(y) + f(y + h f(y)))"),
    "rk4": _tableau([[0, 0, 0, 0], ["1/2", 0, 0, 0], [0, "1/2", 0, 0], [0, 0, 1, 0]],
                    ["1/6", "1/3", "1/3", "1/6"], "classical Runge-Kutta 4 (HLW Table II.1.2)"),
    "extragradient": _tableau([[0, 0], [1, 0]], [0, 1], "extragradient: y+ = y + h f(y + h f(y))"),
}


def _two_players():
    return {"phi": ("f",), "theta": ("g",)}


def _player_times(time, v_phi, v_theta):
    if time == "per-player":
        return {"phi": v_phi, "theta": v_theta}
    return {"phi": sympy.Integer(1), "theta": sympy.Integer(1)}


SCHEMES: dict[str, _Spec] = {
    "euler": _Spec(_euler, {}, 1),
    "simultaneous": _Spec(_simultaneous, {"v_phi": (RATE, None), "v_theta": (RATE, None)}, 2),
    "alternating": _Spec(
        _alternating,
        {"v_phi": (RATE, None), "v_theta": (RATE, None), "m": (COUNT, None), "k": (COUNT, None)},
        2,
    ),
    "sgd": _Spec(_sgd, {"n": (NUMERIC_COUNT, _REQUIRED)}, 1),
    **{name: _Spec(build, {}, 1) for name, build in TABLEAUX.items()},
}


def make_scheme(name: str, time: str = "same", **params) -> Scheme:
    """The scheme ``name`` with parameter values given as numbers, symbols or text.

    Parameters left out stay symbolic (``v_phi``, ``v_theta``, ``m``, ``k``); ``n`` of
    ``sgd`` must be given.
    """
    spec = SCHEMES.get(name)
    if spec is None:
        raise SchemeError(f"unknown scheme {name!r}; choose one of {', '.join(SCHEMES)}")
    if time not in TIMES:
        raise SchemeError(f"unknown time convention {time!r}; choose one of {', '.join(TIMES)}")
    if spec.players == 1 and time != "same":
        raise SchemeError(f"scheme {name!r} has one block; the time convention {time!r} applies to two-player schemes")
    unknown = sorted(set(params) - set(spec.params))
    if unknown:
        known = ", ".join(spec.params) or "none"
        raise ParameterError(f"scheme {name!r} has no parameter {unknown[0]!r} (its parameters: {known})")
    values = {}
    for pname, (kind, default) in spec.params.items():
        if pname in params:
            values[pname] = check_value(pname, parse_value(pname, params[pname]), kind)
        elif default is _REQUIRED:
            raise ParameterError(f"scheme {name!r} needs the parameter {pname} ({kind})")
        else:
            values[pname] = sympy.Symbol(pname)
    blocks, program, times = spec.build(time, **values)
    return Scheme(name, blocks, program, times, values, time)
