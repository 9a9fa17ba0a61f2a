"""The static catalog site: pages, links, supersession chain, escaping, overrides, errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gbstd.catalog.loader import load_catalog
from gbstd.cli.app import app
from gbstd.reports.site import group_sizes
from gbstd.reports.sources import DuplicatePair
from tests.conftest import CatalogFactory, record
from tests.federation_support import HENAN, NATIONAL, PROVINCES, SAMPLE, member_of, split_sample
from tests.test_report_bulletin import FIXTURE

runner = CliRunner()


def build(root: Path, out: Path) -> str:
    result = runner.invoke(app, ["report", "site", str(root), "-o", str(out), "--as-of", "2026-01-01"])
    assert result.exit_code == 0, result.output
    return result.output


def test_site_has_an_index_and_one_page_per_standard(make_catalog: CatalogFactory, tmp_path: Path) -> None:
    out = tmp_path / "site"
    output = build(make_catalog(FIXTURE), out)
    assert "10 个标准页面" in output
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.count("<tr data-tier=") == 10
    assert '<a href="standards/DB32-T-9003-2023.html">DB32/T 9003-2023</a>' in index
    assert '<option value="local">地方标准</option>' in index
    assert '<option value="41">河南省</option>' in index
    assert '<option value="202">202 公务用车</option>' in index
    assert (out / "assets" / "site.js").is_file() and (out / "assets" / "site.css").is_file()
    assert "http://" not in index and "https://" not in index  # offline: no CDN
    assert len(list((out / "standards").glob("*.html"))) == 10
    if shutil.which("dot"):  # the framework diagram, drawn by Graphviz
        assert '<img src="assets/framework.svg"' in index
        assert "<svg" in (out / "assets" / "framework.svg").read_text(encoding="utf-8")


def test_files_someone_added_to_an_earlier_site_are_kept(make_catalog: CatalogFactory, tmp_path: Path) -> None:
    # the directory is replaced whole: a note or page someone added to the published site went with it, unsaid
    root, out = make_catalog(FIXTURE), tmp_path / "site"
    build(root, out)
    (out / "mine.txt").write_text("我的说明\n", encoding="utf-8")
    (out / "notes").mkdir()
    (out / "notes" / "a.html").write_text("<p>a</p>\n", encoding="utf-8")
    output = build(root, out)
    assert (out / "mine.txt").read_text(encoding="utf-8") == "我的说明\n" and (out / "notes" / "a.html").is_file()
    assert "2 个不是 gbstd 生成的文件已保留：mine.txt、notes/a.html" in output


def test_files_added_among_the_sites_own_are_kept(make_catalog: CatalogFactory, tmp_path: Path) -> None:
    # standards/*.html and assets/ were taken for the site's own by their names: a page or logo someone put
    # there was deleted on the next run, and nothing said
    root, out = make_catalog(FIXTURE), tmp_path / "site"
    build(root, out)
    (out / "standards" / "my-note.html").write_text("<p>我的页面</p>\n", encoding="utf-8")
    (out / "assets" / "logo.png").write_bytes(b"\x89PNG logo")
    output = build(root, out)
    assert (out / "standards" / "my-note.html").read_text(encoding="utf-8") == "<p>我的页面</p>\n"
    assert (out / "assets" / "logo.png").read_bytes() == b"\x89PNG logo"
    assert "2 个不是 gbstd 生成的文件已保留：assets/logo.png、standards/my-note.html" in output
    assert len(list((out / "standards").glob("*.html"))) == 11  # the ten pages and the added one
    again = build(root, out)  # still kept, and still named, on every later run
    assert (out / "standards" / "my-note.html").is_file() and "assets/logo.png" in again


def test_a_page_edited_by_hand_is_kept_beside_the_new_one(make_catalog: CatalogFactory, tmp_path: Path) -> None:
    root, out = make_catalog(FIXTURE), tmp_path / "site"
    build(root, out)
    page = out / "standards" / "DB32-T-9003-2023.html"
    fresh = page.read_text(encoding="utf-8")
    page.write_text(fresh.replace("</main>", "<p>手工补充的说明</p></main>"), encoding="utf-8")
    result = runner.invoke(app, ["report", "site", str(root), "-o", str(out), "--as-of", "2026-01-01", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert page.read_text(encoding="utf-8") == fresh  # the site's page, written afresh
    kept = out / "standards" / "DB32-T-9003-2023~kept.html"
    assert "手工补充的说明" in kept.read_text(encoding="utf-8")
    assert "standards/DB32-T-9003-2023.html" in result.output and "standards/DB32-T-9003-2023~kept.html" in result.output
    build(root, out)  # the kept copy is now a file of the user's, carried like any other
    assert kept.is_file() and not (out / "standards" / "DB32-T-9003-2023~kept~kept.html").exists()


def test_pages_of_removed_standards_still_go(make_catalog: CatalogFactory, tmp_path: Path) -> None:
    extra = {"records/DB41-T-9013-2024.yaml": record("DB41/T 9013-2024", "机关会议室管理规范", "现行",
                                                      effective="2024-01-01", module='"303"')}
    root, out = make_catalog({**FIXTURE, **extra}), tmp_path / "site"
    build(root, out)
    (root / "records" / "DB41-T-9013-2024.yaml").unlink()
    output = build(root, out)
    assert not (out / "standards" / "DB41-T-9013-2024.html").exists()
    assert not list(out.rglob("*~kept*"))  # nothing set aside
    assert "已保留" not in output


def test_a_site_written_before_the_manifest_keeps_what_gbstd_did_not_make(
        make_catalog: CatalogFactory, tmp_path: Path) -> None:
    # a site of the earlier layout: the marker says nothing of which files are the site's own
    extra = {"records/DB41-T-9013-2024.yaml": record("DB41/T 9013-2024", "机关会议室管理规范", "现行",
                                                      effective="2024-01-01", module='"303"')}
    root, out = make_catalog({**FIXTURE, **extra}), tmp_path / "site"
    build(root, out)
    (out / ".gbstd-site").write_text("gbstd report site: this directory is replaced whole on every run\n",
                                     encoding="utf-8")
    (out / "standards" / "my-note.html").write_text("<p>我的页面</p>\n", encoding="utf-8")
    (out / "assets" / "logo.png").write_bytes(b"logo")
    (root / "records" / "DB41-T-9013-2024.yaml").unlink()
    output = build(root, out)
    assert (out / "standards" / "my-note.html").is_file() and (out / "assets" / "logo.png").is_file()
    assert not (out / "standards" / "DB41-T-9013-2024.html").exists()  # gbstd's page (its generator tag)
    assert "2 个不是 gbstd 生成的文件已保留" in output
    assert len(list((out / "standards").glob("*.html"))) == 11


def test_standard_page_shows_fields_chain_and_references(make_catalog: CatalogFactory, tmp_path: Path) -> None:
    files = {**FIXTURE, "records/DB41-T-9010-2024.yaml": record(
        "DB41/T 9010-2024", "机关物业服务评价", "现行", published="2024-01-01", effective="2024-02-01",
        module='"301"', references=["DB32/T 9003-2023", "GB/T 1.1-2020"])}
    out = tmp_path / "site"
    build(make_catalog(files), out)
    page = (out / "standards" / "DB32-T-9003-2023.html").read_text(encoding="utf-8")
    assert "<th>发布日期</th><td>2023-09-01</td>" in page
    assert "<th>体系模块</th><td>301 物业服务</td>" in page
    chain = page[page.index('<ol class="chain">'):page.index("</ol>")]
    assert chain.index("DB32/T 9004-2019") < chain.index("DB32/T 9003-2023")  # oldest first
    assert '<a href="../standards/DB32-T-9004-2019.html">' in chain
    citing = (out / "standards" / "DB41-T-9010-2024.html").read_text(encoding="utf-8")
    assert '<a href="../standards/DB32-T-9003-2023.html">DB32/T 9003-2023</a>' in citing
    assert "GB/T 1.1-2020 <span class=\"detail\">不在目录中</span>" in citing


def test_record_text_cannot_inject_markup(make_catalog: CatalogFactory, tmp_path: Path) -> None:
    files = {**FIXTURE, "records/DB41-T-9011-2024.yaml": record(
        "DB41/T 9011-2024", '"<script>alert(1)</script>机关食堂"', "现行", effective="2024-01-01", module='"302"',
        sources=["javascript:alert(2)", "https://example.org/std"], note='"<img src=x onerror=alert(3)>"')}
    out = tmp_path / "site"
    build(make_catalog(files), out)
    for path in (out / "index.html", out / "standards" / "DB41-T-9011-2024.html"):
        html = path.read_text(encoding="utf-8")
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;机关食堂" in html
        assert "<img src=x" not in html
        assert 'href="javascript:' not in html
    assert 'href="https://example.org/std"' in (out / "standards" / "DB41-T-9011-2024.html").read_text(encoding="utf-8")


def test_site_templates_can_be_overridden(make_catalog: CatalogFactory, tmp_path: Path) -> None:
    custom = '{% extends "site/base.html.j2" %}{% set root = "" %}{% block main %}<p id="mine">{{ pages | length }} 项</p>{% endblock %}'
    root = make_catalog({**FIXTURE, "templates/site/index.html.j2": custom})
    out = tmp_path / "site"
    build(root, out)
    assert '<p id="mine">10 项</p>' in (out / "index.html").read_text(encoding="utf-8")


def test_unwritable_site_directory_is_a_clear_error(make_catalog: CatalogFactory, tmp_path: Path) -> None:
    root = make_catalog(FIXTURE)
    blocker = tmp_path / "file.txt"
    blocker.write_text("x", encoding="utf-8")
    for target in (blocker, blocker / "site"):
        result = runner.invoke(app, ["report", "site", str(root), "-o", str(target)])
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output


def test_standard_page_lists_reviews_and_the_review_state(make_catalog: CatalogFactory, tmp_path: Path) -> None:
    text = record("DB41/T 9012-2019", "机关会议服务规范", "现行", published="2019-01-01", effective="2019-02-01",
                  module='"303"') + "reviews:\n  - {date: 2022-02-01, conclusion: 继续有效, by: 河南省机关事务管理局}\n"
    out = tmp_path / "site"
    build(make_catalog({**FIXTURE, "records/DB41-T-9012-2019.yaml": text}), out)
    page = (out / "standards" / "DB41-T-9012-2019.html").read_text(encoding="utf-8")
    assert "<tr><td>2022-02-01</td><td>继续有效</td><td>河南省机关事务管理局</td>" in page
    # reviewed 2022-02-01, three-year cycle: due 2025-02-01, overdue as of 2026-01-01 (gbstd.review)
    assert "复审状态：<strong>逾期</strong>，应于 2025-02-01 前复审" in page
    index = (out / "index.html").read_text(encoding="utf-8")
    assert '<option value="逾期">逾期</option>' in index


def test_standard_page_lists_likely_duplicates(make_catalog: CatalogFactory, tmp_path: Path) -> None:
    files = {
        **FIXTURE,
        "records/DB41-T-9020-2023.yaml": record("DB41/T 9020-2023", "党政机关公务用车运行维护管理规范", "现行",
                                                published="2023-01-01", effective="2023-02-01", module='"202"'),
        "records/DB32-T-9021-2023.yaml": record("DB32/T 9021-2023", "党政机关公务用车运行维护管理规范", "现行",
                                                published="2023-01-05", effective="2023-02-05", module='"202"'),
    }
    out = tmp_path / "site"
    build(make_catalog(files), out)
    page = (out / "standards" / "DB41-T-9020-2023.html").read_text(encoding="utf-8")
    duplicates = page[page.index("<h2>疑似重复</h2>"):]
    assert '<a href="../standards/DB32-T-9021-2023.html">DB32/T 9021-2023</a>' in duplicates
    assert "兄弟地区同主题" in duplicates


def test_site_replaces_its_directory_whole(make_catalog: CatalogFactory, tmp_path: Path) -> None:
    """A second run drops pages of records gone from the catalog; a symlinked output directory stays a link."""
    extra = {"records/DB41-T-9013-2024.yaml": record("DB41/T 9013-2024", "机关会议室管理规范", "现行",
                                                      effective="2024-01-01", module='"303"')}
    root = make_catalog({**FIXTURE, **extra})
    real = tmp_path / "real-site"
    link = tmp_path / "site"
    link.symlink_to(real, target_is_directory=True)
    build(root, link)
    assert (real / "standards" / "DB41-T-9013-2024.html").is_file() and (real / ".gbstd-site").is_file()
    (root / "records" / "DB41-T-9013-2024.yaml").unlink()
    build(root, link)
    assert link.is_symlink() and not (real / "standards" / "DB41-T-9013-2024.html").exists()
    assert len(list((real / "standards").glob("*.html"))) == 10
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catalog", "real-site", "site"]  # no temporaries left


def test_site_without_marker_from_an_earlier_gbstd_is_replaced(make_catalog: CatalogFactory, tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text('<meta name="generator" content="gbstd">', encoding="utf-8")
    (out / "stale.html").write_text("old", encoding="utf-8")
    build(make_catalog(FIXTURE), out)
    assert not (out / "stale.html").exists() and (out / ".gbstd-site").is_file()


def _index_data(out: Path) -> dict:
    text = (out / "assets" / "index-data.js").read_text(encoding="utf-8")
    return json.loads(text[len("window.GBSTD_INDEX="):-2])


def test_a_federation_gets_a_member_column_filter_and_field(tmp_path: Path) -> None:
    """Issue 19: each record's member in the index (column, filter, search) and on its page; the federating
    catalog's own records are 本级."""
    federation = split_sample(tmp_path)
    (federation / "records").mkdir()
    (federation / "records" / "GB-T-9901-2024.yaml").write_text(
        record("GB/T 9901-2024", "机关事务数据共享规范", "现行", published="2024-01-01"), encoding="utf-8")
    out = tmp_path / "site"
    build(federation, out)
    data = _index_data(out)
    assert data["members"] is True
    assert [entry[0] for entry in data["member"]].count(".") == 1
    by_code = {row[0]: data["member"][row[10]] for row in data["rows"]}
    assert by_code["GB/T 9901-2024"] == [".", "本级"]
    sample = load_catalog(SAMPLE)
    assert {code: member[0] for code, member in by_code.items() if code != "GB/T 9901-2024"} == {
        r.key: member_of(r.rel) for r in sample.records}
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "<th>地区</th><th>成员</th><th>状态</th>" in index
    options = index[index.index('id="f-member"'):]
    options = options[:options.index("</select>")]
    # The federating catalog's own records first, then the members in their configured order.
    assert [line.split('"')[1] for line in options.splitlines() if "<option value=" in line] == [
        "", ".", HENAN, PROVINCES, NATIONAL]
    assert index.count('<td class="member">') == min(100, len(data["rows"]))
    own = (out / "standards" / "GB-T-9901-2024.html").read_text(encoding="utf-8")
    assert "<th>成员</th>" not in own  # the federation's own record has no member
    page = next(row for row in data["rows"] if by_code[row[0]][0] == HENAN)
    member_page = (out / "standards" / f"{page[2]}.html").read_text(encoding="utf-8")
    assert f"<th>成员</th><td>{HENAN}</td>" in member_page
    assert f"<code>{HENAN}/records/" in member_page  # the file as the union names it


def test_a_plain_catalog_has_no_member_column(make_catalog: CatalogFactory, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(make_catalog(FIXTURE), out)
    data = _index_data(out)
    assert data["members"] is False and data["member"] == [["", ""]]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "成员" not in index and 'id="f-member"' not in index and "data-member" not in index
    page = next((out / "standards").glob("*.html")).read_text(encoding="utf-8")
    assert "<th>成员</th>" not in page


def test_group_sizes_come_from_the_spanning_pairs() -> None:
    pairs = [DuplicatePair("a", "b", 0.9, "k", "r"), DuplicatePair("c", "b", 0.8, "k", "r"),
             DuplicatePair("d", "e", 0.7, "k", "r")]
    assert group_sizes(pairs) == {"a": 3, "b": 3, "c": 3, "d": 2, "e": 2}


def test_a_page_names_the_size_of_its_duplicate_group(make_catalog: CatalogFactory, tmp_path: Path) -> None:
    """A page lists the spanning-set pairs that touch it; when its group is larger it says how large."""
    files = dict(FIXTURE)
    provinces = ["41", "32", "33", "44", "51"]
    for province in provinces:
        files[f"records/DB{province}-T-7001-2022.yaml"] = record(
            f"DB{province}/T 7001-2022", "机关办公用房维修管理规范", "现行", published="2022-01-01",
            scope="本文件规定了机关办公用房维修的管理要求、程序和验收。", module='"301"')
    out = tmp_path / "site"
    build(make_catalog(files), out)
    listed = {}
    for province in provinces:
        page = (out / "standards" / f"DB{province}-T-7001-2022.html").read_text(encoding="utf-8")
        section = page[page.index("<h2>疑似重复</h2>"):]
        section = section[:section.index("<h2>", 5) if "<h2>" in section[5:] else len(section)]
        listed[province] = section.count("<li>")
        if listed[province] < len(provinces) - 1:
            assert f"本组共 {len(provinces)} 项疑似重复的标准；下面列出与本标准直接相连的 {listed[province]} 项" in section
        else:
            assert "本组共" not in section
    assert sum(listed.values()) == 2 * (len(provinces) - 1)  # a spanning set: n - 1 pairs, each on two pages


def test_member_option_builds_the_site_of_some_members(tmp_path: Path) -> None:
    federation = split_sample(tmp_path)
    out = tmp_path / "site"
    result = runner.invoke(app, ["report", "site", str(federation), "-o", str(out), "--as-of", "2026-01-01",
                                 "--member", HENAN])
    assert result.exit_code == 0, result.output
    data = _index_data(out)
    assert {data["member"][row[10]][0] for row in data["rows"]} == {HENAN}
    assert data["total"] == sum(1 for r in load_catalog(SAMPLE).records if member_of(r.rel) == HENAN)
    result = runner.invoke(app, ["report", "site", str(federation), "-o", str(out), "--member", "不存在", "--lang", "en"])
    assert result.exit_code == 2 and "不存在" in result.output and "Traceback" not in result.output
    assert _index_data(out)["total"] == data["total"]  # the previous site is left as it was


def test_standard_output_is_refused_for_a_site(make_catalog: CatalogFactory, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    # `-o -` is standard output for `report catalog`; a site is a directory of files: it made a directory "-"
    root = make_catalog(FIXTURE)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["report", "site", str(root), "-o", "-"])
    assert result.exit_code == 2, result.output
    assert "网站是一个目录" in result.output and "-o" in result.output and len(result.output.splitlines()) == 1
    english = runner.invoke(app, ["report", "site", str(root), "--output", "-", "--lang", "en"])
    assert english.exit_code == 2 and "cannot be written to standard output" in english.output
    assert not (tmp_path / "-").exists()


def test_the_current_directory_is_updated_in_place(make_catalog: CatalogFactory, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # `-o .` staged the site inside "." and renamed "." aside: "Device or resource busy", exit 2, nothing written
    root, out = make_catalog(FIXTURE), tmp_path / "site"
    out.mkdir()
    inode = out.stat().st_ino
    monkeypatch.chdir(out)
    result = runner.invoke(app, ["report", "site", str(root), "-o", ".", "--as-of", "2026-01-01"])
    assert result.exit_code == 0, result.output
    assert len(list((out / "standards").glob("*.html"))) == 10 and (out / "index.html").is_file()
    (out / "mine.txt").write_text("我的说明\n", encoding="utf-8")
    (root / "records" / "GB-T-90001-2023.yaml").unlink()
    again = runner.invoke(app, ["report", "site", str(root), "-o", ".", "--as-of", "2026-01-01"])
    assert again.exit_code == 0, again.output
    # the shell's directory is the site: not one renamed aside and removed under it
    assert out.stat().st_ino == inode and Path.cwd().samefile(out)
    assert not (out / "standards" / "GB-T-90001-2023.html").exists()  # the page of a record gone, gone too
    assert len(list((out / "standards").glob("*.html"))) == 9
    assert (out / "mine.txt").read_text(encoding="utf-8") == "我的说明\n" and "mine.txt" in again.output
    assert sorted(p.name for p in out.iterdir()) == [".gbstd-site", "assets", "index.html", "mine.txt", "standards"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catalog", "site"]  # no staging directory left beside


def test_a_mount_point_is_updated_in_place(make_catalog: CatalogFactory, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    # a mount point cannot be renamed (EBUSY): `-o /srv/www/standards` on its own volume failed so
    import gbstd.catalog.atomic as atomic

    root, out = make_catalog(FIXTURE), tmp_path / "site"
    build(root, out)
    inode = out.stat().st_ino
    (out / "standards" / "DB32-T-9003-2023.html").write_text("<p>手工修改</p>\n", encoding="utf-8")
    real_ismount = atomic.os.path.ismount
    monkeypatch.setattr(atomic.os.path, "ismount", lambda path: Path(path) == out or real_ismount(path))
    output = build(root, out)
    assert out.stat().st_ino == inode
    assert "standards/DB32-T-9003-2023~kept.html" in output
    assert "手工修改" in (out / "standards" / "DB32-T-9003-2023~kept.html").read_text(encoding="utf-8")
    assert "手工修改" not in (out / "standards" / "DB32-T-9003-2023.html").read_text(encoding="utf-8")
    assert not [p for p in out.iterdir() if p.name.startswith(".gbstd-stage.")]


def test_a_directory_the_rename_fails_on_is_updated_in_place(make_catalog: CatalogFactory, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    # a bind mount on the same file system is no mount point to os.path.ismount, and its rename fails all the same
    import errno

    import gbstd.catalog.atomic as atomic

    root, out = make_catalog(FIXTURE), tmp_path / "site"
    build(root, out)
    (root / "records" / "GB-T-90001-2023.yaml").unlink()
    real_replace = atomic.os.replace

    def replace(source: object, target: object) -> None:
        if Path(str(source)) == out:
            raise OSError(errno.EBUSY, "Device or resource busy", str(source))
        real_replace(source, target)

    monkeypatch.setattr(atomic.os, "replace", replace)
    build(root, out)
    assert len(list((out / "standards").glob("*.html"))) == 9
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catalog", "site"]


def test_a_site_below_a_file_names_the_file_as_given(make_catalog: CatalogFactory, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    # -o out/site with a file `out`: the message named the file by its absolute path, which the user never
    # typed (the site's writer works on the resolved directory).
    root = make_catalog(FIXTURE)
    monkeypatch.chdir(tmp_path)
    Path("out").write_text("a file\n", encoding="utf-8")
    result = runner.invoke(app, ["report", "site", str(root), "-o", "out/site", "--lang", "en"])
    assert result.exit_code == 2, result.output
    assert result.output.strip() == "gbstd: cannot write out/site: out is a file, not a directory"
    assert Path("out").read_text(encoding="utf-8") == "a file\n"


def _tree(top: Path) -> dict[str, bytes]:
    return {p.relative_to(top).as_posix(): p.read_bytes() for p in sorted(top.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("fail_at", [0, 1, 4, 8, 11, 13])
def test_an_in_place_update_stopped_midway_is_repaired_by_the_next_run(
    make_catalog: CatalogFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fail_at: int
) -> None:
    # A directory updated in place (a mount point, `-o .`) that a failure stopped midway held old and new files
    # under one manifest, the old one or the new one depending on when its marker had been moved: the next run
    # took the files the other manifest did not list for files someone edited by hand, and kept them all (a
    # page as NAME~kept.html beside the new one, an old page of a record gone as a file of the user's).
    import errno

    import gbstd.catalog.atomic as atomic

    root, out = make_catalog(FIXTURE), tmp_path / "site"
    build(root, out)
    (root / "records" / "GB-T-90001-2023.yaml").unlink()  # a page to remove, and every other page changes (the date)
    real_ismount = atomic.os.path.ismount
    monkeypatch.setattr(atomic.os.path, "ismount", lambda path: Path(path) == out or real_ismount(path))
    moves, real_move = iter(range(1000)), atomic._move

    def move(source: Path, place: Path) -> None:
        if next(moves) == fail_at:
            raise OSError(errno.ENOSPC, "No space left on device", str(place))
        real_move(source, place)

    monkeypatch.setattr(atomic, "_move", move)
    args = ["report", "site", str(root), "-o", str(out), "--as-of", "2026-06-01", "--lang", "en"]
    stopped = runner.invoke(app, args)
    assert stopped.exit_code == 2 and "Traceback" not in stopped.output, stopped.output
    monkeypatch.setattr(atomic, "_move", real_move)
    again = runner.invoke(app, args)
    assert again.exit_code == 0, again.output
    assert "kept" not in again.output
    fresh = tmp_path / "fresh"
    assert runner.invoke(app, [*args[:4], str(fresh), *args[5:]]).exit_code == 0
    assert _tree(out) == _tree(fresh)



def test_a_page_edited_by_hand_survives_an_in_place_update_stopped_midway(
    make_catalog: CatalogFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # an edited page is replaced by the new one and its copy (NAME~kept.html) moved in later, in the order the
    # stage's directory lists them: a run stopped in between lost the edit
    import errno

    import gbstd.catalog.atomic as atomic

    root, out = make_catalog(FIXTURE), tmp_path / "site"
    build(root, out)
    (out / "standards" / "DB32-T-9003-2023.html").write_text("<p>手工修改</p>\n", encoding="utf-8")
    real_ismount, real_walk, real_move = atomic.os.path.ismount, atomic.os.walk, atomic._move
    monkeypatch.setattr(atomic.os.path, "ismount", lambda path: Path(path) == out or real_ismount(path))
    # the page before its copy (a file system may list them either way); the walk still descends as told
    monkeypatch.setattr(atomic.os, "walk", lambda top: ((d, n, sorted(f)) for d, n, f in real_walk(top)))

    def move(source: Path, place: Path) -> None:
        if place.name.endswith("~kept.html"):
            raise OSError(errno.ENOSPC, "No space left on device", str(place))
        real_move(source, place)

    monkeypatch.setattr(atomic, "_move", move)
    args = ["report", "site", str(root), "-o", str(out), "--as-of", "2026-06-01"]
    assert runner.invoke(app, args).exit_code == 2
    edited = [p.name for p in (out / "standards").iterdir() if "手工修改" in p.read_text(encoding="utf-8")]
    assert edited == ["DB32-T-9003-2023~kept.html"]
    monkeypatch.setattr(atomic, "_move", real_move)
    assert runner.invoke(app, args).exit_code == 0
    assert "手工修改" in (out / "standards" / "DB32-T-9003-2023~kept.html").read_text(encoding="utf-8")
    assert "手工修改" not in (out / "standards" / "DB32-T-9003-2023.html").read_text(encoding="utf-8")
