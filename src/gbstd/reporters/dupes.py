"""Output formats of `gbstd dupes`: table (rich), JSON, CSV and Markdown, from pairs and their clusters."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from io import StringIO

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from gbstd.catalog.catalog import Record
from gbstd.i18n import Lang, Text
from gbstd.model.code import Tier
from gbstd.similarity import Cluster, DuplicateKind, DuplicatePair, describe_region
from gbstd.tabular.safety import markdown_text
from gbstd.tabular.writers import csv_bytes

CSV_COLUMNS = (
    "cluster", "a", "b", "score", "kind", "reason", "advice", "a_title", "b_title", "a_tier", "b_tier",
    "a_region", "b_region", "a_path", "b_path",
)  # fmt: skip


def _rows(clusters: list[Cluster], extra: list[DuplicatePair], lang: Lang) -> list[dict[str, object]]:
    rows = []
    for number, group in enumerate(clusters, start=1):
        rows.extend({"cluster": number, **pair.to_json(lang)} for pair in group.pairs)
    rows.extend({"cluster": None, **pair.to_json(lang)} for pair in extra)
    return rows


def render_json(clusters: list[Cluster], extra: list[DuplicatePair], lang: Lang) -> str:
    return json.dumps(_rows(clusters, extra, lang), ensure_ascii=False, indent=2) + "\n"


CSV_HEADERS_ZH = (
    "组", "标准号甲", "标准号乙", "相似度", "类型", "理由", "建议", "标准名称甲", "标准名称乙", "层级甲", "层级乙",
    "行政区划甲", "行政区划乙", "文件甲", "文件乙",
)  # fmt: skip


def render_csv(clusters: list[Cluster], extra: list[DuplicatePair], lang: Lang) -> bytes:
    """Through the catalog export's CSV writer (BOM, CRLF); Chinese headers and labels by default, the
    machine keys and values with ``--lang en``."""
    rows = []
    for row in _rows(clusters, extra, lang):
        if lang == "zh":
            row["kind"] = DuplicateKind(row["kind"]).label.zh
            for side in ("a_tier", "b_tier"):
                row[side] = Tier(row[side]).label.zh if row[side] else ""
        rows.append([row[key] for key in CSV_COLUMNS])
    return csv_bytes(CSV_HEADERS_ZH if lang == "zh" else CSV_COLUMNS, rows)  # type: ignore[arg-type]


def _tier(record: Record, lang: Lang) -> str:
    return record.tier.label.get(lang) if record.tier else ""


def summary(clusters: list[Cluster], extra: list[DuplicatePair]) -> Text:
    pairs = [p for c in clusters for p in c.pairs]
    kinds = Counter(p.kind for p in pairs)
    zh_kinds = "，".join(f"{k.label.zh} {n}" for k, n in sorted(kinds.items(), key=lambda kv: -kv[1]))
    en_kinds = ", ".join(f"{k.value} {n}" for k, n in sorted(kinds.items(), key=lambda kv: -kv[1]))
    records = sum(len(c.members) for c in clusters)
    zh = f"发现 {len(clusters)} 组疑似重复标准，涉及 {records} 项标准、{len(pairs)} 对（{zh_kinds or '无'}）"
    en = f"{len(clusters)} groups of likely duplicates, {records} standards, {len(pairs)} pairs ({en_kinds or 'none'})"
    if extra:
        zh += f"；另有 {len(extra)} 对代替关系（不是重复）"
        en += f"; plus {len(extra)} supersession pairs (not duplicates)"
    return Text(zh + "。", en + ".")


def render_markdown(clusters: list[Cluster], extra: list[DuplicatePair], lang: Lang) -> str:
    zh = lang == "zh"
    out = [f"# {'疑似重复标准' if zh else 'Likely duplicate standards'}", "", summary(clusters, extra).get(lang), ""]
    header = ("标准号", "标准名称", "层级", "地区") if zh else ("Code", "Title", "Tier", "Region")
    for number, group in enumerate(clusters, start=1):
        title = f"组 {number}（{len(group.members)} 项，最高 {group.score:.2f}）" if zh else (
            f"Group {number} ({len(group.members)} standards, best {group.score:.2f})")
        out += [f"## {title}", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
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


def render_table(clusters: list[Cluster], extra: list[DuplicatePair], lang: Lang, color: bool = False) -> str:
    buffer = StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color, highlight=False, width=160)
    zh = lang == "zh"
    for number, group in enumerate(clusters, start=1):
        caption = f"组 {number} · {len(group.members)} 项 · 最高 {group.score:.2f}" if zh else (
            f"group {number} · {len(group.members)} standards · best {group.score:.2f}")
        table = Table(title=caption, title_justify="left", show_lines=False, expand=False)
        for column in (("标准号", "标准名称", "层级", "地区", "状态") if zh else ("code", "title", "tier", "region", "status")):
            table.add_column(column)
        for record in group.members:
            table.add_row(escape(record.key), escape(record.title), _tier(record, lang), describe_region(record),
                          record.status.label.get(lang))
        console.print(table)
        for pair in group.pairs:
            style = "yellow" if pair.kind in (DuplicateKind.MERGE, DuplicateKind.ADOPT_UPPER, DuplicateKind.SAME_CODE) else "cyan"
            console.print(f"  {escape(pair.a)} ↔ {escape(pair.b)}  [bold]{pair.score:.2f}[/]  [{style}]{pair.kind.label.get(lang)}[/]  "
                          f"{escape(pair.reason.get(lang))}")
            console.print(f"    → {escape(pair.advice.get(lang))}")
        console.print()
    for pair in extra:
        console.print(f"  {escape(pair.a)} → {escape(pair.b)}  {pair.score:.2f}  {pair.kind.label.get(lang)}")
    console.print(summary(clusters, extra).get(lang), style="bold" if color else None)
    return buffer.getvalue()


DUPES_FORMATS: dict[str, Callable[[list[Cluster], list[DuplicatePair], Lang], str | bytes]] = {
    "table": render_table,
    "json": render_json,
    "csv": render_csv,
    "markdown": render_markdown,
}
