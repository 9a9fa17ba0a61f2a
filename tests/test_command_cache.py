"""Every command that reads a catalog loads the files the lint cache knows from it, parses only the others,
sees every edit, and leaves an incremental lint run equal to a cold one."""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gbstd.catalog import loader
from tests.federation_support import split_sample
from tests.issue21_support import copy_sample, invoke

AS_OF = "2025-06-30"
RECORD = "records/local/DB4103-T-152-2023.yaml"


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The record files each load parses (rather than taking their content's parsed data from the cache)."""
    seen: list[str] = []
    real = loader._read_all

    def spy(*args: Any) -> Iterator[loader.ReadResult]:
        for result in real(*args):
            if not result[-1]:  # not a content the cache had parsed
                seen.append(result[0])
            yield result

    monkeypatch.setattr(loader, "_read_all", spy)
    return seen


def lint_rows(root: Path, *extra: str) -> list[str]:
    code, out, err = invoke("lint", str(root), "--as-of", AS_OF, "--format", "json", "--lang", "en", *extra)
    assert code in (0, 1), err
    return sorted(json.dumps(row, ensure_ascii=False, sort_keys=True) for row in json.loads(out))


def catalog_titles(root: Path, table: Path) -> dict[str, str]:
    """Code → title of ``gbstd report catalog`` as CSV."""
    code, _, err = invoke("report", "catalog", str(root), "-o", str(table))
    assert code == 0, err
    with table.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    head = rows[0]
    return {row[head.index("标准号")]: row[head.index("标准名称")] for row in rows[1:] if row}


def set_title(path: Path, title: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(f"title: {title}\n" if line.startswith("title:") else line for line in lines),
                    encoding="utf-8")


def test_a_command_after_lint_parses_only_the_files_edited_since(tmp_path: Path, parsed: list[str]) -> None:
    root = copy_sample(tmp_path)
    lint_rows(root)
    count = len(parsed)
    assert count > 30  # the cold lint parsed every record file
    parsed.clear()

    first = catalog_titles(root, tmp_path / "a.csv")
    assert parsed == []  # every record from the cache
    assert len(first) == count

    set_title(root / RECORD, "机关办公用房维修改造规范（修订）")
    edited = catalog_titles(root, tmp_path / "b.csv")
    assert parsed == [RECORD]  # the edit, and nothing else, read from disk
    assert edited["DB4103/T 152-2023"] == "机关办公用房维修改造规范（修订）"  # the edit is seen, not the cached title
    assert {code: title for code, title in edited.items() if code != "DB4103/T 152-2023"} == {
        code: title for code, title in first.items() if code != "DB4103/T 152-2023"}

    parsed.clear()
    code, out, err = invoke("review", str(root), "--as-of", AS_OF, "--format", "json")
    assert code == 0, err
    assert parsed == []  # what report parsed was kept for the next command
    assert json.loads(out)["items"]


def test_a_copied_catalog_with_its_cache_is_not_parsed_again(tmp_path: Path, parsed: list[str]) -> None:
    """Every file of a copy has a new fingerprint (inode, times): as for a cache restored in CI, each is read
    and hashed, and a content the cache has parsed is not parsed again — lint's findings stay the same."""
    first = copy_sample(tmp_path / "a")
    cold = lint_rows(first)
    copy = tmp_path / "b"
    shutil.copytree(first, copy)
    parsed.clear()
    assert lint_rows(copy) == cold
    assert parsed == []
    set_title(copy / RECORD, "机关办公用房维修改造规范（修订）")
    assert lint_rows(copy) == lint_rows(copy, "--no-cache")


def test_a_command_in_a_catalog_never_linted_makes_no_cache(tmp_path: Path, parsed: list[str]) -> None:
    root = copy_sample(tmp_path)
    for args in (["review", str(root), "--as-of", AS_OF, "--format", "json"],
                 ["system", str(root), "--as-of", AS_OF, "--format", "json"],
                 ["dupes", str(root), "--format", "json"]):
        parsed.clear()
        code, _, err = invoke(*args)
        assert code in (0, 1), err
        assert len(parsed) > 30, args  # every record parsed
    assert not (root / ".gbstd-cache").exists()


def test_lint_stays_equal_to_a_cold_run_when_other_commands_saw_the_edits_first(tmp_path: Path) -> None:
    """An incremental lint run compares each edited record with its previous content's parsed data: another
    command that loaded the edited catalog in between must not have dropped it."""
    root = copy_sample(tmp_path)
    lint_rows(root)
    records = sorted((root / "records").rglob("*.yaml"))
    other = records[3].read_text(encoding="utf-8").split("title:", 1)[1].splitlines()[0].strip()
    set_title(root / RECORD, other)  # a title another record has: C009, S003 and the D rules change
    records[7].unlink()
    for args in (["review", str(root), "--as-of", AS_OF, "--format", "json"],
                 ["report", "catalog", str(root), "-o", str(tmp_path / "t.csv")],
                 ["dupes", str(root), "--format", "json"]):
        assert invoke(*args)[0] in (0, 1)
    assert lint_rows(root) == lint_rows(root, "--no-cache")
    set_title(root / RECORD, "机关办公用房维修改造规范")
    assert invoke("system", str(root), "--as-of", AS_OF, "--format", "json")[0] in (0, 1)
    assert lint_rows(root) == lint_rows(root, "--no-cache")


def test_a_union_command_reads_the_cache_its_federated_lint_made(tmp_path: Path, parsed: list[str]) -> None:
    root = split_sample(tmp_path)
    code, _, err = invoke("lint", str(root), "--as-of", AS_OF, "--format", "json")
    assert code in (0, 1), err
    assert parsed  # the union's members parsed
    parsed.clear()
    code, out, err = invoke("review", str(root), "--as-of", AS_OF, "--format", "json")
    assert code == 0, err
    assert parsed == [] and json.loads(out)["items"]


def test_gbstd_no_cache_passes_by_the_cache_of_a_federated_lint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parsed: list[str]
) -> None:
    root = split_sample(tmp_path)
    code, _, err = invoke("lint", str(root), "--as-of", AS_OF, "--format", "json")
    assert code in (0, 1), err
    everything = sorted(parsed)
    parsed.clear()
    monkeypatch.setenv("GBSTD_NO_CACHE", "1")
    code, out, err = invoke("review", str(root), "--as-of", AS_OF, "--format", "json")
    assert code == 0, err
    assert sorted(parsed) == everything and json.loads(out)["items"]


def test_a_later_load_takes_over_the_records_of_unchanged_files(tmp_path: Path, parsed: list[str]) -> None:
    """What ``gbstd serve`` does between pages: a record whose file's content is unchanged is the one the
    last load made; an edited, added or deleted file is read as it is now."""
    root = copy_sample(tmp_path)
    flawed = root / "records/local/DB4103-T-998-2024.yaml"  # a record with a file finding (Y008), unchanged
    flawed.write_text("title: 机关会议室\u200b管理规范\ncode: DB4103/T 998-2024\nstatus: 现行\n", encoding="utf-8")
    lint_rows(root)
    first = loader.load_catalog_cached(root)
    by_rel = {record.rel: record for record in first.records}
    assert [f.rule for f in first.load_findings] == ["Y008"]
    edited, gone = root / RECORD, sorted((root / "records").rglob("*.yaml"))[0]
    set_title(edited, "机关办公用房维修改造规范（修订）")
    gone.unlink()
    added = root / "records/local/DB4103-T-999-2024.yaml"
    added.write_text("title: 机关会议室服务规范\ncode: DB4103/T 999-2024\nstatus: 现行\n", encoding="utf-8")
    parsed.clear()
    second = loader.load_catalog_cached(root, reuse=loader.reusable(first))
    assert sorted(parsed) == sorted([RECORD, added.relative_to(root).as_posix()])
    again = {record.rel: record for record in second.records}
    assert again[RECORD].title == "机关办公用房维修改造规范（修订）" and again[RECORD] is not by_rel[RECORD]
    assert gone.relative_to(root).as_posix() not in again
    kept = [rel for rel in again if rel in by_rel and rel != RECORD]
    assert kept and all(again[rel] is by_rel[rel] for rel in kept)
    fresh = loader.load_catalog_cached(root)  # the same catalog made without taking anything over
    assert [r.rel for r in second.records] == [r.rel for r in fresh.records]
    assert [r.standard for r in second.records] == [r.standard for r in fresh.records]
    assert [f.to_json() for f in second.load_findings] == [f.to_json() for f in fresh.load_findings]
    assert [f.rule for f in second.load_findings] == ["Y008"]
    assert second.load_findings[0] is not first.load_findings[0]  # a copy: a run may stamp it


def test_a_full_run_from_the_cache_positions_findings_without_parsing_files_again(
    tmp_path: Path, parsed: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full run after a project changed (every rule again, every record file from the cache) takes each
    file with where its top-level fields start: a record file is read again only for a finding below its top
    level, as in the run that parsed it. The next day's run re-runs only the rules that read the day and
    positions from the state: it parses nothing and reads no file the first run did not."""
    from gbstd.catalog import yamlio

    root = copy_sample(tmp_path)
    read: list[str] = []
    real = yamlio.read_text

    def spy(path: Path, *args: Any) -> Any:
        if "records" in Path(path).parts:  # the system, notes, projects and plans are read on every run
            read.append(Path(path).name)
        return real(path, *args)

    monkeypatch.setattr(yamlio, "read_text", spy)
    lint_rows(root)
    deeper = sorted(read)
    read.clear()
    parsed.clear()
    tomorrow = lint_rows(root, "--as-of", "2025-07-01")  # a later --as-of wins over lint_rows' own
    assert parsed == [] and set(read) <= set(deeper) and len(deeper) < 5  # of 46 record files
    assert tomorrow and all(json.loads(row)["line"] > 0 for row in tomorrow)
    project = sorted((root / "projects").glob("*.yaml"))[0]
    project.write_text(project.read_text(encoding="utf-8") + "# touched\n", encoding="utf-8")
    read.clear()
    full = lint_rows(root, "--as-of", "2025-07-01")  # a shared file changed: a full run
    assert parsed == [] and sorted(read) == deeper
    assert full and all(json.loads(row)["line"] > 0 for row in full)
    monkeypatch.undo()
    assert tomorrow == full == lint_rows(root, "--as-of", "2025-07-01", "--no-cache")


def _spots(*numbers: int) -> str:
    import array
    import base64

    return base64.b64encode(array.array("i", numbers).tobytes()).decode()


@pytest.mark.parametrize("forged", [
    None, [], {"keys": []}, [["title"], [1, 1, 1, 1, 2, 2]], [["title"], "not base64!"], [["title"], "AAA"],
    [["title"], _spots(1, 1, 1, 1)], [[3], _spots(1, 1, 1, 1, 2, 2)], [["title"], _spots(1, 1, 0, 1, 2, 2)],
    [["title"], _spots(1, 1, -5, 1, 2, 2)], [["title", "code"], _spots(1, 1, 1, 1, 2, 2)],
])
def test_kept_positions_that_are_not_what_the_tool_wrote_are_not_used(forged: Any) -> None:
    from gbstd.catalog.yamlio import Positions

    assert Positions.from_json(forged) is None


def test_kept_positions_answer_as_the_parse_did() -> None:
    from gbstd.catalog.yamlio import Locator, parse_yaml_positions

    text = "title: 机关食堂管理规范\ncode: DB41/T 1-2020\nreferences:\n  - GB/T 2-2020\nstatus: 现行\n"
    _, _, positions = parse_yaml_positions(text)
    assert positions is not None
    kept = type(positions).from_json(json.loads(json.dumps(positions.to_json())))
    assert kept is not None
    for loc in [(), ("title",), ("code",), ("status",), ("missing",)]:
        for key in (True, False):
            assert Locator(positions=kept, read=lambda: text).position(loc, key) == Locator(text).position(loc, key)
    assert Locator(positions=kept, read=lambda: text).position(("references", 0), False) == (4, 5)


@pytest.mark.parametrize("command", [["review"], ["report", "catalog"], ["system"], ["dupes"], ["pipeline"], ["plan", "status"]])
def test_gbstd_no_cache_makes_every_command_parse_every_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parsed: list[str], command: list[str]
) -> None:
    root = copy_sample(tmp_path)
    lint_rows(root)  # makes the cache
    records = sorted(p.relative_to(root).as_posix() for p in (root / "records").rglob("*.yaml"))
    parsed.clear()
    code, _, err = invoke(*command, str(root), "--lang", "en")
    assert code in (0, 1), err
    assert parsed == []  # the cache answered
    monkeypatch.setenv("GBSTD_NO_CACHE", "1")
    code, _, err = invoke(*command, str(root), "--lang", "en")
    assert code in (0, 1), err
    assert sorted(parsed) == records


def test_gbstd_no_cache_is_lints_no_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_sample(tmp_path)
    monkeypatch.setenv("GBSTD_NO_CACHE", "1")
    rows = lint_rows(root)
    assert not (root / ".gbstd-cache").exists()  # neither read nor written
    code, _, err = invoke("fmt", "--check", str(root), "--lang", "en")
    assert code == 0, err
    assert not (root / ".gbstd-cache").exists()
    monkeypatch.setenv("GBSTD_NO_CACHE", "0")  # "0" (or empty) is unset
    assert lint_rows(root) == rows
    assert (root / ".gbstd-cache").is_dir()
