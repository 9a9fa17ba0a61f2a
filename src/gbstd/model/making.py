"""How standards are made (制定过程): the stages of the process, review rounds, and a standard's history.

A project is a standard before it has a code: 申报 → 立项 → 起草 → 征求意见 → 审查 → 批准发布,
each stage with the date it was reached. Internal standards in Henan follow "三审三改一研究"
(three reviews, three revisions, one study), kept as ``rounds``. A published standard may carry the
same history in its ``making`` field.
"""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, ConfigDict, Field

from gbstd.i18n import Text
from gbstd.model.fields import Date, alias_enum


class Stage(str, Enum):
    """制定阶段 — a stage of making a standard, in process order."""

    PROPOSAL = "申报"
    APPROVAL = "立项"
    DRAFTING = "起草"
    CONSULTATION = "征求意见"
    EXAMINATION = "审查"
    PUBLICATION = "批准发布"

    @property
    def order(self) -> int:
        return STAGE_ORDER[self]

    @property
    def label(self) -> Text:
        return STAGE_LABELS[self]


STAGE_ORDER: dict[Stage, int] = {stage: index for index, stage in enumerate(Stage)}

STAGE_LABELS: dict[Stage, Text] = {
    Stage.PROPOSAL: Text("申报", "proposal"),
    Stage.APPROVAL: Text("立项", "approval"),
    Stage.DRAFTING: Text("起草", "drafting"),
    Stage.CONSULTATION: Text("征求意见", "consultation"),
    Stage.EXAMINATION: Text("审查", "examination"),
    Stage.PUBLICATION: Text("批准发布", "publication"),
}

STAGE_ALIASES: dict[str, Enum] = {
    "proposal": Stage.PROPOSAL, "proposed": Stage.PROPOSAL, "提出": Stage.PROPOSAL,
    "approval": Stage.APPROVAL, "approved": Stage.APPROVAL,
    "drafting": Stage.DRAFTING, "draft": Stage.DRAFTING,
    "consultation": Stage.CONSULTATION, "comments": Stage.CONSULTATION, "征求意见稿": Stage.CONSULTATION,
    "examination": Stage.EXAMINATION, "technical-review": Stage.EXAMINATION, "技术审查": Stage.EXAMINATION,
    "publication": Stage.PUBLICATION, "published": Stage.PUBLICATION, "发布": Stage.PUBLICATION,
    "批准": Stage.PUBLICATION,
}  # fmt: skip

StageField = alias_enum(
    Stage,
    STAGE_ALIASES,
    "制定阶段 stage: 申报 / 立项 / 起草 / 征求意见 / 审查 / 批准发布 "
    "(proposal / approval / drafting / consultation / examination / publication)",
)


def parse_stage(text: str) -> Stage | None:
    """A stage from any accepted spelling, or None."""
    key = text.strip().casefold()
    for stage in Stage:
        if stage.value.casefold() == key:
            return stage
    found = {k.casefold(): v for k, v in STAGE_ALIASES.items()}.get(key)
    return found if isinstance(found, Stage) else None


class RoundKind(str, Enum):
    """“三审三改一研究”中的一轮 — a review (审), a revision (改) or the study (研究)."""

    REVIEW = "审"
    REVISION = "改"
    STUDY = "研究"


ROUND_ALIASES: dict[str, Enum] = {
    "review": RoundKind.REVIEW, "审查": RoundKind.REVIEW, "审核": RoundKind.REVIEW,
    "revision": RoundKind.REVISION, "修改": RoundKind.REVISION, "修订": RoundKind.REVISION,
    "study": RoundKind.STUDY, "研究审定": RoundKind.STUDY,
}  # fmt: skip

RoundKindField = alias_enum(
    RoundKind, ROUND_ALIASES, "轮次类型 round: 审 / 改 / 研究 (review / revision / study)"
)


class StageEvent(BaseModel):
    """到达一个阶段 — the date a stage was reached."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)

    stage: StageField = Field(description="阶段 stage")  # type: ignore[valid-type]
    date: Date = Field(description="到达该阶段的日期 date the stage was reached")
    document: str | None = Field(None, description="文件或文号 document, e.g. the approval notice number")
    note: str | None = Field(None, description="备注 note")


class Round(BaseModel):
    """“三审三改一研究”的一轮 — one review, revision or study round of an internal standard."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)

    kind: RoundKindField = Field(description="轮次类型 审 / 改 / 研究 (review / revision / study)")  # type: ignore[valid-type]
    date: Date = Field(description="日期 date of the round")
    by: str | None = Field(None, description="承办 who held the round (a committee, a meeting)")
    note: str | None = Field(None, description="备注 note")


class Making(BaseModel):
    """制定过程 — how a published standard was made: its project, stage dates and rounds."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)

    project: str | None = Field(
        None, description="项目编号 id of the project in projects/, when there is one"
    )
    history: list[StageEvent] = Field(
        default_factory=list, description="阶段记录 the date of each stage reached"
    )
    rounds: list[Round] = Field(
        default_factory=list, description="“三审三改一研究”轮次 review/revision/study rounds"
    )
