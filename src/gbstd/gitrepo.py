"""The catalog as a git repository: what changed since a revision, the catalog at that revision, one
record's history field by field.

Everything git-related lives here (through gitpython), so that ``lint --changed-since``, the git-aware rules
(via :class:`~gbstd.catalog.baseline.Baseline`) and ``history`` share one reading of the repository. The
catalog may be a sub-directory of the repository; paths handed out are relative to the catalog root.
"""

from __future__ import annotations

import binascii
import datetime as dt
import os
import re
import shlex
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Literal

from gbstd.catalog.baseline import Baseline, BaseRecord
from gbstd.catalog.catalog import Catalog, ProjectRecord
from gbstd.catalog.config_file import CatalogError
from gbstd.catalog.loader import record_from_data
from gbstd.catalog.safe_read import read_catalog_file
from gbstd.catalog.validation import validate
from gbstd.catalog.yamlio import decode_text, is_yaml_name, parse_yaml
from gbstd.i18n import Text
from gbstd.model.code import CodePattern, try_parse
from gbstd.model.project import Project

if TYPE_CHECKING:
    from git import Commit, Repo


class GitRepoError(CatalogError):
    """The repository cannot answer (no repository, unknown revision, git missing): exit code 2."""


def _git() -> Any:
    """Import gitpython lazily: it needs the git program, which only git-aware commands require."""
    try:
        import git
    except ImportError as exc:  # gitpython raises ImportError when the git executable is missing
        raise GitRepoError(
            Text(
                f"找不到 git 程序，请先安装 git（{exc}）",
                f"the git program was not found; install git ({exc})",
            )
        ) from None
    return git


def open_repo(path: Path) -> Repo:
    """The git repository that holds ``path`` (searching upward)."""
    git = _git()
    try:
        repo = git.Repo(path, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise GitRepoError(
            Text(
                f"{path} 不在 git 仓库中：修订、历史和提交都需要 git 仓库（git init）",
                f"{path} is not inside a git repository: revisions, history and commits need one (git init)",
            )
        ) from None
    if repo.bare or repo.working_tree_dir is None:
        raise GitRepoError(Text("这是裸仓库，没有工作区", "this is a bare repository without a working tree"))
    # Every path gbstd hands git is a file or directory name, never a pattern: a record file named by hand
    # x*.yaml or x[12].yaml is that file (as a pathspec it matched others: `git add` staged them, `git log`
    # listed their commits as its history). Set once here, for each git this repository object runs.
    repo.git.update_environment(GIT_LITERAL_PATHSPECS="1")
    return repo


def is_shallow(repo: Repo) -> bool:
    return str(repo.git.rev_parse("--is-shallow-repository")).strip() == "true"


def resolve_revision(repo: Repo, ref: str) -> Commit:
    """The commit ``ref`` names, or a :class:`GitRepoError` that says what to fetch."""
    git = _git()
    if ref and not ref.startswith("-"):  # never let a revision be read as an option
        try:
            # rev-parse (unlike gitpython's own lookup) respects a shallow clone's boundary: HEAD~1 of a
            # depth-1 clone is unknown rather than a commit whose object is missing.
            sha = str(repo.git.rev_parse("--verify", "--quiet", f"{ref}^{{commit}}")).strip()
            return repo.commit(sha)
        except (git.BadName, git.BadObject, git.GitCommandError, ValueError):
            pass
    if ref.startswith("-"):  # refused before git saw it: no fetch brings such a revision
        raise GitRepoError(Text(f"修订 {ref} 不能以 - 开头（会被当作选项）",
                                f"a revision cannot begin with '-' (it would read as an option): {ref}"))
    if ".." in ref:  # origin/main...HEAD, as CI configurations write a pull request's diff: a range, not a commit
        raise GitRepoError(Text(
            f"{ref} 是提交范围，不是一个修订：请给出一个提交，例如 origin/main，或合并基点 "
            "$(git merge-base origin/main HEAD)",
            f"{ref} is a range of commits, not one revision: give one commit, e.g. origin/main, or the merge base "
            "$(git merge-base origin/main HEAD)",
        ))
    if not repo.head.is_valid():  # no commit at all: nothing to fetch either
        raise GitRepoError(Text(f"找不到修订 {ref}：当前分支还没有提交", f"revision {ref} not found: the current branch has no commit yet"))
    if is_shallow(repo):
        raise GitRepoError(
            Text(
                f"找不到修订 {ref}：这是浅克隆（shallow clone），其中没有它。请先获取它，例如分支用 "
                f"`git fetch --depth=1 origin {_branch_hint(ref)}`，HEAD~N 用 `git fetch --deepen=N`，"
                "或检出时设置 fetch-depth: 0",
                f"revision {ref} is not in this shallow clone; fetch it first, e.g. "
                f"`git fetch --depth=1 origin {_branch_hint(ref)}` for a branch, "
                "`git fetch --deepen=N` for HEAD~N, "
                "or check out with fetch-depth: 0",
            )
        )
    # [0-9]: git counts ancestors in ASCII digits only (HEAD~٢ is no revision, not one too far back)
    if (back := re.fullmatch(r"([^-~^].*?)((?:[~^][0-9]*)+)", ref)) and _resolves(repo, back[1]):
        # HEAD~1 in a one-commit repository: fetching cannot help, there is no such ancestor.
        raise GitRepoError(_no_ancestor(repo, ref, back[1], back[2]))
    raise GitRepoError(
        Text(
            f"找不到修订 {ref}；检查拼写，或先运行 `git fetch origin {_branch_hint(ref)}`",
            f"unknown revision {ref}; check the spelling or run `git fetch origin {_branch_hint(ref)}` first",
        )
    )


def _no_ancestor(repo: Repo, ref: str, base: str, steps: str) -> Text:
    """Why ``base`` + ``steps`` (``~3``, ``^2~1``) names no commit, found by following the steps as git does up to
    the first that fails. ``~N`` follows first parents only: counting the whole history (merged branches too)
    said "HEAD has only 4 commits" of a HEAD~3 that does not exist, and ``^2`` of a commit that is no merge was
    told it had too few commits."""
    current = base
    for op, digits in re.findall(r"([~^])([0-9]*)", steps):
        if _resolves(repo, f"{current}{op}{digits}"):
            current = f"{current}{op}{digits}"
            continue
        number = int(digits) if digits else 1
        if op == "^" and number > 1:
            parents = len(repo.commit(str(repo.git.rev_parse("--verify", f"{current}^{{commit}}")).strip()).parents)
            return Text(f"没有修订 {ref}：{current} 只有 {parents} 个父提交，没有第 {number} 个",
                        f"there is no revision {ref}: {current} has {parents} parent(s), not a parent {number}")
        line = int(str(repo.git.rev_list("--count", "--first-parent", current)).strip())
        if line == int(str(repo.git.rev_list("--count", current)).strip()):  # a history without merges
            return Text(f"没有修订 {ref}：{current} 的历史中只有 {line} 个提交，没有这么早的祖先",
                        f"there is no revision {ref}: {current} has only {line} commit(s) in its history")
        return Text(
            f"没有修订 {ref}：沿第一父提交，{current} 只有 {line} 个提交（~ 只数第一父提交；合并进来的分支用 ^2 选）",
            f"there is no revision {ref}: {current} has only {line} commit(s) along its first parents (~ counts "
            "first parents only; ^2 picks a merge's second parent)",
        )
    return Text(f"找不到修订 {ref}", f"unknown revision {ref}")  # every step resolved: not reached


def _resolves(repo: Repo, ref: str) -> bool:
    try:
        repo.git.rev_parse("--verify", "--quiet", f"{ref}^{{commit}}")
        return True
    except _git().GitCommandError:
        return False


def _branch_hint(ref: str) -> str:
    """The ref to fetch, quoted for a shell: the hint is meant to be pasted, and the ref came from a user."""
    return shlex.quote(ref.split("/", 1)[1] if ref.startswith("origin/") else ref)


def catalog_prefix(repo: Repo, root: Path) -> str:
    """The catalog root as a POSIX path inside the repository ("" when it is the repository's root)."""
    top = Path(str(repo.working_tree_dir)).resolve()
    try:
        rel = root.resolve().relative_to(top).as_posix()
    except ValueError:
        raise GitRepoError(
            Text(f"目录 {root} 不在仓库 {top} 中", f"the catalog {root} is not inside the repository {top}")
        ) from None
    return "" if rel == "." else rel


def _to_catalog(prefix: str, repo_path: str) -> str | None:
    if not prefix:
        return repo_path
    return repo_path[len(prefix) + 1 :] if repo_path.startswith(prefix + "/") else None


def _to_repo(prefix: str, rel: str) -> str:
    return f"{prefix}/{rel}" if prefix else rel


def _is_record_path(catalog: Catalog, rel: str) -> bool:
    records = PurePosixPath(catalog.config.catalog.records).as_posix().strip("/")
    return rel.startswith(records + "/") and is_yaml_name(rel)


def _is_project_path(catalog: Catalog, rel: str) -> bool:
    projects = PurePosixPath(catalog.config.catalog.projects).as_posix().strip("/")
    return rel.startswith(projects + "/") and is_yaml_name(rel)


def build_baseline(catalog: Catalog, ref: str) -> Baseline:
    """Compare revision ``ref`` with the working tree (committed, staged, unstaged and untracked files)."""
    repo = open_repo(catalog.root)
    commit = resolve_revision(repo, ref)
    prefix = catalog_prefix(repo, catalog.root)
    baseline = Baseline(ref=ref, commit=commit.hexsha)
    for diff in commit.diff(None, paths=[prefix] if prefix else None):
        old = _to_catalog(prefix, diff.a_path) if diff.a_path else None
        new = _to_catalog(prefix, diff.b_path) if diff.b_path else None
        kind = diff.change_type
        if kind == "D" and old:
            baseline.deleted.add(old)
        elif kind in ("A", "C") and new:
            baseline.added.add(new)
        elif kind == "R" and old and new:
            baseline.renamed[new] = old
        elif kind == "R" and new:  # moved into the catalog from elsewhere in the repository
            baseline.added.add(new)
        elif kind == "R" and old:  # moved out of the catalog
            baseline.deleted.add(old)
        elif new:
            baseline.modified.add(new)
    untracked = repo.git.ls_files("--others", "--exclude-standard", "-z", "--", prefix or ".")
    for repo_path in filter(None, str(untracked).split("\0")):
        rel = _to_catalog(prefix, repo_path)
        if rel:
            baseline.added.add(rel)
    old_paths = baseline.modified | set(baseline.renamed.values()) | baseline.deleted
    for rel in sorted(old_paths):
        if _is_record_path(catalog, rel):
            blob = _blob_text(commit, _to_repo(prefix, rel), catalog.config.catalog.max_file_size)
            baseline.records[rel] = _base_record(catalog, rel, blob)
        elif _is_project_path(catalog, rel):
            blob = _blob_text(commit, _to_repo(prefix, rel), catalog.config.catalog.max_file_size)
            baseline.projects[rel] = _base_project(catalog, rel, blob)
    _pair_moves_by_code(catalog, baseline)
    return baseline


def _pair_moves_by_code(catalog: Catalog, baseline: Baseline) -> None:
    """A record file moved and rewritten by more than half is a deletion and an addition to git (it pairs a
    rename only up to that): it is one record moved when the deleted file's code then is the added file's code
    now, and no other deleted or added record file holds that code. Such a pair is made a rename here, so that
    the G rules compare its two sides (a status set back from 废止, G003) rather than see nothing to compare."""
    then: dict[str, list[str]] = {}
    for rel in baseline.deleted:
        old = baseline.records.get(rel)
        if old is not None and old.key:
            then.setdefault(old.key, []).append(rel)
    if not then:
        return
    now: dict[str, list[str]] = {}
    for rel in sorted(baseline.added):  # read from the working tree: the caller may not have loaded the catalog
        if _is_record_path(catalog, rel):
            text = read_catalog_file(catalog.root, catalog.root / rel, catalog.config.catalog.max_file_size).text
            if key := _base_record(catalog, rel, text).key:
                now.setdefault(key, []).append(rel)
    for key, olds in then.items():
        news = now.get(key, [])
        if len(olds) == 1 and len(news) == 1:
            baseline.deleted.discard(olds[0])
            baseline.added.discard(news[0])
            baseline.renamed[news[0]] = olds[0]


def _blob_text(commit: Commit, repo_path: str, max_size: int) -> str | None:
    """The text of a file at ``commit``, judged as lint judges a file; None when absent or refused.

    The size is checked from the object's header before any byte is read: a 3 GB blob must not be loaded
    to find out it is too large. A symbolic link's blob is its target's name, never the target.
    """
    try:
        blob = commit.tree / repo_path
        if blob.type != "blob" or blob.size > max_size:
            return None
        data: bytes = blob.data_stream.read(max_size + 1)
    except (KeyError, ValueError):
        return None
    if len(data) > max_size:
        return None
    text, _ = decode_text(data)  # None for NUL bytes, non-UTF-8 or an empty file; a BOM is dropped
    return text


def _parse(text: str | None) -> Any:
    if text is None:
        return None
    data, problems = parse_yaml(text)
    return None if problems else data


def _base_project(catalog: Catalog, rel: str, text: str | None) -> ProjectRecord | None:
    data = _parse(text)
    if data is None:
        return None
    project, _ = validate(Project, data, rel, None)
    return ProjectRecord(catalog.root / rel, rel, project) if project is not None else None


def _base_record(catalog: Catalog, rel: str, text: str | None) -> BaseRecord:
    data = _parse(text)
    if data is None:
        return BaseRecord(rel, None, None, None)
    standard, code, _ = record_from_data(data, rel, catalog.config)
    return BaseRecord(rel, data, standard, code)


# ---------------------------------------------------------------------------------------------- history

ChangeKind = Literal["added", "removed", "changed"]


@dataclass(frozen=True)
class FieldChange:
    """One field's difference between two versions of a record; ``field`` is dotted for nested keys."""

    field: str
    kind: ChangeKind
    old: Any = None
    new: Any = None

    def to_json(self) -> dict[str, Any]:
        return {"field": self.field, "change": self.kind, "old": self.old, "new": self.new}


@dataclass
class HistoryEntry:
    """One commit that touched the record's file (or the uncommitted working tree, ``commit`` None)."""

    commit: str | None
    author: str
    email: str
    date: dt.datetime | None
    message: str
    path: str  # path of the file in that version, relative to the catalog root (repository path if outside)
    change: Literal["added", "modified", "renamed", "deleted"]
    renamed_from: str | None = None
    fields: list[FieldChange] = field(default_factory=list)
    unreadable: bool = False  # the version did not parse as YAML: no field-level differences
    refused: Text | None = None  # why the working-tree file was not read (a link leading outside, a FIFO…)

    @property
    def summary(self) -> str:
        return self.message.strip().splitlines()[0] if self.message.strip() else ""

    def to_json(self) -> dict[str, Any]:
        return {
            "commit": self.commit,
            "author": self.author,
            "email": self.email,
            "date": self.date.isoformat() if self.date else None,
            "message": self.message.strip(),
            "path": self.path,
            "change": self.change,
            "renamed_from": self.renamed_from,
            "unreadable": self.unreadable,
            "refused": self.refused.en if self.refused else None,
            "fields": [c.to_json() for c in self.fields],
        }


@dataclass(frozen=True)
class MoveStep:
    """One committed rename of the record's file after it left the file a history follows."""

    commit: str
    path: str  # the file it was renamed to, relative to the catalog root (repository path if outside)
    code: str | None  # the canonical code that file held then (None: none readable)

    def to_json(self) -> dict[str, Any]:
        return {"commit": self.commit, "path": self.path, "code": self.code}


@dataclass
class Became:
    """Where a record went when its newest commit renamed its file away (renumbered: moved with its code
    changed), followed through later renames to where it is now, or to the commit that deleted it."""

    steps: list[MoveStep]  # oldest first; the first is the history's newest entry
    code: str | None  # the code it holds now (or held when deleted)
    path: str
    in_catalog: bool  # its file is in the working tree
    deleted_in: str | None = None  # the commit that deleted it (not in the catalog, deletion committed)

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "path": self.path, "in_catalog": self.in_catalog, "deleted_in": self.deleted_in,
                "steps": [step.to_json() for step in self.steps]}


@dataclass
class RecordHistory:
    code: str
    path: str
    entries: list[HistoryEntry]
    # A shallow clone: commits before its boundary were not fetched, so the oldest entry may not be the first
    # (a record made earlier shows as added at the boundary).
    shallow: bool = False
    became: Became | None = None  # the record was renumbered or moved away: where it is now

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "path": self.path, "shallow": self.shallow,
                "became": self.became.to_json() if self.became else None,
                "entries": [e.to_json() for e in self.entries]}


def field_changes(old: Any, new: Any, prefix: str = "") -> list[FieldChange]:
    """Field-level differences between two parsed versions (mappings compared key by key, recursively)."""
    old_map = old if isinstance(old, dict) else {}
    new_map = new if isinstance(new, dict) else {}
    changes: list[FieldChange] = []
    keys = list(old_map) + [k for k in new_map if k not in old_map]
    for key in keys:
        name = f"{prefix}{key}"
        if key not in new_map:
            changes.append(FieldChange(name, "removed", old=old_map[key]))
        elif key not in old_map:
            changes.append(FieldChange(name, "added", new=new_map[key]))
        elif isinstance(old_map[key], dict) and isinstance(new_map[key], dict):
            changes.extend(field_changes(old_map[key], new_map[key], f"{name}."))
        elif old_map[key] != new_map[key]:
            changes.append(FieldChange(name, "changed", old=old_map[key], new=new_map[key]))
    return changes


_SEP_RECORD, _SEP_FIELD = "\x1e", "\x1f"
_LOG_FORMAT = f"{_SEP_RECORD}%H{_SEP_FIELD}%an{_SEP_FIELD}%ae{_SEP_FIELD}%aI{_SEP_FIELD}%B{_SEP_FIELD}"


@dataclass
class _LogItem:
    sha: str
    author: str
    email: str
    date: dt.datetime
    message: str
    status: str
    path: str
    old_path: str | None


def _human_text(data: bytes) -> str:
    """An author, email or message as git stored it: UTF-8, or the GBK of a Chinese Windows git that did not
    say so (shown as Latin-1 mojibake before: 张三 as ÕÅÈý), else with replacement characters."""
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", "replace")


def _log(repo: Repo, repo_path: str, since: str | None) -> Iterator[_LogItem]:
    """Commits touching ``repo_path`` newest first, following renames, with the path at each commit."""
    revision = f"{since}..HEAD" if since else "HEAD"
    output = repo.git.execute(
        [
            "git",
            "-c",
            "core.quotePath=false",
            "log",
            "--follow",
            "-M",
            "-m",  # merges too, once per parent the file differs from (a value set resolving a conflict)
            "--name-status",
            f"--format={_LOG_FORMAT}",
            revision,
            "--",
            repo_path,
        ],
        strip_newline_in_stdout=False,
        stdout_as_string=False,
    )
    for chunk in bytes(output).split(_SEP_RECORD.encode()):
        fields = chunk.split(_SEP_FIELD.encode())
        if len(fields) < 6:
            continue
        sha, date = fields[0].decode("ascii", "replace"), fields[3].decode("ascii", "replace")
        author, email, message = (_human_text(field) for field in fields[1:3] + fields[4:5])
        names = fields[5].decode("utf-8", "surrogateescape")  # paths as the file system names them
        status_line = next((line for line in names.splitlines() if line.strip()), "")
        columns = status_line.split("\t")
        if len(columns) < 2:
            continue
        status = columns[0][:1]
        old_path, path = (
            (columns[1], columns[2]) if status in "RC" and len(columns) > 2 else (None, columns[1])
        )
        yield _LogItem(sha, author, email, dt.datetime.fromisoformat(date), message, status, path, old_path)


def find_record_path(catalog: Catalog, repo: Repo, raw_code: str) -> str:
    """The repository path of the record for ``raw_code``: the current file, or a deleted one by its name."""
    prefix = catalog_prefix(repo, catalog.root)
    record = catalog.get(raw_code)
    if record is not None:
        return _to_repo(prefix, record.rel)
    code = try_parse(raw_code, catalog.config.catalog.internal_regex)
    if code is None:
        raise GitRepoError(Text(f"无法识别的标准号：{raw_code}", f"not a standard code: {raw_code}"))
    stem = code.filename[: -len(".yaml")].lower()
    names = {f"{stem}.yaml", f"{stem}.yml"}  # compared lower-cased: X.YAML is a record file too
    for rel in catalog.files:  # a record that does not load now (a schema error) is still found by name
        if PurePosixPath(rel).name.lower() in names and _is_record_path(catalog, rel):
            return _to_repo(prefix, rel)
    not_found = GitRepoError(Text(
        f"目录及其 git 历史中都没有 {code.canonical}",
        f"{code.canonical} is neither in the catalog nor in its git history",
    ))
    if not repo.head.is_valid():  # no commit yet: nothing was committed or deleted
        raise not_found
    records_dir = _to_repo(prefix, PurePosixPath(catalog.config.catalog.records).as_posix())
    # deleted in the working tree but not yet committed: HEAD still has it
    committed = repo.git.execute(
        ["git", "-c", "core.quotePath=false", "ls-tree", "-r", "--name-only", "HEAD", "--", records_dir]
    )
    head_paths = [line.strip() for line in str(committed).splitlines() if line.strip()]
    for path in head_paths:
        if PurePosixPath(path).name.lower() in names:
            return path
    deleted, renamed = _deleted_files(repo, records_dir)
    for _, path in deleted:
        if PurePosixPath(path).name.lower() in names:
            return path
    # Not by its name: a record committed under another (x.yaml) is found by the code its last version held,
    # reading only files gone from the working tree, newest deletion first, until one holds it.
    top, section = Path(str(repo.working_tree_dir)), catalog.config.catalog
    gone = [f"HEAD:{path}" for path in head_paths if not os.path.lexists(top / path)]
    last = [f"{sha}^:{path}" for sha, path in deleted]  # a deleted file's last version: in the parent
    for ref in [*gone, *last]:
        path = ref.split(":", 1)[1]
        if is_yaml_name(path) and _holds_code(repo, ref, code.canonical, section.internal_regex, section.max_file_size):
            return path
    # Renumbered: a commit renamed the file and changed its code (git mv, or mv and add: git pairs the two
    # files). Git reports a rename, not a deletion, so the old code is found where the rename's old side held
    # it and its new side holds another code, newest rename first. A rename that kept the code is no
    # renumbering: the record lives on under that code (deleted later, it was found above).
    for sha, old, new in renamed:
        if is_yaml_name(old) and _holds_code(
            repo, f"{sha}^:{old}", code.canonical, section.internal_regex, section.max_file_size
        ) and not _holds_code(repo, f"{sha}:{new}", code.canonical, section.internal_regex, section.max_file_size):
            return old
    raise not_found


def _deleted_files(repo: Repo, records_dir: str) -> tuple[list[tuple[str, str]], list[tuple[str, str, str]]]:
    """(commit, repository path) of each file under ``records_dir`` a commit deleted, and (commit, old path, new
    path) of each file one renamed there, newest first; one walk of the log for both.

    Merges count too (``-m``: git log shows no diff for a merge otherwise): a conflict resolved by deleting the
    file deletes it in the merge commit alone. A merge is listed once per parent; each pair is kept once.
    """
    output = repo.git.execute(
        ["git", "-c", "core.quotePath=false", "log", "-m", "-M", "--diff-filter=DR", "--name-status",
         "--format=%x00%H", "HEAD", "--", records_dir]
    )
    deleted: list[tuple[str, str]] = []
    renamed: list[tuple[str, str, str]] = []
    for chunk in str(output).split("\0")[1:]:
        sha, *lines = chunk.strip().splitlines()
        for line in lines:
            columns = [column.strip() for column in line.split("\t")]
            if columns[0].startswith("D") and len(columns) == 2 and columns[1]:
                deleted.append((sha.strip(), columns[1]))
            elif columns[0].startswith("R") and len(columns) == 3:
                renamed.append((sha.strip(), columns[1], columns[2]))
    return list(dict.fromkeys(deleted)), list(dict.fromkeys(renamed))


def _holds_code(repo: Repo, ref: str, canonical: str, pattern: CodePattern | None, max_size: int) -> bool:
    """Whether the file ``ref`` (``<revision>:<path>``) is a record of code ``canonical`` (in any spelling)."""
    return _code_in(repo, ref, pattern, max_size) == canonical


def _code_in(repo: Repo, ref: str, pattern: CodePattern | None, max_size: int) -> str | None:
    """The canonical code the record file ``ref`` (``<revision>:<path>``) holds; None when it holds none. Read
    through git's one long-lived cat-file process, the size checked first: a tree walk per file (``commit.tree /
    path``) took minutes over thousands of deleted files."""
    try:
        sha, kind, size = repo.git.get_object_header(ref)  # the names as bytes (gitpython 3.1) or text
        if kind not in ("blob", b"blob") or size > max_size:
            return None
        data: bytes = repo.odb.stream(binascii.a2b_hex(sha)).read()
    except ValueError:  # no such file there, or no parent (a shallow clone's edge)
        return None
    text, _ = decode_text(data)
    return _text_code(text, pattern)


def _text_code(text: str | None, pattern: CodePattern | None) -> str | None:
    """The canonical code a record file's text holds, if any."""
    parsed = _parse(text)
    raw = parsed.get("code") if isinstance(parsed, dict) else None
    found = try_parse(raw, pattern) if isinstance(raw, str) else None
    return found.canonical if found is not None else None


def record_history(catalog: Catalog, raw_code: str, since: str | None = None) -> RecordHistory:
    """The record's changes commit by commit (newest first), as field-level differences."""
    repo = open_repo(catalog.root)
    if since is not None:
        resolve_revision(repo, since)
    prefix = catalog_prefix(repo, catalog.root)
    repo_path = find_record_path(catalog, repo, raw_code)
    records_dir = _to_repo(prefix, PurePosixPath(catalog.config.catalog.records).as_posix())
    code = try_parse(raw_code, catalog.config.catalog.internal_regex)
    entries: list[HistoryEntry] = []
    max_size = catalog.config.catalog.max_file_size
    head_path = _moved_from(catalog, repo, prefix, repo_path, code.canonical if code else None) or repo_path
    # A file HEAD has that the working tree moved away under another code (renumbered): the record went there,
    # which its uncommitted entry says, rather than that it was deleted.
    moved_to = _moved_to(catalog, repo, prefix, repo_path) if head_path == repo_path else None
    if moved_to is not None:
        working = _working_tree_entry(catalog, repo, prefix, moved_to, repo_path)
    else:
        working = _working_tree_entry(catalog, repo, prefix, repo_path, head_path)
    if working is not None:
        entries.append(working)
    # a repository without a commit yet has no history: the working tree's file is all there is
    logged = list(_log(repo, head_path, since)) if repo.head.is_valid() else []
    listed = Counter(item.sha for item in logged)  # a merge is logged once per parent its file differs from
    shown: set[str] = set()
    for item in logged:
        if item.sha in shown:
            continue
        shown.add(item.sha)
        commit = repo.commit(item.sha)
        if len(commit.parents) > 1 and listed[item.sha] < len(commit.parents) and not (
            # a deletion the merge brought to the mainline over its edits (a modify/delete conflict resolved by
            # deleting) is where the record went: its newest entry, not the mainline's last edit. Not when the
            # mainline left the file as the branch found it: the branch's own commit says it, once.
            item.status == "D" and _in_commit(commit.parents[0], item.path)
            and not _untouched_since_fork(repo, commit, item.path)
        ):
            continue  # the merge took one side's file as it was: that side's commits say what changed
        parent = commit.parents[0] if commit.parents else None
        if item.status == "D" and (moved := _renamed_to(repo, commit, item.path, records_dir)):
            # Followed by its old path alone, a rename (renumbered: moved with its code changed) reads as a
            # deletion: it is where the record went. Only a deletion pays for this look.
            item.status, item.old_path, item.path = "R", item.path, moved
        new_text = None if item.status == "D" else _blob_text(commit, item.path, max_size)
        old_text = None
        if item.status != "A" and parent is not None:
            old_text = _safe_blob_text(parent, item.old_path or item.path, max_size)
        change = {"A": "added", "D": "deleted", "R": "renamed", "C": "added"}.get(item.status, "modified")
        old, new = _parse(old_text), _parse(new_text)
        entries.append(
            HistoryEntry(
                commit=item.sha,
                author=item.author,
                email=item.email,
                date=item.date,
                message=item.message,
                path=_to_catalog(prefix, item.path) or item.path,
                change=change,  # type: ignore[arg-type]
                renamed_from=(_to_catalog(prefix, item.old_path) or item.old_path) if item.old_path else None,
                fields=field_changes(old, new),
                unreadable=(old_text is not None and old is None) or (new_text is not None and new is None),
            )
        )
    newest = next((entry for entry in entries if entry.commit is not None), None)
    became = None
    if newest is not None and newest.commit is not None and newest.change == "renamed" and newest.path != (
        _to_catalog(prefix, repo_path) or repo_path
    ):  # the newest commit took the record away from this file: say where it is now
        became = _became(catalog, repo, prefix, records_dir, newest.commit, _to_repo(prefix, newest.path))
    return RecordHistory(
        code.canonical if code else raw_code.strip(), _to_catalog(prefix, repo_path) or repo_path, entries,
        shallow=repo.head.is_valid() and is_shallow(repo), became=became,
    )


def _untouched_since_fork(repo: Repo, merge: Commit, repo_path: str) -> bool:
    """Whether the merge's first parent has the file as it was where a parent without it (the branch that
    deleted or renamed it) forked off: the merge then took that branch's change as it was."""
    ours = merge.parents[0]
    for other in merge.parents[1:]:
        if _in_commit(other, repo_path):
            continue
        bases = repo.merge_base(ours, other)
        if bases and _in_commit(bases[0], repo_path) and (
            (bases[0].tree / repo_path).hexsha == (ours.tree / repo_path).hexsha
        ):
            return True
    return False


def _renamed_to(repo: Repo, commit: Commit, repo_path: str, records_dir: str) -> str | None:
    """The file ``commit`` renamed ``repo_path`` to, as git pairs files by similarity against its first parent
    (a ``git mv``, or a ``mv`` and add, the code changed or not); None when it deleted the file."""
    if not commit.parents:
        return None
    output = repo.git.execute(
        ["git", "diff-tree", "-r", "-M", "--diff-filter=R", "--name-status", "-z", commit.parents[0].hexsha,
         commit.hexsha, "--", records_dir],
        stdout_as_string=False,
    )
    columns = [os.fsdecode(column) for column in bytes(output).split(b"\0")]
    for at in range(0, len(columns) - 2, 3):  # R<score>, old path, new path
        if columns[at].startswith("R") and columns[at + 1] == repo_path:
            return columns[at + 2]
    return None


def _became(catalog: Catalog, repo: Repo, prefix: str, records_dir: str, sha: str, repo_path: str) -> Became:
    """Where the record is that commit ``sha`` renamed to ``repo_path``: that file followed through later
    commits that renamed it (renumbered again, or moved) to the working tree, or to the commit deleting it."""
    section, top = catalog.config.catalog, Path(str(repo.working_tree_dir))

    def step(commit: str, path: str) -> MoveStep:
        code = _code_in(repo, f"{commit}:{path}", section.internal_regex, section.max_file_size)
        return MoveStep(commit, _to_catalog(prefix, path) or path, code)

    steps = [step(sha, repo_path)]
    while len(steps) <= 100:  # a bound, should history loop through files
        removed = repo.git.execute(
            ["git", "-c", "core.quotePath=false", "log", "--no-renames", "--diff-filter=D", "--format=%H",
             "--reverse", f"{sha}..HEAD", "--", repo_path]
        )
        first = next((line.strip() for line in str(removed).splitlines() if line.strip()), None)
        if first is None:  # HEAD has it: in the working tree, or removed there and not committed yet
            path = top / repo_path
            if not os.path.lexists(path):
                return Became(steps, steps[-1].code, steps[-1].path, in_catalog=False)
            document = read_catalog_file(catalog.root, path, section.max_file_size, parse=False)
            code = _text_code(document.text if document.usable else None, section.internal_regex)
            return Became(steps, code or steps[-1].code, steps[-1].path, in_catalog=True)
        moved = _renamed_to(repo, repo.commit(first), repo_path, records_dir)
        if moved is None:
            return Became(steps, steps[-1].code, steps[-1].path, in_catalog=False, deleted_in=first)
        sha, repo_path = first, moved
        steps.append(step(sha, repo_path))
    return Became(steps, steps[-1].code, steps[-1].path, in_catalog=False)


def _safe_blob_text(commit: Commit, repo_path: str, max_size: int) -> str | None:
    """Like :func:`_blob_text`, but a parent missing from a shallow clone reads as no file."""
    git = _git()
    try:
        return _blob_text(commit, repo_path, max_size)
    except (git.BadName, git.BadObject, ValueError):
        return None


def _moved_from(
    catalog: Catalog, repo: Repo, prefix: str, repo_path: str, canonical: str | None = None,
    renames: dict[str, str] | None = None,
) -> str | None:
    """Where HEAD holds the record whose file the working tree moved to ``repo_path`` (not committed yet): the
    old side of a staged rename, a file of the same name that is gone from the working tree (a record filed in
    another directory), or a file gone from the working tree whose HEAD version holds the record's code
    ``canonical`` (a plain ``mv`` to another name, not staged), or else the gone file git pairs it with by
    similarity (moved and renumbered; ``renames`` when already worked out). None when HEAD has ``repo_path``
    itself, or nothing tells of a move."""
    if not repo.head.is_valid() or _in_commit(repo.head.commit, repo_path):
        return None
    records_dir = _to_repo(prefix, PurePosixPath(catalog.config.catalog.records).as_posix())
    staged = repo.git.execute(
        ["git", "-c", "core.quotePath=false", "diff", "--cached", "-M", "--name-status", "HEAD", "--", records_dir]
    )
    renamed_away: set[str] = set()  # old sides of staged renames to other files: those moves are told already
    for line in str(staged).splitlines():
        columns = line.split("\t")
        if columns[0].startswith("R") and len(columns) == 3:
            if columns[2] == repo_path:
                return columns[1]
            renamed_away.add(columns[1])
    committed = repo.git.execute(
        ["git", "-c", "core.quotePath=false", "ls-tree", "-r", "--name-only", "HEAD", "--", records_dir]
    )
    name, top = PurePosixPath(repo_path).name.lower(), Path(str(repo.working_tree_dir))
    gone = [path for line in str(committed).splitlines()
            if (path := line.strip()) and path not in renamed_away and not os.path.lexists(top / path)]
    for path in gone:
        if PurePosixPath(path).name.lower() == name:
            return path
    # Under another name and not staged, the new file is untracked: git pairs it with the deleted one only when
    # asked (git add -N), by similarity. The record is its code, so a gone file that held the code is where it
    # was moved from, however much the move edited it.
    section = catalog.config.catalog
    if canonical is not None:
        for path in gone:
            if is_yaml_name(path) and _holds_code(
                repo, f"HEAD:{path}", canonical, section.internal_regex, section.max_file_size
            ):
                return path
    # Moved and its code changed too (a renumbered record): no gone file holds the code it has now, but git
    # pairs the two files by similarity, as a commit of the move would. Not when the gone file's code is in the
    # catalog now under another path: the record moved there, and this file is another one.
    if not gone:
        return None
    renames = _worktree_renames(repo, records_dir) if renames is None else renames
    old = renames.get(repo_path)
    if old is None or old not in gone:
        return None
    then = _code_in(repo, f"HEAD:{old}", section.internal_regex, section.max_file_size)
    holder = catalog.get(then) if then is not None else None
    if holder is not None and _to_repo(prefix, holder.rel) != repo_path:
        return None
    return old


def _moved_to(catalog: Catalog, repo: Repo, prefix: str, repo_path: str) -> str | None:
    """Where the working tree moved the file HEAD has at ``repo_path`` (gone from the working tree), when the
    move is not committed: the file git pairs it with, provided that file's own history
    (:func:`_moved_from`) says it came from here. None when HEAD lacks the file, it is still there, or
    nothing took its place."""
    top = Path(str(repo.working_tree_dir))
    if not repo.head.is_valid() or os.path.lexists(top / repo_path) or not _in_commit(repo.head.commit, repo_path):
        return None
    records_dir = _to_repo(prefix, PurePosixPath(catalog.config.catalog.records).as_posix())
    renames = _worktree_renames(repo, records_dir)
    section = catalog.config.catalog
    for new, old in renames.items():
        if old != repo_path or not os.path.lexists(top / new):
            continue
        # the code the file holds now, read as its own history reads it
        document = read_catalog_file(catalog.root, top / new, section.max_file_size, parse=False)
        canonical = _text_code(document.text if document.usable else None, section.internal_regex)
        if _moved_from(catalog, repo, prefix, new, canonical, renames) == repo_path:
            return new
    return None


def _worktree_renames(repo: Repo, records_dir: str) -> dict[str, str]:
    """{new path: old path} of the files under ``records_dir`` that git pairs as renamed from HEAD to the
    working tree, untracked files included (as ``git add -N`` would have them).

    Done in a copy of the index and with a scratch object directory (the real one as its alternate), so that
    the user's index and repository are left as they were: ``history`` only reads."""
    with tempfile.TemporaryDirectory(prefix="gbstd-history-") as scratch:
        index = Path(scratch) / "index"
        if Path(repo.index.path).is_file():
            shutil.copyfile(repo.index.path, index)  # its stat data spares git re-reading unchanged files
        objects = Path(scratch) / "objects"
        objects.mkdir()
        real = os.environ.get("GIT_OBJECT_DIRECTORY") or os.path.join(repo.common_dir, "objects")
        alternates = [real, *filter(None, os.environ.get("GIT_ALTERNATE_OBJECT_DIRECTORIES", "").split(os.pathsep))]
        env = {
            "GIT_INDEX_FILE": str(index),
            "GIT_OBJECT_DIRECTORY": str(objects),
            "GIT_ALTERNATE_OBJECT_DIRECTORIES": os.pathsep.join(alternates),
            "GIT_LITERAL_PATHSPECS": "1",  # a file named with * or [ is that file, not a pattern
        }
        untracked = repo.git.execute(
            ["git", "ls-files", "--others", "--exclude-standard", "-z", "--", records_dir],
            env=env, stdout_as_string=False,
        )
        names = [name for name in bytes(untracked).split(b"\0") if name and is_yaml_name(os.fsdecode(name))]
        if names:
            listing = Path(scratch) / "untracked"
            listing.write_bytes(b"\0".join(names))
            repo.git.execute(
                ["git", "add", "--intent-to-add", f"--pathspec-from-file={listing}", "--pathspec-file-nul"],
                env=env,
            )
        output = repo.git.execute(
            ["git", "diff", "-M", "--name-status", "-z", "HEAD", "--", records_dir],
            env=env, stdout_as_string=False,
        )
    columns = [os.fsdecode(column) for column in bytes(output).split(b"\0")]
    renames: dict[str, str] = {}
    at = 0
    while at < len(columns) and columns[at]:
        if columns[at].startswith(("R", "C")) and at + 2 < len(columns):
            if columns[at].startswith("R"):
                renames[columns[at + 2]] = columns[at + 1]
            at += 3
        else:
            at += 2
    return renames


def _in_commit(commit: Commit, repo_path: str) -> bool:
    try:
        commit.tree / repo_path
    except KeyError:
        return False
    return True


def _working_tree_entry(
    catalog: Catalog, repo: Repo, prefix: str, repo_path: str, head_path: str | None = None
) -> HistoryEntry | None:
    """Uncommitted changes to the file, as an entry without a commit; None when it matches HEAD. ``head_path``:
    where HEAD has the file when the working tree moved it (:func:`_moved_from`), a rename.

    The file is read as lint reads it (:func:`read_catalog_file`): a link leading outside the catalog, a
    FIFO, a device or an oversized file is not read, and shows as an unreadable version.
    """
    max_size = catalog.config.catalog.max_file_size
    path = Path(str(repo.working_tree_dir)) / repo_path
    head_path = head_path or repo_path
    head_text = _blob_text(repo.head.commit, head_path, max_size) if repo.head.is_valid() else None
    exists = os.path.lexists(path)
    document = read_catalog_file(catalog.root, path, max_size, parse=False) if exists else None
    work_text = document.text if document is not None and document.usable else None
    refused = document is not None and not document.usable
    moved = head_path != repo_path
    if work_text == head_text and not refused and not moved:
        return None
    change = "renamed" if moved else "added" if head_text is None else "modified" if exists else "deleted"
    old, new = _parse(head_text), _parse(work_text)
    return HistoryEntry(
        commit=None,
        author="",
        email="",
        date=None,
        message="",
        path=_to_catalog(prefix, repo_path) or repo_path,
        change=change,
        renamed_from=(_to_catalog(prefix, head_path) or head_path) if moved else None,
        fields=field_changes(old, new),  # type: ignore[arg-type]
        unreadable=(head_text is not None and old is None) or (exists and new is None),
        refused=document.problems[0].message if refused and document is not None and document.problems else None,
    )
