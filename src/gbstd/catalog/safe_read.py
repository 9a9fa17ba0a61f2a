"""The one way to open a catalog file: lint's checks for every reader (lint, history, import, fmt, review).

A file of a pull request can be a symlink to ``/dev/zero`` or ``/etc/passwd``, a FIFO, 200 MB of text, a
1 000-level nesting or an alias bomb. :func:`read_catalog_file` applies the checks lint applies — the link
target stays inside the catalog root, a regular file only, the size limit before reading, UTF-8, nesting
depth, no aliases — and returns the text and data with the problems as findings' raw material.
:func:`require_catalog_file` is the same for commands that edit a file: any problem is a one-line
:class:`CatalogError` (exit 2) naming the file and the rule.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gbstd.catalog.config_file import CatalogError
from gbstd.catalog.invisible import invisible_characters
from gbstd.catalog.yamlio import (
    FileProblem,
    Positions,
    is_inside,
    other_line_breaks,
    outside_problem,
    parse_yaml,
    read_text,
    refused_tabs,
)
from gbstd.i18n import Text

# Problems after which the file's data is still usable (a BOM: the text is read without it; an invisible
# character in a value: the value is read as it is, and the rest of lint applies; a tab the round trip refuses:
# lint has read the file all the same; a NEL, U+2028 or U+2029: the data is the one lint reads, breaking lines there).
NON_FATAL = frozenset({"Y006", "Y008", "Y012", "Y013"})


@dataclass
class CatalogDocument:
    """One catalog file as read: its text (None when unreadable), its data and what was wrong."""

    text: str | None
    data: Any = None
    problems: list[FileProblem] = field(default_factory=list)

    @property
    def usable(self) -> bool:
        return self.text is not None and all(p.rule in NON_FATAL for p in self.problems)

    @property
    def bom(self) -> bool:
        return any(p.rule == "Y006" for p in self.problems)


def read_catalog_file(root: Path | None, path: Path, max_size: int, *, parse: bool = True) -> CatalogDocument:
    """Read ``path`` of the catalog at ``root`` as lint does; ``parse=False`` stops after the text checks.

    ``root`` None is for a file the user named on the command line: read where it is, all other checks apply.
    """
    if root is not None and not is_inside(root, path):
        if path.is_symlink():  # worded as lint's loader words it
            return CatalogDocument(None, problems=[outside_problem()])
        return CatalogDocument(None, problems=[FileProblem("Y010", Text(
            "文件在目录之外（或是指向目录之外的符号链接）",
            "the file is outside the catalog (or a symbolic link leading outside it)",
        ))])
    text, problems = read_text(path, max_size, root)
    if text is None or not parse:
        return CatalogDocument(text, None, problems)
    data, parse_problems = parse_yaml(text)
    return CatalogDocument(text, data, problems + parse_problems + text_problems(text, data))


def text_problems(text: str, data: Any, positions: Positions | None = None) -> list[FileProblem]:
    """What lint finds in a parsed file's text besides the parse (``data``: None when it failed): invisible
    characters in its values (Y008), line breaks only libyaml breaks at (Y013) and, in a file lint read, tabs the
    round trip refuses (Y012). Lint's loader and every other reader of a catalog file ask this one question."""
    problems = invisible_characters(text, data, positions) + other_line_breaks(text)
    if data is not None:  # read: but maybe not by the round trip (fmt, review add)
        problems += refused_tabs(text)
    return problems


def require_catalog_file(root: Path, path: Path, max_size: int, *, parse: bool = True) -> CatalogDocument:
    """:func:`read_catalog_file`, with the first problem as a :class:`CatalogError` instead of data."""
    document = read_catalog_file(root, path, max_size, parse=parse)
    for problem in document.problems:
        if problem.rule not in NON_FATAL:
            rel = _shown(root, path)
            where = f"{rel}:{problem.line}:{problem.column}" if problem.line > 1 else rel
            raise CatalogError(Text(
                f"{where}: {problem.message.zh}（{problem.rule}）",
                f"{where}: {problem.message.en} ({problem.rule})",
            ))
    return document


def _shown(root: Path, path: Path) -> str:
    try:
        return path.absolute().relative_to(root.absolute()).as_posix()
    except ValueError:
        return str(path)


def named_file_problem(path: Path) -> Text | None:
    """Why ``path``, a file named on the command line to be read (``--notes``, an import table), is not one, or
    None. A directory or a FIFO is there: "no such file" sent users looking for the wrong thing (and a FIFO
    would block the read)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return dangling_link(path) or Text(f"文件不存在：{path}", f"no such file: {path}")
    except OSError as exc:  # a file on the way that is not a directory, no permission, a link loop
        reason = exc.strerror or str(exc)
        return Text(f"无法读取 {path}：{reason}", f"cannot read {path}: {reason}")
    if stat.S_ISDIR(info.st_mode):
        return Text(f"{path} 是目录，不是文件", f"{path} is a directory, not a file")
    if not stat.S_ISREG(info.st_mode):
        return Text(f"{path} 不是普通文件（设备、管道或套接字）", f"{path} is not a regular file (a device, pipe or socket)")
    return None


def named_directory_problem(path: Path) -> Text | None:
    """Why ``path``, a directory named on the command line to be written into and made when it is not there
    (``lint --cache-dir``), cannot be one, or None: it is a file or another thing that is not a directory, a
    link to nothing, or a path below a file. Used without a word, it left the command without its cache."""
    for above in (path, *path.parents):
        if not os.path.lexists(above):
            continue  # made when the first file is written
        try:
            info = above.stat()
        except FileNotFoundError:
            return dangling_link(above)
        except OSError as exc:  # no permission, a link loop
            reason = exc.strerror or str(exc)
            return Text(f"无法访问 {above}：{reason}", f"cannot reach {above}: {reason}")
        if stat.S_ISDIR(info.st_mode):
            return None
        if stat.S_ISREG(info.st_mode):
            return Text(f"{above} 是文件，不是目录", f"{above} is a file, not a directory")
        return Text(f"{above} 不是目录（设备、管道或套接字）", f"{above} is not a directory (a device, pipe or socket)")
    return None


def dangling_link(path: Path) -> Text | None:
    """What to say of a path that is not there when it is a link (to nothing: it says where it leads, since
    "no such file" sent users looking for the wrong thing); None when it is no link."""
    if not path.is_symlink():
        return None
    try:
        target = os.readlink(path)
    except OSError:
        target = "?"
    return Text(f"链接指向的文件不存在：{path} → {target}", f"a link to nothing: {path} → {target}, which does not exist")
