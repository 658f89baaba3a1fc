"""An exact check of modified fields that shares no code with bea's tree machinery.

Given a modified field as a list of ``(block, power, tree text, coefficient)`` terms, a
concrete problem (random polynomial fields with rational coefficients) and a random
rational point ``y0``:

1. evaluate every elementary differential directly from its definition in docs/conventions.md,
   ``F(a[t1..tk]) = D^k F_a(F(t1), ..., F(tk))``, by differentiating the polynomials;
2. expand the exact flow of the truncated modified field at ``y0`` by Picard iteration,
   as a polynomial in (time s, h), and read block ``b`` at time ``T_b``;
3. run one step of the scheme from ``y0`` exactly as the contract defines it, with ``h``
   symbolic, in plain loops;
4. compare the two through ``h^order``: the difference must vanish identically.

Polynomials are SymPy's sparse ``PolyElement``s over QQ, truncated in total degree.
"""

from __future__ import annotations

import itertools
import random

import sympy
from sympy import QQ
from sympy.polys.rings import ring as poly_ring


# -- tree text, parsed independently ----------------------------------------------------
def parse(text: str):
    """``label[child,...]`` -> ``(label, (children...))``."""
    text = text.replace(" ", "")

    def node(i):
        j = i
        while j < len(text) and (text[j].isalnum() or text[j] == "_"):
            j += 1
        label, kids = text[i:j], []
        if j < len(text) and text[j] == "[":
            j += 1
            while True:
                kid, j = node(j)
                kids.append(kid)
                if text[j] == ",":
                    j += 1
                    continue
                assert text[j] == "]"
                j += 1
                break
        return (label, tuple(kids)), j

    tree, end = node(0)
    assert end == len(text), text
    return tree


def _truncate(p, order: int, positions):
    """Drop the terms of ``p`` whose degree in the generators at ``positions`` exceeds ``order``."""
    return p.ring({m: c for m, c in p.items() if sum(m[i] for i in positions) <= order})


# -- a concrete problem -----------------------------------------------------------------
class Problem:
    """Random polynomial fields on a state split into blocks; each label updates one block."""

    def __init__(self, blocks: dict[str, list[str]], dims: dict[str, int], degree: int = 2, seed: int = 0):
        rng = random.Random(seed)
        self.blocks = blocks
        self.names = [f"{b}{i}" for b in blocks for i in range(dims[b])]
        self.block_slices = {}
        start = 0
        for b in blocks:
            self.block_slices[b] = range(start, start + dims[b])
            start += dims[b]
        self.block_of = {label: b for b, labels in blocks.items() for label in labels}
        self.ring, *self.y = poly_ring(",".join(self.names), QQ)
        monomials = [
            self.ring.one * sympy.prod(c, start=self.ring.one)
            for d in range(degree + 1)
            for c in itertools.combinations_with_replacement(self.y, d)
        ]
        self.fields = {
            label: [
                sum((QQ(rng.randint(-3, 3), rng.randint(1, 3)) * mono for mono in monomials), self.ring.zero)
                for _ in self.block_slices[b]
            ]
            for label, b in self.block_of.items()
        }
        self.point = [QQ(rng.randint(-4, 4), rng.randint(1, 4)) for _ in self.names]
        self._differentials: dict = {}

    def embed(self, label: str, values: list) -> list:
        """A block vector as a full-state vector (zero on the other blocks)."""
        out = [self.ring.zero] * len(self.names)
        for i, v in zip(self.block_slices[self.block_of[label]], values):
            out[i] = v
        return out

    def elementary_differential(self, tree) -> list:
        """``F(tree) = D^k F_a(F(t1), ..., F(tk))`` as a full-state vector of polynomials."""
        if tree not in self._differentials:
            label, kids = tree
            vectors = [self.elementary_differential(k) for k in kids]
            out = []
            for component in self.fields[label]:
                total = self.ring.zero
                for idx in itertools.product(range(len(self.names)), repeat=len(kids)):
                    if any(not vectors[j][i] for j, i in enumerate(idx)):
                        continue
                    derivative = component
                    for i in idx:
                        derivative = derivative.diff(self.y[i])
                    if derivative:
                        total += derivative * sympy.prod([vectors[j][i] for j, i in enumerate(idx)], start=self.ring.one)
                out.append(total)
            self._differentials[tree] = self.embed(label, out)
        return self._differentials[tree]

    def modified_field(self, terms, subs: dict, order: int) -> list:
        """``sum c h^p F(tree)`` as polynomials in (state, s, h), for the Picard iteration."""
        big, *gens = poly_ring(",".join(self.names + ["s", "h"]), QQ)
        h = gens[-1]
        total = [big.zero] * len(self.names)
        for block, power, tree, coefficient in terms:
            if power >= order:
                continue
            c = sympy.Rational(sympy.sympify(coefficient).subs(subs))
            assert c.is_Rational, f"coefficient {coefficient} is not a number after substitution"
            vector = self.elementary_differential(parse(tree))
            for i, v in enumerate(vector):
                if v:
                    total[i] += QQ(c.p, c.q) * h**power * big(v.as_expr())
        return total


def flow_at_times(problem: Problem, field: list, times: dict, order: int) -> dict:
    """The exact flow of ``field`` from the point, block ``b`` read at time ``T_b = tau_b h``.

    Picard iteration ``y <- y0 + int_0^s F(y(s'), h) ds'`` with ``y`` a polynomial in
    (s, h) truncated at total degree ``order``; each pass fixes one more degree.
    Returns ``{state index: coefficients of h^0..h^order}``.
    """
    sh, s, h = poly_ring("s,h", QQ)
    y0 = [sh(c) for c in problem.point]
    y = list(y0)
    for _ in range(order):
        images = y + [s, h]
        rhs = [_truncate(_compose(f, images, order), order - 1, (0, 1)) for f in field]
        y = [a + sh({(i + 1, j): c / (i + 1) for (i, j), c in r.items()}) for a, r in zip(y0, rhs)]
    out = {}
    for b, idx in problem.block_slices.items():
        tau = times[b]
        for i in idx:
            coeffs = [QQ(0)] * (order + 1)
            for (i_s, i_h), c in y[i].items():
                if i_s + i_h <= order:
                    coeffs[i_s + i_h] += c * tau**i_s
            out[i] = coeffs
    return out


def _compose(p, images, order):
    """``p(images)`` for a polynomial ``p`` and images in a ring in (s, h), truncated."""
    target = images[-1].ring
    total = target.zero
    powers: dict = {}
    for monomial, c in p.items():
        term = target(c)
        for i, e in enumerate(monomial):
            if e:
                if (i, e) not in powers:
                    powers[i, e] = _truncate(images[i] ** e, order, (0, 1))
                term = _truncate(term * powers[i, e], order, (0, 1))
        total += term
    return total


def scheme_step(problem: Problem, scheme: str, values: dict, order: int, past=None) -> dict:
    """One step of ``scheme`` from the point, exactly as docs/conventions.md (and the issue) define it.

    ``past(j)`` is the state ``j`` steps back (polynomials in h), for the momentum methods.
    Returns ``{state index: coefficients of h^0..h^order}``.
    """
    hr, h = poly_ring("h", QQ)
    y = [hr(c) for c in problem.point]

    def field_at(label, state):
        images = state + [h] if getattr(problem, "with_h", False) else state      # fields that depend on h
        return [_truncate(_evaluate(f, images, hr), order, (0,)) for f in problem.fields[label]]

    def update(state, label, step):
        new = list(state)
        for i, inc in zip(problem.block_slices[problem.block_of[label]], field_at(label, state)):
            new[i] = _truncate(state[i] + step * inc, order, (0,))
        return new

    def combine(*parts):
        """sum_j c_j v_j of state vectors, truncated."""
        parts = [(sympy.Rational(c), v) for c, v in parts]
        return [_truncate(sum((QQ(c.p, c.q) * v[i] for c, v in parts), hr.zero), order, (0,))
                for i in range(len(y))]

    q = {name: QQ(sympy.Rational(v).p, sympy.Rational(v).q) for name, v in values.items() if name != "tableau"}
    one = sympy.Integer(1)

    def slope(state):
        """h F(state): one field, or (v_phi f, v_theta g) for two players."""
        out = [hr.zero] * len(y)
        for label in problem.block_of:
            rate = q.get("v_phi" if label == "f" else "v_theta", QQ(1)) if len(problem.blocks) == 2 else QQ(1)
            for i, inc in zip(problem.block_slices[problem.block_of[label]], field_at(label, state)):
                out[i] = _truncate(rate * h * inc, order, (0,))
        return out

    if scheme == "euler":
        y = update(y, "f", h)
    elif scheme == "sgd":
        for i in range(1, values["n"] + 1):
            y = update(y, f"f{i}", h)
    elif scheme == "simultaneous":
        phi_new, theta_new = update(y, "f", q["v_phi"] * h), update(y, "g", q["v_theta"] * h)
        y = [phi_new[i] if i in problem.block_slices["phi"] else theta_new[i] for i in range(len(y))]
    elif scheme == "alternating":
        for _ in range(values["m"]):
            y = update(y, "f", q["v_phi"] * h / values["m"])
        for _ in range(values["k"]):
            y = update(y, "g", q["v_theta"] * h / values["k"])
    elif scheme in TABLEAUX or scheme == "rk":
        a, b = TABLEAUX[scheme] if scheme in TABLEAUX else values["tableau"]
        # stage equations K_i = h F(y + sum_j a_ij K_j), iterated to their fixed point (explicit or not)
        slopes = [[hr.zero] * len(y) for _ in b]
        for _ in range(len(b) * (order + 1)):
            slopes = [slope(combine((one, y), *[(x, k) for x, k in zip(row, slopes)])) for row in a]
        y = combine((one, y), *zip(b, slopes))
    elif scheme in ("prk", "ark") or scheme in PARTITIONED:
        # one tableau per field: K^l_i = c_l h F_l(Y_i), Y_i = y + sum_l sum_j a^l_ij K^l_j, iterated
        pair = PARTITIONED.get(scheme) or {l: ([[sympy.Rational(x) for x in row] for row in t["a"]],
                                               [sympy.Rational(x) for x in t["b"]]) for l, t in values["tableau"].items()}
        stages = len(next(iter(pair.values()))[1])

        def field_slope(label, state):
            rate = q.get("v_phi" if label == "f" else "v_theta", QQ(1)) if len(problem.blocks) == 2 else QQ(1)
            out = [hr.zero] * len(y)
            for i, inc in zip(problem.block_slices[problem.block_of[label]], field_at(label, state)):
                out[i] = _truncate(rate * h * inc, order, (0,))
            return out

        slopes = {l: [[hr.zero] * len(y) for _ in range(stages)] for l in pair}
        for _ in range(stages * (order + 1)):
            stage_values = [combine((one, y), *[(pair[l][0][i][j], slopes[l][j]) for l in pair for j in range(stages)])
                            for i in range(stages)]
            slopes = {l: [field_slope(l, v) for v in stage_values] for l in pair}
        y = combine((one, y), *[(pair[l][1][i], slopes[l][i]) for l in pair for i in range(stages)])
    elif scheme == "heavy-ball":
        y = combine((one, y), (one, slope(y)), (values["beta"], y), (-values["beta"], past(1)))
    elif scheme == "nesterov":
        ahead = combine((one, y), (values["beta"], y), (-values["beta"], past(1)))
        y = combine((one, ahead), (one, slope(ahead)))
    elif scheme == "lookahead":
        fast = y
        for _ in range(values["k"]):
            fast = combine((one, fast), (one, slope(fast)))
        y = combine((one - values["alpha"], y), (values["alpha"], fast))
    elif scheme in ("simultaneous-heavy-ball", "alternating-heavy-ball", "simultaneous-nesterov"):
        # each player's own momentum on its own block: beta_b (y - y_prev) restricted to block b
        previous = past(1)
        start = list(y)

        def kick(state, block):
            beta = sympy.Rational(values[f"beta_{block}"])
            out = list(state)
            for i in problem.block_slices[block]:
                out[i] = _truncate(out[i] + QQ(beta.p, beta.q) * (start[i] - previous[i]), order, (0,))
            return out

        if scheme == "simultaneous-nesterov":
            ahead = kick(kick(start, "phi"), "theta")
            y = combine((one, ahead), (one, slope(ahead)))
        elif scheme == "simultaneous-heavy-ball":
            y = kick(kick(combine((one, start), (one, slope(start))), "phi"), "theta")
        else:
            z = kick(update(start, "f", q["v_phi"] * h), "phi")
            y = kick(update(z, "g", q["v_theta"] * h), "theta")
    elif scheme == "optimistic":
        y = combine((one, y), (2 * one, slope(y)), (-one, slope(past(1))))
    else:
        raise ValueError(scheme)
    return {i: [p.coeff(h**d) if d else p.coeff(1) for d in range(order + 1)] for i, p in enumerate(y)}


R2 = sympy.Rational(1, 2)

# Butcher tableaux typed from Hairer, Norsett & Wanner I, Sec II.1 and HW II Sec IV.5
# (extragradient: y + h f(y + h f(y)); proximal point: implicit Euler).
TABLEAUX = {
    "midpoint": ([["0", "0"], ["1/2", "0"]], ["0", "1"]),
    "heun": ([["0", "0"], ["1", "0"]], ["1/2", "1/2"]),
    "rk4": ([["0"] * 4, ["1/2", "0", "0", "0"], ["0", "1/2", "0", "0"], ["0", "0", "1", "0"]],
            ["1/6", "1/3", "1/3", "1/6"]),
    "extragradient": ([["0", "0"], ["1", "0"]], ["0", "1"]),
    "proximal": ([["1"]], ["1"]),
    "implicit-midpoint": ([["1/2"]], ["1"]),
    "radau-iia-2": ([["5/12", "-1/12"], ["3/4", "1/4"]], ["3/4", "1/4"]),
}
TABLEAUX = {name: ([[sympy.Rational(x) for x in row] for row in a], [sympy.Rational(x) for x in b])
            for name, (a, b) in TABLEAUX.items()}
MOMENTUM = ("heavy-ball", "nesterov", "optimistic")
# partitioned pairs, typed from HLW06 Secs VI.3 and II.2: symplectic Euler (f implicit Euler, g explicit Euler)
# and Stormer-Verlet (f Lobatto IIIB, g Lobatto IIIA)
PARTITIONED = {
    "symplectic-euler": {"f": ([[1]], [1]), "g": ([[0]], [1])},
    "stormer-verlet": {"f": ([[R2, 0], [R2, 0]], [R2, R2]), "g": ([[0, 0], [R2, R2]], [R2, R2])},
}


def _evaluate(f, state, hr):
    """``f(state)`` for a polynomial ``f`` in the state and a state of polynomials in h."""
    total = hr.zero
    for monomial, c in f.items():
        term = hr(c)
        for i, e in enumerate(monomial):
            if e:
                term *= state[i] ** e
        total += term
    return total


def block_times(scheme: str, time: str, values: dict, players: int = 1) -> dict:
    """``T_b / h`` for each block."""
    if scheme == "sgd":
        return {"theta": QQ(values["n"])}
    base = QQ(values["k"]) if scheme == "lookahead" else QQ(1)      # lookahead: T = k h
    if scheme == "euler" or (players == 1 and scheme not in ("simultaneous", "alternating")):
        return {"theta": base}
    if time == "per-player":
        return {b: base * QQ(sympy.Rational(values[f"v_{b}"]).p, sympy.Rational(values[f"v_{b}"]).q)
                for b in ("phi", "theta")}
    return {"phi": base, "theta": base}


def blocks_of(scheme: str, values: dict, players: int = 1) -> dict:
    if scheme == "ark":
        return {"theta": list(values["tableau"])}
    if scheme == "sgd":
        return {"theta": [f"f{i}" for i in range(1, values["n"] + 1)]}
    if scheme == "euler" or (players == 1 and scheme not in ("simultaneous", "alternating")):
        return {"theta": ["f"]}
    return {"phi": ["f"], "theta": ["g"]}


def mismatch(terms, scheme: str, time: str, values: dict, order: int, dims: dict, seed: int = 0, degree: int = 2,
             players: int = 1, stepped=None):
    """``(scheme step - flow)`` at the point: for each state component, the differences of
    the coefficients of ``h^0..h^order``; all zero when the modified field is right.

    For the momentum methods the past iterates are taken on the flow of the candidate
    field itself (run backwards), as the slow-manifold ansatz says.  ``stepped``: terms of fields
    ``f~`` that the step runs on instead of the problem's own (:class:`ModifyingProblem`)."""
    blocks = blocks_of(scheme, values, players)
    problem = Problem(blocks, {b: dims.get(b, 1) for b in blocks}, degree=degree, seed=seed)
    subs = {sympy.Symbol(name): value for name, value in values.items() if name != "tableau"}
    field = problem.modified_field(terms, subs, order)
    times = block_times(scheme, time, values, players)
    flow = flow_at_times(problem, field, times, order)
    hr, h = poly_ring("h", QQ)

    def past(j):
        back = flow_at_times(problem, field, {b: -j * tau for b, tau in times.items()}, order)
        return [sum((c * h**d for d, c in enumerate(back[i])), hr.zero) for i in range(len(problem.names))]

    runs_on = problem if stepped is None else ModifyingProblem(problem, stepped, subs)
    step = scheme_step(runs_on, scheme, values, order, past)
    return [[a - b for a, b in zip(step[i], flow[i])] for i in range(len(problem.names))]


class ModifyingProblem:
    """The fields ``f~_l = sum c h^p F(tree)`` (trees rooted at ``l``) of a :class:`Problem`'s fields, as
    polynomials in the state and ``h`` (its last generator): what one step of a scheme is given when it runs
    on the modifying fields.  Shares the problem's blocks and point."""

    with_h = True

    def __init__(self, problem: Problem, terms, subs: dict):
        self.blocks, self.names, self.point = problem.blocks, problem.names, problem.point
        self.block_slices, self.block_of = problem.block_slices, problem.block_of
        big, *gens = poly_ring(",".join(problem.names + ["h"]), QQ)
        h = gens[-1]
        self.fields = {label: [big.zero] * len(problem.block_slices[b]) for label, b in problem.block_of.items()}
        for _, power, tree, coefficient in terms:
            parsed = parse(tree)
            c = sympy.Rational(sympy.sympify(coefficient).subs(subs))
            assert c.is_Rational, f"coefficient {coefficient} is not a number after substitution"
            vector = problem.elementary_differential(parsed)
            label = parsed[0]
            for j, i in enumerate(problem.block_slices[problem.block_of[label]]):
                if vector[i]:
                    self.fields[label][j] += QQ(c.p, c.q) * h**power * big(vector[i].as_expr())


def modifying_mismatch(terms, target, scheme: str, time: str, values: dict, order: int, dims: dict, seed: int = 0,
                       degree: int = 2, players: int = 1):
    """``(scheme step on f~ - flow of the target)`` at the point, for each state component through ``h^order``:
    all zero when ``terms`` are the scheme's modifying fields (``bea.modify``) and ``target`` (terms of the
    modified-field form) its leading field.  The step runs on the fields ``f~`` built from the random polynomial
    ``f`` (:class:`ModifyingProblem`), the flow is that of ``target`` in ``f``; momentum methods take their past
    iterates on that flow, run backwards."""
    return mismatch(target, scheme, time, values, order, dims, seed, degree, players, stepped=terms)


def terms_at(problem: Problem, terms, subs: dict, state: list, order: int, map_powers: bool = False) -> list:
    """``sum c h^p F(tree)`` evaluated at ``state`` (polynomials in h), truncated at ``h^order``: the elementary
    differentials are the problem's polynomials, composed with the state.  ``map_powers``: a map's terms carry
    ``h^|t|`` (a :class:`bea.BSeries` map) instead of a field's ``h^(|t| - 1)``."""
    hr, h = poly_ring("h", QQ)
    total = [hr.zero] * len(problem.names)
    for _, power, tree, coefficient in terms:
        parsed = parse(tree)
        c = sympy.Rational(sympy.sympify(coefficient).subs(subs))
        p = power
        if p > order:
            continue
        for i, v in enumerate(problem.elementary_differential(parsed)):
            if v:
                total[i] += _truncate(QQ(c.p, c.q) * h**p * _evaluate(v, state, hr), order, (0,))
    return [_truncate(x, order, (0,)) for x in total]


def flow_from(problem: Problem, field: list, start: list, tau, order: int) -> list:
    """The exact flow of ``field`` (polynomials in the state, s and h) for the time ``tau h`` from ``start``
    (polynomials in h): Picard iteration in (s, h), truncated at total degree ``order``; polynomials in h."""
    sh, s, hh = poly_ring("s,h", QQ)
    y0 = [sh({(0, e[0]): c for e, c in p.items()}) for p in start]
    y = list(y0)
    for _ in range(order + 1):
        images = y + [s, hh]
        rhs = [_truncate(_compose(f, images, order), order - 1, (0, 1)) for f in field]
        y = [a + sh({(i + 1, j): c / (i + 1) for (i, j), c in r.items()}) for a, r in zip(y0, rhs)]
    hr, h = poly_ring("h", QQ)
    out = []
    for p in y:
        total = hr.zero
        for (i_s, i_h), c in p.items():
            if i_s + i_h <= order:
                total += c * tau**i_s * h**(i_s + i_h)
        out.append(total)
    return out
