"""Which rules read "today" (``RuleContext.dated``), so that incremental lint runs only those on another day."""

from __future__ import annotations

import datetime as dt
import io
import pickle
from collections import defaultdict
from collections.abc import Iterator

import pytest

from gbstd.catalog.loader import load_catalog
from gbstd.engine import Selection, _check_in_child, check, selected_rules
from gbstd.findings import Finding
from gbstd.i18n import Text
from gbstd.rules import Rule, RuleContext
from tests.test_incremental import SAMPLE

DAY = dt.date(2025, 6, 30)
OTHER_DAYS = (dt.date(2024, 1, 15), dt.date(2026, 11, 27), dt.date(2031, 3, 1))


@pytest.fixture(scope="module")
def sample_ctx() -> RuleContext:
    return RuleContext(load_catalog(SAMPLE), DAY)


@pytest.mark.parametrize("fact", ["as_of", "review_states", "system_summary", "project_states"])
def test_reading_the_day_or_a_fact_made_from_it_marks_the_running_rule(fact: str) -> None:
    ctx = RuleContext(load_catalog(SAMPLE), DAY)
    getattr(ctx, fact)  # outside any rule: nobody to mark
    assert ctx.dated == set()
    ctx.running = "X1"
    getattr(ctx, fact)
    ctx.running = "X2"  # made already, by X1's reading: X2 read it all the same
    getattr(ctx, fact)
    ctx.running = "X3"
    ctx.lineage  # noqa: B018 - facts that are not of the day mark nothing
    ctx.subjects  # noqa: B018
    assert ctx.dated == {"X1", "X2"}
    ctx.running = "X4"
    ctx.review_state(ctx.catalog.records[0])  # one record's review state: made from the day too
    assert ctx.dated == {"X1", "X2", "X4"}


def test_a_fact_of_the_day_is_made_once(sample_ctx: RuleContext) -> None:
    assert sample_ctx.review_states is sample_ctx.review_states
    assert sample_ctx.system_summary is sample_ctx.system_summary


def test_a_rule_that_finds_otherwise_on_another_day_is_marked_dated() -> None:
    """Soundness on the sample: any rule whose findings differ between two days read the day (if one did not
    and was not marked, the next day's incremental run would keep its stale findings)."""
    rules = selected_rules(Selection())
    catalog = load_catalog(SAMPLE)

    def findings(day: dt.date) -> tuple[dict[str, list[tuple[str, str]]], set[str]]:
        ctx = RuleContext(catalog, day)
        found: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for rule in rules:
            for finding in check(rule, ctx, []) or []:
                found[rule.code].append((finding.path, finding.message.en))
        return found, ctx.dated

    base, dated = findings(DAY)
    differing: set[str] = set()
    for day in OTHER_DAYS:
        other, dated_then = findings(day)
        differing |= {code for code in {*base, *other} if base.get(code) != other.get(code)}
        dated |= dated_then
    assert differing, "the sample should have findings that change with the day"
    assert differing <= dated, f"found otherwise on another day but not marked: {differing - dated}"
    assert {"R001", "C007"} <= differing
    assert not {code for code in dated if code.startswith(("D", "Y"))}  # duplicates and file checks: any day


class _ReadsTheDay(Rule):
    code = "X901"
    name = "reads-the-day"
    summary = Text("读日期", "reads the day")

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        if ctx.as_of.year > 2000:
            yield from ()


class _Timeless(Rule):
    code = "X902"
    name = "timeless"
    summary = Text("不读日期", "does not read the day")

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        yield from ()


def test_a_forked_child_says_which_of_its_rules_read_the_day(sample_ctx: RuleContext) -> None:
    out = io.BytesIO()
    ctx = RuleContext(sample_ctx.catalog, DAY)
    _check_in_child(out, ctx, [_ReadsTheDay(), _Timeless()])
    sent = dict(pickle.loads(out.getvalue()))
    assert sent["X901"][3] is True and sent["X902"][3] is False
    assert ctx.running is None  # reset after each rule
