"""The standard system (标准体系): a tree of modules identified by 体系编号."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from gbstd.model.fields import StrList, list_field


class Module(BaseModel):
    """一个体系模块 — one module of the standard system."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(pattern=r"^[0-9A-Za-z][0-9A-Za-z.\-]*$", description="体系编号 module number, e.g. 202")
    name: str = Field(min_length=1, description="模块名称 module name, e.g. 公务用车")
    name_en: str | None = Field(None, description="英文名称 English name")
    scope: str | None = Field(None, description="范围 what the module covers")
    subjects: StrList = list_field("主题 subjects expected in this module, e.g. 配备, 使用, 维护")
    modules: list[Module] = Field(default_factory=list, description="子模块 sub-modules")


class StandardSystem(BaseModel):
    """标准体系 — the catalog's system of modules (one file, ``system.yaml``)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, description="体系名称 name of the standard system")
    modules: list[Module] = Field(min_length=1, description="模块 top-level modules")

    def walk(self) -> Iterator[tuple[Module, tuple[int | str, ...]]]:
        """Every module depth-first, with its document path (for positions)."""

        def visit(modules: list[Module], loc: tuple[int | str, ...]) -> Iterator[tuple[Module, tuple[int | str, ...]]]:
            for index, module in enumerate(modules):
                here = (*loc, index)
                yield module, here
                yield from visit(module.modules, (*here, "modules"))

        yield from visit(self.modules, ("modules",))

    def module_ids(self) -> dict[str, Module]:
        return {module.id: module for module, _ in self.walk()}
