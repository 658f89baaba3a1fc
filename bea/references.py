"""The bibliography: every work bea's docstrings and docs cite, by key.

Docstrings cite ``[KEY, place]``, e.g. ``References: [HLW06, Lemma IX.9.1]``; the keys are
those below (a test checks that every key cited in the package exists), and
``docs/references.md`` is generated from this table (``python -m bea.references``).

>>> from bea.references import REFERENCES
>>> REFERENCES["HLW06"].doi
'10.1007/3-540-30666-8'
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Reference", "REFERENCES", "markdown"]


@dataclass(frozen=True)
class Reference:
    """One work: authors, title, where it appeared and year; a DOI and/or arXiv id when it has one."""

    authors: str
    title: str
    where: str
    year: int
    doi: str | None = None
    arxiv: str | None = None
    note: str = ""

    def link(self) -> str:
        if self.doi:
            return f"https://doi.org/{self.doi}"
        return f"https://arxiv.org/abs/{self.arxiv}" if self.arxiv else ""


REFERENCES: dict[str, Reference] = {
    # numerical analysis: B-series, backward error analysis, matrix functions, integrators
    "HLW06": Reference("E. Hairer, C. Lubich, G. Wanner",
                       "Geometric Numerical Integration: Structure-Preserving Algorithms for Ordinary Differential "
                       "Equations, 2nd ed.", "Springer Series in Computational Mathematics 31, Springer", 2006,
                       doi="10.1007/3-540-30666-8"),
    "HNW93": Reference("E. Hairer, S. P. Nørsett, G. Wanner",
                       "Solving Ordinary Differential Equations I: Nonstiff Problems, 2nd ed.",
                       "Springer Series in Computational Mathematics 8, Springer", 1993, doi="10.1007/978-3-540-78862-1"),
    "HW96": Reference("E. Hairer, G. Wanner",
                      "Solving Ordinary Differential Equations II: Stiff and Differential-Algebraic Problems, 2nd ed.",
                      "Springer Series in Computational Mathematics 14, Springer", 1996, doi="10.1007/978-3-642-05221-7"),
    "CMOQ10": Reference("E. Celledoni, R. I. McLachlan, B. Owren, G. R. W. Quispel",
                        "Energy-preserving integrators and the structure of B-series",
                        "Foundations of Computational Mathematics 10(6), 673-693", 2010, doi="10.1007/s10208-010-9073-1"),
    "KC03": Reference("C. A. Kennedy, M. H. Carpenter",
                      "Additive Runge-Kutta schemes for convection-diffusion-reaction equations",
                      "Applied Numerical Mathematics 44(1-2), 139-181", 2003, doi="10.1016/S0168-9274(02)00138-1"),
    "Pol64": Reference("B. T. Polyak", "Some methods of speeding up the convergence of iteration methods",
                       "USSR Computational Mathematics and Mathematical Physics 4(5), 1-17", 1964,
                       doi="10.1016/0041-5553(64)90137-5"),
    "But69": Reference("J. C. Butcher", "The effective order of Runge-Kutta methods",
                       "Conference on the Numerical Solution of Differential Equations, Lecture Notes in Mathematics "
                       "109, Springer, 133-139", 1969, doi="10.1007/BFb0060019"),
    "But16": Reference("J. C. Butcher", "Numerical Methods for Ordinary Differential Equations, 3rd ed.", "Wiley", 2016,
                       doi="10.1002/9781119121534"),
    "CHV10": Reference("P. Chartier, E. Hairer, G. Vilmart", "Algebraic structures of B-series",
                       "Foundations of Computational Mathematics 10(4), 407-427", 2010, doi="10.1007/s10208-010-9065-1"),
    "CHV07": Reference("P. Chartier, E. Hairer, G. Vilmart", "Numerical integrators based on modified differential "
                       "equations", "Mathematics of Computation 76(260), 1941-1953", 2007,
                       doi="10.1090/S0025-5718-07-01967-9"),
    "KR23": Reference("D. I. Ketcheson, H. Ranocha", "Computing with B-series",
                      "ACM Transactions on Mathematical Software 49(2)", 2023, doi="10.1145/3573384",
                      arxiv="2111.11680", note="BSeries.jl and RootedTrees.jl"),
    "Hig08": Reference("N. J. Higham", "Functions of Matrices: Theory and Computation", "SIAM", 2008,
                       doi="10.1137/1.9780898717778"),
    # backward error analysis of optimisers: the source papers (../shared/seeds)
    "RWQD23": Reference("M. Rosca, Y. Wu, C. Qin, B. Dherin",
                        "On a continuous time model of gradient descent dynamics and instability in deep learning",
                        "Transactions on Machine Learning Research", 2023, arxiv="2302.01952",
                        note="seed 000; 'TMLR' in the catalogue"),
    "Ros23": Reference("M. C. Rosca", "On discretisation drift and smoothness regularisation in neural network training",
                       "PhD thesis, University College London", 2023, arxiv="2310.14036",
                       note="seed 002; 'thesis' in the catalogue"),
    "DNL23": Reference("A. Damian, E. Nichani, J. D. Lee",
                       "Self-stabilization: the implicit bias of gradient descent at the edge of stability",
                       "International Conference on Learning Representations", 2023, arxiv="2209.15594", note="seed 003"),
    "WR": Reference("L. Wang, S. J. Roberts",
                    "Can stability be detrimental? Better generalization through gradient descent instabilities",
                    "preprint", 2024, note="seed 001"),
    "SLYS": Reference("Y. Sun, D. Lao, A. Yezzi, G. Sundaramoorthi",
                      "A PDE-based explanation of extreme numerical sensitivities and edge of stability in training "
                      "neural networks", "Journal of Machine Learning Research", 2023, note="seed 004"),
    # the works the papers build on
    "BD21": Reference("D. G. T. Barrett, B. Dherin", "Implicit gradient regularization",
                      "International Conference on Learning Representations", 2021, arxiv="2009.11162"),
    "SDBD21": Reference("S. L. Smith, B. Dherin, D. G. T. Barrett, S. De",
                        "On the origin of implicit regularization in stochastic gradient descent",
                        "International Conference on Learning Representations", 2021, arxiv="2101.12176"),
    "KS21": Reference("N. B. Kovachki, A. M. Stuart", "Continuous time analysis of momentum methods",
                      "Journal of Machine Learning Research 22(17), 1-40", 2021, arxiv="1906.04285"),
    "MNG17": Reference("L. Mescheder, S. Nowozin, A. Geiger", "The numerics of GANs",
                       "Advances in Neural Information Processing Systems 30", 2017, arxiv="1705.10461"),
    "BRMF18": Reference("D. Balduzzi, S. Racanière, J. Martens, J. Foerster, K. Tuyls, T. Graepel",
                        "The mechanics of n-player differentiable games", "International Conference on Machine Learning",
                        2018, arxiv="1802.05642"),
}


def markdown() -> str:
    """``docs/references.md``: the table of keys."""
    lines = ["# References", "", "Generated by `python -m bea.references` from `bea/references.py`; docstrings cite "
             "these keys as `[KEY, place]`.", "", "| key | reference |", "|---|---|"]
    for key, r in REFERENCES.items():
        link = r.link()
        ids = ", ".join(x for x in (f"doi:{r.doi}" if r.doi else "", f"arXiv:{r.arxiv}" if r.arxiv else "") if x)
        where = f"{r.authors}. *{r.title}*. {r.where}, {r.year}."
        if ids:
            where += f" [{ids}]({link})"
        if r.note:
            where += f" ({r.note})"
        lines.append(f"| `{key}` | {where} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover
    print(markdown(), end="")
