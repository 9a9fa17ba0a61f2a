"""Two writers at once: two `gbstd serve` processes on one catalog, or a save from the web while another program
writes the same file or commits. No edit may be lost without a word, and a lock another process holds is said
plainly, never a traceback."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import git
import pytest
from starlette.testclient import TestClient

from gbstd.catalog import atomic, writelock
from gbstd.serve.app import create_app
from tests.serve_helpers import CODE, RECORD, csrf_of, digest_of, sample_repo

AS_OF = dt.date(2026, 11, 26)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return sample_repo(tmp_path)


def editor(root: Path) -> TestClient:
    """One `gbstd serve` on ``root`` (two of them stand for two server processes: each has its own state)."""
    return TestClient(create_app(root, as_of=AS_OF), base_url="http://127.0.0.1")


def title_form(client: TestClient, title: str) -> dict[str, str]:
    """The record form as opened now, with ``title`` typed into it (the fields a save needs)."""
    html = client.get(f"/standard?code={quote(CODE)}").text
    return {"csrf": csrf_of(html), "code": CODE, "digest": digest_of(html), "title": title}


def pause_renaming(monkeypatch: pytest.MonkeyPatch, target: Path) -> tuple[threading.Event, threading.Event]:
    """The first rename of a written file over ``target`` waits (after every check a write makes) until told
    to go on: (reached, go)."""
    reached, go, real = threading.Event(), threading.Event(), atomic._take_place
    calls = []

    def slow(tmp: str, path: Path) -> None:
        if Path(path).resolve() == target.resolve() and not calls:
            calls.append(path)
            reached.set()
            go.wait(10)
        real(tmp, path)

    monkeypatch.setattr(atomic, "_take_place", slow)
    return reached, go


def test_two_servers_saving_one_record_at_once_lose_no_edit(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # two `gbstd serve` on one catalog each held only their own in-process lock: both checked the file was as
    # their form had it, both renamed their text over it, and the first save was lost though both said "saved"
    first, second = editor(root), editor(root)
    form_a, form_b = title_form(first, "甲改的标题"), title_form(second, "乙改的标题")
    reached, go = pause_renaming(monkeypatch, root / RECORD)
    answers: dict[str, Any] = {}
    a = threading.Thread(target=lambda: answers.update(a=first.post("/standard/save", data=form_a,
                                                                     follow_redirects=False)))
    a.start()
    assert reached.wait(10)
    b = threading.Thread(target=lambda: answers.update(b=second.post("/standard/save", data=form_b,
                                                                      follow_redirects=False)))
    b.start()
    b.join(1.0)  # the second save, while the first is between its check and its rename
    go.set()
    a.join(10)
    b.join(10)
    text = (root / RECORD).read_text(encoding="utf-8")
    assert answers["a"].status_code == 303 and "甲改的标题" in text
    assert answers["b"].status_code == 409 and "打开表单后已被修改" in answers["b"].text
    assert "乙改的标题" not in text


def test_a_file_written_between_the_check_and_the_rename_is_not_overwritten(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # another program (an editor, `git pull`) wrote the file after the save compared it with the form: the save's
    # rename put the form's text over it, and that change was gone
    client = editor(root)
    form = title_form(client, "改过的标题")
    path = root / RECORD
    other = path.read_bytes().replace(b"ccs: A12", b"ccs: A13")
    real = atomic._write_temporary

    def meanwhile(target: Path, data: bytes, fsync: bool) -> str:
        tmp = real(target, data, fsync)
        if Path(target).resolve() == path.resolve():
            path.write_bytes(other)
        return tmp

    monkeypatch.setattr(atomic, "_write_temporary", meanwhile)
    response = client.post("/standard/save", data=form, follow_redirects=False)
    assert response.status_code == 409 and "打开表单后已被修改" in response.text
    assert path.read_bytes() == other
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


HOLDER = """
import sys, time
from pathlib import Path
from gbstd.catalog.writelock import catalog_writing
with catalog_writing(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(60)
"""


def test_a_save_waits_for_another_process_writing_and_a_dead_one_blocks_nothing(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # another gbstd process writing the catalog (a second server, `gbstd fmt`): the save is refused with a
    # word once the wait is over, the file untouched; and once that process is gone (killed, so it never
    # released anything), the next save goes through at once
    monkeypatch.setattr(writelock, "WAIT", 0.5)
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(root)], stdout=subprocess.PIPE,
                              env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    try:
        assert holder.stdout is not None and holder.stdout.readline() == b"held\n"
        client = editor(root)
        before = (root / RECORD).read_bytes()
        response = client.post("/standard/save", data=title_form(client, "改过的标题"), follow_redirects=False)
        assert response.status_code == 409
        assert "另一个 gbstd 进程正在写入目录" in response.text and "Traceback" not in response.text
        assert (root / RECORD).read_bytes() == before
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(10)
    started = time.monotonic()
    response = client.post("/standard/save", data=title_form(client, "改过的标题"), follow_redirects=False)
    assert response.status_code == 303 and time.monotonic() - started < 5
    assert "改过的标题" in (root / RECORD).read_text(encoding="utf-8")


def test_a_review_added_while_another_program_writes_the_file_loses_neither(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a review reads the file, adds its entry and renames the result over it: a change written in between (a
    # second server's save, `gbstd fmt`) was overwritten without a word
    from gbstd.catalog import record_edit

    client = editor(root)
    html = client.get(f"/standard?code={quote(CODE)}").text
    path = root / RECORD
    other = path.read_bytes().replace(b"ccs: A12", b"ccs: A13")
    real = record_edit._with_review

    def meanwhile(*args: Any, **kwargs: Any) -> bytes:
        text = real(*args, **kwargs)
        path.write_bytes(other)
        return text

    monkeypatch.setattr(record_edit, "_with_review", meanwhile)
    response = client.post("/standard/review", data={"csrf": csrf_of(html), "code": CODE, "date": "2025-01-03",
                                                     "conclusion": "继续有效", "by": "某局"}, follow_redirects=False)
    assert response.status_code == 409 and "读取后已被修改" in response.text
    assert path.read_bytes() == other


def test_a_new_record_made_meanwhile_by_another_process_is_not_overwritten(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `gbstd new` (or a second server) made the same record between the check that there is none and the
    # write: the write renamed its own file over that one
    import gbstd.scaffold as scaffold

    client = editor(root)
    token = csrf_of(client.get("/new").text)
    path = root / "records" / "local" / "DB41-T-9001-2025.yaml"
    theirs = "code: DB41/T 9001-2025\ntitle: 另一处新建的记录\nstatus: 现行\n"
    real = scaffold.render_record

    def meanwhile(*args: Any, **kwargs: Any) -> str:
        text = real(*args, **kwargs)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(theirs, encoding="utf-8")
        return text

    monkeypatch.setattr(scaffold, "render_record", meanwhile)
    response = client.post("/new", data={"csrf": token, "code": "DB41/T 9001-2025", "title": "机关会议服务规范",
                                         "published": "2025-01-02", "effective": "2025-03-01", "module": "202"},
                           follow_redirects=False)
    assert response.status_code == 422 and "已有记录" in response.text
    assert path.read_text(encoding="utf-8") == theirs
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def test_a_commit_while_another_git_holds_the_index_is_said_plainly(root: Path) -> None:
    # git's index.lock held by another git (a commit in a terminal, an IDE): the page said only git's last
    # line, "cannot commit: remove the file manually to continue.'", which reads as an order to break the lock
    client = editor(root)
    html = client.get(f"/standard?code={quote(CODE)}").text
    assert client.post("/standard/save", data={"csrf": csrf_of(html), "code": CODE, "digest": digest_of(html),
                                                "title": "改过的标题"}, follow_redirects=False).status_code == 303
    repo = git.Repo(root, search_parent_directories=True)
    head = repo.head.commit
    lock = Path(repo.git_dir) / "index.lock"
    lock.write_bytes(b"")
    token = csrf_of(client.get("/changes").text)
    form = {"csrf": token, "files": RECORD, "message": "改名", "author": "张三"}
    response = client.post("/commit", data=form)
    assert response.status_code == 409
    assert "另一个 git 进程正在使用该仓库" in response.text and ".git/index.lock" in response.text
    assert "Traceback" not in response.text and "remove the file manually" not in response.text
    assert repo.head.commit == head and lock.exists()  # another's lock is never removed
    # released a moment later (the other git finished): the commit waits for it and goes through
    threading.Timer(0.5, lock.unlink).start()
    response = client.post("/commit", data=form)
    assert response.status_code == 200 and 'id="done"' in response.text
    assert repo.head.commit != head


def test_serve_says_when_the_system_cannot_keep_two_processes_apart(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # where there is no flock (Windows), two servers on one catalog are kept apart by nothing: said at the start
    import socket

    import uvicorn
    from typer.testing import CliRunner

    from gbstd.cli.app import app as cli

    monkeypatch.setattr(uvicorn.Server, "run", lambda server, sockets: [s.close() for s in sockets])
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = CliRunner().invoke(cli, ["serve", str(root), "--port", str(port), "--lang", "en"])
    assert result.exit_code == 0 and "no lock between processes" not in result.output
    monkeypatch.setattr(writelock, "fcntl", None)
    result = CliRunner().invoke(cli, ["serve", str(root), "--port", str(port), "--lang", "en"])
    assert result.exit_code == 0 and "no lock between processes" in result.stderr
    with writelock.catalog_writing(root), writelock.catalog_writing(root):  # still a lock within the process
        pass


@pytest.mark.parametrize("links", [True, False])
def test_a_new_file_is_never_written_over_one_made_meanwhile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             links: bool) -> None:
    # with hard links (put in place whole) and without (a FAT stick, a network share: created exclusively)
    if not links:
        def no_links(source: object, target: object) -> None:
            raise PermissionError(1, "Operation not permitted")

        monkeypatch.setattr(os, "link", no_links)
    path = tmp_path / "records" / "a.yaml"
    atomic.write_new(path, "code: A\n")
    assert path.read_text(encoding="utf-8") == "code: A\n" and oct(path.stat().st_mode & 0o777) == "0o644"
    with pytest.raises(FileExistsError):
        atomic.write_new(path, "code: B\n")
    assert path.read_text(encoding="utf-8") == "code: A\n"
    assert sorted(p.name for p in path.parent.iterdir()) == ["a.yaml"]


def test_gbstd_import_waits_for_a_server_writing_the_catalog(root: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    # `gbstd import` checked each file was as planned, then renamed: a web save landing in between was
    # overwritten. Its write now takes the catalog's write lock: while another process holds it, the import
    # waits, and is refused in one line (nothing written) once the wait is over
    from typer.testing import CliRunner

    from gbstd.cli.app import app as cli

    table = tmp_path / "t.csv"
    table.write_text("标准号,标准名称,状态,发布日期,实施日期,体系编号\n"
                     "DB41/T 9001-2025,机关会议服务规范,现行,2025-01-02,2025-03-01,202\n", encoding="utf-8")
    made = root / "records" / "local" / "DB41-T-9001-2025.yaml"
    monkeypatch.setattr(writelock, "WAIT", 0.5)
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(root)], stdout=subprocess.PIPE,
                              env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    try:
        assert holder.stdout is not None and holder.stdout.readline() == b"held\n"
        result = CliRunner().invoke(cli, ["import", str(table), "-C", str(root), "--lang", "en"])
        assert result.exit_code == 2 and "another gbstd process is writing the catalog" in result.stderr
        assert "Traceback" not in result.output and not made.exists()
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(10)
    result = CliRunner().invoke(cli, ["import", str(table), "-C", str(root), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert made.exists()


def out_of_order(root: Path) -> bytes:
    """RECORD with a key out of the canonical order (so that `gbstd fmt` rewrites it): its bytes."""
    path = root / RECORD
    text = path.read_text(encoding="utf-8").replace("ccs: A12\n", "")
    path.write_text(text.replace("title:", "ccs: A12\ntitle:", 1), encoding="utf-8")
    return path.read_bytes()


def test_a_web_save_between_fmt_checking_a_file_and_renaming_it_is_not_lost(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `gbstd fmt` checked each file was as it had read it, then renamed its text over it, without the catalog's
    # write lock: a web save landing in between said "saved" and was overwritten. The checks and renames now
    # hold the lock: the save waits for them, then finds the file changed since its form was opened
    from gbstd.catalog.catalog import Catalog
    from gbstd.catalog.config_file import load_config
    from gbstd.formatting import format_files

    before = out_of_order(root)
    client = editor(root)
    form = title_form(client, "网页改的标题")
    reached, go = pause_renaming(monkeypatch, root / RECORD)
    answers: dict[str, Any] = {}
    fmt = threading.Thread(target=lambda: answers.update(fmt=format_files(
        Catalog(root=root, config=load_config(root)), [RECORD], check=False, jobs=1)))
    fmt.start()
    assert reached.wait(10)
    save = threading.Thread(target=lambda: answers.update(save=client.post("/standard/save", data=form,
                                                                           follow_redirects=False)))
    save.start()
    save.join(1.0)  # the save, while fmt is between its check of the file and its rename
    go.set()
    fmt.join(10)
    save.join(10)
    text = (root / RECORD).read_text(encoding="utf-8")
    assert [r.outcome for r in answers["fmt"].results] == ["reformatted"] and text.encode() != before
    assert text.index("title:") < text.index("ccs:")
    assert answers["save"].status_code == 409 and "打开表单后已被修改" in answers["save"].text
    assert "网页改的标题" not in text


def test_gbstd_fmt_waits_for_a_server_writing_the_catalog(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # while another process holds the catalog's write lock past the wait, `gbstd fmt` says so in one line, exit
    # 2, and renames nothing; `fmt --check` writes nothing and is not held up; once that process is gone, fmt runs
    from typer.testing import CliRunner

    from gbstd.cli.app import app as cli

    before = out_of_order(root)
    monkeypatch.setattr(writelock, "WAIT", 0.5)
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(root)], stdout=subprocess.PIPE,
                              env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    try:
        assert holder.stdout is not None and holder.stdout.readline() == b"held\n"
        result = CliRunner().invoke(cli, ["fmt", str(root), "--lang", "en", "--no-cache"])
        assert result.exit_code == 2, result.output
        assert "another gbstd process is writing the catalog" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output
        assert (root / RECORD).read_bytes() == before
        assert not [p for p in root.rglob("*.tmp")]
        result = CliRunner().invoke(cli, ["fmt", "--check", str(root), "--lang", "en", "--no-cache"])
        assert result.exit_code == 1 and "1 of" in result.stdout
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(10)
    result = CliRunner().invoke(cli, ["fmt", str(root), "--lang", "en", "--no-cache"])
    assert result.exit_code == 0, result.output
    assert (root / RECORD).read_bytes() != before
