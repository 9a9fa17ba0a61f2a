"""JSON documents as gbstd prints them: two-space indent, text as UTF-8 (not ``\\u`` escapes), a final newline.

orjson writes them: the standard library's encoder runs in pure Python once an indent is asked for (0.135 s
for a 10 000-record review worklist, against 0.024 s). The text is ``json.dumps(value,
ensure_ascii=False, indent=2)``'s byte for byte, except that a float in exponent form loses the exponent's
leading zero (``1e-07`` is written ``1e-7``: the same number). A value orjson refuses (an integer beyond 64
bits, from a record's extra field) is written by the standard library instead.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

from gbstd.undecodable import json_escaped


def json_text(value: Any) -> str:
    """``value`` as indented JSON text (no final newline)."""
    try:
        return orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:  # also what orjson refuses of a file name that is not UTF-8: written as escapes
        return json_escaped(json.dumps(value, ensure_ascii=False, indent=2))


def json_document(value: Any) -> str:
    """``value`` as an indented JSON document ending in a newline."""
    return json_text(value) + "\n"
