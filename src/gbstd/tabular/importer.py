"""Importing a catalog table into a catalog: plan each row, then write (unless it is a dry run).

Every row is handled on its own: a bad row is rejected with reasons that name its row number and column,
the others go ahead. A row whose code already has a record is left alone unless ``update`` is set; then its
fields are merged into the existing file through the round-trip YAML editor, keeping comments, key order and
every field the table does not carry. Each file is written atomically, with its own line ends and BOM; none
is written unless every existing one is still as it was read (an edit saved meanwhile is never overwritten).

The merge rule (:func:`merge_row`), chosen so that a stale spreadsheet never undoes a hand edit silently:

* an empty cell erases nothing; a cell fills a field the file leaves empty;
* a list cell adds the items the file lacks, after the file's own (union, in order; ``replace_lists`` makes
  the row's list replace the file's);
* a cell that differs from a value the file already has is a *conflict*: the file's value may be a hand
  correction made after the table was exported, so it is kept and reported (old → new) unless ``force``;
* status moves only forwards (即将实施 → 现行 → 废止); a backwards move is a conflict;
* a merged record that would fail a record rule the file passed (C007 …) is not written unless ``force``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from gbstd.catalog.atomic import through_link, write_atomic_many
from gbstd.catalog.cache import content_hash, holds_content
from gbstd.catalog.catalog import Catalog, Record
from gbstd.catalog.comment_tails import append_item, replace_items
from gbstd.catalog.config_file import CatalogError
from gbstd.catalog.newrecord import (
    CodeTooLong,
    insert_in_order,
    record_document,
    record_path,
    yaml_value,
)
from gbstd.catalog.roundtrip import LOST_WHERE, LineEnds, dump_roundtrip, load_roundtrip, lost_comment
from gbstd.catalog.safe_read import require_catalog_file
from gbstd.catalog.writelock import catalog_writing
from gbstd.catalog.yamlio import BOM
from gbstd.findings import Finding
from gbstd.i18n import Lang, Text
from gbstd.model.code import try_parse
from gbstd.model.standard import Standard, Status
from gbstd.tabular.cells import CellValue, cell_text, excel_error
from gbstd.tabular.columns import COLUMN_BY_KEY, column_for, explicit_extra, noted_column
from gbstd.tabular.mapping import (
    LIST_SPLITTERS,
    TABLE_FIELDS,
    CellProblem,
    RowRecord,
    names_kept_whole,
    row_to_record,
)
from gbstd.tabular.readers import Table, TableError
from gbstd.tabular.rendering import Pending, rendered


class Action(str, Enum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    EXISTS = "exists"  # a record exists, differs from the row, and --update was not given
    CONFLICT = "conflict"  # --update given, but every change conflicts with the file (needs --force)
    REJECTED = "rejected"
    SKIPPED = "skipped"  # a totals or notes row (合计, 备注: …): not a standard, and said so


ACTION_LABELS: dict[Action, Text] = {
    Action.CREATE: Text("新建", "create"),
    Action.UPDATE: Text("更新", "update"),
    Action.UNCHANGED: Text("无变化", "unchanged"),
    Action.EXISTS: Text("已存在（未改动）", "left alone (exists)"),
    Action.CONFLICT: Text("有冲突（未改动）", "conflict (left alone)"),
    Action.REJECTED: Text("拒绝", "rejected"),
    Action.SKIPPED: Text("跳过", "skipped"),
}


@dataclass
class FieldChange:
    """One field a row changes: its value in the file, its value after the merge, and, when the change was
    not written, why (it needs ``--force``)."""

    name: str
    old: Any
    new: Any
    held: Text | None = None
    # list items that went with their end-of-line comment (--replace-lists): (item, comment), to be said
    dropped: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class RowOutcome:
    row: int
    action: Action
    code: str | None = None
    path: str | None = None  # POSIX, relative to the catalog root
    problems: list[CellProblem] = field(default_factory=list)
    notes: list[Text] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)  # fields that differ from the existing record
    changes: list[FieldChange] = field(default_factory=list)  # the same, old → new

    @property
    def held(self) -> list[FieldChange]:
        """Changes not written because they conflict with the file."""
        return [c for c in self.changes if c.held is not None]

    def messages(self, lang: Lang) -> list[str]:
        """``第12行 实施日期: '2021-02-30' 不是有效日期``, or in English
        ``row 12, 实施日期: '2021-02-30' is not a valid date``."""
        lines = []
        for problem in self.problems:
            where = f"第{self.row}行" if lang == "zh" else f"row {self.row}"
            if problem.header:
                where += f" {problem.header}:" if lang == "zh" else f", {problem.header}:"
            else:
                where += ":" if lang == "en" else ""
            lines.append(f"{where} {problem.reason.get(lang)}")
        return lines


@dataclass
class ImportReport:
    source: str
    outcomes: list[RowOutcome] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    dry_run: bool = False
    # Files outside the table that gained a replaced_by entry: (file, code of the replacing standard).
    linked: list[tuple[str, str]] = field(default_factory=list)
    unread_sheets: list[str] = field(default_factory=list)  # the workbook's other sheets holding a table

    def count(self, action: Action) -> int:
        return sum(1 for o in self.outcomes if o.action is action)

    @property
    def rejected(self) -> list[RowOutcome]:
        return [o for o in self.outcomes if o.action is Action.REJECTED]

    @property
    def held(self) -> list[RowOutcome]:
        """Rows with a change that was not written (a conflict with the file or a rule it would break)."""
        return [
            o for o in self.outcomes
            if o.action is Action.CONFLICT or (o.action is Action.UPDATE and o.held)
        ]  # fmt: skip


@dataclass
class HeaderMap:
    known: dict[str, int]  # column key → index
    extras: list[tuple[str, int]]  # (header, index) of columns without a field


def map_headers(headers: list[str]) -> HeaderMap:
    known: dict[str, int] = {}
    extras: list[tuple[str, int]] = []
    seen_extra: set[str] = set()
    columns = {index: column_for(header) if header and explicit_extra(header) is None else None
               for index, header in enumerate(headers)}
    # a header with a note in brackets (标准编号（代号）) names its column when no other header names it: beside
    # 实施日期, or beside 实施日期（实际）, 实施日期（计划） stays a column of its own, as it was
    noted = {index: column for index, header in enumerate(headers)
             if columns[index] is None and header and explicit_extra(header) is None
             and (column := noted_column(header)) is not None}
    taken = [column.key for column in columns.values() if column is not None]
    for index, column in noted.items():
        if column.key not in taken and [c.key for c in noted.values()].count(column.key) == 1:
            columns[index] = column
    for index, header in enumerate(headers):
        named = explicit_extra(header)  # 附加:说明: the extra key 说明, not the 备注 column
        column = columns[index]
        if column is not None:
            if column.key in known:
                first = headers[known[column.key]]
                raise TableError(
                    Text(
                        f"“{first}”与“{header}”是同一列（{column.zh}），只能保留一列",
                        f"{first!r} and {header!r} are the same column ({column.en}); keep one",
                    )
                )
            known[column.key] = index
            continue
        name = named if named is not None else header or f"列{index + 1}"
        if name in seen_extra:
            raise TableError(Text(f"列名“{name}”重复", f"column {name!r} appears twice"))
        seen_extra.add(name)
        extras.append((name, index))
    if "title" not in known:
        raise TableError(Text("缺少“标准名称”列（也接受 Title、名称）", "no 标准名称 / Title column"))
    return HeaderMap(known, extras)


Progress = Callable[[int], None]
# (existing record, merged standard) → findings of record rules the existing record passed.
NewFindings = Callable[[Record, Standard], list[Finding]]
EntryErrors = Callable[[Record], list[Finding]]


@dataclass
class _Planned:
    """A file this import will write: a new record or an existing one being merged into."""

    path: Path
    doc: CommentedMap
    new: bool
    outcome: RowOutcome
    ends: LineEnds = field(default_factory=LineEnds)  # an existing file's, written back the same
    read_as: str | None = None  # the content hash of the existing file as read (None: a new file)


def import_table(
    table: Table,
    catalog: Catalog,
    *,
    as_of: dt.date,
    update: bool = False,
    dry_run: bool = False,
    force: bool = False,
    replace_lists: bool = False,
    check: NewFindings | None = None,
    entry: EntryErrors | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import every row of ``table`` into ``catalog`` (already loaded); returns what happened to each row.

    Three steps: plan every row; complete ``replaced_by`` on the standards that imported rows replace (new
    records always, existing ones only with ``update``); write. ``progress`` is called once per row planned
    and once per row written: twice the number of rows in all. ``check`` returns the record rules a merged
    record would newly fail; such a record is written only with ``force`` (see the module docstring).
    ``entry`` returns what a new record says against itself at error level (:mod:`gbstd.rules.recheck`): the
    row is written as it is and those findings are noted at it (lint will report them).
    """
    headers = map_headers(table.headers)
    report = ImportReport(
        source=table.source, unknown_columns=[h for h, _ in headers.extras], dry_run=dry_run,
        unread_sheets=table.unread_sheets,
    )
    internal = catalog.config.catalog.internal_regex
    seen: dict[str, int] = {}  # canonical code → first row that had it
    planned: dict[str, _Planned] = {}  # canonical code → file to write
    replaces: dict[str, list[str]] = {}  # canonical code of an imported row → canonical codes it replaces
    for number, cells in table.rows:
        if number in table.uncached:
            report.outcomes.append(_uncached_outcome(number, table))
            if progress:
                progress(1)
            continue
        if errors := _error_values(cells, table.headers):
            report.outcomes.append(RowOutcome(number, Action.REJECTED, problems=errors))
            if progress:
                progress(1)
            continue
        code_cell = cells[headers.known["code"]] if "code" in headers.known else None
        if not cell_text(code_cell) and (said := _summary_row(cells)) is not None:
            report.outcomes.append(RowOutcome(number, Action.SKIPPED, problems=[CellProblem("", said)]))
            if progress:
                progress(1)
            continue
        named = {key: (table.headers[i], cells[i]) for key, i in headers.known.items()}
        extras: list[tuple[str, CellValue]] = [(h, cells[i]) for h, i in headers.extras]
        parsed = row_to_record(named, extras, internal=internal, as_of=as_of)
        outcome, plan = _plan_row(
            number,
            parsed,
            catalog,
            seen,
            update=update,
            force=force,
            replace_lists=replace_lists,
            check=check,
            entry=entry,
        )
        report.outcomes.append(outcome)
        if plan is not None and outcome.code:
            planned[outcome.code] = plan
        if outcome.action not in (Action.REJECTED, Action.CONFLICT) and outcome.code:
            replaces[outcome.code] = [
                c.canonical for raw in parsed.data.get("replaces", []) if (c := catalog.resolve(raw))
            ]
        if progress:
            progress(1)
    _account_for_rows(table, report)
    by_code = {o.code: o for o in report.outcomes if o.code and o.action is not Action.REJECTED}
    report.linked = _link_replaced_by(catalog, planned, replaces, by_code, update=update)
    if dry_run:
        if progress:
            progress(len(planned))
    else:  # rendered on every core; written together, nothing changed until every file is on disk
        pending = [Pending(plan.path, plan.doc, plan.new, plan.ends) for plan in planned.values()]
        targets = [through_link(item.path, catalog.root) for item in pending]
        read_as = {target: plan.read_as for target, plan in zip(targets, planned.values(), strict=True)}
        texts = rendered(pending, catalog.root, catalog.config.catalog.jobs)
        # a failed write stops the rendering at once; another gbstd process writing the catalog (a web editor's
        # save) is waited for, so that none writes between the checks below and the renames
        with contextlib.closing(texts), catalog_writing(catalog.root):
            write_atomic_many(zip(targets, texts, strict=True), on_written=(lambda: progress(1)) if progress else None,
                              # every file read while planning, all written at the end (seconds for a large
                              # table): an edit saved meanwhile, or a record made meanwhile, is not overwritten
                              unchanged=lambda target: holds_content(target, read_as[target]))
    if progress and len(table.rows) > len(planned):
        progress(len(table.rows) - len(planned))
    return report


def _uncached_outcome(number: int, table: Table) -> RowOutcome:
    """A row with a formula whose result the file does not carry: its value is unknown, so it is not guessed."""
    problems = [
        CellProblem(
            table.headers[index] or f"列{index + 1}",
            Text(
                "公式没有保存的计算结果；请在 Excel 中打开并保存，或将公式粘贴为数值",
                "a formula without a saved result; open and save the file in Excel, or paste the values",
            ),
        )
        for index in table.uncached[number]
    ]
    return RowOutcome(number, Action.REJECTED, problems=problems)


# The first words of a row under (or inside) the table that is not a standard: a total, a subtotal per module,
# the notes and who filled the table in. Such a row has no 标准号.
# The word stands alone or before a colon, number or bracket: a draft's title (说明书编写规范) is not such a row.
_SUMMARY_ROW = re.compile(
    r"(合计|小计|总计|共计|备注|说明|注|填表说明|填报说明|填表人|填报人|制表人|制表|审核人|联系人|联系电话)"
    r"(?:$|[:：、，,.．（(共0-9０-９])"
)


def _summary_row(cells: list[CellValue]) -> Text | None:
    """Why a row without a code is a totals or notes row (合计, 备注：…), which a bureau's table has at its foot:
    it was refused as a standard without a code, so every import of such a table ended with exit 1."""
    first = next((text for cell in cells if (text := cell_text(cell))), "")
    if not _SUMMARY_ROW.match(re.sub(r"\s+", "", first)):
        return None
    shown = first if len(first) <= 20 else first[:20] + "…"
    return Text(f"“{shown}”是合计或说明行，不是标准，未导入", f"{shown!r} is a totals or notes row, not a standard; "
                "not imported")


def _error_values(cells: list[CellValue], headers: list[str]) -> list[CellProblem]:
    """The cells of a row holding an Excel error value (a formula that failed: ``#N/A``, ``#REF!``): what the
    cell should say is unknown, so the row is not imported (it was, with ``#N/A`` as its title)."""
    return [
        CellProblem(
            headers[index] or f"列{index + 1}",
            Text(
                f"{error} 是公式的错误值，不是数据；请在 Excel 中改正公式或填入数值",
                f"{error} is a formula's error value, not data; correct the formula in Excel or type the value",
            ),
        )
        for index, value in enumerate(cells)
        if (error := excel_error(value)) is not None
    ]


def _account_for_rows(table: Table, report: ImportReport) -> None:
    """Every non-empty row the reader saw is imported or rejected with a reason; anything else stops the
    import before a file is written (a silently dropped row is lost data)."""
    handled = {o.row for o in report.outcomes}
    missing = sorted({number for number, _ in table.rows} - handled)
    unexplained = [o.row for o in report.outcomes if o.action is Action.REJECTED and not o.problems]
    seen = len(table.rows) if table.seen is None else table.seen
    if missing or unexplained or len(report.outcomes) != seen:
        numbers = [str(n) for n in missing + unexplained] or ["?"]
        rows, rows_en = "、".join(numbers), ", ".join(numbers)
        raise TableError(
            Text(
                f"读到 {seen} 个数据行，只处理了 {len(report.outcomes)} 行（第{rows}行未导入也未说明原因）；"
                "未写入任何文件",
                f"saw {seen} data rows but handled {len(report.outcomes)} (rows {rows_en} neither imported "
                "nor rejected with a reason); nothing written",
            )
        )


def _plan_row(
    number: int,
    parsed: RowRecord,
    catalog: Catalog,
    seen: dict[str, int],
    *,
    update: bool,
    force: bool,
    replace_lists: bool,
    check: NewFindings | None,
    entry: EntryErrors | None = None,
) -> tuple[RowOutcome, _Planned | None]:
    if not parsed.ok or parsed.code is None:
        return RowOutcome(number, Action.REJECTED, parsed.data.get("code"), problems=parsed.problems), None
    key = parsed.code.canonical
    if key in seen:
        header = COLUMN_BY_KEY["code"].zh
        return RowOutcome(
            number,
            Action.REJECTED,
            key,
            problems=[
                CellProblem(header, Text(f"{key} 与第{seen[key]}行重复", f"{key} repeats row {seen[key]}"))
            ],
        ), None
    seen[key] = number
    existing = catalog.by_code.get(key)
    try:
        path = existing[0].path if existing else record_path(catalog.root, catalog.config, parsed.code)
    except CodeTooLong as exc:
        return RowOutcome(
            number, Action.REJECTED, key, problems=[CellProblem(COLUMN_BY_KEY["code"].zh, exc.text)]
        ), None
    rel = path.relative_to(catalog.root).as_posix()
    outcome = RowOutcome(number, Action.CREATE, key, rel, notes=parsed.notes)
    if not path.exists():
        # what the row's values say against each other or the system (a code year that is not the publication
        # year, a tier the code contradicts): written as the table says, and said at the row, since
        # `gbstd lint` will report it (not what the row leaves out: a table without 体系编号 is common)
        if entry is not None and parsed.standard is not None:
            made = Record(catalog.root, rel, parsed.standard, parsed.code)
            outcome.notes = [*outcome.notes, *(Text(
                f"{_column_of(f)}: {f.rule} {f.message.zh}（gbstd lint 将报告此错误）",
                f"{_column_of(f)}: {f.rule} {f.message.en} (gbstd lint will report this error)")
                for f in entry(made) if f.loc and str(f.loc[0]) in parsed.data)]
        return outcome, _Planned(path, record_document(parsed.data), True, outcome)
    if existing and not merge_row(None, existing[0].standard, parsed.data, force=force, replace_lists=replace_lists):
        # the record as the catalog read it already says what the row says: its file is not parsed again with
        # the round-trip parser (an unchanged national table took 137 s, nearly all of it that parse)
        outcome.action = Action.UNCHANGED
        return outcome, None
    loaded = _load_existing(catalog, path, rel)
    if isinstance(loaded, CellProblem):
        outcome.action = Action.REJECTED
        outcome.problems = [loaded]
        return outcome, None
    doc, before, ends, read_as = loaded
    held_code = catalog.resolve(before.code)
    if (held_code.canonical if held_code else before.code) != key:
        # the file this code names holds another standard (its file was named by hand): merging the row into
        # it would give that standard this one's values, and --force would overwrite it
        outcome.action = Action.REJECTED
        outcome.problems = [CellProblem(COLUMN_BY_KEY["code"].zh, Text(
            f"文件 {rel} 已存在，记录的是 {before.code}（文件名与其标准号不符）；先运行 gbstd lint 修正（C003），文件未改动",
            f"the file {rel} exists and holds {before.code} (its name does not follow its code); fix it first "
            "(gbstd lint, C003); the file is unchanged",
        ))]
        return outcome, None
    outcome.changes = merge_row(doc, before, parsed.data, force=force, replace_lists=replace_lists)
    outcome.changed = list(dict.fromkeys(c.name for c in outcome.changes))
    if not outcome.changed:
        outcome.action = Action.UNCHANGED
        return outcome, None
    if not update:
        outcome.action = Action.EXISTS
        return outcome, None
    if len(outcome.held) == len(outcome.changes):
        outcome.action = Action.CONFLICT
        return outcome, None
    try:
        merged = Standard.model_validate(dict(doc))
    except ValidationError as exc:
        outcome.action = Action.REJECTED
        outcome.problems = [
            CellProblem(
                "",
                Text(
                    f"合并后的记录不合格：{exc.errors()[0]['msg']}",
                    f"the merged record would be invalid: {exc.errors()[0]['msg']}",
                ),
            )
        ]
        return outcome, None
    broken = check(existing[0], merged) if check and existing and not force else []
    if broken:
        outcome.action = Action.CONFLICT
        outcome.problems = [
            CellProblem(
                "",
                Text(
                    f"合并后将违反 {f.rule}（{f.message.zh}）；文件未改动，确认无误可加 --force",
                    f"the merged record would fail {f.rule} ({f.message.en}); file left alone, "
                    "add --force if that is intended",
                ),
            )
            for f in broken
        ]
        return outcome, None
    outcome.notes = [*outcome.notes, *(Text(  # a comment about an item the table's list no longer holds
        f"{change.name}：删去的 {item} 的行尾注释 {comment} 随之删除",
        f"{change.name}: the comment {comment} on {item}, which the list no longer holds, went with it",
    ) for change in outcome.changes for item, comment in change.dropped)]
    outcome.action = Action.UPDATE
    return outcome, _Planned(path, doc, False, outcome, ends, read_as)


def _column_of(finding: Finding) -> str:
    """The table's column for the field a finding is at (its key when no column holds it)."""
    column = COLUMN_BY_KEY.get(str(finding.loc[0]))
    return column.zh if column else str(finding.loc[0])


def _load_existing(
    catalog: Catalog, path: Path, rel: str
) -> tuple[CommentedMap, Standard, LineEnds, str] | CellProblem:
    try:
        # Read as lint reads it (size, file type, link target, depth, aliases) before the round-trip parser.
        document = require_catalog_file(catalog.root, path, catalog.config.catalog.max_file_size)
        text, ends = LineEnds.kept(document.text or "", document.bom)  # a minimal edit: written back as it was
        doc = load_roundtrip(text)
        # what is written back, the row's values aside, checked where there is a comment to lose (a national
        # table that updates every record would pay a second dump for each)
        if "#" in text and (lost := lost_comment(text, dump_roundtrip(doc))) is not None:
            return CellProblem("", Text(
                f"已有记录 {rel} 第 {lost[1]} 行的注释 {lost[0]} 在写回时会丢失（{LOST_WHERE.zh}）；请先在文件中移动该注释，"
                "文件未改动",
                f"the existing record {rel}: the comment {lost[0]} on line {lost[1]} would be lost when it is written "
                f"back ({LOST_WHERE.en}); move it in the file first (the file is unchanged)",
            ))
        # the file's bytes (its text is UTF-8 as read, so they come back whole), to find it unchanged before the write
        read_as = content_hash((BOM if document.bom else b"") + (document.text or "").encode("utf-8"))
        return doc, Standard.model_validate(dict(doc)), ends, read_as
    except (OSError, UnicodeDecodeError, ValueError, YAMLError, ValidationError, CatalogError) as exc:
        reason = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else str(exc).splitlines()[0]
        if isinstance(exc, CatalogError):
            return CellProblem("", Text(
                f"已有记录无法读取：{exc.text.zh}；先运行 gbstd lint 修正",
                f"the existing record cannot be read: {exc.text.en}; fix it first (gbstd lint)",
            ))
        return CellProblem(
            "",
            Text(
                f"已有记录 {rel} 无法读取或不合格（{reason}）；先运行 gbstd lint 修正",
                f"the existing record {rel} cannot be read or is invalid ({reason}); "
                "fix it first (gbstd lint)",
            ),
        )


def _link_replaced_by(
    catalog: Catalog,
    planned: dict[str, _Planned],
    replaces: dict[str, list[str]],
    rows: dict[str, RowOutcome],
    *,
    update: bool,
) -> list[tuple[str, str]]:
    """Write the other side of each supersession the table states: the replaced standard's ``replaced_by``.

    The table has only 代替标准, the files record both sides (rule C011). New records are completed always;
    an existing record only with ``update`` (nothing existing changes otherwise; lint then reports it).
    Returns (file, code added) pairs for files that are not rows of the table themselves.
    """
    linked: list[tuple[str, str]] = []

    def lists(codes: Any, code: str) -> bool:
        return any((c := catalog.resolve(str(raw))) and c.canonical == code for raw in _items(codes))

    for new_code, olds in replaces.items():
        for old in olds:
            target = planned.get(old)
            if target is None:
                record = catalog.get(old)
                if record is None or not update or lists(record.standard.replaced_by, new_code):
                    continue  # (already listed as the catalog read it: its file is not parsed again)
                loaded = _load_existing(catalog, record.path, record.rel)
                if isinstance(loaded, CellProblem):  # said at the row that replaces it, not skipped quietly
                    if (row := rows.get(new_code)) is not None:
                        row.notes = [*row.notes, Text(f"{record.rel} 的 replaced_by 未补写：{loaded.reason.zh}",
                                                      f"{record.rel}'s replaced_by not added: {loaded.reason.en}")]
                    continue
                if lists(loaded[0].get("replaced_by"), new_code):
                    continue
                outcome = rows.get(record.key) or RowOutcome(0, Action.UPDATE, record.key, record.rel)
                outcome.action = Action.UPDATE
                target = planned[old] = _Planned(record.path, loaded[0], False, outcome, loaded[2], loaded[3])
            if lists(target.doc.get("replaced_by"), new_code):
                continue
            old_codes = [str(raw) for raw in _items(target.doc.get("replaced_by"))]
            codes = [*old_codes, new_code]
            existing_seq = target.doc.get("replaced_by")
            if isinstance(existing_seq, list) and existing_seq:
                append_item(existing_seq, yaml_value("replaced_by", new_code))  # above the next key's heading
            else:
                insert_in_order(target.doc, "replaced_by", yaml_value("replaced_by", codes))
            if target.outcome.action is not Action.CREATE and "replaced_by" not in target.outcome.changed:
                target.outcome.changed.append("replaced_by")
                target.outcome.changes.append(FieldChange("replaced_by", old_codes, codes))
            if target.outcome.row == 0:
                linked.append((target.outcome.path or "", new_code))
    return linked


def _items(value: Any) -> list[Any]:
    """A list field as the file has it, read as the model reads it: one code written as a string is a list of
    one (iterated, it was its characters: one list item per character was written back)."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


_STATUS_RANK = {Status.UPCOMING: 0, Status.IN_FORCE: 1, Status.ABOLISHED: 2}
_CONFLICT = Text(
    "文件中已有不同的值（可能是导出后的人工修正），保留文件的值；加 --force 用表格的值",
    "the file has a different value (perhaps corrected by hand after the export); kept; --force takes the table's",
)
_BACKWARDS = Text(
    "状态不会倒退（即将实施 → 现行 → 废止）；加 --force 仍然改回",
    "a status never moves backwards (upcoming → in force → abolished); --force to move it anyway",
)


def _item_key(item: object) -> str:
    """Two list items are the same when their codes are (any spelling), else when their texts are."""
    text = str(item).strip()
    code = try_parse(text)
    return code.canonical if code else text


def merge_row(
    doc: CommentedMap | None,
    before: Standard,
    data: dict[str, Any],
    *,
    force: bool = False,
    replace_lists: bool = False,
) -> list[FieldChange]:
    """Merge the row's fields into ``doc`` in place (the rule is in the module docstring); every field that
    differs, old → new. Changes with ``held`` set were not written to ``doc``. With ``doc`` None only the
    changes are worked out.
    """
    row = Standard.model_validate(data)
    changes: list[FieldChange] = []
    for name in TABLE_FIELDS:
        if name not in data:
            continue
        if name == "reviews":
            changes.extend(_merge_reviews(doc, before, row, data["reviews"], force=force))
            continue
        if name == "extra":
            changes.extend(_merge_extra(doc, before, row, force=force))
            continue
        old_value, new_value, raw = getattr(before, name), getattr(row, name), data[name]
        if replace_lists and name in ("issuer", "drafters"):
            # a name holding a line break comes back from its cell as one name a line: the same name
            raw = new_value = names_kept_whole(old_value, new_value)
        if old_value == new_value:
            continue
        if isinstance(new_value, list) and not replace_lists:
            # An item holding a separator (one issuer "甲、乙" written by hand) in a cell of one line (a table
            # exported before such a list was written one item per line) reads back as two items: its own
            # parts, not additions (an unchanged export must change nothing).
            split = LIST_SPLITTERS.get(name)
            known = {_item_key(part) for item in old_value for part in [item, *(split(str(item)) if split else ())]}
            additions = [item for item in data[name] if _item_key(item) not in known]
            if not additions:
                continue
            merged = [*old_value, *(str(item) for item in additions)]
            seq = doc.get(name) if doc is not None else None
            if isinstance(seq, list) and seq:
                for item in additions:  # in place: comments stay put
                    append_item(seq, yaml_value(name, item))
            elif doc is not None:
                insert_in_order(doc, name, yaml_value(name, merged))
            changes.append(FieldChange(name, old_value, merged))
            continue
        held: Text | None = None
        if name == "status":
            if _STATUS_RANK[new_value] < _STATUS_RANK[old_value]:
                held = _BACKWARDS
        elif old_value not in (None, []):
            held = _CONFLICT
        change = FieldChange(name, old_value, new_value, None if force else held)
        changes.append(change)
        if change.held is None and doc is not None:
            change.dropped = _set_field(doc, name, raw)
    return changes


def _set_field(doc: CommentedMap, name: str, value: Any) -> list[tuple[str, str]]:
    """Set a field to the row's value; the items of a list that went with their own comment, (item, comment)."""
    old = doc.get(name)
    if isinstance(value, list) and isinstance(old, CommentedSeq) and len(old) and not old.fa.flow_style():
        # item by item, so the comments of the items that stay and the lines between items stay too
        dropped = replace_items(old, [yaml_value(name, item) for item in value], _item_key)
        return [(str(item), comment) for item, comment in dropped]
    new = yaml_value(name, value)
    if isinstance(value, list) and hasattr(old, "fa") and hasattr(new, "fa"):
        if old.fa.flow_style():
            new.fa.set_flow_style()
        else:
            new.fa.set_block_style()
    insert_in_order(doc, name, new)
    return []


def _merge_extra(doc: CommentedMap | None, before: Standard, row: Standard, *, force: bool) -> list[FieldChange]:
    """Extra columns by header: a new header is added; a header whose value differs is a conflict."""
    changes: list[FieldChange] = []
    for header, value in row.extra.items():
        old = before.extra.get(header)
        if old == value:
            continue
        held = None if force or old in (None, "") else _CONFLICT
        changes.append(
            FieldChange("extra", None if old is None else f"{header}: {old}", f"{header}: {value}", held)
        )
        if held is not None or doc is None:
            continue
        target = doc.get("extra")
        if not isinstance(target, CommentedMap):
            insert_in_order(doc, "extra", yaml_value("extra", {header: value}))
        else:
            target[header] = yaml_value(header, value)
    return changes


def _merge_reviews(
    doc: CommentedMap | None, before: Standard, row: Standard, raw: list[dict[str, Any]], *, force: bool
) -> list[FieldChange]:
    """A review is matched by its date: a new date is appended; the same date with another conclusion is a
    conflict (the file's conclusion may be a correction)."""
    old_reviews = list(getattr(before, "reviews", []))
    changes: list[FieldChange] = []
    for new, new_raw in zip(getattr(row, "reviews", []), raw, strict=True):
        match = next((i for i, r in enumerate(old_reviews) if r.date == new.date), None)
        if match is None:
            items = doc.get("reviews") if doc is not None else None
            if items is not None:
                append_item(items, yaml_value("reviews", new_raw))
            elif doc is not None:
                insert_in_order(doc, "reviews", yaml_value("reviews", [new_raw]))
            changes.append(FieldChange("reviews", None, f"{new.date} {new.conclusion.value}"))
        elif old_reviews[match].conclusion != new.conclusion:
            old = old_reviews[match]
            held = None if force else _CONFLICT
            changes.append(
                FieldChange(
                    "reviews",
                    f"{old.date} {old.conclusion.value}",
                    f"{new.date} {new.conclusion.value}",
                    held,
                )
            )
            if held is None and doc is not None:
                doc["reviews"][match]["conclusion"] = new_raw["conclusion"]
    return changes


__all__ = ["Action", "FieldChange", "ImportReport", "RowOutcome", "import_table", "map_headers", "merge_row"]
