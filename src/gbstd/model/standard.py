"""The record of one standard (标准), as written in one YAML file of the catalog."""

from __future__ import annotations

import datetime as dt
import unicodedata
from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from gbstd.i18n import Text
from gbstd.model.code import Nature, Tier
from gbstd.model.fields import Date, StrList, alias_enum, list_field
from gbstd.model.making import Making
from gbstd.model.regions import REGION_PATTERN


class Status(str, Enum):
    """状态, as published on the public standard platforms."""

    IN_FORCE = "现行"
    UPCOMING = "即将实施"
    ABOLISHED = "废止"

    @property
    def label(self) -> Text:
        return STATUS_LABELS[self]


STATUS_LABELS: dict[Status, Text] = {
    Status.IN_FORCE: Text("现行", "in force"),
    Status.UPCOMING: Text("即将实施", "upcoming"),
    Status.ABOLISHED: Text("废止", "abolished"),
}

STATUS_ALIASES: dict[str, Enum] = {
    "in-force": Status.IN_FORCE, "in force": Status.IN_FORCE, "current": Status.IN_FORCE,
    "有效": Status.IN_FORCE, "upcoming": Status.UPCOMING, "forthcoming": Status.UPCOMING,
    "abolished": Status.ABOLISHED, "withdrawn": Status.ABOLISHED, "superseded": Status.ABOLISHED,
    "被代替": Status.ABOLISHED, "作废": Status.ABOLISHED,
    # Words people write in tables and on the public platforms (issue 21).
    "现行有效": Status.IN_FORCE, "已废止": Status.ABOLISHED, "被替代": Status.ABOLISHED,
    "已作废": Status.ABOLISHED, "失效": Status.ABOLISHED, "已失效": Status.ABOLISHED, "待实施": Status.UPCOMING,
}  # fmt: skip


def parse_status(raw: str) -> Status | None:
    """A status in any accepted spelling (现行, 现行有效, in force, abolished …), or None."""
    folded = raw.strip().casefold()
    for status in Status:
        if folded in (status.value.casefold(), STATUS_LABELS[status].en.casefold()):
            return status
    found = next((v for k, v in STATUS_ALIASES.items() if k.casefold() == folded), None)
    return Status(found.value) if found is not None else None

TIER_ALIASES: dict[str, Enum] = {
    "国家标准": Tier.NATIONAL, "国标": Tier.NATIONAL, "行业标准": Tier.INDUSTRY, "地方标准": Tier.LOCAL,
    "团体标准": Tier.GROUP, "企业标准": Tier.ENTERPRISE, "内部标准": Tier.INTERNAL,
}  # fmt: skip

NATURE_ALIASES: dict[str, Enum] = {
    "强制": Nature.MANDATORY, "强制性": Nature.MANDATORY, "推荐": Nature.RECOMMENDED,
    "推荐性": Nature.RECOMMENDED, "指导": Nature.GUIDANCE, "指导性": Nature.GUIDANCE,
}  # fmt: skip

StatusField = alias_enum(Status, STATUS_ALIASES, "状态 status: 现行 / 即将实施 / 废止 (in-force / upcoming / abolished)")
TierField = alias_enum(Tier, TIER_ALIASES, "标准层级 tier; derived from the code when omitted")
NatureField = alias_enum(Nature, NATURE_ALIASES, "标准性质 nature; derived from the code when omitted")


class Conclusion(str, Enum):
    """复审结论 — the conclusion of a review."""

    CONTINUE = "继续有效"
    REVISE = "修订"
    ABOLISH = "废止"

    @property
    def label(self) -> Text:
        return CONCLUSION_LABELS[self]


CONCLUSION_LABELS: dict[Conclusion, Text] = {
    Conclusion.CONTINUE: Text("继续有效", "continue"),
    Conclusion.REVISE: Text("修订", "revise"),
    Conclusion.ABOLISH: Text("废止", "abolish"),
}

CONCLUSION_ALIASES: dict[str, Enum] = {
    "continue": Conclusion.CONTINUE, "continued": Conclusion.CONTINUE, "confirm": Conclusion.CONTINUE,
    "confirmed": Conclusion.CONTINUE, "有效": Conclusion.CONTINUE, "确认": Conclusion.CONTINUE,
    "继续": Conclusion.CONTINUE, "revise": Conclusion.REVISE, "revision": Conclusion.REVISE,
    "amend": Conclusion.REVISE, "修改": Conclusion.REVISE, "abolish": Conclusion.ABOLISH,
    "withdraw": Conclusion.ABOLISH, "废除": Conclusion.ABOLISH, "作废": Conclusion.ABOLISH,
}  # fmt: skip

CONCLUSION_HELP = "复审结论 conclusion: 继续有效 / 修订 / 废止 (continue / revise / abolish)"
ConclusionField = alias_enum(Conclusion, CONCLUSION_ALIASES, CONCLUSION_HELP)


class Review(BaseModel):
    """一次复审 — one review of the standard (标准复审)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)

    date: Date = Field(description="复审日期 date of the review (the review clock restarts here)")
    conclusion: ConclusionField = Field(description=CONCLUSION_HELP)  # type: ignore[valid-type]
    by: str = Field(min_length=1, description="复审单位 body that carried out the review")
    note: str | None = Field(None, description="备注 note, e.g. the notice that published the conclusion")
    illustrative: bool = Field(False, description="示例数据 this entry is illustrative, not public data")


class Implementation(BaseModel):
    """一条实施证据 — evidence that a unit applies the standard (标准实施)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)

    unit: str = Field(min_length=1, description="实施单位 unit that applies the standard")
    since: Date | None = Field(None, description="起始日期 applied since this date")
    evaluation: str | None = Field(None, description="评价结果 result of an evaluation of its application")
    note: str | None = Field(None, description="备注 note")
    illustrative: bool = Field(False, description="示例数据 this entry is illustrative, not public data")


# A rule's code: a capital and three ASCII digits ([0-9]: \d took C００９, which the schema refuses and no rule has).
RULE_CODE_PATTERN = r"^[A-Z][0-9]{3}$"


class Suppression(BaseModel):
    """Silences one rule for this record, with the reason on record (an inline ``noqa``)."""

    model_config = ConfigDict(extra="forbid", defer_build=True)
    rule: str = Field(description="被忽略的规则代码 rule code to silence, e.g. C009", pattern=RULE_CODE_PATTERN)
    reason: str = Field(min_length=1, description="忽略理由 why this finding does not apply here")


class DistinctFrom(BaseModel):
    """Declares that this record is knowingly distinct from a similar one (an accepted duplicate pair)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)
    code: str = Field(min_length=1, description="另一项标准的标准号 code of the similar standard")
    reason: str = Field(min_length=1, description="为何不是重复 why the two are not duplicates")


class Standard(BaseModel):
    """一项标准的记录 — the record of one standard."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)

    code: str = Field(min_length=1, description="标准号 standard code, e.g. GB/T 41568-2022")
    title: str = Field(min_length=1, description="标准名称 title in Chinese")
    title_en: str | None = Field(None, description="英文名称 English title")
    tier: TierField | None = Field(None, description="标准层级 tier; derived from the code when omitted")  # type: ignore[valid-type]
    nature: NatureField | None = Field(None, description="标准性质 nature; derived from the code when omitted")  # type: ignore[valid-type]
    status: StatusField = Field(description="状态 status: 现行 / 即将实施 / 废止")  # type: ignore[valid-type]
    published: Date | None = Field(None, description="发布日期 date of publication")
    effective: Date | None = Field(None, description="实施日期 date the standard takes effect")
    abolished: Date | None = Field(None, description="废止日期 date of abolition")
    replaces: StrList = list_field("代替标准 codes of the standards this one replaces")
    replaced_by: StrList = list_field("被代替 codes of the standards that replace this one")
    references: StrList = list_field("规范性引用文件 normative references (codes)")
    adopts: StrList = list_field("采用 upper-tier standards this one adopts (衔接 between tiers)")
    refines: StrList = list_field("细化 upper-tier standards this one refines locally (衔接)")
    issuer: StrList = list_field("发布部门 issuing bodies")
    competent_department: str | None = Field(None, description="主管部门 competent department")
    administering_body: str | None = Field(None, description="归口单位 administering body")
    drafters: StrList = list_field("起草单位 drafting units")
    scope: str | None = Field(None, description="适用范围 scope: 本文件规定了……适用于……")
    region: str | None = Field(
        None, pattern=REGION_PATTERN, description="行政区划代码 region (GB/T 2260); derived from DB codes"
    )
    ccs: str | None = Field(None, description="中国标准文献分类号 CCS class")
    ics: str | None = Field(None, description="国际标准分类号 ICS class")
    module: str | None = Field(None, description="体系编号 module of the standard system, e.g. 202")
    making: Making | None = Field(
        None, description="制定过程 how it was made: project id, stage dates, review rounds"
    )
    sources: StrList = list_field("来源 where the record's data was verified (URLs)")
    illustrative: bool = Field(False, description="示例数据 the record holds non-public, illustrative data")
    note: str | None = Field(None, description="备注 free-text note")
    reviews: list[Review] = Field(
        default_factory=list, description="复审记录 reviews, each with date, conclusion and reviewing body"
    )
    implementations: list[Implementation] = Field(
        default_factory=list, description="实施证据 units applying the standard, since when, evaluations"
    )
    extra: dict[str, str] = Field(
        default_factory=dict,
        description="其他列 columns of an imported spreadsheet that have no field of their own (header → text); "
        "`gbstd report catalog` writes them back as columns",
    )
    distinct_from: list[DistinctFrom] = Field(
        default_factory=list,
        description="并非重复 similar standards this one is knowingly distinct from, each with a reason",
    )
    suppress: list[Suppression] = Field(
        default_factory=list, description="忽略规则 rules silenced for this record, each with a reason"
    )



def module_spelling(raw: str) -> str:
    """A 体系编号 as the system writes it: fullwidth digits and letters (２０３, typed with a Chinese input
    method) as ASCII. Module ids are ASCII (system.yaml's pattern), so this changes no id a system can have;
    ``import`` cleans a cell so, and C016 names a record whose module is only a spelling of a known one."""
    return unicodedata.normalize("NFKC", raw).strip()


def status_contradictions(std: Standard, today: dt.date) -> list[Text]:
    """How a standard's status contradicts its dates on ``today`` (rule C007; `gbstd new` refuses the same):
    现行 with an effective date still ahead or an abolition that has happened; 即将实施 without an effective
    date still ahead; 废止 without an abolition date that has arrived. 现行 without any recorded effective date
    is not a contradiction (older records often lack it)."""
    status = std.status
    messages: list[Text] = []
    if status is Status.IN_FORCE:
        if std.effective and std.effective > today:
            messages.append(Text(f"状态为现行，但实施日期 {std.effective} 尚未到来（应为即将实施）",
                                 f"status is in force, but it takes effect on {std.effective} (upcoming)"))
        if std.abolished and std.abolished <= today:
            messages.append(Text(f"状态为现行，但已于 {std.abolished} 废止",
                                 f"status is in force, but it was abolished on {std.abolished}"))
    elif status is Status.UPCOMING:
        if std.effective and std.effective <= today:
            messages.append(Text(f"状态为即将实施，但已于 {std.effective} 实施（应为现行）",
                                 f"status is upcoming, but it took effect on {std.effective} (in force)"))
        if std.effective is None:
            messages.append(Text("状态为即将实施，但没有实施日期", "status is upcoming, but there is no effective date"))
    elif status is Status.ABOLISHED:
        if std.abolished is None:
            messages.append(Text("状态为废止，但没有废止日期", "status is abolished, but there is no abolition date"))
        elif std.abolished > today:
            messages.append(Text(f"状态为废止，但废止日期 {std.abolished} 尚未到来",
                                 f"status is abolished, but the abolition date {std.abolished} is still ahead"))
    return messages


def model_fields_order(model: type[BaseModel]) -> list[str]:
    """The canonical key order of a record file: the order of the model's fields."""
    return list(model.model_fields)


def dump_value(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value
