"""Producing a bulletin: find and validate its notes, compute the figures, draw the charts, write one format.

Formats: ``md`` (Markdown; charts as PNG files in ``<name>-charts/`` beside it), ``html`` (one self-contained
file, charts inlined), ``docx`` (GB/T 9704-2012 layout) and ``json`` (the figures only, for other tools).
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from gbstd.catalog.catalog import Catalog, NotesFile
from gbstd.catalog.loader import load_notes_file
from gbstd.catalog.safe_read import named_file_problem
from gbstd.catalog.yamlio import Locator, read_text
from gbstd.changes import ChangeSet
from gbstd.findings import Finding
from gbstd.i18n import Text
from gbstd.jsontext import json_document
from gbstd.reports.changes_appendix import changes_appendix
from gbstd.reports.charts import find_cjk_font, render_chart
from gbstd.reports.compose import BulletinDocument, compose
from gbstd.reports.figures import Bulletin, compute_bulletin
from gbstd.reports.period import Period
from gbstd.reports.sources import DetectionProgress
from gbstd.reports.templating import render
from gbstd.undecodable import backslashed, uri_path

FORMATS = ("md", "html", "docx", "json")
Progress = Callable[[int], None]


class NotesError(Exception):
    """The notes file cannot be used: each problem as ``file:line:col: message`` in both languages."""

    def __init__(self, problems: list[Text]) -> None:
        super().__init__("; ".join(p.en for p in problems))
        self.problems = problems


@dataclass
class BulletinNotesChoice:
    notes: NotesFile | None
    warnings: list[Text]


def _located(findings: list[Finding], path: Path, rel: str, max_size: int, root: Path | None) -> list[Text]:
    text, _ = read_text(path, max_size, root)
    locator = Locator(text)
    problems = []
    for finding in findings:
        line, column = (finding.line, finding.column) if finding.line else locator.position(finding.loc, finding.key)
        problems.append(Text(f"{rel}:{line}:{column}: {finding.message.zh}", f"{rel}:{line}:{column}: {finding.message.en}"))
    return problems


def choose_notes(catalog: Catalog, period: Period, notes_path: Path | None) -> BulletinNotesChoice:
    """The notes for ``period``: the file given, else ``<notes dir>/<period>.yaml``, else any notes file whose
    ``period`` matches (in a federation, one of the federating catalog's own). A file that exists but does not
    validate is an error (never silently ignored)."""
    warnings: list[Text] = []
    path = notes_path
    if path is None:
        candidate = catalog.root / catalog.config.catalog.notes / f"{period.key}.yaml"
        if candidate.is_file():
            path = candidate
    if path is None:
        # A federation's bulletin is the federating catalog's to write: a member's notes speak for that member.
        own = next((n for n in catalog.notes if n.member is None and n.notes.period == period.key), None)
        return BulletinNotesChoice(own, warnings)
    if (problem := named_file_problem(path)) is not None:  # a directory is there: not "no such notes file"
        raise NotesError([Text(f"通报素材：{problem.zh}", f"notes: {problem.en}")])
    try:
        rel = path.resolve().relative_to(catalog.root).as_posix()
    except ValueError:
        rel = str(path)
    inside = catalog.root if notes_path is None else None  # the catalog's own file must stay inside it
    loaded, findings = load_notes_file(path, rel, catalog.config, inside)
    if loaded is None or findings:
        raise NotesError(_located(findings, path, rel, catalog.config.catalog.max_file_size, inside))
    if loaded.notes.period != period.key:
        warnings.append(Text(
            f"{rel} 的 period 是 {loaded.notes.period}，而报告期是 {period.key}",
            f"{rel} is written for period {loaded.notes.period}, the report is for {period.key}",
        ))
    return BulletinNotesChoice(loaded, warnings)


def build_document(
    catalog: Catalog,
    period: Period,
    as_of: dt.date,
    notes: NotesFile | None,
    progress: Progress | None = None,
    changes: ChangeSet | None = None,
    stages: DetectionProgress | None = None,
) -> BulletinDocument:
    bulletin: Bulletin = compute_bulletin(catalog, period, as_of, progress=progress, stages=stages)
    # The document names its notes file; a name's undecodable bytes (a GBK zip) as \xNN, which every format
    # can hold (UTF-8 Markdown and HTML, the DOCX's XML), never as lone surrogates none of them can encode.
    doc = compose(bulletin, notes.notes if notes else None, backslashed(notes.rel) if notes else None)
    if changes is not None:
        doc.changes = changes_appendix(changes, [member.name for member in catalog.members])
    return doc


def chart_images(doc: BulletinDocument, progress: Progress | None = None) -> dict[str, bytes]:
    images = {}
    for chart in doc.charts:
        images[chart.name] = chart.image if chart.image is not None else render_chart(chart)
        if progress:
            progress(1)
    return images


def render_bulletin(
    doc: BulletinDocument,
    fmt: str,
    output: Path,
    catalog_root: Path | None,
    progress: Progress | None = None,
) -> dict[Path, bytes]:
    """Every file to write for ``fmt``: the output itself first, then its companions (Markdown charts)."""
    if fmt == "json":
        payload = {"title": doc.title, "figures": doc.bulletin.to_json(), "placeholders": doc.placeholders}
        if doc.changes is not None:
            payload["changes"] = doc.changes["entries"]
        return {output: json_document(payload).encode()}
    images = chart_images(doc, progress)
    font_note = find_cjk_font().note
    if fmt == "docx":
        from gbstd.reports.docx_writer import write_docx

        return {output: write_docx(doc, images, font_note)}
    if fmt == "html":
        uris = {name: "data:image/png;base64," + base64.b64encode(data).decode() for name, data in images.items()}
        html = render(catalog_root, "bulletin/bulletin.html.j2", doc=doc, charts=uris, font_note=font_note)
        return {output: html.encode()}
    if fmt == "md":
        chart_dir = output.parent / f"{output.stem}-charts"
        files: dict[Path, bytes] = {}
        links = {}
        for name, data in images.items():
            files[chart_dir / f"{name}.png"] = data
            links[name] = _markdown_link(f"{chart_dir.name}/{name}.png")
        text = render(catalog_root, "bulletin/bulletin.md.j2", doc=doc, charts=links, font_note=font_note)
        return {output: text.encode(), **files}
    raise ValueError(f"unknown bulletin format {fmt!r}; expected one of {', '.join(FORMATS)}")


def _markdown_link(path: str) -> str:
    """A relative path as a Markdown link's destination: a space would end it, an unbalanced parenthesis close
    it, and an undecodable byte of the file's name cannot be written in UTF-8 at all — all percent-encoded."""
    return uri_path(path).replace("(", "%28").replace(")", "%29")
