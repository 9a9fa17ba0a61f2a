"""Shared test helpers: build small catalogs in a temporary directory."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

DEFAULT_CONFIG = """\
[catalog]
internal_code_pattern = '^HNJGSW \\d+-\\d{4}$'
"""

CatalogFactory = Callable[..., Path]


def write_catalog(root: Path, files: dict[str, str | bytes], config: str = DEFAULT_CONFIG) -> Path:
    """Write ``gbstd.toml`` and ``files`` (relative path → text or raw bytes) under ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "gbstd.toml").write_text(config, encoding="utf-8")
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


@pytest.fixture
def make_catalog(tmp_path: Path) -> CatalogFactory:
    def factory(files: dict[str, str | bytes], config: str = DEFAULT_CONFIG, name: str = "catalog") -> Path:
        return write_catalog(tmp_path / name, files, config)

    return factory


def record(code: str, title: str = "机关食堂服务规范", status: str = "现行", **fields: object) -> str:
    """A record file's text with sensible defaults; extra fields are written as given."""
    lines = [f"code: {code}", f"title: {title}", f"status: {status}"]
    for key, value in fields.items():
        if isinstance(value, list):
            lines.append(f"{key}:")
            lines.extend(f"  - {item}" for item in value)
        else:
            lines.append(f"{key}: {value}")
    return "\n".join(lines) + "\n"
