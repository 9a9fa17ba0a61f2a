"""The lint cache in the catalog's cache directory (``[catalog] cache_dir``, default ``.gbstd-cache``).

Three JSON files (JSON, not pickle: a cache directory can arrive inside a hostile repository, and reading it
must never run code):

- ``files.json``: path → size, mtime, ctime, inode, SHA-256 of the content and when it was hashed. The hash
  is reused without re-reading the file only while size, mtime, ctime and inode are all unchanged and the
  file had not been modified within 2 s of being hashed (a "racy" file is hashed again, as git does).
- ``records.json``: content hash → parsed YAML data and load-time findings (Y***, C001) of that content.
  Valid for one tool fingerprint and one configuration; otherwise ignored as a whole.
- ``result.json``: the findings of the last complete run with the digest of everything they depend on (the
  content hash of every file in the catalog, the configuration, ``--as-of``, the rule selection, the reported
  paths, the tool fingerprint). Rules run again whenever any of that changes.

Each file is replaced atomically (:func:`write_atomic`). Two runs racing each write complete files, and every
entry checks itself (content-addressed or digest-checked), so whichever write lands last is consistent. A
missing, corrupt or foreign cache file means a cold run, never an error; an unwritable cache directory means
no cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import gbstd
from gbstd.catalog.atomic import write_atomic
from gbstd.catalog.yamlio import Fingerprint
from gbstd.findings import Finding, Severity
from gbstd.i18n import Text
from gbstd.model.config import Config

FORMAT = 1
RACY_NS = 2_000_000_000  # a file modified this close to its hashing may change again unseen in the same tick


@lru_cache(maxsize=1)
def tool_fingerprint() -> str:
    """The version plus the size and mtime of every module: editing a rule invalidates the cache."""
    package = Path(gbstd.__file__).parent
    digest = hashlib.sha256(f"{gbstd.__version__}|{FORMAT}".encode())
    for path in sorted(package.rglob("*.py")):
        info = path.stat()
        digest.update(f"{path.relative_to(package).as_posix()}|{info.st_size}|{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:32]


def config_digest(config: Config) -> str:
    return hashlib.sha256(config.model_dump_json().encode()).hexdigest()[:32]


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def is_plain_data(value: Any, depth: int = 0) -> bool:
    """True when JSON keeps ``value`` exactly (string keys only; no bytes, sets, tuples or dates)."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return True
    if depth > 100:
        return False
    if isinstance(value, list):
        return all(is_plain_data(item, depth + 1) for item in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and is_plain_data(v, depth + 1) for k, v in value.items())
    return False


def finding_to_json(finding: Finding, with_path: bool = True) -> list[Any]:
    row = [finding.rule, finding.message.zh, finding.message.en, finding.record, list(finding.loc), finding.key,
           finding.line, finding.column, finding.severity.value]
    return [finding.path, *row] if with_path else row


def finding_from_json(row: list[Any], path: str | None = None) -> Finding:
    if path is None:
        path, *row = row
    rule, zh, en, record, loc, key, line, column, severity = row
    return Finding(rule, Text(zh, en), path, record, tuple(loc), bool(key), int(line), int(column),
                   Severity(severity))


@dataclass
class Cache:
    """The cache of one catalog; ``load`` reads what is there, ``save`` writes what changed."""

    directory: Path
    tool: str
    config: str
    files: dict[str, list[Any]] = field(default_factory=dict)
    records: dict[str, list[Any]] = field(default_factory=dict)
    result: dict[str, Any] | None = None
    _dirty_files: bool = False
    _dirty_records: bool = False

    @classmethod
    def open(cls, root: Path, config: Config) -> Cache:
        cache = cls(root / config.catalog.cache_dir, tool_fingerprint(), config_digest(config))
        cache.files = cache._read("files.json", lambda d: d.get("files"), dict)
        cache.records = cache._read(
            "records.json",
            lambda d: d.get("records") if d.get("tool") == cache.tool and d.get("config") == cache.config else None,
            dict,
        )
        return cache

    def _read(self, name: str, pick: Any, kind: type) -> Any:
        try:
            document = json.loads((self.directory / name).read_bytes())
            value = pick(document) if isinstance(document, dict) and document.get("format") == FORMAT else None
        except (OSError, ValueError, RecursionError):
            value = None
        return value if isinstance(value, kind) else kind()

    # --- content hashes -------------------------------------------------------------------------------
    def known_hash(self, rel: str, fingerprint: Fingerprint) -> str | None:
        """The content hash of ``rel`` when its fingerprint shows it unchanged since it was hashed."""
        entry = self.files.get(rel)
        if not isinstance(entry, list) or len(entry) != 6:
            return None
        size, mtime, ctime, inode, sha, checked = entry
        if [size, mtime, ctime, inode] != list(fingerprint) or not isinstance(sha, str):
            return None
        if not isinstance(checked, int) or checked - max(mtime, ctime) < RACY_NS:
            return None
        return sha

    def remember_hash(self, rel: str, fingerprint: Fingerprint, sha: str) -> None:
        entry = [*fingerprint, sha, time.time_ns()]
        if self.files.get(rel) != entry:
            self.files[rel] = entry
            self._dirty_files = True

    def forget_missing(self, present: Iterable[str]) -> None:
        keep = set(present)
        gone = [rel for rel in self.files if rel not in keep]
        for rel in gone:
            del self.files[rel]
        self._dirty_files = self._dirty_files or bool(gone)

    # --- parsed records ---------------------------------------------------------------------------------
    def parsed(self, sha: str) -> tuple[Any, list[list[Any]]] | None:
        entry = self.records.get(sha)
        if isinstance(entry, list) and len(entry) == 2 and isinstance(entry[1], list):
            return entry[0], entry[1]
        return None

    def remember_parsed(self, sha: str, data: Any, findings: list[Finding]) -> None:
        if is_plain_data(data):
            self.records[sha] = [data, [finding_to_json(f, with_path=False) for f in findings]]
            self._dirty_records = True

    def keep_records(self, hashes: set[str]) -> None:
        """Drop parsed data of contents no longer in the catalog, so the cache does not grow forever."""
        stale = [sha for sha in self.records if sha not in hashes]
        for sha in stale:
            del self.records[sha]
        self._dirty_records = self._dirty_records or bool(stale)

    # --- complete results -------------------------------------------------------------------------------
    def result_for(self, digest: str) -> dict[str, Any] | None:
        if self.result is None:
            self.result = self._read("result.json", lambda d: d, dict)
        return self.result if self.result.get("digest") == digest else None

    def remember_result(self, digest: str, payload: dict[str, Any]) -> None:
        self.result = {"format": FORMAT, "digest": digest, **payload}
        self._write("result.json", self.result)

    # --- writing ----------------------------------------------------------------------------------------
    def save(self) -> None:
        if self._dirty_files:
            self._write("files.json", {"format": FORMAT, "files": self.files})
            self._dirty_files = False
        if self._dirty_records:
            self._write("records.json", {"format": FORMAT, "tool": self.tool, "config": self.config,
                                         "records": self.records})
            self._dirty_records = False

    def _write(self, name: str, document: dict[str, Any]) -> None:
        try:
            if not self.directory.is_dir():
                self.directory.mkdir(parents=True, exist_ok=True)
                # Ignored by git wherever it lives, and recognised by backup tools as a cache.
                write_atomic(self.directory / ".gitignore", "# created by gbstd\n*\n")
                write_atomic(self.directory / "CACHEDIR.TAG",
                             "Signature: 8a477f597d28d172789f06886806bc55\n# gbstd lint cache\n")
            text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
            write_atomic(self.directory / name, text, fsync=False)
        except (OSError, ValueError):
            pass  # a read-only checkout or a full disk: run without a cache rather than fail


def input_digest(parts: Iterable[str]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


def file_hashes(root: Path, rels: Iterable[str], cache: Cache | None, max_size: int) -> dict[str, str | None]:
    """Content hash of each file (None when it cannot be read), reusing the cache's where it can."""
    hashes: dict[str, str | None] = {}
    for rel in rels:
        path = os.path.join(root, rel)
        try:
            info = os.stat(path)
        except OSError:
            hashes[rel] = None
            continue
        fingerprint = (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
        known = cache.known_hash(rel, fingerprint) if cache else None
        if known is None:
            try:
                with open(path, "rb") as handle:
                    data = handle.read(max_size + 1)
            except OSError:
                hashes[rel] = None
                continue
            known = content_hash(data)
            if cache is not None:
                cache.remember_hash(rel, fingerprint, known)
        hashes[rel] = known
    return hashes
