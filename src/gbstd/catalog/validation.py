"""Turning pydantic validation errors into bilingual findings that point at the offending key."""

from __future__ import annotations

import math
import re
import sys
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from gbstd.findings import Finding, Loc
from gbstd.i18n import Text, TextError
from gbstd.model.code import Nature, Tier
from gbstd.model.notes import PERIOD_PATTERN
from gbstd.model.plan import SUBMISSION_PATTERN
from gbstd.model.regions import REGION_PATTERN
from gbstd.model.standard import NATURE_ALIASES, RULE_CODE_PATTERN, TIER_ALIASES

M = TypeVar("M", bound=BaseModel)


# What YAML made of a key that is not text: (zh, en).
_KEY_KINDS: dict[type, tuple[str, str]] = {
    bool: ("布尔值", "a boolean"), int: ("整数", "an integer"), float: ("数字", "a number"),
    type(None): ("空值", "null"), tuple: ("列表", "a list"),
}


# Scalars YAML reads as something other than text, which quotes make text (dates stay text in gbstd's reader).
_READ_AS = (bool, int, float)


def _yaml_text(value: Any) -> str:
    """A key as YAML writes it (``true``, ``null``, ``[a, b]``), not as Python does (``True``, ``None``)."""
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, float) and not math.isfinite(value):
        return ".nan" if math.isnan(value) else ".inf" if value > 0 else "-.inf"
    if isinstance(value, tuple):
        return "[" + ", ".join(_yaml_text(item) for item in value) + "]"
    return str(value)


# What a value must be, said in words, for the patterns whose regular expression says it to nobody.
_PATTERN_WORDS: dict[str, Text] = {
    PERIOD_PATTERN: Text("不是报告期：应为 2023H1（上半年）、2023H2（下半年）或 2023（全年），年份 0001–9999",
                         "is not a period: use 2023H1 (first half), 2023H2 (second half) or 2023 (year), years 0001–9999"),
    SUBMISSION_PATTERN: Text("不是报告期：应为 2023H1（半年报）或 2023（年度报），年份 0001–9999",
                             "is not a report period: use 2023H1 (half-year report) or 2023 (annual report), years "
                             "0001–9999"),
    # said "half-width" (半角): the usual way in is a region or a rule typed in fullwidth digits (４１, C００９)
    REGION_PATTERN: Text("不是行政区划代码：应为 2、4 或 6 位半角数字（如 41、4103）",
                         "is not a division code: 2, 4 or 6 ASCII digits (e.g. 41, 4103)"),
    RULE_CODE_PATTERN: Text("不是规则代码：应为一个大写字母加 3 位半角数字（如 C009）",
                            "is not a rule code: a capital letter and 3 ASCII digits (e.g. C009)"),
}


# One allowed value as pydantic lists it: a repr of a text or a number.
_CHOICE = re.compile(r"""'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|-?\d+""")


# An English key (tier 'national') as Chinese says it ('国家标准'), for the enums whose model takes the Chinese
# label as input too: a Chinese reader is told to type what a record may hold, in words, not the key.
_IN_CHINESE: dict[str, str] = {
    repr(member.value): repr(member.label.zh)
    for enum, aliases in ((Tier, TIER_ALIASES), (Nature, NATURE_ALIASES))
    for member in enum
    if aliases.get(member.label.zh) is member
}


def allowed_values(expected: str) -> Text:
    """pydantic's list of the allowed values (its ``ctx["expected"]``: ``'a', 'b' or 'c'``, English) in each
    language: ``'a'、'b' 或 'c'`` in Chinese, where " or " read as a slip into English; a tier's or nature's
    keys as their Chinese labels ('国家标准'), which the model takes as well. A list that does not read back as
    pydantic writes one is given as it is."""
    items = _CHOICE.findall(expected)
    if len(items) < 2 or f"{', '.join(items[:-1])} or {items[-1]}" != expected:
        return Text(expected, expected)
    said = [_IN_CHINESE[item] for item in items] if all(item in _IN_CHINESE for item in items) else items
    return Text(f"{'、'.join(said[:-1])} 或 {said[-1]}", expected)


def _toml_text(value: Any) -> str:
    """A value as TOML writes it (``true``, ``nan``), for gbstd.toml."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else "inf" if value > 0 else "-inf"
    return str(value)


def _toml_reads_as(text: str, kind: str) -> bool:
    """Whether ``text`` written without its quotes is what a strict type error of ``kind`` wanted: "3" for an
    integer or a number, "true" for true/false."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib

    if kind not in ("int_type", "float_type", "bool_type") or "\n" in text or "\r" in text:
        return False
    try:
        read = tomllib.loads(f"v = {text.strip()}")["v"]
    except (tomllib.TOMLDecodeError, ValueError):
        return False
    if isinstance(read, bool):
        return kind == "bool_type"
    return isinstance(read, int) if kind == "int_type" else kind == "float_type" and isinstance(read, float | int)


# pydantic's bounds (``Field(ge=1)``): the word in each language.
_BOUNDS: dict[str, tuple[str, str, str]] = {
    "greater_than_equal": ("ge", "不能小于", "must be at least"),
    "greater_than": ("gt", "须大于", "must be greater than"),
    "less_than_equal": ("le", "不能大于", "must be at most"),
    "less_than": ("lt", "须小于", "must be less than"),
}


def describe_error(err: dict[str, Any], syntax: str = "YAML") -> tuple[Text, bool]:
    """A message for one pydantic error, and whether it points at the key (True) or the value. ``syntax``
    is the language the data was written in (``TOML`` for gbstd.toml), named where it read a value as a
    number or a boolean."""
    kind = err["type"]
    loc = err["loc"]
    name = str(loc[-1]) if loc else ""
    value = err.get("input")
    shown = repr(value) if not isinstance(value, (dict, list)) else type(value).__name__
    if syntax == "TOML" and isinstance(value, bool):
        shown = _toml_text(value)  # `jobs = true` is said as written, not as Python's True
    if kind == "value_error" and isinstance(error := err.get("ctx", {}).get("error"), TextError):
        return Text(f"`{name}`: {error.text.zh}", f"`{name}`: {error.text.en}"), False
    if kind in _BOUNDS:
        key, zh, en = _BOUNDS[kind]
        bound = err.get("ctx", {}).get(key)
        bound = _toml_text(int(bound) if isinstance(bound, float) and bound.is_integer() else bound)  # 1, not 1.0
        return Text(f"`{name}`: {shown} {zh} {bound}", f"`{name}`: {shown} {en} {bound}"), False
    if kind == "finite_number":
        return Text(f"`{name}`: {shown} 不是有限的数", f"`{name}`: {shown} is not a finite number"), False
    if syntax == "TOML" and isinstance(value, str) and _toml_reads_as(value, kind):
        # gbstd.toml is read strictly: `period_years = "3"` is text, which the quotes made of the number 3
        wanted = {"int_type": ("整数", "an integer"), "float_type": ("数字", "a number"),
                  "bool_type": ("true/false", "true/false")}[kind]
        return Text(f"`{name}`: 应为{wanted[0]}，实际是文本 {shown}；去掉引号：{value.strip()}",
                    f"`{name}`: expected {wanted[1]}, got the text {shown}; drop the quotes: {value.strip()}"), False
    if kind in ("int_parsing", "int_from_float", "float_parsing", "float_type"):
        wanted = ("整数", "an integer") if kind.startswith("int") else ("数字", "a number")
        return Text(f"`{name}`: 应为{wanted[0]}，实际是 {shown}", f"`{name}`: expected {wanted[1]}, got {shown}"), False
    if kind == "invalid_key":  # pydantic's loc holds the key mangled (True → 1, None → 'None'): the key itself
        what = _KEY_KINDS.get(type(value), ("非文本", "not text"))
        key = _yaml_text(value)
        quote = ("", "") if isinstance(value, tuple) else ("（确需这个名字时加引号）", " (quote it if you mean it)")
        return Text(
            f"字段名 `{key}` 被 YAML 读作{what[0]}，不是文本；字段名须是文本{quote[0]}",
            f"the key `{key}` is read by YAML as {what[1]}, not text; keys must be text{quote[1]}",
        ), True
    if kind == "extra_forbidden":
        return Text(f"未知字段 `{name}`（拼写错误？）", f"unknown field `{name}` (a typo?)"), True
    if kind == "missing":
        return Text(f"缺少必填字段 `{name}`", f"missing required field `{name}`"), True
    if kind.startswith("date") or (kind == "value_error" and "YYYY-MM-DD" in err.get("msg", "")):
        return Text(f"`{name}`: {shown} 不是有效日期（格式 YYYY-MM-DD）", f"`{name}`: {shown} is not a valid date (YYYY-MM-DD)"), False
    if kind == "enum" or kind == "literal_error":
        expected = allowed_values(str(err.get("ctx", {}).get("expected", "")))
        return Text(f"`{name}`: {shown} 不是允许的取值（{expected.zh}）",
                    f"`{name}`: {shown} is not one of {expected.en}"), False
    if kind == "string_pattern_mismatch":
        pattern = err.get("ctx", {}).get("pattern", "")
        if (words := _PATTERN_WORDS.get(pattern)) is not None:
            return Text(f"`{name}`: {shown} {words.zh}", f"`{name}`: {shown} {words.en}"), False
        return Text(f"`{name}`: {shown} 格式不对（应匹配 {pattern}）", f"`{name}`: {shown} does not match {pattern}"), False
    if kind == "string_too_short":
        return Text(f"`{name}` 不能为空", f"`{name}` must not be empty"), False
    if kind in ("string_type", "list_type", "dict_type", "model_type", "bool_type", "bool_parsing", "int_type"):
        wanted = {"string_type": ("文本", "text"), "list_type": ("列表", "a list"), "dict_type": ("映射", "a mapping"),
                  "model_type": ("映射", "a mapping"), "bool_type": ("true/false", "true/false"),
                  "bool_parsing": ("true/false", "true/false"), "int_type": ("整数", "an integer")}[kind]  # fmt: skip
        if kind == "string_type" and isinstance(value, _READ_AS):  # `period: 2023`, `module: 202`, `code: 12345`
            as_text = _yaml_text(value) if syntax == "YAML" else _toml_text(value)
            what = _KEY_KINDS[type(value)]
            return Text(f"`{name}`: 应为文本，{syntax} 把 {as_text} 读作{what[0]}；请加引号：'{as_text}'",
                        f"`{name}`: expected text, but {syntax} reads {as_text} as {what[1]}; quote it: '{as_text}'"), False
        return Text(f"`{name}`: 应为{wanted[0]}，实际是 {shown}", f"`{name}`: expected {wanted[1]}, got {shown}"), False
    msg = err.get("msg", kind)
    return Text(f"`{name}`: {msg}", f"`{name}`: {msg}"), False


# What a file that is no mapping (empty, only comments, a list) is told, by lint (C001) and fmt.
NOT_A_MAPPING = Text("文件内容应为键值映射（每行“字段: 值”）", "the file must hold a mapping of `field: value` lines")


def validate(model: type[M], data: Any, path: str, record: str | None) -> tuple[M | None, list[Finding]]:
    """Validate ``data`` against ``model``; on failure return one C001 finding per error."""
    if not isinstance(data, dict):
        return None, [Finding("C001", NOT_A_MAPPING, path, record)]
    try:
        # The validator itself: ``model_validate``'s Python wrapper costs a third as much again per record.
        return model.__pydantic_validator__.validate_python(data), []
    except ValidationError as exc:
        findings = []
        for err in exc.errors(include_url=False):
            message, at_key = describe_error(dict(err))
            loc: Loc = tuple(err["loc"])
            if err["type"] == "missing":
                loc = loc[:-1]
            elif err["type"] == "invalid_key":
                loc = _key_loc(data, loc[:-1], err.get("input"))
            findings.append(Finding("C001", message, path, record, loc=loc, key=at_key))
        return None, findings


def _key_loc(data: Any, parent: Loc, key: Any) -> Loc:
    """Where a key that is not text is: its index in its mapping (see Loc), or the mapping when not found."""
    node = data
    for step in parent:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            return parent
    if not isinstance(node, dict):
        return parent
    for index, candidate in enumerate(node):
        if candidate is key:  # the very object pydantic was given (NaN is not equal to itself)
            return (*parent, index)
    return parent
