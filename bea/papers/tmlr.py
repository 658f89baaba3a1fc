"""The TMLR paper's results (Rosca, Wu, Qin & Dherin, *On a continuous time model of gradient
descent dynamics and instability in deep learning*, TMLR 2023 [RWQD23]): the third-order flow, the
principal terms and the principal flow of gradient descent."""

from __future__ import annotations

import functools

import numpy as np
import sympy

from ..analysis.drift import loss_change, one_step_drift
from ..analysis.principal_flow import principal_flow
from ..analysis.spectral import spectral
from ..concrete.step import step as step_of
from ..engine.derive import derive, principal
from .entry import SINGLE, Entry, R, field_entry, h, per_axis, spectral_gradient, value_entry

__all__ = ["entries", "chain_coefficients", "chain_terms"]


def entries() -> list[Entry]:
    """The TMLR entries, in the paper's order."""
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
                    lambda: chain_terms(20, gradient=True),
                    r"\dot{\theta} = \sum_{p=0}^{n} \frac{-1}{p+1} h^{p} (\nabla_{\theta}^{2} E)^{p} \nabla_{\theta} E "
                    r"+ \mathcal{C}(\nabla_{\theta}^{3} E)"),
        value_entry("tmlr-def3.1", "TMLR Def 3.1 (Eq 12) and Thm 3.2", "the PF's factor log(1-h lambda)/(h lambda) has "
                    "the BEA principal series as its Taylor expansion (to order 20)", SINGLE,
                    "bea principal --scheme euler --order 20 --gradient single",
                    lambda: _series_of(sympy.log(1 - sympy.Symbol("z")) / sympy.Symbol("z"), 20),
                    lambda: {f"z^{p}": c for p, c in enumerate(chain_coefficients(20, gradient=True))},
                    r"\dot{\theta} = \sum_{i=0}^{D-1} \frac{\log(1-h\lambda_i)}{h\lambda_i} "
                    r"(\nabla_{\theta} E^T u_i) u_i"),
        value_entry("tmlr-table1", "TMLR Table 1", "the coefficient functions of the flows in the Hessian's "
                    "eigenbasis, theta' = sum_i alpha(h lambda_i) (grad E . u_i) u_i: alpha_NGF(z) = -1, alpha_IGR(z) = "
                    "-(1 + z/2), alpha_PF(z) = log(1 - z)/z", SINGLE + "; one eigendirection, E = lambda theta^2/2, "
                    "alpha = field/(lambda theta) with z = h lambda: NGF and IGR from bea.derive, the PF from "
                    "bea.principal_flow's exact one-step map (log M/h), symbolically and at z = 3/2 (complex floats)",
                    "bea derive --scheme euler --order 2 --gradient single", _table1_printed, _table1_derived,
                    r"\alpha_{NGF}(h\lambda_i) = -1, \quad \alpha_{IGR}(h\lambda_i) = -\left(1 + \frac{h}{2}\lambda_i"
                    r"\right), \quad \alpha_{PF}(h\lambda_i) = \frac{\log(1-h\lambda_i)}{h\lambda_i}"),
        value_entry("tmlr-rem3.1", "TMLR Remark 3.1", "the PF on E = theta^T A theta/2 + b^T theta: exact on "
                    "gradient descent, and its closed-form solution (per eigendirection, c = theta^T u, beta = b^T u)",
                    SINGLE + "; one eigendirection with eigenvalue lambda",
                    "bea pf --problem quadratic --h 3/20 --steps 4",
                    _rem31_printed, _rem31_derived,
                    r"\theta(t) = \sum_{i=0}^{D-1} e^{\frac{\log(1-h\lambda_i)}{h}t} \theta_0^T u_i u_i + t "
                    r"\sum_{i=0}^{D-1} \frac{\log(1-h\lambda_i)}{h\lambda_i} b^T u_i"),
        value_entry("tmlr-rem3.4", "TMLR Remark 3.4 (thesis Remark 3.3.4)", "on quadratic losses the PF recovers the "
                    "classical result: gradient descent converges if lambda_0 < 2/h and diverges otherwise",
                    SINGLE + "; E = lambda_0 x^2/2 + y^2/20, h = 1/2, h lambda_0 = 1/2, 3/2, 19/10, 21/10, 3 (not the "
                    "boundary 2, where the iterates neither converge nor diverge); gradient descent's own verdict (the "
                    "spectral radius of its step, bea stability's method verdict) and the PF's (the real parts of "
                    "(1/h) log M from bea.principal_flow)",
                    "bea stability --scheme euler --order 1 --field f=-21/5*x --field f=-y/10 --var theta=x,y "
                    "--at x=0 y=0 --h 1/2",
                    lambda: {f"h lambda_0 = {z}: {who}": "converges" if z < 2 else "diverges"
                             for z in _REM34 for who in ("gradient descent", "PF")},
                    _rem34_derived,
                    r"\lambda_0 < 2/h: \text{gradient descent converges; otherwise it diverges}"),
        value_entry("tmlr-eq16", "TMLR Eq 16", "the PF Jacobian at a critical point has eigenvalues log(1-h lambda)/h "
                    "(as series in h lambda, to order 20, and the closed form itself at h lambda = 1/2, 3/2, 5/2)",
                    SINGLE + "; the series from bea's principal terms; the closed form (principal branch) against the "
                    "eigenvalues of bea.principal_flow's Jacobian at the minimum of E = lambda theta^2/2, h = 1/4 "
                    "(floats, 9 digits)", "bea principal --scheme euler --order 20",
                    _eq16_printed, _eq16_derived,
                    r"J_{PF}(\theta^*) = \sum_{i=0}^{D-1} \frac{\log(1-h\lambda_i^*)}{h} u_i^* u_i^{*T}"),
        value_entry("tmlr-sec3.2-jacobians", "TMLR Sec 3.2 (after Eq 16)", "Jacobian eigenvalues at a critical point: "
                    "NGF -lambda, IGR flow -lambda - h^2 lambda^2/2 (as printed)", SINGLE,
                    "bea stability --scheme euler --order 2 --field f=-lam*theta --param lam=lam --at theta=0",
                    lambda: {"NGF": -_lam, "IGR": -_lam - h**2 / 2 * _lam**2},
                    _sec32_derived,
                    r"-\lambda_i^* \quad\text{and}\quad -\lambda_i^* - \frac{h^2}{2}\lambda_i^{*2}"),
        value_entry("tmlr-def3.3", "TMLR Defs 3.2-3.3 (Eq 14)", "the PF with the third-order non-principal term: "
                    "PF - h^2/12 grad E^T (grad^3 E) grad E", SINGLE + "; E = x^3/3 + x y^2/2 + y^2/2 at (1/2, 1/4), h = "
                    "1/4; the printed term from E's derivatives against the difference of bea.principal_flow's fields "
                    "with and without nonprincipal=3 (floats, 9 digits)",
                    "bea pf --field f=-x^2-y^2/2 --field f=-x*y-y --var theta=x,y --at x=1/2 y=1/4 --h 1/4 "
                    "--nonprincipal 3", _def33_printed, _def33_derived,
                    r"\dot{\theta} = \sum_{i=0}^{D-1} \frac{\log(1-h\lambda_i)}{h\lambda_i} (\nabla_{\theta} E^T u_i) u_i "
                    r"- \frac{h^2}{12} \nabla_{\theta} E^T (\nabla_{\theta}^3 E) \nabla_{\theta} E"),
        value_entry("thesis-eq3.17", "thesis Eqs 3.17-3.18", "the third-order term grad E^T (grad^3 E) grad E in the "
                    "Hessian's eigenbasis: printed = sum_i (u_i^T grad^3 E u_i) (g . u_i)^2 (3.17, first '='), approx "
                    "sum_i grad lambda_i (g . u_i)^2, which 3.18 writes as sum_i grad(lambda_i (g . u_i)^2) - sum_i 2 "
                    "lambda_i^2 (g . u_i) u_i. Each '=' drops terms (3.17: the cross terms i != j; 3.18: the eigenvectors' "
                    "derivatives), the 'approx' is exact for simple eigenvalues, and the chain end to end is exact "
                    "(sum_i lambda_i (g . u_i)^2 = g^T Hess E g)", SINGLE + "; E = x^3/3 + x y^2/2 + y^2/2 at (1/2, "
                    "1/4) (lambda = 1.60, 0.90), h = 1/4; grad E^T (grad^3 E) grad E from bea.principal_flow's "
                    "non-principal term (-12/h^2 times the difference with nonprincipal=3), eigenpairs from "
                    "bea.spectral, their gradients by Richardson-extrapolated central differences of bea.spectral "
                    "(floats, 9 digits)",
                    "bea spectral --field f=-x^2-y^2/2 --field f=-x*y-y --var theta=x,y --at x=1/2 y=1/4 --h 1/4",
                    _eq317_printed, _eq317_derived,
                    r"\nabla_{\theta} E^T \nabla_{\theta}^3 E \nabla_{\theta} E = \sum_{i} (u_i^T \nabla_{\theta}^3 E u_i) "
                    r"(\nabla_{\theta} E^T u_i)^2 \approx \sum_{i} \nabla_{\theta} \lambda_i (\nabla_{\theta} E^T u_i)^2 = "
                    r"\sum_{i} \nabla_{\theta} (\lambda_i (\nabla_{\theta} E^T u_i)^2) - \sum_{i} 2\lambda_i^2 "
                    r"(\nabla_{\theta} E^T u_i) u_i"),
        value_entry("tmlr-sec3.1", "TMLR Sec 3.1", "the three cases of the PF's coefficient alpha_PF(h lambda) = "
                    "log(1 - h lambda)/(h lambda) against the NGF's -1: real stable (h lambda < 1: alpha_PF real, "
                    "negative), complex stable (1 < h lambda < 2: complex, negative real part), unstable complex "
                    "(h lambda > 2: positive real part, the opposite sign of the NGF's)", SINGLE + "; a quadratic with "
                    "h lambda = -1/2, 1/2, 3/2, 5/2 (h = 1); alpha_PF read off bea.spectral's PF exponents",
                    "bea spectral --field f=-x/2 --field f=-3*y/2 --field f=-5*z/2 --field f=w/2 --var theta=x,y,z,w "
                    "--at x=1 y=1 z=1 w=1 --h 1", _sec31_printed, _sec31_derived,
                    r"\lambda_i < 1/h: \alpha_{PF} \in \mathbb{R}, < 0; \quad 1/h < \lambda_i < 2/h: "
                    r"\mathrm{Re}\,\alpha_{PF} < 0; \quad 2/h < \lambda_i: \mathrm{Re}\,\alpha_{PF} > 0"),
        value_entry("tmlr-def3.4", "TMLR Def 3.4", "the stability coefficient of eigendirection i, sc_i = "
                    "alpha_PF(h lambda_i) (grad E . u_i): the PF's field is sum_i sc_i u_i, and sign(sc_i) = "
                    "sign(alpha_PF(h lambda_i)) (real parts) as grad E . u_i >= 0",
                    SINGLE + "; E = x^3/3 + x y^2/2 + y^2/2 at (1/2, 1/4) (lambda = 1.60, 0.90), h = 1 (one real, one "
                    "complex direction); printed: sc_i from the exact eigenpairs (SymPy), u_i signed so grad E . u_i "
                    ">= 0; derived: u_i^T of bea.principal_flow's field, u_i from bea.spectral (floats, 9 digits)",
                    "bea pf --field f=-x^2-y^2/2 --field f=-x*y-y --var theta=x,y --at x=1/2 y=1/4 --h 1",
                    _def34_printed, _def34_derived,
                    r"sc_i = \frac{\log(1-h\lambda_i)}{h\lambda_i} (\nabla_{\theta} E^T u_i) = \alpha_{PF}(h\lambda_i) "
                    r"\nabla_{\theta} E^T u_i, \quad \mathrm{sign}(sc_i) = \mathrm{sign}(\alpha_{PF}(h\lambda_i))"),
        value_entry("tmlr-rem3.3", "TMLR Remark 3.3 (thesis Remark 3.3.3, Fig. 3.8)", "on the banana function the "
                    "principal terms have a destabilising effect when h > 2/lambda_0, while the non-principal terms "
                    "can have a stabilising effect",
                    SINGLE + "; Rosenbrock's E = (1 - x)^2 + 100 (y - x^2)^2 at (-1, 1) (lambda_0 = 1001.6), at Fig. "
                    "3.8's rates h = 0.0006, 0.0017, 0.005 (h lambda_0 = 0.60, 1.70, 5.01); destabilising: the PF's "
                    "component along u_0 (signed so grad E . u_0 >= 0) has positive real part, i.e. climbs E; "
                    "stabilising: the third-order non-principal term (bea.principal_flow(nonprincipal=3) minus the "
                    "PF) points down along u_0",
                    "bea pf --field f=2-2*x+400*x*(y-x^2) --field f=-200*(y-x^2) --var theta=x,y --at x=-1 y=1 --h "
                    "0.005 --nonprincipal 3", _rem33_printed, _rem33_derived,
                    r"h > 2/\lambda_0: \mathrm{Re}\,(u_0^T \dot{\theta}_{PF}) > 0, \quad u_0^T \left(-\frac{h^2}{12} "
                    r"\nabla_{\theta} E^T (\nabla_{\theta}^3 E) \nabla_{\theta} E\right) < 0"),
        value_entry("tmlr-rem4.1", "TMLR Remark 4.1 (thesis Remark 3.4.1)", "run for n h from a gradient-descent "
                    "iterate, the PF need not stay real when it is complex (h lambda_0 > 1): nothing makes theta(h), "
                    "theta(2h) real, although the iterates are; on a quadratic they are (the PF is exact there)",
                    SINGLE + "; E = x^3/3 + x y^2/2 + y^2/2 from (1/2, 1/4) (lambda_0 = 1.60) and the quadratic E = "
                    "4 x^2/5 + 7 y^2/10 (lambda = 1.6, 1.4) from the same point, h = 1; bea.principal_flow's trajectory "
                    "(imaginary parts above 1e-6 count as complex; on the quadratic it equals the iterates to 1e-9)",
                    "bea pf --field f=-x^2-y^2/2 --field f=-x*y-y --var theta=x,y --at x=1/2 y=1/4 --h 1 --steps 2 --method eig",
                    _rem41_printed, _rem41_derived,
                    r"\theta(0) = \theta_t: \ \theta(h), \dots, \theta(nh) \in \mathbb{C}^D \ (\lambda_0 > 1/h)"),
        value_entry("tmlr-sec4.2", "TMLR Sec 4.2 (thesis Sec 3.4.2)", "around critical points: the PF is repelled by "
                    "a sharp minimum (lambda_0* > 2/h), and a saddle repels it not only along its negative curvature "
                    "but also along eigendirections with lambda > 2/h, where the NGF and the IGR flow are attracted",
                    SINGLE + "; E = x^2/2 + 5 y^2 (minimum) and E = -x^2/2 + 5 y^2 (saddle) at 0, h = 1/4 (h lambda = "
                    "2.5 along y) and h = 1/8 (1.25); attraction along a direction read from the sign of the real part "
                    "of bea.principal_flow's Jacobian eigenvalue there (the y-direction's multiplier 1 - 10 h is "
                    "negative: its log has imaginary part pi/h), and from the engine's order-1 and order-2 fields",
                    "bea pf --field f=x --field f=-10*y --var theta=x,y --at x=0 y=0 --h 1/4",
                    _sec42_printed, _sec42_derived,
                    r"\mathrm{Re}\,\frac{\log(1 - h\lambda)}{h} > 0 \iff h\lambda > 2 \ (\lambda > 0) \ \text{or} \ \lambda < 0"),
        value_entry("tmlr-thm6.1", "TMLR Thm 6.1 (thesis Eqs A.152-A.153)", "the drift of one gradient-descent step "
                    "from the NGF is h^2/2 Hess E grad E at a point theta' near theta_{t-1}", SINGLE + "; E = x^4/4 + x y "
                    "+ y^2 from (1, 1/2), h = 1/10 and 1/4; bea.one_step_drift integrates the NGF (SciPy, rtol 1e-13) and "
                    "checks each component against h^2/2 (Hess E grad E)_i on the flow's path (the mean-value form "
                    "holds per component: one theta' per component)",
                    "bea drift --field f=-x^3-y --field f=-x-2*y --var theta=x,y --at x=1 y=1/2 --h 1/10",
                    lambda: {f"mean-value form per component, h = {s}": True for s in ("1/10", "1/4")},
                    _thm61_derived,
                    r"\theta(h) - \theta_t = \frac{h^2}{2}\nabla^2_{\theta}E(\theta')\nabla_{\theta}E(\theta')"),
        value_entry("tmlr-eq18", "TMLR Eqs 18-19", "the drift-adjusted learning rate DAL, h = 2/|Hess E g_hat|, and "
                    "DAL-p, 2/|Hess E g_hat|^p", SINGLE + "; E = x^4/4 + x y + y^2 at (1, 1/2), p = 1 and 1/2; the "
                    "printed formula exactly (g_hat = grad E/|grad E|) against bea.spectral's DAL (floats, 9 digits)",
                    "bea spectral --field f=-x^3-y --field f=-x-2*y --var theta=x,y --at x=1 y=1/2 --h 1/10",
                    _eq18_printed, _eq18_derived,
                    r"h(\theta) = \frac{2}{\|\nabla^2_\theta E \hat{g}(\theta)\|}, \quad h_p(\theta) = "
                    r"\frac{2}{\|\nabla^2_\theta E \hat{g}(\theta)\|^p}"),
        value_entry("tmlr-eq21", "TMLR Eqs 20-21 (Sec 7)", "heavy ball v_t = m v_{t-1} - h grad E(theta_{t-1}), "
                    "theta_t = theta_{t-1} + v_t (Eq 20), and DAL with momentum: the gradient scaled by "
                    "1/(2 |Hess E g_hat|) instead of h (Eq 21)",
                    SINGLE + "; E = x^4/4 + x y + y^2 at theta_{t-1} = (1, 1/2), theta_{t-2} = (9/10, 3/5) (v_{t-1} = "
                    "theta_{t-1} - theta_{t-2}), m = beta = 9/10, h = 1/10; printed: the updates as printed, exactly; "
                    "derived: one step of bea's heavy-ball scheme (bea.step, float64) with h = 1/10 and with h = "
                    "bea.spectral's dal_momentum(beta, constant=1/2). The constant 1/2 is the paper's choice: Eq 18's "
                    "signal-to-noise argument with the heavy-ball drift h^2/(2 (1 - beta)^2) Hess E grad E of thesis "
                    "A.10 gives 2 (1 - beta), bea's default, which is DAL at beta = 0",
                    "bea spectral --field f=-x^3-y --field f=-x-2*y --var theta=x,y --at x=1 y=1/2 --h 1/10",
                    _eq21_printed, _eq21_derived,
                    r"v_t = m v_{t-1} - h \nabla_{\theta} E(\theta_{t-1}), \quad \theta_t = \theta_{t-1} + v_t, \quad "
                    r"v_t = m v_{t-1} - \frac{1}{2\|\nabla_{\theta}^2 E(\theta_{t-1}) \hat{g}(\theta_{t-1})\|} "
                    r"\nabla_{\theta} E(\theta_{t-1})"),
        value_entry("tmlr-eq15", "TMLR Eq 15", "the loss along a flow of the form sum_i alpha(h lambda_i) (grad E . u_i) u_i "
                    "changes at the rate dE/dt = sum_i alpha(h lambda_i) (grad E . u_i)^2, for the PF alpha_PF(z) = "
                    "log(1 - z)/z (complex where h lambda > 1)", SINGLE + "; E = x^2/2 + 3 y^2/2 + x y/2 at (1, -1/2), h = "
                    "1/2 (h lambda = 0.44 and 1.56) and h = 1 (0.88 and 3.12); the sum exactly over the exact "
                    "eigenpairs, against grad E . PF from bea.principal_flow (complex floats, 9 digits)",
                    "bea pf --field f=-x-y/2 --field f=-3*y-x/2 --var theta=x,y --at x=1 y=-1/2 --h 1/2",
                    _eq15_printed, _eq15_derived,
                    r"\frac{dE}{dt} = \sum_{i=0}^{D-1} \alpha(h\lambda_i) (\nabla_\theta E^T u_i)^2"),
        value_entry("tmlr-cor4.1", "TMLR Cor 4.1-4.3", "how grad E . u_i changes along the PF, the NGF and the IGR flow: "
                    "at the rates log(1 - h lambda_i)/h, -lambda_i and -(lambda_i + h lambda_i^2/2)", SINGLE + "; E = "
                    "x^2/2 + 3 y^2/2 (eigendirections the axes) at (1, 1), h = 1/2 (h lambda = 1/2 and 3/2); d grad E/dt "
                    "= Hess E theta' with theta' the engine's fields (NGF, IGR: bea.derive, exact; PF: "
                    "bea.principal_flow, complex floats)", "bea derive --scheme euler --order 2 --gradient single",
                    _cor41_printed, _cor41_derived,
                    r"\frac{d\nabla_\theta E}{dt} = \sum_i \frac{\log(1-h\lambda_i)}{h} (\nabla_\theta E^T u_i) u_i, "
                    r"\ \sum_i -\lambda_i (\nabla_\theta E^T u_i) u_i, \ \sum_i -\left(\lambda_i + \frac{h}{2}\lambda_i^2"
                    r"\right) (\nabla_\theta E^T u_i) u_i"),
        value_entry("thesis-eqA.112", "thesis App A.1.4 (Eqs A.112-A.113)", "near a critical point, the linearised "
                    "iterates' continuous form gives the PF: A.112 prints theta' = sum_i log(1 - h lambda_i)/h (theta - "
                    "theta*) (without the projection u_i u_i^T on each term, which A.111 has), A.113 the PF "
                    "sum_i log(1 - h lambda_i)/(h lambda_i) (grad E . u_i) u_i",
                    SINGLE + "; E = (x - 1)^2/2 + (x - 1)(y + 1)/2 + (y + 1)^2 (critical point (1, -1), lambda = (3 -+ "
                    "sqrt 2)/2) at (3/2, -1/2), h = 1/4; the printed right-hand sides against bea.principal_flow's field "
                    "(exact on quadratics; floats, 9 digits)",
                    "bea pf --field f=-x-y/2+1/2 --field f=-x/2-2*y-3/2 --var theta=x,y --at x=3/2 y=-1/2 --h 1/4",
                    _a112_printed, _a112_derived,
                    r"\dot{\theta} = \sum_{i=0}^{D-1} \frac{\log(1 - h\lambda_i^*)}{h} (\theta - \theta^*), \quad "
                    r"\dot{\theta} = \sum_{i=0}^{D-1} \frac{\log(1 - h\lambda_i^*)}{h\lambda_i^*} \nabla_{\theta} E^T "
                    r"u_i^* u_i^{*T}"),
        value_entry("thesis-eqA.169", "thesis App A.2.2 (Eqs A.166-A.169)", "one gradient-descent step multiplies "
                    "grad E . u_i by (1 - h lambda_i)", SINGLE + "; E = x^2/2 + x y + 3 y^2/2 (a quadratic, where the "
                    "approximations A.166-A.168 are exact and the eigenvectors constant; lambda = 2 -+ sqrt 2) from (1, "
                    "-1/2), h = 1/5 and 3/5 (h lambda up to 2.05: the factor's sign flips); the step by bea.step, grad E . "
                    "u_i after it (floats, 9 digits)",
                    "bea pf --field f=-x-y --field f=-x-3*y --var theta=x,y --at x=1 y=-1/2 --h 1/5 --steps 1",
                    _a169_printed, _a169_derived,
                    r"\nabla_{\theta} E(\theta_{t+1})^T u_i = (1 - h \lambda_i) \nabla_{\theta} E(\theta_t)^T u_i"),
        value_entry("thesis-eqA.171", "thesis App A.2.3 (Eqs A.170-A.171)", "the loss after one step to second order, "
                    "E - h |g|^2 + (h^2/2) g^T Hess E g (A.170), its minimising step 1/(g_hat^T Hess E g_hat) (A.171), and "
                    "the comparison with DAL: g_hat^T Hess E g_hat = sum_i lambda_i (g_hat . u_i)^2 (right) and |Hess E "
                    "g_hat| = |sum_i lambda_i g_hat . u_i| (as printed; it is (sum_i lambda_i^2 (g_hat . u_i)^2)^(1/2))",
                    SINGLE + "; E = x^4/4 + x y + y^2 at (1, 1/2); A.170-A.171 from bea.loss_change's exact series "
                    "(the step minimising it), the printed formulas exactly from E; the eigen-sums from bea.spectral's "
                    "eigenpairs against its curvature and DAL (floats, 9 digits)",
                    "bea loss-change --loss x^4/4+x*y+y^2 --var x,y --at x=1 y=1/2 --order 2",
                    _a171_printed, _a171_derived,
                    r"E(\theta - h \nabla E) = E(\theta) - h \nabla E^T \nabla E + \frac{h^2}{2} \nabla E^T \nabla^2 E "
                    r"\nabla E + \mathcal{O}(h^3), \quad h = \frac{1}{\hat{g}^T \nabla^2 E \hat{g}}, \quad "
                    r"\hat{g}^T \nabla^2 E \hat{g} = \sum_i \lambda_i (\hat{g}^T u_i)^2, \ \|\nabla^2 E \hat{g}\| = "
                    r"|\sum_i \lambda_i \hat{g}^T u_i|"),
        value_entry("tmlr-rem6.1", "TMLR Remark 6.1 (Eq 17)", "where Hess E grad E = 0 the PF is the NGF",
                    SINGLE + "; E = x + y^2/2 at (0, 0) (grad E = (1, 0), Hess E grad E = 0), h = 3/2 (h lambda = 3/2 "
                    "on the curved direction); the PF's field from bea.principal_flow",
                    "bea pf --field f=-1 --field f=-y --var theta=x,y --at x=0 y=0 --h 3/2",
                    lambda: {"PF x": -1, "PF y": 0}, _rem61_derived,
                    r"\nabla^2_\theta E \nabla_\theta E = \sum_i \lambda_i \nabla_\theta E^T u_i u_i = 0 \implies "
                    r"\mathrm{PF} = -\nabla_\theta E"),
    ]
    return out


def _eq15_loss():
    x, y = sympy.symbols("x y")
    return x, y, x**2 / 2 + 3 * y**2 / 2 + x * y / 2


def _eq15_printed() -> dict:
    """sum_i alpha_PF(h lambda_i) (g . u_i)^2 from the exact eigenpairs of the Hessian (SymPy), at each h."""
    x, y, E = _eq15_loss()
    at = {x: 1, y: R(-1, 2)}
    g = sympy.Matrix([E.diff(v) for v in (x, y)]).xreplace(at)
    H = sympy.hessian(E, (x, y))
    out = {}
    for step in (R(1, 2), 1):
        total = 0
        for lam, _, vectors in H.eigenvects():
            u = vectors[0] / vectors[0].norm()
            z = step * lam
            total += sympy.log(1 - z) / z * (g.dot(u)) ** 2        # principal branch: log(-r) = log r + i pi
        out[f"dE/dt along the PF, h = {step}"] = complex(sympy.N(total, 30))
    out["dE/dt along the NGF (alpha = -1; thesis Eq 2.3: -|grad E|^2)"] = -g.dot(g)
    return out


def _eq15_derived() -> dict:
    x, y, E = _eq15_loss()
    out = {}
    for step in (R(1, 2), 1):
        pf = principal_flow({"f": [-E.diff(x), -E.diff(y)]}, {"theta": [x, y]}, step, method="eig")
        g = [float(E.diff(v).subs({x: 1, y: R(-1, 2)})) for v in (x, y)]
        field = pf.field([1.0, -0.5])
        out[f"dE/dt along the PF, h = {step}"] = complex(g[0] * field[0] + g[1] * field[1])
    ngf = derive("euler", 1).evaluate({"f": [-E.diff(x), -E.diff(y)]}, {"theta": [x, y]}).xreplace({x: 1, y: R(-1, 2)})
    gradient = sympy.Matrix([E.diff(v) for v in (x, y)]).xreplace({x: 1, y: R(-1, 2)})
    out["dE/dt along the NGF (alpha = -1; thesis Eq 2.3: -|grad E|^2)"] = gradient.dot(ngf)
    return out


_COR41 = (1, 3)                                               # lambda on the x and y axes; h = 1/2


def _cor41_printed() -> dict:
    step, out = R(1, 2), {}
    for axis, lam in zip("xy", _COR41):
        out[f"PF rate along {axis}"] = complex(sympy.N(sympy.log(1 - step * lam) / step, 30))
        out[f"NGF rate along {axis}"] = -lam
        out[f"IGR rate along {axis}"] = -(lam + step * lam**2 / 2)
    return out


def _cor41_derived() -> dict:
    """d(grad E . u_i)/dt / (grad E . u_i) with d grad E/dt = Hess E theta'."""
    x, y = sympy.symbols("x y")
    E = _COR41[0] * x**2 / 2 + _COR41[1] * y**2 / 2
    fields, variables, at = {"f": [-E.diff(x), -E.diff(y)]}, {"theta": [x, y]}, {x: 1, y: 1}
    H = sympy.hessian(E, (x, y))
    g = [E.diff(v).subs(at) for v in (x, y)]
    out = {}
    for name, order in (("NGF", 1), ("IGR", 2)):
        velocity = derive("euler", order).evaluate(fields, variables).subs(at).subs(sympy.Symbol("h"), R(1, 2))
        rates = H * velocity
        for i, axis in enumerate("xy"):
            out[f"{name} rate along {axis}"] = sympy.simplify(rates[i] / g[i])
    pf = principal_flow(fields, variables, R(1, 2), method="jordan").field([1.0, 1.0])
    rates = np.asarray(H.tolist(), dtype=float) @ pf
    for i, axis in enumerate("xy"):
        out[f"PF rate along {axis}"] = complex(rates[i] / float(g[i]))
    return out


def _rem61_derived() -> dict:
    """The PF's field at the point; an imaginary part (the PF is complex where h lambda > 1) would show as a
    difference, since it is added to the real part by its size."""
    field = principal_flow({"f": [-1 + 0 * _X, -_Y]}, {"theta": [_X, _Y]}, R(3, 2), method="jordan").field([0.0, 0.0])
    return {"PF x": float(field[0].real) + abs(field[0].imag), "PF y": float(field[1].real) + abs(field[1].imag)}


_X, _Y = sympy.symbols("x y")
_E18 = _X**4 / 4 + _X * _Y + _Y**2
_AT18 = {_X: 1, _Y: R(1, 2)}


_E33 = _X**3 / 3 + _X * _Y**2 / 2 + _Y**2 / 2
_AT33 = {_X: R(1, 2), _Y: R(1, 4)}


def _def33_printed() -> dict:
    """-h^2/12 sum_ij d_i E d_j E d_ijk E, the printed term, at the point (h = 1/4)."""
    v = (_X, _Y)
    g = [_E33.diff(a) for a in v]
    term = [-R(1, 4)**2 / 12 * sum(g[i] * g[j] * _E33.diff(v[i], v[j], v[k]) for i in range(2) for j in range(2))
            for k in range(2)]
    return per_axis("third-order term", term, lambda t: float(t.xreplace(_AT33)))


@functools.cache
def _def33_derived_vector() -> np.ndarray:
    """bea.principal_flow's field with the non-principal terms to order 3 minus the PF's, at the point (h = 1/4);
    computed once (tmlr-def3.3 and thesis-eq3.17 read it; callers do not modify it)."""
    fields, variables = {"f": [-_E33.diff(v) for v in (_X, _Y)]}, {"theta": [_X, _Y]}
    at = [float(_AT33[_X]), float(_AT33[_Y])]
    with_term = principal_flow(fields, variables, R(1, 4), nonprincipal=3).field(at)
    return with_term - principal_flow(fields, variables, R(1, 4)).field(at)


def _def33_derived() -> dict:
    return per_axis("third-order term", _def33_derived_vector(), complex)


def _def34_printed() -> dict:
    """sc_i = log(1 - h lambda_i)/(h lambda_i) (g . u_i) from SymPy's exact eigenpairs (u_i signed: g . u_i >= 0)."""
    g = sympy.Matrix([_E33.diff(v) for v in (_X, _Y)]).xreplace(_AT33)
    out = {}
    for lam, _, vectors in sorted(sympy.hessian(_E33, (_X, _Y)).xreplace(_AT33).eigenvects(), key=lambda e: -e[0]):
        u = vectors[0] / vectors[0].norm()
        u = u if g.dot(u) >= 0 else -u
        i = len(out) // 2
        alpha = sympy.log(1 - lam) / lam                                 # h = 1
        out[f"sc_{i}"] = complex(sympy.N(alpha * g.dot(u), 30))
        out[f"sign Re sc_{i} = sign Re alpha_PF(h lambda_{i})"] = True
    return out


def _def34_derived() -> dict:
    s = spectral({"f": [-_E33.diff(v) for v in (_X, _Y)]}, {"theta": [_X, _Y]}, {"x": _AT33[_X], "y": _AT33[_Y]}, 1)
    field = principal_flow({"f": [-_E33.diff(v) for v in (_X, _Y)]}, {"theta": [_X, _Y]}, 1).field(
        [float(_AT33[_X]), float(_AT33[_Y])])
    out = {}
    for i in range(2):
        sc = complex(s.eigenvectors[:, i] @ field)
        alpha = complex(np.log(complex(1 - s.eigenvalues[i])) / s.eigenvalues[i])
        out[f"sc_{i}"] = sc
        out[f"sign Re sc_{i} = sign Re alpha_PF(h lambda_{i})"] = bool(np.sign(sc.real) == np.sign(alpha.real))
    return out


_BANANA = (1 - _X)**2 + 100 * (_Y - _X**2)**2
_BANANA_RATES = ("0.0006", "0.0017", "0.005")                 # thesis Fig. 3.8


def _rem33_printed() -> dict:
    out = {}
    for rate in _BANANA_RATES:
        out[f"h = {rate}: h > 2/lambda_0"] = rate == "0.005"
        out[f"h = {rate}: the principal terms climb E along u_0"] = rate == "0.005"
    out["h = 0.005: the third-order non-principal term descends along u_0"] = True
    return out


def _rem33_derived() -> dict:
    fields, variables, at = {"f": [-_BANANA.diff(v) for v in (_X, _Y)]}, {"theta": [_X, _Y]}, [-1.0, 1.0]
    out = {}
    for rate in _BANANA_RATES:
        step = sympy.Rational(rate)
        s = spectral(fields, variables, {"x": -1, "y": 1}, step)
        u0 = s.eigenvectors[:, int(np.argmax(s.eigenvalues))]               # grad E . u_0 >= 0 (bea.spectral)
        pf = principal_flow(fields, variables, step)
        out[f"h = {rate}: h > 2/lambda_0"] = bool(float(step) * max(s.eigenvalues) > 2)
        out[f"h = {rate}: the principal terms climb E along u_0"] = bool(complex(u0 @ pf.field(at)).real > 0)
        if rate == "0.005":
            term = principal_flow(fields, variables, step, nonprincipal=3).field(at) - pf.field(at)
            out["h = 0.005: the third-order non-principal term descends along u_0"] = bool(complex(u0 @ term).real < 0)
    return out


def _rem41_printed() -> dict:
    return {"non-quadratic: theta(h), theta(2h) real": False, "quadratic: theta(h), theta(2h) real": True,
            "quadratic: theta(n h) = the n-th iterate, n <= 2": True}


def _rem41_derived() -> dict:
    start, variables = np.array([0.5, 0.25]), {"theta": [_X, _Y]}
    cubic = principal_flow({"f": [-_E33.diff(v) for v in (_X, _Y)]}, variables, 1, method="eig").trajectory(start, 2)
    quadratic = principal_flow({"f": [-R(8, 5) * _X, -R(7, 5) * _Y]}, variables, 1)
    path = quadratic.trajectory(start, 2)
    return {"non-quadratic: theta(h), theta(2h) real": bool(np.all(np.abs(cubic[1:].imag) < 1e-6)),
            "quadratic: theta(h), theta(2h) real": bool(np.all(np.abs(path[1:].imag) < 1e-9)),
            "quadratic: theta(n h) = the n-th iterate, n <= 2": bool(np.allclose(path, quadratic.iterates(start, 2),
                                                                               rtol=0, atol=1e-9))}


_SEC42 = {"minimum": _X**2 / 2 + 5 * _Y**2, "saddle": -_X**2 / 2 + 5 * _Y**2}
_SEC42_STEPS = (R(1, 4), R(1, 8))


def _sec42_printed() -> dict:
    out = {}
    for step in _SEC42_STEPS:
        out[f"minimum, h = {step}: the PF is attracted"] = step * 10 < 2
        out[f"saddle, h = {step}: the PF is repelled along y (lambda = 10)"] = step * 10 > 2
        out[f"saddle, h = {step}: the PF is repelled along x (lambda = -1)"] = True
    out["saddle: the NGF is attracted along y"] = True
    out["saddle, h = 1/4: the IGR flow is attracted along y"] = True
    return out


def _sec42_derived() -> dict:
    out = {}
    variables = {"theta": [_X, _Y]}
    for name, E in _SEC42.items():
        fields = {"f": [-E.diff(_X), -E.diff(_Y)]}
        for step in _SEC42_STEPS:
            pf = principal_flow(fields, variables, step)
            if name == "minimum":
                out[f"minimum, h = {step}: the PF is attracted"] = pf.converges([0.0, 0.0])
                continue
            values = pf.eigenvalues([0.0, 0.0])
            along_y = [v for v in values if abs(v.imag) > 1e-9]           # multiplier 1 - 10 h < 0
            along_x = [v for v in values if abs(v.imag) <= 1e-9]
            out[f"saddle, h = {step}: the PF is repelled along y (lambda = 10)"] = bool(along_y and along_y[0].real > 0)
            out[f"saddle, h = {step}: the PF is repelled along x (lambda = -1)"] = bool(along_x and along_x[0].real > 0)
        if name == "saddle":
            for label, order, step in (("NGF", 1, None), ("IGR flow", 2, R(1, 4))):
                J = derive("euler", order).jacobian(fields, variables, {"x": 0, "y": 0})
                rate_y = J[1, 1].subs(h, step) if step is not None else J[1, 1]
                key = "saddle: the NGF is attracted along y" if step is None else f"saddle, h = {step}: the IGR flow is attracted along y"
                out[key] = bool(rate_y < 0)
    return out


def _spectral33(dx=0, dy=0):
    fields = {"f": [-_E33.diff(v) for v in (_X, _Y)]}
    return spectral(fields, {"theta": [_X, _Y]}, {"x": _AT33[_X] + dx, "y": _AT33[_Y] + dy}, R(1, 4))


def _gradient33(quantity) -> np.ndarray:
    """``[d quantity/dx, d quantity/dy]`` of ``quantity(Spectral)`` at the point (:func:`spectral_gradient`)."""
    return spectral_gradient(quantity, lambda shift: _spectral33(*shift))


@functools.cache
def _eq317_terms() -> dict:
    """The eigen-quantities both sides of thesis-eq3.17 use, computed once (17 spectral evaluations)."""
    s = _spectral33()
    dots = s.eigenvectors.T @ s.gradient                     # g . u_i >= 0 (bea.spectral's signs)
    v = (_X, _Y)
    third = np.array([[[float(_E33.diff(v[i], v[j], v[k]).xreplace(_AT33)) for k in range(2)] for j in range(2)]
                      for i in range(2)])
    u = s.eigenvectors
    return {"s": s, "dots": dots, "uTu": [np.einsum("a,abk,b->k", u[:, i], third, u[:, i]) for i in range(2)],
            "grad lambda": _gradient33(lambda t: t.eigenvalues).T,
            "grad lambda (g.u)^2": _gradient33(lambda t: t.eigenvalues * (t.eigenvectors.T @ t.gradient) ** 2).T}


def _eq317_printed() -> dict:
    """Each printed right-hand side."""
    t = _eq317_terms()
    s, dots = t["s"], t["dots"]
    first = sum(dots[i] ** 2 * t["uTu"][i] for i in range(2))
    rewritten = sum(t["grad lambda (g.u)^2"][i] - 2 * s.eigenvalues[i] ** 2 * dots[i] * s.eigenvectors[:, i]
                    for i in range(2))
    return _eq317_values(first, t["uTu"], rewritten, rewritten, float)


def _eq317_derived() -> dict:
    """Each left-hand side: the non-principal term from the engine's field; grad lambda_i by differences."""
    t = _eq317_terms()
    term = -12 / R(1, 4) ** 2 * _def33_derived_vector()                      # the difference is -(h^2/12) D^3E(g, g)
    diagonal = sum(t["grad lambda"][i] * t["dots"][i] ** 2 for i in range(2))
    return _eq317_values(term, t["grad lambda"], diagonal, term, complex)


def _eq317_values(first, approx, rewritten, end, convert) -> dict:
    """The quantities of thesis Eqs 3.17-3.18 by name, either side: the first '=' and the chain's end (``convert``:
    float for the printed side, complex for the engine's field), the 'approx' per eigenvalue and 3.18's '='."""
    out = per_axis("3.17 '=': grad E^T grad^3 E grad E", first, convert)
    for i in range(2):
        out.update(per_axis(f"3.17 'approx': grad lambda_{i}", approx[i], float))
    out.update(per_axis("3.18 '=': sum_i grad lambda_i (g . u_i)^2", rewritten, float))
    out.update(per_axis("3.17-3.18 end to end: grad E^T grad^3 E grad E", end, convert))
    return out


def _drift18() -> tuple:
    """``(grad E, |Hess E g_hat|)`` at the point of TMLR Eqs 18-21, exactly."""
    g = sympy.Matrix([_E18.diff(v) for v in (_X, _Y)]).xreplace(_AT18)
    H = sympy.hessian(_E18, (_X, _Y)).xreplace(_AT18)
    return g, (H * g).norm() / g.norm()


def _eq18_printed() -> dict:
    _, drift = _drift18()
    return {"DAL": 2 / drift, "DAL-0.5": 2 / sympy.sqrt(drift)}


def _eq18_derived() -> dict:
    s = spectral({"f": [-_E18.diff(v) for v in (_X, _Y)]}, {"theta": [_X, _Y]}, _AT18, R(1, 10))
    return {"DAL": s.dal(1), "DAL-0.5": s.dal(0.5)}


_BEFORE21, _MOMENTUM21 = {_X: R(9, 10), _Y: R(3, 5)}, R(9, 10)


def _eq21_printed() -> dict:
    """Eqs 20-21 as printed, exactly: v_t = m v_{t-1} - rate grad E, theta_t = theta_{t-1} + v_t."""
    g, drift = _drift18()
    theta, velocity = sympy.Matrix([_AT18[_X], _AT18[_Y]]), sympy.Matrix([_AT18[_X] - _BEFORE21[_X], _AT18[_Y] - _BEFORE21[_Y]])
    rate21 = 1 / (2 * drift)
    out = {"Eq 21 rate 1/(2 |Hess E g_hat|)": rate21}
    for name, rate in (("Eq 20 (h = 1/10)", R(1, 10)), ("Eq 21", rate21)):
        after = theta + _MOMENTUM21 * velocity - rate * g
        out.update(per_axis(f"{name}: theta_t", after))
    return out


def _eq21_derived() -> dict:
    fields, variables = {"f": [-_E18.diff(v) for v in (_X, _Y)]}, {"theta": [_X, _Y]}
    rate = spectral(fields, variables, _AT18, R(1, 10)).dal_momentum(float(_MOMENTUM21), constant=0.5)
    out = {"Eq 21 rate 1/(2 |Hess E g_hat|)": rate}
    state, history = [float(_AT18[_X]), float(_AT18[_Y])], [[float(_BEFORE21[_X]), float(_BEFORE21[_Y])]]
    for name, h_ in (("Eq 20 (h = 1/10)", R(1, 10)), ("Eq 21", rate)):
        after = step_of("heavy-ball", fields, variables, state, h_, history=history, beta=_MOMENTUM21)
        out.update(per_axis(f"{name}: theta_t", after, float))
    return out


def _thm61_derived() -> dict:
    fields = {"f": [-_E18.diff(v) for v in (_X, _Y)]}
    return {f"mean-value form per component, h = {s}": one_step_drift(fields, {"theta": [_X, _Y]}, _AT18, s).holds
            for s in ("1/10", "1/4")}


_E112 = (_X - 1) ** 2 / 2 + (_X - 1) * (_Y + 1) / 2 + (_Y + 1) ** 2
_AT112 = {_X: R(3, 2), _Y: R(-1, 2)}


def _a112_printed() -> dict:
    """A.112 and A.113's right-hand sides from the Hessian's eigenpairs at the point (h = 1/4)."""
    step = 0.25
    values, vectors = np.linalg.eigh(np.array(sympy.hessian(_E112, (_X, _Y)).tolist(), dtype=float))
    offset = np.array([0.5, 0.5])                                       # theta - theta*
    g = np.array([float(_E112.diff(v).xreplace(_AT112)) for v in (_X, _Y)])
    a112 = sum(np.log(1 - step * lam) / step * offset for lam in values)
    a113 = sum(np.log(1 - step * lam) / (step * lam) * (g @ u) * u for lam, u in zip(values, vectors.T))
    return {**per_axis("A.112", a112, float), **per_axis("A.113", a113, float)}


def _a112_derived() -> dict:
    fields = {"f": [-_E112.diff(v) for v in (_X, _Y)]}
    field = principal_flow(fields, {"theta": [_X, _Y]}, R(1, 4)).field([float(_AT112[_X]), float(_AT112[_Y])])
    return {**per_axis("A.112", field, complex), **per_axis("A.113", field, complex)}


_E169 = _X**2 / 2 + _X * _Y + 3 * _Y**2 / 2
_START169 = {_X: 1, _Y: R(-1, 2)}


def _a169_eigenpairs() -> list:
    """``(lambda_i, u_i)`` of the quadratic's (constant) Hessian, exact."""
    return [(value, vectors[0]) for value, _, vectors in sympy.hessian(_E169, (_X, _Y)).eigenvects()]


def _a169_printed() -> dict:
    g = sympy.Matrix([_E169.diff(v) for v in (_X, _Y)]).xreplace(_START169)
    return {f"h = {step}, lambda = {float(lam):.6f}": float((1 - step * lam) * g.dot(u))
            for step in (R(1, 5), R(3, 5)) for lam, u in _a169_eigenpairs()}


def _a169_derived() -> dict:
    out = {}
    for step in (R(1, 5), R(3, 5)):
        after = step_of("euler", {"f": [-_E169.diff(v) for v in (_X, _Y)]}, {"theta": [_X, _Y]},
                        [float(_START169[_X]), float(_START169[_Y])], step)
        g = np.array([float(_E169.diff(v).subs({_X: after[0], _Y: after[1]})) for v in (_X, _Y)])
        for lam, u in _a169_eigenpairs():
            out[f"h = {step}, lambda = {float(lam):.6f}"] = float(g @ np.array([float(c) for c in u]))
    return out


def _a171_printed() -> dict:
    g = sympy.Matrix([_E18.diff(v) for v in (_X, _Y)]).xreplace(_AT18)
    H = sympy.hessian(_E18, (_X, _Y)).xreplace(_AT18)
    s = spectral({"f": [-_E18.diff(v) for v in (_X, _Y)]}, {"theta": [_X, _Y]}, _AT18, R(1, 10))
    dots = s.eigenvectors.T @ s.gradient / np.linalg.norm(s.gradient)
    return {"A.170: coefficient of h": -g.dot(g), "A.170: coefficient of h^2": g.dot(H * g) / 2,
            "A.171: the minimising step": g.dot(g) / g.dot(H * g),
            "g_hat^T Hess E g_hat": float(sum(s.eigenvalues * dots**2)),
            "|Hess E g_hat|": float(abs(sum(s.eigenvalues * dots)))}


def _a171_derived() -> dict:
    """The loss change's series from the engine; its minimiser; bea.spectral's curvature and 2/DAL."""
    change = loss_change("euler", _E18, {"theta": [_X, _Y]}, _AT18, 2)
    first, second = change.coefficients
    s = spectral({"f": [-_E18.diff(v) for v in (_X, _Y)]}, {"theta": [_X, _Y]}, _AT18, R(1, 10))
    return {"A.170: coefficient of h": first, "A.170: coefficient of h^2": second,
            "A.171: the minimising step": -first / (2 * second),
            "g_hat^T Hess E g_hat": 1 / s.taylor_optimal_step, "|Hess E g_hat|": 2 / s.dal(1)}


_SEC31 = (R(-1, 2), R(1, 2), R(3, 2), R(5, 2))             # h lambda in each case (h = 1); -1/2: lambda < 1/h too


def _sec31_printed() -> dict:
    out = {}
    for z in _SEC31:
        out[f"h lambda = {z}: sign of Re alpha_PF"] = -1 if z < 2 else 1
        out[f"h lambda = {z}: alpha_PF is real"] = bool(z < 1)
        out[f"h lambda = {z}: the NGF's sign, -1, agrees"] = bool(z < 2)
    return out


def _sec31_derived() -> dict:
    """alpha_PF(h lambda_i) = (log(1 - h lambda_i)/h) / lambda_i from the engine's PF exponents (TMLR Eq 16)."""
    variables = sympy.symbols("x y z w")
    E = sum(z * v**2 / 2 for z, v in zip(_SEC31, variables))
    s = spectral({"f": [-E.diff(v) for v in variables]}, {"theta": list(variables)}, dict.fromkeys(variables, 1), 1)
    out = {}
    for lam, rate in zip(s.eigenvalues, s.pf_exponents):
        alpha = complex(rate) / float(lam)
        z = sympy.nsimplify(float(lam))
        sign = 1 if alpha.real > 0 else -1
        out[f"h lambda = {z}: sign of Re alpha_PF"] = sign
        out[f"h lambda = {z}: alpha_PF is real"] = bool(abs(alpha.imag) < 1e-12)
        out[f"h lambda = {z}: the NGF's sign, -1, agrees"] = bool(sign == -1)
    return out


_REM34 = (R(1, 2), R(3, 2), R(19, 10), R(21, 10), R(3))          # h lambda_0, h = 1/2


def _rem34_derived() -> dict:
    x, y = sympy.symbols("x y")
    out = {}
    for z in _REM34:
        fields, variables = {"f": [-2 * z * x, -y / 10]}, {"theta": [x, y]}
        verdict = derive("euler", 1).stability(fields, variables, {"x": 0, "y": 0, "h": R(1, 2)}).method.verdict
        out[f"h lambda_0 = {z}: gradient descent"] = {"stable": "converges", "unstable": "diverges"}.get(verdict, verdict)
        converges = principal_flow(fields, variables, R(1, 2)).converges([0.0, 0.0])
        out[f"h lambda_0 = {z}: PF"] = "converges" if converges else "diverges"
    return out


_lam = sympy.Symbol("lambda")


def chain_coefficients(order: int, gradient: bool) -> list:
    """Gradient descent's chain coefficients, p = 0..order-1: of ``f'^p f``, or of ``(Hess E)^p grad E``
    (``f = -grad E`` gives the chain with ``p + 1`` nodes the sign ``(-1)^(p+1)``)."""
    flow = principal("euler", order)
    return [t.coefficient * ((-1) ** (t.power + 1) if gradient else 1) for t in flow.terms]


def chain_terms(order: int, gradient: bool) -> dict:
    """``{"h^p (Hess E)^p grad E": c_p h^p}`` (gradient) or ``{"h^p f'^p f": c_p h^p}``."""
    name = "h^{p} (Hess E)^{p} grad E" if gradient else "h^{p} f'^{p} f"
    return {name.format(p=p): c * h**p for p, c in enumerate(chain_coefficients(order, gradient))}


def _series_of(expr, n: int, start: int = 0) -> dict:
    z = sympy.Symbol("z")
    series = sympy.series(expr, z, 0, n).removeO()
    return {f"z^{p}": series.coeff(z, p) for p in range(start, n)}


_EQ16_STEP, _EQ16_Z = R(1, 4), (R(1, 2), R(3, 2), R(5, 2))


def _eq16_printed() -> dict:
    out = _series_of(sympy.log(1 - sympy.Symbol("z")), 21, start=1)
    out.update({f"(1/h) log(1 - h lambda) at h lambda = {z}, h = {_EQ16_STEP}": complex(sympy.N(sympy.log(1 - z) / _EQ16_STEP, 30))
                for z in _EQ16_Z})
    return out


def _eq16_derived() -> dict:
    """The Jacobian of the PF field at a critical point of E = lambda theta^2/2: d/dtheta of sum_p c_p h^p lambda^p
    (lambda theta) as a series; and the eigenvalue of bea.principal_flow's Jacobian there, at each h lambda."""
    flow = principal("euler", 20)
    z = sympy.Symbol("z")
    # chain f'^p f on f = -lambda theta has Jacobian (-lambda)^(p+1); times h the eigenvalue is a series in z = h lambda
    eig = sum(t.coefficient * (-z) ** (t.power + 1) for t in flow.terms)
    out = {f"z^{p}": eig.coeff(z, p) for p in range(1, 21)}
    theta = sympy.Symbol("theta")
    for value in _EQ16_Z:
        pf = principal_flow({"f": [-(value / _EQ16_STEP) * theta]}, {"theta": [theta]}, _EQ16_STEP)
        out[f"(1/h) log(1 - h lambda) at h lambda = {value}, h = {_EQ16_STEP}"] = complex(pf.eigenvalues([0.0])[0])
    return out


def _sec32_derived() -> dict:
    theta = sympy.Symbol("theta")
    out = {}
    for name, order in (("NGF", 1), ("IGR", 2)):
        jacobian = derive("euler", order).jacobian({"f": [-_lam * theta]}, {"theta": [theta]}, {"theta": 0})
        out[name] = sympy.expand(jacobian[0, 0])
    return out


_Z = sympy.Symbol("z")


def _table1_printed() -> dict:
    return {"alpha_NGF(z)": sympy.Integer(-1), "alpha_IGR(z)": -(1 + _Z / 2), "alpha_PF(z)": sympy.log(1 - _Z) / _Z,
            "alpha_PF(3/2)": complex(sympy.N(sympy.log(1 - R(3, 2)) / R(3, 2), 30))}


def _table1_derived() -> dict:
    """alpha(z) = field / grad E on E = lambda theta^2/2, lambda = z/h; the PF's field is log(M) theta / h
    with M the engine's exact one-step map of gradient descent."""
    theta = sympy.Symbol("theta")
    fields, variables = {"f": [-_lam * theta]}, {"theta": [theta]}
    out = {}
    for name, order in (("NGF", 1), ("IGR", 2)):
        field = derive("euler", order).evaluate(fields, variables)[0]
        out[f"alpha_{name}(z)"] = sympy.simplify((field / (_lam * theta)).subs(_lam, _Z / h))
    M, _ = principal_flow(fields, variables, R(1, 10)).affine_map([0], exact=True, h=h)
    out["alpha_PF(z)"] = sympy.simplify((sympy.log(M[0, 0]) / (h * _lam)).subs(_lam, _Z / h))
    step, lam = R(1, 2), 3                                      # z = 3/2: the complex regime
    pf = principal_flow({"f": [-lam * theta]}, variables, step, method="jordan").field([1.0])
    out["alpha_PF(3/2)"] = complex(pf[0] / lam)
    return out


def _rem31_printed() -> dict:
    t, c0, beta = sympy.symbols("t c_0 beta")
    alpha = sympy.log(1 - h * _lam) / (h * _lam)
    return {"theta(t) . u": sympy.exp(sympy.log(1 - h * _lam) / h * t) * c0 + t * alpha * beta,
            "PF exact on gradient descent (theta(n h) = n-th iterate)": True}


def _rem31_derived() -> dict:
    """The PF of E = lambda c^2/2 + beta c: the engine's affine one-step map (M, c) and its exact logarithm,
    solved in closed form; checked against the iterates."""
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
