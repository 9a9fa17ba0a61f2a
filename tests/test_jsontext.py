"""The JSON documents commands print are the standard library's layout, written by orjson."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from gbstd.jsontext import json_document, json_text

_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)))  # no lone surrogates: not in UTF-8 files
_SCALARS = st.none() | st.booleans() | st.integers(min_value=-(2**63), max_value=2**64 - 1) | _TEXT


def _documents(scalars: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.recursive(scalars, lambda inner: st.lists(inner) | st.dictionaries(_TEXT, inner), max_leaves=25)


@given(_documents(_SCALARS))
def test_the_layout_is_the_standard_librarys_byte_for_byte(value: Any) -> None:
    assert json_text(value) == json.dumps(value, ensure_ascii=False, indent=2)
    assert json_document(value) == json_text(value) + "\n"


@given(_documents(_SCALARS | st.floats(allow_nan=False, allow_infinity=False)))
def test_every_value_reads_back_the_same(value: Any) -> None:
    assert json.loads(json_text(value)) == value


def test_what_orjson_refuses_is_written_by_the_standard_library() -> None:
    value = {"extra": 2**80, "标准名称": "机关食堂“光盘行动”规范\u2028"}
    assert json_document(value) == json.dumps(value, ensure_ascii=False, indent=2) + "\n"
    assert json_text({1: "a", "b": [{}]}) == json.dumps({1: "a", "b": [{}]}, ensure_ascii=False, indent=2)
