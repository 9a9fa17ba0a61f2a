"""Output formats of `gbstd changes`: text for a terminal, Markdown for a pull-request comment or a GitHub job
summary (a table per kind of change, rows by module), and JSON (the changes' own ``to_json``).

Record text is data from a file anyone can edit: control characters and bidirectional overrides are removed
before it reaches a terminal, and Markdown cells are escaped so a title cannot break the table or add HTML.
"""

from __future__ import annotations

import re

from gbstd.changes import KIND_LABELS, KINDS, ChangeSet, details, module_label, summary
from gbstd.i18n import Lang, Text
from gbstd.jsontext import json_document
from gbstd.printable import printable
from gbstd.tabular.safety import markdown_text

# Bidirectional marks, overrides and isolates: they make text display other than it reads.
_BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """One line of text safe to print: control characters (:func:`gbstd.printable.printable`) and bidi marks
    removed, line breaks and tabs as one space."""
    return _BIDI.sub("", printable(re.sub(r"[\r\n\t]+", " ", text)))


def range_text(changes: ChangeSet, lang: Lang) -> str:
    until = changes.until if changes.until is not None else Text("工作区", "the work tree").get(lang)
    return f"{clean(changes.since)} → {clean(until)}"


def render_json(changes: ChangeSet) -> str:
    return json_document(changes.to_json())


def render_text(changes: ChangeSet, lang: Lang) -> str:
    lines = [f"{range_text(changes, lang)}  {summary(changes, lang)}"]
    for kind in KINDS:
        group = changes.of_kind(kind)
        if not group:
            continue
        lines += ["", f"{KIND_LABELS[kind].get(lang)} ({len(group)})"]
        for change in group:
            module = module_label(changes, change.module)
            head = f"  {f'[{module}] ' if module else ''}{change.code}  {change.title or ''}".rstrip()
            lines.append(clean(head))
            lines.append(clean(f"      {change.path}"))
            lines += [clean(f"      ~ {line}") for line in details(change, lang)]
    for problem in changes.unreadable:
        side = Text("旧", "old").get(lang) if problem.side == "old" else Text("新", "new").get(lang)
        note = Text(f"无法比较（{side}版本）", f"not compared ({side} side)").get(lang)
        lines.append(clean(f"! {problem.path}: {note}: {problem.reason.get(lang)}"))
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    """A Markdown table cell: controls removed, then escaped as every gbstd Markdown table is."""
    return markdown_text(clean(text))


def render_markdown(changes: ChangeSet, lang: Lang) -> str:
    """Ready to paste as a pull-request comment: a heading, the counts, then a table per kind of change."""
    title = Text("目录变化：", "Catalog changes: ").get(lang)
    lines = [f"### {title}{_cell(range_text(changes, lang))}", "", _cell(summary(changes, lang))]
    header = Text(
        "| 体系 | 编号 | 名称 | 变化 | 文件 |", "| module | code | title | what changed | file |"
    ).get(lang)
    for kind in KINDS:
        group = changes.of_kind(kind)
        if not group:
            continue
        lines += [
            "",
            f"#### {KIND_LABELS[kind].get(lang)} ({len(group)})",
            "",
            header,
            "|---|---|---|---|---|",
        ]
        for change in group:
            what = "<br>".join(_cell(line) for line in details(change, lang))
            lines.append(
                f"| {_cell(module_label(changes, change.module))} | {_cell(change.code)} | "
                f"{_cell(change.title or '')} | {what} | {_cell(change.path)} |"
            )
    if changes.unreadable:
        lines += ["", Text("无法比较的文件：", "Files that could not be compared:").get(lang), ""]
        lines += [f"- {_cell(p.path)}: {_cell(p.reason.get(lang))}" for p in changes.unreadable]
    return "\n".join(lines) + "\n"
