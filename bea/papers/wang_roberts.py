"""Wang & Roberts, *Can stability be detrimental? Better generalization through gradient descent
instabilities* [WR]: the alignment ratio of the top Hessian eigenvector of a deep linear network (Eq 1),
its one-step ratio (Eq 2), the regimes of Sec 3 and Fig. 1, and the n-parameter network of App. C (Eq 14).

The network of Fig. 1 is ``z(t1 t2)`` with ``z(Theta) = Theta^2``, from ``(t1, t2) = (-0.1, 10)``."""

from __future__ import annotations

import sympy

from ..analysis.eos import alignment, dln_ratios, rotation
from ..concrete.step import step as step_of
from ..engine.derive import derive
from .entry import Entry, Quoted, R, value_entry

__all__ = ["entries"]

_T = sympy.Symbol("Theta")
_t1, _t2 = sympy.symbols("t1 t2")
START = (R(-1, 10), 10)
FIG1_STEPS = ("0.001", "0.0095", "0.011", "0.013")
NETWORK = "the two-parameter network z(t1 t2), z = Theta^2 unless named, at (t1, t2) = (-0.1, 10)"
ALIGNMENT = "bea eos alignment --z Theta^2 --var t1,t2 --at t1=-1/10 t2=10 --h 0.011"


def entries() -> list[Entry]:
    """The entries of [WR], in the paper's order."""
    return [
        value_entry("wang-eq1", "Wang & Roberts Eq 1 and Fig. 1", "the alignment ratio R_2 = |u_11/u_12| = beta + "
                    "sqrt(beta^2 + 1) of the top Hessian eigenvector, and the stability limit eta_eos = 0.01 at "
                    "Fig. 1's start", NETWORK, ALIGNMENT, _eq1_printed, _eq1_derived,
                    r"R_2 = \left|\frac{u_{1,1}}{u_{1,2}}\right| = \beta + \sqrt{\beta^2 + 1}, \quad "
                    r"\beta = \left|\frac{z''(\theta_2^2 - \theta_1^2)}{2(z' + z''\Theta)}\right|; \quad "
                    r"\eta_{\mathrm{eos}} = 0.01"),
        value_entry("wang-eq2", "Wang & Roberts Eq 2", "the one-step ratio gamma_beta = (beta + Delta beta)/beta of "
                    "one gradient step, |1 - eta^2 z'^2| / |1 - s eta z' + eta^2 z'^2| with s = t1/t2 + t2/t1, at "
                    "Fig. 1's four step sizes", NETWORK + " (Eq 2 is printed as an approximation; for quadratic z it "
                    "is exact)", ALIGNMENT, _eq2_printed, _eq2_derived,
                    r"\gamma_\beta \approx \left|\frac{1 - \eta^2 z'^2}{1 - s\eta z' + \eta^2 z'^2}\right|"),
        value_entry("wang-regimes", "Wang & Roberts Sec 3.1-3.2 and Fig. 1", "gamma_beta crosses 1 at eta z' = "
                    "2 t1 t2/(t1^2 + t2^2); below it R_2 grows (u turns toward the sharper parameter t1), above it "
                    "R_2 falls (u turns away): Fig. 1's eta = 0.001, 0.0095 and 0.011, 0.013", NETWORK,
                    "bea eos rotation --loss (t1*t2)^2 --var t1,t2 --at t1=-1/10 t2=10 --h 0.013",
                    _regimes_printed, _regimes_derived,
                    r"\eta_{\gamma_\beta = 1} z' = \frac{2\theta_1\theta_2}{\theta_1^2 + \theta_2^2}"),
        value_entry("wang-appB", "Wang & Roberts App. B (Eqs 4-5, B.2)", "the Hessian of L = z(t1 t2), [[z'' t2^2, "
                    "z'' t1 t2 + z'], [z'' t1 t2 + z', z'' t1^2]] (Eq 4), its eigenvalues (z''(t1^2 + t2^2) +- sqrt(z''^2 "
                    "(t1^2 - t2^2)^2 + 4 (z' + z'' Theta)^2))/2 (Eq 5), and one gradient step: Delta t1 = eta z' t2 (as "
                    "printed) and r1 = t2^2 - t1^2 scaled by exactly gamma_r1 = 1 - eta^2 z'^2",
                    "z = Theta^2 + Theta^4/10 at (t1, t2) = (1/2, 3) (z'' not constant), eta = 0.011; the Hessian as "
                    "minus the engine's exact Jacobian of gradient descent's order-1 field, its eigenvalues exactly; "
                    "the step from bea.step (float64, 9 digits)",
                    "bea eos alignment --z Theta^2+Theta^4/10 --var t1,t2 --at t1=1/2 t2=3 --h 0.011",
                    _app_b_printed, _app_b_derived,
                    r"H(\Theta) = \begin{bmatrix} z''\theta_2^2 & z''\theta_1\theta_2 + z' \\ z''\theta_1\theta_2 + z' & "
                    r"z''\theta_1^2 \end{bmatrix}, \quad \lambda_{1,2} = \frac{z''(\theta_1^2 + \theta_2^2) \pm "
                    r"\sqrt{z''^2(\theta_1^2 - \theta_2^2)^2 + 4(z' + z''\Theta)^2}}{2}, \quad \Delta\theta_1 = "
                    r"\eta z'\theta_2, \quad \gamma_{r_1} = 1 - \eta^2 z'^2"),
        value_entry("wang-sec3.2", "Wang & Roberts Sec 3.2 (the unstable regime's assumption)", "gamma_beta = 0 at "
                    "eta = 1/z' (one step makes t1^2 = t2^2), and the unstable regime's assumption eta_eos < eta_(gamma_beta "
                    "= 0) = 1/z' => t2^2 > 2 t1^2",
                    "z = Theta^2; at Fig. 1's start (-0.1, 10) and at (1, 1); eta_eos = 2/lambda_max from the engine's "
                    "exact Hessian, the step from bea.step at eta = 1/|z'|; the implication evaluated as printed",
                    ALIGNMENT, _sec32_printed, _sec32_derived,
                    r"\eta_{\mathrm{eos}} < \eta_{\gamma_\beta = 0} = 1/z' \implies \theta_2^2 > 2\theta_1^2"),
        value_entry("wang-eq14", "Wang & Roberts App. C Eq 14", "the top eigenvector of the n-parameter network "
                    "z(t_1 ... t_n): R_n(k) = |u_1/u_k| = f(t_k)/f(t_1), f(t) = |t| (lambda_1 + z' Theta/t^2), with "
                    "lambda_1 the sharpness", "n = 3 at (1/10, 3, 10) and n = 4 at (1/5, 2, 5, 8); z = Theta^2, "
                    "Theta^2 + Theta^4/10 and exp(Theta); the exact ratios from the Hessian's eigenvector "
                    "(floats agree to 9 digits)",
                    "bea spectral --field f=-2*w1*w2^2*w3^2 --field f=-2*w1^2*w2*w3^2 --field f=-2*w1^2*w2^2*w3 "
                    "--var theta=w1,w2,w3 --at w1=1/10 w2=3 w3=10 --h 1",
                    lambda: _eq14(1), lambda: _eq14(0),
                    r"R_n(k) = \frac{|\theta_k| (\hat\lambda_1 + z'\Theta/\theta_k^2)}"
                    r"{|\theta_1| (\hat\lambda_1 + z'\Theta/\theta_1^2)}"),
    ]


def _beta(z, t1, t2):
    """Eq 1's ``beta`` as printed, exactly."""
    Theta = t1 * t2
    d1, d2 = (z.diff(_T, k).subs(_T, Theta) for k in (1, 2))
    return sympy.Abs(d2 * (t2**2 - t1**2) / (2 * (d1 + d2 * Theta)))


_NETWORKS = {"z = Theta^2": _T**2, "z = Theta^2 + Theta^4/10": _T**2 + _T**4 / 10}


def _eq1_printed() -> dict:
    out = {}
    for name, z in _NETWORKS.items():
        beta = _beta(z, *START)
        out[f"R_2, {name}"] = beta + sympy.sqrt(beta**2 + 1)
    out["eta_eos at the start (Fig. 1)"] = Quoted("0.01")
    return out


def _hessian(z, at=START):
    """The exact Hessian of ``z(t1 t2)`` at ``at`` (the start): minus the Jacobian of gradient descent's field (the
    engine's exact Jacobian of the order-1 modified field, i.e. of ``f = -grad E``)."""
    E = z.subs(_T, _t1 * _t2)
    jacobian = derive("euler", 1).jacobian({"f": [-E.diff(_t1), -E.diff(_t2)]}, {"theta": [_t1, _t2]},
                                           dict(zip((_t1, _t2), at)))
    return -sympy.Matrix(jacobian)


def _eq1_derived() -> dict:
    out = {}
    for name, z in _NETWORKS.items():
        H = _hessian(z)
        top, _, (vector,) = max(H.eigenvects(), key=lambda e: float(e[0]))
        out[f"R_2, {name}"] = sympy.Abs(vector[0] / vector[1])
        if name == "z = Theta^2":
            out["eta_eos at the start (Fig. 1)"] = 2 / top
    return out


_SEC32_POINTS = {"Fig. 1's start": START, "(1, 1)": (1, 1)}


def _sec32_printed() -> dict:
    out = {"one step at eta = 1/|z'| makes t1^2 = t2^2 (Fig. 1's start)": True}
    out.update({f"{name}: eta_eos < 1/|z'| implies t2^2 > 2 t1^2": True for name in _SEC32_POINTS})
    return out


def _sec32_derived() -> dict:
    E = (_T**2).subs(_T, _t1 * _t2)
    fields, variables = {"f": [-E.diff(_t1), -E.diff(_t2)]}, {"theta": [_t1, _t2]}
    t1, t2 = START
    eta = 1 / abs(2 * t1 * t2)                                              # z' = 2 Theta
    after = step_of("euler", fields, variables, [float(t1), float(t2)], eta)
    out = {"one step at eta = 1/|z'| makes t1^2 = t2^2 (Fig. 1's start)": bool(abs(after[1]**2 - after[0]**2) < 1e-12)}
    for name, (a, b) in _SEC32_POINTS.items():
        eta_eos = 2 / max(_hessian(_T**2, (a, b)).eigenvals(multiple=True), key=float)
        assumption = bool(eta_eos < 1 / abs(2 * a * b))
        out[f"{name}: eta_eos < 1/|z'| implies t2^2 > 2 t1^2"] = (not assumption) or bool(b**2 > 2 * a**2)
    return out


_Z_APP_B, _AT_B, _ETA_B = _T**2 + _T**4 / 10, (R(1, 2), 3), R(11, 1000)


def _app_b_printed() -> dict:
    t1, t2 = _AT_B
    Theta = t1 * t2
    z1, z2 = (_Z_APP_B.diff(_T, n).subs(_T, Theta) for n in (1, 2))
    root = sympy.sqrt(z2**2 * (t1**2 - t2**2)**2 + 4 * (z1 + z2 * Theta)**2)
    return {"Eq 4 H[0,0]": z2 * t2**2, "Eq 4 H[0,1]": z2 * t1 * t2 + z1, "Eq 4 H[1,1]": z2 * t1**2,
            "Eq 5 lambda_1": (z2 * (t1**2 + t2**2) + root) / 2, "Eq 5 lambda_2": (z2 * (t1**2 + t2**2) - root) / 2,
            "B.2 Delta t1/(eta z' t2)": 1, "B.2 gamma_r1": 1 - _ETA_B**2 * z1**2}


def _app_b_derived() -> dict:
    E = _Z_APP_B.subs(_T, _t1 * _t2)
    fields, variables = {"f": [-E.diff(_t1), -E.diff(_t2)]}, {"theta": [_t1, _t2]}
    H = -sympy.Matrix(derive("euler", 1).jacobian(fields, variables, dict(zip((_t1, _t2), _AT_B))))
    low, high = sorted(H.eigenvals(multiple=True), key=float)
    before = [float(x) for x in _AT_B]
    after = step_of("euler", fields, variables, before, _ETA_B)
    z1 = float(_Z_APP_B.diff(_T).subs(_T, _AT_B[0] * _AT_B[1]))
    r1 = lambda t: t[1]**2 - t[0]**2
    return {"Eq 4 H[0,0]": H[0, 0], "Eq 4 H[0,1]": H[0, 1], "Eq 4 H[1,1]": H[1, 1], "Eq 5 lambda_1": high,
            "Eq 5 lambda_2": low, "B.2 Delta t1/(eta z' t2)": float((after[0] - before[0]) / (float(_ETA_B) * z1 * before[1])),
            "B.2 gamma_r1": float(r1(after) / r1(before))}


def _eq2_printed() -> dict:
    t1, t2 = START
    z1 = (2 * _T).subs(_T, t1 * t2)
    s = t1 / t2 + t2 / t1
    return {f"gamma_beta, eta = {eta}": sympy.Abs((1 - e**2 * z1**2) / (1 - s * e * z1 + e**2 * z1**2))
            for eta in FIG1_STEPS for e in [sympy.Rational(eta)]}


def _eq2_derived() -> dict:
    """The ratio ``beta(theta_1)/beta(theta_0)`` over one gradient step, computed by :func:`bea.eos.alignment`
    from the step itself (not from Eq 2)."""
    return {f"gamma_beta, eta = {eta}": alignment(_T**2, _T, START, eta).gamma_step for eta in FIG1_STEPS}


def _regimes_printed() -> dict:
    t1, t2 = START
    z1 = 2 * t1 * t2
    out = {"eta at gamma_beta = 1": 2 * t1 * t2 / (t1**2 + t2**2) / z1}
    out.update({f"u rotates at eta = {eta}": "toward" if float(eta) < 0.01 else "away" for eta in FIG1_STEPS})
    return out


def _regimes_derived() -> dict:
    """Where the one-step ratio of :func:`bea.eos.alignment` crosses 1 (Brent's method, between the asymptote at
    ``eta z' = t1/t2``, ``eta = 0.005``, and the edge), and the direction of the top eigenvector's rotation over
    one gradient step (:func:`bea.eos.rotation`)."""
    from scipy.optimize import brentq

    def excess(eta):
        return alignment(_T**2, _T, START, eta).gamma_step - 1

    E = (_t1 * _t2) ** 2
    fields, variables = {"f": [-E.diff(_t1), -E.diff(_t2)]}, {"theta": [_t1, _t2]}
    out = {"eta at gamma_beta = 1": brentq(excess, 0.006, 0.0105, xtol=1e-18)}
    out.update({f"u rotates at eta = {eta}": rotation(fields, variables, dict(zip((_t1, _t2), START)), eta, "gd").direction
                for eta in FIG1_STEPS})
    return out


def _eq14(which: int) -> dict:
    """``which = 0``: the ratios of the exact Hessian's top eigenvector; ``1``: Eq 14 as printed (both from
    :func:`bea.eos.dln_ratios`, which evaluates Eq 14 with the sharpness for ``lambda_1``)."""
    out = {}
    for name, z in {"Theta^2": _T**2, "Theta^2 + Theta^4/10": _T**2 + _T**4 / 10, "exp(Theta)": sympy.exp(_T)}.items():
        for theta in ((R(1, 10), 3, 10), (R(1, 5), 2, 5, 8)):
            values = dln_ratios(z, _T, theta)[which]
            for k, value in enumerate(values, start=2):
                out[f"z = {name}, n = {len(theta)}, R_n({k})"] = value
    return out
