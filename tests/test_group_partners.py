"""A record's strongest partners (``Partner``: what the D rules name) are the two strongest pairs of its kind, ties
of score broken by the partner's rank — whatever order and batches the pairs arrive in."""

from __future__ import annotations

import itertools
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gbstd.catalog.loader import load_catalog
from gbstd.similarity import DuplicateDetector, DuplicateKind, DuplicatePair
from gbstd.similarity.groups import KEEP_PARTNERS, GroupBuilder, other, rank_key

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from generate import generate_sibling_catalog


@pytest.fixture(scope="module")
def pairs(tmp_path_factory: pytest.TempPathFactory) -> list[DuplicatePair]:
    root = tmp_path_factory.mktemp("siblings")
    generate_sibling_catalog(root, 300, seed=11)
    catalog = load_catalog(root)
    found = [p for batch in DuplicateDetector(catalog.config.duplicates).iter_pairs(catalog, all_pairs=True)
             for p in batch if p.kind is not DuplicateKind.SUPERSESSION]
    assert len({p.score for p in found}) < len(found) / 4  # many ties: the ranks decide
    return found


def _expected(pairs: list[DuplicatePair]) -> dict[tuple[int, DuplicateKind], tuple[list[int], int]]:
    """Brute force: per (record, kind), the ids of the strongest pairs (score, then the partner's rank) and the count."""
    seen: dict[tuple[int, DuplicateKind], list[DuplicatePair]] = defaultdict(list)
    for pair in pairs:
        holders = (pair.b_record,) if pair.kind is DuplicateKind.ADOPT_UPPER else (pair.a_record, pair.b_record)
        for record in holders:
            seen[(id(record), pair.kind)].append(pair)
    out = {}
    for (ident, kind), held in seen.items():
        record = held[0].b_record if id(held[0].b_record) == ident else held[0].a_record
        best = sorted(held, key=lambda p: (-p.score, rank_key(other(p, record))))[:KEEP_PARTNERS]
        out[(ident, kind)] = ([id(p) for p in best], len(held))
    return out


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), cuts=st.lists(st.floats(0, 1), max_size=4))
def test_partners_are_the_strongest_whatever_the_order(pairs: list[DuplicatePair], seed: int, cuts: list[float]) -> None:
    stream = list(pairs)
    random.Random(seed).shuffle(stream)
    bounds = sorted({0, len(stream), *(int(c * len(stream)) for c in cuts)})
    builder = GroupBuilder()
    for start, end in itertools.pairwise(bounds):
        builder.add(stream[start:end])
    got = {key: ([id(p) for p in partner.pairs], partner.count) for key, partner in builder.finish().partners.items()}
    assert got == _expected(pairs)


def _plain(batches: list[list[DuplicatePair]]) -> tuple[dict[frozenset[int], set[int]], dict[frozenset[int], Counter]]:
    """The plain way, pair by pair: per group (its members' ids), the ids of its spanning pairs (each batch
    strongest first, stable; a pair kept when it joins two sets) and the count of its pairs by kind."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    spanning: list[DuplicatePair] = []
    for batch in batches:
        for pair in sorted(batch, key=lambda p: -p.score):
            ra, rb = find(id(pair.a_record)), find(id(pair.b_record))
            if ra != rb:
                parent[rb] = ra
                spanning.append(pair)
    members: dict[int, set[int]] = defaultdict(set)
    for ident in parent:
        members[find(ident)].add(ident)
    group = {root: frozenset(ids) for root, ids in members.items()}
    kept: dict[frozenset[int], set[int]] = defaultdict(set)
    kinds: dict[frozenset[int], Counter] = defaultdict(Counter)
    for pair in spanning:
        kept[group[find(id(pair.a_record))]].add(id(pair))
    for pair in itertools.chain.from_iterable(batches):
        kinds[group[find(id(pair.a_record))]][pair.kind] += 1
    return kept, kinds


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), cuts=st.lists(st.floats(0, 1), max_size=4), known=st.floats(0, 1))
def test_integer_ranks_choose_as_the_plain_way(pairs: list[DuplicatePair], seed: int, cuts: list[float],
                                               known: float) -> None:
    """With ranks given up front (``know_ranks``: all records, or some — the rest ranked per batch), partners,
    counts, kinds and spanning pairs are those of the plain pair-by-pair way."""
    rng = random.Random(seed)
    stream = list(pairs)
    rng.shuffle(stream)
    bounds = sorted({0, len(stream), *(int(c * len(stream)) for c in cuts)})
    batches = [stream[start:end] for start, end in itertools.pairwise(bounds)]
    records = list({id(r): r for p in pairs for r in (p.a_record, p.b_record)}.values())
    rng.shuffle(records)  # know_ranks does not rely on the order it is given
    records = records[: int(known * len(records))] if known < 0.9 else records
    builder = GroupBuilder()
    builder.know_ranks(records, [rank_key(r) for r in records])
    for batch in batches:
        builder.add(batch)
    found = builder.finish()
    got = {key: ([id(p) for p in partner.pairs], partner.count) for key, partner in found.partners.items()}
    assert got == _expected(pairs)
    kept, kinds = _plain(batches)
    for group in found.groups:
        ids = frozenset(id(r) for r in group.members)
        assert {id(p) for p in group.pairs} == kept[ids]
        assert group.kinds == kinds[ids] and group.pair_count == sum(kinds[ids].values())
    assert sum(len(g.members) for g in found.groups) == len({id(r) for p in pairs for r in (p.a_record, p.b_record)})


def test_equal_ranks_fall_to_the_stream_order(pairs: list[DuplicatePair]) -> None:
    """Two partners of equal score and equal rank: the one seen first is kept first, with ranks given or not."""
    by_holder: dict[tuple[int, DuplicateKind], list[DuplicatePair]] = defaultdict(list)
    for pair in pairs:
        if pair.kind is not DuplicateKind.ADOPT_UPPER:
            by_holder[(id(pair.a_record), pair.kind)].append(pair)
    held = next(v for v in by_holder.values() if len(v) >= 3 and len({p.score for p in v}) == 1)
    holder = held[0].a_record
    partners = [other(p, holder) for p in held]
    for give in (False, True):
        builder = GroupBuilder()
        if give:  # every partner the same rank
            builder.know_ranks([holder, *partners], [rank_key(holder)] + [(0, 0, "", "")] * len(partners))
        else:
            for record in partners:
                builder._ranks[id(record)] = (0, 0, "", "")
        builder.add(held)
        assert [id(p) for p in builder.finish().partners[(id(holder), held[0].kind)].pairs] == \
            [id(p) for p in held[:KEEP_PARTNERS]]
