"""A run that forks the D rules' child (``collect_findings``: ``--no-cache``, a federation's union, the catalog
as it was for ``--changed-since``) asks for the child's findings only after running every other rule itself,
and keeps the findings in the rules' order all the same."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import pytest

from gbstd import engine
from gbstd.catalog.loader import load_catalog
from gbstd.engine import RuleRunner, Selection, collect_findings
from tests.federation_support import SAMPLE

AS_OF = dt.date(2026, 11, 23)


@pytest.mark.skipif(not hasattr(os, "fork") or (os.cpu_count() or 1) < 2, reason="forks a child on a second core")
def test_the_childs_findings_are_asked_for_after_every_other_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    catalog = load_catalog(SAMPLE)
    alone = collect_findings(catalog, AS_OF, Selection(), jobs=1)  # every rule in this process, in order
    events: list[str] = []
    real_check, real_collect = engine.check, RuleRunner._collect

    def check(rule: Any, ctx: Any, errors: Any, records: Any = None, defer: bool = False) -> Any:
        events.append(rule.code)  # in this process (the child appends to its own copy)
        return real_check(rule, ctx, errors, records, defer)

    def collect(self: RuleRunner) -> None:
        events.append("the child's findings")
        real_collect(self)

    monkeypatch.setattr(engine, "can_fork", lambda *args: True)  # the sample is below the fork threshold
    monkeypatch.setattr(engine, "check", check)
    monkeypatch.setattr(RuleRunner, "_collect", collect)
    forked = collect_findings(catalog, AS_OF, Selection())
    assert "the child's findings" in events  # the D rules ran in a child
    assert events[-1] == "the child's findings"  # asked for once this process had run all of its own
    assert not any(code.startswith("D") for code in events[:-1])
    assert forked.findings == alone.findings  # in the rules' order, as one process finds them
    assert any(f.rule.startswith("D") for f in forked.findings)
