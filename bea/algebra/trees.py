"""Labelled rooted trees and their elementary differentials.

A tree ``a[t1, ..., tk]`` stands for the elementary differential
``F(a[t1..tk]) = D^k F_a (F(t1), ..., F(tk))`` (docs/conventions.md): the k-th derivative of
the field labelled ``a`` with respect to the whole state, applied to the children's
vectors.  Children form an unordered multiset.

Trees are *interned*: each distinct tree exists once, so equality is identity and a
tree can be used as a dictionary key at the cost of a pointer.  The canonical form of
a tree is its label together with the sorted tuple of its children's serial numbers.

The B-series machinery (:mod:`bea.algebra.series`) needs, for every tree, its *edge cuts*:
removing one edge splits ``s`` into the part ``r`` that keeps the root and the
branch ``u`` that was cut off.  Grafting is the inverse operation, and the Lie
derivative of a series is a sum over these cuts [HLW06, Lemma IX.9.1].
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from functools import lru_cache
from math import factorial

from ..errors import ParameterError, TreeSyntaxError

__all__ = ["Tree", "leaf", "parse_tree", "trees_up_to", "chains_up_to", "TERMS", "cancelled"]


class _bottom_up:
    """A cached tree property computed for the children before the parent, without recursion.

    Trees are made children first, so their serial numbers order every descendant before its
    ancestors: the uncached descendants are collected with an explicit stack and computed in
    serial order.  A chain of hundreds of nodes therefore never exhausts Python's stack.
    """

    def __init__(self, func):
        self.func, self.name, self.__doc__ = func, func.__name__, func.__doc__

    def __get__(self, tree, owner=None):
        if tree is None:
            return self
        cache, name = tree.__dict__, self.name
        if name in cache:
            return cache[name]
        if all(name in child.__dict__ for child in tree.children):     # the usual case: children first
            value = cache[name] = self.func(tree)
            return value
        pending, stack, seen = [], [tree], set()
        while stack:
            t = stack.pop()
            if name not in t.__dict__ and t.serial not in seen:
                seen.add(t.serial)
                pending.append(t)
                stack.extend(t.children)
        for t in sorted(pending, key=_serial):
            t.__dict__[name] = self.func(t)
        return cache[name]


class Tree(str):
    """A labelled rooted tree; build with :func:`leaf`, :meth:`Tree.make` or :func:`parse_tree`.

    A tree *is* its canonical text form (docs/conventions.md): it prints, compares, hashes and
    serialises as that string, so ``term.tree == "f[g]"`` and JSON output need no conversion,
    and it carries its structure (``label``, ``children``, ``order``, ``cuts``, ...).  Trees
    are interned: each distinct tree is one object, made once from its children.

    >>> t = Tree.make("f", [leaf("g"), leaf("f")])
    >>> t, t.order, t.label, t == "f[f,g]", t is parse_tree("f[g,f]")
    (Tree('f[f,g]'), 3, 'f', True, True)
    """

    _registry: dict[tuple, "Tree"] = {}

    def __new__(cls, *args, **kwargs):  # pragma: no cover - guard against direct use
        raise TypeError("use Tree.make(label, children) or parse_tree(text)")

    @classmethod
    def make(cls, label: str, children=()) -> "Tree":
        """The unique tree with root ``label`` and the given multiset of child trees."""
        return cls._made(label, tuple(sorted(children, key=_serial)))

    @classmethod
    def _made(cls, label: str, kids: tuple, serials: tuple | None = None) -> "Tree":
        """:meth:`make` for children already sorted by serial number (``serials``: theirs, if known)."""
        key = (label, tuple([c.serial for c in kids]) if serials is None else serials)
        tree = cls._registry.get(key)
        if tree is None:
            printed = tuple(sorted(kids, key=_sort_key))
            tree = str.__new__(cls, f"{label}[{','.join(printed)}]" if kids else label)
            tree.label = label
            tree.children = kids
            tree.printed_children = printed
            tree.serial = len(cls._registry)
            tree.order = 1 + sum(c.order for c in kids)
            tree.sort_key = (tree.order, label, tuple(c.sort_key for c in printed))
            cls._registry[key] = tree
        return tree

    # -- structure ---------------------------------------------------------------
    def graft(self, branch: "Tree") -> "Tree":
        """The tree ``self`` with ``branch`` added as one more child of the root."""
        return Tree.make(self.label, self.children + (branch,))

    @_bottom_up
    def edge_cuts(self) -> tuple[tuple["Tree", "Tree", int], ...]:
        """The distinct pairs ``(root part, branch)`` obtained by cutting one edge, each with the
        number of edges that give it.

        Equal children give equal cuts, so each distinct child is cut once and its count
        multiplies: ``a[b, b]`` has one pair ``(a[b], b)`` of count 2.  The counts sum to the
        number of edges, ``|t| - 1``.  References: [HLW06, Sec III.1].

        >>> parse_tree("a[b,b]").edge_cuts
        ((Tree('a[b]'), Tree('b'), 2),)
        >>> parse_tree("f[f[f]]").edge_cuts
        ((Tree('f'), Tree('f[f]'), 1), (Tree('f[f]'), Tree('f'), 1))
        """
        kids, label, triples = self.children, self.label, []
        numbers = tuple([c.serial for c in kids])
        for i, child in enumerate(kids):
            if i and kids[i - 1] is child:
                continue
            count = kids.count(child)
            others = kids[:i] + kids[i + 1:]          # one copy of child removed, still sorted by serial
            serials = numbers[:i] + numbers[i + 1:]
            triples.append((Tree._made(label, others, serials), child, count))
            for rest, branch, n in child.edge_cuts:
                j = bisect_left(serials, rest.serial)
                inserted = Tree._made(label, others[:j] + (rest,) + others[j:], serials[:j] + (rest.serial,) + serials[j:])
                triples.append((inserted, branch, count * n))
        return tuple(triples)

    @property
    def cuts(self) -> tuple[tuple["Tree", "Tree"], ...]:
        """All pairs ``(root part, branch)`` obtained by cutting one edge, one per edge: for
        ``a[b, b]`` the pair ``(a[b], b)`` appears twice (:attr:`edge_cuts` groups them).

        >>> parse_tree("a[b,b]").cuts
        ((Tree('a[b]'), Tree('b')), (Tree('a[b]'), Tree('b')))
        """
        return tuple((r, u) for r, u, n in self.edge_cuts for _ in range(n))

    @_bottom_up
    def symmetry(self) -> int:
        """The symmetry coefficient ``sigma(t) = prod_i m_i! sigma(t_i)^{m_i}`` (``m_i``: multiplicities
        of equal subtrees).  References: [HLW06, Sec III.1], [But16, Ch. 3].

        >>> parse_tree("f[f,f]").symmetry, parse_tree("f[f[f,f],f[f,f]]").symmetry
        (2, 8)
        """
        sigma = 1
        for child, mult in Counter(self.children).items():
            sigma *= factorial(mult) * child.symmetry ** mult
        return sigma

    @_bottom_up
    def labels(self) -> tuple[str, ...]:
        """The labels of all nodes, root first (depth first)."""
        out = [self.label]
        for child in self.children:
            out.extend(child.labels)
        return tuple(out)

    @_bottom_up
    def label_set(self) -> frozenset:
        """The set of labels that occur in the tree."""
        labels = frozenset([self.label])
        for child in self.children:
            if not child.label_set <= labels:
                labels = labels | child.label_set
        return labels

    @_bottom_up
    def is_chain(self) -> bool:
        """True when every node has at most one child (``f``, ``f[f]``, ``f[g[f]]``, ...)."""
        return len(self.children) == 0 or (len(self.children) == 1 and self.children[0].is_chain)

    # -- pictures: thin delegates to the printers (bea.printing.trees) ----------------------------
    def draw(self, ax=None, **options):
        """Draw the tree with Matplotlib beside its elementary differential (:func:`bea.printing.trees.draw`)."""
        from ..printing.trees import draw

        return draw(self, ax, **options)

    def to_tikz(self, **options) -> str:
        """A TikZ picture of the tree and ``= F(t)`` (:func:`bea.printing.trees.tikz`)."""
        from ..printing.trees import tikz

        return tikz(self, **options)

    @property
    def text(self) -> str:
        """The canonical text form ``label[child,child,...]`` as a plain string."""
        return str.__str__(self)

    def __repr__(self) -> str:
        return f"Tree({self.text!r})"

    def __reduce__(self):
        return (parse_tree, (self.text,))


def _sort_key(tree: Tree) -> tuple:
    """Canonical print order: fewer nodes first, then by label, then by children."""
    return tree.sort_key


def _serial(tree: Tree) -> int:
    return tree.serial


def leaf(label: str) -> Tree:
    """The one-node tree ``label``: the field itself."""
    return Tree.make(label)


_TOKEN = re.compile(r"\s*(?:([A-Za-z_][A-Za-z0-9_]*)|(\[)|(\])|(,))")


def parse_tree(text: str, labels=None) -> Tree:
    """Parse the text form ``label`` or ``label[child,child,...]`` (children in any order).

    ``labels``, if given, is the set of allowed field labels.  The parser keeps its own stack,
    so trees of any depth parse.

    >>> parse_tree("f[g, f[f]]") is parse_tree("f[f[f],g]")
    True
    """
    if not isinstance(text, str):
        raise TreeSyntaxError(f"a tree is given as text such as 'f[f]', got {text!r}")
    stack: list[tuple[str, list]] = []     # open nodes: (label, children so far)
    pos, done, expect_label = 0, None, True
    while True:
        match = _TOKEN.match(text, pos)
        if match is None:
            if text[pos:].strip():
                raise TreeSyntaxError(f"cannot parse tree {text!r}: unexpected text {text[pos:].strip()!r}")
            break
        name, opening, closing, comma = match.groups()
        if done is not None:
            raise TreeSyntaxError(f"cannot parse tree {text!r}: unexpected text {text[pos:].strip()!r}")
        if expect_label:
            if name is None:
                raise TreeSyntaxError(f"cannot parse tree {text!r}: expected a label at position {pos}")
            if labels is not None and name not in labels:
                raise TreeSyntaxError(f"tree {text!r} uses unknown field label {name!r}; known: {sorted(labels)}")
            pos = match.end()
            after = _TOKEN.match(text, pos)
            if after is not None and after.group(2):
                stack.append((name, []))
                pos = after.end()
                continue
            node = leaf(name)
        elif closing and stack:
            label, kids = stack.pop()
            node = Tree.make(label, kids)
            pos = match.end()
        elif comma and stack:
            pos, expect_label = match.end(), True
            continue
        else:
            raise TreeSyntaxError(f"cannot parse tree {text!r}: expected ',' or ']' at position {pos}")
        expect_label = False
        if stack:
            stack[-1][1].append(node)
        else:
            done = node
    if done is None:
        where = "ends too early" if stack or not text.strip() else "has no tree"
        raise TreeSyntaxError(f"cannot parse tree {text!r}: it {where}")
    return done


def trees_up_to(order: int, labels) -> list[Tree]:
    """All trees with at most ``order`` nodes whose labels are in ``labels``, in canonical order
    (fewer nodes first, then by label and children: :attr:`Tree.sort_key`).

    Trees of order n are built as a root label times a multiset of smaller trees with
    n - 1 nodes in total; multisets are generated with non-increasing positions in the
    list, so each one appears exactly once.  The list is made once per ``(order, labels)``.
    """
    return list(_enumerated(order, tuple(sorted(set(labels)))))


@lru_cache(maxsize=32)
def _enumerated(order: int, labels: tuple) -> tuple:
    everything: list[Tree] = []          # by order, so the trees up to a size are a prefix
    upto = [0]                           # upto[n]: how many trees have at most n nodes
    for n in range(1, order + 1):
        made = [Tree.make(label, forest) for forest in _forests(n - 1, len(everything), everything, upto)
                for label in labels]
        everything.extend(made)
        upto.append(len(everything))
    return tuple(sorted(everything, key=_sort_key))


def _forests(size: int, limit: int, pool: list[Tree], upto: list[int]):
    """Multisets of trees from ``pool[:limit]`` with ``size`` nodes in total, each a tuple sorted
    by serial number (positions in ``pool`` taken non-increasing, so each multiset once)."""
    if size == 0:
        yield ()
        return
    for i in range(min(limit, upto[size]) - 1, -1, -1):
        first = pool[i]
        for rest in _forests(size - first.order, i + 1, pool, upto):
            yield rest + (first,)


def chains_up_to(order: int, labels) -> list[Tree]:
    """All chain trees (each node has at most one child) with at most ``order`` nodes, in
    canonical order."""
    labels = sorted(set(labels))
    level = [leaf(label) for label in labels]
    everything = list(level)
    for _ in range(order - 1):
        level = [Tree.make(label, (child,)) for child in level for label in labels]
        everything.extend(level)
    return sorted(everything, key=_sort_key)


TERMS = ("all", "interaction", "self")
"""Which drift terms :func:`bea.modify` cancels: every one, those whose tree involves another field than its root's
(``f[g]``, ``f1[f2]``: the interaction terms of [Ros23, Sec 4.6]), or those of the root's field alone (``f[f]``)."""


def cancelled(terms: str):
    """The predicate on trees of more than one node that says whether ``terms`` cancels the tree's drift."""
    if terms not in TERMS:
        raise ParameterError(f"terms must be one of {', '.join(TERMS)}, got {terms!r}")
    if terms == "all":
        return lambda tree: True
    if terms == "interaction":
        return lambda tree: len(tree.label_set) > 1
    return lambda tree: len(tree.label_set) == 1
