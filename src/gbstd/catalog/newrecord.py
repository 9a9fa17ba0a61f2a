"""Writing new record files in the catalog's house style: schema line, model key order, short lists in flow
style, digit-only strings quoted. Shared by ``gbstd new`` and ``gbstd import``; writes are atomic.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString, ScalarString

from gbstd.catalog.comment_tails import set_key
from gbstd.catalog.config_file import CatalogError
from gbstd.catalog.roundtrip import dump_roundtrip
from gbstd.catalog.yamlio import OTHER_BREAKS, is_inside
from gbstd.i18n import Text
from gbstd.model.code import StandardCode
from gbstd.model.config import Config
from gbstd.model.standard import Standard

SCHEMA_FILE = "standard.schema.json"
FLOW_LISTS = frozenset({"replaces", "replaced_by", "references", "issuer", "drafters"})
# Plain scalars YAML would read as something other than text (numbers, booleans, dates, null).
_NOT_TEXT = re.compile(
    r"^(?:[-+]?(?:\d[\d_]*)?\.?\d+(?:[eE][-+]?\d+)?|0x[0-9a-fA-F]+|0o[0-7]+|true|false|yes|no|on|off|y|n|null|~|"
    r"\d{4}-\d{1,2}-\d{1,2}.*)$",
    re.IGNORECASE,
)


# Real codes are under 30 characters; file systems allow 255 bytes per name (less with the atomic write's
# temporary prefix and suffix) and Windows about 260 for a whole path, so a longer code cannot name a file.
MAX_CODE_LENGTH = 64


class CodeTooLong(ValueError):
    """A code too long to name a record file; ``text`` is the one-line message in both languages."""

    def __init__(self, code: str) -> None:
        shown = code if len(code) <= 40 else code[:40] + "…"
        self.text = Text(
            f"标准号过长（{len(code)} 个字符，最多 {MAX_CODE_LENGTH} 个）：{shown!r}",
            f"code too long ({len(code)} characters, at most {MAX_CODE_LENGTH}): {shown!r}",
        )
        super().__init__(self.text.en)


def record_path(root: Path, config: Config, code: StandardCode) -> Path:
    """Where a new record goes: ``records/<tier>/<file name from the code>``; :class:`CodeTooLong` when the
    code cannot name a file.

    A tier directory committed as a link to elsewhere (``records/local → /tmp``) would carry the write out
    of the catalog: that is a :class:`CatalogError` (exit 2).
    """
    if len(code.canonical) > MAX_CODE_LENGTH:
        raise CodeTooLong(code.canonical)
    path = root / config.catalog.records / code.tier.value / code.filename
    if not is_inside(root, path.parent):
        rel = path.parent.relative_to(root).as_posix()
        raise CatalogError(Text(f"{rel} 指向目录之外（符号链接），不能在其中新建记录",
                                f"{rel} leads outside the catalog (a symbolic link); no record is written there"))
    return path


def schema_ref(path: Path, root: Path) -> str:
    """Relative reference from ``path`` to the standard schema: the catalog's own ``schemas/`` or the
    nearest one above it (a catalog kept inside a repository that holds the schemas)."""
    candidates = [root, *list(root.parents)[:3]]
    target = next(
        (c / "schemas" / SCHEMA_FILE for c in candidates if (c / "schemas" / SCHEMA_FILE).is_file()),
        root / "schemas" / SCHEMA_FILE,
    )
    return Path(os.path.relpath(target, path.parent)).as_posix()


def schema_line(path: Path, root: Path) -> str:
    return f"# yaml-language-server: $schema={schema_ref(path, root)}\n"


# What YAML's printable set leaves out, and what a block scalar would read as a line break (CR, NEL, LS, PS).
_NOT_IN_BLOCK = re.compile("[^\t\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def yaml_value(key: str, value: Any) -> Any:
    """A Python value as the round-trip YAML node it should be written as."""
    if isinstance(value, str):
        if "\n" in value:
            value = value.replace("\r\n", "\n")  # a Windows line break is a line break (a block keeps no CR)
            # a block keeps lines as they read; a character a block cannot hold (a control character, a
            # carriage return: YAML would refuse or normalise it) needs the escapes of double quotes
            return DoubleQuotedScalarString(value) if _NOT_IN_BLOCK.search(value) else LiteralScalarString(value)
        # an item of a flow list ([…]) holding ':' or '?' (GB/T 19001-2016/ISO 9001:2015) is a syntax error to
        # libyaml, which lint reads with, when plain: quoted
        flow_unsafe = key in FLOW_LISTS and (":" in value or "?" in value)
        # NEL, LS or PS: the dumper wrote it as it is, a line break to lint's reader but text to YAML 1.2 (Y013);
        # double quotes write it as an escape, which every reader reads alike
        quoted = flow_unsafe or _NOT_TEXT.match(value) or any(char in value for char in OTHER_BREAKS)
        return DoubleQuotedScalarString(value) if quoted else value
    if isinstance(value, (dt.date, bool, int, float)) or value is None:
        return value
    if isinstance(value, dict):
        mapping = CommentedMap()
        for k, v in value.items():
            mapping[k] = yaml_value(k, v)
        return mapping
    if isinstance(value, (list, tuple)):
        seq = CommentedSeq(yaml_value(key, item) for item in value)
        if key in FLOW_LISTS:
            seq.fa.set_flow_style()
        return seq
    return value


def record_document(data: dict[str, Any]) -> CommentedMap:
    """Record data as a round-trip mapping, keys in the model's order."""
    order = list(Standard.model_fields)
    doc = CommentedMap()
    for key in sorted(data, key=lambda k: order.index(k) if k in order else len(order)):
        doc[key] = yaml_value(key, data[key])
    return doc


def render_record(
    data: dict[str, Any] | CommentedMap,
    path: Path,
    root: Path,
    trailer: str = "",
    *,
    schema: str | None = None,
) -> str:
    """The text of a new record file: the schema line (``schema``: precomputed), then the fields."""
    doc = data if isinstance(data, CommentedMap) else record_document(data)
    return (schema or schema_line(path, root)) + dump_roundtrip(doc) + trailer


def insert_in_order(doc: CommentedMap, key: str, value: Any) -> None:
    """Set ``key``; a new key goes after the last existing key that precedes it in the model's order (the
    comment lines above the key it goes before stay above that key: :func:`set_key`)."""
    if key in doc:
        old = doc[key]
        # ruamel gives a plain text the style of the value it replaces: a note written as a block (|, >) took a
        # form feed or a lone carriage return into the block, as text YAML cannot read (or reads as a line
        # break); such a text gets the escapes of double quotes, as yaml_value gives a new one
        if (isinstance(value, str) and not isinstance(value, ScalarString) and isinstance(old, ScalarString)
                and not isinstance(old, DoubleQuotedScalarString) and _NOT_IN_BLOCK.search(value)):
            value = DoubleQuotedScalarString(value)
        set_key(doc, key, value)
        return
    order = list(Standard.model_fields)
    rank = order.index(key) if key in order else len(order)
    position = 0
    for index, existing in enumerate(doc):
        if (order.index(existing) if existing in order else len(order)) < rank:
            position = index + 1
    set_key(doc, key, value, position)
