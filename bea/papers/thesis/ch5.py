"""Thesis Ch. 5 [Ros23]: n-step SGD -- its modified losses with factors frozen at theta_{t-1} (Thm
5.2.2, Eqs 5.9-5.36) and the field averaged over the orderings of the batches.
"""

from __future__ import annotations

import sympy

from ...analysis.gradient import gradient_system
from ...analysis.losses import modified_loss
from ...engine.bseries import exact_flow, one_step_map
from ...engine.derive import derive
from ...schemes.builtins import make_scheme
from ...schemes.define import repeat
from ...schemes.define import scheme as define_scheme
from ...schemes.params import COUNT
from ..entry import Entry, P, R, field_entry, field_of_loss, field_values, loss_entry, value_entry

__all__ = ["entries", "averaged_over_orderings"]


def _sgd_loss_522(n: int) -> dict:
    """Thesis Thm 5.2.2 as printed, batches X^{t+mu} -> fields f_{mu+1}."""
    rows = [(0, R(1, n), P(f"E{i}")) for i in range(1, n + 1)]
    rows += [(1, R(1, 4 * n), P(f"E{i}", f"f{j}")) for i in range(1, n + 1) for j in range(1, n + 1)]
    rows += [(1, -R(1, n), P(f"E{mu}", f"f{tau}", frozen=True)) for mu in range(2, n + 1) for tau in range(1, mu)]
    return {"theta": rows}


def _sgd_expectation_513(n: int) -> dict:
    """Thesis Eqs 5.13-5.16 as printed (E without batch index is the mean of the E_i)."""
    rows = [(0, R(1, n), P(f"E{i}")) for i in range(1, n + 1)]
    rows += [(1, R(1, 4 * n), P(f"E{i}", f"f{j}")) for i in range(1, n + 1) for j in range(1, n + 1)]
    rows += [(1, -R(1, 2 * n**3), P(f"E{i}", f"f{j}", frozen=True)) for i in range(1, n + 1) for j in range(1, n + 1)]
    rows += [(1, -R(1, 2 * n), P(f"E{i}", f"f{i}", frozen=True)) for i in range(1, n + 1)]
    return {"theta": rows}


def _mean_loss(n: int) -> dict:
    """Thesis Eq 5.6: the mean of the batch losses."""
    return {"theta": [(0, R(1, n), P(f"E{i}")) for i in range(1, n + 1)]}


def _smith_510(n: int) -> dict:
    """Thesis Eq 5.10 (Smith et al.'s expectation over orderings): E_bar + h/(4n) sum_k |grad E_k|^2."""
    rows = [(0, R(1, n), P(f"E{i}")) for i in range(1, n + 1)]
    rows += [(1, R(1, 4 * n), P(f"E{i}", f"f{i}")) for i in range(1, n + 1)]
    return {"theta": rows}


def _smith_511(n: int) -> dict:
    """Thesis Eqs 5.11-5.12: E_bar + h/4 |grad E_bar|^2 + h/(4n) sum_k |grad E_k - grad E_bar|^2, expanded in the
    potentials grad E_i . grad E_j (E_bar the mean of the E_i)."""
    pairs = [(i, j) for i in range(1, n + 1) for j in range(1, n + 1)]
    rows = [(0, R(1, n), P(f"E{i}")) for i in range(1, n + 1)]
    rows += [(1, R(1, 4 * n**2), P(f"E{i}", f"f{j}")) for i, j in pairs]                 # h/4 |grad E_bar|^2
    rows += [(1, R(1, 4 * n), P(f"E{k}", f"f{k}")) for k in range(1, n + 1)]             # h/(4n) sum |grad E_k|^2
    rows += [(1, -R(2, 4 * n**2), P(f"E{i}", f"f{j}")) for i, j in pairs]                # -2 grad E_k . grad E_bar
    rows += [(1, R(1, 4 * n**2), P(f"E{i}", f"f{j}")) for i, j in pairs]                 # + |grad E_bar|^2
    return {"theta": rows}


def averaged_over_orderings(n: int):
    """The SGD modified field averaged over all orderings of the n batches (exact; the engine's
    :func:`bea.engine.orderings.average_orderings`)."""
    return derive("sgd", 2, n=n, average_orderings=True)


def entries() -> list[Entry]:
    """The Ch. 5 entries."""
    @define_scheme(blocks={"theta": "f"}, params={"n": COUNT}, times=lambda n: {"theta": n}, name="full-batch")
    def full_batch(y, F, h, n):
        """n full-batch gradient descent steps, T = n h."""
        return repeat(n, lambda z: z + h * F.f(z), y)

    def printed_for(rows_of, label="", order=2):
        def printed():
            out = {}
            for n in (2, 3, 4):
                blocks = make_scheme("sgd", n=n).blocks
                out.update(field_of_loss(rows_of(n), gradient_system("sgd", blocks), order, f"{label}n={n}: "))
            return out
        return printed

    def derived_for(flow_of, label=""):
        def derived():
            values = {}
            for n in (2, 3, 4):
                values.update(field_values(flow_of(n), prefix=f"{label}n={n}: "))
            return values
        return derived

    sgd_conv = "n steps of SGD, f_i = -grad E_i (batch X^{t+i-1}), T = n h; E = mean of the E_i; factors frozen at theta_{t-1}"

    def ch5_entry(id_, source, statement, printed, derived, latex_printed, latex_of):
        return Entry(id_, source, statement, sgd_conv, "bea loss --scheme sgd --param n=3 --order 2 --system sgd --frozen",
                     latex_printed, printed, lambda: (derived(), latex_of()))

    return [
        Entry("thesis-lemma5.2.1", "thesis Lemma 5.2.1 (Eq 5.6)", "to first order n SGD steps follow the gradient flow "
              "of the mean batch loss (n = 2, 3, 4)", sgd_conv.replace("; factors frozen at theta_{t-1}", ""),
              "bea loss --scheme sgd --param n=3 --order 1 --system sgd",
              r"\tilde{E}(\theta) = E(\theta; \{X^t, \dots, X^{t+n-1}\})",
              printed_for(_mean_loss, order=1), lambda: (derived_for(lambda n: derive("sgd", 1, n=n))(),
                                                          modified_loss(derive("sgd", 1, n=3), "sgd").to_latex())),
        ch5_entry("thesis-thm5.2.2", "thesis Thm 5.2.2 (Eqs 5.7-5.8)", "modified loss of n SGD steps (n = 2, 3, 4), "
                  "compared through its gradient at theta_{t-1}", printed_for(_sgd_loss_522),
                  derived_for(lambda n: derive("sgd", 2, n=n)),
                  r"\tilde{E} = E + \frac{nh}{4} \|\nabla_{\theta} E\|^2 - \frac{h}{n} \sum_{\mu=1}^{n-1} \left[\nabla_{\theta} "
                  r"E(\theta; X^{t+\mu})^T \left(\sum_{\tau=0}^{\mu-1} \nabla_{\theta} E(\theta_{t-1}; X^{t+\tau}) \right) \right]",
                  lambda: modified_loss(derive("sgd", 2, n=3), "sgd", frozen=True).to_latex()),
        loss_entry("thesis-eq5.9", "thesis Eq 5.9", "the IGR loss of n full-batch gradient descent steps (any n)",
                   "n full-batch steps as one step of time n h (a scheme defined through bea.scheme); f = -grad E",
                   "full-batch", 2, lambda: {"theta": [(0, 1, P("E")), (1, R(1, 4), P("E", "f"))]},
                   r"\tilde{E} = E(\theta; \{X^t, \dots, X^{t+n-1}\}) + \frac{h}{4} \|\nabla_{\theta} E(\theta; \{X^t, \dots, "
                   r"X^{t+n-1}\})\|^2", system="single", flow_of=lambda: derive(full_batch, 2),
                   command="bea paper show thesis-eq5.9"),
        ch5_entry("thesis-eq5.13", "thesis Eqs 5.13-5.16", "the SGD modified loss in expectation over batch orderings "
                  "(n = 2, 3, 4), averaged exactly over all orderings", printed_for(_sgd_expectation_513),
                  derived_for(averaged_over_orderings),
                  r"\mathbb{E}_\sigma [E_{sgd}] = E + \frac{nh}{4} \|\nabla_{\theta} E\|^2 - \frac{h}{2n} \nabla_{\theta} E^T "
                  r"\nabla_{\theta} E(\theta_{t-1}) - \frac{h}{2n} \left[\sum_{k=0}^{n-1} \nabla_{\theta} E(\theta; X^{t+k})^T "
                  r"\nabla_{\theta} E(\theta_{t-1}; X^{t+k}) \right]",
                  lambda: modified_loss(averaged_over_orderings(3), "sgd", frozen=True).to_latex()),
        Entry("thesis-eq5.10", "thesis Eqs 5.10-5.12 (Smith et al.)", "SGD's modified loss averaged over the orderings of "
              "the batches, E_bar + h/(4n) sum_k |grad E_k|^2, and its split into full-batch and variance terms "
              "(n = 2, 3, 4); no frozen factors", sgd_conv.replace("; factors frozen at theta_{t-1}", ""),
              "bea loss --scheme sgd --param n=3 --order 2 --system sgd --average-orderings",
              r"\mathbb{E}_\sigma [E_{sgd}] = E + \frac{h}{4n} \sum_{k=0}^{n-1} \|\nabla_{\theta} E(\theta; X^k)\|^2 "
              r"= E + \frac{h}{4} \|\nabla_{\theta} E\|^2 + \frac{h}{4n} \sum_{k=0}^{n-1} \|\nabla_{\theta} E(\theta; X^k) "
              r"- \nabla_{\theta} E\|^2",
              lambda: {**printed_for(_smith_510, "Eq 5.10 ")(), **printed_for(_smith_511, "Eqs 5.11-5.12 ")()},
              lambda: ({**derived_for(averaged_over_orderings, "Eq 5.10 ")(),
                        **derived_for(averaged_over_orderings, "Eqs 5.11-5.12 ")()},
                       modified_loss(averaged_over_orderings(3), "sgd").to_latex())),
        field_entry("thesis-eq5.22", "thesis Eqs 5.22-5.23", "first-order drift of simultaneous gradient descent in a "
                    "general game: self and interaction terms", "general game f = -grad_phi E_phi, g = -grad_theta E_theta; "
                    "v_phi = v_theta = 1", "simultaneous", 2,
                    {("phi", 1, "f[f]"): -R(1, 2), ("phi", 1, "f[g]"): -R(1, 2),
                     ("theta", 1, "g[g]"): -R(1, 2), ("theta", 1, "g[f]"): -R(1, 2)},
                    r"f_1 = -\frac{1}{4} \nabla_\phi \|\nabla_\phi E_\phi\|^2 - \frac{1}{2} \frac{d\nabla_\phi E_\phi}{d\theta} "
                    r"\nabla_\theta E_\theta, \quad g_1 = -\frac{1}{4} \nabla_\theta \|\nabla_\theta E_\theta\|^2 - \frac{1}{2} "
                    r"\frac{d\nabla_\theta E_\theta}{d\phi} \nabla_\phi E_\phi",
                    system="general", powers={1}, params={"v_phi": 1, "v_theta": 1}),
        loss_entry("thesis-eq5.36", "thesis Eqs 5.36-5.37", "per-iteration modified losses of a general two-player game "
                   "(simultaneous updates, interaction factors frozen at t-1)",
                   "general game f = -grad_phi E_phi, g = -grad_theta E_theta; v_phi = v_theta = 1; frozen at theta_{t-1}",
                   "simultaneous", 2,
                   lambda: {"phi": [(0, 1, P("E_phi")), (1, R(1, 2), P("E_phi", "f")), (1, R(1, 2), P("E_phi", "g", frozen=True))],
                            "theta": [(0, 1, P("E_theta")), (1, R(1, 2), P("E_theta", "g")),
                                      (1, R(1, 2), P("E_theta", "f", frozen=True))]},
                   r"\tilde{E}_{\phi,t} = E_{\phi} + h \left(\frac{1}{2} \|\nabla_{\phi} E_{\phi}\|^2 + \frac{1}{2} "
                   r"\nabla_{\theta} E_{\phi}^T \nabla_{\theta} E_{\theta}(\phi_{t-1}, \theta_{t-1}) \right), \quad "
                   r"\tilde{E}_{\theta,t} = E_{\theta} + h \left(\frac{1}{2} \|\nabla_{\theta} E_{\theta}\|^2 + \frac{1}{2} "
                   r"\nabla_{\phi} E_{\theta}^T \nabla_{\phi} E_{\phi}(\phi_{t-1}, \theta_{t-1}) \right)",
                   system="general", params={"v_phi": 1, "v_theta": 1}, frozen=True),
        _sgd_steps(),
        _gan_interaction(),
    ]


_PHI, _THETA = sympy.symbols("p1 p2"), sympy.symbols("t1 t2")
_GAN_POINT = dict(zip(_PHI + _THETA, (R(1, 2), -R(1, 3), 1, R(1, 4))))
_DATA, _LATENT = (1, R(3, 2)), (R(1, 2), -1)                  # x ~ p*, a batch of B = 2 latents z


def _discriminator(x):
    """D(x; phi) = sigmoid(p1 x + p2 x^2)."""
    return 1 / (1 + sympy.exp(-(_PHI[0] * x + _PHI[1] * x**2)))


def _generator(z):
    """G(z; theta) = t1 z + t2 z^2."""
    return _THETA[0] * z + _THETA[1] * z**2


def _gan_losses() -> dict:
    """E_phi (5.38) and the generator's non-saturating (5.39) and saturating (Sec 5.3.1) losses, each expectation
    a mean over the samples."""
    fakes = [_discriminator(_generator(z)) for z in _LATENT]
    e_phi = (sum(sympy.log(_discriminator(x)) for x in _DATA) / len(_DATA)
             + sum(sympy.log(1 - d) for d in fakes) / len(fakes))
    return {"E_phi": e_phi, "non-saturating": -sum(sympy.log(d) for d in fakes) / len(fakes),
            "saturating": -sum(sympy.log(1 - d) for d in fakes) / len(fakes)}


def _printed_interaction(weight) -> list:
    """-(1/2) grad_phi of the printed regulariser (1/B^2) sum_ij c_ij grad_theta D_i^T grad_theta D_j(t-1)
    (5.40 / 5.42), the t-1 factors frozen (held constant, then taken at the same point): the h^1 part it puts in
    phi' through E~_phi = E_phi + h (... + 1/2 interaction) (5.36); ``weight(D_i, D_j(t-1))`` is c_ij."""
    fakes = [_discriminator(_generator(z)) for z in _LATENT]
    grads = [sympy.Matrix([d.diff(t) for t in _THETA]) for d in fakes]
    frozen_d = [d.xreplace(_GAN_POINT) for d in fakes]
    frozen_grads = [g.xreplace(_GAN_POINT) for g in grads]
    n = len(fakes)
    term = sum(weight(fakes[i], frozen_d[j]) * grads[i].dot(frozen_grads[j]) for i in range(n) for j in range(n)) / n**2
    return [float(sympy.N((-term.diff(p) / 2).xreplace(_GAN_POINT), 30)) for p in _PHI]


def _engine_interaction(generator_losses) -> dict:
    """``{generator loss: [p1, p2]}``: the h^1 part of phi' from the interaction row of the engine's frozen modified
    loss (bea.modified_loss of simultaneous updates, general game), turned into a field by the engine once and
    evaluated on the GAN with each generator loss."""
    flow = derive("simultaneous", 2, v_phi=1, v_theta=1)
    loss = modified_loss(flow, "general", frozen=True)
    terms = loss.field("phi", [row for row in loss.terms["phi"] if row[0] == 1 and any(row[2].frozen)])
    losses = _gan_losses()
    out = {}
    for name in generator_losses:
        fields = {"f": [-losses["E_phi"].diff(p) for p in _PHI], "g": [-losses[name].diff(t) for t in _THETA]}
        problem = flow.problem(fields, {"phi": list(_PHI), "theta": list(_THETA)})
        total = [sympy.Integer(0)] * len(_PHI)
        for (power, tree), c in terms.items():
            for k, value in enumerate(problem.differential(tree)[:len(_PHI)]):
                total[k] += c * value
        out[name] = [float(sympy.N(v.xreplace(_GAN_POINT), 30)) for v in total]
    return out


def _sgd_steps() -> Entry:
    """App C.1-C.2: n SGD steps expanded (C.13-C.14, C.54-C.55), the modified flow over the time n h (C.16-C.18,
    C.56-C.58) and the matching that gives f_1 (C.22-C.23, C.61-C.64), for n = 2, 3, 4: the steps from
    bea.one_step_map, the flow from bea.exact_flow of the batch fields, f_1 from bea.derive."""
    counts = (2, 3, 4)

    def pairs(n):
        return [(i, j) for i in range(1, n + 1) for j in range(1, n + 1)]

    def printed():
        out = {"C.16 n = 2: h^2 coefficient of theta'' = F'F (F the mean field) in theta(tau + 2h)": 4}
        for n in counts:
            out.update({f"C.54-C.55 n = {n}: h^2 f{i}[f{j}] in theta_(t+n-1)": int(i > j) for i, j in pairs(n)})
            out[f"C.57 n = {n}: h^2 coefficient of F'F in theta(tau + n h)"] = R(n**2, 2)
            eq = "C.22-C.23" if n == 2 else "C.63-C.64"
            out.update({f"{eq} n = {n}: f_1 f{i}[f{j}]": -R(1, 2 * n**2) + R(int(i > j), n**2) for i, j in pairs(n)})
        return out

    def derived():
        out = {}
        for n in counts:
            labels = [f"f{i}" for i in range(1, n + 1)]
            step, flow = one_step_map("sgd", 2, n=n), exact_flow(labels, 2)
            modified = derive("sgd", 2, n=n)
            out.update({f"C.54-C.55 n = {n}: h^2 f{i}[f{j}] in theta_(t+n-1)": step.coefficient(f"f{i}[f{j}]")
                        for i, j in pairs(n)})
            # the flow of sum_i f_i for h is that of F = sum_i f_i / n for n h; F'F = sum_ij f_i[f_j] / n^2
            out[f"C.57 n = {n}: h^2 coefficient of F'F in theta(tau + n h)"] = flow.coefficient("f1[f1]") * n**2
            if n == 2:
                out["C.16 n = 2: h^2 coefficient of theta'' = F'F (F the mean field) in theta(tau + 2h)"] = (
                    flow.coefficient("f1[f1]") * n**2)
            eq = "C.22-C.23" if n == 2 else "C.63-C.64"
            out.update({f"{eq} n = {n}: f_1 f{i}[f{j}]": modified.coefficient("theta", f"f{i}[f{j}]") / n
                        for i, j in pairs(n)})
        return out

    return value_entry(
        "thesis-c.1", "thesis App C.1-C.2 (Eqs C.4-C.64)", "n SGD steps step by step: the steps to h^2, theta_(t+n-1) = "
        "theta_(t-1) + n h F + h^2 sum_(mu > tau) f_mu' f_tau (C.13-C.14, C.54-C.55), the modified flow over n h, theta + "
        "n h F + n^2 h^2 (f_1 + F'F/2) (C.16-C.18, C.56-C.57), and f_1 = -F'F/2 + (1/n^2) sum_(mu > tau) f_mu' f_tau "
        "(C.22-C.23, C.61-C.64)",
        "batch X^(t+mu) -> field f_(mu+1) (so f2[f1] = df(X^(t+1))/dtheta f(X^t)); F = sum_i f_i / n; the flow theta' = "
        "F + n h f_1 over T = n h (bea's sgd time); n = 2, 3, 4; f_1 read off bea's field as its h^1 part over n",
        "bea map --scheme sgd --order 2 --param n=2", printed, derived,
        r"\theta(\tau + 2h) = \theta(\tau) + 2h\dot{\theta}(\tau) + 4h^2\ddot{\theta}(\tau) \ \text{(C.16)}, \quad "
        r"\theta_{t+n-1} = \theta_{t-1} + nhf + h^2 \sum_{\tau=0}^{n-1} \sum_{\mu=\tau+1}^{n-1} \frac{df(\cdot; X^{t+\mu})}"
        r"{d\theta} f(\theta_{t-1}; X^{t+\tau}), \quad f_1 = -\frac{1}{2} \frac{df}{d\theta} f + \frac{1}{n^2} "
        r"\sum_{\tau=0}^{n-1} \sum_{\mu=\tau+1}^{n-1} \frac{df(\cdot; X^{t+\mu})}{d\theta} f(\theta_{t-1}; X^{t+\tau})")


def _gan_interaction() -> Entry:
    """Sec 5.3.1 and App C.4.1: the discriminator's interaction term for the non-saturating (5.40-5.41) and the
    saturating (5.42-5.43) GAN losses, compared through the field they put in phi' on a concrete GAN."""
    weights = {"non-saturating": lambda d, d_prev: 1 / ((1 - d) * d_prev),
               "saturating": lambda d, d_prev: 1 / ((1 - d) * (1 - d_prev))}
    eqs = {"non-saturating": "5.40-5.41", "saturating": "5.42-5.43"}

    def printed():
        return {f"{eqs[k]} {k}: h^1 interaction part of phi' {p}": v
                for k in weights for p, v in zip(("p1", "p2"), _printed_interaction(weights[k]))}

    def derived():
        return {f"{eqs[k]} {k}: h^1 interaction part of phi' {p}": v
                for k, values in _engine_interaction(weights).items() for p, v in zip(("p1", "p2"), values)}

    return value_entry(
        "thesis-eq5.40", "thesis Sec 5.3.1 (Eqs 5.38-5.43) and App C.4.1 (Eqs C.93-C.105)", "the discriminator's "
        "interaction term grad_theta E_phi^T grad_theta E_theta(t-1) for GAN losses: (1/B^2) sum_ij c_ij grad_theta "
        "D(G(z_t^i))^T grad_theta D(G(z_{t-1}^j)) with c = 1/((1 - D_i) D_j(t-1)) (non-saturating, 5.40-5.41) and c = "
        "1/((1 - D_i)(1 - D_j(t-1))) (saturating, 5.42-5.43)",
        "the losses as printed: E_phi = E log D(x) + E log(1 - D(G(z))) (5.38), non-saturating E_theta = -E log D(G(z)) "
        "(5.39), saturating E_theta = -E log(1 - D(G(z))); both players minimise (5.36); simultaneous updates, v_phi = "
        "v_theta = 1; D = sigmoid(p1 x + p2 x^2), G = t1 z + t2 z^2, data x = 1, 3/2, latents z = 1/2, -1 (B = 2), at "
        "(p1, p2, t1, t2) = (1/2, -1/3, 1, 1/4); compared through -h/2 grad_phi of the term (the t-1 factors frozen), "
        "against the interaction row of bea's frozen modified loss made a field by the engine and evaluated on the "
        "GAN (30-digit evaluation, compared to 9 digits)",
        "bea loss --scheme simultaneous --order 2 --system general --frozen --param v_phi=1 v_theta=1",
        printed, derived,
        r"\frac{1}{B^2} \sum_{i,j=1}^B c_{i,j} \nabla_{\theta} D(G(z_t^i; \theta); \phi)^T \nabla_{\theta} "
        r"D(G(z_{t-1}^j; \theta_{t-1}); \phi_{t-1}), \quad c_{i,j}^{non-sat} = \frac{1}{1 - D(G(z_t^i))} "
        r"\frac{1}{D(G(z_{t-1}^j))}, \quad c_{i,j}^{sat} = \frac{1}{1 - D(G(z_t^i))} \frac{1}{1 - D(G(z_{t-1}^j))}")


# -- thesis, Appendix B -------------------------------------------------------------------------------
