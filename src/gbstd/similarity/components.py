"""Components of a detection run's candidate graph, each with a digest of everything its pairs are made of.

Every pair a run scores is a candidate pair (:mod:`gbstd.similarity.duplicates`: same subject, similar
subjects, abbreviations, synonyms, scopes) or a same-code or abolished-chain pair, so a group of likely
duplicates — and each record's strongest partners — lie inside one connected component of those pairs. Those
pairs are made inside groups (a subject's records, a counted scope's, a code's, an abolished record's chain)
and along links between two groups (two subjects a candidate stage joins, two near scopes), so the components
are found from the groups and links (:class:`GroupGraph`) before any record is compared. What the run makes of
a component's records depends only on

* each member's fields that detection reads (:func:`record_inputs`; where the catalog knows the content hash
  of the member's file, that hash and its path stand for them: they determine every field), whether its
  scope counts (a scope text too many subjects share is boilerplate), its supersession chain and the codes
  declared distinct from it (both depend on other records: in its note),
* each link: the two subjects or scope texts, the subject similarity it was found with (or NaN) and whether a
  word rule proposed it (hashed as found, so whatever global cap shaped the links is in the digest),
* the run's global inputs: configuration and the set of scope texts the TF-IDF weights are fitted on.

A component's digest covers all of that, so two runs that find a component with the same digest find the same
pairs in it, the same groups and the same partners: a caller that kept what it derived from a component (the D
rules' findings, by digest) may reuse it instead of comparing its records again. Whatever changed elsewhere in
the catalog — a title edit that moved a record to another subject, a record added — shows up as a component
whose digest is new; the global inputs are in every digest, so a change to them reuses nothing.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from gbstd.catalog.catalog import Record

# Answers whether the results of a component with this digest are already known (then it is not scored).
Reuse = Callable[[str], bool]


@dataclass(frozen=True)
class Component:
    """One connected component of the candidate graph: its digest and its members' paths (sorted)."""

    digest: str
    rels: tuple[str, ...]
    reused: bool  # not scored in this run: the caller's results for ``digest`` stand


def record_inputs(record: Record) -> str:
    """Every field of one record that duplicate detection and the D rules read, as one string."""
    std = record.standard
    tier = record.tier.value if record.tier else ""
    prefix = record.code.prefix if record.code else ""
    parts = [record.rel, record.key, tier, prefix, std.title, std.scope or "", std.status.value, record.region or "",
             std.module or "", std.administering_body or "", *std.issuer, "|",
             *std.replaces, "|", *std.replaced_by, "|", *std.references, "|", *std.adopts, "|", *std.refines,
             "|", *(f"{d.code}" for d in std.distinct_from)]
    return "\x1f".join(parts)


class Forest:
    """Union-find over records by identity: each record a slot, each slot a parent (the roots: the sets)."""

    def __init__(self) -> None:
        self._index: dict[int, int] = {}  # id(record) → slot
        self._records: list[Record] = []
        self._parent: list[int] = []

    def _slot(self, record: Record) -> int:
        slot = self._index.get(id(record))
        if slot is None:
            slot = self._index[id(record)] = len(self._records)
            self._records.append(record)
            self._parent.append(slot)
        return slot

    def _find(self, x: int) -> int:
        parent = self._parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x


class GroupGraph:
    """Records and the groups that connect them, each link with the facts (a line) that decide its pairs.

    Slots are integers: the run's live records first (in its order, each with its note), then any other
    record a link names. :meth:`chain` joins the records of one group (a subject, a counted scope, a code); a
    :meth:`link` joins two groups through one record of each and may carry a line (which stage proposed the
    two subjects, with what similarity). The components are found with numpy in one pass at the end; each
    one's digest hashes its members' lines (sorted by path) and its links' lines (sorted).
    """

    def __init__(self, shared: str, records: Sequence[Record], notes: Sequence[str],
                 hashes: Mapping[str, str] | None = None) -> None:
        self.shared = shared  # digest of the run's global inputs
        self._hashes = hashes or {}  # path → content hash of the record files the catalog read
        self._records = list(records)
        self._notes = list(notes)  # per slot: how the run treats the record besides its fields
        self._index: dict[int, int] | None = None  # id(record) → slot, made when a link names a record
        self._first: list[int] = []
        self._second: list[int] = []
        self._lines: list[tuple[int, str]] = []  # (a slot of the link, its line)

    def slot(self, record: Record, note: str = "") -> int:
        """The slot of ``record``; a record that is not one of the live records gets one (with ``note``)."""
        if self._index is None:
            self._index = {id(known): slot for slot, known in enumerate(self._records)}
        slot = self._index.get(id(record))
        if slot is None:
            slot = self._index[id(record)] = len(self._records)
            self._records.append(record)
            self._notes.append(note)
        return slot

    def chain(self, slots: Sequence[int]) -> None:
        """The records of one group: each joined to the next."""
        self._first += slots[:-1]
        self._second += slots[1:]

    def link(self, a: int, b: int, line: str = "") -> None:
        """Two records whose groups one candidate stage joins; ``line`` says what the stage found."""
        self._first.append(a)
        self._second.append(b)
        if line:
            self._lines.append((a, line))

    def components(self, reuse: Reuse) -> tuple[list[Component], set[int]]:
        """The components with a link, and the ids of the records of those that ``reuse`` accepts."""
        records, notes = self._records, self._notes
        if not self._first:
            return [], set()
        first = np.array(self._first, dtype=np.int64)
        second = np.array(self._second, dtype=np.int64)
        labels = _labels(len(records), first, second)
        rels = [record.rel for record in records]
        by_path = np.empty(len(records), dtype=np.int64)  # each slot's place in path order
        by_path[sorted(range(len(records)), key=rels.__getitem__)] = np.arange(len(records))
        touched = np.zeros(len(records), dtype=bool)
        touched[first] = True
        touched[second] = True
        slots = np.flatnonzero(touched)
        slots = slots[np.lexsort((by_path[slots], labels[slots]))]  # by component, then path
        starts = np.flatnonzero(np.r_[True, labels[slots][1:] != labels[slots][:-1]])
        lines: dict[int, list[str]] = {}
        for slot, line in self._lines:
            lines.setdefault(int(labels[slot]), []).append(line)
        found: list[Component] = []
        skipped: set[int] = set()
        shared = hashlib.sha256(self.shared.encode())
        hashes = self._hashes
        member_slots = slots.tolist()
        # every member's line, in component and path order, made in one pass (100 000 at national scale): what
        # stands for its inputs is its path and content hash when the catalog read its file (they determine
        # every field detection reads; a string of those fields is much slower to make), else record_inputs
        member_lines = []
        get = hashes.get
        for slot in member_slots:
            record = records[slot]
            rel = record.rel
            sha = get(rel) if record.member is None else None
            member_lines.append(f"{rel}\x1f#{sha}\x1e{notes[slot]}\n" if sha else
                                f"{record_inputs(record)}\x1e{notes[slot]}\n")
        slot_labels = labels[slots].tolist()
        bounds = np.r_[starts, len(slots)].tolist()
        for lo, hi in itertools.pairwise(bounds):
            members = member_slots[lo:hi]
            own = sorted(lines.get(slot_labels[lo], ()))
            digest = shared.copy()
            digest.update(f"{len(members)} {len(own)}\n".encode())  # where members end
            digest.update("".join(member_lines[lo:hi]).encode("utf-8", "surrogatepass"))
            digest.update("\n".join(own).encode("utf-8", "surrogatepass"))
            hexdigest = digest.hexdigest()
            reused = reuse(hexdigest)
            if reused:
                skipped.update(id(records[slot]) for slot in members)
            found.append(Component(hexdigest, tuple(rels[slot] for slot in members), reused))
        return found, skipped


def _labels(count: int, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Per slot, the smallest slot of its connected component: labels move to the smaller end of each edge
    and jump along their own chains until no edge joins two labels (each pass lowers some label, and a
    label is always a slot of the same component)."""
    labels = np.arange(count, dtype=np.int64)
    while len(first):
        lower = np.minimum(labels[first], labels[second])
        moved = labels.copy()
        np.minimum.at(moved, first, lower)
        np.minimum.at(moved, second, lower)
        while True:  # pointer jumping: a label's label is as good and smaller
            jumped = moved[moved]
            if np.array_equal(jumped, moved):
                break
            moved = jumped
        if np.array_equal(moved, labels):
            break
        labels = moved
    return labels


def shared_digest(config_json: str, scope_texts: Iterable[str], min_score: float) -> str:
    """The run's global inputs: configuration, threshold and the distinct scope texts (the TF-IDF fit)."""
    digest = hashlib.sha256(f"{config_json}\x1f{min_score!r}\n".encode())
    for text in sorted(set(scope_texts)):
        digest.update(f"{text}\n".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()
