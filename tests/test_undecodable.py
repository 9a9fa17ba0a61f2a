"""File names that are not UTF-8, written into documents that must be: each way is lossless and valid."""

from __future__ import annotations

import json
import os
from urllib.parse import unquote_to_bytes

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gbstd.catalog.cache import dump_json, load_json
from gbstd.model.code import CodeError, StandardCode
from gbstd.model.config import compile_code_pattern
from gbstd.undecodable import backslashed, has_undecodable, json_escaped, uri_path, utf8_bytes

GBK_NAME = os.fsdecode("测试.yaml".encode("gbk"))  # "\udcb2\udce2\udcca\udcd4.yaml"


@given(st.binary(min_size=1, max_size=40).filter(lambda name: b"\x00" not in name))
def test_any_file_name_survives_json_and_uri(name: bytes) -> None:
    held = os.fsdecode(name)
    text = json_escaped(json.dumps({"path": held}, ensure_ascii=False))
    text.encode("utf-8")  # valid UTF-8: raises otherwise
    assert os.fsencode(json.loads(text)["path"]) == name
    assert unquote_to_bytes(uri_path(held)) == name
    utf8_bytes(held)  # never raises


def test_each_form_of_a_gbk_name() -> None:
    assert has_undecodable(GBK_NAME) and not has_undecodable("records/local/DB11-T-1-2020.yaml")
    assert not has_undecodable("plans/河南.yaml")
    assert json_escaped(f'"{GBK_NAME}"') == '"\\udcb2\\udce2\\udcca\\udcd4.yaml"'
    assert uri_path(f"records/{GBK_NAME}") == "records/%B2%E2%CA%D4.yaml"
    assert backslashed(GBK_NAME) == "\\xb2\\xe2\\xca\\xd4.yaml"
    assert utf8_bytes(GBK_NAME, bom=True) == b"\xef\xbb\xbf\\xb2\\xe2\\xca\\xd4.yaml"


def test_uri_path_escapes_what_a_uri_cannot_hold_and_keeps_chinese_readable() -> None:
    assert uri_path("plans/河南 试点#1%.yaml") == "plans/河南%20试点%231%25.yaml"
    assert uri_path("records/local/DB11-T-1-2020.yaml") == "records/local/DB11-T-1-2020.yaml"


def test_a_code_argument_with_bytes_not_in_utf8_is_refused_not_crashed_on() -> None:
    # `gbstd history <code>` with such an argument: the internal pattern's engine (RE2) raised UnicodeEncodeError
    pattern = compile_code_pattern(r"HNJGSW \d+-\d{4}")
    with pytest.raises(CodeError, match="not UTF-8"):
        StandardCode.parse(os.fsdecode(b"HNJGSW \xb2\xe2-2020"), pattern)
    assert StandardCode.parse("HNJGSW 101-2022", pattern).canonical == "HNJGSW 101-2022"


def test_the_cache_json_keeps_a_gbk_name_and_still_refuses_what_it_would_read_wrong() -> None:
    value = {GBK_NAME: [1, "records/" + GBK_NAME, None]}
    assert load_json(dump_json(value)) == value
    assert load_json(dump_json({"plain": ["河南", 2]})) == {"plain": ["河南", 2]}  # orjson's bytes, as before
    with pytest.raises(TypeError):  # orjson would read this integer back as a float: not cached at all
        dump_json({"n": 2**64})
    with pytest.raises(ValueError):
        load_json(b'{"damaged": ')
    with pytest.raises(ValueError):
        load_json(b'["\\udcb2", ')


def test_the_standard_librarys_reader_takes_no_more_than_orjson() -> None:
    with pytest.raises(ValueError):
        load_json(b'["\\udcb2", NaN]')
