"""`gbstd serve` at national scale: long lists a page at a time, duplicate groups found once per catalog state."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from gbstd.catalog.loader import load_catalog
from gbstd.cli.app import app as cli
from gbstd.serve import state
from gbstd.serve.app import create_app
from tests.serve_helpers import RECORD, sample_repo

AS_OF = dt.date(2026, 11, 26)
SIZE = 10


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return sample_repo(tmp_path)


@pytest.fixture
def client(root: Path) -> TestClient:
    return TestClient(create_app(root, as_of=AS_OF, page_size=SIZE), base_url="http://127.0.0.1")


def codes(html: str) -> list[str]:
    """The standards a page lists (each row links to its record)."""
    return re.findall(r'<tr[^>]*><td><a href="/standard\?code=[^"]+">([^<]+)</a>', html)


def links(html: str) -> dict[str, str]:
    return {rel: href.replace("&amp;", "&") for href, rel in re.findall(r'<a href="([^"]+)" rel="(prev|next)">', html)}


def test_the_list_is_shown_a_page_at_a_time_and_the_pages_hold_every_standard(client: TestClient, root: Path) -> None:
    everything = sorted(record.key for record in load_catalog(root).records)
    pages = -(-len(everything) // SIZE)
    seen: list[str] = []
    html = client.get("/").text
    for number in range(1, pages + 1):
        assert f"第 {number} / {pages} 页" in html
        shown = codes(html)
        assert len(shown) == (SIZE if number < pages else len(everything) - SIZE * (pages - 1))
        seen += shown
        assert ("prev" in links(html)) == (number > 1)
        if number < pages:
            assert links(html)["next"] == f"/?page={number + 1}"
            html = client.get(links(html)["next"]).text
        else:
            assert "next" not in links(html)
    assert sorted(seen) == everything  # every standard once, none twice
    assert f"<small>{len(everything)} / {len(everything)}</small>" in html


@pytest.mark.parametrize(("asked", "shown"), [
    ("999", "last"), ("0", 1), ("-3", 1), ("abc", 1), ("", 1), ("²", 1), ("١٢", 1), ("9" * 5000, 1), ("1.5", 1),
])
def test_a_page_number_out_of_range_or_not_a_number_shows_the_nearest_page(
    client: TestClient, asked: str, shown: int | str
) -> None:
    response = client.get(f"/?page={asked}")
    assert response.status_code == 200
    pages = int(re.search(r"第 \d+ / (\d+) 页", response.text).group(1))  # type: ignore[union-attr]
    assert f"第 {pages if shown == 'last' else shown} / {pages} 页" in response.text


def test_the_pages_of_a_search_keep_the_search(client: TestClient) -> None:
    every = codes(client.get("/?q=机关&tier=local").text)
    html = client.get("/?q=机关&tier=local").text
    assert len(every) == SIZE and links(html)["next"] == "/?q=%E6%9C%BA%E5%85%B3&tier=local&page=2"
    second = codes(client.get(links(html)["next"]).text)
    assert second and not set(second) & set(every)


def test_the_review_worklist_is_paged_too(client: TestClient) -> None:
    html = client.get("/reviews").text
    total = int(re.search(r"第 1 / \d+ 页 page · 1–\d+ / (\d+)", html).group(1))  # type: ignore[union-attr]
    rows: list[str] = []
    while True:
        rows += codes(html)
        if "next" not in links(html):
            break
        html = client.get(links(html)["next"]).text
    assert len(rows) == total > SIZE


def test_duplicate_groups_are_found_again_only_when_a_record_changed(
    client: TestClient, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    real = state.find_groups

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(state, "find_groups", counted)
    first = client.get("/dupes").text
    assert "↔" in first and len(calls) == 1
    assert client.get("/dupes").text == first and len(calls) == 1  # the same catalog: the same groups, kept
    path = root / RECORD
    path.write_text(path.read_text(encoding="utf-8").replace("title: ", "title: 新版", 1), encoding="utf-8")
    client.get("/dupes")
    assert len(calls) == 2  # an edited record: found again


def test_a_page_after_an_edit_elsewhere_shows_it_with_the_lint_cache(client: TestClient, root: Path) -> None:
    """With the lint cache the server keeps the records of unchanged files between pages; an edited file's
    record is read again."""
    assert CliRunner().invoke(cli, ["lint", str(root), "--format", "json"]).exit_code in (0, 1)
    assert "DB1411/T 62-2023" in codes(client.get("/?q=公务用车服务").text)
    path = root / RECORD
    path.write_text(path.read_text(encoding="utf-8").replace("title: 机关公务用车服务规范", "title: 机关公务车辆服务规范"),
                    encoding="utf-8")
    assert "DB1411/T 62-2023" not in codes(client.get("/?q=公务用车服务").text)
    assert "DB1411/T 62-2023" in codes(client.get("/?q=公务车辆服务").text)
    assert len(codes(client.get("/?page=1").text)) == SIZE  # every other record still listed


def test_a_large_duplicate_group_shows_its_first_members_and_strongest_pairs_and_says_how_many_more(
    client: TestClient, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gbstd.similarity import find_groups

    groups = find_groups(load_catalog(root), load_catalog(root).config.duplicates).groups
    big = max(groups, key=lambda group: len(group.members))
    assert len(big.members) >= 3 and len(big.pairs) >= 2
    monkeypatch.setattr(state, "SHOWN_MEMBERS", 1)
    monkeypatch.setattr(state, "SHOWN_PAIRS", 1)
    html = client.get("/dupes").text
    section = next(part for part in html.split('<section class="group">')[1:] if big.members[0].key in part)
    assert f"等另 {len(big.members) - 1} 项" in section and big.members[1].key not in section.split("</h2>")[0]
    assert section.count("↔") == 1 and f"另有 {len(big.pairs) - 1} 对未列出" in section


def test_a_record_file_is_keyed_by_the_content_hash_its_read_found(root: Path) -> None:
    # the key of what lint found: a record file by the hash this read of the catalog vouched for (no second
    # stat of every file on every page), any other file lint reads by a stat of it
    from gbstd.catalog.loader import load_catalog_cached

    assert CliRunner().invoke(cli, ["lint", str(root), "--format", "json"]).exit_code in (0, 1)
    catalog = load_catalog_cached(root)
    stamps = dict(stamp.split("#", 1) if "#" in stamp else stamp.split("=", 1) for stamp in state._stamps(catalog))
    records = {record.rel for record in catalog.records}
    assert records and all(stamps[rel] == catalog.hashes[rel] for rel in records)
    assert "=" not in "".join(stamps[rel] for rel in records) and ":" in stamps["system.yaml"]
    path = root / RECORD
    path.write_text(path.read_text(encoding="utf-8") + "# 编辑\n", encoding="utf-8")
    again = state._stamps(load_catalog_cached(root))
    assert len(again) == len(stamps) and f"{RECORD}#{stamps[RECORD]}" not in again
