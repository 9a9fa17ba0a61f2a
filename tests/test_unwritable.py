"""A file the system will not let gbstd write: a clear line and the right exit status, never a traceback, and
nothing half-written left behind (`fmt`, `schema`, `new`, and any command through the command line's net);
and an output the user names that is not a regular file (a pipe, a device, a link) is written, not replaced."""

from __future__ import annotations

import errno
import os
import shutil
import stat
import tempfile
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gbstd.catalog import atomic
from gbstd.catalog.atomic import write_atomic_each, write_output
from gbstd.cli import app as cli_app
from gbstd.cli.app import app

runner = CliRunner()
SAMPLE = Path(__file__).resolve().parent.parent / "standards"


def refuse_in(monkeypatch: pytest.MonkeyPatch, directory: Path) -> None:
    """Temporary files cannot be made in ``directory`` (a read-only directory, whoever runs the tests)."""
    real = tempfile.mkstemp

    def mkstemp(*args: object, **kwargs: object) -> tuple[int, str]:
        if Path(str(kwargs.get("dir"))).resolve() == directory.resolve():
            raise PermissionError(errno.EACCES, "Permission denied", str(directory / "x.tmp"))
        return real(*args, **kwargs)  # type: ignore[call-overload, no-any-return]

    monkeypatch.setattr(atomic.tempfile, "mkstemp", mkstemp)


def leftovers(root: Path) -> list[Path]:
    return list(root.rglob("*.tmp"))


def test_write_atomic_each_writes_the_others_and_names_the_one_it_could_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good, bad = tmp_path / "good", tmp_path / "bad"
    good.mkdir()
    bad.mkdir()
    (bad / "b.yaml").write_text("old\n", encoding="utf-8")
    refuse_in(monkeypatch, bad)
    failed = write_atomic_each([(good / "a.yaml", "a\n"), (bad / "b.yaml", "b\n"), (good / "c.yaml", "c\n")])
    assert [(path, error.errno) for path, error in failed] == [(bad / "b.yaml", errno.EACCES)]
    assert (good / "a.yaml").read_text(encoding="utf-8") == "a\n"
    assert (good / "c.yaml").read_text(encoding="utf-8") == "c\n"
    assert (bad / "b.yaml").read_text(encoding="utf-8") == "old\n"
    assert leftovers(tmp_path) == []


def test_write_atomic_each_reports_a_rename_that_fails_and_removes_its_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = atomic.os.replace

    def replace(source: str, target: str | Path) -> None:
        if Path(target).name == "b.yaml":
            raise OSError(errno.EROFS, "Read-only file system", str(target))
        real(source, target)

    monkeypatch.setattr(atomic.os, "replace", replace)
    failed = write_atomic_each([(tmp_path / "a.yaml", "a\n"), (tmp_path / "b.yaml", "b\n")])
    assert [path.name for path, _ in failed] == ["b.yaml"]
    assert (tmp_path / "a.yaml").is_file() and not (tmp_path / "b.yaml").exists()
    assert leftovers(tmp_path) == []


def test_write_atomic_each_interrupted_before_the_renames_changes_nothing(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("old\n", encoding="utf-8")

    def items() -> object:
        yield tmp_path / "a.yaml", "new\n"
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_atomic_each(items())  # type: ignore[arg-type]
    assert (tmp_path / "a.yaml").read_text(encoding="utf-8") == "old\n"
    assert leftovers(tmp_path) == []


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    root = tmp_path / "standards"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".gbstd-cache"))
    return root


def unformat(path: Path) -> str:
    """The file with its first two top-level keys swapped (what `fmt` puts back)."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    first = next(i for i, line in enumerate(lines) if line[:1].isalpha())
    lines[first], lines[first + 1] = lines[first + 1], lines[first]
    text = "".join(lines)
    path.write_text(text, encoding="utf-8")
    return text


def test_fmt_reports_a_file_it_cannot_write_and_formats_the_rest(
    catalog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = sorted((catalog / "records" / "group").glob("*.yaml"))[0]
    other = sorted((catalog / "records" / "national").glob("*.yaml"))[0]
    blocked_text, other_text = unformat(blocked), unformat(other)
    refuse_in(monkeypatch, blocked.parent)
    result = runner.invoke(app, ["fmt", str(catalog), "--lang", "en"])
    assert result.exit_code == 1, result.output
    assert f"{blocked.name}: cannot be written: Permission denied" in result.stderr
    assert "Traceback" not in result.output
    assert "reformatted 1 of" in result.stdout and "1 could not be formatted" in result.stdout
    assert blocked.read_text(encoding="utf-8") == blocked_text  # left as it was
    assert other.read_text(encoding="utf-8") != other_text  # written
    assert leftovers(catalog) == []
    monkeypatch.undo()
    check = runner.invoke(app, ["fmt", "--check", str(catalog), "--lang", "en"])
    assert check.exit_code == 1 and "1 of" in check.stdout and blocked.name in check.stdout


def test_schema_into_an_unwritable_place_is_one_line(tmp_path: Path) -> None:
    in_the_way = tmp_path / "schemas"
    in_the_way.write_text("a file where the directory should be\n", encoding="utf-8")
    result = runner.invoke(app, ["schema", "-o", str(in_the_way), "--lang", "en"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"gbstd: cannot write {in_the_way}/") and "Traceback" not in result.output


def test_new_into_an_unwritable_place_is_one_line(catalog: Path) -> None:
    shutil.rmtree(catalog / "records" / "local")
    (catalog / "records" / "local").write_text("in the way\n", encoding="utf-8")
    result = runner.invoke(app, ["new", "DB41/T 9999-2024", "-t", "机关食堂服务规范", "--module", "302",
                                 "--catalog", str(catalog), "--lang", "en"])
    assert result.exit_code == 2
    assert "cannot write records/local/DB41-T-9999-2024.yaml" in result.stderr
    assert "Traceback" not in result.output


def test_an_os_error_no_command_expected_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import gbstd.cli.schema as schema_cmd

    def broken() -> dict[str, str]:
        raise OSError(errno.EIO, "Input/output error", "schemas/standard.schema.json")

    monkeypatch.setattr(schema_cmd, "schema_documents", broken)
    monkeypatch.setattr("sys.argv", ["gbstd", "schema"])
    with pytest.raises(SystemExit) as stop:
        cli_app.run()
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err == ("gbstd: 无法读写 schemas/standard.schema.json：Input/output error"
                   "（cannot read or write schemas/standard.schema.json: Input/output error）\n")


def read_fifo_in_background(fifo: Path) -> tuple[threading.Thread, list[bytes]]:
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    return reader, got


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_an_output_that_is_a_pipe_is_written_into_not_replaced(tmp_path: Path) -> None:
    """`-o` naming a pipe (or a device: /dev/stdout, /dev/null) writes into it: an atomic rename over it put a
    regular file in its place, which as root replaced /dev/null itself."""
    fifo = tmp_path / "catalog.csv"
    os.mkfifo(fifo)
    reader, got = read_fifo_in_background(fifo)
    result = runner.invoke(app, ["report", "catalog", str(SAMPLE), "-o", str(fifo), "--lang", "en"])
    reader.join(10)
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert got and got[0].decode("utf-8-sig").startswith("No.,")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_output_pipe_nothing_reads_is_refused_not_waited_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    """`-o` naming a FIFO nothing reads waited for a reader forever; it is refused (exit 2), and stays a FIFO."""
    monkeypatch.setattr(atomic, "PIPE_READER_WAIT", 0.2, raising=False)
    fifo = tmp_path / "catalog.csv"
    os.mkfifo(fifo)
    done: list[object] = []
    worker = threading.Thread(
        target=lambda: done.append(runner.invoke(app, ["report", "catalog", str(SAMPLE), "-o", str(fifo), "--lang", lang])),
        daemon=True,
    )
    worker.start()
    worker.join(30)
    if worker.is_alive():
        os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))  # let the blocked write go
        pytest.fail("the write waited for a reader of the pipe")
    result = done[0]
    said = " ".join(result.stderr.split())  # type: ignore[attr-defined]
    expected = {"zh": f"gbstd: 无法写入 {fifo}：它是命名管道（FIFO），没有程序在读取，写入会一直等下去；请先启动读取它的程序，或换一个文件名",
                "en": f"gbstd: cannot write {fifo}: it is a named pipe (FIFO) that nothing is reading, so the write would wait "
                      "forever: start its reader first, or name a file"}[lang]
    assert result.exit_code == 2 and said.startswith(expected), said  # type: ignore[attr-defined]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_an_output_that_is_a_link_replaces_the_file_it_leads_to(tmp_path: Path) -> None:
    target, link = tmp_path / "reports" / "2025.csv", tmp_path / "latest.csv"
    target.parent.mkdir()
    target.write_text("old\n", encoding="utf-8")
    link.symlink_to(target)
    result = runner.invoke(app, ["report", "catalog", str(SAMPLE), "-o", str(link), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and link.resolve() == target.resolve()
    assert target.read_text(encoding="utf-8-sig").startswith("No.,")
    assert leftovers(tmp_path) == []


def test_write_output_into_a_pipe(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("named pipes are POSIX")
    fifo = tmp_path / "p"
    os.mkfifo(fifo)
    reader, got = read_fifo_in_background(fifo)
    write_output(fifo, "一二三\n")
    reader.join(10)
    assert got == ["一二三\n".encode()]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.parametrize("files", [3, atomic.ONE_BY_ONE + 4])
def test_a_few_files_are_synced_one_by_one_and_many_together(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: int
) -> None:
    calls: list[str] = []
    real_fsync = atomic.os.fsync
    monkeypatch.setattr(atomic.os, "sync", lambda: calls.append("sync"), raising=False)
    monkeypatch.setattr(atomic.os, "fsync", lambda fd: (calls.append("fsync"), real_fsync(fd))[1])
    failed = write_atomic_each([(tmp_path / f"{n}.yaml", f"{n}\n") for n in range(files)])
    assert failed == []
    assert calls == (["fsync"] * files if files <= atomic.ONE_BY_ONE else ["sync"])
    assert sorted(p.read_text(encoding="utf-8") for p in tmp_path.glob("*.yaml")) == sorted(f"{n}\n" for n in range(files))



def test_a_read_only_record_is_not_replaced_by_fmt_review_add_or_import(tmp_path: Path) -> None:
    # Renaming a new file over a record needs only the directory's permission: fmt, review add and import --update
    # replaced a record someone had made read-only (locked by a version control until checked out) without a word.
    root = tmp_path / "cat"
    record = root / "records" / "GB-T-1-2020.yaml"
    record.parent.mkdir(parents=True)
    (root / "gbstd.toml").write_text("", encoding="utf-8")
    text = "title: 甲\ncode: GB/T 1-2020\nstatus: 现行\neffective: 2020-06-01\n"  # fmt would put code first
    record.write_text(text, encoding="utf-8")
    record.chmod(0o444)
    try:
        fmt = runner.invoke(app, ["fmt", str(root), "--lang", "en", "--no-cache"])
        assert fmt.exit_code == 1 and "GB-T-1-2020.yaml: cannot be written: " in fmt.stderr, fmt.output
        assert "read-only file" in fmt.stderr
        add = runner.invoke(app, ["review", "add", "GB/T 1-2020", "-C", str(root), "--date", "2024-05-20",
                                  "--conclusion", "继续有效", "--by", "甲", "--as-of", "2025-01-01", "--lang", "en",
                                  "--reformat"])
        assert add.exit_code == 2 and "records/GB-T-1-2020.yaml cannot be written: " in add.stderr, add.output
        assert "read-only file" in add.stderr and "the file is unchanged" in add.stderr
        table = tmp_path / "t.csv"
        table.write_text("标准号,标准名称,发布日期\nGB/T 1-2020,甲,2020-01-01\n", encoding="utf-8")
        imported = runner.invoke(app, ["import", str(table), "--into", str(root), "--update", "--lang", "en"])
        assert imported.exit_code != 0 and "read-only file" in imported.stderr, imported.output
        assert "Traceback" not in imported.output
        assert record.read_text(encoding="utf-8") == text
        assert sorted(p.name for p in record.parent.iterdir()) == ["GB-T-1-2020.yaml"]  # no temporary file left
    finally:
        record.chmod(0o644)
