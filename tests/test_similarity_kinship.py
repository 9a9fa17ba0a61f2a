"""Titles one word apart (issue 14): kinship of the two words, what the scopes say about the word, the qualifier
that modifies a generic word, short forms that keep a head morpheme — each with a pair it must join and a
look-alike it must not."""

from __future__ import annotations

from pathlib import Path

import pytest

from gbstd.catalog.loader import load_catalog
from gbstd.similarity import DuplicateDetector, find_duplicates
from gbstd.similarity import vocabulary as vocab
from gbstd.similarity.abbreviation import short_forms
from gbstd.similarity.kinship import Kin, kindred, substitution
from gbstd.similarity.normalise import scope_text
from gbstd.similarity.scope import word_swap
from gbstd.similarity.scoring import Context, score_pair
from gbstd.similarity.segment import is_modifier, is_verb
from gbstd.similarity.subject import strip_regions
from gbstd.similarity.thesaurus import Thesaurus, cilin_codes
from tests.conftest import CatalogFactory, record

# A scope written from its own title (each standard's scope names its own word), and one region's copy.
OWN = "本文件规定了机关{x}管理的总体要求、职责分工、管理内容与要求、监督检查。本文件适用于机关{x}管理工作。"
# The n271 trap: the frame itself names an aspect word (考核改进).
FRAME_WITH_ASPECT = "本标准规定了机关物业服务{x}的管理原则、组织与职责、管理要求和考核改进。本标准适用于机关物业服务{x}的管理。"


@pytest.fixture(scope="module")
def kin() -> Kin:
    return Kin(Thesaurus({}, vocab.ASPECT_WORDS))


@pytest.mark.parametrize(("a", "b"), [("考核", "考评"), ("巡查", "巡检"), ("维修", "修缮"), ("监督", "监管")])
def test_kin_words(kin: Kin, a: str, b: str) -> None:
    assert kin.relate(a, b).kind == "morpheme" and not kin.relate(a, b).contrast
    assert kin.relate(b, a) == kin.relate(a, b)


@pytest.mark.parametrize(
    ("a", "b", "contrast"),
    [
        ("购置", "维修", True),  # two listed aspects, not kin
        ("配置", "处置", True),  # a shared last character: two kinds of 置
        ("预算", "决算", True),  # Cilin's "#" siblings, one of them an aspect
        ("节能", "节水", True),  # a verb with another object: Cilin's classes differ (E / H)
        ("调度", "调剂", True),  # 调度 stands alone in Cilin (@)
        ("监督", "监测", True),  # two aspects that Cilin files in different classes (Hc / Hd)
        ("用车", "用房", False),  # nouns sharing a character are kinds of things, not kin
        ("资产", "资源", False),
        ("评价", "评估", False),  # two aspects Cilin puts in one word group: left to a copied scope
    ],
)
def test_words_that_are_not_kin(kin: Kin, a: str, b: str, contrast: bool) -> None:
    assert kin.relate(a, b).kind is None
    assert kin.relate(a, b).contrast is contrast


def test_cilin_codes_and_jieba_classes() -> None:
    assert "Hd04B01=" in cilin_codes("修缮") and "Hj29C10#" in cilin_codes("决算")
    assert is_verb("维修") and is_verb("巡检") and not is_verb("食堂")
    assert is_modifier("日常") and is_modifier("临时") and not is_modifier("审批")


def test_substitution_is_one_word() -> None:
    assert substitution("办公用房维修", "办公用房修缮") == ("维修", "修缮")
    assert substitution("资产清查", "资产盘点") == ("清查", "盘点")
    assert substitution("办公区消防设施巡查", "办公区消防设施巡检") == ("巡查", "巡检")  # widened to whole words
    assert substitution("公务用车", "公务用车") is None
    assert substitution("食堂", "礼堂") is None  # nothing left of the subject once the word is set aside
    assert substitution("能源审计", "碳排放核查报告编写") is None  # more than one word


def test_word_swap_reads_the_scopes() -> None:
    own_a, own_b = scope_text(OWN.format(x="办公用房维修")), scope_text(OWN.format(x="办公用房修缮"))
    assert word_swap(own_a, own_b, "维修", "修缮") == ("own", 1.0)
    copied = scope_text(OWN.format(x="办公用房维修").replace("机关", "云南省机关"))
    how, alike = word_swap(own_a, copied, "维修", "修缮")
    assert how == "copied" and alike == 1.0  # the region name is no difference
    trap_a = scope_text(FRAME_WITH_ASPECT.format(x="招标"))
    trap_b = scope_text(FRAME_WITH_ASPECT.format(x="考核"))
    assert word_swap(trap_a, trap_b, "招标", "考核")[0] == "own"  # 考核改进 in both frames does not make a copy
    assert word_swap(own_a, scope_text(OWN.format(x="办公用房维修修缮")), "维修", "修缮")[0] == ""


def test_scopes_without_regions_or_referral_tail() -> None:
    assert strip_regions("适用于云南省机关和洛阳市机关") == "适用于机关和机关"
    assert scope_text("本文件适用于公共机构节能绩效评价，其他单位可参照执行。") == "公共机构节能绩效评价"
    assert scope_text("本标准适用于党政机关，其他公共机构可参照使用。") == "党政机关"


def test_own_scopes_join_kin_words_only() -> None:
    detector = DuplicateDetector()
    joined = detector.score_titles("机关办公区消防设施巡查规范", "机关办公区消防设施巡检规范",
                                   OWN.format(x="办公区消防设施巡查"), OWN.format(x="办公区消防设施巡检"))
    assert joined.score >= 0.75 and joined.carried_by_scope
    assert [(n.kind, n.word, n.other) for n in joined.notes] == [("morpheme", "巡查", "巡检")]
    for a, b in [("购置", "维修"), ("采购", "评价"), ("立项", "验收"), ("预算", "决算")]:
        lookalike = detector.score_titles(f"公务用车{a}管理规范", f"公务用车{b}管理规范",
                                          OWN.format(x=f"公务用车{a}"), OWN.format(x=f"公务用车{b}"))
        assert lookalike.score < 0.75, (a, b, lookalike)
    trap = detector.score_titles("机关物业服务招标规范", "机关物业服务考核规范",
                                 FRAME_WITH_ASPECT.format(x="招标"), FRAME_WITH_ASPECT.format(x="考核"))
    assert trap.score < 0.75


def test_a_copied_scope_joins_unless_the_words_are_two_aspects() -> None:
    detector = DuplicateDetector()
    # 评价 / 评估: two listed aspects, so the plain scope rule keeps them apart; the copy joins them
    scope = "本文件规定了公共机构节能绩效评价的总体要求、内容与指标。本文件适用于云南省公共机构开展节能绩效评价。"
    copy = scope.replace("云南省", "江苏省")
    joined = detector.score_titles("公共机构节能绩效评价规范", "公共机构节能绩效评估规范", scope, copy)
    assert joined.score >= 0.75 and joined.carried_by_scope
    assert [(n.kind, n.word, n.other) for n in joined.notes] == [("copied-scope", "评价", "评估")]
    assert detector.score_titles("公共机构节能绩效评价规范", "公共机构节能绩效评估规范").score < 0.75
    # a copy is no evidence across two modules
    across = score_pair(detector.subject("公共机构节能绩效评价规范"), detector.subject("公共机构节能绩效评估规范"),
                        scope_text(scope), scope_text(copy), aligner=detector.aligner, context=Context(same_module=False))
    assert across.score < 0.75 and not across.notes
    # the same copy across two aspects that are not kin (购置 / 维修) stays apart
    scope = OWN.format(x="公务用车")
    assert detector.score_titles("公务用车购置管理规范", "公务用车维修管理规范", scope, scope).score < 0.75
    assert detector.aligner.swap("公务用车购置", "公务用车维修", scope_text(scope), scope_text(scope), 0.9) is None


def test_a_modifier_appended_to_the_subject_qualifies_it() -> None:
    detector = DuplicateDetector()
    assert detector.aligner.qualifier("会议室日常", "会议室") == ("日常", "会议室日常")
    assert detector.aligner.qualifier("公务用车配备审批", "公务用车配备") is None  # a verb names another thing
    result = detector.score_titles("机关会议室日常管理规范", "机关会议室管理规范",
                                   OWN.format(x="会议室日常"), OWN.format(x="会议室"))
    assert result.score >= 0.75 and [n.kind for n in result.notes] == ["qualifier"]


def test_short_forms_keep_a_head_morpheme() -> None:
    forms = set(short_forms(("消防", "控制室")))
    assert {"消控", "消控室", "防制"} <= forms
    assert "消控室" not in set(short_forms(("消防", "控制")))


def _catalog(make_catalog: CatalogFactory, items: dict[str, tuple[str, str, str]]) -> Path:
    return make_catalog({
        f"records/{name}.yaml": record(code, title, scope=scope) for name, (code, title, scope) in items.items()
    })


def test_candidates_and_reasons_for_titles_one_word_apart(make_catalog: CatalogFactory) -> None:
    root = _catalog(make_catalog, {
        "a": ("DB41/T 1-2022", "办公用房维修管理规范", OWN.format(x="办公用房维修")),
        "b": ("DB32/T 1-2022", "办公用房修缮管理规范", OWN.format(x="办公用房修缮")),
        "c": ("DB41/T 2-2022", "机关办公区消防控制室值班管理规范", OWN.format(x="办公区消防控制室值班")),
        "d": ("DB32/T 2-2022", "机关办公区消控室值班管理规范", OWN.format(x="办公区消控室值班")),
        "e": ("DB41/T 3-2022", "公务用车购置管理规范", OWN.format(x="公务用车购置")),
        "f": ("DB32/T 3-2022", "公务用车维修管理规范", OWN.format(x="公务用车维修")),
    })
    pairs = {frozenset((p.a, p.b)): p for p in find_duplicates(load_catalog(root))}
    repair = pairs[frozenset(("DB41/T 1-2022", "DB32/T 1-2022"))]  # few shared bigrams: proposed by kinship
    # the pair's sides come in rank order (region, then code): DB32 first, so its word is named first
    assert "修缮≈维修（共用语素的同类动词，适用范围只在此词上不同）" in repair.reason.zh
    assert "verbs sharing a morpheme" in repair.reason.en and repair.evidence is not None
    assert repair.evidence.carried_by_scope
    assert frozenset(("DB41/T 2-2022", "DB32/T 2-2022")) in pairs  # 消控室: a short form proposed
    assert frozenset(("DB41/T 3-2022", "DB32/T 3-2022")) not in pairs
    assert set(pairs) <= {frozenset(("DB41/T 1-2022", "DB32/T 1-2022")), frozenset(("DB41/T 2-2022", "DB32/T 2-2022"))}


def test_kindred_pairs_only_subjects_one_kin_word_apart(kin: Kin) -> None:
    cores = ["办公用房维修", "办公用房修缮", "公务用车购置", "公务用车维修", "办公区巡查", "办公区巡检"]
    assert set(kindred(cores, kin)) == {("办公用房修缮", "办公用房维修"), ("办公区巡查", "办公区巡检")}


def test_a_known_contrast_is_never_carried_by_its_scope() -> None:
    detector = DuplicateDetector()
    scope = OWN.format(x="运行经费")  # one scope for both: without the contrast it would carry the pair
    assert detector.score_titles("机关运行经费预算管理规范", "机关运行经费决算管理规范", scope, scope).score < 0.75
    assert detector.aligner.contrast("运行经费预算", "运行经费决算")
    # a word and its derivation (信息 / 信息化) are no contrast, though both are listed aspects
    scope = OWN.format(x="事务信息化系统运行维护")
    kept = detector.score_titles("机关事务信息化系统运行维护规范", "机关事务信息系统运行维护规范", scope, scope)
    assert kept.score >= 0.75 and not detector.aligner.contrast("信息化运行维护", "信息运行维护")
