"""Loading a catalog directory: list its files, read and validate each, collect load-time findings.

Reading and parsing are the expensive part of a large catalog; they run in a pool of worker processes (one
per core) when there are more than :data:`POOL_THRESHOLD` files to read, and are skipped altogether for files
whose content the cache already holds. Validation into models stays in this process.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from gbstd.catalog.cache import Cache, cache_wanted, content_hash, finding_from_json, is_plain_data
from gbstd.catalog.catalog import Catalog, NotesFile, PlanFile, ProjectRecord, Record
from gbstd.catalog.config_file import CatalogError, find_root, load_config
from gbstd.catalog.safe_read import NON_FATAL, read_catalog_file, text_problems
from gbstd.catalog.strays import stray_files, stray_finding
from gbstd.catalog.validation import validate
from gbstd.catalog.yamlio import (
    YAML_SUFFIXES,
    FileProblem,
    Fingerprint,
    Positions,
    decode_text,
    parse_yaml_positions,
    read_bytes,
)
from gbstd.findings import Finding
from gbstd.gcpause import without_cycle_collection
from gbstd.model.code import CodeError, StandardCode
from gbstd.model.config import Config
from gbstd.model.notes import BulletinNotes
from gbstd.model.plan import PilotPlan
from gbstd.model.project import Project
from gbstd.model.standard import Standard
from gbstd.model.system import StandardSystem
from gbstd.workers import pool_imap

M = TypeVar("M", bound=BaseModel)
W = TypeVar("W")

Progress = Callable[[int], None]

# Below this many files to read, starting worker processes costs more than it saves (measured: bench/).
POOL_THRESHOLD = 1500
CHUNK = 200


def walk_files(
    top: Path, suffixes: tuple[str, ...] | None = None, skip: Iterable[str] = (),
    directories: tuple[str, ...] | None = None,
) -> list[str]:
    """Files under ``top`` as sorted POSIX paths relative to it; hidden and ``skip`` directories are left out.

    Symbolic links are listed, never followed into (no loops). With ``suffixes``, a directory whose name has
    one of them is listed too, so that ``x.yaml/`` is reported rather than silently skipped; ``directories``
    lists such directories by these suffixes when every file is listed (``suffixes`` None), for a digest of
    what the loader will see.
    """
    named = suffixes if suffixes is not None else directories
    skipped = set(skip)
    found: list[str] = []
    pending = [""]
    while pending:
        here = pending.pop()
        try:
            entries = os.scandir(os.path.join(top, here) if here else top)
        except OSError:
            continue
        with entries:
            for entry in entries:
                name = entry.name
                rel = f"{here}/{name}" if here else name
                try:
                    is_dir = entry.is_dir(follow_symlinks=False)
                except OSError:
                    is_dir = False
                if is_dir:
                    if not name.startswith(".") and rel not in skipped:
                        pending.append(rel)
                    if named is not None and name.lower().endswith(named):
                        found.append(rel)
                elif suffixes is None or name.lower().endswith(suffixes):
                    found.append(rel)
    found.sort()
    return found


def list_yaml_files(directory: Path) -> list[Path]:
    """YAML files under ``directory``, sorted; symlinked directories are not followed (no loops)."""
    return [directory / rel for rel in walk_files(directory, YAML_SUFFIXES)]


def read_document(
    path: Path, rel: str, config: Config, root: Path | None = None
) -> tuple[object | None, list[Finding]]:
    """Read and parse one YAML file; problems come back as findings with their positions.

    With ``root``, the file is one of that catalog's and must stay inside it (see :mod:`safe_read`);
    without, it was named on the command line and is read where it is.
    """
    document = read_catalog_file(root, path, config.catalog.max_file_size)
    return _document(document.data, document.problems, document.text is not None, rel)


def _document(data: Any, problems: list[FileProblem], has_text: bool, rel: str) -> tuple[Any, list[Finding]]:
    findings = [Finding(p.rule, p.message, rel, line=p.line, column=p.column) for p in problems]
    fatal = not has_text or any(p.rule not in NON_FATAL for p in problems)
    return (None if fatal else data), findings


def load_record(path: Path, rel: str, config: Config, root: Path) -> tuple[Record | None, list[Finding]]:
    """One standard record file → a Record (or None) and its load-time findings; ``root`` is the catalog root,
    so a symbolic link leading outside it is Y010 and not read."""
    data, findings = read_document(path, rel, config, root)
    record, findings = _record(data, findings, root, rel, config)
    if record is not None and path != root / rel:
        record.where = path
    return record, findings


def _record(
    data: Any, findings: list[Finding], root: Path, rel: str, config: Config
) -> tuple[Record | None, list[Finding]]:
    if data is None and findings:
        return None, findings
    standard, code, problems = record_from_data(data, rel, config)
    findings = findings + problems
    if standard is None:
        return None, findings
    return Record(root, rel, standard, code), findings


def record_from_data(
    data: object, rel: str, config: Config
) -> tuple[Standard | None, StandardCode | None, list[Finding]]:
    """Parsed YAML of a record file → the validated Standard (or None), its parsed code and schema findings.

    Shared by the loader and by readers of older revisions (``gitrepo``), so both judge a file alike.
    """
    raw_code = data.get("code") if isinstance(data, dict) else None
    code: StandardCode | None = None
    if isinstance(raw_code, str):
        try:
            code = StandardCode.parse(raw_code, config.catalog.internal_regex, seen_again=False)
        except CodeError:
            code = None  # reported by rule C002, which has the reason
    label = code.canonical if code else (raw_code if isinstance(raw_code, str) else None)
    standard, problems = validate(Standard, data, rel, label)
    return standard, code, problems


def _load_model(
    path: Path, rel: str, config: Config, model: type[M], root: Path | None,
    label: Callable[[Any], str | None] = lambda data: None,
) -> tuple[M | None, list[Finding]]:
    """Read one YAML file and validate it against ``model``; problems come back as findings with positions."""
    data, findings = read_document(path, rel, config, root)
    if data is None and findings:
        return None, findings
    loaded, problems = validate(model, data, rel, label(data))
    return loaded, findings + problems


def load_notes_file(
    path: Path, rel: str, config: Config, root: Path | None = None
) -> tuple[NotesFile | None, list[Finding]]:
    """One bulletin-notes file → a NotesFile (or None) and its load-time findings, with positions."""
    notes, findings = _load_model(path, rel, config, BulletinNotes, root)
    return (NotesFile(path=path, rel=rel, notes=notes) if notes else None), findings


def _project_id(data: Any) -> str | None:
    return data.get("id") if isinstance(data, dict) and isinstance(data.get("id"), str) else None


def load_project(
    path: Path, rel: str, config: Config, root: Path | None = None
) -> tuple[ProjectRecord | None, list[Finding]]:
    """One project file → a ProjectRecord (or None) and its load-time findings."""
    project, findings = _load_model(path, rel, config, Project, root, _project_id)
    return (ProjectRecord(path=path, rel=rel, project=project) if project else None), findings


def load_plan(
    path: Path, rel: str, config: Config, root: Path | None = None
) -> tuple[PlanFile | None, list[Finding]]:
    """One pilot plan file → a PlanFile (or None) and its load-time findings."""
    plan, findings = _load_model(path, rel, config, PilotPlan, root)
    return (PlanFile(path=path, rel=rel, plan=plan) if plan else None), findings


def _yaml_files_in(root: Path, directory: str) -> list[Path]:
    """YAML files under one of the catalog's directories (notes, projects, plans); none if it is absent."""
    top = root / directory
    return list_yaml_files(top) if top.is_dir() else []


def _load_kind(
    catalog: Catalog, directory: str, load: Callable[[Path, str, Config, Path], tuple[W | None, list[Finding]]]
) -> list[W]:
    """Load every file of one kind into the catalog's file list and findings; return what validated."""
    loaded: list[W] = []
    for path in _yaml_files_in(catalog.root, directory):
        rel = path.relative_to(catalog.root).as_posix()
        item, findings = load(path, rel, catalog.config, catalog.root)
        catalog.files.append(rel)
        catalog.load_findings.extend(findings)
        if item is not None:
            loaded.append(item)
    return loaded


def load_system(root: Path, config: Config) -> tuple[StandardSystem | None, str | None, list[Finding]]:
    path = root / config.catalog.system
    if not os.path.lexists(path):
        return None, None, []
    rel = path.relative_to(root).as_posix()
    data, findings = read_document(path, rel, config, root)
    if data is None and findings:
        return None, rel, findings
    system, problems = validate(StandardSystem, data, rel, None)
    return system, rel, findings + problems


def record_files(root: Path, config: Config) -> list[Path]:
    return [root / rel for rel in record_rels(root, config)]


def record_rels(root: Path, config: Config) -> list[str]:
    """Record files as POSIX paths relative to the catalog root."""
    records_dir = root / config.catalog.records
    if not records_dir.is_dir():
        return []
    prefix = records_dir.relative_to(root).as_posix()
    prefix = "" if prefix == "." else prefix + "/"
    return [
        prefix + rel
        for rel in walk_files(records_dir, YAML_SUFFIXES, skip=_cache_skip(root, config, records_dir))
    ]


def record_rels_among(root: Path, config: Config, listed: list[str], cache_directory: Path) -> list[str]:
    """:func:`record_rels`, taken from ``listed`` — every file under ``root`` as :func:`walk_files` lists it
    from there, the cache directory ``cache_directory`` skipped — instead of walking the records directory
    again (0.17 s at 100 000 records): the same list where the walk from the root reaches the records
    directory, which is a plain directory inside it whose path holds no link or hidden name; walked otherwise."""
    records_dir = root / config.catalog.records
    try:
        parts = records_dir.relative_to(root).parts
    except ValueError:
        return record_rels(root, config)
    reached, here = True, root
    for part in parts:
        here = here / part
        if part in ("..", "") or part.startswith(".") or here.is_symlink() or not here.is_dir():
            reached = False
            break
    cache, inside = cache_directory.resolve(), records_dir.resolve()
    if not reached or (root / config.catalog.cache_dir).resolve() != cache or cache in (inside, *inside.parents):
        return record_rels(root, config)
    prefix = "/".join(parts)
    prefix = prefix + "/" if prefix else ""
    return [rel for rel in listed if rel.startswith(prefix) and rel.lower().endswith(YAML_SUFFIXES)]


def catalog_files(root: Path, config: Config) -> list[str]:
    """Every file ``load_catalog`` reads: the system file (when present), notes, records, projects, plans."""
    system = root / config.catalog.system
    head = [system.relative_to(root).as_posix()] if os.path.lexists(system) else []
    notes = _yaml_files_in(root, config.catalog.notes)
    others = [*_yaml_files_in(root, config.catalog.projects), *_yaml_files_in(root, config.catalog.plans)]
    return head + [p.relative_to(root).as_posix() for p in notes] + record_rels(root, config) + [
        p.relative_to(root).as_posix() for p in others
    ]


def _cache_skip(root: Path, config: Config, top: Path) -> list[str]:
    cache_dir = (root / config.catalog.cache_dir).resolve()
    try:
        return [cache_dir.relative_to(top.resolve()).as_posix()]
    except ValueError:
        return []


@without_cycle_collection()  # a catalog is hundreds of thousands of small objects and no cycles (gbstd.gcpause)
def load_catalog(
    start: Path,
    *,
    progress: Progress | None = None,
    on_total: Callable[[int], None] | None = None,
    cache: Cache | None = None,
    jobs: int | None = None,
    known: Mapping[str, str | None] | None = None,
    rels: list[str] | None = None,
    reuse: Mapping[str, Reusable] | None = None,
    positions: bool = True,
) -> Catalog:
    """Find the catalog that holds ``start`` and load all of it.

    ``cache`` supplies parsed data for files whose content it knows and learns the rest; ``jobs`` is the
    number of worker processes for reading (None: the configured ``jobs``, 0 there meaning one per core).
    ``known`` maps paths to the content hashes the caller has just established (None: unknown), so that the
    cache's file table is not checked against the disk again (100 000 ``lstat`` calls at national scale);
    ``rels`` are the record files (:func:`record_rels`) when the caller has just listed them. ``reuse``
    (:func:`reusable` of a catalog loaded earlier in this process) gives the records of files whose content the
    cache vouches is unchanged as they were, not made again from their parsed data. ``positions``: keep where
    the top-level fields of files taken from the cache start, as a parse keeps them (False: findings are
    positioned otherwise, as an incremental lint run's from its state).
    """
    root = find_root(start)
    config = load_config(root)
    catalog = Catalog(root=root, config=config)
    load_files_before_records(catalog)
    rels = record_rels(root, config) if rels is None else rels
    if on_total:
        on_total(len(rels))
    _load_records(catalog, rels, progress, cache, config.catalog.jobs if jobs is None else jobs, known, reuse,
                  positions)
    if cache is not None:
        cache.flush_parsed()
    load_files_after_records(catalog)
    return catalog


def load_catalog_cached(
    start: Path, *, progress: Progress | None = None, on_total: Callable[[int], None] | None = None,
    reuse: Mapping[str, Reusable] | None = None,
) -> Catalog:
    """:func:`load_catalog` with the catalog's own cache (the one ``gbstd lint`` makes, ``cache_dir``), when
    there is one: a file whose content the cache has parsed is not parsed again, and what this load parses is
    kept for the next command. Only lint makes the cache directory (a command that reads a catalog writes
    nothing into it unasked) and only lint prunes it: an incremental lint run compares an edited file with its
    previous content's parsed data. An unwritable cache is no error (:meth:`Cache.write_json`)."""
    root = find_root(start)
    cache = Cache.open(root, load_config(root))
    if not cache.directory.is_dir() or not cache_wanted():
        return load_catalog(root, progress=progress, on_total=on_total)
    # positions: the commands that read a catalog this way report no findings (or a few: parsed for them)
    catalog = load_catalog(root, progress=progress, on_total=on_total, cache=cache, reuse=reuse, positions=False)
    cache.save()
    return catalog


def load_files_before_records(catalog: Catalog) -> None:
    """The system and the notes: what a catalog's files list holds ahead of its records."""
    config = catalog.config
    catalog.system, catalog.system_rel, system_findings = load_system(catalog.root, config)
    catalog.load_findings.extend(system_findings)
    if catalog.system_rel:
        catalog.files.append(catalog.system_rel)
    catalog.notes = _load_kind(catalog, config.catalog.notes, load_notes_file)


def load_files_after_records(catalog: Catalog) -> None:
    """Projects, plans and stray files: what the files list holds after the records. Incremental lint loads
    these two halves without the records, so everything that is not a record is loaded here, in one place."""
    config = catalog.config
    catalog.projects = _load_kind(catalog, config.catalog.projects, load_project)
    catalog.plans = _load_kind(catalog, config.catalog.plans, load_plan)
    for rel in stray_files(catalog.root, config):  # in no kind's place: reported (Y011), never silently left out
        catalog.files.append(rel)
        catalog.load_findings.append(stray_finding(catalog.root, rel, config))


def _load_records(
    catalog: Catalog, rels: list[str], progress: Progress | None, cache: Cache | None, jobs: int,
    known: Mapping[str, str | None] | None = None, reuse: Mapping[str, Reusable] | None = None,
    keep_positions: bool = True,
) -> None:
    root, config = catalog.root, catalog.config
    to_read: list[str] = []

    def taken(rel: str, sha: str) -> bool:
        """Whether the record of this content came from an earlier load or from the cache's parsed data."""
        return (reuse is not None and _reused(catalog, rel, sha, reuse)) or (
            cache is not None and _from_cache(catalog, rel, sha, cache, keep_positions)
        )

    # The file table read once, and no lstat for a file it never hashed (none on a first run: that was a
    # second of a cold run at 100 000 records).
    if known is None:
        known = cache.known_hashes(root, rels) if cache is not None else {}
    for rel in rels:
        catalog.files.append(rel)
        sha = known.get(rel)
        if sha is not None and taken(rel, sha):
            if progress:
                progress(1)
        else:
            to_read.append(rel)
    # A file whose fingerprint the cache does not trust may still hold a content it has parsed: read and hashed,
    # it is not parsed again (a copied catalog, a cache restored in CI, a file saved unchanged).
    before = cache.hashed_before(to_read) if cache is not None else {}
    read_at = time.time_ns()  # every file below is read after this: the racy rule's clock (Cache.remember_hash)
    for rel, fingerprint, sha, data, problems, has_text, positions, plain, unparsed in _read_all(
        root, to_read, config.catalog.max_file_size, jobs, before
    ):
        if unparsed and cache is not None and sha is not None and fingerprint is not None:
            cache.remember_hash(rel, fingerprint, sha, read_at)
            if taken(rel, sha):
                if progress:
                    progress(1)
                continue
            # its parsed data is gone (a damaged entry): parsed here after all
            rel, fingerprint, sha, data, problems, has_text, positions, plain, _ = read_and_parse(
                str(root), rel, config.catalog.max_file_size)
        document, findings = _document(data, problems, has_text, rel)
        if positions is not None:
            catalog.positions[rel] = positions
        if cache is not None and sha is not None and fingerprint is not None:
            cache.remember_hash(rel, fingerprint, sha, read_at)
            cache.remember_parsed(sha, document, [*findings], plain=plain or document is None, positions=positions)
        if sha is not None:
            catalog.hashes[rel] = sha
        _add(catalog, rel, document, findings)
        if progress:
            progress(1)
    # Cached records were added first and read ones after: restore path order, so that results never depend
    # on what the cache held (rules that break ties by catalog order, e.g. the D rules' partners).
    catalog.records.sort(key=lambda record: record.rel)


def _from_cache(catalog: Catalog, rel: str, sha: str, cache: Cache, keep_positions: bool = True) -> bool:
    """Add the record whose content hash the cache vouches for (never a link's: where it leads is checked
    on reading) from its parsed data, when the cache has it."""
    parsed = cache.parsed(sha)
    if parsed is None:
        return False
    data, rows = parsed
    try:
        findings = [finding_from_json(row, rel) for row in rows]
    except (TypeError, ValueError):
        return False  # a damaged entry: read the file again
    catalog.hashes[rel] = sha
    kept = cache.positions(sha) if keep_positions else None
    if kept is not None:
        catalog.positions[rel] = kept
    _add(catalog, rel, data, findings)
    return True


# A record as an earlier load made it: its file's content hash, the record and the file's findings.
Reusable = tuple[str, Record, list[Finding]]


def reusable(catalog: Catalog) -> dict[str, Reusable]:
    """What a later :func:`load_catalog` of the same catalog may take over (``reuse``): each record with the
    content hash it was made from and its file's findings. A long-lived process (``gbstd serve``) reads the
    catalog again for every page; a record is made from a parsed file in about 20 µs, half of it validation."""
    findings: dict[str, list[Finding]] = {}
    for finding in catalog.load_findings:
        findings.setdefault(finding.path, []).append(finding)
    hashes = catalog.hashes
    return {record.rel: (hashes[record.rel], record, findings.get(record.rel, []))
            for record in catalog.records if record.member is None and record.rel in hashes}


def _reused(catalog: Catalog, rel: str, sha: str, reuse: Mapping[str, Reusable]) -> bool:
    """Add the record an earlier load made from the same content (copies of its findings: a run may stamp
    a finding's severity and position)."""
    earlier = reuse.get(rel)
    if earlier is None or earlier[0] != sha:
        return False
    catalog.hashes[rel] = sha
    catalog.records.append(earlier[1])
    if earlier[2]:  # most records have no load finding (100 000 empty generators: 0.04 s of a hand-over)
        catalog.load_findings.extend(replace(finding) for finding in earlier[2])
    return True


def load_records(catalog: Catalog, rels: list[str], cache: Cache | None) -> None:
    """Read these record files into ``catalog`` as a full load reads them, their content hashes and parsed data
    remembered in ``cache`` (an incremental lint run's edited files: the next run compares its edits with
    them, :func:`cached_record`)."""
    _load_records(catalog, rels, None, cache, 1, known={})


def cached_record(cache: Cache, root: Path, rel: str, sha: str, config: Config) -> Record | None:
    """The record a file held when its content hash was ``sha``, from the cache's parsed data (None: the cache
    no longer has it, or it was not a valid record): what an incremental lint run compares an edit with."""
    parsed = cache.parsed(sha)
    if parsed is None:
        return None
    try:
        record, _ = _record(parsed[0], [], root, rel, config)
    except (TypeError, ValueError, KeyError, AttributeError):
        return None  # a damaged entry
    return record


def _add(catalog: Catalog, rel: str, data: Any, findings: list[Finding]) -> None:
    record, findings = _record(data, findings, catalog.root, rel, catalog.config)
    catalog.load_findings.extend(findings)
    if record is not None:
        catalog.records.append(record)


# (path, fingerprint, content hash, parsed data, problems, decoded, positions, whether the cache can keep the data,
# whether the content was the one expected and so not parsed)
ReadResult = tuple[str, Fingerprint | None, str | None, Any, list[FileProblem], bool, Positions | None, bool, bool]


def read_and_parse(root: str, rel: str, max_size: int, expected: str | None = None) -> ReadResult:
    """Read, hash and parse one file: the part of loading that runs in worker processes (with the check that
    the cache can keep the parsed data, a walk of every value that would otherwise hold up the main process).
    A file whose content hash is ``expected`` (one the cache has parsed) is read and hashed, not parsed."""
    data, fingerprint, problems = read_bytes(os.path.join(root, rel), max_size, root)
    if data is None:
        return rel, None, None, None, problems, False, None, True, False
    sha = content_hash(data)
    if sha == expected:
        return rel, fingerprint, sha, None, problems, True, None, True, True
    text, problems = decode_text(data)
    document = positions = None
    if text is not None:
        document, parse_problems, positions = parse_yaml_positions(text)
        problems += parse_problems + text_problems(text, document, positions)
    return rel, fingerprint, sha, document, problems, text is not None, positions, is_plain_data(document), False


def _read_chunk(args: tuple[str, list[str], int, dict[str, str]]) -> list[ReadResult]:
    root, rels, max_size, expected = args
    return [read_and_parse(root, rel, max_size, expected.get(rel)) for rel in rels]


def worker_count(jobs: int, files: int, threshold: int | None = None, chunk: int | None = None) -> int:
    """Processes for ``files`` files: 1 for few files (below ``threshold``, default POOL_THRESHOLD) or one
    core, else ``jobs`` or the cores, at most one per ``chunk`` files (default CHUNK)."""
    if jobs == 1 or files < (POOL_THRESHOLD if threshold is None else threshold):
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return min(jobs or cores, cores, max(1, files // (CHUNK if chunk is None else chunk)))


def _read_all(
    root: Path, rels: list[str], max_size: int, jobs: int, expected: Mapping[str, str] | None = None
) -> Iterator[ReadResult]:
    """:func:`read_and_parse` for every file, in worker processes when there are many; ``expected``: per
    file, a content hash whose parsed data the caller has (that content is not parsed)."""
    workers = worker_count(jobs, len(rels))
    top = str(root)
    expected = expected or {}
    if workers <= 1:
        for rel in rels:
            yield read_and_parse(top, rel, max_size, expected.get(rel))
        return
    chunks = [
        (top, part, max_size, {rel: expected[rel] for rel in part if rel in expected})
        for part in (rels[i : i + CHUNK] for i in range(0, len(rels), CHUNK))
    ]
    results = pool_imap(_read_chunk, chunks, workers)
    with contextlib.closing(results):  # a reader that stops early winds the pool down at once
        for chunk in results:
            yield from chunk


__all__ = [
    "CatalogError",
    "catalog_files",
    "list_yaml_files",
    "load_catalog",
    "load_notes_file",
    "load_plan",
    "load_project",
    "load_record",
    "read_document",
    "record_from_data",
]
