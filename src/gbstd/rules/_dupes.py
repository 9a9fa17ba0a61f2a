"""Shared shape of the D rules: one finding per record, naming the similar standards (strongest first)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from gbstd.catalog.catalog import Record
from gbstd.findings import Finding
from gbstd.i18n import Text
from gbstd.rules.base import Rule
from gbstd.similarity import DuplicatePair

MAX_NAMED = 3


def by_record(items: Iterable[tuple[Record, Record, DuplicatePair]]) -> dict[int, tuple[Record, list[tuple[Record, DuplicatePair]]]]:
    """(record that gets the finding, the other record, pair) → per record, its others by score."""
    grouped: dict[int, tuple[Record, list[tuple[Record, DuplicatePair]]]] = {}
    others: dict[int, list[tuple[Record, DuplicatePair]]] = defaultdict(list)
    for record, other, pair in items:
        grouped.setdefault(id(record), (record, others[id(record)]))
        others[id(record)].append((other, pair))
    for _, listed in grouped.values():
        listed.sort(key=lambda item: (-item[1].score, item[0].key))
    return grouped


def listing(others: list[tuple[Record, DuplicatePair]]) -> tuple[str, str]:
    """'DB41/T 1-2020《…》(0.93)' for the first few, and '等 N 项' / 'and N more' for the rest."""
    shown = [f"{r.key}《{r.title}》({p.score:.2f})" for r, p in others[:MAX_NAMED]]
    rest = len(others) - MAX_NAMED
    zh = "、".join(shown) + (f" 等 {len(others)} 项" if rest > 0 else "")
    en = ", ".join(shown) + (f" and {rest} more" if rest > 0 else "")
    return zh, en


def findings(rule: Rule, grouped: dict[int, tuple[Record, list[tuple[Record, DuplicatePair]]]],
             message: Text) -> Iterator[Finding]:
    """``message`` holds ``{others}`` and ``{advice}`` placeholders in each language."""
    for record, others in grouped.values():
        zh, en = listing(others)
        advice = others[0][1].advice
        yield rule.at(
            record,
            Text(message.zh.format(others=zh, advice=advice.zh), message.en.format(others=en, advice=advice.en)),
            ("title",),
            key=False,
        )
