"""gbstd's dictionary-only segmenter (``gbstd.similarity.segment``) against jieba's own ``Tokenizer``.

The segmenter reads jieba's dictionary into a compact index instead of loading jieba's prefix dict; its cut,
word test and word classes must equal jieba's everywhere (duplicate detection's abbreviations, thesaurus keys and
word kinship all read them).
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path

import jieba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gbstd.catalog.loader import load_catalog
from gbstd.similarity import prebuilt, segment
from gbstd.similarity.normalise import normalise
from gbstd.similarity.subject import SubjectExtractor

ROOT = Path(__file__).resolve().parents[1]


@lru_cache(maxsize=1)
def _jieba() -> jieba.Tokenizer:
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def _titles() -> list[str]:
    catalog = load_catalog(ROOT / "standards")
    extract = SubjectExtractor().subject
    titles = [r.title for r in catalog.records]
    return sorted({t for title in titles for t in (title, normalise(title), extract(title).core)})


def test_cut_equals_jieba_on_the_sample_catalog() -> None:
    titles = _titles()
    assert len(titles) > 50
    tokenizer = _jieba()
    for title in titles:
        assert segment._dictionary().cut(title) == list(tokenizer.cut(title, HMM=False)), title


# common characters of titles, latin letters and digits (jieba glues single ones), punctuation and whitespace
# (cut outside its runs), and a rare character no dictionary word holds
TEXT = st.text("机关事务公共机构节约能源管理服务规范食堂保洁办公用房维修环境保护设施车辆日常巡检中华人民共和国aZ09+#.%- \t\r\n，。㐀", max_size=30)


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_cut_equals_jieba(text: str) -> None:
    assert segment._dictionary().cut(text) == list(_jieba().cut(text, HMM=False))


@settings(max_examples=300, deadline=None)
@given(st.text("机关事务公共机构节约能源管理服务规范环境保护设施维修巡检日常", min_size=1, max_size=6))
def test_word_test_equals_jieba(text: str) -> None:
    assert segment.is_word(text) == bool(_jieba().FREQ.get(text))
    assert segment._dictionary().freq(text) == _jieba().FREQ.get(text)


def test_every_dictionary_entry_and_class() -> None:
    tokenizer = _jieba()
    dictionary = segment._dictionary()
    assert dictionary.total == tokenizer.total
    keys = list(tokenizer.FREQ)
    found = dictionary.find(keys)
    assert (found >= 0).all()
    assert dictionary.freqs[found].tolist() == list(tokenizer.FREQ.values())
    # the classes as segment read them before: regular expressions over the dictionary file
    with tokenizer.get_dict_file() as lines:
        text = lines.read().decode("utf-8")
    verbs = set(re.findall(r"^(\S{2,4}) \d+ v\w*\r?$", text, re.MULTILINE))
    modifiers = set(re.findall(r"^(\S{2,4}) \d+ (?:a|ad|b|d|t|z)\r?$", text, re.MULTILINE))
    for word in list(verbs)[:5000] + list(modifiers)[:5000] + keys[:5000]:
        assert segment.is_modifier(word) == (word in modifiers), word
        assert segment.is_verb(word) == (word in verbs and word not in modifiers), word


def test_damaged_index_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prebuilt.tempfile, "gettempdir", lambda: str(tmp_path))
    segment._dictionary.cache_clear()
    try:
        built = segment._dictionary()  # nothing there: built and written
        path = segment._index_file(segment._dictionary_file())
        assert path.is_file()
        segment._dictionary.cache_clear()
        assert np.array_equal(segment._dictionary().hashes, built.hashes)  # read back
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0xFF  # a flipped byte: the zip's CRC no longer holds
        path.write_bytes(bytes(data))
        segment._dictionary.cache_clear()
        again = segment._dictionary()
        assert np.array_equal(again.hashes, built.hashes)
        assert again.cut("公共机构节约能源") == list(_jieba().cut("公共机构节约能源", HMM=False))
        path.write_bytes(b"not a zip")
        segment._dictionary.cache_clear()
        assert segment._dictionary().cut("环境保护设施") == list(_jieba().cut("环境保护设施", HMM=False))
    finally:
        segment._dictionary.cache_clear()


def _jieba_words(text: str) -> tuple[str, ...]:
    """words() as it was written on jieba's Tokenizer: cut, then compounds of four or more characters split
    once into the most balanced pair of dictionary words."""
    freq = _jieba().FREQ
    out: list[str] = []
    for word in _jieba().cut(text, HMM=False):
        splits = [k for k in range(2, len(word) - 1) if freq.get(word[:k]) and freq.get(word[k:])]
        if len(word) < 4 or not splits:
            out.append(word)
        else:
            k = min(splits, key=lambda k: abs(k - len(word) / 2))
            out.extend((word[:k], word[k:]))
    return tuple(out)


def test_words_equal_jieba_one_at_a_time_and_in_bulk() -> None:
    titles = _titles()
    segment._WORDS.clear()
    segment.prepare(titles)  # all at once
    bulk = [segment.words(t) for t in titles]
    segment._WORDS.clear()
    assert [segment.words(t) for t in titles] == bulk  # one at a time
    assert bulk == [_jieba_words(t) for t in titles]


@settings(max_examples=300, deadline=None)
@given(st.lists(TEXT, max_size=5))
def test_words_equal_jieba(texts: list[str]) -> None:
    segment._WORDS.clear()
    segment.prepare(texts)
    assert [segment.words(t) for t in texts] == [_jieba_words(t) for t in texts]


def test_index_of_another_type_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prebuilt.tempfile, "gettempdir", lambda: str(tmp_path))
    segment._dictionary.cache_clear()
    try:
        built = segment._dictionary()
        path = segment._index_file(segment._dictionary_file())
        arrays = {name: getattr(built, name) for name in ("hashes", "checks", "freqs", "classes")}
        arrays["freqs"] = arrays["freqs"].astype(np.float64)  # right CRC, wrong type
        arrays |= {"total": np.array(built.total), "longest": np.array(built.longest)}
        np.savez(path, checksum=np.array(segment._checksum(arrays), dtype=np.uint64), **arrays)
        segment._dictionary.cache_clear()
        again = segment._dictionary()
        assert again.freqs.dtype == np.int64
        assert again.cut("环境保护设施") == list(_jieba().cut("环境保护设施", HMM=False))
    finally:
        segment._dictionary.cache_clear()
