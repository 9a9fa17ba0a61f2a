"""Incremental lint: what one run leaves behind so that the next re-checks only what a change can affect.

Findings are kept, before suppression and positions, in three scopes:

- file: the loader's findings of each file (Y rules, C001), keyed by the file's content hash;
- record: the findings of ``local`` record rules, which read only their own record (plus configuration,
  ``as_of`` and the system, notes, projects and plans), keyed by the record file's content hash;
- catalog: the findings of every other rule, keyed by a digest of what it reads of all records — per record
  a digest of each group of fields in :data:`FACT_GROUPS` — so an edit that changes no group a rule reads
  (a comment, a review date for a rule that does not read reviews) reuses its findings, and any change to
  the set of records (added, deleted, renamed) runs it again.

The system, notes, projects and plans are few: they are read on every run, and any change to them re-runs
everything. Positions (line, column) are memoised per file content, so reused findings are not re-parsed.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gbstd.catalog.cache import Cache, finding_from_json, finding_to_json
from gbstd.catalog.catalog import Catalog, Record
from gbstd.catalog.loader import load_files_after_records, load_files_before_records, record_rels
from gbstd.catalog.yamlio import Locator, file_locator
from gbstd.findings import Finding
from gbstd.model.config import Config
from gbstd.rules import Rule
from gbstd.rules.base import FACT_GROUPS, LoadRule, RecordRule

STATE_FILE = "lint-state.json"
GROUPS = tuple(FACT_GROUPS)
DIGEST_HEX = 16  # 64 bits a group: a stale result needs a collision on one edited record


def scope(rule: Rule) -> str:
    """"file", "record" or "catalog": how far a change to one file reaches for this rule."""
    if isinstance(rule, LoadRule):
        return "file"
    if isinstance(rule, RecordRule) and rule.local:
        return "record"
    return "catalog"


def record_facts(record: Record) -> str:
    """One digest per group of FACT_GROUPS, concatenated: what other records' rules may read of this one."""
    standard = record.standard
    parts = []
    for fields in FACT_GROUPS.values():
        text = repr([getattr(standard, name) for name in fields])
        parts.append(hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest())
    return "".join(parts)


def rule_digests(rules: Iterable[Rule], facts: dict[str, str], shared: str) -> dict[str, str]:
    """Per catalog-wide rule, a digest of everything it reads: its groups of every record and ``shared``."""
    rels = sorted(facts)
    by_group: dict[str, str] = {}
    for index, group in enumerate(GROUPS):
        start = index * DIGEST_HEX
        digest = hashlib.sha256()
        for rel in rels:
            digest.update(f"{rel}\0{facts[rel][start:start + DIGEST_HEX]}\n".encode("utf-8", "surrogatepass"))
        by_group[group] = digest.hexdigest()
    found = {}
    for rule in rules:
        digest = hashlib.sha256(shared.encode())
        for group in sorted(rule.reads):
            digest.update(f"{group}={by_group[group]}\n".encode())
        found[rule.code] = digest.hexdigest()
    return found


def shared_digest(rels: Iterable[str], hashes: dict[str, str | None]) -> str:
    """The files every rule may read besides the records (system, notes, projects, plans)."""
    digest = hashlib.sha256()
    for rel in sorted(rels):
        digest.update(f"{rel}\0{hashes.get(rel)}\n".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


@dataclass
class SharedFiles:
    """The system, notes, projects and plans of a catalog: read on every run (they are few)."""

    catalog: Catalog  # without records
    head: list[str]  # system and notes files, read before the records
    tail: list[str]  # project and plan files, read after them

    @property
    def files(self) -> list[str]:
        return [*self.head, *self.tail]


def load_shared_files(root: Path, config: Config) -> SharedFiles:
    """Everything ``load_catalog`` reads except the records, in its order."""
    catalog = Catalog(root=root, config=config)
    load_files_before_records(catalog)
    head = list(catalog.files)
    load_files_after_records(catalog)
    return SharedFiles(catalog, head, catalog.files[len(head):])


def shared_files(catalog: Catalog) -> list[str]:
    """The files of a loaded catalog that are not record files."""
    records = set(record_rels(catalog.root, catalog.config))
    return [rel for rel in catalog.files if rel not in records]


@dataclass
class FileEntry:
    """One record file's part of the state; ``facts`` is None for a file that is not a valid record."""

    sha: str
    facts: str | None
    load: list[list[Any]] = field(default_factory=list)  # loader findings (file scope), unresolved
    local: list[list[Any]] = field(default_factory=list)  # local rules' findings, unresolved
    suppress: list[str] = field(default_factory=list)  # rule codes silenced in this file

    def to_json(self) -> list[Any]:
        return [self.sha, self.facts, self.load, self.local, self.suppress]

    @classmethod
    def from_json(cls, row: Any) -> FileEntry:
        sha, facts, load, local, suppress = row
        if not isinstance(sha, str) or not (facts is None or isinstance(facts, str)):
            raise ValueError("damaged entry")
        if not all(isinstance(x, list) for x in (load, local, suppress)):
            raise ValueError("damaged entry")
        return cls(sha, facts, load, local, suppress)


@dataclass
class LintState:
    """What one complete run learnt, for the next: see the module docstring."""

    head: str  # digest of the tool, configuration, as_of and selected rules
    shared: str = ""
    files: dict[str, FileEntry] = field(default_factory=dict)  # record files by path
    rules: dict[str, tuple[str, list[list[Any]]]] = field(default_factory=dict)  # code → (digest, findings)
    positions: dict[str, tuple[str, dict[str, list[int]]]] = field(default_factory=dict)

    @classmethod
    def load(cls, cache: Cache, head: str) -> LintState | None:
        """The stored state for ``head``, or None (absent, damaged, for other inputs)."""
        document = cache.read_json(cache.directory / STATE_FILE)
        if not document or document.get("head") != head:
            return None
        try:
            files = {rel: FileEntry.from_json(row) for rel, row in document["files"].items()}
            rules = {code: (str(digest), list(rows)) for code, (digest, rows) in document["rules"].items()}
            positions = {
                rel: (str(sha), dict(known)) for rel, (sha, known) in document["positions"].items()
            }
            return cls(head, str(document["shared"]), files, rules, positions)
        except (KeyError, TypeError, ValueError, AttributeError):
            return None

    def save(self, cache: Cache) -> None:
        cache.write_json(STATE_FILE, {
            "head": self.head,
            "shared": self.shared,
            "files": {rel: entry.to_json() for rel, entry in self.files.items()},
            "rules": {code: [digest, rows] for code, (digest, rows) in self.rules.items()},
            "positions": {rel: [sha, known] for rel, (sha, known) in self.positions.items()},
        })

    # --- findings ---------------------------------------------------------------------------------------
    def findings(self) -> list[Finding]:
        """Every kept finding, fresh objects (unresolved positions, unsuppressed)."""
        found = []
        for rel, entry in self.files.items():
            found += [finding_from_json(row, rel) for row in entry.load]
            found += [finding_from_json(row, rel) for row in entry.local]
        for _, rows in self.rules.values():
            found += [finding_from_json(row) for row in rows]
        return found

    def suppressed(self) -> set[tuple[str, str]]:
        return {(rel, code) for rel, entry in self.files.items() for code in entry.suppress}


def rows_by_path(findings: Iterable[Finding]) -> dict[str, list[list[Any]]]:
    grouped: dict[str, list[list[Any]]] = defaultdict(list)
    for finding in findings:
        grouped[finding.path].append(finding_to_json(finding, with_path=False))
    return grouped


def file_entry(record: Record | None, rel: str, sha: str, load: list[Finding], local: list[Finding]) -> FileEntry:
    return FileEntry(
        sha,
        record_facts(record) if record is not None else None,
        [finding_to_json(f, with_path=False) for f in load],
        [finding_to_json(f, with_path=False) for f in local],
        sorted({item.rule for item in record.standard.suppress}) if record is not None else [],
    )


def resolve_positions(
    catalog: Catalog, findings: list[Finding], hashes: dict[str, str | None], state: LintState
) -> None:
    """Give each unresolved finding its line and column, from ``state``'s memo while the file's content
    is unchanged and by parsing the file otherwise (the memo learns the new positions)."""
    by_path: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        if finding.line == 0:
            by_path[finding.path].append(finding)
    kept: dict[str, tuple[str, dict[str, list[int]]]] = {}
    for rel, pending in by_path.items():
        sha = hashes.get(rel)
        memo = state.positions.get(rel)
        known = dict(memo[1]) if memo is not None and sha is not None and memo[0] == sha else {}
        locator: Locator | None = None
        for finding in pending:
            key = f"{finding.key:d}{finding.loc!r}"
            spot = known.get(key)
            if spot is None:
                if locator is None:  # positions kept from this run's parse, else the file parsed again
                    max_size = catalog.config.catalog.max_file_size
                    locator = file_locator(catalog.root, rel, max_size, catalog.positions.get(rel))
                spot = list(locator.position(finding.loc, finding.key))
                known[key] = spot
            finding.line, finding.column = spot
        if sha is not None:
            kept[rel] = (sha, known)
    state.positions = kept
