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

Plain = str | int | float | bool | None | dt.date | tuple[Any, ...] | MappingProxyType[str, Any]

_MAX_DEPTH = 64  # view data is a tree a few levels deep; deeper means a cycle


class ViewError(TypeError):
    """A value that is not template data (and has no safe conversion)."""


def view(value: object, root: Path | None = None) -> Any:
    """``value`` as plain, immutable view data; paths relative to ``root`` (the catalog root)."""
    return _view(value, root, 0)


def view_context(root: Path | None, **context: object) -> dict[str, Any]:
    """A whole template context: each top-level name's value converted with :func:`view`."""
    return {name: _view(value, root, 0) for name, value in context.items()}


def _view(value: object, root: Path | None, depth: int) -> Any:
    if depth > _MAX_DEPTH:
        raise ViewError("view data nested too deeply (a cycle?)")
    if isinstance(value, Enum):
        return _view(value.value, root, depth + 1)
    if isinstance(value, bool | int | float | type(None)):
        return value
    if isinstance(value, str):
        return str.__str__(value)  # a str subclass (Markup, a str-mixin) becomes a plain str
    if isinstance(value, dt.date) and type(value) in (dt.date, dt.datetime):
        return value
    if isinstance(value, PurePath):
        return _path(value, root)
    if isinstance(value, BaseModel):
        names = list(type(value).model_fields)
        return _record(value, names, root, depth)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _record(value, [f.name for f in dataclasses.fields(value)], root, depth)
    if isinstance(value, Mapping):
        return MappingProxyType({_key(k): _view(v, root, depth + 1) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_view(v, root, depth + 1) for v in value)
    if isinstance(value, set | frozenset):
        return tuple(sorted((_view(v, root, depth + 1) for v in value), key=repr))
    raise ViewError(f"not template data: {type(value).__name__}")


def _key(key: object) -> str:
    if isinstance(key, Enum):
        key = key.value
    if isinstance(key, str | int) and not isinstance(key, bool):
        return str(key)
    raise ViewError(f"not a template mapping key: {type(key).__name__}")


def _path(path: PurePath, root: Path | None) -> str:
    if root is None:
        raise ViewError("a path needs the catalog root to become template data")
    # Lexically first (a record that is a symlink keeps its name in the catalog), then resolved.
    for base, target in ((Path(os.path.abspath(root)), Path(os.path.abspath(root / path))),
                         (root.resolve(), (root / path).resolve())):
        if target.is_relative_to(base):
            return target.relative_to(base).as_posix()
    raise ViewError(f"path outside the catalog: {path.name}")


def _record(obj: object, names: list[str], root: Path | None, depth: int) -> MappingProxyType[str, Any]:
    """Fields, then public properties (``Record.key``, ``Unavailable.placeholder``); methods are not data."""
    out: dict[str, Any] = {}
    for name in [*names, *_properties(type(obj))]:
        if name.startswith("_") or name in out:
            continue
        value = getattr(obj, name)
        if isinstance(value, bytes | bytearray | memoryview):
            continue  # an image's bytes: no text template can use them
        out[name] = _view(value, root, depth + 1)
    return MappingProxyType(out)


_PROPERTY_CACHE: dict[type, tuple[str, ...]] = {}


def _properties(cls: type) -> tuple[str, ...]:
    names = _PROPERTY_CACHE.get(cls)
    if names is None:
        found: list[str] = []
        for klass in cls.__mro__:
            if klass in (object, BaseModel):
                continue
            for name, attr in vars(klass).items():
                if isinstance(attr, property | cached_property) and name not in found:
                    found.append(name)
        names = _PROPERTY_CACHE[cls] = tuple(found)
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
