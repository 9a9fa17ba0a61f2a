"""``_Run._batch`` classifies, orients and filters a whole batch on arrays; it must give what the plain way, pair by
pair, gives: the same scores, records, kinds and pairs, in the same order."""

from __future__ import annotations

import random
import sys
from functools import partial
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gbstd.catalog.catalog import Catalog
from gbstd.catalog.loader import load_catalog
from gbstd.catalog.references import cites
from gbstd.similarity import DuplicateDetector, DuplicateKind
from gbstd.similarity.duplicates import _reason, _Run
from gbstd.similarity.pairs import DuplicatePair, ScoredBatch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from generate import generate_sibling_catalog

SAMPLE = Path(__file__).resolve().parents[1] / "standards"


def _plain(run: _Run, found: list) -> ScoredBatch:
    """The pair-by-pair way (as before the arrays)."""
    entries, facts, accepted = run.entries, run.entry_facts, run.accepted
    scores, firsts, seconds, kinds, results = [], [], [], [], []
    for (i, j), result in found:
        fi, fj = facts[i], facts[j]
        if fi.chain is not None and fi.chain == fj.chain:
            kind, first_upper = DuplicateKind.SUPERSESSION, False
        else:
            kind, first_upper = run._classify(fi, fj)
        if not first_upper and (kind is DuplicateKind.ADOPT_UPPER or fj.rank < fi.rank):
            i, j, fi, fj = j, i, fj, fi
        if accepted and fi.key != fj.key and frozenset((fi.key, fj.key)) in accepted:
            continue
        if kind is DuplicateKind.ADOPT_UPPER:
            lower = entries[j].record.standard
            if (lower.references or lower.adopts or lower.refines) and cites(lower, fi.key):
                continue
        scores.append(result.score)
        firsts.append(i)
        seconds.append(j)
        kinds.append(kind)
        results.append(result)

    def make(k: int) -> DuplicatePair:
        a, b = entries[firsts[k]], entries[seconds[k]]
        return DuplicatePair(a.key, b.key, results[k].score, kinds[k], partial(_reason, a.subject, b.subject, results[k]),
                             a.record, b.record, results[k])

    return ScoredBatch(scores, [entries[i].record for i in firsts], [entries[j].record for j in seconds], kinds, make)


def _compare(catalog: Catalog, against: Catalog | None, rng: random.Random, distinct: float) -> int:
    """Run detection with each batch checked against the plain way; some pairs declared distinct at random."""
    run = DuplicateDetector(catalog.config.duplicates)._run(catalog, against, None, None, None, None, None)
    batch, checked = run._batch, 0

    def both(found: list) -> ScoredBatch:
        nonlocal checked
        if distinct and found:  # declare some scored pairs distinct (what distinct_from does)
            run.accepted = run.accepted | {frozenset((run.entries[i].key, run.entries[j].key))
                                           for (i, j), _ in found if rng.random() < distinct}
        fast, plain = batch(found), _plain(run, found)
        assert list(fast.scores) == plain.scores and fast.kinds == plain.kinds
        assert [id(r) for r in fast.a_records] == [id(r) for r in plain.a_records]
        assert [id(r) for r in fast.b_records] == [id(r) for r in plain.b_records]
        assert [p.to_json() for p in fast.pairs()] == [p.to_json() for p in plain.pairs()]
        checked += len(found)
        return fast

    run._batch = both  # type: ignore[method-assign]
    for _ in run.batches(all_pairs=True, size=997):
        pass
    return checked


@pytest.fixture(scope="module")
def siblings(tmp_path_factory: pytest.TempPathFactory) -> tuple[Catalog, Catalog]:
    root = tmp_path_factory.mktemp("siblings")
    generate_sibling_catalog(root / "a", 400, seed=5)
    generate_sibling_catalog(root / "b", 200, seed=6)
    return load_catalog(root / "a"), load_catalog(root / "b")


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), distinct=st.sampled_from([0.0, 0.05, 0.5]), against=st.booleans())
def test_batch_arrays_as_the_plain_way(siblings: tuple[Catalog, Catalog], seed: int, distinct: float,
                                       against: bool) -> None:
    catalog, other = siblings
    assert _compare(catalog, other if against else None, random.Random(seed), distinct) > 0


def test_batch_arrays_on_the_sample() -> None:
    # the sample has supersession chains, adopt-upper pairs and references: every branch of the kinds
    catalog = load_catalog(SAMPLE)
    assert _compare(catalog, None, random.Random(0), 0.0) > 0
