"""Every rule documents itself in Chinese and English and has a unique, stable code."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from gbstd.cli.app import app
from gbstd.rules import ALL_RULES, RETIRED
from gbstd.rules.docs_zh import DOCS_ZH, SECTIONS_ZH

SECTIONS_EN = ("What it does:", "Why it matters:", "Example:", "Use instead:")
runner = CliRunner()


def test_codes_are_unique_well_formed_and_not_retired() -> None:
    codes = [rule.code for rule in ALL_RULES]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"[A-Z]\d{3}", code) for code in codes)
    assert not set(codes) & RETIRED


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda rule: rule.code)
def test_every_rule_has_both_languages_with_the_four_sections(rule: type) -> None:
    english, chinese = rule.doc("en"), rule.doc("zh")
    positions = [english.index(section) for section in SECTIONS_EN]
    assert positions == sorted(positions), f"{rule.code}: English sections out of order"
    positions = [chinese.index(section) for section in SECTIONS_ZH]
    assert positions == sorted(positions), f"{rule.code}: Chinese sections out of order"
    # each Chinese section says something, and in Chinese (examples may be plain YAML)
    bodies = re.split("|".join(SECTIONS_ZH), chinese)[1:]
    assert all(body.strip() for body in bodies), rule.code
    assert all(re.search(r"[\u4e00-\u9fff]", body) for body in bodies[:2]), rule.code
    assert rule.summary.zh and rule.summary.en
    for doc in (english, chinese):
        assert "seed" not in doc.casefold(), rule.code


def test_no_chinese_doc_for_a_rule_that_does_not_exist() -> None:
    assert set(DOCS_ZH) == {rule.code for rule in ALL_RULES}


def test_rule_prints_chinese_by_default_and_english_with_lang_en() -> None:
    result = runner.invoke(app, ["rule", "C007"])
    assert result.exit_code == 0, result.output
    assert all(section in result.output for section in SECTIONS_ZH)
    assert "What it does:" not in result.output
    assert "《中华人民共和国标准化法》第二十九条" in runner.invoke(app, ["rule", "r002"]).output

    result = runner.invoke(app, ["rule", "C007", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert all(section in result.output for section in SECTIONS_EN)
    assert "做什么" not in result.output


def test_unknown_rule_is_a_one_line_error_in_either_language() -> None:
    result = runner.invoke(app, ["rule", "X999"])
    assert result.exit_code != 0 and "没有规则 X999" in result.output
    result = runner.invoke(app, ["rule", "X999", "--lang", "en"])
    assert result.exit_code != 0 and "no rule X999" in result.output
