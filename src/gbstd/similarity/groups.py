"""Groups of likely duplicates built from streamed pairs, in memory linear in the number of records.

A national catalog has the same subject in dozens of regions: 26 copies are one group, not 325 pairs. Pairs
arrive in batches (:meth:`GroupBuilder.add`); union-find joins their records, and each group keeps only

* its members,
* a spanning set of its strongest pairs — each batch is taken strongest first and a pair is kept only when it
  joins two groups (Kruskal within the batch), so a group of n records keeps at most n − 1 pairs,
* per record and kind, its few strongest partners (what the D rules name; for ``adopt-upper`` only the lower
  record's) and how many pairs of that kind it was seen in,
* the number of pairs and the kinds seen.

All pairs are kept only on request (``keep_all``: ``gbstd dupes --all-pairs``), which costs memory in the
number of pairs.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from gbstd.catalog.catalog import Record
from gbstd.model.code import TIER_RANK
from gbstd.similarity.components import Component, Forest
from gbstd.similarity.pairs import DuplicateKind, DuplicatePair, ScoredBatch

# The kind a group is labelled with: the most actionable kind among its pairs (values of DuplicateKind).
KIND_ORDER = ("same-code", "merge", "adopt-upper", "sibling")
_KINDS = list(DuplicateKind)
_KIND_CODE = {kind: code for code, kind in enumerate(_KINDS)}


def rank_key(record: Record) -> tuple[int, int, str, str]:
    """Upper tier first, then the shorter (higher) region, then code: the order of members in a group."""
    tier_rank = TIER_RANK[record.tier] if record.tier else 99
    return (tier_rank, len(record.region or ""), record.key, record.rel)


KEEP_PARTNERS = 2  # strongest pairs kept per record and kind (the D rules name one; the second stands in when the
# first does not count for a rule: an identical title is C009's, a cited upper standard is not re-made)


Rank = tuple[int, int, str, str]  # a record's rank_key


def dense_ranks(keys: Sequence[Rank]) -> list[int]:
    """Each key's place among the distinct keys in sorted order (equal keys, equal ranks: 0, 1, 1, 2 …)."""
    ranks = [0] * len(keys)
    dense, last = -1, None
    for i in sorted(range(len(keys)), key=keys.__getitem__):  # keys mostly come sorted already: O(n)
        if keys[i] != last:
            dense, last = dense + 1, keys[i]
        ranks[i] = dense
    return ranks


@dataclass
class Partner:
    """A record's strongest pairs of one kind (at most ``KEEP_PARTNERS``, strongest first) and how many pairs of
    that kind it was seen in."""

    pairs: list[DuplicatePair]
    count: int = 1
    # the rank_key of each kept pair's partner (parallel to ``pairs``): compared on every tie of scores, which a
    # large same-subject set has by the thousand
    ranks: list[Rank] = field(default_factory=list, repr=False, compare=False)

    @property
    def pair(self) -> DuplicatePair:
        return self.pairs[0]

    def takes(self, score: float, rank: Rank) -> bool:
        """Whether a pair of this score, with a partner of this rank, would be kept: stronger than the weakest
        kept pair, or as strong with a partner that ranks first (``GroupBuilder``)."""
        pairs = self.pairs
        if len(pairs) < KEEP_PARTNERS:
            return True
        weakest = pairs[-1].score
        return score > weakest or (score == weakest and rank < self.ranks[-1])

    def insert(self, pair: DuplicatePair, rank: Rank) -> None:
        """Keep ``pair`` (its partner of rank ``rank``) among the strongest; equal scores are ordered by the
        partners' rank_key, so the partner a record is told about does not depend on the order the catalog's
        files were read in."""
        pairs, ranks = self.pairs, self.ranks
        at = len(pairs)
        while at and (pairs[at - 1].score < pair.score or (pairs[at - 1].score == pair.score and ranks[at - 1] > rank)):
            at -= 1
        pairs.insert(at, pair)
        ranks.insert(at, rank)
        del pairs[KEEP_PARTNERS:], ranks[KEEP_PARTNERS:]


def other(pair: DuplicatePair, record: Record) -> Record:
    """The record of ``pair`` that is not ``record``."""
    return pair.b_record if pair.a_record is record else pair.a_record


@dataclass
class DuplicateGroup:
    """Connected likely duplicates: members (upper tier first) and the pairs kept for them (strongest first)."""

    members: list[Record]
    pairs: list[DuplicatePair]
    kind: DuplicateKind
    pair_count: int  # pairs at or above the threshold, including those not kept
    kinds: Counter[DuplicateKind] = field(default_factory=Counter)

    @property
    def score(self) -> float:
        return max((p.score for p in self.pairs), default=0.0)

    @property
    def codes(self) -> list[str]:
        return [r.key for r in self.members]

    def to_json(self, number: int, lang: str = "zh") -> dict[str, object]:
        return {
            "group": number,
            "kind": self.kind.value,
            "score": self.score,
            "size": len(self.members),
            "pair_count": self.pair_count,
            "members": self.codes,
            "pairs": [p.to_json(lang) for p in self.pairs],  # type: ignore[arg-type]
        }


@dataclass
class DuplicateGroups:
    """Everything `gbstd dupes`, the D rules and the bulletin need, from one streamed run."""

    groups: list[DuplicateGroup]
    extra: list[DuplicatePair]  # supersession pairs: not duplicates, listed apart on request
    partners: dict[tuple[int, DuplicateKind], Partner]  # (id(record), kind) → strongest partner of that kind
    group_of: dict[int, int]  # id(record) → index into ``groups``
    # the candidate graph's components when asked for (with ``reuse``: the reused ones' groups left out; see
    # components.py)
    components: list[Component] = field(default_factory=list)

    @property
    def pair_count(self) -> int:
        return sum(g.pair_count for g in self.groups)

    def partner(self, record: Record, kind: DuplicateKind) -> Partner | None:
        return self.partners.get((id(record), kind))

    def group(self, record: Record) -> DuplicateGroup | None:
        index = self.group_of.get(id(record))
        return None if index is None else self.groups[index]

    def records_with(self, kind: DuplicateKind) -> Iterator[tuple[Record, Partner]]:
        """Records that have a partner of ``kind``, in group order then member order (stable output)."""
        for group in self.groups:
            for record in group.members:
                found = self.partners.get((id(record), kind))
                if found is not None:
                    yield record, found


class GroupBuilder(Forest):
    """Union-find over streamed pairs; see the module docstring for what each group keeps."""

    def __init__(self, keep_all: bool = False) -> None:
        super().__init__()
        self.keep_all = keep_all
        self._pairs: dict[int, list[DuplicatePair]] = {}  # root → kept pairs
        self._counts: dict[int, int] = {}  # root → pairs seen (and implied)
        self._kinds: dict[int, Counter[DuplicateKind]] = {}
        self._partners: dict[tuple[int, DuplicateKind], Partner] = {}
        self.extra: list[DuplicatePair] = []
        self._ranks: dict[int, tuple[int, int, str, str]] = {}  # id(record) → rank_key, for ties of partners
        self._rank_of: dict[int, int] = {}  # id(record) → integer rank (know_ranks)
        self._slot_ranks = np.zeros(0, dtype=np.int64)  # slot → integer rank, −1 where not known

    def _union(self, a: int, b: int) -> tuple[int, bool]:
        ra, rb = self._find(a), self._find(b)
        if ra == rb:
            return ra, False
        if len(self._pairs.get(ra, ())) < len(self._pairs.get(rb, ())):
            ra, rb = rb, ra  # keep the larger list in place
        self._parent[rb] = ra
        self._pairs.setdefault(ra, []).extend(self._pairs.pop(rb, []))
        self._counts[ra] = self._counts.get(ra, 0) + self._counts.pop(rb, 0)
        moved = self._kinds.pop(rb, None)
        if moved:
            kept = self._kinds.get(ra)
            if kept is None:
                self._kinds[ra] = moved
            else:
                kept.update(moved)
        return ra, True

    def add(self, pairs: Iterable[DuplicatePair]) -> None:
        """One batch of scored pairs; supersession pairs are set aside, not grouped."""
        self.add_batch(ScoredBatch.of(list(pairs)))

    def know_ranks(self, records: Sequence[Record], keys: Sequence[Rank]) -> None:
        """The rank_key of each record that pairs will name, given once before the first batch: partners are
        then chosen per batch on integer ranks (numpy) instead of on tuples, pair by pair."""
        rank_of, tuples = self._rank_of, self._ranks
        # equal keys, equal ranks: ties then fall to the stream's order, as with tuples
        for record, key, dense in zip(records, keys, dense_ranks(keys), strict=True):
            rank_of[id(record)] = dense
            tuples[id(record)] = key

    def _partner_ranks(self, slots: np.ndarray) -> np.ndarray:
        """Integer ranks of the records in ``slots``, ordered as their rank_keys (equal keys: equal ranks)."""
        records = self._records
        if self._rank_of:
            have = len(self._slot_ranks)
            if have < len(records):  # slots made since the last batch
                self._slot_ranks = np.concatenate([self._slot_ranks, np.fromiter(
                    (self._rank_of.get(id(r), -1) for r in itertools.islice(records, have, None)),
                    dtype=np.int64, count=len(records) - have)])
            found = self._slot_ranks[slots]
            if len(found) == 0 or found.min() >= 0:
                return found
        # some record was not given to know_ranks (or it was not called): ranks of this batch's records only
        distinct = np.unique(slots)
        keys = [self._rank(records[s]) for s in distinct.tolist()]
        dense = np.empty(len(keys), dtype=np.int64)
        rank, last = -1, None
        for i in sorted(range(len(keys)), key=keys.__getitem__):
            if keys[i] != last:
                rank, last = rank + 1, keys[i]
            dense[i] = rank
        return dense[np.searchsorted(distinct, slots)]

    def add_batch(self, batch: ScoredBatch) -> None:
        """One batch, taken strongest first (stable: ties keep the stream's order); a pair is made only when it
        is kept — in the spanning set, as a strongest partner, or with ``keep_all``.

        Only the spanning set needs the pairs one by one (union-find); counts, kinds and each record's strongest
        partners are found for the whole batch at once with numpy."""
        scores = np.asarray(batch.scores, dtype=np.float64)
        if len(scores) == 0:
            return
        a_records, b_records, kinds = batch.a_records, batch.b_records, batch.kinds
        made: dict[int, DuplicatePair] = {}

        def pair_at(k: int) -> DuplicatePair:
            found = made.get(k)
            if found is None:
                found = made[k] = batch.make(k)
            return found

        slot, find, union, kept_pairs, keep_all = self._slot, self._find, self._union, self._pairs, self.keep_all
        slot_of, parent = self._index.get, self._parent
        supersession = DuplicateKind.SUPERSESSION
        taken: list[int] = []  # the batch's grouped pairs, strongest first
        a_slots: list[int] = []
        b_slots: list[int] = []
        # np.argsort(stable) of the negated scores is sorted(reverse=True): ties keep the stream's order
        for k in np.argsort(-scores, kind="stable").tolist():
            if kinds[k] is supersession:
                self.extra.append(pair_at(k))
                continue
            # the common cases inline (a known record, a root, two records already joined): pairs outnumber records
            a_record, b_record = a_records[k], b_records[k]
            a = slot_of(id(a_record))
            if a is None:
                a = slot(a_record)
            b = slot_of(id(b_record))
            if b is None:
                b = slot(b_record)
            root_a = a if parent[a] == a else find(a)
            root_b = b if parent[b] == b else find(b)
            if root_a != root_b:
                root, _ = union(root_a, root_b)
                kept_pairs.setdefault(root, []).append(pair_at(k))
            elif keep_all:
                kept_pairs.setdefault(root_a, []).append(pair_at(k))
            taken.append(k)
            a_slots.append(a)
            b_slots.append(b)
        if not taken:
            return
        order = np.array(taken, dtype=np.int64)
        firsts = np.array(a_slots, dtype=np.int64)
        codes = np.fromiter((_KIND_CODE[kinds[k]] for k in taken), dtype=np.int64, count=len(taken))
        # pairs and kinds seen, per group: counted at the end of the batch, on the roots the batch left (a union
        # carries a root's counts to the other, so counting on the root of the moment gives the same)
        distinct, inverse = np.unique(firsts, return_inverse=True)
        final = np.array([find(r) for r in distinct.tolist()], dtype=np.int64)[inverse]
        tally, tallies = np.unique(final * len(_KINDS) + codes, return_counts=True)
        counts, all_kinds = self._counts, self._kinds
        for combined, count in zip(tally.tolist(), tallies.tolist(), strict=True):
            root, code = divmod(combined, len(_KINDS))
            counts[root] = counts.get(root, 0) + count
            seen = all_kinds.get(root)
            if seen is None:
                seen = all_kinds[root] = Counter()
            seen[_KINDS[code]] += count
        self._add_partners(order, codes, scores[order], firsts,
                           np.array(b_slots, dtype=np.int64), pair_at)

    def _add_partners(self, order: np.ndarray, codes: np.ndarray, scores: np.ndarray, a_slots: np.ndarray,
                      b_slots: np.ndarray, pair_at: Callable[[int], DuplicatePair]) -> None:
        """Each record's strongest pairs per kind (score, then the partner's rank, then the stream's order),
        chosen for the batch with one lexsort and merged into what earlier batches kept."""
        # both records hold a pair, but adopt-upper is only the lower record's finding (``a`` is the upper one)
        both = np.flatnonzero(codes != _KIND_CODE[DuplicateKind.ADOPT_UPPER])
        at = np.concatenate([both, np.arange(len(order))])  # position in the batch, strongest first
        holders = np.concatenate([a_slots[both], b_slots])
        partner_slots = np.concatenate([b_slots[both], a_slots])
        kind_codes = codes[at]
        ranks = self._partner_ranks(partner_slots)
        sort = np.lexsort((at, ranks, -scores[at], kind_codes, holders))
        holders, kind_codes, at, partner_slots = holders[sort], kind_codes[sort], at[sort], partner_slots[sort]
        start = np.ones(len(sort), dtype=bool)
        start[1:] = (holders[1:] != holders[:-1]) | (kind_codes[1:] != kind_codes[:-1])
        starts = np.flatnonzero(start)
        sizes = np.diff(np.append(starts, len(sort)))
        records, partners, rank = self._records, self._partners, self._rank
        holders_l, kinds_l, at_l, partner_l = holders.tolist(), kind_codes.tolist(), at.tolist(), partner_slots.tolist()
        score_l, order_l = scores.tolist(), order.tolist()
        for first, size in zip(starts.tolist(), sizes.tolist(), strict=True):
            key = (id(records[holders_l[first]]), _KINDS[kinds_l[first]])
            best = range(first, first + min(size, KEEP_PARTNERS))  # the rest cannot be kept
            known = partners.get(key)
            if known is None:
                partners[key] = Partner([pair_at(order_l[at_l[n]]) for n in best], size,
                                        [rank(records[partner_l[n]]) for n in best])
                continue
            known.count += size
            for n in best:
                partner_rank = rank(records[partner_l[n]])
                score = score_l[at_l[n]]
                if known.takes(score, partner_rank):
                    known.insert(pair_at(order_l[at_l[n]]), partner_rank)

    def _rank(self, record: Record) -> tuple[int, int, str, str]:
        found = self._ranks.get(id(record))
        if found is None:
            found = self._ranks[id(record)] = rank_key(record)
        return found

    def add_implied(self, record: Record, count: int) -> None:
        """Pairs known to be at or above the threshold but not enumerated (within a large same-subject set)."""
        if count > 0 and id(record) in self._index:
            root = self._find(self._index[id(record)])
            self._counts[root] = self._counts.get(root, 0) + count

    def finish(self) -> DuplicateGroups:
        members: dict[int, list[Record]] = {}
        for slot, record in enumerate(self._records):
            members.setdefault(self._find(slot), []).append(record)
        built = []
        for root, records in members.items():
            pairs = sorted(self._pairs.get(root, []), key=lambda p: (-p.score, p.a, p.b, p.a_record.rel))
            kinds = self._kinds.get(root, Counter())
            by_value = {k.value: k for k in kinds if kinds[k]}
            kind = next(by_value[v] for v in KIND_ORDER if v in by_value)
            built.append(DuplicateGroup(sorted(records, key=self._rank), pairs, kind, self._counts.get(root, 0), kinds))
        built.sort(key=lambda g: (-g.score, -len(g.members), g.members[0].key, g.members[0].rel))
        group_of = {id(record): n for n, group in enumerate(built) for record in group.members}
        self.extra.sort(key=lambda p: (-p.score, p.a, p.b))
        return DuplicateGroups(built, self.extra, self._partners, group_of)
