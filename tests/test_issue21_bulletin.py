"""Issue 21, items 5 and 6: a bulletin's period is bounded, --from narrows it, and one document has one date."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from gbstd.cli.app import app

runner = CliRunner()
SAMPLE = Path(__file__).resolve().parents[1] / "standards"
AS_OF = "2026-11-26"


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_a_future_period_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "b.md"
    code, _, err = invoke("report", "bulletin", str(SAMPLE), "-p", "2030H1", "-o", str(out), "--as-of", AS_OF)
    assert code == 2 and "报告期 2030年上半年 尚未开始（截至 2026-11-26）" in err
    assert not out.exists()


def test_from_and_to_only_narrow_the_period(tmp_path: Path) -> None:
    out = tmp_path / "b.md"
    base = ["report", "bulletin", str(SAMPLE), "-p", "2024H1", "-o", str(out), "--as-of", AS_OF]
    code, _, err = invoke(*base, "--from", "2023-01-01")
    assert code == 2 and "--from/--to 只能缩小报告期" in err and not out.exists()
    code, _, err = invoke(*base, "--to", "2024-12-31")
    assert code == 2 and not out.exists()
    code, _, _ = invoke(*base, "--from", "2024-03-01")
    assert code == 0
    assert "2024年3月1日至2024年6月30日" in out.read_text(encoding="utf-8")


def test_every_figure_of_a_bulletin_is_as_of_the_period_end(tmp_path: Path) -> None:
    out = tmp_path / "b.md"
    assert invoke("report", "bulletin", str(SAMPLE), "-p", "2024H1", "-o", str(out), "--as-of", AS_OF)[0] == 0
    text = out.read_text(encoding="utf-8")
    dates = set(re.findall(r"截至(\d{4}年\d{1,2}月\d{1,2}日)", text))
    assert dates == {"2024年6月30日"}, dates
    assert "图4 标准体系框架图（截至2024年6月30日）" in text or "图4 标准体系框架图：" in text
