"""Thesis App. A [Ros23]: the principal terms of the Euler update for any field (Thm A.1.2), the recursion for
their coefficients (Eq A.42), the error over several steps (A.1.8), the drift of heavy ball from its flow
(A.154-A.161) and the loss change over one gradient-descent step (A.162-A.165).
"""

from __future__ import annotations

import sympy

from ...analysis.drift import loss_change, momentum_drift
from ...engine.bseries import bseries, exact_flow, one_step_map
from ...engine.derive import derive
from ..entry import SINGLE, Entry, R, field_entry, h, value_entry
from ..tmlr import chain_coefficients, chain_terms

__all__ = ["entries"]

_X, _Y, _H = sympy.symbols("x y h")
_FIELD = [_X * _Y - _Y**2 / 2 + 1, _X**2 / 3 - _X + 2 * _Y]          # a polynomial field on R^2
_ORDERS = 4


def _poly(expr) -> sympy.Poly:
    return sympy.Poly(expr, _X, _Y, _H, domain="QQ")


def _derivative_along(G: list, F: list) -> list:
    """``(dG/dtheta) F`` for vectors of polynomials."""
    return [sum((g.diff(v) * Fi for v, Fi in zip((_X, _Y), F)), _poly(0)) for g in G]


def _h_coefficient(G: list, p: int) -> list:
    return [_poly(sum(c * _X**a * _Y**b for (a, b, q), c in g.terms() if q == p)) for g in G]


def a40_recursion(orders: int) -> list:
    """The corrections ``f_1, ..., f_orders`` of explicit Euler on ``_FIELD`` by the thesis's recursion as printed:
    ``f_n = -sum_{m >= 0} sum_{k >= 2} (1/k!) A^{n+1-(k+m)}_{k,m}`` (A.40), with ``A^p_{k,m}`` the ``h^p``
    coefficient of ``d^{k-2}/dt^{k-2} sum_{i+j=m} (df_j/dtheta) f_i`` (A.38; Lemma A.1.3), ``d/dt`` along the
    modified field ``f + h f_1 + ...`` (truncated where it cannot reach ``h^p``)."""
    fs = [[_poly(e) for e in _FIELD]]
    for n in range(1, orders + 1):
        field = [sum((fs[q][i] * _poly(_H**q) for q in range(n)), _poly(0)) for i in range(2)]
        total = [_poly(0), _poly(0)]
        for m in range(n):
            G = [_poly(0), _poly(0)]
            for j in range(m + 1):
                G = [g + d for g, d in zip(G, _derivative_along(fs[j], fs[m - j]))]
            for k in range(2, n + 2 - m):
                if k > 2:
                    G = _derivative_along(G, field)
                total = [t + a / sympy.factorial(k) for t, a in zip(total, _h_coefficient(G, n + 1 - k - m))]
        fs.append([-t for t in total])
    return fs


def _a40_printed() -> dict:
    fs = a40_recursion(_ORDERS)
    return {f"f_{n}[{i}]": fs[n][i].as_expr() for n in range(1, _ORDERS + 1) for i in range(2)}


def _a40_derived() -> dict:
    flow = derive("euler", _ORDERS + 1).evaluate({"f": _FIELD}, {"theta": [_X, _Y]})
    return {f"f_{n}[{i}]": sympy.expand(flow[i]).coeff(_H, n) for n in range(1, _ORDERS + 1) for i in range(2)}


def _several_steps() -> Entry:
    """A.1.8 (A.142-A.151): a flow built by BEA to follow one gradient-descent step with error O(h^p) follows 2 (and
    n) steps with an error of the same order.  The modified field to order p - 1 (bea.derive), its exact flow for n h
    and n steps of the method as B-series (bea.exact_flow, bea.one_step_map, composed), compared tree by tree: the
    lowest power of h at which they differ."""
    counts = (1, 2, 3)

    def printed():
        return {f"p = {p}: lowest power of h in theta(n h) - theta_(t+n-1), n = {n}": p for p in (3, 4, 5) for n in counts}

    def derived():
        out = {}
        for p in (3, 4, 5):
            flow = derive("euler", p - 1)
            field = bseries({t.tree: t.coefficient for t in flow.terms}, p, kind="field")   # the flow's own terms
            continuous, discrete = exact_flow(field), one_step_map("euler", p)
            for n in counts:
                flows, steps = continuous ** n, discrete ** n
                orders = [t.order for t in flows.universe if flows.coefficient(t) != steps.coefficient(t)]
                out[f"p = {p}: lowest power of h in theta(n h) - theta_(t+n-1), n = {n}"] = min(orders) if orders else sympy.nan
        return out

    return value_entry(
        "thesis-a.1.8", "thesis App A.1.8 (Eqs A.142-A.151)", "a flow that follows one gradient-descent step with an "
        "error O(h^p) follows two steps (and n) with an error of the same order",
        SINGLE + "; the modified fields of orders 2, 3, 4 (errors O(h^3), O(h^4), O(h^5) after one step); exact "
        "B-series: the flow's for time n h and n steps, the first tree at which they differ",
        "bea map --scheme euler --order 3", printed, derived,
        r"\|\theta(2h; \theta_{t-1}) - \theta_{t+1}\| \leq \mathcal{O}(h^p) + \mathcal{O}(h^p) = \mathcal{O}(h^p)")


def entries() -> list[Entry]:
    """The App. A entries."""
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

    def lemma_a15(coefficients):
        """The engine's c_n, and whether their generating function satisfies A.92 and has the closed form."""
        x, N = sympy.Symbol("x"), len(coefficients)

        def truncated(poly):                             # modulo x^(N + 1)
            return sympy.Poly(sum(c * x**k for (k,), c in poly.terms() if k <= N), x, domain="QQ")

        y = sympy.Poly(x * sum(c * x**n for n, c in enumerate(coefficients)), x, domain="QQ")      # x c(x)
        exp_y, term = sympy.Poly(1, x, domain="QQ"), sympy.Poly(1, x, domain="QQ")
        for k in range(1, N + 1):                        # e^y to x^N (y has no constant term)
            term = truncated(term * y) * sympy.Rational(1, k)
            exp_y += term
        # x (c - 1) + e^(x c) - 1 - x c = 0 is A.92 times x
        residual = truncated(y - sympy.Poly(x, x, domain="QQ") + exp_y - 1 - y)
        out = {f"c_{n}": c for n, c in enumerate(coefficients)}
        out["A.92 holds for bea's c(x) (to x^19)"] = residual.is_zero
        out["c_n = (-1)^n/(n + 1) for n <= 19"] = all(c == sympy.Rational((-1) ** n, n + 1) for n, c in enumerate(coefficients))
        return out

    beta, a = sympy.Rational(9, 10), sympy.Rational(3, 2)
    step = sympy.Rational(1, 10)

    def a160_derived():
        """Heavy ball against the flow of -grad E/(1 - beta) (bea.momentum_drift: the flow integrated by SciPy)
        on the linear loss E = a theta, where the drift has no h^2 term: its coefficients of v and of h grad E."""
        theta = sympy.Symbol("theta")
        fields, variables = {"f": [-a + 0 * theta]}, {"theta": [theta]}
        drift = [momentum_drift(fields, variables, {theta: 1}, step, beta, [v]).drift[0] for v in (0, 1)]
        return {"coefficient of v_{t-1}": drift[1] - drift[0], "coefficient of h grad E": drift[0] / float(step * a)}

    lam, x0 = 3, sympy.Rational(1, 2)

    def a165_printed():
        g = lam * x0                                        # one eigendirection: g . u = lambda x
        return {"A.164: E(theta+) - E(theta)": -h * g**2 + h**2 / 2 * lam * g**2,
                "A.165: E(theta+) - E(theta)": (1 - h / (2 * lam)) * g**2}

    def a165_derived():
        x = sympy.Symbol("x")
        change = loss_change("euler", lam * x**2 / 2, {"theta": [x]}, {x: x0}, 2)
        total = sum(c * h**k for k, c in enumerate(change.coefficients, start=1))
        return {"A.164: E(theta+) - E(theta)": total, "A.165: E(theta+) - E(theta)": total}

    return [
        field_entry("thesis-eqA.28", "thesis App A.1 (Eqs A.22 and A.28)", "the first two corrections of explicit Euler "
                    "for any field: f_1 = -(1/2) f'f (A.22) and f_2 = (1/3) f'f'f + (1/12) f''(f, f) (A.28); the proof of "
                    "Thm A.1.2 quotes the latter's 1/3 as c_3 where it is c_2",
                    "explicit Euler theta+ = theta + h f, any field f; coefficients of F(tree) with their powers of h",
                    "euler", 3, {("theta", 0, "f"): 1, ("theta", 1, "f[f]"): -R(1, 2), ("theta", 2, "f[f[f]]"): R(1, 3),
                                 ("theta", 2, "f[f,f]"): R(1, 12)},
                    r"f_1 = -\frac{1}{2}\frac{df}{d\theta}f, \quad f_2 = \frac{1}{3} \left(\frac{df}{d\theta} \right)^2 f "
                    r"+ \frac{1}{12} f^T \frac{df}{d^2\theta} f"),
        value_entry("thesis-eqA.40", "thesis Eqs A.38-A.40 (with Lemma A.1.3)", "the recursion for explicit Euler's "
                    "corrections f_n through the coefficients A^p_{k,m} of the time derivatives of sum_{i+j=m} f_j' f_i, "
                    "evaluated as printed to f_4, against bea's modified field",
                    "explicit Euler theta+ = theta + h f on the polynomial field f = (x y - y^2/2 + 1, x^2/3 - x + 2 y); "
                    "f_1 ... f_4 exactly (f_3 and f_4, which the thesis does not print, included)",
                    "bea derive --scheme euler --order 5", _a40_printed, _a40_derived,
                    r"f_n = - \sum_{m \geq 0} \sum_{k=2}^{\infty} \frac{1}{k!} A_{k,m}^{n+1-(k+m)}, \quad "
                    r"\frac{d^{k-2}}{dt^{k-2}} \sum_{i+j=m} \frac{df_j}{d\theta} f_i = \sum_p h^p A_{k,m}^p"),
        value_entry("thesis-thmA.1.2", "thesis Thm A.1.2 (Eq A.30; also Thm 4.8.1, Eq 4.57)",
                    "principal terms of the Euler update for any field: (-1)^n/(n+1) (df/dtheta)^n f, to order 20",
                    "explicit Euler theta+ = theta + h f; coefficient of f'^n f including its power of h",
                    "bea principal --scheme euler --order 20",
                    lambda: {f"h^{n} f'^{n} f": sympy.Rational((-1) ** n, n + 1) for n in range(20)},
                    lambda: chain_terms(20, gradient=False),
                    r"\dot{\theta} = \sum_{n=0}^p \frac{(-1)^n}{n+1} \left(\frac{df}{d\theta} \right)^n f + "
                    r"\mathcal{C} \left(\frac{df}{d^2\theta} \right)"),
        value_entry("thesis-eqA.42", "thesis Eq A.42 and Lemma A.1.5", "the recursion for the principal coefficients "
                    "c_n, to n = 19, and its solution (Lemma A.1.5): the generating function c(x) = sum_n c_n x^n "
                    "satisfies c(x) = 1 - (e^(x c(x)) - 1 - x c(x))/x (A.92), so c(x) = log(1 + x)/x and c_n = "
                    "(-1)^n/(n + 1)", "explicit Euler; c_n is the coefficient of h^n f'^n f; the identities checked "
                    "on bea's coefficients as series to x^19", "bea principal --scheme euler --order 20",
                    lambda: {**a42(20), "A.92 holds for bea's c(x) (to x^19)": True,
                             "c_n = (-1)^n/(n + 1) for n <= 19": True},
                    lambda: lemma_a15(chain_coefficients(20, gradient=False)),
                    r"c_n = - \sum_{k=2}^{n+1} \frac{1}{k!} \sum_{l_1+l_2+\dots+l_k=n-k+1} c_{l_1} c_{l_2} \dots c_{l_k}, "
                    r"\quad c(x) = 1 - \frac{1}{x} (e^{xc(x)} - 1 - xc(x)), \quad c_n = \frac{(-1)^n}{n+1}"),
        value_entry("thesis-eqA.160", "thesis App A.10 (Eqs A.154-A.161)", "the drift of one heavy-ball step from the "
                    "flow of -grad E/(1 - beta): h^2/(2 (1 - beta)^2) Hess E grad E + beta v_{t-1} - h beta/(1 - beta) "
                    "grad E (as printed)", "heavy ball theta_t = theta_{t-1} + beta v_{t-1} - h grad E (A.157); on E = "
                    "(3/2) theta (no h^2 term), beta = 9/10, h = 1/10; the drift from SciPy's integration of the flow",
                    "bea drift --field f=-3/2 --at theta=1 --h 1/10 --beta 9/10 --velocity 1",
                    lambda: {"coefficient of v_{t-1}": beta, "coefficient of h grad E": -beta / (1 - beta)},
                    a160_derived,
                    r"\frac{h^2}{2(1-\beta)^2}\nabla^2_\theta E \nabla_\theta E + \beta v_{t-1} - \frac{h\beta}{1-\beta}"
                    r"\nabla_\theta E"),
        value_entry("thesis-eqA.165", "thesis App A.2.1 (Eqs A.162-A.165)", "the change of the loss over one gradient "
                    "descent step, per Hessian eigendirection", "E = 3 theta^2/2 at theta = 1/2 (one direction, "
                    "lambda = 3, g . u = 3/2); bea's exact series of E(theta+) - E(theta) through h^2",
                    "bea loss-change --loss 3*x^2/2 --var x --at x=1/2 --order 2",
                    a165_printed, a165_derived,
                    r"E(\theta_{t+1}) \approx E(\theta_t) - h \sum_i (\nabla E^T u_i)^2 + \frac{h^2}{2} \sum_i \lambda_i "
                    r"(\nabla E^T u_i)^2 \approx E(\theta_t) + \sum_i (1 - h/(2\lambda_i)) (\nabla E^T u_i)^2"),
        _several_steps(),
    ]
