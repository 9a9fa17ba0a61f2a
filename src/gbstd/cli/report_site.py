"""``gbstd report site``: the static, offline HTML site of the catalog."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from jinja2 import TemplateError

from gbstd.catalog.atomic import file_on_the_way
from gbstd.cli.common import (
    AllowMissingOption,
    AsOfOption,
    CatalogArgument,
    CatalogOption,
    LangChoice,
    LangOption,
    MemberOption,
    detection_line,
    fail,
    fail_unwritable,
    load_union_or_fail,
    named_catalog,
    output_path,
    parse_as_of,
    progress_bar,
    stderr,
)
from gbstd.cli.report import report_app
from gbstd.i18n import Text
from gbstd.printable import printable
from gbstd.reports.site import SITE_MARKER, build_site, is_site_directory
from gbstd.reports.templating import template_error


@report_app.command("site")
def site(
    catalog_path: CatalogArgument = None,
    catalog_option: CatalogOption = None,
    output_option: Annotated[str, typer.Option("--output", "-o", metavar="DIR",
                                               help="输出目录 directory to write the site into.")] = "site",
    as_of: AsOfOption = None,
    member: MemberOption = None,
    allow_missing: AllowMissingOption = False,
    lang: LangOption = LangChoice.zh,
) -> None:
    """生成目录网站 — write a static, offline HTML site: an index with search and filters, one page per standard.

    Open `index.html` in any browser, no server needed. Templates: `templates/site/` (override them in the
    catalog's own `templates/site/`).

    The output directory is replaced whole once every page is written (a failure leaves the old site as it
    was; the current directory, `-o .`, or a mount point is updated in place, file by file, once every page
    is written), so it must be missing, empty, or a site gbstd wrote before; files someone added to that site or
    edited since are kept, and named (an edited page as NAME~kept.html beside the new one). Two records whose
    page names collide
    each keep a page; the command names them. Templates and assets overridden in the catalog must be regular
    files inside its `templates/` (no symlinks).

    Exit codes: 0 written, 2 could not run (no catalog, unwritable output directory, a directory that is not
    a gbstd site, `-o -`: a site is not written to standard output, a template that fails or is refused).

    Examples:

        gbstd report site standards -o site

        gbstd report site standards -o /srv/www/standards --as-of 2024-01-01
    """
    language = lang.value
    catalog_path = named_catalog(catalog_path, catalog_option, language)
    output = output_path(output_option, language) or Path("site")
    day = parse_as_of(as_of, language)
    if str(output) == "-":  # standard output to `report catalog`; a site is many files: no directory named "-"
        fail(Text("网站是一个目录，不能写到标准输出：-o 须给出目录名（如 -o site）",
                  "a site is a directory of files and cannot be written to standard output: give -o a directory "
                  "(e.g. -o site)"), language)
    if output.exists() and not output.is_dir():
        fail(Text(f"输出路径不是目录：{output}", f"the output path is not a directory: {output}"), language)
    if (blocker := file_on_the_way(output)) is not None:  # named as given: the writer only knows it resolved
        fail(Text(f"无法写入 {output}：{blocker} 是文件，不是目录", f"cannot write {output}: {blocker} is a file, "
                  "not a directory"), language)
    if not is_site_directory(output):
        fail(Text(f"输出目录非空，且不是 gbstd 生成的网站（网站会整体替换该目录）：{output}；请换一个目录或先清空它",
                  f"the output directory is not empty and is not a site gbstd wrote (the site replaces it whole): "
                  f"{output}; choose another directory or empty it first ({SITE_MARKER} marks a gbstd site)"),
             language)
    catalog = load_union_or_fail(catalog_path, language, member, allow_missing)
    try:
        with progress_bar("生成网站 site" if language == "zh" else "site", total=len(catalog.records) + 1) as bar:
            result = build_site(catalog, output, day, (lambda n: bar.advance(0, n)) if bar else None,
                                stages=detection_line(bar, language))
    except TemplateError as exc:
        fail(template_error(exc), language)
    except OSError as exc:
        fail_unwritable(output, exc, language)
    stderr.print(Text(f"已写入 {output / 'index.html'}：{result.pages} 个标准页面",
                      f"wrote {output / 'index.html'}: {result.pages} standard pages").get(language),
                 markup=False, soft_wrap=True)
    if result.kept:
        shown = printable("、".join(result.kept[:5]) + ("…" if len(result.kept) > 5 else ""))  # names people chose
        stderr.print(Text(f"注意：网站目录中 {len(result.kept)} 个不是 gbstd 生成的文件已保留：{shown}",
                          f"note: kept {len(result.kept)} files in the site directory that gbstd did not make: "
                          f"{shown.replace('、', ', ')}").get(language), markup=False, soft_wrap=True)
    for rel, aside in ((printable(rel), printable(aside)) for rel, aside in result.set_aside):
        stderr.print(Text(
            f"注意：网站目录中的 {rel} 不是 gbstd 上次生成的内容（手工修改或自行添加），新网站要用这个文件名，"
            f"原文件已改名保留为 {aside}",
            f"note: {rel} in the site directory is not what gbstd last wrote there (edited or added by hand) and "
            f"the new site writes that name: the file is kept as {aside}",
        ).get(language), markup=False, soft_wrap=True)
    for moved in result.renamed:
        stderr.print(Text(
            f"gbstd: {moved.rel} 与 {moved.other} 的页面文件名相同；{moved.other} 保留原名，{moved.rel} 的页面改为 {moved.href}",
            f"gbstd: {moved.rel} and {moved.other} map to the same page name; {moved.other} keeps it, "
            f"{moved.rel} is written as {moved.href}",
        ).get(language), markup=False, soft_wrap=True)
    for source in result.unavailable:
        stderr.print(source.placeholder, markup=False, soft_wrap=True)
