"""Reusable field types for the record models: bilingual enums that accept Chinese and English spellings."""

from __future__ import annotations

import datetime as dt
import re
from enum import Enum
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, PlainSerializer, WithJsonSchema


def _dedupe(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def alias_enum(enum: type[Enum], aliases: dict[str, Enum], description: str) -> Any:
    """An ``Annotated`` enum field that also accepts ``aliases`` (e.g. 现行 for in-force).

    The JSON Schema lists every accepted spelling so editors can autocomplete either language.
    """
    lookup: dict[str, Enum] = {str(m.value): m for m in enum}  # type: ignore[misc]
    lookup.update(aliases)
    folded = {k.casefold(): v for k, v in lookup.items()}

    def coerce(value: object) -> object:
        if isinstance(value, enum):
            return value
        if isinstance(value, str):
            key = value.strip()
            return folded.get(key.casefold(), value)
        return value

    return Annotated[
        enum,
        BeforeValidator(coerce),
        PlainSerializer(lambda m: m.value, return_type=str),
        WithJsonSchema({"type": "string", "enum": _dedupe(list(lookup)), "description": description}),
    ]


def _as_list(value: object) -> object:
    if isinstance(value, str):
        return [value]
    return [] if value is None else value


# A list of strings that also accepts a single string (``replaces: GB/T 1-2000``) or null.
StrList = Annotated[list[str], BeforeValidator(_as_list)]


def list_field(description: str) -> Any:
    return Field(default_factory=list, description=description)


# [0-9], not \d: \d takes ２０２５-０６-０１, which then failed as "invalid character in year" (or, in another
# script's digits, reached pydantic's own date reading) instead of this one message
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _date_text(value: object) -> object:
    # Only real dates and ISO text: pydantic would otherwise read 20220415 as a Unix timestamp.
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value.strip()):
        return value.strip()
    raise ValueError(f"{value!r} is not a date in the form YYYY-MM-DD")


# A calendar date written as YYYY-MM-DD.
Date = Annotated[dt.date, BeforeValidator(_date_text)]
