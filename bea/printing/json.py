"""The JSON printer: ``--format json`` and ``to_json()`` -- plain dicts of strings, numbers and
booleans (docs/cli.md: coefficients and times are SymPy-parsable strings)."""

from __future__ import annotations

import math

from ..result import H as _H
from .latex import LatexPrinter
from .notation import LATEX, TEXT, complex_number, potential, python_complex
from .printer import Printer

__all__ = ["JsonPrinter"]



class JsonPrinter(Printer):
    language = "JSON"
    # full: a catalogue entry with its printed and derived LaTeX; gradient: a flow with its gradient-notation LaTeX
    default_settings = {"full": False, "gradient": None}

    def _print_list(self, items) -> list:
        return [self.doprint(x) for x in items]

    _print_tuple = _print_list

    def _print_ModifiedFlow(self, flow) -> dict:
        out = {"kind": flow.kind, "cancelled": flow.cancelled} if flow.modifying else {}
        out.update({
            "scheme": flow.scheme,
            "order": flow.order,
            "params": {name: str(value) for name, value in flow.params.items()},
            "blocks": {block: list(labels) for block, labels in flow.blocks.items()},
            "time": {block: str(value) for block, value in flow.time.items()},
            "terms": [self.doprint(t) for t in flow.terms],
        })
        if flow.modifying:
            for term, row in zip(flow.terms, out["terms"]):
                row["label"] = term.tree.label
        if flow.reference is not None:
            out["reference"] = dict(flow.reference)
        if self.settings["gradient"] is not None:
            system = self.settings["gradient"]
            out["gradient"] = {"system": system if isinstance(system, str) else system.name,
                               "latex": LatexPrinter(gradient=system).doprint(flow)}
        return out

    def _print_BSeries(self, series) -> dict:
        """The shape of ``derive``'s JSON with ``kind`` (``map``: a term's power is ``|t|``) and ``name``."""
        out = {"kind": series.kind, "name": series.name, "order": series.order,
               "params": {name: str(value) for name, value in series.params.items()},
               "blocks": {block: list(labels) for block, labels in series.blocks.items()}}
        if series.kind == "field" and series.time is not None:
            out["time"] = {block: str(value * _H) for block, value in series.time.items()}
        out["terms"] = [self.doprint(t) for t in series.terms]
        return out

    def _print_Property(self, result) -> dict:
        """``name``, ``holds``, ``holds_to``, ``checked`` and the failing conditions (trees and defect)."""
        out = {"property": result.name, "method": result.method, "holds": result.holds, "holds_to": result.holds_to,
               "checked": result.checked,
               "failures": [{"trees": [t.text for t in c.trees], "defect": str(c.defect),
                             **({} if c.method is None else {"method": str(c.method), "exact": str(c.exact)})}
                            for c in result.failures]}
        if result.note:
            out["note"] = result.note
        return out

    def _print_Order(self, result) -> dict:
        return {"order": result.order, "at_least": result.at_least, **self._print_Property(result)}

    def _print_Term(self, t) -> dict:
        return {"block": t.block, "power": t.power, "tree": t.tree.text, "coefficient": str(t.exact)}

    def _print_ModifiedLoss(self, loss) -> dict:
        system = loss.system
        return {"system": system.name, "order": loss.order, "frozen": loss.frozen, "exact": loss.exact,
                "losses": {b: [{"power": p, "coefficient": str(c), "latex": potential(q, system, LATEX),
                                "text": potential(q, system, TEXT)} for p, c, q in rows]
                           for b, rows in loss.terms.items()},
                "valid_to": {b: loss.valid_to.get(b) for b in loss.terms},
                "not_gradient": {b: [{"power": p, "tree": t.text, "coefficient": str(c)} for p, c, t in rows]
                                 for b, rows in loss.remainder.items() if rows}}

    def _print_IterateAverage(self, a) -> dict:
        return {"kind": "iterate-average", "weight": str(a.weight), "lag": self.doprint(a.lag), "flow": self.doprint(a.flow)}

    def _print_Cancellation(self, c) -> dict:
        """``modifying`` (the fields, as ``bea modify`` prints them) and ``losses`` per field label (as ``bea loss``)."""
        return {"kind": "cancellation", "terms": c.terms, "system": c.system.name, "exact": c.exact,
                "modifying": self.doprint(c.flow), "losses": {label: self.doprint(l) for label, l in c.losses.items()}}

    def _print_Stability(self, s) -> dict:
        out = {
            "at": {str(k): str(v) for k, v in s.at.items()},
            "fixed_point": s.fixed_point,
            "jacobian": [[str(x) for x in row] for row in s.matrix.tolist()],
            "trace": str(s.trace),
            "determinant": str(s.determinant),
            "eigenvalues": [str(v) for v in s.eigenvalues],
            "eigenvalues_numeric": [] if s.symbols else [complex_number(v) for v in s.eigenvalues],
            "verdict": s.verdict,
            "reason": s.reason,
        }
        if s.method is not None:
            out["method"] = self.doprint(s.method)
            out["agree"] = s.agree
            if s.disagreement:
                out["disagreement"] = s.disagreement
        return out

    def _print_MethodStability(self, m) -> dict:
        out = {"verdict": m.verdict, "spectral_radius": m.spectral_radius,
               "roots": [complex_number(r) for r in m.roots], "reason": m.reason}
        if m.region is not None:
            region, values = m.region
            out["region"] = {"axis": region.axis, "intervals": [[str(a), str(b)] for a, b in region.intervals],
                             "values": [str(v) for v in values], "outside": [str(v) for v in m.outside]}
        return out

    def _print_Validation(self, v) -> dict:
        return {
            "scheme": v.scheme, "order": v.order, "problem": v.problem,
            "params": {k: str(x) for k, x in v.params.items()},
            "expected": v.expected, "passed": v.passed, "exact": v.exact,
            "rows": [{"h": str(h), "error": float(e), "observed": None if i == 0 else _finite(v.observed[i - 1])}
                     for i, (h, e) in enumerate(zip(v.steps, v.errors))],
        }

    def _print_PrincipalFlow(self, pf) -> dict:
        return {"scheme": pf.scheme.name, "method": pf.method, "h": str(pf.h), "T": str(pf.T),
                "variables": [str(v) for v in pf.problem.state],
                "fields": {label: [str(e) for e in exprs] for label, exprs in pf.problem.fields.items()},
                "nonprincipal": [self.doprint(t) for t in pf.nonprincipal_terms or ()]}

    def _print_PrincipalFlowSample(self, s) -> dict:
        out = {"scheme": s.scheme, "h": str(s.h), "method": s.method, "at": {str(k): str(v) for k, v in s.at.items()},
               "field": [python_complex(z) for z in s.field], "eigenvalues": [python_complex(z) for z in s.eigenvalues],
               "converges": s.converges}
        if s.nonprincipal is not None:
            out["nonprincipal"] = s.nonprincipal
        if s.steps:
            out["steps"] = [{"n": n, "pf": [python_complex(z) for z in a], "discrete": [float(z) for z in b],
                             "difference": d} for n, (a, b, d) in enumerate(s.steps)]
        return out

    def _print_Spectral(self, s) -> dict:
        """The attribute names of :class:`~bea.analysis.spectral.Spectral` as keys; complex numbers as
        Python spells them (``a+bj``), ``dal`` for ``p = 1`` (null where it is not defined)."""
        def vector(v):
            return None if v is None else [_finite(float(x) + 0.0) for x in v]

        try:
            dal = s.dal()
        except ValueError:
            dal = None
        try:
            constraint = s.constraint_gradient
        except ValueError:
            constraint = None
        return {"h": s.h, "weight_decay": s.weight_decay, "at": {k: str(v) for k, v in s.at.items()},
                "gradient": vector(s.gradient), "eigenvalues": vector(s.eigenvalues),
                "eigenvectors": [vector(s.eigenvectors[:, i]) for i in range(s.eigenvectors.shape[1])],
                "stability_coefficients": [python_complex(complex(z.real + 0.0, z.imag + 0.0)) for z in s.stability_coefficients],
                "pf_exponents": [python_complex(z) for z in s.pf_exponents], "regimes": s.regimes,
                "sharpness": _finite(s.sharpness), "sharpness_gradient": vector(s.sharpness_gradient),
                "progressive_sharpening": None if s.progressive_sharpening is None else _finite(s.progressive_sharpening),
                "third_order": {"total": vector(s.third_order.total), "diagonal": vector(s.third_order.diagonal),
                                "cross": vector(s.third_order.cross)},
                "dal": dal, "complete": s.complete, "notes": list(s.notes),
                "constraint_gradient": vector(constraint)}

    def _print_Drift(self, d) -> dict:
        return {"what": d.what, "h": d.h, "drift": [float(x) for x in d.drift], "leading": [float(x) for x in d.leading],
                "low": [float(x) for x in d.low], "high": [float(x) for x in d.high], "rest": [float(x) for x in d.rest],
                "holds": d.holds}

    def _print_LossChange(self, c) -> dict:
        return {"scheme": c.scheme, "order": c.order, "coefficients": [str(x) for x in c.coefficients],
                "threshold": None if c.threshold is None else str(c.threshold),
                "h": None if c.h is None else str(c.h), "eigenvalues": [float(x) for x in c.eigenvalues],
                "per_direction": [float(x) for x in c.per_direction], "decreases": list(c.decreases)}

    def _print_EosConstants(self, c) -> dict:
        return {"h": c.h, "sharpness": c.sharpness, "u": [float(x) for x in c.u],
                "grad_sharpness": [float(x) for x in c.grad_sharpness],
                "grad_sharpness_perp": [float(x) for x in c.grad_sharpness_perp], "gradient": [float(x) for x in c.gradient],
                "alpha": c.alpha, "beta": c.beta, "delta": c.delta, "epsilon": c.epsilon}

    def _print_TwoCycle(self, c) -> dict:
        return {"h": c.h, "offsets": list(c.offsets), "points": [[float(x) for x in p] for p in c.points],
                "sharpness": list(c.sharpness), "radius": c.radius, "stable": c.stable}

    def _print_Rotation(self, r) -> dict:
        return {"flow": r.flow, "h": r.h, "u": [float(x) for x in r.u], "u_after": [float(x) for x in r.u_after],
                "angle": r.angle, "ratio": _finite(r.ratio) if r.ratio is not None else None,
                "ratio_after": _finite(r.ratio_after) if r.ratio_after is not None else None, "direction": r.direction}

    def _print_Alignment(self, a) -> dict:
        return {"beta": a.beta, "ratio": a.ratio, "gamma": a.gamma, "gamma_step": a.gamma_step, "eta_star": a.eta_star,
                "balancedness": list(a.balancedness)}

    def _print_Amplification(self, a) -> dict:
        return {"stencil": {str(m): str(c) for m, c in sorted(a.stencil.items())}, "factor": str(a.factor),
                "bound": None if a.bound is None else str(a.bound),
                "modified": {str(k): str(c) for k, c in sorted(a.modified.items())}}

    def _print_WeightDecayBounds(self, b) -> dict:
        return {"scheme": b.scheme, "dt": str(b.dt), "x_max": str(b.x_max), "alpha_min": str(b.alpha_min),
                "alpha_max": str(b.alpha_max), "empty": b.empty}

    def _print_Iterates(self, it) -> dict:
        return {"h": it.h, "path": [[_finite(float(x)) for x in row] for row in it.path],
                "underflow": [{"step": step, "coordinate": name} for step, name in it.underflow], "overflow": it.overflow}

    def _print_Predicted(self, p) -> dict:
        return {"h": p.h, "dagger": p.dagger.tolist(), "theta": p.theta.tolist(), "x": p.x.tolist(), "y": p.y.tolist(),
                "loss": p.loss.tolist(), "sharpness": p.sharpness.tolist(), "delta": p.delta.tolist()}

    def _print_SchemeInfo(self, info) -> dict:
        return {"name": info.name, "players": list(info.players), "params": dict(info.params),
                "description": info.description}

    def _print_ProblemSpec(self, spec) -> dict:
        return {"name": spec.name, "description": spec.description, "games_only": spec.games_only,
                "params": {k: str(v) for k, v in spec.params.items()}}

    def _print_Entry(self, e) -> dict:
        out = {"id": e.id, "source": e.source, "covers": list(e.covers), "statement": e.statement, "status": e.status,
               "note": e.note, "convention": e.convention, "command": e.command}
        if self.settings["full"]:
            out["printed"] = e.printed_latex
            out["derived"] = e.result["latex"]
            out["differences"] = [{"quantity": k, "printed": p, "derived": d} for k, p, d in e.differences]
        return out


def _finite(order: float):
    """JSON has no NaN or infinity: an exact flow's order is null, infinite ones are strings."""
    return None if math.isnan(order) else ("inf" if order == math.inf else "-inf" if order == -math.inf else order)
