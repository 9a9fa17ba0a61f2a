"""Which format to write: ``-f`` when given, else the ``-o`` file's extension; a contradiction is refused.

``-o x.pdf`` writing Markdown, or ``-f docx -o p.md`` writing Word into a ``.md`` file, leaves a file that
opens as garbage; both are one-line errors instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from pathlib import Path
from typing import TypeVar

from gbstd.cli.common import fail
from gbstd.i18n import Lang, Text

F = TypeVar("F", bound=Enum)


def choose_format(
    explicit: F | None, output: Path | None, suffixes: Mapping[str, F], default: F, lang: Lang
) -> F:
    """``explicit`` (``-f``) if given, else the format ``output``'s suffix names, else ``default``."""
    suffix = output.suffix.lower() if output is not None else ""
    inferred = suffixes.get(suffix)
    known = "、".join(sorted(suffixes)) if lang == "zh" else ", ".join(sorted(suffixes))
    if explicit is not None:
        if inferred is not None and inferred is not explicit:
            fail(Text(f"-f {explicit.value} 与输出文件扩展名 {suffix} 矛盾（{suffix} 是 {inferred.value}）",
                      f"-f {explicit.value} contradicts the output file's extension {suffix} "
                      f"({suffix} is {inferred.value})"), lang)
        return explicit
    if inferred is not None:
        return inferred
    if suffix:
        fail(Text(f"无法从扩展名 {suffix} 判断输出格式（可用 {known}）；用 -f 指定",
                  f"cannot tell the output format from the extension {suffix} (known: {known}); give -f"), lang)
    return default


__all__ = ["choose_format"]
