"""The standard system and standards in the making: S001–S009, per-module counts, the diagram, pipeline."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gbstd.catalog.loader import load_catalog
from gbstd.cli.app import app
from gbstd.coverage import summarize, title_core
from gbstd.diagram import write_diagram
from gbstd.engine import Selection, run_rules
from gbstd.model.making import Stage
from gbstd.pipeline import add_months, project_states, stage_counts, whole_months

AS_OF = dt.date(2026, 11, 23)
SAMPLE = Path(__file__).resolve().parents[1] / "standards"
runner = CliRunner()

SYSTEM = """\
name: 测试体系
adopted_from: 国家框架（测试）
modules:
  - id: "100"
    name: 管理
    modules:
      - id: "101"
        name: 公务用车
        subjects: [处置, 标识]
      - id: "102"
        name: 资产管理
  - id: "200"
    name: 保障
    modules:
      - id: "201"
        name: 机关食堂
        subjects: [反食品浪费]
      - id: "202"
        name: 消防安全
        extension: true
        subjects: [消防]
process:
  - name: 三审三改一研究
    tier: internal
    regions: ["41"]
    since: 2022-01-01
    stages: [申报, 立项, 起草, 审查, 批准发布]
    reviews: 3
    revisions: 3
    studies: 1
"""

GB = """\
code: GB/T 42967-2023
title: 机关食堂反食品浪费工作指南
status: 现行
published: 2023-06-09
effective: 2023-06-09
module: "201"
"""


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")


def make_catalog(
    root: Path,
    records: dict[str, str] | None = None,
    projects: dict[str, str] | None = None,
    system: str = SYSTEM,
    config: str = "",
) -> Path:
    write(root, "gbstd.toml", "[catalog]\ninternal_code_pattern = '^HNJGSW \\d+-\\d{4}$'\n" + config)
    write(root, "system.yaml", system)
    for name, text in (records or {}).items():
        write(root, f"records/{name}.yaml", text)
    for name, text in (projects or {}).items():
        write(root, f"projects/{name}.yaml", text)
    return root


def findings(root: Path, code: str, as_of: dt.date = AS_OF) -> list:
    catalog = load_catalog(root)
    assert not [f for f in catalog.load_findings if f.rule == "C001"], catalog.load_findings
    return run_rules(catalog, as_of, Selection(select=[code])).findings


def record(
    code: str, title: str, module: str, status: str = "现行", published: str = "2024-01-01", **extra: str
) -> str:
    lines = [
        f"code: {code}",
        f"title: {title}",
        f"status: {status}",
        f"published: {published}",
        f"effective: {extra.pop('effective', published)}",
        f'module: "{module}"',
    ]
    if status == "废止" and "abolished" not in extra:
        lines.append(f"abolished: {published}")
    lines += [f"{key}: {value}" for key, value in extra.items()]
    return "\n".join(lines) + "\n"


# --- S001 / S002: coverage ---------------------------------


def test_s001_reports_topmost_empty_module(tmp_path: Path) -> None:
    root = make_catalog(
        tmp_path, {"GB-T-42967-2023": GB, "DB41-T-1-2024": record("DB41/T 1-2024", "公务用车处置规范", "101")}
    )
    found = findings(root, "S001")
    assert sorted(f.message.en.split()[1] for f in found) == ["102", "202"]
    assert all(f.path == "system.yaml" and f.line > 0 for f in found)


def test_s001_passes_when_every_module_has_a_standard(tmp_path: Path) -> None:
    system = SYSTEM.replace('      - id: "102"\n        name: 资产管理\n', "").split("process:")[0]
    system = system.replace(
        '      - id: "202"\n        name: 消防安全\n        extension: true\n        subjects: [消防]\n', ""
    )
    root = make_catalog(
        tmp_path,
        {"GB-T-42967-2023": GB, "DB41-T-1-2024": record("DB41/T 1-2024", "公务用车处置规范", "101")},
        system=system,
    )
    assert findings(root, "S001") == []


def test_s001_names_projects_in_progress(tmp_path: Path) -> None:
    project = """\
    id: XM-2026-001
    title: 办公区消防安全管理规范
    tier: local
    region: "41"
    module: "202"
    history: [{stage: 立项, date: 2026-05-01}]
    """
    root = make_catalog(tmp_path, {"GB-T-42967-2023": GB}, {"XM-2026-001": project})
    messages = [f.message.zh for f in findings(root, "S001")]
    assert any("202" in m and "在研项目 1 项" in m for m in messages)


def test_s002_module_with_only_abolished_standards(tmp_path: Path) -> None:
    records = {
        "GB-T-42967-2023": GB,
        "DB41-T-1-2020": record(
            "DB41/T 1-2020", "公务用车处置规范", "101", status="废止", published="2020-01-01"
        ),
    }
    root = make_catalog(tmp_path, records)
    found = findings(root, "S002")
    # 100 管理 holds only the abolished standard (its other module 102 is empty): the top-most is reported.
    # 200's only standard, GB/T 42967-2023, is in force on paper but a zombie by 2026-11-23 (due 2026-06-09,
    # never reviewed, no implementation evidence), so 200 is dead too.
    assert sorted(f.message.en for f in found) == [
        "module 100 管理 has no standard alive (1 abolished, 0 zombies)",
        "module 200 保障 has no standard alive (0 abolished, 1 zombies)",
    ]
    assert sorted(f.message.en.split()[1] for f in findings(root, "S001")) == ["102", "202"]
    # Before its review fell due, GB/T 42967-2023 was alive and only module 100 was dead.
    assert [f.message.en.split()[1] for f in findings(root, "S002", dt.date(2026, 1, 1))] == ["100"]


def test_s002_evidence_of_use_keeps_a_module_alive(tmp_path: Path) -> None:
    used = GB + "implementations:\n  - unit: 省直机关食堂\n    since: 2023-09-01\n"
    root = make_catalog(tmp_path, {"GB-T-42967-2023": used})
    assert findings(root, "S002") == []


def test_s002_passes_when_a_successor_is_in_force(tmp_path: Path) -> None:
    records = {
        "DB41-T-1-2020": record(
            "DB41/T 1-2020", "公务用车处置规范", "101", status="废止", published="2020-01-01"
        ),
        "DB41-T-1-2024": record("DB41/T 1-2024", "公务用车处置规范", "101"),
    }
    assert findings(make_catalog(tmp_path, records), "S002") == []


# --- S003 / S004: linkage between tiers --------------------

LOCAL = record("DB41/T 2397-2023", "机关食堂反食品浪费管理规范", "201", published="2023-07-27")


def test_s003_undeclared_upper_tier_standard(tmp_path: Path) -> None:
    found = findings(make_catalog(tmp_path, {"GB-T-42967-2023": GB, "DB41-T-2397-2023": LOCAL}), "S003")
    assert len(found) == 1
    assert found[0].path == "records/DB41-T-2397-2023.yaml" and "GB/T 42967-2023" in found[0].message.en


@pytest.mark.parametrize(
    "declaration", ["refines: [GB/T 42967-2023]", "adopts: [GB/T 42967-2023]", "references: [GB/T 42967]"]
)
def test_s003_passes_with_a_declaration(tmp_path: Path, declaration: str) -> None:
    records = {"GB-T-42967-2023": GB, "DB41-T-2397-2023": LOCAL + declaration + "\n"}
    assert findings(make_catalog(tmp_path, records), "S003") == []


def test_s003_follows_declarations_and_ignores_later_or_unrelated_upper_standards(tmp_path: Path) -> None:
    city = record(
        "DB4109/T 59-2024",
        "机关食堂反食品浪费工作成效评估规范",
        "201",
        published="2024-09-01",
        references="[DB41/T 2397-2023]",
    )
    later = record("GB/T 9-2025", "机关食堂反食品浪费评价规范", "201", published="2025-01-01")  # after both
    other = record("DB41/T 6-2024", "机关食堂用餐环境卫生规范", "201")  # another subject
    records = {
        "GB-T-42967-2023": GB,
        "DB41-T-2397-2023": LOCAL + "refines: [GB/T 42967-2023]\n",
        "DB4109-T-59-2024": city,
        "GB-T-9-2025": later,
        "DB41-T-6-2024": other,
    }
    assert findings(make_catalog(tmp_path, records), "S003") == []


def test_s003_provincial_standard_is_upper_for_its_cities_only(tmp_path: Path) -> None:
    province = record("DB41/T 1-2022", "公务用车处置规范", "101", published="2022-01-01")
    records = {
        "DB41-T-1-2022": province,
        "DB4109-T-2-2024": record("DB4109/T 2-2024", "党政机关公务用车处置规范", "101"),
        "DB3301-T-3-2024": record("DB3301/T 3-2024", "党政机关公务用车处置规范", "101"),
    }
    found = findings(make_catalog(tmp_path, records), "S003")
    assert [f.record for f in found] == ["DB4109/T 2-2024"]


def test_s004_adopts_abolished_version(tmp_path: Path) -> None:
    old = record("GB/T 29118-2012", "节约型机关评价导则", "201", status="废止", published="2013-01-01")
    new = record("GB/T 29118-2023", "节约型机关评价导则", "201", replaces="[GB/T 29118-2012]")
    local = record(
        "DB51/T 2610-2019",
        "节约型机关建设规范",
        "201",
        published="2019-12-01",
        refines="[GB/T 29118-2012]",
        adopts="[DB51/T 9-2019]",
    )
    same = record("DB51/T 9-2019", "节约型机关规范", "201", published="2019-01-01")
    records = {
        "GB-T-29118-2012": old,
        "GB-T-29118-2023": new,
        "DB51-T-2610-2019": local,
        "DB51-T-9-2019": same,
    }
    found = findings(make_catalog(tmp_path, records), "S004")
    messages = sorted(f.message.en for f in found)
    assert len(found) == 2
    assert "abolished; use GB/T 29118-2023" in messages[1] or "abolished; use GB/T 29118-2023" in messages[0]
    assert any("not of an upper tier" in m for m in messages)


def test_s004_passes_for_upper_tier_targets_in_force(tmp_path: Path) -> None:
    records = {"GB-T-42967-2023": GB, "DB41-T-2397-2023": LOCAL + "refines: [GB/T 42967-2023]\n"}
    assert findings(make_catalog(tmp_path, records), "S004") == []


# --- projects: S005–S009 -----------------------------------


def project(pid: str, title: str, module: str, history: str, **extra: str) -> str:
    lines = [
        f"id: {pid}",
        f"title: {title}",
        "tier: internal",
        'region: "41"',
        f'module: "{module}"',
        f"history: {history}",
    ]
    return "\n".join(lines + [f"{k}: {v}" for k, v in extra.items()]) + "\n"


def test_s005_stalled_project_and_stage_limits(tmp_path: Path) -> None:
    projects = {
        "P-1": project(
            "P-1",
            "消防安全管理规范",
            "202",
            "[{stage: 立项, date: 2025-04-20}, {stage: 起草, date: 2025-05-06}]",
        ),
        "P-2": project("P-2", "消防设施维护规范", "202", "[{stage: 征求意见, date: 2026-07-01}]"),
        "P-3": project(
            "P-3", "消防演练规范", "202", "[{stage: 起草, date: 2024-01-01}]", withdrawn="2024-06-01"
        ),
    }
    root = make_catalog(
        tmp_path, {}, projects, config='[pipeline]\nstall_months = 12\nstage_months = {"征求意见" = 3}\n'
    )
    found = findings(root, "S005")
    assert sorted(f.record for f in found) == ["P-1", "P-2"]
    p1 = next(f for f in found if f.record == "P-1")
    assert "18" in p1.message.en and p1.line > 0
    assert findings(root, "S005", as_of=dt.date(2026, 5, 1)) == []  # P-1 12 months only on 2026-05-06


def test_s006_published_without_required_rounds(tmp_path: Path) -> None:
    rounds = "[{kind: 审, date: 2022-03-01}, {kind: 改, date: 2022-03-10}]"
    full = "[申报, 立项, 起草, 审查, 批准发布]"
    history = (
        "["
        + ", ".join(f"{{stage: {s}, date: 2022-0{i + 1}-01}}" for i, s in enumerate(full[1:-1].split(", ")))
        + "]"
    )
    short = record(
        "HNJGSW 1-2022",
        "公务用车处置规程",
        "101",
        published="2022-05-01",
        region='"41"',
        making=f"{{history: {history}, rounds: {rounds}}}",
    )
    bare = record("HNJGSW 2-2023", "公务用车标识规程", "101", published="2023-01-01", region='"41"')
    before = record("HNJGSW 3-2021", "公务用车规程", "101", published="2021-06-01", region='"41"')
    found = findings(
        make_catalog(tmp_path, {"HNJGSW-1-2022": short, "HNJGSW-2-2023": bare, "HNJGSW-3-2021": before}),
        "S006",
    )
    by_record = {f.record: f.message.en for f in found}
    assert set(by_record) == {"HNJGSW 1-2022", "HNJGSW 2-2023"}
    assert "1/3 review" in by_record["HNJGSW 1-2022"] and "0/1 study" in by_record["HNJGSW 1-2022"]
    assert "missing stages proposal" in by_record["HNJGSW 2-2023"]


def test_s006_passes_with_the_project_history(tmp_path: Path) -> None:
    history = (
        "[{stage: 申报, date: 2022-10-09}, {stage: 立项, date: 2022-11-15}, {stage: 起草, date: 2022-12-01},"
        " {stage: 审查, date: 2023-06-20}, {stage: 批准发布, date: 2023-08-01}]"
    )
    rounds = (
        "["
        + ", ".join(
            f"{{kind: {k}, date: 2023-0{i + 1}-01}}"
            for i, k in enumerate(["审", "改", "审", "改", "审", "改", "研究"])
        )
        + "]"
    )
    standard = record(
        "HNJGSW 302-2023",
        "食堂反食品浪费操作规程",
        "201",
        published="2023-08-01",
        region='"41"',
        making="{project: P-7}",
    )
    made = project("P-7", "食堂反食品浪费操作规程", "201", history, rounds=rounds, result="HNJGSW 302-2023")
    root = make_catalog(tmp_path, {"HNJGSW-302-2023": standard}, {"P-7": made})
    assert findings(root, "S006") == []


def test_s007_project_already_covered_and_declared_revision(tmp_path: Path) -> None:
    covered = project("P-1", "省直机关食堂反食品浪费管理规范", "201", "[{stage: 立项, date: 2026-04-01}]")
    revision = project(
        "P-2",
        "省直机关食堂反食品浪费管理规范",
        "201",
        "[{stage: 立项, date: 2026-04-01}]",
        refines="[GB/T 42967-2023]",
    )
    fresh = project("P-3", "办公区消防安全管理规范", "202", "[{stage: 立项, date: 2026-04-01}]")
    root = make_catalog(tmp_path, {"GB-T-42967-2023": GB}, {"P-1": covered, "P-2": revision, "P-3": fresh})
    found = findings(root, "S007")
    assert [f.record for f in found] == ["P-1"] and "GB/T 42967-2023" in found[0].message.en


def test_s008_file_name_duplicate_id_and_module(tmp_path: Path) -> None:
    good = project("P-1", "消防安全管理规范", "202", "[{stage: 立项, date: 2026-04-01}]")
    projects = {
        "P-1": good,
        "copy": good,
        "P-9": project("P-9", "应急规范", "999", "[{stage: 申报, date: 2026-04-01}]"),
    }
    found = findings(make_catalog(tmp_path, {}, projects), "S008")
    texts = sorted(f"{f.path} {f.message.en}" for f in found)
    assert any("projects/copy.yaml" in t and "file should be named P-1.yaml" in t for t in texts)
    assert sum("used twice" in t for t in texts) == 2
    assert any("projects/P-9.yaml" in t and "module 999" in t for t in texts)
    assert findings(make_catalog(tmp_path / "ok", {}, {"P-1": good}), "S008") == []


def test_s008_names_a_fullwidth_module_with_its_ascii_spelling(tmp_path: Path) -> None:
    # module ２０２ (a Chinese input method's digits) was called a module the system lacks, where C016 names a
    # record's with the spelling `gbstd import` writes
    projects = {"P-1": project("P-1", "消防安全管理规范", "２０２", "[{stage: 立项, date: 2026-04-01}]")}
    (found,) = findings(make_catalog(tmp_path, {}, projects), "S008")
    assert found.loc == ("module",)
    assert found.message.zh == "体系编号 '２０２' 应写作半角的 '202'（否则不计入该模块）"
    assert found.message.en == "module '２０２' should be written '202' in ASCII (else it is not counted under that module)"


def test_s009_dates_out_of_order_and_repeated_stage(tmp_path: Path) -> None:
    bad = project(
        "P-1",
        "消防安全管理规范",
        "202",
        "[{stage: 立项, date: 2025-04-20}, {stage: 起草, date: 2024-05-06}, {stage: 立项, date: 2025-05-01}]",
    )
    good = project(
        "P-2",
        "消防设施规范",
        "202",
        "[{stage: approval, date: 2025-04-20}, {stage: drafting, date: 2025-05-06}]",
    )
    found = findings(make_catalog(tmp_path, {}, {"P-1": bad, "P-2": good}), "S009")
    messages = sorted(f.message.en for f in found)
    assert (
        messages[0].startswith("drafting on 2024-05-06 is dated before") and "recorded twice" in messages[1]
    )
    assert all(f.record == "P-1" for f in found)


# --- counts, pipeline, bulletin figures --------------------


def test_counts_as_of_another_day_follow_the_dates(tmp_path: Path) -> None:
    # `system --as-of` counted every record by the status written today (现行 43 on 2020-06-30, when the
    # bulletin of 2020H1 said 5), and the bulletin's framework diagram with it
    records = {
        "DB41-T-1-2019": record("DB41/T 1-2019", "公务用车处置规范", "101", published="2019-05-01"),
        "DB41-T-2-2021": record("DB41/T 2-2021", "公务用车标识规范", "101", published="2021-03-01"),  # not yet made
        "DB41-T-3-2018": record("DB41/T 3-2018", "公务用车保险规范", "101", status="废止", published="2018-01-01",
                                abolished="2021-01-01"),  # in force in 2020, abolished since
        "DB41-T-4-2020": record("DB41/T 4-2020", "公务用车维修规范", "101", published="2020-05-01",
                                effective="2020-08-01"),  # published, not yet in force on 2020-06-30
    }
    catalog = load_catalog(make_catalog(tmp_path, records, {}))
    then = {node.id: node.total.to_json() for node in summarize(catalog, dt.date(2020, 6, 30)).nodes()}["101"]
    assert (then["in_force"], then["upcoming"], then["abolished"]) == (2, 1, 0)
    now = {node.id: node.total.to_json() for node in summarize(catalog, AS_OF).nodes()}["101"]
    assert (now["in_force"], now["upcoming"], now["abolished"]) == (3, 0, 1)


def test_counts_per_module(tmp_path: Path) -> None:
    records = {
        "GB-T-42967-2023": GB,
        "DB41-T-1-2020": record(
            "DB41/T 1-2020", "公务用车处置规范", "101", status="废止", published="2020-01-01"
        ),
        "DB41-T-1-2024": record("DB41/T 1-2024", "公务用车处置规范", "101"),
        "DB41-T-2-2026": record(  # published, not yet in force on AS_OF
            "DB41/T 2-2026", "公务用车标识规范", "101", status="即将实施", published="2026-11-01", effective="2026-12-01"
        ),
        "DB41-T-3-2024": record("DB41/T 3-2024", "无模块的规范", "999"),
    }
    projects = {
        "P-1": project("P-1", "消防安全管理规范", "202", "[{stage: 立项, date: 2026-04-01}]"),
        "P-2": project("P-2", "消防规范", "202", "[{stage: 立项, date: 2026-04-01}]", withdrawn="2026-05-01"),
    }
    summary = summarize(load_catalog(make_catalog(tmp_path, records, projects)), AS_OF)
    counts = {node.id: node.total.to_json() for node in summary.nodes()}
    assert counts["101"] == {
        "in_force": 1,
        "upcoming": 1,
        "abolished": 1,
        "in_progress": 0,
        "overdue_reviews": 0,
        "zombies": 0,
    }
    assert counts["100"]["in_force"] == 1 and counts["100"]["abolished"] == 1
    assert counts["200"] == {
        "in_force": 1,
        "upcoming": 0,
        "abolished": 0,
        "in_progress": 1,
        # GB/T 42967-2023 (effective 2023-06-09, never reviewed, no evidence of use) is due 2026-06-09
        "overdue_reviews": 1,
        "zombies": 1,
    }
    assert counts["202"]["in_progress"] == 1 and summary.node("202").gap
    assert [r.key for r in summary.unassigned.records] == ["DB41/T 3-2024"]
    assert summary.overall.in_force == 3 and summary.overall.standards == 5


def test_system_cli_json_and_markdown(tmp_path: Path) -> None:
    root = make_catalog(tmp_path, {"GB-T-42967-2023": GB})
    result = runner.invoke(app, ["system", str(root), "--format", "json", "--as-of", "2026-11-23"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["overall"]["in_force"] == 1 and data["modules"][1]["modules"][0]["standards"] == [
        "GB/T 42967-2023"
    ]
    markdown = runner.invoke(app, ["system", str(root), "--format", "markdown"]).stdout
    assert "| 　201 | 机关食堂 | 1 | 0 | 0 | 0 |" in markdown and "缺口" in markdown
    missing = runner.invoke(app, ["system", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2


def test_diagram_renders_svg_with_module_names(tmp_path: Path) -> None:
    root = make_catalog(tmp_path, {"GB-T-42967-2023": GB})
    out = tmp_path / "out" / "framework.svg"
    result = runner.invoke(app, ["system", str(root), "--diagram", str(out), "--as-of", "2026-11-23"])
    assert result.exit_code == 0, result.output
    tree = ET.parse(out)
    assert tree.getroot().tag.endswith("svg")
    texts = "".join(t.text or "" for t in tree.iter() if t.tag.endswith("text"))
    for name in ("测试体系", "管理", "公务用车", "资产管理", "机关食堂", "消防安全"):
        assert name in texts
    png = tmp_path / "framework.png"
    write_diagram(summarize(load_catalog(root), AS_OF), png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    bad = runner.invoke(app, ["system", str(root), "--diagram", str(tmp_path / "x.pdf")])
    assert bad.exit_code == 2 and ".svg" in bad.output


def test_diagram_needs_no_graphviz(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without Graphviz on the PATH gbstd lays the tree out itself: SVG with escaped text, PNG via matplotlib."""
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs"))
    assert shutil.which("dot") is None
    hostile = SYSTEM.replace("name: 测试体系", 'name: "测试体系 <script>&"').replace("name: 资产管理", 'name: "资产<b>管理"')
    root = make_catalog(tmp_path / "catalog", {"GB-T-42967-2023": GB}, system=hostile)
    svg = tmp_path / "framework.svg"
    result = runner.invoke(app, ["system", str(root), "--diagram", str(svg), "--as-of", "2026-11-23"])
    assert result.exit_code == 0, result.output
    raw = svg.read_text(encoding="utf-8")
    assert "<script>" not in raw and "&lt;script&gt;&amp;" in raw and "资产&lt;b&gt;管理" in raw
    texts = [t.text or "" for t in ET.parse(svg).iter() if t.tag.endswith("text")]
    for name in ("测试体系 <script>&", "管理", "公务用车", "资产<b>管理", "机关食堂", "消防安全", "依据：国家框架（测试）"):
        assert any(name in text for text in texts), name
    assert texts.count("现行 1 · 即将 0 · 废止 0 · 在研 0 · 逾期复审 1") == 2  # 201 机关食堂 and 200 above it
    png = tmp_path / "framework.png"
    result = runner.invoke(app, ["system", str(root), "--diagram", str(png), "--as-of", "2026-11-23", "--lang", "en"])
    assert result.exit_code == 0, result.output
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(data[16:20], "big") > 600


def test_diagram_layout_keeps_boxes_apart(tmp_path: Path) -> None:
    from gbstd.diagram_layout import layout

    summary = summarize(load_catalog(make_catalog(tmp_path, {"GB-T-42967-2023": GB})), AS_OF)
    lay = layout(summary)
    boxes = lay.root.walk()
    assert len(boxes) == 1 + 6  # the system and its six modules
    for box in boxes:
        assert box.x >= 0 and box.x + box.width <= lay.width and box.y >= 0 and box.y + box.height <= lay.height
        for child in box.children:
            assert child.x >= box.x + box.width  # children to the right of their parent
        for other in boxes:
            if other is not box and other.x == box.x:  # same column: no overlap
                assert other.y >= box.y + box.height or box.y >= other.y + other.height
    extension = next(b for b in boxes if b.lines[0].text == "202")
    assert extension.dashed and extension.colours[1] == "#c0392b"  # a local extension with nothing in force


def test_charts_and_diagram_use_the_cjk_font_gbstd_ships(monkeypatch: pytest.MonkeyPatch) -> None:
    from gbstd import fonts

    fonts.find_cjk_font.cache_clear()
    monkeypatch.setattr(fonts, "CJK_FAMILIES", ())  # as on a machine without any Chinese font
    monkeypatch.setattr(fonts, "fontconfig_cjk_files", lambda: [])
    try:
        font = fonts.find_cjk_font()
        assert (font.family, font.source, font.note) == ("Noto Sans SC", "package", None)
        from matplotlib import font_manager

        path = font_manager.findfont(font_manager.FontProperties(family=font.family), fallback_to_default=False)
        assert Path(path) == fonts.shipped_font_file()
    finally:
        fonts.find_cjk_font.cache_clear()


def test_months_and_project_states(tmp_path: Path) -> None:
    assert add_months(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)
    assert whole_months(dt.date(2025, 5, 6), dt.date(2026, 11, 5)) == 17
    assert whole_months(dt.date(2025, 5, 6), dt.date(2026, 11, 6)) == 18
    projects = {
        "P-1": project(
            "P-1",
            "消防安全管理规范",
            "202",
            "[{stage: 申报, date: 2026-01-05}, {stage: 立项, date: 2026-12-01}]",
        )
    }
    states = project_states(load_catalog(make_catalog(tmp_path, {}, projects)), AS_OF)
    assert states[0].stage is Stage.PROPOSAL and states[0].months_in_stage == 10  # 立项 lies after as-of


def test_stage_counts_count_each_standard_once(tmp_path: Path) -> None:
    history = "[{stage: 立项, date: 2026-03-01}, {stage: 批准发布, date: 2026-06-01}]"
    made = project("P-7", "食堂反食品浪费操作规程", "201", history, result="HNJGSW 9-2026")
    standard = record("HNJGSW 9-2026", "食堂反食品浪费操作规程", "201", published="2026-06-01", region='"41"')
    other = project("P-8", "消防规范", "202", "[{stage: 立项, date: 2026-07-02}]")
    root = make_catalog(
        tmp_path, {"GB-T-42967-2023": GB, "HNJGSW-9-2026": standard}, {"P-7": made, "P-8": other}
    )
    catalog = load_catalog(root)
    half = stage_counts(catalog, dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    assert half[Stage.APPROVAL] == 1 and half[Stage.PUBLICATION] == 1
    assert stage_counts(catalog)[Stage.PUBLICATION] == 2  # GB/T 42967-2023 too
    result = runner.invoke(
        app,
        [
            "pipeline",
            str(root),
            "--as-of",
            "2026-11-23",
            "--from",
            "2026-01-01",
            "--to",
            "2026-06-30",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["period"]["stages"]["立项"] == 1 and [p["id"] for p in data["projects"]] == ["P-8", "P-7"]
    active = json.loads(runner.invoke(app, ["pipeline", str(root), "--active", "-f", "json"]).stdout)
    assert [p["id"] for p in active["projects"]] == ["P-8"]
    assert runner.invoke(app, ["pipeline", str(root), "--from", "2026-13-01"]).exit_code == 2
    # stages reached are counted up to --as-of: P-8's 立项 of 2026-07-02 is not reached on 2026-06-30 (the
    # table said 尚未 above a count of 1), and a period not yet begun is refused as the bulletin refuses it
    before = json.loads(runner.invoke(app, ["pipeline", str(root), "--as-of", "2026-06-30", "--from", "2026-01-01",
                                            "--to", "2026-12-31", "-f", "json"]).stdout)
    assert before["period"]["counted_to"] == "2026-06-30" and before["period"]["stages"]["立项"] == 1
    later = runner.invoke(app, ["pipeline", str(root), "--as-of", "2026-06-30", "--from", "2026-07-01", "--lang", "en"])
    assert later.exit_code == 2 and "the period has not begun" in later.stderr


def test_stage_counts_name_the_records_that_date_no_stage(tmp_path: Path) -> None:
    undated = "code: DB41/T 5-2024\ntitle: 公务用车标识规范\nstatus: 现行\nmodule: \"101\"\n"
    root = make_catalog(tmp_path, {"GB-T-42967-2023": GB, "DB41-T-5-2024": undated}, {})
    period = ["pipeline", str(root), "--as-of", "2026-06-30", "--from", "2024-01-01", "--to", "2026-06-30"]
    result = runner.invoke(app, [*period, "-f", "json", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["period"]["undated"] == ["records/DB41-T-5-2024.yaml"]
    assert "1 standard(s) have neither a publication date nor a making history" in result.stderr
    assert "records/DB41-T-5-2024.yaml" in result.stderr
    plain = runner.invoke(app, ["pipeline", str(root), "--as-of", "2026-06-30"])  # no period: nothing counted
    assert plain.exit_code == 0 and "未计入" not in plain.stderr


def test_a_record_dated_by_its_project_is_not_named_undated(tmp_path: Path) -> None:
    made = project("P-7", "公务用车标识规范", "101", "[{stage: 立项, date: 2025-03-01}]", result="DB41/T 5-2024")
    undated = "code: DB41/T 5-2024\ntitle: 公务用车标识规范\nstatus: 现行\nmodule: \"101\"\n"
    root = make_catalog(tmp_path, {"GB-T-42967-2023": GB, "DB41-T-5-2024": undated}, {"P-7": made})
    period = ["pipeline", str(root), "--as-of", "2026-06-30", "--from", "2024-01-01", "--to", "2026-06-30"]
    result = runner.invoke(app, [*period, "-f", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["period"]["undated"] == [] and document["period"]["stages"]["立项"] == 1


def test_pipeline_config_rejects_unknown_stage(tmp_path: Path) -> None:
    root = make_catalog(tmp_path, {}, config='[pipeline]\nstage_months = {"付印" = 3}\n')
    result = runner.invoke(app, ["pipeline", str(root)])
    assert result.exit_code == 2 and "付印" in result.output


def test_title_core() -> None:
    assert title_core("机关公务用车服务规范") == "公务用车"
    assert title_core("党政机关公务用车管理规范") == "公务用车"


# --- the sample catalog ------------------------------------


def test_sample_catalog_system_and_pipeline() -> None:
    catalog = load_catalog(SAMPLE)
    modules = catalog.modules
    assert all(r.standard.module in modules for r in catalog.records)
    assert all(p.project.illustrative for p in catalog.projects)
    lint = runner.invoke(app, ["lint", str(SAMPLE), "--as-of", "2026-11-23"])
    assert lint.exit_code == 0, lint.output
    data = json.loads(
        runner.invoke(app, ["system", str(SAMPLE), "-f", "json", "--as-of", "2026-11-23"]).stdout
    )
    assert data["overall"] == {
        "in_force": 43,
        "upcoming": 0,
        "abolished": 3,
        "in_progress": 4,
        # the same figures as `gbstd review` ("15 overdue") and rule R007 (11 zombies) on that day
        "overdue_reviews": 15,
        "zombies": 11,
    }
    summary = summarize(catalog, AS_OF)
    assert summary.node("202").total.in_force == 12 and summary.node("304").total.in_progress == 2
    assert [n.id for n in summary.nodes() if n.gap] == ["204", "304.2", "304.3", "401"]
    counts = stage_counts(catalog, dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    assert counts[Stage.APPROVAL] == 2 and counts[Stage.PUBLICATION] == 0
