"""`gbstd serve` through Starlette's TestClient: CSRF, traversal, validation, byte-for-byte edits, conflicts,
reviews, abolition, creation, import preview/apply and commits — on a copy of the sample catalog in git."""

from __future__ import annotations

import datetime as dt
import json
import re
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import git
import pytest
from starlette.routing import Route
from starlette.testclient import TestClient
from typer.testing import CliRunner

from gbstd.catalog import writelock
from gbstd.catalog.catalog import Catalog
from gbstd.catalog.yamlio import parse_yaml
from gbstd.cli.app import app as cli
from gbstd.serve import gitops
from gbstd.serve.app import create_app
from gbstd.serve.forms import FORM_FIELDS
from gbstd.serve.security import MAX_BODY, MAX_FIELD
from tests.serve_helpers import (
    CODE,
    CSV_ONE_BAD_ROW,
    RECORD,
    SUCCESSOR,
    changed_lines,
    csrf_of,
    digest_of,
    sample_repo,
)

AS_OF = dt.date(2026, 11, 26)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return sample_repo(tmp_path)


@pytest.fixture
def client(root: Path) -> TestClient:
    return TestClient(create_app(root, as_of=AS_OF), base_url="http://127.0.0.1")


def page(client: TestClient, code: str = CODE) -> str:
    response = client.get(f"/standard?code={quote(code)}")
    assert response.status_code == 200
    return response.text


def form_of(html: str) -> dict[str, str]:
    """The record form's fields as the page shows them (what a browser would submit unchanged)."""
    data = {"csrf": csrf_of(html), "code": CODE, "digest": digest_of(html)}
    form = html.split('id="record-form"')[1].split("</form>")[0]
    for name, value in re.findall(r'<input type="(?:text|date)" id="in-[a-z_]+" name="([a-z_]+)" value="([^"]*)"', form):
        data[name] = value
    for name, value in re.findall(r'<textarea id="in-[a-z_]+" name="([a-z_]+)"[^>]*>([^<]*)</textarea>', form):
        data[name] = value
    for name, block in re.findall(r'<select id="in-[a-z_]+" name="([a-z_]+)">(.*?)</select>', form, re.S):
        selected = re.search(r'<option value="([^"]*)" selected>', block) or re.search(r"<option selected>([^<]*)</", block)
        data[name] = selected.group(1) if selected else ""
    import html as html_lib

    return {k: html_lib.unescape(v) for k, v in data.items()}


def as_browser_sends(form: dict[str, str]) -> dict[str, str]:
    """A form as a browser submits it: a one-line input cannot hold a line break (it is dropped)."""
    lines = {"scope", "note", "replaces", "replaced_by", "references", "adopts", "refines", "issuer", "drafters", "sources"}
    return {k: v if k in lines else v.replace("\r", "").replace("\n", "") for k, v in form.items()}


def test_a_save_leaves_alone_what_the_form_cannot_show(root: Path, client: TestClient) -> None:
    # a save of the note joined a title written over two lines, split an issuer holding a line break into two
    # issuers and dropped an empty item: fields the form cannot show as they are, and no one edited
    path = root / RECORD
    text = path.read_text(encoding="utf-8").replace(
        "title: 机关公务用车服务规范", "title: |-\n  机关公务用车\n  服务规范").replace(
        "issuer: [吕梁市市场监督管理局]", 'issuer: ["吕梁市\\n市场监督管理局"]').replace(
        "drafters: [吕梁市机关事务服务中心]", "drafters: [吕梁市机关事务服务中心, '']")
    path.write_text(text, encoding="utf-8")
    form = as_browser_sends(form_of(page(client)))
    form["note"] = "只改备注"
    assert client.post("/standard/save", data=form, follow_redirects=False).status_code == 303
    after = path.read_text(encoding="utf-8")
    assert [line for line in after.splitlines() if line not in text.splitlines()] == ["note: 只改备注"]
    form = as_browser_sends(form_of(page(client)))  # an edit of the title itself is written
    form["title"] = "机关公务用车服务规范（修订）"
    assert client.post("/standard/save", data=form, follow_redirects=False).status_code == 303
    assert "  机关公务用车服务规范（修订）\n" in path.read_text(encoding="utf-8")  # in the block the file had


def test_an_edited_list_keeps_its_style_and_the_comments_of_the_items_kept(root: Path, client: TestClient) -> None:
    # the whole list was replaced: the comments on its items went, and a block list of issuers became a flow one
    path = root / RECORD
    text = path.read_text(encoding="utf-8").replace(
        "issuer: [吕梁市市场监督管理局]\n", "issuer:\n  - 吕梁市市场监督管理局  # 公告 2023 年第 12 号\n").replace(
        "  - https://11bz.com/a/674652.html\n", "  - https://11bz.com/a/674652.html  # 2024-05 核对：前言页\n")
    path.write_text(text, encoding="utf-8")
    form = form_of(page(client))
    form["issuer"] += "\n吕梁市机关事务服务中心"
    form["sources"] = "\n".join(["https://example.org/first", *form["sources"].splitlines()[:1]])  # one out, one in
    assert client.post("/standard/save", data=form, follow_redirects=False).status_code == 303
    after = path.read_text(encoding="utf-8")
    assert ("issuer:\n  - 吕梁市市场监督管理局  # 公告 2023 年第 12 号\n  - 吕梁市机关事务服务中心\n" in after)
    assert ("sources:\n  - https://example.org/first\n  - https://11bz.com/a/674652.html  # 2024-05 核对：前言页\n"
            "note:" in after)


def test_removing_the_first_item_under_a_commented_key_keeps_the_comment_heading_the_next(
    root: Path, client: TestClient
) -> None:
    # the lines heading the second item went above the new first one, where the key's end-of-line comment, which
    # ruamel keeps with those lines, wrote over them: the comment was lost without a word
    path = root / RECORD
    text = path.read_text(encoding="utf-8").replace(
        "sources:\n  - https://11bz.com/a/674652.html\n", "sources:  # 来源\n  - https://11bz.com/a/674652.html\n"
        "  # 2024-05 核对：前言页\n")
    path.write_text(text, encoding="utf-8")
    form = form_of(page(client))
    form["sources"] = "\n".join(form["sources"].splitlines()[1:])
    assert client.post("/standard/save", data=form, follow_redirects=False).status_code == 303
    after = path.read_text(encoding="utf-8")
    assert "sources:  # 来源\n  # 2024-05 核对：前言页\n  - https://www.bzchaxun.com/" in after


def test_a_record_that_is_a_link_inside_the_catalog_stays_a_link(root: Path, client: TestClient) -> None:
    # the save renamed a regular file over the link: the link was gone and the file it led to kept the old text
    path = root / RECORD
    shared = root / "shared" / path.name
    shared.parent.mkdir()
    path.rename(shared)
    path.symlink_to(Path("../../shared") / path.name)
    form = form_of(page(client))
    form["note"] = "经链接保存"
    assert client.post("/standard/save", data=form, follow_redirects=False).status_code == 303
    assert path.is_symlink() and "note: 经链接保存" in shared.read_text(encoding="utf-8")


def test_a_configuration_broken_while_the_editor_runs_is_named_on_every_page(root: Path, client: TestClient) -> None:
    # a merge conflict left in gbstd.toml made every page a bare "Internal Server Error"
    assert client.get("/").status_code == 200
    config = root / "gbstd.toml"
    config.write_text(config.read_text(encoding="utf-8") + "\n<<<<<<< HEAD\n", encoding="utf-8")
    quiet = TestClient(client.app, base_url="http://127.0.0.1", raise_server_exceptions=False)
    for url in ("/", f"/standard?code={quote(CODE)}", "/reviews", "/dupes", "/system", "/plans"):
        response = quiet.get(url)
        assert response.status_code == 500 and "目录无法读取" in response.text and "gbstd.toml" in response.text, url
    assert "gbstd.toml" in quiet.get("/changes").text  # the changes page says it in its own words


@pytest.mark.parametrize(("field", "value", "rule"), [("effective", "2024-03-01", "C012"), ("replaces", "", "C011")])
def test_a_save_that_would_put_an_error_in_another_record_s_file_is_refused(
    root: Path, client: TestClient, field: str, value: str, rule: str
) -> None:
    # the rules were judged on the edited file only: the save was written, and lint then failed in the file
    # of the standard it replaces
    path = root / "records/national/GB-T-29118-2023.yaml"
    before = path.read_bytes()
    form = form_of(page(client, "GB/T 29118-2023"))
    form["code"], form[field] = "GB/T 29118-2023", value
    response = client.post("/standard/save", data=form, follow_redirects=False)
    assert response.status_code == 422 and path.read_bytes() == before
    assert f"records/national/GB-T-29118-2012.yaml：{rule}" in response.text


def test_a_refusal_for_a_part_the_form_does_not_show_says_why(root: Path, client: TestClient) -> None:
    # R006 at reviews[0].date: the page said "correct the marked fields", marked none and gave no reason; an
    # abolition refused for it was a page without any message
    code = "JGJ/T 67-2019"  # reviewed on 2024-12-20
    form = form_of(page(client, code))
    form["code"], form["effective"] = code, "2025-01-01"
    saved = client.post("/standard/save", data=form, follow_redirects=False)
    assert saved.status_code == 422 and "reviews: R006" in saved.text
    html = page(client, code)
    abolished = client.post("/standard/abolish", data={"csrf": csrf_of(html), "code": code, "digest": digest_of(html),
                                                       "date": "2024-06-01"}, follow_redirects=False)
    assert abolished.status_code == 422 and "reviews: R006" in abolished.text and "未废止" in abolished.text


def test_the_changes_page_lists_a_file_whose_name_is_not_utf8(root: Path, client: TestClient) -> None:
    # a name unzipped from a GBK archive: GitPython's untracked_files raised, and the page was a bare 500
    import os

    with open(os.fsencode(root / "records") + b"/" + "说明.yaml".encode("gbk"), "wb") as handle:
        handle.write(b"x: 1\n")
    (root / "records" / "新文件.yaml").write_text("code: GB/T 1-2020\n", encoding="utf-8")
    response = client.get("/changes")
    assert response.status_code == 200
    # the name's bytes as the file system gives them: CB B5 reads as "˵", C3 F7 as no character at all
    assert "records/新文件.yaml" in response.text and "records/˵\\xc3\\xf7.yaml" in response.text


def test_a_new_abolished_standard_can_be_created_with_its_abolition_date(root: Path, client: TestClient) -> None:
    # 废止 was offered with no abolition date to give: every such request was refused for the missing date
    token = csrf_of(client.get("/new").text)
    form = {"csrf": token, "code": "DB1411/T 99-2015", "title": "机关旧规范", "status": "废止", "published": "2015-03-01",
            "effective": "2015-06-01", "abolished": "2020-01-01", "module": "202"}
    assert client.post("/new", data=form, follow_redirects=False).status_code == 303
    text = (root / "records/local/DB1411-T-99-2015.yaml").read_text(encoding="utf-8")
    assert "status: 废止" in text and "abolished: 2020-01-01" in text


@pytest.mark.parametrize("typed", ["DB1411/T62-2023", "ＤＢ１４１１／Ｔ ６２－２０２３", "db1411/t 62—2023"])
def test_the_list_finds_a_code_in_any_spelling(client: TestClient, typed: str) -> None:
    html = client.get("/", params={"q": typed}).text
    assert 'href="/standard?code=DB1411/T%2062-2023"' in html or "DB1411/T 62-2023</a>" in html
    assert f'value="{typed}"' in html  # the search box shows the query as typed


@pytest.mark.parametrize("typed", ["DB1411/T62", "ＤＢ１４１１／Ｔ ６２", "db1411 / t  62", "ＤＢ１４１１／Ｔ　６２"])
def test_the_list_finds_part_of_a_code_or_title_however_its_spaces_and_widths_are_typed(client: TestClient,
                                                                                       typed: str) -> None:
    # a plain lower-cased substring match: part of a code typed without its space, with spaces of its own, or
    # full-width (an IME's, an ideographic space too) found nothing; a whole code was found, through resolve
    html = client.get("/", params={"q": typed}).text
    assert "DB1411/T 62-2023</a>" in html


def test_the_list_finds_a_title_holding_a_no_break_space_by_its_plain_spelling(client: TestClient, root: Path) -> None:
    # a title pasted from a web page (C020) held U+00A0 where the search typed a space: it was not found
    path = root / RECORD
    path.write_text(path.read_text(encoding="utf-8").replace("title: 机关公务用车服务规范",
                                                             "title: 机关公务用车\u00a0服务规范"), encoding="utf-8")
    html = client.get("/", params={"q": "公务用车 服务"}).text
    assert "DB1411/T 62-2023</a>" in html
    assert "DB1411/T 62-2023</a>" in client.get("/", params={"q": "公务用车\u3000服务规范"}).text


@pytest.mark.parametrize("typed", ["公务用车 服务", "服务 公务用车", "规范 DB1411"])
def test_the_list_finds_every_word_of_a_query_as_the_site_does(client: TestClient, typed: str) -> None:
    # the editor took the query as one phrase, where the offline site's search asks for each word: 公务用车 服务
    # found 机关公务用车服务规范 on the site and nothing in the editor
    html = client.get("/", params={"q": typed}).text
    assert "DB1411/T 62-2023</a>" in html
    assert "DB1411/T 62-2023</a>" not in client.get("/", params={"q": "公务用车 食堂"}).text  # every word


def test_an_unreadable_upload_is_named_by_the_user_s_file_name(client: TestClient) -> None:
    token = csrf_of(client.get("/import").text)
    files = {"table": ("明细表.xlsx", b"not a zip", "application/octet-stream")}
    response = client.post("/import/preview", data={"csrf": token}, files=files)
    assert response.status_code == 422 and "明细表.xlsx" in response.text and "upload.xlsx" not in response.text


def test_new_refuses_a_record_lint_would_refuse(root: Path, client: TestClient) -> None:
    # written, then `gbstd lint` failed on it: the year in the code is not the publication year (C005)
    token = csrf_of(client.get("/new").text)
    response = client.post("/new", data={"csrf": token, "code": "DB41/T 9011-2020", "title": "机关绿化服务规范",
                                         "published": "2025-01-02", "effective": "2025-03-01", "module": "202"})
    assert response.status_code == 422 and "C005 标准号年份 2020 与发布日期 2025-01-02 不一致" in response.text
    assert not list(root.rglob("DB41-T-9011-2020.yaml"))


def test_a_file_laid_out_unlike_the_catalog_is_edited_once_the_user_ticks_reformat(root: Path, client: TestClient) -> None:
    # the refusal told a browser user to run `gbstd fmt` (and, for a review, to pass --reformat)
    path = root / RECORD
    text = path.read_text(encoding="utf-8").replace("sources:\n  - ", "sources:\n- ").replace("\n  - https", "\n- https")
    path.write_text(text, encoding="utf-8")
    form = form_of(page(client))
    form["note"] = "补充说明"
    refused = client.post("/standard/save", data=form, follow_redirects=False)
    assert refused.status_code == 422 and "gbstd fmt" not in refused.text and path.read_text(encoding="utf-8") == text
    assert "勾选“按目录惯例重排此文件”" in refused.text and 'name="reformat"' in refused.text
    assert 'name="reformat"' not in page(client)  # offered only when it is needed
    assert client.post("/standard/save", data={**form, "reformat": "on"}, follow_redirects=False).status_code == 303
    after = path.read_text(encoding="utf-8")
    assert "note: 补充说明" in after and "sources:\n  - https://11bz.com/a/674652.html\n" in after
    path.write_text(text, encoding="utf-8")
    html = page(client)
    review = {"csrf": csrf_of(html), "code": CODE, "date": "2026-11-01", "conclusion": "继续有效", "by": "某单位"}
    said = client.post("/standard/review", data=review, follow_redirects=False)
    assert said.status_code == 422 and "--reformat" not in said.text and "勾选" in said.text
    assert client.post("/standard/review", data={**review, "reformat": "on"}, follow_redirects=False).status_code == 303
    assert "by: 某单位" in path.read_text(encoding="utf-8")


def test_a_reformat_that_would_drop_a_comment_is_refused(root: Path, client: TestClient) -> None:
    # laying the file out anew drops a comment inside a flow list: with the box ticked it was saved without it
    path = root / RECORD
    text = path.read_text(encoding="utf-8").replace(
        "issuer: [吕梁市市场监督管理局]", "issuer: [吕梁市市场监督管理局,  # 联合发布\n  吕梁市机关事务服务中心]")
    path.write_text(text, encoding="utf-8")
    form = form_of(page(client))
    form["note"] = "补充说明"
    said = client.post("/standard/save", data={**form, "reformat": "on"}, follow_redirects=False)
    assert said.status_code == 422 and "注释 # 联合发布 在重新排版后会丢失" in said.text
    assert path.read_text(encoding="utf-8") == text


def test_a_save_keeps_each_line_s_own_ending_in_a_file_that_mixes_them(root: Path, client: TestClient) -> None:
    # three CRLF lines among LF ones: after any save every line ended in CRLF (a diff of the whole file)
    path = root / RECORD
    lines = path.read_bytes().split(b"\n")
    mixed = b"\n".join(line + b"\r" if n in (1, 2, 3) else line for n, line in enumerate(lines))
    path.write_bytes(mixed)
    form = form_of(page(client))
    form["note"] = "只改备注"
    assert client.post("/standard/save", data=form, follow_redirects=False).status_code == 303
    after = path.read_bytes()
    kept = [line for line in mixed.split(b"\n") if not line.startswith(b"note:")]
    assert [line for line in after.split(b"\n") if not line.startswith(b"note:")] == kept
    assert after.count(b"\r\n") == 3


@pytest.mark.parametrize("ends", ["\r\n", "\r"])
def test_a_save_keeps_a_windows_file_s_line_ends_bom_and_missing_final_newline(
    root: Path, client: TestClient, ends: str
) -> None:
    # the editor read the file as `review add` does, through its own copy of the rule: a file ending its lines
    # in CR (line breaks to lint and YAML alike) could not be saved without laying it out anew
    path = root / RECORD
    text = path.read_text(encoding="utf-8").rstrip("\n")
    path.write_bytes(("\ufeff" + text.replace("\n", ends)).encode())
    form = form_of(page(client))
    form["title"] = "机关公务用车服务规范（修订）"
    assert client.post("/standard/save", data=form, follow_redirects=False).status_code == 303
    title = next(line for line in text.split("\n") if line.startswith("title:"))
    expected = text.replace(title, "title: 机关公务用车服务规范（修订）").replace("\n", ends)
    assert path.read_bytes() == ("\ufeff" + expected).encode()  # one line changed, BOM and all else as it was


def test_an_error_another_file_already_had_does_not_refuse_a_save(root: Path, client: TestClient) -> None:
    # GB/T 29118-2012 already fails C012; its words quote the successor's date, so correcting that date by a day
    # read as a new error in a file the form cannot edit
    old = root / "records/national/GB-T-29118-2012.yaml"
    old.write_text(old.read_text(encoding="utf-8").replace("abolished: 2024-04-01", "abolished: 2024-05-01"),
                   encoding="utf-8")
    form = form_of(page(client, "GB/T 29118-2023"))
    form["code"], form["effective"] = "GB/T 29118-2023", "2024-04-02"
    assert client.post("/standard/save", data=form, follow_redirects=False).status_code == 303


def test_a_kept_code_keeps_its_spelling_and_comment_when_a_list_grows(root: Path, client: TestClient) -> None:
    path = root / RECORD
    path.write_text(path.read_text(encoding="utf-8").replace(
        "sources:", "references:\n  - GB/T29118-2023  # 见第 5 章\nsources:", 1), encoding="utf-8")
    form = form_of(page(client))
    form["references"] += "\nGB/T 40498-2021"
    assert client.post("/standard/save", data=form, follow_redirects=False).status_code == 303
    assert "  - GB/T29118-2023  # 见第 5 章\n  - GB/T 40498-2021\n" in path.read_text(encoding="utf-8")


def test_a_text_area_holding_a_lone_carriage_return_is_left_alone(root: Path, client: TestClient) -> None:
    # a browser sends a text area's line breaks as CRLF, a lone CR among them: the note was rewritten
    path = root / RECORD
    text = path.read_text(encoding="utf-8")
    text = text[:text.index("note:")] + 'note: "第一行\\r第二行"\n'
    path.write_text(text, encoding="utf-8")
    form = as_browser_sends(form_of(page(client)))
    form["note"] = form["note"].replace("\r", "\r\n").replace("\r\r\n", "\r\n")
    form["title"] = "机关公务用车服务规范（修订）"
    assert client.post("/standard/save", data=form, follow_redirects=False).status_code == 303
    assert 'note: "第一行\\r第二行"\n' in path.read_text(encoding="utf-8")


def test_every_post_route_checks_the_csrf_token(client: TestClient) -> None:
    posts = [r for r in client.app.routes if isinstance(r, Route) and "POST" in (r.methods or set())]
    assert len(posts) == 7
    assert all(getattr(r.endpoint, "csrf_checked", False) for r in posts)


@pytest.mark.parametrize("token", [None, "", "0" * 64])
def test_a_forged_post_is_refused_with_403_and_writes_nothing(client: TestClient, root: Path, token: str | None) -> None:
    before = (root / RECORD).read_bytes()
    data = {"code": CODE, "title": "forged", "digest": digest_of(page(client))}
    if token is not None:
        data["csrf"] = token
    response = client.post("/standard/save", data=data)
    assert response.status_code == 403
    assert (root / RECORD).read_bytes() == before


def test_a_token_from_another_session_is_refused(client: TestClient, root: Path) -> None:
    token = csrf_of(page(client))
    other = TestClient(client.app, base_url="http://127.0.0.1")
    other.get("/")
    response = other.post("/commit", data={"csrf": token, "files": RECORD, "message": "x", "author": "y"})
    assert response.status_code == 403


@pytest.mark.parametrize("path", ["/../gbstd.toml", "/%2e%2e/gbstd.toml", "/%2E%2E%2Fgbstd.toml", "/static/../gbstd.toml",
                                  "/static/..%2f..%2fgbstd.toml", "/gbstd.toml", "/records/local/DB1411-T-62-2023.yaml",
                                  "/static/serve.css/../../gbstd.toml", "/..%5cgbstd.toml"])
def test_no_route_reaches_a_file_by_path(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "[catalog]" not in response.text and "code:" not in response.text


def test_a_code_that_looks_like_a_path_is_not_found(client: TestClient) -> None:
    for code in ("../gbstd.toml", "../../etc/passwd", RECORD):
        assert client.get(f"/standard?code={quote(code)}").status_code == 404


def test_a_foreign_host_header_is_refused(root: Path) -> None:
    client = TestClient(create_app(root), base_url="http://attacker.example")
    assert client.get("/").status_code == 400


def test_pages_render(client: TestClient) -> None:
    for path in ("/", "/reviews", "/dupes", "/system", "/plans", "/import", "/changes", "/new", "/?q=公务用车"):
        response = client.get(path)
        assert response.status_code == 200, path
    assert CODE in client.get("/?q=公务用车").text
    assert "↔" in client.get("/dupes").text  # the sample has groups of likely duplicates (as `gbstd dupes`)
    assert "逾期" in client.get("/reviews").text or "到期" in client.get("/reviews").text
    assert "202" in client.get("/system").text
    assert "DB2103/T 002-2022" not in client.get("/?q=公务用车车车").text


def test_the_form_is_generated_from_the_model(client: TestClient) -> None:
    html = page(client)
    kinds = {f.name: f.kind for f in FORM_FIELDS}
    assert kinds["published"] == "date" and kinds["issuer"] == "lines" and kinds["status"] == "choice"
    assert 'type="date" id="in-effective" name="effective" value="2024-03-07"' in html
    assert "实施日期" in html and "<code>effective</code>" in html


def test_editing_the_title_changes_only_that_line(client: TestClient, root: Path) -> None:
    before = (root / RECORD).read_bytes()
    data = form_of(page(client))
    data["title"] = "机关公务用车服务管理规范"
    response = client.post("/standard/save", data=data, follow_redirects=False)
    assert response.status_code == 303, response.text
    after = (root / RECORD).read_bytes()
    assert changed_lines(before, after) == [("title: 机关公务用车服务规范", "title: 机关公务用车服务管理规范")]
    lint = CliRunner().invoke(cli, ["lint", str(root), "--as-of", AS_OF.isoformat()])
    assert lint.exit_code == 0, lint.output


def test_comments_and_untouched_lines_stay_byte_for_byte(client: TestClient, root: Path) -> None:
    path = root / RECORD
    text = path.read_text(encoding="utf-8")
    text = text.replace("title: 机关公务用车服务规范\n", "title: 机关公务用车服务规范  # 以标准封面为准\n")
    text = text.replace("ccs: A12\n", "# 分类号据全文公开系统\nccs: A12\n")
    path.write_text(text, encoding="utf-8")
    before = path.read_bytes()
    data = form_of(page(client))
    data["title"] = "机关公务用车服务管理规范"
    data["title_en"] = "Service specification for official vehicles"
    assert client.post("/standard/save", data=data, follow_redirects=False).status_code == 303
    old_lines, new_lines = before.decode().splitlines(), path.read_text(encoding="utf-8").splitlines()
    at = old_lines.index("title: 机关公务用车服务规范  # 以标准封面为准")
    # The title line keeps its comment (ruamel keeps the comment's column, so the gap may shrink); a new key goes
    # in the model's order; every other line, the full-line comment included, is untouched.
    assert re.fullmatch(r"title: 机关公务用车服务管理规范 +# 以标准封面为准", new_lines[at])
    assert new_lines[at + 1] == "title_en: Service specification for official vehicles"
    assert new_lines[:at] + new_lines[at + 2:] == old_lines[:at] + old_lines[at + 1:]


def test_an_unchanged_form_writes_nothing(client: TestClient, root: Path) -> None:
    before = (root / RECORD).stat().st_mtime_ns, (root / RECORD).read_bytes()
    response = client.post("/standard/save", data=form_of(page(client)), follow_redirects=False)
    assert response.status_code == 303
    assert ((root / RECORD).stat().st_mtime_ns, (root / RECORD).read_bytes()) == before


def test_a_status_spelled_with_an_alias_is_kept_when_other_fields_change(client: TestClient, root: Path) -> None:
    path = root / RECORD
    path.write_bytes(path.read_bytes().replace("status: 现行".encode(), b"status: in-force")
                     .replace("drafters: [吕梁市机关事务服务中心]".encode(), "drafters: 吕梁市机关事务服务中心".encode()))
    before = path.read_bytes()
    data = form_of(page(client))
    assert data["status"] == "现行"  # the form shows the canonical value of the alias
    data["ccs"] = "A13"
    assert client.post("/standard/save", data=data, follow_redirects=False).status_code == 303
    assert changed_lines(before, path.read_bytes()) == [("ccs: A12", "ccs: A13")]


def test_codes_in_lists_are_normalised_and_lists_keep_flow_style(client: TestClient, root: Path) -> None:
    data = form_of(page(client))
    data["references"] = "gb/t  41568-2022\n"
    assert client.post("/standard/save", data=data, follow_redirects=False).status_code == 303
    assert "references: [GB/T 41568-2022]\n" in (root / RECORD).read_text(encoding="utf-8")


def test_an_impossible_date_is_shown_at_its_field_and_nothing_is_written(client: TestClient, root: Path) -> None:
    before = (root / RECORD).read_bytes()
    data = form_of(page(client))
    data["published"] = "2024-02-30"
    response = client.post("/standard/save", data=data)
    assert response.status_code == 422
    row = response.text.split('id="field-published"')[1].split("</tr>")[0]
    assert 'class="error field-error"' in row
    assert 'value="2024-02-30"' in row  # what the editor typed stays in the form
    assert (root / RECORD).read_bytes() == before


def test_a_rule_violation_is_refused(client: TestClient, root: Path) -> None:
    before = (root / RECORD).read_bytes()
    data = form_of(page(client))
    data["effective"] = "2023-01-01"  # before publication (2023-12-07): rule C006
    response = client.post("/standard/save", data=data)
    assert response.status_code == 422
    assert "C006" in response.text
    assert (root / RECORD).read_bytes() == before


def test_a_file_changed_on_disk_since_the_form_was_opened_is_a_conflict(client: TestClient, root: Path) -> None:
    data = form_of(page(client))
    path = root / RECORD
    path.write_bytes(path.read_bytes().replace(b"ccs: A12", b"ccs: A13"))
    changed = path.read_bytes()
    data["title"] = "改过的标题"
    response = client.post("/standard/save", data=data)
    assert response.status_code == 409
    assert "打开表单后已被修改" in response.text
    assert path.read_bytes() == changed


@pytest.mark.parametrize("then", ["deleted", "broken"])
@pytest.mark.parametrize("action", ["save", "review", "abolish"])
def test_a_record_gone_since_the_form_was_opened_is_said_not_saved(client: TestClient, root: Path, action: str,
                                                                   then: str) -> None:
    # deleted by another editor, or made unreadable by a pull, after the form was opened: the post answered
    # "404 no standard … in the catalog", a page that did not say the edit was not saved, nor why the record
    # the user was just editing was gone
    html = page(client)
    path = root / RECORD
    if then == "deleted":
        path.unlink()
    else:
        path.write_bytes(path.read_bytes() + "title: [未闭合\n".encode())
    after = path.read_bytes() if path.exists() else None
    form = {"save": {**form_of(html), "title": "改过的标题"},
            "review": {"csrf": csrf_of(html), "code": CODE, "date": "2025-01-03", "conclusion": "继续有效", "by": "某局"},
            "abolish": {"csrf": csrf_of(html), "code": CODE, "digest": digest_of(html), "date": "2025-01-03"}}[action]
    response = client.post(f"/standard/{action}", data=form)
    assert response.status_code == 409
    assert "<h1>未保存</h1>" in response.text and "打开表单后，该记录的文件已被删除、改名或无法读取" in response.text
    assert (path.read_bytes() if path.exists() else None) == after


def test_messages_follow_the_language(root: Path) -> None:
    client = TestClient(create_app(root, lang="en", as_of=AS_OF), base_url="http://127.0.0.1")
    data = form_of(page(client))
    (root / RECORD).write_bytes((root / RECORD).read_bytes() + b"# touched\n")
    data["title"] = "an edited title"  # an unedited form finds nothing to save, whatever else changed
    response = client.post("/standard/save", data=data)
    assert response.status_code == 409 and "was changed on disk after the form was opened" in response.text


def test_markup_in_a_record_is_escaped(client: TestClient, root: Path) -> None:
    data = form_of(page(client))
    data["note"] = '<script>alert("x")</script>'
    assert client.post("/standard/save", data=data, follow_redirects=False).status_code == 303
    html = page(client)
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html


def test_adding_a_review_appears_in_the_worklist(client: TestClient, root: Path) -> None:
    html = page(client)
    response = client.post("/standard/review", data={"csrf": csrf_of(html), "code": CODE, "date": "2026-10-01",
                                                     "conclusion": "继续有效", "by": "吕梁市机关事务服务中心"},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    text = (root / RECORD).read_text(encoding="utf-8")
    assert "reviews:\n  - date: 2026-10-01\n    conclusion: 继续有效\n" in text
    row = client.get("/reviews").text.split(CODE + "</a>")[1].split("</tr>")[0]
    assert "2026-10-01" in row


def test_a_review_in_the_future_is_refused(client: TestClient, root: Path) -> None:
    before = (root / RECORD).read_bytes()
    html = page(client)
    response = client.post("/standard/review", data={"csrf": csrf_of(html), "code": CODE, "date": "2027-01-01",
                                                     "conclusion": "继续有效", "by": "x"})
    assert response.status_code == 422 and "尚未发生" in response.text
    assert (root / RECORD).read_bytes() == before


REVIEW_MISTAKES = [  # (what the form sends wrong, the page's words in Chinese, in English)
    ({"date": "2025-02-30"}, "复审日期 '2025-02-30' 不是有效日期（YYYY-MM-DD）",
     "review date '2025-02-30' is not a valid date (YYYY-MM-DD)"),
    ({"date": "20250103"}, "复审日期 '20250103' 应写作 YYYY-MM-DD（如 2025-01-03）",  # a date fromisoformat reads
     "review date '20250103' must be written YYYY-MM-DD (e.g. 2025-01-03)"),
    ({"conclusion": "maybe"}, "结论 'maybe' 不是复审结论（继续有效 / 修订 / 废止 / continue / revise / abolish）",
     "conclusion 'maybe' is not a review conclusion (继续有效 / 修订 / 废止 / continue / revise / abolish)"),
    ({"by": "   "}, "复审单位 不能为空", "reviewing body must not be empty"),
]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("wrong", "zh", "en"), REVIEW_MISTAKES, ids=["date", "spelling", "conclusion", "by"])
def test_a_wrong_review_is_said_in_plain_words_and_the_form_keeps_it(
    root: Path, lang: str, wrong: dict[str, str], zh: str, en: str
) -> None:
    # the form showed pydantic's English ("Input should be a valid date or datetime, day value is outside
    # expected range"), on a Chinese page too, and an empty review form
    import html as html_lib

    client = TestClient(create_app(root, lang=lang, as_of=AS_OF), base_url="http://127.0.0.1")  # type: ignore[arg-type]
    before = (root / RECORD).read_bytes()
    sent = {"date": "2025-01-03", "conclusion": "修订", "by": "吕梁市机关事务服务中心", "note": "通知文号"} | wrong
    response = client.post("/standard/review", data={"csrf": csrf_of(page(client)), "code": CODE, **sent})
    assert response.status_code == 422
    shown = html_lib.unescape(response.text)
    assert (zh if lang == "zh" else en) in shown
    assert (en if lang == "zh" else zh) not in shown
    assert not re.search(r"Input should|String should|Value error|valid date or datetime", shown)
    assert (root / RECORD).read_bytes() == before
    form = html_lib.unescape(response.text.split('id="review-form"')[1].split("</form>")[0])
    date_input = f'type="{"text" if "date" in wrong else "date"}" name="date" value="{sent["date"]}"'
    assert date_input in form
    assert f"<option selected>{sent['conclusion']}</option>" in form
    assert f'name="by" value="{sent["by"]}"' in form and f'name="note" value="{sent["note"]}"' in form


def test_review_add_and_the_review_form_share_their_words(root: Path) -> None:
    # the same mistakes in the command: the same sentences, naming the option where the page names its input
    before = (root / RECORD).read_bytes()
    labels = {"date": ("复审日期", "review date"), "conclusion": ("结论", "conclusion"), "by": ("复审单位", "reviewing body")}
    for wrong, zh, en in REVIEW_MISTAKES:
        key = next(iter(wrong))
        sent = {"date": "2025-01-03", "conclusion": "修订", "by": "某局"} | wrong
        args = [item for name, value in sent.items() for item in (f"--{name}", value)]
        for lang, words, label in (("zh", zh, labels[key][0]), ("en", en, labels[key][1])):
            result = CliRunner().invoke(cli, ["review", "add", CODE, *args, "-C", str(root), "--lang", lang])
            assert result.exit_code == 2
            assert words.replace(label, f"--{key}", 1) in " ".join(result.output.split())
    assert (root / RECORD).read_bytes() == before


def test_a_review_refused_by_the_record_keeps_the_form(client: TestClient, root: Path) -> None:
    # a date after today: the refusal said why, and the form was back to today's date with an empty body
    sent = {"date": "2027-01-01", "conclusion": "废止", "by": "某局", "note": "通知"}
    response = client.post("/standard/review", data={"csrf": csrf_of(page(client)), "code": CODE, **sent})
    assert response.status_code == 422 and "尚未发生" in response.text
    form = response.text.split('id="review-form"')[1].split("</form>")[0]
    assert 'type="date" name="date" value="2027-01-01"' in form and "<option selected>废止</option>" in form
    assert 'name="by" value="某局"' in form and 'name="note" value="通知"' in form
    fresh = page(client).split('id="review-form"')[1].split("</form>")[0]  # a page opened afresh: today, empty
    assert f'value="{AS_OF.isoformat()}"' in fresh and 'name="by" value=""' in fresh and "selected" not in fresh


def test_abolishing_links_both_sides(client: TestClient, root: Path) -> None:
    html = page(client)
    response = client.post("/standard/abolish", data={"csrf": csrf_of(html), "code": CODE, "digest": digest_of(html),
                                                      "date": "2024-03-07", "successor": "db1411/t 63-2023"},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    text = (root / RECORD).read_text(encoding="utf-8")
    assert "status: 废止\n" in text and "abolished: 2024-03-07\n" in text and "replaced_by: [DB1411/T 63-2023]" in text
    successor = (root / "records/local/DB1411-T-63-2023.yaml").read_text(encoding="utf-8")
    assert f"replaces: [{CODE}]" in successor
    assert SUCCESSOR in successor


@pytest.mark.parametrize(("sent", "said"), [
    ({"date": "2024-02-30", "successor": SUCCESSOR}, "不是有效日期"),  # refused before the files are read
    ({"date": "2024-03-07", "successor": "DB1411/T 999-2023"}, "目录中没有代替它的标准 DB1411/T 999-2023"),  # refused by the catalog
], ids=["bad-date", "unknown-successor"])
def test_a_refused_abolition_keeps_what_was_typed(
    client: TestClient, root: Path, sent: dict[str, str], said: str
) -> None:
    # the page came back with today's date and an empty successor: what the user typed was gone
    before = (root / RECORD).read_bytes()
    html = page(client)
    response = client.post("/standard/abolish", data={"csrf": csrf_of(html), "code": CODE, "digest": digest_of(html),
                                                      **sent})
    assert response.status_code == 422 and said in response.text
    assert (root / RECORD).read_bytes() == before
    form = response.text.split('id="abolish-form"')[1].split("</form>")[0]
    kind = "text" if sent["date"] == "2024-02-30" else "date"  # a date input cannot hold 2024-02-30: text
    assert f'type="{kind}" name="date" value="{sent["date"]}"' in form
    assert f'name="successor" value="{sent["successor"]}"' in form
    fresh = page(client).split('id="abolish-form"')[1].split("</form>")[0]  # opened afresh: today, no successor
    assert f'type="date" name="date" value="{AS_OF.isoformat()}"' in fresh and 'name="successor" value=""' in fresh


def test_creating_a_record_runs_the_checks_of_gbstd_new(client: TestClient, root: Path) -> None:
    token = csrf_of(client.get("/new").text)
    response = client.post("/new", data={"csrf": token, "code": "db41/t 9100-2025", "title": "机关茶歇服务规范",
                                         "published": "2025-01-02", "effective": "2025-03-01", "module": "302"},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    created = root / "records/local/DB41-T-9100-2025.yaml"
    assert "code: DB41/T 9100-2025\ntitle: 机关茶歇服务规范\n" in created.read_text(encoding="utf-8")
    again = client.post("/new", data={"csrf": token, "code": "DB41/T 9100-2025", "title": "x"})
    assert again.status_code == 422 and "已有记录" in again.text
    bad = client.post("/new", data={"csrf": token, "code": "not a code", "title": "x"})
    assert bad.status_code == 422
    # what `gbstd new` refuses, the form refused too: it wrote records lint then failed (C016, C006)
    for fields, said in (({"module": "nonexist"}, "体系编号 &#39;nonexist&#39; 不在标准体系中"),
                         ({}, "需要 体系编号（"),
                         ({"module": "302", "published": "2026-01-01", "effective": "2025-01-01"},
                          "发布日期 2026-01-01 晚于实施日期 2025-01-01")):
        refused = client.post("/new", data={"csrf": token, "code": "DB41/T 9303-2025", "title": "x", **fields})
        assert refused.status_code == 422 and said in refused.text, refused.text
    assert not (root / "records/local/DB41-T-9303-2025.yaml").exists()


def test_the_new_record_form_folds_a_title_s_odd_spaces_and_line_breaks_and_says_so(client: TestClient,
                                                                                     root: Path) -> None:
    # the form wrote a pasted U+00A0 (and a script's line break) as sent, where `gbstd import` folds them (C020)
    token = csrf_of(client.get("/new").text)
    response = client.post("/new", data={"csrf": token, "code": "DB41/T 9100-2025", "module": "302",
                                         "title": "机关茶歇\u00a0服务\r\n规范", "effective": "2025-03-01"})
    assert response.status_code == 200, response.text
    text = (root / "records/local/DB41-T-9100-2025.yaml").read_text(encoding="utf-8")
    assert "\ntitle: 机关茶歇 服务规范\n" in text
    assert "已保存；标准名称：换行已合并为一行，非普通空格（U+00A0、U+3000 等）已改为普通空格" in response.text


def test_the_record_form_folds_an_edited_name_s_odd_spaces_and_says_so(client: TestClient, root: Path) -> None:
    data = form_of(page(client))
    data["title"] = "机关公务用车\u3000服务规范"
    data["issuer"] = "吕梁市\u00a0市场监督管理局"
    response = client.post("/standard/save", data=data)
    assert response.status_code == 200, response.text
    text = (root / RECORD).read_text(encoding="utf-8")
    assert "title: 机关公务用车 服务规范\n" in text and "吕梁市 市场监督管理局" in text
    assert "\u3000" not in text and "\u00a0" not in text
    assert "已保存；标准名称、发布机构：换行已合并为一行，非普通空格" in response.text


def test_import_previews_then_applies_the_good_rows(client: TestClient, root: Path) -> None:
    token = csrf_of(client.get("/import").text)
    files = {"table": ("清单.csv", CSV_ONE_BAD_ROW.encode("utf-8"), "text/csv")}
    preview = client.post("/import/preview", data={"csrf": token}, files=files)
    assert preview.status_code == 200, preview.text
    assert "2025-02-30" in preview.text and "第3行" in preview.text
    assert not (root / "records/local/DB41-T-9001-2025.yaml").exists()
    upload = preview.text.split('name="token" value="')[1].split('"')[0]
    applied = client.post("/import/apply", data={"csrf": token, "token": upload})
    assert applied.status_code == 200
    written = root / "records/local/DB41-T-9001-2025.yaml"
    assert written.is_file()
    assert not (root / "records/local/DB41-T-9002-2025.yaml").exists()
    # the same apply sent again (a double click): said imported already, not "the upload expired"
    before = written.read_bytes()
    again = client.post("/import/apply", data={"csrf": token, "token": upload})
    assert again.status_code == 200 and "清单.csv 已经导入，没有再次写入" in again.text, again.text
    assert "已过期" not in again.text and written.read_bytes() == before
    unknown = client.post("/import/apply", data={"csrf": token, "token": "no-such-upload"})
    assert unknown.status_code == 410 and "上传已过期" in unknown.text


def test_uploads_are_limited_in_size_and_type(client: TestClient) -> None:
    token = csrf_of(client.get("/import").text)
    big = client.post("/import/preview", data={"csrf": token},
                      files={"table": ("big.csv", b"x" * (MAX_BODY + 10), "text/csv")})
    assert big.status_code == 413
    odd = client.post("/import/preview", data={"csrf": token}, files={"table": ("x.sh", b"rm -rf /", "text/plain")})
    assert odd.status_code == 422


def test_changes_are_described_by_field_and_committed(client: TestClient, root: Path) -> None:
    data = form_of(page(client))
    data["title"] = "机关公务用车服务管理规范"
    client.post("/standard/save", data=data, follow_redirects=False)
    changes = client.get("/changes").text
    assert RECORD in changes and "title: 机关公务用车服务规范 → 机关公务用车服务管理规范" in changes
    token = csrf_of(changes)
    outside = client.post("/commit", data={"csrf": token, "files": "../outside.txt", "message": "m", "author": "a"})
    assert outside.status_code == 422
    response = client.post("/commit", data={"csrf": token, "files": RECORD, "message": "改标准名称", "author": "张三"})
    assert response.status_code == 200 and 'id="done"' in response.text
    head = git.Repo(root, search_parent_directories=True).head.commit
    assert head.message == "改标准名称\n" and head.author.name == "张三"  # git's own form: the message's line ends
    assert not git.Repo(root, search_parent_directories=True).is_dirty()


def test_a_commit_holds_the_chosen_files_only(client: TestClient, root: Path) -> None:
    # the whole index was committed: a file someone had staged, even outside the catalog, went in too
    repo = git.Repo(root, search_parent_directories=True)
    outside = Path(str(repo.working_tree_dir)) / "outside.txt"
    outside.write_text("secret\n", encoding="utf-8")
    repo.index.add([str(outside)])
    data = form_of(page(client))
    data["title"] = "机关公务用车服务管理规范"
    client.post("/standard/save", data=data, follow_redirects=False)
    token = csrf_of(client.get("/changes").text)
    response = client.post("/commit", data={"csrf": token, "files": RECORD, "message": "改名", "author": "张三"})
    assert response.status_code == 200, response.text
    assert sorted(repo.head.commit.stats.files) == [str(Path(str(repo.working_tree_dir)).joinpath(root, RECORD)
                                                        .relative_to(repo.working_tree_dir).as_posix())]
    assert "outside.txt" in repo.git.diff("--cached", "--name-only")  # still staged, not committed


@pytest.mark.parametrize("star_is_new", [False, True])
def test_a_file_name_holding_a_glob_character_commits_that_file_only(client: TestClient, root: Path,
                                                                     star_is_new: bool) -> None:
    # the names went to git as pathspecs: `git add -- records/x*.yaml` of a new file staged the changed
    # records/xy.yaml too, which the next `git commit` in a terminal took along; the user had not chosen it
    repo = git.Repo(root, search_parent_directories=True)
    star, other = root / "records" / "x*.yaml", root / "records" / "xy.yaml"
    star.write_text("# draft\n", encoding="utf-8")
    other.write_text("# draft\n", encoding="utf-8")
    repo.git.add("--", "standards/records/xy.yaml", *([] if star_is_new else ["standards/records/x[*].yaml"]))
    repo.git.commit("-m", "drafts")
    for path in (star, other):
        path.write_text("# draft, changed\n", encoding="utf-8")
    token = csrf_of(client.get("/changes").text)
    response = client.post("/commit", data={"csrf": token, "files": "records/x*.yaml", "message": "m",
                                            "author": "张三"})
    assert response.status_code == 200, response.text
    assert sorted(repo.head.commit.stats.files) == ["standards/records/x*.yaml"]
    assert not repo.git.diff("--cached", "--name-only")  # nothing left staged
    assert repo.git.diff("--name-only").splitlines() == ["standards/records/xy.yaml"]  # still changed, as it was


@pytest.mark.parametrize(("field", "value"), [
    ("author", "张三 <x@y>"), ("author", "张\x00三"), ("message", "改名\x00\x1b[31m"),
    ("message", "改名\u202e称名准标"), ("author", "张\u200b三"), ("message", "改名\ufdd0"),
])
def test_a_commit_refuses_what_git_headers_cannot_carry(client: TestClient, root: Path, field: str, value: str) -> None:
    # NUL wrote a corrupt commit (git fsck: nulInHeader); < > in the name was a server error with the file staged;
    # a right-to-left override made `git log` show another message than the one written
    repo = git.Repo(root, search_parent_directories=True)
    before = repo.head.commit.hexsha
    data = form_of(page(client))
    data["title"] = "机关公务用车服务管理规范"
    client.post("/standard/save", data=data, follow_redirects=False)
    token = csrf_of(client.get("/changes").text)
    form = {"csrf": token, "files": RECORD, "message": "改名", "author": "张三", field: value}
    response = client.post("/commit", data=form)
    assert response.status_code == 422
    assert ("控制字符" in response.text) and ("双向/零宽格式字符" in response.text)
    assert repo.head.commit.hexsha == before and not repo.git.diff("--cached", "--name-only")


@pytest.mark.parametrize(("field", "value", "said"), [
    ("message", "改" * 10_001, "提交说明过长（10001 个字符，最多 10000 个）"),
    ("author", "张" * 201, "姓名过长（201 个字符，最多 200 个）"),
])
def test_a_commit_too_long_is_said_so_not_asked_for(client: TestClient, root: Path, field: str, value: str,
                                                    said: str) -> None:
    # a message pasted over 10 000 characters was refused with "请填写提交说明" (write a commit message), as
    # if it were empty; a name over 200 characters with "请填写您的姓名"
    data = form_of(page(client))
    data["title"] = "机关公务用车服务管理规范"
    client.post("/standard/save", data=data, follow_redirects=False)
    token = csrf_of(client.get("/changes").text)
    response = client.post("/commit", data={"csrf": token, "files": RECORD, "message": "改名", "author": "张三",
                                            field: value})
    assert response.status_code == 422
    assert said in response.text


def test_the_cli_binds_to_loopback_and_warns_otherwise(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    calls: list[dict[str, object]] = []

    def run(server: uvicorn.Server, sockets: list[socket.socket]) -> None:
        bound = sockets[0].getsockname()
        calls.append({"host": server.config.host, "port": server.config.port, "bound": bound[:2]})
        for listening in sockets:
            listening.close()

    monkeypatch.setattr(uvicorn.Server, "run", run)
    port = free_port()
    result = CliRunner().invoke(cli, ["serve", str(root), "--port", str(port)])
    assert result.exit_code == 0, result.output
    assert calls[-1] == {"host": "127.0.0.1", "port": port, "bound": ("127.0.0.1", port)}
    result = CliRunner().invoke(cli, ["serve", "-C", str(root), "--host", "0.0.0.0", "--port", str(free_port())])
    assert result.exit_code == 0 and "警告" in result.output
    assert calls[-1]["host"] == "0.0.0.0"
    missing = CliRunner().invoke(cli, ["serve", str(root / "nope")])
    assert missing.exit_code == 2 and "路径不存在" in missing.output
    twice = CliRunner().invoke(cli, ["serve", str(root), "-C", str(root / "records")])
    assert twice.exit_code == 2  # the catalog named twice, differently: as every command


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_port_in_use_is_one_line_before_anything_is_announced(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    started: list[bool] = []
    monkeypatch.setattr(uvicorn.Server, "run", lambda server, sockets: started.append(True))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", str(root), "--port", str(port), "--lang", "en"])
    assert result.exit_code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr and "--port" in result.stderr
    assert "gbstd serve:" not in result.stdout and not started


def refuse_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    """No temporary file can be made anywhere (a read-only checkout, whoever runs the tests)."""
    from gbstd.catalog import atomic

    def mkstemp(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied", str(kwargs.get("dir")))

    monkeypatch.setattr(atomic.tempfile, "mkstemp", mkstemp)


def test_a_record_that_cannot_be_written_is_said_on_its_page(
    client: TestClient, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = (root / RECORD).read_bytes()
    data = form_of(page(client))
    data["title"] = "机关公务用车服务管理规范"
    refuse_writes(monkeypatch)
    response = client.post("/standard/save", data=data, follow_redirects=False)
    assert response.status_code == 422
    assert f"无法写入 {RECORD}：Permission denied" in response.text
    assert (root / RECORD).read_bytes() == before


def test_the_forms_refuse_invisible_characters_lint_would_report(client: TestClient, root: Path) -> None:
    # saved, then `gbstd lint` reported each as an error (Y008): the checks read the model, Y008 reads the file
    before = (root / RECORD).read_bytes()
    data = form_of(page(client))
    data["title"] = "机关\x1b[2J公务用车服务规范"
    saved = client.post("/standard/save", data=data, follow_redirects=False)
    assert saved.status_code == 422 and "U+001B" in saved.text
    html = page(client)
    review = client.post("/standard/review", data={"csrf": csrf_of(html), "code": CODE, "date": "2025-01-03",
                                                    "conclusion": "继续有效", "by": "某\u202e局"})
    assert review.status_code == 422 and "U+202E" in review.text
    assert (root / RECORD).read_bytes() == before
    token = csrf_of(client.get("/new").text)
    created = client.post("/new", data={"csrf": token, "code": "DB41/T 9304-2025", "title": "茶歇\u200b服务",
                                        "module": "302"})
    assert created.status_code == 422 and "U+200B" in created.text
    assert not (root / "records/local/DB41-T-9304-2025.yaml").exists()

def test_a_form_may_not_make_a_file_lint_will_not_read(client: TestClient, root: Path) -> None:
    # a note of a million characters (under the form's limits) was saved: the file was over the catalog's
    # max_file_size, lint refused to read it (Y009) and the record was gone from the editor ("no standard")
    (root / "gbstd.toml").write_text((root / "gbstd.toml").read_text(encoding="utf-8").replace(
        'records = "records"', 'records = "records"\nmax_file_size = 20000'), encoding="utf-8")
    before = (root / RECORD).read_bytes()
    data = as_browser_sends(form_of(page(client)))
    data["note"] = "长" * 7000  # 21 000 bytes
    saved = client.post("/standard/save", data=data, follow_redirects=False)
    assert saved.status_code == 422
    assert f"保存后 {RECORD} 将有" in saved.text and "超过单个文件的上限 20000 字节" in saved.text
    html = page(client)  # the record is still there, its file as it was
    assert (root / RECORD).read_bytes() == before
    review = client.post("/standard/review", data={"csrf": csrf_of(html), "code": CODE, "date": "2025-01-03",
                                                    "conclusion": "继续有效", "by": "某局", "note": "长" * 7000})
    assert review.status_code == 422 and "超过单个文件的上限 20000 字节" in review.text
    assert (root / RECORD).read_bytes() == before
    created = client.post("/new", data={"csrf": csrf_of(html), "code": "DB41/T 9305-2025", "title": "长" * 7000,
                                        "module": "302"})
    assert created.status_code == 422 and "超过单个文件的上限 20000 字节" in created.text
    assert not (root / "records/local/DB41-T-9305-2025.yaml").exists()


@pytest.mark.parametrize("block", ["|-\n  旧的\n  备注\n", ">-\n  旧的备注\n"])
def test_a_value_a_block_cannot_hold_is_judged_as_in_any_other_style(
    client: TestClient, root: Path, block: str
) -> None:
    # ruamel gives a new text the style of the value it replaces: a note written as a block (|, >) came back
    # as a block holding a raw form feed or carriage return, which YAML cannot read, and the page said the
    # record lacked code, title and status instead of naming the character at its field
    path = root / RECORD
    path.write_text(path.read_text(encoding="utf-8").split("note:")[0] + "note: " + block, encoding="utf-8")
    before = path.read_bytes()
    data = as_browser_sends(form_of(page(client)))
    data["note"] = "第一页\x0c第二页"  # a page break pasted from a word processor
    refused = client.post("/standard/save", data=data, follow_redirects=False)
    assert refused.status_code == 422
    assert "U+000C" in refused.text and "缺少必填字段" not in refused.text
    assert path.read_bytes() == before
    data = as_browser_sends(form_of(page(client)))
    data["note"] = "旧\r备注"  # a lone carriage return (a script's post): lint takes it, as in a quoted note
    body = urlencode(data).encode()
    saved = client.post("/standard/save", content=body, follow_redirects=False,
                        headers={"content-type": "application/x-www-form-urlencoded"})
    assert saved.status_code == 303
    saved_data, problems = parse_yaml(path.read_text(encoding="utf-8"))  # as lint reads the file
    assert not problems and saved_data["note"] == "旧\r备注"



@pytest.mark.parametrize(("broken", "said"), [
    ("gbk", "Y005"),  # saved as GBK by a Windows editor
    ("yaml", "Y001"),  # a merge left it half written
])
def test_the_page_of_a_record_whose_file_does_not_load_says_why(client: TestClient, root: Path, broken: str,
                                                                 said: str) -> None:
    # the page said only "run `gbstd lint`", a command the editor's users never run: it now gives lint's words
    path = root / RECORD
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.encode("gbk") if broken == "gbk" else (text + "title: [未闭合\n").encode())
    response = client.get("/standard", params={"code": CODE})
    assert response.status_code == 404
    reasons = re.findall(r'<li class="reason">([^<]*)</li>', response.text)
    assert len(reasons) == 1 and reasons[0].startswith(f"{RECORD}:") and said in reasons[0]


def test_a_code_in_two_files_is_said_so_not_no_such_standard(client: TestClient, root: Path) -> None:
    copy = root / "records/local/copy.yaml"
    copy.write_bytes((root / RECORD).read_bytes())
    response = client.get("/standard", params={"code": CODE})
    assert response.status_code == 404
    assert f"标准 {CODE} 出现在多个文件中" in response.text and "copy.yaml" in response.text


def test_a_review_that_cannot_be_written_is_said_on_its_page(
    client: TestClient, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a server error: the review form caught only refusals, not the system's
    before = (root / RECORD).read_bytes()
    html = page(client)
    refuse_writes(monkeypatch)
    response = client.post("/standard/review", data={"csrf": csrf_of(html), "code": CODE, "date": "2025-01-03",
                                                      "conclusion": "继续有效", "by": "某局"})
    assert response.status_code == 422
    assert f"无法写入 {RECORD}：Permission denied；文件未改动" in response.text
    assert (root / RECORD).read_bytes() == before


def test_abolishing_changes_both_files_or_neither(
    client: TestClient, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the record was written abolished, then the successor's file failed: "the file is unchanged" on the page,
    # a new C011 error in the catalog
    from gbstd.catalog import atomic

    successor = root / "records/local/DB1411-T-63-2023.yaml"
    before = {path: path.read_bytes() for path in (root / RECORD, successor)}
    take_place = atomic._take_place

    def refuse_successor(tmp: str, path: Path) -> None:
        if Path(path).name == successor.name:
            raise PermissionError(1, "Operation not permitted", str(path))
        take_place(tmp, path)

    monkeypatch.setattr(atomic, "_take_place", refuse_successor)
    html = page(client)
    response = client.post("/standard/abolish", data={"csrf": csrf_of(html), "code": CODE, "digest": digest_of(html),
                                                      "date": "2024-03-07", "successor": SUCCESSOR})
    assert response.status_code == 422
    assert "Operation not permitted" in response.text and "均未改动" in response.text
    assert {path: path.read_bytes() for path in before} == before


def test_an_import_that_cannot_be_written_is_said_on_its_page(
    client: TestClient, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = csrf_of(client.get("/import").text)
    files = {"table": ("清单.csv", CSV_ONE_BAD_ROW.encode("utf-8"), "text/csv")}
    preview = client.post("/import/preview", data={"csrf": token}, files=files)
    upload = preview.text.split('name="token" value="')[1].split('"')[0]
    refuse_writes(monkeypatch)
    applied = client.post("/import/apply", data={"csrf": token, "token": upload})
    assert applied.status_code == 422
    assert "无法写入目录：Permission denied" in applied.text
    assert not (root / "records/local/DB41-T-9001-2025.yaml").exists()


@pytest.mark.parametrize(("error", "said"), [
    (PermissionError(13, "Permission denied", ".git/index.lock"), "无法提交：Permission denied"),
    (git.exc.GitError(), "无法提交：GitError"),  # no message at all
])
def test_a_commit_the_repository_refuses_is_said_on_the_page(
    client: TestClient, root: Path, monkeypatch: pytest.MonkeyPatch, error: Exception, said: str
) -> None:
    data = form_of(page(client))
    data["title"] = "机关公务用车服务管理规范"
    assert client.post("/standard/save", data=data, follow_redirects=False).status_code == 303
    changes = client.get("/changes").text
    head = git.Repo(root, search_parent_directories=True).head.commit

    def refused(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(gitops, "commit_only", refused)
    response = client.post("/commit", data={"csrf": csrf_of(changes), "files": RECORD, "message": "m", "author": "张三"})
    assert response.status_code == 422
    assert said in response.text
    assert git.Repo(root, search_parent_directories=True).head.commit == head


@pytest.mark.parametrize(("host", "url"), [
    ("127.0.0.1", "http://127.0.0.1:8000/"), ("::1", "http://[::1]:8000/"), ("0.0.0.0", "http://127.0.0.1:8000/"),
    ("", "http://127.0.0.1:8000/"), ("fe80::1", "http://[fe80::1]:8000/"), ("192.168.1.5", "http://192.168.1.5:8000/"),
])
def test_the_address_announced_is_one_that_opens(host: str, url: str) -> None:
    # --host ::1 announced http://127.0.0.1:…/ (refused: the server listened on IPv6 only); --host '' http://:…/
    from gbstd.cli.serve import _url

    assert _url(host, 8000) == url


def test_a_slow_request_does_not_hold_the_other_pages(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a save, an import preview or a commit ran on the event loop: a 20 s preview held even the stylesheet
    import http.cookiejar
    import threading
    import urllib.parse
    import urllib.request

    import uvicorn

    from gbstd.serve import edit

    entered, release = threading.Event(), threading.Event()
    real = edit.save

    def slow(server: object, request: object, form: object) -> object:
        entered.set()
        release.wait(20)
        return real(server, request, form)  # type: ignore[arg-type]

    monkeypatch.setattr(edit, "save", slow)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(root, as_of=AS_OF), host="127.0.0.1", port=port,
                                           log_level="error"))
    running = threading.Thread(target=server.run, daemon=True)
    running.start()
    base = f"http://127.0.0.1:{port}"
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    for _ in range(100):
        try:
            html = opener.open(f"{base}/standard?{urllib.parse.urlencode({'code': CODE})}", timeout=5).read().decode()
            break
        except OSError:
            threading.Event().wait(0.1)
    body = urllib.parse.urlencode(form_of(html)).encode()
    saving = threading.Thread(target=lambda: opener.open(f"{base}/standard/save", body, timeout=30).read(), daemon=True)
    saving.start()
    try:
        assert entered.wait(10)
        assert opener.open(f"{base}/static/serve.css", timeout=5).status == 200  # answered while the save waits
    finally:
        release.set()
        saving.join(30)
        server.should_exit = True
        running.join(10)


def test_the_changes_page_outside_git_speaks_of_git_not_of_options(tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "cat"
    shutil.copytree(Path(__file__).resolve().parent.parent / "standards", root,
                    ignore=shutil.ignore_patterns(".gbstd-cache"))
    text = TestClient(create_app(root, lang="en"), base_url="http://127.0.0.1").get("/changes").text
    assert "is not inside a git repository" in text and "git init" in text and "--changed-since" not in text


def test_a_large_import_preview_lists_what_needs_a_look_and_counts_the_rest(client: TestClient) -> None:
    # every row was a row of the page: 13 MB for a national table of 100 000 rows
    from gbstd.serve import app as serve_app

    rows = ["标准号,标准名称,实施日期,体系编号"]
    rows += [f"DB41/T {9000 + n}-2025,标准{n}号,2025-01-01,302" for n in range(serve_app.PREVIEW_ROWS + 100)]
    rows.append("DB41/T 8999-2025,坏日期,2025-02-30,302")
    token = csrf_of(client.get("/import").text)
    files = {"table": ("大表.csv", ("\n".join(rows) + "\n").encode("utf-8"), "text/csv")}
    preview = client.post("/import/preview", data={"csrf": token}, files=files)
    assert preview.status_code == 200
    listed = re.findall(r'<tr class="(\w+)"><td>(\d+)</td>', preview.text)
    assert len(listed) == serve_app.PREVIEW_ROWS + 1 and ("rejected", str(len(rows))) in listed  # the bad row too
    total = serve_app.PREVIEW_ROWS + 101
    assert f"共 {total} 行 rows: 新建 {total - 1}，拒绝 1" in preview.text
    assert "另有 100 行未列出" in preview.text


def _rules_shown(html: str) -> list[str]:
    return sorted(re.findall(r"(?:错误|警告|提示|error|warning|info) ([A-Z]\d{3}):", html))


def test_a_record_page_shows_what_lint_reports_for_its_file_linting_once_per_catalog_state(
    root: Path, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gbstd.catalog.cache import StoredResult
    from gbstd.serve import state

    here: list[bool] = []  # lints in the server's process (none: `gbstd lint` elsewhere leaves its result)
    elsewhere: list[Path] = []
    real_lint, real_elsewhere = state.lint_catalog, state._lint_elsewhere
    monkeypatch.setattr(state, "lint_catalog", lambda *a, **k: here.append(True) or real_lint(*a, **k))
    monkeypatch.setattr(state, "_lint_elsewhere", lambda top, day: elsewhere.append(top) or real_elsewhere(top, day))

    def whole(self: StoredResult) -> None:
        raise AssertionError("a page decodes only the lines that hold its file's findings")

    monkeypatch.setattr(StoredResult, "rows", whole)
    result = CliRunner().invoke(cli, ["lint", str(root), "--as-of", AS_OF.isoformat(), "--format", "json"])
    expected = sorted(f["rule"] for f in json.loads(result.stdout) if f["path"] == RECORD)
    assert expected == ["D003", "R003"]
    assert _rules_shown(page(client)) == expected
    page(client, SUCCESSOR)
    assert len(elsewhere) == 1  # another record's page: no second lint
    config = root / "gbstd.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("ignore = []", 'ignore = ["R003"]', 1), encoding="utf-8")
    assert _rules_shown(page(client)) == ["D003"]  # as `gbstd lint` would say with this configuration
    assert len(elsewhere) == 2
    system = root / "system.yaml"  # no record file: the module the record is filed under is renumbered
    system.write_text(system.read_text(encoding="utf-8").replace('id: "202"', 'id: "299"', 1), encoding="utf-8")
    assert _rules_shown(page(client)) == ["C016", "D003"] and len(elsewhere) == 3
    assert here == []  # each time `gbstd lint` in a process of its own did the work


def test_a_page_takes_the_last_read_catalog_while_no_file_under_the_root_changed(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No file changed size, times or inode, none added or removed: the last read's catalog is given again
    (and the stamps its findings are kept under are not made again); any change is a new read."""
    from gbstd.serve import state

    monkeypatch.setattr(state, "RACY_NS", 0)  # the files were written a moment ago: count them as settled
    made: list[bool] = []
    stamps = state._stamps
    monkeypatch.setattr(state, "_stamps", lambda catalog, disk=None: made.append(True) or stamps(catalog, disk))
    server = state.Server(root, as_of=AS_OF)
    first = server.catalog()
    assert server.catalog() is first
    assert server._lint_stamps(first) == server._lint_stamps(first) and len(made) == 1
    assert server._lint_stamps(first) == stamps(first)  # made from the look before the read: as a walk makes them

    def title(catalog: Catalog) -> str:
        return next(record.title for record in catalog.records if record.rel == RECORD)

    record = root / RECORD
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("机关公务用车服务规范", "机关公务用车服务管理规范", 1), encoding="utf-8")
    edited = server.catalog()
    assert edited is not first and title(edited) == "机关公务用车服务管理规范"
    assert server.catalog() is edited
    copy = root / "records" / "local" / "DB1411-T-99-2023.yaml"
    copy.write_text(text, encoding="utf-8")
    added = server.catalog()
    assert len(added.records) == len(edited.records) + 1 and server.catalog() is added
    copy.unlink()
    removed = server.catalog()
    assert len(removed.records) == len(edited.records) and server.catalog() is removed
    config = root / "gbstd.toml"
    config.write_text(config.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    assert server.catalog() is not removed


def test_a_read_is_not_kept_while_a_file_changed_too_recently_to_be_trusted(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file other than a record changed within the racy window of the look (a write in the same clock tick
    would leave its times as they were), or one that could not be read (it may be read at the next try):
    each page reads the catalog again."""
    from gbstd.serve import state

    monkeypatch.setattr(state, "RACY_NS", 10**18)  # every file changed "a moment ago"
    server = state.Server(root, as_of=AS_OF)
    first = server.catalog()
    assert server._read is None and server.catalog() is not first
    monkeypatch.setattr(state, "RACY_NS", 0)
    outside = root.parent / "outside.yaml"
    outside.write_text((root / RECORD).read_text(encoding="utf-8"), encoding="utf-8")
    (root / "records" / "local" / "DB1411-T-98-2023.yaml").symlink_to(outside)  # Y010: leads outside
    unreadable = server.catalog()
    assert any(f.rule == "Y010" for f in unreadable.load_findings)
    assert server._read is None and server.catalog() is not unreadable


def test_a_record_changed_a_moment_ago_is_checked_by_its_content_until_it_settles(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A record saved a moment ago (from a page) does not cost every page a read: its content is hashed at
    each look and compared with the read's; once its times are old enough they are trusted again."""
    import hashlib
    import os
    import time
    from types import SimpleNamespace

    from gbstd.serve import state

    now = [time.time_ns() + 10**10]  # ten seconds on: every file copied by the fixture has settled
    monkeypatch.setattr(state, "time", SimpleNamespace(time_ns=lambda: now[0]))
    record = root / RECORD
    os.utime(record, ns=(now[0] - 5 * 10**8, now[0] - 5 * 10**8))  # changed half a second before the look
    server = state.Server(root, as_of=AS_OF)
    first = server.catalog()
    assert server._read is not None
    assert server._read.racy == {RECORD: hashlib.sha256(record.read_bytes()).hexdigest()}
    assert server.catalog() is first  # the same content: the same catalog
    look = state._Disk.look
    seen = look(root, root / ".gbstd-cache")
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("机关公务用车服务规范", "机关公务用车服务管理规范", 1), encoding="utf-8")
    monkeypatch.setattr(state._Disk, "look", lambda *args: seen)  # written in the same clock tick: same times
    edited = server.catalog()
    assert edited is not first
    assert next(r.title for r in edited.records if r.rel == RECORD) == "机关公务用车服务管理规范"
    monkeypatch.setattr(state._Disk, "look", look)
    os.utime(record, ns=(now[0] - 5 * 10**8, now[0] - 5 * 10**8))
    kept = server.catalog()
    assert server._read is not None and server._read.racy
    now[0] += 3 * 10**9  # settled: its times are trusted again, its content no longer read
    assert server.catalog() is kept and server._read.racy == {}


def test_a_record_made_between_the_look_and_the_read_does_not_stop_the_looks(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file the walk did not list because it was made after it (another tab's new record) is no layout the
    walk cannot reach: the read is not kept, and the next page looks again and keeps its read."""
    from gbstd.serve import state

    monkeypatch.setattr(state, "RACY_NS", 0)
    look = state._Disk.look
    seen = look(root, root / ".gbstd-cache")
    (root / "records" / "local" / "DB1411-T-99-2023.yaml").write_text(
        (root / RECORD).read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(state._Disk, "look", lambda *args: seen)
    server = state.Server(root, as_of=AS_OF)
    server.catalog()
    assert server._unreached is None and server._read is None
    monkeypatch.setattr(state._Disk, "look", look)
    kept = server.catalog()
    assert server.catalog() is kept


def test_records_reached_through_a_link_are_read_on_every_page_without_a_look(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The walk does not follow links: records behind one are read on every page, and the walk is not
    taken again for nothing until the configuration changes."""
    from gbstd.serve import state

    monkeypatch.setattr(state, "RACY_NS", 0)
    looks: list[bool] = []
    look = state._Disk.look
    monkeypatch.setattr(state._Disk, "look", lambda *args: looks.append(True) or look(*args))
    (root / "records").rename(root / "kept-records")
    (root / "records").symlink_to("kept-records", target_is_directory=True)
    server = state.Server(root, as_of=AS_OF)
    first = server.catalog()
    assert first.records and server._read is None and len(looks) == 1
    assert server.catalog() is not first and len(looks) == 1
    config = root / "gbstd.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("ignore = []", 'ignore = ["R003"]', 1), encoding="utf-8")
    server.catalog()
    assert len(looks) == 2  # another configuration: looked at again


def test_a_record_page_reads_its_findings_from_lines_of_the_stored_result(
    root: Path, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stored result written a few findings a line: each file's findings are found across the lines that
    hold them, as `gbstd lint` reported them."""
    from gbstd.catalog import cache

    monkeypatch.setattr(cache, "RESULT_BATCH", 2)
    result = CliRunner().invoke(cli, ["lint", str(root), "--as-of", AS_OF.isoformat(), "--format", "json"])
    reported = json.loads(result.stdout)
    by_path: dict[str, list[str]] = {}
    codes: dict[str, str] = {}
    for finding in reported:
        by_path.setdefault(finding["path"], []).append(finding["rule"])
        if finding["path"].startswith("records/") and finding["record"]:
            codes[finding["path"]] = finding["record"]
    lines = json.loads((root / ".gbstd-cache" / "result-key.json").read_text(encoding="utf-8"))["lines"]
    assert len(lines) == (len(reported) + 1) // 2  # two findings a line
    assert any(len(by_path[rel]) > 2 for rel in codes)  # a record file whose findings span lines
    for rel, code in codes.items():
        assert _rules_shown(page(client, code)) == sorted(by_path[rel]), rel


@pytest.mark.parametrize("forge", ["reversed", "one path", "first after last"])
def test_a_misdescribed_stored_result_is_linted_again_not_trusted(
    root: Path, client: TestClient, monkeypatch: pytest.MonkeyPatch, forge: str
) -> None:
    # the lines' first and last paths say where a file's rows are: described wrongly (sizes right), pages showed
    # no findings for most files, while `gbstd lint` read every row and reported them
    from gbstd.catalog import cache

    monkeypatch.setattr(cache, "RESULT_BATCH", 2)
    result = CliRunner().invoke(cli, ["lint", str(root), "--as-of", AS_OF.isoformat(), "--format", "json"])
    expected = sorted(f["rule"] for f in json.loads(result.stdout) if f["path"] == RECORD)
    key_file = root / ".gbstd-cache" / "result-key.json"
    key = json.loads(key_file.read_text(encoding="utf-8"))
    lines = key["lines"]
    if forge == "reversed":
        key["lines"] = [[last, first, size] for (first, last, _), (_, _, size) in zip(lines[::-1], lines, strict=True)]
    elif forge == "one path":
        key["lines"] = [["records/zzz", "records/zzz", size] for _, _, size in lines]
    else:
        key["lines"] = [[last, first, size] for first, last, size in lines]
    key_file.write_text(json.dumps(key), encoding="utf-8")
    assert _rules_shown(page(client)) == expected == ["D003", "R003"]


def test_a_damaged_line_of_the_stored_result_is_linted_again_not_shown(root: Path, client: TestClient) -> None:
    result = CliRunner().invoke(cli, ["lint", str(root), "--as-of", AS_OF.isoformat(), "--format", "json"])
    expected = sorted(f["rule"] for f in json.loads(result.stdout) if f["path"] == RECORD)
    stored = root / ".gbstd-cache" / "result.jsonl"
    lines = stored.read_bytes().splitlines(keepends=True)
    held = next(k for k, line in enumerate(lines) if k and RECORD.encode() in line)
    lines[held] = b"[" * (len(lines[held]) - 1) + b"\n"  # the same size: only decoding it finds the damage
    stored.write_bytes(b"".join(lines))
    assert _rules_shown(page(client)) == expected == ["D003", "R003"]


def test_a_federating_catalog_s_record_page_does_not_lint_the_union_elsewhere(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gbstd.serve import state

    member = tmp_path / "member"
    (member / "records").mkdir(parents=True)
    (member / "gbstd.toml").write_text("", encoding="utf-8")
    config = root / "gbstd.toml"
    config.write_text(config.read_text(encoding="utf-8")
                      + f'\n[[federation.members]]\nname = "成员"\npath = "{member.as_posix()}"\n', encoding="utf-8")
    assert CliRunner().invoke(cli, ["lint", str(root), "--as-of", AS_OF.isoformat()]).exit_code in (0, 1)
    elsewhere: list[Path] = []
    monkeypatch.setattr(state, "_lint_elsewhere", lambda top, day: elsewhere.append(top))
    client = TestClient(create_app(root, as_of=AS_OF), base_url="http://127.0.0.1")
    assert _rules_shown(page(client)) == ["D003", "R003"]  # the federating catalog's own files, as before
    assert elsewhere == []
    # every page says the editor keeps to those files (a federation with no records of its own looked empty)
    assert 'id="federation"' in client.get("/").text and "成员目录（成员）" in client.get("/reviews").text


def test_a_list_grown_or_shrunk_at_its_end_keeps_the_next_key_s_heading_in_place(root: Path, client: TestClient) -> None:
    # the new source went below "# —— 备注 ——" (into the next section); deleting the last one dropped it
    path = root / RECORD
    text = path.read_text(encoding="utf-8").replace("\nnote:", "\n\n# —— 备注 ——\nnote:")
    path.write_text(text, encoding="utf-8")
    form = as_browser_sends(form_of(page(client)))
    first = form["sources"].splitlines()[0]
    form["sources"] += "\nhttps://example.org/third"
    assert client.post("/standard/save", data=form, follow_redirects=False).status_code == 303
    assert "  - https://example.org/third\n\n# —— 备注 ——\nnote:" in path.read_text(encoding="utf-8")
    form = as_browser_sends(form_of(page(client)))
    form["sources"] = first
    assert client.post("/standard/save", data=form, follow_redirects=False).status_code == 303
    assert path.read_text(encoding="utf-8").split("sources:")[1].split("note:")[0] == f"\n  - {first}\n\n# —— 备注 ——\n"


def test_a_field_that_is_not_utf8_is_refused_and_nothing_is_written(client: TestClient, root: Path) -> None:
    # a url-encoded field got U+FFFD in place of its bytes, and a save wrote that into the record
    before = (root / RECORD).read_bytes()
    data = form_of(page(client))
    data["title"] = "TITLE"
    encoded = "&".join(f"{quote(k)}={quote(v)}" for k, v in data.items())
    for bad in ("%FF%FEabc", "\xff\xfeabc"):  # escaped, and raw bytes in the body
        body = encoded.encode().replace(b"TITLE", bad.encode("latin-1"))
        response = client.post("/standard/save", content=body, follow_redirects=False,
                               headers={"content-type": "application/x-www-form-urlencoded"})
        assert response.status_code == 400 and "title" in response.text and "UTF-8" in response.text
    assert (root / RECORD).read_bytes() == before
    data["title"] = "机关公务用车服务管理规范"  # UTF-8 still saves
    assert client.post("/standard/save", data=data, follow_redirects=False).status_code == 303
    assert "title: 机关公务用车服务管理规范" in (root / RECORD).read_text(encoding="utf-8")


def test_a_field_the_post_does_not_send_is_left_as_it_is(client: TestClient, root: Path) -> None:
    # a post of the title alone (a script, a form from before a field existed) removed every field it did not send
    html = page(client)
    data = {"csrf": csrf_of(html), "code": CODE, "digest": digest_of(html), "title": "机关公务用车服务管理规范"}
    before = (root / RECORD).read_bytes()
    assert client.post("/standard/save", data=data, follow_redirects=False).status_code == 303
    assert changed_lines(before, (root / RECORD).read_bytes()) == [
        ("title: 机关公务用车服务规范", "title: 机关公务用车服务管理规范")]
    html = page(client)  # an input sent empty still empties its field
    data = form_of(html) | {"ccs": ""}
    assert client.post("/standard/save", data=data, follow_redirects=False).status_code == 303
    assert "ccs:" not in (root / RECORD).read_text(encoding="utf-8")


ILLUSTRATIVE = ("records/internal/HNJGSW-302-2023.yaml", "HNJGSW 302-2023")  # a record with `illustrative: true`


def browser_post(html: str, code: str, tick: bool | None = None) -> dict[str, list[str]]:
    """The record form as a browser submits it, every value of each name in page order: what :func:`form_of`
    reads, and the hidden inputs and checkboxes, a checkbox only when ticked (``tick`` ticks or unticks all)."""
    sent = {name: [value] for name, value in as_browser_sends(form_of(html)).items()} | {"code": [code]}
    form = html.split('id="record-form"')[1].split("</form>")[0]
    for tag in re.findall(r"<input [^>]*>", form):
        attrs = {key: value for key, value in re.findall(r'([a-z]+)(?:="([^"]*)")?', tag[len("<input"):])}
        if attrs.get("name") in ("csrf", "code", "digest"):
            continue
        ticked = "checked" in attrs if tick is None else tick
        if attrs.get("type") == "hidden":
            sent.setdefault(attrs["name"], []).append(attrs.get("value", ""))
        elif attrs.get("type") == "checkbox" and ticked:
            sent.setdefault(attrs["name"], []).append(attrs.get("value") or "on")
    return sent


def test_a_checkbox_the_post_never_had_is_left_as_it_is(client: TestClient, root: Path) -> None:
    # a post of the title alone (a script, a page from before) unticked `illustrative`: a browser sends an
    # unticked box as nothing, so "not sent" was read as "unticked"
    rel, code = ILLUSTRATIVE
    html = page(client, code)
    before = (root / rel).read_bytes()
    data = {"csrf": csrf_of(html), "code": code, "digest": digest_of(html), "title": "省直机关食堂反食品浪费规程"}
    assert client.post("/standard/save", data=data, follow_redirects=False).status_code == 303
    assert changed_lines(before, (root / rel).read_bytes()) == [
        ("title: 省直机关食堂反食品浪费操作规程", "title: 省直机关食堂反食品浪费规程")]
    assert "\nillustrative: true\n" in (root / rel).read_text(encoding="utf-8")


def test_a_checkbox_round_trip_in_the_browser(client: TestClient, root: Path) -> None:
    # the form says it had the box (a hidden input of its name, sent empty), so a box left unticked unticks the
    # field and a ticked one ticks it again; the rest of the file stays as it was
    rel, code = ILLUSTRATIVE
    path = root / rel
    original = path.read_text(encoding="utf-8")
    html = page(client, code)
    assert '<input type="hidden" name="illustrative" value=""><input type="checkbox" id="in-illustrative" ' \
           'name="illustrative" checked>' in html
    assert browser_post(html, code)["illustrative"] == ["", "on"]
    assert client.post("/standard/save", data=browser_post(html, code), follow_redirects=False).status_code == 303
    assert path.read_text(encoding="utf-8") == original  # sent as shown: nothing to do
    unticked = browser_post(html, code, tick=False)
    assert unticked["illustrative"] == [""]
    assert client.post("/standard/save", data=unticked, follow_redirects=False).status_code == 303
    assert path.read_text(encoding="utf-8") == original.replace("illustrative: true\n", "")
    html = page(client, code)
    assert 'name="illustrative">' in html and 'name="illustrative" checked>' not in html
    assert client.post("/standard/save", data=browser_post(html, code, tick=True), follow_redirects=False).status_code == 303
    assert path.read_text(encoding="utf-8") == original
    assert 'name="illustrative" checked>' in page(client, code)


@pytest.mark.parametrize(("sent", "kept"), [("false", False), ("0", False), ("off", False), ("true", True), ("on", True)])
def test_a_checkbox_posted_by_a_script_says_what_it_means(client: TestClient, root: Path, sent: str, kept: bool) -> None:
    # any text ticked the box: a script posting illustrative=false made the record illustrative
    rel, code = ILLUSTRATIVE
    html = page(client, code)
    data = {"csrf": csrf_of(html), "code": code, "digest": digest_of(html), "illustrative": sent}
    assert client.post("/standard/save", data=data, follow_redirects=False).status_code == 303
    assert ("\nillustrative: true\n" in (root / rel).read_text(encoding="utf-8")) is kept


def test_a_checkbox_value_that_means_nothing_is_refused_at_its_field(client: TestClient, root: Path) -> None:
    rel, code = ILLUSTRATIVE
    before = (root / rel).read_bytes()
    html = page(client, code)
    data = {"csrf": csrf_of(html), "code": code, "digest": digest_of(html), "illustrative": "maybe"}
    response = client.post("/standard/save", data=data, follow_redirects=False)
    assert response.status_code == 422
    field = response.text.split('id="field-illustrative"')[1].split("</tr>")[0]
    assert "field-error" in field and "maybe" in field and "应为true/false" in field
    assert (root / rel).read_bytes() == before


def test_a_refused_partial_post_shows_the_other_fields_as_the_file_has_them(client: TestClient, root: Path) -> None:
    # a post of an impossible date alone was shown again with every other input empty: corrected and saved
    # from that page, it removed the record's effective date, issuer, scope, sources, note…
    html = page(client)
    before = (root / RECORD).read_bytes()
    sent = {"csrf": csrf_of(html), "code": CODE, "digest": digest_of(html), "published": "2023-02-30"}
    refused = client.post("/standard/save", data=sent)
    assert refused.status_code == 422 and (root / RECORD).read_bytes() == before
    shown = form_of(refused.text)
    assert shown == form_of(html) | {"published": "2023-02-30", "csrf": shown["csrf"]}
    shown["published"] = "2023-12-06"
    assert client.post("/standard/save", data=as_browser_sends(shown), follow_redirects=False).status_code == 303
    assert changed_lines(before, (root / RECORD).read_bytes()) == [("published: 2023-12-07", "published: 2023-12-06")]


def test_a_refused_post_shows_a_checkbox_as_it_meant_it(client: TestClient, root: Path) -> None:
    rel, code = ILLUSTRATIVE
    html = page(client, code)
    sent = {"csrf": csrf_of(html), "code": code, "digest": digest_of(html), "published": "2023-02-30"}
    kept = client.post("/standard/save", data=sent)  # the box not sent: as the file has it
    assert kept.status_code == 422 and 'id="in-illustrative" name="illustrative" checked>' in kept.text
    for value in ("false", ""):  # sent unticked, by a script or by the form's hidden input
        unticked = client.post("/standard/save", data={**sent, "illustrative": value})
        assert unticked.status_code == 422 and 'id="in-illustrative" name="illustrative">' in unticked.text
    assert "\nillustrative: true\n" in (root / rel).read_text(encoding="utf-8")


def multipart(fields: dict[str, str | bytes]) -> tuple[bytes, dict[str, str]]:
    """A multipart/form-data body of text fields (bytes as they are), as `curl -F` posts a form."""
    parts = [b'--xx\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n'
             % (name.encode(), value if isinstance(value, bytes) else value.encode()) for name, value in fields.items()]
    return b"".join(parts) + b"--xx--\r\n", {"content-type": "multipart/form-data; boundary=xx"}


def test_a_multipart_field_that_is_not_utf8_is_refused(client: TestClient, root: Path) -> None:
    # Starlette reads such a field as Latin-1: a save wrote "note: ÿþabc" into the record
    before = (root / RECORD).read_bytes()
    form = form_of(page(client))
    body, headers = multipart({**form, "note": b"\xff\xfeabc"})
    response = client.post("/standard/save", content=body, headers=headers, follow_redirects=False)
    assert response.status_code == 400
    assert "表单字段 note 不是 UTF-8 文本" in response.text
    assert (root / RECORD).read_bytes() == before
    body, headers = multipart({**form, "note": "补充说明"})  # a multipart post in UTF-8 still saves
    assert client.post("/standard/save", content=body, headers=headers, follow_redirects=False).status_code == 303
    assert "note: 补充说明" in (root / RECORD).read_text(encoding="utf-8")


def test_a_file_in_a_text_field_is_refused(client: TestClient, root: Path) -> None:
    # the review's `by` was written as "UploadFile(filename='a.txt', size=4, headers=Headers(…))"
    before = (root / RECORD).read_bytes()
    html = page(client)
    review = {"csrf": csrf_of(html), "code": CODE, "date": "2025-01-03", "conclusion": "修订"}
    response = client.post("/standard/review", data=review, files={"by": ("a.txt", "某局".encode())})
    assert response.status_code == 400
    assert "表单字段 by 应为文本，不是文件" in response.text
    saved = client.post("/standard/save", data=form_of(html), files={"note": ("a.txt", b"x")})
    assert saved.status_code == 400 and "note" in saved.text
    assert (root / RECORD).read_bytes() == before
    token = csrf_of(client.get("/import").text)  # the import's table is the one field that takes a file
    preview = client.post("/import/preview", data={"csrf": token}, files={"table": ("t.csv", CSV_ONE_BAD_ROW.encode())})
    assert preview.status_code == 200 and 'id="preview"' in preview.text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_form_the_parser_refuses_is_said_in_the_page_s_language(root: Path, lang: str) -> None:
    # Starlette's own 400s were English only ("Too many fields. Maximum number of fields is 200.")
    client = TestClient(create_app(root, lang=lang, as_of=AS_OF), base_url="http://127.0.0.1")  # type: ignore[arg-type]
    before = (root / RECORD).read_bytes()
    form = form_of(page(client))
    crowded = client.post("/standard/save", data={**form, **{f"x{i}": "1" for i in range(300)}})
    unbounded = client.post("/standard/save", content=b"x", headers={"content-type": "multipart/form-data"})
    for response in (crowded, unbounded):
        assert response.status_code == 400
        assert ("表单无法读取" in response.text) == (lang == "zh")
        assert ("the form cannot be read" in response.text) == (lang == "en")
    if lang == "en":  # Starlette's reason, which it gives in English only
        assert "Too many fields" in crowded.text and "Missing boundary" in unbounded.text
    else:  # and in Chinese the reason that applies (a note over 1 MB was "too many fields or files")
        assert "字段过多，最多 200 个" in crowded.text and "格式不对" in unbounded.text
    pasted = client.post("/standard/save", data={**form, "note": "x" * (MAX_FIELD + 1)})
    assert pasted.status_code == 400
    assert ("有字段超过 1 MB 的上限" in pasted.text) == (lang == "zh")
    assert ("Field exceeded maximum size" in pasted.text) == (lang == "en")
    assert (root / RECORD).read_bytes() == before


@pytest.mark.parametrize(("lang", "words", "not_words"), [
    ("zh", ["<small>修改</small>", "<small>新增</small>", "<small>删除</small>", "+ extra_key: —"],
     ["modified", "added", "deleted", "（空）"]),
    ("en", ["<small>modified</small>", "<small>added</small>", "<small>removed</small>", "+ extra_key: —"], ["（空）"]),
], ids=["zh", "en"])
def test_the_changes_page_says_how_a_file_changed_in_its_language(
    root: Path, lang: str, words: list[str], not_words: list[str]
) -> None:
    # a Chinese page said git's "modified" / "added" / "deleted", and an English one "（空）" for nothing
    (root / RECORD).write_text((root / RECORD).read_text(encoding="utf-8").replace("ccs: A12", "ccs: A13"),
                               encoding="utf-8")
    (root / "records/local/DB41-T-9-2020.yaml").write_text("code: DB41/T 9-2020\ntitle: 新\nstatus: 现行\n",
                                                           encoding="utf-8")
    (root / "records/local/DB1411-T-63-2023.yaml").unlink()
    notes = root / "notes/2023H2.yaml"  # not a record: described field by field
    notes.write_text(notes.read_text(encoding="utf-8").replace("\naddressee: ", "\nextra_key: ~\naddressee: "),
                     encoding="utf-8")
    client = TestClient(create_app(root, lang=lang, as_of=AS_OF), base_url="http://127.0.0.1")  # type: ignore[arg-type]
    main = client.get("/changes").text.split("<main>")[1]
    for said in words:
        assert said in main
    for said in not_words:
        assert said not in main


@pytest.mark.parametrize(("lang", "said", "not_said"), [("zh", "兄弟地区同主题", "sibling"), ("en", "sibling", "兄弟地区同主题")],
                         ids=["zh", "en"])
def test_the_duplicates_page_names_a_pair_s_kind_in_its_language(root: Path, lang: str, said: str, not_said: str) -> None:
    # a Chinese page said "0.98 sibling" where `gbstd dupes` says 兄弟地区同主题
    client = TestClient(create_app(root, lang=lang, as_of=AS_OF), base_url="http://127.0.0.1")  # type: ignore[arg-type]
    pairs = re.findall(r"<li>[^<]* ↔ [^<]*: [0-9.]+ ([^—<]*) —", client.get("/dupes").text)
    assert pairs and said in {kind.strip() for kind in pairs} and not_said not in {kind.strip() for kind in pairs}


@pytest.mark.parametrize(("lang", "said"), [
    ("zh", "记录不合格：`status`: 'foo' 不是允许的取值"), ("en", "invalid record: `status`: 'foo' is not one of")],
    ids=["zh", "en"])
def test_a_new_record_the_model_refuses_is_said_in_its_language(root: Path, lang: str, said: str) -> None:
    # a status the select does not offer (a script): "记录不合格：status: Input should be '现行', '即将实施' or '废止'"
    import html as html_lib

    client = TestClient(create_app(root, lang=lang, as_of=AS_OF), base_url="http://127.0.0.1")  # type: ignore[arg-type]
    response = client.post("/new", data={"csrf": csrf_of(client.get("/new").text), "code": "DB41/T 9305-2025",
                                         "title": "机关茶歇服务规范", "module": "302", "status": "foo"})
    assert response.status_code == 422
    shown = html_lib.unescape(response.text)
    assert said in shown and "Input should" not in shown
    assert not (root / "records/local/DB41-T-9305-2025.yaml").exists()


@pytest.mark.parametrize(("lang", "words", "not_words"), [
    ("zh", ["提示 R003:", '<option value="recommended">推荐性</option>', '<option value="现行" selected>现行</option>'],
     ["info R003", ">recommended<", ">local<"]),
    ("en", ["info R003:", '<option value="recommended">recommended</option>',
            '<option value="现行" selected>in force</option>'], ["提示 R003"]),
], ids=["zh", "en"])
def test_a_record_s_page_says_severities_and_choices_in_its_language(
    root: Path, lang: str, words: list[str], not_words: list[str]
) -> None:
    # a Chinese page listed "info R003: 101 天后复审到期…" (lint says 提示) and offered tier "local", nature
    # "recommended"; the value sent is still the file's
    client = TestClient(create_app(root, lang=lang, as_of=AS_OF), base_url="http://127.0.0.1")  # type: ignore[arg-type]
    html = page(client)
    for said in words:
        assert said in html
    for said in not_words:
        assert said not in html
    data = form_of(html) | {"nature": "recommended"}
    assert client.post("/standard/save", data=data, follow_redirects=False).status_code == 303
    assert "\nnature: recommended\n" in (root / RECORD).read_text(encoding="utf-8")


@pytest.mark.parametrize(("lang", "shown"), [("zh", "地方标准"), ("en", "local")], ids=["zh", "en"])
def test_the_standards_list_names_tiers_in_its_language(root: Path, lang: str, shown: str) -> None:
    # the Chinese list said "local" in its tier column and filter, where `gbstd review` says 地方标准
    client = TestClient(create_app(root, lang=lang, as_of=AS_OF), base_url="http://127.0.0.1")  # type: ignore[arg-type]
    html = client.get("/", params={"tier": "local"}).text
    assert f'<option value="local" selected>{shown}</option>' in html
    rows = re.findall(r"<tr>(.*?)</tr>", html.split('id="standards"')[1].split("</table>")[0], re.S)[1:]
    tiers = {re.findall(r"<td>(.*?)</td>", row, re.S)[3] for row in rows}
    assert rows and tiers == {shown}


def _fixed_message_cases(client: TestClient, root: Path) -> list[tuple[str, Any]]:
    """Each fixed message of the editor and the response that shows it, by the message's key."""
    html = page(client)
    token = csrf_of(html)
    form = form_of(html)
    body, headers = multipart({**form, "note": b"\xff\xfeabc"})
    reviewed = "JGJ/T 67-2019"  # reviewed on 2024-12-20: an abolition before that is refused (R006)
    other = page(client, reviewed)
    cases = [
        ("csrf", client.post("/standard/save", data={**form, "csrf": "0" * 64})),
        ("too_large", client.post("/standard/save", content=b"x", headers={"content-length": str(MAX_BODY + 1)})),
        ("not_utf8", client.post("/standard/save", content=body, headers=headers)),
        ("not_found", client.get("/no-such-page")),
        ("saved", client.get(f"/standard?code={quote(CODE)}&saved=1")),
        ("choose", client.post("/import/preview", data={"csrf": token})),
        ("suffix", client.post("/import/preview", data={"csrf": token}, files={"table": ("x.sh", b"x", "text/plain")})),
        ("expired", client.post("/import/apply", data={"csrf": token, "token": "gone"})),
        ("not_saved", client.post("/standard/save", data={**form, "published": "2023-13-01"})),
        ("not_abolished", client.post("/standard/abolish", data={"csrf": token, "code": reviewed,
                                                                 "digest": digest_of(other), "date": "2024-06-01"})),
        ("no_title", client.post("/new", data={"csrf": token, "code": "DB41/T 9303-2025", "title": " "})),
        ("no_module", client.post("/new", data={"csrf": token, "code": "DB41/T 9303-2025", "title": "x"})),
    ]
    config = root / "gbstd.toml"
    config.write_text(config.read_text(encoding="utf-8") + "\n<<<<<<< HEAD\n", encoding="utf-8")
    quiet = TestClient(client.app, base_url="http://127.0.0.1", raise_server_exceptions=False)
    cases.append(("unreadable", quiet.get("/")))
    return cases


FIXED_MESSAGES = {  # key: (status, Chinese, English)
    "csrf": (403, "CSRF 令牌缺失或无效", "missing or invalid CSRF token"),
    "too_large": (413, "请求过大", "request too large"),
    "not_utf8": (400, "表单字段 note 不是 UTF-8 文本，未作任何改动", "the form field note is not UTF-8 text; nothing was changed"),
    "not_found": (404, "未找到", "not found"),
    "saved": (200, '<p class="notice" id="message">已保存</p>', '<p class="notice" id="message">saved</p>'),
    "choose": (422, "请选择文件", "choose a file"),
    "suffix": (422, "只接受 .csv 或 .xlsx 文件", "only .csv or .xlsx files"),
    "expired": (410, "上传已过期，请重新上传", "the upload expired; upload it again"),
    "not_saved": (422, "未保存：请改正标出的字段", "not saved: correct the marked fields"),
    "not_abolished": (422, "未废止：原因见下", "not abolished: see why below"),
    "no_title": (422, "标准名称不能为空", "the title must not be empty"),
    "no_module": (422, "需要 体系编号（", "module is required ("),
    "unreadable": (500, "目录无法读取", "the catalog cannot be read"),
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_fixed_messages_are_in_the_page_s_language(root: Path, lang: str) -> None:
    # "请选择文件 choose a file": each of these said both languages in one string, whatever --lang chose
    import html as html_lib

    client = TestClient(create_app(root, lang=lang, as_of=AS_OF), base_url="http://127.0.0.1")  # type: ignore[arg-type]
    before = (root / RECORD).read_bytes()
    cases = _fixed_message_cases(client, root)
    assert sorted(key for key, _ in cases) == sorted(FIXED_MESSAGES)
    for key, response in cases:
        status, zh, en = FIXED_MESSAGES[key]
        shown = html_lib.unescape(response.text)
        assert response.status_code == status, (key, shown)
        assert (zh if lang == "zh" else en) in shown, (key, shown)
        assert (en if lang == "zh" else zh) not in shown, (key, shown)
    assert (root / RECORD).read_bytes() == before


@pytest.mark.parametrize(("lang", "said"), [
    ("zh", ["`status`: 'foo' 不是允许的取值（'现行'、'即将实施' 或 '废止'）",
            "`tier`: 'bar' 不是允许的取值（'国家标准'、'行业标准'、'地方标准'、'团体标准'、'企业标准' 或 '内部标准'）"]),
    ("en", ["`status`: 'foo' is not one of '现行', '即将实施' or '废止'",
            "`tier`: 'bar' is not one of 'national', 'industry', 'local', 'group', 'enterprise' or 'internal'"]),
])
def test_a_choice_the_form_does_not_offer_is_refused_in_the_page_s_language(
    root: Path, lang: str, said: list[str]
) -> None:
    # a script's status: the Chinese page said "不是允许的取值（'现行', '即将实施' or '废止'）", pydantic's English "or"
    import html as html_lib

    client = TestClient(create_app(root, lang=lang, as_of=AS_OF), base_url="http://127.0.0.1")  # type: ignore[arg-type]
    before = (root / RECORD).read_bytes()
    response = client.post("/standard/save", data={**form_of(page(client)), "status": "foo", "tier": "bar"})
    assert response.status_code == 422 and (root / RECORD).read_bytes() == before
    errors = [html_lib.unescape(e) for e in re.findall(r'<p class="error field-error">([^<]*)</p>', response.text)]
    assert sorted(errors) == sorted(said)


@pytest.mark.parametrize(("lang", "said", "not_said"), [
    ("zh", "实施日期 '2025-13-01' 不是有效日期", "effective"),
    ("en", "effective date '2025-13-01' is not a valid date", "实施日期"),
])
def test_a_bad_date_in_the_new_form_is_named_as_the_form_labels_it(
    root: Path, lang: str, said: str, not_said: str
) -> None:
    # "effective: '2025-13-01' 不是有效日期": the record's key, which the form shows only under its label
    import html as html_lib

    client = TestClient(create_app(root, lang=lang, as_of=AS_OF), base_url="http://127.0.0.1")  # type: ignore[arg-type]
    sent = {"code": "DB41/T 9306-2025", "title": "机关茶歇服务规范", "published": "2025-01-02",
            "effective": "2025-13-01", "module": "302"}
    response = client.post("/new", data={"csrf": csrf_of(client.get("/new").text), **sent})
    assert response.status_code == 422
    error = html_lib.unescape(re.findall(r'<p class="error" id="error">([^<]*)</p>', response.text)[0])
    assert error.startswith(said) and not_said not in error
    assert 'name="effective" value="2025-13-01"' in response.text  # the form keeps what was typed
    assert not (root / "records/local/DB41-T-9306-2025.yaml").exists()


def test_a_module_typed_in_fullwidth_digits_is_saved_in_ascii(client: TestClient, root: Path) -> None:
    # ２０１ (a Chinese input method's digits) was written as typed: C016 then reported the record, and no figure
    # counted it under 201; `gbstd import` and `gbstd new` write 201
    before = (root / RECORD).read_bytes()
    form = form_of(page(client))
    form["module"] = "２０１\u3000"
    assert client.post("/standard/save", data=form, follow_redirects=False).status_code == 303
    assert changed_lines(before, (root / RECORD).read_bytes()) == [('module: "202"', 'module: "201"')]
    # a file already holding the fullwidth spelling keeps it while the form leaves the module alone, and takes
    # the ASCII one typed over it (the form compares what was sent, not its spelling)
    path = root / RECORD
    path.write_text(path.read_text(encoding="utf-8").replace('module: "201"', 'module: "２０１"'), encoding="utf-8")
    form = form_of(page(client))
    form["note"] = "只改备注"
    assert client.post("/standard/save", data=form, follow_redirects=False).status_code == 303
    assert 'module: "２０１"' in path.read_text(encoding="utf-8")
    form = form_of(page(client))
    form["module"] = "201"
    assert client.post("/standard/save", data=form, follow_redirects=False).status_code == 303
    assert 'module: "201"' in path.read_text(encoding="utf-8")


def test_the_plans_page_breaks_a_cell_s_lines_and_escapes_their_text(root: Path, client: TestClient) -> None:
    # the page showed `gbstd plan status`'s Markdown in a <pre>: the standards a target counts ran together with
    # a literal "<br>" between them, and a title's & showed as "&amp;"
    path = root / "records/internal/HNJGSW-101-2022.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "title: 河南省机关事务内部标准编写规则", "title: '河南省机关事务内部标准编写规则 <script>alert(1)</script> & 附录'"),
        encoding="utf-8")
    html = client.get("/plans").text
    assert "<script>" not in html and "&lt;br&gt;" not in html and "&amp;amp;" not in html
    cell = re.search(r"<td>(HNJGSW 101-2022 .*?)</td>", html)
    assert cell, html
    assert cell.group(1).split("<br>") == [
        "HNJGSW 101-2022 河南省机关事务内部标准编写规则 &lt;script&gt;alert(1)&lt;/script&gt; &amp; 附录 (2022-03-01)",
        "HNJGSW 201-2022 省直机关办公用房使用管理规范 (2022-06-15)",
        "HNJGSW 202-2022 省直机关公务用车服务规范 (2022-09-20)",
    ]
    assert "<th>计入的标准</th>" in html and "<td>宣传动员</td>" in html  # the tasks are a table too


LOOSE_DATES = [  # (typed, the review form's words for it in Chinese, in English, without the input's name)
    ("2024/3/7", "'2024/3/7' 不是有效日期（YYYY-MM-DD）", "'2024/3/7' is not a valid date (YYYY-MM-DD)"),
    ("20240307", "'20240307' 应写作 YYYY-MM-DD（如 2024-03-07）",
     "'20240307' must be written YYYY-MM-DD (e.g. 2024-03-07)"),
]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("typed", "zh", "en"), LOOSE_DATES, ids=["slashes", "digits"])
def test_the_abolish_form_takes_only_yyyy_mm_dd_as_the_review_form_does(
    root: Path, lang: str, typed: str, zh: str, en: str
) -> None:
    # the importer's spellings (2024/3/7, 20240307) were written as 2024-03-07, where the review form refuses them
    import html as html_lib

    client = TestClient(create_app(root, lang=lang, as_of=AS_OF), base_url="http://127.0.0.1")  # type: ignore[arg-type]
    before = (root / RECORD).read_bytes()
    html = page(client)
    response = client.post("/standard/abolish", data={"csrf": csrf_of(html), "code": CODE, "digest": digest_of(html),
                                                      "date": typed, "successor": SUCCESSOR})
    assert response.status_code == 422
    said = f"废止日期 {zh}" if lang == "zh" else f"abolition date {en}"
    assert said in html_lib.unescape(response.text), response.text
    assert (root / RECORD).read_bytes() == before
    form = html_lib.unescape(response.text.split('id="abolish-form"')[1].split("</form>")[0])
    assert f'type="text" name="date" value="{typed}"' in form and f'name="successor" value="{SUCCESSOR}"' in form


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("typed", "zh", "en"), LOOSE_DATES, ids=["slashes", "digits"])
def test_the_new_form_takes_only_yyyy_mm_dd_as_the_review_form_does(
    root: Path, lang: str, typed: str, zh: str, en: str
) -> None:
    import html as html_lib

    client = TestClient(create_app(root, lang=lang, as_of=AS_OF), base_url="http://127.0.0.1")  # type: ignore[arg-type]
    sent = {"code": "DB41/T 9307-2025", "title": "机关茶歇服务规范", "published": typed, "module": "302"}
    response = client.post("/new", data={"csrf": csrf_of(client.get("/new").text), **sent})
    assert response.status_code == 422
    error = html_lib.unescape(re.findall(r'<p class="error" id="error">([^<]*)</p>', response.text)[0])
    assert error == (f"发布日期 {zh}" if lang == "zh" else f"publication date {en}")
    # kept as typed, in an input that can show it (a date input blanks all but YYYY-MM-DD)
    assert f'type="text" id="n-published" name="published" value="{typed}"' in html_lib.unescape(response.text)
    assert 'type="date" id="n-effective" name="effective" value=""' in response.text
    assert not (root / "records/local/DB41-T-9307-2025.yaml").exists()


def test_the_record_form_takes_only_yyyy_mm_dd(client: TestClient, root: Path) -> None:
    # the record's own date without its dashes was read by fromisoformat and saved; the model's own check (the
    # record form's words for 2024/3/7) refuses it at its field
    import html as html_lib

    before = (root / RECORD).read_bytes()
    form = form_of(page(client))
    typed = form["published"].replace("-", "")
    response = client.post("/standard/save", data={**form, "published": typed})
    assert response.status_code == 422 and (root / RECORD).read_bytes() == before
    assert f"`published`: '{typed}' 不是有效日期（格式 YYYY-MM-DD）" in html_lib.unescape(response.text)
    assert f'type="text" id="in-published" name="published" value="{typed}"' in response.text  # kept as typed


def test_the_new_form_refuses_a_module_with_a_space_inside(root: Path, client: TestClient) -> None:
    # the checks of `gbstd new`: "3 02" is neither 302 nor 3.02 until the user says which
    import html as html_lib

    sent = {"code": "DB41/T 9308-2025", "title": "机关茶歇服务规范", "module": "3 02"}
    response = client.post("/new", data={"csrf": csrf_of(client.get("/new").text), **sent})
    assert response.status_code == 422
    assert ("体系编号 '3 02' 中间有空格（读作 '3 02'），体系编号不含空格：是 302 还是 3.02？请改正"
            in html_lib.unescape(response.text))
    assert not (root / "records/local/DB41-T-9308-2025.yaml").exists()


def test_a_form_sent_twice_is_saved_once_and_not_said_to_conflict(client: TestClient, root: Path) -> None:
    # a double click on Save (or a page sent again): the second post found the file the first had written and
    # answered 409 "changed on disk after the form was opened (by someone else); nothing was saved" — of a save
    # that was made
    form = form_of(page(client))
    form["note"] = "改过的备注"
    assert client.post("/standard/save", data=form, follow_redirects=False).status_code == 303
    saved = (root / RECORD).read_bytes()
    again = client.post("/standard/save", data=form, follow_redirects=False)
    assert again.status_code == 303 and (root / RECORD).read_bytes() == saved
    # and the same for the abolish form, with its successor's file
    html = page(client)
    sent = {"csrf": csrf_of(html), "code": CODE, "digest": digest_of(html), "date": "2024-03-07",
            "successor": SUCCESSOR}
    assert client.post("/standard/abolish", data=sent, follow_redirects=False).status_code == 303
    both = (root / RECORD).read_bytes(), (root / "records/local/DB1411-T-63-2023.yaml").read_bytes()
    again = client.post("/standard/abolish", data=sent, follow_redirects=False)
    assert again.status_code == 303
    assert ((root / RECORD).read_bytes(), (root / "records/local/DB1411-T-63-2023.yaml").read_bytes()) == both
    # a form opened before someone else's change is still a conflict
    form["note"] = "又一次修改"
    assert client.post("/standard/save", data=form, follow_redirects=False).status_code == 409


@pytest.mark.parametrize(("field", "typed", "written"), [
    ("region", "１４１１", 'region: "1411"'), ("ccs", "Ａ１２", "ccs: A13"), ("ics", "０３．１６０", 'ics: "03.160"'),
])
def test_a_code_like_field_typed_in_fullwidth_is_saved_in_ascii(client: TestClient, root: Path, field: str,
                                                               typed: str, written: str) -> None:
    # a Chinese input method's ４１ was written as typed: a region so spelled left the standard out of
    # `review --region 41` and the coverage by region without a word from lint, as the module did before
    form = form_of(page(client))
    form[field] = typed.replace("２", "３") if field == "ccs" else typed
    assert client.post("/standard/save", data=form, follow_redirects=False).status_code == 303
    assert written in (root / RECORD).read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_code_with_no_record_is_said_in_the_editor_s_words_not_as_run_gbstd_lint(root: Path, lang: str) -> None:
    # the page of an unknown code, and the abolish form's mistyped successor, said "(or its file does not load;
    # run `gbstd lint`)", a command the editor's users never run; the successor's file left out of the catalog
    # (GBK) was not said why, as the page of that record says it
    client = TestClient(create_app(root, lang=lang, as_of=AS_OF), base_url="http://127.0.0.1")
    import html as html_lib

    missing = client.get("/standard", params={"code": "GB/T 99999-2020"})
    assert missing.status_code == 404 and "gbstd lint" not in missing.text
    assert {"zh": "目录中没有标准 GB/T 99999-2020", "en": "no standard GB/T 99999-2020 in the catalog"}[lang] in missing.text
    successor = root / "records/local/DB1411-T-63-2023.yaml"
    successor.write_bytes(successor.read_text(encoding="utf-8").encode("gbk"))
    html = page(client)
    refused = client.post("/standard/abolish", data={"csrf": csrf_of(html), "code": CODE, "digest": digest_of(html),
                                                     "date": "2024-03-07", "successor": SUCCESSOR})
    errors = [html_lib.unescape(e) for e in re.findall(r'<p class="error" id="general-error">([^<]*)</p>', refused.text)]
    assert refused.status_code == 422 and "gbstd lint" not in refused.text
    assert errors[0] == {"zh": f"目录中没有代替它的标准 {SUCCESSOR}：它的文件无法读取，原因如下",
                         "en": f"no successor {SUCCESSOR} in the catalog: its file cannot be read, for these reasons"}[lang]
    assert errors[1].startswith("records/local/DB1411-T-63-2023.yaml:") and "Y005" in errors[1]


BUSY = "另一个 gbstd 进程正在写入目录"


@contextmanager
def lock_held(root: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Another writer holding the catalog's write lock (a thread here, as another process would: a second
    server, `gbstd import`): a request waits for it (the wait shortened), then is refused."""
    monkeypatch.setattr(writelock, "WAIT", 0.3)
    held, done = threading.Event(), threading.Event()

    def hold() -> None:
        with writelock.catalog_writing(root):
            held.set()
            done.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(10)
        yield
    finally:
        done.set()
        holder.join(10)


def test_a_save_refused_while_another_process_writes_keeps_what_was_typed(
    root: Path, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the 409 for another gbstd process writing was a bare message page: the edits typed into the form were gone.
    # The form comes back as it was sent, with the digest it was opened with, to send again as it is
    form = as_browser_sends(form_of(page(client))) | {"title": "忙时改的标题", "note": "忙时写的备注"}
    before = (root / RECORD).read_bytes()
    with lock_held(root, monkeypatch):
        refused = client.post("/standard/save", data=form, follow_redirects=False)
    assert refused.status_code == 409 and BUSY in refused.text and 'id="record-form"' in refused.text
    assert (root / RECORD).read_bytes() == before
    again = as_browser_sends(form_of(refused.text))
    assert again == form
    assert client.post("/standard/save", data=again, follow_redirects=False).status_code == 303
    text = (root / RECORD).read_text(encoding="utf-8")
    assert "忙时改的标题" in text and "忙时写的备注" in text


def test_the_other_forms_refused_while_another_process_writes_keep_what_was_typed(
    root: Path, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a review, an abolition, a new record, a commit and an import's apply: each 409 page for the write lock held
    # elsewhere lost the form; now each shows it again as sent (the import: its preview, with the Apply button)
    html = page(client)
    token, digest = csrf_of(html), digest_of(html)
    review = {"csrf": token, "code": CODE, "date": "2025-01-03", "conclusion": "修订", "by": "忙时的复审单位",
              "note": "忙时的备注"}
    abolish = {"csrf": token, "code": CODE, "digest": digest, "date": "2025-02-03", "successor": SUCCESSOR}
    new = {"csrf": token, "code": "DB41/T 9001-2025", "title": "忙时新建的标准", "published": "2025-01-02",
           "effective": "2025-03-01", "module": "202"}
    files = {"table": ("清单.csv", CSV_ONE_BAD_ROW.encode("utf-8"), "text/csv")}
    upload = client.post("/import/preview", data={"csrf": token}, files=files).text
    upload_token = upload.split('name="token" value="')[1].split('"')[0]
    before = (root / RECORD).read_bytes()
    with lock_held(root, monkeypatch):
        reviewed = client.post("/standard/review", data=review, follow_redirects=False)
        abolished = client.post("/standard/abolish", data=abolish, follow_redirects=False)
        created = client.post("/new", data=new, follow_redirects=False)
        applied = client.post("/import/apply", data={"csrf": token, "token": upload_token})
    for response in (reviewed, abolished, created, applied):
        assert response.status_code == 409 and BUSY in response.text, response.text
    assert (root / RECORD).read_bytes() == before and not (root / "records/local/DB41-T-9001-2025.yaml").exists()
    assert 'value="忙时的复审单位"' in reviewed.text and 'value="忙时的备注"' in reviewed.text
    assert "<option selected>修订</option>" in reviewed.text and 'value="2025-01-03"' in reviewed.text
    assert f'value="{SUCCESSOR}"' in abolished.text and 'value="2025-02-03"' in abolished.text
    assert digest_of(abolished.text) == digest
    assert 'value="忙时新建的标准"' in created.text and 'value="DB41/T 9001-2025"' in created.text
    assert f'name="token" value="{upload_token}"' in applied.text and 'id="apply-form"' in applied.text
    again = client.post("/import/apply", data={"csrf": token, "token": upload_token})
    assert again.status_code == 200 and (root / "records/local/DB41-T-9001-2025.yaml").is_file()
    changes = client.get("/changes").text
    commit = {"csrf": csrf_of(changes), "files": "records/local/DB41-T-9001-2025.yaml", "message": "忙时写的说明",
              "author": "张三"}
    with lock_held(root, monkeypatch):
        committed = client.post("/commit", data=commit)
    assert committed.status_code == 409 and BUSY in committed.text
    assert ">忙时写的说明</textarea>" in committed.text and 'name="author" value="张三"' in committed.text
    assert re.search(r'value="records/local/DB41-T-9001-2025.yaml" checked>', committed.text)
    head = git.Repo(root, search_parent_directories=True).head.commit
    assert client.post("/commit", data=commit).status_code == 200
    assert git.Repo(root, search_parent_directories=True).head.commit != head


def test_a_commit_refused_after_staging_a_new_file_leaves_the_index_as_it_was(
    client: TestClient, root: Path
) -> None:
    # a new file is `git add`ed for `commit --only` to take it: when the commit then failed (a hook refusing
    # it, a full disk), the file stayed staged, and the next `git commit` in a terminal took it along. Now what
    # the attempt staged is unstaged again; what the user staged stays staged
    repo = git.Repo(root, search_parent_directories=True)
    top = Path(str(repo.working_tree_dir))
    prefix = root.relative_to(top).as_posix()
    token = csrf_of(client.get("/new").text)
    made = client.post("/new", data={"csrf": token, "code": "DB41/T 9001-2025", "title": "机关会议服务规范",
                                     "published": "2025-01-02", "effective": "2025-03-01", "module": "202"},
                       follow_redirects=False)
    assert made.status_code == 303
    ours = "records/local/DB41-T-9001-2025.yaml"
    theirs = "records/local/DB41-T-9002-2025.yaml"  # a new record the user staged by hand
    (root / theirs).write_text((root / ours).read_text(encoding="utf-8").replace("9001", "9002"), encoding="utf-8")
    repo.git.add("--", f"{prefix}/{theirs}")
    hook = Path(repo.git_dir) / "hooks" / "pre-commit"
    hook.parent.mkdir(exist_ok=True)
    hook.write_text("#!/bin/sh\necho 'refused by a hook' >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    head = repo.head.commit
    staged = repo.git.diff("--cached", "--name-only").splitlines()
    assert staged == [f"{prefix}/{theirs}"]
    changes = client.get("/changes").text
    response = client.post("/commit", data={"csrf": csrf_of(changes), "files": [ours, theirs], "message": "新建",
                                            "author": "张三"})
    assert response.status_code == 422 and "无法提交" in response.text and "Traceback" not in response.text
    assert repo.head.commit == head
    assert repo.git.diff("--cached", "--name-only").splitlines() == staged  # theirs still staged, ours not
    assert f"{prefix}/{ours}" in repo.untracked_files and (root / ours).is_file()
    hook.unlink()  # and once the commit can go through, both go in
    response = client.post("/commit", data={"csrf": csrf_of(changes), "files": [ours, theirs], "message": "新建",
                                            "author": "张三"})
    assert response.status_code == 200 and 'id="done"' in response.text
    assert sorted(repo.head.commit.stats.files) == [f"{prefix}/{ours}", f"{prefix}/{theirs}"]
