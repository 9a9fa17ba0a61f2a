"""Components of a detection run's candidate graph, each with a digest of everything its pairs are made of.

Every pair a run scores is a candidate pair (:mod:`gbstd.similarity.duplicates`: same subject, similar
subjects, abbreviations, synonyms, scopes) or a same-code or abolished-chain pair, so a group of likely
duplicates — and each record's strongest partners — lie inside one connected component of those pairs. What
the run makes of a component's records depends only on

* each member's fields that detection reads (:func:`record_inputs`) and whether its scope counts (a scope
  text too many subjects share is boilerplate),
* each candidate pair: its two records, the subject similarity it was queued with (or NaN), whether a word
  rule proposed it, whether the two are on one supersession chain and whether one declares the other
  ``distinct_from``,
* the run's global inputs: configuration and the set of scope texts the TF-IDF weights are fitted on.

A component's digest covers all of that, so two runs that find a component with the same digest find the same
pairs in it, the same groups and the same partners: a caller that kept what it derived from a component (the D
rules' findings, by digest) may reuse it instead of scoring the component again. Whatever changed elsewhere in
the catalog — a title edit that moved a record to another subject, a record added — shows up as a component
whose digest is new; the global inputs are in every digest, so a change to them reuses nothing.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
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


class CandidateGraph:
    """Records and the candidate pairs between them, each pair with the facts that decide its score and kind.

    Slots are integers: the run's live records first (in its order, each with its note), then any other
    record an edge names. Edges are kept as lists of slots and the components found with numpy in one pass
    at the end (a Python union-find and a dict lookup per edge cost most of a reuse run's graph time).
    """

    def __init__(self, shared: str, records: Sequence[Record], notes: Sequence[str]) -> None:
        self.shared = shared  # digest of the run's global inputs
        self._records = list(records)
        self._notes = list(notes)  # per slot: how the run treats the record besides its fields
        self._index: dict[int, int] | None = None  # id(record) → slot, made when an edge names a record
        self._first: list[int] = []
        self._second: list[int] = []
        self._facts: list[str] = []

    def slot(self, record: Record) -> int:
        """The slot of ``record``; a record that is not one of the live records gets one (its note empty)."""
        if self._index is None:
            self._index = {id(known): slot for slot, known in enumerate(self._records)}
        slot = self._index.get(id(record))
        if slot is None:
            slot = self._index[id(record)] = len(self._records)
            self._records.append(record)
            self._notes.append("")
        return slot

    def edges(self, first: Iterable[int], second: Iterable[int], facts: Iterable[str]) -> None:
        """Candidate pairs by slot; ``facts`` describes each (see the module docstring), the same in every run."""
        self._first.extend(first)
        self._second.extend(second)
        self._facts.extend(facts)

    def edge(self, a: Record, b: Record, facts: str) -> None:
        self.edges((self.slot(a),), (self.slot(b),), (facts,))

    def components(self, reuse: Reuse) -> tuple[list[Component], set[int]]:
        """The components with an edge, and the ids of the records of those that ``reuse`` accepts."""
        records, notes = self._records, self._notes
        first = np.asarray(self._first, dtype=np.int64)
        second = np.asarray(self._second, dtype=np.int64)
        labels = _labels(len(records), first, second)
        rels = [record.rel for record in records]
        members: dict[int, list[int]] = defaultdict(list)
        touched = np.zeros(len(records), dtype=bool)
        touched[first] = True
        touched[second] = True
        for slot in np.flatnonzero(touched).tolist():  # a component with an edge: each member has one
            members[int(labels[slot])].append(slot)
        edges: dict[int, list[str]] = defaultdict(list)
        for x, y, facts, label in zip(self._first, self._second, self._facts, labels[first].tolist(), strict=True):
            a, b = (rels[x], rels[y]) if rels[x] <= rels[y] else (rels[y], rels[x])
            edges[label].append(f"{a}\x1f{b}\x1f{facts}")
        found: list[Component] = []
        skipped: set[int] = set()
        for root, lines in edges.items():
            slots = sorted(members[root], key=rels.__getitem__)
            lines.sort()
            text = "".join([
                *(f"{record_inputs(records[slot])}\x1e{notes[slot]}\n" for slot in slots), "\x1d\n",
                *(f"{line}\n" for line in lines),
            ])
            digest = hashlib.sha256(self.shared.encode())
            digest.update(text.encode("utf-8", "surrogatepass"))
            hexdigest = digest.hexdigest()
            reused = reuse(hexdigest)
            if reused:
                skipped.update(id(records[slot]) for slot in slots)
            found.append(Component(hexdigest, tuple(rels[slot] for slot in slots), reused))
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
