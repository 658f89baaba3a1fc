"""bea.jax: modified fields, losses, steps, validation and principal flows on JAX pytrees.

Independent checks: on random polynomial problems the JAX field (nested jvps) is compared with
the SymPy-differentiated staged field (``flow.lambdify``); on a small MLP the observed local order
of one scheme step against the accurately integrated truncated flow must be ``order + 1``; the
gradient of the modified loss must be minus the field; the principal flow must equal
``logm(I + h J) f / h`` on a quadratic and the dense PF when computed by Lanczos.
"""

import itertools
import random

import numpy as np
import pytest
import sympy

jax = pytest.importorskip("jax", reason="JAX is not installed: pip install 'bea[jax]' (the test extra installs it)")
pytest.importorskip("diffrax", reason="diffrax is not installed: pip install 'bea[jax]'")

import jax.numpy as jnp  # noqa: E402

import bea  # noqa: E402
import bea.jax  # noqa: E402


# -- random polynomial problems, built twice from the same data (SymPy and JAX) -----------------
def _polynomial(rng, n, degree=4, count=7):
    monomials = [e for e in itertools.product(range(degree + 1), repeat=n) if 0 < sum(e) <= degree]
    return [(rng.randint(-4, 4) / rng.randint(1, 3), e) for e in rng.sample(monomials, count)]


def _sympy_poly(data, xs):
    return sum(c * sympy.Mul(*(x ** k for x, k in zip(xs, e))) for c, e in data)


def _jax_poly(data, y):
    return sum(c * jnp.prod(jnp.array([y[i] ** k for i, k in enumerate(e)])) for c, e in data)


def _compare(flow, sympy_fields, variables, jax_fields, state, flat, params=None, h=0.1):
    expected = flow.lambdify(sympy_fields, variables, params)(np.array(flat, dtype=float), h)
    got = bea.jax.field(flow, jax_fields, params)(state, h)
    got = np.concatenate([np.ravel(np.asarray(b)) for b in (got if isinstance(got, tuple) else (got,))])
    assert np.max(np.abs(got - expected)) <= 1e-12 * (1 + np.max(np.abs(expected)))


def _one_block(rng, labels):
    xs = sympy.symbols("x0:2")
    datas = {label: _polynomial(rng, 2) for label in labels}
    sympy_fields = {l: [-_sympy_poly(d, xs).diff(x) for x in xs] for l, d in datas.items()}
    jax_fields = {l: (lambda d: lambda th: -jax.grad(lambda y: _jax_poly(d, y))(th))(d) for l, d in datas.items()}
    point = [rng.randint(-5, 5) / 7 for _ in xs]
    return sympy_fields, {"theta": list(xs)}, jax_fields, jnp.array(point), point


@pytest.mark.parametrize("scheme, order, params", [
    ("euler", 5, {}), ("heavy-ball", 3, {"beta": "1/3"}), ("rk4", 5, {}), ("sgd", 4, {"n": 3})])
def test_field_equals_the_staged_sympy_field_on_random_polynomials(scheme, order, params):
    rng = random.Random(f"{scheme}{order}")
    flow = bea.derive(scheme, order, **params)
    labels = [l for ls in flow.blocks.values() for l in ls]
    sympy_fields, variables, jax_fields, state, point = _one_block(rng, labels)
    _compare(flow, sympy_fields, variables, jax_fields, state, point)


def test_alternating_with_symbolic_parameters_set_and_blocks_of_different_sizes():
    rng = random.Random(4)
    xs = sympy.symbols("x0:3")                       # phi = (x0,), theta = (x1, x2)
    E_phi, E_theta = _polynomial(rng, 3), _polynomial(rng, 3)
    sympy_fields = {"f": [-_sympy_poly(E_phi, xs).diff(xs[0])],
                    "g": [-_sympy_poly(E_theta, xs).diff(x) for x in xs[1:]]}
    whole = lambda p, t: jnp.concatenate([p, t])
    jax_fields = {"f": lambda p, t: -jax.grad(lambda q: _jax_poly(E_phi, whole(q, t)))(p),
                  "g": lambda p, t: -jax.grad(lambda q: _jax_poly(E_theta, whole(p, q)))(t)}
    flow = bea.derive("alternating", 4)                # v_phi, v_theta, m, k symbolic
    params = {"v_phi": "1/2", "v_theta": 2, "m": 2, "k": 3}
    point = [0.3, -0.4, 0.6]
    _compare(flow, sympy_fields, {"phi": [xs[0]], "theta": list(xs[1:])}, jax_fields,
             (jnp.array(point[:1]), jnp.array(point[1:])), point, params)


def test_a_user_scheme():
    @bea.scheme(blocks={"theta": ("f",)})
    def ralston(y, F, h):
        k1 = h * F.f(y)
        k2 = h * F.f(y + sympy.Rational(2, 3) * k1)
        return y + sympy.Rational(1, 4) * k1 + sympy.Rational(3, 4) * k2

    rng = random.Random(9)
    flow = bea.derive(ralston, 4)
    sympy_fields, variables, jax_fields, state, point = _one_block(rng, ["f"])
    _compare(flow, sympy_fields, variables, jax_fields, state, point)
    stepped = bea.jax.step(ralston, jax_fields, state, 0.1)
    k1 = jax_fields["f"](state)
    k2 = jax_fields["f"](state + 0.1 * 2 / 3 * k1)
    assert np.allclose(stepped, state + 0.1 * (k1 / 4 + 3 * k2 / 4), rtol=0, atol=1e-15)


# -- pytrees, jit, vmap -----------------------------------------------------------------------------
def _pytree_field(theta):
    a, b = theta["a"], theta["b"]
    return {"a": -jnp.sin(a) * jnp.sum(b ** 2), "b": -b * jnp.sum(a) - b ** 3}


def _flat_field(v):
    out = _pytree_field({"a": v[:2], "b": v[2:].reshape(2, 2)})
    return jnp.concatenate([out["a"], jnp.ravel(out["b"])])


def test_pytree_states_jit_and_vmap():
    flow = bea.derive("euler", 4)
    state = {"a": jnp.array([0.3, -0.2]), "b": jnp.array([[0.5, 0.1], [-0.4, 0.2]])}
    F = bea.jax.field(flow, {"f": _pytree_field})
    value = F(state, 0.1)
    assert jax.tree_util.tree_structure(value) == jax.tree_util.tree_structure(state)
    assert value["b"].shape == (2, 2)
    flat = bea.jax.field(flow, {"f": _flat_field})(jnp.concatenate([state["a"], jnp.ravel(state["b"])]), 0.1)
    assert np.allclose(np.concatenate([value["a"], np.ravel(value["b"])]), flat, rtol=0, atol=1e-14)
    assert np.allclose(jax.jit(F)(state, 0.1)["b"], value["b"], rtol=0, atol=1e-14)
    batch = jax.tree_util.tree_map(lambda x: jnp.stack([x, 2 * x, -x]), state)
    many = jax.vmap(F, in_axes=(0, None))(batch, 0.1)
    for i, scale in enumerate((1, 2, -1)):
        single = F(jax.tree_util.tree_map(lambda x: scale * x, state), 0.1)
        assert np.allclose(many["a"][i], single["a"], rtol=0, atol=1e-14)


def test_bad_input_is_refused_with_a_message():
    flow = bea.derive("alternating", 2, v_phi=1, v_theta=1, m=1, k=1)
    with pytest.raises(bea.BeaError, match="missing g"):
        bea.jax.field(flow, {"f": lambda p, t: p})
    F = bea.jax.field(flow, {"f": lambda p, t: p, "g": lambda p, t: t})
    with pytest.raises(bea.BeaError, match="float32"):
        F((jnp.ones(2, dtype=jnp.float32), jnp.ones(2)), 0.1)
    with pytest.raises(bea.BeaError, match="tuple of 2 block states"):
        F(jnp.ones(2), 0.1)
    with pytest.raises(bea.BeaError, match="symbolic parameters"):
        bea.jax.field(bea.derive("alternating", 2), {"f": lambda p, t: p, "g": lambda p, t: t})(
            (jnp.ones(1), jnp.ones(1)), 0.1)
    with pytest.raises(bea.BeaError, match="not a symbolic parameter"):
        bea.jax.field(flow, {"f": lambda p, t: p, "g": lambda p, t: t}, params={"v_phy": 1})
    with pytest.raises(bea.BeaError, match="shaped like its block"):
        bea.jax.field(flow, {"f": lambda p, t: t, "g": lambda p, t: t})((jnp.ones(1), jnp.ones(2)), 0.1)


# -- a small MLP ----------------------------------------------------------------------------------
def _mlp(sizes, key):
    params = []
    for m, n in zip(sizes[:-1], sizes[1:]):
        key, a = jax.random.split(key)
        params.append({"w": jax.random.normal(a, (m, n)) / np.sqrt(m), "b": jnp.zeros(n) + 0.1})
    return params


def _apply(params, x):
    for layer in params[:-1]:
        x = jnp.tanh(x @ layer["w"] + layer["b"])
    return x @ params[-1]["w"] + params[-1]["b"]


_X = jax.random.normal(jax.random.PRNGKey(1), (16, 2))
_Y = jnp.sin(_X[:, :1] * 2) + 0.3 * _X[:, 1:]


def _mse(params, X=_X, Y=_Y):
    return jnp.mean((_apply(params, X) - Y) ** 2)


_NET = _mlp([2, 12, 12, 1], jax.random.PRNGKey(0))       # 205 parameters
_HALVES = [lambda p: _mse(p, _X[:8], _Y[:8]), lambda p: _mse(p, _X[8:], _Y[8:])]


def _gd_fields():
    return {"f": lambda p: jax.tree_util.tree_map(lambda g: -g, jax.grad(_mse)(p))}


def _sgd_fields():
    return {f"f{i + 1}": (lambda E: lambda p: jax.tree_util.tree_map(lambda g: -g, jax.grad(E)(p)))(E)
            for i, E in enumerate(_HALVES)}


@pytest.mark.parametrize("order", [1, 2, 3, 4])
@pytest.mark.parametrize("scheme", ["euler", "sgd"])
def test_observed_local_order_on_an_mlp(scheme, order):
    if scheme == "euler":
        flow, fields = bea.derive("euler", order), _gd_fields()
    else:
        flow, fields = bea.derive("sgd", order, n=2), _sgd_fields()
    result = bea.jax.validate(flow, fields, _NET, [0.08, 0.04, 0.02, 0.01])
    assert abs(result.observed[-1] - (order + 1)) <= 0.3, result.to_text()


def _game():
    """A zero-sum game between two small networks: theta minimises E, phi maximises it."""
    generator, critic = _mlp([2, 6, 1], jax.random.PRNGKey(2)), _mlp([2, 6, 1], jax.random.PRNGKey(3))

    def E(phi, theta):
        return (jnp.mean(_apply(phi, _X) * _apply(theta, _X)) + 0.2 * jnp.mean(_apply(theta, _X) ** 2)
                - 0.2 * jnp.mean(_apply(phi, _X) ** 2))

    negate = lambda tree: jax.tree_util.tree_map(lambda g: -g, tree)
    fields = {"f": lambda phi, theta: jax.grad(E, 0)(phi, theta),
              "g": lambda phi, theta: negate(jax.grad(E, 1)(phi, theta))}
    return E, fields, (critic, generator)


@pytest.mark.parametrize("order", [1, 2, 3, 4])
def test_observed_local_order_of_alternating_updates_on_a_network_game(order):
    _, fields, state = _game()
    flow = bea.derive("alternating", order, v_phi=1, v_theta=2, m=2, k=1)
    result = bea.jax.validate(flow, fields, state, [0.08, 0.04, 0.02, 0.01])
    assert abs(result.observed[-1] - (order + 1)) <= 0.3, result.to_text()


def _close(a, b, tol=1e-12):
    a, b = (np.concatenate([np.ravel(np.asarray(x)) for x in jax.tree_util.tree_leaves(t)]) for t in (a, b))
    return np.max(np.abs(a - b)) <= tol * (1 + np.max(np.abs(b)))


def test_the_gradient_of_the_modified_loss_is_minus_the_field_on_the_mlp():
    flow = bea.derive("euler", 2)
    L = bea.jax.loss(bea.modified_loss(flow, "single"), {"E": _mse})
    F = bea.jax.field(flow, _gd_fields())
    assert _close(jax.grad(L)(_NET, 0.1), jax.tree_util.tree_map(lambda x: -x, F(_NET, 0.1)))
    flow = bea.derive("sgd", 2, n=2)          # f2'f1 - f1'f2 is not a gradient: the frozen loss (thesis Ch. 5)
    assert not bea.modified_loss(flow, "sgd").exact
    L = bea.jax.loss(bea.modified_loss(flow, "sgd", frozen=True), {"E1": _HALVES[0], "E2": _HALVES[1]})
    F = bea.jax.field(flow, _sgd_fields())
    assert _close(jax.grad(L)(_NET, 0.1), jax.tree_util.tree_map(lambda x: -x, F(_NET, 0.1)))


def test_frozen_losses_of_a_game_have_minus_the_field_as_gradient():
    E, fields, state = _game()
    flow = bea.derive("alternating", 3, v_phi=1, v_theta=2, m=2, k=1)
    L = bea.jax.loss(bea.modified_loss(flow, "zero-sum", frozen=True), {"E": E})
    F = bea.jax.field(flow, fields)((state[0], state[1]), 0.1)
    phi, theta = state
    assert _close(jax.grad(lambda p: L((p, theta), 0.1)[0])(phi), jax.tree_util.tree_map(lambda x: -x, F[0]))
    assert _close(jax.grad(lambda t: L((phi, t), 0.1)[1])(theta), jax.tree_util.tree_map(lambda x: -x, F[1]))
    with pytest.raises(bea.BeaError, match="not a gradient"):
        bea.jax.loss(bea.modified_loss(bea.derive("euler", 3), "single"), {"E": _mse})


# -- principal flow -------------------------------------------------------------------------------
def test_principal_flow_on_a_quadratic_is_the_matrix_logarithm():
    from scipy.linalg import logm

    A = np.array([[3.0, 1.0, 0.0], [1.0, 2.0, 0.5], [0.0, 0.5, 12.0]])     # h lambda_max > 1: complex PF
    h, theta = 0.1, np.array([1.0, -0.5, 0.25])
    pf = bea.jax.principal_flow({"f": lambda t: -jnp.asarray(A) @ t}, jnp.asarray(theta), h)
    expected = logm(np.eye(3) - h * A) @ theta / h
    assert pf.method == "dense" and np.allclose(pf.vector, expected, rtol=0, atol=1e-12)
    assert np.isclose(pf.vector.imag.max(), abs(expected.imag).max()) and abs(pf.vector.imag).max() > 1


def test_lanczos_principal_flow_against_the_dense_one_on_the_mlp():
    """The Lanczos PF's error is below the size ``|h mu_(rank+1)|^(q+1)`` of the first Taylor term
    it leaves out on the rest of the space (measured: 4e-5 for rank 20, q = 2; 2e-8 for 40, 3)."""
    fields, h = _gd_fields(), 0.1
    dense = bea.jax.principal_flow(fields, _NET, h)
    assert dense.method == "dense" and len(dense.eigenvalues) == 205
    magnitudes = np.sort(np.abs(dense.eigenvalues))[::-1]
    for rank, degree in [(20, 2), (40, 3)]:
        lanczos = bea.jax.principal_flow(fields, _NET, h, dense_limit=100, rank=rank, tail_degree=degree)
        assert lanczos.method == "lanczos"
        assert np.allclose(np.sort(np.abs(lanczos.eigenvalues))[::-1], magnitudes[:rank], rtol=1e-8)
        error = np.max(np.abs(dense.vector - lanczos.vector)) / np.max(np.abs(dense.vector))
        assert error < (h * magnitudes[rank]) ** (degree + 1), (rank, degree, error)
    assert jax.tree_util.tree_structure(lanczos.value) == jax.tree_util.tree_structure(_NET)


def test_validate_a_state_carrying_scheme_and_per_player_times():
    """Heavy ball reads its past iterates on the slow manifold (the flow run backwards); per-player
    times run each block's flow for its own time (here v_theta = 1/2)."""
    E = lambda x: jnp.sum(x ** 4) / 4 + jnp.sum(jnp.sin(x))
    f = lambda x: -jax.grad(E)(x)
    for order in (2, 3):
        result = bea.jax.validate(bea.derive("heavy-ball", order, beta="1/2"), {"f": f},
                                  jnp.array([0.3, -0.4, 0.5]), [0.1, 0.05, 0.025])
        assert result.passed, result.to_text()
    G = lambda p, t: jnp.sum(p * t) + jnp.sum(p ** 2 * t ** 2) / 2
    fields = {"f": lambda p, t: jax.grad(G, 0)(p, t), "g": lambda p, t: -jax.grad(G, 1)(p, t)}
    flow = bea.derive("alternating", 3, time="per-player", v_phi=2, v_theta="1/2", m=2, k=1)
    result = bea.jax.validate(flow, fields, (jnp.array([0.3, 0.1]), jnp.array([-0.2, 0.4])), [0.1, 0.05, 0.025])
    assert result.passed, result.to_text()


def test_a_flow_that_blows_up_within_the_step_is_an_error_not_a_traceback():
    f = lambda x: x ** 3                                  # blows up at t = 1 / (2 x0^2) = 0.5
    with pytest.raises(bea.BeaError, match="blows up"):
        bea.jax.validate(bea.derive("euler", 1), {"f": f}, jnp.array([1.0]), [0.8, 0.4])


# -- spectral diagnostics on models --------------------------------------------------------------
def test_model_spectral_agrees_with_the_concrete_problem():
    """The same polynomial loss in SymPy (exact Hessian and third derivatives) and in JAX (forward-mode
    products): every quantity agrees."""
    x, y = sympy.symbols("x y")
    E = x ** 4 / 4 + x * y + y ** 2 + x ** 2 * y / 3 + y ** 3 / 5
    concrete = bea.spectral({"f": [-E.diff(x), -E.diff(y)]}, {"theta": [x, y]},
                            {x: sympy.Rational(6, 5), y: sympy.Rational(1, 3)}, "1/10", weight_decay="1/20")
    loss = sympy.lambdify([(x, y)], E, "jax")
    model = bea.jax.spectral({"f": lambda t: -jax.grad(loss)(t)}, jnp.array([1.2, 1 / 3]), 0.1, weight_decay=0.05)
    for name in ("eigenvalues", "gradient", "sharpness_gradient", "stability_coefficients"):
        assert np.allclose(getattr(model, name), getattr(concrete, name), rtol=1e-10), name
    assert np.allclose(model.third_order.total, concrete.third_order.total, rtol=1e-10)
    assert np.allclose(model.third_order.diagonal, concrete.third_order.diagonal, rtol=1e-10)
    assert model.regimes == concrete.regimes and abs(model.dal() - concrete.dal()) < 1e-12


def test_model_spectral_top_k_by_lanczos_without_a_dense_hessian(monkeypatch):
    """Above dense_limit the top-k eigenpairs come from Hessian-vector products only (the dense Jacobian is
    never formed) and agree with the dense computation below it."""
    from bea.models.jax_backend import JAX

    W1 = jax.random.normal(jax.random.PRNGKey(0), (8, 12)) * 0.4
    W2 = jax.random.normal(jax.random.PRNGKey(1), (12,)) * 0.4
    X = jax.random.normal(jax.random.PRNGKey(2), (30, 8))
    target = jnp.sin(X[:, 0])

    def loss(p):
        return jnp.mean((jnp.tanh(X @ p["W1"]) @ p["W2"] - target) ** 2)

    params = {"W1": W1, "W2": W2}
    fields = {"f": lambda p: jax.tree_util.tree_map(lambda g: -g, jax.grad(loss)(p))}
    dense = bea.jax.spectral(fields, params, 0.5)
    assert dense.complete and dense.eigenvalues.shape == (108,)

    def refuse(*args, **kwargs):
        raise AssertionError("a dense Jacobian was formed")

    monkeypatch.setattr(JAX, "jacobian", refuse)
    top = bea.jax.spectral(fields, params, 0.5, k=3, dense_limit=50)
    assert not top.complete and top.eigenvalues.shape == (3,)
    assert np.allclose(top.eigenvalues, dense.eigenvalues[:3], rtol=1e-8)
    assert np.allclose(top.sharpness_gradient, dense.sharpness_gradient, rtol=1e-6, atol=1e-10)
    # the alignment's gradient: MINRES on Hessian-vector products against the dense eigenpairs' sum
    assert np.allclose(top.constraint_gradient, dense.constraint_gradient, rtol=1e-6, atol=1e-9)
    assert np.allclose(top.third_order.total, dense.third_order.total, rtol=1e-10)
    assert np.allclose(top.stability_coefficients, dense.stability_coefficients[:3], rtol=1e-8)
    assert abs(top.dal() - dense.dal()) < 1e-10 and top.regimes == dense.regimes[:3]
    with pytest.raises(bea.BeaError, match="k"):
        bea.jax.spectral(fields, params, 0.5, k=0)


def test_model_drift_and_loss_change_agree_with_the_concrete_problem():
    """The drift (diffrax against mpmath's Taylor integrator) and the loss change (nested jvps in h
    against the exact series) on the same polynomial loss."""
    from bea.analysis.drift import loss_change, momentum_drift, one_step_drift

    x, y = sympy.symbols("x y")
    E = x ** 4 / 4 + x * y + y ** 2 + x ** 2 * y / 3
    loss = sympy.lambdify([(x, y)], E, "jax")
    fields = {"f": lambda t: -jax.grad(loss)(t)}
    state = jnp.array([1.0, 0.5])
    concrete = {"fields": {"f": [-E.diff(x), -E.diff(y)]}, "variables": {"theta": [x, y]}, "at": {x: 1, y: "1/2"}}
    model, exact = bea.jax.drift(fields, state, 0.1), one_step_drift(**concrete, h="1/10")
    assert model.holds and np.allclose(model.drift, exact.drift, rtol=1e-8) and np.allclose(model.leading, exact.leading)
    model = bea.jax.drift(fields, state, 0.1, beta=0.5, velocity=jnp.array([0.1, -0.2]))
    exact = momentum_drift(**concrete, h="1/10", beta="1/2", velocity=["1/10", "-1/5"])
    assert model.holds and np.allclose(model.drift, exact.drift, rtol=1e-8) and np.allclose(model.rest, exact.rest)
    for scheme in ("euler", "rk4"):
        model = bea.jax.loss_change(scheme, loss, state, order=4)
        exact = loss_change(scheme, E, concrete["variables"], concrete["at"], 4)
        assert np.allclose(model.coefficients, [float(c) for c in exact.coefficients], rtol=1e-10)
        assert model.threshold == exact.threshold


def test_model_eos_constants_and_rotation_agree_with_the_concrete_problem():
    t1, t2 = sympy.symbols("t1 t2")
    L = (t1 * t2) ** 2 + t1 ** 4 / 10
    loss = sympy.lambdify([(t1, t2)], L, "jax")
    state = jnp.array([-0.1, 10.0])
    model = bea.jax.eos.constants(loss, state, 0.011)
    exact = bea.eos.constants(L, {"theta": [t1, t2]}, {t1: "-0.1", t2: 10}, "0.011")
    for name in ("sharpness", "alpha", "beta", "delta", "epsilon"):
        assert np.isclose(getattr(model, name), getattr(exact, name), rtol=1e-10), name
    assert np.allclose(model.grad_sharpness_perp, exact.grad_sharpness_perp, rtol=1e-9, atol=1e-12)
    fields, variables = {"f": [-L.diff(t1), -L.diff(t2)]}, {"theta": [t1, t2]}
    for flow in ("gd", "ngf", "igr", "pf", bea.derive("euler", 3)):
        m = bea.jax.eos.rotation(loss, state, 0.011, flow)
        e = bea.eos.rotation(fields, variables, {t1: "-0.1", t2: 10}, "0.011", flow)
        assert m.direction == e.direction and abs(m.ratio_after - e.ratio_after) < 1e-6 * e.ratio_after


def test_model_rotation_in_wang_and_roberts_fig_1():
    """Their 2-parameter DLN (t1 t2)^2 from (-0.1, 10) as a model: one gradient step rotates u toward t1 at
    eta = 0.001, 0.0095 and away at 0.011, 0.013; the PF predicts each, the NGF 'toward' throughout."""
    state = jnp.array([-0.1, 10.0])

    def loss(t):
        return (t[0] * t[1]) ** 2
    for eta, expected in ((0.001, "toward"), (0.0095, "toward"), (0.011, "away"), (0.013, "away")):
        assert bea.jax.eos.rotation(loss, state, eta, "gd").direction == expected
        assert bea.jax.eos.rotation(loss, state, eta, "pf").direction == expected
        assert bea.jax.eos.rotation(loss, state, eta, "ngf").direction == "toward"


def test_model_pf_trajectory_is_gradient_descent_on_a_quadratic_past_h_lambda_one():
    """On E = theta^T A theta/2 + b^T theta the PF's flow for time n h is the n-th gradient-descent iterate
    (TMLR Remark 3.1), also where h lambda > 1 and the path is complex in between; a pytree state."""
    from bea.models.jax_backend import JAX
    from bea.models.principal_flow import descent_pf_trajectory

    A = np.array([[3.0, 1.0, 0.0], [1.0, 2.0, 0.5], [0.0, 0.5, 0.2]])
    b = np.array([0.3, -1.0, 0.5])
    h = 1.3 / np.linalg.eigvalsh(A).max() * 1.2          # h lambda_max = 1.56: the complex stable case
    state = {"w": jnp.array([1.0, -0.5]), "c": jnp.array(0.25)}

    def loss(s):
        theta = jnp.concatenate([jnp.atleast_1d(s["c"]), s["w"]])
        return theta @ (jnp.asarray(A) @ theta) / 2 + jnp.asarray(b) @ theta
    path = descent_pf_trajectory(loss, state, h, 3, JAX)
    theta = np.array([0.25, 1.0, -0.5])               # ravel_pytree orders the keys: c, then w
    for n in range(4):
        assert np.abs(path[n] - theta).max() < 1e-10, n
        theta = theta - h * (A @ theta + b)
    assert np.abs(path[1].imag).max() < 1e-10


def test_model_pf_trajectory_refuses_what_it_cannot_continue():
    from bea.models.jax_backend import JAX
    from bea.models.principal_flow import descent_pf_trajectory

    state = jnp.array([0.5, -0.3])
    with pytest.raises(bea.BeaError, match="not holomorphic"):
        descent_pf_trajectory(lambda t: jnp.sum(t * jnp.conj(t)) + t[0] ** 3, state, 0.1, 1, JAX)
    with pytest.raises(bea.BeaError, match="complex parameters"):
        descent_pf_trajectory(lambda t: jnp.sum(jnp.abs(t) ** 3), state, 0.1, 1, JAX)
    with pytest.raises(bea.BeaError, match="dense_limit"):
        descent_pf_trajectory(lambda t: jnp.sum(t ** 4), state, 0.1, 1, JAX, dense_limit=1)


def test_sun_et_al_cnn_linearisation_against_the_networks_hessian():
    """Sun et al.'s one-layer CNN s[sum r(K * I)] with Swish r and cross-entropy, periodic, kernel as large as
    the image: at K = 0 its Hessian (jax.hessian of the network itself) is the rank-one term of a's
    dependence on K, s'(0) grad P grad P^T, plus the linearisation's convolution, whose eigenvalues are
    bea.eos.cnn_curvatures: a beta |I_hat|^2 / 2 with a = y_hat - y (their Thm 5.2 / Eq 13)."""
    n, beta, label = 5, 1.3, 1.0
    I = np.asarray(jax.random.normal(jax.random.PRNGKey(3), (n, n)))
    shift = np.array([[[[((x + u) % n) * n + (y + v) % n for v in range(n)] for u in range(n)] for y in range(n)]
                      for x in range(n)])                         # (K * I)(x, y) = sum_uv K(u, v) I(x + u, y + v)

    def loss(K):
        correlation = jnp.einsum("uv,xyuv->xy", K.reshape(n, n), jnp.asarray(I.ravel())[shift])
        P = jnp.sum(correlation * jax.nn.sigmoid(beta * correlation))
        return -(label * jax.nn.log_sigmoid(P) + (1 - label) * jax.nn.log_sigmoid(-P))

    H = np.asarray(jax.hessian(loss)(jnp.zeros(n * n)))
    grad_P = np.full(n * n, I.sum() / 2)                          # r'(0) = 1/2 at every x: grad P = I_bar / 2
    linear = H - 0.25 * np.outer(grad_P, grad_P)                  # s'(0) = 1/4
    a = 0.5 - label                                               # y_hat = s(0) = 1/2
    expected = np.sort(bea.eos.cnn_curvatures(I, a, beta).ravel())
    assert np.allclose(np.sort(np.linalg.eigvalsh(linear)), expected, rtol=1e-10, atol=1e-10)


def test_model_lyapunov_agrees_with_the_concrete_exponent():
    """The finite-time Lyapunov exponent of GD on a nonlinear loss, in SymPy (exact Jacobians, all tangents)
    and on the JAX model (forward-mode tangents): the same number; one random tangent (dense_limit = 0)
    grows at the same rate up to the O(1/T) of its start."""
    x, y = sympy.symbols("x y")
    E = x ** 4 / 4 + x * y + y ** 2 + x ** 2 * y / 3
    concrete = bea.eos.lyapunov({"f": [-E.diff(x), -E.diff(y)]}, {"theta": [x, y]}, [1.2, -0.4], 0.3, 60)
    loss = sympy.lambdify([(x, y)], E, "jax")
    fields = {"f": lambda t: -jax.grad(loss)(t)}
    model = bea.jax.eos.lyapunov(fields, jnp.array([1.2, -0.4]), 0.3, 60)
    assert abs(model - concrete) < 1e-12
    assert abs(bea.jax.eos.lyapunov(fields, jnp.array([1.2, -0.4]), 0.3, 60, dense_limit=0) - concrete) < 0.05


def test_model_self_stabilisation_tools_agree_with_the_concrete_ones():
    """Damian et al.'s projection, constrained trajectory, predicted dynamics and 2-cycle, and the iterates'
    underflow report, on JAX models (autodiff gradients, HVPs, float64 eigh) against the same losses in SymPy
    (exact derivatives, 50-digit eigenpairs)."""
    a, b, t = sympy.symbols("a b t")
    toy = a ** 2 * (1 + b + b ** 2 / 50) / 2 - b - a ** 4 / 40           # curvature: GD is not the exact map
    variables = {"theta": [a, b]}
    loss = sympy.lambdify([(a, b)], toy, "jax")
    eta, start = 0.05, [0.01, 25.5]
    assert np.allclose(bea.jax.eos.project(loss, jnp.array([0.3, 5.0]), eta), bea.eos.project(toy, variables, [0.3, 5.0], eta),
                       rtol=1e-10, atol=1e-12)
    concrete, model = bea.eos.predicted(toy, variables, start, eta, 40), bea.jax.eos.predicted(loss, jnp.array(start), eta, 40)
    assert np.abs(concrete.x).max() > 0.05                              # the oscillation along u is exercised
    for name in ("dagger", "v", "y", "loss", "sharpness", "delta"):       # x = u . v: u's sign on M is arbitrary
        assert np.allclose(getattr(model, name), getattr(concrete, name), rtol=1e-8, atol=1e-10), name
    assert np.allclose(np.abs(model.x), np.abs(concrete.x), rtol=1e-8, atol=1e-10)
    E = sympy.Rational(23, 5) * t ** 2 / 2 - t ** 4 / 4 + t ** 2 * sympy.Symbol("t") ** 4 / 100
    cycle = bea.eos.two_cycle(E, {"theta": [t]}, {t: 0}, "1/2")
    on_model = bea.jax.eos.two_cycle(sympy.lambdify([(t,)], E, "jax"), jnp.array([0.0]), 0.5)
    assert np.allclose(on_model.offsets, cycle.offsets, rtol=1e-12) and abs(on_model.radius - cycle.radius) < 1e-12
    run = bea.jax.eos.iterates(lambda th: (th[0] * th[1]) ** 2, jnp.array([-0.1, 10.0]), 0.013, 400)
    assert run.underflow == ((288, "theta[0]"),) and run.overflow is None
    with pytest.raises(bea.BeaError, match="float64|float32"):
        bea.jax.eos.project(loss, jnp.array([0.3, 5.0], dtype=jnp.float32), eta)
