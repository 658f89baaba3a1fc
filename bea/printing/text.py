"""The text printer: what the command line prints (``--format text``) and ``str()`` of a result."""

from __future__ import annotations

import mpmath

from .notation import TEXT, complex_number, observed_order, python_complex, signed_sum
from .printer import Printer
from .terms import grouped, loss_rows, spelling

__all__ = ["TextPrinter"]


def _vector(v) -> str:
    """A float vector to 10 digits (no negative zeros); ``undefined`` for None."""
    return "undefined" if v is None else "[" + ", ".join(f"{float(x) + 0.0:.10g}" for x in v) + "]"


def _bound(x) -> str:
    """An interval end: exact when short (``2``, ``sqrt(3)/3``), else also its value."""
    import sympy

    text = str(x)
    return text if len(text) <= 12 or x in (sympy.oo, -sympy.oo) else f"{float(x):.10g}"


def _times_h(tau) -> str:
    """``tau h`` as the flow header spells a block time (``h``, ``v_phi*h``)."""
    import sympy

    return str(sympy.sympify(tau) * sympy.Symbol("h"))


class TextPrinter(Printer):
    language = "text"
    # gradient: a gradient system for flows; summary: one line per item (listings such as `bea paper list`)
    default_settings = {"gradient": None, "summary": False}

    def _print_list(self, items) -> str:
        return "\n".join(self.doprint(x) for x in items)

    _print_tuple = _print_list

    def _print_ModifiedFlow(self, flow) -> str:
        """A header, then one line per block and power: ``phi: h^1: -v_phi*v_theta/2 f[g] - ...``."""
        spell = spelling(flow, self.settings["gradient"], TEXT)
        params = ", ".join(f"{k}={v}" for k, v in flow.params.items())
        times = ", ".join(f"T_{b} = {v}" for b, v in flow.time.items())
        kind = ("principal terms of the modified field" if flow.principal else
                ("modifying fields (one step on them follows the flow of its leading field)" if flow.cancelled == "all"
                 else f"modifying fields cancelling the {flow.cancelled} drift terms (one step on them follows the "
                      "modified flow without them)") if flow.modifying else
                "modified field")
        lines = [f"# {flow.scheme}{' (' + params + ')' if params else ''}: {kind} to order {flow.order}; {times}"]
        for key, power, group in grouped(flow):
            lines.append(f"{key}{'~' if flow.modifying else ''}: h^{power}: {signed_sum([spell(t) for t in group], str)}")
        if flow.reference is not None:
            verdict = "yes" if flow.reference["agrees"] else "NO"
            lines.append(f"agrees with the Taylor coefficients of {flow.reference['series']}: {verdict}")
        return "\n".join(lines)

    def _print_BSeries(self, series) -> str:
        """A header, then one line per block and power: ``theta: h^2: 1/2 f[f]``."""
        spell = spelling(series, None, TEXT)
        what = "a one-step map (y+ = y + ...)" if series.kind == "map" else "a vector field"
        times = "" if series.kind == "map" or series.time is None else \
            "; " + ", ".join(f"T_{b} = {_times_h(v)}" for b, v in series.time.items())
        params = ", ".join(f"{k}={v}" for k, v in series.params.items())
        lines = [f"# {series.name}{' (' + params + ')' if params else ''}: B-series of {what}, "
                 f"trees up to {series.order} nodes{times}"]
        for block, power, group in grouped(series):
            lines.append(f"{block}: h^{power}: {signed_sum([spell(t) for t in group], str)}")
        if not series.values:
            lines.append("(no terms: the identity map)" if series.kind == "map" else "(no terms: the zero field)")
        return "\n".join(lines)

    def _print_Order(self, result) -> str:
        """``order of rk4: 4``, then the failing conditions ``a(t) = e(t)`` with both sides."""
        bound = f">= {result.order}" if result.at_least else str(result.order)
        lines = [f"# {result.name} of {result.method}: {bound} (trees of up to {result.checked} nodes compared)"]
        if result.note:
            lines.append(f"({result.note})")
        for c in result.failures:
            if c.method is None:
                lines.append(f"  h^{result.order} correction: {c.defect} {c.trees[0]}")
            else:
                lines.append(f"  fails at {c.trees[0]}: method {c.method}, exact flow {c.exact} (difference {c.defect})")
        return "\n".join(lines)

    def _print_Property(self, result) -> str:
        """``symplectic: yes through 6 nodes`` or where it first fails, with the failing conditions."""
        if result.holds:
            head = f"# {result.name}: yes, through trees of {result.checked} nodes"
        else:
            head = f"# {result.name}: holds through trees of {result.holds_to} nodes, fails at {result.holds_to + 1}"
        lines = [f"{head} ({result.method})"]
        if result.note:
            lines.append(f"({result.note})")
        lines += [f"  fails at {' o '.join(c.trees) if len(c.trees) > 1 else c.trees[0]}: defect {c.defect}"
                  for c in result.failures]
        return "\n".join(lines)

    def _print_Term(self, term) -> str:
        power = "" if term.power == 0 else f"h^{term.power} "
        return signed_sum([(term.exact, power + term.tree.text)], str)

    def _print_ModifiedLoss(self, loss) -> str:
        lines = [f"# modified losses ({loss.system.name} gradient system{', frozen factors at t-1' if loss.frozen else ''})"
                 f"{' of ' + loss.scheme if loss.scheme else ''} to order {loss.order}"]
        for block, body, rest in loss_rows(loss, TEXT):
            lines.append(f"E~_{block} = {' '.join(body)}")
            for power, part in rest:
                lines.append(f"  no modified loss at h^{power} ({block}); the part that is not a gradient: {' '.join(part)}")
        lines.append("exact: every power is a gradient" if loss.exact else
                     "frozen factors make it a loss at theta_{t-1}" if loss.frozen else
                     "no modified loss exists from the power shown on; the loss above holds to that order")
        return "\n".join(lines)

    def _print_IterateAverage(self, a) -> str:
        """The lag map, then the flow the averaged iterates follow."""
        return self.doprint(a.lag) + "\n" + self.doprint(a.flow)

    def _print_Cancellation(self, c) -> str:
        """A header, then ``E~_<block> = E + regulariser`` per field (``for f1:`` where fields share a block)."""
        params = ", ".join(f"{k}={v}" for k, v in c.flow.params.items())
        times = ", ".join(f"T_{b} = {v}" for b, v in c.flow.time.items())
        which = "all the drift terms" if c.terms == "all" else f"the {c.terms} drift terms"
        lines = [f"# {c.flow.scheme}{' (' + params + ')' if params else ''}: losses cancelling {which} to order "
                 f"{c.flow.order} ({c.system.name} gradient system); {times}"]
        shared = any(len(labels) > 1 for labels in c.flow.blocks.values())
        for label, loss in c.losses.items():
            for block, body, rest in loss_rows(loss, TEXT):
                if block != c.flow.block_of(label):
                    continue
                lines.append(f"{'for ' + label + ': ' if shared else ''}E~_{block} = {' '.join(body)}")
                for power, part in rest:
                    lines.append(f"  no loss at h^{power} ({label}); the part that is not a gradient: {' '.join(part)}")
        lines.append("exact: every power of every field is a gradient" if c.exact else
                     "frozen factors make each a loss at theta_{t-1}" if any(l.frozen for l in c.losses.values()) else
                     "some cancellation is not a gradient from the power shown on (the part above is the certificate)")
        return "\n".join(lines)

    def _print_Stability(self, s) -> str:
        at = ", ".join(f"{k} = {v}" for k, v in s.at.items())
        lines = [f"# Jacobian of the modified field at {at}" + ("" if s.fixed_point is None else
                 ("  (an equilibrium)" if s.fixed_point else "  (NOT an equilibrium of the field)"))]
        lines += ["  [" + ", ".join(str(x) for x in row) + "]" for row in s.matrix.tolist()]
        numeric = (lambda v: "") if s.symbols else (lambda v: f" = {complex_number(v)}")
        lines.append(f"trace = {s.trace}{numeric(s.trace)}")
        lines.append(f"determinant = {s.determinant}{numeric(s.determinant)}")
        lines += [f"eigenvalue {_exact_or_numeric(v, s.symbols)}" for v in s.eigenvalues]
        lines.append(f"verdict: {s.verdict} ({s.reason})")
        if s.method is not None:
            lines.append(self.doprint(s.method))
            if s.disagreement:
                lines.append(f"WARNING: {s.disagreement}")
        return "\n".join(lines)

    def _print_MethodStability(self, m) -> str:
        lines = []
        if m.spectral_radius is not None:
            lines.append("roots of the linearised step: " + ", ".join(complex_number(r) for r in m.roots))
            lines.append(f"spectral radius = {m.spectral_radius:.10g}")
        lines.append(f"method verdict: {m.verdict} ({m.reason})")
        if m.region is not None:
            region, values = m.region
            name = "h lambda" if region.axis == "real" else "h omega"
            where = " or ".join(f"{_bound(a)} < {name} < {_bound(b)}" for a, b in region.intervals) or "nowhere"
            lines.append(f"stability region of {region.scheme} on the test problem: {where}; here {name} = "
                         + ", ".join(complex_number(v) for v in values)
                         + (f" (outside: {', '.join(complex_number(v) for v in m.outside)})" if m.outside else " (inside)"))
        return "\n".join(lines)

    def _print_Validation(self, v) -> str:
        params = ", ".join(f"{k}={x}" for k, x in v.params.items())
        lines = [f"# {v.scheme} order {v.order} on {v.problem}" + (f" ({params})" if params else ""),
                 f"{'h':>14s} {'local error':>14s} {'observed order':>15s}"]
        for i, (h, e) in enumerate(zip(v.steps, v.errors)):
            observed = "" if i == 0 else f"{observed_order(v.observed[i - 1]):>15s}"
            lines.append(f"{str(h):>14s} {mpmath.nstr(e, 6):>14s} {observed}")
        verdict = "PASS" if v.passed else "FAIL"
        if v.exact:
            verdict += " (the local error is zero: the truncated modified flow is exact on this problem)"
        elif v.exceeds:
            verdict += " (higher than expected: the next terms of the field vanish on this problem)"
        lines.append(f"expected order {v.expected}: {verdict}")
        return "\n".join(lines)

    def _print_PrincipalFlowSample(self, s) -> str:
        extra = f" + non-principal terms to order {s.nonprincipal}" if s.nonprincipal is not None else ""
        lines = [f"# principal flow{extra} of {s.scheme} with h = {s.h} ({s.method}) at "
                 + ", ".join(f"{k} = {v}" for k, v in s.at.items()),
                 "field: " + ", ".join(python_complex(z) for z in s.field),
                 "eigenvalues of (1/T) log M: " + ", ".join(python_complex(z) for z in s.eigenvalues)
                 + ("  (all real parts < 0)" if s.converges else "  (a real part >= 0)")]
        for n, (a, b, difference) in enumerate(s.steps):
            lines.append(f"n = {n:3d}  PF: {', '.join(python_complex(z) for z in a)}   {s.scheme}: "
                         f"{', '.join(f'{float(z):.12g}' for z in b)}   |difference| = {difference:.3g}")
        return "\n".join(lines)

    def _print_Spectral(self, s) -> str:
        """One line per eigendirection (eigenvalue, h lambda, regime, stability coefficient), then the
        sharpness, its gradient, progressive sharpening, the third-order term and DAL."""
        at = ", ".join(f"{k} = {v}" for k, v in s.at.items())
        lines = [f"# spectral diagnostics of gradient descent at {at}; h = {s.h:g}"
                 + (f", weight decay {s.weight_decay:g}" if s.weight_decay else ""),
                 f"gradient: {_vector(s.gradient)}"]
        for i, (lam, regime_, sc) in enumerate(zip(s.eigenvalues, s.regimes, s.stability_coefficients)):
            lines.append(f"direction {i}: lambda = {lam:.10g}, h lambda = {s.h * lam:.6g}, {regime_}, "
                         f"sc = {python_complex(complex(sc.real + 0.0, sc.imag + 0.0))}, u = {_vector(s.eigenvectors[:, i])}")
        lines.append(f"sharpness: {s.sharpness:.10g}; gradient {_vector(s.sharpness_gradient)}; progressive sharpening "
                     + ("undefined" if s.progressive_sharpening is None else f"{s.progressive_sharpening:.10g}"))
        lines.append(f"third-order term: total {_vector(s.third_order.total)}, diagonal {_vector(s.third_order.diagonal)}, "
                     f"cross {_vector(s.third_order.cross)}")
        try:
            lines.append(f"DAL (p = 1): {s.dal():.10g}")
        except ValueError as error:
            lines.append(f"DAL (p = 1): undefined ({error})")
        lines += [f"note: {n}" for n in s.notes]
        return "\n".join(lines)

    def _print_Drift(self, d) -> str:
        """The drift, its ``h^2`` term at the start, the mean-value bounds and the verdict."""
        lines = [f"# one-step drift: {d.what}; h = {d.h:g}", f"drift (flow - step): {_vector(d.drift)}",
                 f"h^2 term at the start: {_vector(d.leading)}"]
        if any(float(x) != 0 for x in d.rest):
            lines.append(f"the rest (-beta v - h beta/(1-beta) grad E): {_vector(d.rest)}")
        lines.append(f"mean-value bounds on the path: low {_vector(d.low)}, high {_vector(d.high)}: "
                     + ("the drift lies within them" if d.holds else "the drift lies OUTSIDE them"))
        return "\n".join(lines)

    def _print_LossChange(self, c) -> str:
        """The series of ``E(theta+) - E(theta)`` and the second-order picture per direction."""
        series = " + ".join(f"({x})*h^{p + 1}" for p, x in enumerate(c.coefficients) if x != 0) or "0"
        lines = [f"# E(theta+) - E(theta) over one step of {c.scheme}: {series} + O(h^{c.order + 1})",
                 "to second order the loss decreases along u_i when h lambda_i < "
                 + ("any value (no second-order growth)" if c.threshold is None else str(c.threshold))]
        for i, (lam, value, down) in enumerate(zip(c.eigenvalues, c.per_direction, c.decreases)):
            lines.append(f"direction {i}: lambda = {lam:.10g}, h lambda = {float(c.h) * lam:.6g}, "
                         f"second-order change / h = {value:.10g}: {'decreases' if down else 'increases'}")
        return "\n".join(lines)

    def _print_EosConstants(self, c) -> str:
        """Damian et al.'s constants, one per line."""
        def number(v):
            return "undefined (alpha <= 0: no progressive sharpening)" if v is None else f"{v:.10g}"

        return "\n".join([f"# edge-of-stability constants (Damian et al.) for h = {c.h:g}; 2/h = {2 / c.h:.10g}",
                          f"sharpness S = {c.sharpness:.10g}, u = {_vector(c.u)}",
                          f"grad S = {_vector(c.grad_sharpness)}, its part orthogonal to u = {_vector(c.grad_sharpness_perp)}",
                          f"alpha = {c.alpha:.10g}, beta = {c.beta:.10g}, delta = {number(c.delta)}, "
                          f"epsilon = {number(c.epsilon)}"])

    def _print_TwoCycle(self, c) -> str:
        return "\n".join([f"# the 2-cycle of gradient descent along u, h = {c.h:g} (2/h = {2 / c.h:.10g})",
                          f"offsets along u: {c.offsets[0]:.10g}, {c.offsets[1]:.10g}",
                          f"sharpness on the cycle (F''): {c.sharpness[0]:.10g}, {c.sharpness[1]:.10g}",
                          f"two-step Jacobian spectral radius: {c.radius:.10g} ({'stable' if c.stable else 'unstable'})"])

    def _print_Predicted(self, p) -> str:
        last = len(p.x) - 1
        return "\n".join([f"# Damian et al.'s predicted dynamics, h = {p.h:g}, {last} steps",
                          f"final x = {p.x[-1]:.6g}, y = {p.y[-1]:.6g}, delta^2 = {p.delta[-1] ** 2:.6g}",
                          f"mean x^2 = {float((p.x ** 2).mean()):.6g}, mean sharpness = {float(p.sharpness.mean()):.6g} "
                          f"(2/h = {2 / p.h:.6g})"])

    def _print_Alignment(self, a) -> str:
        return (f"# Wang & Roberts: beta = {a.beta:.10g}, R_2 = {a.ratio:.10g}; gamma_beta (Eq 2) = {a.gamma:.10g}, "
                f"after one step {a.gamma_step:.10g}; eta* = {a.eta_star:.10g}; balancedness {a.balancedness[0]:.10g} -> "
                f"{a.balancedness[1]:.10g}")

    def _print_Rotation(self, r) -> str:
        lines = [f"# the top Hessian eigenvector before and after one step of {r.flow}, h = {r.h:g}",
                 f"u = {_vector(r.u)}, after: {_vector(r.u_after)}; angle {r.angle:.10g} rad"]
        if r.ratio is not None:
            lines.append(f"R_2 = |u_1/u_2| = {r.ratio:.10g} -> {r.ratio_after:.10g}: u rotates "
                         f"{'toward' if r.direction == 'toward' else 'away from'} the first parameter")
        return "\n".join(lines)

    def _print_Amplification(self, a) -> str:
        import sympy

        stable = "" if a.bound is None else f" ({'stable' if a.bound <= 1 else 'unstable'}: max |A| {'<=' if a.bound <= 1 else '>'} 1)"
        modified = " + ".join(f"({sympy.sstr(c)}) d^{k}u/dx^{k}" for k, c in sorted(a.modified.items()))
        return "\n".join(["# von Neumann analysis of u_j+ = sum_m c_m u_(j+m), s = omega dx",
                          f"A(s) = {sympy.sstr(a.factor)}",
                          f"max |A| = {'(symbolic: give the parameters numbers)' if a.bound is None else sympy.sstr(a.bound)}{stable}",
                          f"modified PDE: u_t = {modified or '0'}"])

    def _print_WeightDecayBounds(self, b) -> str:
        import sympy

        verdict = "empty: no weight decay is stable on every mode" if b.empty else "stable for alpha strictly inside"
        return "\n".join([f"# weight decays alpha for which {b.scheme} with dt = {sympy.sstr(b.dt)} is stable on every mode "
                          f"(its interval: 0 < dt lambda < {sympy.sstr(b.x_max)})",
                          f"alpha_min = {sympy.sstr(b.alpha_min)} = {float(b.alpha_min):.6g}",
                          f"alpha_max = {sympy.sstr(b.alpha_max)} = {float(b.alpha_max):.6g}",
                          verdict])

    def _print_Iterates(self, it) -> str:
        lines = [f"# {len(it.path) - 1} gradient-descent steps, h = {it.h:g}; last iterate "
                 + "[" + ", ".join(f"{x:.10g}" for x in it.path[-1]) + "]"]
        lines += [f"WARNING: {name} underflowed (below the smallest normal float) at step {step}: its dynamics are "
                  "lost to round-off from there, not converged" for step, name in it.underflow]
        if it.overflow is not None:
            lines.append(f"WARNING: the iterates overflow at step {it.overflow}; the run stops there")
        return "\n".join(lines)

    def _print_PrincipalFlow(self, pf) -> str:
        return (f"PF(y) = (1/T) phi(M_y - I) c_y, phi(z) = log(1+z)/z; T = {pf.T}, h = {pf.h} "
                f"({pf.scheme.name}, {pf.method}) on {', '.join(map(str, pf.problem.state))}"
                + (f"; + non-principal terms to order {pf.nonprincipal}" if pf.nonprincipal is not None else ""))

    def _print_SchemeInfo(self, info) -> str:
        players = "1 player; --players 2 adds v_phi, v_theta" if info.players == (1, 2) else \
            f"{info.players[0]} player{'s' if info.players[0] > 1 else ''}"
        params = ", ".join(info.params) or "no parameters"
        return f"{info.name:24s} {info.description} [{players}; parameters: {params}]"

    def _print_ProblemSpec(self, spec) -> str:
        return f"{spec.name:18s} {spec.description}{' (two-player schemes)' if spec.games_only else ''}"

    def _print_Entry(self, e) -> str:
        if self.settings["summary"]:
            return f"{e.id:24s} {e.status:9s} {e.source}: {e.statement}"
        return "\n".join([f"{e.id} [{e.status}] {e.source}: {e.statement}", f"covers: {'; '.join(e.covers)}",
                          f"convention: {e.convention}",
                          f"printed: {e.printed_latex}", f"derived: {e.result['latex']}", f"note: {e.note}",
                          f"command: {e.command}"])


_EXACT_WIDTH = 80


def _exact_or_numeric(value, symbolic: bool) -> str:
    """An eigenvalue: exact and numeric; a number whose exact radical form is longer than ``_EXACT_WIDTH``
    characters numeric only (``--format json`` and ``latex`` keep the exact form)."""
    text = str(value)
    if symbolic:
        return text
    if len(text) > _EXACT_WIDTH:
        return f"= {complex_number(value)}  (exact radical form: --format json)"
    return f"{text} = {complex_number(value)}"

