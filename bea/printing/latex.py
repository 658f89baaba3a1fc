"""The LaTeX printer: ``--format latex``, ``to_latex()`` and the Jupyter forms (``_repr_latex_``)."""

from __future__ import annotations

import mpmath
import sympy

from .notation import LATEX, block_latex, label_latex, observed_order, signed_sum, signed_terms, text_safe, tree_latex
from .printer import Printer
from .terms import grouped, loss_rows, spelling

__all__ = ["LatexPrinter"]


class LatexPrinter(Printer):
    language = "LaTeX"
    # gradient: a gradient system for flows; block_of: label -> block, for a lone Term;
    # display: the form Jupyter shows (math delimiters included)
    default_settings = {"gradient": None, "block_of": None, "display": False}

    def doprint(self, obj) -> str:
        body = super().doprint(obj)
        if not self.settings["display"] or type(obj).__name__ == "Entry":
            return body
        return f"$$\n{body}\n$$" if type(obj).__name__ in ("ModifiedFlow", "ModifiedLoss", "BSeries") else f"${body}$"

    def _print_ModifiedFlow(self, flow) -> str:
        """An ``aligned`` environment: one equation per block (per field ``\\tilde f`` for modifying fields),
        one line per power of h."""
        if getattr(flow, "kind", None) == "modifying":
            return self._aligned(flow, spelling(flow, self.settings["gradient"], LATEX),
                                 lambda label: (_tilde(label), ""), flow.blocks.labels)
        return self._aligned(flow, spelling(flow, self.settings["gradient"], LATEX),
                             lambda block: (f"\\dot{{{block_latex(block)}}}", ""))

    def _print_BSeries(self, series) -> str:
        """A map as ``theta^+ = theta + ...``, a field as ``dot theta = ...``, one line per power of h."""
        if series.kind == "field":
            return self._print_ModifiedFlow(series)
        return self._aligned(series, spelling(series, None, LATEX),
                             lambda block: (f"{block_latex(block)}^{{+}}", block_latex(block)))

    def _aligned(self, flow, spell, head, keys=None) -> str:
        """Rows ``lhs &= start + terms`` per block (``head(block) = (lhs, start)``), one per power; ``keys``:
        what :func:`grouped` groups by, when not the blocks (the labels of modifying fields)."""
        rows = []
        for block in (flow.blocks if keys is None else keys):
            lines = []
            for b, power, group in grouped(flow):
                if b != block:
                    continue
                parts = [spell(t) for t in group]
                factor = "" if power == 0 else ("h" if power == 1 else f"h^{{{power}}}")
                if not factor:
                    lines += _broken(signed_terms(parts, sympy.latex), "", "")
                elif len(group) == 1:
                    lines.append(signed_sum([(parts[0][0], f"{factor} {parts[0][1]}")], sympy.latex))
                elif len(group) <= _PER_LINE:
                    lines.append(f"{factor} \\left({signed_sum(parts, sympy.latex)}\\right)")
                else:
                    lines += _broken(signed_terms(parts, sympy.latex), f"{factor} \\Big(", "\\Big)")
            lhs, start = head(block)
            first, rest = (lines[0], lines[1:]) if lines else ("0", [])
            if start:
                first = f"{start} {'' if first.startswith('-') else '+ '}{first}" if lines else start
            rows.append(f"{lhs} &= {first}")
            rows += [line[1:] if line.startswith("\t") else f"&\\quad {'' if line.startswith('-') else '+ '}{line}"
                     for line in rest]
        return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"

    def _print_Term(self, term) -> str:
        power = "" if term.power == 0 else ("h " if term.power == 1 else f"h^{{{term.power}}} ")
        return signed_sum([(term.coefficient, power + tree_latex(term.tree, self.settings["block_of"]))], sympy.latex)

    def _print_ModifiedLoss(self, loss) -> str:
        rows = []
        for block, body, rest in loss_rows(loss, LATEX):
            rows += _loss_lines(block_latex(block), body, rest)
        return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"

    def _print_IterateAverage(self, a) -> str:
        """``bar theta = theta + ...`` (the lag) and the averaged flow, one ``aligned`` environment each."""
        lag = self.doprint(a.lag).replace("^{+}", "").replace("\\theta &=", "\\bar{\\theta} &=", 1)
        return lag + "\n" + self.doprint(a.flow).replace("\\dot{\\theta}", "\\dot{\\bar{\\theta}}")

    def _print_Cancellation(self, c) -> str:
        """One ``aligned`` environment: each field's regularised loss."""
        rows = []
        shared = any(len(labels) > 1 for labels in c.flow.blocks.values())
        for label, loss in c.losses.items():
            for block, body, rest in loss_rows(loss, LATEX):
                if block != c.flow.block_of(label):
                    continue
                rows += _loss_lines(label_latex(label) if shared else block_latex(block), body, rest)
        return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"

    def _print_Stability(self, s) -> str:
        eigen = ", ".join(sympy.latex(v) for v in s.eigenvalues)
        method = "" if s.method is None else f" \\quad \\text{{method: {s.method.verdict}}}"
        return (f"\\tilde{{J}} = {sympy.latex(s.matrix)}, \\quad \\operatorname{{Tr}} = {sympy.latex(s.trace)}, "
                f"\\quad \\det = {sympy.latex(s.determinant)}, \\quad \\lambda \\in \\{{{eigen}\\}}"
                f" \\quad \\text{{({s.verdict})}}{method}")

    def _print_MethodStability(self, m) -> str:
        radius = "" if m.spectral_radius is None else f"\\rho = {m.spectral_radius:.10g} \\quad "
        return f"{radius}\\text{{method: {m.verdict}}}"

    def _print_Validation(self, v) -> str:
        rows = " \\\\ ".join(
            f"{sympy.latex(h)} & {_scientific(e)} & {'' if i == 0 else observed_order(v.observed[i - 1])}"
            for i, (h, e) in enumerate(zip(v.steps, v.errors)))
        return f"\\begin{{array}}{{rrr}} h & \\text{{local error}} & \\text{{order}} \\\\ \\hline {rows} \\end{{array}}"

    def _print_PrincipalFlow(self, pf) -> str:
        """The definition ``(1/T) phi(M_y - I) c_y``, ``phi(z) = log(1+z)/z``, with the step's data."""
        head = r"\mathrm{PF}(y) = \frac{1}{T}\, \varphi(M_y - I)\, c_y, \quad \varphi(z) = \frac{\log(1+z)}{z}"
        return (head + rf", \quad T = {sympy.latex(pf.T)},\ h = {sympy.latex(pf.h)} "
                rf"\quad \text{{({pf.scheme.name}, {pf.method})}}")

    def _print_Entry(self, e) -> str:
        if self.settings["display"]:
            title = rf"\text{{{text_safe(e.id)} ({e.status}): {text_safe(e.source)}}}"
            return (rf"$$\begin{{gathered}} {title} \\ \text{{printed:}}\ {e.printed_latex} \\ "
                    rf"\text{{derived:}} \\ {e.result['latex']} \end{{gathered}}$$")
        return (f"% {e.id} ({e.source}) -- {e.status}: {e.note}\n"
                f"% printed:\n{e.printed_latex}\n% derived:\n{e.result['latex']}")


def _tilde(label: str) -> str:
    """``f`` -> ``\\tilde{f}``; ``f12`` -> ``\\tilde{f}_{12}`` (the modifying field of a label)."""
    name, _, index = label_latex(label).partition("_")
    return f"\\tilde{{{name}}}" + (f"_{index}" if index else "")


def _scientific(x) -> str:
    """A measured number to 4 digits as LaTeX: ``3.434 \\times 10^{-5}``, never ``3.434e-5`` (whose ``-`` TeX
    sets as a binary minus)."""
    mantissa, _, exponent = mpmath.nstr(x, 4, min_fixed=-3, max_fixed=4).partition("e")
    return mantissa if not exponent else f"{mantissa} \\times 10^{{{int(exponent)}}}"


_PER_LINE = 2
"""Terms on one line of a long power of ``h``: a derivation's LaTeX breaks its sums so that it fits a page."""


def _broken(pieces: list, opening: str, closing: str) -> list:
    """A long sum as lines of :data:`_PER_LINE` terms: the first as a line of the block, the others as
    continuation rows (marked with a leading tab) indented under it, ``opening``/``closing`` around the whole."""
    chunks = [" ".join(pieces[i:i + _PER_LINE]) for i in range(0, len(pieces), _PER_LINE)] or ["0"]
    chunks[0] = f"{opening}{chunks[0]}" if opening else chunks[0]
    chunks[-1] = f"{chunks[-1]}{closing}"
    return [chunks[0]] + [f"\t&\\qquad {chunk}" for chunk in chunks[1:]]


def _loss_lines(name: str, body: list, rest: list) -> list:
    """The rows of one modified loss ``E~_name``, broken every :data:`_PER_LINE` potentials, then its parts that
    are not gradients, each under its power of ``h``."""
    first, *more = _broken(body, "", "")
    rows = [f"\\tilde{{E}}_{{{name}}} &= {first}"] + [line[1:] for line in more]
    for power, part in rest:
        rows.append(f"&\\text{{no loss at }} h^{{{power}}}\\text{{; not a gradient:}}")
        head, *tail = _broken(part, "", "")
        rows += [f"&\\qquad {head}"] + [line[1:] for line in tail]
    return rows
