"""Word segmentation of Chinese titles with jieba's dictionary (it ships with the jieba package).

Titles are cut with the dictionary only (jieba's ``cut(text, HMM=False)``: no guessing of unknown words, so the
result is stable), and dictionary compounds are split once more into two dictionary words (环境保护 → 环境 +
保护): an abbreviation takes its characters from those finer words (环保), and a thesaurus lists them, not the
compounds.

Why not jieba's own ``Tokenizer``: it loads the whole dictionary into a dict of half a million words (about
0.5 s, plus 0.1–0.3 s to import jieba) though a run asks it of a few thousand titles. Here the dictionary is read
once into a compact index (:class:`_Dictionary`: two 64-bit hashes of every word and word prefix, sorted), kept
beside jieba's own cache and read from there by later runs (a few milliseconds); every substring of many texts
is looked up in one numpy pass (:func:`prepare`), and the cut follows jieba's code step for step (``get_DAG``,
``calc``, ``__cut_DAG_NO_HMM``, ``cut``). Tests hold it equal to jieba's on every title of the sample catalog
and on generated text.
"""

from __future__ import annotations

import importlib.util
import io
import re
import zlib
from collections.abc import Iterable, Mapping
from functools import lru_cache
from math import log
from pathlib import Path

import numpy as np

from gbstd.similarity.prebuilt import index_file, kept_or_built

# jieba's own patterns (jieba/__init__.py): the runs it segments, whitespace, and the "English" characters that a
# dictionary-only cut glues back together.
_HAN = re.compile("([\u4e00-\u9fd5a-zA-Z0-9+#&\\._%\\-]+)", re.U)
_SKIP = re.compile("(\r\n|\\s)", re.U)
_ENG = re.compile("[a-zA-Z0-9]", re.U)

# jieba's tags of words that modify and never name a thing: adjectives, distinguishing words, adverbs, time words.
_MODIFIER_TAGS = frozenset(("a", "ad", "b", "d", "t", "z"))
_CLASSES = {"": 0, "v": 1, "m": 2}

# Two polynomial hashes of a text's code points, wrapping at 2**64: the first finds a key, the second confirms it
# (texts of at most 16 characters: two independent 64-bit hashes agreeing by chance is not to be expected).
_PRIME = np.uint64(0x100000001B3)  # FNV's 64-bit prime
_CHECK_PRIME = np.uint64(0x9E3779B97F4A7C15)
_CHECK_MIX = np.uint64(0x5851F42D4C957F2D)
_FORMAT = 2  # of the index file; a new layout gets a new file name
_ARRAYS = ("hashes", "checks", "freqs", "classes", "total", "longest")


def _checksum(arrays: dict[str, np.ndarray]) -> int:
    """CRC-32 of every array's bytes: numpy reads an .npz member without checking the zip's own CRC."""
    crc = 0
    for name in _ARRAYS:
        crc = zlib.crc32(np.ascontiguousarray(arrays[name]).view(np.uint8).reshape(-1), crc)
    return crc


def _dictionary_file() -> Path:
    """jieba's dictionary, found without importing jieba (its import alone costs 0.1–0.3 s)."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("jieba")
    return Path(next(iter(spec.submodule_search_locations))) / "dict.txt"


def _extend(hashes: np.ndarray, checks: np.ndarray, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Both hashes of texts one code point (+ 1) longer."""
    with np.errstate(over="ignore"):
        return hashes * _PRIME + points, checks * _CHECK_PRIME + (points ^ _CHECK_MIX)


class _Dictionary:
    """jieba's prefix dictionary (``Tokenizer.FREQ`` and ``total``) as arrays sorted by ``hashes`` of every word
    and word prefix: their ``checks`` (the second hash), ``freqs`` (0 for a prefix that is no word) and
    ``classes`` (verbal or modifier, for words of two to four characters)."""

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        self.hashes = arrays["hashes"]
        self.checks = arrays["checks"]
        self.freqs = arrays["freqs"]
        self.classes = arrays["classes"]
        self.total = int(arrays["total"][()])
        self.longest = int(arrays["longest"][()])
        self.log_total = log(self.total)
        ok = (len(self.hashes) == len(self.checks) == len(self.freqs) == len(self.classes) > 0
              and self.hashes.dtype == self.checks.dtype == np.uint64 and self.freqs.dtype == np.int64
              and self.classes.dtype == np.int8 and self.hashes.ndim == 1
              and self.longest > 0 and self.total > 0)
        if not ok:
            raise ValueError("inconsistent dictionary index")

    @classmethod
    def build(cls, source: Path) -> dict[str, np.ndarray]:
        """The arrays, from jieba's ``dict.txt`` exactly as ``Tokenizer.gen_pfdict`` reads it."""
        freq: dict[str, int] = {}
        total = 0
        with source.open("rb") as lines:
            for line in lines:
                word, count = line.strip().decode("utf-8").split(" ")[:2]
                number = int(count)
                freq[word] = number
                total += number
                for end in range(1, len(word)):
                    freq.setdefault(word[:end], 0)
        text = source.read_bytes().decode("utf-8")
        # segment.is_verb / is_modifier's classes, read as they always were: two to four characters, by tag
        tags = "|".join(sorted(_MODIFIER_TAGS))
        found = {word: "v" for word in re.findall(r"^(\S{2,4}) \d+ v\w*\r?$", text, re.MULTILINE)}
        found.update((word, "m") for word in re.findall(rf"^(\S{{2,4}}) \d+ (?:{tags})\r?$", text, re.MULTILINE))
        keys = list(freq)
        hashes, checks = cls._hash_texts(keys)
        order = np.argsort(hashes, kind="stable")
        hashes, checks = hashes[order], checks[order]
        if (hashes[1:] == hashes[:-1]).any():  # then searchsorted would find one of two keys only
            raise ValueError("two dictionary keys share a hash")
        keys = [keys[i] for i in order.tolist()]
        return {
            "hashes": hashes,
            "checks": checks,
            "freqs": np.fromiter((freq[k] for k in keys), dtype=np.int64, count=len(keys)),
            "classes": np.fromiter((_CLASSES[found.get(k, "")] for k in keys), dtype=np.int8, count=len(keys)),
            "total": np.array(total),
            "longest": np.array(max(map(len, keys))),
        }

    @staticmethod
    def _hash_texts(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Both hashes of each text."""
        lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
        width = int(lengths.max()) if len(texts) else 0
        padded = "".join(t.ljust(width, "\0") for t in texts)
        points = np.frombuffer(padded.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
        points = (points + np.uint64(1)).reshape(len(texts), width)
        hashes = np.zeros(len(texts), dtype=np.uint64)
        checks = np.zeros(len(texts), dtype=np.uint64)
        for column in range(width):
            live = lengths > column
            hashes[live], checks[live] = _extend(hashes[live], checks[live], points[live, column])
        return hashes, checks

    def _lookup(self, hashes: np.ndarray, checks: np.ndarray) -> np.ndarray:
        """Index of the key with both hashes, -1 where there is none."""
        at = np.minimum(np.searchsorted(self.hashes, hashes), len(self.hashes) - 1)
        return np.where((self.hashes[at] == hashes) & (self.checks[at] == checks), at, -1)

    def find(self, texts: list[str]) -> np.ndarray:
        """Index of each text among the keys, -1 where it is none."""
        return self._lookup(*self._hash_texts(texts)) if texts else np.zeros(0, dtype=np.int64)

    def freq(self, text: str) -> int | None:
        """``Tokenizer.FREQ.get(text)``: the word's count, 0 for a prefix that is no word, None for neither."""
        index = int(self.find([text])[0])
        return None if index < 0 else int(self.freqs[index])

    def spans(self, texts: list[str]) -> list[list[list[int]]]:
        """For each text, a table: ``table[start][size - 1]`` is ``FREQ.get`` of the text's ``size`` characters
        from ``start`` (-1 for no key), for sizes up to ``longest``; every substring of every text hashed and
        looked up in one pass."""
        if not texts:
            return []
        joined = "".join(texts)
        points = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
        points += np.uint64(1)
        lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
        bounds = np.cumsum(lengths)
        ends = np.repeat(bounds, lengths)  # where each character's text ends in ``joined``
        positions = np.arange(len(points), dtype=np.int64)
        table = np.full((len(points), self.longest), -1, dtype=np.int64)
        hashes = np.zeros(len(points), dtype=np.uint64)
        checks = np.zeros(len(points), dtype=np.uint64)
        for size in range(1, self.longest + 1):
            at = np.flatnonzero(positions + size <= ends)
            if not len(at):
                break
            # the hashes of joined[p : p + size] from those of joined[p : p + size - 1]; a substring that ran
            # past its text is not extended again (``at`` shrinks as ``size`` grows)
            hashes[at], checks[at] = _extend(hashes[at], checks[at], points[at + size - 1])
            index = self._lookup(hashes[at], checks[at])
            hit = index >= 0
            table[at[hit], size - 1] = self.freqs[index[hit]]
        rows = table.tolist()
        return [rows[stop - length : stop] for stop, length in zip(bounds.tolist(), lengths.tolist(), strict=True)]

    def _cut_dag(self, sentence: str, known: list[list[int]], at: int) -> list[str]:
        """jieba's ``get_DAG``, ``calc`` and ``__cut_DAG_NO_HMM`` on a run of ``sentence`` (its characters from
        ``at`` in the text that ``known``, a :meth:`spans` table, describes): the most probable path through
        the dictionary words, single letters and digits joined."""
        n = len(sentence)
        longest, log_total = self.longest, self.log_total
        # dag[k]: (end index, count or 1) of each word from k; get_DAG stops at the first fragment that is no
        # key, and a character that starts no word is a word of its own (calc counts it as 1)
        dag: list[list[tuple[int, int]]] = []
        for k in range(n):
            row = known[at + k]
            ends = []
            for size in range(min(n - k, longest)):
                count = row[size]
                if count < 0:
                    break
                if count:
                    ends.append((k + size, count))
            dag.append(ends or [(k, 1)])
        route: list[tuple[float, int]] = [(0, 0)] * (n + 1)
        for idx in range(n - 1, -1, -1):
            route[idx] = max((log(count) - log_total + route[x + 1][0], x) for x, count in dag[idx])
        out: list[str] = []
        x = 0
        buf = ""
        while x < n:
            y = route[x][1] + 1
            word = sentence[x:y]
            if _ENG.match(word) and len(word) == 1:
                buf += word
            else:
                if buf:
                    out.append(buf)
                    buf = ""
                out.append(word)
            x = y
        if buf:
            out.append(buf)
        return out

    def cut(self, sentence: str, known: list[list[int]] | None = None) -> list[str]:
        """jieba's ``Tokenizer.cut(sentence, HMM=False)``; ``known``: :meth:`spans` of ``sentence``."""
        if known is None:
            known = self.spans([sentence])[0]
        out: list[str] = []
        at = 0
        for block in _HAN.split(sentence):
            if not block:
                continue
            if _HAN.match(block):
                out.extend(self._cut_dag(block, known, at))
            else:
                for piece in _SKIP.split(block):
                    if _SKIP.match(piece):
                        out.append(piece)
                    else:
                        out.extend(piece)
            at += len(block)
        return out


def _index_file(source: Path) -> Path:
    """Where the index of ``source`` is kept: beside jieba's own cache (the temporary directory)."""
    return index_file("jieba", source, _FORMAT, ".npz")


def _read_index(data: bytes) -> _Dictionary:
    """The index from its file's bytes; ValueError unless its arrays' CRC-32 holds (numpy does not check the
    zip's)."""
    with np.load(io.BytesIO(data), allow_pickle=False) as stored:
        arrays = {name: stored[name] for name in (*_ARRAYS, "checksum")}
    if int(arrays["checksum"][()]) != _checksum(arrays):
        raise ValueError("damaged index")
    return _Dictionary(arrays)


def _build_index(source: Path) -> tuple[_Dictionary, bytes]:
    arrays = _Dictionary.build(source)
    buffer = io.BytesIO()
    np.savez(buffer, checksum=np.array(_checksum(arrays), dtype=np.uint64), **arrays)
    return _Dictionary(arrays), buffer.getvalue()


@lru_cache(maxsize=1)
def _dictionary() -> _Dictionary:
    """The index, from its file when a sound one is there, else built (and written for the next run): see
    :mod:`gbstd.similarity.prebuilt`."""
    source = _dictionary_file()
    return kept_or_built(_index_file(source), _read_index, lambda: _build_index(source))


def is_word(text: str) -> bool:
    """True when ``text`` is an entry of jieba's dictionary."""
    return bool(_dictionary().freq(text))


def _split(word: str, at: int, known: list[list[int]]) -> list[str]:
    """A compound of four or more characters (at ``at`` of a text whose substrings are ``known``) as two
    dictionary words (the most balanced split), else itself."""
    if len(word) < 4:
        return [word]
    middle = len(word) / 2
    longest = _dictionary().longest  # a longer fragment is no word

    def counted(start: int, end: int) -> bool:
        return end - start <= longest and known[start][end - start - 1] > 0

    splits = [k for k in range(2, len(word) - 1) if counted(at, at + k) and counted(at + k, at + len(word))]
    if not splits:
        return [word]
    k = min(splits, key=lambda k: abs(k - middle))
    return [word[:k], word[k:]]


_WORDS: dict[str, tuple[str, ...]] = {}  # words() of each text asked for (the texts are a run's subjects)
_WORDS_LIMIT = 200_000


def _segment(texts: list[str]) -> list[tuple[str, ...]]:
    """:func:`words` of each text, with one dictionary lookup for all."""
    dictionary = _dictionary()
    tables = [table for start in range(0, len(texts), 2000)  # bounded: a table is 16 numbers a character
              for table in dictionary.spans(texts[start : start + 2000])]
    out: list[tuple[str, ...]] = []
    for text, known in zip(texts, tables, strict=True):
        parts: list[str] = []
        at = 0
        for token in dictionary.cut(text, known):
            parts.extend(_split(token, at, known))
            at += len(token)
        out.append(tuple(parts))
    return out


def prepare(texts: Iterable[str]) -> None:
    """Segment many texts at once, for :func:`words` to answer from."""
    todo = list(dict.fromkeys(t for t in texts if t and t not in _WORDS))
    if not todo:
        return
    if len(_WORDS) + len(todo) > _WORDS_LIMIT:
        _WORDS.clear()
    _WORDS.update(zip(todo, _segment(todo), strict=True))


def remember(known: Mapping[str, tuple[str, ...]]) -> None:
    """Take texts' words as an earlier run worked them out (:mod:`gbstd.similarity.learned`)."""
    if len(_WORDS) + len(known) > _WORDS_LIMIT:
        _WORDS.clear()
    if len(known) <= _WORDS_LIMIT:
        _WORDS.update(known)


def known_words(texts: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The words of those of ``texts`` already segmented."""
    return {text: _WORDS[text] for text in texts if text in _WORDS}


def words(text: str) -> tuple[str, ...]:
    """``text`` cut into dictionary words, compounds split (公共机构节约能源 → 公共 机构 节约 能源)."""
    if not text:
        return ()
    found = _WORDS.get(text)
    if found is None:
        if len(_WORDS) >= _WORDS_LIMIT:
            _WORDS.clear()
        found = _WORDS[text] = _segment([text])[0]
    return found


@lru_cache(maxsize=65536)
def _class(word: str) -> int:
    """Words of two to four characters that jieba's dictionary tags as verbal (v, vn, vd… → 1) or as modifiers
    (→ 2); 0 otherwise."""
    if not 2 <= len(word) <= 4:
        return 0
    dictionary = _dictionary()
    index = int(dictionary.find([word])[0])
    return 0 if index < 0 else int(dictionary.classes[index])


def is_verb(word: str) -> bool:
    """True when jieba's dictionary tags ``word`` as verbal (维修, 考核, 巡检)."""
    return _class(word) == _CLASSES["v"]


def is_modifier(word: str) -> bool:
    """True when jieba's dictionary tags ``word`` as a modifier that never names a thing (日常, 临时, 一般)."""
    return _class(word) == _CLASSES["m"]
