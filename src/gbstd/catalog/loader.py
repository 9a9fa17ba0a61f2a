"""Loading a catalog directory: list its files, read and validate each, collect load-time findings."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from gbstd.catalog.catalog import Catalog, Record
from gbstd.catalog.config_file import CatalogError, find_root, load_config
from gbstd.catalog.validation import validate
from gbstd.catalog.yamlio import parse_yaml, read_text
from gbstd.findings import Finding
from gbstd.i18n import Text
from gbstd.model.code import CodeError, StandardCode
from gbstd.model.config import Config
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
    raw_code = data.get("code") if isinstance(data, dict) else None
    code: StandardCode | None = None
    if isinstance(raw_code, str):
        try:
            code = StandardCode.parse(raw_code, config.catalog.internal_regex)
        except CodeError:
            code = None  # reported by rule C002, which has the reason
    label = code.canonical if code else (raw_code if isinstance(raw_code, str) else None)
    standard, problems = validate(Standard, data, rel, label)
    findings += problems
    if standard is None:
        return None, findings
    return Record(path=path, rel=rel, standard=standard, code=code), findings


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


__all__ = ["CatalogError", "list_yaml_files", "load_catalog", "load_record", "read_document"]
