"""Time ``bea.jax.field`` on an MLP of about 10^5 parameters, relative to one gradient evaluation.

Everything is jit-compiled; times are the median of repeated calls after warm-up (CPU, float64).
For each order the table gives the elementary differentials evaluated (the distinct trees of the
flow and their subtrees) and the nested ``jvp`` levels they take (a tree with ``k`` children is
``k`` levels deep over its root's field): their count is the floor of the work, each level costing
about one more forward pass through the field.  Also the compile time of ``F`` and the same for a
two-player game (two such networks, alternating updates).

    python benchmarks/jax_field.py [--repeat 20] [--markdown]
"""

from __future__ import annotations

import argparse
import statistics
import time

import jax
import jax.numpy as jnp
import numpy as np

import bea
import bea.jax
from bea.concrete.codegen import subtree_closure
from harness import markdown_table


def mlp(sizes, key):
    params = []
    for m, n in zip(sizes[:-1], sizes[1:]):
        key, sub = jax.random.split(key)
        params.append({"w": jax.random.normal(sub, (m, n)) / np.sqrt(m), "b": jnp.zeros(n)})
    return params


def apply(params, x):
    for layer in params[:-1]:
        x = jnp.tanh(x @ layer["w"] + layer["b"])
    return x @ params[-1]["w"] + params[-1]["b"]


def timed(fn, *args, repeat: int) -> tuple[float, float]:
    """``(first call including compilation, median of later calls)`` in seconds."""
    t0 = time.perf_counter()
    jax.block_until_ready(fn(*args))
    first = time.perf_counter() - t0
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        jax.block_until_ready(fn(*args))
        runs.append(time.perf_counter() - t0)
    return first, statistics.median(runs)


def levels(flow) -> tuple[int, int]:
    trees = subtree_closure([t.tree for t in flow.terms])
    return len(trees), sum(len(t.children) for t in trees)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    key = jax.random.PRNGKey(0)
    X = jax.random.normal(key, (256, 16))
    Y = jnp.sin(X[:, :1])
    net = mlp([16, 256, 256, 128, 1], jax.random.PRNGKey(1))
    size = sum(leaf.size for leaf in jax.tree_util.tree_leaves(net))
    E = lambda p: jnp.mean((apply(p, X) - Y) ** 2)
    minus = lambda tree: jax.tree_util.tree_map(lambda g: -g, tree)
    gradient = jax.jit(jax.grad(E))
    _, base = timed(gradient, net, repeat=args.repeat)
    rows = []
    for order in (2, 3, 4):
        flow = bea.derive("euler", order)
        F = jax.jit(bea.jax.field(flow, {"f": lambda p: minus(jax.grad(E)(p))}))
        compile_time, run = timed(F, net, 0.1, repeat=args.repeat)
        rows.append(("gradient descent", size, order, *levels(flow), run, run / base, compile_time))

    critic = mlp([16, 192, 192, 1], jax.random.PRNGKey(2))
    game_size = size + sum(leaf.size for leaf in jax.tree_util.tree_leaves(critic))
    G = lambda phi, theta: jnp.mean(apply(phi, X) * apply(theta, X)) - 0.1 * jnp.mean(apply(phi, X) ** 2)
    game_gradient = jax.jit(lambda phi, theta: (jax.grad(G, 0)(phi, theta), jax.grad(G, 1)(phi, theta)))
    _, game_base = timed(game_gradient, critic, net, repeat=args.repeat)
    fields = {"f": lambda phi, theta: jax.grad(G, 0)(phi, theta), "g": lambda phi, theta: minus(jax.grad(G, 1)(phi, theta))}
    for order in (2, 3):
        flow = bea.derive("alternating", order, v_phi=1, v_theta=1, m=1, k=1)
        F = jax.jit(bea.jax.field(flow, fields))
        compile_time, run = timed(F, (critic, net), 0.1, repeat=args.repeat)
        rows.append(("alternating game", game_size, order, *levels(flow), run, run / game_base, compile_time))

    if args.markdown:
        print(f"One gradient evaluation: {base * 1e3:.2f} ms (MLP, {size} parameters); "
              f"both players' gradients: {game_base * 1e3:.2f} ms ({game_size} parameters).\n")
        print(markdown_table(["model", "parameters", "order", "elementary differentials", "nested jvp levels", "F (ms)",
                              "F / gradient", "compile (s)"],
                             [[name, n, order, trees, depth, f"{run * 1e3:.2f}", f"{ratio:.1f}x", f"{compile_time:.2f}"]
                              for name, n, order, trees, depth, run, ratio, compile_time in rows]))
    else:
        print(f"gradient: {base * 1e3:.2f} ms ({size} parameters); game gradients: {game_base * 1e3:.2f} ms ({game_size})")
        for name, n, order, trees, depth, run, ratio, compile_time in rows:
            print(f"{name:17s} order {order}: {trees} differentials, {depth} jvp levels, F {run * 1e3:8.2f} ms "
                  f"= {ratio:5.1f} x gradient, compile {compile_time:.2f} s", flush=True)


if __name__ == "__main__":
    main()
