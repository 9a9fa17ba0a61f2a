"""RealPaths answers os.path.realpath (what Path.resolve() is) for every kind of path a catalog holds, while
resolving each directory once (a command limited to a sub-folder of a national catalog resolved each of
100 000 files component by component)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gbstd.catalog.real_paths import RealPaths, is_within


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "catalog"
    (root / "records" / "local" / "11").mkdir(parents=True)
    (root / "records" / "national").mkdir()
    (root / "records" / "local" / "11" / "a.yaml").write_text("a\n", encoding="utf-8")
    (root / "records" / "national" / "b.yaml").write_text("b\n", encoding="utf-8")
    (root / "records" / "linked").symlink_to(root / "records" / "local", target_is_directory=True)
    (root / "records" / "national" / "alias.yaml").symlink_to(root / "records" / "local" / "11" / "a.yaml")
    (root / "records" / "national" / "dangling.yaml").symlink_to(tmp_path / "nowhere.yaml")
    (tmp_path / "outside.yaml").write_text("o\n", encoding="utf-8")
    (root / "records" / "national" / "out.yaml").symlink_to(tmp_path / "outside.yaml")
    (tmp_path / "named").symlink_to(root, target_is_directory=True)  # the catalog reached through a link
    return tmp_path


def test_each_answer_is_realpaths(tree: Path) -> None:
    root, named = tree / "catalog", tree / "named"
    paths = [
        root / "records" / "local" / "11" / "a.yaml",
        named / "records" / "local" / "11" / "a.yaml",
        root / "records" / "linked" / "11" / "a.yaml",  # a file under a linked directory
        named / "records" / "linked" / "11" / "a.yaml",
        root / "records" / "national" / "alias.yaml",  # a link to a file
        root / "records" / "national" / "dangling.yaml",
        root / "records" / "national" / "out.yaml",
        root / "records" / "national" / "missing.yaml",  # not there (any more)
        root / "records" / "national" / ".." / "local" / "11" / "a.yaml",
        root / "records" / "linked" / "..",
        root / "records" / "linked",
        f"{root / 'records' / 'local'}{os.sep}",
        root / "records" / ".",
    ]
    real = RealPaths()
    for _ in range(2):  # the second time from the remembered directories
        for path in paths:
            assert real.of(path) == os.path.realpath(path), path
    assert real.of(root / "records" / "national" / "alias.yaml") == os.fspath(
        (root / "records" / "local" / "11" / "a.yaml").resolve())


def test_a_directory_is_resolved_once(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    original = os.path.realpath

    def counted(path: str, *args: object, **kwargs: object) -> str:
        calls.append(os.fspath(path))
        return original(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os.path, "realpath", counted)
    folder = tree / "named" / "records" / "local" / "11"
    for index in range(50):
        (tree / "catalog" / "records" / "local" / "11" / f"f{index}.yaml").write_text("x\n", encoding="utf-8")
    real = RealPaths()
    answers = [real.of(folder / f"f{index}.yaml") for index in range(50)]
    assert len(calls) == 1
    assert answers == [original(folder / f"f{index}.yaml") for index in range(50)]


def test_is_within() -> None:
    assert is_within("/a/b", "/a/b") and is_within("/a/b/c", "/a/b") and is_within("/a", "/")
    assert not is_within("/a/bc", "/a/b") and not is_within("/a", "/a/b")
