"""A calendar month (``YYYY-MM``): the precision of plan phases and task deadlines ("2021年10月底前").

A deadline month means the end of that month: "2021-10" is met by anything done on or before 2021-10-31.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated

from pydantic import PlainSerializer, PlainValidator, WithJsonSchema

from gbstd.i18n import Text, TextError

# [0-9], not \d: \d takes any Unicode digit (２０２５-０６), which the schema's pattern refuses
_MONTH_RE = re.compile(r"^([0-9]{4})-([0-9]{2})$")
# How plans print a month (2024年3月, 2024年3月底前) or a month without its zero (2024-3): said how to write it
_LOOSE_MONTH_RE = re.compile(r"^([0-9]{4})\s*(?:年|-|/|\.)\s*([0-9]{1,2})\s*(?:月(?:底前?|份)?)?$")


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    def __post_init__(self) -> None:
        # TextError: a plan's lint finding says it in both languages, not pydantic's "Value error, …"
        if not 1 <= self.month <= 12:
            shown = f"{self.year}-{self.month:02d}"
            raise TextError(Text(f"{shown!r} 不是月份（月份为 01–12）", f"{shown!r} is not a month (months are 01–12)"))
        if not dt.MINYEAR <= self.year <= dt.MAXYEAR:  # 0000-05 has no first day: every use of it crashed
            shown = f"{self.year:04d}-{self.month:02d}"
            raise TextError(Text(f"{shown!r} 不在日历的年份内（0001–9999）",
                                 f"{shown!r} is not a month of the calendar (years 0001–9999)"))

    @classmethod
    def parse(cls, text: str) -> Month:
        m = _MONTH_RE.match(text.strip())
        if not m:
            zh, en = f"{text!r} 不是 YYYY-MM 格式的月份", f"{text!r} is not a month in the form YYYY-MM"
            loose = _LOOSE_MONTH_RE.match(text.strip())
            if loose and 1 <= int(loose[2]) <= 12:  # 2024年3月 → 2024-03
                fixed = f"{loose[1]}-{int(loose[2]):02d}"
                zh, en = f"{zh}，应写作 {fixed}", f"{en}; write {fixed}"
            raise TextError(Text(zh, en))
        return cls(int(m[1]), int(m[2]))

    @classmethod
    def of(cls, day: dt.date) -> Month:
        return cls(day.year, day.month)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def last_day(self) -> dt.date:
        return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    @property
    def zh(self) -> str:
        return f"{self.year}年{self.month}月"

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def _to_month(value: object) -> Month:
    if isinstance(value, Month):
        return value
    if isinstance(value, str):
        return Month.parse(value)
    raise TextError(Text(f"{value!r} 不是 YYYY-MM 格式的月份", f"{value!r} is not a month in the form YYYY-MM"))


# A year of the calendar, 0001-9999 (0000 has no day), for the patterns of schemas and models (no lookahead: JSON
# Schema advises only the plain regular expressions every validator reads). [0-9], not \d: pydantic's engine
# and Python's take \d for any Unicode digit (２０２３H1), JSON Schema's (ECMA-262) for ASCII only.
YEAR_PATTERN = r"([1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])"
# The schema's pattern refuses what the model refuses: month 00 or 13, year 0000.
_PATTERN = rf"^{YEAR_PATTERN}-(0[1-9]|1[0-2])$"

# A month written as "YYYY-MM" in YAML (quoted or not: YAML reads 2021-10 as text).
MonthField = Annotated[
    Month,
    PlainValidator(_to_month),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "pattern": _PATTERN, "description": "月份 YYYY-MM"}),
]
