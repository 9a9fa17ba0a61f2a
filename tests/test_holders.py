"""load_holders: the records of a code found through the cache, without loading the catalog; what it answers of
those codes is what the whole catalog's load answers (``by_code``), whatever the files are named, however the
code is spelled, and whichever files changed since the cache was written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gbstd.catalog import cache as cache_module
from gbstd.catalog import holders
from gbstd.catalog.loader import load_catalog
from gbstd.cli.app import app
from tests.conftest import CatalogFactory, record

runner = CliRunner()

FILES = {
    "records/national/GB-T-41568-2022.yaml": record("GB/T 41568-2022", effective="2022-04-15"),
    "records/national/misnamed.yaml": record("GB/T 29118-2012", title="机关办公建筑节能"),  # C003
    "records/local/DB41-T-2144-2021.yaml": record("DB41/T 2144-2021"),
    "records/local/again.yaml": record("DB41/T2144-2021"),  # the same code, another spelling: two files
    "records/local/broken.yaml": "code: DB41/T 9-2020\ntitle: [unclosed\n",
    "records/local/invalid.yaml": record("DB41/T 8-2020", status="不存在的状态"),
    "records/local/oddcode.yaml": record("内部  编号 X"),
}
ASKED = ["GB/T41568-2022", "gb/t 29118-2012", "DB41/T 2144-2021", "DB41/T 9-2020", "DB41/T 8-2020",
         "内部  编号 X", " 内部  编号 X ", "GB/T 1-2000"]


@pytest.fixture(autouse=True)
def _trusted_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache vouches for a file hashed right after it was written (it waits two seconds otherwise: the racy
    rule, which these tests are not about)."""
    monkeypatch.setattr(cache_module, "RACY_NS", 0)


def _lint(root: Path) -> None:
    result = runner.invoke(app, ["lint", str(root), "--format", "json"])
    assert result.exit_code in (0, 1), result.output


def _same_as_whole(root: Path) -> int:
    whole = load_catalog(root)
    chosen = 0
    for raw in ASKED:
        part = holders.load_holders(root, [raw])
        code = whole.resolve(raw)
        key = code.canonical if code else raw.strip()
        assert [r.rel for r in part.by_code.get(key, [])] == [r.rel for r in whole.by_code.get(key, [])], raw
        assert list(part.modules) == list(whole.modules)
        chosen = max(chosen, len(part.records))
    return chosen


def test_the_records_of_a_code_are_the_whole_catalogs(make_catalog: CatalogFactory) -> None:
    root = make_catalog(FILES)
    assert _same_as_whole(root) == len(load_catalog(root).records)  # no cache yet: the whole catalog
    _lint(root)  # the cache
    assert _same_as_whole(root) <= 2  # through the cache: only the files that hold the code
    (root / "records/local/later.yaml").write_text(record("GB/T 41568-2022", title="后来"), encoding="utf-8")
    (root / "records/national/misnamed.yaml").write_text(record("GB/T 30000-2013"), encoding="utf-8")
    part = holders.load_holders(root, ["GB/T 41568-2022"])
    assert sorted(r.rel for r in part.by_code["GB/T 41568-2022"]) == [
        "records/local/later.yaml", "records/national/GB-T-41568-2022.yaml"]  # a file the cache does not know
    assert "GB/T 29118-2012" not in holders.load_holders(root, ["GB/T 29118-2012"]).by_code  # changed since
    assert _same_as_whole(root) <= 4  # the two the cache does not know, and a code's two files


def test_many_unknown_files_load_the_whole_catalog(make_catalog: CatalogFactory,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_catalog(FILES)
    _lint(root)
    for index in range(3):
        (root / f"records/local/new{index}.yaml").write_text(record(f"DB41/T {100 + index}-2020"), encoding="utf-8")
    monkeypatch.setattr(holders, "UNCACHED_LIMIT", 2)
    part = holders.load_holders(root, ["DB41/T 2144-2021"])
    assert len(part.records) == len(load_catalog(root).records)


def test_review_add_and_new_find_a_code_held_by_a_misnamed_file_through_the_cache(
    make_catalog: CatalogFactory,
) -> None:
    root = make_catalog(FILES)
    _lint(root)
    result = runner.invoke(app, ["review", str(root), "add", "GB/T29118-2012", "--date", "2024-05-06",
                                 "--conclusion", "继续有效", "--by", "局标准化处", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "records/national/misnamed.yaml" in result.stdout
    assert "2024-05-06" in (root / "records/national/misnamed.yaml").read_text(encoding="utf-8")
    result = runner.invoke(app, ["review", str(root), "add", "DB41/T 2144-2021", "--date", "2024-05-06",
                                 "--conclusion", "继续有效", "--by", "局标准化处", "--lang", "en"])
    assert result.exit_code == 2 and "is in more than one file" in " ".join(result.output.split())
    result = runner.invoke(app, ["new", "GB/T 29118-2012", "--title", "又一个", "-C", str(root), "--lang", "en"])
    assert result.exit_code == 2, result.output
    assert "already has a record: records/national/misnamed.yaml" in " ".join(result.output.split())
    findings = json.loads(runner.invoke(app, ["lint", str(root), "--format", "json"]).stdout)
    assert not any(f["rule"] == "R006" for f in findings)  # the review went where it belongs
