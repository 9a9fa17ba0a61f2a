"""Issue 19, the reports over a federation: the sample catalog split into three members (Henan with its cities,
the other provinces, national and group standards — one of them a git repository read through a file:// URL)
plus an empty federating catalog gives the bulletin figures of the unsplit catalog; the bulletin lists the
members with the commit each was read at and breaks its figures down by member; the catalog export carries a
成员 column; review and system coverage read the union."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from gbstd.catalog.loader import load_catalog
from gbstd.reports.figures import compute_bulletin
from gbstd.reports.period import parse_period
from gbstd.review import review_worklist
from tests.federation_support import (
    DIRS,
    HENAN,
    NATIONAL,
    PROVINCES,
    SAMPLE,
    make_repo,
    member_of,
    split_sample,
)
from tests.issue21_support import invoke

AS_OF = "2026-11-23"
PERIODS = ("2023H2", "2024", "2022H1")
MEMBERS = [HENAN, PROVINCES, NATIONAL]  # config order


class Split:
    def __init__(self, base: Path) -> None:
        self.base = base
        self.federation = split_sample(base, git_members=[NATIONAL])
        # A path member inside a git work tree: the bulletin names the commit checked out there.
        self.henan_head = make_repo(base / DIRS[HENAN])
        self.national_head = _git_head(base / DIRS[NATIONAL])
        code, _, err = invoke("federation", "sync", str(self.federation))
        assert code == 0, err


def _git_head(directory: Path) -> str:
    from tests.federation_support import git

    return git(directory, "rev-parse", "HEAD")


@pytest.fixture(scope="module")
def split(tmp_path_factory: pytest.TempPathFactory) -> Split:
    return Split(tmp_path_factory.mktemp("split"))


def _bulletin_json(catalog: Path, period: str, out: Path, *extra: str) -> dict[str, Any]:
    code, _, err = invoke("report", "bulletin", str(catalog), "-p", period, "-f", "json", "-o", str(out),
                          "--as-of", AS_OF, *extra)  # fmt: skip
    assert code == 0, err
    return json.loads(out.read_text(encoding="utf-8"))["figures"]


def _comparable(figures: dict[str, Any]) -> dict[str, Any]:
    """The figures without what only a federation has (its member breakdowns) and with lists of codes as sets
    (a union lists its records member by member)."""
    out = {}
    for key, value in figures.items():
        if key in ("members", "records_by_member"):
            continue
        if isinstance(value, dict) and "codes" in value:
            value = {k: v for k, v in value.items() if k != "by_member"} | {"codes": sorted(value["codes"])}
        elif key == "reviews":
            value = {k: v for k, v in value.items() if k != "overdue_by_member"}
            value["overdue_codes"] = sorted(value["overdue_codes"])
        elif key == "duplicates":
            value = {k: v for k, v in value.items() if k != "groups_across_members"}
        elif key == "undated":
            value = sorted(value)
        out[key] = value
    return out


@pytest.mark.parametrize("period", PERIODS)
def test_the_split_sample_gives_the_bulletin_figures_of_the_unsplit_one(split: Split, tmp_path: Path,
                                                                        period: str) -> None:
    whole = _bulletin_json(SAMPLE, period, tmp_path / "whole.json")
    union = _bulletin_json(split.federation, period, tmp_path / "union.json")
    assert whole["members"] == [] and whole["records_by_member"] == {} and "by_member" not in whole["published"]
    assert _comparable(union) == _comparable(whole)
    assert union["records_total"] == whole["records_total"] == 46


def test_the_bulletin_lists_the_members_and_the_commit_each_was_read_at(split: Split, tmp_path: Path) -> None:
    figures = _bulletin_json(split.federation, "2023H2", tmp_path / "b.json")
    members = figures["members"]
    assert [m["name"] for m in members] == MEMBERS
    by_name = {m["name"]: m for m in members}
    # the git member: its file:// URL, the commit synced (the repository's HEAD) and when it was fetched
    national = by_name[NATIONAL]
    assert national["kind"] == "git" and national["source"] == (split.base / "national").resolve().as_uri()
    assert national["commit"] == split.national_head and national["fetched_at"]
    # a path member in a git work tree: its HEAD; a path member outside git: no commit
    assert (by_name[HENAN]["kind"], by_name[HENAN]["source"], by_name[HENAN]["commit"]) == (
        "path", "../henan", split.henan_head)
    assert (by_name[PROVINCES]["commit"], by_name[PROVINCES]["fetched_at"]) == (None, None)
    # each member's records: counted from the sample's files by the split's own rule
    files = [p.relative_to(SAMPLE).as_posix() for p in (SAMPLE / "records").rglob("*.yaml")]
    expected = {name: sum(1 for rel in files if member_of(rel) == name) for name in MEMBERS}
    assert {name: m["records"] for name, m in by_name.items()} == expected
    assert figures["records_by_member"] == expected  # the federating catalog holds none


@pytest.mark.parametrize("period", PERIODS)
def test_the_breakdown_by_member_is_each_members_own_bulletin(split: Split, period: str) -> None:
    """Each member's share of the union's figures is what a bulletin of that member alone says; the shares
    add up to the national totals."""
    chosen, day = parse_period(period), dt.date.fromisoformat(AS_OF)
    from gbstd.catalog.federation import load_union

    union = compute_bulletin(load_union(split.federation), chosen, day)
    for name in MEMBERS:
        alone_catalog = load_catalog(split.base / DIRS[name])
        alone = compute_bulletin(alone_catalog, chosen, day)
        for attr in ("published", "effective", "abolished", "in_force_at_end"):
            assert getattr(union, attr).by_member.get(name, 0) == getattr(alone, attr).total, (name, attr)
        cutoff = min(chosen.end, day)
        overdue = review_worklist(alone_catalog, alone_catalog.config.review, cutoff).summary.overdue
        assert union.reviews.overdue_by_member.get(name, 0) == overdue  # type: ignore[union-attr]
    for attr in ("published", "effective", "abolished", "in_force_at_end"):
        count = getattr(union, attr)
        assert sum(count.by_member.values()) == count.total
    assert sum(union.reviews.overdue_by_member.values()) == union.reviews.overdue  # type: ignore[union-attr]
    assert union.member_rows() == MEMBERS  # no 本级 row: the federating catalog holds no records


def _md_table(text: str, caption: str) -> list[list[str]]:
    block = text.split(caption, 1)[1].split("\n\n", 2)[1]
    lines = [line for line in block.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]]


def test_markdown_bulletin_has_the_member_tables_with_their_figures(split: Split, tmp_path: Path) -> None:
    out = tmp_path / "b.md"
    code, _, err = invoke("report", "bulletin", str(split.federation), "-p", "2023H2", "-o", str(out),
                          "--as-of", AS_OF)  # fmt: skip
    assert code == 0, err
    text = out.read_text(encoding="utf-8")
    figures = _bulletin_json(split.federation, "2023H2", tmp_path / "b.json")
    captions = re.findall(r"^(表\d+ .+)$", text, re.M)
    assert captions[-2:] == ["表4 标准制定情况（按成员目录）", "表5 联合目录成员及读取版本"]
    assert "各成员的数字见表4，读取的版本见表5" in text
    rows = _md_table(text, captions[-2])
    overdue = figures["reviews"]["overdue_by_member"]
    expected = [[name, *(str(figures[k]["by_member"].get(name, 0))
                         for k in ("published", "effective", "abolished", "in_force_at_end")),
                 str(overdue.get(name, 0))] for name in MEMBERS]
    totals = [str(figures[k]["total"]) for k in ("published", "effective", "abolished", "in_force_at_end")]
    assert rows == [*expected, ["合计", *totals, str(figures["reviews"]["overdue"])]]
    assert sum(int(r[1]) for r in expected) == figures["published"]["total"] > 0
    sources = {row[0]: row for row in _md_table(text, captions[-1])}
    assert sources[NATIONAL][1:4] == ["git 仓库", (split.base / "national").resolve().as_uri(),
                                      split.national_head[:12]]
    synced = dt.datetime.fromisoformat(figures["members"][2]["fetched_at"]).astimezone(dt.timezone.utc)
    assert sources[NATIONAL][4] == synced.strftime("%Y-%m-%d %H:%M")
    assert abs(dt.datetime.now(dt.timezone.utc) - synced) < dt.timedelta(hours=1)
    assert sources[HENAN][1:4] == ["目录", "../henan", split.henan_head[:12]]
    assert sources[PROVINCES][3] == "（不在 git 中）"
    assert sources["合计"][-1] == "46"
    assert "联合目录（3 个成员目录）共 46 项标准" in text
    across = figures["duplicates"]["groups_across_members"]
    assert across and f"其中{across}组跨越两个以上成员目录" in text


def test_docx_and_html_carry_the_same_member_tables(split: Split, tmp_path: Path) -> None:
    from docx import Document

    docx_out, html_out = tmp_path / "b.docx", tmp_path / "b.html"
    for out in (docx_out, html_out):
        code, _, err = invoke("report", "bulletin", str(split.federation), "-p", "2023H2", "-o", str(out),
                              "--as-of", AS_OF)  # fmt: skip
        assert code == 0, err
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in Document(str(docx_out)).tables]
    members = next(t for t in tables if t[0][0] == "成员目录" and t[0][-1] == "逾期未复审")
    assert [row[0] for row in members[1:]] == [*MEMBERS, "合计"]
    sources = next(t for t in tables if t[0][-1] == "标准数")
    assert [row[3] for row in sources[1:4]] == [split.henan_head[:12], "（不在 git 中）", split.national_head[:12]]
    html = html_out.read_text(encoding="utf-8")
    assert "<caption>表5 联合目录成员及读取版本</caption>" in html
    # in the sources table the text columns are text, only the count is a number
    row = re.search(r"<tr><td>河南</td>(.*?)</tr>", html.split("表5 联合目录成员及读取版本")[1]).group(1)
    assert row.count('class="num"') == 1 and "../henan" in row
    for cells in members[1:]:  # the same figures as the Markdown's (one computation)
        assert f"<tr><td>{cells[0]}</td>" + "".join(f'<td class="num">{c}</td>' for c in cells[1:]) + "</tr>" in html


def test_a_catalog_that_federates_nothing_has_no_member_tables(tmp_path: Path) -> None:
    out = tmp_path / "b.md"
    code, _, err = invoke("report", "bulletin", str(SAMPLE), "-p", "2023H2", "-o", str(out), "--as-of", AS_OF)
    assert code == 0, err
    text = out.read_text(encoding="utf-8")
    assert "成员目录" not in text and "联合目录" not in text
    figures = _bulletin_json(SAMPLE, "2023H2", tmp_path / "b.json")
    assert figures["reviews"]["overdue_by_member"] == {} and figures["duplicates"]["groups_across_members"] is None


def test_the_federations_own_records_are_a_row_of_their_own(split: Split, tmp_path: Path) -> None:
    """The national bureau's own standards, kept in the federating catalog, are 本级目录 in the breakdown."""
    import shutil

    base = tmp_path / "own"
    federation = split_sample(base)
    national = base / DIRS[NATIONAL]
    shutil.copytree(national / "records", federation / "records")  # 本级 holds what the third member held
    toml = (federation / "gbstd.toml").read_text(encoding="utf-8")
    (federation / "gbstd.toml").write_text(toml.split(f'[[federation.members]]\nname = "{NATIONAL}"')[0],
                                           encoding="utf-8")
    whole = _bulletin_json(SAMPLE, "2023H2", tmp_path / "whole.json")
    union = _bulletin_json(federation, "2023H2", tmp_path / "union.json")
    assert _comparable(union) == _comparable(whole)
    assert [m["name"] for m in union["members"]] == [HENAN, PROVINCES]
    alone = _bulletin_json(national, "2023H2", tmp_path / "alone.json")
    assert union["published"]["by_member"].get("", 0) == alone["published"]["total"]
    assert union["in_force_at_end"]["by_member"][""] == alone["in_force_at_end"]["total"] > 0
    out = tmp_path / "b.md"
    code, _, err = invoke("report", "bulletin", str(federation), "-p", "2023H2", "-o", str(out), "--as-of", AS_OF)
    assert code == 0, err
    text = out.read_text(encoding="utf-8")
    rows = _md_table(text, "表4 标准制定情况（按成员目录）")
    assert [r[0] for r in rows] == ["本级目录", HENAN, PROVINCES, "合计"]
    assert rows[0][4] == str(alone["in_force_at_end"]["total"])
    assert "2个成员目录及本级目录" in text


def test_member_narrows_the_bulletin_to_those_members(split: Split, tmp_path: Path) -> None:
    figures = _bulletin_json(split.federation, "2023H2", tmp_path / "b.json", "--member", HENAN)
    alone = _bulletin_json(split.base / DIRS[HENAN], "2023H2", tmp_path / "alone.json")
    assert [m["name"] for m in figures["members"]] == [HENAN]
    assert figures["in_force_at_end"]["total"] == alone["in_force_at_end"]["total"]
    assert figures["in_force_at_end"]["by_member"] == {HENAN: alone["in_force_at_end"]["total"]}


def test_a_missing_member_is_one_line_or_skipped_with_a_warning(tmp_path: Path) -> None:
    base = tmp_path / "missing"
    federation = split_sample(base)
    (base / DIRS[PROVINCES] / "gbstd.toml").unlink()
    out = tmp_path / "b.json"
    code, _, err = invoke("report", "bulletin", str(federation), "-p", "2023H2", "-o", str(out), "--as-of", AS_OF)
    assert code == 2 and PROVINCES in err and "Traceback" not in err and not out.exists()
    code, _, err = invoke("report", "bulletin", str(federation), "-p", "2023H2", "-o", str(out), "--as-of", AS_OF,
                          "--allow-missing", "--lang", "en")  # fmt: skip
    assert code == 0 and "warning" in err and PROVINCES in err
    figures = json.loads(out.read_text(encoding="utf-8"))["figures"]
    assert [m["name"] for m in figures["members"]] == [HENAN, NATIONAL]


def test_a_members_notes_do_not_write_the_federations_bulletin(tmp_path: Path) -> None:
    """The federating catalog writes the national bulletin; a member's notes for the same period are its own."""
    base = tmp_path / "notes"
    federation = split_sample(base)
    own = federation / "notes" / "2023H2.yaml"
    henan_notes = base / DIRS[HENAN] / "notes"
    henan_notes.mkdir()
    (henan_notes / "2023H2.yaml").write_text(own.read_text(encoding="utf-8").replace(
        "period: 2023H2", "period: 2023H2\ntitle: 河南省的通报", 1), encoding="utf-8")
    (henan_notes / "2023H2.yaml").rename(henan_notes / "henan-2023H2.yaml")  # not found by its name
    own.unlink()
    out = tmp_path / "b.md"
    code, _, err = invoke("report", "bulletin", str(federation), "-p", "2023H2", "-o", str(out), "--as-of", AS_OF)
    assert code == 0, err
    text = out.read_text(encoding="utf-8")
    assert "河南省的通报" not in text and "【待补充：开头段落" in text


def test_changes_since_appends_each_members_changes(tmp_path: Path) -> None:
    """附件 本期目录变化 over a federation: each member compared in its own repository, its rows naming it."""
    from tests.federation_support import git

    base = tmp_path / "changes"
    federation = split_sample(base)
    for directory in [*(base / d for d in DIRS.values()), federation]:
        make_repo(directory)
        git(directory, "tag", "v2023H1")
    henan = base / DIRS[HENAN]
    record = next(henan.rglob("DB4103-T-152-2023.yaml"))
    text = record.read_text(encoding="utf-8")
    record.write_text(re.sub(r"(?m)^title: .*$", "title: 党政机关办公区物业管理服务规范（修订）", text, count=1),
                      encoding="utf-8")
    git(henan, "commit", "-qam", "title")
    out = tmp_path / "b.json"
    code, _, err = invoke("report", "bulletin", str(federation), "-p", "2023H2", "-o", str(out), "--as-of", AS_OF,
                          "--changes-since", "v2023H1")  # fmt: skip
    assert code == 0, err
    entries = json.loads(out.read_text(encoding="utf-8"))["changes"]
    assert [(e["path"], e["change"], e["fields"]) for e in entries] == [
        (f"{HENAN}/{record.relative_to(henan).as_posix()}", "modified", ["title"])]
    md = tmp_path / "b.md"
    code, _, err = invoke("report", "bulletin", str(federation), "-p", "2023H2", "-o", str(md), "--as-of", AS_OF,
                          "--changes-since", "v2023H1")  # fmt: skip
    assert code == 0, err
    appendix = md.read_text(encoding="utf-8").split("## 附件：本期目录变化", 1)[1]
    assert "| 成员 | 体系 | 编号 | 名称 | 变化 |" in appendix
    assert re.search(rf"\| {HENAN} \| .* \| DB4103/T 152-2023 \|", appendix)


def test_the_appendix_names_the_longest_member_prefix() -> None:
    from gbstd.reports.changes_appendix import member_of as appendix_member

    members = [HENAN, f"{HENAN}/洛阳", PROVINCES]
    assert appendix_member(f"{HENAN}/洛阳/records/a.yaml", members) == f"{HENAN}/洛阳"
    assert appendix_member(f"{HENAN}/records/a.yaml", members) == HENAN
    assert appendix_member("records/national/a.yaml", members) == "本级"


def _csv(data: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.lstrip("\ufeff"))))


def test_catalog_export_has_a_member_column(split: Split, tmp_path: Path) -> None:
    code, whole_csv, err = invoke("report", "catalog", str(SAMPLE), "-f", "csv")
    assert code == 0, err
    out = tmp_path / "union.csv"
    code, _, err = invoke("report", "catalog", str(split.federation), "-o", str(out))
    assert code == 0, err
    whole, union = _csv(whole_csv), _csv(out.read_bytes().decode("utf-8-sig"))
    assert list(union[0])[:3] == ["序号", "成员", "体系编号"] and "成员" not in whole[0]
    # the same rows in the same order, each naming the member the split put its file in
    assert [{k: v for k, v in row.items() if k != "成员"} for row in union] == whole
    files = {load_catalog(SAMPLE).get(row["标准号"]).rel for row in whole}  # type: ignore[union-attr]
    assert len(files) == len(whole)
    sample = load_catalog(SAMPLE)
    assert [row["成员"] for row in union] == [member_of(sample.get(row["标准号"]).rel) for row in whole]  # type: ignore[union-attr]
    for fmt, marker in (("md", "| 成员 |"), ("xlsx", None)):
        target = tmp_path / f"union.{fmt}"
        code, _, err = invoke("report", "catalog", str(split.federation), "-o", str(target), "--lang", "en")
        assert code == 0, err
        if marker:
            assert "| Member |" in target.read_text(encoding="utf-8")
        else:
            from openpyxl import load_workbook

            sheet = load_workbook(target).active
            assert [c.value for c in sheet[1]][:2] == ["No.", "Member"]
            assert {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)} == set(MEMBERS)


def _both(command: str, split: Split) -> tuple[Any, Any]:
    """``gbstd COMMAND -f json`` on the unsplit sample and on the federation."""
    parsed = []
    for catalog in (SAMPLE, split.federation):
        code, out, err = invoke(command, str(catalog), "-f", "json", "--as-of", AS_OF)
        assert code in (0, 1), err
        parsed.append(json.loads(out))
    return parsed[0], parsed[1]


def test_review_reads_the_union(split: Split) -> None:
    w, u = _both("review", split)
    assert u["summary"] == w["summary"]
    sample = load_catalog(SAMPLE)
    prefixed = {}
    for item in w["items"]:
        item = dict(item)
        item["path"] = f"{member_of(item['path'])}/{item['path']}"
        prefixed[item["code"]] = item
    assert {item["code"]: item for item in u["items"]} == prefixed
    assert len(prefixed) == len(w["items"]) and len(sample.records) == 46


def test_system_coverage_reads_the_union(split: Split) -> None:
    w, u = _both("system", split)

    def standards_as_sets(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: sorted(v) if k == "standards" else standards_as_sets(v) for k, v in node.items()}
        if isinstance(node, list):
            return [standards_as_sets(v) for v in node]
        return node

    assert u["overall"] == w["overall"] and u["overall"]["in_force"] > 0
    assert standards_as_sets(u) == standards_as_sets(w)


def test_a_member_federating_its_cities_has_rows_of_its_own(tmp_path: Path) -> None:
    """A province that federates its cities: the city is a row (河南/洛阳) beside the province's own records,
    and the figures are still the unsplit catalog's."""
    base = tmp_path / "nested"
    federation = split_sample(base)
    henan, luoyang = base / DIRS[HENAN], base / "luoyang"
    moved = sorted(henan.rglob("DB4103-*.yaml"))
    assert moved
    for path in moved:
        target = luoyang / path.relative_to(henan)
        target.parent.mkdir(parents=True, exist_ok=True)
        path.rename(target)
    (luoyang / "gbstd.toml").write_text((henan / "gbstd.toml").read_text(encoding="utf-8"), encoding="utf-8")
    with (henan / "gbstd.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[[federation.members]]\nname = "洛阳"\npath = "../luoyang"\n')
    whole = _bulletin_json(SAMPLE, "2024", tmp_path / "whole.json")
    union = _bulletin_json(federation, "2024", tmp_path / "union.json")
    assert _comparable(union) == _comparable(whole)
    members = {m["name"]: m["records"] for m in union["members"]}
    assert list(members) == [HENAN, f"{HENAN}/洛阳", PROVINCES, NATIONAL]
    assert members[f"{HENAN}/洛阳"] == len(moved)
    alone = _bulletin_json(luoyang, "2024", tmp_path / "alone.json")
    for key in ("published", "in_force_at_end"):
        assert union[key]["by_member"].get(f"{HENAN}/洛阳", 0) == alone[key]["total"]
    assert alone["in_force_at_end"]["total"] > 0


@pytest.mark.parametrize(("url", "printed"), [
    ("https://user:secret@git.example.org/js/standards.git", "https://git.example.org/js/standards.git"),
    ("https://ghp_TOKEN@github.com/js/standards.git", "https://github.com/js/standards.git"),
    ("https://git.example.org:8443/js.git", "https://git.example.org:8443/js.git"),
    ("ssh://git:secret@git.example.org/js.git", "ssh://git.example.org/js.git"),
    ("ssh://git@git.example.org/js.git", "ssh://git@git.example.org/js.git"),
    ("git@github.com:js/standards.git", "git@github.com:js/standards.git"),
    ("file:///srv/js", "file:///srv/js"),
    ("https://git.example.org/js.git?access_token=SECRET&x=1", "https://git.example.org/js.git?access_token=***&x=***"),
    ("https://u:p@git.example.org/js.git?private_token=SECRET", "https://git.example.org/js.git?private_token=***"),
])
def test_a_published_bulletin_never_prints_a_token_of_a_git_url(url: str, printed: str) -> None:
    from gbstd.catalog.catalog import Catalog, MemberInfo
    from gbstd.model.config import Config
    from gbstd.reports.sources import member_sources

    catalog = Catalog(root=SAMPLE, config=Config(), members=[MemberInfo("江苏", "git", url, SAMPLE, "ab" * 20)])
    assert [m.source for m in member_sources(catalog)] == [printed]
