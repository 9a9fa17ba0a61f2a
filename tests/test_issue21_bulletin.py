"""Issue 21, items 5 and 6: a bulletin's period is bounded, --from narrows it, and one document has one date."""

from __future__ import annotations

import re
from pathlib import Path

from tests.issue21_support import SAMPLE, invoke

AS_OF = "2026-11-26"


def test_a_future_period_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "b.md"
    code, _, err = invoke("report", "bulletin", str(SAMPLE), "-p", "2030H1", "-o", str(out), "--as-of", AS_OF)
    assert code == 2 and "报告期 2030年上半年 尚未开始（截至 2026-11-26）" in err
    assert not out.exists()
    # a year past 2999 is a period too (it was "unknown"): one not begun yet
    code, _, err = invoke("report", "bulletin", str(SAMPLE), "-p", "3000H1", "-o", str(out), "--as-of", AS_OF)
    assert code == 2 and "报告期 3000年上半年 尚未开始" in err and not out.exists()


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


# --- item 7: a lower standard that cites the upper one is linked, not a duplicate --------------------------


def test_cites_is_references_adopts_or_refines_dated_or_undated() -> None:
    from gbstd.catalog.references import cites
    from gbstd.model.standard import Standard

    def std(**links: list[str]) -> Standard:
        return Standard.model_validate({"code": "HNJGSW 302-2023", "title": "x", "status": "现行", **links})

    assert cites(std(references=["GB/T 42967-2023"]), "GB/T 42967-2023")
    assert cites(std(adopts=["GB/T42967-2023"]), "GB/T 42967-2023")
    assert cites(std(refines=["GB/T 42967"]), "GB/T 42967-2023")  # undated: any edition
    assert not cites(std(references=["GB/T 42967.1-2023"]), "GB/T 42967-2023")
    assert not cites(std(), "GB/T 42967-2023")


def test_dupes_d002_and_the_bulletin_agree_on_cited_upper_standards(tmp_path: Path) -> None:
    import json

    cited = {("GB/T 42967-2023", "HNJGSW 302-2023"), ("DB41/T 2397-2023", "HNJGSW 302-2023")}
    code, out, _ = invoke("dupes", str(SAMPLE), "-f", "json", "--pairs")
    assert code == 0
    upper = {(p["a"], p["b"]) for p in json.loads(out) if p["kind"] == "adopt-upper"}
    assert upper and not upper & cited
    assert invoke("report", "bulletin", str(SAMPLE), "-p", "2024H1", "-f", "json", "-o", str(tmp_path / "b.json"),
                  "--as-of", AS_OF)[0] == 0  # fmt: skip
    figures = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))["figures"]["duplicates"]
    assert not {(p["a"], p["b"]) for p in figures["pairs"]} & cited
    code, out, _ = invoke("lint", str(SAMPLE), "--select", "D002", "-f", "json", "--as-of", AS_OF)
    reported = {f["record"] for f in json.loads(out)}
    assert "HNJGSW 302-2023" not in reported and "DB41/T 2397-2023" in reported
