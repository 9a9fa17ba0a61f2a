"""Duplicate detection at national scale (issue 15): the fast paths give exactly the results of the plain ones."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from gbstd.catalog.loader import load_catalog
from gbstd.similarity import DuplicateDetector, find_groups
from gbstd.similarity.candidates import banding
from gbstd.similarity.features import by_unique_pair
from gbstd.similarity.groups import GroupBuilder
from gbstd.similarity.pairs import ScoredBatch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from generate import generate_sibling_catalog


@pytest.fixture(scope="module")
def siblings(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("siblings")
    generate_sibling_catalog(root, 800, seed=5)
    return root


def _json(groups: list) -> list:
    return [g.to_json(n) for n, g in enumerate(groups, start=1)]


@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.8, 0.9])
@pytest.mark.parametrize("num_perm", [32, 128])
def test_banding_is_datasketchs(threshold: float, num_perm: int) -> None:
    lsh = pytest.importorskip("datasketch.lsh")
    assert banding(threshold, num_perm) == lsh._optimal_param(threshold, num_perm, 0.5, 0.5)


def test_by_unique_pair_spreads_each_distinct_value() -> None:
    left, right = np.array([0, 1, 0, 2, 1]), np.array([1, 1, 1, 0, 1])
    calls: list[int] = []

    def compute(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        calls.append(len(x))
        return x * 10 + y

    assert by_unique_pair(left, right, 3, compute).tolist() == [1, 11, 1, 20, 11]
    assert calls == [3]  # (0,1), (1,1), (2,0) once each


def test_groups_from_batches_equal_groups_from_every_pair(siblings: Path) -> None:
    """The builder fed scored batches (pairs made only when kept) gives what it gives fed every pair made."""
    catalog = load_catalog(siblings)
    fast = find_groups(catalog)
    builder = GroupBuilder()
    implied: list = []
    for batch in DuplicateDetector(catalog.config.duplicates).iter_pairs(catalog, all_pairs=False, implied=implied):
        builder.add(batch)
    for record, count in implied:
        builder.add_implied(record, count)
    plain = builder.finish()
    assert fast.groups and _json(fast.groups) == _json(plain.groups)
    assert {k: [p.to_json() for p in v.pairs] + [v.count] for k, v in fast.partners.items()} == \
        {k: [p.to_json() for p in v.pairs] + [v.count] for k, v in plain.partners.items()}


def test_a_batch_makes_only_the_pairs_a_group_keeps(siblings: Path) -> None:
    catalog = load_catalog(siblings)
    pairs = [p for batch in DuplicateDetector(catalog.config.duplicates).iter_pairs(catalog, all_pairs=True)
             for p in batch]
    made: list[int] = []

    def make(k: int):
        made.append(k)
        return pairs[k]

    builder = GroupBuilder()
    builder.add_batch(ScoredBatch([p.score for p in pairs], [p.a_record for p in pairs],
                                  [p.b_record for p in pairs], [p.kind for p in pairs], make))
    groups = builder.finish()
    assert len(set(made)) == len(made)  # each pair made at most once
    kept = {id(p) for g in groups.groups for p in g.pairs} | {id(p) for v in groups.partners.values() for p in v.pairs}
    made_ids = {id(pairs[k]) for k in made}
    # every kept pair was made, and few besides (a partner displaced by an equal one of a higher-ranked record)
    assert kept | {id(p) for p in groups.extra} <= made_ids
    assert len(made) < len(pairs)


def test_the_cycle_collector_is_paused_for_a_run_and_resumed_after(siblings: Path) -> None:
    import gc

    from gbstd.gcpause import without_cycle_collection

    seen: list[bool] = []
    catalog = load_catalog(siblings)
    assert gc.isenabled()
    find_groups(catalog, progress=lambda stage, done, total: seen.append(gc.isenabled()))
    assert seen and not any(seen) and gc.isenabled()
    with pytest.raises(RuntimeError), without_cycle_collection():
        raise RuntimeError
    assert gc.isenabled()  # resumed however the run ends
    gc.disable()
    try:
        with without_cycle_collection():
            pass
        assert not gc.isenabled()  # not turned on when it was off
    finally:
        gc.enable()


SAMPLE = Path(__file__).resolve().parents[1] / "standards"


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("flat", [False, True])
def test_json_is_what_the_standard_library_writes(lang: str, flat: bool) -> None:
    """The report is written with orjson; it must be byte for byte json.dumps(ensure_ascii=False, indent=2)."""
    import io
    import json

    from gbstd.reporters.dupes import _rows, write_json

    catalog = load_catalog(SAMPLE)
    found = find_groups(catalog, all_pairs=True)
    assert found.groups and found.extra  # groups and supersession pairs: every kind of item
    out = io.StringIO()
    write_json(found.groups, found.extra, lang, out, flat)  # type: ignore[arg-type]
    if flat:
        items = _rows(found.groups, found.extra, lang)  # type: ignore[arg-type]
    else:
        items = [g.to_json(n, lang) for n, g in enumerate(found.groups, start=1)] + [
            {"group": None, "kind": p.kind.value, "score": p.score, "size": 2, "pair_count": 1, "members": [p.a, p.b],
             "pairs": [p.to_json(lang)]} for p in found.extra]  # type: ignore[arg-type]
    expected = "[" + ",".join("\n  " + json.dumps(i, ensure_ascii=False, indent=2).replace("\n", "\n  ")
                              for i in items) + "\n]\n"
    assert out.getvalue() == expected
    assert json.loads(out.getvalue()) == json.loads(expected)


def test_dupes_runs_without_the_cycle_collector_and_collects_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    from typer.testing import CliRunner

    from gbstd.cli.app import app

    calls: list[bool] = []
    real_collect = gc.collect
    monkeypatch.setattr(gc, "collect", lambda *args: calls.append(gc.isenabled()) or real_collect(*args))
    assert gc.isenabled()
    result = CliRunner().invoke(app, ["dupes", str(SAMPLE), "-f", "json"])
    assert result.exit_code == 0, result.output
    assert calls == [False] and gc.isenabled()  # one collection, after loading; the collector back on after
    result = CliRunner().invoke(app, ["dupes", str(SAMPLE / "no-such-dir")])
    assert result.exit_code == 2 and gc.isenabled()  # back on when the command fails too


def test_the_partner_named_does_not_depend_on_the_order_pairs_arrive_in(siblings: Path) -> None:
    """Equal scores are ordered by the partner's rank, not by arrival: the files read in another order (a
    federation reads member by member) name the same partners."""
    catalog = load_catalog(siblings)
    pairs = [p for batch in DuplicateDetector(catalog.config.duplicates).iter_pairs(catalog, all_pairs=True)
             for p in batch]

    def partners(ordered: list) -> dict:
        builder = GroupBuilder()
        builder.add(ordered)
        found = builder.finish().partners
        by_id = {id(r): r.rel for r in catalog.records}
        return {(by_id[k[0]], k[1]): sorted({p.a_record.rel, p.b_record.rel} - {by_id[k[0]]} for p in v.pairs)
                for k, v in found.items()}

    forward = partners(pairs)
    assert any(len(v) > 1 for v in forward.values())  # ties to decide
    assert partners(pairs[::-1]) == forward


def test_groups_and_partners_do_not_depend_on_the_order_records_were_read_in(siblings: Path) -> None:
    """A federation reads member by member: the same records in another order give the same groups, the same
    pairs and the same partner per record (D001–D003 name them)."""

    def described(reverse: bool) -> tuple[list, dict]:
        catalog = load_catalog(siblings)
        if reverse:
            catalog.records.reverse()
        found = find_groups(catalog)
        rel = {id(r): r.rel for r in catalog.records}
        partners = {(rel[k[0]], k[1]): [sorted((p.a_record.rel, p.b_record.rel)) for p in v.pairs] + [v.count]
                    for k, v in found.partners.items()}
        return _json(found.groups), partners

    assert described(False) == described(True)


def test_a_document_pasted_as_a_title_is_not_tried_word_by_word(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A title of 20 000 characters (a document pasted into the web editor's field) made lint quadratic: each of
    its word runs and words was tried by joining the whole title anew (17 s; 100 000 characters, eight
    minutes, and every page of the record waited for it). Such a subject is not tried run by run or word by
    word: it adds no abbreviation or kinship tries to those of the catalog without it."""
    import shutil

    from gbstd.similarity import duplicates, kinship

    root = tmp_path / "standards"
    shutil.copytree(Path(__file__).resolve().parents[1] / "standards", root,
                    ignore=shutil.ignore_patterns(".gbstd-cache"))
    tries: list[str] = []
    real_short, real_keys = duplicates.short_forms, kinship.Kin.keys
    monkeypatch.setattr(duplicates, "short_forms", lambda run: tries.append("run") or real_short(run))
    monkeypatch.setattr(kinship.Kin, "keys", lambda self, word: tries.append("word") or real_keys(self, word))
    find_groups(load_catalog(root))
    before = len(tries)
    record = root / "records/local/DB1411-T-62-2023.yaml"
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("title: 机关公务用车服务规范", "title: " + "机关公务用车服务规范" * 2000, 1),
                      encoding="utf-8")
    tries.clear()
    find_groups(load_catalog(root))
    assert len(tries) <= before
