"""Shared by the web editor's tests: a copy of the sample catalog in a fresh git repository."""

from __future__ import annotations

import re
from pathlib import Path

from tests import git_catalog

RECORD = "records/local/DB1411-T-62-2023.yaml"  # 机关公务用车服务规范, a record with comments-free house style
CODE = "DB1411/T 62-2023"
SUCCESSOR = "DB1411/T 63-2023"
CSV_ONE_BAD_ROW = (
    "标准号,标准名称,状态,发布日期,实施日期\n"
    "DB41/T 9001-2025,机关会议服务规范,现行,2025-01-02,2025-03-01\n"
    "DB41/T 9002-2025,机关绿化养护规范,现行,2025-01-02,2025-02-30\n"
)


def sample_repo(tmp_path: Path) -> Path:
    """The sample catalog committed into a fresh repository, in ``standards/`` (so the catalog is not the
    repository's root, as in a real project); returns the catalog root."""
    return git_catalog.sample_repo(tmp_path)[1]


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def digest_of(html: str) -> str:
    match = re.search(r'name="digest" value="([0-9a-f]{64})"', html)
    assert match, "the page has no content digest"
    return match.group(1)


def changed_lines(before: bytes, after: bytes) -> list[tuple[str, str]]:
    """(old, new) line pairs that differ, for files with the same number of lines."""
    old, new = before.decode().splitlines(), after.decode().splitlines()
    assert len(old) == len(new), "lines were added or removed"
    return [(a, b) for a, b in zip(old, new, strict=True) if a != b]
