"""Round-trip YAML editing: change a file's data while keeping its comments, key order and formatting.

Used by every command that writes into existing catalog files (recording a review, merging an import,
formatting). Writes go through :func:`write_atomic`.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import ConstructorError, RoundTripConstructor
from ruamel.yaml.emitter import RoundTripEmitter
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import MappingEndEvent
from ruamel.yaml.tokens import CommentToken

from gbstd.catalog.atomic import write_atomic
from gbstd.catalog.yamlio import NOT_A_DATE, FileProblem, other_line_breaks, syntax_problem
from gbstd.i18n import Text


class _Constructor(RoundTripConstructor):
    """The round trip's constructor, with a date-like scalar that is no day (``2023-02-30``) refused at its
    position: ruamel raised a bare ValueError (a traceback from `review add`), while lint reads it as text."""

    def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
        try:
            return super().construct_yaml_timestamp(node, values)
        except ValueError:
            raise ConstructorError(None, None, f"{NOT_A_DATE}: {node.value}", node.start_mark) from None


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_timestamp)


class _Emitter(RoundTripEmitter):
    """The round trip's emitter, with the line break after a flow mapping's end-of-line comment kept as one.

    ruamel sets ``no_newline`` ("the line has just had its ``- ``") after the dash of an item that follows a
    commented list key, and a flow mapping ``{…}  # …`` left it set after its comment (one without a comment
    clears it): the next block mapping then skipped its second line break, ``- date: … conclusion: …``, broken
    YAML (a review added after such a review; the review after one with comment lines, in a plain round trip).
    After the comment the line is a new one, nothing has been written on it."""

    def expect_flow_mapping_key(self) -> None:
        ending = isinstance(self.event, MappingEndEvent)
        super().expect_flow_mapping_key()
        if ending:
            self.no_newline = False


def roundtrip_yaml() -> YAML:
    """The catalog's house style: 2-space mappings, sequences indented under their key, no line wrapping."""
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    yaml.Emitter = _Emitter
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.allow_unicode = True
    return yaml


def load_roundtrip(text: str) -> CommentedMap:
    data = roundtrip_yaml().load(text)
    if not isinstance(data, CommentedMap):
        raise ValueError("the document is not a mapping")
    return data


def unreadable(exc: YAMLError, text: str) -> FileProblem:
    """Why the round trip cannot read ``text`` that lint reads, in one line (ruamel's own is several, in English)
    and where when the parser says (line 0: the file as a whole)."""
    if breaks := other_line_breaks(text):  # a line break to lint's reader (libyaml), text to YAML 1.2: lint's Y013
        return breaks[0]
    if isinstance(exc, MarkedYAMLError) and (exc.problem_mark or exc.context_mark):  # worded as lint words Y001
        return syntax_problem(exc, text)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return FileProblem("Y001", Text(problem, problem), 0, 0)


def dump_roundtrip(data: Any) -> str:
    _settle_comments(data)
    buffer = StringIO()
    roundtrip_yaml().dump(data, buffer)
    return buffer.getvalue()


def _settle_comments(data: Any) -> None:
    """Make ``data``'s comment lines above a collection writable again. ruamel marks each as written when it
    dumps, and unmarks it only through the collection that holds it; the lines above a list's first item are
    also held by the list's key, so once that list was replaced or emptied of them (``import --update
    --replace-lists``, an item put first: both after a dump of the file as read), the next dump skipped them
    and, as for an empty list of them, wrote the list on its key's line: broken YAML (``references:   -``)."""
    stack = [data]
    while stack:
        node = stack.pop()
        if not isinstance(node, (CommentedMap, CommentedSeq)):
            continue
        ca = node.ca
        if ca.comment:
            _unmark(ca.comment)
        for slots in ca.items.values():
            if slots:
                _unmark(slots)
        stack.extend(node.values() if isinstance(node, CommentedMap) else node)


def _unmark(slots: list[Any]) -> None:
    for index, held in enumerate(slots):
        if isinstance(held, list):
            for token in held:
                if isinstance(token, CommentToken):
                    token.reset()
            if not held:
                slots[index] = None  # an empty list is read as lines written: the value then starts on the key's line


def comment_lines(text: str) -> list[tuple[str, int]]:
    """Every comment line of ``text`` (stripped) with the 1-based line it is on, in order."""
    found: list[tuple[str, int]] = []

    def collect(item: Any) -> None:
        if isinstance(item, CommentToken):
            for offset, line in enumerate(item.value.split("\n")):
                if line.strip():
                    found.append((line.strip(), item.start_mark.line + 1 + offset))
        elif isinstance(item, (list, tuple)):
            for part in item:
                collect(part)

    for token in roundtrip_yaml().scan(text):
        collect(getattr(token, "comment", None))
    return sorted(found, key=lambda item: item[1])


# Where the round trip drops a comment, said in every refusal that names one (:func:`lost_comment`).
LOST_WHERE = Text("流式 [...]、{...} 之内或 ---、... 前后的注释无法保留",
                  "one inside a flow [...] or {...}, or around --- or ..., cannot be kept")


def lost_comment(before: str, after: str) -> tuple[str, int] | None:
    """The first comment line of ``before`` that ``after`` no longer holds (and its line), or None. ruamel's round
    trip drops some comments without a word — inside a flow ``[…]``/``{…}``, before ``---``, after ``...`` — so a
    rewrite is checked with this before it is written; a comment that only moved is not lost."""
    if "#" not in before or before == after:  # nothing to lose (and no scan of either text)
        return None
    kept = Counter(line for line, _ in comment_lines(after))
    for line, number in comment_lines(before):
        if kept[line] <= 0:
            return line, number
        kept[line] -= 1
    return None


# A line break as YAML reads one (and lint's reader): CRLF, LF or a lone CR.
_LINE_BREAK = re.compile(r"(\r\n|\r|\n)")


@dataclass(frozen=True)
class LineEnds:
    """How an existing file ends its lines, whether its last line has one and whether it starts with a BOM, to be
    written back the same way: the dumper writes LF, a final newline and no BOM, so a record saved on Windows
    came back with every line changed in a diff.

    Two ways to read a file: :meth:`of`, ``fmt``'s canonical one (one line end throughout, a final newline), and
    :meth:`kept`, a minimal edit's (``review add``, the web editor, ``import --update``): every line kept keeps its
    own end, a new line gets the file's usual one, and a file without a final newline still has none."""

    end: str = "\n"  # the line end written (a new line's, in a minimal edit)
    bom: bool = False
    final_newline: bool = True
    # a minimal edit of a file that mixes line ends: its lines (without their ends) and their ends, to find the
    # lines the edit kept; empty when the file has one kind, which the fast path writes throughout
    lines: tuple[str, ...] = ()
    ends: tuple[str, ...] = ()

    @staticmethod
    def of(text: str, bom: bool = False) -> tuple[str, LineEnds]:
        """``text`` (read without its BOM) with LF line ends, and its own: CRLF when most of its lines have it
        (as ``fmt`` decides). Read with CR in it, the dumper kept a comment's CR and wrote LF elsewhere."""
        crlf = text.count("\r\n") * 2 > text.count("\n")
        return text.replace("\r\n", "\n").replace("\r", "\n"), LineEnds("\r\n" if crlf else "\n", bom)

    @staticmethod
    def kept(text: str, bom: bool = False) -> tuple[str, LineEnds]:
        """``text`` (read without its BOM) with LF line ends and a final newline, as the round trip reads and
        writes it, and the file's own ends for a minimal edit. The commands decided this each their own way:
        ``review add`` made a file mixing CRLF and LF all CRLF and refused one ending its lines in CR, ``import
        --update`` made a mixed file all one kind and added a final newline the file did not have."""
        crlf, cr = text.count("\r\n"), text.count("\r")
        if crlf == cr and (crlf == 0 or crlf == text.count("\n")):  # one kind, LF or CRLF (most files): no split
            end = "\r\n" if crlf else "\n"
            bare = text.replace("\r\n", "\n") if crlf else text
            final_newline = bare.endswith("\n")
            return (bare if final_newline else bare + "\n"), LineEnds(end, bom, final_newline)
        parts = _LINE_BREAK.split(text)
        lines, ends = parts[0::2], parts[1::2]
        final_newline = not lines[-1] and bool(ends)
        bare = "\n".join(lines) if final_newline else "\n".join(lines) + "\n"
        kinds = Counter(ends)
        # the usual end: the most frequent (CRLF on a tie, as a Windows editor would write), LF in a one-line file
        end = max(kinds, key=lambda kind: (kinds[kind], kind == "\r\n")) if kinds else "\n"
        if len(kinds) <= 1:
            return bare, LineEnds(end, bom, final_newline)
        return bare, LineEnds(end, bom, final_newline, tuple(lines), tuple(ends))

    def applied(self, text: str) -> str:
        """``text``, dumped with LF and a final newline, in this file's line ends, without a final newline when
        the file had none, and with its BOM (as U+FEFF: written as UTF-8)."""
        if not self.final_newline:
            text = text.removesuffix("\n")
        if self.lines:
            text = self._line_by_line(text)
        elif self.end != "\n":
            text = text.replace("\n", self.end)
        return "\ufeff" + text if self.bom else text

    def _line_by_line(self, text: str) -> str:
        """``text`` (LF) with each line the edit kept ending as it did in the file, the others in the usual end
        (a file mixing CRLF and LF came back all one kind after any edit: a diff of the whole file)."""
        new = text.split("\n")
        ends = [self.end] * (len(new) - 1)
        for tag, start, stop, new_start, _ in difflib.SequenceMatcher(a=self.lines, b=new, autojunk=False).get_opcodes():
            if tag == "equal":
                for offset in range(stop - start):
                    if start + offset < len(self.ends) and new_start + offset < len(ends):
                        ends[new_start + offset] = self.ends[start + offset]
        return "".join(line + end for line, end in zip(new, [*ends, ""], strict=True))


def write_roundtrip(path: Path, data: Any) -> None:
    write_atomic(path, dump_roundtrip(data))
