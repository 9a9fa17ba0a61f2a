"""Bulletin notes (通报素材): the human-written parts of a half-year or annual bulletin (通报).

A bulletin's figures are computed from the catalog; everything else — the addressee, the opening paragraph,
the narrative of 基本情况, 特色做法, topical sections, 工作经验, 下一步重点工作, the issuing office and the date —
is written by people and kept in one YAML file per period under the catalog's ``notes/`` directory
(``notes/2023H2.yaml``). A section left out becomes a clearly marked placeholder in the bulletin; nothing is
invented.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from gbstd.model.fields import Date
from gbstd.model.month import YEAR_PATTERN

# A bulletin's period: 2023H1, 2023H2 or 2023; year 0000 refused, as a month's is (``\d{4}`` took 0000H1, a
# period no bulletin can be made for).
PERIOD_PATTERN = rf"^{YEAR_PATTERN}(H[12])?$"


class NoteItem(BaseModel):
    """一条素材：小标题与正文 — one item: an optional lead-in heading and its text."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)

    heading: str | None = Field(
        None, description="小标题 lead-in, e.g. 持续优化，确保标准科学好用 (printed in 楷体 before the text)"
    )
    text: str = Field(min_length=1, description="正文 the paragraph")


class NoteSection(BaseModel):
    """一个段落组：引言与条目 — a section: an optional introduction and its items."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)

    intro: str | None = Field(None, description="引言 the section's opening paragraph")
    items: list[NoteItem] = Field(default_factory=list, description="条目 the section's items, in order")


class TopicalSection(NoteSection):
    """专题 — a topical section of 工作情况, e.g. (三)抗击疫情."""

    title: str = Field(min_length=1, description="专题标题 the section's title, e.g. 抗击疫情")


class BulletinNotes(BaseModel):
    """通报素材 — the human-written parts of one period's bulletin (``notes/2023H2.yaml``)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)

    period: str = Field(
        pattern=PERIOD_PATTERN,
        description="报告期 the period these notes are for: 2023H1, 2023H2 or 2023 (annual)",
    )
    title: str | None = Field(
        None, description="标题 the bulletin's title; default: 关于2023年下半年机关事务标准化工作推进情况的通报"
    )
    addressee: str | None = Field(
        None, description="主送机关 addressee, e.g. 各省、自治区、直辖市和新疆生产建设兵团机关事务管理部门"
    )
    opening: str | None = Field(None, description="开头 the opening paragraph before 一、工作情况")
    situation: list[NoteItem] = Field(
        default_factory=list,
        description="基本情况 narrative of (一)基本情况 (统筹规划、组织建设、试点引领…); the computed figures follow it",
    )
    practices: NoteSection | None = Field(None, description="特色做法 (二)特色做法")
    topics: list[TopicalSection] = Field(
        default_factory=list, description="专题 further sections of 工作情况, numbered after (二)特色做法"
    )
    experience: NoteSection | None = Field(None, description="工作经验 二、工作经验")
    next_steps: NoteSection | None = Field(None, description="下一步重点工作 三、下一步重点工作")
    issuer: str | None = Field(None, description="发文机关署名 the issuing office, e.g. 国家机关事务管理局办公室")
    date: Date | None = Field(None, description="成文日期 date of the document")
    illustrative: bool = Field(False, description="示例数据 the notes are illustrative, not a real bulletin")
