"""Word segmentation of Chinese titles with jieba (its own dictionary ships with the package).

Titles are cut with jieba's dictionary only (no HMM guessing of unknown words, so the result is stable), and
dictionary compounds are split once more into two dictionary words (环境保护 → 环境 + 保护): an abbreviation
takes its characters from those finer words (环保), and a thesaurus lists them, not the compounds.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jieba


@lru_cache(maxsize=1)
def _tokenizer() -> jieba.Tokenizer:
    import jieba  # here, not at the top: only duplicate detection segments, and jieba is slow to import

    jieba.setLogLevel(logging.WARNING)  # jieba logs its dictionary loading at INFO on the root of its logger
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def is_word(text: str) -> bool:
    """True when ``text`` is an entry of jieba's dictionary."""
    return bool(_tokenizer().FREQ.get(text))


def _split(word: str) -> list[str]:
    """A compound of four or more characters as two dictionary words (the most balanced split), else itself."""
    if len(word) < 4:
        return [word]
    middle = len(word) / 2
    splits = [k for k in range(2, len(word) - 1) if is_word(word[:k]) and is_word(word[k:])]
    if not splits:
        return [word]
    k = min(splits, key=lambda k: abs(k - middle))
    return [word[:k], word[k:]]


@lru_cache(maxsize=200_000)
def words(text: str) -> tuple[str, ...]:
    """``text`` cut into dictionary words, compounds split (公共机构节约能源 → 公共 机构 节约 能源)."""
    if not text:
        return ()
    out: list[str] = []
    for token in _tokenizer().cut(text, HMM=False):
        out.extend(_split(token))
    return tuple(out)


# jieba's tags of words that modify and never name a thing: adjectives, distinguishing words, adverbs, time words.
_MODIFIER_TAGS = frozenset(("a", "ad", "b", "d", "t", "z"))


@lru_cache(maxsize=1)
def _classes() -> dict[str, str]:
    """Words of two to four characters that jieba's dictionary tags as verbal (v, vn, vd… → "v") or as modifiers
    (→ "m"), read from its dictionary file once (jieba's own tagger would hold every word's tag, some 100 MB)."""
    with _tokenizer().get_dict_file() as lines:
        text = lines.read().decode("utf-8")
    tags = "|".join(sorted(_MODIFIER_TAGS))
    found = {word: "v" for word in re.findall(r"^(\S{2,4}) \d+ v\w*\r?$", text, re.MULTILINE)}
    found.update((word, "m") for word in re.findall(rf"^(\S{{2,4}}) \d+ (?:{tags})\r?$", text, re.MULTILINE))
    return found


def is_verb(word: str) -> bool:
    """True when jieba's dictionary tags ``word`` as verbal (维修, 考核, 巡检)."""
    return _classes().get(word) == "v"


def is_modifier(word: str) -> bool:
    """True when jieba's dictionary tags ``word`` as a modifier that never names a thing (日常, 临时, 一般)."""
    return _classes().get(word) == "m"
