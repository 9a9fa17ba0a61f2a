"""``gbstd changes --since REF``: what a commit, a pull request or a half-year did to the catalog."""

from __future__ import annotations

import os
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from gbstd.catalog.config_file import CatalogError, find_root, load_config
from gbstd.changes import ChangeSet
from gbstd.cli.common import (
    AllowMissingOption,
    CatalogArgument,
    CatalogOption,
    LangChoice,
    LangOption,
    MemberOption,
    fail,
    fail_if_missing,
    first_names,
    named_catalog,
    note,
    stderr,
    warn,
)
from gbstd.cli.console import print_document
from gbstd.federation_changes import compare_union
from gbstd.i18n import Lang, Text
from gbstd.reporters.changes import clean, render_json, render_markdown, render_text


class ChangesFormat(str, Enum):
    text = "text"
    markdown = "markdown"
    json = "json"


def changes(
    path: CatalogArgument = None,
    since: Annotated[
        str, typer.Option("--since", metavar="REF", help="与哪个修订比较 the git revision to compare from.")
    ] = "",
    until: Annotated[
        str | None,
        typer.Option(
            "--until",
            metavar="REF",
            help="比较到哪个修订（默认：工作区）the revision to compare to "
            "(default: the work tree, uncommitted edits included).",
        ),
    ] = None,
    output_format: Annotated[
        ChangesFormat, typer.Option("--format", "-f", help="输出格式 output format.")
    ] = ChangesFormat.text,
    lang: LangOption = LangChoice.zh,
    catalog: CatalogOption = None,
    member: MemberOption = None,
    allow_missing: AllowMissingOption = False,
) -> None:
    """目录变化 — what changed in the catalog between two revisions: standards added, removed, abolished,
    superseded by a new edition, renamed (code changed) or modified, and modules, project stages and plan
    tasks.

    In GitHub Actions ($GITHUB_STEP_SUMMARY set) the Markdown is also appended to the job summary.
    Exit codes: 0 compared, 2 could not compare (unknown revision, shallow clone without it, no repository).

    Examples:

        gbstd changes standards --since origin/main

        gbstd changes standards --since v2023H1 --until v2023H2 --format markdown

        gbstd changes --since HEAD~1 --format json
    """
    language = lang.value
    if not since:
        fail(
            Text(
                "需要 --since REF（要比较的 git 修订）",
                "--since REF is required (the git revision to compare from)",
            ),
            language,
        )
    found = compare_or_fail(named_catalog(path, catalog, language), since, until, language, member, allow_missing)
    if output_format is ChangesFormat.json:
        print_document(render_json(found))
        note_uncompared(found, language)  # text and Markdown list them with the changes; JSON has no place
    elif output_format is ChangesFormat.markdown:
        typer.echo(render_markdown(found, language), nl=False)
    else:
        typer.echo(render_text(found, language), nl=False)
    append_job_summary(found, language)


def compare_or_fail(
    path: Path, since: str, until: str | None, lang: Lang,
    members: list[str] | None = None, allow_missing: bool = False,
) -> ChangeSet:
    """The changes in the catalog that holds ``path`` (with its members, in a federation: each in its own
    repository, see :mod:`gbstd.federation_changes`); any problem is a one-line error, exit 2."""
    fail_if_missing(path, lang)
    try:
        root = find_root(path)
        config = load_config(root)
        return compare_union(root, config, since, until, members=members, allow_missing=allow_missing,
                             warn=lambda message: warn(message, lang))
    except CatalogError as exc:
        fail(Text(clean(exc.text.zh), clean(exc.text.en)), lang)


def note_uncompared(found: ChangeSet, lang: Lang) -> None:
    """Say on stderr which changed files were not compared (unreadable or not a valid record on one side), for
    output that has no place for them: such a file is only an entry without fields there, and why is lost."""
    paths = list(dict.fromkeys(clean(problem.path) for problem in found.unreadable))
    if not paths:
        return
    shown = first_names(paths)
    note(Text(
        f"注意：{len(paths)} 个变化的文件无法比较（{shown.zh}；原因见 gbstd changes 的文本输出）",
        f"note: {len(paths)} changed file(s) could not be compared ({shown.en}; the text output of gbstd changes "
        "says why)",
    ), lang)


def append_job_summary(found: ChangeSet, lang: Lang) -> None:
    """Append the Markdown to GitHub's job summary file when running in Actions.

    The runner collects what each step appends, so this is one append, not an atomic replace of the file.
    """
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    try:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(render_markdown(found, lang) + "\n")
    except OSError as exc:
        # The comparison itself succeeded: say why the summary is missing, keep the exit code.
        stderr.print(
            Text(
                f"gbstd: 无法写入 GITHUB_STEP_SUMMARY：{exc.strerror}",
                f"gbstd: cannot append to GITHUB_STEP_SUMMARY: {exc.strerror}",
            ).get(lang),
            markup=False,
        )
