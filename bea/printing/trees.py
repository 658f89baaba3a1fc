"""Pictures of labelled rooted trees: TikZ for LaTeX documents, Matplotlib for notebooks.

Trees are drawn as RootedTrees.jl draws them [KR23]: the root at the bottom, children above their
parent, one node per field evaluation, coloured by its label, beside the elementary differential
the tree stands for (:func:`bea.printing.notation.tree_latex`).  The layout puts the leaves at
consecutive positions, left to right in the canonical order of the children, and each parent
midway over its children.
"""

from __future__ import annotations

from ..algebra.trees import Tree
from .notation import label_latex, tree_latex

__all__ = ["layout", "tikz", "draw"]

#: node colours by label, in order of first use (Matplotlib's tab10 / TikZ's xcolor names)
_COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"]
_TIKZ_COLOURS = ["blue", "red", "green!60!black", "violet", "orange", "brown", "magenta", "cyan"]


def layout(tree: Tree) -> list[tuple[str, float, int, int]]:
    """``[(label, x, depth, parent index), ...]``: the nodes root first (parent ``-1``), each at
    height ``depth`` and horizontal position ``x`` (leaves at 0, 1, 2, ...; parents midway).

    >>> layout(Tree.make("f", [Tree.make("g"), Tree.make("f")]))
    [('f', 0.5, 0, -1), ('f', 0.0, 1, 0), ('g', 1.0, 1, 0)]
    """
    nodes: list[list] = []
    next_leaf = [0.0]

    def place(t: Tree, depth: int, parent: int) -> float:
        index = len(nodes)
        nodes.append([t.label, 0.0, depth, parent])
        xs = [place(child, depth + 1, index) for child in t.printed_children]
        if xs:
            x = (xs[0] + xs[-1]) / 2
        else:
            x, next_leaf[0] = next_leaf[0], next_leaf[0] + 1
        nodes[index][1] = x
        return x

    place(tree, 0, -1)
    return [tuple(n) for n in nodes]


def _colour_of(tree: Tree, palette: list[str]) -> dict[str, str]:
    labels = sorted(tree.label_set)
    return {label: palette[i % len(palette)] for i, label in enumerate(labels)}


def tikz(tree: Tree, differential: bool = True, block_of=None) -> str:
    """A TikZ picture of the tree (plain TikZ, no extra package), followed by ``= F(t)`` in math mode
    when ``differential``.

    >>> print(tikz(Tree.make("f", [Tree.make("f")]), differential=False))
    \\begin{tikzpicture}[scale=0.5, baseline=(n0.south), every node/.style={circle, inner sep=1.5pt}]
      \\node[fill=blue] (n0) at (0, 0) {};
      \\node[fill=blue] (n1) at (0, 1) {};
      \\draw (n0) -- (n1);
    \\end{tikzpicture}
    """
    colour = _colour_of(tree, _TIKZ_COLOURS)
    nodes = layout(tree)
    lines = ["\\begin{tikzpicture}[scale=0.5, baseline=(n0.south), every node/.style={circle, inner sep=1.5pt}]"]
    for i, (label, x, depth, _) in enumerate(nodes):
        lines.append(f"  \\node[fill={colour[label]}] (n{i}) at ({x:g}, {depth}) {{}};")
    for i, (_, _, _, parent) in enumerate(nodes):
        if parent >= 0:
            lines.append(f"  \\draw (n{parent}) -- (n{i});")
    lines.append("\\end{tikzpicture}")
    picture = "\n".join(lines)
    if not differential:
        return picture
    return f"{picture} $= {tree_latex(tree, block_of)}$"


def draw(tree: Tree, ax=None, differential: bool = True, block_of=None):
    """Draw the tree with Matplotlib (on ``ax``, or a new small figure); the title is ``F(t)`` in
    mathtext when ``differential``.  Returns the Axes.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = draw(Tree.make("f", [Tree.make("g"), Tree.make("f")]))
    >>> len(ax.collections), ax.get_title()
    (1, "$f''(f, g)$")
    """
    import matplotlib.pyplot as plt

    nodes = layout(tree)
    if ax is None:
        width = max(1.2, 0.5 * (1 + max(x for _, x, _, _ in nodes)))
        _, ax = plt.subplots(figsize=(width, 0.5 * (2 + max(d for _, _, d, _ in nodes))))
    colour = _colour_of(tree, _COLOURS)
    for _, x, depth, parent in nodes:
        if parent >= 0:
            _, px, pd, _ = nodes[parent]
            ax.plot([px, x], [pd, depth], color="black", linewidth=1, zorder=1)
    ax.scatter([x for _, x, _, _ in nodes], [d for _, _, d, _ in nodes], s=60, zorder=2,
               c=[colour[label] for label, _, _, _ in nodes])
    if len(tree.label_set) > 1:
        for label, x, depth, _ in nodes:
            ax.annotate(f"${label_latex(label)}$", (x, depth), textcoords="offset points", xytext=(5, -3), fontsize=8)
    ax.set_axis_off()
    ax.margins(0.3)
    if differential:
        ax.set_title(f"${tree_latex(tree, block_of)}$", fontsize=9)
    return ax
