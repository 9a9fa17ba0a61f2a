"""``gbstd history CODE``: one standard's record, commit by commit, as field-level changes."""

from __future__ import annotations

import json
from enum import Enum
from typing import Annotated, Any

import typer

from gbstd.catalog.config_file import CatalogError
from gbstd.catalog.loader import load_catalog_cached
from gbstd.cli.common import (
    CatalogArgument,
    CatalogOption,
    LangChoice,
    LangOption,
    fail,
    fail_if_missing,
    named_catalog,
)
from gbstd.cli.console import print_document
from gbstd.gitrepo import Became, FieldChange, RecordHistory, record_history
from gbstd.i18n import Lang, Text
from gbstd.printable import printable


class HistoryFormat(str, Enum):
    text = "text"
    json = "json"


def history(
    code: Annotated[str, typer.Argument(help="标准号 standard code, any spelling, e.g. 'GB/T 41568-2022'")],
    path: CatalogArgument = None,
    catalog_option: CatalogOption = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since", metavar="REF", help="只显示 REF 之后的提交 only commits after git revision REF."
        ),
    ] = None,
    output_format: Annotated[
        HistoryFormat, typer.Option("--format", "-f", help="输出格式 output format.")
    ] = (HistoryFormat.text),
    lang: LangOption = LangChoice.zh,
) -> None:
    """标准记录的变更历史 — how one record changed, commit by commit: fields, author, date, message.

    Follows renames; finds records that were deleted by their file name, or else by the code their last
    version held, and a renumbered record (its file renamed with its code changed) by its old code, saying
    what it became. Uncommitted changes in the working tree come first. Newest first.

    Examples:

        gbstd history "DB41/T 2397-2023" standards

        gbstd history DB41/T2397-2023 standards --since HEAD~10 --format json
    """
    language = lang.value
    path = named_catalog(path, catalog_option, language)
    fail_if_missing(path, language)
    try:
        catalog = load_catalog_cached(path)
        found = record_history(catalog, code, since)
    except CatalogError as exc:
        fail(exc.text, language)
    if output_format is HistoryFormat.json:
        print_document(json.dumps(found.to_json(), ensure_ascii=False, indent=2), newline=True)
    else:
        typer.echo(printable(render_history(found, language)), nl=False)


def _value(value: Any) -> str:
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return "null" if value is None else str(value)


def _change_line(change: FieldChange) -> str:
    if change.kind == "added":
        return f"    + {change.field}: {_value(change.new)}"
    if change.kind == "removed":
        return f"    - {change.field}: {_value(change.old)}"
    return f"    ~ {change.field}: {_value(change.old)} → {_value(change.new)}"


def _became_line(code: str, became: Became) -> Text:
    """Where a record renumbered (or moved) away from the file its history follows is now: the codes it took
    one after another, then its file now, or the commit that deleted it."""
    codes = [code]
    for then in [*(step.code for step in became.steps), became.code]:  # the last: its file now
        if then is not None and then != codes[-1]:
            codes.append(then)
    chain = " → ".join(codes)
    if became.in_catalog:
        command = f'gbstd history "{codes[-1]}"'
        where = Text(f"，现为 {became.path}（{command}）", f", now {became.path} ({command})")
    elif became.deleted_in is not None:
        where = Text(f"，{became.path} 后于 {became.deleted_in[:10]} 删除",
                     f", {became.path} deleted later in {became.deleted_in[:10]}")
    else:
        where = Text(f"，{became.path} 已从工作区删除（未提交）",
                     f", {became.path} removed from the working tree (not committed)")
    head = Text(f"  已改号：{chain}", f"  renumbered: {chain}") if len(codes) > 1 else Text("  已移走", "  moved away")
    return Text(head.zh + where.zh, head.en + where.en)


def render_history(found: RecordHistory, lang: Lang) -> str:
    lines = [f"{found.code}  {found.path}"]
    if found.shallow:
        lines.append(Text(
            "  注意：这是浅克隆，更早的提交未取回，最早一条未必是新建（取回全部历史：git fetch --unshallow）",
            "  note: a shallow clone; earlier commits were not fetched, so the oldest entry may not be where the "
            "record was made (fetch the whole history: git fetch --unshallow)",
        ).get(lang))
    if found.became is not None:
        lines.append(_became_line(found.code, found.became).get(lang))
    if not found.entries:
        lines.append(Text("  （没有提交）", "  (no commits)").get(lang))
    labels = {
        "added": Text("新建", "added"), "modified": Text("修改", "modified"),
        "renamed": Text("改名", "renamed"), "deleted": Text("删除", "deleted"),
    }  # fmt: skip
    for entry in found.entries:
        lines.append("")
        if entry.commit is None:
            lines.append(
                Text("工作区（未提交）", "working tree (uncommitted)").get(lang)
                + f"  [{labels[entry.change].get(lang)}]"
            )
        else:
            date = entry.date.date().isoformat() if entry.date else ""
            lines.append(
                f"{entry.commit[:10]}  {date}  {entry.author} <{entry.email}>  "
                f"[{labels[entry.change].get(lang)}]"
            )
            if entry.summary:
                lines.append(f"    {entry.summary}")
        if entry.renamed_from:
            lines.append(f"    {entry.renamed_from} → {entry.path}")
        if entry.refused is not None:
            lines.append(Text("    （未读取：", "    (not read: ").get(lang) + entry.refused.get(lang)
                         + Text("）", ")").get(lang))
        elif entry.unreadable:
            lines.append(
                Text(
                    "    （此版本不是有效的 YAML，无法逐字段比较）",
                    "    (this version is not valid YAML: no field-level comparison)",
                ).get(lang)
            )
        lines.extend(_change_line(change) for change in entry.fields)
        if not entry.fields and entry.change != "renamed" and not entry.unreadable:
            lines.append(Text("    （只有格式变化）", "    (formatting only)").get(lang))
    return "\n".join(lines) + "\n"
