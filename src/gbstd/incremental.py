"""Incremental lint: what one run leaves behind so that the next re-checks only what a change can affect.

Findings are kept, before suppression and positions, in three scopes:

- file: the loader's findings of each file (Y rules, C001), keyed by the file's content hash;
- record: the findings of ``local`` record rules, which read only their own record (plus configuration,
  ``as_of`` and the system, notes, projects and plans), keyed by the record file's content hash;
- catalog: the findings of every other rule, keyed by a digest of what it reads of all records — per record
  a digest of each group of fields in :data:`FACT_GROUPS` — so an edit that changes no group a rule reads
  (a comment, a review date for a rule that does not read reviews) reuses its findings, and any change to
  the set of records (added, deleted, renamed) runs it again — on the records the change can reach, for a
  rule that can tell which (``Rule.affected``: through codes for most, titles for C009, subjects for S003).

The system, notes, projects and plans are few: they are read on every run, and any change to them re-runs
everything. Another ``as_of`` (the next day's run) re-runs only the rules whose findings read the day
(``RuleContext.dated``): the record rules among them on every record, the catalog-wide ones whole.
Positions (line, column) are memoised per file content, so reused findings are not re-parsed.

The state is a small head and per-file entries in shards by path (:func:`shard_count`) (:class:`LintState`): the per-group
digests are order-free sums over the records, so an edit updates them from the changed records alone, and a
run reads and rewrites only the shards whose files changed (all of them only when a catalog-wide rule runs
again, since its findings may move to any file). Its shards are finer than the cache's other stores: an
edit to one title changes the duplicate findings of every member of two groups, spread over the catalog, and
each shard touched is rewritten whole.
"""

from __future__ import annotations

import hashlib
import zlib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

from gbstd.catalog.cache import Cache, finding_to_json
from gbstd.catalog.catalog import Catalog, Record
from gbstd.catalog.loader import load_files_after_records, load_files_before_records, record_rels
from gbstd.catalog.yamlio import Locator, lazy_locator
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


_GETTERS = tuple(itemgetter(*fields) for fields in FACT_GROUPS.values())  # a group's values (one: the value)


def record_facts(record: Record) -> str:
    """One digest per group of FACT_GROUPS, concatenated: what other records' rules may read of this one, and
    where (the path is hashed in: the same values in another file are another fact)."""
    values = record.standard.__dict__  # the model's fields (read straight: 1.2 million reads at 100 000 records)
    head, blake2b = f"{record.rel}\0".encode("utf-8", "surrogatepass"), hashlib.blake2b
    return b"".join([
        blake2b(head + repr(group(values)).encode("utf-8", "surrogatepass"), digest_size=8).digest()
        for group in _GETTERS
    ]).hex()


def rule_digests(rules: Iterable[Rule], groups: dict[str, str], shared: str) -> dict[str, str]:
    """Per catalog-wide rule, a digest of everything it reads: its groups of every record (``groups``, from
    :meth:`LintState.group_digests`) and ``shared``."""
    found = {}
    for rule in rules:
        digest = hashlib.sha256(shared.encode())
        for group in sorted(rule.reads):
            digest.update(f"{group}={groups[group]}\n".encode())
        found[rule.code] = digest.hexdigest()
    return found


# The groups of FACT_GROUPS a record's module counts read (coverage.record_counts: its status on the day, its
# module, its review state).
COUNTED = ("code", "status", "dates", "module", "reviews")


def counts_key(groups: dict[str, str], shared: str, as_of: str) -> str:
    """What the module counts of a catalog depend on (its records' COUNTED groups, the shared files, the day):
    counts kept under one key are those of any catalog with that key."""
    return hashlib.sha256("\0".join([shared, as_of, *(groups[group] for group in COUNTED)]).encode()).hexdigest()


def on_day(digest: str, as_of: str | None) -> str:
    """A catalog-wide rule's digest (:func:`rule_digests`) for a run whose findings read the day ``as_of``
    (None: they did not), so that another day runs such a rule again and leaves the others' findings."""
    return digest if as_of is None else hashlib.sha256(f"{digest}\0{as_of}".encode()).hexdigest()


def shared_digest(rels: Iterable[str], hashes: dict[str, str | None], evidence: Mapping[str, str] | None = None) -> str:
    """The files every rule may read besides the records (system, notes, projects, plans), and the state of
    the evidence files the plans name (:func:`gbstd.plans.evidence_states`: read from the file system)."""
    digest = hashlib.sha256()
    for rel in sorted(rels):
        digest.update(f"{rel}\0{hashes.get(rel)}\n".encode("utf-8", "surrogatepass"))
    for file, state in sorted((evidence or {}).items()):
        digest.update(f"evidence\0{file}\0{state}\n".encode("utf-8", "surrogatepass"))
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


STATE_SHARDS = "lint-state"  # per-file entries: lint-state/XX.json, XX = state_shard(rel, count)
# How many shards: 32 for a catalog of up to LARGE records; above, about PER_SHARD entries each (a power of two,
# at most 4 096; a full run chooses, the head keeps it). A title edit changes the duplicate findings of a few
# hundred files spread over the catalog, and each shard they touch is read and rewritten whole: at 100 000
# records, 256 shards of 1 MB meant reading half the state for 191 files; at 10 000, more than 32 files cost
# more to create than they save.
SHARD_COUNTS = tuple(2**power for power in range(5, 13))  # 32 … 4 096
LARGE = 20_000
PER_SHARD = 64


def shard_count(records: int) -> int:
    """The number of state shards a full run over ``records`` record files uses."""
    if records <= LARGE:
        return SHARD_COUNTS[0]
    return next((count for count in SHARD_COUNTS if records <= count * PER_SHARD), SHARD_COUNTS[-1])


def shard_names(count: int) -> list[str]:
    return [f"{i:02x}" for i in range(count)]


def state_shard(rel: str, count: int = SHARD_COUNTS[0]) -> str:
    """The state shard, of ``count``, that holds a record file's entry."""
    return f"{zlib.crc32(rel.encode('utf-8', 'surrogatepass')) % count:02x}"


_MOD = 1 << 128


@dataclass
class FileEntry:
    """One record file's part of the state; ``facts`` is None for a file that is not a valid record.

    Rows are findings without path, before suppression and positions; ``catalog`` holds the findings that
    catalog-wide rules reported in this file, by rule code; ``positions`` memoises line and column per
    finding location for this content (``sha``)."""

    sha: str
    facts: str | None
    load: list[list[Any]] = field(default_factory=list)  # loader findings (file scope)
    local: list[list[Any]] = field(default_factory=list)  # local rules' findings
    suppress: list[str] = field(default_factory=list)  # rule codes silenced in this file
    catalog: dict[str, list[list[Any]]] = field(default_factory=dict)
    positions: dict[str, list[int]] = field(default_factory=dict)

    def to_json(self) -> list[Any]:
        return [self.sha, self.facts, self.load, self.local, self.suppress, self.catalog, self.positions]

    @classmethod
    def from_json(cls, row: Any) -> FileEntry:
        sha, facts, load, local, suppress, catalog, positions = row
        if not isinstance(sha, str) or not (facts is None or (isinstance(facts, str) and len(facts) == _FACTS_HEX)):
            raise ValueError("damaged entry")
        if not all(isinstance(x, list) for x in (load, local, suppress)):
            raise ValueError("damaged entry")
        if not isinstance(catalog, dict) or not all(isinstance(v, list) for v in catalog.values()):
            raise ValueError("damaged entry")
        if not isinstance(positions, dict):
            raise ValueError("damaged entry")
        return cls(sha, facts, load, local, suppress, catalog, positions)

    def rows(self, skip: frozenset[str] | set[str] = frozenset()) -> list[list[Any]]:
        """Every kept finding of this file, rules in ``skip`` left out."""
        local = [row for row in self.local if row[0] not in skip] if skip else self.local
        found = [*self.load, *local]
        for code, rows in self.catalog.items():
            if code not in skip:
                found += rows
        return found


_FACTS_HEX = DIGEST_HEX * len(GROUPS)


def fact_sums(facts: str) -> list[int]:
    """Per group, this record's term of the catalog-wide sum (a multiset hash: order-free and updatable, so
    one edit changes the digests without reading every record's facts): its digest, path included."""
    return [int(facts[start:start + DIGEST_HEX], 16) for start in range(0, len(GROUPS) * DIGEST_HEX, DIGEST_HEX)]


def paths_digest(pairs: Iterable[tuple[str, str]]) -> str:
    """The record files (path and content hash) of one shard."""
    text = "".join([f"{rel}\0{sha}\n" for rel, sha in sorted(pairs)])
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def shard_paths(hashes: dict[str, str | None], shards: dict[str, list[str]]) -> dict[str, str]:
    """Per shard, :func:`paths_digest` of the record files on disk now (``shards``: :func:`rels_by_shard`)."""
    return {shard: paths_digest((rel, hashes.get(rel) or "") for rel in rels) for shard, rels in shards.items()}


def rels_by_shard(rels: Iterable[str], count: int) -> dict[str, list[str]]:
    """The record files per state shard (of ``count``; shards without any are left out)."""
    found: dict[str, list[str]] = defaultdict(list)
    for rel in rels:
        found[state_shard(rel, count)].append(rel)
    return found


@dataclass
class LintState:
    """What one complete run learnt, for the next: see the module docstring.

    A head (``lint-state.json``: digests, the catalog-wide rules' digests, per shard the digest of its paths
    and of its bytes) and the per-file entries in shards by path, read only where something changed. The head
    is written last and names the digest of every shard, so a shard left by another or an interrupted run is
    never taken for this state's (a mismatch means a full run)."""

    head: str  # digest of the tool, configuration and selected rules (not the day: see ``as_of``)
    shared: str = ""
    sums: list[int] = field(default_factory=lambda: [0] * len(GROUPS))  # per group: sum of fact_sums
    rules: dict[str, str] = field(default_factory=dict)  # catalog-wide rule → digest of what it read
    elsewhere: dict[str, list[list[Any]]] = field(default_factory=dict)  # their findings in non-record files
    shards: dict[str, tuple[str, str]] = field(default_factory=dict)  # shard → (paths digest, bytes digest)
    result: str = ""  # the digest under which the result of this state was stored
    memos: dict[str, str] = field(default_factory=dict)  # D rule → token of the duplicate memo written with it
    as_of: str = ""  # the day (ISO) its findings are of
    dated: set[str] = field(default_factory=set)  # rules whose findings here read that day (RuleContext.dated)
    files: dict[str, FileEntry] = field(default_factory=dict)  # entries of the loaded shards
    loaded: set[str] = field(default_factory=set)
    dirty: set[str] = field(default_factory=set)
    count: int = SHARD_COUNTS[0]  # how many shards
    listed: int = 0  # how many files the run that wrote it listed: the catalog's size before they are listed again
    # each module's own counts of standards (coverage.own_counts) and the counts_key of the catalog they count
    modules: dict[str, tuple[int, int, int, int, int]] = field(default_factory=dict)
    modules_key: str = ""

    @classmethod
    def fresh(cls, head: str, shared: str, count: int = SHARD_COUNTS[0]) -> LintState:
        """An empty state of ``count`` shards, every one counting as loaded (a full run fills it)."""
        names = set(shard_names(count))
        return cls(head, shared, loaded=names, dirty=set(names), count=count)

    @classmethod
    def load(cls, cache: Cache, head: str) -> LintState | None:
        """The stored head for ``head`` (no shard yet), or None (absent, damaged, for other inputs)."""
        document = cache.read_json(cache.directory / STATE_FILE)
        if not document or document.get("head") != head:
            return None
        try:
            sums = [int(value, 16) % _MOD for value in document["sums"]]
            rules = {str(code): str(digest) for code, digest in document["rules"].items()}
            elsewhere = {str(code): list(rows) for code, rows in document["elsewhere"].items()}
            shards = {
                str(shard): (str(paths), str(data)) for shard, (paths, data) in document["shards"].items()
            }
            memos = {str(code): str(token) for code, token in document.get("memos", {}).items()}
            as_of, dated = document["as_of"], document["dated"]
            if not isinstance(as_of, str) or not isinstance(dated, list) or not all(isinstance(c, str) for c in dated):
                return None
            count, listed = document["count"], document.get("listed", 0)
            modules = {str(key): tuple(int(n) for n in counts) for key, counts in document.get("modules", {}).items()}
            if any(len(counts) != 5 for counts in modules.values()):
                return None
            if len(sums) != len(GROUPS) or not all(isinstance(rows, list) for rows in elsewhere.values()) or (
                count not in SHARD_COUNTS or set(shards) - set(shard_names(count)) or type(listed) is not int
            ):
                return None
            return cls(head, str(document["shared"]), sums, rules, elsewhere, shards, str(document["result"]), memos,
                       as_of, set(dated), count=count, listed=listed, modules=modules,  # type: ignore[arg-type]
                       modules_key=str(document.get("modules_key", "")))
        except (KeyError, TypeError, ValueError, AttributeError):
            return None

    def load_shards(self, cache: Cache, shards: Iterable[str]) -> bool:
        """Read these shards' entries; False when one is damaged or not the one the head describes."""
        for shard in sorted(set(shards) - self.loaded):
            known = self.shards.get(shard)
            entries: dict[str, FileEntry] = {}
            if known is not None:
                document = cache.read_json(cache.directory / STATE_SHARDS / f"{shard}.json", expect=known[1])
                if document is None:
                    return False
                try:
                    entries = {str(rel): FileEntry.from_json(row) for rel, row in document["entries"].items()}
                except (KeyError, TypeError, ValueError, AttributeError):
                    return False
                if any(state_shard(rel, self.count) != shard for rel in entries):
                    return False
            self.files.update(entries)
            self.loaded.add(shard)
        return True

    def load_all(self, cache: Cache) -> bool:
        return self.load_shards(cache, shard_names(self.count))

    # --- changes ------------------------------------------------------------------------------------------
    def _account(self, entry: FileEntry | None, sign: int) -> None:
        if entry is not None and entry.facts is not None:
            for index, term in enumerate(fact_sums(entry.facts)):
                self.sums[index] = (self.sums[index] + sign * term) % _MOD

    def put(self, rel: str, entry: FileEntry) -> None:
        """Set a file's entry (its shard must be loaded), keeping the group sums."""
        self._account(self.files.get(rel), -1)
        self._account(entry, +1)
        self.files[rel] = entry
        self.dirty.add(state_shard(rel, self.count))

    def drop(self, rel: str) -> None:
        self._account(self.files.pop(rel, None), -1)
        self.dirty.add(state_shard(rel, self.count))

    def touch(self, rel: str) -> None:
        """An entry changed in place (findings of a rule run again, positions learnt)."""
        self.dirty.add(state_shard(rel, self.count))

    def group_digests(self) -> dict[str, str]:
        return {group: f"{self.sums[index]:032x}" for index, group in enumerate(GROUPS)}

    def module_counts(self, as_of: str) -> dict[str, tuple[int, int, int, int, int]] | None:
        """The module counts kept, when they are this state's catalog's on ``as_of``; None otherwise."""
        if not self.modules_key or self.modules_key != counts_key(self.group_digests(), self.shared, as_of):
            return None
        return self.modules

    def keep_module_counts(self, counts: dict[str, tuple[int, int, int, int, int]], as_of: str) -> None:
        """Keep ``counts``, made of the catalog this state now describes, on ``as_of``."""
        self.modules, self.modules_key = counts, counts_key(self.group_digests(), self.shared, as_of)

    def save(self, cache: Cache) -> None:
        """Rewrite the changed shards, then the head that names them."""
        by_shard: dict[str, dict[str, Any]] = defaultdict(dict)
        for rel, entry in self.files.items():
            shard = state_shard(rel, self.count)
            if shard in self.dirty:
                by_shard[shard][rel] = entry
        for shard in sorted(self.dirty):
            entries = by_shard.get(shard, {})
            if not entries:
                self.shards.pop(shard, None)
                continue
            written = cache.write_json(
                f"{STATE_SHARDS}/{shard}.json",
                {"entries": {rel: entry.to_json() for rel, entry in sorted(entries.items())}},
            )
            if written is None:
                return  # no head: the next run starts afresh
            self.shards[shard] = (paths_digest((rel, entry.sha) for rel, entry in entries.items()), written)
        self.dirty.clear()
        cache.write_json(STATE_FILE, {
            "head": self.head,
            "shared": self.shared,
            "sums": [f"{value:032x}" for value in self.sums],
            "rules": self.rules,
            "elsewhere": self.elsewhere,
            "shards": {shard: list(pair) for shard, pair in sorted(self.shards.items())},
            "result": self.result,
            "memos": self.memos,
            "as_of": self.as_of,
            "dated": sorted(self.dated),
            "count": self.count,
            "listed": self.listed,
            "modules": {key: list(counts) for key, counts in sorted(self.modules.items())},
            "modules_key": self.modules_key,
        })

    def suppressed(self) -> set[tuple[str, str]]:
        """(file, rule) pairs silenced in the loaded entries."""
        return {(rel, code) for rel, entry in self.files.items() for code in entry.suppress}


def rows_by_path(findings: Iterable[Finding]) -> dict[str, list[list[Any]]]:
    grouped: dict[str, list[list[Any]]] = defaultdict(list)
    for finding in findings:
        grouped[finding.path].append(finding_to_json(finding, with_path=False))
    return grouped


def file_entry(record: Record | None, rel: str, sha: str, load: list[Finding], local: list[Finding]) -> FileEntry:
    """A new entry for a file just checked (no catalog-wide findings or positions yet)."""
    return FileEntry(
        sha,
        record_facts(record) if record is not None else None,
        [finding_to_json(f, with_path=False) for f in load],
        [finding_to_json(f, with_path=False) for f in local],
        sorted({item.rule for item in record.standard.suppress}) if record is not None else [],
    )


def resolve_positions(catalog: Catalog, findings: list[Finding], state: LintState) -> None:
    """Give each unresolved finding its line and column: from its file's entry while it has one (the memo
    is for that entry's content, which is the file's now) and by parsing the file otherwise."""
    by_path: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        if finding.line == 0:
            by_path[finding.path].append(finding)
    for rel, pending in by_path.items():
        entry = state.files.get(rel)
        known = entry.positions if entry is not None else {}
        learnt = False
        locator: Locator | None = None
        for finding in pending:
            key = f"{finding.key:d}{finding.loc!r}"
            spot = known.get(key)
            if not (isinstance(spot, list) and len(spot) == 2 and all(isinstance(x, int) for x in spot)):
                if locator is None:  # positions kept from this run's parse, else the file parsed again
                    max_size = catalog.config.catalog.max_file_size
                    locator = lazy_locator(lambda rel=rel: catalog.locate(rel), max_size, catalog.positions.get(rel))
                spot = list(locator.position(finding.loc, finding.key))
                known[key] = spot
                learnt = True
            finding.line, finding.column = spot
        if entry is not None and learnt:
            state.touch(rel)
