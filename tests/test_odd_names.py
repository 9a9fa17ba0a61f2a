"""A catalog whose directory or files are named in another encoding than UTF-8 (GBK names, as a zip made on
Chinese Windows unpacks on Linux) is linted, not crashed on: the stored report's key and the duplicate memo
met such a path in orjson, which refuses undecodable bytes (a traceback before any output; every D rule an
internal error)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parent.parent / "standards"
GBK_DIRECTORY = "中文".encode("gbk")  # b"\xd6\xd0\xce\xc4": not UTF-8 (目录 in GBK happens to be)
GBK_FILE = "测试.yaml".encode("gbk")  # b"\xb2\xe2\xca\xd4.yaml"


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    root = os.fsdecode(os.path.join(os.fsencode(tmp_path), GBK_DIRECTORY))
    try:
        shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".gbstd-cache"))
        local = os.path.join(os.fsencode(root), b"records", b"local")
        os.rename(os.path.join(local, b"DB4103-T-152-2023.yaml"), os.path.join(local, GBK_FILE))
    except (OSError, UnicodeError):
        pytest.skip("this file system keeps only UTF-8 names")
    return Path(root)


def test_a_catalog_with_names_in_gbk_is_linted(catalog: Path) -> None:
    # the command line itself (its streams write undecodable bytes as they came), from the catalog's parent:
    # the reported paths start with the directory's own name
    for _ in range(2):  # the second run reads what the first left
        run = subprocess.run([sys.executable, "-m", "gbstd", "lint", catalog.name, "--lang", "en"],
                             cwd=catalog.parent, capture_output=True, timeout=120)
        assert run.returncode == 1, run.stderr
        assert b"internal error" not in run.stderr and b"Traceback" not in run.stderr
        assert b"Checked 55 files" in run.stdout
        assert b"records/local/" + GBK_FILE in run.stdout  # its finding (C003: the name is not the code's)
