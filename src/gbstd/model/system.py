"""The standard system (标准体系): a tree of modules by 体系编号, and the making process it requires."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from gbstd.model.code import Tier
from gbstd.model.fields import Date, StrList, list_field
from gbstd.model.making import StageField
from gbstd.model.standard import TierField


class Module(BaseModel):
    """一个体系模块 — one module of the standard system."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)

    id: str = Field(pattern=r"^[0-9A-Za-z][0-9A-Za-z.\-]*$", description="体系编号 module number, e.g. 202")
    name: str = Field(min_length=1, description="模块名称 module name, e.g. 公务用车")
    name_en: str | None = Field(None, description="英文名称 English name")
    scope: str | None = Field(None, description="范围 what the module covers")
    subjects: StrList = list_field(
        "主题 subjects expected in this module, as words found in titles, e.g. 处置, 标识, 反食品浪费"
    )
    extension: bool = Field(
        False, description="本地扩展 added locally, beyond the framework named in `adopted_from`"
    )
    modules: list[Module] = Field(default_factory=list, description="子模块 sub-modules")


class ProcessRequirement(BaseModel):
    """制定程序要求 — the stages (and rounds) a tier's standards must go through, from a date on."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)

    name: str = Field(min_length=1, description="程序名称 name, e.g. 地方标准制定程序 or 三审三改一研究")
    tier: TierField = Field(description="适用层级 tier the requirement applies to")  # type: ignore[valid-type]
    regions: StrList = list_field(
        "适用地区 division codes it applies to (a code covers its sub-divisions); empty = all"
    )
    since: Date = Field(description="起始日期 applies to standards published on or after this date")
    stages: list[StageField] = Field(  # type: ignore[valid-type]
        min_length=1, description="必经阶段 stages that must have a date in the standard's making history"
    )
    reviews: int = Field(0, ge=0, description="审 number of review rounds required (三审: 3)")
    revisions: int = Field(0, ge=0, description="改 number of revision rounds required (三改: 3)")
    studies: int = Field(0, ge=0, description="研究 number of study rounds required (一研究: 1)")

    def applies(self, tier: Tier | None, region: str | None, published: dt.date | None) -> bool:
        if tier is not self.tier or published is None or published < self.since:
            return False
        return not self.regions or (region is not None and any(region.startswith(r) for r in self.regions))


class StandardSystem(BaseModel):
    """标准体系 — the catalog's system of modules (one file, ``system.yaml``)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)

    name: str = Field(min_length=1, description="体系名称 name of the standard system")
    adopted_from: str | None = Field(
        None,
        description="所依据的框架 the upper framework this system adopts and extends, e.g. a national one",
    )
    modules: list[Module] = Field(min_length=1, description="模块 top-level modules")
    process: list[ProcessRequirement] = Field(
        default_factory=list, description="制定程序 stages the making process requires, per tier (and region)"
    )

    def walk(self) -> Iterator[tuple[Module, tuple[int | str, ...]]]:
        """Every module depth-first, with its document path (for positions)."""

        def visit(
            modules: list[Module], loc: tuple[int | str, ...]
        ) -> Iterator[tuple[Module, tuple[int | str, ...]]]:
            for index, module in enumerate(modules):
                here = (*loc, index)
                yield module, here
                yield from visit(module.modules, (*here, "modules"))

        yield from visit(self.modules, ("modules",))

    def module_ids(self) -> dict[str, Module]:
        return {module.id: module for module, _ in self.walk()}

    def parents(self) -> dict[str, str]:
        """module id → id of its parent module (top-level modules are absent)."""
        found: dict[str, str] = {}
        for module, _ in self.walk():
            for child in module.modules:
                found[child.id] = module.id
        return found
