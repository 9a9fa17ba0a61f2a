"""Two writers at once: two `gbstd serve` processes on one catalog, or a save from the web while another program
writes the same file or commits. No edit may be lost without a word, and a lock another process holds is said
plainly, never a traceback."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from urllib.parse import quote

import pytest
from starlette.testclient import TestClient

from gbstd.catalog import atomic
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


