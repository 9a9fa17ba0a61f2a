"""The catalog as it was at a git revision (the *baseline*), for rules that compare then and now.

Only the files that changed since the revision are kept: unchanged files are the same on both sides, so a
national catalog costs nothing more than its diff. :mod:`gbstd.gitrepo` builds a :class:`Baseline`; rules
read it from ``RuleContext.baseline`` (``None`` when the run does not compare with a revision).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from gbstd.catalog.catalog import Catalog, ProjectRecord, Record
from gbstd.model.code import StandardCode
from gbstd.model.standard import Standard


@dataclass(frozen=True)
class BaseRecord:
    """One record file as it was at the baseline revision."""

    rel: str  # POSIX path relative to the catalog root, at the revision
    data: Any  # the parsed YAML (None when it did not parse)
    standard: Standard | None  # None when the file was not a valid record then
    code: StandardCode | None

    @property
    def key(self) -> str | None:
        """Canonical code at the revision, or the code as written when it did not parse."""
        if self.code is not None:
            return self.code.canonical
        raw = self.data.get("code") if isinstance(self.data, dict) else None
        return raw.strip() if isinstance(raw, str) else None


@dataclass
class Baseline:
    """What changed in a catalog between a revision and the working tree, and the old side of it.

    Paths are POSIX and relative to the catalog root. ``renamed`` maps a current path to its path at the
    revision; ``records`` holds the old side of every modified, renamed or deleted record file.
    """

    ref: str  # as the user wrote it (``origin/main``, ``HEAD~3``)
    commit: str  # the full hash it resolved to
    added: set[str] = field(default_factory=set)
    modified: set[str] = field(default_factory=set)
    renamed: dict[str, str] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)
    records: dict[str, BaseRecord] = field(default_factory=dict)
    # the old side of every modified, renamed or deleted project file (None: not a valid project then): the
    # S006 of the standard a project makes reads the project's stages
    projects: dict[str, ProjectRecord | None] = field(default_factory=dict)

    @property
    def changed(self) -> set[str]:
        """Current paths that are new or different since the revision."""
        return self.added | self.modified | set(self.renamed)

    def before(self, rel: str) -> BaseRecord | None:
        """The record at the revision that the current file ``rel`` was (following a rename)."""
        return self.records.get(self.renamed.get(rel, rel))

    def deleted_records(self) -> list[BaseRecord]:
        return [self.records[rel] for rel in sorted(self.deleted) if rel in self.records]

    def catalog_then(self, catalog: Catalog) -> Catalog:
        """``catalog`` with its record and project files as they were at the revision: an added one left out,
        a modified, renamed or deleted one as it was then (left out when it was not valid then). Every other
        file is taken as it is now: a change to the configuration or the system file reports on every file
        instead (``linting.changed_paths``). Which files came or went is kept (``Catalog.present_then``): a
        plan's evidence file deleted or moved since was there then."""
        changed = self.changed | self.deleted
        records = [record for record in catalog.records if record.rel not in changed]
        records += [Record(catalog.root, old.rel, old.standard, old.code)
                    for old in self.records.values() if old.standard is not None]
        records.sort(key=lambda record: record.rel)
        projects = [entry for entry in catalog.projects if entry.rel not in changed]
        projects += [old for old in self.projects.values() if old is not None]
        projects.sort(key=lambda entry: entry.rel)
        present = dict.fromkeys(self.added | set(self.renamed), False)
        present.update(dict.fromkeys(self.deleted | set(self.renamed.values()), True))  # a path reused: there then
        return replace(catalog, records=records, projects=projects, present_then=present)
