"""Finding a catalog's root (the nearest ``gbstd.toml`` upward) and reading its configuration."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from pydantic import ValidationError

from gbstd.catalog.validation import describe_error
from gbstd.catalog.yamlio import is_inside, not_utf8
from gbstd.i18n import Text
from gbstd.model.config import PATH_KEYS, Config

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CONFIG_NAME = "gbstd.toml"


class CatalogError(Exception):
    """The tool cannot do its job here (no catalog, broken config, missing path): exit code 2."""

    def __init__(self, message: Text) -> None:
        super().__init__(message.en)
        self.text = message


def find_root(start: Path) -> Path:
    """The nearest directory at or above ``start`` that holds a ``gbstd.toml``."""
    if not start.exists():
        raise CatalogError(Text(f"路径不存在：{start}", f"no such path: {start}"))
    here = start.resolve()
    if here.is_file():
        here = here.parent
    for candidate in (here, *here.parents):
        if (candidate / CONFIG_NAME).is_file():
            return candidate
    raise CatalogError(
        Text(
            f"在 {start} 及其上级目录中找不到 {CONFIG_NAME}；用 `gbstd init` 新建目录",
            f"no {CONFIG_NAME} in {start} or any parent directory; create a catalog with `gbstd init`",
        )
    )


def load_config(root: Path) -> Config:
    """Read and validate ``gbstd.toml``; any problem is a :class:`CatalogError` naming the key."""
    path = root / CONFIG_NAME
    try:
        raw = path.read_bytes().decode("utf-8-sig")
        data = tomllib.loads(raw)
    except UnicodeDecodeError as exc:
        # a gbstd.toml saved as GBK is told how to convert it, as a record file is (Y005)
        message, line = not_utf8(exc.object, exc.start)
        raise CatalogError(Text(f"{CONFIG_NAME}:{line}: {message.zh}", f"{CONFIG_NAME}:{line}: {message.en}")) from None
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(
            Text(f"{CONFIG_NAME} 语法错误：{exc}", f"{CONFIG_NAME} is not valid TOML: {exc}")
        ) from None
    except OSError as exc:
        raise CatalogError(
            Text(f"无法读取 {CONFIG_NAME}：{exc.strerror}", f"cannot read {CONFIG_NAME}: {exc.strerror}")
        ) from None
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            loc = tuple(part for part in err["loc"] if part != "[key]")  # a dict's key that is no allowed one
            where = ".".join(str(p) for p in loc)
            line = _line_at(raw, loc)
            at = f"{CONFIG_NAME}:{line}" if line else CONFIG_NAME
            if err["type"] == "extra_forbidden":
                problems.append((f"{at}: 未知配置项 `{where}`", f"{at}: unknown key `{where}`"))
            else:
                # in both languages, as a record file's errors (pydantic's English whatever --lang said)
                said, _ = describe_error({**err, "loc": (where,)}, syntax="TOML")
                problems.append((f"{at}: {said.zh}", f"{at}: {said.en}"))
        raise CatalogError(
            Text("；".join(p[0] for p in problems), "; ".join(p[1] for p in problems))
        ) from None
    check_paths(root, config, raw)
    return config


def check_paths(root: Path, config: Config, raw: str = "") -> None:
    """Every path ``[catalog]`` configures must stay inside the catalog root, symbolic links resolved.

    A pull request can change gbstd.toml: ``records = "../elsewhere"`` must not load (and publish) files
    from outside, nor ``cache_dir = "/tmp/x"`` write there. A cache outside the root is for ``--cache-dir``.
    """
    for key in PATH_KEYS:
        value = getattr(config.catalog, key)
        if Path(value).is_absolute() or not is_inside(root, root / value):
            line = _line_of(raw, key)
            at = f"{CONFIG_NAME}:{line}" if line else CONFIG_NAME
            hint = ("；缓存目录可用命令行参数 --cache-dir 指定", "; a cache outside it needs --cache-dir") if (
                key == "cache_dir"
            ) else ("", "")
            raise CatalogError(Text(
                f"{at}: [catalog] {key} = {value!r} 指向目录之外（须在 {root} 之内）{hint[0]}",
                f"{at}: [catalog] {key} = {value!r} leads outside the catalog (it must stay inside {root}){hint[1]}",
            ))
    if (problem := cache_overlap(root, config, root / config.catalog.cache_dir)) is not None:
        line = _line_of(raw, "cache_dir")
        at = f"{CONFIG_NAME}:{line}" if line else CONFIG_NAME
        value = config.catalog.cache_dir
        raise CatalogError(Text(f"{at}: [catalog] cache_dir = {value!r} {problem.zh}",
                                f"{at}: [catalog] cache_dir = {value!r} {problem.en}"))
    link = _link_out_of(root, root / config.catalog.cache_dir)
    if link is not None:
        raise CatalogError(Text(
            f"缓存目录中的 {link} 是指向目录之外的符号链接（缓存写入会随之离开目录）；请删除缓存目录",
            f"{link} in the cache directory is a symbolic link leading outside the catalog (cache writes would "
            "follow it); delete the cache directory",
        ))


# The directories and file whose contents are the catalog's data (PATH_KEYS without the cache).
DATA_KEYS = ("records", "plans", "projects", "notes", "system")


def cache_overlap(root: Path, config: Config, cache: Path) -> Text | None:
    """Why ``cache`` cannot be the catalog's cache directory, or None: it is the catalog root, a directory
    above it, holds one of the catalog's data directories or lies inside one, where the loader would read it.
    The cache writes a ``.gitignore`` of ``*`` and a ``CACHEDIR.TAG`` into its directory and walks past it
    when listing files, so ``cache_dir = "."`` (or ``""``, or ``"records"``, or ``"records/local"``) had git
    ignore every new record, backups skip the catalog and lint and the reports quietly leave the files out.
    Under a hidden directory (``records/.cache``) it is fine: the loader never reads hidden directories."""
    where = cache.resolve()
    top = root.resolve()
    if top.is_relative_to(where):
        return Text("是目录本身或其上级（缓存会写入 .gitignore 与 CACHEDIR.TAG）；请用子目录，如 '.gbstd-cache'",
                    "is the catalog itself or a directory above it (the cache writes a .gitignore and a "
                    "CACHEDIR.TAG there); use a sub-directory such as '.gbstd-cache'")
    for key in DATA_KEYS:
        data = (top / getattr(config.catalog, key)).resolve()
        if data.is_relative_to(where):
            return Text(f"包含 [catalog] {key}（{getattr(config.catalog, key)}）：其中的文件会被当作缓存而不再检查；"
                        "请用单独的子目录，如 '.gbstd-cache'",
                        f"holds [catalog] {key} ({getattr(config.catalog, key)}): its files would be taken for the "
                        "cache and no longer checked; use a separate sub-directory such as '.gbstd-cache'")
        if where.is_relative_to(data) and not any(p.startswith(".") for p in where.relative_to(data).parts):
            # records/local as the cache: the loader skips the cache's subtree, so those records vanished
            return Text(f"位于 [catalog] {key}（{getattr(config.catalog, key)}）之内：其中的文件会被当作缓存而不再检查"
                        "（缓存还会写入 .gitignore）；请用单独的子目录，如 '.gbstd-cache'",
                        f"lies inside [catalog] {key} ({getattr(config.catalog, key)}): the files in it would be taken "
                        "for the cache and no longer checked (and the cache writes a .gitignore there); use a "
                        "separate sub-directory such as '.gbstd-cache'")
    return None


def _link_out_of(root: Path, cache: Path) -> str | None:
    """A link leading outside ``root`` in the cache directory or its sub-directories (their files are
    replaced by rename, which never follows a link). gbstd never makes one; a pull request can commit one."""
    pending = [cache]
    while pending:
        here = pending.pop()
        try:
            entries = list(os.scandir(here))
        except OSError:
            continue
        for entry in entries:
            if entry.is_symlink():
                if not is_inside(root, entry.path):
                    return Path(entry.path).relative_to(root).as_posix()
            elif here == cache and entry.is_dir(follow_symlinks=False):
                pending.append(Path(entry.path))
    return None


def with_cache_dir(config: Config, directory: Path) -> Config:
    """The configuration with the cache in ``directory``, given on the command line (outside the root is fine)."""
    catalog = config.catalog.model_copy(update={"cache_dir": str(directory.resolve())})
    return config.model_copy(update={"catalog": catalog})


def _line_at(text: str, loc: tuple[object, ...]) -> int | None:
    """The line of a validation error's place: its key's, else the nearest enclosing key's or table's (the
    third ``[[federation.members]]`` header for an error about that member as a whole)."""
    for end in range(len(loc), 0, -1):
        key, within = loc[end - 1], loc[: end - 1]
        if isinstance(key, int):
            name = ".".join(str(part) for part in within if not isinstance(part, int))
            headers = [n for n, line in enumerate(text.splitlines()) if line.strip() == f"[[{name}]]"]
            if key < len(headers):
                return headers[key] + 1
        elif (line := _line_of(text, str(key), within)) is not None:
            return line
    return None


def _line_of(text: str, key: str, within: tuple[object, ...] = ()) -> int | None:
    """The line of ``key``; with ``within`` (the table path of a validation error's place, a list index for
    an array of tables: ``("federation", "members", 2)``), the line in that table — the third
    ``[[federation.members]]``'s own ``git =``, not the first member's — else the first line with the key."""
    lines = text.splitlines()
    start, end = 0, len(lines)
    if within:
        name = ".".join(str(part) for part in within if not isinstance(part, int))
        index = next((part for part in within if isinstance(part, int)), 0)
        headers = [n for n, line in enumerate(lines) if line.strip() in (f"[{name}]", f"[[{name}]]")]
        if index < len(headers):
            start = headers[index]
            end = next((n for n in range(start + 1, len(lines)) if lines[n].lstrip().startswith("[")), len(lines))
    for number in range(start, end):
        stripped = lines[number].strip().strip("[]")
        if stripped.startswith(key) or stripped.startswith(f'"{key}"'):
            return number + 1
    return _line_of(text, key) if within else None
