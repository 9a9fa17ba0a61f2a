"""Reading one YAML file safely: bytes → text → data, with every failure turned into a finding.

Parsing uses ruamel.yaml's C parser with the safe constructor (fast; no positions kept). Dates stay strings
here so that an impossible date (2021-02-30) becomes a schema finding at its key, not a crash. Anchors and
aliases are refused: catalog files never need them and they are how "billion laughs" bombs are built.
Positions are computed later, and only for files with findings, by :class:`Locator`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import ConstructorError, DuplicateKeyError, SafeConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, SequenceNode

from gbstd.findings import Loc
from gbstd.i18n import Text

BOM = b"\xef\xbb\xbf"


@dataclass
class FileProblem:
    """A file-level problem found before or while parsing; ``line``/``column`` are 1-based."""

    rule: str
    message: Text
    line: int = 1
    column: int = 1


class _CatalogConstructor(SafeConstructor):
    """Safe constructor for catalog files: timestamps stay text; aliases are refused.

    Timestamps stay text so that the models parse dates and report bad ones with their key. The C parser
    composes the node tree itself, so an alias shows up here as a node constructed a second time.
    """

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        if node in self.constructed_objects or node in self.recursive_objects:
            raise ConstructorError(
                None, None, "anchors and aliases (&name, *name) are not allowed in catalog files", node.start_mark
            )
        return super().construct_object(node, deep)

    def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
        return self.construct_scalar(node)


_CatalogConstructor.add_constructor(
    "tag:yaml.org,2002:timestamp", _CatalogConstructor.construct_yaml_timestamp
)


def _new_yaml() -> YAML:
    yaml = YAML(typ="safe")
    yaml.Constructor = _CatalogConstructor
    return yaml


_YAML = _new_yaml()


def read_text(path: Path, max_size: int) -> tuple[str | None, list[FileProblem]]:
    """Read a file as UTF-8 text, or say precisely why that is not possible."""
    problems: list[FileProblem] = []
    try:
        if path.stat().st_size > max_size:
            size = path.stat().st_size
            return None, [FileProblem("Y009", Text(
                f"文件过大（{size} 字节，上限 {max_size}）；可在 gbstd.toml 的 [catalog] max_file_size 调整",
                f"file too large ({size} bytes, limit {max_size}); see max_file_size in gbstd.toml [catalog]",
            ))]
        data = path.read_bytes()
    except OSError as exc:
        return None, [FileProblem("Y010", Text(f"无法读取文件：{exc.strerror}", f"cannot read file: {exc.strerror}"))]
    if not data.strip():
        return None, [FileProblem("Y003", Text("文件为空", "the file is empty"))]
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
        if _is_gbk(data):
            message = Text(
                "文件是 GBK/GB18030 编码，不是 UTF-8；请转为 UTF-8，如 `iconv -f GB18030 -t UTF-8`"
                "，或在编辑器中“另存为 UTF-8”",
                "the file is GBK/GB18030 encoded, not UTF-8; convert it, e.g. `iconv -f GB18030 -t UTF-8`, "
                "or 'save as UTF-8' in your editor",
            )
        else:
            message = Text(
                f"文件不是有效的 UTF-8（第 {line} 行有无法解码的字节）",
                f"the file is not valid UTF-8 (undecodable bytes on line {line})",
            )
        return None, [*problems, FileProblem("Y005", message, line, column)]
    return text, problems


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
    """The first line indented with a tab, which YAML forbids and editors hide."""
    for number, line in enumerate(text.splitlines(), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent and line.strip():
            return number, indent.index("\t") + 1
    return None


def parse_yaml(text: str) -> tuple[Any, list[FileProblem]]:
    """Parse text into plain Python data, or return the problem with its position."""
    if tab := find_tab_indent(text):
        return None, [FileProblem("Y007", Text(
            "缩进中有制表符（Tab）；YAML 只允许空格缩进", "a tab in the indentation; YAML allows only spaces"
        ), *tab)]
    try:
        return _YAML.load(text), []
    except DuplicateKeyError as exc:
        mark = exc.problem_mark
        key = (exc.problem or "").split('"')[1] if '"' in (exc.problem or "") else "?"
        return None, [FileProblem("Y002", Text(f"重复的键 `{key}`", f"duplicate key `{key}`"), *_mark(mark))]
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        return None, [FileProblem("Y001", Text(f"YAML 语法错误：{problem}", f"YAML syntax error: {problem}"), *_mark(mark))]
    except (YAMLError, RecursionError, ValueError) as exc:
        # RecursionError: absurdly deep nesting; ValueError: scalars the constructor rejects (e.g. huge ints).
        return None, [FileProblem("Y001", Text(f"YAML 无法解析：{exc}", f"YAML cannot be parsed: {exc}"))]


def _mark(mark: Any) -> tuple[int, int]:
    if mark is None:
        return 1, 1
    return mark.line + 1, mark.column + 1


class Locator:
    """Maps a document path (keys and indices) to a line and column by composing the node tree once."""

    def __init__(self, text: str | None) -> None:
        self._root: Node | None = None
        if text is not None:
            try:
                self._root = _YAML.compose(text)
            except (YAMLError, RecursionError, ValueError):
                self._root = None

    def position(self, loc: Loc, key: bool = True) -> tuple[int, int]:
        """Position of the deepest existing node on ``loc``: a missing key points at its parent mapping."""
        node = self._root
        if node is None:
            return 1, 1
        line, column = node.start_mark.line + 1, node.start_mark.column + 1
        for depth, step in enumerate(loc):
            last = depth == len(loc) - 1
            if isinstance(node, MappingNode) and isinstance(step, str):
                for key_node, value_node in node.value:
                    if key_node.value == step:
                        target = key_node if (last and key) else value_node
                        line, column = target.start_mark.line + 1, target.start_mark.column + 1
                        node = value_node
                        break
                else:
                    return line, column
            elif isinstance(node, SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
                node = node.value[step]
                line, column = node.start_mark.line + 1, node.start_mark.column + 1
            else:
                return line, column
        return line, column
