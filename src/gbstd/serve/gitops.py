"""Git, plainly: which catalog files differ from HEAD (field by field, in words) and committing a chosen few.

Only files that git itself reports as changed inside the catalog can be committed: the form names them, and a
name that is not in that list is refused, so no request can stage an arbitrary path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from git import Actor
from git.exc import GitError

from gbstd.catalog.catalog import Catalog
from gbstd.catalog.safe_read import read_catalog_file
from gbstd.catalog.yamlio import parse_yaml
from gbstd.changes import KIND_LABELS, compare, details
from gbstd.gitdiff import catalog_diff
from gbstd.gitrepo import GitRepoError, catalog_prefix, field_changes, open_repo
from gbstd.i18n import Lang, Text

MAX_COMMIT_MESSAGE = 10_000


@dataclass
class FileChange:
    rel: str  # relative to the catalog root
    kind: str  # added | modified | deleted
    lines: list[str] = field(default_factory=list)  # the field changes in words


def _words(value: Any) -> str:
    if isinstance(value, list):
        return "、".join(_words(v) for v in value) or "（空）"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_words(v)}" for k, v in value.items()) + "}"
    return "（空）" if value is None else str(value)


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
    for path in repo.untracked_files:
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
        if kind != "deleted" and rel.endswith((".yaml", ".yml")):
            document = read_catalog_file(catalog.root, top / path, max_size)
            new = document.data
        result.append(FileChange(rel, kind, describe(old, new) if rel.endswith((".yaml", ".yml")) else []))
    return result


def commit(catalog: Catalog, files: list[str], message: str, name: str, email: str = "") -> str:
    """Commit ``files`` (catalog-relative, each one of :func:`changes`) with ``message`` by ``name``;
    returns the new commit's hash."""
    message = message.strip()
    name = " ".join(name.split())
    if not files:
        raise GitRepoError(Text("请至少选择一个文件", "select at least one file"))
    if not message or len(message) > MAX_COMMIT_MESSAGE:
        raise GitRepoError(Text("请填写提交说明", "write a commit message"))
    if not name or len(name) > 200:
        raise GitRepoError(Text("请填写您的姓名", "write your name"))
    pending = {c.rel: c for c in changes(catalog)}
    unknown = [f for f in files if f not in pending]
    if unknown:
        raise GitRepoError(Text(f"这些文件没有待提交的修改：{'、'.join(unknown)}",
                                f"these files have no changes to commit: {', '.join(unknown)}"))
    repo = open_repo(catalog.root)
    prefix = catalog_prefix(repo, catalog.root)
    paths = [f"{prefix}/{f}" if prefix else f for f in files]
    removed = [p for p, f in zip(paths, files, strict=True) if pending[f].kind == "deleted"]
    kept = [p for p in paths if p not in removed]
    author = Actor(name, email or "editor@gbstd.invalid")
    try:
        if kept:
            repo.index.add(kept)
        if removed:
            repo.index.remove(removed)
        return repo.index.commit(message, author=author, committer=author).hexsha
    except (OSError, GitError) as exc:  # a read-only .git, a full disk, a lock another git holds
        reason = getattr(exc, "strerror", None) or (str(exc).strip().splitlines() or [type(exc).__name__])[-1]
        raise GitRepoError(Text(f"无法提交：{reason}", f"cannot commit: {reason}")) from None
