"""Reading one YAML file safely: bytes → text → data, with every failure turned into a finding.

Parsing runs ruamel.yaml's C parser (libyaml) and builds plain Python data straight from its events: no node
tree and no constructor machinery, which is several times faster than ``YAML(typ="safe").load`` for the small
files of a catalog. Scalars are resolved with ruamel's own YAML 1.2 implicit resolvers and converted with its
safe constructor, so the result is the same as the safe loader's; anything unusual (explicit tags, merge keys,
duplicate or complex keys, ``%YAML`` directives, several documents, syntax errors) is handed to the safe
loader itself, which gives the exact data or the exact error. Dates stay strings so that an impossible date
(2021-02-30) becomes a schema finding at its key, not a crash.

Hostile input is refused while reading events, before any tree exists: aliases (``*name``, the stuff of
"billion laughs" bombs; catalog files never need them) and nesting deeper than :data:`MAX_DEPTH` (which would
otherwise overflow the C stack of the composer).
Positions are computed later, and only for files with findings, by :class:`Locator`.
"""

from __future__ import annotations

import base64
import errno
import os
import re
import stat
import sys
from array import array
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ruamel.yaml.main
from ruamel.yaml import YAML
from ruamel.yaml.constructor import ConstructorError, DuplicateKeyError, SafeConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)  # fmt: skip
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.reader import ReaderError
from ruamel.yaml.resolver import VersionedResolver

from gbstd.findings import Loc
from gbstd.i18n import Text
from gbstd.printable import is_noncharacter

BOM = b"\xef\xbb\xbf"

# Catalog files are two or three levels deep; anything past this is an attack or an accident.
MAX_DEPTH = 100


@dataclass
class FileProblem:
    """A file-level problem found before or while parsing; ``line``/``column`` are 1-based."""

    rule: str
    message: Text
    line: int = 1
    column: int = 1


# U+0085 (NEL), U+2028 and U+2029: line breaks to libyaml, which lint reads with (YAML 1.1), but text to YAML 1.2,
# to the round trip (fmt, review add) and to editors. Their names, as Y013 says them.
OTHER_BREAKS: dict[str, Text] = {
    "\x85": Text("下一行符 NEL", "next line, NEL"),
    "\u2028": Text("行分隔符", "line separator"),
    "\u2029": Text("段落分隔符", "paragraph separator"),
}
_OTHER_BREAK = re.compile("[\x85\u2028\u2029]")
_LIBYAML_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_EDITOR_BREAK = re.compile("\r\n|[\r\n]")
_MOST_BREAKS = 20  # findings a file: a file written with NEL throughout is one problem, not hundreds


def has_other_breaks(text: str) -> bool:
    """Whether ``text`` holds U+0085, U+2028 or U+2029. Asked twice of every file read: as two searches of the
    character class that was 6 % of a small record's parse (4.9 µs of 81 µs); three substring tests take a
    third of a search's time."""
    return "\u2028" in text or "\u2029" in text or "\x85" in text


class EditorLines:
    """Positions in a text holding U+0085, U+2028 or U+2029, as an editor shows them.

    libyaml starts a new line at each of them, so its marks count more lines than the file has; a finding at
    ``line:col`` must be where an editor (and YAML 1.2, and ``fmt``) puts it. Built only for such a text.
    """

    __slots__ = ("_editor", "_libyaml")

    def __init__(self, text: str) -> None:
        self._libyaml = [0, *(m.end() for m in _LIBYAML_BREAK.finditer(text))]  # where libyaml's lines start
        self._editor = [0, *(m.end() for m in _EDITOR_BREAK.finditer(text))]

    @classmethod
    def of(cls, text: str) -> EditorLines | None:
        """For ``text`` when libyaml's lines are not an editor's; None (nothing to move) for nearly every file."""
        return cls(text) if has_other_breaks(text) else None

    def at_offset(self, offset: int) -> tuple[int, int]:
        """The 1-based line and column of the character at ``offset``."""
        index = bisect_right(self._editor, offset) - 1
        return index + 1, offset - self._editor[index] + 1

    def moved(self, line: int, column: int) -> tuple[int, int]:
        """libyaml's 1-based ``line``:``column`` as an editor's."""
        if not 0 < line <= len(self._libyaml) or column < 1:
            return line, column
        return self.at_offset(self._libyaml[line - 1] + column - 1)

    def problem(self, problem: FileProblem) -> FileProblem:
        """``problem`` (at libyaml's position) at the editor's."""
        problem.line, problem.column = self.moved(problem.line, problem.column)
        return problem


def other_line_breaks(text: str) -> list[FileProblem]:
    """Y013 for each U+0085, U+2028 or U+2029 of ``text``, at its line:col as an editor shows it.

    lint (libyaml, YAML 1.1) breaks the line there, YAML 1.2 and the round trip do not: the two read other
    data, or one cannot read the file at all (``fmt`` and ``review add`` refuse it). The data lint read is
    still checked (the finding is not fatal).
    """
    if not has_other_breaks(text):
        return []
    lines = EditorLines(text)
    problems = []
    for match in _OTHER_BREAK.finditer(text):
        if len(problems) == _MOST_BREAKS:
            break
        char = match.group()
        name, escape = OTHER_BREAKS[char], f"\\u{ord(char):04x}"
        # an escaped NEL is a control character (Y008): only the separators may stay in a value, escaped
        keep = Text("", "") if char == "\x85" else Text(
            f"，值中确需此字符时在双引号字符串中写成 {escape}", f", or {escape} in a double-quoted string where a value needs it")
        problems.append(FileProblem("Y013", Text(
            f"U+{ord(char):04X}（{name.zh}）：lint 按 YAML 1.1 读作换行，YAML 1.2、gbstd fmt、review add 和编辑器都不认作换行，"
            f"读出的内容不同或根本无法读取；请改为普通换行（LF）{keep.zh}",
            f"U+{ord(char):04X} ({name.en}): lint reads it as a line break (YAML 1.1), YAML 1.2, gbstd fmt, review "
            f"add and editors do not, so they read other data or cannot read the file; use an ordinary line break "
            f"(LF){keep.en}",
        ), *lines.at_offset(match.start())))
    return problems


# Python's limit on the digits of an int converted from or to text (sys.get_int_max_str_digits, 3.11 and
# 3.10.7+; 0 is none), at most its default of 4300; an integer of more digits is refused where it is written.
_get_limit = getattr(sys, "get_int_max_str_digits", None)
INT_DIGITS = min(4300, (_get_limit() if _get_limit else 0) or 4300)
_INT_BOUND = 10**INT_DIGITS
_HUGE_INT = "integer too long"  # the ConstructorError's problem, said in both languages by _safe_load
NOT_A_DATE = "not a valid date"  # the round trip's ConstructorError's problem (2023-02-30 …), said by syntax_problem


class _CatalogConstructor(SafeConstructor):
    """Safe constructor for catalog files: timestamps stay text; aliases are refused.

    Timestamps stay text so that the models parse dates and report bad ones with their key. The event scan
    refuses aliases before this constructor runs; for the pure-Python parser (no C extension) an alias still
    shows up here as a node constructed a second time.
    """

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        if node in self.constructed_objects or node in self.recursive_objects:
            raise ConstructorError(
                None, None, "anchors and aliases (&name, *name) are not allowed in catalog files", node.start_mark
            )
        return super().construct_object(node, deep)

    def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
        return self.construct_scalar(node)

    def construct_yaml_int(self, node: Any) -> Any:
        # Python refuses to read (decimal) or write (any base) an int of more digits than its limit: refused
        # here, at the scalar, rather than as an unplaced ValueError, or a crash wherever the number is shown.
        try:
            value = super().construct_yaml_int(node)
            if abs(value) < _INT_BOUND:
                return value
        except ValueError:
            pass
        raise ConstructorError(None, None, _HUGE_INT, node.start_mark)


_CatalogConstructor.add_constructor(
    "tag:yaml.org,2002:timestamp", _CatalogConstructor.construct_yaml_timestamp
)
_CatalogConstructor.add_constructor("tag:yaml.org,2002:int", _CatalogConstructor.construct_yaml_int)


def _new_yaml() -> YAML:
    yaml = YAML(typ="safe")
    yaml.Constructor = _CatalogConstructor
    return yaml


_YAML = _new_yaml()
_CParser: Any = getattr(ruamel.yaml.main, "CParser", None)


def _events(text: str) -> Callable[[], Event]:
    """A function returning the next parser event of ``text``: straight from libyaml when available."""
    if _CParser is None:  # pragma: no cover - CPython installs ruamel.yaml.clib
        return iter(_new_yaml().parse(text)).__next__
    return _CParser(text).get_event  # type: ignore[no-any-return]


# ruamel's YAML 1.2 implicit resolvers (first character → [(tag, regexp)]), as the safe loader uses them.
_RESOLVERS: dict[str, list[tuple[str, Any]]] = VersionedResolver(version=(1, 2)).versioned_resolver
_TAG = "tag:yaml.org,2002:"


class _Yaml12:
    """What the safe constructor asks its loader while converting scalars: the YAML version in force."""

    processing_version = (1, 2)

    @property
    def _resolver(self) -> _Yaml12:
        return self


_CONSTRUCTOR = _CatalogConstructor(loader=_Yaml12())
_CONVERT: dict[str, Callable[[Any], Any]] = {
    _TAG + "null": lambda node: None,
    _TAG + "bool": _CONSTRUCTOR.construct_yaml_bool,
    _TAG + "int": _CONSTRUCTOR.construct_yaml_int,
    _TAG + "float": _CONSTRUCTOR.construct_yaml_float,
    _TAG + "timestamp": lambda node: node.value,
    _TAG + "str": lambda node: node.value,
}


# Mapping keys of every file kind are plain text that no resolver claims: skip the regular expressions.
_PLAIN_KEYS = frozenset({"code", "title", "title_en", "tier", "nature", "status", "published", "effective",
                         "abolished", "replaces", "replaced_by", "references", "issuer", "drafters", "scope",
                         "region", "module", "note", "name", "id", "modules", "subjects", "sources"})


class _Unusual(Exception):
    """Something the fast path leaves to the safe loader (tags, merge keys, duplicate keys, …)."""


def _plain(value: str) -> Any:
    """A plain (unquoted) scalar as the safe loader reads it: null, bool, int, float or text."""
    if value in _PLAIN_KEYS:
        return value
    for tag, regexp in _RESOLVERS.get(value[:1], ()):
        if regexp.match(value):
            convert = _CONVERT.get(tag)
            if convert is None:
                raise _Unusual(tag)
            return convert(ScalarNode(tag, value))
    return value


def _deep(event: Event, depth: int) -> FileProblem:
    mark = event.start_mark
    return FileProblem("Y001", Text(
        f"嵌套超过 {depth} 层；目录文件不需要这么深的结构",
        f"nested deeper than {depth} levels; catalog files never need that",
    ), mark.line + 1, mark.column + 1)


def _alias(event: Event) -> FileProblem:
    mark = event.start_mark
    return FileProblem("Y001", Text(
        "不允许使用别名（*name）；请直接写出内容",
        "aliases (*name) are not allowed in catalog files; write the value out",
    ), mark.line + 1, mark.column + 1)


_SEQUENCE = object()  # frame state of a sequence
_KEY = object()  # frame state of a mapping waiting for its next key
_VALUE = object()  # frame state of a mapping waiting for the value of frame[2]


def _scan(text: str, spots: list[Any] | None = None) -> tuple[Any, FileProblem | None, bool]:
    """Build data from parser events: (data, problem, exact).

    ``exact`` is False when the safe loader must decide (the data is then incomplete). The whole stream is
    always read, so that aliases and excessive depth are refused before any other parser sees the text.
    With ``spots``, the start marks of the root collection and of each top-level key and value are appended
    to it, in document order (what :class:`Positions` is built from).
    """
    exact = True
    root: Any = None
    documents = 0
    stack: list[list[Any]] = []  # frames: [container, state, pending key]
    next_event = _events(text)
    while True:
        event = next_event()
        kind = type(event)
        if spots is not None and len(stack) < 2 and kind is not MappingEndEvent and kind is not SequenceEndEvent:
            spots.append(event)  # the root, and the top level's keys and values (filtered by Positions)
        if kind is ScalarEvent:
            if not exact:
                continue
            try:
                if event.tag is not None:
                    raise _Unusual(event.tag)
                value = _plain(event.value) if event.implicit[0] else event.value
            except Exception:  # whatever it is, the safe loader below decides
                exact = False
                continue
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            if len(stack) >= MAX_DEPTH:
                return None, _deep(event, MAX_DEPTH), True
            if event.tag is not None or (stack and stack[-1][1] is _KEY):
                exact = False  # explicit tag, or a complex (collection) key
            stack.append([{}, _KEY, None] if kind is MappingStartEvent else [[], _SEQUENCE, None])
            continue
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            value = stack.pop()[0]
            if not exact:
                continue
        elif kind is AliasEvent:
            return None, _alias(event), True
        elif kind is DocumentStartEvent:
            documents += 1
            if documents > 1 or event.version is not None:
                exact = False
            continue
        elif kind is StreamEndEvent:
            break
        else:
            continue
        if not stack:
            root = value
            continue
        frame = stack[-1]
        state = frame[1]
        if state is _SEQUENCE:
            frame[0].append(value)
        elif state is _KEY:
            if value == "<<" or value in frame[0]:
                exact = False  # merge key or duplicate key: the safe loader merges or reports it
            frame[1], frame[2] = _VALUE, value
        else:
            frame[0][frame[2]] = value
            frame[1] = _KEY
    return root, None, exact


YAML_SUFFIXES = (".yaml", ".yml")


def is_yaml_name(name: str) -> bool:
    """A YAML file's name: ``.yaml`` or ``.yml`` in any case (``X.YAML`` from Windows, where case does not
    count, was left out of every command without a word)."""
    return name.lower().endswith(YAML_SUFFIXES)


# What identifies a file's state without reading it: size, mtime, ctime (ns) and inode.
Fingerprint = tuple[int, int, int, int]


def fingerprint_of(info: os.stat_result) -> Fingerprint:
    """What says a file is unchanged since it was hashed: size, mtime, ctime and inode (as git does)."""
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


def is_inside(root: Path | str, target: Path | str) -> bool:
    """True when ``target``, with every symbolic link resolved, is ``root`` or lies under it."""
    try:
        Path(target).resolve().relative_to(Path(root).resolve())
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a symlink loop (older Pythons)
        return False
    return True


def outside_problem() -> FileProblem:
    """Y010 for a symbolic link whose target lies outside the catalog: one wording for every reader."""
    return FileProblem("Y010", Text(
        "符号链接指向目录之外；只读取目录内的文件",
        "a symbolic link that leads outside the catalog; only files inside the catalog are read",
    ))


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def _open(path: Path | str, root: Path | str | None) -> int | FileProblem:
    """Open for reading; with ``root``, a symbolic link is followed only when its target is inside ``root``.

    O_NOFOLLOW makes the common case (a regular file) cost nothing extra: only a link fails to open and is
    then resolved and checked. O_NONBLOCK: a FIFO named *.yaml must not hang the run.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    if root is None:
        return os.open(path, flags)
    if not _NOFOLLOW:  # pragma: no cover - Windows: check every path
        return os.open(path, flags) if is_inside(root, path) else outside_problem()
    try:
        return os.open(path, flags | _NOFOLLOW)
    except OSError as exc:
        if exc.errno not in (errno.ELOOP, errno.EMLINK):  # EMLINK: FreeBSD's answer for a link
            raise
    if is_inside(root, path):
        return os.open(path, flags)
    os.stat(path)  # a loop or a dangling link fails here, with its own reason; the target is never opened
    return outside_problem()


def read_bytes(
    path: Path | str, max_size: int, root: Path | str | None = None
) -> tuple[bytes | None, Fingerprint | None, list[FileProblem]]:
    """A file's bytes and fingerprint (both from one open file), or why it cannot be read.

    With ``root`` (the catalog root), a symbolic link whose target lies outside it is not read (Y010).
    """
    try:
        fd = _open(path, root)
        if isinstance(fd, FileProblem):
            return None, None, [fd]
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(fd)
            if stat.S_ISDIR(info.st_mode):
                raise IsADirectoryError(path)
            if not stat.S_ISREG(info.st_mode):
                return None, None, [FileProblem("Y010", Text(
                    "不是普通文件（设备、管道或套接字）", "not a regular file (a device, pipe or socket)"
                ))]
            size = info.st_size
            if size > max_size:
                too_large = _too_large(f"{size} 字节，上限 {max_size}", f"{size} bytes, limit {max_size}")
                return None, None, [too_large]
            data = handle.read(size + 1)
            if len(data) > size:  # grew since fstat: read on, up to the limit
                data += handle.read(max_size + 1 - len(data))
    except IsADirectoryError:
        return None, None, [FileProblem("Y010", Text("这是目录而不是文件", "a directory, not a file"))]
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return None, None, [FileProblem("Y010", Text(f"无法读取文件：{reason}", f"cannot read: {reason}"))]
    if len(data) > max_size:
        return None, None, [_too_large(f"超过上限 {max_size} 字节", f"over the limit of {max_size} bytes")]
    return data, fingerprint_of(info), []


def _too_large(zh: str, en: str) -> FileProblem:
    return FileProblem("Y009", Text(
        f"文件过大（{zh}）；可在 gbstd.toml 的 [catalog] max_file_size 调整",
        f"file too large ({en}); see max_file_size in gbstd.toml [catalog]",
    ))


def read_text(
    path: Path, max_size: int, root: Path | str | None = None
) -> tuple[str | None, list[FileProblem]]:
    """Read a file as UTF-8 text, or say precisely why that is not possible (``root``: see read_bytes)."""
    data, _, problems = read_bytes(path, max_size, root)
    if data is None:
        return None, problems
    return decode_text(data)


def decode_text(data: bytes) -> tuple[str | None, list[FileProblem]]:
    """Bytes of a catalog file → text, or the reason it is not UTF-8 YAML text."""
    problems: list[FileProblem] = []
    if not data.strip():
        return None, [FileProblem("Y003", Text("文件为空", "the file is empty"))]
    if _utf16(data):  # Notepad's "Unicode": a NUL beside every ASCII character, which is no binary file
        message, line = not_utf8(data, 0)
        return None, [FileProblem("Y005", message, line, 1)]
    if b"\x00" in data:
        line, column = _position_of_byte(data, data.index(b"\x00"))
        return None, [FileProblem("Y004", Text(
            "文件含 NUL 字节，不是文本文件（二进制文件不应放在目录中）",
            "the file contains NUL bytes: it is binary, not YAML text",
        ), line, column)]
    if data.startswith(BOM):
        data = data[len(BOM):]
        problems.append(FileProblem("Y006", Text(
            "文件以 UTF-8 BOM 开头；请另存为“UTF-8 无 BOM”", "the file starts with a UTF-8 BOM; save it without one"
        )))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _position_of_byte(data, exc.start)
        message, _ = not_utf8(data, exc.start)
        return None, [*problems, FileProblem("Y005", message, line, column)]
    return text, problems


def not_utf8(data: bytes, offset: int) -> tuple[Text, int]:
    """Why ``data``, undecodable as UTF-8 at byte ``offset``, is no UTF-8 text (GBK: how to convert it), and the
    line of that byte. Said of a record file (Y005) and of gbstd.toml."""
    line, _ = _position_of_byte(data, offset)
    if _utf16(data):
        return Text(
            "文件是 UTF-16 编码（记事本的“Unicode”），不是 UTF-8；请转为 UTF-8，如 `iconv -f UTF-16 -t UTF-8`"
            "，或在编辑器中“另存为 UTF-8”",
            "the file is UTF-16 encoded (Notepad's 'Unicode'), not UTF-8; convert it, e.g. "
            "`iconv -f UTF-16 -t UTF-8`, or 'save as UTF-8' in your editor",
        ), 1
    if _is_gbk(data):
        return Text(
            "文件是 GBK/GB18030 编码，不是 UTF-8；请转为 UTF-8，如 `iconv -f GB18030 -t UTF-8`"
            "，或在编辑器中“另存为 UTF-8”",
            "the file is GBK/GB18030 encoded, not UTF-8; convert it, e.g. `iconv -f GB18030 -t UTF-8`, "
            "or 'save as UTF-8' in your editor",
        ), line
    return Text(
        f"文件不是有效的 UTF-8（第 {line} 行有无法解码的字节）",
        f"the file is not valid UTF-8 (undecodable bytes on line {line})",
    ), line


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _utf16(data: bytes) -> bool:
    """Whether ``data`` is UTF-16 text: it starts with UTF-16's byte-order mark (as Windows Notepad's "Unicode"
    writes it) and decodes as UTF-16 whole."""
    if not data.startswith(_UTF16_BOMS) or len(data) % 2:
        return False
    try:
        data.decode("utf-16")
    except UnicodeDecodeError:
        return False
    return True


def _is_gbk(data: bytes) -> bool:
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _position_of_byte(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    return line, len(data[start:offset].decode("utf-8", errors="replace")) + 1


def find_tab_indent(text: str) -> tuple[int, int] | None:
    """The first line indented with a tab, which YAML forbids and editors hide; lines as an editor counts them
    (``str.splitlines`` also breaks at a form feed, U+2028 and the like, and gave a line too low after one)."""
    for number, line in enumerate(_EDITOR_BREAK.split(text), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent and line.strip():
            return number, indent.index("\t") + 1
    return None


def parse_yaml(text: str) -> tuple[Any, list[FileProblem]]:
    """Parse text into plain Python data, or return the problem with its position."""
    data, problems, _ = parse_yaml_positions(text, with_positions=False)
    return data, problems


def parse_yaml_positions(
    text: str, *, with_positions: bool = True
) -> tuple[Any, list[FileProblem], Positions | None]:
    """:func:`parse_yaml`, and the positions of the top-level keys and values when the fast path read the
    file (None otherwise: a later :class:`Locator` parses the text again)."""
    data, problems, positions = _parse_positions(text, with_positions)
    # A tab in the indentation is said as such when the file cannot be read (the parser's own words name no
    # tab); a tab at the start of a block scalar's line is text, and that file reads: no finding.
    if problems and "\t" in text and (tab := find_tab_indent(text)):
        return None, [FileProblem("Y007", Text(
            "缩进中有制表符（Tab）；YAML 只允许空格缩进", "a tab in the indentation; YAML allows only spaces"
        ), *tab)], None
    return data, problems, positions


def _parse_positions(text: str, with_positions: bool) -> tuple[Any, list[FileProblem], Positions | None]:
    spots: list[Any] | None = [] if with_positions else None
    lines = EditorLines.of(text)  # libyaml's marks count a NEL, U+2028 or U+2029 as a line: moved to an editor's
    try:
        data, problem, exact = _scan(text, spots)
        if problem is not None:
            return None, [lines.problem(problem) if lines else problem], None
        if exact:
            return data, [], Positions.from_events(spots, lines) if spots else None
    except Exception:  # syntax errors and anything unforeseen: the safe loader has the last word
        pass
    data, problems = _safe_load(text, lines)
    return data, problems, None


def _safe_load(text: str, lines: EditorLines | None = None) -> tuple[Any, list[FileProblem]]:
    """The safe loader's data, or its problem at an editor's line:col (``lines``: see :class:`EditorLines`)."""
    try:
        return _YAML.load(text), []
    except DuplicateKeyError as exc:
        mark = exc.problem_mark
        key = (exc.problem or "").split('"')[1] if '"' in (exc.problem or "") else "?"
        duplicate = FileProblem("Y002", Text(f"重复的键 `{key}`", f"duplicate key `{key}`"), *_mark(mark))
        return None, [lines.problem(duplicate) if lines else duplicate]
    except MarkedYAMLError as exc:
        return None, [lines.problem(syntax_problem(exc, text)) if lines else syntax_problem(exc, text)]
    except ReaderError as exc:  # a raw control character (ESC, a form feed from a word processor): said where
        code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
        at = text.find(chr(code))  # the reader's position is in bytes or characters, by parser: found again
        line, column = (text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)) if at >= 0 else (1, 1)
        return None, [FileProblem("Y001", _refused_character(code), line, column)]
    except TypeError as exc:
        if "unhashable" not in str(exc):
            return None, [FileProblem("Y001", Text(f"YAML 无法解析：{exc}", f"YAML cannot be parsed: {exc}"))]
        at = _unhashable_key(text)  # a mapping inside a list key: `? [{a: 1}]`
        return None, [_mapping_key(*(lines.moved(*at) if lines else at))]
    except (YAMLError, RecursionError, ValueError) as exc:
        # RecursionError: deep nesting in the pure-Python parser; ValueError: scalars the constructor rejects.
        return None, [FileProblem("Y001", Text(f"YAML 无法解析：{exc}", f"YAML cannot be parsed: {exc}"))]


def _refused_character(code: int) -> Text:
    """Y001's words for a character YAML's reader refuses as it is: a control character (C0 but tab and line
    ends, DEL, C1 but NEL), or U+FFFE/U+FFFF, which are noncharacters. Either is reported by Y008 when escaped
    too, so the advice is to delete it."""
    if is_noncharacter(chr(code)):
        return Text(
            f"YAML 不允许的字符 U+{code:04X}（Unicode 非字符，任何 XML 也无法容纳）；请删除",
            f"U+{code:04X} is a Unicode noncharacter, which YAML does not allow (nor can any XML hold one); delete it",
        )
    return Text(f"YAML 不允许的字符 U+{code:04X}（控制字符）；请删除",
                f"U+{code:04X} is a control character YAML does not allow; delete it")


def syntax_problem(exc: MarkedYAMLError, text: str) -> FileProblem:
    """A parser's error as a Y001 finding at its line:col (also how ``fmt`` words what its round trip refuses)."""
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or exc.context or "invalid YAML"
    line, column = _mark(mark)
    if problem == "found unhashable key":  # a mapping as a key: `? {a: 1}`
        return _mapping_key(line, column)
    if problem == _HUGE_INT:
        return FileProblem("Y001", Text(
            f"整数超过 {INT_DIGITS} 位（十进制），无法处理；如是编号等文本请加引号",
            f"an integer of more than {INT_DIGITS} (decimal) digits, which cannot be handled; quote it if it "
            "is text",
        ), line, column)
    if problem.startswith(NOT_A_DATE + ": "):  # lint reads it as text; the round trip as a date, which it cannot be
        value = problem.removeprefix(NOT_A_DATE + ": ")
        return FileProblem("Y001", Text(
            f"{value} 形如日期，但不是有效日期；如是日期请改正，如是文本请加引号（'{value}'）",
            f"{value} looks like a date but is no valid day; correct it, or quote it if it is text ('{value}')",
        ), line, column)
    if "cannot start any token" in problem and _character_at(text, line, column) == "\t":  # after `:` or `- `
        return FileProblem("Y001", Text(f"YAML 语法错误：{TAB_HERE.zh}", f"YAML syntax error: {TAB_HERE.en}"), line, column)
    return FileProblem("Y001", Text(f"YAML 语法错误：{problem}", f"YAML syntax error: {problem}"), line, column)


TAB_HERE = Text("此处不能用制表符（Tab），请改为空格", "a tab cannot stand here; use a space")
_MOST_TABS = 20  # findings a file: a file typed with tabs throughout is one problem, not hundreds
# Characters scanned in all for one file: the pure-Python scanner takes seconds for a megabyte, so a large
# file is scanned once (its first refused tab said), a record (a few KB) as often as it has refused tabs.
_SCAN_BUDGET = 256_000


def refused_tabs(text: str) -> list[FileProblem]:
    """Y012 for each tab of ``text`` (which lint has read) that the round trip's scanner refuses.

    YAML 1.2, and libyaml which lint reads with, take a tab as whitespace after a colon, before one, at a
    line's end or inside a plain value; ruamel's pure-Python scanner, which ``fmt`` and ``review add`` read
    with, does not, so they refuse a file lint passed. Each refused tab is found by scanning again with the one
    before it made a space (same positions); any other refusal is not this rule's and ends the search.
    """
    if "\t" not in text:
        return []
    problems: list[FileProblem] = []
    scanned = 0
    while len(problems) < _MOST_TABS and (not problems or scanned + len(text) <= _SCAN_BUDGET):
        scanned += len(text)
        try:
            for _ in YAML(typ="rt").scan(text):  # a scanner of its own each time: a YAML instance is not shared
                pass
            break
        except YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            if mark is None or "cannot start any token" not in str(getattr(exc, "problem", "")):
                break
            line, column = _mark(mark)
            if _character_at(text, line, column) != "\t":
                break
            problems.append(FileProblem("Y012", Text(
                f"{TAB_HERE.zh}：YAML 1.2 允许，lint 也能读，但 gbstd fmt、review add 改写时无法读取此文件",
                f"{TAB_HERE.en}: YAML 1.2 allows it and lint reads it, but gbstd fmt and review add cannot read "
                "the file to rewrite it",
            ), line, column))
            text = text[: mark.index] + " " + text[mark.index + 1:]
    return problems


def _character_at(text: str, line: int, column: int) -> str:
    """The character at 1-based ``line``:``column`` of ``text`` ("" past its end)."""
    lines = text.split("\n")
    return lines[line - 1][column - 1:column] if 0 < line <= len(lines) and column > 0 else ""


def _mapping_key(line: int, column: int) -> FileProblem:
    return FileProblem("Y001", Text(
        "字段名不能是映射（或含映射的列表）；字段名须是文本", "a key cannot be a mapping (or a list holding one); keys must be text"
    ), line, column)


def _unhashable_key(text: str) -> tuple[int, int]:
    """Where the first key holding a mapping starts (the constructor's TypeError does not say): 1:1 if none."""
    frames: list[list[Any]] = []  # open collections: [is a mapping, waiting for a key]
    key_depth = 0  # depth of the open collection key being looked into (0: none)
    key_mark: Any = None
    next_event = _events(text)
    while True:
        event = next_event()
        kind = type(event)
        if kind is StreamEndEvent:
            return 1, 1
        if kind is MappingStartEvent or kind is SequenceStartEvent:
            if key_depth == 0 and frames and frames[-1][0] and frames[-1][1]:
                key_depth, key_mark = len(frames) + 1, event.start_mark  # a collection as a key
            if key_depth and kind is MappingStartEvent:
                return _mark(key_mark)  # the key is a mapping, or a list holding one
            frames.append([kind is MappingStartEvent, True])
            continue
        if kind is MappingEndEvent or kind is SequenceEndEvent:
            if len(frames) == key_depth:
                key_depth = 0
            frames.pop()
        elif kind is not ScalarEvent and kind is not AliasEvent:
            continue
        if frames and frames[-1][0]:
            frames[-1][1] = not frames[-1][1]  # a key or a value is complete


def _mark(mark: Any) -> tuple[int, int]:
    if mark is None:
        return 1, 1
    return mark.line + 1, mark.column + 1


@dataclass
class _Spot:
    """A node of the position tree: where it starts, and its children (mapping: key → (key spot, value), and
    every pair in document order, ``pairs``, for keys that are not text)."""

    line: int
    column: int
    mapping: dict[Any, tuple[_Spot, _Spot]] | None = None
    sequence: list[_Spot] | None = None
    pairs: list[tuple[_Spot, _Spot]] | None = None


def _positions(text: str) -> _Spot | None:
    """The document's position tree from parser events (iterative: no recursion, bounded depth), at an
    editor's lines and columns."""
    lines = EditorLines.of(text)
    root: _Spot | None = None
    stack: list[tuple[_Spot, list[Any]]] = []  # (collection spot, [pending key spot or None])
    next_event = _events(text)
    while True:
        event = next_event()
        kind = type(event)
        if kind is ScalarEvent or kind is AliasEvent:
            spot = _Spot(*_at(event.start_mark, lines))
            value = event.value if kind is ScalarEvent else None
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            if len(stack) >= MAX_DEPTH:
                return None
            spot = _Spot(*_at(event.start_mark, lines))
            if kind is MappingStartEvent:
                spot.mapping, spot.pairs = {}, []
            else:
                spot.sequence = []
            _attach(stack, spot, None)
            if not stack and root is None:
                root = spot
            stack.append((spot, [None]))
            continue
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            stack.pop()
            continue
        elif kind is StreamEndEvent:
            break
        else:
            continue
        if not stack:
            root = root or spot
            continue
        _attach(stack, spot, value)
    return root


def _at(mark: Any, lines: EditorLines | None) -> tuple[int, int]:
    """A libyaml mark as a 1-based line and column an editor shows."""
    return lines.moved(mark.line + 1, mark.column + 1) if lines else (mark.line + 1, mark.column + 1)


def _attach(stack: list[tuple[_Spot, list[Any]]], spot: _Spot, value: Any) -> None:
    if not stack:
        return
    parent, pending = stack[-1]
    if parent.sequence is not None:
        parent.sequence.append(spot)
    elif pending[0] is None:
        pending[0] = (spot, value)  # a key
    else:
        key_spot, key = pending[0]
        if parent.mapping is not None and isinstance(key, str) and key not in parent.mapping:
            parent.mapping[key] = (key_spot, spot)
        if parent.pairs is not None:
            parent.pairs.append((key_spot, spot))
        pending[0] = None


class Positions:
    """Where a document's root mapping and its top-level keys and values start, kept from the parse.

    Nearly every finding points at a top-level field, so positions come from here without reading and
    parsing the file a second time; anything deeper is left to :class:`Locator`. Compact on purpose (a
    national catalog keeps one per file until the report): the keys, interned, and one array of numbers.
    """

    __slots__ = ("keys", "spots")

    def __init__(self, keys: tuple[str | None, ...], spots: array[int]) -> None:
        self.keys = keys  # top-level keys in document order (None: not a plain scalar)
        self.spots = spots  # root line, column; then per key: key line, column, value line, column (1-based)

    @classmethod
    def from_events(cls, events: list[Any], lines: EditorLines | None = None) -> Positions | None:
        """From the root's and top level's events (see ``_scan``); None unless the root is a mapping.
        ``lines``: the text's :class:`EditorLines`, when libyaml's lines are not an editor's."""
        nodes = [e for e in events if type(e) in (ScalarEvent, MappingStartEvent, SequenceStartEvent)]
        if not nodes or type(nodes[0]) is not MappingStartEvent or len(nodes) % 2 == 0:
            return None
        spots = array("i")
        keys: list[str | None] = []
        for index, event in enumerate(nodes):
            mark = event.start_mark
            if lines is None:  # nearly every file: no call a mark (every file read passes here)
                spots.append(mark.line + 1)
                spots.append(mark.column + 1)
            else:
                spots.extend(lines.moved(mark.line + 1, mark.column + 1))
            if index % 2 == 1:
                keys.append(sys.intern(event.value) if type(event) is ScalarEvent else None)
        return cls(tuple(keys), spots)

    def to_json(self) -> list[Any]:
        """The keys and the numbers (as base64 of 32-bit integers: a JSON list of 80 numbers per file took a
        national catalog's cache half a second more to decode), as the cache keeps them per content."""
        spots = self.spots
        if sys.byteorder != "little":  # kept little-endian, whichever machine wrote it
            spots = array("i", spots)
            spots.byteswap()
        return [list(self.keys), base64.b64encode(spots.tobytes()).decode("ascii")]

    @classmethod
    def from_json(cls, value: Any) -> Positions | None:
        """What :meth:`to_json` made; None for anything else (a damaged or forged cache entry)."""
        if not (isinstance(value, list) and len(value) == 2 and isinstance(value[0], list)
                and type(value[1]) is str and all(key is None or type(key) is str for key in value[0])):
            return None
        keys, text = value
        spots = array("i")
        try:
            spots.frombytes(base64.b64decode(text, validate=True))
        except (ValueError, TypeError):  # not base64, or not whole 32-bit numbers
            return None
        if sys.byteorder != "little":
            spots.byteswap()
        if len(spots) != 2 + 4 * len(keys) or min(spots) < 1:
            return None
        return cls(tuple(key if key is None else sys.intern(key) for key in keys), spots)

    def position(self, loc: Loc, key: bool = True) -> tuple[int, int] | None:
        """What :meth:`Locator.position` answers for ``loc``, or None when it lies below the top level."""
        spots = self.spots
        if not loc:
            return spots[0], spots[1]
        step = loc[0]
        if type(step) is int and 0 <= step < len(self.keys):
            index = step  # a key by its index (see Loc): one that is not text
        elif isinstance(step, str) and step in self.keys:
            index = self.keys.index(step)  # the first of equal keys, as Locator
        else:
            return spots[0], spots[1]  # a missing key: its parent, the root mapping
        if len(loc) > 1:
            return None
        at = 2 + 4 * index + (0 if key else 2)
        return spots[at], spots[at + 1]


def file_locator(path: Path, root: Path, max_size: int, positions: Positions | None) -> Locator:
    """Positions in one catalog file (``path``, inside the catalog ``root`` it is read from): kept ones first;
    the file is read and parsed only when they do not answer. A file that is gone (e.g. a record deleted since
    the baseline) points at its start."""

    return lazy_locator(lambda: (path, root), max_size, positions)


def lazy_locator(
    where: Callable[[], tuple[Path, Path]], max_size: int, positions: Positions | None
) -> Locator:
    """:func:`file_locator` of the file ``where()`` names (its path and catalog root), asked only when the
    file must be read: kept positions answer nearly every finding, and a path per file costs (100 000 of them
    at 100 000 records)."""

    def read() -> str | None:
        path, root = where()
        return read_text(path, max_size, root)[0] if path.is_file() else None

    return Locator(positions=positions, read=read) if positions is not None else Locator(read())



class Locator:
    """Maps a document path (keys and indices) to a line and column; built once per file with findings.

    With ``positions`` (kept from the parse) top-level paths are answered from them, and the text, from
    ``text`` or ``read()``, is parsed again only for a deeper path.
    """

    def __init__(
        self, text: str | None = None, positions: Positions | None = None,
        read: Callable[[], str | None] | None = None,
    ) -> None:
        self._root: _Spot | None = None
        self._text, self._read, self._positions = text, read, positions
        self._parsed = False
        if positions is None:
            self._parse()

    def _parse(self) -> None:
        self._parsed = True
        text = self._read() if self._text is None and self._read is not None else self._text
        self._text = self._read = None
        if text is not None:
            try:
                self._root = _positions(text)
            except (YAMLError, ValueError):
                self._root = None

    def position(self, loc: Loc, key: bool = True) -> tuple[int, int]:
        """Position of the deepest existing node on ``loc``: a missing key points at its parent mapping."""
        if self._positions is not None:
            known = self._positions.position(loc, key)
            if known is not None:
                return known
        if not self._parsed:
            self._parse()
        node = self._root
        if node is None:
            return 1, 1
        line, column = node.line, node.column
        for depth, step in enumerate(loc):
            last = depth == len(loc) - 1
            if node.mapping is not None and isinstance(step, (str, int)):
                # an int is a key by its index (see Loc): one that is not text
                pairs = node.pairs or []
                found = node.mapping.get(step) if isinstance(step, str) else (
                    pairs[step] if 0 <= step < len(pairs) else None)
                if found is None:
                    return line, column
                key_spot, node = found
                target = key_spot if (last and key) else node
                line, column = target.line, target.column
            elif node.sequence is not None and isinstance(step, int) and 0 <= step < len(node.sequence):
                node = node.sequence[step]
                line, column = node.line, node.column
            else:
                return line, column
        return line, column
