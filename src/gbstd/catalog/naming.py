"""Which records a record's codes reach: the records that hold its code or an edition of it, those that name
it (supersession, references, adoption, refinement), and the same for every code on its supersession chain.

Incremental lint follows this from each record an edit added, removed or changed (as it was and as it is) to
the records whose findings of the rules that follow codes can change: those rules read of another record only
what a code names (its holder's status, dates, tier, successors, whether it is held at all) or what names
this record's code, so a record outside every changed record's reach reads nothing that changed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import cached_property

from gbstd.catalog.catalog import Catalog, Record, edition_stem
from gbstd.catalog.lineage import Lineage
from gbstd.model.code import normalise_spelling

# Every field in which a record names another standard's code.
NAMING_FIELDS = ("replaces", "replaced_by", "references", "adopts", "refines")


class Reach:
    """The catalog's naming index, built once a run, and the reach of a set of records through it."""

    def __init__(self, catalog: Catalog, lineage: Lineage) -> None:
        self.catalog, self.lineage = catalog, lineage

    def names(self, record: Record) -> set[str]:
        """What ``record`` names, in every form a rule looks a name up by: the code's key, its edition stem and,
        for an undated name, the name itself without spaces (how ``resolve_reference`` finds the editions)."""
        standard, found = record.standard, set()
        for field in NAMING_FIELDS:
            for raw in getattr(standard, field):
                key = self.catalog.key_for(raw)
                found |= {key, edition_stem(key), normalise_spelling(raw).replace(" ", "")}
        return found

    @cached_property
    def _named_by(self) -> dict[str, list[Record]]:
        index: dict[str, list[Record]] = defaultdict(list)
        for record in self.catalog.records:
            for name in self.names(record):
                index[name].append(record)
        return dict(index)

    def named_by(self, name: str) -> list[Record]:
        """The records that name ``name`` (a key, an edition stem or an undated name)."""
        return self._named_by.get(name, [])

    def of(self, versions: Iterable[Record]) -> set[str]:
        """The record files that ``versions`` reach (their own included): from their codes and what they name,
        along the supersession chains of those codes, to every record that holds one of them (or an edition
        of one) or names one."""
        keys: set[str] = set()
        found: set[str] = set()
        names: set[str] = set()
        for version in versions:
            found.add(version.rel)
            keys.add(version.key)
            for name in self.names(version):
                names.add(name)
                keys.add(name)  # a key among them widens the chain below; the others match nothing there
        for key in list(keys):
            keys |= self.lineage.related(key)
        names |= keys | {edition_stem(key) for key in keys}
        by_code, editions = self.catalog.by_code, self.catalog.editions
        for name in names:
            for group in (by_code.get(name, ()), editions.get(name, ()), self.named_by(name)):
                found.update(record.rel for record in group)
        return found
