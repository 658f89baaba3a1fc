"""Labelled rooted trees: enumeration counts, canonical text form, symmetry and cuts."""

import pytest

from bea.errors import TreeSyntaxError
from bea.algebra.trees import chains_up_to, parse_tree, trees_up_to


def counts(trees, order):
    return [sum(1 for t in trees if t.order == n) for n in range(1, order + 1)]


def test_rooted_tree_counts_oeis_a000081():
    assert counts(trees_up_to(10, "f"), 10) == [1, 1, 2, 4, 9, 20, 48, 115, 286, 719]


def test_two_coloured_tree_counts_oeis_a000151():
    assert counts(trees_up_to(7, "fg"), 7) == [2, 4, 14, 52, 214, 916, 4116]


def test_chains():
    chains = chains_up_to(4, ["f", "g"])
    assert counts(chains, 4) == [2, 4, 8, 16]
    assert all(t.is_chain for t in chains)


@pytest.mark.parametrize("text,canonical", [
    ("f", "f"), ("f[f]", "f[f]"), ("f[f[f],f]", "f[f,f[f]]"), ("g[ f , f[g] ]", "g[f,f[g]]"),
    ("f[g[f],f]", "f[f,g[f]]"), ("f1[f2,f1]", "f1[f1,f2]"),
])
def test_parse_any_order_print_canonical(text, canonical):
    tree = parse_tree(text)
    assert str(tree) == canonical
    assert parse_tree(canonical) is tree


@pytest.mark.parametrize("text", ["", "f[", "f[]", "f]", "f[f,]", "f f", "1f", "f[g]]"])
def test_parse_errors(text):
    with pytest.raises(TreeSyntaxError):
        parse_tree(text)


def test_unknown_label():
    with pytest.raises(TreeSyntaxError, match="unknown field label"):
        parse_tree("f[q]", labels={"f", "g"})


@pytest.mark.parametrize("text,sigma", [("f", 1), ("f[f,f]", 2), ("f[f,f,f]", 6), ("f[f[f,f],f[f,f]]", 8), ("f[f,g]", 1)])
def test_symmetry(text, sigma):
    assert parse_tree(text).symmetry == sigma


def test_cuts_are_one_per_edge():
    tree = parse_tree("f[f,f[f]]")
    cuts = sorted((str(r), str(b)) for r, b in tree.cuts)
    assert cuts == sorted([("f[f[f]]", "f"), ("f[f,f]", "f"), ("f[f]", "f[f]")])
    for t in trees_up_to(6, "fg"):
        assert len(t.cuts) == t.order - 1
        assert all(r.order + b.order == t.order for r, b in t.cuts)
