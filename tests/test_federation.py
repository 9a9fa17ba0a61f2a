"""A federation of catalogs (issue 19): the sample catalog split into three members plus an empty federating
catalog reads as the same catalog — records, lint findings (paths prefixed by member), duplicate groups — with
one member a git repository fetched over a file:// URL by `gbstd federation sync`."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gbstd.catalog.cache import RESULT_FILE
from gbstd.catalog.config_file import load_config
from gbstd.catalog.federation import load_union
from gbstd.catalog.loader import load_catalog
from gbstd.cli.app import app
from gbstd.engine import Selection
from gbstd.federated_lint import lint_union
from tests.federation_support import (
    DIRS,
    HENAN,
    NATIONAL,
    PROVINCES,
    SAMPLE,
    git,
    make_repo,
    split_sample,
    unsplit_path,
)

runner = CliRunner()
AS_OF = "2026-11-23"


@pytest.fixture(scope="module")
def federation(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = split_sample(tmp_path_factory.mktemp("federation"), git_members=[NATIONAL])
    result = runner.invoke(app, ["federation", "sync", str(root)])
    assert result.exit_code == 0, result.output
    return root


def _json(args: list[str], code: int | None = None) -> object:
    result = runner.invoke(app, args)
    if code is not None:
        assert result.exit_code == code, result.output
    return json.loads(result.stdout)


def test_the_union_holds_the_same_records_each_named_by_its_member(federation: Path) -> None:
    union, whole = load_union(federation), load_catalog(SAMPLE)
    assert sorted((unsplit_path(r.rel), r.key) for r in union.records) == sorted((r.rel, r.key) for r in whole.records)
    for record in union.records:
        assert record.member is not None and record.rel.startswith(record.member + "/")
        assert record.path.is_file()
    assert sorted(unsplit_path(p.rel) for p in union.projects) == sorted(p.rel for p in whole.projects)
    assert [p.member for p in union.plans] == [HENAN]
    assert [n.member for n in union.notes] == [None]  # the federating catalog's own
    assert union.system == whole.system and union.system_rel == "system.yaml"
    assert [m.name for m in union.members] == [HENAN, PROVINCES, NATIONAL]
    national = union.members[2]
    assert national.kind == "git" and national.commit == git(federation.parent / DIRS[NATIONAL], "rev-parse", "HEAD")
    assert national.fetched_at and national.records == sum(1 for r in union.records if r.member == NATIONAL)


def test_lint_finds_the_same_findings_with_member_paths(federation: Path) -> None:
    args = ["--format", "json", "--as-of", AS_OF]
    whole = runner.invoke(app, ["lint", str(SAMPLE), "--no-cache", *args])
    split = runner.invoke(app, ["lint", str(federation), *args])
    assert split.exit_code == whole.exit_code, split.output
    found, expected = json.loads(split.stdout), json.loads(whole.stdout)
    assert expected  # the sample has findings to compare
    assert any(f["path"].startswith(f"{HENAN}/") for f in found)
    assert all(f["line"] > 0 for f in found)  # positions resolved inside the members' files
    key = ("rule", "severity", "line", "column", "record", "message")
    assert sorted((unsplit_path(f["path"]), *(f[k] for k in key)) for f in found) == sorted(
        (f["path"], *(f[k] for k in key)) for f in expected
    )


def _unsplit(value: object) -> object:
    """JSON output with member paths as the sample's and lists of codes in one order (the union lists its
    records member by member, the sample by path)."""
    if isinstance(value, dict):
        return {k: unsplit_path(v) if k.endswith("path") and isinstance(v, str) else _unsplit(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [_unsplit(v) for v in value]
        return sorted(items) if all(isinstance(v, str) for v in items) else items
    return value


def test_dupes_finds_the_same_groups(federation: Path) -> None:
    whole = _json(["dupes", str(SAMPLE), "--format", "json"], 0)
    split = _json(["dupes", str(federation), "--format", "json"], 0)
    assert whole and _unsplit(split) == _unsplit(whole)
    assert any(p["a_path"].split("/")[0] != p["b_path"].split("/")[0] for g in split for p in g["pairs"])


def _ordered(value: object) -> object:
    """JSON with every list sorted and every member key dropped: the same figures whatever the record order."""
    if isinstance(value, dict):
        return {k: _ordered(v) for k, v in value.items() if "member" not in k}
    if isinstance(value, list):
        return sorted((_ordered(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def test_the_bulletin_has_the_same_figures(federation: Path, tmp_path: Path) -> None:
    figures = []
    for catalog in (SAMPLE, federation):
        out = tmp_path / f"{len(figures)}.json"
        result = runner.invoke(app, ["report", "bulletin", str(catalog), "--period", "2023H2", "-f", "json",
                                     "-o", str(out), "--as-of", AS_OF])
        assert result.exit_code == 0, result.output
        figures.append(_ordered(_unsplit(json.loads(out.read_text(encoding="utf-8"))["figures"])))
    assert figures[0] == figures[1] and figures[0]


def test_review_and_system_read_the_union(federation: Path) -> None:
    for command in (["review", "--format", "json"], ["system", "--format", "json"]):
        whole = _json([*command, str(SAMPLE), "--as-of", AS_OF], 0)
        split = _json([*command, str(federation), "--as-of", AS_OF], 0)
        assert whole and _unsplit(split) == _unsplit(whole)


def test_status_lists_members_with_commit_and_counts(federation: Path) -> None:
    rows = _json(["federation", "status", str(federation), "--format", "json"], 0)["members"]
    assert [(r["name"], r["kind"], r["state"]) for r in rows] == [
        (HENAN, "path", "ok"), (PROVINCES, "path", "ok"), (NATIONAL, "git", "ok")
    ]
    union = load_union(federation)
    assert [r["records"] for r in rows] == [sum(1 for x in union.records if x.member == m) for m in DIRS]
    assert rows[2]["commit"] == git(federation.parent / DIRS[NATIONAL], "rev-parse", "HEAD")
    assert rows[2]["fetched_at"] and rows[0]["fetched_at"] is None
    text = runner.invoke(app, ["federation", "status", str(federation), "--lang", "en"])
    assert text.exit_code == 0 and HENAN in text.stdout and rows[2]["commit"][:12] in text.stdout


@pytest.mark.parametrize(("members", "said"), [
    ('name = "A"\npath = "."\n', "(a loop)"),
    ('name = "H"\npath = "../henan"\n\n[[federation.members]]\nname = "H2"\npath = "../henan/"\n',
     "members H and H2 are the same directory"),
    ('name = "records"\npath = "../henan"\n', "member name records is also the name of a file or directory"),
    ('name = "P"\npath = ".."\n', "(a loop)"),  # a parent holding the federating catalog
])
def test_status_refuses_the_member_lists_every_command_refuses(tmp_path: Path, members: str, said: str) -> None:
    # status said ok and exited 0 where lint, dupes, report and review all refused the configuration
    shutil.copytree(SAMPLE, tmp_path / "henan", ignore=shutil.ignore_patterns(".gbstd-cache"))
    (tmp_path / "gbstd.toml").write_text("", encoding="utf-8")  # the parent is a catalog too
    nat = tmp_path / "nat"
    (nat / "records").mkdir(parents=True)
    (nat / "gbstd.toml").write_text(f'[catalog]\nrecords = "records"\n\n[[federation.members]]\n{members}',
                                    encoding="utf-8")
    assert runner.invoke(app, ["lint", str(nat)]).exit_code == 2
    result = runner.invoke(app, ["federation", "status", str(nat), "--lang", "en", "--format", "json"])
    assert result.exit_code == 1
    assert "invalid" in [row["state"] for row in json.loads(result.stdout)["members"]]
    assert said in " ".join(result.stderr.split()) or said in result.stdout


def test_each_path_named_must_hold_files_of_the_federation(federation: Path, tmp_path: Path) -> None:
    # a path outside the union was dropped without a word (the whole union reported, or nothing of that path)
    stranger = tmp_path / "stranger.yaml"
    stranger.write_text("x: 1\n", encoding="utf-8")
    result = runner.invoke(app, ["lint", str(federation), str(stranger), "--lang", "en", "--as-of", AS_OF])
    assert result.exit_code == 2 and f"{stranger} holds no file of the federation" in " ".join(result.stderr.split())
    member_file = next((federation.parent / DIRS[HENAN] / "records").rglob("*.yaml"))  # by its real path
    found = _json(["lint", str(federation / "system.yaml"), str(member_file), "--format", "json", "--as-of", AS_OF])
    shown = f"{HENAN}/{member_file.relative_to(federation.parent / DIRS[HENAN]).as_posix()}"
    assert shown in {f["path"] for f in found} and {f["path"] for f in found} <= {shown, "system.yaml"}
    same = _json(["lint", str(federation / "system.yaml"), str(federation / "system.yaml"), "--format", "json",
                  "--as-of", AS_OF])
    assert {f["path"] for f in same} <= {"system.yaml"}  # one path named twice: still only that path


def test_member_narrows_every_command(federation: Path) -> None:
    found = _json(["lint", str(federation), "--format", "json", "--as-of", AS_OF, "--member", HENAN])
    assert any(f["path"].startswith(f"{HENAN}/") for f in found)
    assert not any(f["path"].startswith((f"{PROVINCES}/", f"{NATIONAL}/")) for f in found)
    assert load_union(federation, members=[HENAN]).members[0].name == HENAN
    catalog = _json(["dupes", str(federation), "-f", "json", "--member", PROVINCES, "--member", NATIONAL], 0)
    codes = {code for group in catalog for code in group["members"]}
    assert codes and not any(code.startswith(("DB41", "HNJGSW")) for code in codes)
    for command in (["lint"], ["dupes"], ["review"], ["system"], ["report", "catalog"]):
        result = runner.invoke(app, [*command, str(federation), "--member", "江苏", "--lang", "en"])
        assert result.exit_code == 2, (command, result.output)
        assert "no member named 江苏" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_lint_on_a_file_of_the_federating_catalog_reports_that_file(federation: Path) -> None:
    inside = runner.invoke(app, ["lint", str(federation / "system.yaml"), "--format", "json", "--as-of", AS_OF])
    found = json.loads(inside.stdout)
    assert found and {f["path"] for f in found} == {"system.yaml"}


def test_a_code_in_two_members_is_one_finding_naming_both(tmp_path: Path) -> None:
    root = split_sample(tmp_path)
    source = tmp_path / DIRS[NATIONAL] / "records" / "national" / "GB-T-41568-2022.yaml"
    copy = tmp_path / DIRS[PROVINCES] / "records" / "national" / "GB-T-41568-2022.yaml"
    copy.parent.mkdir(parents=True)
    shutil.copy2(source, copy)
    found = _json(["lint", str(root), "--format", "json", "--select", "C008", "--lang", "en"], 1)
    assert len(found) == 1
    message = found[0]["message"]
    assert f"{PROVINCES}: {PROVINCES}/records/national/GB-T-41568-2022.yaml" in message
    assert f"{NATIONAL}: {NATIONAL}/records/national/GB-T-41568-2022.yaml" in message
    assert found[0]["path"] == f"{PROVINCES}/records/national/GB-T-41568-2022.yaml"  # the first member's file
    # within one member, every copy is still reported (C008's contract for one catalog)
    shutil.copy2(source, source.with_name("GB-T-41568-2022-copy.yaml"))
    copy.unlink()
    found = _json(["lint", str(root), "--format", "json", "--select", "C008"], 1)
    assert len(found) == 2 and all(f["path"].startswith(f"{NATIONAL}/") for f in found)


def test_changes_compares_each_catalog_in_its_own_repository(tmp_path: Path) -> None:
    root = split_sample(tmp_path, git_members=[NATIONAL])
    assert runner.invoke(app, ["federation", "sync", str(root)]).exit_code == 0
    for directory in (root, tmp_path / DIRS[HENAN], tmp_path / DIRS[PROVINCES]):
        (directory / ".gitignore").write_text(".gbstd-cache/\n", encoding="utf-8")
        make_repo(directory)
        git(directory, "tag", "v1")
    henan = tmp_path / DIRS[HENAN] / "records" / "local" / "DB41-T-2397-2023.yaml"
    henan.write_text(henan.read_text(encoding="utf-8").replace("status: 现行", "status: 废止"), encoding="utf-8")
    args = ["changes", str(root), "--since", "v1", "--format", "json", "--lang", "en"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and f"member {NATIONAL}:" in result.stderr, result.output  # a shallow copy
    result = runner.invoke(app, [*args, "--allow-missing"])
    assert result.exit_code == 0, result.output
    assert f"warning: member {NATIONAL}:" in result.stderr
    found = json.loads(result.stdout)
    assert [(c["path"], c["code"]) for c in found] == [
        (f"{HENAN}/records/local/DB41-T-2397-2023.yaml", "DB41/T 2397-2023")
    ]
    result = runner.invoke(app, [*args, "--member", PROVINCES])
    assert result.exit_code == 0 and json.loads(result.stdout) == []


def test_a_member_synced_with_its_history_is_compared_too(tmp_path: Path) -> None:
    # a git member was only a shallow copy: `changes --since v1` could not compare it, and said only that the
    # revision was unknown. Synced with --history it has its tags and commits.
    root = split_sample(tmp_path, git_members=[NATIONAL])
    repository = tmp_path / DIRS[NATIONAL]
    git(repository, "tag", "v1")
    record = next(path for path in sorted((repository / "records" / "national").glob("*.yaml"))
                  if "status: 现行" in path.read_text(encoding="utf-8"))
    record.write_text(record.read_text(encoding="utf-8").replace("status: 现行", "status: 废止", 1), encoding="utf-8")
    git(repository, "commit", "-q", "-am", "abolished")
    (root / ".gitignore").write_text(".gbstd-cache/\n", encoding="utf-8")
    make_repo(root)
    git(root, "tag", "v1")
    args = ["changes", str(root), "--since", "v1", "--format", "json", "--lang", "en", "--member", NATIONAL]
    assert runner.invoke(app, ["federation", "sync", str(root)]).exit_code == 0
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and "`gbstd federation sync --history` fetches it" in result.stderr
    synced = runner.invoke(app, ["federation", "sync", str(root), "--history"])
    assert synced.exit_code == 0, synced.output
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    found = [(c["path"], c["change"]) for c in json.loads(result.stdout)]
    assert found == [(f"{NATIONAL}/records/national/{record.name}", "abolished")]
    # the checkout is the synced commit, as without --history: lint reads the record abolished
    assert "status: 废止" in (root / ".gbstd-cache" / "federation" / NATIONAL / "records" / "national" /
                              record.name).read_text(encoding="utf-8")


def test_lint_caches_the_union_in_the_federating_catalog_only(tmp_path: Path) -> None:
    root = split_sample(tmp_path)
    args = ["lint", str(root), "--format", "json", "--as-of", AS_OF]
    first = _json(args)
    assert (root / ".gbstd-cache" / "union" / "lint" / RESULT_FILE).is_file()
    assert not any((tmp_path / d / ".gbstd-cache").exists() for d in DIRS.values())  # nothing in a member
    assert _json(args) == first == _json([*args, "--no-cache"])
    # an edit in a member is seen, by the cached run as by a fresh one
    henan = tmp_path / DIRS[HENAN] / "records" / "local" / "DB41-T-2397-2023.yaml"
    henan.write_text(henan.read_text(encoding="utf-8").replace("status: 现行", "status: 废止"), encoding="utf-8")
    edited = _json(args)
    assert edited != first and edited == _json([*args, "--no-cache"])
    assert any(f["path"] == f"{HENAN}/records/local/DB41-T-2397-2023.yaml" and f["rule"] == "C007" for f in edited)
    # so is a member's configuration, and the members chosen
    (tmp_path / DIRS[PROVINCES] / "gbstd.toml").write_text("[catalog]\nrecords = \"nothing\"\n", encoding="utf-8")
    fewer = _json(args)
    strays = {f["rule"] for f in fewer if f["path"].startswith(f"{PROVINCES}/records/")}
    assert strays == {"Y011"}  # no longer records: stray files of that member
    assert _json([*args, "--member", HENAN]) == _json([*args, "--member", HENAN, "--no-cache"])


def test_after_an_edit_the_duplicate_rules_score_only_what_it_touched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gbstd.rules import base

    root = split_sample(tmp_path)
    args = ["lint", str(root), "--format", "json", "--as-of", AS_OF]
    first = _json(args)
    assert any(f["rule"].startswith("D") for f in first)  # type: ignore[union-attr]
    assert (root / ".gbstd-cache" / "union" / "lint" / "dupes-memo" / "D001.json").is_file()
    seen: list[tuple[int, int]] = []  # per duplicate run: components reused, components

    def counting(*args: object, **kwargs: object) -> object:
        groups = find(*args, **kwargs)
        seen.append((sum(c.reused for c in groups.components), len(groups.components)))
        return groups

    find = base.find_groups
    monkeypatch.setattr(base, "find_groups", counting)
    henan = tmp_path / DIRS[HENAN] / "records" / "local" / "DB41-T-2397-2023.yaml"
    text = henan.read_text(encoding="utf-8")
    for title in ("机关公务用车服务规范", "机关食堂反食品浪费管理规范"):  # into another record's group, and back
        henan.write_text(text.replace("title: 机关食堂反食品浪费管理规范", f"title: {title}"), encoding="utf-8")
        edited = _json(args)
        reused, components = seen[-1]
        assert 0 < reused < components  # the untouched components came from the memo
        assert edited == _json([*args, "--no-cache"])
    assert edited == first


def test_an_unchanged_union_is_answered_from_the_cache(tmp_path: Path) -> None:
    root = split_sample(tmp_path)
    config, day = load_config(root), dt.date.fromisoformat(AS_OF)
    first, mounts = lint_union(root, config, day, Selection())
    again, same = lint_union(root, config, day, Selection())
    assert not first.from_cache and again.from_cache and same == mounts
    assert [f.to_json() for f in again.result.findings] == [f.to_json() for f in first.result.findings]
    assert not lint_union(root, config, day, Selection(select=["C"]))[0].from_cache  # other rules
    assert not lint_union(root, config, day, Selection(), members=[HENAN])[0].from_cache  # other members


def test_a_member_that_federates_its_cities_adds_them_under_its_name(tmp_path: Path) -> None:
    city = tmp_path / "zhengzhou"
    (city / "records" / "local").mkdir(parents=True)
    (city / "gbstd.toml").write_text("", encoding="utf-8")
    bad = "title: 办公用房管理规范\nstatus: 现行\ncode: DB4101/T 2-2020\n"  # C003: the file name is of 1-2020
    (city / "records" / "local" / "DB4101-T-1-2020.yaml").write_text(bad, encoding="utf-8")
    province = tmp_path / "henan"
    province.mkdir()
    (province / "gbstd.toml").write_text('[[federation.members]]\nname = "郑州"\npath = "../zhengzhou"\n', encoding="utf-8")
    root = tmp_path / "national"
    root.mkdir()
    (root / "gbstd.toml").write_text('[[federation.members]]\nname = "河南"\npath = "../henan"\n', encoding="utf-8")
    union = load_union(root)
    assert [(r.rel, r.member) for r in union.records] == [("河南/郑州/records/local/DB4101-T-1-2020.yaml", "河南/郑州")]
    assert union.records[0].path == city / "records" / "local" / "DB4101-T-1-2020.yaml"
    assert [m.name for m in union.members] == ["河南", "河南/郑州"]
    found = _json(["lint", str(root), "--format", "json", "--select", "C003"], 1)
    assert [(f["path"], f["line"]) for f in found] == [("河南/郑州/records/local/DB4101-T-1-2020.yaml", 3)]


def test_findings_in_member_files_are_placed_from_the_positions_their_load_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A member's load keeps where each file's fields start (parsed now or from the cache); the union carries
    them under its own paths, so placing findings reads no member file again."""
    from gbstd import engine

    root = split_sample(tmp_path)
    union = load_union(root)
    record_rels = {record.rel for record in union.records}
    assert record_rels and record_rels <= set(union.positions)
    located: list[tuple[str, bool]] = []  # (file, whether kept positions were given)

    def spying(path: Path, top: Path, max_size: int, positions: object) -> object:
        located.append((path.as_posix(), positions is not None))
        return locator(path, top, max_size, positions)

    locator = engine.file_locator
    monkeypatch.setattr(engine, "file_locator", spying)
    args = ["lint", str(root), "--format", "json", "--as-of", AS_OF]
    henan = tmp_path / DIRS[HENAN] / "records" / "local" / "DB41-T-2397-2023.yaml"
    for run in ("parsed", "cached", "edited"):  # every file parsed; the cache filled; the others from the cache
        if run == "edited":
            henan.write_text(henan.read_text(encoding="utf-8").replace("status: 现行", "status: 废止"), encoding="utf-8")
        located.clear()
        found = _json([*args, "--no-cache"] if run == "parsed" else args)
        assert isinstance(found, list) and found and all(f["line"] > 0 for f in found)
        in_records = [given for path, given in located if "/records/" in path]
        assert in_records and all(in_records), run


def test_a_union_run_after_an_edit_looks_at_each_file_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The hashes established before the load are what each catalog's load takes and what the result is kept
    under: no member load checks its files against the disk again, and no third look follows the run — unless
    the files changed meanwhile (one added while the union loaded: then they are looked at again)."""
    from gbstd import federated_lint
    from gbstd.catalog.cache import Cache

    root = split_sample(tmp_path)
    args = ["lint", str(root), "--format", "json", "--as-of", AS_OF]
    _json(args)
    henan = tmp_path / DIRS[HENAN] / "records" / "local" / "DB41-T-2397-2023.yaml"
    henan.write_text(henan.read_text(encoding="utf-8").replace("status: 现行", "status: 废止"), encoding="utf-8")
    checked: list[str] = []  # the directories whose files a load checked against the disk
    looks: list[bool] = []  # each look at every file of the union: whether it could hash what it did not know
    known_hashes, hashes, load = Cache.known_hashes, federated_lint._hashes, federated_lint.load_union

    def checking(self: Cache, top: Path, *rest: object) -> object:
        checked.append(str(top))
        return known_hashes(self, top, *rest)  # type: ignore[arg-type]

    def looking(*args: object, **kwargs: object) -> object:
        looks.append(bool(kwargs["hash_unknown"]))
        return hashes(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Cache, "known_hashes", checking)
    monkeypatch.setattr(federated_lint, "_hashes", looking)
    edited = _json(args)
    assert not checked and looks == [False]
    monkeypatch.setattr(Cache, "known_hashes", known_hashes)
    assert edited == _json([*args, "--no-cache"])
    assert any(f["path"].endswith("DB41-T-2397-2023.yaml") and f["rule"] == "C007" for f in edited)  # type: ignore[index,union-attr]

    extra = tmp_path / DIRS[HENAN] / "records" / "local" / "DB41-T-9999-2024.yaml"

    def adding(*args: object, **kwargs: object) -> object:
        extra.write_text(henan.read_text(encoding="utf-8").replace("2397-2023", "9999-2024"), encoding="utf-8")
        return load(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(federated_lint, "load_union", adding)
    henan.write_text(henan.read_text(encoding="utf-8").replace("status: 废止", "status: 现行"), encoding="utf-8")
    looks.clear()
    added = _json(args)
    assert looks == [False, True]  # the files the load read are not the ones hashed before it: a second look
    monkeypatch.setattr(federated_lint, "load_union", load)
    assert added == _json(args) == _json([*args, "--no-cache"])
    extra.unlink()
    assert _json(args) == _json([*args, "--no-cache"]) != added  # the file gone again: not the result kept with it


def test_a_file_saved_during_the_first_look_is_not_trusted_with_the_hash_the_load_took(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The load takes the hashes of the first look at every file without reading the files again, so a hash
    it keeps is as old as that look: a file saved after it (and more than the racy window before the result
    is kept, as in a long look at a national union) must not be trusted with the content the load took."""
    import time

    from gbstd import federated_lint

    root = split_sample(tmp_path)
    args = ["lint", str(root), "--format", "json", "--as-of", AS_OF]
    real, later = time.time_ns, [3_000_000_000]  # every file older than the racy window
    monkeypatch.setattr(time, "time_ns", lambda: real() + later[0])
    _json(args)  # the hashes trusted, the result kept
    later[0] = 0
    henan = tmp_path / DIRS[HENAN] / "records" / "local"
    edited, extra = henan / "DB41-T-2397-2023.yaml", henan / "DB41-T-9999-2024.yaml"
    touched = henan / "DB4109-T-059-2024.yaml"
    touched.write_text(touched.read_text(encoding="utf-8") + "# an edit before the run\n", encoding="utf-8")
    hashes = federated_lint._hashes

    def looking(*args: object, **kwargs: object) -> object:
        found = hashes(*args, **kwargs)  # type: ignore[arg-type]
        if not kwargs["hash_unknown"]:  # during the first look: a file saved (same size), another one added
            edited.write_text(edited.read_text(encoding="utf-8").replace("status: 现行", "status: 废止"),
                              encoding="utf-8")
            extra.write_text(edited.read_text(encoding="utf-8").replace("2397-2023", "9999-2024"), encoding="utf-8")
            later[0] = 3_000_000_000  # and the look took three seconds
        return found

    monkeypatch.setattr(federated_lint, "_hashes", looking)
    _json(args)
    monkeypatch.setattr(federated_lint, "_hashes", hashes)
    assert _json(args) == _json([*args, "--no-cache"])  # the saved file read again, not trusted


@pytest.mark.parametrize("output_format", ["json", "text"])
def test_an_unchanged_unions_report_is_printed_as_stored_without_decoding_a_finding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, output_format: str
) -> None:
    """At 100 000 records decoding a warm union's findings and rendering them again were 4 of its 5 seconds."""
    root = split_sample(tmp_path)

    def lint(*args: str) -> tuple[int, str]:
        result = runner.invoke(app, ["lint", *args, "--format", output_format, "--as-of", AS_OF, "--lang", "en"])
        return result.exit_code, result.stdout

    cold = lint(str(root), "--no-cache")
    assert lint(str(root)) == cold  # linted, stored, and its report with it
    decoded: list[object] = []
    monkeypatch.setattr("gbstd.linting.finding_from_json", lambda *row: decoded.append(row))
    assert lint(str(root)) == cold and not decoded
    # a report limited to a path is the result narrowed: the findings decoded, the report neither taken from
    # the stored one nor stored in its place
    monkeypatch.undo()
    narrowed = lint(str(root / "system.yaml"))
    assert narrowed == lint(str(root / "system.yaml"), "--no-cache") and narrowed != cold
    monkeypatch.setattr("gbstd.linting.finding_from_json", lambda *row: decoded.append(row))
    assert lint(str(root)) == cold and not decoded


def test_a_union_linted_again_after_damaged_stored_rows_names_a_skipped_member_once(tmp_path: Path) -> None:
    root = split_sample(tmp_path)
    (tmp_path / DIRS[NATIONAL]).rename(tmp_path / "national.away")  # skipped with --allow-missing

    def lint(*args: str) -> tuple[int, str, str]:
        result = runner.invoke(app, ["lint", str(root), "--allow-missing", "--format", "json", "--as-of", AS_OF,
                                     "--lang", "en", *args])
        return result.exit_code, result.stdout, result.stderr

    lint()
    lint()  # the result and its report stored
    store = root / ".gbstd-cache" / "union" / "lint"
    head, _ = (store / RESULT_FILE).read_bytes().split(b"\n", 1)
    (store / RESULT_FILE).write_bytes(head + b'\n[["x", 1, 2, 3, 4, 5, 6, 7, 8, 9]]\n')  # rows that do not decode
    for meta in (store / "outputs").glob("*.json"):  # and a stored report that cannot stand in for them
        (meta).write_text(json.dumps({**json.loads(meta.read_text(encoding="utf-8")), "counts": "bad"}),
                          encoding="utf-8")
    code, out, err = lint()
    assert (code, out) == lint("--no-cache")[:2]
    assert " ".join(err.split()).count("skipped") == 1


def test_the_root_and_a_path_named_together_report_the_whole_union_through_its_stored_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = split_sample(tmp_path)
    args = ["lint", str(root), str(root / "system.yaml"), "--format", "json", "--as-of", AS_OF]
    whole = runner.invoke(app, [*args, "--no-cache"]).stdout
    assert runner.invoke(app, args).stdout == whole
    decoded: list[object] = []
    monkeypatch.setattr("gbstd.linting.finding_from_json", lambda *row: decoded.append(row))
    assert runner.invoke(app, args).stdout == whole and not decoded


def test_a_unions_stored_report_stands_for_its_result_and_options_only(tmp_path: Path) -> None:
    """After a member's record is edited, and in another language or format, the report printed is the one a
    run without the cache prints, never the report stored for the other result or options."""
    root = split_sample(tmp_path)
    member_file = next((tmp_path / DIRS[HENAN] / "records").rglob("*.yaml"))

    def lint(*args: str) -> tuple[int, str]:
        result = runner.invoke(app, ["lint", str(root), "--as-of", AS_OF, *args])
        return result.exit_code, result.stdout

    for options in (["--format", "json", "--lang", "en"], ["--format", "json", "--lang", "zh"], ["--format", "text"]):
        lint(*options)
        assert lint(*options) == lint(*options, "--no-cache")  # from the stored report
    stored = lint("--format", "json", "--lang", "en")
    member_file.write_text(member_file.read_text(encoding="utf-8").replace("title: ", "title: 改", 1), encoding="utf-8")
    edited = lint("--format", "json", "--lang", "en")
    assert edited == lint("--format", "json", "--lang", "en", "--no-cache") and edited != stored
    assert lint("--format", "text") == lint("--format", "text", "--no-cache")


def test_review_takes_a_module_of_a_members_own_system(tmp_path: Path) -> None:
    """A province keeping a module of its own (its own system file) files records under it: `review --module`
    must take that module, as the worklist's filter does, not refuse it as unknown to the federating system."""
    root = split_sample(tmp_path)
    member = tmp_path / DIRS[HENAN]
    shared = (root / "system.yaml").read_text(encoding="utf-8")
    own = shared.replace("\nmodules:\n", '\nmodules:\n  - id: "990"\n    name: 河南特色模块\n', 1)
    assert own != shared
    (member / "system.yaml").write_text(own, encoding="utf-8")
    record = next(path for path in sorted((member / "records").rglob("*.yaml"))
                  if "module:" in path.read_text(encoding="utf-8"))
    text = record.read_text(encoding="utf-8")
    record.write_text(re.sub(r'(?m)^module: .*$', 'module: "990"', text, count=1), encoding="utf-8")
    code = re.search(r"(?m)^code: (.*)$", text).group(1).strip()  # type: ignore[union-attr]
    result = runner.invoke(app, ["review", "-C", str(root), "--module", "990", "--as-of", AS_OF, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert [item["code"] for item in json.loads(result.stdout)["items"]] == [code]
    unknown = runner.invoke(app, ["review", "-C", str(root), "--module", "991", "--lang", "en"])
    assert unknown.exit_code == 2 and "--module '991' is not a module" in " ".join(unknown.stderr.split())
