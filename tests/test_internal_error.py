"""A rule that crashes: one line naming it, exit 2, and the other rules' findings still printed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gbstd import rules as registry
from gbstd.cli.app import app
from gbstd.findings import Finding
from gbstd.i18n import Text
from gbstd.rules.base import Rule, RuleContext

runner = CliRunner()


class Crashing(Rule):
    """Crashes / crashes

    What it does:
        Raises, to test the engine.
    """

    code = "Z999"
    name = "crashing"
    summary = Text("总是崩溃", "always crashes")

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        yield from ()
        raise KeyError("boom")


@pytest.fixture
def crashing_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "ALL_RULES", (*registry.ALL_RULES, Crashing))
    monkeypatch.setitem(registry.RULES_BY_CODE, "Z999", Crashing)


def catalog(tmp_path: Path) -> Path:
    root = tmp_path / "cat"
    (root / "records").mkdir(parents=True)
    (root / "gbstd.toml").write_text("")
    (root / "records" / "GB-T-41568-2022.yaml").write_text(
        "code: GB/T 41568-2022\ntitle: 机关事务管理 术语\nstatus: 现行\n"
        "published: 2023-04-15\neffective: 2022-11-01\nreviews: [{date: 2025-01-10, conclusion: 继续有效, by: 国管局}]\n",
        encoding="utf-8",
    )
    return root


@pytest.mark.usefixtures("crashing_rule")
@pytest.mark.parametrize("cache", [[], ["--no-cache"]])
def test_internal_error_is_one_line_exit_2_and_other_findings_still_printed(
    tmp_path: Path, cache: list[str]
) -> None:
    root = catalog(tmp_path)
    for _ in range(2):  # the second run must not hide the crash behind a cached result
        result = runner.invoke(
            app, ["lint", str(root), "--as-of", "2025-06-30", "--format", "json", "--lang", "en", *cache]
        )
        assert result.exit_code == 2
        assert sorted(f["rule"] for f in json.loads(result.stdout)) == ["C005", "C006"]
        assert result.stderr == "internal error in rule Z999, please report; run with --debug for details\n"
        assert "Traceback" not in result.output


@pytest.mark.usefixtures("crashing_rule")
def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["lint", str(catalog(tmp_path)), "--as-of", "2025-06-30", "--debug", "--lang", "zh"]
    )
    assert result.exit_code == 2
    first, *rest = result.stderr.splitlines()
    assert first == "规则 Z999 内部错误，请报告此问题；加 --debug 查看详情"
    assert "KeyError: 'boom'" in "\n".join(rest)
