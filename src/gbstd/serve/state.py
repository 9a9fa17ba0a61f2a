"""What the web editor's routes share: the catalog root, the language, the sessions, pending uploads, and
rendering a page (the report templates' sandboxed, autoescaping environment, on plain view data)."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from starlette.requests import Request
from starlette.responses import HTMLResponse

from gbstd.catalog.cache import (
    RACY_NS,
    Cache,
    StoredResult,
    cache_wanted,
    config_digest,
    content_hash,
    finding_from_json,
    input_digest,
)
from gbstd.catalog.catalog import Catalog
from gbstd.catalog.config_file import CatalogError, find_root, load_config
from gbstd.catalog.federation import is_federation
from gbstd.catalog.loader import Reusable, load_catalog_cached, reusable
from gbstd.catalog.writelock import catalog_writing
from gbstd.catalog.yamlio import read_bytes
from gbstd.engine import Selection
from gbstd.findings import Finding
from gbstd.i18n import Lang, Text
from gbstd.linting import files_linted, lint_catalog, stored_result
from gbstd.plans import evidence_states
from gbstd.reports.templating import render
from gbstd.serve.paging import PAGE_SIZE
from gbstd.serve.security import Sessions
from gbstd.similarity import find_groups
from gbstd.undecodable import utf8_bytes

MAX_PENDING_UPLOADS = 8  # previews waiting for "apply": older ones are dropped
# A duplicate group on the page: its first members (upper tier first) and strongest pairs; the page says how
# many more there are (a subject copied by 300 cities made one group 85 KB of HTML; `gbstd dupes` lists all).
SHOWN_MEMBERS = 30
SHOWN_PAIRS = 20
LINT_TIMEOUT = 600  # seconds: a lint in its own process that takes longer is given up (this process lints then)


@dataclass
class Upload:
    name: str
    suffix: str
    data: bytes


def _stamps(catalog: Catalog, disk: list[tuple[str, int, int, int, int]] | None = None) -> list[str]:
    """Every file lint reads (as its result's digest lists them: records, system, notes, projects, plans, stray
    files, directories named like records) with the content hash this read of the catalog found for it, or
    else its size, times and inode, followed through links: any edit to any of them changes one. (A record
    file's hash was vouched for by a stat of it a moment ago: a second stat of each was 0.8 s of every page
    at 100 000 records.) ``disk``: the look made just before this read (:class:`_Disk`), instead of another walk
    and stat of every file."""
    root, hashes = catalog.root, catalog.hashes
    if disk is None:
        disk = _Disk.look(root, root / catalog.config.catalog.cache_dir).stamps
    stamps = []
    for rel, size, mtime, ctime, inode in disk:
        sha = hashes.get(rel)
        if sha is not None:
            stamps.append(f"{rel}#{sha}")
        elif size < 0:  # a broken link, a loop: what lint reports
            stamps.append(f"{rel}=!{-size}")
        else:
            stamps.append(f"{rel}={size}:{mtime}:{ctime}:{inode}")
    return stamps


@dataclass
class _Disk:
    """Every file a walk from the catalog root lists (as lint's result digest lists them) with its size, times
    and inode, followed through links; and the latest change time among them."""

    stamps: list[tuple[str, int, int, int, int]]  # path, size, mtime, ctime, inode (an error number, the rest 0)
    listed: set[str]
    newest: int

    @classmethod
    def look(cls, root: Path, cache_directory: Path) -> _Disk:
        listed = files_linted(root, cache_directory)
        prefix = os.path.join(root, "")  # joined as text: a Path per file was half of the look
        stamps, newest = [], 0
        for rel in listed:
            try:
                info = os.stat(prefix + rel)
            except OSError as exc:  # a broken link, a loop
                stamps.append((rel, -(exc.errno or 1), 0, 0, 0))
            else:
                stamps.append((rel, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino))
                newest = max(newest, info.st_mtime_ns, info.st_ctime_ns)
        return cls(stamps, set(listed), newest)


@dataclass
class _Read:
    """The catalog as a page last read it, the disk as it was just before, the record files changed too
    recently for their times to be trusted with the content hash each had in that read, and the stamps the
    lint of that catalog is kept under (:func:`_stamps`, once asked)."""

    catalog: Catalog
    disk: list[tuple[str, int, int, int, int]]
    racy: dict[str, str] = field(default_factory=dict)
    lint_stamps: list[str] | None = None

    def holds(self, root: Path, disk: _Disk, began: int) -> bool:
        """Whether the catalog is still the one on disk: the same look, and each racy file's content the one
        read (as git re-hashes a racy entry); a racy file that has settled since is trusted by its times."""
        if self.disk != disk.stamps:
            return False
        if not self.racy:
            return True
        limit = self.catalog.config.catalog.max_file_size
        for rel, sha in self.racy.items():  # read as the loader reads (no pipe, no link out of the root)
            data, _, _ = read_bytes(os.path.join(root, rel), limit, root)
            if data is None or content_hash(data) != sha:
                return False
        changed = {rel: max(mtime, ctime) for rel, _, mtime, ctime, _ in disk.stamps if rel in self.racy}
        self.racy = {rel: sha for rel, sha in self.racy.items() if began - changed.get(rel, began) < RACY_NS}
        return True


def _lint_elsewhere(root: Path, day: dt.date) -> None:
    """``gbstd lint`` of the catalog in a process of its own, leaving its result in the lint cache for this
    process to read. After an edit, the lint re-checks what the edit can affect: here, in a worker thread, it
    could fork no process for the duplicate rules and held a second copy of the catalog (22 s and 2.7 GiB
    after a title edit at 100 000 records); there it forks, and its memory is given back when it ends. Should
    it fail, this process lints as before."""
    command = [sys.executable, "-m", "gbstd", "lint", str(root), "--as-of", day.isoformat(), "--format", "json"]
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=LINT_TIMEOUT, check=False)


def _shown(finding: Finding, text: Callable[[Text], str]) -> tuple[str, str]:
    """A finding as a record's page lists it: the top-level field it is at ("" for none) and its line."""
    return (str(finding.loc[0]) if finding.loc else "",
            f"{text(finding.severity.label)} {finding.rule}: {text(finding.message)}")  # 警告, as lint says it


class _Findings(Protocol):
    def lines(self, rel: str) -> list[tuple[str, str]]: ...
    def close(self) -> None: ...


@dataclass
class _Kept:
    """A lint's findings, as pages show them, by file."""

    by_path: dict[str, list[tuple[str, str]]]

    def lines(self, rel: str) -> list[tuple[str, str]]:
        return list(self.by_path.get(rel, []))

    def close(self) -> None:
        self.by_path = {}


@dataclass
class _Stored:
    """Lint's stored result, open: a file's findings are read from the lines that hold them when its page asks
    (a national catalog's result is 200 MB, and decoding all of it for a page took seconds and gigabytes)."""

    result: StoredResult
    text: Callable[[Text], str]

    def lines(self, rel: str) -> list[tuple[str, str]]:
        rows = self.result.rows_of(rel)
        if rows is None:
            raise ValueError("the stored result's lines are not described")
        return [_shown(finding_from_json(row), self.text) for row in rows]

    def close(self) -> None:
        self.result.close()


@dataclass
class Server:
    root: Path
    lang: Lang = "zh"
    as_of: dt.date | None = None  # tests pin "today"; the server otherwise uses the real date
    sessions: Sessions = field(default_factory=Sessions)
    uploads: dict[str, Upload] = field(default_factory=dict)
    # uploads applied, by token → the table's name: the same apply sent again (a double click) is told so
    applied: dict[str, str] = field(default_factory=dict)
    # One writer at a time: two tabs saving at once must not interleave their read-check-write (and, through
    # :meth:`writing`, neither may two processes)
    lock: threading.Lock = field(default_factory=threading.Lock)
    page_size: int = PAGE_SIZE  # rows of a long list shown at a time (gbstd.serve.paging)
    # The duplicate groups of the catalog as it was last read, with the digest of what they depend on.
    _groups: tuple[str, list[dict[str, Any]]] | None = None
    _records: dict[str, Reusable] = field(default_factory=dict)  # the last read's records, for the next read
    # What lint found in the catalog as it was last read, as the pages show it (where, line) for a file, with
    # the digest of what it depends on: read from lint's stored result a file at a time, or else kept by file
    # from a lint in this process (two strings a finding: a national catalog has 350 000 findings).
    _findings: tuple[str, _Findings] | None = None
    _linting: threading.Lock = field(default_factory=threading.Lock)  # one lint at a time: the others wait for it
    _read: _Read | None = None  # the last read of the catalog, while the disk is known to be as it was then
    _unreached: str | None = None  # the configuration under which a walk of the root missed a file of the catalog

    def today(self) -> dt.date:
        return self.as_of or dt.date.today()

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Held while a request reads, checks and writes the catalog: this server's lock (its other tabs), then
        the catalog's write lock (another `gbstd serve` on it, `gbstd import`: :mod:`gbstd.catalog.writelock`),
        which :class:`~gbstd.catalog.writelock.Busy` says is held too long."""
        with self.lock, catalog_writing(find_root(self.root)):
            yield

    def catalog(self) -> Catalog:
        """The catalog as it is on disk now: every page reflects the files, edits made elsewhere included.

        When no file under the root changed size, times or inode since the last read, nothing was added or
        removed, and every file the catalog holds was reached by that look, the last read's catalog is the
        one on disk: it is given again (a page of a 100 000-record catalog made a new one, 1.0–2.1 s, where the
        look takes 0.4 s). The look is taken before a read, so that a write during the read shows at the next
        page. A file whose last change is less than ``RACY_NS`` older than the look might change again in
        the same clock tick, leaving its times as they were: a record file's content is then checked at each
        look against the hash the read had (one just saved from a page), until it has settled, and a read
        with any other such file is not kept. Nor is one in which a file could not be read. A layout whose
        files the walk does not reach (records behind a link, in a hidden directory) is read on every page
        without a look, until the configuration changes. Otherwise, with the lint cache, a record whose file
        the cache vouches is unchanged since the last read is the one that read made (a page took 2.5 s, 1.3 s
        taking the records over)."""
        root = find_root(self.root)
        config = load_config(root)
        layout = config_digest(config)
        if self._unreached == layout:  # the walk does not reach the catalog's files: no look, a read every page
            return self._read_again(root)
        began = time.time_ns()
        disk = _Disk.look(root, root / config.catalog.cache_dir)
        last = self._read
        if last is not None and last.holds(root, disk, began):
            return last.catalog
        catalog = self._read_again(root)
        missing = set(catalog.files) - disk.listed
        if missing and not set(files_linted(root, root / config.catalog.cache_dir)).issuperset(missing):
            self._unreached = layout  # records behind a link, in a hidden directory (not one made meanwhile)
        # a file that could not be read (Y010) may be read at the next try (too many open files): not kept
        readable = not any(f.rule == "Y010" for f in catalog.load_findings)
        # files changed within RACY_NS of the look: a record file's content is checked at the next look
        # against the hash this read had (a record just saved from a page); any other such file: not kept
        racy = {rel: catalog.hashes.get(rel) for rel, _, mtime, ctime, _ in disk.stamps
                if began - max(mtime, ctime) < RACY_NS}
        if readable and not missing and all(racy.values()):
            self._read = _Read(catalog, disk.stamps, {rel: sha for rel, sha in racy.items() if sha})
        return catalog

    def _read_again(self, root: Path) -> Catalog:
        """The catalog read from disk, taking over the last read's records whose files the cache vouches for."""
        self._read = None
        catalog = load_catalog_cached(root, reuse=self._records)
        self._records = reusable(catalog)
        return catalog

    def duplicate_groups(self, catalog: Catalog) -> list[dict[str, Any]]:
        """The likely duplicate groups ``gbstd dupes`` lists, as page rows: found again only when a record
        file or the configuration changed since the last time (detection takes seconds on a national catalog,
        and every visit to the page asked for it again)."""
        files = sorted(catalog.hashes.items())
        key = input_digest([config_digest(catalog.config), *(f"{rel}={sha}" for rel, sha in files)])
        known = self._groups
        if known is not None and known[0] == key:
            return known[1]
        rows = [{"members": [{"code": r.key, "title": r.title} for r in group.members[:SHOWN_MEMBERS]],
                 "more_members": max(0, len(group.members) - SHOWN_MEMBERS),
                 "pairs": [{"a": p.a, "b": p.b, "score": round(p.score, 2), "kind": self.text(p.kind.label),
                            "reason": self.text(p.reason)} for p in group.pairs[:SHOWN_PAIRS]],
                 "more_pairs": max(0, len(group.pairs) - SHOWN_PAIRS)}
                for group in find_groups(catalog, catalog.config.duplicates).groups]
        self._groups = (key, rows)
        return rows

    def finding_lines(self, catalog: Catalog, rel: str) -> list[tuple[str, str]]:
        """What ``gbstd lint`` reports for one file, as the page shows each finding: the top-level field it is
        at ("" for none) and its line (severity, rule, message). From one lint of the whole catalog with the
        configuration's selection, kept until a file, the configuration or the day changes: each page ran
        every rule over the catalog for its one file (2.8 s a page at 10 000 records). The lint takes the lint
        cache's stored result, or re-checks what an edit can affect, when the catalog has a cache (it is not
        made here: only ``gbstd lint`` makes it)."""
        day = self.today()
        key = input_digest([config_digest(catalog.config), day.isoformat(), *self._lint_stamps(catalog),
                            *(f"evidence:{name}={state}" for name, state in sorted(evidence_states(catalog).items()))])
        with self._linting:
            known = self._findings
            if known is None or known[0] != key:
                if known is not None:
                    known[1].close()
                self._findings = None
                known = self._findings = (key, self._lint(catalog, day))
            try:
                return known[1].lines(rel)
            except (OSError, ValueError, TypeError, IndexError, RecursionError):  # a damaged stored result
                known[1].close()
                known = self._findings = (key, self._lint(catalog, day, stored=False))
                return known[1].lines(rel)

    def _lint_stamps(self, catalog: Catalog) -> list[str]:
        """:func:`_stamps` of ``catalog``, made once while it is the catalog on disk (each page asked for them:
        another walk and a stat of every file that is not a record), from the look made before it was read."""
        read = self._read
        if read is None or read.catalog is not catalog:
            return _stamps(catalog)
        if read.lint_stamps is None:
            read.lint_stamps = _stamps(catalog, read.disk)
        return read.lint_stamps

    def _lint(self, catalog: Catalog, day: dt.date, stored: bool = True) -> _Findings:
        """What lint finds in the catalog, for the pages: its stored result, when ``gbstd lint`` (run first, in
        a process of its own) left one for the catalog as it is, read a file at a time; else a lint in this
        process, kept by file."""
        config = catalog.config
        # as `gbstd lint` selects (the G rules need --changed-since: lint runs none), so that its stored
        # result or state serves
        selection = Selection.configured(config)
        use_cache = Cache.open(catalog.root, config).directory.is_dir() and cache_wanted()
        if use_cache and stored and not is_federation(config):  # `gbstd lint` there would lint the whole union
            _lint_elsewhere(catalog.root, day)
            result = stored_result(catalog.root, config, day, selection)
            if result is not None and result.placed_lines() is not None:
                return _Stored(result, self.text)
            if result is not None:
                result.close()
        outcome = lint_catalog(catalog.root, config, day, selection, use_cache=use_cache)
        by_path: dict[str, list[tuple[str, str]]] = {}
        for finding in outcome.result.findings:
            by_path.setdefault(finding.path, []).append(_shown(finding, self.text))
        return _Kept(by_path)

    def text(self, message: Text) -> str:
        return message.get(self.lang)

    def _members(self) -> list[str]:
        """The members' names when the catalog federates others (every page says the editor keeps to the
        catalog's own files); none when it does not, or its configuration cannot be read (the page says that)."""
        try:
            return [member.name for member in load_config(self.root).federation.members]
        except CatalogError:
            return []

    def keep_upload(self, upload: Upload) -> str:
        while len(self.uploads) >= MAX_PENDING_UPLOADS:
            self.uploads.pop(next(iter(self.uploads)))
        token = secrets.token_urlsafe(16)
        self.uploads[token] = upload
        return token

    def applied_upload(self, token: str) -> None:
        """The pending upload ``token`` was written into the catalog: no longer pending, remembered as applied."""
        upload = self.uploads.pop(token, None)
        if upload is not None:
            while len(self.applied) >= MAX_PENDING_UPLOADS:
                self.applied.pop(next(iter(self.applied)))
            self.applied[token] = upload.name

    def page(self, request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        html = render(None, f"serve/{template}", csrf=request.state.csrf, lang=self.lang,
                      catalog_name=self.root.name, federation=self._members(), **context)
        # bytes, so that a file name that is not UTF-8 shows as \xNN (Starlette's encoding refused it: a 500)
        return HTMLResponse(utf8_bytes(html), status_code=status_code)
