"""Helpers for tests that need a catalog inside a git repository with a scripted history."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import git

from tests import yaml_text

CONFIG = '[catalog]\nrecords = "records"\n'


SAMPLE = Path(__file__).resolve().parent.parent / "standards"


def new_repo(path: Path) -> git.Repo:
    """A fresh repository at ``path`` with user name and email set in its config, commits unsigned."""
    repo = git.Repo.init(path)
    with repo.config_writer() as config:
        config.set_value("user", "name", "Tester")
        config.set_value("user", "email", "tester@example.org")
        config.set_value("commit", "gpgsign", "false")
    return repo


def sample_repo(tmp_path: Path) -> tuple[git.Repo, Path]:
    """The sample catalog committed into a fresh repository, in ``standards/`` as a real project keeps it."""
    repo = new_repo(tmp_path / "repo")
    root = Path(str(repo.working_tree_dir)) / "standards"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".gbstd-cache"))
    commit(repo, "sample catalog")
    return repo, root


def init_repo(tmp_path: Path, subdir: str = "catalog") -> tuple[git.Repo, Path]:
    """A fresh repository with an (empty) catalog in ``subdir``; user name and email set in its config."""
    repo = new_repo(tmp_path / "repo")
    root = Path(str(repo.working_tree_dir)) / subdir if subdir else Path(str(repo.working_tree_dir))
    (root / "records").mkdir(parents=True)
    (root / "gbstd.toml").write_text(CONFIG, encoding="utf-8")
    return repo, root


def write_record(root: Path, rel: str, **fields: Any) -> Path:
    path = root / "records" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml_text.dump(fields), encoding="utf-8")
    return path


def commit(repo: git.Repo, message: str, author: str | None = None) -> str:
    repo.git.add("-A")
    args = ["-m", message]
    if author:
        args += ["--author", author]
    repo.git.commit(*args)
    return repo.head.commit.hexsha


def standard(code: str, title: str, status: str = "现行", **extra: Any) -> dict[str, Any]:
    return {"code": code, "title": title, "status": status, **extra}
