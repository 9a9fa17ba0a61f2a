"""`gbstd history`: field-level changes commit by commit, following renames."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import git
import pytest
from typer.testing import CliRunner

from gbstd.catalog.loader import load_catalog
from gbstd.cli.app import app
from gbstd.gitrepo import field_changes, record_history
from tests.git_catalog import commit, init_repo, standard, write_record

runner = CliRunner()


@pytest.fixture
def scripted(tmp_path: Path) -> tuple[git.Repo, Path, list[str]]:
    repo, root = init_repo(tmp_path)
    shas = []
    write_record(
        root,
        "GB-T-9-2020.yaml",
        **standard(
            "GB/T 9-2020",
            "公共机构节能",
            published="2020-01-01",
            effective="2020-06-01",
            issuer=["国家市场监督管理总局"],
        ),
    )
    write_record(root, "GB-T-8-2020.yaml", **standard("GB/T 8-2020", "其他", effective="2020-06-01"))
    shas.append(commit(repo, "Add GB/T 9-2020", "Alice <alice@example.org>"))
    write_record(
        root,
        "GB-T-9-2020.yaml",
        **standard(
            "GB/T 9-2020",
            "公共机构节能",
            status="废止",
            published="2020-01-01",
            effective="2020-06-01",
            abolished="2024-01-01",
            issuer=["国家市场监督管理总局"],
        ),
    )
    write_record(root, "GB-T-8-2020.yaml", **standard("GB/T 8-2020", "其他（改）", effective="2020-06-01"))
    shas.append(commit(repo, "Abolish GB/T 9-2020\n\nper announcement 2024-1", "Bob <bob@example.org>"))
    (root / "records" / "national").mkdir()
    repo.git.mv("catalog/records/GB-T-9-2020.yaml", "catalog/records/national/GB-T-9-2020.yaml")
    shas.append(commit(repo, "Move national standards", "Alice <alice@example.org>"))
    write_record(
        root,
        "national/GB-T-9-2020.yaml",
        **standard(
            "GB/T 9-2020",
            "公共机构节能",
            status="废止",
            published="2020-01-01",
            effective="2020-06-01",
            abolished="2024-01-01",
            issuer=["国家市场监督管理总局", "国家标准化管理委员会"],
        ),
    )
    shas.append(commit(repo, "Second issuer", "Carol <carol@example.org>"))
    return repo, root, shas


def test_history_json_follows_renames_with_field_changes(scripted: tuple[git.Repo, Path, list[str]]) -> None:
    _, root, shas = scripted
    result = runner.invoke(app, ["history", "GB/T9—2020", str(root), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["code"] == "GB/T 9-2020"
    assert data["path"] == "records/national/GB-T-9-2020.yaml"
    entries = data["entries"]
    assert [e["commit"] for e in entries] == list(reversed(shas))
    assert [e["change"] for e in entries] == ["modified", "renamed", "modified", "added"]
    assert [e["author"] for e in entries] == ["Carol", "Alice", "Bob", "Alice"]
    assert entries[2]["message"] == "Abolish GB/T 9-2020\n\nper announcement 2024-1"
    assert entries[0]["fields"] == [
        {
            "field": "issuer",
            "change": "changed",
            "old": ["国家市场监督管理总局"],
            "new": ["国家市场监督管理总局", "国家标准化管理委员会"],
        }
    ]
    assert entries[1]["renamed_from"] == "records/GB-T-9-2020.yaml" and entries[1]["fields"] == []
    assert {(f["field"], f["change"], f["old"], f["new"]) for f in entries[2]["fields"]} == {
        ("status", "changed", "现行", "废止"),
        ("abolished", "added", None, "2024-01-01"),
    }
    assert entries[3]["fields"][0] == {"field": "code", "change": "added", "old": None, "new": "GB/T 9-2020"}
    assert entries[3]["date"].startswith("20")


def test_history_since_limits_commits(scripted: tuple[git.Repo, Path, list[str]]) -> None:
    _, root, shas = scripted
    found = record_history(load_catalog(root), "GB/T 9-2020", since=shas[1])
    assert [e.commit for e in found.entries] == [shas[3], shas[2]]


def test_history_text_and_uncommitted_changes(scripted: tuple[git.Repo, Path, list[str]]) -> None:
    _, root, shas = scripted
    path = root / "records" / "national" / "GB-T-9-2020.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "note: 待复核\n", encoding="utf-8")
    result = runner.invoke(app, ["history", "GB/T 9-2020", str(root), "--lang", "en"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("GB/T 9-2020  records/national/GB-T-9-2020.yaml")
    assert "working tree (uncommitted)" in out and "+ note: 待复核" in out
    assert "~ status: 现行 → 废止" in out and "+ abolished: 2024-01-01" in out
    assert "Bob <bob@example.org>" in out and "Abolish GB/T 9-2020" in out
    assert "records/GB-T-9-2020.yaml → records/national/GB-T-9-2020.yaml" in out
    assert out.index(shas[3][:10]) < out.index(shas[0][:10])


def test_history_of_deleted_record_is_found_by_file_name(scripted: tuple[git.Repo, Path, list[str]]) -> None:
    repo, root, _ = scripted
    repo.git.rm("catalog/records/GB-T-8-2020.yaml")
    deleted = commit(repo, "Remove GB/T 8-2020")
    found = record_history(load_catalog(root), "GB/T 8-2020")
    assert [e.change for e in found.entries] == ["deleted", "modified", "added"]
    assert found.entries[0].commit == deleted
    assert found.entries[0].fields[0].kind == "removed"


def test_history_errors_exit_2(scripted: tuple[git.Repo, Path, list[str]], tmp_path: Path) -> None:
    _, root, _ = scripted
    unknown = runner.invoke(app, ["history", "GB/T 77-2020", str(root)])
    assert unknown.exit_code == 2 and "Traceback" not in unknown.output
    bad_ref = runner.invoke(app, ["history", "GB/T 9-2020", str(root), "--since", "no-such-ref"])
    assert bad_ref.exit_code == 2


def test_field_changes_nested() -> None:
    old = {"a": 1, "m": {"x": 1, "y": 2}, "gone": True}
    new = {"a": 2, "m": {"x": 1, "z": 3}, "new": [1]}
    assert [(c.field, c.kind) for c in field_changes(old, new)] == [
        ("a", "changed"),
        ("m.y", "removed"),
        ("m.z", "added"),
        ("gone", "removed"),
        ("new", "added"),
    ]


def test_history_in_a_repository_without_a_commit(tmp_path: Path) -> None:
    # `git log HEAD` failed there: a traceback (GitCommandError) and exit 1
    _, root = init_repo(tmp_path)
    write_record(root, "GB-T-9-2020.yaml", **standard("GB/T 9-2020", "公共机构节能", effective="2020-06-01"))
    result = runner.invoke(app, ["history", "GB/T 9-2020", str(root), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "working tree (uncommitted)  [added]" in result.stdout and "+ title: 公共机构节能" in result.stdout
    unknown = runner.invoke(app, ["history", "GB/T 77-2020", str(root), "--lang", "en"])
    assert unknown.exit_code == 2 and "is neither in the catalog nor in its git history" in unknown.stderr
    # and a revision there is not something to fetch (the advice was `git fetch origin HEAD`)
    since = runner.invoke(app, ["lint", str(root), "--changed-since", "HEAD", "--lang", "en"])
    assert since.exit_code == 2 and "revision HEAD not found: the current branch has no commit yet" in since.stderr


def test_history_in_a_shallow_clone_says_the_oldest_entry_may_not_be_the_first(
    scripted: tuple[git.Repo, Path, list[str]], tmp_path: Path
) -> None:
    repo, _, shas = scripted
    clone = git.Repo.clone_from(f"file://{repo.working_tree_dir}", tmp_path / "shallow", depth=1)
    root = Path(str(clone.working_tree_dir)) / "catalog"
    found = record_history(load_catalog(root), "GB/T 9-2020")
    assert found.shallow and [e.commit for e in found.entries] == [shas[3]]  # made in shas[0], not seen here
    result = runner.invoke(app, ["history", "GB/T 9-2020", str(root), "--lang", "en", "--format", "json"])
    assert json.loads(result.stdout)["shallow"] is True
    text = runner.invoke(app, ["history", "GB/T 9-2020", str(root), "--lang", "en"]).stdout
    assert "note: a shallow clone; earlier commits were not fetched" in text
    assert not record_history(load_catalog(Path(str(repo.working_tree_dir)) / "catalog"), "GB/T 9-2020").shallow


def test_an_author_and_message_written_in_gbk_read_as_chinese(tmp_path: Path) -> None:
    # a Chinese Windows git that did not record its encoding stores GBK bytes: shown as replacement characters
    repo, root = init_repo(tmp_path)
    write_record(root, "GB-T-9-2020.yaml", **standard("GB/T 9-2020", "公共机构节能", effective="2020-06-01"))
    commit(repo, "first")
    tree = repo.head.commit.tree.hexsha
    raw = (f"tree {tree}\n".encode() + "author 张三 <a@b> 1795799429 +0000\n".encode("gbk")
           + b"committer x <y> 1795799429 +0000\n\n" + "初始提交\n".encode("gbk"))
    sha = _hash_commit(repo, raw)
    repo.git.update_ref("HEAD", sha)
    found = record_history(load_catalog(root), "GB/T 9-2020")
    assert (found.entries[0].author, found.entries[0].message.strip()) == ("张三", "初始提交")


def _hash_commit(repo: git.Repo, raw: bytes) -> str:
    done = subprocess.run(["git", "hash-object", "-t", "commit", "-w", "--stdin"], input=raw, capture_output=True,
                          cwd=repo.working_tree_dir, check=True)
    return done.stdout.decode().strip()


def test_a_value_set_in_a_merge_is_in_the_history_and_a_plain_merge_is_not(tmp_path: Path) -> None:
    # A title settled while resolving a merge conflict appeared nowhere: the newest entry showed the main line's
    # title as the current one.
    repo, root = init_repo(tmp_path)
    write_record(root, "DB41-T-1-2020.yaml", **standard("DB41/T 1-2020", "原标题"))
    write_record(root, "DB41-T-2-2020.yaml", **standard("DB41/T 2-2020", "另一标准"))
    commit(repo, "base")
    main = repo.active_branch.name
    repo.git.checkout("-b", "side")
    write_record(root, "DB41-T-1-2020.yaml", **standard("DB41/T 1-2020", "分支标题"))
    write_record(root, "DB41-T-2-2020.yaml", **standard("DB41/T 2-2020", "另一标准（修订）"))
    commit(repo, "side")
    repo.git.checkout(main)
    write_record(root, "DB41-T-1-2020.yaml", **standard("DB41/T 1-2020", "主线标题"))
    commit(repo, "main")
    with pytest.raises(git.GitCommandError):
        repo.git.merge("side")  # a conflict on the first record; the second merges cleanly from side
    write_record(root, "DB41-T-1-2020.yaml", **standard("DB41/T 1-2020", "合并时定的标题"))
    commit(repo, "merge side")
    catalog = load_catalog(root)
    first = record_history(catalog, "DB41/T 1-2020")
    newest = first.entries[0]
    assert newest.message.strip() == "merge side"
    assert [(c.field, c.old, c.new) for c in newest.fields] == [("title", "主线标题", "合并时定的标题")]
    second = record_history(catalog, "DB41/T 2-2020")
    assert [e.message.strip() for e in second.entries] == ["side", "base"]  # the merge took side's file as it was


# a plain mv to a new name, not staged, leaves an untracked file that git pairs with nothing: it showed as "added"
# (a new record) until the file gone from the working tree that held the same code was taken as where it came from
@pytest.mark.parametrize(("to", "staged"), [("local/GB-T-9-2020.yaml", False), ("local/GB-T-9-2020.yaml", True),
                                            ("local/gbt9.yaml", True), ("local/gbt9.yaml", False)])
def test_an_uncommitted_move_keeps_the_committed_history(
    scripted: tuple[git.Repo, Path, list[str]], to: str, staged: bool
) -> None:
    # moving the file (to another directory, or staged under another name) showed one "added" entry and none
    # of the commits before: the history stopped at a move that was not committed yet
    repo, root, shas = scripted
    (root / "records" / "local").mkdir()
    old, new = root / "records" / "national" / "GB-T-9-2020.yaml", root / "records" / to
    new.write_text(old.read_text(encoding="utf-8") + "note: 改归地方\n", encoding="utf-8")
    old.unlink()
    if staged:
        repo.git.add("-A")
    result = runner.invoke(app, ["history", "GB/T 9-2020", str(root), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["path"] == f"records/{to}"
    working, *committed = data["entries"]
    assert (working["commit"], working["change"]) == (None, "renamed")
    assert (working["renamed_from"], working["path"]) == ("records/national/GB-T-9-2020.yaml", f"records/{to}")
    assert working["fields"] == [{"field": "note", "change": "added", "old": None, "new": "改归地方"}]
    assert [e["commit"] for e in committed] == list(reversed(shas))


def test_an_unstaged_move_that_rewrote_the_file_is_a_move_and_a_new_record_is_not(
    scripted: tuple[git.Repo, Path, list[str]],
) -> None:
    # git's similarity would not pair these two files either way; the record's code does
    _, root, shas = scripted
    old = root / "records" / "national" / "GB-T-9-2020.yaml"
    old.unlink()
    write_record(root, "gbt9.yaml", **standard("GB/T 9-2020", "公共机构节能降碳", status="现行", replaced_by="GB/T 10-2025"))
    write_record(root, "GB-T-10-2025.yaml", **standard("GB/T 10-2025", "公共机构节能降碳"))
    catalog = load_catalog(root)
    moved = record_history(catalog, "GB/T 9-2020")
    assert (moved.entries[0].change, moved.entries[0].renamed_from) == ("renamed", "records/national/GB-T-9-2020.yaml")
    assert [e.commit for e in moved.entries[1:]] == list(reversed(shas))
    new = record_history(catalog, "GB/T 10-2025")
    assert [(e.commit, e.change, e.renamed_from) for e in new.entries] == [(None, "added", None)]


@pytest.mark.parametrize("committed", [True, False])
def test_a_deleted_record_under_another_file_name_is_found_by_its_code(tmp_path: Path, committed: bool) -> None:
    # a record committed as records/national/x.yaml, then deleted, was "neither in the catalog nor in its git
    # history": deleted records were looked up by their canonical file name only
    repo, root = init_repo(tmp_path)
    write_record(root, "national/x.yaml", **standard("GB/T 41568-2022", "甲", effective="2022-10-01"))
    write_record(root, "national/y.yaml", **standard("GB/T 41569-2022", "乙", effective="2022-10-01"))
    added = commit(repo, "Add GB/T 41568-2022 as x.yaml")
    write_record(root, "national/x.yaml", **standard("GB/T 41568-2022", "甲（改）", effective="2022-10-01"))
    changed = commit(repo, "Retitle")
    (root / "records" / "national" / "x.yaml").unlink()
    (root / "records" / "national" / "y.yaml").unlink()  # another code's file, deleted after
    deleted = commit(repo, "Remove both") if committed else None
    result = runner.invoke(app, ["history", "GB/T41568-2022", str(root), "--format", "json", "--lang", "en"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["path"] == "records/national/x.yaml"
    assert [(e["commit"], e["change"]) for e in data["entries"]] == [
        (deleted, "deleted"), (changed, "modified"), (added, "added")
    ]
    other = runner.invoke(app, ["history", "GB/T 41570-2022", str(root), "--lang", "en"])
    assert other.exit_code == 2 and "GB/T 41570-2022 is neither in the catalog nor in its git history" in other.output


def _withdrawn_in_a_merge(tmp_path: Path, side: str, main: str) -> tuple[Path, dict[str, str]]:
    """A record edited or withdrawn (``side`` and ``main``: "edit" or "delete") on a side branch and on the
    mainline, their conflict resolved by deleting it in the merge; the commits by name."""
    repo, root = init_repo(tmp_path)
    write_record(root, "DB41-T-1-2020.yaml", **standard("DB41/T 1-2020", "原标题"))
    write_record(root, "DB41-T-2-2020.yaml", **standard("DB41/T 2-2020", "另一标准"))
    commits = {"base": commit(repo, "base")}
    mainline = repo.active_branch.name

    def act(how: str, title: str) -> None:
        if how == "delete":
            repo.git.rm("catalog/records/DB41-T-1-2020.yaml")
        else:
            write_record(root, "DB41-T-1-2020.yaml", **standard("DB41/T 1-2020", title))

    repo.git.checkout("-b", "side")
    act(side, "分支标题")
    commits["side"] = commit(repo, "side")
    repo.git.checkout(mainline)
    act(main, "主线标题")
    commits["main"] = commit(repo, "main")
    with pytest.raises(git.GitCommandError):
        repo.git.merge("side")
    repo.git.rm("catalog/records/DB41-T-1-2020.yaml")
    commits["merge"] = commit(repo, "merge side, withdraw DB41/T 1-2020")
    return root, commits


def _entries(root: Path) -> list[dict[str, Any]]:
    result = runner.invoke(app, ["history", "DB41/T 1-2020", str(root), "--format", "json", "--lang", "en"])
    assert result.exit_code == 0, result.output
    entries: list[dict[str, Any]] = json.loads(result.stdout)["entries"]
    return entries


def test_a_record_deleted_only_in_a_merge_has_its_history(tmp_path: Path) -> None:
    # A conflict resolved by deleting the file deletes it in the merge commit alone, and `git log` shows no diff
    # for a merge unless asked (-m): the record was "neither in the catalog nor in its git history" (exit 2).
    root, commits = _withdrawn_in_a_merge(tmp_path, side="edit", main="edit")
    entries = _entries(root)
    assert (entries[0]["commit"], entries[0]["change"]) == (commits["merge"], "deleted")
    assert {"field": "title", "change": "removed", "old": "主线标题", "new": None} in entries[0]["fields"]
    assert {e["commit"] for e in entries[1:]} == {commits["main"], commits["side"], commits["base"]}
    assert len(entries) == 4


def test_a_modify_delete_merge_that_keeps_the_deletion_is_the_newest_entry(tmp_path: Path) -> None:
    # One branch withdrew the record, the mainline edited it; the merge kept the deletion. The merge took the
    # side's file (none) as it was, so it was left out, and the newest entry read "modified" for a record that
    # is gone.
    root, commits = _withdrawn_in_a_merge(tmp_path / "side", side="delete", main="edit")
    entries = _entries(root)
    assert (entries[0]["commit"], entries[0]["change"]) == (commits["merge"], "deleted")
    assert {"field": "title", "change": "removed", "old": "主线标题", "new": None} in entries[0]["fields"]
    assert {e["commit"] for e in entries[1:]} == {commits["main"], commits["side"], commits["base"]}
    assert len(entries) == 4
    # a merge that kept the mainline's own deletion over a side's edit adds nothing: the deletion is shown once
    root, commits = _withdrawn_in_a_merge(tmp_path / "main", side="edit", main="delete")
    changes = [(e["commit"], e["change"]) for e in _entries(root)]
    assert changes[0] == (commits["main"], "deleted") and [c for _, c in changes].count("deleted") == 1


@pytest.mark.parametrize("staged", [False, True])
def test_a_moved_and_renumbered_record_is_a_rename_under_both_codes(
    scripted: tuple[git.Repo, Path, list[str]], staged: bool
) -> None:
    # `mv` to a new name with the code changed in the file: the new code showed one "added" entry (no rename,
    # none of the commits) and the old code showed the record "deleted", with nothing saying where it went
    repo, root, shas = scripted
    old, new = root / "records" / "national" / "GB-T-9-2020.yaml", root / "records" / "national" / "GB-T-9-2021.yaml"
    new.write_text(old.read_text(encoding="utf-8").replace("GB/T 9-2020", "GB/T 9-2021"), encoding="utf-8")
    old.unlink()
    if staged:
        repo.git.add("-A")
    git_dir = Path(repo.git_dir)
    index, objects = (git_dir / "index").read_bytes(), sorted((git_dir / "objects").rglob("*"))
    status = repo.git.status("--porcelain")
    rename = ("records/national/GB-T-9-2020.yaml", "records/national/GB-T-9-2021.yaml")
    code_change = [{"field": "code", "change": "changed", "old": "GB/T 9-2020", "new": "GB/T 9-2021"}]
    for code, path in (("GB/T 9-2021", rename[1]), ("GB/T 9-2020", rename[0])):
        result = runner.invoke(app, ["history", code, str(root), "--format", "json", "--lang", "en"])
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        assert (data["code"], data["path"]) == (code, path)
        working, *committed = data["entries"]
        assert (working["commit"], working["change"]) == (None, "renamed")
        assert (working["renamed_from"], working["path"]) == rename
        assert working["fields"] == code_change
        assert [e["commit"] for e in committed] == list(reversed(shas))
    text = runner.invoke(app, ["history", "GB/T 9-2020", str(root), "--lang", "en"]).stdout
    assert "working tree (uncommitted)  [renamed]" in text and f"    {rename[0]} → {rename[1]}" in text
    assert "    ~ code: GB/T 9-2020 → GB/T 9-2021" in text
    # history only reads: the index, the objects and what git status says are as they were
    assert (git_dir / "index").read_bytes() == index and sorted((git_dir / "objects").rglob("*")) == objects
    assert repo.git.status("--porcelain") == status


def test_a_renumbered_file_is_not_taken_for_a_record_moved_elsewhere(
    scripted: tuple[git.Repo, Path, list[str]],
) -> None:
    # the old file's code is in the catalog again under another name: that is where the record went, even though
    # git pairs the old file with the renumbered one by similarity (the other is rewritten)
    _, root, shas = scripted
    old = root / "records" / "national" / "GB-T-9-2020.yaml"
    (root / "records" / "national" / "GB-T-9-2021.yaml").write_text(
        old.read_text(encoding="utf-8").replace("GB/T 9-2020", "GB/T 9-2021"), encoding="utf-8"
    )
    write_record(root, "gbt9.yaml", **standard("GB/T 9-2020", "公共机构节能降碳", replaced_by="GB/T 10-2025"))
    old.unlink()
    catalog = load_catalog(root)
    moved = record_history(catalog, "GB/T 9-2020")
    assert (moved.path, moved.entries[0].renamed_from) == ("records/gbt9.yaml", "records/national/GB-T-9-2020.yaml")
    assert [e.commit for e in moved.entries[1:]] == list(reversed(shas))
    new = record_history(catalog, "GB/T 9-2021")
    assert [(e.commit, e.change, e.renamed_from) for e in new.entries] == [(None, "added", None)]


def _renumber(repo: git.Repo, root: Path, old: str, new: str, code: str, to: str, how: str = "git mv") -> str:
    """Commit the record file ``old`` renamed to ``new`` (under records/) with its code ``code`` changed to
    ``to``: by ``git mv``, or by a plain mv and ``git add -A`` (git pairs the two files)."""
    records = root / "records"
    if how == "git mv":
        repo.git.mv(str(records / old), str(records / new))
    else:
        (records / old).rename(records / new)
    (records / new).write_text((records / new).read_text(encoding="utf-8").replace(code, to), encoding="utf-8")
    return commit(repo, f"Renumber {code} as {to}")


def _history(root: Path, code: str) -> dict[str, Any]:
    result = runner.invoke(app, ["history", code, str(root), "--format", "json", "--lang", "en"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


@pytest.mark.parametrize("how", ["git mv", "mv and add"])
def test_a_committed_renumbering_is_found_under_the_old_code(
    scripted: tuple[git.Repo, Path, list[str]], how: str
) -> None:
    # the old number (as an old bulletin prints it) was "neither in the catalog nor in its git history", exit 2:
    # deleted records were looked up among deletions only, and git reports this commit as a rename
    repo, root, shas = scripted
    old, new = "records/national/GB-T-9-2020.yaml", "records/national/GB-T-9-2021.yaml"
    renumbered = _renumber(repo, root, "national/GB-T-9-2020.yaml", "national/GB-T-9-2021.yaml",
                           "GB/T 9-2020", "GB/T 9-2021", how)
    data = _history(root, "GB/T 9-2020")
    assert (data["code"], data["path"]) == ("GB/T 9-2020", old)
    first, *before = data["entries"]
    assert (first["commit"], first["change"], first["renamed_from"], first["path"]) == (
        renumbered, "renamed", old, new
    )
    assert first["fields"] == [{"field": "code", "change": "changed", "old": "GB/T 9-2020", "new": "GB/T 9-2021"}]
    assert [e["commit"] for e in before] == list(reversed(shas))
    assert data["became"] == {"code": "GB/T 9-2021", "path": new, "in_catalog": True, "deleted_in": None,
                              "steps": [{"commit": renumbered, "path": new, "code": "GB/T 9-2021"}]}
    text = runner.invoke(app, ["history", "GB/T 9-2020", str(root), "--lang", "en"])
    assert text.exit_code == 0, text.output
    assert text.stdout.startswith(
        f"GB/T 9-2020  {old}\n  renumbered: GB/T 9-2020 → GB/T 9-2021, now {new} (gbstd history \"GB/T 9-2021\")\n"
    )
    assert f"    {old} → {new}\n    ~ code: GB/T 9-2020 → GB/T 9-2021\n" in text.stdout
    zh = runner.invoke(app, ["history", "GB/T 9-2020", str(root)]).stdout
    assert f"  已改号：GB/T 9-2020 → GB/T 9-2021，现为 {new}（gbstd history \"GB/T 9-2021\"）\n" in zh
    # the new code's history is as it was: the rename, then the old number's commits; nothing to point to
    now = _history(root, "GB/T 9-2021")
    assert [e["commit"] for e in now["entries"]] == [renumbered, *reversed(shas)] and now["became"] is None
    # a code never used is still unknown
    unknown = runner.invoke(app, ["history", "GB/T 9-2019", str(root), "--lang", "en"])
    assert unknown.exit_code == 2 and "GB/T 9-2019 is neither in the catalog nor in its git history" in unknown.stderr


def test_a_record_renumbered_twice_says_each_number_and_where_it_is_now(
    scripted: tuple[git.Repo, Path, list[str]],
) -> None:
    # A → B → C: A's history ends at its renumbering to B (that commit's entry) and says it is C now, where
    repo, root, shas = scripted
    to_b = _renumber(repo, root, "national/GB-T-9-2020.yaml", "national/GB-T-9-2021.yaml", "GB/T 9-2020",
                     "GB/T 9-2021")
    (root / "records" / "local").mkdir()
    to_c = _renumber(repo, root, "national/GB-T-9-2021.yaml", "local/DB41-T-9-2022.yaml", "GB/T 9-2021",
                     "DB41/T 9-2022", "mv and add")
    a = _history(root, "GB/T 9-2020")
    assert [(e["commit"], e["change"]) for e in a["entries"]][:2] == [(to_b, "renamed"), (shas[3], "modified")]
    assert a["entries"][0]["path"] == "records/national/GB-T-9-2021.yaml"
    assert a["became"]["code"] == "DB41/T 9-2022" and a["became"]["path"] == "records/local/DB41-T-9-2022.yaml"
    assert [(s["commit"], s["code"]) for s in a["became"]["steps"]] == [(to_b, "GB/T 9-2021"), (to_c, "DB41/T 9-2022")]
    text = runner.invoke(app, ["history", "GB/T 9-2020", str(root), "--lang", "en"]).stdout
    assert ("  renumbered: GB/T 9-2020 → GB/T 9-2021 → DB41/T 9-2022, now records/local/DB41-T-9-2022.yaml "
            "(gbstd history \"DB41/T 9-2022\")\n") in text
    # B, in between: its renumbering to C, then A's renumbering to B and A's commits
    b = _history(root, "GB/T 9-2021")
    assert [e["commit"] for e in b["entries"]] == [to_c, to_b, *reversed(shas)]
    assert (b["entries"][0]["renamed_from"], b["entries"][0]["path"]) == (
        "records/national/GB-T-9-2021.yaml", "records/local/DB41-T-9-2022.yaml"
    )
    assert [s["commit"] for s in b["became"]["steps"]] == [to_c]
    assert [e["commit"] for e in _history(root, "DB41/T 9-2022")["entries"]] == [to_c, to_b, *reversed(shas)]


def test_a_renumbered_record_deleted_later_says_so(scripted: tuple[git.Repo, Path, list[str]]) -> None:
    repo, root, _ = scripted
    renumbered = _renumber(repo, root, "national/GB-T-9-2020.yaml", "national/GB-T-9-2021.yaml", "GB/T 9-2020",
                           "GB/T 9-2021")
    repo.git.rm(str(root / "records" / "national" / "GB-T-9-2021.yaml"))
    withdrawn = commit(repo, "Withdraw GB/T 9-2021")
    data = _history(root, "GB/T 9-2020")
    assert (data["entries"][0]["commit"], data["entries"][0]["change"]) == (renumbered, "renamed")
    assert data["became"] == {
        "code": "GB/T 9-2021", "path": "records/national/GB-T-9-2021.yaml", "in_catalog": False,
        "deleted_in": withdrawn,
        "steps": [{"commit": renumbered, "path": "records/national/GB-T-9-2021.yaml", "code": "GB/T 9-2021"}],
    }
    text = runner.invoke(app, ["history", "GB/T 9-2020", str(root), "--lang", "en"]).stdout
    assert (f"  renumbered: GB/T 9-2020 → GB/T 9-2021, records/national/GB-T-9-2021.yaml deleted later in "
            f"{withdrawn[:10]}\n") in text


def test_an_old_code_reused_by_another_record_shows_the_renumbering_not_a_deletion(
    scripted: tuple[git.Repo, Path, list[str]],
) -> None:
    # the number went to a new record in the same file name: its history went on into the old record's, whose
    # renumbering read as "deleted", saying nothing of where it went
    repo, root, shas = scripted
    renumbered = _renumber(repo, root, "national/GB-T-9-2020.yaml", "national/GB-T-9-2021.yaml", "GB/T 9-2020",
                           "GB/T 9-2021")
    write_record(root, "national/GB-T-9-2020.yaml", **standard("GB/T 9-2020", "另一项标准", effective="2025-01-01"))
    reused = commit(repo, "GB/T 9-2020 for another standard")
    data = _history(root, "GB/T 9-2020")
    assert data["path"] == "records/national/GB-T-9-2020.yaml" and data["became"] is None
    entries = data["entries"]
    assert [(e["commit"], e["change"]) for e in entries[:2]] == [(reused, "added"), (renumbered, "renamed")]
    assert (entries[1]["renamed_from"], entries[1]["path"]) == (
        "records/national/GB-T-9-2020.yaml", "records/national/GB-T-9-2021.yaml"
    )
    assert entries[1]["fields"] == [{"field": "code", "change": "changed", "old": "GB/T 9-2020", "new": "GB/T 9-2021"}]
    assert [e["commit"] for e in entries[2:]] == list(reversed(shas))
    assert [e["commit"] for e in _history(root, "GB/T 9-2021")["entries"]] == [renumbered, *reversed(shas)]


@pytest.mark.parametrize("how", ["delete", "renumber"])
def test_a_branch_merged_cleanly_shows_its_deletion_or_renumbering_once(tmp_path: Path, how: str) -> None:
    # the merge of a branch that withdrew (or renumbered) the record, the mainline having left the file alone,
    # showed the change twice: as the merge's entry, newest, then as the branch's own commit
    repo, root = init_repo(tmp_path)
    write_record(root, "DB41-T-1-2020.yaml", **standard("DB41/T 1-2020", "原标题"))
    write_record(root, "DB41-T-2-2020.yaml", **standard("DB41/T 2-2020", "另一标准"))
    base = commit(repo, "base")
    mainline = repo.active_branch.name
    repo.git.checkout("-b", "side")
    if how == "delete":
        repo.git.rm("catalog/records/DB41-T-1-2020.yaml")
        side = commit(repo, "withdraw")
    else:
        side = _renumber(repo, root, "DB41-T-1-2020.yaml", "DB41-T-1-2021.yaml", "DB41/T 1-2020", "DB41/T 1-2021")
    repo.git.checkout(mainline)
    write_record(root, "DB41-T-2-2020.yaml", **standard("DB41/T 2-2020", "另一标准（修订）"))
    commit(repo, "main")
    repo.git.merge("side", "--no-edit")
    entries = _entries(root)
    assert [(e["commit"], e["change"]) for e in entries] == [
        (side, "deleted" if how == "delete" else "renamed"), (base, "added")
    ]


def test_a_record_file_named_with_glob_characters_has_its_own_history_only(tmp_path: Path) -> None:
    # its name went to `git log --follow` as a pattern: records/x[12].yaml matched records/x1.yaml, and the
    # history listed the other record's commits as this one's
    repo, root = init_repo(tmp_path)
    write_record(root, "x[12].yaml", **standard("GB/T 9-2020", "公共机构节能", effective="2020-06-01"))
    mine = commit(repo, "Add GB/T 9-2020")
    write_record(root, "x1.yaml", **standard("GB/T 8-2020", "其他", effective="2020-06-01"))
    commit(repo, "Add GB/T 8-2020")
    write_record(root, "x1.yaml", **standard("GB/T 8-2020", "其他（改）", effective="2020-06-01"))
    commit(repo, "Retitle GB/T 8-2020")
    found = record_history(load_catalog(root), "GB/T 9-2020")
    assert found.path == "records/x[12].yaml"
    assert [(e.commit, e.change) for e in found.entries] == [(mine, "added")]
