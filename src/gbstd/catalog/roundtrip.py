"""Round-trip YAML editing: change a file's data while keeping its comments, key order and formatting.

Used by every command that writes into existing catalog files (recording a review, merging an import,
formatting). Writes go through :func:`write_atomic`.
"""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from gbstd.catalog.atomic import write_atomic


def roundtrip_yaml() -> YAML:
    """The catalog's house style: 2-space mappings, sequences indented under their key, no line wrapping."""
    yaml = YAML(typ="rt")
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


def dump_roundtrip(data: Any) -> str:
    buffer = StringIO()
    roundtrip_yaml().dump(data, buffer)
    return buffer.getvalue()


def write_roundtrip(path: Path, data: Any) -> None:
    write_atomic(path, dump_roundtrip(data))
