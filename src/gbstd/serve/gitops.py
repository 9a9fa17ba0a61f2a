"""Git, plainly: which catalog files differ from HEAD (field by field, in words) and committing a chosen few.

Only files that git itself reports as changed inside the catalog can be committed: the form names them, and a
name that is not in that list is refused, so no request can stage an arbitrary path; and only those go into the
commit, whatever else someone staged in the repository.
"""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from git import Repo
from git.exc import GitCommandError, GitError

from gbstd.catalog.catalog import Catalog
from gbstd.catalog.invisible import INVISIBLE
from gbstd.catalog.safe_read import read_catalog_file
from gbstd.catalog.yamlio import is_yaml_name, parse_yaml
from gbstd.changes import KIND_LABELS, compare, details, value_text
from gbstd.gitdiff import catalog_diff
from gbstd.gitrepo import GitRepoError, catalog_prefix, field_changes, open_repo
from gbstd.i18n import Lang, Text
from gbstd.printable import printable

MAX_COMMIT_MESSAGE = 10_000
MAX_AUTHOR = 200
INDEX_WAIT = 2.0  # seconds a commit waits for another git to release the index before it is refused


# How a file differs from HEAD, in the words `gbstd changes` uses (the page showed git's English "modified").
FILE_KINDS = {"added": KIND_LABELS["added"], "modified": KIND_LABELS["modified"], "deleted": KIND_LABELS["removed"]}


@dataclass
class FileChange:
    rel: str  # relative to the catalog root
    kind: str  # added | modified | deleted
    lines: list[str] = field(default_factory=list)  # the field changes in words

    def label(self, lang: Lang) -> str:
        return FILE_KINDS[self.kind].get(lang) if self.kind in FILE_KINDS else self.kind


def _words(value: Any) -> str:
    if isinstance(value, list):
        return "、".join(_words(v) for v in value) or value_text(None)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_words(v)}" for k, v in value.items()) + "}"
    return value_text(value)  # nothing is "—" as `gbstd changes` has it ("（空）" on an English page too)


def describe(old: Any, new: Any) -> list[str]:
    """``title: 旧 → 新`` lines, one per field that differs."""
    lines = []
    for change in field_changes(old, new):
        if change.kind == "added":
            lines.append(f"+ {change.field}: {_words(change.new)}")
        elif change.kind == "removed":
            lines.append(f"− {change.field}: {_words(change.old)}")
        else:
            lines.append(f"{change.field}: {_words(change.old)} → {_words(change.new)}")
    return lines


def in_words(catalog: Catalog, lang: Lang) -> dict[str, list[str]]:
    """What `gbstd changes` says about the work tree against HEAD, by file: ``废止``, ``title: 旧 → 新``…"""
    found: dict[str, list[str]] = {}
    for change in compare(catalog_diff(catalog.root, catalog.config, "HEAD"), catalog.config).changes:
        label = KIND_LABELS[change.change].get(lang) if change.change in KIND_LABELS else change.change
        found.setdefault(change.path, []).extend([f"{change.code}：{label}", *details(change, lang)])
    return found


def _untracked(repo: Repo) -> list[str]:
    """The work tree's untracked files (as ``git status`` shows them), their names read as the file system's
    (GitPython's ``untracked_files`` decodes them as UTF-8 and raised on a name unzipped from a GBK archive)."""
    listed = repo.git.ls_files("--others", "--exclude-standard", "-z", stdout_as_string=False)
    return [os.fsdecode(name) for name in listed.split(b"\0") if name]


def changes(catalog: Catalog, lang: Lang = "zh") -> list[FileChange]:
    """Every file of the catalog that differs from HEAD (modified, new or deleted), described in words by
    :mod:`gbstd.changes` (the catalog's terms) or, for a file it does not cover, field by field."""
    repo = open_repo(catalog.root)
    prefix = catalog_prefix(repo, catalog.root)
    top = Path(str(repo.working_tree_dir))
    status: dict[str, str] = {}
    head = repo.head.commit if repo.head.is_valid() else None
    for diff in (head.diff(None) if head else []):
        path = diff.b_path or diff.a_path
        status[path] = "deleted" if diff.deleted_file else "added" if diff.new_file else "modified"
    for path in _untracked(repo):
        status[path] = "added"
    result = []
    max_size = catalog.config.catalog.max_file_size
    words = in_words(catalog, lang) if status and head is not None else {}
    for path, kind in sorted(status.items()):
        if prefix and not path.startswith(prefix + "/"):
            continue
        rel = path[len(prefix) + 1:] if prefix else path
        if rel in words:
            result.append(FileChange(rel, kind, words[rel]))
            continue
        old = new = None
        if head is not None and kind != "added":
            try:
                old, _ = parse_yaml(head.tree[path].data_stream.read(max_size).decode("utf-8", "replace"))
            except KeyError:
                old = None
        if kind != "deleted" and is_yaml_name(rel):
            document = read_catalog_file(catalog.root, top / path, max_size)
            new = document.data
        result.append(FileChange(rel, kind, describe(old, new) if is_yaml_name(rel) else []))
    return result


def commit(catalog: Catalog, files: list[str], message: str, name: str, email: str = "") -> str:
    """Commit ``files`` (catalog-relative, each one of :func:`changes`) with ``message`` by ``name``;
    returns the new commit's hash. Only those files go into the commit: whatever else is staged in the
    repository stays staged and out of it (``git commit --only``)."""
    message = message.strip()
    name = " ".join(name.split())
    if not files:
        raise GitRepoError(Text("请至少选择一个文件", "select at least one file"))
    if not message:
        raise GitRepoError(Text("请填写提交说明", "write a commit message"))
    if len(message) > MAX_COMMIT_MESSAGE:  # said as too long: "write a commit message" read as if it were empty
        raise GitRepoError(Text(f"提交说明过长（{len(message)} 个字符，最多 {MAX_COMMIT_MESSAGE} 个）",
                                f"the commit message is too long ({len(message)} characters, at most "
                                f"{MAX_COMMIT_MESSAGE})"))
    # control characters (printable's): git's headers cannot carry a NUL (a corrupt commit that a server checking
    # objects refuses), and a terminal should not replay the others; a name also loses its <email> delimiters.
    # Nor the invisible ones a catalog's values may not hold (Y008): a right-to-left override makes `git log`
    # show a message or name other than the one written.
    if printable(message) != message or INVISIBLE.search(message):
        raise GitRepoError(Text("提交说明不能含控制字符或双向/零宽格式字符",
                                "the commit message must not hold control, bidirectional or zero-width characters"))
    if not name:
        raise GitRepoError(Text("请填写您的姓名", "write your name"))
    if len(name) > MAX_AUTHOR:
        raise GitRepoError(Text(f"姓名过长（{len(name)} 个字符，最多 {MAX_AUTHOR} 个）",
                                f"the name is too long ({len(name)} characters, at most {MAX_AUTHOR})"))
    if printable(name) != name or "<" in name or ">" in name or INVISIBLE.search(name):
        raise GitRepoError(Text("姓名不能含 < > 、控制字符或双向/零宽格式字符",
                                "the name must not hold < >, control, bidirectional or zero-width characters"))
    pending = {c.rel: c for c in changes(catalog)}
    unknown = [f for f in files if f not in pending]
    if unknown:
        raise GitRepoError(Text(f"这些文件没有待提交的修改：{'、'.join(unknown)}",
                                f"these files have no changes to commit: {', '.join(unknown)}"))
    repo = open_repo(catalog.root)
    prefix = catalog_prefix(repo, catalog.root)
    paths = [f"{prefix}/{f}" if prefix else f for f in files]
    added = [p for p, f in zip(paths, files, strict=True) if pending[f].kind == "added"]
    address = email or "editor@gbstd.invalid"
    who = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": address, "GIT_COMMITTER_NAME": name,
           "GIT_COMMITTER_EMAIL": address}
    # the new files this attempt stages (not those someone staged already): unstaged again when it fails, so
    # that the index is as it was (a refused commit left them staged, and the next `git commit` in a terminal
    # took them along)
    ours: list[str] | None = None  # worked out at the first try (an index another git holds is waited for)
    deadline = time.monotonic() + INDEX_WAIT
    try:
        while True:
            try:
                if added:  # a new file must be known to git for --only to take it
                    if ours is None:
                        ours = sorted(set(added) - _staged(repo, added))
                    repo.git.add("--", *added)
                commit_only(repo, paths, message, who)
                return repo.head.commit.hexsha
            except GitCommandError as exc:
                if not _index_locked(repo, exc):
                    raise _cannot_commit(exc) from None
                if time.monotonic() >= deadline:
                    raise IndexLocked(_index_lock_name(repo)) from None
                time.sleep(0.1)  # another git (a commit in a terminal, another server) is done in a moment, usually
            except (OSError, GitError) as exc:  # a read-only .git, a full disk
                raise _cannot_commit(exc) from None
    except BaseException:
        _unstage(repo, ours or [])
        raise


def _staged(repo: Repo, paths: list[str]) -> set[str]:
    """Which of ``paths`` (from the work tree's top) the index holds."""
    listed = repo.git.ls_files("--cached", "-z", "--", *paths, stdout_as_string=False)  # literal (open_repo)
    return {os.fsdecode(name) for name in listed.split(b"\0") if name} & set(paths)


def _unstage(repo: Repo, paths: list[str]) -> None:
    """Take ``paths`` out of the index again, their files left as they are; best effort (another git holding the
    index: they stay staged, as ``git status`` shows). Paths, not patterns (a ``*`` in a name matches no other),
    and whatever the file holds now (``git rm --cached`` refuses a file changed since it was staged)."""
    if not paths:
        return
    with contextlib.suppress(OSError, GitError):
        repo.git.update_index("--force-remove", "--", *paths)


class IndexLocked(GitRepoError):
    """Another git process holds the repository's index (its ``index.lock``): nothing was committed."""

    def __init__(self, lock: str) -> None:
        super().__init__(Text(
            f"另一个 git 进程正在使用该仓库（{lock} 存在），未提交；请稍后再试。若确实没有 git 在运行，"
            f"它是中断的 git 留下的，删除 {lock} 后再提交",
            f"another git process is using the repository ({lock} exists); nothing was committed, try again in "
            f"a moment. If no git is running, an interrupted git left it: delete {lock}, then commit",
        ))


def _index_locked(repo: Repo, exc: GitCommandError) -> bool:
    """Whether git refused because another git holds the index: its message names index.lock (in any language)
    and the lock is there (a .git git may not write is named so too, with no lock: said as it is)."""
    return "index.lock" in str(exc.stderr) and (Path(repo.git_dir) / "index.lock").exists()


def _index_lock_name(repo: Repo) -> str:
    """The index lock as named from the work tree's top (``.git/index.lock``), never a machine path."""
    lock = Path(repo.git_dir) / "index.lock"
    try:
        return os.path.relpath(lock, str(repo.working_tree_dir)).replace(os.sep, "/")
    except ValueError:  # another drive (Windows)
        return "index.lock"


def _cannot_commit(exc: Exception) -> GitRepoError:
    reason = getattr(exc, "strerror", None) or (str(exc).strip().splitlines() or [type(exc).__name__])[-1]
    return GitRepoError(Text(f"无法提交：{reason}", f"cannot commit: {reason}"))


def commit_only(repo: Repo, paths: list[str], message: str, who: dict[str, str]) -> None:
    """``git commit --only``: a commit of these paths as the work tree has them, by ``who`` (GIT_AUTHOR_* and
    GIT_COMMITTER_*); the rest of the index is left as it was."""
    with repo.git.custom_environment(**who):
        repo.git.commit("--only", "--quiet", "-m", message, "--", *paths)
