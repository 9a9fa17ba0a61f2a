"""``gbstd fmt``: rewrite catalog files in their canonical layout, or check that they are."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Annotated

import typer

from gbstd.catalog.cache import Cache, cache_wanted
from gbstd.catalog.catalog import Catalog
from gbstd.catalog.config_file import CatalogError, find_root, load_config
from gbstd.catalog.strays import stray_files
from gbstd.catalog.writelock import Busy
from gbstd.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    CatalogOption,
    CatalogPathsArgument,
    LangChoice,
    LangOption,
    fail,
    fail_if_missing,
    named_catalogs,
)
from gbstd.formatting import catalog_files, format_files
from gbstd.i18n import Text


def fmt(
    paths: CatalogPathsArgument = None,
    catalog_option: CatalogOption = None,
    check: Annotated[
        bool, typer.Option("--check", help="只检查，不写入 write nothing; exit 1 if a file would change.")
    ] = False,
    lang: LangOption = LangChoice.zh,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="不读写缓存 neither read nor write the cache (GBSTD_NO_CACHE=1: for every command).")] = False,
    jobs: Annotated[int | None, typer.Option(
        "--jobs", "-j", min=0,
        help="格式化的进程数 formatter processes for many files (0 = one per core, 1 = none; default: [catalog] jobs).",
    )] = None,
) -> None:
    """格式化目录文件 — canonical key order, code spelling and indentation; comments are kept.

    Keys follow the order of the model's fields, codes are written canonically (GB/T 41568-2022),
    indentation is 2 spaces. Files with YAML errors are reported and left untouched. Running it twice
    changes nothing the second time. Files given that are not in any catalog are skipped with a note
    (so that pre-commit can pass every changed YAML file); a directory outside any catalog is an error.

    Files whose content was found canonical before (the cache in `[catalog] cache_dir`) are not read again
    while unchanged; many files are formatted by one process per core.

    Exit codes: 0 all files formatted (or, with --check, already formatted), 1 with --check a file would
    change, or a file could not be formatted; 2 no catalog found, or another gbstd process (a web editor's save,
    an import) kept the catalog's write lock too long, and nothing of that catalog was written.

    Examples:

        gbstd fmt standards

        gbstd fmt --check standards
    """
    language = lang.value
    targets = named_catalogs(paths, catalog_option, language)
    groups: dict[Path, list[Path]] = {}
    outside: list[Path] = []
    for target in targets:
        fail_if_missing(target, language)
        try:
            groups.setdefault(find_root(target), []).append(target)
        except CatalogError as exc:
            if target.is_dir():
                fail(exc.text, language)
            outside.append(target)
    for target in outside:
        typer.echo(
            Text(f"跳过 {target}：不在任何目录中", f"skipped {target}: not in a catalog").get(language),
            err=True,
        )
    would_change = failed = total = 0
    for root, group in groups.items():
        try:
            catalog = Catalog(root=root, config=load_config(root))
        except CatalogError as exc:
            fail(exc.text, language)
        rels = catalog_files(catalog, group)
        for target in group:  # a named file that is no catalog file's (a stray copy) is said, not dropped
            if target.is_file() and not catalog_files(catalog, [target]):
                typer.echo(Text(
                    f"跳过 {target}：不是目录文件（不属于任何文件类型，见 `gbstd lint` 的 Y011）",
                    f"skipped {target}: not a catalog file (it belongs to no file kind; see Y011 in `gbstd lint`)",
                ).get(language), err=True)
            elif target.is_dir() and (strays := _strays_under(catalog, target)):  # a directory's are said too
                typer.echo(Text(
                    f"跳过 {target} 下 {len(strays)} 个 YAML 文件：不是目录文件（不属于任何文件类型，见 `gbstd lint` 的 Y011）："
                    + "、".join(_shown(root, rel) for rel in strays[:3]) + ("…" if len(strays) > 3 else ""),
                    f"skipped {len(strays)} YAML file{'s' if len(strays) > 1 else ''} under {target}: not catalog "
                    "files (they belong to no file kind; see Y011 in `gbstd lint`): "
                    + ", ".join(_shown(root, rel) for rel in strays[:3]) + ("…" if len(strays) > 3 else ""),
                ).get(language), err=True)
        cache = Cache.open(root, catalog.config) if not no_cache and cache_wanted() else None
        try:
            run = format_files(catalog, rels, check=check, cache=cache, jobs=jobs)
        except Busy as exc:  # a web editor (or import) kept the catalog's write lock: this catalog left as it was
            fail(Text(f"{root}：{exc.text.zh}", f"{root}: {exc.text.en}"), language)
        total += len(run.results)
        for result in run.with_outcome("error"):
            failed += 1
            assert result.message is not None
            where = f":{result.line}:{result.column}" if result.line else ""
            typer.echo(f"{_shown(root, result.rel)}{where}: {result.message.get(language)}", err=True)
        for result in run.with_outcome("reformatted"):
            would_change += 1
            label = Text("需要格式化", "would reformat") if check else Text("已格式化", "reformatted")
            typer.echo(f"{label.get(language)}: {_shown(root, result.rel)}")
    if check:
        summary = Text(
            f"{total} 个文件中有 {would_change} 个需要格式化，{failed} 个无法格式化",
            f"{would_change} of {total} files would be reformatted, {failed} could not be formatted",
        )
    else:
        summary = Text(
            f"格式化了 {total} 个文件中的 {would_change} 个，{failed} 个无法格式化",
            f"reformatted {would_change} of {total} files, {failed} could not be formatted",
        )
    typer.echo(summary.get(language))
    raise typer.Exit(EXIT_FINDINGS if failed or (check and would_change) else EXIT_OK)


def _strays_under(catalog: Catalog, target: Path) -> list[str]:
    """The stray YAML files (catalog-relative, as lint's Y011 finds them) at or under directory ``target``."""
    try:
        within = PurePosixPath(target.resolve().relative_to(catalog.root.resolve()).as_posix())
    except ValueError:
        return []
    if within == PurePosixPath("."):
        return stray_files(catalog.root, catalog.config)
    return [rel for rel in stray_files(catalog.root, catalog.config) if PurePosixPath(rel).is_relative_to(within)]


def _shown(root: Path, rel: str) -> str:
    path = root / rel
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()
