"""``gbstd rules`` and ``gbstd rule CODE``: the rule catalogue and one rule's documentation."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from gbstd.cli.common import LangChoice, LangOption, fail
from gbstd.cli.console import print_document
from gbstd.i18n import Text
from gbstd.rules import ALL_RULES, RULES_BY_CODE


def rules(
    lang: LangOption = LangChoice.zh,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出 print as JSON.")] = False,
) -> None:
    """列出所有规则 — list every rule with its code, default severity and summary.

    Example:

        gbstd rules --lang en
    """
    if as_json:
        rows = [{"code": r.code, "name": r.name, "severity": r.severity.value, "summary": r.summary.get(lang.value)} for r in ALL_RULES]
        print_document(json.dumps(rows, ensure_ascii=False, indent=2), newline=True)
        return
    table = Table(show_lines=False)
    for column in ("code", "name", "severity", "summary"):
        table.add_column(column)
    for rule in ALL_RULES:
        table.add_row(rule.code, rule.name, rule.severity.value, rule.summary.get(lang.value))
    Console(highlight=False).print(table)


def rule(
    code: Annotated[str, typer.Argument(help="规则代码 rule code, e.g. C007")],
    lang: LangOption = LangChoice.zh,
) -> None:
    """解释一条规则（做什么、为什么重要、示例、应改为）— explain one rule; English with --lang en.

    Example:

        gbstd rule C007 --lang en
    """
    found = RULES_BY_CODE.get(code.strip().upper())
    if found is None:
        fail(Text(f"没有规则 {code}（见 `gbstd rules`）", f"no rule {code} (see `gbstd rules`)"), lang.value)
    typer.echo(f"{found.code} {found.name} ({found.severity.value})\n")
    typer.echo(found.doc(lang.value))
