"""``gbstd lint``: check a catalog and print findings."""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from gbstd.catalog.baseline import Baseline
from gbstd.catalog.catalog import Catalog
from gbstd.catalog.config_file import CONFIG_NAME, CatalogError
from gbstd.catalog.loader import load_catalog
from gbstd.cli.common import (
    EXIT_ERROR,
    EXIT_FINDINGS,
    EXIT_OK,
    AsOfOption,
    LangChoice,
    LangOption,
    fail,
    parse_as_of,
    progress_bar,
    stderr,
)  # fmt: skip
from gbstd.engine import Selection, run_rules
from gbstd.findings import Severity
from gbstd.gitrepo import build_baseline
from gbstd.i18n import Text
from gbstd.reporters import REPORTER_BY_NAME, ReportInput
from gbstd.rules import RULES_BY_CODE


class Format(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"
    junit = "junit"


FORMAT_HELP = (
    "输出格式 output format: text, json, sarif, github, junit "
    "(default: text; github when GITHUB_ACTIONS=true)."
)
CHANGED_HELP = (
    "只报告自 REF 以来改动的文件，并运行 G 规则 — report only on files changed since git revision REF "
    "(added, modified, renamed, deleted; catalog-wide checks still see every file) "
    "and run the git-aware G rules."
)


def default_format() -> Format:
    """GitHub Actions gets annotations on the diff (as yamllint does); everywhere else, text."""
    return Format.github if os.environ.get("GITHUB_ACTIONS") == "true" else Format.text


def _split(values: list[str] | None) -> list[str]:
    return [part.strip().upper() for value in values or [] for part in value.split(",") if part.strip()]


def lint(
    paths: Annotated[list[Path] | None, typer.Argument(help="目录或文件 catalog directory or files in it (default: .)")] = None,
    output_format: Annotated[Format | None, typer.Option("--format", "-f", help=FORMAT_HELP)] = None,
    changed_since: Annotated[
        str | None, typer.Option("--changed-since", metavar="REF", help=CHANGED_HELP)
    ] = None,
    as_of: AsOfOption = None,
    lang: LangOption = LangChoice.zh,
    select: Annotated[list[str] | None, typer.Option("--select", help="只运行这些规则 run only these rules (codes or prefixes, comma-separated).")] = None,
    ignore: Annotated[list[str] | None, typer.Option("--ignore", help="跳过这些规则 skip these rules.")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="警告也算失败 warnings fail too.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="显示内部错误详情 show details of internal errors.")] = False,
) -> None:
    """检查标准目录 — check a catalog: schema, codes, dates, statuses, supersession, references.

    Exit codes: 0 nothing at error level (with --strict: nothing at warning level either), 1 findings,
    2 the tool could not run (bad config, missing path, internal error).

    Examples:

        gbstd lint standards

        gbstd lint standards/records/local/DB41-T-2144-2021.yaml --lang en

        gbstd lint standards --as-of 2024-01-01 --format json --select C --ignore C015

        gbstd lint standards --changed-since origin/main --format sarif > gbstd.sarif
    """
    language = lang.value
    output_format = output_format or default_format()
    day = parse_as_of(as_of, language)
    targets = paths or [Path(".")]
    for target in targets:
        if not target.exists():
            fail(Text(f"路径不存在：{target}", f"no such path: {target}"), language)
    try:
        with progress_bar("加载 loading" if language == "zh" else "loading") as bar:
            catalog = load_catalog(
                targets[0],
                progress=(lambda n: bar.advance(0, n)) if bar else None,
                on_total=(lambda total: bar.update(0, total=total)) if bar else None,
            )
    except CatalogError as exc:
        fail(exc.text, language)
    roots = {p.resolve() for p in targets}
    only_paths = _paths_within(catalog.root, catalog.files, roots)
    baseline = None
    if changed_since is not None:
        try:
            baseline = build_baseline(catalog, changed_since)
        except CatalogError as exc:
            fail(exc.text, language)
        changed = changed_paths(catalog, baseline)
        if changed is not None:
            within = {
                rel for rel in changed if any((catalog.root / rel).resolve().is_relative_to(t) for t in roots)
            }
            only_paths = changed if only_paths is None else within
    config_lint = catalog.config.lint
    selection = Selection(select=_split(select) or config_lint.select, ignore=config_lint.ignore + _split(ignore))
    unknown = [s for s in selection.select + selection.ignore if s != "ALL" and not any(c.startswith(s) for c in RULES_BY_CODE)]
    if unknown:
        fail(Text(f"未知的规则代码：{', '.join(unknown)}（见 `gbstd rules`）", f"unknown rule codes: {', '.join(unknown)} (see `gbstd rules`)"), language)
    result = run_rules(catalog, day, selection, only_paths=only_paths, baseline=baseline)
    report = ReportInput(
        result=result,
        lang=language,
        files_checked=len(catalog.files if only_paths is None else only_paths),
        color=sys.stdout.isatty() and output_format is Format.text,
        path_prefix=_relative_to_cwd(catalog.root),
    )
    sys.stdout.write(REPORTER_BY_NAME[output_format.value](report))
    for code, detail in result.internal_errors:
        stderr.print(Text(f"规则 {code} 内部错误，请报告此问题；加 --debug 查看详情",
                          f"internal error in rule {code}, please report; run with --debug for details").get(language))
        if debug:
            stderr.print(detail, markup=False)
    if result.internal_errors:
        raise typer.Exit(EXIT_ERROR)
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    raise typer.Exit(EXIT_FINDINGS if any(f.severity in failing for f in result.findings) else EXIT_OK)


def changed_paths(catalog: Catalog, baseline: Baseline) -> set[str] | None:
    """Files to report on when comparing with a revision; None (all) when gbstd.toml changed, since the
    configuration can change every file's findings."""
    if CONFIG_NAME in baseline.changed or CONFIG_NAME in baseline.deleted:
        return None
    current = set(catalog.files)
    return {rel for rel in baseline.changed if rel in current} | baseline.deleted


def _relative_to_cwd(root: Path) -> str:
    try:
        return root.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return root.resolve().as_posix()


def _paths_within(root: Path, files: list[str], targets: set[Path]) -> set[str] | None:
    """Files to report on: None (all) when a target is the catalog root or above it."""
    if any(root == t or root.is_relative_to(t) for t in targets):
        return None
    return {rel for rel in files if any((root / rel).resolve().is_relative_to(t) for t in targets)}
