"""An import of many rows: record texts rendered on both cores, every file written whole and made durable
together (``write_atomic_many``), and a failure that leaves no half-written or temporary file."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gbstd.catalog import atomic
from gbstd.catalog.atomic import write_atomic_many
from gbstd.cli.app import app
from gbstd.tabular import importer, rendering

runner = CliRunner()
AS_OF = "2025-06-30"


def leftovers(root: Path) -> list[Path]:
    return sorted(root.rglob("*.tmp"))


def test_many_files_are_written_whole(tmp_path: Path) -> None:
    old = tmp_path / "a" / "old.yaml"
    old.parent.mkdir()
    old.write_text("old\n", encoding="utf-8")
    old.chmod(0o600)
    done: list[int] = []
    write_atomic_many([(old, "新\n"), (tmp_path / "b" / "new.yaml", "new\n")], on_written=lambda: done.append(1))
    assert old.read_text(encoding="utf-8") == "新\n" and old.stat().st_mode & 0o777 == 0o600  # mode kept
    assert (tmp_path / "b" / "new.yaml").read_text(encoding="utf-8") == "new\n"
    assert len(done) == 2 and leftovers(tmp_path) == []


def test_a_failure_before_the_renames_changes_nothing(tmp_path: Path) -> None:
    old = tmp_path / "old.yaml"
    old.write_text("old\n", encoding="utf-8")

    def items() -> Iterator[tuple[Path, str]]:
        yield old, "replaced\n"
        yield tmp_path / "new.yaml", "new\n"
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space"):
        write_atomic_many(items())
    assert old.read_text(encoding="utf-8") == "old\n"
    assert not (tmp_path / "new.yaml").exists() and leftovers(tmp_path) == []


def test_a_failure_during_the_renames_leaves_whole_files_and_no_temporary_one(tmp_path: Path) -> None:
    blocked = tmp_path / "blocked.yaml"
    blocked.mkdir()  # a directory where a file should go: its rename fails
    first, last = tmp_path / "first.yaml", tmp_path / "last.yaml"
    with pytest.raises(OSError):
        write_atomic_many([(first, "first\n"), (blocked, "x\n"), (last, "last\n")])
    assert first.read_text(encoding="utf-8") == "first\n"  # renamed before the failure: whole
    assert blocked.is_dir() and not last.exists() and leftovers(tmp_path) == []


def _table(path: Path, rows: int) -> Path:
    """A spreadsheet of ``rows`` local standards (CSV with the Chinese headers people use)."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["标准号", "标准名称", "标准层级", "状态", "发布日期", "实施日期", "适用范围"])
        for n in range(rows):
            out.writerow([f"DB41/T {3000 + n}-2021", f"机关办公用房第{n}号管理规范", "地方标准", "现行",
                          "2021-03-01", "2021-06-01", f"本文件规定了第{n}类办公用房的管理要求。"])
    return path


def _catalog(root: Path, jobs: int) -> Path:
    assert runner.invoke(app, ["init", str(root)]).exit_code == 0
    config = root / "gbstd.toml"  # every option of init's file is commented out: a real section is added
    config.write_text(config.read_text(encoding="utf-8") + f"\n[catalog]\njobs = {jobs}\n", encoding="utf-8")
    return root


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="the pool needs two cores")
def test_rendering_on_two_cores_writes_the_same_bytes_as_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    table = _table(tmp_path / "table.csv", rendering.POOL_THRESHOLD + 150)
    pools: list[int] = []
    real = rendering.worker_count

    def counted(*args: object, **kwargs: object) -> int:
        found = real(*args, **kwargs)  # type: ignore[arg-type]
        pools.append(found)
        return found

    monkeypatch.setattr(rendering, "worker_count", counted)
    files: dict[int, dict[str, bytes]] = {}
    for jobs in (1, 2):
        root = _catalog(tmp_path / f"jobs{jobs}", jobs)
        result = runner.invoke(app, ["import", str(table), "--into", str(root), "--as-of", AS_OF])
        assert result.exit_code == 0, result.output
        files[jobs] = {p.relative_to(root).as_posix(): p.read_bytes() for p in (root / "records").rglob("*.yaml")}
        assert leftovers(root) == []
    assert pools == [1, 2]  # one process, then a pool of two
    assert len(files[2]) == rendering.POOL_THRESHOLD + 150
    assert files[1] == files[2]


def test_an_import_that_cannot_write_says_so_and_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _catalog(tmp_path / "cat", 1)
    table = _table(tmp_path / "table.csv", 5)
    real = importer.write_atomic_many

    def full(items: object, **kwargs: object) -> None:
        def failing() -> Iterator[tuple[Path, str]]:
            for n, item in enumerate(items):  # type: ignore[attr-defined]
                if n == 3:
                    raise OSError(28, "No space left on device", str(item[0]))
                yield item
        real(failing(), **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(importer, "write_atomic_many", full)
    result = runner.invoke(app, ["import", str(table), "--into", str(root), "--as-of", AS_OF, "--lang", "en"])
    assert result.exit_code == 2, result.output
    assert "No space left on device" in result.output and "Traceback" not in result.output
    assert "unfinished files were removed, no file was written" in result.output
    assert list((root / "records").rglob("*.yaml")) == [] and leftovers(root) == []


def test_an_import_that_fails_while_renaming_names_the_files_it_wrote(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "unfinished files were removed": true, but the files already in place were not named, so the import
    # looked as if it had done nothing (and the next preview differed)
    root = _catalog(tmp_path / "cat", 1)
    table = _table(tmp_path / "table.csv", 3)
    take_place = atomic._take_place
    taken: list[str] = []

    def refuse_second(tmp: str, path: Path) -> None:
        if taken:
            raise PermissionError(1, "Operation not permitted", str(path))
        taken.append(Path(path).relative_to(root).as_posix())
        take_place(tmp, path)

    monkeypatch.setattr(atomic, "_take_place", refuse_second)
    result = runner.invoke(app, ["import", str(table), "--into", str(root), "--as-of", AS_OF, "--lang", "en"])
    assert result.exit_code == 2, result.output
    assert f"; written before it: 1 file ({taken[0]}), the rest were not" in " ".join(result.stderr.split())
    assert [p.relative_to(root).as_posix() for p in (root / "records").rglob("*.yaml")] == taken


def _imported(tmp_path: Path, rows: int) -> tuple[Path, Path]:
    """A catalog of ``rows`` records imported from a table (:func:`_table`); its root and the table."""
    root = _catalog(tmp_path / "cat", 1)
    table = _table(tmp_path / "table.csv", rows)
    assert runner.invoke(app, ["import", str(table), "--into", str(root), "--as-of", AS_OF]).exit_code == 0
    return root, table


def test_an_unchanged_table_is_merged_without_parsing_the_files_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `--update` with the catalog's own table: every row compared with the record as the catalog read it; only
    # a row that changes something (and a record a row supersedes that does not list it yet) is parsed with
    # the round-trip parser, which keeps comments (an unchanged national table took 137 s, nearly all parsing)
    root, table = _imported(tmp_path, 40)
    edited = root / "records/local/DB41-T-3007-2021.yaml"
    edited.write_text(edited.read_text(encoding="utf-8") + "# 人工备注\n", encoding="utf-8")
    rows = table.read_text(encoding="utf-8-sig").splitlines()
    rows[8] = rows[8].replace("办公用房的管理要求", "办公用房的管理和维修要求")  # DB41/T 3007-2021: a new scope
    rows.append("DB41/T 3100-2022,机关办公用房第0号管理规范,地方标准,现行,2022-03-01,2022-06-01,新版")
    rows[-1] += ",DB41/T 3000-2021"  # supersedes the first record, which does not list it yet
    rows[0] += ",代替标准"
    table.write_text("\n".join(rows) + "\n", encoding="utf-8-sig")
    parsed: list[str] = []
    real = importer.load_roundtrip
    monkeypatch.setattr(importer, "load_roundtrip", lambda text: parsed.append(text) or real(text))
    result = runner.invoke(app, ["import", str(table), "--into", str(root), "--update", "--force", "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    assert len(parsed) == 2  # the changed row's record and the superseded one: not the 38 others
    assert "无变化 38" in result.output or "unchanged 38" in result.output, result.output
    text = edited.read_text(encoding="utf-8")
    assert "scope: 本文件规定了第7类办公用房的管理和维修要求。" in text and "# 人工备注" in text
    assert "DB41/T 3100-2022" in (root / "records/local/DB41-T-3000-2021.yaml").read_text(encoding="utf-8")


def test_an_update_writes_through_a_link_inside_the_catalog(tmp_path: Path) -> None:
    root, table = _imported(tmp_path, 2)
    path = root / "records/local/DB41-T-3001-2021.yaml"
    target = root / "shared.yaml"
    path.rename(target)
    path.symlink_to(Path("../../shared.yaml"))
    table.write_text(table.read_text(encoding="utf-8-sig").replace("第1类办公用房的管理要求", "第1类办公用房的新要求"),
                     encoding="utf-8-sig")
    result = runner.invoke(app, ["import", str(table), "--into", str(root), "--update", "--force", "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    assert path.is_symlink() and "第1类办公用房的新要求" in target.read_text(encoding="utf-8")


def test_a_replaced_by_written_as_one_code_gains_the_successor_as_a_second_item(tmp_path: Path) -> None:
    # `replaced_by: GB/T 1-2000` (a list of one, to the model): the successor was added by iterating the string,
    # one list item per character
    root, table = _imported(tmp_path, 1)
    old = root / "records/local/DB41-T-3000-2021.yaml"
    old.write_text(old.read_text(encoding="utf-8") + "replaced_by: DB41/T 3900-2024\n", encoding="utf-8")
    rows = table.read_text(encoding="utf-8-sig").splitlines()
    rows[0] += ",代替标准"
    rows.append("DB41/T 3100-2022,机关办公用房管理规范（新版）,地方标准,现行,2022-03-01,2022-06-01,新版,DB41/T 3000-2021")
    table.write_text("\n".join(rows) + "\n", encoding="utf-8-sig")
    result = runner.invoke(app, ["import", str(table), "--into", str(root), "--update", "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    assert "replaced_by: DB41/T 3900-2024" not in old.read_text(encoding="utf-8")
    from gbstd.catalog.loader import load_catalog

    records = {record.key: record.standard for record in load_catalog(root).records}
    assert records["DB41/T 3000-2021"].replaced_by == ["DB41/T 3900-2024", "DB41/T 3100-2022"]


def test_a_dangling_link_in_the_catalog_is_never_written_through(tmp_path: Path) -> None:
    # a committed link leading out of the catalog to no file: the new record was written at its target
    root, table = _imported(tmp_path, 1)
    outside = tmp_path / "outside" / "victim.yaml"
    outside.parent.mkdir()
    link = root / "records/local/DB41-T-3100-2021.yaml"
    link.symlink_to(outside)
    rows = table.read_text(encoding="utf-8-sig").splitlines()
    rows.append("DB41/T 3100-2021,机关办公用房新规范,地方标准,现行,2021-03-01,2021-06-01,新")
    table.write_text("\n".join(rows) + "\n", encoding="utf-8-sig")
    result = runner.invoke(app, ["import", str(table), "--into", str(root), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    assert not outside.exists() and not link.is_symlink() and "机关办公用房新规范" in link.read_text(encoding="utf-8")

