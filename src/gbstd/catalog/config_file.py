"""Finding a catalog's root (the nearest ``gbstd.toml`` upward) and reading its configuration."""

from __future__ import annotations

import sys
from pathlib import Path

from pydantic import ValidationError

from gbstd.i18n import Text
from gbstd.model.config import Config

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
    except UnicodeDecodeError:
        raise CatalogError(
            Text(f"{CONFIG_NAME} 不是 UTF-8 编码", f"{CONFIG_NAME} is not UTF-8 encoded")
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(
            Text(f"{CONFIG_NAME} 语法错误：{exc}", f"{CONFIG_NAME} is not valid TOML: {exc}")
        ) from None
    except OSError as exc:
        raise CatalogError(
            Text(f"无法读取 {CONFIG_NAME}：{exc.strerror}", f"cannot read {CONFIG_NAME}: {exc.strerror}")
        ) from None
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"])
            line = _line_of(raw, str(err["loc"][-1])) if err["loc"] else None
            at = f"{CONFIG_NAME}:{line}" if line else CONFIG_NAME
            if err["type"] == "extra_forbidden":
                problems.append((f"{at}: 未知配置项 `{where}`", f"{at}: unknown key `{where}`"))
            else:
                problems.append((f"{at}: `{where}` {err['msg']}", f"{at}: `{where}` {err['msg']}"))
        raise CatalogError(
            Text("；".join(p[0] for p in problems), "; ".join(p[1] for p in problems))
        ) from None


def _line_of(text: str, key: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip().strip("[]")
        if stripped.startswith(key) or stripped.startswith(f'"{key}"'):
            return number
    return None
