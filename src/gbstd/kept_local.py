"""The record-local rules' findings in a federation's union, kept by record file from one run for the next.

A federation's union has no incremental state (:mod:`gbstd.federated_lint`): after any edit every rule runs on
every record. A record-local rule (``RecordRule.local``) reads one record, the configurations, the day and the
files that are not records (systems, notes, projects, plans), so what it finds in a record file stays the same
while the file's path and content, its catalog's configuration and the run's shared inputs do: the rules chosen,
the day and every other file of the union. Those findings are kept per record file, positions included, in the
union's lint cache (``local-findings/XX.json``) with a key naming all of that; a run checks with these rules
only the record files whose key is not the one kept (at 100 000 records an edit re-checked 100 000 records with
16 rules and positioned their findings again).

A kept entry that does not decode is checked again. A rule that fails on a record it checks fails as in a full
run: none of its findings, kept or new, are reported, and nothing is kept from that run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from gbstd.catalog.cache import Cache, finding_from_json, finding_to_json
from gbstd.catalog.catalog import Catalog, Record
from gbstd.findings import Finding
from gbstd.incremental import scope
from gbstd.rules.base import Rule


class KeptLocalFindings:
    """For one union run: which records the local rules must check, and the findings kept for the others.

    ``shared``: what the run's shared inputs are named by (:func:`shared_inputs`; the configurations are among
    them), None when they are not known before the run (then every record is checked, and :meth:`save` names
    them); ``hashes``: each record file's content hash as the load read it, by union path."""

    def __init__(self, store: Cache, catalog: Catalog, shared: str | None, hashes: Mapping[str, str]) -> None:
        self._store = store.local_findings
        self._records = catalog.records
        self._kept: dict[str, list[Finding]] = defaultdict(list)  # rule code → kept findings
        self.unchecked: list[Record] = []
        for record in catalog.records:
            key = _key(shared, hashes, record.rel)
            found = None if key is None else self._read(record.rel, key)
            if found is None:
                self.unchecked.append(record)
            else:
                for finding in found:
                    self._kept[finding.rule].append(finding)
        self._made: dict[str, list[Finding]] = {}  # rule code → what it found in the unchecked records

    def _read(self, rel: str, key: str) -> list[Finding] | None:
        entry = self._store.get(rel)
        if not (isinstance(entry, list) and len(entry) == 2 and entry[0] == key and isinstance(entry[1], list)):
            return None
        try:
            return [finding_from_json(row, rel) for row in entry[1]]
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
            return None  # damaged or forged: checked again

    @staticmethod
    def covers(rule: Rule) -> bool:
        """Whether ``rule``'s findings are kept by record file (a record-local rule)."""
        return scope(rule) == "record"

    def findings(self, code: str, made: list[Finding] | None) -> list[Finding] | None:
        """Rule ``code``'s findings: ``made`` in the unchecked records, with those kept for the others; None
        when it failed (``made`` None), as in a full run."""
        if made is None:
            return None
        self._made[code] = made
        return [*made, *self._kept.get(code, ())]

    def save(self, shared: str, hashes: Mapping[str, str]) -> None:
        """Keep what the unchecked records' findings are now (positioned by the run), by record file, under the
        run's ``shared`` inputs and ``hashes``, and forget the files no longer in the union; nothing when a rule
        reported outside the record it checked. Only after a run in which no rule failed (a failed rule's
        findings in the unchecked records are not known)."""
        rows: dict[str, list[list[Any]]] = {record.rel: [] for record in self.unchecked}
        for made in self._made.values():
            for finding in made:
                if finding.path not in rows:
                    return
                rows[finding.path].append(finding_to_json(finding, with_path=False))
        for rel, found in rows.items():
            key = _key(shared, hashes, rel)
            if key is None:  # its content is not known: nothing to keep it by
                self._store.delete(rel)
            else:
                self._store.set(rel, [key, found])
        known = {record.rel for record in self._records}
        for rel in set(self._store.all_keys()) - known:
            self._store.delete(rel)


def _key(shared: str | None, hashes: Mapping[str, str], rel: str) -> str | None:
    """What a record file's kept findings stand for: the shared inputs and its content (None: not known)."""
    sha = hashes.get(rel)
    return f"{shared}:{sha}" if shared is not None and sha else None


def shared_inputs(selection: Iterable[str], as_of: dt.date, hashes: Mapping[str, str],
                  records: Mapping[str, str]) -> str:
    """A digest of what every record's local findings depend on besides the record: the rules chosen, the day
    and every file of the union that is not a record file (configurations, systems, notes, projects, plans,
    and files that did not load as records); ``records``: the record files' hashes, by union path."""
    digest = hashlib.sha256("\x1f".join([*selection, as_of.isoformat()]).encode("utf-8", "surrogatepass"))
    for rel in sorted(hashes):
        if rel not in records:
            digest.update(f"\n{rel}={hashes[rel]}".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:32]
