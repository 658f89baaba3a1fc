"""Rosca's PhD thesis [Ros23], one module per chapter or appendix."""

from . import appendix_a, appendix_b, ch2, ch4, ch5


def entries() -> list:
    """The thesis's entries: Ch. 2, Ch. 4, App. A, Ch. 5, App. B."""
    return ch2.entries() + ch4.entries() + appendix_a.entries() + ch5.entries() + appendix_b.entries()
