"""What a template may see: plain, immutable view data, never the objects gbstd works with.

A catalog's template override is written by whoever opened the pull request, so a template must not be able to
reach anything with behaviour: a ``pathlib.Path`` (``read_text``/``write_text``), a pydantic model, a record
object. :func:`view` turns the objects a report builds into

* ``str``, ``int``, ``float``, ``bool``, ``None``, ``datetime.date``/``datetime.datetime`` — as they are;
* enums — their value (``Status.IN_FORCE`` → ``"现行"``);
* paths — their POSIX text relative to the catalog root (a path outside the root is refused);
* lists, tuples, sets — tuples; mappings — read-only mappings (:class:`types.MappingProxyType`) with text keys;
* dataclasses and pydantic models — read-only mappings of their fields and their public properties; a field
  holding binary data (an image's bytes) is left out, since no text template can use it;

and refuses anything else with :class:`ViewError`. :func:`is_plain` checks a value is such view data.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Mapping
from enum import Enum
from functools import cached_property
from pathlib import Path, PurePath
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel

from gbstd.catalog.catalog import remembered

Plain = str | int | float | bool | None | dt.date | tuple[Any, ...] | MappingProxyType[str, Any]

_MAX_DEPTH = 64  # view data is a tree a few levels deep; deeper means a cycle


class ViewError(TypeError):
    """A value that is not template data (and has no safe conversion)."""


def view(value: object, root: Path | None = None) -> Any:
    """``value`` as plain, immutable view data; paths relative to ``root`` (the catalog root)."""
    return _Converter(root).convert(value, 0)


def view_context(root: Path | None, **context: object) -> dict[str, Any]:
    """A whole template context: each top-level name's value converted with :func:`view`."""
    converter = _Converter(root)
    return {name: converter.convert(value, 0) for name, value in context.items()}


_SCALARS = frozenset({str, int, float, bool, type(None), dt.date, dt.datetime})
_FIELDS: dict[type, tuple[str, ...]] = {}  # class → the names its view mapping has, in order


class _Converter:
    def __init__(self, root: Path | None) -> None:
        self.root = root
        self.lexical_root = Path(os.path.abspath(root)) if root is not None else None
        self._resolved_root: Path | None = None

    def convert(self, value: object, depth: int) -> Any:
        kind = type(value)
        if kind in _SCALARS:  # the common case first: most of a page is text
            return value
        if depth > _MAX_DEPTH:
            raise ViewError("view data nested too deeply (a cycle?)")
        how = _HOW.get(kind) or _HOW.setdefault(kind, _how(kind))
        if how == "record":
            return self.record(value, depth)
        if how == "sequence":
            return tuple([self.convert(v, depth + 1) for v in value])  # type: ignore[attr-defined]
        if how == "mapping":
            return MappingProxyType({_key(k): self.convert(v, depth + 1) for k, v in value.items()})  # type: ignore[attr-defined]
        if how == "enum":
            return self.convert(value.value, depth + 1)  # type: ignore[attr-defined]
        if how == "str":
            return str.__str__(value)  # type: ignore[arg-type]  # a str subclass (Markup) becomes a plain str
        if how == "int":
            return int(value)  # type: ignore[call-overload]
        if how == "float":
            return float(value)  # type: ignore[arg-type]
        if how == "path":
            return self.path(value)  # type: ignore[arg-type]
        if how == "set":
            return tuple(sorted((self.convert(v, depth + 1) for v in value), key=repr))  # type: ignore[attr-defined]
        raise ViewError(f"not template data: {kind.__name__}")

    def path(self, path: PurePath) -> str:
        if self.root is None or self.lexical_root is None:
            raise ViewError("a path needs the catalog root to become template data")
        # Lexically first (a record that is a symlink keeps its name in the catalog), then resolved.
        base = str(self.lexical_root)
        target = os.path.abspath(os.path.join(base, path))
        if target.startswith(base + os.sep):
            return PurePath(target[len(base) + 1:]).as_posix()
        if self._resolved_root is None:
            self._resolved_root = self.root.resolve()
        resolved = (self.root / path).resolve()
        if resolved.is_relative_to(self._resolved_root):
            return resolved.relative_to(self._resolved_root).as_posix()
        raise ViewError(f"path outside the catalog: {path.name}")

    def record(self, obj: object, depth: int) -> MappingProxyType[str, Any]:
        """Fields, then public properties (``Record.key``, ``Unavailable.placeholder``); no methods."""
        out: dict[str, Any] = {}
        for name in _fields(type(obj)):
            value = getattr(obj, name)
            if isinstance(value, bytes | bytearray | memoryview):
                continue  # an image's bytes: no text template can use them
            out[name] = self.convert(value, depth + 1)
        return MappingProxyType(out)


def _how(kind: type) -> str:
    """How a type converts; decided once per type (the order matters: an enum may also be a str)."""
    if issubclass(kind, Enum):
        return "enum"
    if issubclass(kind, str):
        return "str"
    if issubclass(kind, int):
        return "int"
    if issubclass(kind, float):
        return "float"
    if issubclass(kind, PurePath):
        return "path"
    if issubclass(kind, BaseModel) or dataclasses.is_dataclass(kind):
        return "record"
    if issubclass(kind, Mapping):
        return "mapping"
    if issubclass(kind, list | tuple):
        return "sequence"
    if issubclass(kind, set | frozenset):
        return "set"
    return "refused"


_HOW: dict[type, str] = {}


def _key(key: object) -> str:
    if isinstance(key, Enum):
        key = key.value
    if isinstance(key, str | int) and not isinstance(key, bool):
        return str(key)
    raise ViewError(f"not a template mapping key: {type(key).__name__}")


def _fields(cls: type) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        if issubclass(cls, BaseModel):
            found = list(cls.model_fields)
        else:  # a field marked ``template: False`` is the program's, not the templates' (Record.root)
            found = [f.name for f in dataclasses.fields(cls) if f.metadata.get("template", True)]
        for klass in cls.__mro__:
            if klass in (object, BaseModel):
                continue
            for name, attr in vars(klass).items():
                if isinstance(attr, property | cached_property | remembered) and name not in found:
                    found.append(name)
        names = _FIELDS[cls] = tuple(name for name in found if not name.startswith("_"))
    return names


def is_plain(value: object, depth: int = 0) -> bool:
    """True when ``value`` is view data all the way down (what :func:`view` produces)."""
    if depth > _MAX_DEPTH:
        return False
    if type(value) in (str, int, float, bool, type(None), dt.date, dt.datetime):
        return True
    if type(value) is tuple:
        return all(is_plain(v, depth + 1) for v in value)  # type: ignore[union-attr]
    if type(value) is MappingProxyType:
        return all(type(k) is str and is_plain(v, depth + 1) for k, v in value.items())  # type: ignore[union-attr]
    return False


__all__ = ["Plain", "ViewError", "is_plain", "view", "view_context"]
