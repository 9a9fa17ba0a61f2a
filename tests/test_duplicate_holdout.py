"""The held-out labelled pairs of issue 14 (tests/data/duplicate_pairs_holdout.yaml): shape, balance and independence.

The file exists to measure the duplicate detector on wording nobody tuned on, so these tests check only the data —
every side can be built as a catalog record of the sample system, the counts the brief asks for hold, no pair or
title comes from the development or evaluation parts — and pin its content hash. They never run the detector:
its figure on this set is measured once, deliberately, not on every test run.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from gbstd.catalog.loader import record_from_data
from gbstd.model.code import Tier
from gbstd.model.config import Config
from gbstd.model.regions import CITIES, PROVINCES

DATA = Path(__file__).resolve().parent / "data"
HOLDOUT = DATA / "duplicate_pairs_holdout.yaml"
OTHER_PARTS = (DATA / "duplicate_pairs_dev.yaml", DATA / "duplicate_pairs_eval.yaml")
SYSTEM = Path(__file__).resolve().parents[1] / "standards" / "system.yaml"

# Pinned so that any edit to the held-out set shows in review: change it only with a reason in the commit.
HOLDOUT_SHA256 = "1b883faf3bace1cac6f7275240d47b53c4742743cc980ea68a2f6a7b9e99142b"

# The kinds of the development and evaluation parts, plus the ones this set adds (see the file's header).
DUPLICATE_KINDS = {"abbreviation", "synonym", "qualifier", "prefix", "order", "traditional", "near",
                   "cross-tier", "combined", "punctuation"}
LOOK_ALIKE_KINDS = {"aspect", "subject", "boilerplate-scope", "aspect-scope", "series-part", "meta"}
SCOPE_RELATIONS = {"same", "same-traditional", "light-rewording", "own-wording", "reworded", "independent",
                   "shared-boilerplate", "aspect-word-swapped"}
IDENTICAL_SCOPES = {"same", "same-traditional"}
PAIR_FIELDS = ["id", "kind", "duplicate", "scopes", "a", "b"]
SIDE_FIELDS = ["title", "tier", "region", "module", "issuer", "administering_body", "scope"]
NATIONAL_ISSUERS = ["国家市场监督管理总局", "国家标准化管理委员会"]


@cache
def _load(path: Path) -> dict[str, Any]:
    data = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), path
    return data


def _pairs(path: Path = HOLDOUT) -> list[dict[str, Any]]:
    pairs = _load(path).get("pairs")
    assert isinstance(pairs, list), path
    return list(pairs)


def _sides() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for pair in _pairs():
        yield pair["id"], "a", pair["a"]
        yield pair["id"], "b", pair["b"]


def _module_ids() -> set[str]:
    """Every module id of the sample system, nested ones included."""
    found: set[str] = set()

    def visit(modules: list[dict[str, Any]]) -> None:
        for module in modules:
            found.add(str(module["id"]))
            visit(module.get("modules") or [])

    visit(_load(SYSTEM)["modules"])
    return found


def _title_pair(pair: dict[str, Any]) -> frozenset[str]:
    return frozenset((pair["a"]["title"], pair["b"]["title"]))


def test_the_holdout_set_is_pinned() -> None:
    assert hashlib.sha256(HOLDOUT.read_bytes()).hexdigest() == HOLDOUT_SHA256


def test_pairs_have_the_fields_of_the_other_parts() -> None:
    for pair in _pairs():
        assert list(pair) == PAIR_FIELDS, pair.get("id")
        for side in (pair["a"], pair["b"]):
            assert list(side) == SIDE_FIELDS, pair["id"]
    # the same fields, in the same order, as the evaluation part (whose first pair stands for its format)
    first = _pairs(OTHER_PARTS[1])[0]
    assert list(first) == PAIR_FIELDS and list(first["a"]) == SIDE_FIELDS


def test_ids_are_unique_and_numbered() -> None:
    ids = [pair["id"] for pair in _pairs()]
    assert ids == [f"h{n:03d}" for n in range(1, len(ids) + 1)]


def test_labels_follow_the_kinds() -> None:
    for pair in _pairs():
        assert pair["kind"] in DUPLICATE_KINDS | LOOK_ALIKE_KINDS, pair["id"]
        assert pair["duplicate"] is (pair["kind"] in DUPLICATE_KINDS), pair["id"]
        assert pair["scopes"] in SCOPE_RELATIONS, pair["id"]
        a, b = pair["a"], pair["b"]
        if pair["scopes"] == "same":
            assert a["scope"] == b["scope"], pair["id"]
        else:
            assert a["scope"] != b["scope"], pair["id"]
        # two sides are two standards: another title, or the same title in another region or tier
        assert (a["title"], a["tier"], a["region"]) != (b["title"], b["tier"], b["region"]), pair["id"]


def test_counts_and_balance() -> None:
    pairs = _pairs()
    assert len(pairs) >= 180
    duplicates = [pair for pair in pairs if pair["duplicate"]]
    look_alikes = len(pairs) - len(duplicates)
    assert look_alikes / len(pairs) >= 0.4
    # copies are mostly made by copying the scope too: at least 40 % of the duplicates keep it word for word
    identical = sum(pair["scopes"] in IDENTICAL_SCOPES for pair in duplicates)
    assert identical / len(duplicates) >= 0.4
    kinds = Counter(pair["kind"] for pair in pairs)
    assert set(kinds) == DUPLICATE_KINDS | LOOK_ALIKE_KINDS
    assert min(kinds.values()) >= 5


def test_every_kind_of_the_other_parts_is_represented() -> None:
    theirs = {pair["kind"] for path in OTHER_PARTS for pair in _pairs(path)}
    assert theirs <= {pair["kind"] for pair in _pairs()}


def test_the_header_states_the_counts() -> None:
    """The first comment line gives the totals: it must not drift from the pairs below it."""
    first = HOLDOUT.read_text(encoding="utf-8").splitlines()[0]
    found = re.search(r"(\d+) pairs, (\d+) duplicates, (\d+) look-alikes \((\d+) %\)", first)
    assert found, first
    pairs = _pairs()
    duplicates = sum(pair["duplicate"] for pair in pairs)
    look_alikes = len(pairs) - duplicates
    assert [int(n) for n in found.groups()] == [
        len(pairs), duplicates, look_alikes, round(100 * look_alikes / len(pairs))]


def test_nothing_is_taken_from_the_development_or_evaluation_parts() -> None:
    theirs = [pair for path in OTHER_PARTS for pair in _pairs(path)]
    their_pairs = {_title_pair(pair) for pair in theirs}
    their_titles = {pair[side]["title"] for pair in theirs for side in "ab"}
    their_scopes = {pair[side]["scope"] for pair in theirs for side in "ab"} - {None}
    ours = [_title_pair(pair) for pair in _pairs()]
    assert len(ours) == len(set(ours)), "a pair of titles is in the held-out set twice"
    assert not [pair for pair in ours if pair in their_pairs]
    for pair_id, name, side in _sides():
        assert side["title"] not in their_titles, (pair_id, name)
        assert side["scope"] not in their_scopes, (pair_id, name)


@pytest.mark.parametrize("number", range(2))  # the two halves, so a failure names fewer sides at once
def test_every_side_is_a_valid_record_of_the_sample_system(number: int) -> None:
    modules = _module_ids()
    config = Config()
    sides = list(_sides())
    for index, (pair_id, name, side) in enumerate(sides[number::2]):
        assert side["module"] in modules, (pair_id, side["module"])
        assert isinstance(side["title"], str) and side["title"].strip(), pair_id
        assert side["scope"].startswith(("本文件", "本标准", "本標準")) and side["scope"].endswith("。"), pair_id
        tier = Tier(side["tier"])
        region = side["region"]
        if tier is Tier.NATIONAL:
            assert region is None, pair_id
            assert side["issuer"] == NATIONAL_ISSUERS and side["administering_body"] == "国家机关事务管理局", pair_id
            code = f"GB/T {50000 + index}-2025"
        else:
            assert tier is Tier.LOCAL, pair_id
            # a real GB/T 2260 province or prefecture-level city, whose bodies issue and administer the standard
            assert region in PROVINCES or region in CITIES, (pair_id, region)
            place = PROVINCES[region] if len(region) == 2 else CITIES[region]
            assert side["issuer"] == [f"{place}市场监督管理局"], pair_id
            assert side["administering_body"] == f"{place}机关事务管理局", pair_id
            code = f"DB{region}/T {1000 + index}-2025"
        data = {"code": code, "status": "现行", **{key: side[key] for key in SIDE_FIELDS if side[key] is not None}}
        standard, parsed, problems = record_from_data(data, f"{pair_id}-{name}.yaml", config)
        assert standard is not None and parsed is not None and not problems, (pair_id, name, problems)
        assert parsed.tier is tier, pair_id
        assert standard.region == parsed.region == region, pair_id
