"""Thesis Ch. 5 [Ros23]: n-step SGD -- its modified losses with factors frozen at theta_{t-1} (Thm
5.2.2, Eqs 5.9-5.36) and the field averaged over the orderings of the batches.
"""

from __future__ import annotations

from ...analysis.gradient import gradient_system
from ...analysis.losses import modified_loss
from ...engine.derive import derive
from ...schemes.builtins import make_scheme
from ...schemes.define import repeat
from ...schemes.define import scheme as define_scheme
from ...schemes.params import COUNT
from ..entry import Entry, P, R, field_entry, field_of_loss, field_values, loss_entry

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
    ]


# -- thesis, Appendix B -------------------------------------------------------------------------------
