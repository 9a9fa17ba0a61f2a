"""Exported text that a spreadsheet or a Markdown viewer cannot run.

Spreadsheets: a cell starting with ``=``, ``+``, ``-``, ``@``, tab or CR may be read as a formula (CSV
injection), so it is written with a leading ``'`` as OWASP recommends. :func:`restore_cell` undoes exactly
that on import, and a value that itself starts with ``'`` followed by one of those characters (or another
``'``) gets the prefix too, so ``restore_cell(neutralise_cell(x)) == x`` for every ``x``: the export →
import → export round trip stays lossless.

Markdown: record text is data, never markup; ``<``, ``>`` and ``&`` become entities, so ``<script>`` in a
title shows as text, the table/link syntax characters are backslash-escaped, and so is a heading or list
marker a value starts with, and an indentation that would make it a code block. Markdown goes to terminals
too, so control characters (``ESC[2J`` in a title clears the screen) are dropped (:mod:`gbstd.printable`).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from gbstd.printable import printable

# Characters that make a spreadsheet treat a cell as a formula (OWASP "CSV injection").
FORMULA_STARTS = frozenset("=+-@\t\r")
QUOTE = "'"


def restore_cell(text: str) -> str:
    """The value a neutralised cell stood for: one leading ``'`` removed when it guards a formula start."""
    if len(text) > 1 and text[0] == QUOTE and (text[1] in FORMULA_STARTS or text[1] == QUOTE):
        return text[1:]
    return text


def neutralise_cell(text: str) -> str:
    """``text`` as a cell no spreadsheet runs; :func:`restore_cell` gives ``text`` back."""
    if text and (text[0] in FORMULA_STARTS or restore_cell(text) != text):
        return QUOTE + text
    return text


def neutralise_row(values: Iterable[object]) -> list[object]:
    """A CSV/XLSX row with every text cell neutralised; numbers, dates and empty cells are left as they are."""
    return [neutralise_cell(v) if isinstance(v, str) else v for v in values]


# A block that the value's first characters would open where it starts a line (a bulletin paragraph, the text
# after a table's caption): an ATX heading (``# ``), a bullet list item (``- ``, ``+ ``), a thematic break or
# setext underline (``---``, ``===``), an ordered list item (``1. ``, ``2) ``), each after up to three spaces.
# ``>`` (blockquote) and ``<`` (HTML block) are entities already; emphasis, code and table characters are
# escaped wherever they stand.
_BLOCK_START = re.compile(r"^([ \t]*)(#{1,6}(?=[ \t]|$)|[-+=](?=[ \t]|$|[-=])|\d{1,9}(?=[.)](?:[ \t]|$)))")


# Indentation that reaches the fourth column (four spaces, or a tab after up to three: a tab stops at column 4) opens
# an indented code block where the value starts a line, and one in a list item after `- `. Its first character is
# written as an entity: a line starting with `&` is a paragraph, and the entity reads as the same space or tab, so
# the text keeps its indentation (stripping it would change the text).
_CODE_INDENT = re.compile(r"^(?: {4}| {0,3}\t)")


def _block_start_escaped(match: re.Match[str]) -> str:
    indent, marker = match.groups()
    if marker[0].isdigit():  # 1. → 1\. : the number shown as written, no list
        return f"{indent}{marker}\\"
    return f"{indent}\\{marker}"


def markdown_text(text: str) -> str:
    """Text for a Markdown table cell or line, the one escaper of every Markdown gbstd writes (reports, the
    bulletin's ``md`` template filter): control characters dropped, HTML escaped as entities (which every
    renderer shows as text; ``\\<`` is not an escape to all of them), table/link/code and emphasis syntax
    escaped (a title holding ``*注*`` or ``~~`` is shown as written, not in italics or struck through), a
    heading, list or rule it would open at the start of a line escaped, a trailing ``#`` too (an ATX heading
    drops a closing ``#``), an indentation that would open a code block started with an entity, one line: a line
    break, of any of the three kinds, as ``<br>``."""
    lines = printable(text.replace("\r\n", "\n").replace("\r", "\n"))  # a line break stays one
    escaped = html.escape(lines.replace("\\", "\\\\"), quote=False)
    for char in "|[]`*_~":
        escaped = escaped.replace(char, "\\" + char)
    escaped = _BLOCK_START.sub(_block_start_escaped, escaped)
    if _CODE_INDENT.match(escaped):
        escaped = f"&#{ord(escaped[0])};{escaped[1:]}"
    if escaped.endswith("#"):
        escaped = escaped[:-1] + "\\#"
    return escaped.replace("\n", "<br>")
