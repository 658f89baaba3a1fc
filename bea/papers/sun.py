"""Sun, Lao, Yezzi & Sundaramoorthi, *A PDE-based explanation of extreme numerical sensitivities and edge of
stability* [SLYS]: the von Neumann analysis of the heat equation's FTCS scheme (Eqs 1-3, the CFL condition,
Fig. 1), the weight-decay bounds of gradient descent on their linearised one-layer CNN (Thm 5.4, Eq 14,
Table 2) and of Nesterov's method (Thm 5.6, Eq 18, Table 9)."""

from __future__ import annotations

import sympy

from ..analysis.eos import S_GRID, amplification, cnn_curvatures, nesterov_parameters, weight_decay_bounds
from ..analysis.principal_flow import principal_flow
from ..analysis.stability_region import stability_region
from .entry import Entry, Quoted, R, value_entry

__all__ = ["entries"]

_kappa, _dt, _dx = sympy.symbols("kappa dt dx", positive=True)
_a_beta, _alpha = sympy.symbols("a_beta alpha")
SPECTRUM = (R(1, 4), 1, R(9, 4), 4)
"""``|I_hat(omega)|^2`` on four modes: the image spectrum of the Eq 14 entry."""
CNN = "Sec 5.3: a = -1/2, beta = 1, I a 256 x 256 checkerboard of +-1 (one mode, |I_hat|^2 = 65536^2; the others 0)"


def entries() -> list[Entry]:
    """The entries of [SLYS], in the paper's order."""
    return [
        value_entry("sun-eq3", "Sun et al. Eqs 1-3, the CFL condition and Fig. 1", "FTCS for u_t = kappa u_xx: the "
                    "amplifier A(omega) = 1 - 2 kappa dt/dx^2 (1 - cos(omega dx)), stable iff dt < dx^2/(2 kappa); "
                    "Fig. 1 stable at kappa dt/dx^2 = 0.4, divergent at 0.8",
                    "the stencil u_j+ = r u_(j-1) + (1 - 2r) u_j + r u_(j+1), r = kappa dt/dx^2; s = omega dx",
                    "bea eos amplification --stencil 'kappa*dt/dx^2, 1 - 2*kappa*dt/dx^2, kappa*dt/dx^2' --dt dt "
                    "--dx dx --param kappa=kappa", _ftcs_printed, _ftcs_derived,
                    r"A(\omega) = 1 - \frac{2\kappa\Delta t}{(\Delta x)^2}[1 - \cos(\omega\Delta x)], \quad "
                    r"\Delta t < \frac{(\Delta x)^2}{2\kappa}"),
        value_entry("sun-eq13", "Sun et al. Thm 5.3 (Eq 13) and Sec 5.4", "one forward-Euler step (Eq 11) of the "
                    "linearised PDE on a Fourier mode: K_hat+ = A K_hat - (a/2) dt I_bar with the amplifier A = 1 - dt "
                    "(alpha + a beta |I_hat|^2/2); in the not-activated regime (r' = 0: only the decay acts) it is "
                    "stable iff alpha < 2/dt (so dt < 0.1 at Sec 5.4's alpha = 20), in the activated one (Table 3) iff "
                    "alpha < 2/dt - I_bar^2/8",
                    "w -> infinity; one mode with |I_hat|^2 = s, as the field -(alpha + a beta s/2) K_hat - (a/2) "
                    "I_bar; the exact one-step map of gradient descent from bea.principal_flow's affine map; the "
                    "regime bounds from bea.eos.weight_decay_bounds with curvature 0 (not activated) and I_bar^2/8 (activated, "
                    "I_bar = 2), the step bound from gradient descent's stability interval (bea.stability_region)",
                    "bea eos weight-decay --curvatures 0 --dt 1/10", _eq13_printed, _eq13_derived,
                    r"\hat{K}^{n+1}(\omega) = A(\omega)\hat{K}^n(\omega) - \frac{a}{2}\Delta t\bar{I}, \quad A(\omega) = 1 - "
                    r"\Delta t\left(\alpha + \frac{1}{2}a\beta|\hat{I}(\omega)|^2\right); \quad \alpha < \frac{2}{\Delta t}"),
        value_entry("sun-eq14", "Sun et al. Thm 5.4 (Eq 14)", "the weight decays alpha for which gradient descent on "
                    "the linearised CNN is stable: alpha_min = -a beta max|I_hat|^2/2 < alpha < alpha_max = 2/dt - "
                    "a beta min|I_hat|^2/2",
                    "per-mode curvatures a beta |I_hat|^2/2 on the spectrum |I_hat|^2 = 1/4, 1, 9/4, 4, dt = 1/10; the "
                    "derivation is gradient descent's exact stability interval (0, 2) on every mode",
                    "bea eos weight-decay --curvatures '-1/16, -1/4, -9/16, -1' --dt 1/10", _eq14_printed, _eq14_derived,
                    r"\alpha < \alpha_{max} := \frac{2}{\Delta t} - \frac{1}{2}a\beta\min_\omega|\hat I(\omega)|^2, "
                    r"\quad \alpha > \alpha_{min} := -\frac{1}{2}a\beta\max_\omega|\hat I(\omega)|^2"),
        value_entry("sun-table2", "Sun et al. Table 2", "the bounds of Eq 14 in the Sec 5.3 experiment: alpha_min = "
                    "1.07e9, alpha_max = 2e8 (every kernel size)", CNN + "; dt = 1e-8",
                    "bea eos weight-decay --checkerboard 256 --cnn a=-1/2 beta=1 --dt 1e-8",
                    lambda: {"alpha_min": Quoted("1.07e9"), "alpha_max": Quoted("2e8")}, _table2_derived,
                    r"\alpha_{min} = 1.07\mathrm{e}9, \quad \alpha_{max} = 2\mathrm{e}8"),
        value_entry("sun-eq18", "Sun et al. Thm 5.6 (Eq 18, App. E Eq 75) and Table 9", "the weight-decay bounds of "
                    "Nesterov's scheme (Eqs 16-17): alpha_max = 4/(3 dt^2) - a beta min|I_hat|^2/2; Table 9 prints "
                    "alpha_min = 1.07e9, alpha_max = 1.33e8",
                    CNN + "; Nesterov with dt = 1e-4 and momentum (2 - d dt)/(2 + d dt) = 0.9 (d dt = 2/19), i.e. "
                    "step 2 dt^2/(2 + d dt); the derivation is Nesterov's exact stability interval "
                    "(0, 2 (1 + mu)/(1 + 2 mu)) per mode",
                    "bea eos weight-decay --checkerboard 256 --cnn a=-1/2 beta=1 --dt 19/2000000000 --scheme nesterov "
                    "--param beta=9/10", _eq18_printed, _eq18_derived,
                    r"\alpha < \alpha_{max} := \frac{4}{3\Delta t^2} - \frac{1}{2}a\beta\min_\omega|\hat I(\omega)|^2; "
                    r"\quad \alpha_{min} = 1.07\mathrm{e}9, \ \alpha_{max} = 1.33\mathrm{e}8"),
    ]


def _ftcs_printed() -> dict:
    r = _kappa * _dt / _dx**2
    return {"A(s)": 1 - 2 * r * (1 - sympy.cos(S_GRID)), "largest stable dt": _dx**2 / (2 * _kappa),
            "stable at r = 0.4 (Fig. 1 left)": True, "stable at r = 0.8 (Fig. 1 right)": False}


def _ftcs_derived() -> dict:
    """The amplification factor of :func:`bea.eos.amplification`; the largest stable ``dt`` where its value at
    ``s = pi`` (the extreme over ``s``) reaches ``-1``; the two runs of Fig. 1 by the exact ``max |A|``."""
    r = _kappa * _dt / _dx**2
    A = amplification({-1: r, 0: 1 - 2 * r, 1: r}, _dt, _dx).factor
    (limit,) = sympy.solve(sympy.Eq(A.subs(S_GRID, sympy.pi), -1), _dt)
    out = {"A(s)": A, "largest stable dt": limit}
    for value, name in ((R(2, 5), "stable at r = 0.4 (Fig. 1 left)"), (R(4, 5), "stable at r = 0.8 (Fig. 1 right)")):
        out[name] = bool(amplification({-1: value, 0: 1 - 2 * value, 1: value}, 1, 1).bound <= 1)
    return out


_a, _beta, _s, _ibar, _k = sympy.symbols("a beta s I_bar K")


def _eq13_printed() -> dict:
    return {"A": 1 - _dt * (_alpha + _a * _beta * _s / 2), "offset": -_a / 2 * _dt * _ibar,
            "largest stable alpha, not activated, dt = 1/10": 2 / _DT14,
            "largest stable alpha, activated (Table 3), I_bar = 2, dt = 1/10": 2 / _DT14 - R(2)**2 / 8,
            "largest stable dt at alpha = 20 (Sec 5.4), not activated": Quoted("0.1")}


def _eq13_derived() -> dict:
    field = {"f": [-(_alpha + _a * _beta * _s / 2) * _k - _a / 2 * _ibar]}
    M, c = principal_flow(field, {"theta": [_k]}, R(1, 10)).affine_map([0], exact=True, h=_dt)
    return {"A": sympy.expand(M[0, 0]), "offset": sympy.expand(c[0]),
            "largest stable alpha, not activated, dt = 1/10": weight_decay_bounds([0], _DT14).alpha_max,
            "largest stable alpha, activated (Table 3), I_bar = 2, dt = 1/10": weight_decay_bounds([R(2)**2 / 8],
                                                                                             _DT14).alpha_max,
            "largest stable dt at alpha = 20 (Sec 5.4), not activated": stability_region("euler").intervals[0][1] / 20}


_DT14 = R(1, 10)


def _eq14_cases():
    return {"a beta = -1/2": R(-1, 2), "a beta = 1/2": R(1, 2)}


def _eq14_printed() -> dict:
    out = {}
    for name, ab in _eq14_cases().items():
        out[f"alpha_min, {name}"] = -ab * max(SPECTRUM) / 2
        out[f"alpha_max, {name}"] = 2 / _DT14 - ab * min(SPECTRUM) / 2
    return out


def _eq14_derived() -> dict:
    out = {}
    for name, ab in _eq14_cases().items():
        bounds = weight_decay_bounds([ab * s / 2 for s in SPECTRUM], _DT14)
        out[f"alpha_min, {name}"], out[f"alpha_max, {name}"] = bounds
    return out


def _checkerboard():
    board = [[(-1) ** (i + j) for j in range(256)] for i in range(256)]
    return cnn_curvatures(board, R(-1, 2), 1).ravel()


def _table2_derived() -> dict:
    low, high = weight_decay_bounds(_checkerboard(), R(1, 10**8))
    return {"alpha_min": low, "alpha_max": high}


def _eq18_printed() -> dict:
    dt = R(1, 10**4)
    return {"alpha_max by Eq 18 at Table 9's dt = 1e-4": 4 / (3 * dt**2) - R(-1, 2) * 0 / 2,   # min |I_hat|^2 = 0
            "alpha_min (Table 9)": Quoted("1.07e9"), "alpha_max (Table 9)": Quoted("1.33e8")}


def _eq18_derived() -> dict:
    """Nesterov's bounds from its exact stability interval for their scheme (Eqs 16-17) at Table 9's ``dt = 1e-4``
    and momentum 0.9 (Eq 18's ``4/(3 dt^2)`` is the interval's limit as the damping ``d -> 0``, momentum 1,
    outside the slow-manifold analysis)."""
    scheme = nesterov_parameters(R(1, 10**4), R(2, 19) * 10**4)
    low, high = weight_decay_bounds(_checkerboard(), scheme["h"], "nesterov", beta=scheme["beta"])
    return {"alpha_max by Eq 18 at Table 9's dt = 1e-4": high, "alpha_min (Table 9)": low, "alpha_max (Table 9)": high}
