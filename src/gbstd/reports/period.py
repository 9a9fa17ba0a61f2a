"""Report periods: a half-year (``2023H1``, ``2023H2``), a year (``2023``) or an explicit date range."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from gbstd.i18n import Text

_PERIOD_RE = re.compile(r"^(?P<year>\d{4})(?:[Hh](?P<half>[12]))?$")


class PeriodError(ValueError):
    """A period that cannot be understood; ``text`` says why in both languages."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.en)
        self.text = text


@dataclass(frozen=True)
class Period:
    """A closed date range ``start``…``end`` with the key and the words a bulletin uses for it."""

    start: dt.date
    end: dt.date
    key: str  # "2023H2", "2023" or "2023-03-01_2023-05-31"
    half: int | None = None  # 1 or 2 for half-years

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def label(self) -> str:
        """As a bulletin says it: 2023年上半年, 2023年下半年, 2023年, or 2023年3月1日至2023年5月31日."""
        if self.half == 1:
            return f"{self.year}年上半年"
        if self.half == 2:
            return f"{self.year}年下半年"
        if self.key == str(self.year):
            return f"{self.year}年"
        return f"{cn_date(self.start)}至{cn_date(self.end)}"

    @property
    def short_label(self) -> str:
        """The period as the bulletin's running text refers to it: 上半年 / 下半年 / 全年 / 本期."""
        return {1: "上半年", 2: "下半年"}.get(self.half or 0, "全年" if self.key == str(self.year) else "本期")

    def contains(self, day: dt.date | None) -> bool:
        return day is not None and self.start <= day <= self.end


def parse_period(text: str | None, start: dt.date | None = None, end: dt.date | None = None) -> Period:
    """``2023H1`` / ``2023H2`` / ``2023``, or ``start``/``end`` (each defaulting from ``text`` when given)."""
    base: Period | None = None
    if text is not None:
        m = _PERIOD_RE.match(text.strip())
        # any year of the calendar, as a notes file's period may name (a year 3000 is refused as not begun yet)
        if not m or int(m["year"]) < dt.MINYEAR:
            raise PeriodError(Text(
                f"无法识别的报告期 {text!r}：应为 2023H1（上半年）、2023H2（下半年）或 2023（全年），年份 0001–9999",
                f"unknown period {text!r}: use 2023H1 (first half), 2023H2 (second half) or 2023 (year), "
                "years 0001–9999",
            ))
        year = int(m["year"])
        if m["half"] == "1":
            base = Period(dt.date(year, 1, 1), dt.date(year, 6, 30), f"{year}H1", 1)
        elif m["half"] == "2":
            base = Period(dt.date(year, 7, 1), dt.date(year, 12, 31), f"{year}H2", 2)
        else:
            base = Period(dt.date(year, 1, 1), dt.date(year, 12, 31), str(year))
    if start is None and end is None:
        if base is None:
            raise PeriodError(Text("请给出 --period 或 --from/--to", "give --period or --from/--to"))
        return base
    first = start or (base.start if base else None)
    last = end or (base.end if base else None)
    if first is None or last is None:
        raise PeriodError(Text("--from 与 --to 须同时给出（或再给 --period）",
                               "give both --from and --to (or a --period to default from)"))
    if base is not None and (first < base.start or last > base.end):
        raise PeriodError(Text(
            f"--from/--to 只能缩小报告期：{first}～{last} 超出了 {base.label}（{base.start}～{base.end}）",
            f"--from/--to only narrow the period: {first}..{last} is outside {base.key} ({base.start}..{base.end})",
        ))
    if first > last:
        raise PeriodError(Text(f"报告期起点 {first} 晚于终点 {last}", f"the period starts ({first}) after it ends ({last})"))
    if base is not None and (first, last) == (base.start, base.end):
        return base
    return Period(first, last, f"{first.isoformat()}_{last.isoformat()}")


def cn_date(day: dt.date) -> str:
    """2023年12月31日 — the date as written in an official document (Arabic numerals, GB/T 9704-2012 7.3.5)."""
    return f"{day.year}年{day.month}月{day.day}日"
