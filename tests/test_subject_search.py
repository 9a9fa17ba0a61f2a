"""S003's search for upper-tier standards (``SubjectIndex.uppers_sharing``) is a faster form of
``in_force_sharing`` kept to what :func:`gbstd.coverage.reaches`: national parts memoised, reach read from
the index's keys. It must find exactly what the plain search and ``reaches`` find, for every tier and region."""

from __future__ import annotations

from pathlib import Path

from gbstd.catalog.loader import load_catalog
from gbstd.coverage import SubjectIndex, reaches
from gbstd.model.code import Tier
from tests.test_system import make_catalog, record

RECORDS = {
    "GB-T-1-2020": record("GB/T 1-2020", "公务用车处置规范", "101", published="2020-01-01"),
    "GB-T-2-2020": record("GB/T 2-2020", "公务用车标识规范", "101", published="2020-01-01"),
    "JT-T-3-2021": record("JT/T 3-2021", "公务用车处置指南", "101", published="2021-01-01"),
    "GB-T-4-2019": record("GB/T 4-2019", "公务用车处置规范", "101", status="废止", published="2019-01-01"),
    "DB41-T-5-2022": record("DB41/T 5-2022", "公务用车处置规范", "101", published="2022-01-01"),
    "DB4109-T-6-2023": record("DB4109/T 6-2023", "党政机关公务用车处置规范", "101", published="2023-01-01"),
    "DB410902-T-7-2024": record("DB410902/T 7-2024", "公务用车处置与标识规范", "101"),
    "DB3301-T-8-2024": record("DB3301/T 8-2024", "公务用车处置规范", "101"),
    "HNJGSW-9-2024": record("HNJGSW 9-2024", "公务用车处置内部规范", "101", region='"41"'),
    "HNJGSW-10-2024": record("HNJGSW 10-2024", "公务用车标识内部规范", "101", region='"4109"'),
    "T-ABC-11-2024": record("T/ABC 11-2024", "公务用车处置团体规范", "101"),
    "GB-T-12-2020": record("GB/T 12-2020", "机关食堂反食品浪费工作指南", "201", published="2020-01-01"),
    "DB41-T-13-2022": record("DB41/T 13-2022", "机关食堂反食品浪费管理规范", "201"),
    # One unparsable code on a national and a local record: two reaches, one key (C008 reports it).
    "same-a": record("XYZ 14-2020", "公务用车处置规范", "101", tier="national"),
    "same-b": record("XYZ 14-2020", "公务用车处置规范", "101", tier="local", region='"41"'),
}


def reference(index: SubjectIndex, module: str | None, terms: frozenset[str], tier: Tier | None,
              region: str | None) -> dict[str, tuple[object, frozenset[str], object]]:
    """The plain search, filtered as S003 filtered it before."""
    return {
        key: (upper, frozenset(shared), upper.standard.published or upper.standard.effective)
        for key, (upper, shared) in index.in_force_sharing(module, terms, region).items()
        if reaches(upper.tier, upper.region, tier, region)
    }


def test_uppers_sharing_finds_what_the_plain_search_and_reaches_find(tmp_path: Path) -> None:
    catalog = load_catalog(make_catalog(tmp_path, RECORDS))
    index = SubjectIndex(catalog)
    asked = 0
    for _ in range(2):  # the second round answers from the memo
        for rec in catalog.records:
            terms = index.record_terms(rec)
            for tier in Tier:
                for region in (rec.region, "41", "4109", "410902", "33", None):
                    got = index.uppers_sharing(rec.standard.module, terms, tier, region)
                    want = reference(index, rec.standard.module, terms, tier, region)
                    assert {k: (u, frozenset(s), d) for k, (u, s, d) in got.items()} == want
                    asked += bool(want)
    assert asked > 50  # the catalog does exercise the search


def test_uppers_sharing_keeps_the_first_record_of_a_key_held_at_two_reaches(tmp_path: Path) -> None:
    catalog = load_catalog(make_catalog(tmp_path, RECORDS))
    index = SubjectIndex(catalog)
    city = next(r for r in catalog.records if r.key == "DB4109/T 6-2023")
    terms = index.record_terms(city)
    got = index.uppers_sharing("101", terms, Tier.LOCAL, "4109")
    assert "XYZ 14-2020" in got
    assert got["XYZ 14-2020"][0] is reference(index, "101", terms, Tier.LOCAL, "4109")["XYZ 14-2020"][0]
