"""Printing a lint report through the cache: the stored bytes of the same result as they are, or the last
run's report with only the changed files' pieces rendered again (:mod:`gbstd.reporters.pieces`), or a fresh
rendering, which is stored for the next run.

A stored report is used only when its description names this result (a new id each time a result is
written), these output options, and the SHA-256 of exactly the bytes on disk; anything else is rendered
again. Bytes are written in the output stream's own encoding and error handler, which are part of the options.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Iterator
from typing import Any, BinaryIO

import orjson

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
    return orjson.dumps([output_format, lang, color, path_prefix, name, errors]).decode()


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
        meta = {"counts": [counts.errors, counts.warnings, counts.infos, counts.files], "index": None}
        cache.remember_output(result_id, key, [data], meta)
    return counts


def _stored_counts(meta: dict[str, Any]) -> Counts | None:
    found = meta.get("counts")
    if not isinstance(found, list) or len(found) != 4 or not all(type(n) is int and n >= 0 for n in found):
        return None
    return Counts(*found)


def _fresh(
    report: ReportInput, output_format: str, findings: list[Finding], encoding: str, errors: str
) -> tuple[Counts, Iterator[bytes], dict[str, Any]]:
    """Every file's piece rendered, with the index that lets the next run splice them."""
    layout = LAYOUTS[output_format](report)
    runs = list(by_path(findings))
    counts = Counts()
    sizes = []
    for _, run in runs:
        sizes.append(severities(run))
        counts.add(*sizes[-1])
    head, tail = (part.encode(encoding, errors) for part in layout.frame(counts))
    sep = layout.sep.encode(encoding, errors)
    index: list[list[Any]] = []
    meta: dict[str, Any] = {
        "counts": [counts.errors, counts.warnings, counts.infos, counts.files], "index": index,
        "head": len(head), "sep": layout.sep, "tail": len(tail),
    }

    def chunks() -> Iterator[bytes]:
        yield head
        offset = len(head)
        last = len(runs) - 1
        for number, ((path, run), (e, w, i)) in enumerate(zip(runs, sizes, strict=True)):
            piece = layout.piece(run).encode(encoding, errors)
            index.append([path, offset, len(piece), e, w, i])
            offset += len(piece)
            yield piece[: len(piece) - len(sep)] if number == last and sep else piece
        yield tail

    return counts, chunks(), meta


def _splice_plan(
    report: ReportInput, output_format: str, splice: Splice, encoding: str, errors: str
) -> tuple[Counts, Iterator[bytes], dict[str, Any]] | None:
    """The base report with the changed files' pieces replaced; None when the base cannot be spliced."""
    meta = splice.base.meta
    try:
        old = _checked_index(meta, layout_sep := LAYOUTS[output_format].sep)
    except (TypeError, ValueError, KeyError, IndexError):
        return None
    if old is None:
        return None
    layout = LAYOUTS[output_format](report)
    sep = layout_sep.encode(encoding, errors)
    fresh: dict[str, tuple[bytes, list[int]]] = {}
    for path, run in by_path(splice.findings):
        if path not in splice.paths:
            return None  # a finding outside the files said to have changed: render it all
        fresh[path] = (layout.piece(run).encode(encoding, errors), severities(run))
    # Both lists are sorted by path: merge them, the changed files' old pieces left out.
    entries: list[tuple[str, Any]] = [(entry[0], entry) for entry in old if entry[0] not in splice.paths]
    entries += [(path, value) for path, value in fresh.items()]
    entries.sort(key=lambda item: item[0])
    if not entries:
        return None  # no findings left: the reporter's own empty report
    counts = Counts()
    for _, value in entries:
        counts.add(*(value[3:6] if isinstance(value, list) else value[1]))
    head, tail = (part.encode(encoding, errors) for part in layout.frame(counts))
    body_end = meta["size"] - meta["tail"]  # where the base's last piece (without its separator) ends
    index: list[list[Any]] = []
    segments: list[tuple[int, int] | bytes] = []  # byte ranges of the base, or new bytes
    offset = len(head)
    for path, value in entries:
        if isinstance(value, list):
            _, start, length, e, w, i = value
            index.append([path, offset, length, e, w, i])
            previous = segments[-1] if segments else None
            if isinstance(previous, tuple) and previous[0] + previous[1] == start:
                segments[-1] = (previous[0], previous[1] + length)  # neighbours in the base: one copy
            else:
                segments.append((start, length))
        else:
            piece, (e, w, i) = value
            index.append([path, offset, len(piece), e, w, i])
            segments.append(piece)
            length = len(piece)
        offset += length
    new_meta: dict[str, Any] = {
        "counts": [counts.errors, counts.warnings, counts.infos, counts.files], "index": index,
        "head": len(head), "sep": layout.sep, "tail": len(tail),
    }
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

    return counts, chunks(), new_meta


def _checked_index(meta: dict[str, Any], sep: str) -> list[list[Any]] | None:
    """The base's index when it describes the base exactly: pieces back to back from the head to the tail,
    sorted by path, with counts that add up; None (or an exception) otherwise."""
    index = meta["index"]
    if not isinstance(index, list) or not index or meta.get("sep") != sep:
        return None
    offset = meta["head"]
    previous = None
    totals = [0, 0, 0]
    for entry in index:
        path, start, length, e, w, i = entry
        if not isinstance(path, str) or (previous is not None and path <= previous) or start != offset:
            return None
        if not all(type(n) is int and n >= 0 for n in (length, e, w, i)) or e + w + i == 0:
            return None
        totals[0] += e
        totals[1] += w
        totals[2] += i
        offset += length
        previous = path
    counts = meta["counts"]
    sep_bytes = len(sep.encode("utf-8"))
    if [*totals, len(index)] != counts or offset - sep_bytes + meta["tail"] != meta["size"]:
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
