"""Cells as people type them: every date form, impossible dates, lists, header spellings."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gbstd.tabular.cells import CellError, join_names, parse_date, split_codes, split_names
from gbstd.tabular.columns import COLUMNS, column_for

SEPT_13 = dt.date(2021, 9, 13)


@pytest.mark.parametrize(
    "value",
    [
        "2021-09-13", "2021/9/13", "2021.9.13", "2021年9月13日", "2021年09月13日", " 2021 年 9 月 13 日 ",
        "2021-9-13", "20210913", "2021-09-13 00:00:00", "２０２１－０９－１３",
        dt.datetime(2021, 9, 13), SEPT_13, 44452, 44452.0,
        # a time of day after the date (a date-time cell as Excel writes it to a CSV; a database's export), as an
        # XLSX date-time cell is read; a serial written as text, or with its time as a fraction
        "2021/9/13 14:30", "2021-09-13 09:05:00", "2021-09-13T23:59:59.5", "2021年9月13日 8:00",
        dt.datetime(2021, 9, 13, 14, 30), "44452", "44452.6", 44452.6,
    ],
)  # fmt: skip
def test_date_forms(value: object) -> None:
    assert parse_date(value) == SEPT_13  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [None, "", "   "])
def test_empty_dates(value: object) -> None:
    assert parse_date(value) is None  # type: ignore[arg-type]


def test_impossible_date_quotes_the_value() -> None:
    with pytest.raises(CellError) as info:
        parse_date("2021-02-30")
    assert info.value.reason.zh == "'2021-02-30' 不是有效日期"
    assert info.value.reason.en == "'2021-02-30' is not a valid date"


def test_a_time_cell_is_quoted_as_shown_not_as_python_writes_it() -> None:
    with pytest.raises(CellError) as info:
        parse_date(dt.time(12, 0))  # type: ignore[arg-type]  # an XLSX cell holding a time alone
    assert info.value.reason.en.startswith("'12:00:00' is not a date")  # was "datetime.time(12, 0) is not …"


@pytest.mark.parametrize("value", ["13/9/2021", "九月", "2021-09", 12, "2021-09-13 25:00", "2021-09-13 1430", "12345"])
def test_unreadable_dates(value: object) -> None:
    with pytest.raises(CellError) as info:
        parse_date(value)  # type: ignore[arg-type]
    assert "2021/9/13" in info.value.reason.zh


def test_lists() -> None:
    assert split_codes("GB/T 1-2000; GB/T 2-2001；GB/T 3-2002、GB/T 4-2003，GB/T 5") == [
        "GB/T 1-2000", "GB/T 2-2001", "GB/T 3-2002", "GB/T 4-2003", "GB/T 5",
    ]  # fmt: skip
    assert split_names("国家市场监督管理总局、国家标准化管理委员会") == [
        "国家市场监督管理总局",
        "国家标准化管理委员会",
    ]
    assert split_names("某某有限公司, Ltd.；某局") == ["某某有限公司, Ltd.", "某局"]
    assert split_codes(None) == []


@pytest.mark.parametrize(
    "cell",
    [
        "GB/T 1.1-2020 GB/T 20000.1-2014", "GB/T 1.1-2020\u3000GB/T 20000.1-2014", "GB/T 1.1-2020\tGB/T 20000.1-2014",
        "GB/T 1.1-2020﹔GB/T 20000.1-2014", "GB/T 1.1-2020､GB/T 20000.1-2014", "GB/T 1.1-2020﹐GB/T 20000.1-2014",
        "GB/T 1.1-2020\u2028GB/T 20000.1-2014", "GB/T 1.1-2020 和 GB/T 20000.1-2014", "GB/T 1.1-2020及GB/T 20000.1-2014",
        "GB/T 1.1-2020 ； GB/T 20000.1-2014\n",
    ],
)  # fmt: skip
def test_codes_are_split_where_one_ends_and_the_next_begins(cell: str) -> None:
    # two codes with only a space (or a tab, a fullwidth space, 和, a small-form ﹔) between them were one item,
    # kept as typed: a reference no code lookup could resolve
    assert split_codes(cell) == ["GB/T 1.1-2020", "GB/T 20000.1-2014"]


@pytest.mark.parametrize(
    "cell",
    ["GB/T 1.1-2020", "GB/T 1.1 - 2020", "GB/T 19001-2016/ISO 9001:2015", "GB/T 19001-2016 idt ISO 9001:2015",
     "DB4103 12-2019", "T/CAGA 101-2022", "GB/T 1.1-2020 标准化工作导则"],
)  # fmt: skip
def test_a_code_comes_through_whole(cell: str) -> None:
    # its space, slash, dot and hyphen separate nothing; nor does a space before text that is not a code
    assert split_codes(cell) == [cell]


def test_a_names_cell_with_line_breaks_is_one_item_per_line() -> None:
    # "甲、乙联合" is one drafter: split on 、 it came back as two after export and import
    assert split_names("甲、乙联合课题组\n丙；丁") == ["甲、乙联合课题组", "丙；丁"]
    assert split_names("甲、乙联合\n") == ["甲、乙联合"]  # a single item, as an export writes it
    assert split_names("甲；\r\n\n 乙、\r丙") == ["甲", "乙", "丙"]  # a separator ending a line is punctuation
    assert split_names("甲、乙联合") == ["甲", "乙联合"]  # without a line break: as before
    assert split_codes("GB/T 1-2000、GB/T 2-2001\nGB/T 3-2002") == ["GB/T 1-2000", "GB/T 2-2001", "GB/T 3-2002"]


def test_join_names_keeps_the_usual_cell_and_writes_lines_only_when_needed() -> None:
    assert join_names([]) is None
    assert join_names(["国家市场监督管理总局", "国家标准化管理委员会"]) == "国家市场监督管理总局、国家标准化管理委员会"
    assert join_names(["甲、乙联合", "丙"]) == "甲、乙联合\n丙"
    assert join_names(["甲、乙联合"]) == "甲、乙联合\n"


# A name as a record holds it: no line break, nothing to trim at its ends (the model strips whitespace; a name
# ending in a separator is not one anybody writes), separators and commas anywhere inside.
_NAME = st.text(alphabet="甲乙丙 ,，、;；Ltd.", min_size=1, max_size=8).filter(
    lambda name: name == name.strip() and name.strip(";；、") == name
)


@given(st.lists(_NAME, max_size=5))
def test_names_round_trip_through_their_cell(names: list[str]) -> None:
    assert split_names(join_names(names)) == names


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("标准号", "code"), ("标准编号", "code"), ("Code", "code"), (" 标准号* ", "code"), ("Standard No.", "code"),
        ("标准名称（必填）", "title"), ("TITLE", "title"), ("实施时间", "effective"), ("Effective date", "effective"),
        ("体系编号", "module"), ("发布单位", "issuer"), ("最近复审日期", "review_date"), ("复审结论", "review_conclusion"),
        ("Remarks", "note"), ("No.", "seq"), ("ＮＯ．", "seq"),
    ],
)  # fmt: skip
def test_header_aliases(header: str, key: str) -> None:
    column = column_for(header)
    assert column is not None and column.key == key


def test_unknown_header() -> None:
    assert column_for("联系人") is None


def test_every_column_reads_its_own_headers() -> None:
    for column in COLUMNS:
        assert column_for(column.zh) is column
        assert column_for(column.en) is column


def test_a_header_with_a_zero_width_space_pasted_in_names_its_column() -> None:
    # a header copied from a web page kept its U+200B and named no column: the import found no 标准号 header
    from gbstd.tabular.columns import column_for

    for header in ("标准\u200b号", "\u200d标准名称", "实施日期\u2060", "标准号"):
        column = column_for(header)
        assert column is not None and column.zh == header.translate({0x200B: None, 0x200D: None, 0x2060: None})
