"""One row of the catalog table ⇄ one standard's record data. Import and export share this mapping.

Import direction (:func:`row_to_record`): cells are parsed (dates, lists, enums in either language), the code
is normalised, and tier/nature are written only when they differ from what the code says (so a record stays
as short as a hand-written one, and a contradiction is kept for ``lint`` to report). 最近复审日期 + 复审结论
become one review record. Columns without a field of their own are kept in ``extra``.

Export direction (:func:`record_to_row`): the same columns, the latest review, ``extra`` after 备注.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from pydantic import ValidationError

from gbstd.catalog.invisible import INVISIBLE
from gbstd.catalog.validation import allowed_values
from gbstd.i18n import Lang, Text
from gbstd.model.code import NATURE_LABELS, TIER_LABELS, CodeError, Nature, StandardCode, Tier
from gbstd.model.spaces import code_points, odd_spaces, plain_spaces
from gbstd.model.standard import (
    NATURE_ALIASES,
    STATUS_ALIASES,
    STATUS_LABELS,
    TIER_ALIASES,
    Standard,
    Status,
    module_spelling,
)
from gbstd.tabular.cells import (
    CODE_JOINER,
    NAME_JOINER,
    NAME_SEPARATOR_CHARACTERS,
    CellError,
    CellValue,
    cell_text,
    join_names,
    names_per_line,
    one_line,
    parse_date,
    split_codes,
    split_names,
)  # fmt: skip
from gbstd.tabular.columns import COLUMN_BY_KEY, COLUMNS, ZERO_WIDTH

# column key → record field, for columns that map one to one.
_FIELD_OF_COLUMN = {
    "module": "module", "code": "code", "title": "title", "tier": "tier", "nature": "nature",
    "status": "status",
    "published": "published", "effective": "effective", "abolished": "abolished", "replaces": "replaces",
    "references": "references", "issuer": "issuer", "administering_body": "administering_body",
    "drafters": "drafters", "scope": "scope", "note": "note",
}  # fmt: skip
_COLUMN_OF_FIELD = {f: c for c, f in _FIELD_OF_COLUMN.items()}
_DATE_COLUMNS = ("published", "effective", "abolished")
_TEXT_COLUMNS = ("module", "title", "administering_body", "scope", "note")
_NAME_COLUMNS = ("title", "administering_body")  # of those, the names: one line each

# Fields of a record that the table carries; everything else in a file is untouched by ``import --update``.
TABLE_FIELDS: tuple[str, ...] = tuple(
    f for f in Standard.model_fields if f in {*_FIELD_OF_COLUMN.values(), "reviews", "extra"}
)


@dataclass
class CellProblem:
    """Why one cell (or the row, when ``header`` is empty) cannot be imported."""

    header: str
    reason: Text


@dataclass
class RowRecord:
    """A parsed row: record data in the model's key order, or the problems that stop it."""

    data: dict[str, Any] = field(default_factory=dict)
    code: StandardCode | None = None
    problems: list[CellProblem] = field(default_factory=list)
    notes: list[Text] = field(default_factory=list)
    standard: Standard | None = None  # ``data`` as the model validated it (None: it did not)

    @property
    def ok(self) -> bool:
        return not self.problems and self.code is not None


def _lookup(enum: type[Enum], labels: Mapping[Any, Text], aliases: Mapping[str, Enum]) -> dict[str, Enum]:
    table: dict[str, Enum] = {}
    for member in enum:
        table[str(member.value).casefold()] = member
        table[labels[member].zh.casefold()] = member
        table[labels[member].en.casefold()] = member
    table.update({k.casefold(): v for k, v in aliases.items()})
    return table


_TIERS = _lookup(Tier, TIER_LABELS, TIER_ALIASES)
_NATURES = _lookup(Nature, NATURE_LABELS, NATURE_ALIASES)
_STATUSES = _lookup(Status, STATUS_LABELS, STATUS_ALIASES)


def _choice(table: dict[str, Enum], value: str, labels: Mapping[Any, Text]) -> Enum:
    folded = re.sub(r"\s+", " ", value.strip()).casefold()
    if folded in table:
        return table[folded]
    allowed = "、".join(label.zh for label in labels.values())
    allowed_en = ", ".join(label.en for label in labels.values())
    raise CellError(Text(f"{value!r} 不是允许的取值（{allowed}）", f"{value!r} is not one of {allowed_en}"))


def derive_status(
    published: dt.date | None, effective: dt.date | None, abolished: dt.date | None, as_of: dt.date
) -> Status:
    """The status the dates imply on ``as_of`` (used only when a row leaves 状态 empty)."""
    if abolished is not None and abolished <= as_of:
        return Status.ABOLISHED
    if effective is not None and effective > as_of:
        return Status.UPCOMING
    return Status.IN_FORCE


def _normalise_code(raw: str, internal: re.Pattern[str] | None) -> str:
    try:
        return StandardCode.parse(raw, internal).canonical
    except CodeError:
        return raw  # kept as typed: lint reports references it cannot resolve


IN_THE_TABLE = Text("请在表中改正", "correct it in the table")


def module_with_space(module: str, typed: str, fix: Text = IN_THE_TABLE) -> Text | None:
    """Why a 体系编号 with a space inside (２　０３, 2 03) is not read: no module id holds one, and which was meant
    — 203, or 2.03 — cannot be told, so it is not guessed. ``fix``: where to correct it (the table; `gbstd new`
    says its option). Shared by import and new, so that neither writes such a module."""
    parts = module.split()
    if len(parts) < 2:
        return None
    said = Text(f"{typed!r} 中间有空格（读作 {module!r}），体系编号不含空格：",
                f"{typed!r} has a space inside (read as {module!r}); a module number holds none: ")
    if all(re.fullmatch(r"[0-9A-Za-z.\-]+", part) for part in parts):
        joined, dotted = "".join(parts), ".".join(parts)
        return Text(f"{said.zh}是 {joined} 还是 {dotted}？{fix.zh}", f"{said.en}{joined} or {dotted}? {fix.en}")
    return Text(f"{said.zh}{fix.zh}", f"{said.en}{fix.en}")


# How each list column's cell is read into items: codes split on every usual separator, names not on commas.
LIST_SPLITTERS: dict[str, Callable[[CellValue], list[str]]] = {
    "replaces": split_codes, "references": split_codes, "issuer": split_names, "drafters": split_names,
}


# The zero-width characters (columns.ZERO_WIDTH) are dropped from a cell, and said at its row. The other invisible characters Y008 reports (controls, bidirectional overrides that show
# text other than it is) refuse their cell, as `gbstd new` and the web editor refuse them.
_ZERO_WIDTH = re.compile(f"[{ZERO_WIDTH}]")


def _visible(
    cells: Mapping[str, tuple[str, CellValue]], extras: list[tuple[str, CellValue]], out: RowRecord
) -> tuple[dict[str, tuple[str, CellValue]], list[tuple[str, CellValue]]]:
    """The row's cells without zero-width characters (noted at the row); a cell with another invisible
    character is a problem of the row (a record holding one is a Y008 error once written)."""

    def clean(header: str, value: CellValue) -> CellValue:
        if not isinstance(value, str) or not INVISIBLE.search(value):
            return value
        value = value.replace("\v", "\n")  # Word's manual line break, pasted into Excel (_x000B_): a line break
        dropped = sorted(set(_ZERO_WIDTH.findall(value)))
        value = _ZERO_WIDTH.sub("", value)
        if dropped:
            codes = " ".join(f"U+{ord(c):04X}" for c in dropped)
            out.notes.append(Text(f"{header}：删去了不可见的零宽字符 {codes}",
                                  f"{header}: the invisible zero-width characters {codes} were dropped"))
        if rest := sorted(set(INVISIBLE.findall(value))):
            codes = " ".join(f"U+{ord(c):04X}" for c in rest)
            out.problems.append(CellProblem(header, Text(
                f"含不可见字符 {codes}（控制字符、双向格式字符或非字符），请在表中删除",
                f"holds invisible characters {codes} (control, bidirectional formatting or noncharacters); "
                "delete them in the table",
            )))
        return value

    return ({key: (header, clean(header, value)) for key, (header, value) in cells.items()},
            [(header, clean(header, value)) for header, value in extras])


def _spaces_folded(header: str, found: list[str], value: str) -> Text:
    codes = code_points(found)
    return Text(f"{header}：单元格中的非普通空格 {codes} 已改为普通空格：{value}",
                f"{header}: the cell's spaces other than the plain space, {codes}, were written as plain spaces: {value}")


def row_to_record(
    cells: Mapping[str, tuple[str, CellValue]],
    extras: list[tuple[str, CellValue]],
    *,
    internal: re.Pattern[str] | None,
    as_of: dt.date,
) -> RowRecord:
    """Parse one row. ``cells``: column key → (header as written in the sheet, value)."""
    out = RowRecord()
    values: dict[str, Any] = {}
    cells, extras = _visible(cells, extras, out)

    def header(key: str) -> str:
        return cells[key][0] if key in cells else COLUMN_BY_KEY[key].zh

    def text(key: str) -> str:
        return cell_text(cells[key][1]) if key in cells else ""

    def attempt(key: str, parse: Any) -> Any:
        try:
            return parse(cells[key][1]) if key in cells else None
        except CellError as exc:
            out.problems.append(CellProblem(header(key), exc.reason))
            return None

    raw_code = text("code")
    if not raw_code:
        out.problems.append(CellProblem(header("code"), Text("不能为空", "must not be empty")))
    else:
        try:
            out.code = StandardCode.parse(raw_code, internal)
            values["code"] = out.code.canonical
        except CodeError as exc:
            reason = Text(f"{raw_code!r}：{exc.reason.zh}", f"{raw_code!r}: {exc.reason.en}")
            if len(several := _codes_in(raw_code, internal)) > 1:  # the reason was the code pattern's, misleading
                shown = "、".join(several)
                reason = Text(f"{raw_code!r} 是 {len(several)} 个标准号（{shown}）；一行只能是一项标准，请拆成 {len(several)} 行",
                              f"{raw_code!r} is {len(several)} codes ({', '.join(several)}); a row is one standard: "
                              f"split it into {len(several)} rows")
            out.problems.append(CellProblem(header("code"), reason))
    for key in _TEXT_COLUMNS:
        if value := text(key):
            values[key] = value
    for key in _NAME_COLUMNS:  # a name is one line (C019): a cell wrapped by hand in Excel is joined, and said
        if key in values and ("\n" in values[key] or "\r" in values[key]):
            values[key] = one_line(values[key])
            out.notes.append(Text(f"{header(key)}：单元格中的换行已合并为一行：{values[key]}",
                                  f"{header(key)}: the cell's line breaks were joined into one line: {values[key]}"))
    for key in _NAME_COLUMNS:  # a name's spaces are plain ones (C020): a no-break or full-width one pasted is folded
        if key in values and (found := odd_spaces(values[key])):
            values[key] = plain_spaces(values[key])
            out.notes.append(_spaces_folded(header(key), found, values[key]))
    if "module" in values:  # ２０３ typed with a Chinese input method is module 203, as a code's digits are
        values["module"] = module_spelling(values["module"])
        if problem := module_with_space(values["module"], text("module")):
            out.problems.append(CellProblem(header("module"), problem))
    if "title" not in values:
        out.problems.append(CellProblem(header("title"), Text("不能为空", "must not be empty")))
    for key in _DATE_COLUMNS:
        values[key] = attempt(key, parse_date)

    tier = attempt("tier", lambda v: _choice(_TIERS, cell_text(v), TIER_LABELS) if cell_text(v) else None)
    if tier is not None and (out.code is None or tier != out.code.tier):
        values["tier"] = tier.value
    nature = attempt(
        "nature", lambda v: _choice(_NATURES, cell_text(v), NATURE_LABELS) if cell_text(v) else None
    )
    if nature is not None and (out.code is None or nature != out.code.nature):
        values["nature"] = nature.value
    status = attempt(
        "status", lambda v: _choice(_STATUSES, cell_text(v), STATUS_LABELS) if cell_text(v) else None
    )
    if status is None and not text("status"):
        status = derive_status(values["published"], values["effective"], values["abolished"], as_of)
        out.notes.append(
            Text(
                f"状态为空，按日期推定为“{status.value}”",
                f"status empty; taken from the dates as {status.label.en!r}",
            )
        )
    if status is not None:
        values["status"] = status.value

    for key in ("replaces", "references"):
        values[key] = (
            [_normalise_code(code, internal) for code in LIST_SPLITTERS[key](cells[key][1])] if key in cells else []
        )
    if out.code is not None and out.code.canonical in values["replaces"]:  # a record superseding itself (C011, C012)
        out.problems.append(CellProblem(header("replaces"), Text(
            f"不能代替自身（{out.code.canonical}）", f"a standard cannot replace itself ({out.code.canonical})")))
    for key in ("issuer", "drafters"):
        values[key] = LIST_SPLITTERS[key](cells[key][1]) if key in cells else []
        if key == "issuer" and (found := odd_spaces("".join(values[key]))):  # a body's name, as above (C020)
            values[key] = [plain_spaces(item) for item in values[key]]
            out.notes.append(_spaces_folded(header(key), found, NAME_JOINER.join(values[key])))
        held = [item for item in values[key] if any(c in item for c in NAME_SEPARATOR_CHARACTERS)]
        if held and names_per_line(cells[key][1]):  # a hand-typed "甲、乙⏎丙" meant three names: said, not guessed
            shown = "、".join(f"“{item}”" for item in held)
            out.notes.append(Text(
                f"{header(key)}：单元格分行书写，一行一项：{shown} 含“、”或“；”，未再拆分",
                f"{header(key)}: the cell has line breaks, so each line is one item: {', '.join(map(repr, held))} "
                "holds a separator and was not split further",
            ))

    review = _review(cells, attempt, header, text, out)
    if review:
        _review_by(review, values)
        values["reviews"] = [review]
    extra = {name: cell_text(value) for name, value in extras if cell_text(value)}
    if extra:
        values["extra"] = extra

    order = list(Standard.model_fields)
    out.data = {k: values[k] for k in sorted(values, key=order.index) if values[k] not in (None, [], {}, "")}
    if not out.problems:
        _validate(out)
    return out


def _codes_in(raw: str, internal: re.Pattern[str] | None) -> list[str]:
    """The codes a code cell holds when it holds several, each a valid code (GB/T 1-2000 GB/T 2-2000, or one a
    line); otherwise an empty list."""
    codes = []
    for item in split_codes(raw):
        try:
            codes.append(StandardCode.parse(item, internal).canonical)
        except CodeError:
            return []
    return codes


def _review(
    cells: Mapping[str, tuple[str, CellValue]], attempt: Any, header: Any, text: Any, out: RowRecord
) -> dict[str, Any] | None:
    date = attempt("review_date", parse_date)
    conclusion = text("review_conclusion")
    if date is None and not conclusion:
        return None
    if date is None:
        if "review_date" in cells and text("review_date"):
            return None  # the date's own problem is already reported
        out.problems.append(
            CellProblem(
                header("review_date"),
                Text(
                    f"有复审结论“{conclusion}”但没有复审日期",
                    f"a review conclusion ({conclusion!r}) needs a review date",
                ),
            )
        )
        return None
    if not conclusion:
        out.problems.append(
            CellProblem(
                header("review_conclusion"),
                Text(
                    "有复审日期但没有复审结论（继续有效、修订、废止）",
                    "a review date needs a conclusion (继续有效, 修订, 废止)",
                ),
            )
        )
        return None
    return {"date": date, "conclusion": conclusion}


def _review_by(review: dict[str, Any], values: dict[str, Any]) -> None:
    """The table has no column for who reviewed: take the 归口单位 (who organises reviews), else the first
    发布部门, and say so in the review's note so nobody mistakes it for a recorded fact."""
    if values.get("administering_body"):
        review["by"], source = values["administering_body"], "归口单位"
    elif values.get("issuer"):
        review["by"], source = values["issuer"][0], "发布部门"
    else:
        review["by"], source = "未注明", ""
    review["note"] = (
        f"据标准体系明细表导入，复审单位取自{source}"
        if source
        else "据标准体系明细表导入，表中未注明复审单位"
    )


def _validate(out: RowRecord) -> None:
    """The model has the last word (e.g. the review conclusion's allowed values)."""
    try:
        out.standard = Standard.model_validate(out.data)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            loc = err["loc"]
            name = str(loc[0]) if loc else ""
            if name == "reviews":
                key = "review_date" if loc[-1] == "date" else "review_conclusion"
            else:
                key = _COLUMN_OF_FIELD.get(name, "")
            shown = err.get("input")
            column = COLUMN_BY_KEY.get(key)
            message = err.get("msg", "")
            if err["type"] == "enum":
                expected = allowed_values(str(err.get("ctx", {}).get("expected", "")))
                reason = Text(
                    f"{shown!r} 不是允许的取值（{expected.zh}）", f"{shown!r} is not one of {expected.en}"
                )
            else:
                reason = Text(f"{shown!r}：{message}", f"{shown!r}: {message}")
            out.problems.append(CellProblem(column.zh if column else name, reason))


def names_a_cell_splits(standard: Standard) -> list[tuple[str, str, int]]:
    """The 发布部门 and 起草单位 names holding a line break: a cell holds one name a line, so the table cannot keep
    such a name whole — (column key, name, how many names an import reads it as)."""
    return [(key, item, len(split_names(item))) for key in ("issuer", "drafters")
            for item in getattr(standard, key) if names_per_line(item)]


def codes_a_cell_splits(standard: Standard) -> list[tuple[str, str, int]]:
    """The 代替标准 and 引用标准 items an import would not read back as one: an item holding a separator (typed by
    hand, "GB/T 1-2000, GB/T 2-2000"), which the cell's split takes apart — (column key, item, how many codes an
    import reads it as)."""
    return [(key, item, count) for key in ("replaces", "references")
            for item in getattr(standard, key) if (count := len(split_codes(item))) > 1]


def names_kept_whole(old: list[str], new: list[str]) -> list[str]:
    """``new`` (a names cell as read) with each run of names that is one of ``old``'s names holding a line break,
    split by the cell, put back as that name: the table cannot say it otherwise."""
    whole = {tuple(split_names(item)): item for item in old if names_per_line(item)}
    if not whole:
        return new
    kept: list[str] = []
    at = 0
    while at < len(new):
        found = next(((parts, item) for parts, item in whole.items() if tuple(new[at:at + len(parts)]) == parts), None)
        if found is None:
            kept.append(new[at])
            at += 1
        else:
            kept.append(found[1])
            at += len(found[0])
    return kept


def latest_review(standard: Standard) -> Any | None:
    reviews = list(getattr(standard, "reviews", None) or [])
    return max(reviews, key=lambda r: r.date) if reviews else None


def record_to_row(standard: Standard, code: StandardCode | None, lang: Lang = "zh") -> dict[str, CellValue]:
    """A record as a table row: column key → value (dates stay dates; writers format them)."""
    tier = Tier(standard.tier) if standard.tier else (code.tier if code else None)
    nature = Nature(standard.nature) if standard.nature else (code.nature if code else None)
    review = latest_review(standard)
    conclusion = review.conclusion if review is not None else None
    row: dict[str, CellValue] = {
        "module": standard.module,
        "code": code.canonical if code else standard.code,
        "title": standard.title,
        "tier": TIER_LABELS[tier].get(lang) if tier else None,
        "nature": NATURE_LABELS[nature].get(lang) if nature else None,
        "status": Status(standard.status).label.get(lang),
        "published": standard.published,
        "effective": standard.effective,
        "abolished": standard.abolished,
        "replaces": CODE_JOINER.join(standard.replaces) or None,
        "references": CODE_JOINER.join(standard.references) or None,
        "issuer": join_names(standard.issuer),
        "administering_body": standard.administering_body,
        "drafters": join_names(standard.drafters),
        "scope": standard.scope,
        "review_date": review.date if review is not None else None,
        "review_conclusion": _enum_text(conclusion, lang) if conclusion is not None else None,
        "note": standard.note,
    }
    assert set(row) == {c.key for c in COLUMNS if c.key != "seq"}
    return row


def _enum_text(value: Any, lang: Lang) -> str:
    label = getattr(value, "label", None)
    if isinstance(label, Text):
        return label.get(lang)
    return str(value.value if isinstance(value, Enum) else value)


def extra_columns(standard: Standard) -> dict[str, str]:
    return dict(standard.extra)
