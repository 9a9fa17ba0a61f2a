"""The files that differ between two revisions of a catalog (or a revision and the work tree), both sides read
safely: the size is checked before a blob is read, and only regular files are read (no symlinks, no
submodules). ``gbstd changes`` compares what this module hands out; :mod:`gbstd.gitrepo` opens the
repository and resolves revisions (with its "what to fetch" messages).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from gbstd.catalog.safe_read import NON_FATAL, read_catalog_file
from gbstd.catalog.yamlio import decode_text
from gbstd.gitrepo import GitRepoError, catalog_prefix, open_repo, resolve_revision
from gbstd.i18n import Text
from gbstd.model.config import Config

if TYPE_CHECKING:
    from git import Repo

_REGULAR_MODES = ("100644", "100755")
_NO_FILE_MODE = "000000"


@dataclass(frozen=True)
class FileSide:
    """One file on one side of the comparison: its text, or why it could not be read."""

    rel: str  # POSIX, relative to the catalog root, on that side
    text: str | None
    problem: Text | None = None


@dataclass(frozen=True)
class FileDiff:
    """One changed file: its old side (None when added) and new side (None when deleted); git renames pair."""

    old: FileSide | None
    new: FileSide | None


@dataclass(frozen=True)
class CatalogDiff:
    since: str  # the revisions as the user wrote them; ``until`` None = the work tree
    since_commit: str
    until: str | None
    until_commit: str | None
    files: tuple[FileDiff, ...]
    old_record_names: frozenset[str]  # file names of every record file at ``since`` (supersession targets)
    system_new: FileSide | None  # the system file on the newer side, changed or not (module names)


def catalog_diff(root: Path, config: Config, since: str, until: str | None = None) -> CatalogDiff:
    """What differs in the catalog at ``root`` between ``since`` and ``until`` (default: the work tree)."""
    repo = open_repo(root)
    old_commit = resolve_revision(repo, since)
    new_commit = resolve_revision(repo, until) if until is not None else None
    prefix = catalog_prefix(repo, root)
    top = Path(str(repo.working_tree_dir))
    limit = config.catalog.max_file_size
    args = [
        "git",
        "diff",
        "--raw",
        "-z",
        "-M",
        "--no-abbrev",
        "--no-ext-diff",
        "--no-textconv",
        old_commit.hexsha,
    ]
    if new_commit is not None:
        args.append(new_commit.hexsha)
    args += ["--", prefix or "."]
    files: list[FileDiff] = []
    for old_mode, new_mode, old_sha, new_sha, status, old_path, new_path in _raw_diff(
        str(repo.git.execute(args, strip_newline_in_stdout=False))
    ):
        old_rel, new_rel = _in_catalog(prefix, old_path), _in_catalog(prefix, new_path)
        old = None
        if status != "A" and old_rel is not None and old_mode != _NO_FILE_MODE:
            old = _blob_side(repo, old_rel, old_sha, old_mode, limit)
        new = None
        if status != "D" and new_rel is not None and new_mode != _NO_FILE_MODE:
            if new_commit is not None:
                new = _blob_side(repo, new_rel, new_sha, new_mode, limit)
            else:  # the work tree: git shows a zero hash for files that differ from the index
                new = _work_side(top / new_path, root, new_rel, limit)
        if old is not None or new is not None:
            files.append(FileDiff(old, new))
    if new_commit is None:
        untracked = repo.git.ls_files("--others", "--exclude-standard", "-z", "--", prefix or ".")
        for repo_path in filter(None, str(untracked).split("\0")):
            rel = _in_catalog(prefix, repo_path)
            if rel is not None:
                files.append(FileDiff(None, _work_side(top / repo_path, root, rel, limit)))
    return CatalogDiff(
        since=since,
        since_commit=old_commit.hexsha,
        until=until,
        until_commit=new_commit.hexsha if new_commit is not None else None,
        files=tuple(files),
        old_record_names=_record_names(repo, old_commit.hexsha, prefix, config),
        system_new=_system_side(repo, root, prefix, config, new_commit.hexsha if new_commit else None),
    )


def _raw_diff(output: str) -> list[tuple[str, str, str, str, str, str, str]]:
    """``git diff --raw -z`` → (old mode, new mode, old sha, new sha, status letter, old path, new path)."""
    parts = output.split("\0")
    found = []
    i = 0
    while i < len(parts):
        head = parts[i]
        if not head.startswith(":"):
            i += 1
            continue
        old_mode, new_mode, old_sha, new_sha, status = head[1:].split(" ", 4)
        letter = status[:1]
        if letter in "RC":
            old_path, new_path = parts[i + 1], parts[i + 2]
            i += 3
        else:
            old_path = new_path = parts[i + 1]
            i += 2
        if letter == "C":  # a copy leaves the original in place: only the new file is a change
            found.append((_NO_FILE_MODE, new_mode, old_sha, new_sha, "A", old_path, new_path))
        else:
            found.append((old_mode, new_mode, old_sha, new_sha, letter, old_path, new_path))
    return found


def _in_catalog(prefix: str, repo_path: str) -> str | None:
    if not prefix:
        return repo_path
    return repo_path[len(prefix) + 1 :] if repo_path.startswith(prefix + "/") else None


def _blob_side(repo: Repo, rel: str, sha: str, mode: str, limit: int) -> FileSide:
    """A blob's text, checking its mode and size before reading any of it."""
    if mode not in _REGULAR_MODES:
        return FileSide(
            rel, None, Text("不是普通文件（符号链接或子模块）", "not a regular file (a symlink or submodule)")
        )
    try:
        info = repo.odb.info(bytes.fromhex(sha))
        if info.size > limit:
            return FileSide(rel, None, _too_large(info.size, limit))
        data = repo.odb.stream(bytes.fromhex(sha)).read()
    except (ValueError, OSError) as exc:  # a missing object (a shallow clone's boundary), a bad hash
        return FileSide(rel, None, Text(f"无法读取：{exc}", f"cannot read: {exc}"))
    return _decoded(rel, data)


def _work_side(path: Path, root: Path, rel: str, limit: int) -> FileSide:
    """A file of the work tree, read by the shared reader (inside the catalog ``root``, a regular file, the size
    limit before reading, UTF-8); symlinks are refused outright, as symlinked blobs are."""
    try:
        if stat.S_ISLNK(os.lstat(path).st_mode):
            return FileSide(rel, None, Text("不是普通文件（符号链接）", "not a regular file (a symlink)"))
    except OSError as exc:
        return FileSide(rel, None, Text(f"无法读取：{exc.strerror}", f"cannot read: {exc.strerror}"))
    document = read_catalog_file(root, path, limit, parse=False)
    fatal = [p for p in document.problems if p.rule not in NON_FATAL]
    return FileSide(rel, None if fatal else document.text, fatal[0].message if fatal else None)


def _decoded(rel: str, data: bytes) -> FileSide:
    text, problems = decode_text(data)
    fatal = [
        p for p in problems if p.rule not in NON_FATAL
    ]  # a BOM is only a warning: the text is read anyway
    return FileSide(rel, None if fatal else text, fatal[0].message if fatal else None)


def _too_large(size: int, limit: int) -> Text:
    return Text(f"文件过大（{size} 字节，上限 {limit}）", f"file too large ({size} bytes, limit {limit})")


def _record_names(repo: Repo, sha: str, prefix: str, config: Config) -> frozenset[str]:
    records = PurePosixPath(prefix, config.catalog.records).as_posix() if prefix else config.catalog.records
    output = repo.git.execute(
        ["git", "ls-tree", "-r", "--name-only", "-z", sha, "--", records.strip("/") or "."]
    )
    return frozenset(PurePosixPath(p).name for p in str(output).split("\0") if p)


def _system_side(repo: Repo, root: Path, prefix: str, config: Config, sha: str | None) -> FileSide | None:
    rel = PurePosixPath(config.catalog.system).as_posix()
    repo_path = f"{prefix}/{rel}" if prefix else rel
    if sha is None:
        path = root / rel
        return _work_side(path, root, rel, config.catalog.max_file_size) if os.path.lexists(path) else None
    output = str(repo.git.execute(["git", "ls-tree", "-z", sha, "--", repo_path])).split("\0")[0]
    if not output:
        return None
    meta, _ = output.split("\t", 1)
    mode, kind, blob_sha = meta.split(" ")
    return _blob_side(repo, rel, blob_sha, mode if kind == "blob" else "", config.catalog.max_file_size)


__all__ = ["CatalogDiff", "FileDiff", "FileSide", "GitRepoError", "catalog_diff"]
