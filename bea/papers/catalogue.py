"""The catalogue: every entry of every source, by id, in the order of docs/papers.md.

Sources: ``tmlr`` is Rosca, Wu, Qin & Dherin (TMLR) [RWQD23]; ``thesis`` is Rosca's PhD thesis
[Ros23] (``../shared/seeds``).  Where a printed result depends on a convention (per-player or
same time; the zero-sum sign), the entry records it and derives under it.
"""

from __future__ import annotations

from . import thesis, tmlr
from .entry import Entry, UnknownEntry

__all__ = ["CATALOGUE", "ORDER", "entry"]

ORDER = ["tmlr-eq3", "thesis-eq2.36", "tmlr-eq8", "tmlr-thm3.1", "tmlr-def3.1", "tmlr-rem3.1", "tmlr-eq16",
         "tmlr-sec3.2-jacobians", "thesis-thm4.2.1", "thesis-thm4.2.2", "thesis-eq4.25", "thesis-eq4.26",
         "thesis-eq4.27", "thesis-eq4.28", "thesis-cor4.4.1", "thesis-cor4.5.1", "thesis-cor4.5.2", "thesis-thm4.7.1",
         "thesis-thm4.7.2", "thesis-cor4.7.1", "thesis-cor4.7.2", "thesis-table4.1", "thesis-def4.8.1", "thesis-eq4.74",
         "thesis-thmA.1.2", "thesis-eqA.42", "thesis-thm5.2.2", "thesis-eq5.9", "thesis-eq5.13", "thesis-eq5.22",
         "thesis-eq5.36", "thesis-b.3", "thesis-b.5", "thesis-b.6"]


def _build() -> dict[str, Entry]:
    by_id = {e.id: e for e in tmlr.entries() + thesis.entries()}
    if set(by_id) != set(ORDER):
        raise AssertionError(f"the catalogue's ORDER and its entries differ: {sorted(set(by_id) ^ set(ORDER))}")
    return {i: by_id[i] for i in ORDER}


CATALOGUE: dict[str, Entry] = _build()


def entry(id_: str) -> Entry:
    """The catalogue entry ``id_`` (``bea paper show ID``)."""
    if id_ not in CATALOGUE:
        raise UnknownEntry(f"no catalogue entry {id_!r}; `bea paper list` shows the {len(CATALOGUE)} ids")
    return CATALOGUE[id_]
