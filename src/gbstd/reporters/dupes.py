"""Output formats of `gbstd dupes`: table (rich), JSON, CSV and Markdown, from groups of likely duplicates.

JSON is a list of groups ``{group, kind, score, size, pair_count, members, pairs}``; each pair keeps ``a``,
``b``, ``score``, ``kind`` and ``reason``. ``pairs=True`` gives the flat list of pairs instead (each with its
``group``), as JSON and CSV always were. The pairs are those the run kept: a spanning set of the strongest
(n − 1 for n members) unless `--all-pairs` kept them all.

With ``--against`` (:class:`Against`) the two catalogs may hold the same codes: each record says which one it is
in — its code marked in the table and Markdown, ``a_catalog``/``b_catalog`` and the reference's path as named in
JSON and CSV, and the group's ``reference_members``.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from io import StringIO
from typing import TextIO

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from gbstd.catalog.catalog import Record
from gbstd.i18n import Lang, Text
from gbstd.jsontext import json_text
from gbstd.model.code import Tier
from gbstd.printable import printable
from gbstd.reporters.long_table import write_long_table
from gbstd.similarity import DuplicateGroup, DuplicateKind, DuplicatePair, describe_region
from gbstd.tabular.safety import markdown_text
from gbstd.tabular.writers import csv_bytes

CSV_COLUMNS = (
    "group", "group_kind", "group_size", "a", "b", "score", "kind", "reason", "advice", "a_title", "b_title",
    "a_tier", "b_tier", "a_region", "b_region", "a_path", "b_path",
)  # fmt: skip
TABLE_PAIRS = 5  # pairs shown under each group in the table (all of them are in JSON/CSV)


SIDE_COLUMNS = ("a_catalog", "b_catalog")  # CSV columns with --against
SIDE_HEADERS_ZH = ("目录甲", "目录乙")


@dataclass(frozen=True)
class Against:
    """``dupes --against``: the reference catalog's records (by identity) and the path it was named by."""

    records: frozenset[int]
    path: str

    def has(self, record: Record) -> bool:
        return id(record) in self.records

    def code(self, record: Record, lang: Lang) -> str:
        """The record's code, marked when it is the reference catalog's."""
        return record.key + ("（参照）" if lang == "zh" else " (reference)") if self.has(record) else record.key


def _pair_json(pair: DuplicatePair, lang: Lang, against: Against | None) -> dict[str, object]:
    item = pair.to_json(lang)
    if against is not None:
        for side, record in (("a", pair.a_record), ("b", pair.b_record)):
            item[f"{side}_catalog"] = "reference" if against.has(record) else "catalog"
            if against.has(record):
                item[f"{side}_path"] = f"{against.path.rstrip('/')}/{record.rel}"
    return item


def _rows(
    groups: list[DuplicateGroup], extra: list[DuplicatePair], lang: Lang, against: Against | None = None
) -> list[dict[str, object]]:
    rows = []
    for number, group in enumerate(groups, start=1):
        head = {"group": number, "group_kind": group.kind.value, "group_size": len(group.members)}
        rows.extend({**head, **_pair_json(pair, lang, against)} for pair in group.pairs)
    rows.extend({"group": None, "group_kind": p.kind.value, "group_size": 2, **_pair_json(p, lang, against)}
                for p in extra)
    return rows


def _group_json(number: int, group: DuplicateGroup, lang: Lang, against: Against | None) -> dict[str, object]:
    item = group.to_json(number, lang)
    if against is not None:
        item["pairs"] = [_pair_json(pair, lang, against) for pair in group.pairs]
        item["reference_members"] = [record.key for record in group.members if against.has(record)]
    return item


def write_json(groups: list[DuplicateGroup], extra: list[DuplicatePair], lang: Lang, out: TextIO,
               pairs: bool = False, against: Against | None = None) -> None:
    """The JSON document written item by item, so a national catalog's output is never one string in memory."""
    if pairs:
        items: Iterable[dict[str, object]] = _rows(groups, extra, lang, against)
    else:
        items = itertools.chain(
            (_group_json(number, group, lang, against) for number, group in enumerate(groups, start=1)),
            ({"group": None, "kind": p.kind.value, "score": p.score, "size": 2, "pair_count": 1,
              "members": [p.a, p.b], "pairs": [_pair_json(p, lang, against)]} for p in extra),
        )
    out.write("[")
    for n, item in enumerate(items):
        # orjson (json_text) writes what json.dumps(ensure_ascii=False, indent=2) writes for these items (strings,
        # ints, None, booleans, scores rounded to three decimals), several times faster: a national catalog lists
        # 100 000 pairs; a file name that is not UTF-8 is escaped (it stopped the whole output with a traceback)
        text = json_text(item)
        out.write(("," if n else "") + "\n  " + text.replace("\n", "\n  "))
    out.write("\n]\n" if groups or extra else "]\n")


def render_json(
    groups: list[DuplicateGroup], extra: list[DuplicatePair], lang: Lang, pairs: bool = False,
    against: Against | None = None,
) -> str:
    buffer = StringIO()
    write_json(groups, extra, lang, buffer, pairs, against)
    return buffer.getvalue()


CSV_HEADERS_ZH = (
    "组", "组类型", "组内标准数", "标准号甲", "标准号乙", "相似度", "类型", "理由", "建议", "标准名称甲", "标准名称乙",
    "层级甲", "层级乙", "行政区划甲", "行政区划乙", "文件甲", "文件乙",
)  # fmt: skip


def render_csv(
    groups: list[DuplicateGroup], extra: list[DuplicatePair], lang: Lang, pairs: bool = False,
    against: Against | None = None,
) -> bytes:
    """One row per pair kept, with its group's number, kind and size (the same rows with or without --pairs),
    through the catalog export's CSV writer (BOM, CRLF); Chinese headers and labels by default, the machine
    keys and values with ``--lang en``."""
    columns = CSV_COLUMNS + (SIDE_COLUMNS if against is not None else ())
    headers = (CSV_HEADERS_ZH + (SIDE_HEADERS_ZH if against is not None else ())) if lang == "zh" else columns
    rows = []
    for row in _rows(groups, extra, lang, against):
        if lang == "zh":
            for key in ("kind", "group_kind"):
                row[key] = DuplicateKind(row[key]).label.zh
            for side in ("a_tier", "b_tier"):
                row[side] = Tier(row[side]).label.zh if row[side] else ""
            for key in SIDE_COLUMNS:
                if key in row:
                    row[key] = "参照目录" if row[key] == "reference" else "本目录"
        rows.append([row.get(key) for key in columns])
    return csv_bytes(headers, rows)  # type: ignore[arg-type]


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


def render_markdown(
    groups: list[DuplicateGroup], extra: list[DuplicatePair], lang: Lang, pairs: bool = False,
    against: Against | None = None,
) -> str:
    zh = lang == "zh"
    code = _coder(lang, against)
    out = [f"# {'疑似重复标准' if zh else 'Likely duplicate standards'}", "", summary(groups, extra).get(lang), ""]
    header = ("标准号", "标准名称", "层级", "地区") if zh else ("Code", "Title", "Tier", "Region")
    for number, group in enumerate(groups, start=1):
        out += [f"## {_caption(number, group, lang)}", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for record in group.members:
            out.append(f"| {_md(code(record))} | {_md(record.title)} | {_tier(record, lang)} | {_md(describe_region(record))} |")
        out.append("")
        for pair in group.pairs:
            stop = "。" if zh else ". "
            out.append(f"- **{_md(code(pair.a_record))} ↔ {_md(code(pair.b_record))}** · {pair.score:.2f} · `{pair.kind.value}` — "
                       f"{_md(pair.reason.get(lang))}{stop}{_md(pair.advice.get(lang))}")
        out.append("")
    if extra:
        out += [f"## {'代替关系（不是重复）' if zh else 'Supersession (not duplicates)'}", ""]
        out += [f"- {_md(code(p.a_record))} → {_md(code(p.b_record))} · {p.score:.2f}" for p in extra]
        out.append("")
    return "\n".join(out)


def _md(text: str) -> str:
    return markdown_text(text)


def _coder(lang: Lang, against: Against | None) -> Callable[[Record], str]:
    """How a record's code is shown: marked when it is the reference catalog's (``--against``)."""
    if against is None:
        return lambda record: record.key
    return lambda record: against.code(record, lang)


def _shown(text: str) -> str:
    """A catalog's text for the terminal table: no control characters (an escape sequence in a title would
    reach the terminal), and one line (a line break would break the row)."""
    return printable(text).replace("\n", " ").replace("\t", " ")


# Past this many members in all, the groups' tables are laid out a row at a time (gbstd.reporters.long_table).
LONG_TABLE = 2000


def render_table(
    groups: list[DuplicateGroup], extra: list[DuplicatePair], lang: Lang, color: bool = False,
    against: Against | None = None,
) -> str:
    code = _coder(lang, against)
    buffer = StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color, highlight=False, width=160)
    zh = lang == "zh"
    headers = ("标准号", "标准名称", "层级", "地区", "状态") if zh else ("code", "title", "tier", "region", "status")
    long = sum(len(group.members) for group in groups) > LONG_TABLE
    for number, group in enumerate(groups, start=1):
        rows = [tuple(_shown(cell) for cell in (code(record), record.title, _tier(record, lang), describe_region(record),
                                                 record.status.label.get(lang)))
                for record in group.members]
        if long:  # rich's layout, a row at a time: rich took 47 s over a national catalog's 100 000 members
            write_long_table(console, _caption(number, group, lang), headers, rows, [None] * len(rows),
                             foldable=(1,), title_left=True)
        else:
            table = Table(title=_caption(number, group, lang), title_justify="left", show_lines=False, expand=False)
            for column in headers:
                table.add_column(column)
            for row in rows:
                table.add_row(*(escape(cell) for cell in row[:2]), *row[2:])
            console.print(table)
        for pair in group.pairs[:TABLE_PAIRS]:
            style = "yellow" if pair.kind in (DuplicateKind.MERGE, DuplicateKind.ADOPT_UPPER, DuplicateKind.SAME_CODE) else "cyan"
            console.print(f"  {escape(_shown(code(pair.a_record)))} ↔ {escape(_shown(code(pair.b_record)))}  "
                          f"[bold]{pair.score:.2f}[/]  [{style}]{pair.kind.label.get(lang)}[/]  "
                          f"{escape(_shown(pair.reason.get(lang)))}")
            console.print(f"    → {escape(_shown(pair.advice.get(lang)))}")
        hidden = len(group.pairs) - TABLE_PAIRS
        if hidden > 0:
            console.print(f"  … 另有 {hidden} 对（--format json）" if zh else f"  … {hidden} more pairs (--format json)")
        console.print()
    for pair in extra:
        console.print(f"  {escape(_shown(code(pair.a_record)))} → {escape(_shown(code(pair.b_record)))}  {pair.score:.2f}  "
                      f"{pair.kind.label.get(lang)}")
    console.print(summary(groups, extra).get(lang), style="bold" if color else None)
    return buffer.getvalue()


DUPES_FORMATS: dict[str, Callable[[list[DuplicateGroup], list[DuplicatePair], Lang, bool, Against | None], str | bytes]] = {
    "json": render_json,
    "csv": render_csv,
    "markdown": render_markdown,
}
