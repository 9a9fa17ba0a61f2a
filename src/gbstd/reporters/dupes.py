"""Output formats of `gbstd dupes`: table (rich), JSON, CSV and Markdown, from groups of likely duplicates.

JSON is a list of groups ``{group, kind, score, size, pair_count, members, pairs}``; each pair keeps ``a``,
``b``, ``score``, ``kind`` and ``reason``. ``pairs=True`` gives the flat list of pairs instead (each with its
``group``), as JSON and CSV always were. The pairs are those the run kept: a spanning set of the strongest
(n − 1 for n members) unless `--all-pairs` kept them all.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Iterable
from io import StringIO
from typing import TextIO

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from gbstd.catalog.catalog import Record
from gbstd.i18n import Lang, Text
from gbstd.jsontext import json_text
from gbstd.model.code import Tier
from gbstd.similarity import DuplicateGroup, DuplicateKind, DuplicatePair, describe_region
from gbstd.tabular.safety import markdown_text
from gbstd.tabular.writers import csv_bytes

CSV_COLUMNS = (
    "group", "group_kind", "group_size", "a", "b", "score", "kind", "reason", "advice", "a_title", "b_title",
    "a_tier", "b_tier", "a_region", "b_region", "a_path", "b_path",
)  # fmt: skip
TABLE_PAIRS = 5  # pairs shown under each group in the table (all of them are in JSON/CSV)


def _rows(groups: list[DuplicateGroup], extra: list[DuplicatePair], lang: Lang) -> list[dict[str, object]]:
    rows = []
    for number, group in enumerate(groups, start=1):
        head = {"group": number, "group_kind": group.kind.value, "group_size": len(group.members)}
        rows.extend({**head, **pair.to_json(lang)} for pair in group.pairs)
    rows.extend({"group": None, "group_kind": p.kind.value, "group_size": 2, **p.to_json(lang)} for p in extra)
    return rows


def write_json(groups: list[DuplicateGroup], extra: list[DuplicatePair], lang: Lang, out: TextIO,
               pairs: bool = False) -> None:
    """The JSON document written item by item, so a national catalog's output is never one string in memory."""
    if pairs:
        items: Iterable[dict[str, object]] = _rows(groups, extra, lang)
    else:
        items = itertools.chain(
            (group.to_json(number, lang) for number, group in enumerate(groups, start=1)),
            ({"group": None, "kind": p.kind.value, "score": p.score, "size": 2, "pair_count": 1,
              "members": [p.a, p.b], "pairs": [p.to_json(lang)]} for p in extra),
        )
    out.write("[")
    for n, item in enumerate(items):
        # orjson (json_text) writes what json.dumps(ensure_ascii=False, indent=2) writes for these items (strings,
        # ints, None, booleans, scores rounded to three decimals), several times faster: a national catalog lists
        # 100 000 pairs; a file name that is not UTF-8 is escaped (it stopped the whole output with a traceback)
        text = json_text(item)
        out.write(("," if n else "") + "\n  " + text.replace("\n", "\n  "))
    out.write("\n]\n" if groups or extra else "]\n")


def render_json(groups: list[DuplicateGroup], extra: list[DuplicatePair], lang: Lang, pairs: bool = False) -> str:
    buffer = StringIO()
    write_json(groups, extra, lang, buffer, pairs)
    return buffer.getvalue()


CSV_HEADERS_ZH = (
    "组", "组类型", "组内标准数", "标准号甲", "标准号乙", "相似度", "类型", "理由", "建议", "标准名称甲", "标准名称乙",
    "层级甲", "层级乙", "行政区划甲", "行政区划乙", "文件甲", "文件乙",
)  # fmt: skip


def render_csv(groups: list[DuplicateGroup], extra: list[DuplicatePair], lang: Lang, pairs: bool = False) -> bytes:
    """One row per pair kept, with its group's number, kind and size (the same rows with or without --pairs),
    through the catalog export's CSV writer (BOM, CRLF); Chinese headers and labels by default, the machine
    keys and values with ``--lang en``."""
    rows = []
    for row in _rows(groups, extra, lang):
        if lang == "zh":
            for key in ("kind", "group_kind"):
                row[key] = DuplicateKind(row[key]).label.zh
            for side in ("a_tier", "b_tier"):
                row[side] = Tier(row[side]).label.zh if row[side] else ""
        rows.append([row.get(key) for key in CSV_COLUMNS])
    return csv_bytes(CSV_HEADERS_ZH if lang == "zh" else CSV_COLUMNS, rows)  # type: ignore[arg-type]


def _tier(record: Record, lang: Lang) -> str:
    return record.tier.label.get(lang) if record.tier else ""


def summary(groups: list[DuplicateGroup], extra: list[DuplicatePair]) -> Text:
    kinds = Counter(g.kind for g in groups)
    zh_kinds = "，".join(f"{k.label.zh} {n} 组" for k, n in sorted(kinds.items(), key=lambda kv: -kv[1]))
    en_kinds = ", ".join(f"{k.value} {n}" for k, n in sorted(kinds.items(), key=lambda kv: -kv[1]))
    records = sum(len(g.members) for g in groups)
    pairs = sum(g.pair_count for g in groups)
    zh = f"发现 {len(groups)} 组疑似重复标准，涉及 {records} 项标准、{pairs} 对（{zh_kinds or '无'}）"
    en = f"{len(groups)} groups of likely duplicates, {records} standards, {pairs} pairs ({en_kinds or 'none'})"
    if extra:
        zh += f"；另有 {len(extra)} 对代替关系（不是重复）"
        en += f"; plus {len(extra)} supersession pairs (not duplicates)"
    return Text(zh + "。", en + ".")


def _caption(number: int, group: DuplicateGroup, lang: Lang) -> str:
    if lang == "zh":
        return (f"组 {number}（{group.kind.label.zh}，{len(group.members)} 项，{group.pair_count} 对，"
                f"最高 {group.score:.2f}）")
    return (f"Group {number} ({group.kind.value}, {len(group.members)} standards, {group.pair_count} pairs, "
            f"best {group.score:.2f})")


def render_markdown(groups: list[DuplicateGroup], extra: list[DuplicatePair], lang: Lang, pairs: bool = False) -> str:
    zh = lang == "zh"
    out = [f"# {'疑似重复标准' if zh else 'Likely duplicate standards'}", "", summary(groups, extra).get(lang), ""]
    header = ("标准号", "标准名称", "层级", "地区") if zh else ("Code", "Title", "Tier", "Region")
    for number, group in enumerate(groups, start=1):
        out += [f"## {_caption(number, group, lang)}", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for record in group.members:
            out.append(f"| {_md(record.key)} | {_md(record.title)} | {_tier(record, lang)} | {_md(describe_region(record))} |")
        out.append("")
        for pair in group.pairs:
            stop = "。" if zh else ". "
            out.append(f"- **{_md(pair.a)} ↔ {_md(pair.b)}** · {pair.score:.2f} · `{pair.kind.value}` — "
                       f"{_md(pair.reason.get(lang))}{stop}{_md(pair.advice.get(lang))}")
        out.append("")
    if extra:
        out += [f"## {'代替关系（不是重复）' if zh else 'Supersession (not duplicates)'}", ""]
        out += [f"- {_md(p.a)} → {_md(p.b)} · {p.score:.2f}" for p in extra]
        out.append("")
    return "\n".join(out)


def _md(text: str) -> str:
    return markdown_text(text)


def render_table(groups: list[DuplicateGroup], extra: list[DuplicatePair], lang: Lang, color: bool = False) -> str:
    buffer = StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color, highlight=False, width=160)
    zh = lang == "zh"
    for number, group in enumerate(groups, start=1):
        table = Table(title=_caption(number, group, lang), title_justify="left", show_lines=False, expand=False)
        for column in (("标准号", "标准名称", "层级", "地区", "状态") if zh else ("code", "title", "tier", "region", "status")):
            table.add_column(column)
        for record in group.members:
            table.add_row(escape(record.key), escape(record.title), _tier(record, lang), describe_region(record),
                          record.status.label.get(lang))
        console.print(table)
        for pair in group.pairs[:TABLE_PAIRS]:
            style = "yellow" if pair.kind in (DuplicateKind.MERGE, DuplicateKind.ADOPT_UPPER, DuplicateKind.SAME_CODE) else "cyan"
            console.print(f"  {escape(pair.a)} ↔ {escape(pair.b)}  [bold]{pair.score:.2f}[/]  [{style}]{pair.kind.label.get(lang)}[/]  "
                          f"{escape(pair.reason.get(lang))}")
            console.print(f"    → {escape(pair.advice.get(lang))}")
        hidden = len(group.pairs) - TABLE_PAIRS
        if hidden > 0:
            console.print(f"  … 另有 {hidden} 对（--format json）" if zh else f"  … {hidden} more pairs (--format json)")
        console.print()
    for pair in extra:
        console.print(f"  {escape(pair.a)} → {escape(pair.b)}  {pair.score:.2f}  {pair.kind.label.get(lang)}")
    console.print(summary(groups, extra).get(lang), style="bold" if color else None)
    return buffer.getvalue()


DUPES_FORMATS: dict[str, Callable[[list[DuplicateGroup], list[DuplicatePair], Lang, bool], str | bytes]] = {
    "json": render_json,
    "csv": render_csv,
    "markdown": render_markdown,
}
