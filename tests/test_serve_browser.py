"""The issue-17 trial of `gbstd serve` in real headless Chromium: the server runs (uvicorn, in a thread) on a
copy of the sample catalog in a fresh git repository, on a free port. Screenshots of each screen go to
``test-output/serve/``. Skipped, with the reason, when Chromium or playwright is missing."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import git
import pytest
from typer.testing import CliRunner

from gbstd.cli.app import app as cli
from gbstd.serve.app import create_app
from tests.serve_helpers import CODE, CSV_ONE_BAD_ROW, RECORD, changed_lines, sample_repo
from tests.test_browser import CHROMIUM_FLAGS, OUTPUT, chromium_path

if TYPE_CHECKING:
    from playwright.sync_api import Page

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
uvicorn = pytest.importorskip("uvicorn")
pytestmark = pytest.mark.skipif(chromium_path() is None,
                                reason="Chromium is not installed (Debian: apt-get install chromium)")

SHOTS = OUTPUT / "serve"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    root = sample_repo(tmp_path_factory.mktemp("serve"))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(root), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the server did not start"
    try:
        yield f"http://127.0.0.1:{port}", root
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture(scope="module")
def page(served: tuple[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=chromium_path(), headless=True,
            args=CHROMIUM_FLAGS, viewport={"width": 1280, "height": 900},
        )
        try:
            yield context.new_page()
        finally:
            context.close()


def open_record(page: Page, base: str) -> None:
    page.goto(f"{base}/")
    page.fill("input[name=q]", "公务用车")
    page.click("text=筛选 filter")
    page.click(f"a:text-is('{CODE}')")
    page.wait_for_selector("#record-form")


def test_the_trial_in_chromium(served: tuple[str, Path], page: Page) -> None:
    base, root = served
    record = root / RECORD

    page.goto(f"{base}/")
    assert page.locator("#standards tbody tr").count() > 10
    page.screenshot(path=str(SHOTS / "01-list.png"), full_page=True)

    # Edit a title and save: only that line changes, lint stays clean.
    open_record(page, base)
    before = record.read_bytes()
    page.fill("#in-title", "机关公务用车服务管理规范")
    page.click("#save")
    page.wait_for_selector("#message")
    page.screenshot(path=str(SHOTS / "02-saved.png"), full_page=True)
    assert changed_lines(before, record.read_bytes()) == [
        ("title: 机关公务用车服务规范", "title: 机关公务用车服务管理规范")]
    assert CliRunner().invoke(cli, ["lint", str(root)]).exit_code == 0

    # 2024-02-30: the error shows at the field, the file is unchanged. A date input cannot hold it, so the
    # test turns it into a text input, as an older browser would show it.
    before = record.read_bytes()
    page.evaluate("document.getElementById('in-published').type = 'text'")
    page.fill("#in-published", "2024-02-30")
    page.click("#save")
    error = page.locator("#field-published .field-error")
    error.wait_for()
    assert error.count() == 1
    page.screenshot(path=str(SHOTS / "03-invalid-date.png"), full_page=True)
    assert record.read_bytes() == before

    # Add a review: it appears in the worklist.
    open_record(page, base)
    page.fill("#review-form input[name=by]", "吕梁市机关事务服务中心")
    page.fill("#review-form input[name=date]", "2026-10-01")
    page.click("#review-form button")
    page.wait_for_selector("#message")
    page.goto(f"{base}/reviews")
    row = page.locator("#worklist tr", has_text=CODE)
    assert "2026-10-01" in row.inner_text()
    page.screenshot(path=str(SHOTS / "04-worklist.png"), full_page=True)

    # Upload a CSV with one bad row: the preview gives the reason; apply writes the good row.
    upload = root.parent.parent / "清单.csv"  # outside the repository
    upload.write_text(CSV_ONE_BAD_ROW, encoding="utf-8")
    page.goto(f"{base}/import")
    page.set_input_files("input[name=table]", str(upload))
    page.click("#upload-form button")
    page.wait_for_selector("#preview")
    rejected = page.locator("#preview tr.rejected")
    assert rejected.count() == 1 and "2025-02-30" in rejected.inner_text()
    page.screenshot(path=str(SHOTS / "05-import-preview.png"), full_page=True)
    assert not (root / "records/local/DB41-T-9001-2025.yaml").exists()
    page.click("#apply-form button")
    page.wait_for_selector("text=已导入 applied")
    assert (root / "records/local/DB41-T-9001-2025.yaml").is_file()
    assert not (root / "records/local/DB41-T-9002-2025.yaml").exists()

    # Create a standard with the form.
    page.goto(f"{base}/new")
    page.fill("#n-code", "DB41/T 9100-2025")
    page.fill("#n-title", "机关茶歇服务规范")
    page.fill("#n-effective", "2025-03-01")
    page.fill("#n-module", "302")  # as `gbstd new` asks: a module of the system
    page.click("#new-form button")
    page.wait_for_selector("#record-form")
    assert (root / "records/local/DB41-T-9100-2025.yaml").is_file()

    # Commit: git log shows the message and the editor's name.
    page.goto(f"{base}/changes")
    assert "title: 机关公务用车服务规范 → 机关公务用车服务管理规范" in page.inner_text("main")
    page.screenshot(path=str(SHOTS / "06-changes.png"), full_page=True)
    page.fill("#commit-form textarea[name=message]", "网页编辑：改名称、复审、导入")
    page.fill("#commit-form input[name=author]", "张三")
    page.click("#commit-form button")
    page.wait_for_selector("#done")
    head = git.Repo(root, search_parent_directories=True).head.commit
    assert head.message == "网页编辑：改名称、复审、导入\n" and head.author.name == "张三"  # git's own form
    assert not git.Repo(root, search_parent_directories=True).is_dirty(untracked_files=True)

    # A change on disk after the form was opened: the save is refused with a conflict message.
    open_record(page, base)
    record.write_bytes(record.read_bytes().replace(b"ccs: A12", b"ccs: A13"))
    changed = record.read_bytes()
    page.fill("#in-title", "又一个名称")
    page.click("#save")
    page.wait_for_selector("#general-error")
    assert "打开表单后已被修改" in page.inner_text("#general-error")
    page.screenshot(path=str(SHOTS / "07-conflict.png"), full_page=True)
    assert record.read_bytes() == changed

    # A forged POST (no token) is 403; paths out of the catalog are 404.
    forged = page.request.post(f"{base}/standard/save", form={"code": CODE, "title": "forged"})
    assert forged.status == 403
    for path in ("/../gbstd.toml", "/%2e%2e/gbstd.toml", "/%2e%2e%2fgbstd.toml", "/static/..%2fgbstd.toml"):
        response = page.request.get(base + path)
        assert response.status == 404, path
        assert "[catalog]" not in response.text()
    assert record.read_bytes() == changed


def test_a_checkbox_round_trip_in_chromium(served: tuple[str, Path], page: Page) -> None:
    # Chromium sends an unticked box as nothing: the hidden input of its name says the form had it
    base, root = served
    record = root / "records/internal/HNJGSW-302-2023.yaml"
    original = record.read_text(encoding="utf-8")
    assert "\nillustrative: true\n" in original
    for ticked, expected in ((False, original.replace("illustrative: true\n", "")), (True, original)):
        page.goto(f"{base}/standard?code=HNJGSW%20302-2023")
        assert page.is_checked("#in-illustrative") is not ticked
        page.set_checked("#in-illustrative", ticked)
        page.click("#save")
        page.wait_for_selector("#message")
        assert record.read_text(encoding="utf-8") == expected
        assert page.is_checked("#in-illustrative") is ticked
