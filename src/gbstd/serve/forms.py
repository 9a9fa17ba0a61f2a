"""The record form, generated from the :class:`~gbstd.model.standard.Standard` model.

Each simple field of the model becomes one input: text, a date input, a checkbox, a choice among the enum's
values, or a text area holding a list one item per line. Nested structures (reviews, implementations, the
making process, suppressions…) are not in the form: they have their own pages (add a review) or stay as they
are in the file. Labels come from the field's description: the Chinese words first, then the English key.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import dataclass
from enum import Enum
from typing import Any

from pydantic import TypeAdapter, ValidationError

from gbstd.i18n import Text
from gbstd.model.standard import Standard

LIST_SEPARATOR = "\n"
MULTILINE = frozenset({"scope", "note"})  # free text that usually runs over several lines
READ_ONLY = frozenset({"code"})  # the code names the file: a new code is a new record (create)
CODE_LISTS = frozenset({"replaces", "replaced_by", "references", "adopts", "refines"})


@dataclass(frozen=True)
class FormField:
    """One input of the record form."""

    name: str  # the model's key, also the input's name
    label_zh: str
    help: str
    kind: str  # text | textarea | date | bool | choice | lines
    choices: tuple[str, ...] = ()
    choice_labels: tuple[Text, ...] = ()  # each choice in words (国家标准 for ``national``), as the commands say it
    required: bool = False
    read_only: bool = False


def _bare(annotation: Any) -> Any:
    return typing.get_args(annotation)[0] if typing.get_origin(annotation) is typing.Annotated else annotation


def _members(annotation: Any) -> set[Any]:
    """The types an annotation allows, ``Annotated`` wrappers removed (``Date | None`` → date, None)."""
    annotation = _bare(annotation)
    union = isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union
    return {_bare(a) for a in typing.get_args(annotation)} if union else {annotation}


def _enum_of(annotation: Any) -> type[Enum] | None:
    for candidate in _members(annotation):
        if isinstance(candidate, type) and issubclass(candidate, Enum):
            return candidate
    return None


def _choice_label(member: Enum) -> Text:
    label = getattr(member, "label", None)
    return label if isinstance(label, Text) else Text(str(member.value), str(member.value))


def _kind(name: str, annotation: Any) -> tuple[str, tuple[Enum, ...]] | None:
    """The input kind of a model field (and a choice's members), or None for a structure the form leaves alone."""
    enum = _enum_of(annotation)
    if enum is not None:
        return "choice", tuple(enum)
    args = _members(annotation)
    annotation = _bare(annotation)
    if dt.date in args:
        return "date", ()
    if bool in args:
        return "bool", ()
    if typing.get_origin(annotation) is list and typing.get_args(annotation) == (str,):
        return "lines", ()
    if str in args and not any(typing.get_origin(a) in (list, dict) for a in args):
        return ("textarea" if name in MULTILINE else "text"), ()
    return None


def _label(description: str | None, name: str) -> tuple[str, str]:
    """``"发布日期 date of publication"`` → (``"发布日期"``, ``"date of publication"``)."""
    text = (description or name).strip()
    head, _, tail = text.partition(" ")
    return head, tail


def form_fields() -> list[FormField]:
    fields = []
    for name, info in Standard.model_fields.items():
        kind = _kind(name, info.annotation)
        if kind is None:
            continue
        zh, help_text = _label(info.description, name)
        members = kind[1]
        fields.append(FormField(name, zh, help_text, kind[0], tuple(str(m.value) for m in members),
                                tuple(_choice_label(m) for m in members), info.is_required(), name in READ_ONLY))
    return fields


FORM_FIELDS = form_fields()


def canonical(data: dict[str, Any], standard: Standard) -> dict[str, Any]:
    """``data`` with each form field as the model read it: a status spelled with an alias (``in-force``) as
    its canonical value, a list written as one string as a list, text stripped. Compared raw, the form would
    rewrite fields the editor never touched."""
    result = dict(data)
    for spec in FORM_FIELDS:
        if spec.name not in data:
            continue
        value = getattr(standard, spec.name, None)
        result[spec.name] = str(value.value) if isinstance(value, Enum) else value
    return result


def form_values(data: dict[str, Any], standard: Standard) -> dict[str, str]:
    """A record's parsed YAML (plain data) and its validated model as the text each input shows."""
    data = canonical(data, standard)
    values: dict[str, str] = {}
    for spec in FORM_FIELDS:
        value = data.get(spec.name)
        if value is None:
            values[spec.name] = ""
        elif spec.kind == "lines":
            values[spec.name] = LIST_SEPARATOR.join(str(v) for v in value) if isinstance(value, list) else str(value)
        elif spec.kind == "bool":
            values[spec.name] = "on" if value is True else ""
        elif isinstance(value, dt.date):
            values[spec.name] = value.isoformat()
        else:
            values[spec.name] = str(value)
    return values


def submitted_unchanged(
    data: dict[str, Any], standard: Standard, normalise_code: typing.Callable[[str], str]
) -> dict[str, Any]:
    """What the form of this record submits when nothing in it is changed: the values it shows as a browser
    sends them back (a one-line input cannot hold a line break: browsers drop it), read as :func:`submitted`
    reads them. A field whose submission equals this was not edited, whatever the file holds that the form
    cannot show (a title over several lines, an item holding a line break, an empty item)."""
    shown = form_values(data, standard)
    one_line = {spec.name for spec in FORM_FIELDS if spec.kind in ("text", "date", "choice")}
    # and a text area's line breaks are sent as CRLF, a lone CR among them
    return submitted({name: value.replace("\r", "").replace("\n", "") if name in one_line
                      else value.replace("\r\n", "\n").replace("\r", "\n") for name, value in shown.items()},
                     normalise_code)


def _sent(form: typing.Mapping[str, Any], name: str) -> list[Any]:
    """Every value the post has for ``name``: a form's multi-dict has several (a checkbox and its companion)."""
    getlist = getattr(form, "getlist", None)
    return list(getlist(name)) if callable(getlist) else [form[name]]


def _ticked(values: list[Any]) -> bool | str | None:
    """A checkbox as the post has it: True, None (unticked: the field goes) or, for a value that is neither
    ("maybe"), the text, for the model to refuse at its field. The companion input sends "" and the box "on";
    a script may send true/false, yes/no, 1/0 (pydantic's words: "false" used to tick the box)."""
    texts = [value.strip() for value in values if isinstance(value, str) and value.strip()]
    if not texts:
        return None
    try:
        return True if TypeAdapter(bool).validate_python(texts[-1]) else None
    except ValidationError:
        return texts[-1]


def submitted(form: typing.Mapping[str, Any], normalise_code: typing.Callable[[str], str]) -> dict[str, Any]:
    """What the form says, as record data: empty inputs are None (the field goes), lists split per line,
    codes in lists normalised to their canonical spelling. Dates stay text: the model judges them. A field the
    form does not send at all is left out (not edited): only an empty input empties a field; a post without
    ``published`` removed it. A browser sends an unticked checkbox as nothing, so the form puts a hidden, empty
    input of the same name before each one (``standard.html.j2``): a post that has the name had the checkbox,
    and unticks it unless the box's own value is there too; a post that never had the checkbox (a script, a
    page from before) leaves the field as it is, where it used to untick it."""
    data: dict[str, Any] = {}
    for spec in FORM_FIELDS:
        if spec.read_only or spec.name not in form:
            continue
        if spec.kind == "bool":
            data[spec.name] = _ticked(_sent(form, spec.name))
            continue
        raw = form.get(spec.name)
        text = raw if isinstance(raw, str) else ""
        if spec.kind == "lines":
            items = [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]
            if spec.name in CODE_LISTS:
                items = [normalise_code(item) for item in items]
            data[spec.name] = items or None
        elif spec.kind == "textarea":
            data[spec.name] = text.replace("\r\n", "\n").strip() or None
        else:
            data[spec.name] = text.strip() or None
    return data
