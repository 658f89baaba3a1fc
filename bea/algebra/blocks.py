"""The state's blocks and the fields that update them (docs/conventions.md), as one value built once.

A scheme's state is a tuple of named blocks (``theta``; ``phi, theta``); each field label
updates exactly one block, and a block may hold several fields (``sgd``: ``f1, ..., fn`` on
``theta``).  :class:`Blocks` is that map in block order, with the inverse ``label -> block``
precomputed.
"""

from __future__ import annotations

from types import MappingProxyType

from ..errors import BeaError

__all__ = ["Blocks"]


class Blocks(dict):
    """``{block: (label, ...)}`` in block order, read-only; ``owner`` maps each label to its block.

    It is a ``dict`` (it prints, compares and serialises as one) that refuses to change.

    >>> blocks = Blocks({"phi": ("f",), "theta": ("g",)})
    >>> blocks.block_of("g"), blocks.labels, blocks == {"phi": ("f",), "theta": ("g",)}
    ('theta', ('f', 'g'), True)
    """

    def __init__(self, blocks):
        super().__init__((block, tuple(labels)) for block, labels in dict(blocks).items())
        self.owner = MappingProxyType({label: block for block, labels in self.items() for label in labels})
        self.labels = tuple(self.owner)

    def block_of(self, label: str) -> str:
        """The block that the field ``label`` updates."""
        try:
            return self.owner[label]
        except KeyError:
            raise BeaError(f"no field {label!r}; the fields are {', '.join(self.labels)}") from None

    def _read_only(self, *args, **kwargs):
        raise TypeError("Blocks are read-only")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _read_only

    def __reduce__(self):
        return (Blocks, (dict(self),))
