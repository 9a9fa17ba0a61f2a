"""The D findings made in one pass over the groups, with each message cut once per group size
(``gbstd.rules._dupes``): the same findings, in the same order, as formatting each one whole per record."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gbstd.catalog.catalog import Record
from gbstd.catalog.loader import load_catalog
from gbstd.engine import Selection, selected_rules
from gbstd.findings import Finding
from gbstd.i18n import Text
from gbstd.rules import Rule, RuleContext
from gbstd.rules._dupes import _Words
from gbstd.similarity import DuplicateKind
from gbstd.similarity.groups import other

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from generate import generate_sibling_catalog

SAMPLE = Path(__file__).resolve().parents[1] / "standards"
D_RULES = selected_rules(Selection(select=["D"]))


def plain_finding(
    rule: Rule, kind: DuplicateKind, message: Text, record: Record, mate: Record, score: float, size: int
) -> Finding:
    """The way a finding was made before: ``str.format`` on the whole message."""
    named = f"{mate.key}《{mate.title}》({score:.2f})"
    advice = kind.advice
    return rule.at(
        record,
        Text(message.zh.format(partner=named, size=size, advice=advice.zh),
             message.en.format(partner=named, size=size, advice=advice.en)),
        ("title",),
        key=False,
    )


def plain_findings(rule: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """The rule's findings the old way (no memo): record by record from ``records_with``."""
    seen: list[tuple[DuplicateKind, Text, object]] = []

    def spy(_rule: Rule, _ctx: RuleContext, kind: DuplicateKind, message: Text,
            keep: object = None) -> Iterator[Finding]:
        seen.append((kind, message, keep))
        return iter(())

    import gbstd.rules._dupes as dupes

    module = sys.modules[type(rule).__module__]
    real = module.findings  # type: ignore[attr-defined]
    module.findings = spy  # type: ignore[attr-defined]
    try:
        list(rule.check(ctx))
    finally:
        module.findings = real  # type: ignore[attr-defined]
    assert real is dupes.findings and len(seen) == 1
    kind, message, keep = seen[0]
    groups = ctx.duplicates
    for record, partner in groups.records_with(kind):
        pair = next((p for p in partner.pairs if keep is None or keep(record, p)), None)  # type: ignore[operator]
        group = groups.group(record)
        if pair is None or group is None:
            continue
        yield plain_finding(rule, kind, message, record, other(pair, record), pair.score, len(group.members))


@pytest.fixture(scope="module")
def siblings(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("siblings")
    generate_sibling_catalog(root, 600, seed=11)
    return root


@pytest.mark.parametrize("where", ["sample", "siblings"])
def test_one_pass_findings_are_the_plain_ones(where: str, siblings: Path) -> None:
    catalog = load_catalog(SAMPLE if where == "sample" else siblings, jobs=1)
    ctx = RuleContext(catalog, dt.date(2026, 1, 1))
    total = 0
    for rule in D_RULES:
        made = list(rule.check(ctx))
        assert made == list(plain_findings(rule, ctx))
        assert all(type(f.message) is Text for f in made)
        total += len(made)
    assert total > 0


text_st = st.text(max_size=12)
template_st = st.lists(
    st.sampled_from(["{partner}", "{size}", "{advice}", "（", "：", "a", "\x00", "{{", "}}", "{partner!r}",
                     "{partner:>9}", "{{partner}}", "{size:03d}"]) | text_st.map(
        lambda s: s.replace("{", "").replace("}", "")), max_size=8,
).map("".join)


@given(
    zh=template_st, en=template_st, key=text_st, title=text_st,
    score=st.floats(0, 1, allow_nan=False), sizes=st.lists(st.integers(2, 500), min_size=1, max_size=4),
    kind=st.sampled_from([DuplicateKind.MERGE, DuplicateKind.ADOPT_UPPER, DuplicateKind.SIBLING]),
)
def test_a_cut_message_is_the_formatted_one(
    zh: str, en: str, key: str, title: str, score: float, sizes: list[int], kind: DuplicateKind
) -> None:
    """Any template (``{partner}`` once, twice or not at all, padded or repr'd, NULs, braces): the pieces give the
    format's text."""
    rule = D_RULES[0]
    message = Text(zh, en)
    record = SimpleNamespace(rel="a.yaml", key="DB1/T 1-2020")
    mate = SimpleNamespace(key=key, title=title)
    words = _Words(rule, kind, message)
    for size in sizes + sizes:  # the second time from the caches
        made = words.finding(record, mate, score, size)  # type: ignore[arg-type]
        assert made == plain_finding(rule, kind, message, record, mate, score, size)  # type: ignore[arg-type]
