"""`gbstd plan status` and the Henan 2021 plan in the sample catalog, through the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gbstd.cli.app import app
from tests.plan_fixtures import make_catalog, record

SAMPLE = Path(__file__).resolve().parents[1] / "standards"
HENAN = SAMPLE / "plans" / "henan-2021.yaml"
runner = CliRunner()


def status_json(*args: str) -> list[dict]:
    result = runner.invoke(app, ["plan", "status", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_lint_reports_only_the_seeds_deadline_inconsistency_for_the_plan() -> None:
    result = runner.invoke(app, ["lint", str(SAMPLE), "--format", "json", "--as-of", "2026-11-23"])
    assert result.exit_code == 0, result.output
    on_plan = [f for f in json.loads(result.stdout) if f["path"] == "plans/henan-2021.yaml"]
    line = next(
        n
        for n, text in enumerate(HENAN.read_text(encoding="utf-8").splitlines(), 1)
        if "deadline: 2022-04" in text
    )
    assert [(f["rule"], f["severity"], f["line"]) for f in on_plan] == [("P005", "warning", line)]
    assert "完成中期评估" in on_plan[0]["message"]


@pytest.mark.parametrize("as_of", ["2021-11-01", "2022-06-30", "2026-11-23"])
def test_archived_henan_plan_has_no_overdue_warnings(as_of: str) -> None:
    result = runner.invoke(app, ["lint", str(HENAN), "--format", "json", "--as-of", as_of])
    assert [f["rule"] for f in json.loads(result.stdout)] == ["P005"]


def test_henan_status_on_2022_06_30() -> None:
    [plan] = status_json(str(SAMPLE), "--as-of", "2022-06-30")
    assert plan["plan"] == "henan-2021" and plan["answers"] == "国管办函〔2021〕92号"
    assert (plan["state"], plan["start"], plan["end"], plan["days_left"]) == (
        "running",
        "2021-09-01",
        "2023-04-30",
        304,
    )
    assert plan["current_phase"]["name"] == "组织实施" and plan["current_phase"]["days_left"] == 184
    assert plan["next_phase"]["name"] == "自评改进"
    local, internal = plan["targets"]
    assert (local["count"], local["threshold"], local["standards"]) == (0, 20, [])
    assert (internal["count"], internal["threshold"]) == (2, 120)
    assert [s["code"] for s in internal["standards"]] == ["HNJGSW 101-2022", "HNJGSW 201-2022"]
    tasks = plan["tasks"]
    assert (tasks["done"], tasks["open"], tasks["overdue"]) == (0, 3, 5)
    assert [t["state"] for t in tasks["items"]] == ["overdue"] * 4 + ["open", "open", "overdue", "open"]
    assert tasks["items"][6]["missed"] == [{"what": "完成中期评估", "deadline": "2022-04"}]
    assert [(r["name"], r["period"], r["state"]) for r in plan["reporting"]["due"]] == [
        ("半年报", "2022H1", "due"), ("年度报", "2021", "overdue")]  # fmt: skip
    assert plan["reporting"]["next"]["period"] == "2022"
    assert plan["tracked"] is False


def test_days_left_counts_from_the_as_of_date_before_a_span_begins() -> None:
    # an upcoming phase (and a plan not begun) gave its own length: 自评改进 2023-01…02 said 58 days left
    [plan] = status_json(str(HENAN), "--as-of", "2022-06-30")
    assert [(ph["name"], ph["state"], ph["days_left"]) for ph in plan["phases"]] == [
        ("前期准备", "ended", 0), ("组织实施", "current", 184), ("自评改进", "upcoming", 243),
        ("评估验收", "upcoming", 304)]  # fmt: skip
    assert plan["next_phase"]["days_left"] == 243  # 2022-06-30 → 2023-02-28
    [before] = status_json(str(HENAN), "--as-of", "2021-08-01")
    assert (before["state"], before["days_left"]) == ("not-started", 637)  # → 2023-04-30, not 606 from 09-01
    assert before["phases"][0]["days_left"] == 121  # → 2021-11-30
    text = runner.invoke(app, ["plan", "status", str(HENAN), "--as-of", "2021-08-01", "--lang", "en"]).stdout
    assert "days left" not in text  # the text still gives time left only once the plan has begun


def test_plan_can_be_named_by_file_or_by_name() -> None:
    by_file = status_json(str(HENAN), "--as-of", "2022-06-30")
    by_name = status_json("henan-2021", "--catalog", str(SAMPLE), "--as-of", "2022-06-30")
    assert by_file == by_name


def test_text_output_has_bars_and_figures() -> None:
    result = runner.invoke(app, ["plan", "status", str(SAMPLE), "--as-of", "2022-06-30"])
    assert result.exit_code == 0
    out = result.stdout
    assert "当前阶段：组织实施（2021-12—2022-12），剩余 184 天" in out
    assert "2 / 120" in out and "0 / 20" in out and "╸" in out
    assert "任务 8 项：已完成 0，未到期 3，逾期 5" in out
    assert "HNJGSW 201-2022" in out and "HNJGSW 202-2022" not in out


def test_markdown_output(tmp_path: Path) -> None:
    root = make_catalog(tmp_path, records={"a.yaml": record("DB4103/T 1-2022", "2022-03-01")})
    result = runner.invoke(
        app, ["plan", "status", str(root), "--as-of", "2022-06-30", "-f", "markdown", "--lang", "en"]
    )
    assert result.exit_code == 0
    assert "## 测试试点工作方案 (test-plan)" in result.stdout
    assert "| 不少于3项地方标准 | 1 / 3 (33%) |" in result.stdout
    assert "| 前期准备 | 宣传动员 | 2021-10 | overdue (2021-10) |" in result.stdout


def test_errors_exit_2(tmp_path: Path) -> None:
    root = make_catalog(tmp_path)
    result = runner.invoke(app, ["plan", "status", "nope", "-C", str(root), "--lang", "en"])
    assert result.exit_code == 2 and "no plan nope in the catalog (known: test-plan)" in result.output
    result = runner.invoke(app, ["plan", "status", str(root), "--as-of", "2022-13-01"])
    assert result.exit_code == 2
    empty = make_catalog(tmp_path / "empty", plan=None)
    result = runner.invoke(app, ["plan", "status", str(empty), "--lang", "en"])
    assert result.exit_code == 0 and "has no plans" in result.output  # an answer (none), not an error
    broken = make_catalog(tmp_path / "broken", plan="title: t\n")
    result = runner.invoke(app, ["plan", "status", str(broken / "plans" / "test-plan.yaml"), "--lang", "en"])
    assert result.exit_code == 2 and "has errors" in result.output


def test_a_plan_named_whose_file_is_invalid_says_so(tmp_path: Path) -> None:
    # `plan status bad` said "no plan bad (known: …)" when plans/bad.yaml was there but invalid.
    from typer.testing import CliRunner

    from gbstd.cli.app import app

    root = tmp_path / "c"
    (root / "plans").mkdir(parents=True)
    (root / "gbstd.toml").write_text("", encoding="utf-8")
    (root / "plans" / "bad.yaml").write_text("title: 坏方案\nissuers: [甲]\nissued: 2024-01-01\nphases: []\n",
                                              encoding="utf-8")
    result = CliRunner().invoke(app, ["plan", "status", "bad", "-C", str(root), "--lang", "en"])
    message = " ".join(result.stderr.split())
    assert result.exit_code == 2 and "plan file plans/bad.yaml has errors; run `gbstd lint`" in message


def test_a_catalog_without_plans_is_an_answer_not_a_failure(tmp_path: Path) -> None:
    # `plan status` on a catalog with no plans/ exited 2 ("could not run"), failing a CI step.
    from typer.testing import CliRunner

    from gbstd.cli.app import app

    root = tmp_path / "c"
    (root / "records").mkdir(parents=True)
    (root / "gbstd.toml").write_text("", encoding="utf-8")
    result = CliRunner().invoke(app, ["plan", "status", "-C", str(root), "-f", "json", "--lang", "en"])
    assert result.exit_code == 0 and result.stdout.strip() == "[]" and "has no plans" in result.stderr


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_a_counted_standard_without_a_date_is_not_shown_as_none(tmp_path: Path, fmt: str) -> None:
    # a record without a published date whose code year lies inside the window counts, and was listed "(None)"
    root = make_catalog(tmp_path, records={"a.yaml": record("DB41/T 2-2022")})
    for lang, said in (("zh", "日期未记录，但必在计数窗口内"), ("en", "date not recorded, but certainly inside the window")):
        result = runner.invoke(app, ["plan", "status", str(root), "--as-of", "2023-06-30", "-f", fmt, "--lang", lang])
        assert result.exit_code == 0, result.output
        assert "DB41/T 2-2022" in result.stdout and "None" not in result.stdout
        assert said in " ".join(result.stdout.split())


def test_a_month_outside_the_calendar_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    # 0000-05 passed the model (only the month was checked) and plan status crashed on its first day
    plan = PLAN_AT_CALENDAR_ENDS.replace("START", "0000-05").replace("END", "2021-11")
    root = make_catalog(tmp_path, plan=plan)
    result = runner.invoke(app, ["plan", "status", str(root), "--lang", "en"])
    assert result.exit_code == 2, result.output
    assert "some plan files have errors" in " ".join(result.output.split())
    lint = runner.invoke(app, ["lint", str(root), "--format", "json"])
    assert any(f["path"] == "plans/test-plan.yaml" and f["severity"] == "error" for f in json.loads(lint.stdout))


def test_a_report_due_after_the_calendars_last_month_is_shown(tmp_path: Path) -> None:
    # the 9999 annual report is due on the 10th of the month after 9999-12: past the calendar, plan status crashed
    plan = PLAN_AT_CALENDAR_ENDS.replace("START", "9999-01").replace("END", "9999-12")
    root = make_catalog(tmp_path, plan=plan)
    [progress] = status_json(str(root), "--as-of", "2024-06-30")
    assert progress["reporting"]["next"] == {
        "name": "年度报", "period": "9999", "period_end": "9999-12-31", "due": "9999-12-31",
        "state": "upcoming", "submitted": None,
    }  # fmt: skip


PLAN_AT_CALENDAR_ENDS = """\
title: 测试方案
issuers: [某局]
issued: 2021-09-13
phases:
  - {name: 甲, start: START, end: END}
tasks:
  - {phase: 甲, subject: 宣传动员, deadline: END}
reporting:
  - {name: 年度报, period: year, due_day: 10}
"""


PLAN_WITH_PHASES = """\
title: 测试方案
issuers: [某局]
issued: 2020-01-01
phases:
PHASES
"""


def test_the_next_phase_is_the_one_that_starts_first_not_the_one_listed_first(tmp_path: Path) -> None:
    # phases listed out of order (P001): on 2020-02-01 the next one was 丙 (2020-07), listed before 乙 (2020-04)
    phases = ("  - {name: 甲, start: 2020-01, end: 2020-03}\n  - {name: 丙, start: 2020-07, end: 2020-09}\n"
              "  - {name: 乙, start: 2020-04, end: 2020-06}")
    root = make_catalog(tmp_path, plan=PLAN_WITH_PHASES.replace("PHASES", phases))
    [progress] = status_json(str(root), "--as-of", "2020-02-01")
    assert progress["current_phase"]["name"] == "甲" and progress["next_phase"]["name"] == "乙"
    [before] = status_json(str(root), "--as-of", "2019-12-31")
    assert before["current_phase"] is None and before["next_phase"]["name"] == "甲"
    text = runner.invoke(app, ["plan", "status", str(root), "--as-of", "2020-02-01"])
    assert text.exit_code == 0 and "下一阶段：乙（2020-04 起）" in text.stdout


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_phases_that_share_a_month_are_all_shown_as_current(tmp_path: Path, fmt: str) -> None:
    # 甲 and 乙 share 2020-06 (P002): on 2020-06-15 both run, and only 甲 was named as the current phase
    phases = ("  - {name: 甲, start: 2020-02, end: 2020-06}\n  - {name: 乙, start: 2020-06, end: 2020-08}\n"
              "  - {name: 丙, start: 2020-09, end: 2020-09}")
    root = make_catalog(tmp_path, plan=PLAN_WITH_PHASES.replace("PHASES", phases))
    zh = runner.invoke(app, ["plan", "status", str(root), "--as-of", "2020-06-15", "-f", fmt])
    assert zh.exit_code == 0, zh.output
    assert ("当前阶段（2个，时间重叠）：甲（2020-02—2020-06），剩余15天；乙（2020-06—2020-08），剩余77天；"
            "下一阶段：丙（2020-09起）") in "".join(zh.stdout.split())  # the text output wraps at 110 columns
    en = runner.invoke(app, ["plan", "status", str(root), "--as-of", "2020-06-15", "-f", fmt, "--lang", "en"])
    assert "Current phases (2, overlapping): 甲 (2020-02…2020-06), 15 days left; 乙" in " ".join(en.stdout.split())
    [progress] = status_json(str(root), "--as-of", "2020-06-15")
    assert [p["state"] for p in progress["phases"]] == ["current", "current", "upcoming"]
    # on the day after 甲's last, only 乙 runs and the line is the usual one
    later = runner.invoke(app, ["plan", "status", str(root), "--as-of", "2020-07-01", "-f", fmt])
    assert "当前阶段：乙（2020-06—2020-08），剩余61天" in "".join(later.stdout.split())


def test_text_output_prints_no_escape_sequence_and_a_title_on_one_line(tmp_path: Path) -> None:
    # plan status text printed a record's title and a task's subject as written: ESC]0;… retitled the terminal,
    # and a title over two lines broke the list of counted standards (Markdown listed it as two standards)
    title = 'title: "机关\\e]0;pwned\\a食堂\\e[2J规范\\n第二行"'  # YAML escapes: ESC, BEL, a line break
    written = record("DB41/T 2-2022", "2022-03-01").split("\n")
    records = {"a.yaml": "\n".join(title if line.startswith("title:") else line for line in written)}
    plan = make_catalog(tmp_path / "probe").joinpath("plans", "test-plan.yaml").read_text(encoding="utf-8")
    root = make_catalog(tmp_path, records=records, plan=plan.replace("subject: 宣传动员", 'subject: "宣传\\e[31m动员"'))
    result = runner.invoke(app, ["plan", "status", str(root), "--as-of", "2023-06-30"])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "- DB41/T 2-2022 机关]0;pwned食堂[2J规范 第二行 (2022-03-01)" in result.stdout
    assert "宣传[31m动员" in result.stdout
    markdown = runner.invoke(app, ["plan", "status", str(root), "--as-of", "2023-06-30", "-f", "markdown"])
    assert "DB41/T 2-2022 机关\\]0;pwned食堂\\[2J规范 第二行 (2022-03-01) |" in markdown.stdout


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_a_target_not_met_is_never_shown_as_100_percent(tmp_path: Path, fmt: str) -> None:
    # 199 of 200 rounded to "100%" with a full bar beside an unmet target (no ✓, JSON met: false)
    plan = """\
    title: t
    issuers: [x]
    issued: 2021-01-01
    targets: [{id: many, description: 不少于200项标准, at_least: 200}]
    phases: [{name: a, start: 2021-01, end: 2022-12}]
    """
    records = {f"r{n}.yaml": record(f"DB41/T {n}-2021", "2021-02-01") for n in range(1, 200)}
    root = make_catalog(tmp_path, plan=plan, records=records)
    [progress] = status_json(str(root), "--as-of", "2022-12-31")
    assert (progress["targets"][0]["count"], progress["targets"][0]["met"]) == (199, False)
    result = runner.invoke(app, ["plan", "status", str(root), "--as-of", "2022-12-31", "-f", fmt])
    assert result.exit_code == 0, result.output
    assert "199 / 200" in result.stdout and "99%" in result.stdout and "100%" not in result.stdout
    assert "█" * 20 not in result.stdout


BAD_MONTHS_PLAN = """\
title: t
issuers: [x]
issued: 2024-02-20
phases:
  - {name: 前期准备, start: 2024年3月, end: 2024-5}
  - {name: 组织实施, start: 2024-06, end: 2024-13}
tasks:
  - {phase: 前期准备, subject: 宣传动员, evidence: [{note: 培训通知}]}
"""


def test_plan_month_and_evidence_errors_are_said_in_both_languages(tmp_path: Path) -> None:
    # pydantic's English ("Value error, '2024年3月' is not a month in the form YYYY-MM") was shown in Chinese output
    root = make_catalog(tmp_path, plan=BAD_MONTHS_PLAN)
    said = {}
    for lang in ("zh", "en"):
        result = runner.invoke(app, ["lint", str(root), "--format", "json", "--lang", lang])
        said[lang] = [f["message"] for f in json.loads(result.stdout) if f["path"] == "plans/test-plan.yaml"]
    assert said["zh"] == [
        "`start`: '2024年3月' 不是 YYYY-MM 格式的月份，应写作 2024-03",
        "`end`: '2024-5' 不是 YYYY-MM 格式的月份，应写作 2024-05",
        "`end`: '2024-13' 不是月份（月份为 01–12）",
        "`0`: 佐证须给出 `standard` 与 `file` 之一（恰好一个）",
    ]
    assert said["en"] == [
        "`start`: '2024年3月' is not a month in the form YYYY-MM; write 2024-03",
        "`end`: '2024-5' is not a month in the form YYYY-MM; write 2024-05",
        "`end`: '2024-13' is not a month (months are 01–12)",
        "`0`: evidence names exactly one of `standard` or `file`",
    ]


def test_a_report_sent_under_the_other_kind_of_period_is_an_error_not_ignored(tmp_path: Path) -> None:
    # a 半年报 recorded as sent for "2022" (or a 年度报 for "2022H1") matched no period of its duty: plan status
    # said 逾期未报 for the report the file says was sent, and lint said nothing
    plan = PLAN_WITH_PHASES.replace("PHASES", "  - {name: 甲, start: 2022-01, end: 2022-12}") + """\
reporting:
  - name: 半年报
    period: half-year
    submitted: [{period: "2022", date: 2022-07-08}]
  - name: 年度报
    period: year
    submitted: [{period: 2022H1, date: 2023-01-08}]
"""
    root = make_catalog(tmp_path, plan=plan)
    said = {}
    for lang in ("zh", "en"):
        result = runner.invoke(app, ["lint", str(root), "--format", "json", "--lang", lang])
        said[lang] = [(f["rule"], f["message"]) for f in json.loads(result.stdout) if f["path"] == "plans/test-plan.yaml"]
    assert said["zh"] == [
        ("C001", "`0`: 半年报的报送记录 2022 不是上半年的报告期（应写作 2022H1）"),
        ("C001", "`1`: 年度报的报送记录 2022H1 不是全年的报告期（应写作 2022）"),
    ]
    assert said["en"] == [
        ("C001", "`0`: 半年报: the report sent for 2022 is not a first half-year period (write 2022H1)"),
        ("C001", "`1`: 年度报: the report sent for 2022H1 is not a year period (write 2022)"),
    ]
    status = runner.invoke(app, ["plan", "status", str(root)])
    assert status.exit_code == 2 and "有错误" in status.output
