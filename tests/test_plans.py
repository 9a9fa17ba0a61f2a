"""plan_progress: target counting (window edges, region prefixes, status, modules, undated records), phases,
task states (month deadlines run to the end of the month) and reporting duties."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from pydantic import TypeAdapter

from gbstd.catalog.loader import load_catalog
from gbstd.model.month import Month, MonthField
from gbstd.model.plan import PilotPlan
from gbstd.plans import PhaseState, PlanState, ReportState, TaskState, plan_progress, task_progress
from tests.plan_fixtures import make_catalog, record

D = dt.date.fromisoformat


def progress_of(tmp_path: Path, records: dict[str, str], as_of: str, plan: str | None = None):
    root = make_catalog(tmp_path, records=records, **({"plan": plan} if plan else {}))
    catalog = load_catalog(root)
    assert not catalog.load_findings, catalog.load_findings
    return plan_progress(catalog.plans[0], catalog, D(as_of))


def counted(progress, index: int = 0) -> list[str]:
    return [s.code for s in progress.targets[index].counted]


def test_window_edges_are_inclusive(tmp_path: Path) -> None:
    records = {
        "a.yaml": record("DB41/T 1-2021", "2021-09-12"),  # the day before the window
        "b.yaml": record("DB41/T 2-2021", "2021-09-13"),  # first day
        "c.yaml": record("DB41/T 3-2022", "2022-12-31"),  # last day
        "d.yaml": record("DB41/T 4-2023", "2023-01-01"),  # the day after
    }
    p = progress_of(tmp_path, records, "2026-01-01")
    assert counted(p) == ["DB41/T 2-2021", "DB41/T 3-2022"]
    assert p.targets[0].count == 2 and p.targets[0].threshold == 3 and not p.targets[0].met


def test_as_of_cuts_the_window_inclusively(tmp_path: Path) -> None:
    records = {
        "a.yaml": record("DB41/T 1-2022", "2022-06-30"),
        "b.yaml": record("DB41/T 2-2022", "2022-07-01"),
    }
    assert counted(progress_of(tmp_path, records, "2022-06-30")) == ["DB41/T 1-2022"]
    assert counted(progress_of(tmp_path / "later", records, "2022-07-01")) == [
        "DB41/T 1-2022",
        "DB41/T 2-2022",
    ]
    assert counted(progress_of(tmp_path / "early", records, "2021-09-12")) == []


def test_city_counts_toward_province_and_other_provinces_do_not(tmp_path: Path) -> None:
    records = {
        "luoyang.yaml": record("DB4103/T 152-2022", "2022-03-01"),
        "henan.yaml": record("DB41/T 2-2022", "2022-03-01"),
        "shanxi.yaml": record("DB14/T 9-2022", "2022-03-01"),
        "hubei-city.yaml": record("DB4203/T 1-2022", "2022-03-01"),
        "national.yaml": record("GB/T 41568-2022", "2022-04-15"),
    }
    assert counted(progress_of(tmp_path, records, "2023-01-01")) == ["DB41/T 2-2022", "DB4103/T 152-2022"]


def test_abolished_standards_do_not_count_but_later_abolition_does_not_rewrite_history(
    tmp_path: Path,
) -> None:
    records = {
        "gone.yaml": record(
            "DB41/T 1-2022", "2022-02-01", status="废止", effective="2022-03-01", abolished="2022-05-01"
        ),
        "undated-gone.yaml": record("DB41/T 2-2022", "2022-02-01", status="废止"),
        "alive.yaml": record("DB41/T 3-2022", "2022-02-01", effective="2022-03-01"),
    }
    # On 2022-04-30 the first one was still in force; from 2022-05-01 it no longer counts.
    assert counted(progress_of(tmp_path, records, "2022-04-30")) == ["DB41/T 1-2022", "DB41/T 3-2022"]
    assert counted(progress_of(tmp_path / "b", records, "2022-05-01")) == ["DB41/T 3-2022"]


def test_a_standard_replaced_after_the_window_ended_still_counts(tmp_path: Path) -> None:
    # Published in the window and met the target; revised (and so abolished) in 2025, after the window.
    records = {
        "old.yaml": record(
            "DB41/T 1-2022", "2022-03-01", status="废止", effective="2022-04-01", abolished="2025-03-01"
        ),
        "alive.yaml": record("DB41/T 2-2022", "2022-05-01"),
        "new.yaml": record("DB41/T 1-2025", "2025-01-01", effective="2025-03-01"),
    }
    expected = ["DB41/T 1-2022", "DB41/T 2-2022"]
    assert counted(progress_of(tmp_path / "a", records, "2025-02-28")) == expected
    later = progress_of(tmp_path / "b", records, "2025-03-01")
    assert counted(later) == expected and later.targets[0].count == 2


def test_status_filter_can_ask_for_abolished(tmp_path: Path) -> None:
    plan = """\
    title: t
    issuers: [x]
    issued: 2021-01-01
    targets:
      - {id: gone, description: d, at_least: 1, filter: {statuses: [废止]}}
    phases: [{name: a, start: 2021-01, end: 2022-12}]
    """
    records = {
        "gone.yaml": record("DB41/T 1-2021", "2021-02-01", status="废止", abolished="2022-01-01"),
        "alive.yaml": record("DB41/T 2-2021", "2021-02-01"),
    }
    p = progress_of(tmp_path, records, "2022-12-31", plan=plan)
    assert counted(p) == ["DB41/T 1-2021"] and p.targets[0].met


def test_module_filter_includes_sub_modules(tmp_path: Path) -> None:
    plan = """\
    title: t
    issuers: [x]
    issued: 2021-01-01
    targets:
      - {id: mgmt, description: d, at_least: 2, filter: {modules: ["200"]}}
      - {id: cars, description: d, at_least: 1, filter: {modules: ["202"], tiers: [local]}}
    phases: [{name: a, start: 2021-01, end: 2022-12}]
    """
    records = {
        "rooms.yaml": record("DB41/T 1-2021", "2021-02-01", module="201"),
        "cars.yaml": record("DB41/T 2-2021", "2021-02-01", module="202"),
        "gb-cars.yaml": record("GB/T 3-2021", "2021-02-01", module="202"),
        "property.yaml": record("DB41/T 4-2021", "2021-02-01", module="301"),
    }
    p = progress_of(tmp_path, records, "2022-12-31", plan=plan)
    assert counted(p, 0) == ["DB41/T 1-2021", "DB41/T 2-2021", "GB/T 3-2021"]
    assert counted(p, 1) == ["DB41/T 2-2021"]


def test_window_defaults_to_the_plans_span(tmp_path: Path) -> None:
    plan = """\
    title: t
    issuers: [x]
    issued: 2021-09-13
    targets: [{id: all, description: d, at_least: 1}]
    phases: [{name: a, start: 2021-09, end: 2021-10}]
    """
    records = {
        "a.yaml": record("DB41/T 1-2021", "2021-08-31"),
        "b.yaml": record("DB41/T 2-2021", "2021-09-01"),
        "c.yaml": record("DB41/T 3-2021", "2021-10-31"),
        "d.yaml": record("DB41/T 4-2021", "2021-11-01"),
    }
    p = progress_of(tmp_path, records, "2022-01-01", plan=plan)
    assert (p.targets[0].window_start, p.targets[0].window_end) == (D("2021-09-01"), D("2021-10-31"))
    assert counted(p) == ["DB41/T 2-2021", "DB41/T 3-2021"]


def test_undated_records_are_bounded_by_code_year_and_never_guessed(tmp_path: Path) -> None:
    records = {
        # no published date, but the code says 2023: outside a window ending 2022-12-31
        "late.yaml": record("DB41/T 1-2023", effective="2023-07-27"),
        # code year 2022 lies wholly inside the window 2021-09-13…2022-12-31: it certainly counts
        "inside.yaml": record("DB41/T 2-2022"),
        # code year 2021 straddles the window start: may or may not count
        "straddle.yaml": record("DB41/T 3-2021"),
        # effective before the window starts: published earlier still, so out
        "early.yaml": record("DB41/T 4-2021", effective="2021-09-01"),
    }
    p = progress_of(tmp_path, records, "2023-06-30")
    assert counted(p) == ["DB41/T 2-2022"]
    assert [s.code for s in p.targets[0].uncertain] == ["DB41/T 3-2021"]
    assert p.targets[0].counted[0].date is None
    # before the end of 2022 the 2022 one is no longer certain
    p = progress_of(tmp_path / "mid", records, "2022-06-30")
    assert counted(p) == [] and {s.code for s in p.targets[0].uncertain} == {"DB41/T 2-2022", "DB41/T 3-2021"}


def test_an_abolition_date_bounds_an_undated_publication_and_contradictions_are_never_certain(
    tmp_path: Path,
) -> None:
    plan = """\
    title: t
    issuers: [x]
    issued: 2022-01-01
    targets:
      - {id: h2, description: d, at_least: 1, filter: {statuses: [现行, 废止]}, from: 2022-07-01, to: 2022-12-31}
      - {id: year, description: d, at_least: 1, filter: {statuses: [现行, 废止]}}
    phases: [{name: a, start: 2022-01, end: 2022-12}]
    """
    records = {
        # abolished in March 2022: published by then, so not in the second half (it was listed as uncertain)
        "march.yaml": record("DB41/T 1-2022", status="废止", abolished="2022-03-01"),
        # abolished in August: may have been published in either half
        "august.yaml": record("DB41/T 2-2022", status="废止", abolished="2022-08-15"),
        # a 2022 code abolished in 2021-06: the dates contradict, so uncertain between them (it counted for 2022)
        "odd.yaml": record("DB41/T 3-2022", status="废止", abolished="2021-06-01"),
    }
    p = progress_of(tmp_path, records, "2026-01-01", plan=plan)
    h2, year = p.targets
    assert counted(p, 0) == [] and [s.code for s in h2.uncertain] == ["DB41/T 2-2022"]
    assert counted(p, 1) == ["DB41/T 1-2022", "DB41/T 2-2022"] and [s.code for s in year.uncertain] == [
        "DB41/T 3-2022"
    ]


def test_internal_standards_count_by_tier(tmp_path: Path) -> None:
    plan = """\
    title: t
    issuers: [x]
    issued: 2021-09-13
    targets: [{id: internal, description: d, at_least: 120, filter: {tiers: [内部标准]}, from: 2021-09-13}]
    phases: [{name: a, start: 2021-09, end: 2022-12}]
    """
    records = {
        "a.yaml": record("HNJGSW 101-2022", "2022-03-01"),
        "b.yaml": record("DB41/T 1-2022", "2022-03-01"),
    }
    p = progress_of(tmp_path, records, "2022-06-30", plan=plan)
    assert counted(p) == ["HNJGSW 101-2022"] and p.targets[0].ratio == pytest.approx(1 / 120)


def _plan(**changes: object) -> PilotPlan:
    data: dict[str, object] = {
        "title": "t", "issuers": ["x"], "issued": "2021-09-13",
        "phases": [{"name": "前期准备", "start": "2021-09", "end": "2021-11"},
                   {"name": "组织实施", "start": "2021-12", "end": "2022-12"}],
        "tasks": [{"phase": "前期准备", "subject": "宣传动员", "deadline": "2021-10"}],
    }  # fmt: skip
    data.update(changes)
    return PilotPlan.model_validate(data)


@pytest.mark.parametrize(
    ("as_of", "state"),
    [("2021-10-31", TaskState.OPEN), ("2021-11-01", TaskState.OVERDUE)],
)
def test_month_deadline_runs_to_the_end_of_the_month(as_of: str, state: TaskState) -> None:
    task = _plan().tasks[0]
    assert task_progress(0, task, D(as_of)).state is state


def test_done_date_counts_only_from_that_day() -> None:
    task = _plan(
        tasks=[{"phase": "前期准备", "subject": "s", "deadline": "2021-10", "done": "2021-11-05"}]
    ).tasks[0]
    assert task_progress(0, task, D("2021-11-04")).state is TaskState.OVERDUE
    assert task_progress(0, task, D("2021-11-05")).state is TaskState.DONE


def test_missed_milestone_makes_a_task_overdue() -> None:
    task = _plan(tasks=[{"phase": "组织实施", "subject": "s", "deadline": "2023-02",
                         "milestones": [{"what": "中期评估", "deadline": "2022-04"}]}]).tasks[0]  # fmt: skip
    result = task_progress(0, task, D("2022-06-30"))
    assert result.state is TaskState.OVERDUE
    assert [(m.what, str(m.deadline)) for m in result.missed] == [("中期评估", "2022-04")]
    assert result.missed[0].loc == ("milestones", 0, "deadline")


def test_phases_and_time_left(tmp_path: Path) -> None:
    catalog = load_catalog(make_catalog(tmp_path))
    p = plan_progress(catalog.plans[0], catalog, D("2022-06-30"))
    assert p.state is PlanState.RUNNING and p.key == "test-plan"
    assert [ph.state for ph in p.phases] == [PhaseState.ENDED, PhaseState.CURRENT]
    assert p.current_phase is not None and p.current_phase.phase.name == "组织实施"
    assert p.current_phase.days_left == 184  # 2022-06-30 → 2022-12-31
    assert p.days_left == 184
    assert [t.state for t in p.tasks] == [TaskState.OVERDUE, TaskState.OPEN]
    before = plan_progress(catalog.plans[0], catalog, D("2021-08-31"))
    assert before.state is PlanState.NOT_STARTED and before.current_phase is None
    assert before.next_phase is not None and before.next_phase.phase.name == "前期准备"
    after = plan_progress(catalog.plans[0].plan, catalog, D("2023-01-01"))
    assert after.state is PlanState.ENDED and after.key is None and after.days_left == 0


def test_reporting_duties_recur_within_the_plan(tmp_path: Path) -> None:
    plan = _plan(reporting=[
        {"name": "半年报", "period": "半年报", "due_day": 10,
         "submitted": [{"period": "2022H1", "date": "2022-07-08"}]},
        {"name": "年度报", "period": "year"},
    ])  # fmt: skip
    catalog = load_catalog(make_catalog(tmp_path, plan=None))
    p = plan_progress(plan, catalog, D("2022-07-05"))
    by_period = {(r.duty.name, r.period): r for r in p.reports}
    assert set(by_period) == {("半年报", "2022H1"), ("年度报", "2021"), ("年度报", "2022")}
    half = by_period[("半年报", "2022H1")]
    assert half.due == D("2022-07-10") and half.state is ReportState.DUE  # sent only on 07-08
    assert by_period[("年度报", "2021")].state is ReportState.OVERDUE  # due on 2021-12-31, no due day
    assert by_period[("年度报", "2022")].state is ReportState.UPCOMING
    assert [r.period for r in p.reports_due] == ["2022H1", "2021"]
    assert p.next_report is not None and p.next_report.period == "2022"
    later = plan_progress(plan, catalog, D("2022-07-08"))
    assert {r.period: r.state for r in later.reports}["2022H1"] is ReportState.SUBMITTED


def test_month_type() -> None:
    assert Month.parse("2021-10").last_day == D("2021-10-31")
    assert Month.parse("2024-02").last_day == D("2024-02-29")
    assert Month.parse("2021-12").next() == Month(2022, 1)
    with pytest.raises(ValueError):
        Month.parse("2021-13")
    with pytest.raises(ValueError):
        Month.parse("2021-1")


def _month_schemas(node: object) -> list[dict]:
    """Every subschema of a JSON Schema that is a month's (a pattern, and YYYY-MM in its description)."""
    if isinstance(node, list):
        return [found for item in node for found in _month_schemas(item)]
    if not isinstance(node, dict):
        return []
    own = [node] if "pattern" in node and "YYYY-MM" in str(node.get("description", "")) else []
    return own + [found for value in node.values() for found in _month_schemas(value)]


def test_the_json_schema_of_a_month_refuses_what_the_model_refuses() -> None:
    # the model refuses a year outside 0001-9999 (0000-05 has no first day); the schema's pattern still took
    # 0000-05, so an editor validating a plan against schemas/plan.schema.json let it through
    jsonschema = pytest.importorskip("jsonschema")
    committed = json.loads((Path(__file__).resolve().parent.parent / "schemas" / "plan.schema.json").read_text("utf-8"))
    months = [TypeAdapter(MonthField).json_schema(), *_month_schemas(committed)]
    assert len(months) > 3  # the field type, a milestone's deadline, a phase's start and end, …
    for schema in months:
        jsonschema.validate("2023-05", schema)
        jsonschema.validate("9999-12", schema)
        for wrong in ("0000-05", "2023-13", "2023-00"):
            with pytest.raises(jsonschema.ValidationError):
                jsonschema.validate(wrong, schema)
    with pytest.raises(ValueError):
        Month.parse("0000-05")


def test_json_shape(tmp_path: Path) -> None:
    records = {"a.yaml": record("DB4103/T 1-2022", "2022-03-01")}
    data = progress_of(tmp_path, records, "2022-06-30").to_json()
    assert data["current_phase"]["name"] == "组织实施"  # type: ignore[index]
    target = data["targets"][0]  # type: ignore[index]
    assert (target["count"], target["threshold"], target["met"]) == (1, 3, False)
    assert target["standards"][0]["code"] == "DB4103/T 1-2022"
    assert data["tasks"] == {"done": 0, "open": 1, "overdue": 1, "items": data["tasks"]["items"]}  # type: ignore[index]
