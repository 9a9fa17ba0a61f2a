"""Incremental lint gives, after any sequence of edits, exactly the findings of a cold run (``--no-cache``)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML, YAMLError
from typer.testing import CliRunner

from gbstd import linting
from gbstd.catalog import cache as cache_module
from gbstd.catalog.cache import text_digest
from gbstd.catalog.config_file import load_config
from gbstd.cli.app import app
from gbstd.engine import Selection
from gbstd.incremental import state_shard
from gbstd.linting import LintOutcome, lint_catalog

SAMPLE = Path(__file__).resolve().parent.parent / "standards"
AS_OF = "2025-06-30"
runner = CliRunner()
yaml = YAML(typ="safe", pure=True)
yaml.default_flow_style = False
yaml.allow_unicode = True


def lint_json(root: Path, *extra: str, as_of: str = AS_OF) -> list[str]:
    """The findings of ``gbstd lint --format json`` as sorted JSON lines (order-free comparison)."""
    result = runner.invoke(app, ["lint", str(root), "--as-of", as_of, "--format", "json", "--lang", "en", *extra])
    assert result.exit_code in (0, 1), result.output
    return sorted(json.dumps(f, ensure_ascii=False, sort_keys=True) for f in json.loads(result.stdout))


def lint_bytes(root: Path, output_format: str, *extra: str, as_of: str = AS_OF) -> tuple[int, bytes]:
    """The exit code and the exact bytes ``gbstd lint`` prints."""
    result = runner.invoke(app, ["lint", str(root), "--as-of", as_of, "--format", output_format, *extra])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, result.stdout_bytes


def lint_library(root: Path, as_of: str = AS_OF) -> LintOutcome:
    return lint_catalog(root, load_config(root), dt.date.fromisoformat(as_of), Selection())


def records(root: Path) -> list[Path]:
    return sorted((root / "records").rglob("*.yaml"))


def load(path: Path) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"))
    except YAMLError:  # broken by an earlier edit: the next edit rewrites it
        return {}
    return data if isinstance(data, dict) else {}


def dump(path: Path, data: dict[str, Any]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        yaml.dump(data, handle)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sample") / "standards"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".gbstd-cache"))
    return root


# --- edits: each takes the catalog, the index of a record file and a random value ---------------------------
def edit_title(root: Path, pick: int, value: int) -> None:
    path = records(root)[pick % len(records(root))]
    data = load(path)
    titles = [load(p).get("title") for p in records(root)[:8]]
    data["title"] = titles[value % len(titles)] or f"标题{value}"  # sometimes a duplicate title (C009, D rules)
    dump(path, data)


def split_title(root: Path, pick: int, value: int) -> None:
    """A title of its own (leaves its duplicate group) or a near copy of another's (joins that group)."""
    paths = records(root)
    path = paths[pick % len(paths)]
    data = load(path)
    other = load(paths[value % len(paths)]).get("title")
    if value % 2 and isinstance(other, str):
        data["title"] = other.replace("规范", "管理规范") if "规范" in other else other + "指南"
    else:
        data["title"] = f"第{value}号独有主题之{('甲', '乙', '丙')[value % 3]}事项"
    dump(path, data)


def move_target(root: Path, pick: int, value: int) -> None:
    """The code that a supersession link or reference names disappears (its record's code changes) or
    appears (a record takes a code that another names but none has)."""
    paths = records(root)
    named = []
    for path in paths:
        data = load(path)
        for field in ("replaces", "replaced_by", "references"):
            named += [code for code in data.get(field) or [] if isinstance(code, str)]
    if not named:
        return
    code = named[value % len(named)]
    holders = [path for path in paths if load(path).get("code") == code]
    path = holders[0] if holders else paths[pick % len(paths)]
    data = load(path)
    data["code"] = f"GB/T {60000 + value}-2021" if holders else code
    dump(path, data)


def edit_place(root: Path, pick: int, value: int) -> None:
    """Tier and region, read by duplicate detection (adopt-upper, merge or sibling): the code moves to
    another tier or region (same number), or the region field changes."""
    path = records(root)[pick % len(records(root))]
    data = load(path)
    number = 700 + value % 7
    choice = value % 5
    if choice == 4:
        data["region"] = ("41", "4101", "32")[value % 3]
    else:
        data["code"] = (f"GB/T {number}-2020", f"DB41/T {number}-2020", f"DB4101/T {number}-2020",
                        f"DB32/T {number}-2020")[choice]
    dump(path, data)


def edit_date(root: Path, pick: int, value: int) -> None:
    path = records(root)[pick % len(records(root))]
    data = load(path)
    field = ("published", "effective", "abolished")[value % 3]
    data[field] = (dt.date(2010, 1, 1) + dt.timedelta(days=value * 37 % 6000)).isoformat()
    dump(path, data)


def edit_status(root: Path, pick: int, value: int) -> None:
    path = records(root)[pick % len(records(root))]
    data = load(path)
    data["status"] = ("现行", "即将实施", "废止")[value % 3]
    dump(path, data)


def edit_code(root: Path, pick: int, value: int) -> None:
    paths = records(root)
    path = paths[pick % len(paths)]
    data = load(path)
    other = load(paths[value % len(paths)]).get("code")
    data["code"] = other if value % 2 and other else f"GB/T {30000 + value % 500}-{2000 + value % 25}"
    dump(path, data)


def edit_module(root: Path, pick: int, value: int) -> None:
    path = records(root)[pick % len(records(root))]
    data = load(path)
    data["module"] = ("101", "201", "202", "302", "999")[value % 5]
    dump(path, data)


def edit_reference(root: Path, pick: int, value: int) -> None:
    paths = records(root)
    path = paths[pick % len(paths)]
    data = load(path)
    target = load(paths[value % len(paths)]).get("code") or "GB/T 1-2000"
    field = ("references", "replaces", "replaced_by", "adopts")[value % 4]
    data[field] = [*(data.get(field) or [])[:1], target if value % 3 else "GB/T 99999-2099"]
    dump(path, data)


def edit_review(root: Path, pick: int, value: int) -> None:
    path = records(root)[pick % len(records(root))]
    data = load(path)
    day = (dt.date(2015, 1, 1) + dt.timedelta(days=value * 53 % 4000)).isoformat()
    data["reviews"] = [{"date": day, "conclusion": ("继续有效", "修订", "废止")[value % 3], "by": "某局"}]
    dump(path, data)


def edit_suppress(root: Path, pick: int, value: int) -> None:
    path = records(root)[pick % len(records(root))]
    data = load(path)
    data["suppress"] = [{"rule": ("C009", "C007", "D001", "R001")[value % 4], "reason": "测试"}]
    dump(path, data)


def edit_body(root: Path, pick: int, value: int) -> None:
    """Issuer, administering body or scope: read by duplicate detection."""
    paths = records(root)
    path = paths[pick % len(paths)]
    data, other = load(path), load(paths[value % len(paths)])
    field = ("issuer", "administering_body", "scope")[value % 3]
    data[field] = other.get(field) or (["某局"] if field == "issuer" else "某单位")
    dump(path, data)


def edit_comment(root: Path, pick: int, value: int) -> None:
    path = records(root)[pick % len(records(root))]
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"# note {value}\n")


def add_file(root: Path, pick: int, value: int) -> None:
    source = records(root)[pick % len(records(root))]
    data = load(source)
    data["code"] = f"DB41/T {5000 + value % 100}-2020"
    dump(source.parent / f"added-{value % 100}.yaml", data)


def delete_file(root: Path, pick: int, value: int) -> None:
    paths = records(root)
    if len(paths) > 5:
        paths[pick % len(paths)].unlink()


def named_codes(root: Path) -> list[str]:
    """Every code a record names (supersession, references, adoption, refinement), in file order."""
    named = []
    for path in records(root):
        data = load(path)
        for field in ("replaces", "replaced_by", "references", "adopts", "refines"):
            named += [code for code in data.get(field) or [] if isinstance(code, str)]
    return named


def add_record(root: Path, pick: int, value: int) -> None:
    """A new record file, a copy of another with its code changed: a code of its own, one another record holds,
    one that others name but none holds, a new edition of a held code (an undated reference now means it), or
    a code of its own that replaces or references a held one."""
    paths = records(root)
    data = load(paths[pick % len(paths)])
    held = [code for code in (load(path).get("code") for path in paths) if isinstance(code, str)]
    named = named_codes(root) or held
    choice = value % 6
    if choice == 0:
        data["code"] = f"DB41/T {5100 + value % 50}-2021"
    elif choice == 1:
        data["code"] = held[value % len(held)]
    elif choice == 2:
        data["code"] = named[value % len(named)]
    elif choice == 3:
        data["code"] = held[value % len(held)].rsplit("-", 1)[0] + "-2029"
    else:
        data["code"] = f"DB41/T {5200 + value % 50}-2024"
        field = "replaces" if choice == 4 else "references"
        data[field] = [held[value // 7 % len(held)]]
        if choice == 4:
            data["status"], data["effective"] = "现行", "2024-06-01"
    if value % 4 == 0:  # sometimes a title of its own
        data["title"] = f"第{value}号新增主题之{('甲', '乙')[value % 2]}规范"
    dump(paths[pick % len(paths)].parent / f"added-{value % 50}.yaml", data)


def delete_named(root: Path, pick: int, value: int) -> None:
    """A record that others name goes (a supersession target, a referenced standard), or any when none is."""
    named = set(named_codes(root))
    paths = records(root)
    holders = [path for path in paths if load(path).get("code") in named] or paths
    if len(paths) > 5:
        holders[pick % len(holders)].unlink()


def move_record(root: Path, pick: int, value: int) -> None:
    """A record file renamed or moved to another folder (``git mv``): removed at one path, added at another."""
    paths = records(root)
    path = paths[pick % len(paths)]
    folder = paths[value % len(paths)].parent
    path.rename(folder / f"moved-{value % 50}-{path.name}")


def fill_gap(root: Path, pick: int, value: int) -> None:
    """A record moves to a module with no standard in force (S001) or out of one it alone fills, in force or
    abolished (S002 counts those)."""
    path = records(root)[pick % len(records(root))]
    data = load(path)
    data["module"] = ("204", "304.3", "401", "101", "999")[value % 5]
    if value % 3 == 0:
        data["status"] = ("现行", "废止")[value // 3 % 2]
    dump(path, data)


def add_invalid(root: Path, pick: int, value: int) -> None:
    """A new file in records/ that is no valid record (no title, or a bad status)."""
    paths = records(root)
    data = load(paths[pick % len(paths)])
    if value % 2:
        data.pop("title", None)
    else:
        data["status"] = "不存在的状态"
    dump(paths[pick % len(paths)].parent / f"invalid-{value % 20}.yaml", data)


def break_yaml(root: Path, pick: int, value: int) -> None:
    path = records(root)[pick % len(records(root))]
    path.write_text(("code: [unclosed\n", "", "title: 1\n\tbad: tab\n")[value % 3], encoding="utf-8")


def edit_project(root: Path, pick: int, value: int) -> None:
    path = sorted((root / "projects").glob("*.yaml"))[pick % 3]
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"# touched {value}\n")


def link_outside(root: Path, pick: int, value: int) -> None:
    """A record file turned into a symbolic link to a copy outside the catalog: Y010, never read."""
    path = records(root)[pick % len(records(root))]
    if path.is_symlink():
        return
    outside = root.parent / f"outside-{value}.yaml"
    outside.write_text(path.read_text(encoding="utf-8").replace("title:", "title: 外部", 1), encoding="utf-8")
    path.unlink()
    path.symlink_to(outside)


def add_stray(root: Path, pick: int, value: int) -> None:
    """A copy of a record outside records/ (at the root or in a misspelt folder): Y011 on every run."""
    source = records(root)[pick % len(records(root))]
    target = root / ("recrods" if value % 2 else ".") / f"stray-{value % 10}.yaml"
    target.parent.mkdir(exist_ok=True)
    target.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")


def another_day(root: Path, pick: int, value: int) -> None:
    """Not an edit: the next lints run on another day (``day_after``), later or earlier."""


def day_after(day: str, value: int) -> str:
    return (dt.date.fromisoformat(day) + dt.timedelta(days=value % 1500 - 300)).isoformat()


EDITS = [
    add_stray, link_outside, edit_title, split_title, edit_place, move_target, edit_date, edit_status, edit_code, edit_module, edit_reference, edit_review, edit_suppress,
    edit_body, edit_comment, add_file, delete_file, break_yaml, edit_project, another_day,
]
steps = st.lists(
    st.tuples(st.sampled_from(EDITS), st.integers(0, 1000), st.integers(0, 1000)), min_size=1, max_size=5
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps)
def test_incremental_equals_cold_after_random_edits(
    pristine: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, edits: list[Any]
) -> None:
    equals_cold_after(pristine, tmp_path_factory, monkeypatch, edits)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps)
def test_incremental_equals_cold_after_random_edits_with_the_d_rules_in_a_child(
    pristine: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, edits: list[Any]
) -> None:
    """As a national catalog is linted: the D rules in a forked child, which an incremental run forks before it
    checks the disk (gbstd.lint_standby) and hands their job when they run again."""
    d_rules_in_a_child(monkeypatch)
    equals_cold_after(pristine, tmp_path_factory, monkeypatch, edits)


def d_rules_in_a_child(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lint the sample as a national catalog is linted: the D rules in a forked child, and a standby forked."""
    import os

    import gbstd.engine as engine
    import gbstd.lint_standby as lint_standby

    if len(os.sched_getaffinity(0)) < 2:
        pytest.skip("the child runs only with two or more cores")
    monkeypatch.setattr(engine, "FORK_THRESHOLD", 0)
    monkeypatch.setattr(lint_standby, "STANDBY_THRESHOLD", 0)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps)
def test_changed_since_through_the_cache_equals_a_run_without_it(
    tmp_path_factory: pytest.TempPathFactory, edits: list[Any]
) -> None:
    """`lint --changed-since` takes the whole catalog's findings from the lint cache (the stored result or an
    incremental run from the state, as a plain run would) and runs only the rules that compare with the
    revision: after any edits, some of them committed, it reports what a run without the cache reports,
    against the first commit and against the last."""
    changed_since_equals_uncached(tmp_path_factory, edits)


def changed_since_equals_uncached(tmp_path_factory: pytest.TempPathFactory, edits: list[Any]) -> None:
    """Each edit in turn, some committed: ``lint --changed-since`` with the cache reports what it reports without."""
    from tests.git_catalog import commit, sample_repo

    repo, root = sample_repo(tmp_path_factory.mktemp("repo"))
    base, day = repo.head.commit.hexsha, AS_OF
    lint_json(root)  # the state a pull request's run starts from
    for number, (edit, pick, value) in enumerate(edits):
        edit(root, pick, value)
        if edit is another_day:
            day = day_after(day, value)
        if value % 3 == 0 and repo.is_dirty(untracked_files=True):
            commit(repo, f"edit {number}")
        since = base if number % 2 == 0 else "HEAD"
        cached = lint_json(root, "--changed-since", since, as_of=day)
        said = f"after {edit.__name__}({pick}, {value}) since {since} on {day}"
        assert cached == lint_json(root, "--changed-since", since, "--no-cache", as_of=day), said
        # the text report too: its summary counts the files reported on
        assert lint_bytes(root, "text", "--changed-since", since, as_of=day) == lint_bytes(
            root, "text", "--changed-since", since, "--no-cache", as_of=day), said


COME_AND_GO = [add_record, add_record, delete_named, delete_file, move_record, add_invalid, edit_reference, edit_title,
               edit_comment, fill_gap, edit_review, edit_status, another_day]
comings_and_goings = st.lists(
    st.tuples(st.sampled_from(COME_AND_GO), st.integers(0, 1000), st.integers(0, 1000)), min_size=1, max_size=5
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(comings_and_goings)
def test_changed_since_after_records_come_and_go_equals_a_run_without_it(
    tmp_path_factory: pytest.TempPathFactory, edits: list[Any]
) -> None:
    """A pull request that adds, removes or moves record files: the catalog as it was is checked with the rules
    narrowed to what going back reaches, and the report is the one a run without the cache gives."""
    changed_since_equals_uncached(tmp_path_factory, edits)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(comings_and_goings)
def test_incremental_equals_cold_after_records_come_and_go(
    pristine: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, edits: list[Any]
) -> None:
    """Record files added, removed and moved: each catalog-wide rule re-checks only the records the change
    reaches (codes held twice, targets that appear or go, new editions, supersession links) and finds what a
    cold run finds."""
    equals_cold_after(pristine, tmp_path_factory, monkeypatch, edits)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(comings_and_goings)
def test_records_that_come_and_go_with_the_d_rules_in_a_child(
    pristine: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, edits: list[Any]
) -> None:
    """The same, with the D rules' child told which files came and went (it narrows the files it re-makes)."""
    d_rules_in_a_child(monkeypatch)
    equals_cold_after(pristine, tmp_path_factory, monkeypatch, edits)


def equals_cold_after(
    pristine: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, edits: list[Any]
) -> None:
    """Each edit of ``edits`` in turn, then the incremental run's findings and printed report are a cold run's."""
    root = tmp_path_factory.mktemp("cat") / "standards"
    shutil.copytree(pristine, root)
    taken: list[bool] = []
    real = linting._incremental

    def spy(*args: Any, **kwargs: Any) -> Any:
        analysis = real(*args, **kwargs)
        taken.append(analysis is not None)
        return analysis

    monkeypatch.setattr(linting, "_incremental", spy)
    # The printed report too, byte for byte, in one format per example: stored and spliced reports included.
    output_format = ("json", "text", "github", "sarif", "junit")[edits[0][2] % 5]
    day = AS_OF
    lint_json(root)  # cold, writes the state
    lint_bytes(root, output_format)  # stores this format's report
    for edit, pick, value in edits:
        edit(root, pick, value)
        if edit is another_day:
            day = day_after(day, value)
        taken.clear()
        printed = lint_bytes(root, output_format, as_of=day)
        incremental = lint_json(root, as_of=day)
        # answered incrementally (or from the whole-result cache), unless a project (a shared file) changed
        assert False not in taken or edit in (edit_project, add_stray), taken  # files outside records/: a full run
        cold = lint_json(root, "--no-cache", as_of=day)
        assert incremental == cold, f"after {edit.__name__}({pick}, {value}) on {day}"
        assert printed == lint_bytes(root, output_format, "--no-cache", as_of=day), f"{output_format} after {edit.__name__}"
        assert lint_json(root, as_of=day) == cold  # and again, warm
        assert lint_bytes(root, output_format, as_of=day) == printed


def test_a_comment_rechecks_one_record_and_reruns_no_rule(pristine: Path, tmp_path: Path) -> None:
    root = tmp_path / "standards"
    shutil.copytree(pristine, root)
    lint_library(root)
    edit_comment(root, 0, 1)
    outcome = lint_library(root)
    assert outcome.rechecked == [records(root)[0].relative_to(root).as_posix()]
    assert outcome.rerun == []


def test_a_review_date_reruns_only_the_rules_that_read_reviews(pristine: Path, tmp_path: Path) -> None:
    root = tmp_path / "standards"
    shutil.copytree(pristine, root)
    lint_library(root)
    edit_review(root, 3, 7)
    outcome = lint_library(root)
    assert outcome.rechecked is not None and len(outcome.rechecked) == 1
    assert outcome.rerun is not None and "C009" not in outcome.rerun and "D001" not in outcome.rerun
    assert {"R005", "S001", "S002"} <= set(outcome.rerun)


def test_a_title_reruns_the_rules_that_read_titles(pristine: Path, tmp_path: Path) -> None:
    root = tmp_path / "standards"
    shutil.copytree(pristine, root)
    lint_library(root)
    edit_title(root, 5, 2)
    outcome = lint_library(root)
    assert outcome.rerun is not None and {"C009", "D001"} <= set(outcome.rerun)
    assert outcome.rechecked is not None and len(outcome.rechecked) == 1


def test_another_day_reruns_only_the_rules_that_read_the_day(pristine: Path, tmp_path: Path) -> None:
    root = tmp_path / "standards"
    shutil.copytree(pristine, root)
    lint_library(root)
    later = day_after(AS_OF, 700)  # 400 days on: reviews fall due, tasks go overdue
    outcome = lint_library(root, later)
    assert outcome.rechecked == [] and outcome.rerun is not None
    assert {"R005", "S005", "C012"} <= set(outcome.rerun)  # catalog-wide rules that read the day
    assert not {"C009", "D001", "D002", "D003", "S003", "C008"} & set(outcome.rerun)  # those that do not
    assert outcome.state is not None and {"R001", "R003", "C007"} <= outcome.state.dated  # record rules
    assert "C002" not in outcome.state.dated
    assert lint_json(root, as_of=later) == lint_json(root, "--no-cache", as_of=later)
    again = lint_library(root, later)
    assert again.from_cache  # the same day again: the stored result
    back = lint_library(root)  # the first day once more: the day's rules again, and its findings
    assert back.rerun is not None and "D001" not in back.rerun
    assert lint_json(root) == lint_json(root, "--no-cache")


def test_a_project_change_lints_everything_again(pristine: Path, tmp_path: Path) -> None:
    root = tmp_path / "standards"
    shutil.copytree(pristine, root)
    lint_library(root)
    edit_project(root, 0, 1)
    assert lint_library(root).rechecked is None


def test_linting_one_file_after_an_edit_equals_a_cold_run_of_that_file(pristine: Path, tmp_path: Path) -> None:
    root = tmp_path / "standards"
    shutil.copytree(pristine, root)
    lint_json(root)
    edit_title(root, 5, 2)
    target = str(records(root)[5])
    incremental = lint_json(Path(target))
    assert incremental == lint_json(Path(target), "--no-cache")
    assert incremental and all(json.loads(f)["path"].endswith(records(root)[5].name) for f in incremental)


def test_linting_one_file_after_a_comment_edit_reports_that_file_only(pristine: Path, tmp_path: Path) -> None:
    """The last report covered every file: it is not spliced into a report of one file (it printed the
    whole catalog's findings)."""
    root = tmp_path / "standards"
    shutil.copytree(pristine, root)
    lint_json(root)
    target = records(root)[5]
    with target.open("a", encoding="utf-8") as handle:
        handle.write("# edited\n")
    incremental = lint_json(target)
    assert incremental == lint_json(target, "--no-cache")
    assert incremental and all(json.loads(f)["path"].endswith(target.name) for f in incremental)


def test_a_title_joining_and_leaving_a_duplicate_group_changes_the_others_findings(
    pristine: Path, tmp_path: Path
) -> None:
    """The D rules report the size of a group and a partner on every member: one record's title changes the
    findings of records that were not edited, and the incremental result follows."""
    root = tmp_path / "standards"
    shutil.copytree(pristine, root)
    lint_json(root)
    paths = records(root)
    first, second = load(paths[0]), paths[1]
    joined = load(second)
    joined["title"] = first["title"]
    dump(second, joined)
    incremental = lint_json(root)
    assert incremental == lint_json(root, "--no-cache")
    mates = [json.loads(f) for f in incremental if json.loads(f)["rule"].startswith("D")]
    assert {paths[0].name, second.name} <= {Path(str(f["path"])).name for f in mates}
    joined["title"] = "第一百号独有主题事项"
    dump(second, joined)
    assert lint_json(root) == lint_json(root, "--no-cache")


def _state_shards(root: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in (root / ".gbstd-cache" / "lint-state").glob("*.json")}


def test_a_comment_rewrites_one_state_shard(pristine: Path, tmp_path: Path) -> None:
    root = tmp_path / "standards"
    shutil.copytree(pristine, root)
    lint_library(root)
    before = _state_shards(root)
    assert len(before) > 1
    edit_comment(root, 0, 1)
    outcome = lint_library(root)
    assert outcome.rerun == []
    after = _state_shards(root)
    rel = records(root)[0].relative_to(root).as_posix()
    assert {name for name in after if after[name] != before.get(name)} == {f"{state_shard(rel)}.json"}


@pytest.mark.parametrize("damage", ["garbage", "forged"])
def test_a_state_shard_not_written_with_its_head_is_not_trusted(
    pristine: Path, tmp_path: Path, damage: str
) -> None:
    """A shard that is not the one its head names (damaged, or left by another or an interrupted run with
    a valid header) means a full run, never its entries."""
    root = tmp_path / "standards"
    shutil.copytree(pristine, root)
    lint_json(root)
    rel = records(root)[0].relative_to(root).as_posix()
    shard = root / ".gbstd-cache" / "lint-state" / f"{state_shard(rel)}.json"
    if damage == "garbage":
        shard.write_bytes(b"\x00{not json")
    else:
        document = json.loads(shard.read_text(encoding="utf-8"))
        for entry in document["entries"].values():
            entry[3] = [["C002", "假", "forged", None, [], True, 0, 0, "error"]]
        shard.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    records(root)[1].write_text(records(root)[1].read_text(encoding="utf-8") + "# x\n", encoding="utf-8")
    edit_comment(root, 0, 1)  # the damaged shard must be read now
    incremental = lint_json(root)
    assert incremental == lint_json(root, "--no-cache")
    assert not any("forged" in f for f in incremental)


def test_a_forged_state_with_a_matching_head_is_not_fatal(pristine: Path, tmp_path: Path) -> None:
    """A hostile repository may ship a cache whose head names its forged shards: malformed rows mean a full
    run, never a traceback."""
    root = tmp_path / "standards"
    shutil.copytree(pristine, root)
    lint_json(root)
    rel = records(root)[0].relative_to(root).as_posix()
    shard = root / ".gbstd-cache" / "lint-state" / f"{state_shard(rel)}.json"
    document = json.loads(shard.read_text(encoding="utf-8"))
    for entry in document["entries"].values():
        entry[2], entry[4] = [["C002"], [1, 2]], [["not", "a", "code"]]
    data = json.dumps(document, ensure_ascii=False).encode("utf-8")
    shard.write_bytes(data)
    head_path = root / ".gbstd-cache" / "lint-state.json"
    head = json.loads(head_path.read_text(encoding="utf-8"))
    head["shards"][state_shard(rel)][1] = text_digest(data)
    head_path.write_text(json.dumps(head), encoding="utf-8")
    (root / ".gbstd-cache" / "result.jsonl").unlink()  # so every entry is decoded
    edit_comment(root, 1, 1)
    assert lint_json(root) == lint_json(root, "--no-cache")


def test_a_result_that_could_not_be_written_is_not_patched_later(
    pristine: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the new result cannot be stored, the state must not name the old one: the next incremental run
    would patch findings of an older catalog."""
    root = tmp_path / "standards"
    shutil.copytree(pristine, root)
    lint_json(root)
    break_yaml(root, 3, 0)  # a Y001 finding the old result does not have

    def full_disk(*args: Any, **kwargs: Any) -> None:
        raise OSError("no space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(cache_module, "write_atomic_chunks", full_disk)
        assert lint_json(root) == lint_json(root, "--no-cache")
    edit_comment(root, 1, 2)
    assert lint_json(root) == lint_json(root, "--no-cache")


@pytest.mark.parametrize("records", [300, 30_000, 100_000])
def test_the_state_keeps_its_shard_count(pristine: Path, tmp_path: Path, records: int) -> None:
    """A full run chooses the state's shard count by the catalog's size (many small shards for a national
    catalog); the head keeps it, and entries are read back from the shards it names."""
    from gbstd.catalog.cache import Cache
    from gbstd.incremental import FileEntry, LintState, shard_count

    count = shard_count(records)
    assert count == {300: 32, 30_000: 512, 100_000: 2048}[records]  # about 64 entries a shard above 20 000
    root = tmp_path / "standards"
    shutil.copytree(pristine, root)
    cache = Cache.open(root, load_config(root))
    state = LintState.fresh("head", "shared", count)
    rels = [f"records/local/{n}.yaml" for n in range(400)]
    for n, rel in enumerate(rels):
        state.put(rel, FileEntry(f"sha{n}", None, [["Y001", "x"]]))
    state.save(cache)
    assert len(list((cache.directory / "lint-state").glob("*.json"))) == len({state_shard(r, count) for r in rels})
    again = LintState.load(cache, "head")
    assert again is not None and again.count == count
    assert again.load_all(cache)
    assert {rel: entry.sha for rel, entry in again.files.items()} == {rel: f"sha{n}" for n, rel in enumerate(rels)}
    head = json.loads((cache.directory / "lint-state.json").read_text(encoding="utf-8"))
    head["count"] = 7  # not a count a run chooses: a full run, never a misread shard
    (cache.directory / "lint-state.json").write_text(json.dumps(head), encoding="utf-8")
    assert LintState.load(cache, "head") is None


def test_an_invisible_character_is_reported_and_the_record_still_read(pristine: Path, tmp_path: Path) -> None:
    """Y008 (a zero-width space and a terminal escape written as escapes): found by an incremental run as by a
    cold one, at the title's line, and the record is still loaded and checked by the other rules."""
    from gbstd.catalog.loader import load_catalog

    root = tmp_path / "standards"
    shutil.copytree(pristine, root)
    cold = lint_json(root)
    path = records(root)[3]
    text = path.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    value = title.removeprefix("title:").strip().strip('"')
    path.write_text(text.replace(title, f'title: "\\e[2J{value}\\u200b"'), encoding="utf-8")
    incremental = lint_json(root)
    assert incremental == lint_json(root, "--no-cache") != cold
    rel = path.relative_to(root).as_posix()
    found = [json.loads(f) for f in incremental if json.loads(f)["rule"] == "Y008"]
    assert [(f["path"], f["line"]) for f in found] == [(rel, text.splitlines().index(title) + 1)]
    assert "U+001B U+200B" in found[0]["message"]
    loaded = next(r for r in load_catalog(root, jobs=1).records if r.rel == rel)
    assert loaded.title == f"\x1b[2J{value}\u200b"


@pytest.mark.parametrize(("rule", "edit", "column"), [
    ("Y012", lambda title: title.replace("title: ", "title:\t", 1) + "\n", lambda title: 7),
    ("Y013", lambda title: title + "\u2028", lambda title: len(title) + 1),
])
def test_a_character_the_round_trip_refuses_is_reported_by_an_incremental_run_as_by_a_cold_one(
    pristine: Path, tmp_path: Path, rule: str, edit: Callable[[str], str], column: Callable[[str], int]
) -> None:
    """Y012 (``title:<TAB>…``, which fmt and review add refuse) and Y013 (a U+2028 ending the title's line,
    which libyaml reads as a line break): the same findings, at the same editor positions, from the cache's
    kept positions as without the cache; the finding goes when the character does, and the record is still read
    and checked by the other rules."""
    root = tmp_path / "standards"
    shutil.copytree(pristine, root)
    cold = lint_json(root)
    path = records(root)[3]
    text = path.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title: "))
    path.write_text(text.replace(title + "\n", edit(title), 1), encoding="utf-8")
    incremental = lint_json(root)
    assert incremental == lint_json(root) == lint_json(root, "--no-cache") != cold
    found = [json.loads(f) for f in incremental if json.loads(f)["rule"] == rule]
    rel = path.relative_to(root).as_posix()
    assert [(f["path"], f["line"], f["column"]) for f in found] == [
        (rel, text.splitlines().index(title) + 1, column(title))
    ]
    assert sorted(f for f in incremental if json.loads(f)["rule"] != rule) == cold
    path.write_text(text, encoding="utf-8")
    assert lint_json(root) == cold
    path.write_text(text, encoding="utf-8")
    assert lint_json(root) == cold


def _with_evidence(pristine: Path, tmp_path: Path, name: str) -> Path:
    """A copy of the sample whose pilot plan's first task names the evidence file ``name`` (as YAML)."""
    root = tmp_path / "standards"
    shutil.copytree(pristine, root)
    plan = root / "plans" / "henan-2021.yaml"
    marker = "    deadline_text: 2021年10月底前\n"
    text = plan.read_text(encoding="utf-8").replace(marker, f"{marker}    evidence: [{{file: {name}}}]\n", 1)
    plan.write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize("folder", ["evidence", ".evidence"])  # a hidden folder is in no file listing
def test_an_evidence_file_that_appears_or_goes_is_seen_as_a_cold_run_sees_it(
    pristine: Path, tmp_path: Path, folder: str
) -> None:
    root = _with_evidence(pristine, tmp_path, f"{folder}/training.txt")
    evidence = root / folder / "training.txt"

    def p008() -> list[str]:
        found = [line for line in lint_json(root) if '"P008"' in line and "training.txt" in line]
        assert found == [line for line in lint_json(root, "--no-cache") if '"P008"' in line and "training.txt" in line]
        return found

    assert len(p008()) == 1  # no such file yet
    evidence.parent.mkdir()
    evidence.write_text("培训通知\n", encoding="utf-8")
    assert p008() == []
    evidence.unlink()
    assert len(p008()) == 1
    evidence.write_text("培训通知\n", encoding="utf-8")
    edit_comment(root, 0, 1)  # with a record edited too: the incremental path, not the stored result
    assert p008() == []


def _unreadable(path: Path, kind: str) -> None:
    if kind == "broken link":
        path.symlink_to("nowhere.yaml")
    elif kind == "directory":
        path.mkdir()
    else:  # a link leading outside the catalog
        path.symlink_to(SAMPLE / "system.yaml")


@pytest.mark.parametrize("kind", ["broken link", "directory", "link outside"])
def test_an_unreadable_record_file_that_appears_or_goes_is_seen_as_a_cold_run_sees_it(
    pristine: Path, tmp_path: Path, kind: str
) -> None:
    root = tmp_path / "standards"
    shutil.copytree(pristine, root)
    path = root / "records" / "local" / "unreadable.yaml"

    def y010() -> list[str]:
        found = [line for line in lint_json(root) if "unreadable.yaml" in line]
        assert found == [line for line in lint_json(root, "--no-cache") if "unreadable.yaml" in line]
        return found

    assert y010() == []
    _unreadable(path, kind)  # after a run that cached everything: the stored result must not answer
    assert len(y010()) == 1
    shutil.rmtree(root / ".gbstd-cache")
    assert len(y010()) == 1  # a full run saw it
    path.rmdir() if kind == "directory" else path.unlink()
    assert y010() == []  # and the incremental run after it knows it is gone
    assert y010() == []


@pytest.mark.parametrize("kind", ["nul", "loop"])
def test_an_evidence_path_that_cannot_be_resolved_is_a_missing_file_not_an_internal_error(
    pristine: Path, tmp_path: Path, kind: str
) -> None:
    root = _with_evidence(pristine, tmp_path, '"evidence/a\\0b.txt"' if kind == "nul" else "evidence/loop.txt")
    if kind == "loop":
        (root / "evidence").mkdir()
        (root / "evidence" / "loop.txt").symlink_to("loop.txt")
    for _ in range(2):  # a full run, then the cached one
        result = runner.invoke(app, ["lint", str(root), "--as-of", AS_OF, "--format", "json", "--lang", "en"])
        assert result.exit_code == 1, result.output
        found = json.loads(result.stdout)
        assert any(f["rule"] == "P008" and "does not exist" in f["message"] for f in found)
        assert not any(f["rule"] == "P008" and "internal" in f["message"] for f in found)


@pytest.mark.parametrize("layout", ["plain", "nested", "root", "link", "hidden", "cache-inside", "other-cache"])
def test_the_record_files_are_taken_from_the_catalog_s_listing_only_where_it_reaches_them(
    tmp_path: Path, layout: str
) -> None:
    """An incremental run lists the record files from the walk of the whole catalog instead of walking the
    records directory again; wherever that walk does not reach the records directory as a walk of its own
    does (a link, a hidden name, the cache inside), the list is still that walk's."""
    from gbstd.catalog.loader import record_rels, record_rels_among
    from gbstd.linting import files_linted

    root = tmp_path / "catalog"
    records_at = {"nested": "data/records", "root": ".", "link": "linked", "hidden": ".records"}.get(layout, "records")
    real = root / ("elsewhere" if layout == "link" else records_at)
    for rel in ["a.yaml", "sub/b.yml", "sub/c.txt", "x.yaml/d.yaml", ".hidden/e.yaml", "sub/F.YAML"]:
        (real / rel).parent.mkdir(parents=True, exist_ok=True)
        (real / rel).write_text("code: X\n", encoding="utf-8")
    if layout == "link":
        (root / records_at).symlink_to(real, target_is_directory=True)
    (real / "sub" / "link.yaml").symlink_to(real / "a.yaml")
    # inside the records directory only under a hidden name: elsewhere there it is refused (config_file)
    cache_dir = f"{records_at}/.cache" if layout == "cache-inside" else ".gbstd-cache"
    (root / cache_dir).mkdir(parents=True, exist_ok=True)
    (root / cache_dir / "kept.yaml").write_text("x: 1\n", encoding="utf-8")
    (root / "gbstd.toml").write_text(f'[catalog]\nrecords = "{records_at}"\ncache_dir = "{cache_dir}"\n', encoding="utf-8")
    config = load_config(root)
    used = root / ("other-cache" if layout == "other-cache" else cache_dir)
    listed = files_linted(root, used)
    assert record_rels_among(root, config, listed, used) == record_rels(root, config), layout
    assert record_rels(root, config)
