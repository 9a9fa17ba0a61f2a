"""Incremental D rules: detection scores only the candidate components whose inputs changed, and the D
findings stay those of a cold run (the random-edit equivalence test is in ``test_incremental.py``)."""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import pytest

import gbstd.engine as engine
import gbstd.lint_standby as lint_standby
from gbstd.catalog.cache import RACY_NS
from gbstd.rules import base
from gbstd.similarity import DuplicateGroups
from tests.issue21_support import copy_sample
from tests.test_incremental import SAMPLE, dump, lint_json, load, records

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

MEMO = Path(".gbstd-cache") / "dupes-memo"
# each D rule's findings by component, and each title's subject and each subject's words (gbstd.similarity.learned)
MEMO_FILES = {"D001.json", "D002.json", "D003.json", "subjects.json"}


@pytest.fixture
def seen(monkeypatch: pytest.MonkeyPatch) -> list[DuplicateGroups]:
    """The duplicate groups each lint run in this process computed (the forked child's are not seen)."""
    found: list[DuplicateGroups] = []
    real = base.find_groups

    def spy(*args: Any, **kwargs: Any) -> DuplicateGroups:
        groups = real(*args, **kwargs)
        found.append(groups)
        return groups

    monkeypatch.setattr(base, "find_groups", spy)
    return found


def d_findings(lines: list[str]) -> list[dict[str, Any]]:
    return [f for f in map(json.loads, lines) if f["rule"].startswith("D")]


def write_memo(memo: Path, document: dict[str, Any], forged: bool) -> None:
    """Write a D memo edited by hand: ``forged`` gives it the checksum of its new texts (a deliberate forgery),
    else it reads as damaged on disk."""
    from gbstd.rules._dupes_memo import checksum

    if forged:
        document["check"] = checksum(document["components"])
    memo.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")


def retitle(path: Path, title: str, seen: list[DuplicateGroups]) -> list[str]:
    """Give one record a new title and lint again (incrementally); ``seen`` then holds that run's groups."""
    data = load(path)
    data["title"] = title
    dump(path, data)
    seen.clear()
    root = next(p for p in path.parents if (p / "gbstd.toml").is_file())
    return lint_json(root)


def test_a_title_edit_scores_only_the_components_it_touches(tmp_path: Path, seen: list[DuplicateGroups]) -> None:
    root = copy_sample(tmp_path)
    cold = lint_json(root)
    assert {p.name for p in (root / MEMO).glob("*.json")} == MEMO_FILES
    assert seen and not any(c.reused for c in seen[-1].components)  # nothing kept yet: everything scored
    assert len(seen[-1].components) > 2
    # a record of a multi-record component takes a title of its own: it leaves its group
    paths = records(root)
    component = next(c for c in seen[-1].components if len(c.rels) > 2)
    path = root / component.rels[0]
    incremental = retitle(path, "第九百号独有主题事项管理规范", seen)
    assert incremental == lint_json(root, "--no-cache")
    components = seen[0].components
    scored = [c for c in components if not c.reused]
    assert any(c.reused for c in components), "an unrelated component was scored again"
    assert component.digest not in {c.digest for c in components}  # its members' findings were made again
    assert all(c.digest != component.digest for c in scored)
    assert {c.digest for c in components if c.reused} <= {c.digest for c in seen[0].components}
    assert d_findings(incremental) != d_findings(cold)  # the group lost a member: its findings say so
    # and back: the old component's digest comes back, scored (the memo keeps only the last run's components)
    path.write_bytes((SAMPLE / path.relative_to(root)).read_bytes())
    seen.clear()
    assert lint_json(root) == cold
    assert len(paths) == len(records(root))


@pytest.mark.parametrize("damage", ["garbage", "bad-row", "negative-size", "forged-in-state"])
def test_a_damaged_memo_is_not_trusted(tmp_path: Path, seen: list[DuplicateGroups], damage: str) -> None:
    root = copy_sample(tmp_path)
    lint_json(root)
    memo = root / MEMO / "D003.json"
    if damage == "garbage":
        memo.write_bytes(b"\x00{not json")
    else:
        document = json.loads(memo.read_text(encoding="utf-8"))
        for digest, text in document["components"].items():  # each component's findings: one JSON text
            by_rel = json.loads(text)
            for rel, row in by_rel.items():
                by_rel[rel] = [row[0], "0.9", row[2]] if damage == "bad-row" else [row[0], row[1], -1]
            document["components"][digest] = json.dumps(by_rel, ensure_ascii=False)
        if damage != "forged-in-state":
            document["run"] = "0" * 32  # not the state's: its findings are made from the memo, so all checked
        write_memo(memo, document, forged=damage == "forged-in-state")
    incremental = retitle(records(root)[2], "第九百零一号独有主题事项", seen)
    assert incremental == lint_json(root, "--no-cache")
    if damage == "forged-in-state":  # trusted without reading the reused components' rows
        assert any(c.reused for c in seen[0].components)
    else:  # D003's memo is unusable: every component scored
        assert not any(c.reused for c in seen[0].components)


def test_a_forged_memo_naming_another_file_is_not_fatal(tmp_path: Path, seen: list[DuplicateGroups]) -> None:
    """A well-formed memo row whose partner lies outside its component (possible only in a forged cache) is
    dropped, never a traceback."""
    root = copy_sample(tmp_path)
    lint_json(root)
    memo = root / MEMO / "D003.json"
    document = json.loads(memo.read_text(encoding="utf-8"))
    for digest, text in document["components"].items():
        by_rel = json.loads(text)
        for rel, row in by_rel.items():
            by_rel[rel] = ["records/nowhere.yaml", row[1], row[2]]
        document["components"][digest] = json.dumps(by_rel, ensure_ascii=False)
    document["run"] = "0" * 32  # not the state's: its findings are made from the memo
    write_memo(memo, document, forged=True)
    incremental = retitle(records(root)[2], "第九百零二号独有主题事项", seen)
    assert not any("nowhere" in line for line in incremental)


def test_a_changed_scope_set_reuses_nothing(tmp_path: Path, seen: list[DuplicateGroups]) -> None:
    """Scope similarity is weighted by the scope texts of the whole catalog: a new scope text changes every
    component's digest."""
    root = copy_sample(tmp_path)
    lint_json(root)
    path = records(root)[4]
    data = load(path)
    data["scope"] = "本文件规定了一项从未有过的独特适用范围。"
    dump(path, data)
    seen.clear()
    assert lint_json(root) == lint_json(root, "--no-cache")
    assert seen[0].components and not any(c.reused for c in seen[0].components)


def test_a_national_catalog_title_edit_after_a_forked_cold_run(tmp_path: Path, seen: list[DuplicateGroups]) -> None:
    """Above the fork threshold the cold run's D rules run in a child process, which writes the memo; the next
    title edit scores one neighbourhood of a look-alike catalog and equals a cold run."""
    from generate import generate_sibling_catalog

    root = tmp_path / "national"
    generate_sibling_catalog(root, 1600, seed=3)
    time.sleep(RACY_NS / 1e9 + 0.1)  # content hashes are trusted only for files older than this
    lint_json(root)
    assert (root / MEMO / "D003.json").is_file()
    path = records(root)[0]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("title: ", "title: 新编", 1), encoding="utf-8")
    seen.clear()
    incremental = lint_json(root, "--jobs", "1")  # in this process, so that the spy sees the groups
    assert incremental == lint_json(root, "--no-cache")
    components = seen[0].components
    scored = sum(len(c.rels) for c in components if not c.reused)
    assert scored < sum(len(c.rels) for c in components) // 2, scored
    assert d_findings(incremental)
    # the next title edit re-runs the D rules in a forked child (as a cold run does): the same result
    other = records(root)[1]
    other.write_text(other.read_text(encoding="utf-8").replace("title: ", "title: 新编", 1), encoding="utf-8")
    assert lint_json(root) == lint_json(root, "--no-cache")


@pytest.fixture
def remade(monkeypatch: pytest.MonkeyPatch) -> dict[str, frozenset[str] | None]:
    """Per D rule, the record files the last lint run in this process re-made the findings of (None: every
    file; the others' findings were left in the state as they were)."""
    from gbstd import linting

    found: dict[str, frozenset[str] | None] = {}
    real = linting._distribute

    def spy(state: Any, code: str, produced: Any, fresh: bool = False, only: frozenset[str] | None = None) -> set[str]:
        if code.startswith("D"):
            found[code] = only
        return real(state, code, produced, fresh, only)

    monkeypatch.setattr(linting, "_distribute", spy)
    return found


def test_a_title_edit_leaves_the_reused_components_findings_in_the_state(
    tmp_path: Path, seen: list[DuplicateGroups], remade: dict[str, frozenset[str] | None]
) -> None:
    """The state written with the memo holds the reused components' findings: the D rules do not make them
    again (one finding per record of the catalog, at national scale), and the result is a cold run's."""
    root = copy_sample(tmp_path)
    lint_json(root)
    assert remade and all(files is None for files in remade.values())  # a full run makes every file's
    path = records(root)[2]
    incremental = retitle(path, "第九百零三号独有主题事项", seen)
    assert incremental == lint_json(root, "--no-cache")
    reused = {rel for c in seen[0].components if c.reused for rel in c.rels}
    scored = {rel for c in seen[0].components if not c.reused for rel in c.rels}
    assert reused and set(remade) == {"D001", "D002", "D003"}
    # re-made: the scored components' files (and those that lost a finding), never a reused component's
    assert all(files is not None and scored <= files and not files & reused for files in remade.values())
    assert path.relative_to(root).as_posix() not in reused
    # the next edit starts from the state and memo this run wrote together: still left, still a cold run's result
    remade.clear()
    again = retitle(records(root)[3], "第九百零四号独有主题事项", seen)
    assert again == lint_json(root, "--no-cache")
    assert remade["D001"] is not None


def test_a_memo_not_written_with_the_state_is_read_not_trusted_for_the_state(
    tmp_path: Path, seen: list[DuplicateGroups], remade: dict[str, frozenset[str] | None]
) -> None:
    """A memo written by another run than the state's (here: its run token changed) still saves scoring, but
    the reused components' findings are made again from it, not taken from the state's files."""
    root = copy_sample(tmp_path)
    lint_json(root)
    for memo in (root / MEMO).glob("*.json"):
        document = json.loads(memo.read_text(encoding="utf-8"))
        document["run"] = "0" * 32
        memo.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    incremental = retitle(records(root)[2], "第九百零五号独有主题事项", seen)
    assert incremental == lint_json(root, "--no-cache")
    assert any(c.reused for c in seen[0].components)
    assert set(remade) == {"D001", "D002", "D003"} and all(files is None for files in remade.values())


def test_a_damaged_state_shard_found_during_a_title_edit_means_a_full_run(
    tmp_path: Path, seen: list[DuplicateGroups]
) -> None:
    """The state's shards a re-run rule's findings can change are read after it ran: a damaged one found then
    gives way to a full run — the same findings, no traceback, and the shard written again."""
    from gbstd.incremental import state_shard

    root = copy_sample(tmp_path)
    cold = [json.loads(line) for line in lint_json(root)]
    # an edited record and a file, in another shard, whose D finding names it as the partner: that finding
    # changes with the edited title, so the file's shard is read
    codes = {rel: load(root / rel)["code"] for c in seen[-1].components for rel in c.rels}
    edited, other = next(
        (rel, finding["path"]) for rel, code in codes.items() for finding in cold
        if finding["rule"].startswith("D") and f"{code}《" in finding["message"]
        and state_shard(finding["path"]) != state_shard(rel)
    )
    shard = root / ".gbstd-cache" / "lint-state" / f"{state_shard(other)}.json"
    shard.write_bytes(b"\x00{not json")
    incremental = retitle(root / edited, "第九百零六号独有主题事项", seen)
    assert len(seen) == 2  # the incremental run's detection, then the full run's (in this process: a small catalog)
    assert incremental == lint_json(root, "--no-cache")
    assert json.loads(shard.read_bytes())["entries"]


@pytest.mark.parametrize("damaged", [False, True])
def test_the_state_is_read_ahead_while_the_d_rules_child_is_at_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damaged: bool
) -> None:
    """While the child detects duplicates, this process reads the state's shards instead of waiting idle:
    a slow child leaves it time to read every one. A damaged shard stops the reading ahead (the run then
    reads what it needs, or gives way to a full run): the findings are a cold run's either way."""
    import gbstd.linting as linting
    from gbstd.incremental import LintState

    root = standby_catalog(tmp_path, monkeypatch)
    monkeypatch.setattr(lint_standby, "STANDBY_THRESHOLD", 10**9)  # the child forked with the job
    if damaged:
        (root / ".gbstd-cache" / "lint-state" / "00.json").write_bytes(b"\x00{not json")
    child = engine._check_in_child
    monkeypatch.setattr(engine, "_check_in_child", lambda *args: (time.sleep(1.0), child(*args)))
    read: list[tuple[int, int]] = []
    ahead = linting._read_ahead

    def spy(state: LintState, *args: Any) -> None:
        ahead(state, *args)
        read.append((len(state.loaded), state.count))

    monkeypatch.setattr(linting, "_read_ahead", spy)
    incremental = retitled(root)
    assert read
    loaded, count = read[0]
    assert loaded < count if damaged else loaded == count
    assert incremental == lint_json(root, "--no-cache")


def test_a_state_of_more_shards_is_not_read_ahead() -> None:
    """Above the fewest shards (a national catalog: 2 048) the child's findings change a few hundred of them:
    reading the others while it works slowed it, so none is read ahead."""
    import gbstd.linting as linting
    from gbstd.incremental import SHARD_COUNTS, LintState

    class Waiting:  # a child that never reports
        def waiting(self) -> bool:
            return True

    for count, read in ((SHARD_COUNTS[0], SHARD_COUNTS[0]), (SHARD_COUNTS[1], 0)):
        state = LintState("head", "", count=count)  # no shard holds an entry: each is read without a file
        linting._read_ahead(state, None, Waiting())  # type: ignore[arg-type]
        assert len(state.loaded) == read


def _view(groups: DuplicateGroups, rels: set[str]) -> tuple[list[Any], list[Any]]:
    """The groups whose members are all in ``rels`` (members, pairs with scores and kinds) and those records'
    strongest partners of each kind, as plain values."""
    found = sorted(
        (sorted(r.rel for r in g.members), sorted((p.a_record.rel, p.b_record.rel, p.score, p.kind.value) for p in g.pairs),
         g.pair_count, g.kind.value)
        for g in groups.groups if all(r.rel in rels for r in g.members)
    )
    by_id = {id(r): r for g in groups.groups for r in g.members}
    partners = sorted(
        (by_id[key].rel, kind.value, partner.count, [(p.a_record.rel, p.b_record.rel, p.score) for p in partner.pairs])
        for (key, kind), partner in groups.partners.items() if key in by_id and by_id[key].rel in rels
    )
    return found, partners


def test_comparing_only_the_components_not_reused_finds_what_a_full_run_finds_there(tmp_path: Path) -> None:
    """A run that reuses some components compares the records of the others alone, and finds in them the same
    groups, pairs, scores and partners as a run that compares every record (the reused ones' groups are left
    out); the components and digests do not depend on what is reused."""
    import random

    from generate import generate_sibling_catalog

    from gbstd.catalog.loader import load_catalog
    from gbstd.similarity import find_groups

    root = tmp_path / "national"
    generate_sibling_catalog(root, 400, seed=5)
    for path in records(root)[::4]:  # a boilerplate scope: shared by too many subjects to count (globally)
        data = load(path)
        data["scope"] = "本文件适用于本行政区域内各级党政机关的相关工作。"
        dump(path, data)
    catalog = load_catalog(root)
    full = find_groups(catalog, components=True)
    assert len(full.components) > 10 and not any(c.reused for c in full.components)
    assert find_groups(catalog, reuse=lambda digest: False).components == full.components
    assert find_groups(catalog).components == []  # not asked for: not listed
    rng = random.Random(7)
    alone = [{c.digest for c in full.components} - {one.digest} for one in full.components]  # one scored
    compared = 0
    for kept in [*alone, *({c.digest for c in full.components if rng.random() < 0.6} for _ in range(3))]:
        part = find_groups(catalog, reuse=kept.__contains__)
        assert [(c.digest, c.rels) for c in part.components] == [(c.digest, c.rels) for c in full.components]
        assert {c.digest for c in part.components if c.reused} == kept
        scored = {rel for c in full.components if c.digest not in kept for rel in c.rels}
        reused = {rel for c in full.components if c.digest in kept for rel in c.rels}
        assert _view(part, scored) == _view(full, scored)
        compared += len(_view(full, scored)[0])
        assert not any(r.rel in reused for g in part.groups for r in g.members)  # never compared
    assert compared > 40  # groups found in the components scored


def test_a_forked_cold_run_writes_the_memo_an_in_process_run_writes(tmp_path: Path) -> None:
    """Above the fork threshold the child writes the D memo after it sent its findings; lint waits for it, and
    it holds what a run in one process writes (the run token aside)."""
    from generate import generate_sibling_catalog

    root = tmp_path / "national"
    generate_sibling_catalog(root, 1600, seed=4)
    time.sleep(RACY_NS / 1e9 + 0.1)
    forked = lint_json(root)

    def memos() -> dict[str, Any]:
        found = {}
        for path in sorted((root / MEMO).glob("*.json")):
            document = json.loads(path.read_text(encoding="utf-8"))
            if path.name != "subjects.json":  # what detection worked out per title is no run's own
                assert len(document.pop("run")) == 32
            found[path.name] = document
        return found

    written = memos()
    assert set(written) == MEMO_FILES
    assert written["D001.json"]["components"] and written["subjects.json"]["subjects"]
    shutil.rmtree(root / ".gbstd-cache")
    assert lint_json(root, "--jobs", "1") == forked
    assert memos() == written


def test_a_title_edit_rewrites_only_the_state_shards_of_the_files_it_changes(
    tmp_path: Path, seen: list[DuplicateGroups]
) -> None:
    """The duplicate findings a title edit changes lie in a few files: only their state shards are written."""
    from gbstd.incremental import state_shard

    root = copy_sample(tmp_path)
    cold = lint_json(root)
    state = root / ".gbstd-cache" / "lint-state"
    before = {p.name: p.stat().st_mtime_ns for p in state.glob("*.json")}
    time.sleep(RACY_NS / 1e9)
    component = next(c for c in seen[-1].components if len(c.rels) > 2)
    incremental = retitle(root / component.rels[0], "第九百零二号独有主题事项管理规范", seen)
    assert incremental == lint_json(root, "--no-cache")

    def by_path(lines: list[str]) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for line in lines:
            found.setdefault(json.loads(line)["path"], []).append(line)
        return found

    old, new = by_path(cold), by_path(incremental)
    changed = {path for path in {*old, *new} if old.get(path) != new.get(path)} | {component.rels[0]}
    assert len(changed) > 2  # the group's members: their findings name the group's size
    rewritten = {p.name for p in state.glob("*.json") if p.stat().st_mtime_ns != before.get(p.name)}
    assert rewritten and rewritten <= {f"{state_shard(path)}.json" for path in changed}
    assert len(rewritten) < len(before)


@pytest.mark.parametrize("forged", [True, False])
def test_an_unreadable_memo_entry_of_a_changed_component_means_a_full_run(
    tmp_path: Path, seen: list[DuplicateGroups], forged: bool
) -> None:
    """The memo written with the state is trusted without reading the reused components' findings; those of a
    component that changed are read, to learn which files lost one. An entry damaged on disk fails the memo's
    checksum (everything is scored); a forged one that cannot be read makes the run a full one — never a lost
    finding left behind."""
    root = copy_sample(tmp_path)
    cold = lint_json(root)
    finding = d_findings(cold)[0]
    rel, code = finding["path"], finding["rule"]
    component = next(c for c in seen[-1].components if rel in c.rels)
    memo = root / MEMO / f"{code}.json"
    document = json.loads(memo.read_text(encoding="utf-8"))
    document["components"][component.digest] = "{not json"  # the run token kept: the state's memo
    write_memo(memo, document, forged=forged)
    incremental = retitle(root / rel, "第九百零七号独有主题事项", seen)
    assert incremental == lint_json(root, "--no-cache")
    assert not any(f["path"] == rel and f["rule"] == code for f in d_findings(incremental))
    assert any(c.reused for c in seen[0].components) is forged
    # forged: the incremental run's detection, the full run's after it, the cold run's above
    assert len(seen) == (3 if forged else 2)


@pytest.mark.parametrize("child_dies", [False, True])
def test_a_title_edit_starts_the_d_rules_child_before_loading_the_catalog(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, child_dies: bool
) -> None:
    """The child of an incremental run loads its own catalog while this process loads its own (no pages
    shared, none copied on a first write): it is forked before the load, and the result is a cold run's;
    a child that dies leaves the D rules to this process, with the same result."""
    import os

    import gbstd.engine as engine
    import gbstd.linting as linting

    if len(os.sched_getaffinity(0)) < 2:
        pytest.skip("the child runs only with two or more cores")
    root = copy_sample(tmp_path)
    lint_json(root)
    monkeypatch.setattr(engine, "FORK_THRESHOLD", 0)
    if child_dies:
        monkeypatch.setattr(engine, "_check_in_child", lambda out, ctx, rules: os._exit(9))
    events: list[str] = []
    start, load_catalog = engine.RuleRunner._start, linting.load_catalog

    def forked(self: engine.RuleRunner, rules: list[Any]) -> None:
        events.append("fork")
        start(self, rules)

    def loaded(*args: Any, **kwargs: Any) -> Any:
        events.append("load")  # the child's load is counted in its own copy of the list
        return load_catalog(*args, **kwargs)

    monkeypatch.setattr(engine.RuleRunner, "_start", forked)
    monkeypatch.setattr(linting, "load_catalog", loaded)
    path = records(root)[0]
    data = load(path)
    data["title"] = "第九百号独有主题事项管理规范"
    dump(path, data)
    incremental = lint_json(root, "--jobs", "2")
    assert events == ["fork", "load"]
    assert incremental == lint_json(root, "--no-cache")
    assert d_findings(incremental)


def standby_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The sample, linted once (its lint state written), with the D rules' child and the standby forked
    whatever the catalog's size; skipped on one core."""
    if len(os.sched_getaffinity(0)) < 2:
        pytest.skip("the child runs only with two or more cores")
    root = copy_sample(tmp_path)
    lint_json(root)
    monkeypatch.setattr(engine, "FORK_THRESHOLD", 0)
    monkeypatch.setattr(lint_standby, "STANDBY_THRESHOLD", 0)
    return root


def retitled(root: Path) -> list[str]:
    """The first record given a title of its own, then linted (findings as :func:`lint_json` gives them)."""
    path = records(root)[0]
    data = load(path)
    data["title"] = "第九百号独有主题事项管理规范"
    dump(path, data)
    return lint_json(root, "--jobs", "2")


def standbys_started(monkeypatch: pytest.MonkeyPatch) -> list[engine.Standby]:
    """Every standby forked from now on, in order."""
    started: list[engine.Standby] = []
    start = engine.Standby.start.__func__  # type: ignore[attr-defined]

    def spy(cls: type[engine.Standby], *args: Any) -> engine.Standby | None:
        standby = start(cls, *args)
        started.extend([standby] if standby is not None else [])
        return standby

    monkeypatch.setattr(engine.Standby, "start", classmethod(spy))
    return started


@pytest.mark.parametrize("dies", [None, "ready", "job"])
def test_a_standby_forked_before_the_disk_is_checked_runs_the_d_rules_of_a_title_edit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dies: str | None
) -> None:
    """An incremental run forks the D rules' child as soon as the lint state is found (gbstd.lint_standby): it
    loads the catalog as the cache last knew it, and is handed the job once the run knows the D rules must run
    again; the result is a cold run's. A standby that dies while it gets ready, or once handed its job, leaves
    the D rules to this process, with the same result."""
    root = standby_catalog(tmp_path, monkeypatch)
    if dies == "ready":
        monkeypatch.setattr(lint_standby, "reusable", lambda catalog: os._exit(9))
    if dies == "job":
        monkeypatch.setattr(lint_standby, "rerun_context", lambda *args: os._exit(9))
    handed: list[tuple[int, int] | None] = []
    hand = engine.Standby.hand

    def spy(self: engine.Standby, codes: list[str], job: object) -> tuple[int, int] | None:
        handed.append(hand(self, codes, job))
        assert sorted(codes) == ["D001", "D002", "D003"]
        return handed[-1]

    monkeypatch.setattr(engine.Standby, "hand", spy)
    incremental = retitled(root)
    assert len(handed) == 1 and handed[0] is not None  # the standby took the job: no second fork
    assert incremental == lint_json(root, "--no-cache")
    assert d_findings(incremental)


def test_a_standby_that_gets_no_job_is_stopped_and_reaped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No D rule to run again (a comment, nothing changed, a full run): the standby is killed and waited for
    before lint returns, never left behind in a long-lived process."""
    root = standby_catalog(tmp_path, monkeypatch)
    started = standbys_started(monkeypatch)
    monkeypatch.setattr(engine.Standby, "hand", lambda *args: pytest.fail("no job to hand"))
    path = records(root)[0]
    with path.open("a", encoding="utf-8") as handle:
        handle.write("# a comment\n")
    assert lint_json(root) == lint_json(root, "--no-cache")  # a comment: no D rule runs again
    lint_json(root)  # nothing changed: the stored result
    (root / "projects").mkdir(exist_ok=True)
    (root / "projects" / "stray.yaml").write_text("id: P-1\n", encoding="utf-8")
    lint_json(root)  # a shared file changed: a full run
    assert len(started) == 3
    for standby in started:
        with pytest.raises(ChildProcessError):  # reaped: no such child any more
            os.waitpid(standby._pid, os.WNOHANG)


def test_a_standby_is_forked_by_the_catalogs_size_as_the_last_run_listed_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The standby is forked before the run lists the files, so the size it is judged by is the one the lint
    state keeps from the last run: no standby below the threshold, one at it."""
    from gbstd.linting import files_linted

    root = standby_catalog(tmp_path, monkeypatch)
    listed = json.loads((root / ".gbstd-cache" / "lint-state.json").read_text(encoding="utf-8"))["listed"]
    assert listed == len(files_linted(root, root / ".gbstd-cache")) > 0
    started = standbys_started(monkeypatch)
    monkeypatch.setattr(lint_standby, "STANDBY_THRESHOLD", listed + 1)
    assert retitled(root) == lint_json(root, "--no-cache")
    assert started == []
    monkeypatch.setattr(lint_standby, "STANDBY_THRESHOLD", listed)
    lint_json(root)
    assert len(started) == 1


@pytest.mark.parametrize("records_dir", ["records", "./records", "."])
def test_a_standby_preloads_the_record_files_the_cache_knows(tmp_path: Path, records_dir: str) -> None:
    """What a standby loads while it waits is taken from the cache's file table, not a walk: the record files
    lint last hashed, with those hashes, and nothing else."""
    from gbstd.catalog.cache import Cache
    from gbstd.catalog.config_file import load_config
    from gbstd.catalog.loader import record_rels
    from gbstd.lint_standby import _records_last_hashed

    root = copy_sample(tmp_path)
    if records_dir == ".":  # the whole catalog is the records directory (a flat catalog)
        flat = tmp_path / "flat"
        shutil.copytree(root / "records", flat)
        shutil.copy(root / "gbstd.toml", flat / "gbstd.toml")
        root = flat
    config_file = root / "gbstd.toml"
    text = config_file.read_text(encoding="utf-8")
    config_file.write_text(text.replace('records = "records"', f'records = "{records_dir}"'), encoding="utf-8")
    config = load_config(root)
    assert config.catalog.records == records_dir
    lint_json(root)
    cache = Cache.open(root, config)
    expected = cache.last_hashes(record_rels(root, config))
    assert len(expected) == len(record_rels(root, config)) > 10
    assert _records_last_hashed(root, config, cache) == expected


def test_a_standby_writes_nothing_to_the_cache_before_its_job(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A standby may be killed at any moment until it is handed its job: it writes nothing meanwhile, even
    when the cache lacks the parsed data it had to read the files again for (no half-written shard, none of
    a cache older than the run's). Here nothing changed, the stored result stands and no job comes."""
    import gbstd.linting as linting

    root = standby_catalog(tmp_path, monkeypatch)
    cache = root / ".gbstd-cache"
    shutil.rmtree(cache / "records")
    shutil.rmtree(cache / "positions", ignore_errors=True)
    known = linting._known_hashes

    def slow(*args: Any) -> Any:  # the standby gets ready (and would write) while the disk is checked
        time.sleep(1.0)
        return known(*args)

    monkeypatch.setattr(linting, "_known_hashes", slow)
    assert lint_json(root) == lint_json(root, "--no-cache")
    assert not (cache / "records").exists() and not list(cache.rglob("*.tmp"))


def test_a_standby_that_cannot_be_handed_its_job_is_stopped_and_the_d_rules_still_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The job cannot reach the standby (no thread to write it): the standby is stopped and reaped at once, and
    the D rules run in a child forked afresh, with a cold run's result."""
    import threading

    root = standby_catalog(tmp_path, monkeypatch)
    real_start = threading.Thread.start

    def no_writer(self: threading.Thread) -> None:
        if getattr(self, "_target", None) is engine._write_all:
            raise RuntimeError("can't start new thread")
        real_start(self)

    started = standbys_started(monkeypatch)
    monkeypatch.setattr(threading.Thread, "start", no_writer)
    incremental = retitled(root)
    assert len(started) == 1
    with pytest.raises(ChildProcessError):
        os.waitpid(started[0]._pid, os.WNOHANG)
    assert incremental == lint_json(root, "--no-cache")
    assert d_findings(incremental)


def test_a_changed_since_run_takes_the_components_the_memo_knows(tmp_path: Path, seen: list[DuplicateGroups]) -> None:
    """A pull request's run (`--changed-since`) reports on the changed files from the whole catalog's findings
    as lint finds them, through the cache and the lint state; its D rules score only the candidate components
    the lint cache's memo does not know, find what a run without the cache finds, and leave the state a plain
    run starts from."""
    from tests.git_catalog import commit, new_repo

    repo = new_repo(tmp_path / "repo")
    root = Path(str(repo.working_tree_dir)) / "catalog"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".gbstd-cache"))
    commit(repo, "the sample")
    edited = records(root)[5]
    data = load(edited)
    data["title"] = "第九百号独有主题事项管理规范"
    dump(edited, data)
    commit(repo, "a title")
    seen.clear()
    first = lint_json(root, "--changed-since", "HEAD~1", "--jobs", "1")
    assert seen and not any(c.reused for c in seen[-1].components)  # no memo yet: every component scored
    assert {p.name for p in (root / MEMO).glob("*.json")} == MEMO_FILES
    seen.clear()
    again = lint_json(root, "--changed-since", "HEAD~1", "--jobs", "1")
    assert not seen  # nothing changed since: the whole catalog's findings are the stored result's
    assert again == first == lint_json(root, "--changed-since", "HEAD~1", "--no-cache")
    assert {json.loads(row)["path"] for row in first} <= {edited.relative_to(root).as_posix()}
    seen.clear()
    lint_json(root, "--jobs", "1")
    assert not seen  # a plain run after it: the same stored result
    data["title"] = "第九百零一号独有主题事项管理规范"  # an edit not yet committed: an incremental run
    dump(edited, data)
    third = lint_json(root, "--changed-since", "HEAD~1", "--jobs", "1")
    assert seen and all(c.reused for c in seen[-1].components)  # a subject of its own: no component touched
    assert third == lint_json(root, "--changed-since", "HEAD~1", "--no-cache")
