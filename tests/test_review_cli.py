"""`gbstd review` and `gbstd review add` through the CLI: formats, filters, exit codes, byte-exact edits."""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gbstd.catalog.loader import load_catalog
from gbstd.cli.app import app
from gbstd.engine import Selection, run_rules
from gbstd.findings import Severity
from tests.conftest import write_catalog
from tests.review_support import review, review_catalog

runner = CliRunner()
AS_OF = "2026-11-23"

# As of 2026-11-23: overdue_hard, overdue (since its last review), due soon, current.
RECORDS = [
    {"code": "DB41/T 1-2020", "effective": "2020-03-01"},
    {"code": "DB4103/T 2-2022", "effective": "2022-06-01", "module": "201",
     "reviews": [review("2022-12-01", "修订")]},
    {"code": "GB/T 3-2023", "title": "国家|标准", "effective": "2023-12-01"},
    {"code": "DB11/T 4-2024", "effective": "2024-10-01", "module": "101"},
]
ORDER = ["DB41/T 1-2020", "DB4103/T 2-2022", "GB/T 3-2023", "DB11/T 4-2024"]


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    return review_catalog(tmp_path / "cat", RECORDS)


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_json_worklist(catalog: Path) -> None:
    code, out, _ = run("review", "-C", str(catalog), "--as-of", AS_OF, "--format", "json", "--lang", "en")
    assert code == 0
    doc = json.loads(out)
    assert doc["as_of"] == AS_OF
    assert doc["summary"] == {"overdue": 2, "overdue_hard": 1, "due_soon": 1, "current": 1, "zombies": 1,
                              "total": 4}
    assert doc["summary_line"] == "2 overdue (1 past the 5-year limit), 1 due within 6 months, 1 current"
    items = {item["code"]: item for item in doc["items"]}
    assert [i["code"] for i in doc["items"]] == ORDER
    assert items["DB4103/T 2-2022"]["due"] == "2025-12-01"
    assert items["DB4103/T 2-2022"]["days_overdue"] == 357
    assert items["DB4103/T 2-2022"]["last_review"]["conclusion"] == "修订"
    assert items["GB/T 3-2023"]["days_remaining"] == 8 and items["GB/T 3-2023"]["state"] == "due_soon"
    assert items["DB41/T 1-2020"]["zombie"] is True and items["DB41/T 1-2020"]["state"] == "overdue_hard"


def test_table_and_summary(catalog: Path) -> None:
    code, out, _ = run("review", "-C", str(catalog), "--as-of", AS_OF)
    assert code == 0
    assert "DB4103/T 2-2022" in out and "逾期 357 天" in out
    summary = "逾期 2 项（其中超过 5 年上限 1 项），6 个月内到期 1 项，未到期 1 项"
    assert out.strip().splitlines()[-1] == summary


def test_csv(catalog: Path) -> None:
    code, out, err = run("review", "-C", str(catalog), "--as-of", AS_OF, "--format", "csv", "--lang", "en")
    assert code == 0 and out.startswith("\ufeff")  # the catalog export's writer: BOM, CRLF
    rows = list(csv.DictReader(io.StringIO(out[1:])))
    assert [r["code"] for r in rows][:2] == ["DB41/T 1-2020", "DB4103/T 2-2022"]
    assert (rows[1]["days"], rows[1]["last_conclusion"], rows[1]["state"]) == ("-357", "修订", "overdue")
    assert "2 overdue" in err  # the summary stays out of the data


def test_markdown(catalog: Path) -> None:
    code, out, _ = run("review", "-C", str(catalog), "--as-of", AS_OF, "--format", "markdown", "--lang", "en")
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0].startswith("| state | code |") and lines[1].startswith("|---|")
    assert any("国家\\|标准" in line for line in lines)  # pipes in titles are escaped
    assert lines[-1] == "2 overdue (1 past the 5-year limit), 1 due within 6 months, 1 current"


@pytest.mark.parametrize(
    ("args", "codes"),
    [
        (["--region", "41"], ["DB41/T 1-2020", "DB4103/T 2-2022"]),
        # GB/T 2260's six digits name the city and the province too (410300 matched no record: they hold 4103)
        (["--region", "410300"], ["DB4103/T 2-2022"]),
        (["--region", "410000"], ["DB41/T 1-2020", "DB4103/T 2-2022"]),
        (["--tier", "地方标准", "--overdue"], ["DB41/T 1-2020", "DB4103/T 2-2022"]),
        (["--module", "200"], ["DB41/T 1-2020", "DB4103/T 2-2022", "GB/T 3-2023"]),
        (["--due-within", "6m"], ["GB/T 3-2023"]),
        (["--due-within", "2y", "--tier", "local"], ["DB11/T 4-2024"]),
    ],
)
def test_filters(catalog: Path, args: list[str], codes: list[str]) -> None:
    code, out, _ = run("review", "-C", str(catalog), "--as-of", AS_OF, "--format", "json", *args)
    assert code == 0
    assert [i["code"] for i in json.loads(out)["items"]] == codes


@pytest.mark.parametrize(
    "args",
    [["--as-of", "2026-02-30"], ["--due-within", "soon"], ["--tier", "federal"], ["--region", "4"],
     ["--module", "999"], ["--format", "xml"]],
)
def test_bad_arguments_exit_2(catalog: Path, args: list[str]) -> None:
    code, _, _ = run("review", "-C", str(catalog), *args)
    assert code == 2


def test_missing_catalog_exit_2(tmp_path: Path) -> None:
    code, _, err = run("review", "-C", str(tmp_path / "nowhere"))
    assert code == 2 and "nowhere" in err


# --- review add --------------------------------------------------------------------------------------------

HOUSE_STYLE = """\
# yaml-language-server: $schema=../../schemas/standard.schema.json
# 河南示例：注释必须保留
code: DB41/T 9-2021   # 标准号
title: 机关事务示例规范
status: 现行
published: 2021-05-01
effective: '2021-06-01'
issuer: [河南省市场监督管理局, "河南省机关事务管理局"]
module: "202"
sources:
  - https://example.org/a   # 来源
note: >-
  多行备注，
  折叠保留。
suppress:
  - rule: C015
    reason: 引用的标准不在目录中
"""


def _single_insertion(before: str, after: str) -> list[str]:
    """The lines added, asserting that nothing else changed (one contiguous insertion)."""
    a, b = before.splitlines(keepends=True), after.splitlines(keepends=True)
    ops = [op for op in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes() if op[0] != "equal"]
    assert len(ops) == 1 and ops[0][0] == "insert", ops
    _, _, _, j1, j2 = ops[0]
    assert "".join(b[:j1]) + "".join(b[j2:]) == before
    return b[j1:j2]


def _house(tmp_path: Path, text: str = HOUSE_STYLE) -> tuple[Path, Path]:
    root = review_catalog(tmp_path / "cat", [])
    path = root / "records" / "DB41-T-9-2021.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return root, path


def test_add_keeps_everything_else_byte_for_byte(tmp_path: Path) -> None:
    root, path = _house(tmp_path)
    code, out, err = run("review", "add", "DB41T9—2021", "-C", str(root), "--date", "2024-05-20",
                         "--conclusion", "continue", "--by", "河南省机关事务管理局", "--note", "示例: 复审",
                         "--illustrative", "--as-of", AS_OF)
    assert code == 0, err
    assert "DB41/T 9-2021" in out
    added = _single_insertion(HOUSE_STYLE, path.read_text(encoding="utf-8"))
    assert added == ["reviews:\n", "  - date: 2024-05-20\n", "    conclusion: 继续有效\n",
                     "    by: 河南省机关事务管理局\n", "    note: '示例: 复审'\n", "    illustrative: true\n"]
    # Placed before `suppress`, as in the model's key order; the record still loads and lints clean.
    text = path.read_text(encoding="utf-8")
    assert text.index("reviews:") < text.index("suppress:")
    catalog = load_catalog(root)
    assert not catalog.load_findings
    (record,) = catalog.records
    assert record.standard.reviews[0].illustrative
    result = run_rules(catalog, dt.date(2026, 11, 23), Selection(select=["R", "C001"]))
    assert [f.rule for f in result.findings if f.severity is Severity.ERROR] == []


def test_add_appends_to_existing_reviews(tmp_path: Path) -> None:
    root, path = _house(tmp_path)
    assert run("review", "add", "DB41/T 9-2021", "-C", str(root), "--date", "2024-05-20",
               "--conclusion", "修订", "--by", "甲", "--as-of", AS_OF)[0] == 0
    before = path.read_text(encoding="utf-8")
    assert run("review", "add", "DB41/T 9-2021", "-C", str(root), "--date", "2026-11-23",
               "--conclusion", "废止", "--by", "乙", "--as-of", AS_OF)[0] == 0
    added = _single_insertion(before, path.read_text(encoding="utf-8"))
    assert added == ["  - date: 2026-11-23\n", "    conclusion: 废止\n", "    by: 乙\n"]


def test_add_puts_a_review_recorded_late_in_date_order(tmp_path: Path) -> None:
    # appended at the end, a review of 2022 recorded after one of 2024 read out of order in the file
    root, path = _house(tmp_path)
    for day, by in (("2024-05-20", "甲"), ("2022-03-01", "乙"), ("2021-07-01", "丙"), ("2024-05-20", "丁")):
        assert run("review", "add", "DB41/T 9-2021", "-C", str(root), "--date", day, "--conclusion", "继续有效",
                   "--by", by, "--as-of", AS_OF)[0] == (0 if by != "丁" else 2)  # 丁: that day has its review
    before = path.read_text(encoding="utf-8")
    assert run("review", "add", "DB41/T 9-2021", "-C", str(root), "--date", "2023-01-10", "--conclusion", "修订",
               "--by", "戊", "--as-of", AS_OF)[0] == 0
    added = _single_insertion(before, path.read_text(encoding="utf-8"))  # one insertion, all else as it was
    assert added == ["  - date: 2023-01-10\n", "    conclusion: 修订\n", "    by: 戊\n"]
    (record,) = load_catalog(root).records
    assert [(str(r.date), r.by) for r in record.standard.reviews] == [
        ("2021-07-01", "丙"), ("2022-03-01", "乙"), ("2023-01-10", "戊"), ("2024-05-20", "甲")]


def test_add_writes_through_a_link_inside_the_catalog(tmp_path: Path) -> None:
    root, path = _house(tmp_path)
    target = root / "shared.yaml"
    path.rename(target)
    path.symlink_to(Path("../shared.yaml"))
    assert run("review", "add", "DB41/T 9-2021", "-C", str(root), "--date", "2024-05-20",
               "--conclusion", "继续有效", "--by", "甲", "--as-of", AS_OF)[0] == 0
    assert path.is_symlink() and "  - date: 2024-05-20\n" in target.read_text(encoding="utf-8")


def test_add_reads_a_quoted_review_date_as_a_date(tmp_path: Path) -> None:
    # date: '2025-01-01' (a date to the model) counted as before any date: a 2023 review went after it
    root, path = _house(tmp_path)
    path.write_text(path.read_text(encoding="utf-8") + "reviews:\n  - date: '2025-01-01'\n    conclusion: 继续有效\n"
                    "    by: 甲\n", encoding="utf-8")
    assert run("review", "add", "DB41/T 9-2021", "-C", str(root), "--date", "2023-01-10", "--conclusion", "修订",
               "--by", "乙", "--reformat", "--as-of", AS_OF)[0] == 0
    (record,) = load_catalog(root).records
    assert [str(r.date) for r in record.standard.reviews] == ["2023-01-10", "2025-01-01"]


def test_add_refuses_a_second_conclusion_on_the_same_day(tmp_path: Path) -> None:
    # the same conclusion again was refused, another one was written beside it: two verdicts of one day
    root, path = _house(tmp_path)
    assert run("review", "add", "DB41/T 9-2021", "-C", str(root), "--date", "2024-05-20",
               "--conclusion", "继续有效", "--by", "甲", "--as-of", AS_OF)[0] == 0
    before = path.read_text(encoding="utf-8")
    code, _, err = run("review", "add", "DB41/T 9-2021", "-C", str(root), "--date", "2024-05-20",
                       "--conclusion", "废止", "--by", "甲", "--as-of", AS_OF, "--lang", "en")
    assert code == 2 and "already has a review on 2024-05-20 concluding 'continue'" in " ".join(err.split())
    assert path.read_text(encoding="utf-8") == before


def test_add_preserves_crlf_bom_and_missing_final_newline(tmp_path: Path) -> None:
    original = ("\ufeff" + HOUSE_STYLE.rstrip("\n")).replace("\n", "\r\n")
    root, path = _house(tmp_path, original)
    assert run("review", "add", "DB41/T 9-2021", "-C", str(root), "--date", "2024-05-20",
               "--conclusion", "修订", "--by", "甲", "--as-of", AS_OF)[0] == 0
    after = path.read_bytes().decode("utf-8")
    assert after.startswith("\ufeff") and not after.endswith("\n")
    assert "\n" not in after.replace("\r\n", "")
    _single_insertion(original.replace("\r\n", "\n") + "\n", after.replace("\r\n", "\n") + "\n")


@pytest.mark.parametrize("ends", ["mixed", "cr"])
def test_add_keeps_each_line_s_own_end(tmp_path: Path, ends: str) -> None:
    # A file mixing CRLF and LF came back all CRLF (every LF line changed in a diff), and one ending its lines in
    # CR (read as line breaks by lint and YAML alike) was refused as laid out unlike the catalog
    lines = HOUSE_STYLE.split("\n")
    if ends == "mixed":
        original = "".join(line + ("\r\n" if n in (2, 3, 4) else "\n") for n, line in enumerate(lines[:-1]))
    else:
        original = HOUSE_STYLE.replace("\n", "\r")
    root, path = _house(tmp_path, original)
    assert run("review", "add", "DB41/T 9-2021", "-C", str(root), "--date", "2024-05-20",
               "--conclusion", "修订", "--by", "甲", "--as-of", AS_OF)[0] == 0
    added = _single_insertion(original, path.read_bytes().decode("utf-8"))  # every other line as it was, its end too
    assert added[0].startswith("reviews:")
    usual = "\n" if ends == "mixed" else "\r"  # a new line ends as most of the file's lines do
    assert all(line.endswith(usual) and not line.endswith("\r\n") for line in added), added


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["GB/T 9999-2020", "--date", "2024-05-20"], "no standard GB/T 9999-2020"),
        (["DB41/T 9-2021", "--date", "2024-02-30"], "not a valid date"),
        (["DB41/T 9-2021", "--date", "2024-05-20", "--conclusion", "maybe"], "not a review conclusion"),
        (["DB41/T 9-2021", "--date", "2027-01-01"], "has not happened yet"),
        (["DB41/T 9-2021", "--date", "2021-05-31"], "before the effective date"),
        (["DB41/T 9-2021", "--date", "2024-05-20", "--by", "  "], "--by must not be empty"),
    ],
)
def test_add_refuses_and_changes_nothing(tmp_path: Path, args: list[str], message: str) -> None:
    root, path = _house(tmp_path)
    defaults = {"--conclusion": "继续有效", "--by": "某局"}
    extra = [item for key, value in defaults.items() if key not in args for item in (key, value)]
    code, _, err = run("review", "add", *args, *extra, "-C", str(root), "--as-of", AS_OF, "--lang", "en")
    assert code == 2
    assert message in " ".join(err.split())
    assert path.read_text(encoding="utf-8") == HOUSE_STYLE
    assert sorted(p.name for p in path.parent.iterdir()) == ["DB41-T-9-2021.yaml"]  # no temp files left


@pytest.mark.parametrize("typed", ["20240520", "2024-W21-1", "2024W211"])
def test_add_refuses_a_date_not_written_yyyy_mm_dd(tmp_path: Path, typed: str) -> None:
    # date.fromisoformat takes these spellings of 2024-05-20 too: the review was written, in a catalog whose
    # dates are all YYYY-MM-DD
    root, path = _house(tmp_path)
    for lang, said in (("zh", f"--date '{typed}' 应写作 YYYY-MM-DD（如 2024-05-20）"),
                       ("en", f"--date '{typed}' must be written YYYY-MM-DD (e.g. 2024-05-20)")):
        code, _, err = run("review", "add", "DB41/T 9-2021", "-C", str(root), "--date", typed,
                           "--conclusion", "继续有效", "--by", "某局", "--as-of", AS_OF, "--lang", lang)
        assert code == 2 and said in " ".join(err.split()), err
    assert path.read_text(encoding="utf-8") == HOUSE_STYLE


def test_add_refuses_a_file_it_cannot_keep_byte_for_byte(tmp_path: Path) -> None:
    odd = HOUSE_STYLE.replace("  - https://example.org/a   # 来源", "- https://example.org/a")
    root, path = _house(tmp_path, odd)
    args = ["review", "add", "DB41/T 9-2021", "-C", str(root), "--date", "2024-05-20",
            "--conclusion", "继续有效", "--by", "甲", "--as-of", AS_OF, "--lang", "en"]
    code, _, err = run(*args)
    assert code == 2 and "--reformat" in err
    assert path.read_text(encoding="utf-8") == odd
    assert run(*args, "--reformat")[0] == 0
    assert load_catalog(root).records[0].standard.reviews[0].by == "甲"


def test_add_duplicate_code_is_ambiguous(tmp_path: Path) -> None:
    root, path = _house(tmp_path)
    (path.parent / "copy.yaml").write_text(HOUSE_STYLE, encoding="utf-8")
    code, _, err = run("review", "add", "DB41/T 9-2021", "-C", str(root), "--date", "2024-05-20",
                       "--conclusion", "继续有效", "--by", "甲", "--as-of", AS_OF, "--lang", "en")
    assert code == 2 and "more than one file" in " ".join(err.split())


def test_added_review_moves_the_worklist(tmp_path: Path) -> None:
    root, _ = _house(tmp_path)
    before = json.loads(run("review", "-C", str(root), "--as-of", AS_OF, "--format", "json")[1])
    assert before["items"][0]["state"] == "overdue_hard"
    run("review", "add", "DB41/T 9-2021", "-C", str(root), "--date", "2025-01-15", "--conclusion", "继续有效",
        "--by", "甲", "--as-of", AS_OF)
    after = json.loads(run("review", "-C", str(root), "--as-of", AS_OF, "--format", "json")[1])
    assert (after["items"][0]["state"], after["items"][0]["due"]) == ("current", "2028-01-15")


# --- the bundled sample catalog ----------------------------------------------------------------------------

SAMPLE = Path(__file__).resolve().parents[1] / "standards"


@pytest.mark.parametrize(
    ("code", "state", "due", "days"),
    [  # checked by hand: effective date or last review + period (local 3 years, national/industry/group 5)
        ("DB51/T 2866-2022", "overdue", "2025-04-01", -601),
        ("DB4203/T 131-2018", "overdue", "2025-06-20", -521),    # clock restarted by the 2022-06-20 review
        ("DB4103/T 152-2023", "due_soon", "2026-12-17", 24),
        ("DB61/T 1399-2020", "due_soon", "2026-12-26", 33),
        ("GB/T 40498-2021", "due_soon", "2027-03-01", 98),
        ("JGJ/T 67-2019", "current", "2029-12-20", 1123),
        ("T/NMGPRCYFD 002-2023", "current", "2028-02-23", 457),
    ],
)
def test_sample_catalog_figures(code: str, state: str, due: str, days: int) -> None:
    out = run("review", "-C", str(SAMPLE), "--as-of", AS_OF, "--format", "json")[1]
    item = next(i for i in json.loads(out)["items"] if i["code"] == code)
    assert (item["state"], item["due"], item["days"]) == (state, due, days)


def test_sample_catalog_has_no_review_errors() -> None:
    result = run_rules(load_catalog(SAMPLE), dt.date(2026, 11, 23), Selection(select=["R"]))
    assert not result.internal_errors
    assert [f for f in result.findings if f.severity is Severity.ERROR] == []


def test_table_shows_a_title_with_console_markup_as_text(tmp_path: Path) -> None:
    """A title such as "[/]" or "[bold]" is data: the table prints it as written instead of failing."""
    records = [{**RECORDS[0], "title": "[/]机关[bold]食堂[/bold]\x1b[2J服务规范"}]
    catalog = review_catalog(tmp_path / "cat", records)
    code, out, _ = run("review", "-C", str(catalog), "--as-of", AS_OF)
    assert code == 0
    assert "[/]机关[bold]食堂[/bold]" in out and "\x1b" not in out


def test_undated_standards_in_force_are_named_and_long_windows_do_not_crash(tmp_path: Path) -> None:
    # A standard in force with no dates (what `gbstd new` writes) was dropped from the worklist without a word
    # (system counted it); --due-within 99999y stopped with a date overflow traceback.
    import json as json_module

    from typer.testing import CliRunner

    from gbstd.cli.app import app

    root = write_catalog(tmp_path / "c", {
        "records/DB41-T-1-2020.yaml": "code: DB41/T 1-2020\ntitle: 公务用车服务规范\nstatus: 现行\n",
        "records/DB41-T-2-2020.yaml": "code: DB41/T 2-2020\ntitle: 机关食堂服务规范\nstatus: 现行\neffective: 2020-03-01\n",
    }, config="")
    runner = CliRunner()
    result = runner.invoke(app, ["review", str(root), "-f", "json", "--as-of", "2024-01-01", "--lang", "en"])
    assert json_module.loads(result.stdout)["undated"] == ["DB41/T 1-2020"]
    assert "DB41/T 1-2020" in result.stderr and "no review clock" in " ".join(result.stderr.split())
    for window in ("99999y", "8000y"):
        result = runner.invoke(app, ["review", str(root), "-f", "json", "--as-of", "2021-01-01", "--due-within", window])
        assert result.exit_code in (0, 1), result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)  # not an OverflowError
        assert [item["code"] for item in json_module.loads(result.stdout)["items"]] == ["DB41/T 2-2020"]


def test_an_unknown_module_is_refused_before_the_records_are_read(
    catalog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_load(*args: object, **kwargs: object) -> None:
        raise AssertionError("the records were read for a module the system does not have")

    monkeypatch.setattr("gbstd.cli.review.load_union_or_fail", no_load)
    code, _, err = run("review", "-C", str(catalog), "--module", "999", "--lang", "en")
    assert code == 2 and "--module '999' is not a module of the standard system" in " ".join(err.split())


def test_a_broken_system_file_is_left_to_the_load_to_report(catalog: Path) -> None:
    (catalog / "system.yaml").write_text("name: [broken\n", encoding="utf-8")
    code, out, err = run("review", "-C", str(catalog), "--module", "200", "--lang", "en", "--as-of", AS_OF,
                         "--format", "json")
    assert code == 0 and "system.yaml" in err and "left out" in err  # as without --module: no system, no check
    assert json.loads(out)["as_of"] == AS_OF


# Files lint reads but the round trip (YAML 1.2, ruamel's constructor) cannot: the text, what review add's one
# line and fmt's message must say, and what they must not.
_UNREADABLE_TO_THE_ROUND_TRIP = {
    # U+0085 (NEL) breaks lines for lint's reader (libyaml), not the round trip's: review add ended in a ruamel
    # ScannerError traceback, and fmt printed ruamel's several-line message
    "nel": (HOUSE_STYLE.replace("\ntitle:", "\x85title:", 1), ["U+0085"], ["U+0085"], "<unicode string>"),
    # `title_en: 2023-02-30` is text to lint and a date to the round trip, which cannot make one of it: review
    # add ended in ruamel's "ValueError: day is out of range for month" traceback, fmt said only that
    "no such day": (
        HOUSE_STYLE.replace("title: 机关事务示例规范\n", "title: 机关事务示例规范\ntitle_en: 2023-02-30\n", 1),
        ["2023-02-30 looks like a date but is no valid day", "('2023-02-30')"],
        ["DB41-T-9-2021.yaml:5:11: ", "no valid day"], "out of range",
    ),
}


@pytest.mark.parametrize("case", sorted(_UNREADABLE_TO_THE_ROUND_TRIP))
@pytest.mark.parametrize("reformat", [[], ["--reformat"]])
def test_add_to_a_file_lint_reads_but_the_round_trip_cannot_is_one_line(
    tmp_path: Path, reformat: list[str], case: str,
) -> None:
    text, said, fmt_said, unsaid = _UNREADABLE_TO_THE_ROUND_TRIP[case]
    root, path = _house(tmp_path, text)
    code, _, err = run("review", "add", "DB41/T 9-2021", "-C", str(root), "--date", "2024-05-20",
                       "--conclusion", "继续有效", "--by", "甲", "--as-of", AS_OF, "--lang", "en", *reformat)
    assert code == 2 and "Traceback" not in err, err
    assert len(err.strip().splitlines()) == 1 and all(words in err for words in said), err
    assert path.read_text(encoding="utf-8") == text
    fmt = runner.invoke(app, ["fmt", str(root), "--lang", "en"])
    assert fmt.exit_code == 1 and all(words in fmt.stderr for words in fmt_said), fmt.stderr
    assert unsaid not in fmt.stderr
    assert path.read_text(encoding="utf-8") == text


@pytest.mark.parametrize("old, new, lost", [
    ("issuer: [河南省市场监督管理局, ", "issuer: [河南省市场监督管理局,  # 联合发布\n  ", "# 联合发布 on line 8"),
    ("# 河南示例：注释必须保留\n", "# 河南示例：注释必须保留\n--- # 文档开始\n", "# yaml-language-server"),  # above ---
])
def test_add_with_reformat_refuses_to_drop_a_comment(tmp_path: Path, old: str, new: str, lost: str) -> None:
    # --reformat lays the file out anew; the round trip dropped a comment inside a flow [...] or around ---
    # without a word, and the review was written with exit 0.
    text = HOUSE_STYLE.replace(old, new, 1)
    root, path = _house(tmp_path, text)
    code, _, err = run("review", "add", "DB41/T 9-2021", "-C", str(root), "--date", "2024-05-20",
                       "--conclusion", "继续有效", "--by", "甲", "--as-of", AS_OF, "--lang", "en", "--reformat")
    assert code == 2 and f"the comment {lost}" in " ".join(err.split()), err
    assert path.read_text(encoding="utf-8") == text


def test_add_refuses_a_by_typed_in_gbk_in_the_command_s_language(tmp_path: Path) -> None:
    # "测试" typed on a GBK terminal under a UTF-8 locale: pydantic's English 'unable to parse raw data as a
    # unicode string' in a Chinese message before.
    root, path = _house(tmp_path)
    by = b"\xb2\xe2\xca\xd4".decode("utf-8", "surrogateescape")
    code, _, err = run("review", "add", "DB41/T 9-2021", "-C", str(root), "--date", "2024-05-20",
                       "--conclusion", "继续有效", "--by", by, "--as-of", AS_OF)
    assert code == 2 and err.strip() == "gbstd: --by 含有非 UTF-8 字节（终端不是 UTF-8 编码？）"
    assert path.read_text(encoding="utf-8") == HOUSE_STYLE


def test_add_after_a_flow_review_with_a_comment_under_a_commented_key(tmp_path: Path) -> None:
    # `reviews:  # …` over `- {…}  # …`: ruamel's emitter carried its "just wrote `- `" flag past the flow
    # mapping's comment and wrote the new review's keys on one line (`- date: … conclusion: …`), so a file that
    # reads and round-trips fine was refused as "no longer a valid record".
    text = HOUSE_STYLE + "reviews:  # 复审记录\n  - {date: 2022-06-01, conclusion: 继续有效, by: 甲}   # 首次\n"
    root, path = _house(tmp_path, text)
    code, _, err = run("review", "add", "DB41/T 9-2021", "-C", str(root), "--date", "2024-05-20",
                       "--conclusion", "修订", "--by", "乙", "--as-of", AS_OF, "--lang", "en")
    assert code == 0, err
    added = _single_insertion(text, path.read_text(encoding="utf-8"))
    assert added == ["  - date: 2024-05-20\n", "    conclusion: 修订\n", "    by: 乙\n"]
    (record,) = load_catalog(root).records
    assert [(str(r.date), r.by) for r in record.standard.reviews] == [("2022-06-01", "甲"), ("2024-05-20", "乙")]


def test_add_after_a_flow_review_followed_by_comment_lines(tmp_path: Path) -> None:
    # The same flag made the round trip itself join `conclusion: 修订 by: 甲` of the review after such a flow
    # review and its comment lines: the file was refused as laid out unlike the catalog, and with --reformat,
    # the way out offered, as no longer a valid record.
    text = HOUSE_STYLE + ("reviews:  # 复审记录\n  - {date: 2022-06-01, conclusion: 继续有效, by: 甲}   # 首次\n  # 其后\n"
                          "  - date: 2023-06-01  # 第二次\n    conclusion: 修订\n    by: 甲\n")
    root, path = _house(tmp_path, text)
    code, _, err = run("review", "add", "DB41/T 9-2021", "-C", str(root), "--date", "2024-05-20",
                       "--conclusion", "继续有效", "--by", "乙", "--as-of", AS_OF, "--lang", "en")
    assert code == 0, err
    added = _single_insertion(text, path.read_text(encoding="utf-8"))
    assert added == ["  - date: 2024-05-20\n", "    conclusion: 继续有效\n", "    by: 乙\n"]
