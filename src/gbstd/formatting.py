"""``gbstd fmt``: the canonical layout of catalog files, comments kept.

Each file kind has one canonical form: keys in the order of its model's fields (nested models too, e.g.
a record's ``suppress`` entries, the system's modules), codes in canonical spelling (see rule C017), the
house indentation of :mod:`gbstd.catalog.roundtrip`, no BOM, one line end throughout (the file's own). Keys
the model does not know are kept, after the known ones. Comments travel with the key they stand above; one
indented under a block at its end stays with that block.

Formatting never changes what a file says: the result is parsed again and compared with the original
data (codes canonicalised); a file whose meaning would change, or that has YAML errors, is reported and
left untouched. Formatting is idempotent.
"""

from __future__ import annotations

import contextlib
import os
import time
import types
import typing
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from pydantic import BaseModel
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark, YAMLError
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString, ScalarString
from ruamel.yaml.tokens import CommentToken

from gbstd.catalog.atomic import ChangedMeanwhile, write_atomic_each
from gbstd.catalog.cache import Cache, content_hash, holds_content
from gbstd.catalog.catalog import Catalog
from gbstd.catalog.loader import walk_files, worker_count
from gbstd.catalog.real_paths import RealPaths, is_within, under
from gbstd.catalog.roundtrip import (
    LOST_WHERE,
    LineEnds,
    dump_roundtrip,
    load_roundtrip,
    lost_comment,
    unreadable,
)
from gbstd.catalog.validation import NOT_A_MAPPING
from gbstd.catalog.writelock import Busy, catalog_writing
from gbstd.catalog.yamlio import (
    BOM,
    YAML_SUFFIXES,
    FileProblem,
    Fingerprint,
    decode_text,
    is_yaml_name,
    other_line_breaks,
    parse_yaml,
    read_bytes,
)
from gbstd.i18n import Text
from gbstd.model import FILE_KINDS
from gbstd.model.code import try_parse
from gbstd.workers import pool_imap

# Fields of a record that hold standard codes, and are written in canonical spelling.
CODE_FIELDS: tuple[str, ...] = ("replaces", "replaced_by", "references")


# --------------------------------------------------------------------------------------- canonical order


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside a field's type (``Module``, ``list[Module]``, ``Module | None``), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _nested_model(typing.get_args(annotation)[0])
    if origin in (list, tuple, typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _nested_model(arg)
            if found is not None:
                return found
    return None


def _key_order(model: type[BaseModel]) -> dict[str, int]:
    order: dict[str, int] = {}
    for index, (name, info) in enumerate(model.model_fields.items()):
        order[name] = index
        if info.alias:
            order[info.alias] = index
    return order


def order_keys(node: Any, model: type[BaseModel]) -> None:
    """Put ``node``'s keys (recursively, for nested models) in the model's field order, comments kept."""
    if isinstance(node, CommentedSeq):
        for item in node:
            order_keys(item, model)
        return
    if not isinstance(node, CommentedMap):
        return
    for name, info in model.model_fields.items():
        nested = _nested_model(info.annotation)
        if nested is not None and name in node:
            order_keys(node[name], nested)
    rank = _key_order(model)
    keys = list(node)
    wanted = sorted(keys, key=lambda k: (rank.get(k, len(rank)), keys.index(k)))
    if wanted != keys:
        _reorder(node, wanted)


# ruamel keeps full-line comments that stand above a key as the tail of the *previous* item's comment
# (deep inside it when that item's value is a block collection). Before moving keys, those tails are
# taken off and given back to the key they stand above; after moving, they are put back in place.


def _block(value: Any) -> bool:
    return isinstance(value, (CommentedMap, CommentedSeq)) and len(value) > 0 and not value.fa.flow_style()


def _slot(node: CommentedMap | CommentedSeq, key: Any) -> tuple[list[Any], int]:
    """The comment list of one item and the index of its end-of-line comment in it."""
    if isinstance(node, CommentedMap):
        return node.ca.items.setdefault(key, [None, None, None, None]), 2
    return node.ca.items.setdefault(key, [None, None, None, None]), 0


def _last_key(node: CommentedMap | CommentedSeq) -> Any:
    return list(node)[-1] if isinstance(node, CommentedMap) else len(node) - 1


def take_tail(node: CommentedMap | CommentedSeq, key: Any, column: int = -1) -> str:
    """Remove and return the full-line comments after item ``key`` (its end-of-line comment stays). With
    ``column`` (of the keys that follow), the comment lines indented deeper that come first are left where
    they are: they close the item's own block (``sources:`` then ``  # another source to add``) rather than
    stand above the next key."""
    value = node[key]
    if _block(value):
        return take_tail(value, _last_key(value), column)
    slots, index = _slot(node, key)
    token = slots[index]
    if not isinstance(token, CommentToken):
        return ""
    text = token.value
    if isinstance(value, (LiteralScalarString, FoldedScalarString)):
        cut = 0  # a block scalar ends with its line break: whatever follows stands on lines of its own
    else:
        cut = text.find("\n") + 1 if text.find("\n") >= 0 else len(text)
    if column >= 0:
        cut = _above_next(text, cut, column)
    head, tail = text[:cut], text[cut:]
    if head.strip():
        token.value = head
    else:
        slots[index] = None
        if not any(slots):
            del node.ca.items[key]
    return tail


def _above_next(text: str, start: int, column: int) -> int:
    """Where, in comment ``text`` from ``start``, the lines that stand above the next key begin: past the
    comment lines indented deeper than ``column`` (and the blank lines among them) that come first."""
    at, kept = start, start
    for line in text[start:].splitlines(keepends=True):
        stripped = line.lstrip(" ")
        if stripped.startswith("#"):
            if len(line) - len(stripped) <= column:
                break
            kept = at + len(line)
        elif stripped.strip():
            break
        at += len(line)
    return kept


def put_tail(node: CommentedMap | CommentedSeq, key: Any, tail: str) -> None:
    """Attach full-line comments after item ``key`` (the inverse of :func:`take_tail`)."""
    if not tail:
        return
    value = node[key]
    if _block(value):
        put_tail(value, _last_key(value), tail)
        return
    slots, index = _slot(node, key)
    token = slots[index]
    if isinstance(token, CommentToken):
        head = token.value if token.value.endswith("\n") else token.value + "\n"
        token.value = head + tail
    else:
        slots[index] = CommentToken("\n" + tail, CommentMark(0), None)


def put_head(node: CommentedMap, text: str) -> None:
    """Add full-line comments before a mapping's first key (after any already there)."""
    if not text:
        return
    token = CommentToken(text, CommentMark(0), None)
    if node.ca.comment is None:
        node.ca.comment = [None, [token]]
    elif node.ca.comment[1] is None:
        node.ca.comment[1] = [token]
    else:
        node.ca.comment[1].append(token)


def _reorder(node: CommentedMap, wanted: list[Any]) -> None:
    keys = list(node)
    column = node.lc.col if node.lc.col is not None else 0  # of this mapping's keys, in the file as read
    above: dict[Any, str] = {}  # comments standing above a key (the first key's stay at the top)
    for previous, key in pairwise(keys):
        above[key] = take_tail(node, previous, column)
    trailing = take_tail(node, keys[-1], column)
    for key in wanted:
        node.move_to_end(key)
    put_head(node, above.get(wanted[0], "").lstrip("\n"))
    for previous, key in pairwise(wanted):
        put_tail(node, previous, above.get(key, ""))
    put_tail(node, wanted[-1], trailing)


# ------------------------------------------------------------------------------------------- spelling


def _canonical_code(value: Any, catalog: Catalog) -> Any:
    if not isinstance(value, str):
        return value
    code = try_parse(value, catalog.config.catalog.internal_regex)
    if code is None or code.canonical == value:
        return value
    return type(value)(code.canonical) if isinstance(value, ScalarString) else code.canonical


def canonical_codes(data: Any, catalog: Catalog) -> None:
    """Write a record's own code and the codes it lists in canonical spelling (in place)."""
    if not isinstance(data, dict):
        return
    if "code" in data:
        data["code"] = _canonical_code(data["code"], catalog)
    for name in CODE_FIELDS:
        value = data.get(name)
        if isinstance(value, list):
            for index, item in enumerate(value):
                value[index] = _canonical_code(item, catalog)
        elif isinstance(value, str):
            data[name] = _canonical_code(value, catalog)


# ---------------------------------------------------------------------------------------------- files

FileKind = str
Outcome = Literal["unchanged", "reformatted", "error"]


@dataclass
class FormatResult:
    rel: str
    outcome: Outcome
    message: Text | None = None
    line: int = 0  # where the problem is (1-based), when known: 0 = the file as a whole
    column: int = 0


@dataclass
class FormatRun:
    results: list[FormatResult] = field(default_factory=list)

    def with_outcome(self, outcome: Outcome) -> list[FormatResult]:
        return [r for r in self.results if r.outcome == outcome]


def file_kinds(catalog: Catalog) -> dict[str, FileKind]:
    """Catalog-relative directory or file → the file kind it holds.

    Records live in ``[catalog] records``; every other kind in ``FILE_KINDS`` lives where the ``[catalog]``
    option of the same name says (``system``, ``plans`` for kind ``plan``, ``notes``, ``projects``, …).
    """
    section = catalog.config.catalog
    places: dict[str, str] = {}
    for kind in FILE_KINDS:
        if kind == "standard":
            place = section.records
        else:
            place = getattr(section, kind, None) or getattr(section, kind + "s", None)
        if isinstance(place, str) and place.strip("/"):
            places[PurePosixPath(place).as_posix().strip("/")] = kind
    return places


def _kind_in(places: dict[str, FileKind], rel: str) -> FileKind | None:
    """The kind of file ``rel`` is, given the catalog's :func:`file_kinds` (worked out once for many files)."""
    if not is_yaml_name(rel):
        return None
    for place, kind in places.items():
        if rel == place or rel.startswith(place + "/"):
            return kind
    return None


def catalog_files(catalog: Catalog, targets: Iterable[Path]) -> list[str]:
    """The formattable files (catalog-relative) at or under the targets, sorted."""
    root = catalog.root.resolve()
    places = file_kinds(catalog)
    found: set[str] = set()
    for target in targets:
        target = _located(target, root)
        candidates = [target] if target.is_file() or target.is_symlink() else []
        if target.is_dir():
            for place in places:
                path = root / place
                if path.is_dir() and (path.is_relative_to(target) or target.is_relative_to(path)):
                    found.update(_files_within(path, root, target, places))
                elif (path.is_file() or path.is_symlink()) and (located := _located(path, root)).is_relative_to(target):
                    candidates.append(located)
        for path in candidates:  # each located once, above
            try:
                rel = path.relative_to(root).as_posix()
            except ValueError:
                continue
            if _kind_in(places, rel):
                found.add(rel)
    return sorted(found)


def _files_within(directory: Path, root: Path, target: Path, places: dict[str, FileKind]) -> list[str]:
    """The catalog-relative names of the YAML files under ``directory`` that are located (see :func:`_located`)
    at or under ``target`` inside ``root`` and are of a file kind (at 10 000 records, resolving every path
    made a warm ``fmt --check`` three times as long as a warm lint: :mod:`gbstd.catalog.real_paths`)."""
    top, within = os.fspath(root), os.fspath(target)
    top_under, within_under, listed = under(top), under(within), under(os.fspath(directory))
    real = RealPaths()
    found: list[str] = []
    for name in walk_files(directory, YAML_SUFFIXES):
        text = listed + name
        located = os.fspath(_located(Path(text), root)) if os.path.islink(text) else real.of_entry(text)
        if is_within(located, within, within_under) and located.startswith(top_under):
            rel = located[len(top_under):].replace(os.sep, "/")
            if _kind_in(places, rel):
                found.append(rel)
    return found


def _located(path: Path, root: Path) -> Path:
    """The file ``path`` stands for: where a symbolic link leads when that is a file inside the catalog (the file
    is formatted, the link stays a link); the link itself when it leads nowhere or out of the catalog (a catalog
    file all the same, which formatting reports as lint does, never drops)."""
    resolved = path.resolve()
    if path.is_symlink() and not (resolved.exists() and resolved.is_relative_to(root)):
        return Path(os.path.realpath(path.parent)) / path.name
    return resolved


def format_text(text: str, kind: FileKind, catalog: Catalog) -> str:
    """The canonical form of one file's text. Raises ValueError when the file cannot be formatted safely."""
    if text.startswith("\ufeff"):
        text = text[1:]
    # One line end throughout: the file's own when most of its lines have it (CRLF from a Windows editor or a
    # checkout with autocrlf stays CRLF), else LF. The dumper kept a comment's CR and wrote LF elsewhere: a
    # mixed file that --check then called canonical. YAML reads CR, LF and CRLF all as one line break. The BOM
    # is dropped (the canonical form has none: Y006).
    text, ends = LineEnds.of(text)
    if breaks := other_line_breaks(text):  # lint's Y013: lint and the round trip would read other data (or none)
        raise _unreadable_for_format(breaks[0])
    before, problems = parse_yaml(text)
    if problems:
        raise ValueError(problems[0].message.en, problems[0])
    if not isinstance(before, dict):  # empty, only comments, a list: lint's C001; the round trip said it in English
        raise ValueError(Text(f"{NOT_A_MAPPING.zh}；文件未改动", f"{NOT_A_MAPPING.en} (the file is left untouched)"))
    try:
        data = load_roundtrip(text)
    except YAMLError as exc:  # lint reads it, the round trip does not (a tab after `:`)
        raise _unreadable_for_format(unreadable(exc, text)) from None
    except ValueError as exc:
        raise ValueError(Text(f"格式化时无法读取：{exc}", f"cannot be read for formatting: {exc}")) from None
    if kind == "standard":
        canonical_codes(data, catalog)
        canonical_codes(before, catalog)
    order_keys(data, FILE_KINDS[kind])
    result = dump_roundtrip(data)
    after, problems = parse_yaml(result)
    if problems or after != before:
        if text.startswith("%YAML") or "\n%YAML" in text:  # lint reads YAML 1.2 whatever the directive says
            raise ValueError(Text(
                "文件的 %YAML 指令让格式化按另一个 YAML 版本读取取值（如 yes 读作布尔值），会改变数据；请删去该指令，文件未改动",
                "the file's %YAML directive makes formatting read values by another YAML version (yes as a boolean), "
                "which would change the data; remove the directive (the file is left untouched)",
            ))
        raise ValueError(Text("格式化会改变文件的数据，文件未改动", "formatting would change the file's data; left untouched"))
    if (lost := lost_comment(text, result)) is not None:
        comment, line = lost  # the round trip dropped it (inside a flow […] or {…}, before ---, after ...)
        column = text.split("\n")[line - 1].find(comment) + 1
        message = Text(
            f"格式化会丢掉注释 {comment}（{LOST_WHERE.zh}）；请移动该注释，文件未改动",
            f"formatting would drop the comment {comment} ({LOST_WHERE.en}); move it (the file is left untouched)",
        )
        raise ValueError(message, FileProblem("", message, line, max(column, 1)))
    return ends.applied(result)


def _unreadable_for_format(problem: FileProblem) -> ValueError:
    """What ``fmt`` says of a file lint reads and the round trip cannot: lint's words, at lint's position."""
    reason = Text(
        f"格式化时无法读取：{problem.message.zh}；文件未改动",
        f"cannot be read for formatting: {problem.message.en} (the file is left untouched)",
    )
    return ValueError(reason, FileProblem(problem.rule, reason, problem.line, problem.column) if problem.line else None)


# Below this many files to format, starting worker processes costs more than it saves.
POOL_THRESHOLD = 400
CHUNK = 100
# Part of the key of "this content is canonical": a change to the canonical form must change it (the cache
# is also dropped whenever any module of gbstd changes, see :func:`gbstd.catalog.cache.tool_fingerprint`).
FORMATTER_VERSION = "1"


def format_files(
    catalog: Catalog, rels: Iterable[str], *, check: bool, cache: Cache | None = None, jobs: int | None = None
) -> FormatRun:
    """Format each file (or, with ``check``, only say which would change). Errors never stop the run.

    ``cache`` remembers the content hashes of files found canonical: such a file, unchanged since (by its
    fingerprint), is not read again. The rest are formatted by ``jobs`` worker processes (None: the
    configured ``[catalog] jobs``; 0 one per core) when there are many.
    """
    results: dict[str, FormatResult] = {}
    todo: list[tuple[str, FileKind]] = []
    places = file_kinds(catalog)
    kinds = {rel: kind for rel in rels if (kind := _kind_in(places, rel)) is not None}
    # the cache's file table read once, one lstat per file (a symbolic link is never taken from it)
    known = cache.known_hashes(catalog.root, kinds) if cache is not None else {}
    for rel, kind in kinds.items():
        sha = known.get(rel)
        if cache is not None and sha is not None and cache.is_canonical(_canonical_key(sha, kind)):
            results[rel] = FormatResult(rel, "unchanged")
        else:
            todo.append((rel, kind))
    read_as: dict[Path, str] = {}  # the hash of what was read of each file to rewrite

    def rewritten() -> Iterator[tuple[Path, str]]:
        read_at = time.time_ns()  # before any of them is read (Cache.remember_hash)
        for rel, kind, result, fingerprint, sha, formatted in _format_all(catalog, todo, check, jobs):
            if cache is not None and fingerprint is not None and sha is not None:
                cache.remember_hash(rel, fingerprint, sha, read_at)
                if result.outcome == "unchanged":
                    cache.remember_canonical(_canonical_key(sha, kind))
            results[rel] = result
            if formatted is not None and sha is not None:
                read_as[catalog.root / rel] = sha
                yield catalog.root / rel, formatted

    # Rewritten files are made durable together (an fsync each cost 4 s per 10 000 files); one that cannot be
    # written is reported with the reason and left as it was, and so is one that no longer holds what was
    # formatted (the renames come after every file is formatted: seconds for a large catalog, in which an edit
    # saved meanwhile was overwritten without a word). The catalog's write lock is held over the checks and the
    # renames only: a web save cannot land between a file's check and its rename, and is not kept waiting while
    # the files are formatted (minutes for 100 000). Busy (another process kept it past its wait) leaves every
    # file as it was.
    try:
        failed = write_atomic_each(rewritten(), unchanged=lambda path: holds_content(path, read_as[path]),
                                   renaming=lambda: catalog_writing(catalog.root))
    except Busy:
        if cache is not None:
            cache.save()  # what was found canonical stays known: the next run formats only the rest
        raise
    for path, error in failed:
        rel = path.relative_to(catalog.root).as_posix()
        reason = error.strerror or str(error)
        said = error.text if isinstance(error, ChangedMeanwhile) else Text(f"无法写入：{reason}", f"cannot be written: {reason}")
        results[rel] = FormatResult(rel, "error", said)
    if cache is not None:
        cache.save()
    return FormatRun([results[rel] for rel in sorted(results)])


def _canonical_key(sha: str, kind: FileKind) -> str:
    return f"{sha}:{kind}:{FORMATTER_VERSION}"


Formatted = tuple[str, FileKind, FormatResult, Fingerprint | None, str | None, str | None]


def format_one(catalog: Catalog, rel: str, kind: FileKind, check: bool) -> Formatted:
    """One file: its result, the fingerprint and hash of what was read, and the text to write (if any)."""
    data, fingerprint, problems = _read_for_format(catalog, rel)
    text = None
    if data is not None:
        text, problems = decode_text(data)
    fatal = [p for p in problems if p.rule != "Y006"]
    if data is None or text is None or fatal:
        problem = (fatal or problems)[0]
        return rel, kind, FormatResult(rel, "error", problem.message), None, None, None
    sha = content_hash(data)
    try:
        formatted = format_text(text, kind, catalog)
    except ValueError as exc:
        where = exc.args[1] if len(exc.args) > 1 else None  # a syntax error: say where (line:col)
        reason = exc.args[0] if isinstance(exc.args[0], Text) else Text(str(exc.args[0]), str(exc.args[0]))
        detail = where.message if where else Text(f"无法格式化：{reason.zh}", f"cannot be formatted: {reason.en}")
        position = (where.line, where.column) if where else (0, 0)
        return rel, kind, FormatResult(rel, "error", detail, *position), fingerprint, sha, None
    if formatted.encode("utf-8") == data:
        return rel, kind, FormatResult(rel, "unchanged"), fingerprint, sha, None
    return rel, kind, FormatResult(rel, "reformatted"), fingerprint, sha, None if check else formatted


def _read_for_format(catalog: Catalog, rel: str) -> tuple[bytes | None, Fingerprint | None, list[FileProblem]]:
    """The one place ``fmt`` reads a file (bytes, fingerprint, problems), with lint's checks: the size limit
    before reading, regular files only, and no symbolic link leading outside the catalog root."""
    return read_bytes(catalog.root / rel, catalog.config.catalog.max_file_size, catalog.root)


_worker_catalog: Catalog | None = None


def _start_worker(catalog: Catalog) -> None:
    global _worker_catalog
    _worker_catalog = catalog


def _format_chunk(args: tuple[list[tuple[str, FileKind]], bool]) -> list[Formatted]:
    chunk, check = args
    assert _worker_catalog is not None
    return [format_one(_worker_catalog, rel, kind, check) for rel, kind in chunk]


def _format_all(
    catalog: Catalog, todo: list[tuple[str, FileKind]], check: bool, jobs: int | None
) -> Iterator[Formatted]:
    workers = worker_count(catalog.config.catalog.jobs if jobs is None else jobs, len(todo), POOL_THRESHOLD, CHUNK)
    if workers <= 1:
        for rel, kind in todo:
            yield format_one(catalog, rel, kind, check)
        return
    chunks = [(todo[i : i + CHUNK], check) for i in range(0, len(todo), CHUNK)]
    results = pool_imap(_format_chunk, chunks, workers, initializer=_start_worker, initargs=(catalog,))
    with contextlib.closing(results):  # a write that fails winds the pool down at once
        for chunk in results:
            yield from chunk


__all__ = ["BOM", "FormatResult", "FormatRun", "catalog_files", "format_files", "format_text", "order_keys"]
