"""Rules P001–P009 on small catalogs: each one with a passing and a failing plan, with positions."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from gbstd.catalog.loader import load_catalog
from gbstd.engine import Selection, run_rules
from tests.plan_fixtures import PLAN, make_catalog, record

AS_OF = dt.date(2021, 10, 15)  # inside 前期准备: nothing of PLAN is overdue yet


def findings(root: Path, code: str, as_of: dt.date = AS_OF) -> list[tuple[int, str]]:
    result = run_rules(load_catalog(root), as_of, Selection(select=[code]))
    assert not result.internal_errors
    return [(f.line, f.message.en) for f in result.findings if f.rule == code]


def with_phases(phases: str) -> str:
    return PLAN.replace(
        """phases:
  - {name: 前期准备, start: 2021-09, end: 2021-11}
  - {name: 组织实施, start: 2021-12, end: 2022-12}
""",
        textwrap.dedent(phases),
    )


def line_of(root: Path, needle: str, occurrence: int = 1) -> int:
    lines = (root / "plans" / "test-plan.yaml").read_text(encoding="utf-8").splitlines()
    hits = [number for number, line in enumerate(lines, start=1) if needle in line]
    return hits[occurrence - 1]


@pytest.mark.parametrize("code", ["P001", "P002", "P003", "P004", "P005", "P006", "P007", "P008", "P009"])
def test_clean_plan_passes_every_rule(tmp_path: Path, code: str) -> None:
    root = make_catalog(tmp_path, records={"a.yaml": record("DB41/T 1-2022", "2022-03-01")})
    assert findings(root, code) == []


def test_p001_reversed_window_and_out_of_order(tmp_path: Path) -> None:
    root = make_catalog(
        tmp_path,
        plan=with_phases("""\
        phases:
          - {name: 前期准备, start: 2021-09, end: 2021-11}
          - {name: 组织实施, start: 2022-12, end: 2021-12}
          - {name: 自评改进, start: 2021-06, end: 2021-08}
        """),
    )
    found = findings(root, "P001")
    assert len(found) == 2
    assert (
        found[0][0] == line_of(root, "组织实施", 1)
        and "ends (2021-12) before it starts (2022-12)" in found[0][1]
    )
    assert "listed after '组织实施'" in found[1][1]


def test_p002_overlap(tmp_path: Path) -> None:
    root = make_catalog(
        tmp_path,
        plan=with_phases("""\
        phases:
          - {name: 前期准备, start: 2021-09, end: 2021-12}
          - {name: 组织实施, start: 2021-12, end: 2022-12}
        """),
    )
    found = findings(root, "P002")
    assert found == [(line_of(root, "组织实施", 1), found[0][1])]
    assert "overlaps '前期准备'" in found[0][1]


def test_p003_gap(tmp_path: Path) -> None:
    root = make_catalog(
        tmp_path,
        plan=with_phases("""\
        phases:
          - {name: 前期准备, start: 2021-09, end: 2021-10}
          - {name: 组织实施, start: 2022-01, end: 2022-12}
        """),
    )
    found = findings(root, "P003")
    assert len(found) == 1 and "from 2021-11 belong to no phase" in found[0][1]
    result = run_rules(load_catalog(root), AS_OF, Selection(select=["P003"]))
    assert result.findings[0].severity.value == "warning"


def test_p002_p003_against_a_phase_that_spans_later_ones(tmp_path: Path) -> None:
    # An umbrella phase (前期准备 to the end of 2022) over two shorter ones: both overlap it, and the months up
    # to 总结 are its, not a gap. Comparing each phase with the one just before it missed the first and
    # invented the second.
    root = make_catalog(
        tmp_path,
        plan=with_phases("""\
        phases:
          - {name: 前期准备, start: 2021-09, end: 2022-12}
          - {name: 组织实施, start: 2021-10, end: 2021-11}
          - {name: 自评改进, start: 2021-12, end: 2022-02}
          - {name: 总结, start: 2023-01, end: 2023-02}
        """),
    )
    overlaps = findings(root, "P002")
    assert [line for line, _ in overlaps] == [line_of(root, "组织实施", 1), line_of(root, "自评改进", 1)]
    assert all("overlaps '前期准备' (2021-09…2022-12)" in message for _, message in overlaps)
    assert findings(root, "P003") == []


def test_p004_unknown_phase(tmp_path: Path) -> None:
    root = make_catalog(tmp_path, plan=PLAN.replace("  - phase: 组织实施", "  - phase: 实施阶段"))
    assert findings(root, "P004") == [(line_of(root, "实施阶段"), findings(root, "P004")[0][1])]


def test_p005_deadline_and_milestone_outside_phase(tmp_path: Path) -> None:
    plan = PLAN.replace(
        """    subject: 标准制定
    deadline: 2022-12
""",
        """    subject: 标准制定
    deadline: 2023-02
    milestones:
      - what: 完成中期评估
        deadline: 2022-04
      - what: 启动
        deadline: 2021-11
""",
    )
    root = make_catalog(tmp_path, plan=plan)
    found = findings(root, "P005")
    assert [line for line, _ in found] == [
        line_of(root, "deadline: 2023-02"),
        line_of(root, "deadline: 2021-11"),
    ]
    assert "deadline 2023-02 lies outside its phase '组织实施' (2021-12…2022-12)" in found[0][1]
    assert "(启动)" in found[1][1]


def test_p006_task_without_deadline(tmp_path: Path) -> None:
    root = make_catalog(
        tmp_path,
        plan=PLAN.replace(
            "    subject: 宣传动员\n    deadline: 2021-10\n",
            "    subject: 宣传动员\n    deadline_text: 尽快\n",
        ),
    )
    found = findings(root, "P006")
    assert len(found) == 1 and "'宣传动员' has no deadline" in found[0][1]
    assert found[0][0] == line_of(root, "phase: 前期准备")


def test_p007_unknown_region_module_and_reversed_window(tmp_path: Path) -> None:
    plan = PLAN.replace(
        'filter: {tiers: [local], regions: ["41"]}',
        'filter: {tiers: [local], regions: ["41", "99", "4100"], modules: ["201", "299"]}',
    )
    plan = plan.replace("from: 2021-09-13", "from: 2023-09-13")
    root = make_catalog(tmp_path, plan=plan)
    messages = [m for _, m in findings(root, "P007")]
    assert len(messages) == 4
    assert "region '99' is not a division code" in messages[0]
    assert "region '4100'" in messages[1]
    assert "module 299 is not in the standard system" in messages[2]
    assert "starts after it ends" in messages[3]


def test_p007_modules_unchecked_without_a_system(tmp_path: Path) -> None:
    plan = PLAN.replace('filter: {tiers: [local], regions: ["41"]}', 'filter: {modules: ["299"]}')
    assert findings(make_catalog(tmp_path, plan=plan, system=False), "P007") == []


def test_unknown_tier_in_a_target_is_a_schema_error(tmp_path: Path) -> None:
    root = make_catalog(tmp_path, plan=PLAN.replace("tiers: [local]", "tiers: [provincial]"))
    catalog = load_catalog(root)
    assert catalog.plans == []
    result = run_rules(catalog, AS_OF, Selection(select=["C001"]))
    assert [(f.path, f.line) for f in result.findings] == [
        ("plans/test-plan.yaml", line_of(root, "provincial"))
    ]


def test_p008_evidence(tmp_path: Path) -> None:
    plan = PLAN.replace(
        "    subject: 宣传动员\n",
        """    subject: 宣传动员
    done: 2021-10-20
    evidence:
      - standard: DB41/T 1-2022
      - standard: DB41T 1—2022
      - standard: DB41/T 9-2022
      - file: evidence/training.pdf
      - file: evidence/missing.pdf
      - file: ../outside.pdf
""",
    )
    root = make_catalog(tmp_path, plan=plan, records={"a.yaml": record("DB41/T 1-2022", "2022-03-01")})
    (root / "evidence").mkdir()
    (root / "evidence" / "training.pdf").write_bytes(b"%PDF")
    (tmp_path / "outside.pdf").write_bytes(b"%PDF")
    found = findings(root, "P008")
    assert [m for _, m in found] == [
        "evidence standard DB41/T 9-2022 is not in the catalog",
        "evidence file evidence/missing.pdf does not exist (paths are relative to the catalog root)",
        "evidence file ../outside.pdf lies outside the catalog",
    ]
    assert found[0][0] == line_of(root, "DB41/T 9-2022")


def test_evidence_needs_exactly_one_kind(tmp_path: Path) -> None:
    plan = PLAN.replace("    subject: 宣传动员\n", "    subject: 宣传动员\n    evidence: [{note: 见附件}]\n")
    catalog = load_catalog(make_catalog(tmp_path, plan=plan))
    assert catalog.plans == [] and [f.rule for f in catalog.load_findings] == ["C001"]


@pytest.mark.parametrize(("as_of", "count"), [("2021-10-31", 0), ("2021-11-01", 1), ("2023-01-01", 2)])
def test_p009_overdue_edges(tmp_path: Path, as_of: str, count: int) -> None:
    found = findings(make_catalog(tmp_path), "P009", dt.date.fromisoformat(as_of))
    assert len(found) == count
    if count:
        assert "'宣传动员' is overdue: due by the end of 2021-10" in found[0][1]


def test_p009_done_tasks_and_archived_plans_are_quiet(tmp_path: Path) -> None:
    done = PLAN.replace("    deadline: 2021-10\n", "    deadline: 2021-10\n    done: 2021-10-28\n")
    assert findings(make_catalog(tmp_path / "a", plan=done), "P009", dt.date(2021, 11, 1)) == []
    archived = PLAN.replace("status: active", "status: 已归档")
    assert findings(make_catalog(tmp_path / "b", plan=archived), "P009", dt.date(2026, 11, 23)) == []


def test_p009_points_at_the_missed_milestone(tmp_path: Path) -> None:
    plan = PLAN.replace(
        "    subject: 标准制定\n",
        "    subject: 标准制定\n    milestones:\n      - {what: 中期评估, deadline: 2022-04}\n",
    )
    root = make_catalog(tmp_path, plan=plan)
    found = findings(root, "P009", dt.date(2022, 6, 30))
    assert [line for line, _ in found] == [line_of(root, "deadline: 2021-10"), line_of(root, "中期评估")]
    assert "('中期评估') is overdue" in found[1][1]


def test_plan_file_problems_are_reported_like_records(tmp_path: Path) -> None:
    root = make_catalog(tmp_path, plan="title: [unclosed\n")
    # S rules judge the test system's empty modules (coverage gaps); not what this test is about.
    result = run_rules(load_catalog(root), AS_OF, Selection(ignore=["S"]))
    assert [(f.rule, f.path) for f in result.findings] == [("Y001", "plans/test-plan.yaml")]
