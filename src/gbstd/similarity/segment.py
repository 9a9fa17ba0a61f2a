"""Word segmentation of Chinese titles with jieba (its own dictionary ships with the package).

Titles are cut with jieba's dictionary only (no HMM guessing of unknown words, so the result is stable), and
dictionary compounds are split once more into two dictionary words (环境保护 → 环境 + 保护): an abbreviation
takes its characters from those finer words (环保), and a thesaurus lists them, not the compounds.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jieba
    import jieba.posseg


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


@lru_cache(maxsize=1)
def _tagger() -> jieba.posseg.POSTokenizer:
    import jieba.posseg

    return jieba.posseg.POSTokenizer(_tokenizer())


@lru_cache(maxsize=50_000)
def part_of_speech(word: str) -> str | None:
    """jieba's part-of-speech tag of a dictionary word (``v``, ``vn``, ``n``…), None for anything else."""
    if not is_word(word):
        return None
    return str(_tagger().word_tag_tab.get(word) or "") or None
