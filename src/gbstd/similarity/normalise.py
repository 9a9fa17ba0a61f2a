"""Text normalisation for comparing titles and scopes.

Titles are compared after Unicode NFKC (full/half width), traditional → simplified Chinese (OpenCC's ``t2s``
dictionary, the reference converter), case folding and removal of whitespace and punctuation, so that
``機關食堂服務規範``, ``机关食堂服务规范`` and ``机关食堂 服务规范（）`` compare equal.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

_NON_WORD = re.compile(r"[\W_]+")
# Scope boilerplate: the sentence frame of every 适用范围 ("本文件规定了……。本文件适用于……"), and its referral
# tail as a whole (其他单位可参照执行 / 其他公共机构参照使用: who else may use it is no part of the subject).
_SCOPE_FRAME = re.compile(
    r"(?:其他|其它)\w{0,12}?可?参照(?:执行|使用)|本(?:文件|标准|规范|指南|部分)|(?:规定|确立|给出|提供|界定|描述)了|适用于|参照(?:使用|执行)|可参照|"
    r"的|和|及|与|等|以及|其他|相关|工作|基本要求|要求|内容"
)


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s.json")


def to_simplified(text: str) -> str:
    """Traditional characters → simplified (plain ASCII passes through untouched)."""
    if text.isascii():
        return text
    return str(_converter().convert(text))


def normalise(text: str) -> str:
    """The comparable form of a title: NFKC, simplified, case-folded, without spaces or punctuation."""
    text = unicodedata.normalize("NFKC", text)
    return _NON_WORD.sub("", to_simplified(text)).casefold()


@lru_cache(maxsize=1 << 16)  # a national catalog repeats each scope region after region (480 in 100 000 records)
def scope_text(scope: str | None) -> str:
    """A scope sentence without its boilerplate frame, normalised; empty when there is no scope."""
    if not scope:
        return ""
    return _SCOPE_FRAME.sub("", normalise(scope))


def bigrams(text: str) -> list[str]:
    """Overlapping character pairs; a one-character text is its own single gram."""
    if len(text) < 2:
        return [text] if text else []
    return [text[i : i + 2] for i in range(len(text) - 1)]
