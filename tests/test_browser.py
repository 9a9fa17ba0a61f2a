"""The site and the HTML bulletin in a real headless Chromium (Debian's ``chromium`` package).

Screenshots go to ``test-output/`` at the repository root (ignored by git). Skipped, with the reason, only when
Chromium or the ``playwright`` package is missing; ``.ci/run`` installs both.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from typer.testing import CliRunner

from gbstd.catalog.loader import load_catalog
from gbstd.cli.app import app
from tests.conftest import CatalogFactory, record
from tests.federation_support import HENAN, SAMPLE, member_of, split_sample
from tests.test_report_bulletin import FIXTURE, NOTES
from tests.test_site_scale import many_records

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

REPO = Path(__file__).resolve().parent.parent
OUTPUT = REPO / "test-output"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def chromium_path() -> str | None:
    for candidate in (os.environ.get("GBSTD_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
pytestmark = pytest.mark.skipif(chromium_path() is None,
                                reason="Chromium is not installed (Debian: apt-get install chromium)")


@pytest.fixture(scope="module")
def browser_context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=chromium_path(),
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport={"width": 1280, "height": 900},
        )
        try:
            yield context
        finally:
            context.close()


def open_page(context: BrowserContext, path: Path) -> tuple[Page, list[str]]:
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, problems


def visible_rows(page: Page) -> int:
    return page.locator("#standards tbody tr:not([hidden])").count()


def test_site_index_filters_in_the_browser(make_catalog: CatalogFactory, tmp_path: Path,
                                           browser_context: BrowserContext) -> None:
    out = tmp_path / "site"
    result = CliRunner().invoke(app, ["report", "site", str(make_catalog(FIXTURE)), "-o", str(out),
                                      "--as-of", "2026-01-01"])
    assert result.exit_code == 0, result.output
    page, problems = open_page(browser_context, out / "index.html")
    assert visible_rows(page) == 10
    assert page.text_content("#count") == "10"
    page.select_option("#f-tier", "local")
    assert visible_rows(page) == 5
    assert page.text_content("#count") == "5"
    page.select_option("#f-status", "废止")
    assert visible_rows(page) == 1
    page.select_option("#f-status", "")
    page.fill("#q", "公务用车")
    assert visible_rows(page) == 3
    page.select_option("#f-region", "32")
    assert visible_rows(page) == 0
    assert page.is_visible("#empty")
    page.click("#reset")
    assert visible_rows(page) == 10
    page.select_option("#f-module", "202")
    assert visible_rows(page) == 3
    page.click("#reset")
    page.select_option("#f-review", "未到期")  # the review worklist as of 2026-01-01 (gbstd.review)
    assert visible_rows(page) == 6
    page.select_option("#f-review", "逾期（超法定上限）")
    assert visible_rows(page) == 2
    page.click("#reset")
    page.select_option("#f-module", "202")
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "site-index.png"), full_page=True)
    page.click("text=DB4103/T 9002-2023")
    page.wait_for_load_state("load")
    assert "公务用车运行维护规范" in page.text_content("h1")
    page.screenshot(path=str(OUTPUT / "site-standard.png"), full_page=True)
    assert problems == []
    assert (OUTPUT / "site-index.png").stat().st_size > 10_000


@pytest.mark.parametrize(("typed", "found"), [
    ("ＧＢ／Ｔ　９０００１", "GB/T 90001-2023"),  # an input method's full-width letters, digits and space
    ("gb/t90001", "GB/T 90001-2023"),  # a code typed without its space
    ("DB41/T9100", "DB41/T 9100-2024"),
    ("第1部分", "DB41/T 9100-2024"),  # the title's full-width digit, typed in ASCII
    ("会议 服务规范 第１部分", "DB41/T 9100-2024"),  # words of a title holding a no-break space (C020)
])
def test_site_search_folds_widths_and_spaces(make_catalog: CatalogFactory, tmp_path: Path,
                                             browser_context: BrowserContext, typed: str, found: str) -> None:
    # the search compared lower-cased text: full-width ＧＢ／Ｔ, a code typed without its space and a title's
    # full-width digits found nothing
    files = {**FIXTURE, "records/DB41-T-9100-2024.yaml": record("DB41/T 9100-2024", "机关会议\u00a0服务规范 第１部分",
                                                                effective="2024-03-01")}
    out = tmp_path / "site"
    result = CliRunner().invoke(app, ["report", "site", str(make_catalog(files)), "-o", str(out),
                                      "--as-of", "2026-01-01"])
    assert result.exit_code == 0, result.output
    page, problems = open_page(browser_context, out / "index.html")
    page.fill("#q", typed)
    assert page.text_content("#count") == "1"
    assert page.text_content("#standards tbody tr:not([hidden]) td.code") == found
    assert problems == []


def test_html_bulletin_in_the_browser(make_catalog: CatalogFactory, tmp_path: Path, browser_context: BrowserContext) -> None:
    root = make_catalog({**FIXTURE, "notes/2023H2.yaml": NOTES})
    out = tmp_path / "bulletin.html"
    result = CliRunner().invoke(app, ["report", "bulletin", str(root), "-p", "2023H2", "-f", "html", "-o", str(out),
                                      "--as-of", "2026-01-01"])
    assert result.exit_code == 0, result.output
    page, problems = open_page(browser_context, out)
    assert page.text_content("h1.title") == "关于2023年下半年机关事务标准化工作推进情况的通报"
    widths = page.eval_on_selector_all("figure img", "imgs => imgs.map(i => i.naturalWidth)")
    # by tier, by module, review state, and the framework diagram (drawn by gbstd itself without Graphviz)
    assert len(widths) == 4 and all(w > 100 for w in widths)
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "bulletin.png"), full_page=True)
    assert problems == []
    assert (OUTPUT / "bulletin.png").stat().st_size > 10_000


def test_site_index_pages_and_searches_a_larger_catalog(make_catalog: CatalogFactory, tmp_path: Path,
                                                        browser_context: BrowserContext) -> None:
    """Rows come from assets/index-data.js, 100 to a page; record text is shown as text, never as markup."""
    out = tmp_path / "site"
    result = CliRunner().invoke(app, ["report", "site", str(make_catalog(many_records(250))), "-o", str(out),
                                      "--as-of", "2026-01-01"])
    assert result.exit_code == 0, result.output
    page, problems = open_page(browser_context, out / "index.html")
    assert page.text_content("#count") == "261"
    assert visible_rows(page) == 100
    assert page.is_visible("#pager") and page.text_content("#page-count") == "3"
    first = page.text_content("#standards tbody tr td.code")
    page.click("#next")
    assert page.text_content("#page-no") == "2" and visible_rows(page) == 100
    assert page.text_content("#standards tbody tr td.code") != first
    page.click("#next")
    assert visible_rows(page) == 61 and page.is_disabled("#next")
    energy = [i for i in range(250) if i % 4 == 3]  # subjects cycle every 4 records, provinces every 3
    page.fill("#q", "节能评价")
    assert page.text_content("#count") == str(len(energy)) and page.text_content("#page-no") == "1"
    assert visible_rows(page) == len(energy) and page.is_hidden("#pager")
    page.select_option("#f-region", "41")
    henan = [i for i in energy if i % 3 == 0]
    assert page.text_content("#count") == str(len(henan)) and visible_rows(page) == len(henan)
    page.fill("#q", "节能评价 第1")
    expected = sum(1 for i in henan if str(i).startswith("1"))
    assert page.text_content("#count") == str(expected)
    page.click("#reset")
    page.fill("#q", "onerror")  # the hostile title: matched, shown as text, no element injected
    assert page.text_content("#count") == "1"
    assert "<img src=x onerror=alert(1)>" in page.text_content("#standards tbody tr td:nth-child(2)")
    assert page.locator("#standards img").count() == 0
    page.select_option("#f-status", "废止")
    assert page.is_visible("#empty")
    page.click("#reset")
    page.select_option("#f-status", "现行")
    page.click("#next")
    url = page.url
    assert "status=" in url
    restored = browser_context.new_page()  # the filters and page come back from the address
    more: list[str] = []
    restored.on("pageerror", lambda error: more.append(str(error)))
    restored.goto(url)
    restored.wait_for_load_state("load")
    assert restored.input_value("#f-status") == "现行"
    assert restored.text_content("#page-no") == "2"
    restored.click("#standards tbody tr td.code a")
    restored.wait_for_load_state("load")
    assert "/standards/" in restored.url and restored.text_content("h1")
    assert problems == [] and more == []


def test_site_index_member_column_and_filter_in_the_browser(tmp_path: Path, browser_context: BrowserContext) -> None:
    """A federation's index (issue 19): the 成员 column is drawn by the script too, and the filter narrows to
    one member's records or the federating catalog's own (本级); the member's name is searchable."""
    federation = split_sample(tmp_path)
    (federation / "records").mkdir()
    (federation / "records" / "GB-T-9901-2024.yaml").write_text(
        record("GB/T 9901-2024", "机关事务数据共享规范", "现行", published="2024-01-01"), encoding="utf-8")
    out = tmp_path / "site"
    result = CliRunner().invoke(app, ["report", "site", str(federation), "-o", str(out), "--as-of", "2026-01-01"])
    assert result.exit_code == 0, result.output
    sample = load_catalog(SAMPLE)
    henan = sum(1 for r in sample.records if member_of(r.rel) == HENAN)
    page, problems = open_page(browser_context, out / "index.html")
    headers = page.locator("#standards thead th").all_text_contents()
    assert headers[3:6] == ["地区", "成员", "状态"]
    assert page.text_content("#count") == str(len(sample.records) + 1)
    page.select_option("#f-member", HENAN)
    assert page.text_content("#count") == str(henan) and visible_rows(page) == henan
    assert set(page.locator("#standards tbody td.member").all_text_contents()) == {HENAN}
    # Every row keeps its cells in the header's order (the member cell after the region).
    assert page.locator("#standards tbody tr").first.locator("td").count() == len(headers)
    page.select_option("#f-member", ".")
    assert page.text_content("#count") == "1"
    assert page.text_content("#standards tbody td.member") == "本级"
    page.click("#reset")
    page.fill("#q", HENAN)
    assert int(page.text_content("#count") or 0) >= henan  # the member's name is searched too
    assert problems == []
