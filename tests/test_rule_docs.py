"""Every rule documents itself and has a unique, stable code."""

from __future__ import annotations

import re

from gbstd.rules import ALL_RULES, RETIRED


def test_codes_are_unique_well_formed_and_not_retired() -> None:
    codes = [rule.code for rule in ALL_RULES]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"[A-Z]\d{3}", code) for code in codes)
    assert not set(codes) & RETIRED


def test_every_rule_docstring_has_the_four_sections() -> None:
    for rule in ALL_RULES:
        doc = rule.doc()
        for section in ("What it does:", "Why it matters:", "Example:", "Use instead:"):
            assert section in doc, f"{rule.code} lacks {section}"
        assert rule.summary.zh and rule.summary.en
