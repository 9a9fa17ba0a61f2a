"""``gbstd report site``: the static, offline HTML site of the catalog."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from jinja2 import TemplateError

from gbstd.cli.common import (
    AsOfOption,
    LangChoice,
    LangOption,
    fail,
    load_catalog_or_fail,
    parse_as_of,
    progress_bar,
    stderr,
)
from gbstd.cli.report import report_app
from gbstd.i18n import Text
from gbstd.reports.site import build_site
from gbstd.reports.templating import template_error


@report_app.command("site")
def site(
    catalog_path: Annotated[Path, typer.Argument(help="标准目录 catalog directory (default: .)")] = Path("."),
    output: Annotated[Path, typer.Option("--output", "-o", help="输出目录 directory to write the site into.")] = Path("site"),
    as_of: AsOfOption = None,
    lang: LangOption = LangChoice.zh,
) -> None:
    """生成目录网站 — write a static, offline HTML site: an index with search and filters, one page per standard.

    Open `index.html` in any browser, no server needed. Templates: `templates/site/` (override them in the
    catalog's own `templates/site/`).

    Exit codes: 0 written, 2 could not run (no catalog, unwritable output directory).

    Examples:

        gbstd report site standards -o site

        gbstd report site standards -o /srv/www/standards --as-of 2024-01-01
    """
    language = lang.value
    day = parse_as_of(as_of, language)
    if output.exists() and not output.is_dir():
        fail(Text(f"输出路径不是目录：{output}", f"the output path is not a directory: {output}"), language)
    catalog = load_catalog_or_fail(catalog_path, language)
    try:
        with progress_bar("生成网站 site" if language == "zh" else "site", total=len(catalog.records) + 1) as bar:
            result = build_site(catalog, output, day, (lambda n: bar.advance(0, n)) if bar else None)
    except TemplateError as exc:
        fail(template_error(exc), language)
    except OSError as exc:
        fail(Text(f"无法写入 {output}：{exc.strerror or exc}", f"cannot write into {output}: {exc.strerror or exc}"), language)
    stderr.print(Text(f"已写入 {output / 'index.html'}：{result.pages} 个标准页面",
                      f"wrote {output / 'index.html'}: {result.pages} standard pages").get(language),
                 markup=False, soft_wrap=True)
    for source in result.unavailable:
        stderr.print(source.placeholder, markup=False, soft_wrap=True)
