"""Loading a catalog directory: list its files, read and validate each, collect load-time findings."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from gbstd.catalog.catalog import Catalog, PlanFile, ProjectRecord, Record
from gbstd.catalog.config_file import CatalogError, find_root, load_config
from gbstd.catalog.validation import validate
from gbstd.catalog.yamlio import parse_yaml, read_text
from gbstd.findings import Finding
from gbstd.i18n import Text
from gbstd.model.code import CodeError, StandardCode
from gbstd.model.config import Config
from gbstd.model.plan import PilotPlan
from gbstd.model.project import Project
from gbstd.model.standard import Standard
from gbstd.model.system import StandardSystem

YAML_SUFFIXES = (".yaml", ".yml")
Progress = Callable[[int], None]


def list_yaml_files(directory: Path) -> list[Path]:
    """YAML files under ``directory``, sorted; symlinked directories are not followed (no loops)."""
    found: list[Path] = []
    for current, dirs, files in os.walk(directory, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        # A directory named like a record is reported (Y010) rather than silently skipped.
        found.extend(Path(current) / name for name in dirs if name.endswith(YAML_SUFFIXES))
        found.extend(Path(current) / name for name in files if name.endswith(YAML_SUFFIXES))
    return sorted(found)


def read_document(path: Path, rel: str, config: Config) -> tuple[object | None, list[Finding]]:
    """Read and parse one YAML file; problems come back as findings with their positions."""
    if path.is_dir():
        return None, [Finding("Y010", Text("这是目录而不是文件", "this is a directory, not a file"), rel, line=1, column=1)]
    text, problems = read_text(path, config.catalog.max_file_size)
    data = None
    if text is not None:
        data, parse_problems = parse_yaml(text)
        problems += parse_problems
    findings = [Finding(p.rule, p.message, rel, line=p.line, column=p.column) for p in problems]
    fatal = text is None or any(p.rule != "Y006" for p in problems)
    return (None if fatal else data), findings


def load_record(path: Path, rel: str, config: Config) -> tuple[Record | None, list[Finding]]:
    """One standard record file → a Record (or None) and its load-time findings."""
    data, findings = read_document(path, rel, config)
    if data is None and findings:
        return None, findings
    standard, code, problems = record_from_data(data, rel, config)
    findings += problems
    if standard is None:
        return None, findings
    return Record(path=path, rel=rel, standard=standard, code=code), findings


def record_from_data(
    data: object, rel: str, config: Config
) -> tuple[Standard | None, StandardCode | None, list[Finding]]:
    """Parsed YAML of a record file → the validated Standard (or None), its parsed code and schema findings.

    Shared by the loader and by readers of older revisions (``gitrepo``), so both judge a file alike.
    """
    raw_code = data.get("code") if isinstance(data, dict) else None
    code: StandardCode | None = None
    if isinstance(raw_code, str):
        try:
            code = StandardCode.parse(raw_code, config.catalog.internal_regex)
        except CodeError:
            code = None  # reported by rule C002, which has the reason
    label = code.canonical if code else (raw_code if isinstance(raw_code, str) else None)
    standard, problems = validate(Standard, data, rel, label)
    return standard, code, problems


def load_system(root: Path, config: Config) -> tuple[StandardSystem | None, str | None, list[Finding]]:
    path = root / config.catalog.system
    if not path.exists():
        return None, None, []
    rel = path.relative_to(root).as_posix()
    data, findings = read_document(path, rel, config)
    if data is None and findings:
        return None, rel, findings
    system, problems = validate(StandardSystem, data, rel, None)
    return system, rel, findings + problems


def load_project(path: Path, rel: str, config: Config) -> tuple[ProjectRecord | None, list[Finding]]:
    """One project file → a ProjectRecord (or None) and its load-time findings."""
    data, findings = read_document(path, rel, config)
    if data is None and findings:
        return None, findings
    label = data.get("id") if isinstance(data, dict) and isinstance(data.get("id"), str) else None
    project, problems = validate(Project, data, rel, label)
    findings += problems
    return (ProjectRecord(path=path, rel=rel, project=project) if project else None), findings


def project_files(root: Path, config: Config) -> list[Path]:
    projects_dir = root / config.catalog.projects
    return list_yaml_files(projects_dir) if projects_dir.is_dir() else []


def load_plan(path: Path, rel: str, config: Config) -> tuple[PlanFile | None, list[Finding]]:
    """One pilot plan file → a PlanFile (or None) and its load-time findings."""
    data, findings = read_document(path, rel, config)
    if data is None and findings:
        return None, findings
    plan, problems = validate(PilotPlan, data, rel, None)
    findings += problems
    return (PlanFile(path=path, rel=rel, plan=plan) if plan else None), findings


def record_files(root: Path, config: Config) -> list[Path]:
    records_dir = root / config.catalog.records
    return list_yaml_files(records_dir) if records_dir.is_dir() else []


def load_catalog(
    start: Path,
    *,
    progress: Progress | None = None,
    on_total: Callable[[int], None] | None = None,
) -> Catalog:
    """Find the catalog that holds ``start`` and load all of it."""
    root = find_root(start)
    config = load_config(root)
    catalog = Catalog(root=root, config=config)
    catalog.system, catalog.system_rel, system_findings = load_system(root, config)
    catalog.load_findings.extend(system_findings)
    if catalog.system_rel:
        catalog.files.append(catalog.system_rel)
    paths = record_files(root, config)
    if on_total:
        on_total(len(paths))
    _load_records(catalog, paths, progress)
    for path in project_files(root, config):
        rel = path.relative_to(root).as_posix()
        project, findings = load_project(path, rel, config)
        catalog.files.append(rel)
        catalog.load_findings.extend(findings)
        if project is not None:
            catalog.projects.append(project)
    _load_plans(catalog)
    return catalog


def _load_records(catalog: Catalog, paths: Iterable[Path], progress: Progress | None) -> None:
    for path in paths:
        rel = path.relative_to(catalog.root).as_posix()
        record, findings = load_record(path, rel, catalog.config)
        catalog.files.append(rel)
        catalog.load_findings.extend(findings)
        if record is not None:
            catalog.records.append(record)
        if progress:
            progress(1)


def _load_plans(catalog: Catalog) -> None:
    plans_dir = catalog.root / catalog.config.catalog.plans
    for path in list_yaml_files(plans_dir) if plans_dir.is_dir() else []:
        rel = path.relative_to(catalog.root).as_posix()
        plan_file, findings = load_plan(path, rel, catalog.config)
        catalog.files.append(rel)
        catalog.load_findings.extend(findings)
        if plan_file is not None:
            catalog.plans.append(plan_file)


__all__ = [
    "CatalogError",
    "list_yaml_files",
    "load_catalog",
    "load_plan",
    "load_project",
    "load_record",
    "read_document",
    "record_from_data",
]
