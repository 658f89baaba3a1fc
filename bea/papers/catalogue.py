"""The papers' equations, regenerated: a catalogue of printed results against bea's derivations.

Each :class:`Entry` holds an equation *as printed* -- transcribed faithfully as data, typos
included, with the printed LaTeX -- and a function that *derives* the same quantities with
the engine (never typed in).  The two are compared exactly (SymPy), key by key; quoted
decimals agree when they match to the digits printed.  ``status`` is ``verified`` when
every quantity agrees and ``erratum`` otherwise, with a line naming what differs.  Nothing
here states a status: it is computed.

Sources: ``tmlr`` is Rosca, Wu, Qin & Dherin (TMLR); ``thesis`` is Rosca's PhD thesis
(``../shared/seeds``).  Where a printed result depends on a convention (per-player or same
time; the zero-sum sign), the entry records it and derives under it.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass
from functools import cached_property
from typing import Callable

import sympy

from ..engine.derive import derive, principal
from ..errors import BeaError
from ..analysis.gradient import GradientSystem, gradient_system
from ..analysis.losses import ModifiedLoss, Potential, modified_loss
from ..schemes.builtins import make_scheme
from ..algebra.trees import parse_tree

__all__ = ["Entry", "CATALOGUE", "entry", "Quoted"]

h, v_phi, v_theta, m, k = sympy.symbols("h v_phi v_theta m k")
R = sympy.Rational


class UnknownEntry(BeaError):
    """An id that is not in the catalogue."""


@dataclass(frozen=True)
class Quoted:
    """A decimal quoted in the text to ``places`` decimals: it agrees with an exact value within one unit."""

    value: sympy.Rational
    places: int

    def agrees(self, exact) -> bool:
        return abs(sympy.Rational(exact) - self.value) < sympy.Rational(1, 10**self.places)

    def __str__(self):
        return f"{float(self.value):.{self.places}f} (quoted)"


@dataclass(frozen=True)
class Entry:
    """One printed result and the derivation that regenerates it."""

    id: str
    source: str
    statement: str
    convention: str
    command: str
    printed_latex: str
    printed: Callable[[], dict]
    derived: Callable[[], tuple[dict, str]]

    @cached_property
    def result(self) -> dict:
        printed = self.printed()
        derived, latex = self.derived()
        differing = []
        for key in list(printed) + [k for k in derived if k not in printed]:
            p, d = printed.get(key, 0), derived.get(key, 0)
            if not _agree(p, d):
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

    def to_json(self, full: bool = False) -> dict:
        out = {"id": self.id, "source": self.source, "statement": self.statement, "status": self.status,
               "note": self.note, "convention": self.convention, "command": self.command}
        if full:
            out["printed"] = self.printed_latex
            out["derived"] = self.result["latex"]
            out["differences"] = [{"quantity": k, "printed": _show(p), "derived": _show(d)}
                                  for k, p, d in self.result["differing"]]
        return out

    def to_text(self) -> str:
        lines = [f"{self.id} [{self.status}] {self.source}: {self.statement}", f"convention: {self.convention}",
                 f"printed: {self.printed_latex}", f"derived: {self.result['latex']}", f"note: {self.note}",
                 f"command: {self.command}"]
        return "\n".join(lines)

    def _repr_latex_(self) -> str:
        title = rf"\text{{{_text(self.id)} ({self.status}): {_text(self.source)}}}"
        return (rf"$$\begin{{gathered}} {title} \\ \text{{printed:}}\ {self.printed_latex} \\ "
                rf"\text{{derived:}} \\ {self.result['latex']} \end{{gathered}}$$")

    def __repr__(self) -> str:
        return f"<Entry {self.id} [{self.status}]: {self.source}>"

    def to_latex(self) -> str:
        return (f"% {self.id} ({self.source}) -- {self.status}: {self.note}\n"
                f"% printed:\n{self.printed_latex}\n% derived:\n{self.result['latex']}")


def _agree(p, d) -> bool:
    if isinstance(p, Quoted):
        return p.agrees(d)
    if isinstance(p, bool) or isinstance(d, bool):
        return p == d
    return sympy.simplify(sympy.sympify(p) - sympy.sympify(d)) == 0


def _show(x) -> str:
    return str(x) if isinstance(x, Quoted) else str(sympy.sympify(x))


# -- building blocks --------------------------------------------------------------------------
def _key(block: str, power: int, tree: str, prefix: str = "") -> str:
    """The comparison key of one term of a field: ``"theta h^1 f[f]"``."""
    return f"{prefix}{block} h^{power} {tree}"


def _field_values(flow, system: GradientSystem | None = None, powers=None, prefix: str = "") -> dict:
    """``{key: coefficient}`` of ``G(tree)`` (gradient system) or of ``F(tree)``, optionally only some powers."""
    out = {}
    for t in flow.terms:
        if powers is None or t.power in powers:
            sign = system.tree_sign(t.tree) if system else 1
            out[_key(t.block, t.power, t.tree, prefix)] = t.coefficient * sign
    return out


def _field_of_loss(rows: dict, system: GradientSystem, order: int, prefix: str = "", powers=None) -> dict:
    """``{key: coefficient of F(tree)}`` of the field ``-grad_b E~_b`` of printed losses ``{block: rows}``."""
    loss = ModifiedLoss(system, rows, {}, True, order)
    return {_key(b, p, t, prefix): c for b in rows for (p, t), c in loss.field(b).items()
            if powers is None or p in powers}


def field_entry(id, source, statement, convention, scheme, order, printed, latex, *, system=None,
                powers=None, time="same", params=None, players=None):
    """A modified field as printed (coefficients of ``G(tree)`` in a gradient system, or of ``F(tree)``)."""
    params = dict(params or {})

    def make_system(flow):
        return gradient_system(system, flow.blocks) if system else None

    def printed_values():
        return {_key(b, p, t): c for (b, p, t), c in printed.items()}

    def derived_values():
        flow = derive(scheme, order, time=time, players=players, **params)
        gs = make_system(flow)
        return _field_values(flow, gs, powers), flow.to_latex(gradient=gs)

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
        return _field_of_loss(printed(), gradient_system(system, flow().blocks), order, powers=powers)

    def derived_values():
        f = flow()
        return _field_values(f, None, powers), modified_loss(f, system, frozen=frozen).to_latex()

    command = command or (_command("loss", scheme, order, time, params, None) + f" --system {system}"
                          + (" --frozen" if frozen else ""))
    return Entry(id, source, statement, convention, command, latex, printed_values, derived_values)


def value_entry(id, source, statement, convention, command, printed, derived, latex):
    """Scalar or matrix quantities: ``printed()`` and ``derived()`` return ``{name: value}``."""

    def derived_values():
        values = derived()
        body = " \\\\\n".join(f"\\text{{{_text(k)}}} &= {sympy.latex(sympy.sympify(v))}" for k, v in values.items()
                              if not isinstance(v, bool))
        return values, "\\begin{aligned}\n" + body + "\n\\end{aligned}"

    return Entry(id, source, statement, convention, command, latex, printed, derived_values)


def _text(name: str) -> str:
    """A quantity's name, safe inside ``\\text{}`` (underscores and carets escaped)."""
    return name.replace("\\", "").replace("_", "\\_").replace("^", "\\^{}")


def _command(cmd, scheme, order, time, params, players) -> str:
    parts = [f"bea {cmd} --scheme {scheme} --order {order}"]
    if time != "same":
        parts.append(f"--time {time}")
    if players:
        parts.append(f"--players {players}")
    if params:
        parts.append("--param " + " ".join(f"{k}={v}" for k, v in params.items()))
    return " ".join(parts)


def P(loss: str, *children: str, frozen: bool = False) -> Potential:
    """A printed potential: ``P("E", "f")`` is ``|grad E|^2`` for the field ``f`` of ``E``."""
    trees = tuple(parse_tree(c) for c in children)
    return Potential(loss, trees, (frozen,) * len(trees))


# -- the entries --------------------------------------------------------------------------------
SINGLE = "gradient descent, f = -grad E, T = h"
ZERO_SUM = "zero-sum as in thesis Sec 4.5: -E_phi = E_theta = E (f = grad_phi E, g = -grad_theta E)"
PER_PLAYER = "per-player time (T_phi = v_phi h, T_theta = v_theta h)"
SAME = "same physical time (T_phi = T_theta = h)"


def _tmlr() -> list[Entry]:
    out = [
        field_entry("tmlr-eq3", "TMLR Eq 3", "the IGR flow of gradient descent", SINGLE, "euler", 2,
                    {("theta", 0, "f"): -1, ("theta", 1, "f[f]"): -R(1, 2)},
                    r"\dot{\theta} = -\nabla_{\theta} E - \frac{h}{2} \nabla_{\theta}^2 E \nabla_{\theta} E",
                    system="single"),
        field_entry("tmlr-eq8", "TMLR Eq 8", "the third-order flow of gradient descent", SINGLE, "euler", 3,
                    {("theta", 0, "f"): -1, ("theta", 1, "f[f]"): -R(1, 2), ("theta", 2, "f[f[f]]"): -R(1, 3),
                     ("theta", 2, "f[f,f]"): -R(1, 12)},
                    r"\dot{\theta} = -\nabla_{\theta} E - \frac{h}{2} \nabla_{\theta}^2 E \nabla_{\theta} E - h^2 "
                    r"\left(\frac{1}{3} (\nabla_{\theta}^2 E)^2 \nabla_{\theta} E + \frac{1}{12} \nabla_{\theta} E^T "
                    r"(\nabla_{\theta}^3 E) \nabla_{\theta} E \right)", system="single"),
        value_entry("tmlr-thm3.1", "TMLR Thm 3.1 (Eq 9)", "principal terms of gradient descent to order 20: "
                    "-1/(p+1) h^p (Hess E)^p grad E", SINGLE, "bea principal --scheme euler --order 20 --gradient single",
                    lambda: {f"h^{p} (Hess E)^{p} grad E": R(-1, p + 1) * h**p for p in range(20)},
                    lambda: _chain_terms(20, gradient=True),
                    r"\dot{\theta} = \sum_{p=0}^{n} \frac{-1}{p+1} h^{p} (\nabla_{\theta}^{2} E)^{p} \nabla_{\theta} E "
                    r"+ \mathcal{C}(\nabla_{\theta}^{3} E)"),
        value_entry("tmlr-def3.1", "TMLR Def 3.1 (Eq 12) and Thm 3.2", "the PF's factor log(1-h lambda)/(h lambda) has "
                    "the BEA principal series as its Taylor expansion (to order 20)", SINGLE,
                    "bea principal --scheme euler --order 20 --gradient single",
                    lambda: _series_of(sympy.log(1 - sympy.Symbol("z")) / sympy.Symbol("z"), 20),
                    lambda: {f"z^{p}": c for p, c in enumerate(_chain_coefficients(20, gradient=True))},
                    r"\dot{\theta} = \sum_{i=0}^{D-1} \frac{\log(1-h\lambda_i)}{h\lambda_i} "
                    r"(\nabla_{\theta} E^T u_i) u_i"),
        value_entry("tmlr-rem3.1", "TMLR Remark 3.1", "the PF on E = theta^T A theta/2 + b^T theta: exact on "
                    "gradient descent, and its closed-form solution (per eigendirection, c = theta^T u, beta = b^T u)",
                    SINGLE + "; one eigendirection with eigenvalue lambda",
                    "bea pf --problem quadratic --h 3/20 --steps 4",
                    _rem31_printed, _rem31_derived,
                    r"\theta(t) = \sum_{i=0}^{D-1} e^{\frac{\log(1-h\lambda_i)}{h}t} \theta_0^T u_i u_i + t "
                    r"\sum_{i=0}^{D-1} \frac{\log(1-h\lambda_i)}{h\lambda_i} b^T u_i"),
        value_entry("tmlr-eq16", "TMLR Eq 16", "the PF Jacobian at a critical point has eigenvalues log(1-h lambda)/h "
                    "(as series in h lambda, to order 20)", SINGLE, "bea principal --scheme euler --order 20",
                    lambda: _series_of(sympy.log(1 - sympy.Symbol("z")), 21, start=1),
                    _eq16_derived,
                    r"J_{PF}(\theta^*) = \sum_{i=0}^{D-1} \frac{\log(1-h\lambda_i^*)}{h} u_i^* u_i^{*T}"),
        value_entry("tmlr-sec3.2-jacobians", "TMLR Sec 3.2 (after Eq 16)", "Jacobian eigenvalues at a critical point: "
                    "NGF -lambda, IGR flow -lambda - h^2 lambda^2/2 (as printed)", SINGLE,
                    "bea stability --scheme euler --order 2 --field f=-lam*theta --param lam=lam --at theta=0",
                    lambda: {"NGF": -_lam, "IGR": -_lam - h**2 / 2 * _lam**2},
                    _sec32_derived,
                    r"-\lambda_i^* \quad\text{and}\quad -\lambda_i^* - \frac{h^2}{2}\lambda_i^{*2}"),
    ]
    return out


_lam = sympy.Symbol("lambda")


def _chain_coefficients(order: int, gradient: bool) -> list:
    """Gradient descent's chain coefficients, p = 0..order-1: of ``f'^p f``, or of ``(Hess E)^p grad E``
    (``f = -grad E`` gives the chain with ``p + 1`` nodes the sign ``(-1)^(p+1)``)."""
    flow = principal("euler", order)
    return [t.coefficient * ((-1) ** (t.power + 1) if gradient else 1) for t in flow.terms]


def _chain_terms(order: int, gradient: bool) -> dict:
    """``{"h^p (Hess E)^p grad E": c_p h^p}`` (gradient) or ``{"h^p f'^p f": c_p h^p}``."""
    name = "h^{p} (Hess E)^{p} grad E" if gradient else "h^{p} f'^{p} f"
    return {name.format(p=p): c * h**p for p, c in enumerate(_chain_coefficients(order, gradient))}


def _series_of(expr, n: int, start: int = 0) -> dict:
    z = sympy.Symbol("z")
    series = sympy.series(expr, z, 0, n).removeO()
    return {f"z^{p}": series.coeff(z, p) for p in range(start, n)}


def _eq16_derived() -> dict:
    """The Jacobian of the PF field at a critical point of E = lambda theta^2/2: d/dtheta of sum_p c_p h^p lambda^p (lambda theta)."""
    flow = principal("euler", 20)
    z = sympy.Symbol("z")
    # chain f'^p f on f = -lambda theta has Jacobian (-lambda)^(p+1); times h the eigenvalue is a series in z = h lambda
    eig = sum(t.coefficient * (-z) ** (t.power + 1) for t in flow.terms)
    return {f"z^{p}": eig.coeff(z, p) for p in range(1, 21)}


def _sec32_derived() -> dict:
    theta = sympy.Symbol("theta")
    out = {}
    for name, order in (("NGF", 1), ("IGR", 2)):
        stab = derive("euler", order).jacobian({"f": [-_lam * theta]}, {"theta": [theta]}, {"theta": 0})
        out[name] = sympy.expand(stab.matrix[0, 0])
    return out


def _rem31_printed() -> dict:
    t, c0, beta = sympy.symbols("t c_0 beta")
    alpha = sympy.log(1 - h * _lam) / (h * _lam)
    return {"theta(t) . u": sympy.exp(sympy.log(1 - h * _lam) / h * t) * c0 + t * alpha * beta,
            "PF exact on gradient descent (theta(n h) = n-th iterate)": True}


def _rem31_derived() -> dict:
    """The PF of E = lambda c^2/2 + beta c: the engine's affine one-step map (M, c) and its exact logarithm,
    solved in closed form; checked against the iterates."""
    from ..analysis.principal_flow import principal_flow

    t, c0, beta, theta = sympy.symbols("t c_0 beta theta")
    pf = principal_flow({"f": [-(_lam * theta + beta)]}, {"theta": [theta]}, R(1, 10))
    M, c = pf.affine_map([0], exact=True, h=h)           # delta -> M delta + c, exact in h
    M, c = sympy.simplify(M[0, 0]), sympy.simplify(c[0, 0])
    star = sympy.simplify(c / (1 - M))                   # the fixed point of the affine map
    rate = sympy.log(M) / h                              # PF = (1/h) log M on (delta - star)
    solution = sympy.exp(rate * t) * (c0 - star) + star
    n = sympy.Symbol("n", integer=True, positive=True)
    iterate = M**n * (c0 - star) + star
    exact = sympy.simplify((solution.subs(t, n * h) - iterate).rewrite(sympy.Pow)) == 0
    return {"theta(t) . u": sympy.simplify(solution),
            "PF exact on gradient descent (theta(n h) = n-th iterate)": exact}


# -- thesis, Ch. 2 and 4 ----------------------------------------------------------------------------
def _two_player_fields() -> list[Entry]:
    F = {  # printed coefficients of F(tree), thesis notation df/dphi f = f[f], df/dtheta g = f[g]
        "thesis-thm4.2.1": ("simultaneous", "per-player", {
            ("phi", 0, "f"): 1, ("phi", 1, "f[f]"): -v_phi / 2, ("phi", 1, "f[g]"): -v_phi / 2,
            ("theta", 0, "g"): 1, ("theta", 1, "g[f]"): -v_theta / 2, ("theta", 1, "g[g]"): -v_theta / 2},
            r"\dot{\phi} = f - \frac{v_\phi h}{2} \left(\frac{df}{d\phi} f + \frac{df}{d\theta} g \right), \quad "
            r"\dot{\theta} = g - \frac{v_\theta h}{2} \left(\frac{dg}{d\phi} f + \frac{dg}{d\theta} g \right)",
            "Thm 4.2.1 (Eqs 4.15-4.16)", "simultaneous Euler updates, first-order drift"),
        "thesis-thm4.2.2": ("alternating", "per-player", {
            ("phi", 0, "f"): 1, ("phi", 1, "f[f]"): -v_phi / (2 * m), ("phi", 1, "f[g]"): -v_phi / 2,
            ("theta", 0, "g"): 1, ("theta", 1, "g[f]"): -v_theta / 2 * (1 - 2 * v_phi / v_theta),
            ("theta", 1, "g[g]"): -v_theta / (2 * k)},
            r"\dot{\phi} = f - \frac{v_\phi h}{2} \left(\frac{1}{m} \frac{df}{d\phi} f + \frac{df}{d\theta} g \right), \quad "
            r"\dot{\theta} = g - \frac{v_\theta h}{2} \left(\left(1 - \frac{2v_\phi}{v_\theta}\right) \frac{dg}{d\phi} f "
            r"+ \frac{1}{k} \frac{dg}{d\theta} g \right)",
            "Thm 4.2.2 (Eqs 4.19-4.20)", "alternating Euler updates (m and k inner steps), first-order drift"),
        "thesis-thm4.7.1": ("simultaneous", "same", {
            ("phi", 0, "f"): v_phi, ("phi", 1, "f[f]"): -v_phi**2 / 2, ("phi", 1, "f[g]"): -v_phi * v_theta / 2,
            ("theta", 0, "g"): v_theta, ("theta", 1, "g[f]"): -v_phi * v_theta / 2, ("theta", 1, "g[g]"): -v_theta**2 / 2},
            r"\dot{\phi} = v_\phi f - \frac{h}{2} \left(v_\phi^2 \frac{df}{d\phi} f + v_\phi v_\theta \frac{df}{d\theta} g \right), "
            r"\quad \dot{\theta} = v_\theta g - \frac{h}{2} \left(v_\phi v_\theta \frac{dg}{d\phi} f + v_\theta^2 \frac{dg}{d\theta} g \right)",
            "Thm 4.7.1 (Eqs 4.49-4.50)", "simultaneous Euler updates under the same physical time"),
        "thesis-thm4.7.2": ("alternating", "same", {
            ("phi", 0, "f"): v_phi, ("phi", 1, "f[f]"): -v_phi**2 / (2 * m), ("phi", 1, "f[g]"): -v_phi * v_theta / 2,
            ("theta", 0, "g"): v_theta, ("theta", 1, "g[f]"): v_theta * v_phi / 2, ("theta", 1, "g[g]"): -v_theta**2 / (2 * k)},
            r"\dot{\phi} = v_\phi f - \frac{h}{2} \left(\frac{v_\phi^2}{m} \frac{df}{d\phi} f + v_\phi v_\theta \frac{df}{d\theta} g \right), "
            r"\quad \dot{\theta} = v_\theta g - \frac{h}{2} \left(-v_\theta v_\phi \frac{dg}{d\phi} f + \frac{v_\theta^2}{k} "
            r"\frac{dg}{d\theta} g \right)",
            "Thm 4.7.2 (Eqs 4.51-4.52)", "alternating Euler updates under the same physical time"),
    }
    out = []
    for id_, (scheme, time, printed, latex, source, statement) in F.items():
        convention = (PER_PLAYER if time == "per-player" else SAME) + "; general fields f, g"
        out.append(field_entry(id_, "thesis " + source, statement, convention, scheme, 2, printed, latex, time=time))
    return out


def _k_matrices() -> list[Entry]:
    from ..analysis.stability import equilibrium_jacobian

    f_phi, f_theta, g_phi, g_theta = sympy.symbols("f_phi f_theta g_phi g_theta")
    J = sympy.Matrix([[f_phi, f_theta], [g_phi, g_theta]])

    def derived(scheme):
        def run():
            K = sympy.expand((J - equilibrium_jacobian(derive(scheme, 2, time="per-player"))) * 2 / h)
            return {f"K[{i},{j}]": K[i, j] for i in range(2) for j in range(2)}
        return run

    c = 1 - 2 * v_phi / v_theta
    sim = [[v_phi * f_phi**2 + v_phi * f_theta * g_phi, v_phi * f_phi * f_theta + v_phi * f_theta * g_theta],
           [v_theta * g_theta * g_phi + v_theta * g_phi * f_phi, v_theta * g_theta**2 + v_theta * g_phi * f_theta]]
    alt = [[v_phi / m * f_phi**2 + v_phi * f_theta * g_phi, v_phi / m * f_phi * f_theta + v_phi * f_theta * g_theta],
           [v_theta / k * g_theta * g_phi + v_theta * c * g_phi * f_phi, v_theta / k * g_theta**2 + v_theta * c * g_phi * f_theta]]
    conv = PER_PLAYER + "; J~ = J - h/2 K at an equilibrium (f = g = 0), 1-D players, f_phi = df/dphi"
    return [
        value_entry("thesis-eq4.25", "thesis Eq 4.25", "K of simultaneous updates in the modified Jacobian (Eq 4.24)",
                    conv, "bea derive --scheme simultaneous --order 2 --time per-player",
                    lambda: {f"K[{i},{j}]": sim[i][j] for i in range(2) for j in range(2)}, derived("simultaneous"),
                    r"K_{sim} = \begin{bmatrix} v_\phi (f_\phi)^2 + v_\phi f_\theta g_\phi & v_\phi f_\phi f_\theta + "
                    r"v_\phi f_\theta g_\theta \\ v_\theta g_\theta g_\phi + v_\theta g_\phi f_\phi & v_\theta (g_\theta)^2 + "
                    r"v_\theta g_\phi f_\theta \end{bmatrix}"),
        value_entry("thesis-eq4.26", "thesis Eq 4.26", "K of alternating updates in the modified Jacobian (Eq 4.24)",
                    conv, "bea derive --scheme alternating --order 2 --time per-player",
                    lambda: {f"K[{i},{j}]": alt[i][j] for i in range(2) for j in range(2)}, derived("alternating"),
                    r"K_{alt} = \begin{bmatrix} \frac{v_\phi}{m} (f_\phi)^2 + v_\phi f_\theta g_\phi & \frac{v_\phi}{m} "
                    r"f_\phi f_\theta + v_\phi f_\theta g_\theta \\ \frac{v_\theta}{k} g_\theta g_\phi + v_\theta (1 - "
                    r"\frac{2v_\phi}{v_\theta}) g_\phi f_\phi & \frac{v_\theta}{k} (g_\theta)^2 + v_\theta (1 - "
                    r"\frac{2v_\phi}{v_\theta}) g_\phi f_\theta \end{bmatrix}"),
    ]


def _linear_game_jacobian(scheme, **params):
    e1, e2, phi, theta = sympy.symbols("epsilon1 epsilon2 phi theta")
    fields = {"f": [-e1 * phi + theta], "g": [e2 * theta - phi]}          # thesis Eq 4.23
    flow = derive(scheme, 2, v_phi=1, v_theta=1, **params)
    return flow.jacobian(fields, {"phi": [phi], "theta": [theta]}, {"phi": 0, "theta": 0})


def _eq427_428() -> list[Entry]:
    e1, e2 = sympy.symbols("epsilon1 epsilon2")
    sim = [[-e1 - h / 2 * e1**2 + h / 2, 1 + h / 2 * e1 - h / 2 * e2], [-1 - h / 2 * e1 + h / 2 * e2, e2 + h / 2 - h / 2 * e2**2]]
    alt = [[-e1 - h / 2 * e1**2 + h / 2, 1 + h / 2 * e1 - h / 2 * e2], [-1 + h / 2 * e1 + h / 2 * e2, e2 - h / 2 - h / 2 * e2**2]]
    conv = "the game of Eq 4.23 (f = -epsilon1 phi + theta, g = epsilon2 theta - phi), v_phi = v_theta = 1, m = k = 1"

    def matrix(M):
        return {f"J[{i},{j}]": M[i][j] for i in range(2) for j in range(2)}

    def derived_sim():
        return matrix(_linear_game_jacobian("simultaneous").matrix.tolist())

    def derived_alt():
        values = matrix(_linear_game_jacobian("alternating", m=1, k=1).matrix.tolist())
        at = {e1: R(9, 100), e2: R(9, 100), h: R(1, 5)}
        for name, scheme, params in (("Tr J_sim", "simultaneous", {}), ("Tr J_alt", "alternating", {"m": 1, "k": 1})):
            values[name] = _linear_game_jacobian(scheme, **params).matrix.subs(at).trace()
        values["det J_alt"] = _linear_game_jacobian("alternating", m=1, k=1).matrix.subs(at).det()
        return values

    numbers = {"Tr J_sim": Quoted(R(19, 100), 2), "Tr J_alt": Quoted(R(-16, 10000), 4), "det J_alt": Quoted(R(981, 1000), 3)}
    return [
        value_entry("thesis-eq4.27", "thesis Eq 4.27", "modified Jacobian of simultaneous updates on the game of Eq 4.23",
                    conv, "bea stability --scheme simultaneous --order 2 --problem linear-game --param v_phi=1 v_theta=1 "
                    "--at phi=0 theta=0", lambda: matrix(sim), derived_sim,
                    r"\tilde{J}_{sim} = \begin{bmatrix} -\epsilon_1 - h/2\epsilon_1^2 + h/2 & 1 + h/2\epsilon_1 - h/2\epsilon_2 "
                    r"\\ -1 - h/2\epsilon_1 + h/2\epsilon_2 & \epsilon_2 + h/2 - h/2\epsilon_2^2 \end{bmatrix}"),
        value_entry("thesis-eq4.28", "thesis Eq 4.28 and the numbers after it",
                    "modified Jacobian of alternating updates on the game of Eq 4.23; traces and determinant at "
                    "epsilon = 0.09, v h = 0.2", conv + "; quoted decimals agree within their last digit",
                    "bea stability --scheme alternating --order 2 --problem linear-game --param v_phi=1 v_theta=1 m=1 k=1 "
                    "--at phi=0 theta=0 --h 1/5", lambda: {**matrix(alt), **numbers}, derived_alt,
                    r"\tilde{J}_{alt} = \begin{bmatrix} -\epsilon_1 - h/2\epsilon_1^2 + h/2 & 1 + h/2\epsilon_1 - h/2\epsilon_2 "
                    r"\\ -1 + h/2\epsilon_1 + h/2\epsilon_2 & \epsilon_2 - h/2 - h/2\epsilon_2^2 \end{bmatrix};\ "
                    r"\mathrm{Tr}(\tilde{J}_{sim}) = 0.19,\ \mathrm{Tr}(\tilde{J}_{alt}) = -0.0016,\ |\tilde{J}_{alt}| = 0.981"),
    ]


def _losses() -> list[Entry]:
    E = "E"
    out = [
        loss_entry("thesis-eq2.36", "thesis Eq 2.36", "the IGR modified loss of gradient descent", SINGLE, "euler", 2,
                   lambda: {"theta": [(0, 1, P(E)), (1, R(1, 4), P(E, "f"))]},
                   r"\tilde{E}(\theta) = E(\theta) + \frac{h}{4}\|\nabla_{\theta}E(\theta)\|^2", system="single"),
        loss_entry("thesis-cor4.4.1", "thesis Cor 4.4.1 (Eqs 4.29-4.30)",
                   "common-payoff game, alternating updates with one update per player",
                   PER_PLAYER + "; common payoff E_phi = E_theta = E; m = k = 1", "alternating", 2,
                   lambda: {"phi": [(0, 1, P(E)), (1, v_phi / 4, P(E, "f")), (1, v_phi / 4, P(E, "g"))],
                            "theta": [(0, 1, P(E)), (1, v_theta / 4 * (1 - 2 * v_phi / v_theta), P(E, "f")),
                                      (1, v_theta / 4, P(E, "g"))]},
                   r"\tilde{E}_\phi = E + \frac{v_\phi h}{4} (\|\nabla_\phi E\|^2 + \|\nabla_\theta E\|^2), \quad "
                   r"\tilde{E}_\theta = E + \frac{v_\theta h}{4} \left(\left(1 - \frac{2v_\phi}{v_\theta}\right) "
                   r"\|\nabla_\phi E\|^2 + \|\nabla_\theta E\|^2 \right)",
                   system="common-payoff", time="per-player", params={"m": 1, "k": 1}),
    ]
    zs = {
        "thesis-cor4.5.1": ("simultaneous", "per-player", {}, "Eqs 4.31-4.32",
                            [(-1, None), (v_phi / 4, "f"), (-v_phi / 4, "g")], [(1, None), (-v_theta / 4, "f"), (v_theta / 4, "g")],
                            r"\tilde{E}_\phi = -E + \frac{v_\phi h}{4} \|\nabla_\phi E\|^2 - \frac{v_\phi h}{4} \|\nabla_\theta E\|^2, "
                            r"\quad \tilde{E}_\theta = E - \frac{v_\theta h}{4} \|\nabla_\phi E\|^2 + \frac{v_\theta h}{4} \|\nabla_\theta E\|^2"),
        "thesis-cor4.5.2": ("alternating", "per-player", {}, "Eqs 4.33-4.34",
                            [(-1, None), (v_phi / (4 * m), "f"), (-v_phi / 4, "g")],
                            [(1, None), (-v_theta / 4 * (1 - 2 * v_phi / v_theta), "f"), (v_theta / (4 * k), "g")],
                            r"\tilde{E}_\phi = -E + \frac{v_\phi h}{4m} \|\nabla_\phi E\|^2 - \frac{v_\phi h}{4} \|\nabla_\theta E\|^2, "
                            r"\quad \tilde{E}_\theta = E - \frac{v_\theta h}{4} \left(1 - \frac{2v_\phi}{v_\theta}\right) "
                            r"\|\nabla_\phi E\|^2 + \frac{v_\theta h}{4k} \|\nabla_\theta E\|^2"),
        "thesis-cor4.7.1": ("simultaneous", "same", {}, "Eqs 4.53-4.54",
                            [(-v_phi, None), (v_phi**2 / 4, "f"), (-v_phi * v_theta / 4, "g")],
                            [(v_theta, None), (-v_phi * v_theta / 4, "f"), (v_theta**2 / 4, "g")],
                            r"\tilde{E}_\phi = -v_\phi E + \frac{v_\phi^2 h}{4} \|\nabla_\phi E\|^2 - \frac{v_\phi v_\theta h}{4} "
                            r"\|\nabla_\theta E\|^2, \quad \tilde{E}_\theta = v_\theta E - \frac{v_\phi v_\theta h}{4} \|\nabla_\phi E\|^2 "
                            r"+ \frac{v_\theta^2 h}{4} \|\nabla_\theta E\|^2"),
        "thesis-cor4.7.2": ("alternating", "same", {}, "Eqs 4.55-4.56",
                            [(-v_phi, None), (v_phi**2 / (4 * m), "f"), (-v_phi * v_theta / 4, "g")],
                            [(v_theta, None), (v_phi * v_theta / 4, "f"), (v_theta**2 / (4 * k), "g")],
                            r"\tilde{E}_\phi = -v_\phi E + \frac{v_\phi^2 h}{4m} \|\nabla_\phi E\|^2 - \frac{v_\phi v_\theta h}{4} "
                            r"\|\nabla_\theta E\|^2, \quad \tilde{E}_\theta = v_\theta E + \frac{v_\phi v_\theta h}{4} \|\nabla_\phi E\|^2 "
                            r"+ \frac{v_\theta^2 h}{4k} \|\nabla_\theta E\|^2"),
    }
    for id_, (scheme, time, params, eqs, phi_rows, theta_rows, latex) in zs.items():
        def printed(phi_rows=phi_rows, theta_rows=theta_rows):
            return {b: [(0 if child is None else 1, c, P(E) if child is None else P(E, child)) for c, child in rows]
                    for b, rows in (("phi", phi_rows), ("theta", theta_rows))}
        convention = (PER_PLAYER if time == "per-player" else SAME) + "; " + ZERO_SUM
        out.append(loss_entry(id_, f"thesis Cor {id_[10:]} ({eqs})", f"zero-sum game, {scheme} updates: modified losses",
                              convention, scheme, 2, printed, latex, system="zero-sum", time=time, params=params))
    return out


def _table41() -> Entry:
    """Interaction coefficients of the displacement over one step: ``T_b`` times the field's coefficient of
    ``grad_b |grad_other E|^2`` (zero-sum, thesis Sec 4.5 convention)."""
    rows = {"Cor 4.5.1": ("simultaneous", "per-player"), "Cor 4.7.1": ("simultaneous", "same"),
            "Cor 4.5.2": ("alternating", "per-player"), "Cor 4.7.2": ("alternating", "same")}

    def derived():
        gs = None
        out = {}
        for name, (scheme, time) in rows.items():
            flow = derive(scheme, 2, time=time, **({"m": 1, "k": 1} if scheme == "alternating" else {}))
            gs = gradient_system("zero-sum", flow.blocks)
            for block, tree in (("phi", "f[g]"), ("theta", "g[f]")):
                # F(tree) = sign * G(tree) and G(f[g]) = grad_phi theta E grad_theta E = 1/2 grad_phi |grad_theta E|^2
                c = flow.coefficient(block, tree) * gs.tree_sign(parse_tree(tree)) / 2
                out[f"{name} {block}"] = sympy.expand(flow.time[block] * h * c)
        return out

    printed = {"Cor 4.5.1 phi": v_phi**2 * h**2 / 4, "Cor 4.5.1 theta": v_theta**2 * h**2 / 4,
               "Cor 4.7.1 phi": v_phi * v_theta * h**2 / 4, "Cor 4.7.1 theta": v_phi * v_theta * h**2 / 4,
               "Cor 4.5.2 phi": v_phi**2 * h**2 / 4, "Cor 4.5.2 theta": v_theta**2 * h / 4 - 2 * v_phi * v_theta * h**2 / 4,
               "Cor 4.7.2 phi": v_phi * v_theta * h**2 / 4, "Cor 4.7.2 theta": -v_phi * v_theta * h**2 / 4}
    return value_entry("thesis-table4.1", "thesis Table 4.1", "strength of the interaction terms in the displacement "
                       "of one step, both time conventions", ZERO_SUM + "; coefficient of grad_b |grad_other E|^2 times T_b; "
                       "m = k = 1", "bea derive --scheme alternating --order 2 --time per-player --gradient zero-sum",
                       lambda: printed, derived,
                       r"\begin{array}{lll} \text{Cor 4.5.1} & \frac{v_\phi^2 h^2}{4} & \frac{v_\theta^2 h^2}{4} \\ "
                       r"\text{Cor 4.7.1} & \frac{v_\phi v_\theta h^2}{4} & \frac{v_\phi v_\theta h^2}{4} \\ "
                       r"\text{Cor 4.5.2} & \frac{v_\phi^2 h^2}{4} & \frac{v_\theta^2 h}{4} - \frac{2v_\phi v_\theta h^2}{4} \\ "
                       r"\text{Cor 4.7.2} & \frac{v_\phi v_\theta h^2}{4} & -\frac{v_\phi v_\theta h^2}{4} \end{array}")


def _game_pf() -> list[Entry]:
    import numpy as np

    games = [  # (f, g) linear in (phi, theta), rational; the last is defective
        ([R(-1, 10), 1, R(1, 5)], [-1, R(1, 20), R(-1, 10)]),
        ([R(-3, 10), R(1, 2), 0], [R(-2, 5), R(-1, 5), R(1, 10)]),
        ([R(-1, 2), 1, 0], [0, R(-1, 2), R(1, 10)]),
    ]
    step, point = R(1, 4), [R(1, 2), R(-1, 3)]

    def fields(game):
        phi, theta = sympy.symbols("phi theta")
        (a, b, c), (d, e, g) = game
        return {"f": [a * phi + b * theta + c], "g": [d * phi + e * theta + g]}, {"phi": [phi], "theta": [theta]}

    def printed():
        """(1/h) P^-1 log(I - h J) J^-1 P (-u), H = P^-1 J P the Jordan form of H = -du/dpsi (exact, SymPy)."""
        out = {}
        for i, game in enumerate(games):
            fs, vs = fields(game)
            psi = sympy.Matrix([vs["phi"][0], vs["theta"][0]])
            u = sympy.Matrix([fs["f"][0], fs["g"][0]])
            H = -u.jacobian(psi)
            Pinv, J = H.jordan_form()                    # SymPy: H = Pinv J Pinv^-1, so the thesis' P is Pinv^-1
            P = Pinv.inv()
            logm = _log_jordan(sympy.eye(2) - step * J)
            value = (P.inv() * logm * J.inv() * P * (-u) / step).subs(dict(zip(psi, point)))
            for j in range(2):
                out[f"game {i + 1}, component {j + 1}"] = Quoted(_round(complex(sympy.N(value[j], 30)).real), 12)
        return out

    def derived():
        from ..analysis.principal_flow import principal_flow
        out = {}
        for i, game in enumerate(games):
            pf = principal_flow(*fields(game), step, method="jordan")
            value = pf.field(np.array([float(x) for x in point]))
            for j in range(2):
                out[f"game {i + 1}, component {j + 1}"] = _round(value[j].real)
        return out

    def condition_printed():
        x, y = sympy.symbols("x y", positive=True)
        return {"largest convergent h": sympy.simplify(1 / x * 2 / (1 + (y / x) ** 2))}

    def condition_derived():
        """|eigenvalue of the engine's exact one-step map| = 1 for a game with H eigenvalues x +- i y."""
        from ..analysis.principal_flow import principal_flow
        x, y, phi, theta = sympy.symbols("x y phi theta", positive=True)
        pf = principal_flow({"f": [-(x * phi + y * theta)], "g": [-(-y * phi + x * theta)]},
                            {"phi": [phi], "theta": [theta]}, R(1, 10))
        M, _ = pf.affine_map([0, 0], exact=True, h=h)
        modulus = sympy.expand(M.det())                 # |1 - h lambda|^2 for the conjugate pair
        roots = [r for r in sympy.solve(sympy.Eq(modulus, 1), h) if r != 0]
        return {"largest convergent h": sympy.simplify(roots[0])}

    return [
        value_entry("thesis-def4.8.1", "thesis Def 4.8.1 (Eq 4.67)", "the game PF through the Jordan normal form",
                    "simultaneous Euler, same learning rate h; H = -Jacobian of (f, g) = P^-1 J P; three linear games "
                    "(one with a defective Jacobian), h = 1/4, at (1/2, -1/3); agreement to 1e-12",
                    "bea pf --field f=-phi/10+theta+1/5 --field g=-phi+theta/20-1/10 --at phi=1/2 theta=-1/3 --h 1/4", printed, derived,
                    r"\begin{bmatrix} \dot{\phi} \\ \dot{\theta} \end{bmatrix} = \frac{1}{h} P^{-1} \log(I - hJ) J^{-1} P "
                    r"\begin{bmatrix} -f \\ -g \end{bmatrix}"),
        value_entry("thesis-eq4.74", "thesis Eq 4.74", "the learning-rate bound for the game PF to converge "
                    "(Mescheder et al.'s Lemma 4)", "eigenvalues x +- i y of H, x > 0",
                    "bea pf --problem linear-game --h 1/5", condition_printed, condition_derived,
                    r"(1 - hx_k)^2 + (hy_k)^2 < 1 \implies h < \frac{1}{x_k} \frac{2}{1 + \left(\frac{y_k}{x_k}\right)^2}"),
    ]


def _round(x: float) -> sympy.Rational:
    return sympy.Rational(repr(round(float(x), 15)))


def _log_jordan(M: sympy.Matrix) -> sympy.Matrix:
    """log of an upper-triangular 2x2 Jordan matrix ``[[a, b], [0, a]]`` or a diagonal one."""
    if M[0, 1] == 0:
        return sympy.diag(sympy.log(M[0, 0]), sympy.log(M[1, 1]))
    a, b = M[0, 0], M[0, 1]
    return sympy.Matrix([[sympy.log(a), b / a], [0, sympy.log(a)]])


def _appendix_a() -> list[Entry]:
    def a42(n_max):
        """Eq A.42 as printed; the inner sum over l_1 + ... + l_k = s of c_{l_1}...c_{l_k} is the
        coefficient of x^s in C(x)^k, C(x) = sum_l c_l x^l (the same sum, computed without enumerating)."""
        x = sympy.Symbol("x")
        c = [sympy.Integer(1)]
        for n in range(1, n_max):
            C = sympy.Poly(sum(cl * x**l for l, cl in enumerate(c)), x)
            total = 0
            power = C
            for j in range(2, n + 2):
                power = power * C
                total += power.coeff_monomial(x ** (n - j + 1)) / sympy.factorial(j)
            c.append(-total)
        return {f"c_{n}": value for n, value in enumerate(c)}

    return [
        value_entry("thesis-thmA.1.2", "thesis Thm A.1.2 (Eq A.30; also Thm 4.8.1, Eq 4.57)",
                    "principal terms of the Euler update for any field: (-1)^n/(n+1) (df/dtheta)^n f, to order 20",
                    "explicit Euler theta+ = theta + h f; coefficient of f'^n f including its power of h",
                    "bea principal --scheme euler --order 20",
                    lambda: {f"h^{n} f'^{n} f": sympy.Rational((-1) ** n, n + 1) for n in range(20)},
                    lambda: _chain_terms(20, gradient=False),
                    r"\dot{\theta} = \sum_{n=0}^p \frac{(-1)^n}{n+1} \left(\frac{df}{d\theta} \right)^n f + "
                    r"\mathcal{C} \left(\frac{df}{d^2\theta} \right)"),
        value_entry("thesis-eqA.42", "thesis Eq A.42", "the recursion for the principal coefficients c_n, to n = 19",
                    "explicit Euler; c_n is the coefficient of h^n f'^n f", "bea principal --scheme euler --order 20",
                    lambda: a42(20),
                    lambda: {f"c_{n}": c for n, c in enumerate(_chain_coefficients(20, gradient=False))},
                    r"c_n = - \sum_{k=2}^{n+1} \frac{1}{k!} \sum_{l_1+l_2+\dots+l_k=n-k+1} c_{l_1} c_{l_2} \dots c_{l_k}"),
    ]


# -- thesis, Ch. 5 ------------------------------------------------------------------------------------
def _sgd_loss_522(n: int) -> dict:
    """Thesis Thm 5.2.2 as printed, batches X^{t+mu} -> fields f_{mu+1}."""
    rows = [(0, R(1, n), P(f"E{i}")) for i in range(1, n + 1)]
    rows += [(1, R(1, 4 * n), P(f"E{i}", f"f{j}")) for i in range(1, n + 1) for j in range(1, n + 1)]
    rows += [(1, -R(1, n), P(f"E{mu}", f"f{tau}", frozen=True)) for mu in range(2, n + 1) for tau in range(1, mu)]
    return {"theta": rows}


def _sgd_expectation_513(n: int) -> dict:
    """Thesis Eqs 5.13-5.16 as printed (E without batch index is the mean of the E_i)."""
    rows = [(0, R(1, n), P(f"E{i}")) for i in range(1, n + 1)]
    rows += [(1, R(1, 4 * n), P(f"E{i}", f"f{j}")) for i in range(1, n + 1) for j in range(1, n + 1)]
    rows += [(1, -R(1, 2 * n**3), P(f"E{i}", f"f{j}", frozen=True)) for i in range(1, n + 1) for j in range(1, n + 1)]
    rows += [(1, -R(1, 2 * n), P(f"E{i}", f"f{i}", frozen=True)) for i in range(1, n + 1)]
    return {"theta": rows}


def _averaged_over_orderings(n: int):
    """The SGD modified field averaged over all orderings of the n batches (exact)."""
    from ..result import ModifiedFlow, Term
    from ..algebra.trees import Tree

    flow = derive("sgd", 2, n=n)
    perms = list(itertools.permutations(range(1, n + 1)))
    total: dict = {}

    def relabel(tree, perm):
        return Tree.make(f"f{perm[int(tree.label[1:]) - 1]}", [relabel(c, perm) for c in tree.children])

    for perm in perms:
        for t in flow.terms:
            key = (t.power, relabel(t.tree, perm))
            total[key] = total.get(key, 0) + t.coefficient / len(perms)
    terms = [Term("theta", p, tree, c) for (p, tree), c in sorted(total.items()) if c != 0]
    return ModifiedFlow("sgd (averaged over orderings)", 2, {"n": n}, flow.blocks, flow.time, terms, False, None)


def _ch5() -> list[Entry]:
    from ..schemes.define import repeat, scheme as define_scheme
    from ..schemes.params import COUNT

    @define_scheme(blocks={"theta": "f"}, params={"n": COUNT}, times=lambda n: {"theta": n}, name="full-batch")
    def full_batch(y, F, h, n):
        """n full-batch gradient descent steps, T = n h."""
        return repeat(n, lambda z: z + h * F.f(z), y)

    def printed_for(rows_of):
        def printed():
            out = {}
            for n in (2, 3, 4):
                blocks = make_scheme("sgd", n=n).blocks
                out.update(_field_of_loss(rows_of(n), gradient_system("sgd", blocks), 2, f"n={n}: "))
            return out
        return printed

    def derived_for(flow_of):
        def derived():
            values = {}
            for n in (2, 3, 4):
                values.update(_field_values(flow_of(n), prefix=f"n={n}: "))
            return values
        return derived

    sgd_conv = "n steps of SGD, f_i = -grad E_i (batch X^{t+i-1}), T = n h; E = mean of the E_i; factors frozen at theta_{t-1}"

    def ch5_entry(id_, source, statement, printed, derived, latex_printed, latex_of):
        return Entry(id_, source, statement, sgd_conv, "bea loss --scheme sgd --param n=3 --order 2 --system sgd --frozen",
                     latex_printed, printed, lambda: (derived(), latex_of()))

    return [
        ch5_entry("thesis-thm5.2.2", "thesis Thm 5.2.2 (Eqs 5.7-5.8)", "modified loss of n SGD steps (n = 2, 3, 4), "
                  "compared through its gradient at theta_{t-1}", printed_for(_sgd_loss_522),
                  derived_for(lambda n: derive("sgd", 2, n=n)),
                  r"\tilde{E} = E + \frac{nh}{4} \|\nabla_{\theta} E\|^2 - \frac{h}{n} \sum_{\mu=1}^{n-1} \left[\nabla_{\theta} "
                  r"E(\theta; X^{t+\mu})^T \left(\sum_{\tau=0}^{\mu-1} \nabla_{\theta} E(\theta_{t-1}; X^{t+\tau}) \right) \right]",
                  lambda: modified_loss(derive("sgd", 2, n=3), "sgd", frozen=True).to_latex()),
        loss_entry("thesis-eq5.9", "thesis Eq 5.9", "the IGR loss of n full-batch gradient descent steps (any n)",
                   "n full-batch steps as one step of time n h (a scheme defined through bea.scheme); f = -grad E",
                   "full-batch", 2, lambda: {"theta": [(0, 1, P("E")), (1, R(1, 4), P("E", "f"))]},
                   r"\tilde{E} = E(\theta; \{X^t, \dots, X^{t+n-1}\}) + \frac{h}{4} \|\nabla_{\theta} E(\theta; \{X^t, \dots, "
                   r"X^{t+n-1}\})\|^2", system="single", flow_of=lambda: derive(full_batch, 2),
                   command="bea paper show thesis-eq5.9"),
        ch5_entry("thesis-eq5.13", "thesis Eqs 5.13-5.16", "the SGD modified loss in expectation over batch orderings "
                  "(n = 2, 3, 4), averaged exactly over all orderings", printed_for(_sgd_expectation_513),
                  derived_for(_averaged_over_orderings),
                  r"\mathbb{E}_\sigma [E_{sgd}] = E + \frac{nh}{4} \|\nabla_{\theta} E\|^2 - \frac{h}{2n} \nabla_{\theta} E^T "
                  r"\nabla_{\theta} E(\theta_{t-1}) - \frac{h}{2n} \left[\sum_{k=0}^{n-1} \nabla_{\theta} E(\theta; X^{t+k})^T "
                  r"\nabla_{\theta} E(\theta_{t-1}; X^{t+k}) \right]",
                  lambda: modified_loss(_averaged_over_orderings(3), "sgd", frozen=True).to_latex()),
        field_entry("thesis-eq5.22", "thesis Eqs 5.22-5.23", "first-order drift of simultaneous gradient descent in a "
                    "general game: self and interaction terms", "general game f = -grad_phi E_phi, g = -grad_theta E_theta; "
                    "v_phi = v_theta = 1", "simultaneous", 2,
                    {("phi", 1, "f[f]"): -R(1, 2), ("phi", 1, "f[g]"): -R(1, 2),
                     ("theta", 1, "g[g]"): -R(1, 2), ("theta", 1, "g[f]"): -R(1, 2)},
                    r"f_1 = -\frac{1}{4} \nabla_\phi \|\nabla_\phi E_\phi\|^2 - \frac{1}{2} \frac{d\nabla_\phi E_\phi}{d\theta} "
                    r"\nabla_\theta E_\theta, \quad g_1 = -\frac{1}{4} \nabla_\theta \|\nabla_\theta E_\theta\|^2 - \frac{1}{2} "
                    r"\frac{d\nabla_\theta E_\theta}{d\phi} \nabla_\phi E_\phi",
                    system="general", powers={1}, params={"v_phi": 1, "v_theta": 1}),
        loss_entry("thesis-eq5.36", "thesis Eqs 5.36-5.37", "per-iteration modified losses of a general two-player game "
                   "(simultaneous updates, interaction factors frozen at t-1)",
                   "general game f = -grad_phi E_phi, g = -grad_theta E_theta; v_phi = v_theta = 1; frozen at theta_{t-1}",
                   "simultaneous", 2,
                   lambda: {"phi": [(0, 1, P("E_phi")), (1, R(1, 2), P("E_phi", "f")), (1, R(1, 2), P("E_phi", "g", frozen=True))],
                            "theta": [(0, 1, P("E_theta")), (1, R(1, 2), P("E_theta", "g")),
                                      (1, R(1, 2), P("E_theta", "f", frozen=True))]},
                   r"\tilde{E}_{\phi,t} = E_{\phi} + h \left(\frac{1}{2} \|\nabla_{\phi} E_{\phi}\|^2 + \frac{1}{2} "
                   r"\nabla_{\theta} E_{\phi}^T \nabla_{\theta} E_{\theta}(\phi_{t-1}, \theta_{t-1}) \right), \quad "
                   r"\tilde{E}_{\theta,t} = E_{\theta} + h \left(\frac{1}{2} \|\nabla_{\theta} E_{\theta}\|^2 + \frac{1}{2} "
                   r"\nabla_{\phi} E_{\theta}^T \nabla_{\phi} E_{\phi}(\phi_{t-1}, \theta_{t-1}) \right)",
                   system="general", params={"v_phi": 1, "v_theta": 1}, frozen=True),
    ]


# -- thesis, Appendix B -------------------------------------------------------------------------------
def _appendix_b() -> list[Entry]:
    def b3_printed():
        return {"phi h^0 f": 1, "phi h^1 f[g]": v_phi * R(1, 2) * (v_theta / v_phi - 1),
                "theta h^0 g": 1, "theta h^1 g[f]": v_theta * R(1, 2) * (v_phi / v_theta - 1),
                "equal rates: no drift below h^4": True}

    def b3_derived():
        values = _field_values(derive("rk4", 2, players=2, time="per-player"))
        equal = derive("rk4", 4, players=2, time="per-player", v_phi="v", v_theta="v")
        values["equal rates: no drift below h^4"] = {t.power for t in equal.terms} == {0}
        return values

    p1, p2, t1, t2, zeta = sympy.symbols("p1 p2 t1 t2 zeta")
    phi_v, theta_v = [p1, p2], [t1, t2]
    E = (p1 * t1 + R(1, 2) * p2 * t1**2 - R(1, 3) * p1**2 * t2 + R(2, 5) * p2 * t2 + R(1, 7) * p1 * p2 * t1 * t2
         + R(1, 4) * p1**2 - t2**2)

    def grad(expr, xs):
        return sympy.Matrix([expr.diff(x) for x in xs])

    def norm2(v):
        return sum(x**2 for x in v)

    def b5_derived():
        """SGA (B.193-B.196): xi = (grad_phi E, -grad_theta E), A the antisymmetric part of H_xi = dxi/dpsi,
        xi^ = xi + zeta A^T xi; the players' losses L1, L2 with xi^ = (grad_phi L1, grad_theta L2) are read off."""
        psi = phi_v + theta_v
        xi = sympy.Matrix.vstack(grad(E, phi_v), -grad(E, theta_v))
        H = xi.jacobian(psi)
        A = (H - H.T) / 2
        adjusted = xi + zeta * A.T * xi
        a, b = sympy.symbols("a b")
        L1, L2 = E + a * norm2(grad(E, theta_v)), -E + b * norm2(grad(E, phi_v))
        equations = list(sympy.expand(adjusted[:2, 0] - grad(L1, phi_v))) + list(sympy.expand(adjusted[2:, 0] - grad(L2, theta_v)))
        coefficients = [c for eq in equations for c in sympy.Poly(eq, *psi).coeffs()]
        solution = sympy.solve(coefficients, [a, b], dict=True)
        if not solution:
            return {"L1: coefficient of |grad_theta E|^2": sympy.nan, "L2: coefficient of |grad_phi E|^2": sympy.nan}
        return {"L1: coefficient of |grad_theta E|^2": solution[0][a], "L2: coefficient of |grad_phi E|^2": solution[0][b]}

    a1, a2, a3, theta, phi = sympy.symbols("a1 a2 a3 theta phi")
    x = sympy.Symbol("x")
    ell = a1 * x + a2 * x**2 + a3 * x**3             # a generic l up to cubic order (l(0) drops out)

    def lp(order):
        return ell.diff(x, order).subs(x, theta * phi)

    def b6_printed():
        l1, l2 = lp(1), lp(2)
        phi_dot = l1 * theta + h / 2 * (-theta**3 * l1 * l2 + phi * l1**2 + phi**2 * theta * l1 * l2)
        theta_dot = -l1 * phi - h / 2 * (-theta * l1**2 - theta**2 * phi * l1 * l2 + phi**3 * l1 * l2)
        return {"phi'": sympy.expand(phi_dot), "theta'": sympy.expand(theta_dot),
                "d(theta^2 + phi^2)/dt": sympy.expand(h * theta**2 * l1**2 + h * phi**2 * l1**2)}

    def b6_derived():
        Eg = ell.subs(x, theta * phi)
        fields = {"f": [Eg.diff(phi)], "g": [-Eg.diff(theta)]}            # B.203: phi ascends, theta descends
        flow = derive("simultaneous", 2, v_phi=1, v_theta=1)
        phi_dot, theta_dot = flow.evaluate(fields, {"phi": [phi], "theta": [theta]})
        return {"phi'": sympy.expand(phi_dot), "theta'": sympy.expand(theta_dot),
                "d(theta^2 + phi^2)/dt": sympy.expand(2 * theta * theta_dot + 2 * phi * phi_dot)}

    return [
        value_entry("thesis-b.3", "thesis App B.3 (Eqs B.164-B.165)", "Runge-Kutta 4 for two players with different "
                    "learning rates: first-order drift from the interaction terms only",
                    PER_PLAYER + " (as in B.162-B.163, modified field f + tau_phi f_1); under the same-time convention "
                    "RK4 has no drift below h^4 for any rates (bea derive --scheme rk4 --players 2)",
                    "bea derive --scheme rk4 --players 2 --order 2 --time per-player", b3_printed, b3_derived,
                    r"f_1 = \frac{1}{2} \left(\frac{v_\theta}{v_\phi} - 1 \right) \frac{df}{d\theta} g, \quad "
                    r"g_1 = \frac{1}{2} \left(\frac{v_\phi}{v_\theta} - 1 \right) \frac{dg}{d\phi} f"),
        value_entry("thesis-b.5", "thesis App B.5 (Eqs B.196-B.200)", "SGA as modified losses: the adjusted field "
                    "xi + zeta A^T xi as gradients of L1, L2",
                    "phi minimises E, theta minimises -E (B.193); SGA as defined in B.196 (Balduzzi et al.): A^T xi; "
                    "checked on a polynomial E with two parameters per player", "bea paper show thesis-b.5", lambda: {"L1: coefficient of |grad_theta E|^2": -zeta / 2,
                                                  "L2: coefficient of |grad_phi E|^2": -zeta / 2}, b5_derived,
                    r"\tilde{L}_1 = E - \frac{\zeta}{2} \|\nabla_\theta E\|^2, \quad \tilde{L}_2 = -E - \frac{\zeta}{2} "
                    r"\|\nabla_\phi E\|^2"),
        value_entry("thesis-b.6", "thesis App B.6 (Eqs B.211-B.217)", "Dirac-GAN: modified flows of simultaneous "
                    "gradient descent and the growth of theta^2 + phi^2", "E = l(theta phi) + l(0), phi ascends, theta "
                    "descends (B.203); both players use rate h; l a generic cubic", "bea stability --scheme simultaneous "
                    "--order 2 --problem dirac-gan --at phi=0 theta=0", b6_printed, b6_derived,
                    r"\dot{\phi} = l'\theta + \frac{h}{2} [-\theta^3 l' l'' + \phi l'^2 + \phi^2 \theta l' l''], \quad "
                    r"\dot{\theta} = -l'\phi - \frac{h}{2} [-\theta l'^2 - \theta^2 \phi l' l'' + \phi^3 l' l''], \quad "
                    r"\frac{d(\theta^2 + \phi^2)}{dt} = h\theta^2 l'^2 + h\phi^2 l'^2"),
    ]


# -- the catalogue -----------------------------------------------------------------------------------
ORDER = ["tmlr-eq3", "thesis-eq2.36", "tmlr-eq8", "tmlr-thm3.1", "tmlr-def3.1", "tmlr-rem3.1", "tmlr-eq16",
         "tmlr-sec3.2-jacobians", "thesis-thm4.2.1", "thesis-thm4.2.2", "thesis-eq4.25", "thesis-eq4.26",
         "thesis-eq4.27", "thesis-eq4.28", "thesis-cor4.4.1", "thesis-cor4.5.1", "thesis-cor4.5.2", "thesis-thm4.7.1",
         "thesis-thm4.7.2", "thesis-cor4.7.1", "thesis-cor4.7.2", "thesis-table4.1", "thesis-def4.8.1", "thesis-eq4.74",
         "thesis-thmA.1.2", "thesis-eqA.42", "thesis-thm5.2.2", "thesis-eq5.9", "thesis-eq5.13", "thesis-eq5.22",
         "thesis-eq5.36", "thesis-b.3", "thesis-b.5", "thesis-b.6"]


def _build() -> dict[str, Entry]:
    entries = (_tmlr() + _two_player_fields() + _k_matrices() + _eq427_428() + _losses() + [_table41()] + _game_pf()
               + _appendix_a() + _ch5() + _appendix_b())
    by_id = {e.id: e for e in entries}
    assert set(by_id) == set(ORDER), set(by_id) ^ set(ORDER)
    return {i: by_id[i] for i in ORDER}


CATALOGUE: dict[str, Entry] = _build()


def entry(id_: str) -> Entry:
    """The catalogue entry ``id_``."""
    if id_ not in CATALOGUE:
        raise UnknownEntry(f"no catalogue entry {id_!r}; `bea paper list` shows the {len(CATALOGUE)} ids")
    return CATALOGUE[id_]


def markdown() -> str:
    """``docs/papers.md``: the table of entries and every erratum, printed against derived."""
    lines = ["# The papers, regenerated", "",
             "Generated by `bea paper doc` from the catalogue in `bea/papers.py`: each printed equation is data, "
             "each derived one comes from the engine, and the status is their exact comparison.", "",
             "| id | statement | status | command |", "|---|---|---|---|"]
    for e in CATALOGUE.values():
        lines.append(f"| `{e.id}` | {e.source}: {e.statement} | {e.status} | `{e.command}` |")
    lines += ["", "## Errata", ""]
    for e in CATALOGUE.values():
        if e.status == "erratum":
            lines += [f"### `{e.id}` — {e.source}", "", f"{e.statement}. Convention: {e.convention}.", "",
                      f"**What differs:** {e.note}", "", "Printed:", "", "```latex", e.printed_latex, "```", "",
                      "Derived:", "", "```latex", e.result["latex"], "```", ""]
            for k, p, d in e.result["differing"]:
                lines.append(f"- {k}: printed `{_show(p)}`, derived `{_show(d)}`")
            lines.append("")
    return "\n".join(lines)
