"""``gbstd federation sync`` and ``gbstd federation status``: a federating catalog's members (全国一张网)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from gbstd.catalog.config_file import CatalogError, find_root, load_config
from gbstd.catalog.federation import member_statuses, select_members
from gbstd.catalog.federation_sync import sync_tree
from gbstd.cli.common import (
    EXIT_ERROR,
    CatalogArgument,
    CatalogOption,
    LangChoice,
    LangOption,
    MemberOption,
    fail,
    named_catalog,
    progress_bar,
    stderr,
    warn,
)
from gbstd.cli.console import print_document
from gbstd.i18n import Lang, Text
from gbstd.model.config import Config
from gbstd.printable import printable

federation_app = typer.Typer(
    name="federation",
    help="联合目录 — a federation of catalogs (全国一张网): fetch git members, list members.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
)


class StatusFormat(str, Enum):
    text = "text"
    json = "json"


def _configured(path: Path, lang: Lang) -> tuple[Path, Config]:
    try:
        root = find_root(path)
        config = load_config(root)
    except CatalogError as exc:
        fail(exc.text, lang)
    if not config.federation.members:
        fail(Text(
            f"{root} 的 gbstd.toml 没有 [[federation.members]]（不是联合目录）",
            f"{root}'s gbstd.toml has no [[federation.members]] (not a federating catalog)",
        ), lang)
    return root, config


@federation_app.command()
def sync(
    path: CatalogArgument = None,
    catalog_option: CatalogOption = None,
    member: MemberOption = None,
    history: Annotated[bool, typer.Option(
        "--history",
        help="连同历史与标签一起获取（供 `gbstd changes` 比较修订） fetch the whole history and the tags too, "
             "for `gbstd changes` to compare revisions in.",
    )] = False,
    lang: LangOption = LangChoice.zh,
) -> None:
    """同步成员 — fetch each git member (shallow) into the cache and record the commit read.

    Members given by `path` are read where they are and need no sync. A member whose fetch fails keeps
    what it had (the cache is never half-written); the others are still fetched. A fetched catalog that
    federates git members of its own has them fetched too (the nation, its provinces, their cities). With
    --history each is fetched with its history and tags, so that `gbstd changes --since v2025H1` compares it.

    Exit codes: 0 every member fetched, 2 a member could not be fetched (or no federation here).

    Examples:

        gbstd federation sync national

        gbstd federation sync -C national --member 江苏

        gbstd federation sync national --history
    """
    language = lang.value
    root, config = _configured(named_catalog(path, catalog_option, language), language)
    try:
        members = [m for m in select_members(config, member) if m.git is not None]
    except CatalogError as exc:
        fail(exc.text, language)
    failed, counted = 0, set()
    # the bar counts the members listed here; the git members their catalogs federate are synced with them
    with progress_bar(Text("同步成员", "syncing members").get(language), total=len(members)) as bar:
        for synced in sync_tree(root, config, members, dt.datetime.now(dt.timezone.utc), history):
            if synced.error is not None:
                failed += 1
                stderr.print(f"[bold red]gbstd:[/] {escape(printable(synced.error.get(language)))}")
            elif synced.warning is not None:
                warn(synced.warning, language)
            elif synced.manifest is not None:
                stderr.print(f"{synced.path}{'：' if language == 'zh' else ': '}{synced.manifest.commit[:12]}",
                             markup=False, highlight=False)
            if bar and "/" not in synced.path and synced.path not in counted:
                counted.add(synced.path)
                bar.advance(0)
    if not members:
        stderr.print(Text("没有需要同步的 git 成员", "no git members to sync").get(language))
    if failed:
        raise typer.Exit(EXIT_ERROR)


@federation_app.command()
def status(
    path: CatalogArgument = None,
    catalog_option: CatalogOption = None,
    output_format: Annotated[
        StatusFormat, typer.Option("--format", "-f", help="输出格式 output format: text or json.")
    ] = StatusFormat.text,
    lang: LangOption = LangChoice.zh,
) -> None:
    """成员状态 — each member: kind, source, commit read, record count, when it was fetched.

    Nothing is fetched (that is `gbstd federation sync`). Record counts are counted from file names.

    Exit codes: 0 every member present, 1 a member is missing, unsynced or invalid, 2 no federation here.

    Examples:

        gbstd federation status national

        gbstd federation status national --format json
    """
    language = lang.value
    root, config = _configured(named_catalog(path, catalog_option, language), language)
    rows = member_statuses(root, config)
    if output_format is StatusFormat.json:
        print_document(json.dumps({"members": [row.to_json(language) for row in rows]}, ensure_ascii=False, indent=2), newline=True)
    else:
        labels = {
            "ok": Text("正常", "ok"), "missing": Text("缺失", "missing"),
            "unsynced": Text("未同步", "not synced"), "invalid": Text("有错误", "invalid"),
        }
        heads = [Text(*pair).get(language) for pair in (
            ("成员", "member"), ("类型", "kind"), ("来源", "source"), ("状态", "state"), ("提交", "commit"),
            ("记录", "records"), ("同步时间", "fetched at"))]
        table = Table(*heads, show_lines=False)
        for row in rows:
            table.add_row(*(escape(printable(cell)) for cell in (
                row.name, row.kind, row.source, labels[row.state].get(language), (row.commit or "-")[:12],
                "-" if row.records is None else str(row.records), row.fetched_at or "-",
            )))
        tty = sys.stdout.isatty()
        Console(highlight=False, no_color=not tty, width=None if tty else 200).print(table)
        for row in rows:
            if row.problem is not None:
                stderr.print(f"gbstd: {printable(row.problem.get(language))}", markup=False, highlight=False)
    raise typer.Exit(0 if all(row.state == "ok" for row in rows) else 1)
