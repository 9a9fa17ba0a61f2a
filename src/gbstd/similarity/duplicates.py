"""Duplicate and overlapping standards (重复建设): find pairs, say what each pair means, group them.

Pipeline (sub-quadratic; see README "Duplicates" for measured figures):

1. every live record's title → :class:`Subject` (normalised, region and generic words removed);
2. records with the same subject are grouped by hashing (a group larger than ``max_group`` is linked to one
   representative instead of pairwise, so a subject that 300 cities copied costs 300 pairs, not 45 000);
3. distinct subjects get MinHash signatures over their character bigrams and are banded (LSH,
   :mod:`gbstd.similarity.candidates`); only subjects that share a band bucket are compared;
4. each candidate pair of records is scored with rapidfuzz (:mod:`gbstd.similarity.scoring`) and kept when
   ``score >= min_score``; pairs a record declares ``distinct_from`` are dropped. What a score reads of a record
   is an id per record (:mod:`gbstd.similarity.features`), so the bulk parts are computed once per distinct pair
   of subjects, titles and scopes, and :func:`finish` once per distinct question;
5. each pair is classified (:class:`DuplicateKind`): same code, merge, adopt the upper tier, sibling regions,
   or supersession (predecessor/successor, not a duplicate). Abolished records are compared only with their
   own supersession chain. Grouping (:class:`GroupBuilder`) reads scores, records and kinds of a batch and makes
   a :class:`DuplicatePair` only for the pairs a group keeps.

``score`` is a float in [0, 1] (1 = the same title once normalised), rounded to three decimals.
"""

from __future__ import annotations

import hashlib
import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import NamedTuple

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import LCSseq

from gbstd.catalog.catalog import Catalog, Record
from gbstd.catalog.lineage import Lineage
from gbstd.catalog.references import cites
from gbstd.gcpause import without_cycle_collection
from gbstd.i18n import Text
from gbstd.model.code import TIER_RANK, Tier
from gbstd.model.config import DuplicatesSection
from gbstd.model.regions import region_contains, region_name
from gbstd.model.standard import Status
from gbstd.similarity.abbreviation import short_forms
from gbstd.similarity.candidates import GramAlphabet, banding, candidate_pairs, signatures
from gbstd.similarity.components import Component, GroupGraph, Reuse, record_inputs, shared_digest
from gbstd.similarity.features import Features, bodies, by_unique_pair, context_of, ids
from gbstd.similarity.groups import DuplicateGroup, DuplicateGroups, GroupBuilder, dense_ranks, rank_key
from gbstd.similarity.kinship import MAX_SUBJECT_WORDS, kindred
from gbstd.similarity.learned import Learned
from gbstd.similarity.normalise import scope_text
from gbstd.similarity.pairs import DuplicateKind, DuplicatePair, ScoredBatch
from gbstd.similarity.scope import ScopeIndex
from gbstd.similarity.scoring import (
    Aligner,
    Context,
    Note,
    PairScore,
    Weights,
    aspects_conflict,
    best_possible,
    finish,
    lowest_subject,
    score_pair,
    substituted,
)
from gbstd.similarity.segment import prepare, remember, words
from gbstd.similarity.subject import Subject, SubjectExtractor
from gbstd.similarity.thesaurus import Thesaurus

# A scope text that more different subjects than this share is boilerplate, not evidence of a duplicate.
_SHARED_SCOPE = 3

# Subjects less similar than this are aligned word by word (abbreviations, thesaurus) only when their scopes are
# nearly the same or one abbreviates the other: keeps the per-pair Python work to the pairs it can change.
_ALIGN_SUBJECT = 0.5

# Subjects sharing one thesaurus key are paired with at most this many others (a key is rarely that common).
_MAX_SYNONYMOUS = 50

# stage name, items done, items in the stage
Progress = Callable[[str, int, int], None]

# Candidates scored (and pairs held) at a time: bounds the memory of a run whatever the catalog's overlap.
BATCH = 20_000
# A set of records with one subject up to this size is compared pairwise; a larger one by :meth:`_Run._set_links`.
SMALL_SET = 12
MAX_HEADS = 40  # distinct titles of one subject compared with each other
MAX_UPPER = 1  # upper-tier records of each level (national, province, city) a record is compared with
MAX_SCAN = 64  # records of one level looked through for the same title


def cluster(pairs: Iterable[DuplicatePair]) -> list[DuplicateGroup]:
    """Connected groups of already-found duplicate pairs (supersession pairs excluded), strongest first, each
    with all its pairs. Members are ordered upper tier first, then by code; pairs by score, highest first."""
    builder = GroupBuilder(keep_all=True)
    builder.add(pairs)
    return builder.finish().groups


_rank_key = rank_key
_KIND_OBJECTS = np.empty(len(DuplicateKind), dtype=object)
_KIND_OBJECTS[:] = list(DuplicateKind)  # kind code → kind, for whole batches at once
_KIND_CODE = {kind: code for code, kind in enumerate(DuplicateKind)}
# Two distinct subjects a candidate stage joins: the two, their subject similarity (NaN: not known yet) and
# whether a word rule proposed them (abbreviation, synonym, qualifier, kin words).
_Link = tuple[str, str, float, bool]


@dataclass
class _Entry:
    record: Record
    side: int  # 0 = the catalog, 1 = the reference catalog (--against)
    subject: Subject
    key: str = ""
    scope_row: int = -1  # row in the run's ScopeIndex; -1 = no scope, or one too many subjects share


class DuplicateDetector:
    """One configured detector; :func:`find_duplicates` is the usual way in."""

    def __init__(self, config: DuplicatesSection | None = None, learned: Learned | None = None) -> None:
        """``learned``: each title's subject and each subject's words as an earlier run with this ``config``
        worked them out, taken instead of working them out again and kept up to date by each run."""
        self.config = config or DuplicatesSection()
        c = self.config
        self.extractor = SubjectExtractor(
            generic_words=c.generic_words, domain_words=c.domain_words, aspect_words=c.aspect_words,
            synonyms=c.synonyms,
        )
        self.weights = Weights(subject_weight=c.subject_weight, aspect_penalty=c.aspect_penalty,
                               substitution_penalty=c.substitution_penalty, scope_weight=c.scope_weight,
                               scope_threshold=c.scope_threshold,
                               scope_substitution_threshold=c.scope_substitution_threshold)
        thesaurus = Thesaurus(c.synonyms, self.extractor.aspect_words, use_cilin=c.thesaurus)
        self.aligner = Aligner(self.extractor, thesaurus, c.abbreviations, self.extractor.generic_words)
        self._subjects: dict[str, Subject] = {}
        self.learned = learned
        if learned is not None:
            self._subjects.update(learned.subjects)
            remember(learned.words)

    def subject(self, title: str) -> Subject:
        found = self._subjects.get(title)
        if found is None:
            found = self._subjects[title] = self.extractor.subject(title)
        return found

    def learn(self, catalog: Catalog) -> None:
        """Bring :attr:`learned` up to date with what this detector worked out for ``catalog``'s titles."""
        if self.learned is not None:
            known = {record.title: self._subjects[record.title] for record in catalog.records
                     if record.title in self._subjects}
            self.learned.keep(known, {subject.core for subject in known.values()})

    def score_titles(self, title_a: str, title_b: str, scope_a: str | None = None, scope_b: str | None = None) -> PairScore:
        """Score two titles (and optional scopes) exactly as pairs of records are scored."""
        return score_pair(self.subject(title_a), self.subject(title_b), scope_text(scope_a), scope_text(scope_b),
                          self.weights, aligner=self.aligner)

    def find(
        self,
        catalog: Catalog,
        against: Catalog | None = None,
        *,
        lineage: Lineage | None = None,
        min_score: float | None = None,
        progress: Progress | None = None,
    ) -> list[DuplicatePair]:
        """Every pair at or above the threshold, strongest first (all pairs: quadratic in a same-subject set)."""
        with without_cycle_collection():
            return self._run(catalog, against, lineage, min_score, progress, None, None).execute()

    def groups(
        self,
        catalog: Catalog,
        against: Catalog | None = None,
        *,
        lineage: Lineage | None = None,
        min_score: float | None = None,
        progress: Progress | None = None,
        all_pairs: bool = False,
        only: Callable[[Record], bool] | None = None,
        reuse: Reuse | None = None,
        components: bool = False,
    ) -> DuplicateGroups:
        """Groups of likely duplicates, built from the streamed pairs (:meth:`iter_pairs`) in memory linear in
        the records.

        With ``reuse`` the run also lists the components of its candidate graph (``components`` of the
        result, see :mod:`gbstd.similarity.components`) and does not score those whose digest ``reuse``
        accepts: their records are not compared at all, and their groups are left out, the caller keeping what
        it derived from them before. With ``components`` and no ``reuse`` they are listed, none reused."""
        builder = GroupBuilder(keep_all=all_pairs)
        implied: list[tuple[Record, int]] = []
        with without_cycle_collection():
            run = self._run(catalog, against, lineage, min_score, progress, implied, only)
            if against is None:  # --against compares two catalogs: nothing of it is kept between runs
                run.reuse, run.list_components = reuse, components
            for n, batch in enumerate(run.batches(all_pairs=all_pairs, size=BATCH)):
                if n == 0:  # the entries (the live records compared, ranked) exist once the first batch is out
                    builder.know_ranks([entry.record for entry in run.entries], [f.rank for f in run.entry_facts])
                builder.add_batch(batch)
            for record, count in implied:
                builder.add_implied(record, count)
            groups = builder.finish()
            groups.components = run.components
            return groups

    def iter_pairs(
        self,
        catalog: Catalog,
        against: Catalog | None = None,
        *,
        lineage: Lineage | None = None,
        min_score: float | None = None,
        progress: Progress | None = None,
        batch: int = BATCH,
        all_pairs: bool = True,
        implied: list[tuple[Record, int]] | None = None,
        only: Callable[[Record], bool] | None = None,
    ) -> Iterator[list[DuplicatePair]]:
        """Scored pairs in batches of at most ``batch`` candidates' worth (unsorted; distinct_from applied).

        Each :class:`DuplicatePair` has ``a``, ``b``, ``score``, ``kind``, ``reason`` and its ``evidence``.
        Without ``all_pairs`` a large set of records with one subject is compared in O(n) pairs; the pairs it
        implies but does not enumerate are appended to ``implied`` as (a record of the set, count). ``only``
        restricts the run to the records it accepts.
        """
        run = self._run(catalog, against, lineage, min_score, progress, implied, only)
        yield from run.stream(all_pairs=all_pairs, size=batch)

    def _run(
        self, catalog: Catalog, against: Catalog | None, lineage: Lineage | None, min_score: float | None,
        progress: Progress | None, implied: list[tuple[Record, int]] | None, only: Callable[[Record], bool] | None,
    ) -> _Run:
        """One detection run; the pairs a large same-subject set implies go to ``implied`` when given."""
        run = _Run(self, catalog, against, lineage or Lineage(catalog), min_score, progress)
        if implied is not None:
            run.implied = implied
        if only is not None:
            run.only = only
        return run


class _Run:
    """The state of one detection run."""

    def __init__(
        self, detector: DuplicateDetector, catalog: Catalog, against: Catalog | None, lineage: Lineage,
        min_score: float | None, progress: Progress | None,
    ) -> None:
        self.detector = detector
        self.config = detector.config
        self.catalog = catalog
        self.against = against
        self.lineage = lineage
        self.min_score = self.config.min_score if min_score is None else min_score
        self.progress = progress or (lambda stage, done, total: None)
        self.entries: list[_Entry] = []
        self.found: dict[tuple[int, int], PairScore] = {}
        self.pending: dict[tuple[int, int], float] = {}  # pairs to score → subject similarity (NaN: not known)
        self.proposed: set[tuple[int, int]] = set()  # pairs proposed by a word rule (abbreviation, synonym)
        self.all_pairs = True
        self.implied: list[tuple[Record, int]] = []  # pairs counted but not enumerated, by a record of their set
        self.only: Callable[[Record], bool] = lambda record: True  # records taking part (default: all)
        self.facts: dict[int, _Facts] = {}
        self.entry_arrays: tuple[np.ndarray, ...] | None = None  # what _batch reads per entry (_entry_arrays)
        self.place_count = 1
        self.rank_keys: dict[int, tuple[int, int, str, str]] = {}  # id(record) → rank_key, of the live records
        self.entry_facts: list[_Facts] = []  # _Facts of each entry, by index
        self.places: list[int] = []  # id of each entry's (tier, region, issuer)
        self.kinds: dict[tuple[int, int], tuple[DuplicateKind, bool]] = {}  # _classify by two places
        self.scored: dict[tuple[object, ...], PairScore] = {}  # finish() by everything it reads
        self.linked_cores: set[str] = set()  # subjects whose large set _set_links compared (O(n), not pairwise)
        self.linking = False
        self.reuse: Reuse | None = None  # set: components whose digest it accepts are not scored
        self.list_components = False  # without reuse: list the components all the same (none reused)
        self.components: list[Component] = []
        self.skipped: set[int] = set()  # id() of the records of reused components
        self.chain = self._chains()
        self.accepted = self._accepted()

    # -- setup -----------------------------------------------------------------------------------------
    def _chains(self) -> dict[str, int]:
        """canonical code → id of its supersession chain (connected component), over both catalogs."""
        edges: dict[str, set[str]] = defaultdict(set)
        lineages = [self.lineage] + ([Lineage(self.against)] if self.against else [])
        for lineage in lineages:
            for old, news in lineage.edges.items():
                for new in news:
                    edges[old].add(new)
                    edges[new].add(old)
        chain: dict[str, int] = {}
        for start in edges:
            if start in chain:
                continue
            chain[start] = len(chain)
            ident, todo = chain[start], [start]
            while todo:
                for nxt in edges[todo.pop()]:
                    if nxt not in chain:
                        chain[nxt] = ident
                        todo.append(nxt)
        return chain

    def _accepted(self) -> set[frozenset[str]]:
        pairs: set[frozenset[str]] = set()
        for catalog in (self.catalog, self.against):
            if catalog is None:
                continue
            for record in catalog.records:
                for item in record.standard.distinct_from:
                    other = catalog.resolve(item.code)
                    pairs.add(frozenset((record.key, other.canonical if other else item.code.strip())))
        return pairs

    # -- the pipeline ----------------------------------------------------------------------------------
    def execute(self) -> list[DuplicatePair]:
        pairs = [pair for batch in self.stream(all_pairs=True, size=50_000) for pair in batch]
        pairs.sort(key=lambda p: (-p.score, p.a, p.b, p.a_record.rel, p.b_record.rel))
        return pairs

    def stream(self, all_pairs: bool, size: int = BATCH) -> Iterator[list[DuplicatePair]]:
        """:meth:`batches` as lists of pairs."""
        for batch in self.batches(all_pairs, size):
            yield batch.pairs()

    def batches(self, all_pairs: bool, size: int = BATCH) -> Iterator[ScoredBatch]:
        """Candidates are generated once (O(n) of them without ``all_pairs``), then scored and classified
        ``size`` at a time, so only one batch of scored pairs is held (and its pairs made only when kept).

        Without ``all_pairs`` a same-subject set larger than ``SMALL_SET`` is not compared pairwise (see
        :meth:`_set_links`); the pairs it implies are counted in ``self.implied``.

        What joins subjects and scopes is found first, for the whole catalog and once per distinct subject or
        scope text (cheap: a national catalog repeats a few thousand subjects); the records are then compared
        pair by pair only in the components that are not reused (:meth:`_components`).
        """
        self.all_pairs = all_pairs
        live = self._live()
        subjects = []
        for done, (_, record) in enumerate(live, start=1):
            subjects.append(self.detector.subject(record.title))
            if done % 5000 == 0:
                self.progress("subjects", done, len(live))
        self.progress("subjects", len(live), len(live))
        cores: dict[str, list[int]] = defaultdict(list)  # subject → its live records (indices into live)
        for index, subject in enumerate(subjects):
            cores[subject.core].append(index)
        events = self._subject_links(cores, subjects, [side for side, _ in live])
        texts = [scope_text(record.standard.scope) for _, record in live]
        self.scopes = ScopeIndex(texts)
        rows = [self.scopes.row(text) for text in texts]
        counted = self._counted_rows(rows, subjects)
        row_pairs = self.scopes.candidates(self.config.scope_candidate_jaccard, self.config.num_perm).tolist()
        if self.against is None and (self.reuse is not None or self.list_components):
            self.components, self.skipped = self._components(
                live, subjects, cores, events, rows, counted, row_pairs, self.reuse or (lambda digest: False))
        skipped = self.skipped
        chosen = [k for k, (_, record) in enumerate(live) if id(record) not in skipped] if skipped else range(len(live))
        self.entries = [_Entry(live[k][1], live[k][0], subjects[k], live[k][1].key) for k in chosen]
        self.entry_facts = [self._facts(e.record) for e in self.entries]
        # tier, region and issuer decide a pair's kind (besides supersession): classified once per two places
        self.places = ids([(f.tier, f.region, f.issuer) for f in self.entry_facts])[0].tolist()
        self.features = Features([e.subject for e in self.entries], [e.record for e in self.entries])
        groups = cores  # subject → entries: the same lists when every live record is compared
        if skipped:
            groups = defaultdict(list)
            for index, entry in enumerate(self.entries):
                groups[entry.subject.core].append(index)
        self._same_subject(groups)
        self._expand(events, groups)
        self._scopes([rows[k] for k in chosen], counted, row_pairs)
        keys = list(self.pending)
        subjects_known = np.fromiter(self.pending.values(), dtype=np.float64, count=len(keys))
        self.pending = {}
        self.progress("scoring", 0, len(keys))
        for start in range(0, len(keys), size):
            yield self._batch(self._score(keys[start : start + size], subjects_known[start : start + size]))
            self.progress("scoring", min(start + size, len(keys)), len(keys))
        if self.against is None:
            yield ScoredBatch.of(self._keep(self._same_code() + self._abolished()))

    def _live(self) -> list[tuple[int, Record]]:
        """The live records of both sides, in rank order, not the order the files were read in: which record
        heads a subject, which pairs are compared and which partner is named must not change when the same
        records are read in another order (a federation reads member by member)."""
        sides = [(0, self.catalog)] + ([(1, self.against)] if self.against else [])
        unsorted = [(side, r) for side, cat in sides for r in cat.records
                    if r.status is not Status.ABOLISHED and self.only(r)]
        keys = [(side, _rank_key(r)) for side, r in unsorted]  # each rank_key once: _facts reads them again
        self.rank_keys = {id(r): key[1] for (_, r), key in zip(unsorted, keys, strict=True)}
        return [unsorted[i] for i in sorted(range(len(unsorted)), key=keys.__getitem__)]

    def _counted_rows(self, rows: list[int], subjects: list[Subject]) -> list[bool]:
        """Per scope row, whether it counts: a scope text more than ``_SHARED_SCOPE`` different subjects share
        is boilerplate, not evidence (it neither proposes pairs nor counts in a score)."""
        cores: list[set[str]] = [set() for _ in self.scopes.texts]
        for row, subject in zip(rows, subjects, strict=True):
            if row >= 0:
                cores[row].add(subject.core)
        return [len(found) <= _SHARED_SCOPE for found in cores]

    def _components(
        self, live: list[tuple[int, Record]], subjects: list[Subject], cores: dict[str, list[int]],
        events: list[_Link], rows: list[int], counted: list[bool], row_pairs: list[list[int]], reuse: Reuse,
    ) -> tuple[list[Component], set[int]]:
        """The components of the candidate graph, found from the groups that make its pairs (a subject's
        records, a counted scope's, a code's, an abolished record's chain) and the links between subjects and
        between scopes, each with a digest of everything the pairs inside it are made of (see
        :mod:`gbstd.similarity.components`); and the ids of the records of those ``reuse`` accepts."""
        records = [record for _, record in live]
        shared = shared_digest(f"{self.config.model_dump_json()}\x1f{self.all_pairs}", self.scopes.texts,
                               self.min_score)
        # what a member's pairs read besides its fields: its supersession chain and the codes declared distinct
        # from it (both depend on other records), as a suffix of its note; most codes have neither
        chain_name = self._chain_names()
        partners = self._distinct_partners()
        suffix: dict[str, str] = {}
        for key in {*partners, *self.chain}:
            chain = self.chain.get(key)
            suffix[key] = f"\x1f{chain_name[chain] if chain is not None else ''}\x1f{partners.get(key, '')}"
        plain = "\x1f\x1f"
        counts = {True: "live:True", False: "live:False"}
        if suffix:
            notes = [counts[row >= 0 and counted[row]] + suffix.get(record.key, plain)
                     for record, row in zip(records, rows, strict=True)]
        else:  # no chain and no declaration in the catalog (the usual case): no code to look up
            plain_notes = {live: note + plain for live, note in counts.items()}
            notes = [plain_notes[row >= 0 and counted[row]] for row in rows]
        graph = GroupGraph(shared, records, notes, self.catalog.hashes)

        def slot(record: Record) -> int:  # a record that is not live: its note is the suffix alone
            return graph.slot(record, suffix.get(record.key, plain))

        for members in cores.values():
            graph.chain(members)
        by_row: dict[int, list[int]] = defaultdict(list)
        for index, row in enumerate(rows):
            if row >= 0 and counted[row]:
                by_row[row].append(index)
        for members in by_row.values():
            graph.chain(members)
        for a, b, value, proposed in events:
            graph.link(cores[a][0], cores[b][0], f"{a}\x1f{b}\x1f{value!r}\x1f{proposed}")
        texts = self.scopes.texts
        for x, y in row_pairs:
            if x in by_row and y in by_row:
                graph.link(by_row[x][0], by_row[y][0], f"scope\x1f{texts[x]}\x1f{texts[y]}")
        for same in self.catalog.by_code.values():
            if len(same) > 1:  # a code held once joins nothing
                graph.chain([slot(r) for r in same if self.only(r)])
        for record, other in self._abolished_candidates():
            graph.link(slot(record), slot(other))
        return graph.components(reuse)

    def _chain_names(self) -> dict[int, str]:
        """Each supersession chain named by its smallest code (its number depends on the whole catalog)."""
        names: dict[int, str] = {}
        for code, chain in self.chain.items():
            if chain not in names or code < names[chain]:
                names[chain] = code
        return names

    def _distinct_partners(self) -> dict[str, str]:
        """Per code, the codes it is declared distinct from (by either side), joined."""
        found: dict[str, list[str]] = defaultdict(list)
        for pair in self.accepted:
            for key in pair:
                found[key] += sorted(other for other in pair if other != key)
        return {key: "|".join(sorted(others)) for key, others in found.items()}

    def _distinct(self, fa: _Facts, fb: _Facts) -> bool:
        """One of the two declares the other ``distinct_from``."""
        return bool(self.accepted) and fa.key != fb.key and frozenset((fa.key, fb.key)) in self.accepted

    def _batch(self, found: list[tuple[tuple[int, int], PairScore]]) -> ScoredBatch:
        """Scored pairs of entries classified (``a`` the upper or first one) and filtered as :meth:`_keep` does,
        without making a :class:`DuplicatePair` for each: kinds, order and filters on arrays for the whole batch,
        Python only for the few pairs a filter may drop (declared distinct, an adopt-upper that cites)."""
        entries, facts, accepted = self.entries, self.entry_facts, self.accepted
        if self.entry_arrays is None:
            self.entry_arrays = self._entry_arrays()
        chains, places, ranks, in_accepted, citing, records = self.entry_arrays
        first, second = _ends(found)
        supersession = (chains[first] >= 0) & (chains[first] == chains[second])
        codes = np.full(len(found), _KIND_CODE[DuplicateKind.SUPERSESSION], dtype=np.int64)
        first_upper = np.zeros(len(found), dtype=bool)
        rest = np.flatnonzero(~supersession)
        # the kind of the others is decided by the two places: classified once per distinct two
        _, at, inverse = np.unique(places[first[rest]] * self.place_count + places[second[rest]],
                                   return_index=True, return_inverse=True)
        known = self.kinds
        classes = []
        for x in at.tolist():
            i, j = int(first[rest[x]]), int(second[rest[x]])
            place = (int(places[i]), int(places[j]))
            found_kind = known.get(place)
            if found_kind is None:
                found_kind = known[place] = self._classify(facts[i], facts[j])
            classes.append((_KIND_CODE[found_kind[0]], found_kind[1]))
        if classes:
            class_codes = np.array([c for c, _ in classes], dtype=np.int64)
            class_upper = np.array([u for _, u in classes], dtype=bool)
            codes[rest] = class_codes[inverse]
            first_upper[rest] = class_upper[inverse]
        adopt = codes == _KIND_CODE[DuplicateKind.ADOPT_UPPER]
        swap = ~first_upper & (adopt | (ranks[second] < ranks[first]))
        firsts = np.where(swap, second, first)
        seconds = np.where(swap, first, second)
        keep = np.ones(len(found), dtype=bool)
        if accepted:
            for k in np.flatnonzero(in_accepted[firsts] & in_accepted[seconds]).tolist():
                if self._distinct(facts[firsts[k]], facts[seconds[k]]):
                    keep[k] = False
        for k in np.flatnonzero(adopt & citing[seconds] & keep).tolist():
            if cites(entries[seconds[k]].record.standard, facts[firsts[k]].key):
                keep[k] = False
        kept = np.flatnonzero(keep)
        firsts, seconds, codes = firsts[kept], seconds[kept], codes[kept]
        results = [found[k][1] for k in kept.tolist()]
        kinds: list[DuplicateKind] = _KIND_OBJECTS[codes].tolist()
        firsts_l, seconds_l = firsts.tolist(), seconds.tolist()

        def make(k: int) -> DuplicatePair:
            a, b = entries[firsts_l[k]], entries[seconds_l[k]]
            result = results[k]
            return DuplicatePair(a.key, b.key, result.score, kinds[k], partial(_reason, a.subject, b.subject, result),
                                 a.record, b.record, result)

        return ScoredBatch([r.score for r in results], records[firsts].tolist(), records[seconds].tolist(), kinds,
                           make)

    def _entry_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Per entry, what :meth:`_batch` reads, as arrays: supersession chain (−1: none), place, rank (dense, in
        rank_key order), whether its code is in a declared distinct pair, whether it cites anything, the record."""
        facts = self.entry_facts
        chains = np.array([-1 if f.chain is None else f.chain for f in facts], dtype=np.int64)
        places = np.array(self.places, dtype=np.int64)
        self.place_count = int(places.max()) + 1 if len(places) else 1
        ranks = np.array(dense_ranks([f.rank for f in facts]), dtype=np.int64)  # sorted already but for --against
        named = {key for pair in self.accepted for key in pair}
        in_accepted = np.array([f.key in named for f in facts], dtype=bool)
        citing = np.array([bool(s.references or s.adopts or s.refines)
                           for s in (e.record.standard for e in self.entries)], dtype=bool)
        records = np.empty(len(facts), dtype=object)
        records[:] = [e.record for e in self.entries]
        return chains, places, ranks, in_accepted, citing, records

    def _keep(self, pairs: list[DuplicatePair]) -> list[DuplicatePair]:
        """Pairs a record declares ``distinct_from`` are dropped, and so are a lower standard and the upper
        one it cites (references/adopts/refines: linked, 衔接, not re-made; ``a`` is the upper one)."""
        return [
            p for p in pairs
            if (p.a == p.b or frozenset((p.a, p.b)) not in self.accepted)
            and not (p.kind is DuplicateKind.ADOPT_UPPER and cites(p.b_record.standard, p.a))
        ]  # fmt: skip

    def _allowed(self, i: int, j: int) -> bool:
        """In --against mode only pairs across the two catalogs count, and a shared code is adoption."""
        if self.against is None:
            return True
        ei, ej = self.entries[i], self.entries[j]
        return ei.side != ej.side and ei.key != ej.key

    def _consider(self, i: int, j: int, subject: float) -> None:
        """Queue a pair of records for scoring (NaN subject: not known yet, computed in bulk when scoring)."""
        if i == j or not self._allowed(i, j):
            return
        key = (i, j) if i < j else (j, i)
        if key in self.pending:
            return
        if self.against is None and self.entries[key[0]].key == self.entries[key[1]].key:
            return  # reported once, as same-code
        if not self.linking and self.linked_cores:
            core = self.entries[i].subject.core
            if core == self.entries[j].subject.core and core in self.linked_cores:
                return  # a large same-subject set: its pairs are _set_links' (and counted as implied)
        self.pending[key] = subject

    # -- more candidates: links between subjects, and scopes --------------------------------------------------
    def _subject_links(self, cores: dict[str, list[int]], subjects: list[Subject], sides: list[int]) -> list[_Link]:
        """Pairs of distinct subjects that a candidate stage joins, in the order the stages find them: similar
        subjects (MinHash LSH, with their similarity), abbreviations and synonyms (proposed by a word rule).
        Found once per subject for the whole catalog; :meth:`_expand` makes them pairs of records."""
        links: list[_Link] = []
        self._similar_subjects(cores, subjects, sides, links)
        if self.config.abbreviations:
            self._abbreviated(cores, links)
        self._synonymous(cores, links)
        return links

    def _expand(self, links: list[_Link], groups: dict[str, list[int]]) -> None:
        """Queue the pairs of records that links between subjects make (``groups``: subject → entries)."""
        reference_mode = self.against is not None
        entries = self.entries
        for a, b, value, proposed in links:
            left, right = groups.get(a), groups.get(b)
            if not left or not right:
                continue  # the two subjects are in one reused component
            if reference_mode and not proposed:  # similar subjects: only across the two catalogs
                left = [i for i in left if entries[i].side == 0]
                right = [i for i in right if entries[i].side == 1]
            for i, j in self._links(left, right):
                self._consider(i, j, value)
                if proposed:
                    self.proposed.add((i, j) if i < j else (j, i))

    def _abbreviated(self, groups: dict[str, list[int]], links: list[_Link]) -> None:
        """Subjects that another subject abbreviates (环境保护设施 / 环保设施, 节约用水 / 节水): each run of two
        or three words is shortened to one character of each word, and a shortened subject that is another
        record's subject is a candidate; the abbreviation rule itself then decides
        (:mod:`gbstd.similarity.abbreviation`)."""
        generic = self.detector.extractor.generic_words
        nan = float("nan")
        prepare(groups)  # every subject segmented in one dictionary pass, not one lookup each
        for core in list(groups):
            parts = words(core)
            if not 2 <= len(parts) <= MAX_SUBJECT_WORDS:  # (a pasted document: each run joins it all anew)
                continue
            for width in (2, 3):
                for at in range(len(parts) - width + 1):
                    run = parts[at : at + width]
                    if any(len(w) < 2 or len(w) > 4 for w in run) or all(w in generic for w in run):
                        continue
                    head, tail = "".join(parts[:at]), "".join(parts[at + width :])
                    for picks in short_forms(run):
                        short = head + picks + tail
                        if short != core and groups.get(short):
                            links.append((core, short, nan, True))

    def _synonymous(self, groups: dict[str, list[int]], links: list[_Link]) -> None:
        """Candidates from words: subjects whose words are the same thesaurus entries in any order (食堂就餐 /
        餐厅用餐, 监管与评价 / 评价与监管), and a subject that is another with one qualifier put in front of a
        word (日常保洁 / 保洁)."""
        aligner = self.detector.aligner
        key_of = aligner.thesaurus_key or (lambda w: w)
        nan = float("nan")
        by_key: dict[str, list[str]] = defaultdict(list)
        prepare(groups)  # (done already when abbreviations are on)
        for core in list(groups):
            parts = words(core)
            by_key["\x01".join(sorted(key_of(w) if len(w) >= 2 else w for w in parts))].append(core)
            if len(parts) > MAX_SUBJECT_WORDS:  # (a pasted document: each shorter subject joins it all anew)
                continue
            for at in range(len(parts) - 1):
                shorter = "".join((*parts[:at], *parts[at + 1 :]))
                if shorter in groups and aligner.qualifier(core, shorter):
                    links.append((core, shorter, nan, True))
        for cores in by_key.values():
            for x, first in enumerate(cores):
                for second in cores[x + 1 : x + 1 + _MAX_SYNONYMOUS]:
                    links.append((first, second, nan, True))
        if aligner.kin is not None:  # one word apart, the two words kin (巡查 / 巡检): gbstd.similarity.kinship
            for first, second in kindred(groups, aligner.kin, _MAX_SYNONYMOUS):
                links.append((first, second, nan, True))

    def _scopes(self, rows: list[int], counted: list[bool], row_pairs: list[list[int]]) -> None:
        """Records with the same or a near scope become candidates whatever their titles (``rows``: each
        entry's scope row; ``counted``: per row, whether it counts; ``row_pairs``: near rows, by MinHash LSH)."""
        by_row: dict[int, list[int]] = defaultdict(list)
        for index, row in enumerate(rows):
            if row >= 0:
                by_row[row].append(index)
        for row, members in by_row.items():
            if not counted[row]:
                continue
            for i in members:
                self.entries[i].scope_row = row
            if len(members) > SMALL_SET and not self.all_pairs:
                # one scope in many records: a chain behind the first (O(n)) keeps them connected; the pairs
                # within one subject are the same-subject stage's
                for i, j in itertools.pairwise(members):
                    self._consider(i, j, float("nan"))
                    self._consider(members[0], j, float("nan"))
            elif len(members) > 1:
                for x, i in enumerate(members):
                    for j in members[x + 1 :]:
                        self._consider(i, j, float("nan"))
        self.scope_rows = np.fromiter((e.scope_row for e in self.entries), dtype=np.int64, count=len(self.entries))
        for x, y in row_pairs:
            left = [i for i in by_row.get(x, ()) if self.entries[i].scope_row >= 0]
            right = [i for i in by_row.get(y, ()) if self.entries[i].scope_row >= 0]
            for i, j in self._links(left, right):
                self._consider(i, j, float("nan"))

    # -- scoring --------------------------------------------------------------------------------------------
    def _score(self, keys: list[tuple[int, int]], subject: np.ndarray) -> list[tuple[tuple[int, int], PairScore]]:
        """Score a batch of queued pairs: title parts in bulk with rapidfuzz (once per distinct pair of subjects
        or titles), scopes as TF-IDF cosines (once per distinct pair of scopes), then alignment, scope evidence
        and context per pair (:func:`gbstd.similarity.scoring.finish`)."""
        if not keys:
            return []
        weights = self.detector.weights
        features = self.features
        pairs = np.array(keys, dtype=np.int64).reshape(-1, 2)
        left, right = pairs[:, 0], pairs[:, 1]
        same_core = features.core[left] == features.core[right]
        unknown = np.flatnonzero(np.isnan(subject))
        if len(unknown):
            subject = subject.copy()
            subject[unknown] = np.where(same_core[unknown], 1.0,
                                        features.core_pairs(left[unknown], right[unknown], _gram_ratios))
        title = features.full_pairs(left, right, _title_ratios)
        base = weights.subject_weight * subject + (1 - weights.subject_weight) * title
        differ = features.aspects[left] != features.aspects[right]
        base = np.where(differ, base * weights.aspect_penalty, base)
        swapped = np.zeros(len(keys), dtype=bool)
        other = np.flatnonzero(~same_core)
        if len(other):
            common = features.core_pairs(left[other], right[other], _common_lengths)
            shorter = np.minimum(features.core_length[left[other]], features.core_length[right[other]])
            swapped[other] = common < shorter
        base = np.where(swapped, base * weights.substitution_penalty, base)
        rows = self.scope_rows
        scope = by_scope_pair(self.scopes, rows[left], rows[right])
        lifted = np.where(np.isnan(scope), base, (1 - weights.scope_weight) * base + weights.scope_weight * scope)
        lowest = min(weights.scope_threshold, weights.scope_substitution_threshold)
        conflict = features.aspect_pairs(left, right, aspects_conflict)
        near_scope = np.nan_to_num(scope) >= lowest
        proposed = np.fromiter((key in self.proposed for key in keys), dtype=bool, count=len(keys)) \
            if self.proposed else np.zeros(len(keys), dtype=bool)
        # A pair reaches the threshold through its plain score, its scope, or an alignment of its words; words
        # are aligned (Python, per pair) only where that can matter: similar subjects, near scopes, or a pair
        # proposed as an abbreviation.
        align = ~same_core & ((subject >= _ALIGN_SUBJECT) | near_scope | proposed)
        hopeful = (np.maximum(base, lifted) >= self.min_score - 0.001) | (near_scope & ~conflict) | align
        chosen = np.flatnonzero(hopeful)
        entries, aligner, context, min_score = self.entries, self.detector.aligner, features.context, self.min_score
        full, scored = features.full.tolist(), self.scored
        found = []
        rows, texts = self.scope_rows.tolist(), self.scopes.texts
        for k, i, j, s, b, t, d, w, sc, al in zip(
            chosen.tolist(), left[chosen].tolist(), right[chosen].tolist(), subject[chosen].tolist(),
            base[chosen].tolist(), title[chosen].tolist(), differ[chosen].tolist(), swapped[chosen].tolist(),
            scope[chosen].tolist(), align[chosen].tolist(), strict=True,
        ):
            # A subject is a function of its normalised title, so finish() gives one result for equal inputs
            # (titles, scope texts, context, the bulk parts): a same-subject set of a national catalog asks the
            # same question thousands of times.
            scope_value = None if sc != sc else sc
            ctx = context(i, j)
            row_i, row_j = rows[i], rows[j]
            memo = (full[i], full[j], row_i, row_j, scope_value, id(ctx), al, s, b, t, d, w)
            result = scored.get(memo)
            if result is None:
                if row_i >= 0 and row_j >= 0:  # the texts, for the evidence of one differing word
                    ctx = Context(ctx.same_module, ctx.same_body, (texts[row_i], texts[row_j]))  # not replace(): 2× slower
                result = scored[memo] = finish(entries[i].subject, entries[j].subject, scope_value, weights,
                                               aligner if al else None, ctx, (s, b, t, d, w))
            if result.score >= min_score:
                found.append((keys[k], result))
        return found

    def _representative(self, members: list[int]) -> int:
        facts = self.entry_facts
        return min(members, key=lambda i: facts[i].rank)

    def _links(self, left: list[int], right: list[int]) -> Iterable[tuple[int, int]]:
        """Pairs between two member lists, reduced to representatives when they would exceed ``max_group``."""
        limit = self.config.max_group
        if len(left) * len(right) > limit:
            right = [self._representative(right)]
        if len(left) * len(right) > limit:
            left = [self._representative(left)]
        return ((i, j) for i in left for j in right)

    def _same_subject(self, groups: dict[str, list[int]]) -> None:
        total = len(groups)
        for done, members in enumerate(groups.values(), start=1):
            if done % 5000 == 0:
                self.progress("same subject", done, total)
            if len(members) < 2:
                continue
            if self.against is not None:
                local = [i for i in members if self.entries[i].side == 0]
                ref = [i for i in members if self.entries[i].side == 1]
                for i, j in self._links(local, ref):
                    self._consider(i, j, 1.0)
            elif len(members) <= SMALL_SET or (self.all_pairs and len(members) <= self.config.max_group):
                for x, i in enumerate(members):
                    for j in members[x + 1 :]:
                        self._consider(i, j, 1.0)
            elif self.all_pairs:
                rep = self._representative(members)
                for i in members:
                    self._consider(rep, i, 1.0)
            else:
                links = self._set_links(members)
                self.linking = True
                for i, j in links:
                    self._consider(i, j, 1.0)
                self.linking = False
                self.linked_cores.add(self.entries[members[0]].subject.core)
                if self.min_score <= self.detector.weights.subject_weight:
                    # one subject, same aspects: every pair scores ≥ subject_weight, so all n(n−1)/2 count
                    self.implied.append((self.entries[members[0]].record, len(members) * (len(members) - 1) // 2 - len(links)))
        self.progress("same subject", total, total)

    def _set_links(self, members: list[int]) -> set[tuple[int, int]]:
        """The pairs compared inside a large set of records with one subject: O(n), not n(n−1)/2.

        Records with the same title (region removed) form a chain behind their representative (upper tier
        first), and the representatives are compared with each other: that keeps the set connected through
        its strongest pairs. For the D rules each record is also compared with the records of its own tier
        and issuer (merge), and with the upper-tier records that cover it (adopt-upper), a few of each.
        """
        entries = self.entries
        facts = self.entry_facts
        ranked = sorted(members, key=lambda i: facts[i].rank)
        by_title: dict[str, list[int]] = defaultdict(list)
        by_issuer: dict[tuple[object, str | None], list[int]] = defaultdict(list)
        by_region: dict[str, list[int]] = defaultdict(list)
        national: list[int] = []
        for i in ranked:
            fact = facts[i]
            by_title[entries[i].subject.full].append(i)
            by_issuer[(fact.tier, fact.issuer)].append(i)
            if fact.tier in (Tier.NATIONAL, Tier.INDUSTRY):
                national.append(i)
            elif fact.region:
                by_region[fact.region].append(i)
        links: set[tuple[int, int]] = set()

        def link(i: int, j: int) -> None:
            if i != j:
                links.add((i, j) if i < j else (j, i))

        for same in (*by_title.values(), *by_issuer.values()):
            for x, i in enumerate(same):
                link(same[0], i)  # the representative, and the next one: each record gets two partners
                if x + 1 < len(same):
                    link(i, same[x + 1])
        heads = [same[0] for same in by_title.values()]
        for x, i in enumerate(heads[:MAX_HEADS]):
            for j in heads[x + 1 : MAX_HEADS]:
                link(i, j)
        for i in heads[MAX_HEADS:]:
            link(heads[0], i)
        for i in ranked:
            fi, title = facts[i], entries[i].subject.full
            region = fi.region or ""
            # the upper-tier records it is compared with: one per level, the same title first (the strongest)
            levels = [national] + [by_region.get(prefix, []) for prefix in {region[:2], region[:4]} - {region}]
            for level in levels:
                same = [j for j in level[:MAX_SCAN] if entries[j].subject.full == title]
                for j in (same or level)[:MAX_UPPER]:
                    if _upper_of(facts[j].tier, facts[j].region, fi.tier, fi.region):
                        link(i, j)
        return links

    def _similar_subjects(
        self, groups: dict[str, list[int]], subjects: list[Subject], sides: list[int], links: list[_Link]
    ) -> None:
        """Distinct subjects that MinHash LSH puts in one bucket and whose similarity can reach the threshold."""
        cores = list(groups)
        heads = [subjects[groups[core][0]] for core in cores]
        self.progress("minhash", 0, len(cores))
        matrix = signatures([h.grams for h in heads], self.config.num_perm)
        self.progress("minhash", len(cores), len(cores))
        pairs = candidate_pairs(matrix, *banding(self.config.candidate_jaccard, self.config.num_perm))
        if self.against is not None:
            local = np.array([any(sides[i] == 0 for i in groups[c]) for c in cores], dtype=bool)
            ref = np.array([any(sides[i] == 1 for i in groups[c]) for c in cores], dtype=bool)
            forward = pairs[local[pairs[:, 0]] & ref[pairs[:, 1]]]
            backward = pairs[local[pairs[:, 1]] & ref[pairs[:, 0]]][:, ::-1]
            pairs = np.concatenate([forward, backward])
        alphabet = GramAlphabet()
        encoded = [alphabet.encode(h.grams) for h in heads]
        weights = self.detector.weights
        cutoff = 100 * lowest_subject(self.min_score, weights)
        # all candidate pairs scored at once, in rapidfuzz's C code; only the survivors reach Python
        ratios = process.cpdist([encoded[x] for x in pairs[:, 0]], [encoded[y] for y in pairs[:, 1]],
                                scorer=fuzz.ratio, score_cutoff=cutoff, workers=-1) if len(pairs) else np.zeros(0)
        survivors = pairs[ratios >= cutoff]
        kept_ratios = ratios[ratios >= cutoff]
        self.progress("similar subjects", 0, len(survivors))
        for (x, y), ratio in zip(survivors.tolist(), kept_ratios.tolist(), strict=True):
            subject_a, subject_b = heads[x], heads[y]
            similarity = ratio / 100.0
            differ = subject_a.aspects != subject_b.aspects
            if best_possible(similarity, differ, weights) < self.min_score or best_possible(
                similarity, differ, weights, substituted(subject_a, subject_b)
            ) < self.min_score:
                continue
            links.append((cores[x], cores[y], similarity, False))
        self.progress("similar subjects", len(survivors), len(survivors))

    def _same_code(self) -> list[DuplicatePair]:
        pairs = []
        for key, all_records in self.catalog.by_code.items():
            if len(all_records) < 2:
                continue
            records = [r for r in all_records if self.only(r) and id(r) not in self.skipped]
            for x, first in enumerate(records):
                for second in records[x + 1 :]:
                    reason = Text(f"标准号 {key} 出现在 {first.rel} 和 {second.rel}", f"code {key} in {first.rel} and {second.rel}")
                    pairs.append(DuplicatePair(key, key, 1.0, DuplicateKind.SAME_CODE, reason, first, second))
        return pairs

    def _abolished_candidates(self) -> Iterator[tuple[Record, Record]]:
        """Each abolished record with each record of its own supersession chain, once a pair."""
        seen: set[frozenset[int]] = set()
        for record in self.catalog.records:
            if record.status is not Status.ABOLISHED or not self.only(record):
                continue
            for key in sorted(self.lineage.related(record.key)):
                for other in self.catalog.by_code.get(key, []):
                    if not self.only(other):
                        continue
                    marker = frozenset((id(record), id(other)))
                    if marker in seen:
                        continue
                    seen.add(marker)
                    yield record, other

    def _abolished(self) -> list[DuplicatePair]:
        """Abolished records, compared only with the records on their own supersession chain."""
        pairs: list[DuplicatePair] = []
        for record, other in self._abolished_candidates():
            if id(record) in self.skipped:
                continue
            subject, other_subject = self.detector.subject(record.title), self.detector.subject(other.title)
            result = score_pair(subject, other_subject, scope_text(record.standard.scope),
                                scope_text(other.standard.scope), self.detector.weights,
                                aligner=self.detector.aligner, context=_context(record, other))
            if result.score >= self.min_score:
                pairs.append(self._make(record, other, subject, other_subject, result))
        return pairs

    # -- classification --------------------------------------------------------------------------------
    def _make(self, ra: Record, rb: Record, sa: Subject, sb: Subject, result: PairScore) -> DuplicatePair:
        fa, fb = self._facts(ra), self._facts(rb)
        kind, first_upper = self._classify(fa, fb)
        if not first_upper and (kind is DuplicateKind.ADOPT_UPPER or fb.rank < fa.rank):
            ra, rb, sa, sb = rb, ra, sb, sa
        return DuplicatePair(ra.key, rb.key, result.score, kind, partial(_reason, sa, sb, result), ra, rb, result)

    def _facts(self, record: Record) -> _Facts:
        """What classification reads of a record, computed once per record (pairs outnumber records)."""
        found = self.facts.get(id(record))
        if found is None:
            found = self.facts[id(record)] = _Facts(
                record.key, record.tier, record.region, record.issuer_scope,
                self.rank_keys.get(id(record)) or _rank_key(record),
                self.chain.get(record.key),
            )
        return found

    def _classify(self, fa: _Facts, fb: _Facts) -> tuple[DuplicateKind, bool]:
        """The kind of a pair, and whether ``a`` is already the upper one (for adopt-upper)."""
        if fa.chain is not None and fa.chain == fb.chain:
            return DuplicateKind.SUPERSESSION, False
        if _upper_of(fa.tier, fa.region, fb.tier, fb.region):
            return DuplicateKind.ADOPT_UPPER, True
        if _upper_of(fb.tier, fb.region, fa.tier, fa.region):
            return DuplicateKind.ADOPT_UPPER, False
        if fa.tier == fb.tier and fa.issuer == fb.issuer:
            return DuplicateKind.MERGE, False
        return DuplicateKind.SIBLING, False


class _Facts(NamedTuple):
    key: str
    tier: Tier | None
    region: str | None
    issuer: str | None
    rank: tuple[int, int, str, str]
    chain: int | None


def _ends(pairs: Sequence[tuple[tuple[int, int], object]]) -> tuple[np.ndarray, np.ndarray]:
    """The two entry indices of each keyed pair ((i, j), value), as two arrays."""
    first = np.fromiter((key[0] for key, _ in pairs), dtype=np.int64, count=len(pairs))
    second = np.fromiter((key[1] for key, _ in pairs), dtype=np.int64, count=len(pairs))
    return first, second


def _context(a: Record, b: Record) -> Context:
    """Same module (or one inside the other) and same issuing or administering body; None where unknown."""
    return context_of(a.standard.module, b.standard.module, bodies(a), bodies(b))


def _upper(x: Record, y: Record) -> bool:
    """True when ``y`` should adopt ``x`` rather than re-make it."""
    return _upper_of(x.tier, x.region, y.tier, y.region)


@lru_cache(maxsize=65536)  # tiers × regions: few distinct arguments, millions of pairs
def _upper_of(tx: Tier | None, rx: str | None, ty: Tier | None, ry: str | None) -> bool:
    if tx is None or ty is None:
        return False
    if tx in (Tier.NATIONAL, Tier.INDUSTRY):
        return TIER_RANK[tx] < TIER_RANK[ty]
    if tx is not Tier.LOCAL or not rx or not ry or not region_contains(rx, ry):
        return False
    # A province's standard is upper to its cities'; any local standard is upper to the group, enterprise and
    # internal standards of its own region (a bureau's internal standard should cite its province's).
    return rx != ry if ty is Tier.LOCAL else TIER_RANK[tx] < TIER_RANK[ty]


def _gram_ratios(a: list[Subject], b: list[Subject]) -> np.ndarray:
    """Subject similarity of each pair: fuzz.ratio of the cores as bigram sequences, 0–1."""
    alphabet = GramAlphabet()
    return process.cpdist([alphabet.encode(x.grams) for x in a], [alphabet.encode(y.grams) for y in b],
                          scorer=fuzz.ratio, dtype=np.float64, workers=-1) / 100.0


def _title_ratios(a: list[Subject], b: list[Subject]) -> np.ndarray:
    """Similarity of each pair's normalised titles, 0–1."""
    return process.cpdist([x.full for x in a], [y.full for y in b], scorer=fuzz.ratio, dtype=np.float64,
                          workers=-1) / 100.0


def _common_lengths(a: list[Subject], b: list[Subject]) -> np.ndarray:
    """Length of the longest common subsequence of each pair's cores."""
    return process.cpdist([x.core for x in a], [y.core for y in b], scorer=LCSseq.similarity, dtype=np.int64,
                          workers=-1)


def by_scope_pair(scopes: ScopeIndex, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """:meth:`ScopeIndex.similarity` once per distinct pair of scope rows (-1: no scope)."""
    size = len(scopes.texts) + 1
    return by_unique_pair(left + 1, right + 1, size, lambda x, y: scopes.similarity(x - 1, y - 1))


_NOTE_LABELS = {
    "abbreviation": ("缩略", "abbreviation"),
    "cilin": ("同义词词林", "thesaurus"),
    "catalog": ("目录同义词", "catalog synonym"),
    "morpheme": ("共用语素的同类动词，适用范围只在此词上不同", "verbs sharing a morpheme; the scopes differ in this word only"),
    "copied-scope": ("标题只差此词，适用范围照抄未改", "the titles differ in this word only; the scope is copied"),
}


def _note_text(note: Note) -> tuple[str, str]:
    if note.kind == "order":
        return f"{note.word}≈{note.other}（词序不同）", f"{note.word}≈{note.other} (word order)"
    if note.kind == "qualifier":
        return f"「{note.word}」只是限定词", f"「{note.word}」 only qualifies the subject"
    zh, en = _NOTE_LABELS[note.kind]
    return f"{note.word}≈{note.other}（{zh}）", f"{note.word}≈{note.other} ({en})"


def _reason(a: Subject, b: Subject, result: PairScore) -> Text:
    """Which evidence carried the pair, in words: "标题主题相同：环保≈环境保护（缩略）；适用范围 92% 相同；同一归口单位"."""
    zh_parts: list[str] = []
    en_parts: list[str] = []
    texts = [_note_text(n) for n in result.notes]
    equated_zh, equated_en = "、".join(t[0] for t in texts), ", ".join(t[1] for t in texts)
    core_a, core_b = result.cores if result.cores != ("", "") else (a.core, b.core)
    if a.full == b.full:
        zh_parts.append("名称相同（已忽略地区名、标点、繁简和全半角）")
        en_parts.append("same title (ignoring region names, punctuation, script and width)")
    elif core_a == core_b and any(n.kind == "qualifier" for n in result.notes):
        zh_parts.append(f"标题主题相近：{equated_zh}")
        en_parts.append(f"nearly the same subject in the titles: {equated_en}")
    elif core_a == core_b and result.notes:
        zh_parts.append(f"标题主题相同：{equated_zh}")
        en_parts.append(f"same subject in the titles: {equated_en}")
    elif core_a == core_b:
        zh_parts.append(f"主题相同「{core_a}」，名称只在通用词、机关范围词或地区名上不同")
        en_parts.append(f"same subject 「{core_a}」; the titles differ only in generic, organisational or region words")
    else:
        zh_parts.append(f"主题相近「{a.core}」≈「{b.core}」（主题相似度 {result.subject:.2f}）")
        en_parts.append(f"similar subjects 「{a.core}」≈「{b.core}」 (subject similarity {result.subject:.2f})")
        if result.notes:
            zh_parts.append(equated_zh)
            en_parts.append(equated_en)
        if result.carried_by_scope and not result.substituted:
            zh_parts.append("一方只多出限定词")
            en_parts.append("one title only adds a qualifier")
    if result.scope is not None:
        percent = int(result.scope * 100)
        if result.scope < 0.5:  # said, so that a reader does not take the scopes for evidence
            zh_parts.append(f"适用范围只有 {percent}% 相同")
            en_parts.append(f"scopes only {percent}% alike")
        else:
            zh_parts.append(f"适用范围 {percent}% 相同" + ("（据此认定）" if result.carried_by_scope else ""))
            en_parts.append(f"scopes {percent}% alike" + (" (decisive)" if result.carried_by_scope else ""))
    if result.same_body:
        zh_parts.append("同一发布或归口单位")
        en_parts.append("same issuing or administering body")
    if result.same_module:
        zh_parts.append("同一体系模块")
        en_parts.append("same module")
    return Text("；".join(zh_parts), "; ".join(en_parts))


def find_duplicates(
    catalog: Catalog,
    config: DuplicatesSection | None = None,
    against: Catalog | None = None,
    *,
    lineage: Lineage | None = None,
    min_score: float | None = None,
    progress: Progress | None = None,
) -> list[DuplicatePair]:
    """Similar pairs of standards in ``catalog`` (or between ``catalog`` and ``against``), strongest first.

    ``config`` defaults to the catalog's ``[duplicates]`` section; ``min_score`` overrides its threshold.
    Supersession pairs are included with ``kind == "supersession"`` (``is_duplicate`` is False); pairs that a
    record declares ``distinct_from`` are left out.
    """
    with without_cycle_collection():  # the word lists and thesaurus are many small objects too
        detector = DuplicateDetector(config or catalog.config.duplicates)
        return detector.find(catalog, against, lineage=lineage, min_score=min_score, progress=progress)


def find_groups(
    catalog: Catalog,
    config: DuplicatesSection | None = None,
    against: Catalog | None = None,
    *,
    lineage: Lineage | None = None,
    min_score: float | None = None,
    progress: Progress | None = None,
    all_pairs: bool = False,
    only: Callable[[Record], bool] | None = None,
    reuse: Reuse | None = None,
    components: bool = False,
    learned: Learned | None = None,
) -> DuplicateGroups:
    """Groups of likely duplicates in ``catalog`` (or across ``catalog`` and ``against``), strongest first.

    What `gbstd dupes`, the D rules and the bulletin report. Each group keeps its members and a spanning set of
    its strongest pairs (at most n − 1 for n members); ``all_pairs`` keeps every pair (quadratic in a group).
    ``reuse`` and ``components``: see :meth:`DuplicateDetector.groups` (incremental lint); ``learned``: see
    :class:`DuplicateDetector` (it is brought up to date with this run).
    """
    with without_cycle_collection():  # the word lists and thesaurus are many small objects too
        detector = DuplicateDetector(config or catalog.config.duplicates, learned)
        groups = detector.groups(catalog, against, lineage=lineage, min_score=min_score, progress=progress,
                                 all_pairs=all_pairs, only=only, reuse=reuse, components=components)
        detector.learn(catalog)
        return groups


def fingerprint(catalog: Catalog, config: DuplicatesSection | None = None) -> str:
    """A hash of everything duplicate detection (and so the D rules) reads: each record's path, code, tier, title,
    scope, status, region, module, issuing and administering bodies, supersession links, references,
    adopts/refines (what "cited" means) and ``distinct_from`` (:func:`record_inputs`), and the ``[duplicates]``
    settings. Equal fingerprints mean equal groups and equal D findings, so a cache can key them on it."""
    digest = hashlib.sha256((config or catalog.config.duplicates).model_dump_json().encode())
    for record in sorted(catalog.records, key=lambda r: r.rel):
        digest.update(record_inputs(record).encode("utf-8", "surrogatepass") + b"\x1e")
    return digest.hexdigest()


def describe_region(record: Record) -> str:
    """A readable region for tables: 河南省洛阳市, or the empty string."""
    return region_name(record.region) if record.region else ""
