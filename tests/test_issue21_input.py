"""Issue 21, items 8, 10–15, 17–19: input refused (or refused better), advice that holds, what people read."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import pytest

from gbstd.cli.app import app
from tests.conftest import CatalogFactory, record
from tests.issue21_support import REPO, SAMPLE, copy_sample, invoke, runner, snapshot

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

AS_OF = "2026-11-23"


# --- item 8: C014 suggests only successors that exist -------------------------------------------------------


def test_c014_suggests_only_successors_in_the_catalog(make_catalog: CatalogFactory) -> None:
    root = make_catalog({
        "records/GB-T-1-2012.yaml": record("GB/T 1-2012", "导则", "废止", abolished="2020-01-01",
                                           replaced_by="[GB/T 1-2020, DB41/T 1876-2023]"),
        "records/GB-T-1-2020.yaml": record("GB/T 1-2020", "导则", replaces="[GB/T 1-2012]"),
        "records/DB41-T-9-2021.yaml": record("DB41/T 9-2021", "规范", references="[GB/T 1-2012]"),
    })  # fmt: skip
    _, out, _ = invoke("lint", str(root), "--as-of", AS_OF, "--select", "C014", "-f", "json")
    (finding,) = json.loads(out)
    assert finding["message"] == "引用的 GB/T 1-2012 已废止，应改为 GB/T 1-2020"


# --- item 10: gbstd new refuses what would be a bad record --------------------------------------------------


def test_new_refuses_bad_status_module_and_dates(tmp_path: Path) -> None:
    root = tmp_path / "demo"
    assert invoke("init", str(root))[0] == 0
    base = ["new", "GB/T 2-2020", "-t", "术语", "--into", str(root)]
    code, _, err = invoke(*base, "--module", "101", "--status", "bogus")
    assert code == 2 and err == "gbstd: --status 'bogus' 不是状态（现行 / 即将实施 / 废止）\n"
    code, _, err = invoke(*base, "--module", "999")
    assert code == 2 and err.startswith("gbstd: --module '999' 不在标准体系中（如 ") and err.count("\n") == 1
    code, _, err = invoke(*base)  # no terminal to ask on: required
    assert code == 2 and "需要 --module" in err
    code, _, err = invoke(*base, "-m", "101", "--published", "2020-05-01", "--effective", "2020-04-01")
    assert code == 2 and "发布日期 2020-05-01 晚于实施日期 2020-04-01" in err
    assert not list((root / "records").rglob("*.yaml"))
    code, _, _ = invoke(*base, "-m", "101", "--status", "现行有效", "--effective", "2024-04-01")
    assert code == 0
    written = (root / "records/national/GB-T-2-2020.yaml").read_text(encoding="utf-8")
    assert "status: 现行\n" in written and 'module: "101"' in written
    assert invoke("lint", str(root), "--as-of", AS_OF)[0] == 0


# --- item 11: init "" ----------------------------------------------------------------------------------------


def test_init_refuses_an_empty_directory_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = invoke("init", "")
    assert code == 2 and "目录名不能为空" in err
    assert list(tmp_path.iterdir()) == []


# An empty path argument was a Path("") — "." — and the command worked on the current directory unasked:
# `lint -C "$DIR"` with DIR unset checked whatever catalog the shell was in, `import t.csv --into ''` wrote
# records into it. Each is refused naming what was empty, one line, exit 2, nothing written.
CODE = "GB/T 41568-2022"


@pytest.mark.parametrize(("args", "named"), [
    (["import", ""], "FILE"),
    (["import", "{table}", "--into", ""], "--into/-C"),
    (["import", "{table}", "-C", ""], "--into/-C"),
    (["new", "GB/T 99999-2024", "-t", "测试", "-m", "101", "--into", ""], "--into/-C"),
    (["lint", ""], "PATH"),
    (["lint", "-C", ""], "-C/--catalog"),
    (["lint", ".", ""], "PATH"),
    (["lint", "--cache-dir", ""], "--cache-dir"),
    (["fmt", ""], "PATH"),
    (["fmt", "-C", ""], "-C/--catalog"),
    (["dupes", "-C", ""], "-C/--catalog"),
    (["system", ""], "PATH"),
    (["pipeline", "-C", ""], "-C/--catalog"),
    (["review", ""], "PATH"),
    (["review", "-C", ""], "-C/--catalog"),
    (["review", "add", CODE, "-C", "", "--date", "2026-01-05", "--conclusion", "继续有效", "--by", "局"], "-C/--catalog"),
    (["review", "-C", "", "add", CODE, "--date", "2026-01-05", "--conclusion", "继续有效", "--by", "局"], "-C/--catalog"),
    (["plan", "status", ""], "PLAN"),
    (["plan", "status", "-C", ""], "-C/--catalog"),
    (["history", CODE, ""], "PATH"),
    (["changes", "", "--since", "HEAD"], "PATH"),
    (["federation", "status", "-C", ""], "-C/--catalog"),
    (["report", "catalog", "", "-f", "csv"], "PATH"),
    (["report", "bulletin", "-C", "", "-p", "2024H1", "--as-of", AS_OF], "-C/--catalog"),
    (["report", "bulletin", "-p", "2024H1", "--notes", "", "--as-of", AS_OF], "--notes"),
    (["report", "site", "", "-o", "{site}"], "PATH"),
])
def test_an_empty_path_is_refused_naming_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str],
                                            named: str) -> None:
    root = copy_sample(tmp_path)
    table = tmp_path / "t.csv"
    table.write_text("标准号,标准名称,标准层级,状态,体系编号\nGB/T 99998-2024,测试,国家标准,现行,101\n", encoding="utf-8")
    monkeypatch.chdir(root)  # the catalog an empty path was read as
    before = snapshot(root)
    args = [a.replace("{table}", str(table)).replace("{site}", str(tmp_path / "site")) for a in args]
    for lang, said in (("zh", f"{named} 为空"), ("en", f"{named} is empty")):
        code, out, err = invoke(*args, "--lang", lang)
        assert code == 2, (out, err)
        assert said in err and len(err.splitlines()) == 1 and out == "", err
    assert snapshot(root) == before and not (tmp_path / "site").exists()


# --- item 13: status words, undated codes, import DIR --------------------------------------------------------


def test_status_words_undated_codes_and_directories(make_catalog: CatalogFactory, tmp_path: Path) -> None:
    root = make_catalog({})
    table = tmp_path / "t.csv"
    table.write_text(
        "标准号,标准名称,状态,实施日期\n"
        "DB41/T 2144-2021,机关食堂服务规范,现行有效,2021-09-13\n"
        "DB41/T 2397,机关食堂反食品浪费管理规范,现行,2023-07-27\n",
        encoding="utf-8",
    )
    code, out, err = invoke("import", str(table), "--into", str(root), "--as-of", AS_OF)
    assert code == 1
    assert "新建: records/local/DB41-T-2144-2021.yaml" in out
    assert "第3行 标准号: 'DB41/T 2397'" in err and "缺少年份，应为 DB41/T 2397-年份" in err
    assert "行政区划" not in err
    code, _, err = invoke("import", str(root), "--into", str(root))
    assert code == 2 and "是目录，请给出表格文件" in err


# --- item 18: init writes per-tier review periods --------------------------------------------------------


def test_init_writes_five_year_periods_for_national_industry_group(tmp_path: Path) -> None:
    root = tmp_path / "demo"
    assert invoke("init", str(root))[0] == 0
    config = tomllib.loads((root / "gbstd.toml").read_text(encoding="utf-8"))
    assert config == {"review": {"tiers": {"national": 5, "industry": 5, "group": 5}}}


# --- item 14: review --region 99 ---------------------------------------------------------------------------


def test_review_region_that_does_not_exist_is_an_error() -> None:
    code, out, err = invoke("review", "-C", str(SAMPLE), "--region", "99", "--as-of", AS_OF)
    assert code == 2 and out == ""
    assert err == "gbstd: --region '99' 不是有效的行政区划代码（省级代码见 GB/T 2260）\n"
    code, out, _ = invoke("review", "-C", str(SAMPLE), "--region", "4103", "--as-of", AS_OF, "-f", "json")
    assert code == 0 and {i["code"] for i in json.loads(out)["items"]} == {"DB4103/T 152-2023"}


# --- item 15: fmt says where a syntax error is; HEAD~1 in a one-commit repository --------------------------


def test_fmt_syntax_error_has_line_and_column(make_catalog: CatalogFactory) -> None:
    root = make_catalog({"records/GB-T-1-2020.yaml": "code: GB/T 1-2020\ntitle: [x\nstatus: 现行\n"})
    code, _, err = invoke("fmt", str(root))
    assert code == 1
    assert "records/GB-T-1-2020.yaml:3:7: YAML 语法错误" in err


def test_changed_since_an_ancestor_that_does_not_exist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.git_catalog import commit, init_repo, standard, write_record

    repo, root = init_repo(tmp_path)
    write_record(root, "GB-T-1-2020.yaml", **standard("GB/T 1-2020", "术语"))
    commit(repo, "one")
    monkeypatch.chdir(root)
    code, _, err = invoke("lint", "--changed-since", "HEAD~1")
    assert code == 2
    assert err == "gbstd: 没有修订 HEAD~1：HEAD 的历史中只有 1 个提交，没有这么早的祖先\n"
    assert "fetch" not in err


# --- item 12: the output format follows the -o extension; a contradiction is refused -----------------------


def test_output_format_from_the_extension(tmp_path: Path) -> None:
    base = ["report", "bulletin", str(SAMPLE), "--period", "2024H1", "--as-of", AS_OF]
    code, _, err = invoke(*base, "-o", str(tmp_path / "x.pdf"))
    assert code == 2 and "无法从扩展名 .pdf 判断输出格式" in err
    code, _, err = invoke(*base, "-f", "docx", "-o", str(tmp_path / "p.md"))
    assert code == 2 and "-f docx 与输出文件扩展名 .md 矛盾" in err
    assert list(tmp_path.iterdir()) == []
    assert invoke(*base, "-o", str(tmp_path / "b.docx"))[0] == 0
    assert (tmp_path / "b.docx").read_bytes()[:2] == b"PK"  # Word, not Markdown
    code, _, err = invoke("report", "catalog", str(SAMPLE), "-f", "csv", "-o", str(tmp_path / "t.xlsx"))
    assert code == 2 and "矛盾" in err
    assert invoke("report", "catalog", str(SAMPLE), "-o", str(tmp_path / "t.csv"))[0] == 0
    assert (tmp_path / "t.csv").read_bytes().startswith(b"\xef\xbb\xbf")


# --- item 19: help texts -------------------------------------------------------------------------------------


def _examples(command: str, doc: str) -> list[list[str]]:
    lines = [line.strip() for line in doc.splitlines() if line.strip().startswith(f"gbstd {command} ")]
    return [shlex.split(line)[1:] for line in lines if ">" not in line and "origin/" not in line]


def test_help_examples_run_on_the_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    from gbstd.cli.history import history
    from gbstd.cli.lint import lint

    monkeypatch.chdir(REPO)
    examples = _examples("lint", lint.__doc__ or "") + _examples("history", history.__doc__ or "")
    assert len(examples) >= 5
    for args in examples:
        code, _, err = invoke(*args)
        assert code in (0, 1), (args, err)


def test_help_shows_no_bool_metavar_and_a_real_default() -> None:
    for command in (["import"], ["lint"], ["review", "add"], ["report", "bulletin"], ["dupes"]):
        result = runner.invoke(app, [*command, "--help"], terminal_width=200)
        assert result.exit_code == 0
        assert "<bool>" not in result.stdout, command
    result = runner.invoke(app, ["report", "bulletin", "--help"], terminal_width=200)
    assert "bulletin-PERIOD.FORMAT" in result.stdout and "bulletin-.)" not in result.stdout


# --- item 17: one CSV writer; English counts and lists ------------------------------------------------------


def _csv_rows(data: bytes) -> list[dict[str, str]]:
    import csv
    import io

    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data  # BOM and CRLF, like report catalog
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_review_and_dupes_csv_go_through_the_catalog_writer() -> None:
    result = runner.invoke(app, ["review", "-C", str(SAMPLE), "--as-of", AS_OF, "-f", "csv"])
    assert result.exit_code == 0
    rows = _csv_rows(result.stdout_bytes)
    assert list(rows[0])[:3] == ["标准号", "标准名称", "标准层级"]
    assert all(not r["复审状态"].isascii() for r in rows)  # 逾期, not overdue_hard
    assert {r["僵尸标准"] for r in rows} <= {"是", "否"}
    assert all(not r["标准层级"].isascii() for r in rows)
    assert any(r["剩余天数"].startswith("-") for r in rows)  # a number, not a neutralised formula
    result = runner.invoke(app, ["dupes", str(SAMPLE), "-f", "csv"])
    rows = _csv_rows(result.stdout_bytes)
    assert rows and list(rows[0])[:4] == ["组", "组类型", "组内标准数", "标准号甲"]
    assert all(not r["类型"].isascii() and not r["层级甲"].isascii() for r in rows)
    result = runner.invoke(app, ["dupes", str(SAMPLE), "-f", "csv", "--lang", "en"])
    assert list(_csv_rows(result.stdout_bytes)[0])[:2] == ["group", "group_kind"]


def test_english_counts_agree_and_lists_use_commas(make_catalog: CatalogFactory) -> None:
    root = make_catalog({
        "system.yaml": "name: 体系\nmodules:\n  - {id: '100', name: 基础}\n  - {id: '200', name: 管理}\n",
        "records/GB-T-1-2020.yaml": record("GB/T 1-2020", "导则", effective="2024-01-01", module="'999'"),
    })  # fmt: skip
    code, out, _ = invoke("lint", str(root), "--as-of", AS_OF, "--lang", "en", "--select", "C016")
    assert code == 1
    assert "module 999 is not in the standard system (known: 100, 200…)" in out
    assert out.strip().splitlines()[-1] == "Checked 2 files: 1 finding in 1 file (1 error, 0 warnings, 0 info)."


# --- item 9: history after an uncommitted delete -------------------------------------------------------------


def test_history_after_an_uncommitted_delete(tmp_path: Path) -> None:
    from tests.git_catalog import commit, init_repo, standard, write_record

    repo, root = init_repo(tmp_path)
    path = write_record(root, "GB-T-1-2020.yaml", **standard("GB/T 1-2020", "术语"))
    commit(repo, "add")
    write_record(root, "GB-T-1-2020.yaml", **standard("GB/T 1-2020", "术语", effective="2020-06-01"))
    commit(repo, "effective date")
    path.unlink()  # not committed
    code, out, err = invoke("history", "GB/T 1-2020", str(root), "-f", "json")
    assert code == 0, err
    entries = json.loads(out)["entries"]
    assert [e["change"] for e in entries] == ["deleted", "modified", "added"]
    assert entries[0]["commit"] is None and [e["message"] for e in entries[1:]] == ["effective date", "add"]


# --- item 16 (part): rule docs cite public sources, not material users never saw ----------------------------


def test_rule_docs_do_not_cite_the_seeds() -> None:
    from gbstd.rules import ALL_RULES

    for rule in ALL_RULES:
        assert "seed" not in rule.doc().casefold(), rule.code
