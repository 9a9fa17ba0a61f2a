"""Chinese abbreviations (缩略) by rule, not by list.

A short form takes characters, in order, from the words of its long form, at least one from each of at least
two words and starting with the first word's first character: 环境保护 → 环保, 劳动保护 → 劳保,
公共机构节约能源 → 公共机构节能, 节约粮食 → 节粮. Two titles are compared by what differs between them (the
common start and end are set aside): the differing part of the longer title, widened to whole words, must be
abbreviated by the differing part of the shorter one. A single shared character never counts (the short form
has at least two characters, from two words), and neither does a generic word.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterator, Sequence
from functools import cache
from itertools import product

from gbstd.similarity.segment import words as segment


def abbreviates(short: str, long_words: Sequence[str]) -> bool:
    """True when ``short`` takes its characters in order from ``long_words``, ≥ 1 from each, first from the first.

    >>> abbreviates("环保", ["环境", "保护"]), abbreviates("环境", ["环境", "保护"])
    (True, False)
    """
    if len(long_words) < 2 or len(short) < len(long_words) or len(short) >= sum(map(len, long_words)):
        return False
    if not long_words[0] or short[0] != long_words[0][0]:
        return False

    @cache
    def match(i: int, w: int, pos: int, used: bool) -> bool:
        # i: next character of short; w, pos: where we are in the long form; used: word w gave a character
        if i == len(short):
            return w == len(long_words) - 1 and used
        if w >= len(long_words):
            return False
        word = long_words[w]
        if pos == len(word):  # end of this word: it must have given something before we move on
            return used and match(i, w + 1, 0, False)
        taken = short[i] == word[pos] and match(i + 1, w, pos + 1, True)
        return taken or match(i, w, pos + 1, used)

    return match(0, 0, 0, False)


def short_forms(run: Sequence[str]) -> Iterator[str]:
    """Short forms of a run of words for candidate generation: one character of each word, or — for a word of
    three or more characters — its first and last (消防 控制室 → 消控室: the head morpheme 室 is kept)."""
    options = [(*word, word[0] + word[-1]) if len(word) >= 3 else tuple(word) for word in run]
    for picks in product(*options):
        yield "".join(picks)


def common_ends(a: str, b: str) -> tuple[int, int]:
    """Lengths of the common prefix and the common suffix of ``a`` and ``b`` (not overlapping)."""
    prefix = 0
    limit = min(len(a), len(b))
    while prefix < limit and a[prefix] == b[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and a[-1 - suffix] == b[-1 - suffix]:
        suffix += 1
    return prefix, suffix


def expand(
    a: str, b: str, generic: Container[str] = (), segment_words: Callable[[str], Sequence[str]] = segment,
) -> tuple[str, str] | None:
    """(short form, long form) when one of two subjects abbreviates part of the other, else None.

    ``环保设施`` / ``环境保护设施`` → ``("环保", "环境保护")``; the long form is then rewritten to the short one.
    """
    if a == b:
        return None
    long, short = (a, b) if len(a) > len(b) else (b, a)
    prefix, suffix = common_ends(long, short)
    # widen the long side's differing part to whole words, and the short side's by the same characters
    start, end = prefix, len(long) - suffix
    spans, offset = [], 0
    for word in segment_words(long):
        spans.append((offset, offset + len(word)))
        offset += len(word)
    first = next((s for s, e in spans if s <= start < e), start)
    last = next((e for s, e in spans if s < end <= e), end)
    if first > start or last < end:
        return None
    short_start, short_end = first, len(short) - (len(long) - last)
    if short_end - short_start < 2:
        return None
    short_part, long_part = short[short_start:short_end], long[first:last]
    long_words = [long[s:e] for s, e in spans if s >= first and e <= last]
    if short_part in generic or all(w in generic for w in long_words):
        return None
    return (short_part, long_part) if abbreviates(short_part, long_words) else None
