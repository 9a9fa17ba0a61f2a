"""The bulletin's appendix 本期目录变化: what changed in the catalog since a revision, a table per kind.

Built from a :class:`gbstd.changes.ChangeSet` as plain data (text, tuples, dicts), which every writer — the
Markdown and HTML templates, the DOCX writer, the JSON figures — reads as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from gbstd.changes import KIND_LABELS, KINDS, ChangeSet, details, module_label, summary

TITLE = "本期目录变化"
HEADER = ("体系", "编号", "名称", "变化")


def changes_appendix(changes: ChangeSet, members: Sequence[str] = ()) -> dict[str, Any]:
    """``title``, ``range`` (REF → 工作区), ``summary``, ``tables`` (one per kind: caption, header, rows) and
    ``entries`` (the changes as ``gbstd changes --format json`` prints them).

    ``members`` (a federation's member names) adds a 成员 column first: the member whose file changed."""
    tables = []
    for kind in KINDS:
        group = changes.of_kind(kind)
        if not group:
            continue
        rows = tuple(
            (*((member_of(c.path, members),) if members else ()),
             module_label(changes, c.module), c.code, c.title or "", "；".join(details(c, "zh", labels=True)))
            for c in group
        )
        header = ("成员", *HEADER) if members else HEADER
        tables.append(
            {"caption": f"{KIND_LABELS[kind].zh}（{len(group)} 项）", "header": header, "rows": rows}
        )
    until = changes.until if changes.until is not None else "工作区"
    return {
        "title": TITLE,
        "range": f"{changes.since} → {until}",
        "summary": summary(changes, "zh"),
        "tables": tuple(tables),
        "entries": tuple(changes.to_json()),
    }


def member_of(path: str, members: Sequence[str]) -> str:
    """The member a union path (``河南/records/…``) belongs to: the longest name that prefixes it (a nested
    member's ``河南/洛阳`` before ``河南``); 本级 for the federating catalog's own files."""
    found = [name for name in members if path.startswith(name + "/")]
    return max(found, key=len) if found else "本级"
