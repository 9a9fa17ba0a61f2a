"""Issue 21, items 1–4: every write lands where and as meant, and nothing else in the catalog changes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.issue21_support import changed_files, copy_sample, invoke, snapshot

AS_OF = "2026-11-23"
EDITED = "records/local/DB6103-T-19-2020.yaml"


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    return copy_sample(tmp_path)


def hand_edit(path: Path) -> None:
    """What an editor does after exporting: abolish, correct title and date, add a reference with a comment."""
    text = path.read_text(encoding="utf-8")
    text = text.replace("status: 现行\n", "status: 废止\n")
    text = text.replace("effective: 2020-12-20\n", "effective: 2020-12-20\nabolished: 2025-06-30\n")
    text = text.replace("title: 党政机关公务用车标识化规范\n", "title: 党政机关公务用车标识化管理规范\n")
    text = text.replace("published: 2020-11-18\n", "published: 2020-11-17\n")
    text = text.replace(
        "issuer: [宝鸡市市场监督管理局]\n",
        "references:\n  - GA 802-2014  # 人工补充：见前言\nissuer: [宝鸡市市场监督管理局]\n",
    )
    path.write_text(text, encoding="utf-8")


# --- item 1: import --update after hand edits --------------------------------------------------------------


def test_stale_table_never_undoes_hand_edits(sample: Path, tmp_path: Path) -> None:
    table = tmp_path / "old.csv"
    assert invoke("report", "catalog", str(sample), "-o", str(table))[0] == 0
    hand_edit(sample / EDITED)
    before = snapshot(sample)

    for dry in (["--dry-run"], []):
        code, out, _ = invoke("import", str(table), "--into", str(sample), "--update", "--as-of", AS_OF, *dry)
        assert code == 1  # changes held back are not a silent success
        assert changed_files(before, snapshot(sample)) == set()
        assert f"有冲突（未改动）: {EDITED}" in out
        assert "  status: 废止 → 现行（未写入：状态不会倒退" in out
        assert "  title: 党政机关公务用车标识化管理规范 → 党政机关公务用车标识化规范（未写入：" in out
        assert "  published: 2020-11-17 → 2020-11-18（未写入：" in out
        assert "references" not in out  # a reference added by hand is not a change to undo
        assert "无变化 " in out


def test_update_merges_lists_and_fills_gaps_only(sample: Path, tmp_path: Path) -> None:
    table = tmp_path / "t.csv"
    assert invoke("report", "catalog", str(sample), "-o", str(table))[0] == 0
    hand_edit(sample / EDITED)
    text = table.read_text(encoding="utf-8-sig")
    # The table adds a drafter and a reference to the edited record and fills nothing else.
    text = text.replace(
        "宝鸡市机关事务管理局、宝鸡市公务用车管理中心",
        "宝鸡市机关事务管理局、宝鸡市公务用车管理中心、宝鸡市财政局",
    )
    assert "宝鸡市财政局" in text
    lines = text.splitlines(keepends=True)
    header = lines[0].rstrip("\r\n").split(",")
    keep = [line for line in lines[1:] if "DB6103/T 19-2020" in line]
    table.write_text(lines[0] + "".join(keep), encoding="utf-8-sig")
    assert "引用标准" in header
    before = snapshot(sample)

    code, out, _ = invoke(
        "import", str(table), "--into", str(sample), "--update", "--as-of", AS_OF, "--lang", "en"
    )
    assert code == 1  # title, published and status are held; the drafter is added
    assert changed_files(before, snapshot(sample)) == {EDITED}
    assert (
        "  drafters: 宝鸡市机关事务管理局, 宝鸡市公务用车管理中心 → 宝鸡市机关事务管理局, 宝鸡市公务用车管理中心, 宝鸡市财政局"
        in out
    )
    written = (sample / EDITED).read_text(encoding="utf-8")
    assert "drafters: [宝鸡市机关事务管理局, 宝鸡市公务用车管理中心, 宝鸡市财政局]\n" in written
    assert "references:\n  - GA 802-2014  # 人工补充：见前言\nissuer:" in written  # comment on its line
    assert "status: 废止\n" in written and "title: 党政机关公务用车标识化管理规范\n" in written
    assert "published: 2020-11-17\n" in written

    # --force takes the table's values for the conflicts; lists are still merged, never dropped.
    code, out, _ = invoke(
        "import", str(table), "--into", str(sample), "--update", "--force", "--as-of", AS_OF
    )
    assert code == 0
    assert changed_files(before, snapshot(sample)) == {EDITED}
    written = (sample / EDITED).read_text(encoding="utf-8")
    assert "status: 现行\n" in written and "title: 党政机关公务用车标识化规范\n" in written
    assert "  - GA 802-2014  # 人工补充：见前言\n" in written  # union: never drops a hand-added reference


def test_update_refuses_a_merge_that_breaks_a_rule(sample: Path, tmp_path: Path) -> None:
    table = tmp_path / "t.csv"
    (tmp_path / "t.csv").write_text(
        "标准号,标准名称,状态\nDB6103/T 19-2020,党政机关公务用车标识化规范,废止\n", encoding="utf-8"
    )
    before = snapshot(sample)
    code, out, err = invoke("import", str(table), "--into", str(sample), "--update", "--as-of", AS_OF)
    assert code == 1
    assert changed_files(before, snapshot(sample)) == set()
    assert "  status: 现行 → 废止\n" in out
    assert "合并后将违反 C007（状态为废止，但没有废止日期）" in err
    code, out, err = invoke(
        "import", str(table), "--into", str(sample), "--update", "--as-of", AS_OF, "--force"
    )
    assert code == 0
    assert changed_files(before, snapshot(sample)) == {EDITED}
    assert "status: 废止\n" in (sample / EDITED).read_text(encoding="utf-8")


# --- item 2: review -C OTHER add writes into OTHER; options before `add` count -----------------------------


def test_review_add_writes_into_the_named_catalog(
    sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = tmp_path / "here"
    shutil.copytree(sample, here)
    monkeypatch.chdir(here)
    before_here, before_other = snapshot(here), snapshot(sample)
    target = "records/local/DB41-T-2397-2023.yaml"

    code, out, err = invoke(
        "review", "-C", str(sample), "--as-of", "2026-07-01", "add", "DB41/T 2397-2023",
        "--date", "2026-07-20", "--conclusion", "继续有效", "--by", "河南省机关事务管理局",
    )  # fmt: skip
    assert code == 2 and "在 2026-07-01 之后" in err  # the --as-of given before `add` is honoured
    assert changed_files(before_other, snapshot(sample)) == set()

    code, out, err = invoke(
        "review", "-C", str(sample), "--lang", "en", "add", "DB41/T 2397-2023",
        "--date", "2026-07-20", "--conclusion", "继续有效", "--by", "河南省机关事务管理局",
    )  # fmt: skip
    assert code == 0, err
    assert out.startswith("recorded a review of DB41/T 2397-2023")  # --lang before `add` is honoured
    assert changed_files(before_here, snapshot(here)) == set()  # the working directory's catalog: untouched
    assert changed_files(before_other, snapshot(sample)) == {target}
    assert "  - date: 2026-07-20\n    conclusion: 继续有效\n" in (sample / target).read_text(encoding="utf-8")


# --- item 3: no review after abolition --------------------------------------------------------------------


def test_review_after_abolition_is_refused_and_linted(sample: Path) -> None:
    before = snapshot(sample)
    code, _, err = invoke(
        "review", "add", "GB/T 29118-2012", "-C", str(sample), "--as-of", AS_OF,
        "--date", "2026-04-01", "--conclusion", "继续有效", "--by", "国家机关事务管理局",
    )  # fmt: skip
    assert code == 2
    assert "GB/T 29118-2012 已于 2024-04-01 废止，不能记录 2026-04-01 的复审" in err
    assert changed_files(before, snapshot(sample)) == set()

    # A review written by hand after the abolition: R006 reports it.
    path = sample / "records/national/GB-T-29118-2012.yaml"
    text = path.read_text(encoding="utf-8")
    assert "reviews:" not in text
    path.write_text(
        text + "reviews:\n  - {date: 2026-04-01, conclusion: 继续有效, by: 国家机关事务管理局}\n",
        encoding="utf-8",
    )
    code, out, _ = invoke("lint", str(sample), "--as-of", AS_OF, "--select", "R006", "-f", "json")
    findings = json.loads(out)
    assert [(f["rule"], f["path"]) for f in findings] == [("R006", "records/national/GB-T-29118-2012.yaml")]
    assert "晚于废止日期 2024-04-01" in findings[0]["message"]


# --- item 4: a site rebuilt over an older one has no pages of records that are gone ------------------------


def test_site_rebuilt_over_an_older_one_drops_pages_of_deleted_records(sample: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert invoke("report", "site", str(sample), "-o", str(site), "--as-of", AS_OF)[0] == 0
    records = sorted(sample.glob("records/*/*.yaml"))
    assert len(list((site / "standards").glob("*.html"))) == len(records)
    gone = sample / "records/local/DB6103-T-22-2025.yaml"
    assert (site / "standards/DB6103-T-22-2025.html").is_file()
    gone.unlink()
    before = snapshot(sample)
    assert invoke("report", "site", str(sample), "-o", str(site), "--as-of", AS_OF)[0] == 0
    assert changed_files(before, snapshot(sample)) == set()  # the catalog is only read
    pages = sorted(p.stem for p in (site / "standards").glob("*.html"))
    assert len(pages) == len(records) - 1
    assert "DB6103-T-22-2025" not in pages
    assert "DB6103-T-22-2025" not in (site / "index.html").read_text(encoding="utf-8")
