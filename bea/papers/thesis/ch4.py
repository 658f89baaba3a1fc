"""Thesis Ch. 4 [Ros23]: two-player games -- the players' modified fields, the K matrices and the
game Jacobians, modified losses, the drift table (Table 4.1) and the game principal flow (Sec
4.8).
"""

from __future__ import annotations

import numpy as np
import sympy

from ...algebra.trees import parse_tree
from ...analysis.cancel import cancel, regularised
from ...analysis.gradient import gradient_system
from ...analysis.losses import modified_loss
from ...analysis.principal_flow import principal_flow
from ...analysis.stability import equilibrium_jacobian
from ...concrete.library import get_problem
from ...engine.derive import derive, principal
from ..entry import (PER_PLAYER, SAME, SINGLE, ZERO_SUM, Entry, P, Quoted, R, field_entry, h, k, loss_entry, m, v_phi,
                     v_theta, value_entry)

__all__ = ["entries"]


def _two_player_fields() -> list[Entry]:
    F = {  # printed coefficients of F(tree), thesis notation df/dphi f = f[f], df/dtheta g = f[g]
        "thesis-thm4.2.1": ("simultaneous", "per-player", {
            ("phi", 0, "f"): 1, ("phi", 1, "f[f]"): -v_phi / 2, ("phi", 1, "f[g]"): -v_phi / 2,
            ("theta", 0, "g"): 1, ("theta", 1, "g[f]"): -v_theta / 2, ("theta", 1, "g[g]"): -v_theta / 2},
            r"\dot{\phi} = f - \frac{v_\phi h}{2} \left(\frac{df}{d\phi} f + \frac{df}{d\theta} g \right), \quad "
            r"\dot{\theta} = g - \frac{v_\theta h}{2} \left(\frac{dg}{d\phi} f + \frac{dg}{d\theta} g \right)",
            "Thm 4.2.1 (Eqs 4.15-4.16)", "simultaneous Euler updates, first-order drift"),
        "thesis-thm4.2.2": ("alternating", "per-player", {
            ("phi", 0, "f"): 1, ("phi", 1, "f[f]"): -v_phi / (2 * m), ("phi", 1, "f[g]"): -v_phi / 2,
            ("theta", 0, "g"): 1, ("theta", 1, "g[f]"): -v_theta / 2 * (1 - 2 * v_phi / v_theta),
            ("theta", 1, "g[g]"): -v_theta / (2 * k)},
            r"\dot{\phi} = f - \frac{v_\phi h}{2} \left(\frac{1}{m} \frac{df}{d\phi} f + \frac{df}{d\theta} g \right), \quad "
            r"\dot{\theta} = g - \frac{v_\theta h}{2} \left(\left(1 - \frac{2v_\phi}{v_\theta}\right) \frac{dg}{d\phi} f "
            r"+ \frac{1}{k} \frac{dg}{d\theta} g \right)",
            "Thm 4.2.2 (Eqs 4.19-4.20)", "alternating Euler updates (m and k inner steps), first-order drift"),
        "thesis-thm4.7.1": ("simultaneous", "same", {
            ("phi", 0, "f"): v_phi, ("phi", 1, "f[f]"): -v_phi**2 / 2, ("phi", 1, "f[g]"): -v_phi * v_theta / 2,
            ("theta", 0, "g"): v_theta, ("theta", 1, "g[f]"): -v_phi * v_theta / 2, ("theta", 1, "g[g]"): -v_theta**2 / 2},
            r"\dot{\phi} = v_\phi f - \frac{h}{2} \left(v_\phi^2 \frac{df}{d\phi} f + v_\phi v_\theta \frac{df}{d\theta} g \right), "
            r"\quad \dot{\theta} = v_\theta g - \frac{h}{2} \left(v_\phi v_\theta \frac{dg}{d\phi} f + v_\theta^2 \frac{dg}{d\theta} g \right)",
            "Thm 4.7.1 (Eqs 4.49-4.50)", "simultaneous Euler updates under the same physical time"),
        "thesis-thm4.7.2": ("alternating", "same", {
            ("phi", 0, "f"): v_phi, ("phi", 1, "f[f]"): -v_phi**2 / (2 * m), ("phi", 1, "f[g]"): -v_phi * v_theta / 2,
            ("theta", 0, "g"): v_theta, ("theta", 1, "g[f]"): v_theta * v_phi / 2, ("theta", 1, "g[g]"): -v_theta**2 / (2 * k)},
            r"\dot{\phi} = v_\phi f - \frac{h}{2} \left(\frac{v_\phi^2}{m} \frac{df}{d\phi} f + v_\phi v_\theta \frac{df}{d\theta} g \right), "
            r"\quad \dot{\theta} = v_\theta g - \frac{h}{2} \left(-v_\theta v_\phi \frac{dg}{d\phi} f + \frac{v_\theta^2}{k} "
            r"\frac{dg}{d\theta} g \right)",
            "Thm 4.7.2 (Eqs 4.51-4.52)", "alternating Euler updates under the same physical time"),
    }
    out = []
    for id_, (scheme, time, printed, latex, source, statement) in F.items():
        convention = (PER_PLAYER if time == "per-player" else SAME) + "; general fields f, g"
        out.append(field_entry(id_, "thesis " + source, statement, convention, scheme, 2, printed, latex, time=time))
    return out


_BLOCKS = {"f_phi": sympy.Matrix([[1, 2], [-1, 3]]), "f_theta": sympy.Matrix([[0, 1], [2, -1]]),
           "g_phi": sympy.Matrix([[1, -2], [3, 1]]), "g_theta": sympy.Matrix([[2, 1], [0, -1]])}


def _block_jacobians(scheme: str) -> tuple[sympy.Matrix, sympy.Matrix]:
    """``(J, J~)``: the Jacobians of the original flow and of the engine's order-2 modified flow at the equilibrium 0
    of the linear game f = f_phi phi + f_theta theta, g = g_phi phi + g_theta theta with 2 x 2 blocks (non-symmetric;
    the products do not commute)."""
    phi, theta = sympy.symbols("p1 p2"), sympy.symbols("q1 q2")
    P, Q = sympy.Matrix(phi), sympy.Matrix(theta)
    b = _BLOCKS
    fields = {"f": list(b["f_phi"] * P + b["f_theta"] * Q), "g": list(b["g_phi"] * P + b["g_theta"] * Q)}
    J = sympy.BlockMatrix([[b["f_phi"], b["f_theta"]], [b["g_phi"], b["g_theta"]]]).as_explicit()
    modified = derive(scheme, 2, time="per-player").jacobian(fields, {"phi": list(phi), "theta": list(theta)},
                                                             {str(v): 0 for v in phi + theta})
    return J, sympy.Matrix(modified)


def _block_k_derived(scheme: str) -> dict:
    """K = (J - J~) 2/h of the engine's modified Jacobian on the 2 x 2-block linear game (:func:`_block_jacobians`)."""
    J, modified = _block_jacobians(scheme)
    K = ((J - modified) * 2 / h).applyfunc(sympy.simplify)
    return {f"2x2 blocks: K[{i},{j}]": K[i, j] for i in range(4) for j in range(4)}


def _traces() -> Entry:
    """Thesis B.178, B.179 and B.192: the trace of the modified Jacobian, printed through traces of block products,
    against the trace of the engine's modified Jacobian: on the 2 x 2-block linear game, and (B.179) on a zero-sum
    quadratic game with 2-D players and a non-symmetric mixed block, and on Dirac-GAN."""
    fp, ft, gp, gt = (_BLOCKS[n] for n in ("f_phi", "f_theta", "g_phi", "g_theta"))
    A, B, C = sympy.Matrix([[2, 1], [1, 3]]), sympy.Matrix([[1, -1], [-1, 4]]), sympy.Matrix([[1, 2], [-3, 1]])
    p, q = sympy.Matrix(sympy.symbols("p1 p2")), sympy.Matrix(sympy.symbols("q1 q2"))
    E = ((p.T * A * p) / 2 + p.T * C * q - (q.T * B * q) / 2)[0]   # Hess_phi E = A, Hess_theta E = -B: Tr J = Tr A + Tr B
    norm2 = lambda M: sum(x**2 for x in M)                                   # the squared Frobenius norm

    def printed():
        trace = (fp.trace() + gt.trace(), (fp * fp).trace(), (gt * gt).trace(), (ft * gp).trace())
        tr_j, ff, gg, fg = trace
        return {
            "B.178 Tr J~ simultaneous, 2x2 blocks": tr_j - h / 2 * (v_phi * ff + v_theta * gg) - h / 2 * (v_phi + v_theta) * fg,
            "B.192 Tr J~ alternating, 2x2 blocks": tr_j - h / 2 * (v_phi / m * ff + v_theta / k * gg)
            - h / 2 * (v_theta - v_phi) * fg,
            "B.179 Tr J~ zero-sum, 2-D players": (A.trace() + B.trace()) - h / 2 * (v_phi * norm2(A) + v_theta * norm2(B))
            + h / 2 * (v_phi + v_theta) * norm2(C),
            "B.179 Dirac-GAN Tr J~ (l'(0) = 1/2)": h * (v_phi + v_theta) * R(1, 2)**2 / 2,
        }

    def derived():
        out = {"B.178 Tr J~ simultaneous, 2x2 blocks": _block_jacobians("simultaneous")[1].trace(),
               "B.192 Tr J~ alternating, 2x2 blocks": _block_jacobians("alternating")[1].trace()}
        flow = derive("simultaneous", 2, time="per-player")
        fields = {"f": [E.diff(x) for x in p], "g": [-E.diff(x) for x in q]}
        J = flow.jacobian(fields, {"phi": list(p), "theta": list(q)}, {str(x): 0 for x in list(p) + list(q)})
        out["B.179 Tr J~ zero-sum, 2-D players"] = sympy.Matrix(J).trace()
        game = get_problem("dirac-gan").instance({"phi": ("f",), "theta": ("g",)})
        out["B.179 Dirac-GAN Tr J~ (l'(0) = 1/2)"] = flow.jacobian(game.fields, game.variables, {"phi": 0, "theta": 0}).trace()
        return {name: sympy.simplify(value) for name, value in out.items()}

    return value_entry(
        "thesis-b.4", "thesis App B.4 (Eqs B.178, B.179, B.192)", "the trace of the modified Jacobian at an "
        "equilibrium: Tr J~ = Tr J - h/2 (v_phi Tr (df/dphi)^2 + v_theta Tr (dg/dtheta)^2) - h/2 (v_phi + v_theta) "
        "Tr (df/dtheta dg/dphi) (simultaneous, B.178), its zero-sum form with Frobenius norms (B.179, and Dirac-GAN's "
        "h (v_phi + v_theta) |grad_phitheta E|^2/2 > 0), and the alternating form with (v_theta - v_phi) (B.192)",
        PER_PLAYER + "; 2 x 2 blocks f_phi = [[1, 2], [-1, 3]], f_theta = [[0, 1], [2, -1]], g_phi = [[1, -2], [3, 1]], "
        "g_theta = [[2, 1], [0, -1]] on a linear game; B.179 on E = p^T A p/2 + p^T C q - q^T B q/2 with A = [[2, 1], "
        "[1, 3]], B = [[1, -1], [-1, 4]], C = [[1, 2], [-3, 1]] (zero-sum: f = grad_phi E, g = -grad_theta E) and on "
        "Dirac-GAN (l = -log(1 + e^-t)); the traces of the engine's modified Jacobians, exact",
        "bea stability --scheme simultaneous --order 2 --problem dirac-gan --at phi=0 theta=0", printed, derived,
        r"\mathrm{Tr}(\tilde{J}) = \mathrm{Tr}(J) - \frac{h}{2} \left(v_\phi \mathrm{Tr}\left(\left(\frac{df}{d\phi}"
        r"\right)^2\right) + v_\theta \mathrm{Tr}\left(\left(\frac{dg}{d\theta}\right)^2\right)\right) - \frac{h}{2}"
        r"(v_\phi + v_\theta) \mathrm{Tr}\left(\frac{df}{d\theta} \frac{dg}{d\phi}\right), \quad \mathrm{Tr}(\tilde{J}) = "
        r"\mathrm{Tr}(J) - \frac{h}{2} \left(v_\phi \|\nabla_\phi^2 E\|_2^2 + v_\theta \|\nabla_\theta^2 E\|_2^2 \right) + "
        r"\frac{h}{2}(v_\phi + v_\theta) \|\nabla_{\phi,\theta} E\|_2^2")


def _block_k_printed(rows) -> dict:
    """A printed K, ``rows(f_phi, f_theta, g_phi, g_theta)`` a 2 x 2 nesting of block expressions, on the blocks."""
    K = sympy.BlockMatrix(rows(*(_BLOCKS[n] for n in ("f_phi", "f_theta", "g_phi", "g_theta")))).as_explicit()
    return {f"2x2 blocks: K[{i},{j}]": sympy.simplify(K[i, j]) for i in range(4) for j in range(4)}


def _k_matrices() -> list[Entry]:
    f_phi, f_theta, g_phi, g_theta = sympy.symbols("f_phi f_theta g_phi g_theta")
    J = sympy.Matrix([[f_phi, f_theta], [g_phi, g_theta]])

    def derived(scheme):
        def run():
            K = sympy.expand((J - equilibrium_jacobian(derive(scheme, 2, time="per-player"))) * 2 / h)
            return {f"K[{i},{j}]": K[i, j] for i in range(2) for j in range(2)}
        return run

    c = 1 - 2 * v_phi / v_theta
    sim = [[v_phi * f_phi**2 + v_phi * f_theta * g_phi, v_phi * f_phi * f_theta + v_phi * f_theta * g_theta],
           [v_theta * g_theta * g_phi + v_theta * g_phi * f_phi, v_theta * g_theta**2 + v_theta * g_phi * f_theta]]
    alt = [[v_phi / m * f_phi**2 + v_phi * f_theta * g_phi, v_phi / m * f_phi * f_theta + v_phi * f_theta * g_theta],
           [v_theta / k * g_theta * g_phi + v_theta * c * g_phi * f_phi, v_theta / k * g_theta**2 + v_theta * c * g_phi * f_theta]]
    conv = PER_PLAYER + ("; J~ = J - h/2 K at an equilibrium (f = g = 0), f_phi = df/dphi; 1-D players symbolically, "
                         "and 2 x 2 blocks (non-symmetric, non-commuting) on a linear game, exactly, the printed products "
                         "in the printed order")

    def sim_blocks(fp, ft, gp, gt):
        return [[v_phi * (fp * fp + ft * gp), v_phi * (fp * ft + ft * gt)],
                [v_theta * (gt * gp + gp * fp), v_theta * (gt * gt + gp * ft)]]

    def alt_blocks(fp, ft, gp, gt):
        return [[v_phi / m * fp * fp + v_phi * ft * gp, v_phi / m * fp * ft + v_phi * ft * gt],
                [v_theta / k * gt * gp + v_theta * c * gp * fp, v_theta / k * gt * gt + v_theta * c * gp * ft]]

    def with_blocks(run, scheme):
        return lambda: {**run(), **_block_k_derived(scheme)}
    return [
        value_entry("thesis-eq4.25", "thesis Eq 4.25", "K of simultaneous updates in the modified Jacobian (Eq 4.24)",
                    conv, "bea derive --scheme simultaneous --order 2 --time per-player",
                    lambda: {**{f"K[{i},{j}]": sim[i][j] for i in range(2) for j in range(2)},
                             **_block_k_printed(sim_blocks)},
                    with_blocks(derived("simultaneous"), "simultaneous"),
                    r"K_{sim} = \begin{bmatrix} v_\phi (f_\phi)^2 + v_\phi f_\theta g_\phi & v_\phi f_\phi f_\theta + "
                    r"v_\phi f_\theta g_\theta \\ v_\theta g_\theta g_\phi + v_\theta g_\phi f_\phi & v_\theta (g_\theta)^2 + "
                    r"v_\theta g_\phi f_\theta \end{bmatrix}"),
        value_entry("thesis-eq4.26", "thesis Eq 4.26", "K of alternating updates in the modified Jacobian (Eq 4.24)",
                    conv, "bea derive --scheme alternating --order 2 --time per-player",
                    lambda: {**{f"K[{i},{j}]": alt[i][j] for i in range(2) for j in range(2)},
                             **_block_k_printed(alt_blocks)},
                    with_blocks(derived("alternating"), "alternating"),
                    r"K_{alt} = \begin{bmatrix} \frac{v_\phi}{m} (f_\phi)^2 + v_\phi f_\theta g_\phi & \frac{v_\phi}{m} "
                    r"f_\phi f_\theta + v_\phi f_\theta g_\theta \\ \frac{v_\theta}{k} g_\theta g_\phi + v_\theta (1 - "
                    r"\frac{2v_\phi}{v_\theta}) g_\phi f_\phi & \frac{v_\theta}{k} (g_\theta)^2 + v_\theta (1 - "
                    r"\frac{2v_\phi}{v_\theta}) g_\phi f_\theta \end{bmatrix}"),
    ]


def _linear_game_jacobian(scheme, **params):
    e1, e2, phi, theta = sympy.symbols("epsilon1 epsilon2 phi theta")
    fields = {"f": [-e1 * phi + theta], "g": [e2 * theta - phi]}          # thesis Eq 4.23
    flow = derive(scheme, 2, v_phi=1, v_theta=1, **params)
    return flow.jacobian(fields, {"phi": [phi], "theta": [theta]}, {"phi": 0, "theta": 0})


_A, _B, _C, _D = sympy.symbols("a b c d")                    # phi = (a, b), theta = (c, d): 2-D players
_E_PHI = _A**2 * _C + 2 * _A * _B * _D + _B**2 / 2 + 3 * _A * _D**2 - _B * _C
_E_THETA = _C**2 * _B + _C * _D * _A - _D**2 + 2 * _B**2 * _D + _A * _C
_AT_GAME = {_A: R(1, 2), _B: R(-1, 3), _C: R(2, 3), _D: R(1, 4)}
_PHI, _THETA = [_A, _B], [_C, _D]


def _mixed(E, rows, cols) -> sympy.Matrix:
    """``[d^2 E / d rows_i d cols_j]``: d/d(cols) of d E/d(rows)."""
    return sympy.Matrix([[E.diff(r, c) for c in cols] for r in rows])


def _game_jacobian_printed() -> dict:
    """Eqs 2.49-2.52 as printed, from the losses' derivatives at the point."""
    J = sympy.BlockMatrix([[-_mixed(_E_PHI, _PHI, _PHI), -_mixed(_E_PHI, _PHI, _THETA)],
                           [-_mixed(_E_THETA, _THETA, _PHI), -_mixed(_E_THETA, _THETA, _THETA)]]).as_explicit()
    Z = sympy.BlockMatrix([[-_mixed(_E_PHI, _PHI, _PHI), -_mixed(_E_PHI, _PHI, _THETA)],
                           [_mixed(_E_PHI, _THETA, _PHI), _mixed(_E_PHI, _THETA, _THETA)]]).as_explicit()
    sym = sympy.diag(-_mixed(_E_PHI, _PHI, _PHI), _mixed(_E_PHI, _THETA, _THETA))
    grad = lambda E, vs: sympy.Matrix([E.diff(v) for v in vs])                       # noqa: E731
    rate = -grad(_E_PHI, _PHI).dot(grad(_E_PHI, _PHI)) - grad(_E_THETA, _THETA).dot(grad(_E_PHI, _THETA))
    out = {"dE_phi/dt (2.49)": rate.xreplace(_AT_GAME)}
    for name, M in (("J (2.50)", J), ("J zero-sum (2.51)", Z), ("J + J^T zero-sum (2.52)", sym)):
        out.update({f"{name}[{i},{j}]": M.xreplace(_AT_GAME)[i, j] for i in range(4) for j in range(4)})
    return out


def _game_jacobian_derived() -> dict:
    """The Jacobians of the engine's order-1 simultaneous flow (the game's flow, Eqs 2.47-2.48) on the general
    game and on the zero-sum game E_phi = -E_theta = E_phi; dE_phi/dt = grad E_phi . (the flow's field)."""
    variables = {"phi": _PHI, "theta": _THETA}
    at = {str(v): value for v, value in _AT_GAME.items()}
    flow = derive("simultaneous", 1, v_phi=1, v_theta=1)
    general = {"f": [-_E_PHI.diff(v) for v in _PHI], "g": [-_E_THETA.diff(v) for v in _THETA]}
    zero_sum = {"f": [-_E_PHI.diff(v) for v in _PHI], "g": [_E_PHI.diff(v) for v in _THETA]}
    field = flow.evaluate(general, variables)
    rate = sum(_E_PHI.diff(v) * field[i] for i, v in enumerate(_PHI + _THETA))
    out = {"dE_phi/dt (2.49)": sympy.simplify(rate.xreplace(_AT_GAME))}
    J, Z = flow.jacobian(general, variables, at), flow.jacobian(zero_sum, variables, at)
    for name, M in (("J (2.50)", J), ("J zero-sum (2.51)", Z), ("J + J^T zero-sum (2.52)", Z + Z.T)):
        out.update({f"{name}[{i},{j}]": sympy.nsimplify(M[i, j]) for i in range(4) for j in range(4)})
    return out


def _eq427_428() -> list[Entry]:
    e1, e2 = sympy.symbols("epsilon1 epsilon2")
    sim = [[-e1 - h / 2 * e1**2 + h / 2, 1 + h / 2 * e1 - h / 2 * e2], [-1 - h / 2 * e1 + h / 2 * e2, e2 + h / 2 - h / 2 * e2**2]]
    alt = [[-e1 - h / 2 * e1**2 + h / 2, 1 + h / 2 * e1 - h / 2 * e2], [-1 + h / 2 * e1 + h / 2 * e2, e2 - h / 2 - h / 2 * e2**2]]
    conv = "the game of Eq 4.23 (f = -epsilon1 phi + theta, g = epsilon2 theta - phi), v_phi = v_theta = 1, m = k = 1"

    def matrix(M):
        return {f"J[{i},{j}]": M[i][j] for i in range(2) for j in range(2)}

    def derived_sim():
        return matrix(_linear_game_jacobian("simultaneous").tolist())

    def derived_alt():
        values = matrix(_linear_game_jacobian("alternating", m=1, k=1).tolist())
        at = {e1: R(9, 100), e2: R(9, 100), h: R(1, 5)}
        for name, scheme, params in (("Tr J_sim", "simultaneous", {}), ("Tr J_alt", "alternating", {"m": 1, "k": 1})):
            values[name] = _linear_game_jacobian(scheme, **params).subs(at).trace()
        values["det J_alt"] = _linear_game_jacobian("alternating", m=1, k=1).subs(at).det()
        return values

    numbers = {"Tr J_sim": Quoted("0.19"), "Tr J_alt": Quoted("-0.0016"), "det J_alt": Quoted("0.981")}
    return [
        value_entry("thesis-eq2.50", "thesis Eqs 2.49-2.52", "the game flow's loss change dE_phi/dt = -|grad_phi E_phi|^2 "
                    "- grad_theta E_theta . grad_theta E_phi (2.49), its Jacobian (2.50), the zero-sum Jacobian (2.51) and "
                    "its symmetric part, printed J + J^T = diag(-Hess_phi E, Hess_theta E) (2.52: the sum is twice that; "
                    "(J + J^T)/2 is the printed matrix, the eigenvalue signs it is used for are unchanged)",
                    "2-D players phi = (a, b), theta = (c, d); E_phi = a^2 c + 2 a b d + b^2/2 + 3 a d^2 - b c, E_theta = "
                    "c^2 b + c d a - d^2 + 2 b^2 d + a c (non-symmetric mixed blocks), zero-sum with E = E_phi, at (1/2, "
                    "-1/3, 2/3, 1/4); the Jacobians of bea's order-1 simultaneous flow (the game's flow, Eqs 2.47-2.48), exact",
                    "bea stability --scheme simultaneous --order 1 --field f=-2*a*c-2*b*d-3*d^2 --field f=-2*a*d-b+c "
                    "--field g=-2*c*b-d*a-a --field g=-c*a+2*d-2*b^2 --var phi=a,b --var theta=c,d "
                    "--at a=1/2 b=-1/3 c=2/3 d=1/4 --param v_phi=1 v_theta=1",
                    _game_jacobian_printed, _game_jacobian_derived,
                    r"\mathbf{J} = \begin{bmatrix} -\frac{dE_\phi}{d\phi d\phi} & -\frac{dE_\phi}{d\theta d\phi} \\ "
                    r"-\frac{dE_\theta}{d\phi d\theta} & -\frac{dE_\theta}{d\theta d\theta} \end{bmatrix}, \quad "
                    r"\mathbf{J} + \mathbf{J}^T = \begin{bmatrix} -\nabla_\phi^2 E & \mathbf{0} \\ \mathbf{0} & "
                    r"\nabla_\theta^2 E \end{bmatrix}"),
        value_entry("thesis-eq4.27", "thesis Eq 4.27", "modified Jacobian of simultaneous updates on the game of Eq 4.23",
                    conv, "bea stability --scheme simultaneous --order 2 --problem linear-game --param v_phi=1 v_theta=1 "
                    "--at phi=0 theta=0", lambda: matrix(sim), derived_sim,
                    r"\tilde{J}_{sim} = \begin{bmatrix} -\epsilon_1 - h/2\epsilon_1^2 + h/2 & 1 + h/2\epsilon_1 - h/2\epsilon_2 "
                    r"\\ -1 - h/2\epsilon_1 + h/2\epsilon_2 & \epsilon_2 + h/2 - h/2\epsilon_2^2 \end{bmatrix}"),
        value_entry("thesis-eq4.28", "thesis Eq 4.28 and the numbers after it",
                    "modified Jacobian of alternating updates on the game of Eq 4.23; traces and determinant at "
                    "epsilon = 0.09, v h = 0.2", conv + "; a quoted decimal agrees when the exact value rounds to it",
                    "bea stability --scheme alternating --order 2 --problem linear-game --param v_phi=1 v_theta=1 m=1 k=1 "
                    "--at phi=0 theta=0 --h 1/5", lambda: {**matrix(alt), **numbers}, derived_alt,
                    r"\tilde{J}_{alt} = \begin{bmatrix} -\epsilon_1 - h/2\epsilon_1^2 + h/2 & 1 + h/2\epsilon_1 - h/2\epsilon_2 "
                    r"\\ -1 + h/2\epsilon_1 + h/2\epsilon_2 & \epsilon_2 - h/2 - h/2\epsilon_2^2 \end{bmatrix};\ "
                    r"\mathrm{Tr}(\tilde{J}_{sim}) = 0.19,\ \mathrm{Tr}(\tilde{J}_{alt}) = -0.0016,\ |\tilde{J}_{alt}| = 0.981"),
    ]


def _losses() -> list[Entry]:
    E = "E"
    out = [
        loss_entry("thesis-eq2.36", "thesis Eq 2.36", "the IGR modified loss of gradient descent", SINGLE, "euler", 2,
                   lambda: {"theta": [(0, 1, P(E)), (1, R(1, 4), P(E, "f"))]},
                   r"\tilde{E}(\theta) = E(\theta) + \frac{h}{4}\|\nabla_{\theta}E(\theta)\|^2", system="single"),
        loss_entry("thesis-cor4.4.1", "thesis Cor 4.4.1 (Eqs 4.29-4.30)",
                   "common-payoff game, alternating updates with one update per player",
                   PER_PLAYER + "; common payoff E_phi = E_theta = E; m = k = 1", "alternating", 2,
                   lambda: {"phi": [(0, 1, P(E)), (1, v_phi / 4, P(E, "f")), (1, v_phi / 4, P(E, "g"))],
                            "theta": [(0, 1, P(E)), (1, v_theta / 4 * (1 - 2 * v_phi / v_theta), P(E, "f")),
                                      (1, v_theta / 4, P(E, "g"))]},
                   r"\tilde{E}_\phi = E + \frac{v_\phi h}{4} (\|\nabla_\phi E\|^2 + \|\nabla_\theta E\|^2), \quad "
                   r"\tilde{E}_\theta = E + \frac{v_\theta h}{4} \left(\left(1 - \frac{2v_\phi}{v_\theta}\right) "
                   r"\|\nabla_\phi E\|^2 + \|\nabla_\theta E\|^2 \right)",
                   system="common-payoff", time="per-player", params={"m": 1, "k": 1}),
    ]
    zs = {
        "thesis-cor4.5.1": ("simultaneous", "per-player", {}, "Eqs 4.31-4.32",
                            [(-1, None), (v_phi / 4, "f"), (-v_phi / 4, "g")], [(1, None), (-v_theta / 4, "f"), (v_theta / 4, "g")],
                            r"\tilde{E}_\phi = -E + \frac{v_\phi h}{4} \|\nabla_\phi E\|^2 - \frac{v_\phi h}{4} \|\nabla_\theta E\|^2, "
                            r"\quad \tilde{E}_\theta = E - \frac{v_\theta h}{4} \|\nabla_\phi E\|^2 + \frac{v_\theta h}{4} \|\nabla_\theta E\|^2"),
        "thesis-cor4.5.2": ("alternating", "per-player", {}, "Eqs 4.33-4.34",
                            [(-1, None), (v_phi / (4 * m), "f"), (-v_phi / 4, "g")],
                            [(1, None), (-v_theta / 4 * (1 - 2 * v_phi / v_theta), "f"), (v_theta / (4 * k), "g")],
                            r"\tilde{E}_\phi = -E + \frac{v_\phi h}{4m} \|\nabla_\phi E\|^2 - \frac{v_\phi h}{4} \|\nabla_\theta E\|^2, "
                            r"\quad \tilde{E}_\theta = E - \frac{v_\theta h}{4} \left(1 - \frac{2v_\phi}{v_\theta}\right) "
                            r"\|\nabla_\phi E\|^2 + \frac{v_\theta h}{4k} \|\nabla_\theta E\|^2"),
        "thesis-cor4.7.1": ("simultaneous", "same", {}, "Eqs 4.53-4.54",
                            [(-v_phi, None), (v_phi**2 / 4, "f"), (-v_phi * v_theta / 4, "g")],
                            [(v_theta, None), (-v_phi * v_theta / 4, "f"), (v_theta**2 / 4, "g")],
                            r"\tilde{E}_\phi = -v_\phi E + \frac{v_\phi^2 h}{4} \|\nabla_\phi E\|^2 - \frac{v_\phi v_\theta h}{4} "
                            r"\|\nabla_\theta E\|^2, \quad \tilde{E}_\theta = v_\theta E - \frac{v_\phi v_\theta h}{4} \|\nabla_\phi E\|^2 "
                            r"+ \frac{v_\theta^2 h}{4} \|\nabla_\theta E\|^2"),
        "thesis-cor4.7.2": ("alternating", "same", {}, "Eqs 4.55-4.56",
                            [(-v_phi, None), (v_phi**2 / (4 * m), "f"), (-v_phi * v_theta / 4, "g")],
                            [(v_theta, None), (v_phi * v_theta / 4, "f"), (v_theta**2 / (4 * k), "g")],
                            r"\tilde{E}_\phi = -v_\phi E + \frac{v_\phi^2 h}{4m} \|\nabla_\phi E\|^2 - \frac{v_\phi v_\theta h}{4} "
                            r"\|\nabla_\theta E\|^2, \quad \tilde{E}_\theta = v_\theta E + \frac{v_\phi v_\theta h}{4} \|\nabla_\phi E\|^2 "
                            r"+ \frac{v_\theta^2 h}{4k} \|\nabla_\theta E\|^2"),
    }
    for id_, (scheme, time, params, eqs, phi_rows, theta_rows, latex) in zs.items():
        def printed(phi_rows=phi_rows, theta_rows=theta_rows):
            return {b: [(0 if child is None else 1, c, P(E) if child is None else P(E, child)) for c, child in rows]
                    for b, rows in (("phi", phi_rows), ("theta", theta_rows))}
        convention = (PER_PLAYER if time == "per-player" else SAME) + "; " + ZERO_SUM
        out.append(loss_entry(id_, f"thesis Cor {id_[10:]} ({eqs})", f"zero-sum game, {scheme} updates: modified losses",
                              convention, scheme, 2, printed, latex, system="zero-sum", time=time, params=params))
    return out


def _table41() -> Entry:
    """Interaction coefficients of the displacement over one step: ``T_b`` times the field's coefficient of
    ``grad_b |grad_other E|^2`` (zero-sum, thesis Sec 4.5 convention)."""
    rows = {"Cor 4.5.1": ("simultaneous", "per-player"), "Cor 4.7.1": ("simultaneous", "same"),
            "Cor 4.5.2": ("alternating", "per-player"), "Cor 4.7.2": ("alternating", "same")}

    def derived():
        gs = None
        out = {}
        for name, (scheme, time) in rows.items():
            flow = derive(scheme, 2, time=time, **({"m": 1, "k": 1} if scheme == "alternating" else {}))
            gs = gradient_system("zero-sum", flow.blocks)
            for block, tree in (("phi", "f[g]"), ("theta", "g[f]")):
                # F(tree) = sign * G(tree) and G(f[g]) = grad_phi theta E grad_theta E = 1/2 grad_phi |grad_theta E|^2
                c = flow.coefficient(block, tree) * gs.tree_sign(parse_tree(tree)) / 2
                out[f"{name} {block}"] = sympy.expand(flow.time[block] * h * c)
        return out

    printed = {"Cor 4.5.1 phi": v_phi**2 * h**2 / 4, "Cor 4.5.1 theta": v_theta**2 * h**2 / 4,
               "Cor 4.7.1 phi": v_phi * v_theta * h**2 / 4, "Cor 4.7.1 theta": v_phi * v_theta * h**2 / 4,
               "Cor 4.5.2 phi": v_phi**2 * h**2 / 4, "Cor 4.5.2 theta": v_theta**2 * h / 4 - 2 * v_phi * v_theta * h**2 / 4,
               "Cor 4.7.2 phi": v_phi * v_theta * h**2 / 4, "Cor 4.7.2 theta": -v_phi * v_theta * h**2 / 4}
    return value_entry("thesis-table4.1", "thesis Table 4.1", "strength of the interaction terms in the displacement "
                       "of one step, both time conventions", ZERO_SUM + "; coefficient of grad_b |grad_other E|^2 times T_b; "
                       "m = k = 1", "bea derive --scheme alternating --order 2 --time per-player --gradient zero-sum",
                       lambda: printed, derived,
                       r"\begin{array}{lll} \text{Cor 4.5.1} & \frac{v_\phi^2 h^2}{4} & \frac{v_\theta^2 h^2}{4} \\ "
                       r"\text{Cor 4.7.1} & \frac{v_\phi v_\theta h^2}{4} & \frac{v_\phi v_\theta h^2}{4} \\ "
                       r"\text{Cor 4.5.2} & \frac{v_\phi^2 h^2}{4} & \frac{v_\theta^2 h}{4} - \frac{2v_\phi v_\theta h^2}{4} \\ "
                       r"\text{Cor 4.7.2} & \frac{v_\phi v_\theta h^2}{4} & -\frac{v_\phi v_\theta h^2}{4} \end{array}")


def _eq461() -> Entry:
    """Sec 4.8 (Eqs 4.58-4.66): the game's principal terms sum_p (1/(p+1)) h^p H^p u with H = -du/dpsi (4.61), summed
    in the Jordan basis to (1/h) log(I - h J) J^-1 (4.64-4.66): the printed closed form's Taylor coefficients against
    bea's principal terms of simultaneous updates (equal rates), chain by chain, both labels."""
    order, x = 8, sympy.Symbol("x")

    def printed():
        series = sympy.series(sympy.log(1 - x) / x, x, 0, order).removeO()
        # (1/h) log(I - hH) H^-1 (-u) = sum_p c_p h^p H^p (-u), and H^p = (-du/dpsi)^p
        return {f"h^{p} (du/dpsi)^{p} u: every chain of {p + 1} nodes": -series.coeff(x, p) * (-1) ** p
                for p in range(order)}

    def derived():
        flow = principal("simultaneous", order, v_phi=1, v_theta=1)
        out = {}
        for p in range(order):
            values = {t.coefficient for t in flow.terms if t.power == p}
            count = sum(1 for t in flow.terms if t.power == p)
            out[f"h^{p} (du/dpsi)^{p} u: every chain of {p + 1} nodes"] = (
                values.pop() if len(values) == 1 and count == 2 ** (p + 1) else sympy.nan)
        return out

    return value_entry(
        "thesis-eq4.61", "thesis Sec 4.8 (Eqs 4.58-4.66)", "the principal terms of simultaneous Euler updates in a "
        "two-player game, psi' = sum_p (1/(p+1)) h^p H^p u (H = -du/dpsi, u = (f, g)), and their sum through the "
        "Jordan form J = P H P^-1: (1/h) P^-1 log(I - h J) J^-1 P (-u)",
        "simultaneous Euler with the same learning rate h for both players (v_phi = v_theta = 1); the closed form's "
        "Taylor coefficients in h against each of the 2^(p+1) chains of p + 1 nodes (labels f, g) of bea's principal "
        "terms, to h^7",
        "bea principal --scheme simultaneous --order 8 --param v_phi=1 v_theta=1", printed, derived,
        r"\begin{bmatrix} \dot{\phi} \\ \dot{\theta} \end{bmatrix} = \sum_{p=0}^{\infty} \frac{1}{p+1} h^p "
        r"\mathbf{H}^p \begin{bmatrix} f \\ g \end{bmatrix} = \frac{1}{h} \mathbf{P}^{-1} \log(\mathbf{I} - h\mathbf{J}) "
        r"\mathbf{J}^{-1} \mathbf{P} \begin{bmatrix} -f \\ -g \end{bmatrix}")


def _game_pf() -> list[Entry]:
    games = [  # (f, g) linear in (phi, theta), rational; the last is defective
        ([R(-1, 10), 1, R(1, 5)], [-1, R(1, 20), R(-1, 10)]),
        ([R(-3, 10), R(1, 2), 0], [R(-2, 5), R(-1, 5), R(1, 10)]),
        ([R(-1, 2), 1, 0], [0, R(-1, 2), R(1, 10)]),
    ]
    step, point = R(1, 4), [R(1, 2), R(-1, 3)]

    def fields(game):
        phi, theta = sympy.symbols("phi theta")
        (a, b, c), (d, e, g) = game
        return {"f": [a * phi + b * theta + c], "g": [d * phi + e * theta + g]}, {"phi": [phi], "theta": [theta]}

    def printed():
        """(1/h) P^-1 log(I - h J) J^-1 P (-u), H = P^-1 J P the Jordan form of H = -du/dpsi (exact, SymPy)."""
        out = {}
        for i, game in enumerate(games):
            fs, vs = fields(game)
            psi = sympy.Matrix([vs["phi"][0], vs["theta"][0]])
            u = sympy.Matrix([fs["f"][0], fs["g"][0]])
            H = -u.jacobian(psi)
            Pinv, J = H.jordan_form()                    # SymPy: H = Pinv J Pinv^-1, so the thesis' P is Pinv^-1
            P = Pinv.inv()
            logm = _log_jordan(sympy.eye(2) - step * J)
            value = (P.inv() * logm * J.inv() * P * (-u) / step).subs(dict(zip(psi, point)))
            for j in range(2):
                out[f"game {i + 1}, component {j + 1}"] = sympy.re(sympy.N(value[j], 30))
        return out

    def derived():
        out = {}
        for i, game in enumerate(games):
            pf = principal_flow(*fields(game), step, method="jordan")
            value = pf.field(np.array([float(x) for x in point]))
            for j in range(2):
                out[f"game {i + 1}, component {j + 1}"] = float(value[j].real)
        return out

    def condition_printed():
        x, y = sympy.symbols("x y", positive=True)
        return {"largest convergent h": sympy.simplify(1 / x * 2 / (1 + (y / x) ** 2))}

    def condition_derived():
        """|eigenvalue of the engine's exact one-step map| = 1 for a game with H eigenvalues x +- i y."""
        x, y, phi, theta = sympy.symbols("x y phi theta", positive=True)
        pf = principal_flow({"f": [-(x * phi + y * theta)], "g": [-(-y * phi + x * theta)]},
                            {"phi": [phi], "theta": [theta]}, R(1, 10))
        M, _ = pf.affine_map([0, 0], exact=True, h=h)
        modulus = sympy.expand(M.det())                 # |1 - h lambda|^2 for the conjugate pair
        roots = [r for r in sympy.solve(sympy.Eq(modulus, 1), h) if r != 0]
        return {"largest convergent h": sympy.simplify(roots[0])}

    zero_sum_steps = (R(1, 10), R(1, 4))

    def zero_sum_game():
        """E = phi^2/20 + phi theta - theta^2/20, f = -grad_phi E, g = grad_theta E (Sec 4.8.1's zero-sum case):
        H = [[1/10, 1], [-1, 1/10]], eigenvalues 1/10 +- i (x_k > 0: a strict local Nash equilibrium at 0)."""
        phi, theta = sympy.symbols("phi theta")
        E = phi**2 / 20 + phi * theta - theta**2 / 20
        return {"f": [-E.diff(phi)], "g": [E.diff(theta)]}, {"phi": [phi], "theta": [theta]}

    def jacobian_printed():
        """log(1 - h lambda_k)/h for the eigenvalues lambda_k of H (4.68-4.72), and the real part of h times it by
        4.73, log sqrt((1 - h x)^2 + h^2 y^2); the zero-sum statements after 4.74."""
        out = {}
        for i, game in enumerate(games):
            fs, vs = fields(game)
            psi = sympy.Matrix([vs["phi"][0], vs["theta"][0]])
            H = -sympy.Matrix([fs["f"][0], fs["g"][0]]).jacobian(psi)
            rates = sorted(((complex(sympy.N(sympy.log(1 - step * lam) / step, 30)), lam)
                            for lam in H.eigenvals(multiple=True)), key=lambda pair: pair[0].imag)
            for j, (rate, lam) in enumerate(rates):
                out[f"game {i + 1}: (1/h) log(1 - h lambda_{j})"] = rate
                x, y = sympy.re(lam), sympy.im(lam)
                out[f"game {i + 1}: Re log(1 - h lambda_{j}) (4.73)"] = float(sympy.N(sympy.log(sympy.sqrt(
                    (1 - step * x)**2 + step**2 * y**2)), 30))
        out["zero-sum, x_k > 0: the original flow is attracted"] = True
        x_k, y_k = R(1, 10), 1                                          # H's eigenvalues x_k +- i y_k
        bound = 1 / x_k * 2 / (1 + (y_k / x_k) ** 2)                      # Eq 4.74: 20/101
        for s_ in zero_sum_steps:
            out[f"zero-sum, x_k > 0: the PF is attracted at h = {s_}"] = bool(s_ < bound)
        return out

    def jacobian_derived():
        """bea's PF eigenvalues (1/h) log mu_k of its Jacobian at the game's critical point, and its real part times
        h; the zero-sum game's flows from the engine (the order-1 flow's Jacobian, the PF's convergence)."""
        out = {}
        for i, game in enumerate(games):
            fs, vs = fields(game)
            psi = [vs["phi"][0], vs["theta"][0]]
            critical = sympy.solve([fs["f"][0], fs["g"][0]], psi, dict=True)[0]
            values = principal_flow(fs, vs, step, method="jordan").eigenvalues([float(critical[v]) for v in psi])
            for j, value in enumerate(sorted(values, key=lambda z: z.imag)):
                out[f"game {i + 1}: (1/h) log(1 - h lambda_{j})"] = complex(value)
                out[f"game {i + 1}: Re log(1 - h lambda_{j}) (4.73)"] = float(step * value.real)
        fs, vs = zero_sum_game()
        J = derive("simultaneous", 1, v_phi=1, v_theta=1).jacobian(fs, vs, {"phi": 0, "theta": 0})
        out["zero-sum, x_k > 0: the original flow is attracted"] = all(sympy.re(v) < 0 for v in J.eigenvals())
        for s_ in zero_sum_steps:
            out[f"zero-sum, x_k > 0: the PF is attracted at h = {s_}"] = principal_flow(fs, vs, s_).converges([0.0, 0.0])
        return out

    def exact_printed():
        return {f"game {i + 1}: the PF at t = n h is the n-th iterate, n <= 6": True for i in range(len(games))}

    def exact_derived():
        """The PF's trajectory (bea.principal_flow, integrated) against the scheme's own iterates, to 1e-9."""
        out = {}
        for i, game in enumerate(games):
            pf = principal_flow(*fields(game), step, method="jordan")
            start = np.array([float(x) for x in point])
            out[f"game {i + 1}: the PF at t = n h is the n-th iterate, n <= 6"] = bool(
                np.allclose(pf.trajectory(start, 6), pf.iterates(start, 6), rtol=0, atol=1e-9))
        return out

    return [
        value_entry("thesis-b.7", "thesis App B.7 (Eqs B.225-B.238) and Sec 4.8.2", "near a critical point (exactly, "
                    "for a linear game) simultaneous Euler iterates are psi* + P^-1 (I - h J)^(t/h) P (psi_0 - psi*), "
                    "whose time derivative is the game PF: the PF describes the Euler discretisation of a linear game "
                    "exactly", "simultaneous Euler, same learning rate h = 1/4; the three linear games of "
                    "thesis-def4.8.1 (the last defective) from (1/2, -1/3); bea.principal_flow's trajectory (Jordan "
                    "form, integrated) against the scheme's iterates, agreement to 1e-9",
                    "bea pf --field f=-phi/10+theta+1/5 --field g=-phi+theta/20-1/10 --at phi=1/2 theta=-1/3 --h 1/4 "
                    "--steps 6", exact_printed, exact_derived,
                    r"\psi(t) = \psi^* + P^{-1} e^{\log(I - hJ) t/h} P (\psi_0 - \psi^*), \quad \dot{\psi} = \frac{1}{h} "
                    r"P^{-1} \log(I - hJ) J^{-1} P u(\psi)"),
        value_entry("thesis-sec4.8.1", "thesis Sec 4.8.1 (Eqs 4.68-4.73)", "the game PF's Jacobian at a critical "
                    "point, (1/h) P^-1 log(I - h J) P, has the eigenvalues (1/h) log(1 - h lambda_k) of H = -du/dpsi "
                    "(also for a defective H: I - h J_k is triangular), with real part (1/h) log sqrt((1 - h x_k)^2 + "
                    "h^2 y_k^2) (4.73); in a zero-sum game a strict Nash equilibrium (x_k > 0), attracting the original "
                    "flow, need not attract the PF",
                    "simultaneous Euler, same learning rate h; the three linear games of thesis-def4.8.1 (the last "
                    "defective) at h = 1/4, eigenvalues of bea's PF Jacobian at each critical point (floats, 9 digits); "
                    "the zero-sum game E = phi^2/20 + phi theta - theta^2/20 with f = -grad_phi E, g = grad_theta E (H "
                    "has eigenvalues 1/10 +- i), at h = 1/10 and 1/4 (Eq 4.74's bound: 20/101)",
                    "bea pf --field f=-phi/10+theta+1/5 --field g=-phi+theta/20-1/10 --at phi=1/2 theta=-1/3 --h 1/4",
                    jacobian_printed, jacobian_derived,
                    r"\frac{1}{h} P^{-1} \log(I - hJ) P, \quad \Re[\log(1 - h(x_k + iy_k))] = \log \sqrt{(1 - hx_k)^2 + "
                    r"h^2y_k^2}"),
        value_entry("thesis-def4.8.1", "thesis Def 4.8.1 (Eq 4.67)", "the game PF through the Jordan normal form",
                    "simultaneous Euler, same learning rate h; H = -Jacobian of (f, g) = P^-1 J P; three linear games "
                    "(one with a defective Jacobian), h = 1/4, at (1/2, -1/3); agreement to 1e-12",
                    "bea pf --field f=-phi/10+theta+1/5 --field g=-phi+theta/20-1/10 --at phi=1/2 theta=-1/3 --h 1/4", printed, derived,
                    r"\begin{bmatrix} \dot{\phi} \\ \dot{\theta} \end{bmatrix} = \frac{1}{h} P^{-1} \log(I - hJ) J^{-1} P "
                    r"\begin{bmatrix} -f \\ -g \end{bmatrix}"),
        value_entry("thesis-eq4.74", "thesis Eq 4.74", "the learning-rate bound for the game PF to converge "
                    "(Mescheder et al.'s Lemma 4)", "eigenvalues x +- i y of H, x > 0",
                    "bea pf --problem linear-game --h 1/5", condition_printed, condition_derived,
                    r"(1 - hx_k)^2 + (hy_k)^2 < 1 \implies h < \frac{1}{x_k} \frac{2}{1 + \left(\frac{y_k}{x_k}\right)^2}"),
    ]


def _log_jordan(M: sympy.Matrix) -> sympy.Matrix:
    """log of an upper-triangular 2x2 Jordan matrix ``[[a, b], [0, a]]`` or a diagonal one."""
    if M[0, 1] == 0:
        return sympy.diag(sympy.log(M[0, 0]), sympy.log(M[1, 1]))
    a, b = M[0, 0], M[0, 1]
    return sympy.Matrix([[sympy.log(a), b / a], [0, sympy.log(a)]])


def _sec463() -> Entry:
    """Sec 4.6.3: the coefficients that cancel the interaction terms (Eqs 4.40-4.41), from bea.cancel."""
    def printed():
        return {"simultaneous c1": v_phi * h / 4, "simultaneous c2": v_theta * h / 4,
                "alternating c1": v_phi * h / 4, "alternating c2": v_theta * h / 4 * (1 - 2 * v_phi / v_theta)}

    def derived():
        out = {}
        for scheme in ("simultaneous", "alternating"):
            c = cancel(scheme, 2, "zero-sum", "interaction", time="per-player")
            for name, label in (("c1", "f"), ("c2", "g")):
                rows = c.regulariser(label)
                out[f"{scheme} {name}"] = sum((coefficient * h**power for power, coefficient, _ in rows), sympy.Integer(0))
        return out

    return value_entry("thesis-sec4.6.3", "thesis Sec 4.6.3 (Eqs 4.40-4.41)", "the explicit regularisers "
                       "E_phi = -E + c1 |grad_theta E|^2, E_theta = E + c2 |grad_phi E|^2 that cancel the interaction "
                       "terms: c1 = v_phi h/4, c2 = v_theta h/4 (simultaneous), c2 = v_theta h/4 (1 - 2 v_phi/v_theta) "
                       "(alternating)", ZERO_SUM + "; " + PER_PLAYER + "; the coefficients of bea.cancel's regularisers",
                       "bea cancel --scheme alternating --order 2 --system zero-sum --terms interaction --time per-player",
                       printed, derived,
                       r"E_\phi = -E + c_1 \|\nabla_\theta E\|^2, \ E_\theta = E + c_2 \|\nabla_\phi E\|^2; \ "
                       r"c_1 = \frac{v_\phi h}{4}, \ c_2 = \frac{v_\theta h}{4} \ \text{or} \ "
                       r"\frac{v_\theta h}{4}\left(1 - \frac{2 v_\phi}{v_\theta}\right)")


def _sec46() -> Entry:
    """Sec 4.6 on CO and alternating updates: the regularisers of Eqs 4.42-4.43 with c = v h/4 and s = v h/4 remove
    the interaction terms and double the self terms (bea.regularised, read by bea.modified_loss); in alternating
    updates the generator's interaction term -v_theta h/4 (1 - 2 v_phi/v_theta) |grad_phi E|^2 minimises the
    discriminator's gradient norm exactly when v_phi/v_theta > 1/2 (bea.modified_loss of alternating)."""
    E, ratio = "E", sympy.Symbol("r", positive=True)

    def coefficient(loss, block, tree):
        return sum((c for power, c, p in loss.terms[block] if power == 1 and [str(t) for t in p.children] == [tree]),
                   sympy.Integer(0))

    def printed():
        return {"CO-like, phi: |grad_phi E|^2 (self, doubled)": 2 * v_phi / 4,
                "CO-like, phi: |grad_theta E|^2 (interaction, cancelled)": 0,
                "CO-like, theta: |grad_theta E|^2 (self, doubled)": 2 * v_theta / 4,
                "CO-like, theta: |grad_phi E|^2 (interaction, cancelled)": 0,
                "alternating: the generator's term minimises |grad_phi E|^2 when v_phi/v_theta >": R(1, 2)}

    def derived():
        regularisers = {"f": [(v_phi / 4, P(E, "g")), (v_phi / 4, P(E, "f"))],
                        "g": [(v_theta / 4, P(E, "g")), (v_theta / 4, P(E, "f"))]}
        loss = modified_loss(regularised("simultaneous", 2, "zero-sum", regularisers, time="per-player"), "zero-sum")
        out = {"CO-like, phi: |grad_phi E|^2 (self, doubled)": coefficient(loss, "phi", "f"),
               "CO-like, phi: |grad_theta E|^2 (interaction, cancelled)": coefficient(loss, "phi", "g"),
               "CO-like, theta: |grad_theta E|^2 (self, doubled)": coefficient(loss, "theta", "g"),
               "CO-like, theta: |grad_phi E|^2 (interaction, cancelled)": coefficient(loss, "theta", "f")}
        alternating = modified_loss(derive("alternating", 2, time="per-player", m=1, k=1), "zero-sum")
        generator = coefficient(alternating, "theta", "f").subs(v_phi, ratio * v_theta)      # r = v_phi/v_theta
        where = sympy.solveset(generator.subs(v_theta, 1) > 0, ratio, sympy.Interval.open(0, sympy.oo))
        out["alternating: the generator's term minimises |grad_phi E|^2 when v_phi/v_theta >"] = (
            where.inf if isinstance(where, sympy.Interval) and where.sup == sympy.oo else sympy.nan)
        return out

    return value_entry(
        "thesis-sec4.6", "thesis Sec 4.6 (Eqs 4.42-4.43 and the alternating-updates paragraph)", "explicit "
        "regularisers E_phi = -E + c1 |grad_theta E|^2 + s1 |grad_phi E|^2, E_theta = E + s2 |grad_theta E|^2 + c2 "
        "|grad_phi E|^2 (CO's form): with c = s = v h/4 the interaction terms cancel and the self terms double; in "
        "alternating updates the generator's interaction term minimises the discriminator's gradient norm when "
        "v_phi/v_theta > 0.5",
        ZERO_SUM + "; " + PER_PLAYER + "; the modified losses, at h^1 over h, of simultaneous updates on the "
        "regularised losses (bea.regularised: the substitution law), and of alternating updates with m = k = 1",
        "bea cancel --scheme simultaneous --order 2 --system zero-sum --terms interaction --time per-player",
        printed, derived,
        r"E_\phi = -E + c_1 \|\nabla_{\theta} E\|^2 + s_1 \|\nabla_{\phi} E\|^2, \quad E_{\theta} = E + s_2 "
        r"\|\nabla_{\theta} E\|^2 + c_2 \|\nabla_{\phi} E\|^2; \quad s_1 = \frac{v_{\phi}h}{4}, \ s_2 = "
        r"\frac{v_{\theta}h}{4}; \quad \frac{v_\phi}{v_\theta} > 0.5")


def entries() -> list[Entry]:
    """The Ch. 4 entries, in the thesis's order."""
    return _two_player_fields() + _k_matrices() + [_traces()] + _eq427_428() + _losses() + [_table41(), _sec463(), _sec46(), _eq461()] + _game_pf()
