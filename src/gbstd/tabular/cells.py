"""What people type into spreadsheet cells, parsed: dates in every usual form, lists, text.

A cell arrives as whatever the reader produced: ``str`` from CSV, and ``str``/``int``/``float``/``datetime``
from an XLSX file (openpyxl turns date-formatted cells into ``datetime``). Parsers return the value or raise
:class:`CellError` with a bilingual reason that already quotes the offending value.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from gbstd.i18n import Text
from gbstd.model.code import normalise_spelling
from gbstd.model.spaces import code_points, odd_spaces, plain_spaces

CellValue = str | int | float | bool | dt.date | dt.datetime | None


class CellError(ValueError):
    def __init__(self, reason: Text) -> None:
        super().__init__(reason.en)
        self.reason = reason


def cell_text(value: CellValue) -> str:
    """A cell as trimmed text; numbers typed as numbers (202, 202.0) read as the digits people see."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    # a Windows line break in a cell (a CSV saved on Windows) is the line break a record file keeps: read as
    # CRLF, a row re-imported into the record it made differed from it ("conflict") in no visible way
    return text.replace("\r\n", "\n") if "\r" in text else text


# What Excel shows (and saves as the cell's value, and writes to a CSV) when a formula fails: a VLOOKUP that
# found nothing is #N/A. Read as text it became a record's title or issuer; it is never data.
EXCEL_ERRORS = frozenset({
    "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!", "#CALC!",
    "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#PYTHON!",
})  # fmt: skip


def excel_error(value: CellValue) -> str | None:
    """The Excel error value a cell holds (``#N/A``), or None."""
    if not isinstance(value, str) or not value or value.lstrip()[:1] != "#":
        return None
    text = cell_text(value).upper()
    return text if text in EXCEL_ERRORS else None


_DATE_FORMS = (
    re.compile(r"^(?P<y>\d{4})\s*[-/.]\s*(?P<m>\d{1,2})\s*[-/.]\s*(?P<d>\d{1,2})$"),
    re.compile(r"^(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日?$"),
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"),
)
# A time of day after the date (2021/9/13 14:30, as Excel writes a date-time cell to a CSV; 2021-09-13 00:00:00 from
# a database): the day is the date, as a date-time cell of an XLSX file is read.
_TIME_TAIL = re.compile(r"(?:[ T]+(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?)$")
# A serial written as text (a CSV saved from a column whose date format was lost), or with its time as a fraction.
_SERIAL_TEXT = re.compile(r"^(?P<days>\d{5})(?:\.\d+)?$")
# Excel stores dates as days since 1899-12-30; a bare number in a date column is such a serial when its
# cell format was lost. Only a plausible range (1954–2119) is read that way.
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_SERIAL_RANGE = range(20_000, 80_000)

DATE_FORMS_HINT = Text(
    "如 2021-09-13、2021/9/13、2021.9.13、2021年9月13日",
    "e.g. 2021-09-13, 2021/9/13, 2021.9.13, 2021年9月13日",
)


def serial_days(value: CellValue) -> int | None:
    """The day an Excel serial in a date cell counts from the workbook's epoch (a fraction is the time of day),
    as a number or as its digits; None for anything else."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    if isinstance(value, str):
        serial = _SERIAL_TEXT.match(unicodedata.normalize("NFKC", value).strip())
        days = int(serial["days"]) if serial else -1
    else:
        days = int(value) if value >= 0 else -1
    return days if days in _SERIAL_RANGE else None


def parse_date(value: CellValue) -> dt.date | None:
    """A date from a cell; ``None`` for an empty cell."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if (days := serial_days(value)) is not None:
        return _EXCEL_EPOCH + dt.timedelta(days=days)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = cell_text(value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        return None
    # the cell as the user sees it, quoted (a time-only cell showed as Python's `datetime.time(12, 0)`)
    shown = repr(value if isinstance(value, str) else cell_text(value))
    text = _TIME_TAIL.sub("", text).strip()
    for form in _DATE_FORMS:
        if m := form.match(text):
            try:
                return dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
            except ValueError:
                raise CellError(Text(f"{shown} 不是有效日期", f"{shown} is not a valid date")) from None
    raise CellError(
        Text(
            f"{shown} 不是可识别的日期（{DATE_FORMS_HINT.zh}）",
            f"{shown} is not a date ({DATE_FORMS_HINT.en})",
        )
    )


# Codes never contain commas, 、, semicolons or line breaks (nor their fullwidth and small forms, ﹔ ､ ﹐), so lists
# of codes split on each of them; names of organisations may contain commas, so their lists split only on
# semicolons, 、 and line breaks.
_CODE_SEPARATORS = re.compile(r"[;；﹔,，﹐、﹑､\n\r\t\v\f\x85\u2028\u2029]+")
# A space is inside every code (GB/T 1.1-2020), but only before its number: one after a digit and before a
# letter ends a code and starts the next (GB/T 1.1-2020 GB/T 2.2-2019), and so does 和, 及 or 与 there. Split
# there only when the texts on both sides read as codes: GB/T 19001-2016 idt ISO 9001:2015 is one item.
_CODE_GAP = re.compile(r"(?<=[0-9０-９])(?:\s*[和及与]\s*|\s+)(?=[A-Za-zＡ-Ｚａ-ｚ])")
_CODE_SHAPE = re.compile(r"[A-Z][A-Z0-9]*(?:/[A-Z0-9]+)? ?[0-9]+(?:\.[0-9]+)*(?:-[0-9]{2}(?:[0-9]{2})?)?")
_NAME_SEPARATORS = re.compile(r"[;；、\n\r]+")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
NAME_SEPARATOR_CHARACTERS = ";；、"

CODE_JOINER = "；"
NAME_JOINER = "、"


def split_codes(value: CellValue) -> list[str]:
    """The codes of a list cell, each whole: split on the separators no code holds, and on a space (和, 及, 与)
    only between two texts that read as codes."""
    codes: list[str] = []
    for part in _CODE_SEPARATORS.split(cell_text(value)):
        if part := part.strip():
            codes += _split_at_gaps(part)
    return codes


def _looks_like_code(text: str) -> bool:
    return _CODE_SHAPE.fullmatch(normalise_spelling(text)) is not None


def _split_at_gaps(text: str) -> list[str]:
    pieces, start = [], 0
    for gap in _CODE_GAP.finditer(text):
        pieces += [text[start : gap.start()], gap.group()]
        start = gap.end()
    pieces.append(text[start:])
    items = [pieces[0]]
    for gap, piece in zip(pieces[1::2], pieces[2::2], strict=True):
        if _looks_like_code(items[-1]) and _looks_like_code(piece):
            items.append(piece)
        else:  # not between two codes: the gap is part of the item
            items[-1] += gap + piece
    return items


def names_per_line(value: CellValue) -> bool:
    """Whether a names cell holds one item per line: it has a line break (even only at its end, as an export
    writes a single item holding a separator), so 、 and ； inside a line are part of the item (甲、乙联合)."""
    return isinstance(value, str) and ("\n" in value or "\r" in value)


def one_line(text: str) -> str:
    """A name wrapped over lines in its cell (Alt+Enter in a narrow column) on one line: its lines joined with
    nothing between two characters when either is Chinese (or of another wide script), else with one space
    (机关办公用房⏎维修管理规范 → 机关办公用房维修管理规范; Office building⏎management → Office building management)."""
    lines = [line.strip() for line in _LINE_BREAK.split(text) if line.strip()]
    joined = lines[0] if lines else ""
    for line in lines[1:]:
        narrow = all(unicodedata.east_asian_width(char) not in ("W", "F") for char in (joined[-1], line[0]))
        joined += (" " if narrow else "") + line
    return joined


def folded_name(value: str, label: Text) -> tuple[str, list[Text]]:
    """A name typed or pasted elsewhere than in a table (``gbstd new --title``, the editor's forms) as import
    writes a cell's: its line breaks joined into one line (C019), each gap holding a no-break, full-width or
    other odd space one plain space (C020); with what was done, in words naming the field by ``label``."""
    said: list[Text] = []
    text = value.strip()
    if "\n" in text or "\r" in text:
        text = one_line(text)
        said.append(Text(f"{label.zh}中的换行已合并为一行：{text}",
                         f"{label.en}: its line breaks were joined into one line: {text}"))
    if found := odd_spaces(text):
        text = plain_spaces(text)
        codes = code_points(found)
        said.append(Text(f"{label.zh}中的非普通空格 {codes} 已改为普通空格：{text}",
                         f"{label.en}: its spaces other than the plain space, {codes}, were written as plain spaces: "
                         f"{text}"))
    return text, said


def split_names(value: CellValue) -> list[str]:
    if names_per_line(value):
        # a separator ending a line (甲；⏎乙；) is punctuation, not part of the name
        items = (line.strip().strip(NAME_SEPARATOR_CHARACTERS).strip() for line in _LINE_BREAK.split(str(value)))
        return [item for item in items if item]
    return [part.strip() for part in _NAME_SEPARATORS.split(cell_text(value)) if part.strip()]


def join_names(items: list[str]) -> str | None:
    """A names list as its cell, read back by :func:`split_names` as the same items: joined with 、, or one
    item per line when an item holds a separator itself (a single such item is followed by a line break, so
    the cell still reads one per line)."""
    if not items:
        return None
    if all(split_names(item) == [item] for item in items):
        return NAME_JOINER.join(items)
    return "\n".join(items) + ("\n" if len(items) == 1 else "")
