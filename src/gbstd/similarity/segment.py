"""Word segmentation of Chinese titles with jieba's dictionary (it ships with the jieba package).

Titles are cut with the dictionary only (jieba's ``cut(text, HMM=False)``: no guessing of unknown words, so the
result is stable), and dictionary compounds are split once more into two dictionary words (环境保护 → 环境 +
保护): an abbreviation takes its characters from those finer words (环保), and a thesaurus lists them, not the
compounds.

Why not jieba's own ``Tokenizer``: it loads the whole dictionary into a dict of half a million words (about
0.5 s, plus 0.1–0.3 s to import jieba) though a run asks it of a few thousand titles. Here the dictionary is read
once into a compact index (:class:`_Dictionary`: 64-bit hashes of every word and word prefix, sorted, with the
words themselves to confirm a hit), kept beside jieba's own cache and read from there on later runs (a few milliseconds); the cut follows
jieba's code step for step (``get_DAG``, ``calc``, ``__cut_DAG_NO_HMM``, ``cut``), and tests hold it equal to
jieba's on every title of the sample catalog and on generated text.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import io
import re
import tempfile
import zipfile
import zlib
from functools import lru_cache
from math import log
from pathlib import Path

import numpy as np

from gbstd.catalog.atomic import write_atomic

# jieba's own patterns (jieba/__init__.py): the runs it segments, whitespace, and the "English" characters that a
# dictionary-only cut glues back together.
_HAN = re.compile("([\u4e00-\u9fd5a-zA-Z0-9+#&\\._%\\-]+)", re.U)
_SKIP = re.compile("(\r\n|\\s)", re.U)
_ENG = re.compile("[a-zA-Z0-9]", re.U)

# jieba's tags of words that modify and never name a thing: adjectives, distinguishing words, adverbs, time words.
_MODIFIER_TAGS = frozenset(("a", "ad", "b", "d", "t", "z"))
_CLASSES = {"": 0, "v": 1, "m": 2}

_PRIME = np.uint64(0x100000001B3)  # FNV's 64-bit prime: a polynomial hash of code points, wrapping at 2**64
_FORMAT = 1  # of the index file; a new layout gets a new file name
_ARRAYS = ("hashes", "freqs", "classes", "offsets", "words", "total", "longest")


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


def _hashes(points: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The hash of each text of a padded (texts × longest) array of code points + 1 (0 after a text's end)."""
    out = np.zeros(len(points), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for column in range(points.shape[1] if points.ndim == 2 else 0):
            live = lengths > column
            out[live] = out[live] * _PRIME + points[live, column]
    return out


class _Dictionary:
    """jieba's prefix dictionary (``Tokenizer.FREQ`` and ``total``) as sorted arrays: ``hashes`` of every word
    and word prefix, their ``freqs`` (0 for a prefix that is no word), ``classes`` (verbal or modifier, for
    words of two to four characters), and ``words`` in the same order, '\\n'-joined, to confirm a hit."""

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        self.hashes = arrays["hashes"]
        self.freqs = arrays["freqs"]
        self.classes = arrays["classes"]
        self.offsets = arrays["offsets"]
        self.words = str(arrays["words"][()])
        self.total = int(arrays["total"][()])
        self.longest = int(arrays["longest"][()])
        self.log_total = log(self.total)
        ok = (len(self.hashes) == len(self.freqs) == len(self.classes) == len(self.offsets) - 1
              and int(self.offsets[-1]) <= len(self.words) + 1 and self.longest > 0)
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
        hashes = cls._hash_texts(keys)
        order = np.argsort(hashes, kind="stable")
        keys = [keys[i] for i in order.tolist()]
        lengths = np.fromiter((len(k) + 1 for k in keys), dtype=np.int64, count=len(keys))
        offsets = np.zeros(len(keys) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        return {
            "hashes": hashes[order],
            "freqs": np.fromiter((freq[k] for k in keys), dtype=np.int64, count=len(keys)),
            "classes": np.fromiter((_CLASSES[found.get(k, "")] for k in keys), dtype=np.int8, count=len(keys)),
            "offsets": offsets,
            "words": np.array("\n".join(keys) + "\n"),
            "total": np.array(total),
            "longest": np.array(max(map(len, keys))),
        }

    @staticmethod
    def _hash_texts(texts: list[str]) -> np.ndarray:
        lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
        width = int(lengths.max()) if len(texts) else 0
        padded = "".join(t.ljust(width, "\0") for t in texts)
        points = np.frombuffer(padded.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64) + np.uint64(1)
        return _hashes(points.reshape(len(texts), width), lengths)

    def find(self, texts: list[str]) -> np.ndarray:
        """Index of each text among the keys, -1 where it is none."""
        if not texts:
            return np.zeros(0, dtype=np.int64)
        wanted = self._hash_texts(texts)
        at = np.minimum(np.searchsorted(self.hashes, wanted), len(self.hashes) - 1)
        out = np.where(self.hashes[at] == wanted, at, -1)
        offsets, words = self.offsets, self.words
        for k in np.flatnonzero(out >= 0).tolist():  # a hash is no proof: compare the word itself
            index = int(out[k])
            if words[int(offsets[index]) : int(offsets[index + 1]) - 1] != texts[k]:
                out[k] = -1
        return out

    def freq(self, text: str) -> int | None:
        """``Tokenizer.FREQ.get(text)``: the word's count, 0 for a prefix that is no word, None for neither."""
        index = int(self.find([text])[0])
        return None if index < 0 else int(self.freqs[index])

    def _dag(self, sentence: str) -> tuple[dict[int, list[int]], dict[tuple[int, int], int]]:
        """jieba's ``get_DAG``, and the count of each word in it (``calc`` reads them)."""
        n = len(sentence)
        spans = [(k, end) for k in range(n) for end in range(k + 1, min(n, k + self.longest) + 1)]
        found = self.find([sentence[k:end] for k, end in spans]).tolist()
        known = {span: (int(self.freqs[i]) if i >= 0 else None) for span, i in zip(spans, found, strict=True)}
        dag: dict[int, list[int]] = {}
        counts: dict[tuple[int, int], int] = {}
        for k in range(n):
            ends = []
            i = k
            count = known.get((k, k + 1))
            while i < n and count is not None:  # frag in FREQ
                if count:
                    ends.append(i)
                    counts[(k, i + 1)] = count
                i += 1
                count = known.get((k, i + 1))
            dag[k] = ends or [k]
        return dag, counts

    def _cut_dag(self, sentence: str) -> list[str]:
        """jieba's ``__cut_DAG_NO_HMM``: the most probable path through the DAG, single letters and digits joined."""
        dag, counts = self._dag(sentence)
        n = len(sentence)
        route: dict[int, tuple[float, int]] = {n: (0, 0)}
        log_total = self.log_total
        for idx in range(n - 1, -1, -1):
            route[idx] = max((log(counts.get((idx, x + 1)) or 1) - log_total + route[x + 1][0], x) for x in dag[idx])
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

    def cut(self, sentence: str) -> list[str]:
        """jieba's ``Tokenizer.cut(sentence, HMM=False)``."""
        out: list[str] = []
        for block in _HAN.split(sentence):
            if not block:
                continue
            if _HAN.match(block):
                out.extend(self._cut_dag(block))
            else:
                for piece in _SKIP.split(block):
                    if _SKIP.match(piece):
                        out.append(piece)
                    else:
                        out.extend(piece)
        return out


def _index_file(source: Path) -> Path:
    """Where the index of ``source`` is kept: beside jieba's own cache (the temporary directory), named by the
    dictionary's path, size and time and the index's format, so a changed dictionary gets a new index."""
    state = source.stat()
    key = f"{_FORMAT}\0{source.resolve()}\0{state.st_size}\0{state.st_mtime_ns}"
    return Path(tempfile.gettempdir()) / f"gbstd-jieba-{hashlib.sha256(key.encode()).hexdigest()[:16]}.npz"


@lru_cache(maxsize=1)
def _dictionary() -> _Dictionary:
    """The index, from its file when a sound one is there, else built (and written for the next run). A damaged
    file is rebuilt, never trusted: a CRC-32 of the arrays and their shapes are checked."""
    source = _dictionary_file()
    path = _index_file(source)
    try:
        with np.load(path, allow_pickle=False) as stored:
            arrays = {name: stored[name] for name in (*_ARRAYS, "checksum")}
        if int(arrays["checksum"][()]) == _checksum(arrays):
            return _Dictionary(arrays)
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        pass
    arrays = _Dictionary.build(source)
    buffer = io.BytesIO()
    np.savez(buffer, checksum=np.array(_checksum(arrays), dtype=np.uint64), **arrays)
    with contextlib.suppress(OSError):  # a read-only temporary directory: the index serves this run only
        write_atomic(path, buffer.getvalue(), fsync=False)
    return _Dictionary(arrays)


def is_word(text: str) -> bool:
    """True when ``text`` is an entry of jieba's dictionary."""
    return bool(_dictionary().freq(text))


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
    for token in _dictionary().cut(text):
        out.extend(_split(token))
    return tuple(out)


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
