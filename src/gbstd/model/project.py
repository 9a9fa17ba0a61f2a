"""A standard in the making (标准项目): one file in ``projects/``, named by its id."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from gbstd.model.fields import Date, StrList, list_field
from gbstd.model.making import Round, Stage, StageEvent
from gbstd.model.regions import REGION_PATTERN
from gbstd.model.standard import Suppression, TierField


class Project(BaseModel):
    """标准项目 — a standard in the making (one file in ``projects/``, file name = id)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)

    id: str = Field(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9.\-_]*$",
        description="项目编号 project id, e.g. XM-2025-001 or HNJGSW-P-2025-03; the file is <id>.yaml",
    )
    title: str = Field(min_length=1, description="项目名称 intended title of the standard")
    title_en: str | None = Field(None, description="英文名称 English title")
    tier: TierField = Field(description="拟定层级 intended tier: local / internal / …")  # type: ignore[valid-type]
    region: str | None = Field(
        None,
        pattern=REGION_PATTERN,
        description="行政区划代码 region (GB/T 2260) the standard is for",
    )
    module: str | None = Field(None, description="体系编号 intended module of the standard system")
    scope: str | None = Field(None, description="适用范围 intended scope")
    subjects: StrList = list_field("主题 subjects the standard will cover (besides its title's words)")
    proposer: str | None = Field(None, description="申报单位 proposing body")
    drafters: StrList = list_field("起草单位 drafting units")
    history: list[StageEvent] = Field(
        min_length=1, description="阶段记录 the date of each stage reached, in order"
    )
    rounds: list[Round] = Field(
        default_factory=list, description="“三审三改一研究”轮次 review/revision/study rounds"
    )
    replaces: StrList = list_field("拟代替标准 standards this project revises (修订项目)")
    adopts: StrList = list_field("采用 upper-tier standards the new standard adopts")
    refines: StrList = list_field("细化 upper-tier standards the new standard refines")
    result: str | None = Field(None, description="标准号 the code it was published under, once 批准发布")
    withdrawn: Date | None = Field(None, description="终止日期 the project was stopped on this date")
    illustrative: bool = Field(False, description="示例数据 the record holds non-public, illustrative data")
    note: str | None = Field(None, description="备注 free-text note")
    suppress: list[Suppression] = Field(
        default_factory=list, description="忽略规则 rules silenced for this project, each with a reason"
    )

    @property
    def stage(self) -> Stage:
        """The furthest stage reached."""
        return max((event.stage for event in self.history), key=lambda s: s.order)
