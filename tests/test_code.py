"""StandardCode: every spelling in DOMAIN.md, the derived facts, and invalid codes."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gbstd.model.code import CodeError, Nature, StandardCode, Tier

INTERNAL = re.compile(r"^HNJGSW \d+-\d{4}$")


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("GB/T 41568-2022", "GB/T 41568-2022"),
        ("GB/T41568-2022", "GB/T 41568-2022"),
        ("GB / T 41568—2022", "GB/T 41568-2022"),
        ("GB/T 41568―2022", "GB/T 41568-2022"),
        ("GB/T 41568－2022", "GB/T 41568-2022"),
        ("ＧＢ／Ｔ　４１５６８－２０２２", "GB/T 41568-2022"),
        ("GBT 41568-2022", "GB/T 41568-2022"),
        ("gb/t 41568-2022", "GB/T 41568-2022"),
        ("GB/T 41568 - 2022", "GB/T 41568-2022"),
        ("GB 2312-80", "GB 2312-80"),
        ("GB/T 1.1-2020", "GB/T 1.1-2020"),
        ("GB/Z 1234-2019", "GB/Z 1234-2019"),
        ("GBZ 1234-2019", "GB/Z 1234-2019"),
        ("DB41/T 2144-2021", "DB41/T 2144-2021"),
        ("DB41T 2144-2021", "DB41/T 2144-2021"),
        ("DB41T2144-2021", "DB41/T 2144-2021"),
        ("DB4103/T 152—2023", "DB4103/T 152-2023"),
        ("DB4103T152-2023", "DB4103/T 152-2023"),
        ("DB11 1234-2020", "DB11 1234-2020"),
        ("T/CAGA 3-2023", "T/CAGA 3-2023"),
        ("T／CAGA 3－2023", "T/CAGA 3-2023"),
        ("T/CAGA3-2023", "T/CAGA 3-2023"),
        ("Q/ABC 12-2020", "Q/ABC 12-2020"),
        ("JT/T 1234-2019", "JT/T 1234-2019"),
        ("DB/T 15-2009", "DB/T 15-2009"),
        ("JGJ/T 67-2019", "JGJ/T 67-2019"),
        ("  GB/T 43542-2023  ", "GB/T 43542-2023"),
    ],
)
@pytest.mark.parametrize("seen_again", [True, False])  # a record's own code skips the cache: the same answer
def test_spellings_normalise_to_canonical(raw: str, canonical: str, seen_again: bool) -> None:
    assert StandardCode.parse(raw, seen_again=seen_again).canonical == canonical


@pytest.mark.parametrize(
    ("raw", "tier", "nature", "region", "year"),
    [
        ("GB/T 41568-2022", Tier.NATIONAL, Nature.RECOMMENDED, None, 2022),
        ("GB 2312-80", Tier.NATIONAL, Nature.MANDATORY, None, 1980),
        ("GB/Z 1234-2019", Tier.NATIONAL, Nature.GUIDANCE, None, 2019),
        ("DB41/T 2144-2021", Tier.LOCAL, Nature.RECOMMENDED, "41", 2021),
        ("DB4103/T 152-2023", Tier.LOCAL, Nature.RECOMMENDED, "4103", 2023),
        ("DB11 1234-2020", Tier.LOCAL, Nature.MANDATORY, "11", 2020),
        ("JT/T 1234-2019", Tier.INDUSTRY, Nature.RECOMMENDED, None, 2019),
        ("DB/T 15-2009", Tier.INDUSTRY, Nature.RECOMMENDED, None, 2009),
        ("T/CAGA 3-2023", Tier.GROUP, Nature.RECOMMENDED, None, 2023),
        ("Q/ABC 12-2020", Tier.ENTERPRISE, Nature.RECOMMENDED, None, 2020),
    ],
)
def test_derived_facts(raw: str, tier: Tier, nature: Nature, region: str | None, year: int) -> None:
    code = StandardCode.parse(raw)
    assert (code.tier, code.nature, code.region, code.year) == (tier, nature, region, year)


def test_internal_codes_need_the_catalog_pattern() -> None:
    with pytest.raises(CodeError):
        StandardCode.parse("HNJGSW 101-2022")
    code = StandardCode.parse("HNJGSW 101-2022", INTERNAL)
    assert (code.tier, code.nature, code.canonical) == (Tier.INTERNAL, None, "HNJGSW 101-2022")
    assert StandardCode.parse("hnjgsw 101—2022", INTERNAL).canonical == "HNJGSW 101-2022"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("GB/T 41568-2022", "GB-T-41568-2022.yaml"),
        ("DB4103/T 152-2023", "DB4103-T-152-2023.yaml"),
        ("T/CAGA 3-2023", "T-CAGA-3-2023.yaml"),
        ("GB/T 1.1-2020", "GB-T-1.1-2020.yaml"),
    ],
)
def test_file_names(raw: str, code: str) -> None:
    assert StandardCode.parse(raw).filename == code


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("DB99/T 123-2021", "DB99"),  # no such province
        ("DB00/T 1-2021", "DB00"),
        ("DB4100/T 1-2021", "DB4100"),  # city part 00
        ("DB71/T 1-2021", "DB71"),  # not a province that issues DB codes
        ("GB/T 41568", "expected"),  # no year
        ("GB/T -2022", "expected"),
        ("机关食堂服务规范", "expected"),
        ("", "empty"),
        ("   ", "empty"),
        ("XYZW 12-2020", "unknown prefix"),
        ("HNJGSW 101-2022", "internal_code_pattern"),  # internal codes without the catalog's pattern
        ("GB/T 41568-22022", "expected"),
        ("GB/X 1-2020", "expected"),
        ("DB4/T 1-2020", "DB + a 2- or 4-digit"),
        ("T/ 1-2020", "expected"),
    ],
)
@pytest.mark.parametrize("seen_again", [True, False])
def test_invalid_codes_are_rejected_with_a_reason(raw: str, reason: str, seen_again: bool) -> None:
    with pytest.raises(CodeError) as info:
        StandardCode.parse(raw, seen_again=seen_again)
    assert reason in info.value.reason.en
    assert info.value.reason.zh  # always explained in Chinese too


def test_non_text_is_rejected() -> None:
    with pytest.raises(CodeError):
        StandardCode.parse(2022)  # type: ignore[arg-type]


def test_an_unknown_prefix_is_named_as_written_and_the_hint_fits_the_config() -> None:
    # HNJGSW102-2022 (no space) was "unknown prefix HNJGSW10", and with internal_code_pattern set the message
    # still said to set it.
    with pytest.raises(CodeError) as without:
        StandardCode.parse("HNJGSW102-2022")
    assert "unknown prefix HNJGSW;" in without.value.reason.en and "set internal_code_pattern" in without.value.reason.en
    with pytest.raises(CodeError) as configured:
        StandardCode.parse("HNJGSW102-2022", INTERNAL)
    message = configured.value.reason.en
    assert "unknown prefix HNJGSW," in message and "does not match internal_code_pattern" in message
    assert StandardCode.parse("HNJGSW 102-2022", INTERNAL).canonical == "HNJGSW 102-2022"


def test_an_internal_code_without_its_space_splits_at_the_prefix() -> None:
    # HNJGSW102-2022 under a pattern that accepts it was read as HNJGSW10 2-2022: one standard, two codes.
    loose = re.compile(r"^HNJGSW ?\d+-\d{4}$")
    assert StandardCode.parse("HNJGSW102-2022", loose).canonical == "HNJGSW 102-2022"
    assert StandardCode.parse("HNJGSW 102-2022", loose).canonical == "HNJGSW 102-2022"
    bench = re.compile(r"^[A-Z]{2}JGSW(\d{2}){0,2} \d+-\d{4}$")
    assert StandardCode.parse("HNJGSW4101 123-2024", bench).canonical == "HNJGSW4101 123-2024"


# Pieces of code spellings, normal and not: the one-match reading of GB and DB codes in normal form must give
# what normalising and the full chain of patterns give, code for code and reason for reason.
_HEADS = ["GB", "GB/T", "GB/Z", "GBT", "GB/X", "gb/t", "ＧＢ／Ｔ", "DB", "DB41", "DB41/T", "DB41T", "DB4103", "DB4103/T",
          "DB410305", "DB99", "DB4100", "DB41000", "DB1", "DB410312/Z", "JT/T", "T/CAGA", "HNJGSW", "DB41/T/T"]
# weighted towards the normal form (a space, "-", ASCII digits, a four-digit year), which the shortcut reads
_GAPS = [" "] * 8 + ["", "  ", "　", "\t", " / "]
_DIGITS = st.sampled_from("0123456789" * 4 + "１٣")
_NUMBERS = st.lists(st.text(_DIGITS, min_size=1, max_size=5), min_size=1, max_size=3).map(".".join)
_DASHES = st.sampled_from(["-"] * 8 + ["—", "－", " - ", "", "--"])
_YEARS = st.one_of(st.text(_DIGITS, min_size=4, max_size=4), st.text(_DIGITS, min_size=0, max_size=5))
_TAILS = [""] * 8 + [" ", "\n"]


@given(st.sampled_from(_HEADS), st.sampled_from(_GAPS), _NUMBERS, _DASHES, _YEARS, st.sampled_from(_TAILS))
@settings(max_examples=1500, deadline=None)
def test_the_normal_form_shortcut_reads_codes_as_the_full_parse(
    head: str, gap: str, number: str, dash: str, year: str, tail: str
) -> None:
    raw = f"{head}{gap}{number}{dash}{year}{tail}"
    for pattern in (None, INTERNAL):
        try:
            full = StandardCode._parse_spelling(raw, pattern)
        except CodeError as exc:
            with pytest.raises(CodeError) as shortcut:
                StandardCode._parse(raw, pattern)
            assert shortcut.value.reason == exc.reason
        else:
            code = StandardCode._parse(raw, pattern)
            assert code == full and vars(code) == vars(full) and code.canonical == full.canonical
            assert code == StandardCode(code.prefix, code.suffix, code.number, code.year_text, code.tier, code.region)


def test_status_words_tables_use_are_read_as_the_status_they_mean() -> None:
    from gbstd.model.standard import Status, parse_status

    for word, status in (("现行有效", Status.IN_FORCE), ("已作废", Status.ABOLISHED), ("失效", Status.ABOLISHED),
                         ("已失效", Status.ABOLISHED), ("待实施", Status.UPCOMING), (" In Force ", Status.IN_FORCE)):
        assert parse_status(word) is status, word
    assert parse_status("作废了") is None  # not guessed
