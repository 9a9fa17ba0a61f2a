"""Printing a lint report through the cache: the stored bytes of the same result as they are, or the last
run's report with only the changed files' pieces rendered again (:mod:`gbstd.reporters.pieces`), or a fresh
rendering, which is stored for the next run.

A stored report is used only when its description names this result (a new id each time a result is
written), these output options, and the SHA-256 of exactly the bytes on disk; anything else is rendered
again. Bytes are written in the output stream's own encoding and error handler, which are part of the options.
"""

from __future__ import annotations

import codecs
import json
import os
from bisect import bisect_left
from collections.abc import Iterator
from itertools import accumulate, pairwise
from typing import Any, BinaryIO

from gbstd.catalog.cache import Cache, Splice, StoredOutput
from gbstd.findings import Finding
from gbstd.reporters import REPORTER_BY_NAME
from gbstd.reporters.base import ReportInput
from gbstd.reporters.pieces import LAYOUTS, Counts, by_path, severities


def output_key(
    output_format: str, lang: str, color: bool, path_prefix: str, encoding: str, errors: str
) -> str | None:
    """The options a stored report depends on besides its result; None when bytes cannot be spliced in this
    encoding (a stateful codec, or line endings translated), so the report is printed as text."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return None
    if output_format not in LAYOUTS or os.linesep != "\n" or name.startswith(("utf-16", "utf-32")):
        return None
    # the standard library's JSON: a path may hold undecodable bytes (a directory named in GBK), which it
    # writes as escapes where orjson refuses them
    return json.dumps([output_format, lang, color, path_prefix, name, errors])


def print_report(
    report: ReportInput, output_format: str, out: BinaryIO, encoding: str, errors: str, *,
    cache: Cache | None, result_id: str | None, key: str | None,
    stored: StoredOutput | None = None, splice: Splice | None = None,
) -> Counts:
    """Write the report to ``out`` (bytes), through the cache where it can; the counts, for the exit code."""
    if stored is not None:
        counts = _stored_counts(stored.meta)
        if counts is not None:
            size = stored.meta["size"]
            for chunk in stored.bytes_at(0, size):
                out.write(chunk)
            return counts
    if cache is None or not result_id or key is None or report.result.internal_errors:
        return _plain(report, output_format, out, encoding, errors)
    plan = _splice_plan(report, output_format, splice, encoding, errors) if splice is not None else None
    if plan is not None:
        counts, chunks, meta = plan
    else:
        findings = report.result.findings  # decoded before anything is printed: a damaged result raises here
        if not findings:
            return _plain(report, output_format, out, encoding, errors, cache, result_id, key)
        counts, chunks, meta = _fresh(report, output_format, findings, encoding, errors)

    def tee() -> Iterator[bytes]:
        for chunk in chunks:
            out.write(chunk)
            yield chunk

    printing = tee()
    cache.remember_output(result_id, key, printing, meta)
    for _ in printing:  # the cache could not take it all: print the rest
        pass
    return counts


def _plain(
    report: ReportInput, output_format: str, out: BinaryIO, encoding: str, errors: str,
    cache: Cache | None = None, result_id: str | None = None, key: str | None = None,
) -> Counts:
    """The reporter itself (no findings, internal errors, or no cache); stored when a cache is given."""
    findings = report.result.findings
    counts = Counts()
    for _, run in by_path(findings):
        counts.add(*severities(run))
    data = REPORTER_BY_NAME[output_format](report).encode(encoding, errors)
    out.write(data)
    if cache is not None and result_id and key is not None:
        cache.remember_output(result_id, key, [data], _meta(counts, 0, "", 0, {}))
    return counts


def _stored_counts(meta: dict[str, Any]) -> Counts | None:
    found = meta.get("counts")
    if not isinstance(found, list) or len(found) != 4 or not all(type(n) is int and n >= 0 for n in found):
        return None
    return Counts(*found)


def _meta(counts: Counts, head: int, sep: str, tail: int, index: dict[str, list[Any]]) -> dict[str, Any]:
    return {"counts": [counts.errors, counts.warnings, counts.infos, counts.files], "head": head, "sep": sep,
            "tail": tail, "index": index}


def _columns() -> dict[str, list[Any]]:
    """The index of a report's pieces, a list per field (slices of it are copied whole when splicing): each
    reported file's path, the byte length of its piece (separator included) and its errors, warnings, infos."""
    return {"paths": [], "lengths": [], "errors": [], "warnings": [], "infos": []}


_BLOCK = 1 << 16  # bytes of report pieces a chunk of output


def _fresh(
    report: ReportInput, output_format: str, findings: list[Finding], encoding: str, errors: str
) -> tuple[Counts, Iterator[bytes], dict[str, Any]]:
    """Every file's piece rendered, with the index that lets the next run splice them."""
    layout = LAYOUTS[output_format](report)
    runs = list(by_path(findings))
    index = _columns()
    counts = Counts()
    for path, run in runs:
        e, w, i = severities(run)
        counts.add(e, w, i)
        index["paths"].append(path)
        index["errors"].append(e)
        index["warnings"].append(w)
        index["infos"].append(i)
    head, tail = (part.encode(encoding, errors) for part in layout.frame(counts))
    sep = layout.sep.encode(encoding, errors)
    lengths = index["lengths"]

    def chunks() -> Iterator[bytes]:
        # Pieces go out in blocks: a chunk passes the terminal, the stored copy and its digest, and a national
        # catalog has 100 000 pieces.
        yield head
        last = len(runs) - 1
        block: list[bytes] = []
        size = 0
        for number, (_, run) in enumerate(runs):
            piece = layout.piece(run).encode(encoding, errors)
            lengths.append(len(piece))
            block.append(piece[: len(piece) - len(sep)] if number == last and sep else piece)
            size += len(piece)
            if size >= _BLOCK:
                yield b"".join(block)
                block, size = [], 0
        if block:
            yield b"".join(block)
        yield tail

    return counts, chunks(), _meta(counts, len(head), layout.sep, len(tail), index)


def _splice_plan(
    report: ReportInput, output_format: str, splice: Splice, encoding: str, errors: str
) -> tuple[Counts, Iterator[bytes], dict[str, Any]] | None:
    """The base report with the changed files' pieces replaced; None when the base cannot be spliced."""
    meta = splice.base.meta
    sep_text = LAYOUTS[output_format].sep
    try:
        old = _checked_index(meta, sep_text)
    except (TypeError, ValueError, KeyError, IndexError):
        return None
    if old is None:
        return None
    layout = LAYOUTS[output_format](report)
    sep = sep_text.encode(encoding, errors)
    fresh: dict[str, tuple[bytes, list[int]]] = {}
    for path, run in by_path(splice.findings):
        if path not in splice.paths:
            return None  # a finding outside the files said to have changed: render it all
        fresh[path] = (layout.piece(run).encode(encoding, errors), severities(run))
    paths = old["paths"]
    starts = list(accumulate(old["lengths"], initial=meta["head"]))  # each piece's offset, then the end
    # Walk the changed files in path order: the base's pieces between two of them are copied as one range.
    index = _columns()
    segments: list[tuple[int, int] | bytes] = []  # byte ranges of the base, or new bytes
    done = 0  # pieces of the base dealt with
    for path in sorted(splice.paths):
        at = bisect_left(paths, path)
        _copy(old, index, segments, starts, done, at)
        done = at + 1 if at < len(paths) and paths[at] == path else at  # the changed file's old piece left out
        if path in fresh:
            piece, (e, w, i) = fresh[path]
            for name, value in zip(("paths", "lengths", "errors", "warnings", "infos"), (path, len(piece), e, w, i),
                                   strict=True):
                index[name].append(value)
            segments.append(piece)
    _copy(old, index, segments, starts, done, len(paths))
    if not index["paths"]:
        return None  # no findings left: the reporter's own empty report
    counts = Counts(sum(index["errors"]), sum(index["warnings"]), sum(index["infos"]), len(index["paths"]))
    head, tail = (part.encode(encoding, errors) for part in layout.frame(counts))
    body_end = meta["size"] - meta["tail"]  # where the base's last piece (without its separator) ends
    base = splice.base

    def body() -> Iterator[bytes]:
        for segment in segments:
            if isinstance(segment, bytes):
                yield segment
                continue
            start, length = segment
            inside = min(length, body_end - start)  # the base's last piece lost its separator
            yield from base.bytes_at(start, inside)
            if inside < length:
                yield sep[: length - inside]

    def chunks() -> Iterator[bytes]:
        yield head
        yield from _without_last(body(), len(sep))
        yield tail

    return counts, chunks(), _meta(counts, len(head), layout.sep, len(tail), index)


def _copy(
    old: dict[str, list[Any]], index: dict[str, list[Any]], segments: list[tuple[int, int] | bytes],
    starts: list[int], begin: int, end: int,
) -> None:
    """The base's pieces ``begin`` to ``end`` (exclusive), kept: their index entries and one byte range."""
    if begin >= end:
        return
    for name, column in old.items():
        index[name] += column[begin:end]
    segments.append((starts[begin], starts[end] - starts[begin]))


def _checked_index(meta: dict[str, Any], sep: str) -> dict[str, list[Any]] | None:
    """The base's index when it describes the base exactly: columns of one length, paths sorted and distinct,
    piece lengths and counts that add up to the file's size and the recorded counts; None (or an exception)
    otherwise."""
    index = meta["index"]
    names = ("paths", "lengths", "errors", "warnings", "infos")
    if not isinstance(index, dict) or sorted(index) != sorted(names) or meta.get("sep") != sep:
        return None
    paths = index["paths"]
    if not paths or any(len(index[name]) != len(paths) for name in names):
        return None
    if not all(type(path) is str for path in paths) or not all(a < b for a, b in pairwise(paths)):
        return None  # sorted and distinct
    for name in names[1:]:
        if not all(type(n) is int for n in index[name]) or min(index[name]) < 0:
            return None
    counts = [sum(index["errors"]), sum(index["warnings"]), sum(index["infos"]), len(paths)]
    if counts != meta["counts"] or min(map(sum, zip(index["errors"], index["warnings"], index["infos"], strict=True))) < 1:
        return None
    size = meta["head"] + sum(index["lengths"]) - len(sep.encode("utf-8")) + meta["tail"]
    if size != meta["size"] or min(index["lengths"]) <= len(sep):
        return None
    return index


def _without_last(chunks: Iterator[bytes], count: int) -> Iterator[bytes]:
    """``chunks`` without their last ``count`` bytes."""
    if not count:
        yield from chunks
        return
    held = b""
    for chunk in chunks:
        held += chunk
        if len(held) > count:
            yield held[:-count]
            held = held[-count:]
