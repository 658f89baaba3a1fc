"""Thesis App. A [Ros23]: the principal terms of the Euler update for any field (Thm A.1.2) and the
recursion for their coefficients (Eq A.42).
"""

from __future__ import annotations

import sympy

from ..entry import Entry, value_entry
from ..tmlr import chain_coefficients, chain_terms

__all__ = ["entries"]


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

    return [
        value_entry("thesis-thmA.1.2", "thesis Thm A.1.2 (Eq A.30; also Thm 4.8.1, Eq 4.57)",
                    "principal terms of the Euler update for any field: (-1)^n/(n+1) (df/dtheta)^n f, to order 20",
                    "explicit Euler theta+ = theta + h f; coefficient of f'^n f including its power of h",
                    "bea principal --scheme euler --order 20",
                    lambda: {f"h^{n} f'^{n} f": sympy.Rational((-1) ** n, n + 1) for n in range(20)},
                    lambda: chain_terms(20, gradient=False),
                    r"\dot{\theta} = \sum_{n=0}^p \frac{(-1)^n}{n+1} \left(\frac{df}{d\theta} \right)^n f + "
                    r"\mathcal{C} \left(\frac{df}{d^2\theta} \right)"),
        value_entry("thesis-eqA.42", "thesis Eq A.42", "the recursion for the principal coefficients c_n, to n = 19",
                    "explicit Euler; c_n is the coefficient of h^n f'^n f", "bea principal --scheme euler --order 20",
                    lambda: a42(20),
                    lambda: {f"c_{n}": c for n, c in enumerate(chain_coefficients(20, gradient=False))},
                    r"c_n = - \sum_{k=2}^{n+1} \frac{1}{k!} \sum_{l_1+l_2+\dots+l_k=n-k+1} c_{l_1} c_{l_2} \dots c_{l_k}"),
    ]
