"""``gbstd lint``: check a catalog and print findings."""

from __future__ import annotations

import datetime as dt
import gc
import os
import sys
import traceback
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from gbstd.catalog.cache import cache_wanted
from gbstd.catalog.catalog import Catalog
from gbstd.catalog.config_file import CatalogError, cache_overlap, find_root, load_config, with_cache_dir
from gbstd.catalog.loader import catalog_files
from gbstd.catalog.real_paths import RealPaths, is_within
from gbstd.catalog.safe_read import named_directory_problem
from gbstd.catalog.strays import stray_files
from gbstd.cli.common import (
    EXIT_ERROR,
    EXIT_FINDINGS,
    EXIT_OK,
    AllowMissingOption,
    AsOfOption,
    CatalogOption,
    CatalogPathsArgument,
    LangChoice,
    LangOption,
    MemberOption,
    fail,
    fail_if_missing,
    input_path,
    named_catalogs,
    parse_as_of,
    progress_bar,
    stderr,
    warn,
)  # fmt: skip
from gbstd.cli.console import COUNTED_HANDLER
from gbstd.engine import Selection
from gbstd.federated_lint import lint_union
from gbstd.findings import Severity
from gbstd.i18n import Lang, Text
from gbstd.linting import DamagedResult, LintOutcome, lint_catalog
from gbstd.model.config import Config
from gbstd.reporters import REPORTER_BY_NAME, ReportInput
from gbstd.reporters.stored import output_key, print_report
from gbstd.rules import RULES_BY_CODE
from gbstd.undecodable import has_undecodable

T = TypeVar("T")


class Format(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"
    junit = "junit"


# Formats that programs read, written as UTF-8 whatever the console's encoding: JSON and SARIF must be, a
# JUnit document declares it, and the Actions runner reads workflow commands so.
DOCUMENTS = frozenset({Format.json, Format.sarif, Format.junit, Format.github})

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
    paths: CatalogPathsArgument = None,
    catalog_option: CatalogOption = None,
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
    no_cache: Annotated[bool, typer.Option("--no-cache", help="不读写缓存 neither read nor write the cache (GBSTD_NO_CACHE=1: for every command).")] = False,
    cache_dir: Annotated[str | None, typer.Option(
        "--cache-dir", metavar="DIR",
        help="缓存目录 cache directory (default: [catalog] cache_dir, which must be inside the catalog; "
        "only this option may put it elsewhere).",
    )] = None,
    jobs: Annotated[int | None, typer.Option(
        "--jobs", "-j", min=0,
        help="读取文件的进程数 reader processes for large catalogs (0 = one per core, 1 = none; default: [catalog] jobs).",
    )] = None,
    member: MemberOption = None,
    allow_missing: AllowMissingOption = False,
) -> None:
    """检查标准目录 — check a catalog: schema, codes, dates, statuses, supersession, references.

    Exit codes: 0 nothing at error level (with --strict: nothing at warning level either), 1 findings,
    2 the tool could not run (bad config, missing path, internal error).

    Results are cached in the catalog's cache directory (`[catalog] cache_dir`, default `.gbstd-cache`):
    an unchanged catalog is answered from the cache; after an edit only the changed files are read and
    checked again, and a catalog-wide rule runs again only when a field it reads changed.

    Examples:

        gbstd lint standards

        gbstd lint standards/records/local/DB41-T-2397-2023.yaml --lang en

        gbstd lint standards --as-of 2024-01-01 --format json --select C --ignore C015

        gbstd lint standards --changed-since origin/main --format sarif > gbstd.sarif
    """
    # The collector stays off while the report is printed too, and what the run leaves is frozen before it
    # resumes: resuming with millions of uncollected objects in the youngest generation walked all of them
    # (0.25 s at 10 000 records), and the process is about to end anyway. Reference counting frees the rest.
    enabled = gc.isenabled()
    gc.disable()
    try:
        _lint(paths, catalog_option, output_format, changed_since, as_of, lang, select, ignore, strict, debug,
              no_cache, cache_dir, jobs, member, allow_missing)
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def _lint(
    paths: list[str] | None, catalog_option: str | None, output_format: Format | None, changed_since: str | None,
    as_of: str | None, lang: LangChoice, select: list[str] | None, ignore: list[str] | None, strict: bool,
    debug: bool, no_cache: bool, cache_dir: str | None, jobs: int | None, member: list[str] | None,
    allow_missing: bool,
) -> None:
    language = lang.value
    output_format = output_format or default_format()
    use_cache = not no_cache and cache_wanted()  # GBSTD_NO_CACHE: --no-cache for every command
    day = parse_as_of(as_of, language)
    if changed_since is not None and not changed_since.strip():
        # `--changed-since "$BASE"` with BASE unset: git was asked for the revision '' ("unknown revision ;")
        fail(Text("--changed-since 为空：请给出 git 修订（如 origin/main）",
                  "--changed-since is empty: give it a git revision (e.g. origin/main)"), language)
    for option, values in (("--select", select), ("--ignore", ignore)):
        if any(not _split([value]) for value in values or []):
            # `--select "$RULES"` with RULES unset named no rule, and the run went on with every rule (or the
            # configuration's selection) as if the option had not been given
            fail(Text(f"{option} 为空：请给出规则代码或前缀（如 C005、C）",
                      f"{option} is empty: give it rule codes or prefixes (e.g. C005, C)"), language)
    targets = named_catalogs(paths, catalog_option, language)
    for target in targets:
        fail_if_missing(target, language)
    try:
        root = find_root(targets[0])
        config = load_config(root)
    except CatalogError as exc:
        fail(exc.text, language)
    named_cache = input_path(cache_dir, language, "--cache-dir")
    if named_cache is not None:
        if use_cache and (problem := named_directory_problem(named_cache)) is not None:
            # the cache the user named is used or said not to be usable: never left out without a word
            fail(Text(f"无法使用缓存目录（--cache-dir）：{problem.zh}", f"cannot use the cache directory (--cache-dir): "
                      f"{problem.en}"), language)
        if use_cache and (overlap := cache_overlap(root, config, named_cache)) is not None:
            fail(Text(f"无法使用缓存目录（--cache-dir）：{named_cache} {overlap.zh}",
                      f"cannot use the cache directory (--cache-dir): {named_cache} {overlap.en}"), language)
        config = with_cache_dir(config, named_cache)
    roots = {p.resolve() for p in targets}
    config_lint = config.lint
    selection = Selection(select=_split(select) or config_lint.select, ignore=config_lint.ignore + _split(ignore))
    _check_codes(_split(select) + _split(ignore), config_lint.select + config_lint.ignore,
                 list(config_lint.severity), language)
    color, prefix = sys.stdout.isatty() and output_format is Format.text, _path_prefix(root, output_format)
    out = getattr(sys.stdout, "buffer", None)  # reports are written as bytes, so that stored ones can be copied
    encoding, errors = getattr(sys.stdout, "encoding", None) or "utf-8", getattr(sys.stdout, "errors", None) or "strict"
    if output_format in DOCUMENTS:  # read by programs: UTF-8 whatever the console (a GBK one broke them all)
        encoding, errors = "utf-8", "surrogateescape"
    # a stored report's bytes bypass the encoder, which counts what a file in GBK loses (console.warn_lost)
    spliced = out is not None and errors != COUNTED_HANDLER
    key = output_key(output_format.value, language, color, prefix, encoding, errors) if spliced else None

    def run(again: bool = False) -> LintOutcome:
        if config.federation.members or member:
            if changed_since is not None:
                fail(Text("联合目录不支持 --changed-since（成员各有其 git 历史）",
                          "--changed-since does not apply to a federation (each member has its own git history)"), language)
            return _lint_union(root, config, targets, day, selection, member, allow_missing, use_cache, debug,
                               language, key, warned=again)
        return _lint_one(root, config, targets, roots, day, selection, changed_since, not use_cache, jobs, debug,
                         language, key)

    outcome = run()
    for attempt in range(2):
        report = ReportInput(
            result=outcome.result,
            lang=language,
            files_checked=len(outcome.files if outcome.only_paths is None else outcome.only_paths),
            color=color,
            path_prefix=prefix,
            undecodable=any(map(has_undecodable, [prefix, *outcome.files])),
        )
        try:
            if out is None or key is None:  # line endings translated, or an encoding that cannot be spliced
                sys.stdout.write(REPORTER_BY_NAME[output_format.value](report))
                counts = None
            else:
                sys.stdout.flush()
                counts = print_report(
                    report, output_format.value, out, encoding, errors, cache=outcome.cache,
                    result_id=outcome.result_id, key=key, stored=outcome.output, splice=outcome.splice,
                )
                out.flush()
            break
        except DamagedResult:  # stored rows that do not decode (nothing printed yet): lint without them
            if attempt or outcome.cache is None:
                raise
            outcome.cache.forget_result()
            outcome = run(again=True)
    result = outcome.result
    for code, detail in result.internal_errors:
        stderr.print(Text(f"规则 {code} 内部错误，请报告此问题；加 --debug 查看详情",
                          f"internal error in rule {code}, please report; run with --debug for details").get(language))
        if debug:
            stderr.print(detail, markup=False)
    if result.internal_errors:
        raise typer.Exit(EXIT_ERROR)
    if counts is not None:
        failed = counts.errors > 0 or (strict and counts.warnings > 0)
    else:
        failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
        failed = any(f.severity in failing for f in result.findings)
    raise typer.Exit(EXIT_FINDINGS if failed else EXIT_OK)


def _lint_union(
    root: Path, config: Config, targets: list[Path], day: dt.date, selection: Selection,
    members: list[str] | None, allow_missing: bool, use_cache: bool, debug: bool, language: Lang,
    key: str | None = None, warned: bool = False,
) -> LintOutcome:
    """A federation: the union of the catalog and its members (:mod:`gbstd.federated_lint`); a path argument
    limits the report to the files under it. ``warned``: the skipped members were named already (a second
    run, after stored rows that did not decode)."""
    narrower = [(target, top) for target in targets
                if not (root == (top := target.resolve()) or root.is_relative_to(top))]
    limited = bool(narrower) and len(narrower) == len(targets)  # no target is the catalog or above it
    outcome, mounts = _guarded(lambda progress, on_total: lint_union(
        root, config, day, selection, members=members, allow_missing=allow_missing,
        warn=None if warned else lambda message: warn(message, language), use_cache=use_cache, progress=progress,
        on_total=on_total, output_key=None if limited else key,  # a report limited to paths is not the stored one
    ), debug, language)
    if not narrower:  # the catalog itself (or above it): every file, and nothing to locate
        return outcome
    where = Catalog(root=root, config=config, mounts=mounts)
    real = RealPaths()
    located = {rel: real.of(where.locate(rel)[0]) for rel in outcome.files}
    within: dict[Path, set[str]] = {}
    for target, top in narrower:  # each path named must hold files of the union: never dropped without a word
        within[top] = {rel for rel, path in located.items() if is_within(path, os.fspath(top))}
        if not within[top]:
            fail(Text(f"{target} 中没有联合目录的文件（不在联合目录或其成员之内，或已被排除）",
                      f"{target} holds no file of the federation (outside it and its members, or excluded)"), language)
    if limited:  # the report is limited
        only = set().union(*within.values())
        outcome.result.findings = [f for f in outcome.result.findings if f.path in only]
        outcome.only_paths = only
        outcome.cache = outcome.result_id = None  # the report printed is not the whole result's: not stored
    return outcome


def _lint_one(
    root: Path, config: Config, targets: list[Path], roots: set[Path], day: dt.date, selection: Selection,
    changed_since: str | None, no_cache: bool, jobs: int | None, debug: bool, language: Lang,
    key: str | None = None,
) -> LintOutcome:
    """One catalog directory, through the cache and the incremental state."""
    only_paths = _paths_within(root, lambda: catalog_files(root, config) + stray_files(root, config), roots)
    _require_catalog_paths(root, targets, only_paths, language)
    return _guarded(lambda progress, on_total: lint_catalog(
        root, config, day, selection, only_paths=only_paths, targets=roots, changed_since=changed_since,
        use_cache=not no_cache, jobs=jobs, progress=progress, on_total=on_total, output_key=key,
    ), debug, language)


def _guarded(run: Callable[[Callable[[int], None] | None, Callable[[int], None] | None], T], debug: bool,
             language: Lang) -> T:
    """``run(progress, on_total)`` behind a progress bar; a CatalogError or a bug is one line, exit 2."""
    try:
        with progress_bar("加载 loading" if language == "zh" else "loading") as bar:
            return run(
                (lambda n: bar.advance(0, n)) if bar else None,
                (lambda total: bar.update(0, total=total)) if bar else None,
            )
    except CatalogError as exc:
        fail(exc.text, language)
    except Exception:  # a bug must show as one line, not a traceback
        if debug:
            stderr.print(traceback.format_exc(), markup=False)
        fail(Text(
            "加载目录时内部错误，请报告此问题；加 --debug 查看详情",
            "internal error while loading the catalog, please report; run with --debug for details",
        ), language)


def _check_codes(given: list[str], configured: list[str], severities: list[str], lang: Lang) -> None:
    """Exit 2 on a rule code that names no rule: on the command line, in gbstd.toml's [lint] select/ignore,
    or as a key of [lint.severity] (a typo there silently changed no rule's severity). Each code once."""

    def unknown(selectors: list[str]) -> list[str]:
        return list(dict.fromkeys(
            s for s in selectors if s != "ALL" and not any(code.startswith(s) for code in RULES_BY_CODE)
        ))

    problems = []
    if bad := unknown(given):
        problems.append(Text(f"未知的规则代码：{', '.join(bad)}", f"unknown rule codes: {', '.join(bad)}"))
    if bad := unknown(configured):
        problems.append(Text(f"gbstd.toml [lint] select/ignore 中未知的规则代码：{', '.join(bad)}",
                             f"unknown rule codes in gbstd.toml [lint] select/ignore: {', '.join(bad)}"))
    if bad := [code for code in severities if code not in RULES_BY_CODE]:
        problems.append(Text(f"gbstd.toml [lint.severity] 中的 {', '.join(bad)} 不是规则代码（须写完整代码，如 C009）",
                             f"{', '.join(bad)} in gbstd.toml [lint.severity] is not a rule code "
                             "(write a whole code, e.g. C009)"))
    if problems:
        fail(Text("；".join(p.zh for p in problems) + "（见 `gbstd rules`）",
                  "; ".join(p.en for p in problems) + " (see `gbstd rules`)"), lang)


# Formats whose paths GitHub resolves against the repository's checkout (GITHUB_WORKSPACE), not against the
# directory the step ran in: annotations on the diff, and code scanning's SARIF (upload-sarif's checkout_path).
_FROM_CHECKOUT = frozenset({Format.github, Format.sarif})


def _path_prefix(root: Path, output_format: Format) -> str:
    """The catalog root as the output names it: relative to the working directory, or, in GitHub Actions, to the
    checkout for the formats GitHub reads (a step with ``working-directory: sub`` gave annotations paths that
    named no file of the repository)."""
    base = Path.cwd().resolve()
    workspace = os.environ.get("GITHUB_WORKSPACE")
    if output_format in _FROM_CHECKOUT and workspace and root.resolve().is_relative_to(Path(workspace).resolve()):
        base = Path(workspace).resolve()
    try:
        return root.resolve().relative_to(base).as_posix()
    except ValueError:
        return root.resolve().as_posix()


def _require_catalog_paths(root: Path, targets: list[Path], only: set[str] | None, lang: Lang) -> None:
    """Each path named on the command line must hold catalog files (stray ones included, which Y011 reports):
    a path outside the catalog or one it ignores is an error, never "0 files checked". Checked beside the
    catalog itself too (``lint standards other``): there the other path was passed over without a word."""
    top = root.resolve()
    for target in targets:
        where = target.resolve()
        if not (where.is_relative_to(top) or top.is_relative_to(where)):
            fail(Text(f"{target} 不在目录 {root} 之内", f"{target} is not inside the catalog {root}"), lang)
    if only is None:
        return
    real = RealPaths()
    located = [real.of(os.path.join(top, rel)) for rel in only]
    for target in targets:
        where = target.resolve()
        if not where.is_relative_to(top):
            fail(Text(f"{target} 不在目录 {root} 之内", f"{target} is not inside the catalog {root}"), lang)
        if not any(is_within(path, os.fspath(where)) for path in located):
            rel = where.relative_to(top).as_posix()
            if where.is_dir():
                fail(Text(f"{target} 中没有目录文件（{rel}/ 已被忽略或排除）",
                          f"{target} holds no catalog files ({rel}/ is ignored or excluded)"), lang)
            fail(Text(
                f"{target} 不是目录中的文件（{rel}：不是记录、项目、方案、通报素材或体系文件，或已被排除）",
                f"{target} is not a catalog file ({rel}: not a record, project, plan, notes or system file, "
                "or excluded)",
            ), lang)


def _paths_within(root: Path, files: Callable[[], list[str]], targets: set[Path]) -> set[str] | None:
    """Files to report on: None (all) when a target is the catalog root or above it."""
    if any(root == t or root.is_relative_to(t) for t in targets):
        return None
    real, tops, base = RealPaths(), [os.fspath(t) for t in targets], os.fspath(root)
    return {rel for rel in files() if any(is_within(real.of(os.path.join(base, rel)), top) for top in tops)}
