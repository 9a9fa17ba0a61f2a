"""Turning pydantic validation errors into bilingual findings that point at the offending key."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from gbstd.findings import Finding, Loc
from gbstd.i18n import Text

M = TypeVar("M", bound=BaseModel)


def describe_error(err: dict[str, Any]) -> tuple[Text, bool]:
    """A message for one pydantic error, and whether it points at the key (True) or the value."""
    kind = err["type"]
    loc = err["loc"]
    name = str(loc[-1]) if loc else ""
    value = err.get("input")
    shown = repr(value) if not isinstance(value, (dict, list)) else type(value).__name__
    if kind == "extra_forbidden":
        return Text(f"未知字段 `{name}`（拼写错误？）", f"unknown field `{name}` (a typo?)"), True
    if kind == "missing":
        return Text(f"缺少必填字段 `{name}`", f"missing required field `{name}`"), True
    if kind.startswith("date") or (kind == "value_error" and "YYYY-MM-DD" in err.get("msg", "")):
        return Text(f"`{name}`: {shown} 不是有效日期（格式 YYYY-MM-DD）", f"`{name}`: {shown} is not a valid date (YYYY-MM-DD)"), False
    if kind == "enum" or kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return Text(f"`{name}`: {shown} 不是允许的取值（{expected}）", f"`{name}`: {shown} is not one of {expected}"), False
    if kind == "string_pattern_mismatch":
        pattern = err.get("ctx", {}).get("pattern", "")
        return Text(f"`{name}`: {shown} 格式不对（应匹配 {pattern}）", f"`{name}`: {shown} does not match {pattern}"), False
    if kind == "string_too_short":
        return Text(f"`{name}` 不能为空", f"`{name}` must not be empty"), False
    if kind in ("string_type", "list_type", "dict_type", "model_type", "bool_type", "bool_parsing", "int_type"):
        wanted = {"string_type": ("文本", "text"), "list_type": ("列表", "a list"), "dict_type": ("映射", "a mapping"),
                  "model_type": ("映射", "a mapping"), "bool_type": ("true/false", "true/false"),
                  "bool_parsing": ("true/false", "true/false"), "int_type": ("整数", "an integer")}[kind]  # fmt: skip
        return Text(f"`{name}`: 应为{wanted[0]}，实际是 {shown}", f"`{name}`: expected {wanted[1]}, got {shown}"), False
    msg = err.get("msg", kind)
    return Text(f"`{name}`: {msg}", f"`{name}`: {msg}"), False


def validate(model: type[M], data: Any, path: str, record: str | None) -> tuple[M | None, list[Finding]]:
    """Validate ``data`` against ``model``; on failure return one C001 finding per error."""
    if not isinstance(data, dict):
        return None, [Finding(
            "C001",
            Text("文件内容应为键值映射（每行“字段: 值”）", "the file must hold a mapping of `field: value` lines"),
            path, record,
        )]
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
            findings.append(Finding("C001", message, path, record, loc=loc, key=at_key))
        return None, findings
