"""Reports at their edges: output and notes file names a document cannot hold as they are, and the like."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import unquote_to_bytes

import pytest
from typer.testing import CliRunner

from gbstd.cli.app import app
from tests.conftest import CatalogFactory, record

runner = CliRunner()
AS_OF = "2026-01-01"

FILES = {
    "system.yaml": 'name: 测试体系\nmodules:\n  - {id: "101", name: 基础通用}\n',
    "records/GB-T-90001-2023.yaml": record("GB/T 90001-2023", "机关事务管理 基础术语", published="2023-07-01",
                                           effective="2023-08-01", module='"101"'),
}

_IMAGE = re.compile(r"!\[[^\]\n]*\]\(([^)\n]*)\)")


def _undecodable_names_allowed(directory: Path) -> bool:
    try:
        (directory / os.fsdecode(b"probe\xff")).touch()
    except (OSError, UnicodeError):
        return False
    return True


@pytest.mark.parametrize("name", ["通报 (终稿).md", "a(b.md", os.fsdecode(b"\xff\xfe.md")])
def test_markdown_chart_links_lead_to_the_charts_whatever_the_file_is_named(
    make_catalog: CatalogFactory, tmp_path: Path, name: str
) -> None:
    # The links were the file name as it is: a space ends a Markdown link's destination (the images showed as
    # text), and an undecodable byte in the name stopped the command with a traceback.
    if not name.isascii() and "\udcff" in name and not _undecodable_names_allowed(tmp_path):
        pytest.skip("this file system takes UTF-8 names only")
    root = make_catalog(FILES)
    out = tmp_path / "out" / name
    result = runner.invoke(app, ["report", "bulletin", str(root), "-p", "2023H2", "-o", str(out), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    links = _IMAGE.findall(out.read_text(encoding="utf-8"))
    assert len(links) == 4
    for link in links:
        assert " " not in link and "(" not in link and ")" not in link
        assert (out.parent / os.fsdecode(unquote_to_bytes(link))).is_file(), link
