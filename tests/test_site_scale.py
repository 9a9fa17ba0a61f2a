"""The catalog site at scale: the index's rows as a data file, the first page in the HTML, pages in parallel."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gbstd.cli.app import app
from gbstd.reports import site, templating
from tests.conftest import CatalogFactory, record
from tests.test_report_bulletin import FIXTURE

runner = CliRunner()
HOSTILE = "DB41/T 9999-2024"
SUBJECTS = ["公务用车运行维护规范", "机关食堂服务规范", "办公用房维修管理规范", "公共机构节能评价规范"]


def many_records(n: int) -> dict[str, str | bytes]:
    """``n`` local standards over a few subjects and provinces, plus one whose text is markup."""
    files: dict[str, str | bytes] = dict(FIXTURE)
    for i in range(n):
        province = ("41", "32", "33")[i % 3]
        code = f"DB{province}/T {1000 + i}-2023"
        files[f"records/DB{province}-T-{1000 + i}-2023.yaml"] = record(
            code, f"{SUBJECTS[i % len(SUBJECTS)]}第{i}部分", "现行" if i % 5 else "废止", published="2023-01-01",
            effective="2023-02-01", module='"202"' if i % 4 == 0 else '"301"')  # fmt: skip
    files["records/DB41-T-9999-2024.yaml"] = record(
        HOSTILE, '"</script><img src=x onerror=alert(1)>机关食堂"', "现行", effective="2024-01-01", module='"302"')
    return files


def read_index_data(out: Path) -> dict:
    text = (out / site.INDEX_DATA).read_text(encoding="utf-8")
    prefix = "window.GBSTD_INDEX="
    assert text.startswith(prefix) and text.endswith(";\n")
    return json.loads(text[len(prefix):-2])


def build(root: Path, out: Path) -> None:
    result = runner.invoke(app, ["report", "site", str(root), "-o", str(out), "--as-of", "2026-01-01"])
    assert result.exit_code == 0, result.output


def test_index_rows_are_a_compact_data_file_and_the_html_has_one_page(make_catalog: CatalogFactory,
                                                                      tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(make_catalog(many_records(250)), out)
    data = read_index_data(out)
    total = 250 + 10 + 1
    assert data["total"] == len(data["rows"]) == total
    codes = [row[0] for row in data["rows"]]
    assert codes == sorted(codes) and HOSTILE in codes
    row = data["rows"][codes.index("DB41/T 1000-2023")]
    assert row[2] == "DB41-T-1000-2023" and (out / "standards" / f"{row[2]}.html").is_file()
    assert data["tier"][row[3]] == ["local", "地方标准"]
    assert data["region"][row[4]] == ["41", "河南省"]
    assert data["status"][row[5]] == ["废止", "废止"]
    assert data["module"][row[6]][0] == "202"
    assert row[7] == "2023-02-01"
    # No record text can close the script: "<" only appears escaped in the data file.
    raw = (out / site.INDEX_DATA).read_text(encoding="utf-8")
    assert "<" not in raw and "\\u003c/script>\\u003cimg src=x" in raw
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.count("<tr data-tier=") == site.PAGE_SIZE  # only the first page is HTML
    assert '<script src="assets/index-data.js"></script>' in index
    assert f"显示 <span id=\"count\">{total}</span> / {total} 项标准" in index
    assert '<span id="page-count">3</span>' in index
    assert len(list((out / "standards").glob("*.html"))) == total


def test_pages_written_in_parallel_equal_the_sequential_ones(make_catalog: CatalogFactory, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_catalog(many_records(60))
    build(root, tmp_path / "one")
    monkeypatch.setattr(site, "_workers", lambda count: 2)
    monkeypatch.setattr(site, "CHUNK", 7)  # many tasks, so both workers write pages
    monkeypatch.setattr(site, "RECYCLE", 2)  # and each worker is replaced by a fresh fork after two
    log = tmp_path / "pids.txt"
    real = site._write_pages

    def logged(start: int, end: int) -> int:  # runs in the forked workers: note who wrote
        with log.open("a", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()}\n")
        return real(start, end)

    monkeypatch.setattr(site, "_write_pages", logged)
    build(root, tmp_path / "two")
    writers = set(log.read_text(encoding="utf-8").split())
    # The first page in this process (a broken template fails before any fork), the rest in workers, which
    # are recycled: ten tasks, at most two per worker.
    tasks = len(range(1, 60 + 10 + 1, 7))
    assert str(os.getpid()) in writers and len(writers) >= 1 + tasks // 2
    one = sorted(p.relative_to(tmp_path / "one") for p in (tmp_path / "one").rglob("*") if p.is_file())
    two = sorted(p.relative_to(tmp_path / "two") for p in (tmp_path / "two").rglob("*") if p.is_file())
    assert one == two and len(one) > 71
    for rel in one:
        assert (tmp_path / "one" / rel).read_bytes() == (tmp_path / "two" / rel).read_bytes(), rel
    assert not list((tmp_path / "two").rglob("*.tmp"))


def test_a_template_failing_in_a_worker_is_a_clear_error(make_catalog: CatalogFactory, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # Fails on one standard only, so the page the parent renders first passes and a worker meets the error.
    broken = ('{% extends "site/base.html.j2" %}{% set root = "../" %}{% block main %}'
              '{% if page.code == "DB41/T 1030-2023" %}{{ no_such_value }}{% endif %}{% endblock %}')
    root = make_catalog({**many_records(60), "templates/site/standard.html.j2": broken})
    monkeypatch.setattr(site, "_workers", lambda count: 2)
    monkeypatch.setattr(site, "CHUNK", 5)
    result = runner.invoke(app, ["report", "site", str(root), "-o", str(tmp_path / "site")])
    assert result.exit_code == 2, result.output
    assert "模板错误" in result.output and "no_such_value" in result.output
    assert "Traceback" not in result.output


def test_workers_follow_the_catalog_size() -> None:
    assert site._workers(site.PARALLEL_FROM - 1) == 1
    assert site._workers(site.PARALLEL_FROM) >= 1


def test_the_page_template_is_looked_up_once_for_all_pages(make_catalog: CatalogFactory, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Compile once, render many: finding the template directories and the template is not a per-page cost."""
    calls: list[object] = []
    real = templating.environment

    def counted(root: Path | None) -> templating.CatalogSandbox:
        calls.append(root)
        return real(root)

    monkeypatch.setattr(templating, "environment", counted)
    out = tmp_path / "site"
    build(make_catalog(many_records(60)), out)
    assert len(list((out / "standards").glob("*.html"))) == 71
    assert len(calls) == 2  # the index and the standards' page template
