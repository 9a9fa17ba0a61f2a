"""A pilot plan (试点工作方案), as written in one YAML file of the catalog's ``plans/`` directory.

A plan answers a notice from above (国管办函〔2021〕92号), sets targets that can be counted in the catalog
(≥ 20 local standards of Henan published within the plan's window), runs in phases with month windows and
lists tasks (阶段 · 重点任务 · 具体措施 · 完成时限) plus recurring reporting duties ("2报": 半年报, 年度报).
The plan's file name is its identity (``henan-2021.yaml`` → ``henan-2021``).
"""

from __future__ import annotations

import datetime as dt
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from gbstd.i18n import Text, TextError
from gbstd.model.fields import Date, StrList, alias_enum, list_field
from gbstd.model.month import YEAR_PATTERN, Month, MonthField
from gbstd.model.regions import REGION_PATTERN
from gbstd.model.standard import StatusField, TierField


class _Item(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)


class PlanStatus(str, Enum):
    """Whether the catalog tracks the plan's progress."""

    ACTIVE = "active"
    ARCHIVED = "archived"

    @property
    def label(self) -> Text:
        return PLAN_STATUS_LABELS[self]


PLAN_STATUS_LABELS: dict[PlanStatus, Text] = {
    PlanStatus.ACTIVE: Text("跟踪中", "active"),
    PlanStatus.ARCHIVED: Text("已归档", "archived"),
}

PlanStatusField = alias_enum(
    PlanStatus,
    {"跟踪中": PlanStatus.ACTIVE, "执行中": PlanStatus.ACTIVE,
     "已归档": PlanStatus.ARCHIVED, "归档": PlanStatus.ARCHIVED},
    "方案状态 active (跟踪中: done dates are kept up to date, overdue tasks are reported) or archived "
    "(已归档: kept as a record; task completion is not tracked, so nothing is reported overdue)",
)


class DateBasis(str, Enum):
    """Which date of a standard places it inside a target's window."""

    PUBLISHED = "published"
    EFFECTIVE = "effective"


DateBasisField = alias_enum(
    DateBasis, {"发布": DateBasis.PUBLISHED, "发布日期": DateBasis.PUBLISHED, "实施": DateBasis.EFFECTIVE,
                "实施日期": DateBasis.EFFECTIVE},
    "计数依据 the date that places a standard in the window: published (发布, default) or effective (实施)",
)  # fmt: skip


class ReportPeriod(str, Enum):
    """The period a recurring report covers."""

    HALF_YEAR = "half-year"  # 上半年 (January–June): the 半年报
    YEAR = "year"  # the calendar year: the 年度报

    @property
    def label(self) -> Text:
        return {"half-year": Text("上半年", "first half-year"), "year": Text("全年", "year")}[self.value]


ReportPeriodField = alias_enum(
    ReportPeriod, {"半年": ReportPeriod.HALF_YEAR, "半年报": ReportPeriod.HALF_YEAR,
                   "上半年": ReportPeriod.HALF_YEAR, "年度": ReportPeriod.YEAR, "年度报": ReportPeriod.YEAR,
                   "annual": ReportPeriod.YEAR},
    "报告周期 half-year (半年报, covers January–June) or year (年度报, covers the calendar year)",
)  # fmt: skip


class Counterpart(_Item):
    """上级文件 — the notice the plan answers."""

    number: str = Field(min_length=1, description="文号 document number, e.g. 国管办函〔2021〕92号")
    title: str | None = Field(
        None, description="文件名称 title, e.g. 关于开展第三批机关事务标准化试点工作的通知"
    )
    issuers: StrList = list_field("发文机关 issuing bodies of the notice")


class Principle(_Item):
    """工作原则 — one working principle."""

    name: str = Field(min_length=1, description="名称 short name, e.g. 一体推进")
    text: str | None = Field(None, description="内容 what it says")


class TargetFilter(_Item):
    """Which standards of the catalog count toward a target. Empty lists mean "any"."""

    tiers: list[TierField] = Field(default_factory=list, description="标准层级 tiers, e.g. [local]")  # type: ignore[valid-type]
    regions: StrList = list_field(
        "行政区划 division codes (GB/T 2260); a city counts toward its province: 41 matches DB41 and DB4103"
    )
    modules: StrList = list_field(
        "体系编号 modules of the standard system; a module includes its sub-modules"
    )
    statuses: list[StatusField] = Field(  # type: ignore[valid-type]
        default_factory=list,
        description="状态 statuses as of the day of counting; default 现行 and 即将实施 "
        "(abolished ones don't count)",
    )


class Target(_Item):
    """工作目标 — a number of standards to reach, counted in the catalog."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="标识 short id, e.g. local-standards")
    description: str = Field(min_length=1, description="说明 the target in the plan's words")
    at_least: int = Field(ge=1, description="目标数 threshold: at least this many standards")
    filter: TargetFilter = Field(default_factory=TargetFilter, description="计数范围 which standards count")
    from_: Date | None = Field(
        None, alias="from", description="起始日期 first day of the window (inclusive); default: plan start"
    )
    to: Date | None = Field(
        None, description="截止日期 last day of the window (inclusive); default: the plan's last day"
    )
    basis: DateBasisField = Field(  # type: ignore[valid-type]
        DateBasis.PUBLISHED, description="计数依据 published (default) or effective"
    )
    note: str | None = Field(None, description="备注 note")

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, populate_by_name=True, defer_build=True)


class Phase(_Item):
    """实施步骤 — one phase with its month window (both months inclusive)."""

    name: str = Field(min_length=1, description="阶段名称 phase name, e.g. 前期准备")
    start: MonthField = Field(description="开始月份 first month, YYYY-MM")
    end: MonthField = Field(description="结束月份 last month, YYYY-MM (inclusive)")
    description: str | None = Field(None, description="工作内容 what happens in this phase")

    @property
    def first_day(self) -> dt.date:
        return self.start.first_day

    @property
    def last_day(self) -> dt.date:
        return self.end.last_day


class Evidence(_Item):
    """佐证 — a standard in the catalog or a file that shows the work was done."""

    standard: str | None = Field(None, description="标准号 code of a standard in the catalog")
    file: str | None = Field(None, description="文件 path of a file, relative to the catalog root")
    note: str | None = Field(None, description="说明 what it shows")

    @model_validator(mode="after")
    def _one_kind(self) -> Evidence:
        if (self.standard is None) == (self.file is None):
            raise TextError(Text("佐证须给出 `standard` 与 `file` 之一（恰好一个）",
                                 "evidence names exactly one of `standard` or `file`"))
        return self


class Milestone(_Item):
    """An intermediate deadline inside a task (2022年4月底前完成中期评估)."""

    what: str = Field(min_length=1, description="事项 what is due, e.g. 完成中期评估")
    deadline: MonthField = Field(description="完成时限 month by whose end it is due, YYYY-MM")
    done: Date | None = Field(None, description="完成日期 date it was done")
    evidence: list[Evidence] = Field(default_factory=list, description="佐证 evidence")


class Task(_Item):
    """重点任务 — one row of the plan's task table."""

    phase: str = Field(min_length=1, description="阶段 name of the phase the task belongs to")
    subject: str = Field(min_length=1, description="重点任务 subject, e.g. 宣传动员")
    measures: StrList = list_field("具体措施 measures, one per item")
    deadline: MonthField | None = Field(
        None, description="完成时限 month by whose end the task is due, YYYY-MM"
    )
    deadline_text: str | None = Field(None, description="完成时限原文 the deadline as the plan words it")
    milestones: list[Milestone] = Field(default_factory=list, description="阶段性时限 intermediate deadlines")
    owner: str | None = Field(None, description="责任单位 who is responsible")
    done: Date | None = Field(None, description="完成日期 date the task was done")
    evidence: list[Evidence] = Field(default_factory=list, description="佐证 evidence: standards or files")


# A report sent: 2022H1 (half-year report) or 2022 (annual report); year 0000 refused, as a month's is.
SUBMISSION_PATTERN = rf"^{YEAR_PATTERN}(H1)?$"


class Submission(_Item):
    """A report that was sent."""

    period: str = Field(
        pattern=SUBMISSION_PATTERN, description="报告期 2022H1 (half-year report) or 2022 (annual report)"
    )
    date: Date = Field(description="报送日期 date it was sent")
    evidence: list[Evidence] = Field(default_factory=list, description="佐证 evidence")


class ReportingDuty(_Item):
    """报告制度 — a recurring report ("2报": 半年报, 年度报)."""

    name: str = Field(min_length=1, description="名称 name, e.g. 半年报")
    period: ReportPeriodField = Field(description="报告周期 half-year or year")  # type: ignore[valid-type]
    due_day: int | None = Field(
        None, ge=1, le=31,
        description="报送日 day of the month after the period by which the report is due (10 → 2022H1 due "
        "2022-07-10); empty: due when the period ends",
    )  # fmt: skip
    to: str | None = Field(None, description="报送对象 who receives it")
    submitted: list[Submission] = Field(default_factory=list, description="已报送 reports sent")

    @model_validator(mode="after")
    def _periods_of_its_kind(self) -> ReportingDuty:
        # a 半年报 sent for "2022" matched none of its periods: plan status said 逾期未报 for a report sent
        half = self.period is ReportPeriod.HALF_YEAR
        for submission in self.submitted:
            if submission.period.endswith("H1") != half:
                year = submission.period.removesuffix("H1")
                fixed = f"{year}H1" if half else year
                label = self.period.label
                raise TextError(Text(
                    f"{self.name}的报送记录 {submission.period} 不是{label.zh}的报告期（应写作 {fixed}）",
                    f"{self.name}: the report sent for {submission.period} is not a {label.en} period "
                    f"(write {fixed})",
                ))
        return self


class PilotPlan(BaseModel):
    """试点工作方案 — a pilot plan: targets, phases, tasks and reporting duties."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)

    title: str = Field(min_length=1, description="方案名称 title")
    issuers: StrList = Field(min_length=1, description="印发机关 issuing bodies")
    issued: Date = Field(description="印发日期 date of issue")
    addressees: StrList = list_field("主送机关 addressees")
    answers: Counterpart | None = Field(None, description="依据文件 the notice the plan answers")
    region: str | None = Field(
        None, pattern=REGION_PATTERN, description="行政区划 region the plan covers"
    )
    status: PlanStatusField = Field(PlanStatus.ACTIVE, description="方案状态 active (default) or archived")  # type: ignore[valid-type]
    guidance: str | None = Field(None, description="指导思想 guiding idea")
    principles: list[Principle] = Field(default_factory=list, description="工作原则 principles")
    goals: StrList = list_field("工作目标 goals in words")
    targets: list[Target] = Field(default_factory=list, description="量化目标 targets counted in the catalog")
    phases: list[Phase] = Field(min_length=1, description="实施步骤 phases, in order")
    tasks: list[Task] = Field(default_factory=list, description="重点任务计划表 the task table")
    reporting: list[ReportingDuty] = Field(default_factory=list, description="报告制度 recurring reports")
    sources: StrList = list_field("来源 where the plan's text was taken from")
    illustrative: bool = Field(False, description="示例数据 the file holds non-public, illustrative data")
    note: str | None = Field(None, description="备注 note")

    @property
    def first_day(self) -> dt.date:
        return min(phase.first_day for phase in self.phases)

    @property
    def last_day(self) -> dt.date:
        return max(phase.last_day for phase in self.phases)

    def phase_named(self, name: str) -> Phase | None:
        return next((phase for phase in self.phases if phase.name == name), None)


def deadline_passed(deadline: Month, as_of: dt.date) -> bool:
    """A month deadline is missed from the first day of the following month."""
    return as_of > deadline.last_day


__all__ = [
    "Counterpart", "DateBasis", "Evidence", "Milestone", "Month", "Phase", "PilotPlan", "PlanStatus",
    "Principle", "ReportPeriod", "ReportingDuty", "Submission", "Target", "TargetFilter", "Task",
    "deadline_passed",
]  # fmt: skip
