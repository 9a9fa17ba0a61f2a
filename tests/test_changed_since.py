"""`lint --changed-since` and the git-aware rules G001-G004, on scripted git histories."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import git
import pytest
from typer.testing import CliRunner

from gbstd.catalog.loader import load_catalog
from gbstd.cli.app import app
from gbstd.gitrepo import build_baseline
from tests.git_catalog import commit, init_repo, standard, write_record

runner = CliRunner()
AS_OF = "2025-06-01"


def lint_json(root: Path, *args: str) -> tuple[int, list[dict[str, object]]]:
    # The review clock (R rules) is not what these tests are about: its findings depend on the records' ages.
    result = runner.invoke(
        app, ["lint", str(root), "--format", "json", "--as-of", AS_OF, "--lang", "en", "--ignore", "R", *args]
    )
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


@pytest.fixture
def history(tmp_path: Path) -> tuple[git.Repo, Path, str]:
    """Four records committed; returns the repository, the catalog root and the base commit."""
    repo, root = init_repo(tmp_path)
    write_record(
        root,
        "GB-T-1-2020.yaml",
        **standard("GB/T 1-2020", "机关事务 术语", published="2020-01-01", effective="2020-06-01"),
    )
    write_record(
        root,
        "GB-T-2-2019.yaml",
        **standard(
            "GB/T 2-2019", "公务用车 配备", status="废止", effective="2019-05-01", abolished="2023-01-01"
        ),
    )
    write_record(
        root,
        "GB-T-3-2024.yaml",
        **standard(
            "GB/T 3-2024", "物业服务 规范", status="即将实施", published="2024-05-01", effective="2026-01-01"
        ),
    )
    write_record(root, "GB-T-4-2021.yaml", **standard("GB/T 4-2021", "机关食堂 服务", effective="2021-09-01"))
    base = commit(repo, "base catalog")
    return repo, root, base


def err(result: object) -> str:
    """stderr with the console's line wrapping undone."""
    return " ".join(str(getattr(result, "stderr", "")).split())


def rules_by_path(findings: list[dict[str, object]]) -> dict[str, set[object]]:
    out: dict[str, set[object]] = {}
    for f in findings:
        out.setdefault(str(f["path"]), set()).add(f["rule"])
    return out


def test_baseline_sees_added_modified_renamed_deleted_and_untracked(
    history: tuple[git.Repo, Path, str],
) -> None:
    repo, root, base = history
    write_record(
        root,
        "GB-T-1-2020.yaml",
        **standard("GB/T 1-2020", "机关事务 术语（修改）", published="2020-01-01", effective="2020-06-01"),
    )
    (root / "records" / "sub").mkdir()
    repo.git.mv("catalog/records/GB-T-4-2021.yaml", "catalog/records/sub/GB-T-4-2021.yaml")
    (root / "records" / "GB-T-2-2019.yaml").unlink()
    write_record(root, "GB-T-5-2022.yaml", **standard("GB/T 5-2022", "会议服务", effective="2022-01-01"))
    baseline = build_baseline(load_catalog(root), "HEAD")
    assert baseline.commit == base
    assert baseline.modified == {"records/GB-T-1-2020.yaml"}
    assert baseline.renamed == {"records/sub/GB-T-4-2021.yaml": "records/GB-T-4-2021.yaml"}
    assert baseline.deleted == {"records/GB-T-2-2019.yaml"}
    assert baseline.added == {"records/GB-T-5-2022.yaml"}  # untracked, not yet `git add`ed
    assert baseline.before("records/sub/GB-T-4-2021.yaml").key == "GB/T 4-2021"


def test_changed_since_reports_only_changed_records_but_rules_see_everything(
    history: tuple[git.Repo, Path, str],
) -> None:
    repo, root, _ = history
    # Unchanged files with findings must stay silent; a new record duplicating an unchanged code is caught
    # (C008 needs the whole catalog) but reported only on the new file.
    write_record(root, "GB-T-4-2021.yaml", **standard("GB/T4-2021", "机关食堂 服务", effective="2021-09-01"))
    commit(repo, "unchanged-later spelling finding")
    base = repo.head.commit.hexsha
    write_record(
        root,
        "dup/GB-T-1-2020.yaml",
        **standard("GB/T 1-2020", "副本", published="2020-01-01", effective="2020-06-01"),
    )
    code, all_findings = lint_json(root)
    assert "records/GB-T-4-2021.yaml" in rules_by_path(all_findings)
    code, findings = lint_json(root, "--changed-since", base)
    assert code == 1
    # The unchanged file's older finding (C017) stays silent; the duplicate code the change brought is reported
    # in both files, as a full lint reports it.
    assert rules_by_path(findings) == {"records/dup/GB-T-1-2020.yaml": {"C008"}, "records/GB-T-1-2020.yaml": {"C008"}}


def test_what_the_change_brought_to_unchanged_files_is_reported(history: tuple[git.Repo, Path, str]) -> None:
    repo, root, _ = history
    # An edition pair and a standard citing GB/T 4-2021, committed clean.
    write_record(root, "GB-T-5-2018.yaml", **standard("GB/T 5-2018", "公务用车 标识", status="废止",
                                                        effective="2018-03-01", abolished="2023-01-01",
                                                        replaced_by=["GB/T 5-2023"]))
    write_record(root, "GB-T-5-2023.yaml", **standard("GB/T 5-2023", "公务用车 标识", effective="2023-01-01",
                                                        replaces=["GB/T 5-2018"]))
    write_record(root, "GB-T-6-2022.yaml", **standard("GB/T6-2022", "机关食堂 管理", effective="2022-01-01",
                                                        references=["GB/T 4-2021"]))  # C017: an older finding
    base = commit(repo, "editions and a citation")
    assert lint_json(root, "--changed-since", base) == (0, [])
    # The new edition no longer lists the old one: C011 is reported on the old edition, which is unchanged.
    write_record(root, "GB-T-5-2023.yaml", **standard("GB/T 5-2023", "公务用车 标识", effective="2023-01-01"))
    code, findings = lint_json(root, "--changed-since", base, "--select", "C011")
    assert code == 1
    assert [(f["rule"], f["path"]) for f in findings] == [("C011", "records/GB-T-5-2018.yaml")]
    # Abolishing the cited standard: its citer, unchanged, now cites an abolished standard (C014).
    write_record(root, "GB-T-5-2023.yaml", **standard("GB/T 5-2023", "公务用车 标识", effective="2023-01-01",
                                                        replaces=["GB/T 5-2018"]))
    write_record(root, "GB-T-4-2021.yaml", **standard("GB/T 4-2021", "机关食堂 服务", status="废止",
                                                        effective="2021-09-01", abolished="2025-01-01"))
    _, findings = lint_json(root, "--changed-since", base)
    assert [(f["rule"], f["path"]) for f in findings] == [("C014", "records/GB-T-6-2022.yaml")]  # not its C017
    # Only paths the user named are reported on: the citer's finding is outside records/GB-T-4-2021.yaml.
    _, findings = lint_json(root / "records" / "GB-T-4-2021.yaml", "--changed-since", base, "--select", "C014")
    assert findings == []


def test_a_change_to_the_system_file_reports_on_every_file(history: tuple[git.Repo, Path, str]) -> None:
    repo, root, _ = history
    (root / "system.yaml").write_text(
        'name: 体系\nmodules:\n  - id: "101"\n    name: 基础通用\n', encoding="utf-8"
    )
    for path in sorted((root / "records").glob("*.yaml")):
        path.write_text(path.read_text(encoding="utf-8") + 'module: "101"\n', encoding="utf-8")
    (root / "gbstd.toml").write_text(
        (root / "gbstd.toml").read_text(encoding="utf-8").replace('records = "records"', 'records = "records"\nsystem = "system.yaml"'),
        encoding="utf-8",
    )
    base = commit(repo, "a system")
    assert lint_json(root, "--changed-since", base, "--select", "C016") == (0, [])
    # Renumbering the module leaves every record, unchanged, in a module the system no longer has.
    (root / "system.yaml").write_text(
        'name: 体系\nmodules:\n  - id: "109"\n    name: 基础通用\n', encoding="utf-8"
    )
    code, findings = lint_json(root, "--changed-since", base, "--select", "C016")
    assert code == 1
    assert sorted(str(f["path"]) for f in findings) == [f"records/GB-T-{n}.yaml" for n in ("1-2020", "2-2019", "3-2024", "4-2021")]


def test_changed_since_clean_change_exits_zero(history: tuple[git.Repo, Path, str]) -> None:
    _, root, _ = history
    write_record(
        root, "GB-T-4-2021.yaml", **standard("GB/T 4-2021", "机关食堂 服务规范", effective="2021-09-01")
    )
    assert lint_json(root, "--changed-since", "HEAD") == (0, [])


def test_config_change_reports_on_every_file(history: tuple[git.Repo, Path, str]) -> None:
    repo, root, _ = history
    write_record(root, "GB-T-4-2021.yaml", **standard("GB/T4-2021", "机关食堂 服务", effective="2021-09-01"))
    commit(repo, "spelling")
    (root / "gbstd.toml").write_text(
        '[catalog]\nrecords = "records"\n\n[lint]\nignore = ["C016"]\n', encoding="utf-8"
    )
    _, findings = lint_json(root, "--changed-since", "HEAD")
    assert "records/GB-T-4-2021.yaml" in rules_by_path(findings)


def test_g001_deleted_record(history: tuple[git.Repo, Path, str]) -> None:
    repo, root, _ = history
    repo.git.rm("catalog/records/GB-T-2-2019.yaml")
    code, findings = lint_json(root, "--changed-since", "HEAD")
    assert code == 1
    [finding] = findings
    assert finding["rule"] == "G001" and finding["path"] == "records/GB-T-2-2019.yaml"
    assert (finding["line"], finding["column"]) == (1, 1)
    assert finding["record"] == "GB/T 2-2019"
    # Without --changed-since the git-aware rules do not run at all.
    assert lint_json(root) == (0, [])


def test_g001_moved_or_merged_record_is_fine(history: tuple[git.Repo, Path, str]) -> None:
    _, root, _ = history
    old = root / "records" / "GB-T-2-2019.yaml"
    text = old.read_text(encoding="utf-8")
    old.unlink()  # moved by hand (no `git mv`): git sees a deletion and an untracked file
    (root / "records" / "national").mkdir()
    (root / "records" / "national" / "GB-T-2-2019.yaml").write_text(text, encoding="utf-8")
    code, findings = lint_json(root, "--changed-since", "HEAD")
    assert [f["rule"] for f in findings] == [] and code == 0


def test_a_record_moved_and_rewritten_past_gits_rename_detection_is_still_compared(
    history: tuple[git.Repo, Path, str],
) -> None:
    # Moved into another directory and rewritten by more than half: git pairs no rename, so the record was a
    # deletion and an addition, and its status going back from abolished to in force (G003) went unreported.
    _, root, _ = history
    (root / "records" / "GB-T-2-2019.yaml").unlink()
    write_record(root, "national/GB-T-2-2019.yaml", **standard(
        "GB/T 2-2019", "党政机关公务用车配备使用管理规范（修订稿，征求意见后完善）", effective="2019-05-01",
        published="2019-01-15", scope="本文件规定了党政机关公务用车的配备标准、使用管理、维修保养和处置要求。",
    ))
    baseline = build_baseline(load_catalog(root), "HEAD")
    assert baseline.renamed == {"records/national/GB-T-2-2019.yaml": "records/GB-T-2-2019.yaml"}
    assert not baseline.deleted and not baseline.added
    _, findings = lint_json(root, "--changed-since", "HEAD", "--select", "G")
    assert [(f["rule"], f["path"]) for f in findings] == [("G003", "records/national/GB-T-2-2019.yaml")]


def test_g002_code_changed_in_place(history: tuple[git.Repo, Path, str]) -> None:
    _, root, _ = history
    write_record(root, "GB-T-4-2021.yaml", **standard("GB/T 4-2024", "机关食堂 服务", effective="2024-09-01"))
    _, findings = lint_json(root, "--changed-since", "HEAD", "--select", "G")
    [finding] = findings
    assert finding["rule"] == "G002" and "GB/T 4-2021" in str(finding["message"])
    assert finding["line"] == 1  # points at the code's value


def test_g002_spelling_fix_is_not_a_code_change(history: tuple[git.Repo, Path, str]) -> None:
    repo, root, _ = history
    write_record(root, "GB-T-4-2021.yaml", **standard("GB/T4—2021", "机关食堂 服务", effective="2021-09-01"))
    commit(repo, "odd spelling")
    write_record(root, "GB-T-4-2021.yaml", **standard("GB/T 4-2021", "机关食堂 服务", effective="2021-09-01"))
    assert lint_json(root, "--changed-since", "HEAD", "--select", "G") == (0, [])


def test_g003_status_backwards(history: tuple[git.Repo, Path, str]) -> None:
    _, root, _ = history
    write_record(root, "GB-T-2-2019.yaml", **standard("GB/T 2-2019", "公务用车 配备", effective="2019-05-01"))
    _, findings = lint_json(root, "--changed-since", "HEAD", "--select", "G")
    assert [(f["rule"], f["path"]) for f in findings] == [("G003", "records/GB-T-2-2019.yaml")]
    assert "abolished to in force" in str(findings[0]["message"])


def test_g003_forward_move_is_fine(history: tuple[git.Repo, Path, str]) -> None:
    _, root, _ = history
    write_record(
        root,
        "GB-T-3-2024.yaml",
        **standard("GB/T 3-2024", "物业服务 规范", published="2024-05-01", effective="2025-01-01"),
    )
    assert lint_json(root, "--changed-since", "HEAD", "--select", "G") == (0, [])


def test_g004_published_rewritten_for_standard_in_force(history: tuple[git.Repo, Path, str]) -> None:
    _, root, _ = history
    write_record(
        root,
        "GB-T-1-2020.yaml",
        **standard("GB/T 1-2020", "机关事务 术语", published="2020-03-01", effective="2020-06-01"),
    )
    code, findings = lint_json(root, "--changed-since", "HEAD", "--select", "G")
    assert [(f["rule"], f["severity"]) for f in findings] == [("G004", "warning")]
    assert code == 0  # a warning
    strict = runner.invoke(app, ["lint", str(root), "--changed-since", "HEAD", "--strict", "--as-of", AS_OF])
    assert strict.exit_code == 1


def test_g004_upcoming_standard_may_be_corrected_and_suppress_silences(
    history: tuple[git.Repo, Path, str],
) -> None:
    _, root, _ = history
    write_record(
        root,
        "GB-T-3-2024.yaml",
        **standard(
            "GB/T 3-2024", "物业服务 规范", status="即将实施", published="2024-06-01", effective="2026-01-01"
        ),
    )
    write_record(
        root,
        "GB-T-1-2020.yaml",
        **standard(
            "GB/T 1-2020",
            "机关事务 术语",
            published="2020-03-01",
            effective="2020-06-01",
            suppress=[{"rule": "G004", "reason": "原记录日期误录"}],
        ),
    )
    assert lint_json(root, "--changed-since", "HEAD", "--select", "G") == (0, [])


def test_outside_a_repository_is_a_clear_error(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    (root / "records").mkdir(parents=True)
    (root / "gbstd.toml").write_text("", encoding="utf-8")
    result = runner.invoke(app, ["lint", str(root), "--changed-since", "HEAD", "--lang", "en"])
    assert result.exit_code == 2
    assert "not inside a git repository" in err(result)
    assert "Traceback" not in result.output


def test_unknown_revision_says_what_to_fetch(history: tuple[git.Repo, Path, str]) -> None:
    _, root, _ = history
    result = runner.invoke(app, ["lint", str(root), "--changed-since", "origin/release", "--lang", "en"])
    assert result.exit_code == 2
    assert "git fetch origin release" in err(result)
    assert not (root / ".gbstd-cache").exists()  # said before any lint ran (the revision is looked up first)


def test_an_ancestor_counted_in_other_digits_is_an_unknown_revision(history: tuple[git.Repo, Path, str]) -> None:
    # HEAD~٢ was read as an ancestor too far back ("has only 2 commit(s)"): git counts in ASCII digits only
    _, root, _ = history
    result = runner.invoke(app, ["lint", str(root), "--changed-since", "HEAD~\u0662", "--lang", "en"])
    assert result.exit_code == 2
    assert "unknown revision HEAD~\u0662" in err(result) and "commit(s) in its history" not in err(result)
    result = runner.invoke(app, ["lint", str(root), "--changed-since", "HEAD~9", "--lang", "en"])
    assert result.exit_code == 2 and "commit(s) in its history" in err(result)


def test_a_range_or_an_option_for_a_revision_is_told_what_to_give(history: tuple[git.Repo, Path, str]) -> None:
    # `origin/main...HEAD` (a CI configuration's pull-request diff) and `-x` were told to `git fetch` them
    _, root, _ = history
    result = runner.invoke(app, ["lint", str(root), "--changed-since", "HEAD~0...HEAD", "--lang", "en"])
    assert result.exit_code == 2
    assert "is a range of commits, not one revision" in err(result) and "git merge-base" in err(result)
    assert "git fetch" not in err(result)
    result = runner.invoke(app, ["lint", str(root), "--changed-since=-x", "--lang", "en"])
    assert result.exit_code == 2
    assert "cannot begin with '-'" in err(result) and "git fetch" not in err(result)


def test_shallow_clone(history: tuple[git.Repo, Path, str], tmp_path: Path) -> None:
    repo, root, base = history
    write_record(
        root,
        "GB-T-1-2020.yaml",
        **standard("GB/T 1-2020", "机关事务 术语", published="2020-02-02", effective="2020-06-01"),
    )
    commit(repo, "second")
    clone_dir = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "--quiet", "--depth", "1", f"file://{repo.working_tree_dir}", str(clone_dir)],
        check=True,
    )
    clone_root = clone_dir / "catalog"
    # The tip is there: comparing with it works.
    (clone_root / "records" / "GB-T-2-2019.yaml").unlink()
    _, findings = lint_json(clone_root, "--changed-since", "HEAD")
    assert [f["rule"] for f in findings] == ["G001"]
    # The base commit is not in the shallow clone: a clear message about fetching.
    result = runner.invoke(app, ["lint", str(clone_root), "--changed-since", base, "--lang", "en"])
    assert result.exit_code == 2
    assert "shallow clone" in err(result) and "git fetch" in err(result)
    result = runner.invoke(app, ["lint", str(clone_root), "--changed-since", "HEAD~1", "--lang", "en"])
    assert result.exit_code == 2 and "--deepen" in err(result)


def test_new_findings_match_word_for_word_before_place() -> None:
    # Two findings of one rule at one place, one of them there before: the one the change brought is reported,
    # whatever the order (matching by place alone reported the old cycle and hid the new one).
    from gbstd.findings import Finding
    from gbstd.i18n import Text
    from gbstd.linting import _new_findings

    def cycle(words: str) -> Finding:
        return Finding("C013", Text(words, words), "records/a.yaml", "DB41/T 1-2020", loc=("replaces",))

    old, new = cycle("A → B → A"), cycle("A → C → A")
    assert _new_findings([new, old], [cycle("A → B → A")]) == [new]
    # a message that changed only in its words (an edited title quoted) is the finding it was
    assert _new_findings([cycle("A → B′ → A")], [cycle("A → B → A")]) == []


def test_a_record_renamed_into_an_invalid_one_is_a_record_gone_with_the_cache_too(tmp_path: Path) -> None:
    """The catalog as it was is checked as an edit undone: a rename whose new file is no valid record takes a
    record away, which a rule's own narrowing (S003's affected records) must not miss."""
    from tests.git_catalog import sample_repo

    repo, root = sample_repo(tmp_path)
    upper = root / "records" / "local" / "DB41-T-2397-2023.yaml"
    upper.write_text(upper.read_text(encoding="utf-8").replace('module: "302"', 'module: "302"\nrefines: [GB/T 42967-2023]'),
                     encoding="utf-8")
    base = commit(repo, "DB41/T 2397 refines GB/T 42967")
    lint_json(root)  # the cache and state a pull request's run starts from
    moved = upper.with_name("DB41-T-2397-2023-old.yaml")
    repo.git.mv(str(upper), str(moved))
    moved.write_text(moved.read_text(encoding="utf-8").replace("status: 现行", "status: 作废了"), encoding="utf-8")
    commit(repo, "renamed, and no valid record any more")
    assert "R" in repo.git.diff(base, "-M", "--name-status", "--", str(root))  # git sees a rename
    cached = lint_json(root, "--changed-since", base)
    assert cached == lint_json(root, "--changed-since", base, "--no-cache")
    assert any(f["rule"] == "S003" and f["path"] == "records/local/DB4109-T-059-2024.yaml" for f in cached[1])


def test_a_file_whose_brought_findings_are_all_silenced_is_not_reported_on(tmp_path: Path) -> None:
    """What a change brings to an untouched file is reported only where it is not silenced, and such a file
    counts among those reported on only then: with the cache as without it."""
    from tests.git_catalog import sample_repo

    repo, root = sample_repo(tmp_path)
    upper = root / "records" / "local" / "DB41-T-2397-2023.yaml"
    upper.write_text(upper.read_text(encoding="utf-8").replace('module: "302"', 'module: "302"\nrefines: [GB/T 42967-2023]'),
                     encoding="utf-8")
    citing = root / "records" / "local" / "DB4109-T-059-2024.yaml"
    citing.write_text(citing.read_text(encoding="utf-8")
                      + "suppress:\n  - {rule: S003, reason: test}\n  - {rule: C015, reason: test}\n", encoding="utf-8")
    base = commit(repo, "DB41/T 2397 refines GB/T 42967; DB4109/T 059 silences S003 and C015")
    lint_json(root)
    upper.unlink()
    commit(repo, "DB41/T 2397 deleted")
    printed = []
    for extra in ([], ["--no-cache"]):
        result = runner.invoke(app, ["lint", str(root), "--as-of", AS_OF, "--lang", "en", "--ignore", "R",
                                     "--changed-since", base, *extra])
        printed.append((result.exit_code, result.stdout))
    assert printed[0] == printed[1]
    assert "DB4109-T-059-2024" not in printed[0][1]


def test_a_rule_that_fails_on_the_catalog_as_it_was_brings_what_it_brings_without_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A catalog-wide rule that crashes on the catalog as it was gives no findings then, so every finding of it
    in an untouched file is what the change brought — with the cache too, where the rule re-checks only the
    records the change affects and may have said which before it crashed."""
    from gbstd.rules.s003_linkage_undeclared import LinkageUndeclared
    from tests.git_catalog import sample_repo

    repo, root = sample_repo(tmp_path)
    base = repo.head.commit.hexsha
    lint_json(root)
    edited = root / "records" / "national" / "GB-T-30260-2013.yaml"  # another module than the S003 findings
    title = next(line[7:] for line in edited.read_text(encoding="utf-8").splitlines() if line.startswith("title: "))
    edited.write_text(edited.read_text(encoding="utf-8").replace(title, title + "（修订）"), encoding="utf-8")
    commit(repo, "GB/T 30260 retitled")  # in place: S003 re-checks only the records the change affects
    check = LinkageUndeclared._check

    def failing_then(self: LinkageUndeclared, record: object, ctx: object, pieces: object) -> object:
        if any(r.title == title for r in ctx.catalog.records):  # type: ignore[attr-defined]
            raise RuntimeError("fails on the catalog as it was")
        return check(self, record, ctx, pieces)  # type: ignore[arg-type]

    monkeypatch.setattr(LinkageUndeclared, "_check", failing_then)
    cached = lint_json(root, "--changed-since", base)
    assert cached == lint_json(root, "--changed-since", base, "--no-cache")
    assert any(f["rule"] == "S003" and f["path"] == "records/local/DB4109-T-059-2024.yaml" for f in cached[1])


@pytest.mark.parametrize("inner", ["stored result", "incremental run"])
def test_a_pull_requests_run_decodes_only_the_findings_it_can_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, inner: str
) -> None:
    """The whole catalog's findings that a changed-since run starts from are made into findings only where the
    report can keep them: the changed files' and those of the rules compared with the catalog as it was. The
    report is the run's without the cache, whether those findings come from the stored result or from an
    incremental run's patched rows."""
    from gbstd.catalog import cache as cache_module
    from gbstd.linting import _elsewhere_codes
    from gbstd.selection import Selection
    from tests.git_catalog import sample_repo

    repo, root = sample_repo(tmp_path)
    edited = root / "records" / "local" / "DB32-T-4493-2023.yaml"  # D002 and D003 findings in it
    base = repo.head.commit.hexsha
    if inner == "incremental run":
        lint_json(root)  # the state the edit's run starts from
    edited.write_text(edited.read_text(encoding="utf-8") + "# 备注\n", encoding="utf-8")
    commit(repo, "a comment")
    if inner == "stored result":
        lint_json(root)  # the result the changed-since run is answered from
    decoded: list[object] = []  # the file of each finding made
    made = cache_module.finding_from_json

    def counted(row: list[object], path: str | None = None) -> object:
        decoded.append(path or row[0])
        return made(row, path)

    monkeypatch.setattr("gbstd.linting.finding_from_json", counted)
    cached = lint_json(root, "--changed-since", base)
    monkeypatch.undo()
    assert cached == lint_json(root, "--changed-since", base, "--no-cache")
    rel = "records/local/DB32-T-4493-2023.yaml"
    assert {f["rule"] for f in cached[1] if f["path"] == rel} == {"D002", "D003"}
    everything = lint_json(root)[1]
    compared = _elsewhere_codes(Selection(ignore=["R"]))
    wanted = [f for f in everything if f["path"] != rel and f["rule"] in compared]
    assert 0 < len(wanted) < len(everything) / 2  # most findings are elsewhere, of other rules
    assert len([path for path in decoded if path != rel]) == len(wanted)


@pytest.mark.parametrize("start", ["stored result", "incremental run"])
def test_damaged_rows_under_a_pull_requests_run_are_linted_again(tmp_path: Path, start: str) -> None:
    """A stored row of the right shape that does not decode (a severity no release writes), in a row the report
    keeps (a rule compared with the catalog as it was): the stored result is forgotten and the catalog linted
    again, whether the run starts from the stored result or patches it from the lint state."""
    from tests.git_catalog import sample_repo

    repo, root = sample_repo(tmp_path)
    base = repo.head.commit.hexsha
    edited = root / "records" / "national" / "GB-T-30260-2013.yaml"
    if start == "incremental run":
        lint_json(root)
    edited.write_text(edited.read_text(encoding="utf-8") + "# 备注\n", encoding="utf-8")
    commit(repo, "a comment")
    if start == "stored result":
        lint_json(root)
    result = root / ".gbstd-cache" / "result.jsonl"
    bad = ["records/local/DB4109-T-059-2024.yaml", "S003", "中", "en", "DB4109/T 059-2024", [], False, 1, 1, "bogus"]
    result.write_bytes(result.read_bytes() + json.dumps([bad], ensure_ascii=False).encode() + b"\n")
    assert lint_json(root, "--changed-since", base) == lint_json(root, "--changed-since", base, "--no-cache")
    assert lint_json(root, "--changed-since", base) == lint_json(root, "--changed-since", base, "--no-cache")


PLAN_WITH_EVIDENCE = """\
title: 测试试点工作方案
issuers: [河南省机关事务管理局]
issued: 2021-09-13
status: active
phases:
  - {name: 前期准备, start: 2021-09, end: 2021-11}
tasks:
  - phase: 前期准备
    subject: 宣传动员
    deadline: 2021-10
    done: 2021-10-10
    evidence:
      - file: evidence/training.pdf
"""


@pytest.mark.parametrize("cache", ["cache", "no cache"])
@pytest.mark.parametrize("how", ["deleted", "moved"])
def test_a_change_that_breaks_a_plans_evidence_is_reported_on_the_untouched_plan(
    tmp_path: Path, cache: str, how: str
) -> None:
    """A pull request that only deletes (or moves) an evidence file leaves the plan naming it with a P008 error.
    The plan is untouched and no record changed: the report said "no problems" and CI passed."""
    repo, root = init_repo(tmp_path)
    (root / "gbstd.toml").write_text('[catalog]\nrecords = "records"\nplans = "plans"\n', encoding="utf-8")
    write_record(root, "GB-T-1-2020.yaml", **standard("GB/T 1-2020", "机关事务 术语", effective="2020-06-01"))
    (root / "plans").mkdir()
    (root / "plans" / "p.yaml").write_text(PLAN_WITH_EVIDENCE, encoding="utf-8")
    (root / "evidence").mkdir()
    (root / "evidence" / "training.pdf").write_bytes(b"%PDF-1.4\n")
    (root / "evidence" / "other.pdf").write_bytes(b"%PDF-1.4\n")
    base = commit(repo, "a plan with its evidence")
    extra = ["--no-cache"] if cache == "no cache" else []
    assert lint_json(root, "--changed-since", base, "--select", "P", *extra) == (0, [])
    if how == "deleted":
        repo.git.rm("catalog/evidence/training.pdf")
    else:
        repo.git.mv("catalog/evidence/training.pdf", "catalog/evidence/2021-training.pdf")
    commit(repo, f"evidence {how}")
    code, findings = lint_json(root, "--changed-since", base, "--select", "P", *extra)
    assert code == 1
    assert [(f["rule"], f["path"]) for f in findings] == [("P008", "plans/p.yaml")]
    # an evidence file the change did not touch keeps the plan's older findings out of the report
    (root / "plans" / "p.yaml").write_text(
        PLAN_WITH_EVIDENCE.replace("evidence/training.pdf", "evidence/missing.pdf"), encoding="utf-8"
    )
    base = commit(repo, "the plan names a file that is not there")
    (root / "evidence" / "other.pdf").unlink()
    commit(repo, "an unused file deleted")
    assert lint_json(root, "--changed-since", base, "--select", "P", *extra) == (0, [])


@pytest.mark.parametrize("cache", ["cache", "no cache"])
@pytest.mark.parametrize("how", ["deleted", "a round taken out"])
def test_a_change_to_a_project_reports_what_it_brings_to_the_standard_it_made(
    tmp_path: Path, cache: str, how: str
) -> None:
    """S006 of a published standard reads the stages of the project that made it. A pull request that only
    deletes or edits the project file leaves the untouched record short of its process: the catalog as it was
    took the projects as they are now, and a change to no record file was not compared at all."""
    from tests.git_catalog import sample_repo

    repo, root = sample_repo(tmp_path)
    base = repo.head.commit.hexsha
    extra = ["--no-cache"] if cache == "no cache" else []
    lint_json(root, *extra)
    project = root / "projects" / "HNJGSW-P-2022-07.yaml"
    if how == "deleted":
        project.unlink()
    else:
        project.write_text(project.read_text(encoding="utf-8").replace("  - {kind: 研究, date: 2023-07-25, by: 局长办公会}\n", ""),
                           encoding="utf-8")
    commit(repo, f"project {how}")
    code, findings = lint_json(root, "--changed-since", base, "--select", "S006", "--strict", *extra)
    assert code == 1
    assert [(f["rule"], f["path"]) for f in findings] == [("S006", "records/internal/HNJGSW-302-2023.yaml")]


@pytest.mark.parametrize("value", ["", " "])
def test_an_empty_revision_is_refused_naming_the_option(history: tuple[git.Repo, Path, str], value: str) -> None:
    # `--changed-since "$BASE"` with BASE unset went to git as the revision '': "unknown revision ;"
    _, root, _ = history
    result = runner.invoke(app, ["lint", str(root), "--changed-since", value, "--lang", "en"])
    assert result.exit_code == 2 and result.stdout == ""
    assert err(result) == "gbstd: --changed-since is empty: give it a git revision (e.g. origin/main)"


@pytest.mark.parametrize("cache", ["cache", "no cache"])
@pytest.mark.parametrize("change", ["project", "record it names", "nothing relevant"])
def test_s008_reports_what_the_change_brought_to_the_projects_and_nothing_older(
    tmp_path: Path, cache: str, change: str
) -> None:
    """S008 (project identity) reads the projects alone. A project taking another's id brings the duplicate to
    the untouched one, which is reported; a project already wrong at the revision is not, whether a project,
    the record a project names (its result) or a file of no kind changed."""
    from tests.git_catalog import sample_repo

    repo, root = sample_repo(tmp_path)
    extra = ["--no-cache"] if cache == "no cache" else []
    older = root / "projects" / "XM-2026-004.yaml"
    older.write_text(re.sub(r"^module: .*$", 'module: "999"', older.read_text(encoding="utf-8"), count=1,
                            flags=re.M), encoding="utf-8")
    base = commit(repo, "a project outside the standard system")
    lint_json(root, *extra)
    if change == "project":
        project = root / "projects" / "XM-2026-002.yaml"
        project.write_text(project.read_text(encoding="utf-8").replace("id: XM-2026-002", "id: XM-2026-001"),
                           encoding="utf-8")
    elif change == "record it names":  # HNJGSW-P-2022-07's result
        record = root / "records" / "internal" / "HNJGSW-302-2023.yaml"
        record.write_text(re.sub(r"^(title: .*)$", r"\1（修订）", record.read_text(encoding="utf-8"), count=1,
                                 flags=re.M), encoding="utf-8")
    else:
        (root / "CHANGELOG.txt").write_text("x\n", encoding="utf-8")
    commit(repo, change)
    code, findings = lint_json(root, "--changed-since", base, "--select", "S008", *extra)
    reported = sorted((str(f["path"]), str(f["message"])) for f in findings)
    if change == "project":
        assert code == 1 and reported == [
            ("projects/XM-2026-001.yaml", "project id XM-2026-001 is used twice (also projects/XM-2026-002.yaml)"),
            ("projects/XM-2026-002.yaml", "file should be named XM-2026-001.yaml (from the id)"),
            ("projects/XM-2026-002.yaml", "project id XM-2026-001 is used twice (also projects/XM-2026-001.yaml)"),
        ]
    else:
        assert (code, reported) == (0, [])
    # the whole catalog still has the older finding: left out as not the change's, not lost
    assert ("projects/XM-2026-004.yaml", "module 999 is not in the standard system") in [
        (f["path"], f["message"]) for f in lint_json(root, "--select", "S008", *extra)[1]]
