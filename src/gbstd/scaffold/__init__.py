"""Scaffolding: ``gbstd init`` (a new catalog directory) and ``gbstd new`` (a new record file).

The ``gbstd.toml`` template is generated from :class:`gbstd.model.config.Config` itself — every section and
option, its description and default, commented out — so it lists every option that exists and cannot fall
behind the model. The other files are templates in ``files/`` with ``@NAME@``-style placeholders (plain
replacement: GitHub's ``${{ }}`` and YAML's ``$schema`` must pass through untouched).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import BaseModel, ValidationError

from gbstd import __version__
from gbstd.catalog.atomic import unwritable_reason, write_atomic_many, write_new
from gbstd.catalog.catalog import Record
from gbstd.catalog.config_file import CONFIG_NAME
from gbstd.catalog.invisible import refused_invisible
from gbstd.catalog.loader import walk_files
from gbstd.catalog.newrecord import record_path, render_record
from gbstd.catalog.record_edit import EditError, refuse_too_large
from gbstd.catalog.validation import describe_error
from gbstd.catalog.yamlio import YAML_SUFFIXES
from gbstd.findings import Finding
from gbstd.i18n import Text
from gbstd.model.code import CodeError, StandardCode
from gbstd.model.config import Config
from gbstd.model.jsonschema import schema_documents
from gbstd.model.standard import Standard, Status, module_spelling, status_contradictions
from gbstd.tabular.mapping import derive_status, module_with_space
from gbstd.undecodable import has_undecodable

DEFAULT_SYSTEM_NAME = "机关事务标准体系"

# Examples shown for options that are unset by default (a commented `key = example` line).
EXAMPLES: dict[tuple[str, ...], Any] = {
    ("catalog", "internal_code_pattern"): r"^HNJGSW \d+-\d{4}$",
    ("lint", "severity"): {"C009": "error"},
    ("lint", "ignore"): ["C015"],
}


class ScaffoldError(Exception):
    def __init__(self, message: Text) -> None:
        super().__init__(message.en)
        self.text = message


# --- gbstd.toml ----------------------------------------------------------------------------------------


def toml_value(value: Any) -> str:
    """A Python value as a TOML value (inline tables and arrays for containers)."""
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, str):
        if "'" not in value and "\n" not in value:
            return f"'{value}'"
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple, set, frozenset)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        pairs = (f"{_toml_key(str(k.value if isinstance(k, Enum) else k))} = {toml_value(v)}" for k, v in value.items())
        return "{ " + ", ".join(pairs) + " }"
    if isinstance(value, BaseModel):
        return toml_value(value.model_dump(mode="json"))
    raise TypeError(f"no TOML form for {type(value).__name__}")


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key, ensure_ascii=False)


def _doc_first_line(model: type[BaseModel]) -> str:
    return (model.__doc__ or "").strip().splitlines()[0] if model.__doc__ else ""


def _emit_model(model: type[BaseModel], path: tuple[str, ...], lines: list[str]) -> None:
    """Commented lines for one section: scalars first, then sub-sections (TOML needs that order)."""
    nested: list[tuple[str, type[BaseModel]]] = []
    for name, info in model.model_fields.items():
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            nested.append((name, annotation))
            continue
        default = info.get_default(call_default_factory=True)
        if info.description:
            lines.append(f"# {info.description}")
        example = EXAMPLES.get((*path, name))
        if default is None:
            if example is not None:
                lines.append(f"# {name} = {toml_value(example)}    # 默认不设置 not set by default")
            else:
                lines.append(f"# {name}: 默认不设置 not set by default")
        else:
            lines.append(f"# {name} = {toml_value(default)}")
            if example is not None and example != default:
                lines.append(f"#   例 e.g. {name} = {toml_value(example)}")
    for name, sub in nested:
        sub_path = (*path, name)
        lines.append("")
        if doc := re.sub(r"^\[[^\]]*\]\s*", "", _doc_first_line(sub)):
            lines.append(f"# {doc}")
        lines.append(f"# [{'.'.join(sub_path)}]")
        _emit_model(sub, sub_path, lines)


def config_template() -> str:
    """``gbstd.toml`` with every option of :class:`Config` commented out at its default."""
    lines = [
        "# gbstd configuration. Every option is listed with its default, commented out: uncomment a line",
        "# (and its [section] line) to change it. Unknown keys are an error, so a typo cannot silently",
        "# switch a check off. 每个选项都列出了默认值；取消注释即可修改。",
    ]
    _emit_model(Config, (), lines)
    return "\n".join(lines) + "\n"


# What a new catalog sets from the start: a bureau's 3-year cycle is for its own local and internal
# standards; national, industry and group standards follow their bodies' 5-year cycle (国家标准管理办法,
# 行业标准管理办法, 团体标准管理规定), so R001/R007 do not hold them to the bureau's rule.
INIT_REVIEW_TIERS = {"national": 5, "industry": 5, "group": 5}


def init_config() -> str:
    """The ``gbstd.toml`` that ``gbstd init`` writes: the template with ``[review] tiers`` switched on."""
    active = (
        "# 国家、行业、团体标准按其主管规定五年复审 national, industry and group standards: their own 5-year cycle\n"
        f"tiers = {toml_value(INIT_REVIEW_TIERS)}\n"
    )
    text = config_template().replace("# [review]\n", "[review]\n", 1)
    return text.replace("# tiers = {}\n", active, 1)


def uncomment_template(text: str) -> str:
    """The template with every option line switched on (examples win over defaults). Used by tests and
    by anyone who wants the explicit form of the defaults."""
    out: list[str] = []
    for line in text.splitlines():
        if m := re.match(r"^# (\[[^\]]+\])$", line):
            out.append(m[1])
        elif m := re.match(r"^#   例 e\.g\. (\w+ = .*)$", line):
            out[-1] = m[1]
        elif m := re.match(r"^# (\w+ = .*?)(?:    # 默认不设置 not set by default)?$", line):
            out.append(m[1])
    return "\n".join(out) + "\n"


# --- gbstd init ----------------------------------------------------------------------------------------


@dataclass
class InitResult:
    root: Path
    created: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # already there, left alone


def _template(name: str) -> str:
    return resources.files("gbstd.scaffold").joinpath("files", name).read_text(encoding="utf-8")


def init_catalog(directory: Path, name: str = DEFAULT_SYSTEM_NAME) -> InitResult:
    """Create a catalog in ``directory`` (created if missing). Refuses a directory that already holds a
    ``gbstd.toml``; other existing files are kept, never overwritten."""
    if (directory / CONFIG_NAME).exists():
        raise ScaffoldError(
            Text(
                f"{directory / CONFIG_NAME} 已存在：这里已经是一个标准目录",
                f"{directory / CONFIG_NAME} exists: this already is a catalog",
            )
        )
    if directory.exists() and not directory.is_dir():
        raise ScaffoldError(Text(f"{directory} 不是目录", f"{directory} is not a directory"))
    config = Config()
    replacements = {"@NAME@": name, "@VERSION@": __version__, "@CACHE_DIR@": config.catalog.cache_dir}

    def fill(text: str) -> str:
        for token, value in replacements.items():
            text = text.replace(token, value)
        return text

    files: dict[str, str] = {
        CONFIG_NAME: init_config(),
        config.catalog.system: fill(_template("system.yaml")),
        "README.md": fill(_template("README.md")),
        ".gitignore": fill(_template("gitignore")),
        ".pre-commit-config.yaml": fill(_template("pre-commit-config.yaml")),
        ".github/workflows/gbstd.yml": fill(_template("ci-workflow.yml")),
        f"{config.catalog.records}/.gitkeep": "",
    }
    files.update({f"schemas/{file}": text for file, text in schema_documents().items()})
    files[CONFIG_NAME] = files.pop(CONFIG_NAME)  # written last: a catalog is one once everything else is there
    _refuse_obstacles(directory, list(files))
    result = InitResult(root=directory)
    for rel in files:
        (result.kept if (directory / rel).exists() else result.created).append(rel)
    # Together (temporary files, then the renames): a failure part way (a full disk) leaves no half-made
    # catalog that init would then refuse as one.
    write_atomic_many((directory / rel, files[rel]) for rel in result.created)
    return result


def _refuse_obstacles(directory: Path, rels: list[str]) -> None:
    """A file where init needs a directory (``schemas``, ``.github``, ``records``): said before anything is
    written, naming it (the error was "cannot create <catalog>: File exists", after half the files)."""
    blocked = sorted({
        parent.as_posix() for rel in rels for parent in PurePosixPath(rel).parents
        if parent.as_posix() != "." and (directory / parent).exists() and not (directory / parent).is_dir()
    })
    if blocked:
        shown = "、".join(str(directory / rel) for rel in blocked)
        raise ScaffoldError(Text(
            f"{shown} 是文件，这里需要目录：移走或改名后再运行 gbstd init（什么都没有写）",
            f"{shown.replace('、', ', ')}: a file where init needs a directory; move or rename it and run gbstd "
            "init again (nothing was written)",
        ))


# --- gbstd new -----------------------------------------------------------------------------------------

# Optional fields offered as commented lines in a new record, in the model's order.
HINT_FIELDS = (
    "published",
    "effective",
    "abolished",
    "replaces",
    "references",
    "issuer",
    "administering_body",
    "drafters",
    "scope",
    "module",
)
_HINT_VALUES = {
    "published": "YYYY-MM-DD",
    "effective": "YYYY-MM-DD",
    "abolished": "YYYY-MM-DD",
    "replaces": "[]",
    "references": "[]",
    "issuer": "[]",
    "drafters": "[]",
}


def _check_module(module: str | None, modules: Collection[str], field: str) -> None:
    more = "…" if len(modules) > 6 else ""
    zh, en = "、".join(list(modules)[:6]) + more, ", ".join(list(modules)[:6]) + more
    if module is None:
        raise ScaffoldError(Text(f"需要 {field}（标准体系中的体系编号，如 {zh}）",
                                 f"{field} is required (a module of the standard system, e.g. {en})"))
    if module not in modules:
        raise ScaffoldError(Text(f"{field} {module!r} 不在标准体系中（如 {zh}）",
                                 f"{field} {module!r} is not a module of the standard system (e.g. {en})"))


def new_record(
    root: Path,
    config: Config,
    raw_code: str,
    title: str,
    *,
    as_of: dt.date,
    status: str | None = None,
    fields: dict[str, Any] | None = None,
    modules: Collection[str] = (),
    module_field: str = "--module",
    check: Callable[[Record], list[Finding]] | None = None,
    by_code: Mapping[str, Sequence[Record]] | None = None,
) -> Path:
    """Write a new record for ``raw_code``; refuses an invalid code, one that already has a record, and,
    when ``modules`` (the system's) is not empty, a missing or unknown module (the record would fail C016);
    ``check`` (:func:`gbstd.rules.recheck.entry_checker`) says what else the record may not say; ``by_code``
    (the catalog's records by code) finds a record whose file is not named after its code."""
    try:
        code = StandardCode.parse(raw_code, config.catalog.internal_regex)
    except CodeError as exc:
        raise ScaffoldError(
            Text(f"{raw_code!r}：{exc.reason.zh}", f"{raw_code!r}: {exc.reason.en}")
        ) from None
    path = record_path(root, config, code)
    records_dir = root / config.catalog.records
    # File names follow from codes (rule C003), so a record of this code anywhere has this file name.
    clash = (
        next((records_dir / rel for rel in walk_files(records_dir, YAML_SUFFIXES)
              if rel.rsplit("/", 1)[-1] == code.filename), None)
        if records_dir.is_dir()
        else None
    )
    held = (by_code or {}).get(code.canonical)  # a file named by hand (C003) holds it: a second one was made
    if held or clash is not None or path.exists():
        rel = held[0].rel if held else (clash or path).relative_to(root).as_posix()
        raise ScaffoldError(
            Text(f"{code.canonical} 已有记录：{rel}", f"{code.canonical} already has a record: {rel}")
        )
    extra = {k: v for k, v in (fields or {}).items() if v not in (None, "", [])}
    if isinstance(extra.get("module"), str):  # --module ３０２ is module 302, as `import` reads the cell
        typed, extra["module"] = extra["module"], module_spelling(extra["module"])
        # and "2 03" is refused as import refuses it (203 or 2.03?), with a system or without one
        if problem := module_with_space(extra["module"], typed, Text("请改正", "correct it")):
            raise ScaffoldError(Text(f"{module_field} {problem.zh}", f"{module_field} {problem.en}"))
    published, effective = extra.get("published"), extra.get("effective")
    if published and effective and str(published) > str(effective):  # ISO dates: C006
        raise ScaffoldError(Text(f"发布日期 {published} 晚于实施日期 {effective}",
                                 f"published {published} is after effective {effective}"))
    if modules:
        _check_module(extra.get("module"), modules, module_field)
    if status is None:
        status = derive_status(
            extra.get("published"), extra.get("effective"), extra.get("abolished"), as_of
        ).value
    data: dict[str, Any] = {"code": code.canonical, "title": title.strip(), "status": status, **extra}
    said = refused_invisible({k: v for k, v in data.items() if isinstance(v, str)})  # Y008 once written
    if said is not None:
        raise ScaffoldError(said)
    # An argument typed on a GBK terminal under a UTF-8 locale: pydantic's several-line English dump before.
    undecodable = [k for k, v in data.items() if isinstance(v, str) and has_undecodable(v)]
    if undecodable:
        names = ", ".join(undecodable)
        raise ScaffoldError(Text(f"{names} 含有非 UTF-8 字节（终端不是 UTF-8 编码？）",
                                 f"{names} holds bytes that are not UTF-8 (is the terminal not UTF-8?)"))
    try:
        standard = Standard.model_validate(data)
    except ValidationError as exc:  # in lint's words (C001): pydantic's English was the Chinese message too
        problems = [describe_error(dict(err))[0] for err in exc.errors(include_url=False)]
        raise ScaffoldError(Text(f"记录不合格：{'；'.join(p.zh for p in problems)}",
                                 f"invalid record: {'; '.join(p.en for p in problems)}")) from None
    contradiction = next(iter(status_contradictions(standard, as_of)), None)  # what C007 would report
    if contradiction is not None:
        raise ScaffoldError(Text(f"{contradiction.zh}（给出相应日期，或换一个状态）",
                                 f"{contradiction.en} (give the matching date, or another status)"))
    wrong = check(Record(root, path.relative_to(root).as_posix(), standard, code)) if check else []
    if wrong:  # what else `gbstd lint` would refuse in what the record says (a code year that is not the
        # publication year: C005)
        raise ScaffoldError(Text("；".join(f"{f.rule} {f.message.zh}" for f in wrong),
                                 "; ".join(f"{f.rule} {f.message.en}" for f in wrong)))
    data["status"] = Status(standard.status).value
    hints = [
        f"# {name}: {_HINT_VALUES.get(name, '')}".rstrip()
        + f"    # {Standard.model_fields[name].description}"
        for name in HINT_FIELDS
        if name not in data
    ]
    trailer = (
        ("# 可选字段 optional fields — uncomment and fill in:\n" + "\n".join(hints) + "\n") if hints else ""
    )
    content = render_record(data, path, root, trailer)
    where = path.relative_to(root).as_posix()
    try:  # a title of a million characters: lint would not read the file, and the record would be nowhere
        refuse_too_large(where, len(content.encode("utf-8")), config.catalog.max_file_size,
                         Text("未创建记录", "no record was created"))
    except EditError as exc:
        raise ScaffoldError(exc.text) from None
    try:  # never over a file: another process (a second editor, `gbstd new`) may have made it since the check
        write_new(path, content)
    except FileExistsError as exc:
        if not _names(exc, path):  # a file where a directory on the way goes (mkdir's "File exists")
            reason = unwritable_reason(exc, path)
            raise ScaffoldError(Text(f"无法写入 {where}：{reason.zh}", f"cannot write {where}: {reason.en}")) from None
        rel = path.relative_to(root).as_posix()
        raise ScaffoldError(
            Text(f"{code.canonical} 已有记录：{rel}", f"{code.canonical} already has a record: {rel}")
        ) from None
    except OSError as exc:  # a read-only checkout, a full disk
        reason = unwritable_reason(exc, path)
        raise ScaffoldError(Text(f"无法写入 {where}：{reason.zh}", f"cannot write {where}: {reason.en}")) from None
    return path


def _names(exc: OSError, path: Path) -> bool:
    """Whether ``exc`` is about ``path`` itself (a hard link's target is its second file name)."""
    named = exc.filename2 if exc.filename2 is not None else exc.filename
    return named is not None and os.path.abspath(named) == os.path.abspath(path)
