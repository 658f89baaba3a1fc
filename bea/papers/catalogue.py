"""The catalogue: every entry of every source, by id, in the order of docs/papers.md, with what it covers.

Sources: ``tmlr`` is Rosca, Wu, Qin & Dherin (TMLR) [RWQD23]; ``thesis`` is Rosca's PhD thesis [Ros23];
``wang`` is Wang & Roberts [WR]; ``damian`` is Damian, Nichani & Lee [DNL23]; ``sun`` is Sun, Lao, Yezzi &
Sundaramoorthi [SLYS] (``../shared/seeds``).  Where a printed result depends on a convention (per-player or
same time; the zero-sum sign), the entry records it and derives under it.

:data:`CONTENTS` maps each id to the printed equations, tables, theorems and lines it checks, in the paper's
own numbering (``"thesis B.177"``, ``"tmlr Eq 16"``): a reader finds the entry for an equation there.
"""

from __future__ import annotations

import dataclasses

from . import damian, sun, thesis, tmlr, wang_roberts
from .entry import Entry, UnknownEntry

__all__ = ["CATALOGUE", "CONTENTS", "ORDER", "entry"]


def _eqs(source: str, *numbers: str) -> list[str]:
    return [f"{source} {'' if n[0].isalpha() else 'Eq '}{n}" for n in numbers]


CONTENTS: dict[str, list[str]] = {
    "tmlr-eq3": [*_eqs("tmlr", "3"), *_eqs("thesis", "2.34", "3.3"), "tmlr Eq 1 (gradient descent: bea's euler on f = -grad E)",
                 "tmlr Eq 2 (the NGF: the h^0 term)", "thesis Eq 2.2", "thesis Eq 2.10", "thesis Eq 3.1", "thesis Eq 3.2"],
    "thesis-eq2.19": _eqs("thesis", "2.19"),
    "thesis-cor2.1": ["thesis Cor 2.1", "thesis Remark 2.3.1 (applied to the NGF)"],
    "thesis-eq2.36": [*_eqs("thesis", "2.35", "2.36"), "thesis C.75"],
    "thesis-eq2.43": _eqs("thesis", *(f"2.{n}" for n in range(37, 44))),
    "tmlr-eq8": [*_eqs("tmlr", "8"), *_eqs("thesis", "3.4"), "thesis A.29"],
    "tmlr-thm3.1": ["tmlr Thm 3.1", *_eqs("tmlr", "9"), "tmlr Cor 3.1", *_eqs("tmlr", "10", "11"), "thesis Thm 3.3.1",
                    *_eqs("thesis", "3.5", "3.6", "3.7", "3.8")],
    "tmlr-def3.1": ["tmlr Def 3.1", *_eqs("tmlr", "12", "13"), "tmlr Thm 3.2", "tmlr Eq 6", "tmlr Eq 7", "thesis Eq 2.32",
                    "thesis Eq 2.33", "thesis Def 3.3.1", "thesis Thm 3.3.2",
                    *_eqs("thesis", "3.9", "3.10")],
    "tmlr-table1": ["tmlr Table 1", "tmlr Sec 3.1 (the alpha functions)"],
    "tmlr-rem3.1": ["tmlr Remark 3.1", "thesis Remark 3.3.1", "thesis App A.1.5",
                    *(f"thesis A.{n}" for n in range(114, 122))],
    "tmlr-def3.3": ["tmlr Def 3.2", "tmlr Def 3.3", *_eqs("tmlr", "14"), "thesis Def 3.3.2", "thesis Def 3.3.3",
                    *_eqs("thesis", "3.11")],
    "thesis-eq3.17": _eqs("thesis", "3.17", "3.18"),
    "tmlr-sec3.1": ["tmlr Sec 3.1 (real stable, complex stable and unstable complex cases)",
                    "tmlr Sec 5 (the two phases of training: the sign of Re sc_0 on either side of 2/h; decreasing h)",
                    "thesis Sec 3.5 (the same phases)"],
    "tmlr-def3.4": ["tmlr Def 3.4", "thesis Def 3.3.4"],
    "tmlr-rem3.3": ["tmlr Remark 3.3", "thesis Remark 3.3.3", "tmlr Fig 6", "thesis Fig 3.8"],
    "tmlr-eq15": _eqs("tmlr", "15") + _eqs("thesis", "3.12", "2.3"),
    "tmlr-rem3.4": ["tmlr Remark 3.4", "thesis Remark 3.3.4"],
    "tmlr-eq16": [*_eqs("tmlr", "16"), *_eqs("thesis", "3.13"), "thesis App A.1.6",
                  *(f"thesis A.{n}" for n in range(122, 134))],
    "tmlr-sec3.2-jacobians": ["tmlr Sec 3.2 (the Jacobian eigenvalues after Eq 16)", "thesis App A.1.7",
                              *(f"thesis A.{n}" for n in range(134, 142))],
    "tmlr-cor4.1": ["tmlr Cor 4.1", "tmlr Cor 4.2", "tmlr Cor 4.3", "tmlr Remark 4.2",
                    "tmlr Remark 4.3 (its left side lacks the dot of the time derivative)", "tmlr Remark 4.4", "thesis Remark 3.4.2", "thesis Remark 3.4.3",
                    "thesis Remark 3.4.4", "thesis Cor 3.2", "thesis Cor 3.3", "thesis Cor 3.4",
                    "tmlr Sec 5 (the solution (grad E . u_i)(t) = (grad E . u_i)(0) e^(log(1 - h lambda_i) t/h))",
                    *_eqs("thesis", "3.14", "3.15", "3.16")],
    "thesis-eqA.112": ["thesis App A.1.4", *(f"thesis A.{n}" for n in range(105, 114)), "tmlr Remark 3.2",
                       "thesis Remark 3.3.2"],
    "thesis-eqA.169": ["thesis App A.2.2", *(f"thesis A.{n}" for n in range(166, 170))],
    "thesis-eqA.171": ["thesis App A.2.3", *(f"thesis A.{n}" for n in (170, 171))],
    "tmlr-rem4.1": ["tmlr Remark 4.1", "thesis Remark 3.4.1"],
    "tmlr-sec4.2": ["tmlr Sec 4.2 (sharp minima and saddles repel the PF)", "thesis Sec 3.4.2"],
    "tmlr-rem6.1": ["tmlr Remark 6.1", *_eqs("tmlr", "17"), "thesis Remark 3.7.1", *_eqs("thesis", "3.19")],
    "tmlr-thm6.1": ["tmlr Thm 6.1", "thesis Thm 3.7.1", "thesis A.152", "thesis A.153"],
    "tmlr-eq18": _eqs("tmlr", "18", "19") + _eqs("thesis", "3.20", "3.21"),
    "tmlr-eq21": [*_eqs("tmlr", "20", "21"), *_eqs("thesis", "3.22", "3.23"), "thesis Eq 2.16 (the momentum update)"],
    "thesis-thm4.2.1": ["thesis Thm 4.2.1", *_eqs("thesis", "4.15", "4.16"), "thesis B.7", "thesis B.8"],
    "thesis-thm4.2.2": ["thesis Thm 4.2.2", *_eqs("thesis", "4.19", "4.20"), "thesis B.37", "thesis B.38"],
    "thesis-eq4.25": [*_eqs("thesis", "4.25"), *(f"thesis B.{n}" for n in range(166, 178))],
    "thesis-eq4.26": [*_eqs("thesis", "4.26"), *(f"thesis B.{n}" for n in range(180, 192))],
    "thesis-b.4": ["thesis App B.4", "thesis B.178", "thesis B.179", "thesis B.192",
                   "thesis Sec B.4.1 (Dirac-GAN: Tr J~ = h (v_phi + v_theta) |grad_phitheta E|^2/2 > 0)"],
    "thesis-eq2.50": _eqs("thesis", "2.47", "2.48", "2.49", "2.50", "2.51", "2.52"),
    "thesis-eq4.27": _eqs("thesis", "4.27"),
    "thesis-eq4.28": [*_eqs("thesis", "4.28"), "thesis Sec 4.3 (the traces and determinant after Eq 4.28)"],
    "thesis-cor4.4.1": ["thesis Cor 4.4.1", *_eqs("thesis", "4.29", "4.30"), "thesis B.99", "thesis B.100"],
    "thesis-cor4.5.1": ["thesis Cor 4.5.1", *_eqs("thesis", "4.31", "4.32"),
                        *(f"thesis B.{n}" for n in (113, 114, *range(115, 127), 129, 130))],
    "thesis-cor4.5.2": ["thesis Cor 4.5.2", *_eqs("thesis", "4.33", "4.34"), "thesis B.127", "thesis B.128"],
    "thesis-thm4.7.1": ["thesis Thm 4.7.1", *_eqs("thesis", "4.49", "4.50"),
                        "thesis Eqs 4.45-4.48 (the flows with the players' rates: the same-time convention)"],
    "thesis-thm4.7.2": ["thesis Thm 4.7.2", *_eqs("thesis", "4.51", "4.52")],
    "thesis-cor4.7.1": ["thesis Cor 4.7.1", *_eqs("thesis", "4.53", "4.54")],
    "thesis-cor4.7.2": ["thesis Cor 4.7.2", *_eqs("thesis", "4.55", "4.56")],
    "thesis-table4.1": ["thesis Table 4.1"],
    "thesis-sec4.6.3": ["thesis Sec 4.6.3", *_eqs("thesis", "4.40", "4.41"),
                        "thesis Table 4.2 (the rows cancelling the interaction terms, S and A)"],
    "thesis-sec4.6": ["thesis Sec 4.6 (CO: c = s = v h/4 doubles the self terms)", *_eqs("thesis", "4.42", "4.43"),
                      "thesis Table 4.2 (the CO row: Eqs 4.42-4.43 with c = s)",
                      "thesis Sec 4.6 (alternating: the generator's interaction term when v_phi/v_theta > 0.5)"],
    "thesis-b.7": ["thesis App B.7", *(f"thesis B.{n}" for n in range(225, 239)), "thesis Sec 4.8.2 (the PF is exact on "
                   "the linear game of Eq 4.23)"],
    "thesis-def4.8.1": ["thesis Def 4.8.1", *_eqs("thesis", "4.67")],
    "thesis-eq4.61": ["thesis Sec 4.8", *_eqs("thesis", *(f"4.{n}" for n in range(58, 67)))],
    "thesis-sec4.8.1": ["thesis Sec 4.8.1", *_eqs("thesis", "4.68", "4.69", "4.70", "4.71", "4.72", "4.73"),
                        "thesis Sec 4.8.1 (the zero-sum case after Eq 4.74)"],
    "thesis-eq4.74": _eqs("thesis", "4.74"),
    "thesis-eqA.28": ["thesis Thm A.1.1", "thesis A.4", "thesis A.5-A.21 (derivation steps)", "thesis A.22",
                      "thesis A.23-A.27 (derivation steps)", "thesis A.28"],
    "thesis-eqA.40": ["thesis A.31-A.37 (derivation steps)", "thesis A.38", "thesis A.39", "thesis A.40", "thesis A.41",
                      "thesis Lemma A.1.3", "thesis A.46", "thesis A.47-A.50 (Lemma A.1.3's proof)",
                      "thesis A.51-A.81 (Lemma A.1.4's induction)"],
    "thesis-thmA.1.2": ["thesis Thm A.1.2", "thesis A.30", "thesis A.43", "thesis A.44", "thesis A.45", "thesis Thm 4.8.1",
                        *_eqs("thesis", "4.57")],
    "thesis-eqA.42": ["thesis A.42", "thesis Lemma A.1.4", "thesis A.52", "thesis A.82", "thesis Lemma A.1.5",
                      *(f"thesis A.{n}" for n in range(83, 105))],
    "thesis-a.1.8": ["thesis App A.1.8", *(f"thesis A.{n}" for n in range(142, 152)), "tmlr Eq 4",
                     "tmlr Eq 5 (error O(h^(n+2)) after one step)", "thesis Eq 2.30", "thesis Eq 2.31", "thesis App A.1.1",
                     "thesis A.1", "thesis A.2", "thesis A.3"],
    "thesis-eqA.160": ["thesis App A.10", *(f"thesis A.{n}" for n in range(154, 162))],
    "thesis-eqA.165": ["thesis App A.2.1", *(f"thesis A.{n}" for n in range(162, 166))],
    "thesis-lemma5.2.1": ["thesis Lemma 5.2.1", *_eqs("thesis", "5.6")],
    "thesis-thm5.2.2": ["thesis Thm 5.2.2", *_eqs("thesis", "5.7", "5.8"), "thesis C.24-C.28 (derivation steps)", "thesis C.29",
                         "thesis C.30", "thesis C.65-C.68 (derivation steps)",
                         *(f"thesis C.{n}" for n in range(69, 75))],
    "thesis-eq5.9": [*_eqs("thesis", "5.9"), "thesis App C.3", *(f"thesis C.{n}" for n in range(76, 83))],
    "thesis-eq5.10": _eqs("thesis", "5.10", "5.11", "5.12"),
    "thesis-eq5.13": [*_eqs("thesis", "5.13", "5.14", "5.15", "5.16"), "thesis App C.3.1",
                      "thesis C.83-C.89 (derivation steps; the errors of C.91-C.92 enter at C.88-C.89)", "thesis C.90", "thesis C.91",
                      "thesis C.92"],
    "thesis-eq5.22": [*_eqs("thesis", "5.21", "5.22", "5.23", "5.24", "5.25"), "thesis Eqs 5.17-5.20 (the flows it modifies)"],
    "thesis-eq5.36": [*_eqs("thesis", "5.36", "5.37"), *_eqs("thesis", "5.26", "5.27", "5.28"),
                      "thesis Eq 5.29 (where the self term's 1/2 for 1/4 enters)",
                      *_eqs("thesis", "5.30", "5.31", "5.32", "5.33", "5.34", "5.35")],
    "thesis-c.1": ["thesis App C.1", "thesis App C.2", *(f"thesis C.{n}" for n in range(4, 24)),
                   *(f"thesis C.{n}" for n in range(31, 65))],
    "thesis-eq5.40": [*_eqs("thesis", "5.38", "5.39", "5.40", "5.41", "5.42", "5.43"), "thesis App C.4.1",
                      *(f"thesis C.{n}" for n in range(93, 106))],
    "thesis-b.1": ["thesis App B.1", *_eqs("thesis", "4.21", "4.22"), "thesis Lemma B.1.1", "thesis Lemma B.1.2",
                   *(f"thesis B.{n}" for n in range(13, 35)), *(f"thesis B.{n}" for n in range(39, 64)),
                   "thesis B.64-B.73 (derivation steps)", *(f"thesis B.{n}" for n in range(74, 95))],
    "thesis-b.2.1": ["thesis App B.2.1", "thesis B.95-B.98 (the gradient identities it uses)",
                     *(f"thesis B.{n}" for n in range(101, 113))],
    "thesis-b.160": ["thesis App B.3.2", *(f"thesis B.{n}" for n in range(131, 164))],
    "thesis-b.3": ["thesis App B.3", "thesis B.164", "thesis B.165"],
    "thesis-b.5": ["thesis App B.5", *(f"thesis B.{n}" for n in range(193, 201)),
                   "thesis Table 4.2 (the SGA row: B.5's derived losses at zeta = 1)"],
    "thesis-b.6": ["thesis App B.6", *(f"thesis B.{n}" for n in range(201, 218)), *_eqs("thesis", "4.35", "4.36", "4.37"),
                   "thesis Eq 4.38", "thesis Sec 4.5.1 (Mescheder et al.: theta^2 + phi^2 grows over each step)", "thesis Eq 4.39 (= B.217; its l' arguments are misprinted l'(phi, theta), "
                   "l'(phi, theta^2))"],
    "thesis-b.6.3": ["thesis App B.6.2", "thesis B.218-B.221 (J and Delta, the steps to B.222)", "thesis B.222 (gamma = zeta = 0)", "thesis App B.6.3", "thesis B.223", "thesis B.224",
                     "thesis Sec 4.5.1 (gamma > h v_phi/4)"],
    "wang-eq1": [*_eqs("wang", "1"), "wang Eq 6 (App B.1: Eq 1 again)", "wang Fig 1 (eta_eos = 0.01)"],
    "wang-eq2": _eqs("wang", "2"),
    "wang-regimes": ["wang Sec 3.1 (eta at gamma_beta = 1)", "wang Sec 3.2 (regimes 1 and 2)", "wang Fig 1"],
    "wang-appB": ["wang App B", "wang Eq 4", "wang Eq 5", "wang App B.2 (Delta theta_1, gamma_r1)"],
    "wang-sec3.2": ["wang Sec 3.2 (eta_(gamma_beta = 0) = 1/z' and the unstable regime's assumption)"],
    "wang-eq14": ["wang App C", *_eqs("wang", "14")],
    "damian-lemma2": ["damian Lemma 2", "damian Sec 1 (the missing Taylor term equals grad S)"],
    "damian-eq3": ["damian Sec 4.1", *_eqs("damian", "3"), "damian App B"],
    "damian-sec4.1": ["damian Sec 4.1 (the four stages of the edge-of-stability cycle)"],
    "damian-appF": ["damian App F.2 (limiting sharpness)"],
    "sun-eq3": [*_eqs("sun", "1", "2", "3"), "sun Sec 3.1 (CFL condition)", "sun Fig 1"],
    "sun-eq13": ["sun Thm 5.3", *_eqs("sun", "11", "13"), "sun Sec 5.4 (not-activated regime: alpha < 2/dt)",
                 "sun Table 3 (activated and not-activated bounds)", "sun Sec 5.4 (dt < 0.1 at alpha = 20)"],
    "sun-eq14": ["sun Thm 5.4", *_eqs("sun", "14")],
    "sun-table2": ["sun Table 2", "sun Sec 5.3"],
    "sun-eq18": ["sun Thm 5.6", *_eqs("sun", "18", "75"), "sun Table 9"],
}

ORDER = list(CONTENTS)


def _build() -> dict[str, Entry]:
    by_id = {e.id: e for e in tmlr.entries() + thesis.entries() + wang_roberts.entries() + damian.entries()
             + sun.entries()}
    if set(by_id) != set(ORDER):
        raise AssertionError(f"the catalogue's CONTENTS and its entries differ: {sorted(set(by_id) ^ set(ORDER))}")
    return {i: dataclasses.replace(by_id[i], covers=tuple(CONTENTS[i])) for i in ORDER}


CATALOGUE: dict[str, Entry] = _build()


def entry(id_: str) -> Entry:
    """The catalogue entry ``id_`` (``bea paper show ID``)."""
    if id_ not in CATALOGUE:
        raise UnknownEntry(f"no catalogue entry {id_!r}; `bea paper list` shows the {len(CATALOGUE)} ids")
    return CATALOGUE[id_]
