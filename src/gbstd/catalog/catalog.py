"""The Catalog: every record, project, plan, the standard system and the config of one catalog directory, in memory."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Generic, TypeVar, overload

from gbstd.findings import Finding
from gbstd.model.code import Nature, StandardCode, Tier, try_parse
from gbstd.model.config import Config
from gbstd.model.notes import BulletinNotes
from gbstd.model.plan import PilotPlan
from gbstd.model.project import Project
from gbstd.model.standard import Standard, Status
from gbstd.model.system import StandardSystem

_T = TypeVar("_T")


class remembered(Generic[_T]):  # lower case: used as a decorator, like functools.cached_property
    """``functools.cached_property`` as Python 3.12 has it: before 3.12 it takes a lock on every first access,
    a tenth of a second over the half million first accesses a national catalog's duplicate detection makes."""

    def __init__(self, func: Callable[[Any], _T]) -> None:
        self.func, self.name = func, func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> remembered[_T]: ...
    @overload
    def __get__(self, instance: object, owner: type | None = None) -> _T: ...
    def __get__(self, instance: object | None, owner: type | None = None) -> _T | remembered[_T]:
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.func(instance)
        return value



def edition_stem(key: str) -> str:
    """A code without its year and spaces (``GB/T29118``): the key of :attr:`Catalog.editions`."""
    return key.rsplit("-", 1)[0].replace(" ", "")

@dataclass
class Record:
    """One standard's file: where it is, what it says, and its parsed code (None when invalid)."""

    # the catalog it was read from (not template data: templates get the record's path inside the catalog)
    root: Path = field(metadata={"template": False})
    rel: str  # POSIX path relative to the catalog root
    standard: Standard
    code: StandardCode | None
    member: str | None = None  # the federation member holding it (None: the catalog's own)
    # Its file when that is not ``root / rel`` (a member's record in a union needs none: see ``path``).
    where: Path | None = field(default=None, repr=False, compare=False, metadata={"template": False})

    @remembered
    def path(self) -> Path:
        """The record's file (made on first use: a Path per record was a fifth of loading a national catalog
        from the cache, and most runs never ask)."""
        if self.where is not None:
            return self.where
        rel, member = self.rel, self.member
        if member is not None and rel.startswith(member + "/"):  # a member's record in a union: its rel there
            rel = rel[len(member) + 1 :]  # is its member's prefix and its path inside the member's catalog
        return self.root / rel

    # A record's standard and code are never changed in place (an edit makes a new Record), so what the rules
    # read of them millions of times at 100 000 records is set once here, as plain attributes: one call per
    # record instead of five first accesses through a descriptor (a quarter of a second at 100 000, in every
    # process that loads the catalog and reads them, which is nearly all).
    key: str = field(init=False, repr=False, compare=False)  # the canonical code, or the code as written
    tier: Tier | None = field(init=False, repr=False, compare=False)
    region: str | None = field(init=False, repr=False, compare=False)
    status: Status = field(init=False, repr=False, compare=False)
    title: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        standard, code = self.standard, self.code
        if code is not None:
            self.key, self.tier = code.canonical, code.tier
            self.region = standard.region or code.region
        else:
            self.key, self.tier, self.region = standard.code, standard.tier, standard.region
        self.status, self.title = standard.status, standard.title

    @property
    def nature(self) -> Nature | None:
        return self.standard.nature or (self.code.nature if self.code else None)

    @property
    def issuer_scope(self) -> str | None:
        """Who the standard belongs to: its region for a local standard, its code's prefix (GB, JT, T/CAGA,
        HNJGSW…) otherwise — two associations' group standards are not one body's."""
        if self.tier is Tier.LOCAL:
            return self.region
        return self.code.prefix if self.code else None


@dataclass
class NotesFile:
    """One bulletin-notes file (通报素材) and what it says."""

    path: Path
    rel: str
    notes: BulletinNotes
    member: str | None = None


@dataclass
class ProjectRecord:
    """One standard-in-the-making's file (``projects/<id>.yaml``)."""

    path: Path
    rel: str  # POSIX path relative to the catalog root
    project: Project
    member: str | None = None

    @property
    def key(self) -> str:
        return self.project.id


@dataclass
class PlanFile:
    """One pilot plan's file; its identity is the file name without extension (``henan-2021``)."""

    path: Path
    rel: str  # POSIX path relative to the catalog root
    plan: PilotPlan
    member: str | None = None

    @property
    def key(self) -> str:
        return self.path.stem


@dataclass
class MemberInfo:
    """One loaded member of a federation: where it was read and at which commit (for reports and status)."""

    name: str  # the prefix of its files' paths; a nested member's is "outer/inner"
    kind: str  # "path" or "git"
    source: str  # the configured path or git URL
    root: Path  # where its catalog was read
    commit: str | None = None  # the commit read (git members; path members inside a git work tree)
    fetched_at: str | None = None  # ISO time of `gbstd federation sync` (git members)
    records: int = 0
    system: StandardSystem | None = None  # the member's own standard system, when it has one


@dataclass
class Catalog:
    root: Path
    config: Config
    records: list[Record] = field(default_factory=list)
    projects: list[ProjectRecord] = field(default_factory=list)
    plans: list[PlanFile] = field(default_factory=list)
    system: StandardSystem | None = None
    system_rel: str | None = None
    notes: list[NotesFile] = field(default_factory=list)
    # Findings made while loading (file problems, schema errors); rules Y*** and C001 report them.
    load_findings: list[Finding] = field(default_factory=list)
    # Files that were read (POSIX, relative): rules and reporters limit output to these when asked.
    files: list[str] = field(default_factory=list)
    # Content hash (SHA-256) of each record file that was read, by relative path: keys of the lint cache.
    hashes: dict[str, str] = field(default_factory=dict)
    # A federation's union (gbstd.catalog.federation): its members in config order, and each member's path
    # prefix ("河南/") → the directory its files are read from. Empty for a plain catalog.
    members: list[MemberInfo] = field(default_factory=list)
    mounts: dict[str, Path] = field(default_factory=dict)

    def locate(self, rel: str) -> tuple[Path, Path]:
        """The file behind a path as findings name it, and the catalog root it must stay inside."""
        for prefix in sorted(self.mounts, key=len, reverse=True):  # a nested member's prefix is the longer
            top = self.mounts[prefix]
            if rel.startswith(prefix):
                return top / rel[len(prefix):], top
        return self.root / rel, self.root
    # Top-level positions of each record file parsed in this run (yamlio.Positions), by relative path: a
    # finding's line comes from here instead of a second parse.
    positions: dict[str, Any] = field(default_factory=dict)
    # Only in the catalog as it was at a git revision (Baseline.catalog_then): whether a file that came or went
    # since was there then, by POSIX path relative to the root. Lint reads the plans' evidence files from the
    # file system (P008), which holds only what is there now.
    present_then: dict[str, bool] = field(default_factory=dict)

    @cached_property
    def by_code(self) -> dict[str, list[Record]]:
        index: dict[str, list[Record]] = defaultdict(list)
        for record in self.records:
            index[record.key].append(record)
        return dict(index)

    @cached_property
    def editions(self) -> dict[str, list[Record]]:
        """Undated code without spaces (``GB/T29118``) → every edition of it in the catalog."""
        index: dict[str, list[Record]] = defaultdict(list)
        for record in self.records:
            if record.code:
                index[edition_stem(record.key)].append(record)
        return dict(index)

    def resolve(self, raw: str) -> StandardCode | None:
        return try_parse(raw, self.config.catalog.internal_regex)

    def key_for(self, raw: str) -> str:
        """The ``by_code`` key a code typed in any spelling looks records up by: its canonical form, or the
        text itself (stripped) when it is no code."""
        code = self.resolve(raw)
        return code.canonical if code else raw.strip()

    def get(self, raw: str) -> Record | None:
        """The record for a code in any spelling, or None."""
        found = self.by_code.get(self.key_for(raw))
        return found[0] if found else None

    def unread(self) -> list[str]:
        """Files found in a file kind's place that were left out: unreadable, or not a valid record, project,
        plan, notes or system file (what ``gbstd lint`` reports on them says why). A report counted without
        them must say so. Stray files (Y011) are in no kind's place and in no count by design."""
        loaded = {
            *(record.rel for record in self.records), *(project.rel for project in self.projects),
            *(plan.rel for plan in self.plans), *(notes.rel for notes in self.notes),
        }
        if self.system is not None and self.system_rel is not None:
            loaded.add(self.system_rel)
        # a federation member's own system (read as the member's; its file name as the federating catalog's)
        loaded.update(f"{info.name}/{self.config.catalog.system}" for info in self.members if info.system is not None)
        return sorted({f.path for f in self.load_findings if f.rule != "Y011"} - loaded)

    def repeated(self) -> list[str]:
        """Record files whose code an earlier file (by path) of the same catalog or member already holds: one
        standard saved twice (C008). A figure that counts standards counts it once."""
        seen: set[tuple[str | None, str]] = set()
        repeats = []
        for record in self.records:
            identity = (record.member, record.key)
            if identity in seen:
                repeats.append(record.rel)
            seen.add(identity)
        return repeats

    def notes_for(self, period: str) -> NotesFile | None:
        """The notes file written for a period key such as ``2023H2``, if the catalog has one."""
        return next((n for n in self.notes if n.notes.period == period), None)

    @cached_property
    def member_modules(self) -> dict[str, dict[str, str]]:
        """Federation member → its own system's modules (members with a system of their own only)."""
        return {
            info.name: {module.id: module.name for module in info.system.module_ids().values()}
            for info in self.members if info.system is not None
        }

    def modules_of(self, record: Record) -> dict[str, str]:
        """The modules a record is filed against: its member's own system when it has one, else the catalog's."""
        if record.member is not None and record.member in self.member_modules:
            return self.member_modules[record.member]
        return self.modules

    @cached_property
    def modules(self) -> dict[str, str]:
        """体系编号 → module name; empty when the catalog has no system file."""
        if self.system is None:
            return {}
        return {module.id: module.name for module in self.system.module_ids().values()}
