"""`gbstd lint` through the CLI runner: exit codes, JSON shape, languages, selection, strictness."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gbstd.cli.app import app
from tests.conftest import CatalogFactory, record

runner = CliRunner()
GOOD = record("GB/T 41568-2022", "机关事务管理 术语", published="2022-04-15", effective="2022-04-15")
BAD_YEAR = record("GB/T 43542-2023", "物业服务监管和评价规范", published="2024-04-01", effective="2024-04-01")


def lint(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["lint", *args])
    return result.exit_code, result.stdout


def test_clean_catalog_exits_0(make_catalog: CatalogFactory) -> None:
    root = make_catalog({"records/GB-T-41568-2022.yaml": GOOD})
    # Before its review falls due (2025-04-15, R001/R003): nothing to report.
    code, out = lint(str(root), "--as-of", "2024-01-01")
    assert code == 0
    assert "未发现问题" in out


def test_json_has_exactly_the_contract_keys(make_catalog: CatalogFactory) -> None:
    root = make_catalog({"records/GB-T-43542-2023.yaml": BAD_YEAR})
    code, out = lint(str(root), "--format", "json", "--as-of", "2026-11-23", "--ignore", "R")  # not the review clock
    assert code == 1
    findings = json.loads(out)
    assert findings == [
        {
            "rule": "C005",
            "severity": "error",
            "path": "records/GB-T-43542-2023.yaml",
            "line": 4,
            "column": 12,
            "record": "GB/T 43542-2023",
            "message": findings[0]["message"],
        }
    ]
    assert "2023" in findings[0]["message"] and "发布" in findings[0]["message"]


def test_english_messages(make_catalog: CatalogFactory) -> None:
    root = make_catalog({"records/GB-T-43542-2023.yaml": BAD_YEAR})
    _, out = lint(str(root), "--format", "json", "--lang", "en")
    assert json.loads(out)[0]["message"].startswith("code year 2023 differs")


def test_text_output_is_grouped_plain_and_summarised(make_catalog: CatalogFactory) -> None:
    root = make_catalog({"records/GB-T-43542-2023.yaml": BAD_YEAR, "records/GB-T-41568-2022.yaml": GOOD})
    code, out = lint(str(root), "--lang", "en", "--ignore", "R")  # review findings depend on the day
    lines = out.splitlines()
    assert code == 1
    assert lines[0] == "records/GB-T-43542-2023.yaml"
    assert lines[1].startswith("  records/GB-T-43542-2023.yaml:4:12: error C005 code year 2023")
    assert "\x1b[" not in out  # plain when not a terminal
    assert lines[-1] == "Checked 2 files: 1 finding in 1 file (1 error, 0 warnings, 0 info)."


def test_select_and_ignore(make_catalog: CatalogFactory) -> None:
    root = make_catalog({"records/GB-T-43542-2023.yaml": BAD_YEAR})
    assert lint(str(root), "--ignore", "C005")[0] == 0
    assert lint(str(root), "--select", "C006,C007")[0] == 0
    assert lint(str(root), "--select", "C0")[0] == 1
    assert lint(str(root), "--select", "C", "--ignore", "C00")[0] == 0


@pytest.mark.parametrize("option", ["--select", "--ignore"])
@pytest.mark.parametrize("value", ["", " ", ","])
def test_an_empty_selection_is_refused_naming_the_option(
    make_catalog: CatalogFactory, option: str, value: str
) -> None:
    # `--select "$RULES"` with RULES unset named no rule and ran every rule (exit 1 here, on C005), as an
    # empty --changed-since or -C is refused
    root = make_catalog({"records/GB-T-43542-2023.yaml": BAD_YEAR})
    for args in ([option, value], [option, "C006", option, value]):
        result = runner.invoke(app, ["lint", str(root), "--lang", "en", *args])
        assert result.exit_code == 2 and result.stdout == ""
        assert result.stderr.strip() == f"gbstd: {option} is empty: give it rule codes or prefixes (e.g. C005, C)"
    assert lint(str(root), option, "C006,")[0] == (0 if option == "--select" else 1)  # a trailing comma is no empty value


def test_config_severity_and_ignore(make_catalog: CatalogFactory) -> None:
    config = "[lint]\nignore = ['C005']\n"
    root = make_catalog({"records/GB-T-43542-2023.yaml": BAD_YEAR}, config=config)
    assert lint(str(root))[0] == 0
    config = "[lint.severity]\nC005 = 'warning'\n"
    root = make_catalog({"records/GB-T-43542-2023.yaml": BAD_YEAR}, config=config, name="c2")
    code, out = lint(str(root), "--format", "json")
    assert code == 0 and json.loads(out)[0]["severity"] == "warning"
    assert lint(str(root), "--strict")[0] == 1


def test_rule_codes_in_the_config_are_read_in_any_case_as_on_the_command_line(
    make_catalog: CatalogFactory,
) -> None:
    # `--select c005` works; `select = ["c005"]` in gbstd.toml was refused as "not a rule code or prefix", and
    # `c005 = 'warning'` under [lint.severity] as "not a rule code"
    config = "[lint]\nselect = ['c', 'r']\nignore = ['r']\n[lint.severity]\nc005 = 'warning'\n"
    root = make_catalog({"records/GB-T-43542-2023.yaml": BAD_YEAR}, config=config)
    code, out = lint(str(root), "--format", "json", "--as-of", "2026-11-23")
    assert code == 0, out
    assert [(f["rule"], f["severity"]) for f in json.loads(out)] == [("C005", "warning")]
    # one code twice, in two cases, is refused rather than one of the two dropped
    config = "[lint.severity]\nc005 = 'warning'\nC005 = 'error'\n"
    root = make_catalog({"records/GB-T-43542-2023.yaml": BAD_YEAR}, config=config, name="c2")
    result = runner.invoke(app, ["lint", str(root), "--lang", "en"])
    assert result.exit_code == 2 and "C005 is given twice" in result.stderr
    # what is no code in any case is still named as written
    root = make_catalog({"records/GB-T-43542-2023.yaml": BAD_YEAR}, config="[lint]\nselect = ['c0x']\n", name="c3")
    result = runner.invoke(app, ["lint", str(root), "--lang", "en"])
    assert result.exit_code == 2 and "'c0x' is not a rule code or prefix" in result.stderr


def test_unknown_codes_in_the_config_are_errors_named_once(make_catalog: CatalogFactory) -> None:
    # A typo under [lint.severity] (C09 for C009) changed no rule's severity, with exit 0; a code given both in
    # gbstd.toml and on the command line was listed twice, and the file was not named.
    root = make_catalog({"records/GB-T-43542-2023.yaml": BAD_YEAR}, config="[lint.severity]\nC09 = 'error'\n")
    result = runner.invoke(app, ["lint", str(root)])
    assert result.exit_code == 2
    assert "C09" in result.stderr and "[lint.severity]" in result.stderr
    root = make_catalog({"records/GB-T-43542-2023.yaml": BAD_YEAR}, config="[lint]\nignore = ['Q00']\n", name="c2")
    result = runner.invoke(app, ["lint", str(root), "--ignore", "Q00", "--lang", "en"])
    message = " ".join(result.stderr.split())
    assert result.exit_code == 2
    assert "unknown rule codes: Q00; unknown rule codes in gbstd.toml [lint] select/ignore: Q00" in message


def test_inline_suppression_with_reason(make_catalog: CatalogFactory) -> None:
    text = BAD_YEAR + "suppress:\n  - rule: C005\n    reason: 官方公告发布日期与标准封面不一致\n"
    root = make_catalog({"records/GB-T-43542-2023.yaml": text})
    assert lint(str(root))[0] == 0
    without_reason = BAD_YEAR + "suppress:\n  - rule: C005\n"
    root = make_catalog({"records/GB-T-43542-2023.yaml": without_reason}, name="c2")
    code, out = lint(str(root), "--format", "json")
    assert code == 1 and {f["rule"] for f in json.loads(out)} == {"C001"}


def test_lint_a_single_file_reports_only_that_file(make_catalog: CatalogFactory) -> None:
    root = make_catalog({"records/GB-T-43542-2023.yaml": BAD_YEAR, "records/GB-T-41568-2022.yaml": GOOD})
    code, out = lint(str(root / "records/GB-T-41568-2022.yaml"))
    assert code == 0
    code, out = lint(str(root / "records/GB-T-43542-2023.yaml"), "--format", "json", "--ignore", "R")
    assert code == 1 and len(json.loads(out)) == 1


def test_catalog_found_upward_from_a_subdirectory(make_catalog: CatalogFactory, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    root = make_catalog({"records/national/GB-T-43542-2023.yaml": BAD_YEAR})
    monkeypatch.chdir(root / "records" / "national")
    code, out = lint("--format", "json")
    assert code == 1 and json.loads(out)[0]["path"] == "records/national/GB-T-43542-2023.yaml"


def test_tool_errors_exit_2(make_catalog: CatalogFactory, tmp_path: Path) -> None:
    assert lint(str(tmp_path / "nowhere"))[0] == 2
    (tmp_path / "empty").mkdir()
    assert lint(str(tmp_path / "empty"))[0] == 2  # no gbstd.toml anywhere above
    root = make_catalog({"records/GB-T-41568-2022.yaml": GOOD}, config="[lint]\nselec = ['C']\n", name="typo")
    result = runner.invoke(app, ["lint", str(root)])
    assert result.exit_code == 2 and "selec" in result.stderr
    root = make_catalog({}, config="[lint\n", name="broken")
    result = runner.invoke(app, ["lint", str(root)])
    assert result.exit_code == 2 and "gbstd.toml" in result.stderr and "line 1" in result.stderr
    root = make_catalog({"records/GB-T-41568-2022.yaml": GOOD}, name="ok")
    assert lint(str(root), "--as-of", "2026-02-30")[0] == 2
    assert lint(str(root), "--select", "Z999")[0] == 2


def test_rules_and_rule_commands() -> None:
    listing = runner.invoke(app, ["rules", "--json"])
    rows = json.loads(listing.stdout)
    assert {"C001", "C007", "Y005"} <= {row["code"] for row in rows}
    explained = runner.invoke(app, ["rule", "c007", "--lang", "en"])
    assert explained.exit_code == 0
    for section in ("What it does:", "Why it matters:", "Example:", "Use instead:"):
        assert section in explained.stdout
    assert runner.invoke(app, ["rule", "X123"]).exit_code == 2


def test_one_file_no_problems_is_singular_and_s003_names_a_subject_once(make_catalog: CatalogFactory) -> None:
    root = make_catalog({"records/GB-T-41568-2022.yaml": GOOD}, config="")
    result = runner.invoke(app, ["lint", str(root), "--lang", "en", "--select", "C002", "--no-cache"])
    assert "Checked 1 file: no problems found." in result.stdout
    system = "name: 体系\nmodules:\n  - {id: '202', name: 公务用车, subjects: [公务用车]}\n"
    files = {
        "system.yaml": system,
        "records/DB41-T-30-2021.yaml": record("DB41/T 30-2021", "党政机关公务用车管理规范", published="2021-01-01",
                                              effective="2021-03-01", module='"202"'),
        "records/DB4103-T-30-2022.yaml": record("DB4103/T 30-2022", "公务用车管理规范", published="2022-01-01",
                                                effective="2022-03-01", module='"202"'),
    }
    root = make_catalog(files, config="[catalog]\nsystem = 'system.yaml'\n", name="s003")
    result = runner.invoke(app, ["lint", str(root), "--lang", "en", "--select", "S003", "--format", "json",
                                 "--as-of", "2023-01-01", "--no-cache"])
    messages = [f["message"] for f in json.loads(result.stdout)]
    assert len(messages) == 1 and "(subject: 公务用车)" in messages[0], messages


def test_lint_limited_to_a_folder_reached_through_links(tmp_path: Path) -> None:
    """A folder named on the command line limits the report to the files inside it, however it is reached (the
    catalog through a link, the folder itself a link); the files are located a directory at a time."""
    import shutil

    sample = Path(__file__).resolve().parent.parent / "standards"
    real = tmp_path / "real"
    shutil.copytree(sample, real, ignore=shutil.ignore_patterns(".gbstd-cache"))
    (tmp_path / "named").symlink_to(real, target_is_directory=True)
    (real / "records" / "alias").symlink_to(real / "records" / "local", target_is_directory=True)
    expected = sorted(p.relative_to(real).as_posix() for p in (real / "records" / "local").rglob("*.yaml"))
    whole = json.loads(lint(str(real), "--format", "json")[1])
    assert any(not f["path"].startswith("records/local/") for f in whole)  # something to leave out
    for folder in (real / "records" / "local", tmp_path / "named" / "records" / "local",
                   real / "records" / "alias"):
        code, out = lint(str(folder), "--format", "json")
        found = json.loads(out)
        assert code in (0, 1) and found, folder
        assert {f["path"] for f in found} <= set(expected), folder
        assert [f for f in whole if f["path"].startswith("records/local/")] == found, folder
    (real / "records" / "empty").mkdir()
    result = runner.invoke(app, ["lint", str(real / "records" / "empty"), "--lang", "en"])
    assert result.exit_code == 2 and "holds no catalog files" in " ".join(result.stderr.split())


@pytest.mark.parametrize("typed", ["20240520", "2024-W21-1"])
@pytest.mark.parametrize(("command", "option"), [
    (["lint"], "--as-of"), (["review"], "--as-of"), (["pipeline"], "--from"), (["report", "bulletin"], "--to"),
])
def test_a_date_option_not_written_yyyy_mm_dd_is_refused(
    make_catalog: CatalogFactory, command: list[str], option: str, typed: str
) -> None:
    # date.fromisoformat reads these spellings of 2024-05-20 too: the day was taken, where review add --date
    # refuses them
    root = make_catalog({"records/GB-T-41568-2022.yaml": GOOD})
    for lang, said in ((("zh", f"{option} '{typed}' 应写作 YYYY-MM-DD（如 2024-05-20）"),
                        ("en", f"{option} '{typed}' must be written YYYY-MM-DD (e.g. 2024-05-20)"))):
        result = runner.invoke(app, [*command, str(root), option, typed, "--lang", lang])
        assert result.exit_code == 2 and said in " ".join(result.stderr.split()), result.output
        assert "Traceback" not in result.output


def test_a_wrong_tier_or_nature_lists_in_chinese_the_words_a_record_may_hold(make_catalog: CatalogFactory) -> None:
    # the Chinese message listed the English keys ('national'、…) inside its sentence; the model takes the
    # Chinese labels too, so those are what a Chinese reader is told to write
    wrong = record("GB/T 41568-2022", "机关事务管理 术语", published="2022-04-15", tier="nation", nature="advisory")
    root = make_catalog({"records/GB-T-41568-2022.yaml": wrong})
    said = {lang: [f["message"] for f in json.loads(runner.invoke(app, [
        "lint", str(root), "--format", "json", "--select", "C001", "--lang", lang]).stdout)] for lang in ("zh", "en")}
    assert sorted(said["zh"]) == [
        "`nature`: 'advisory' 不是允许的取值（'强制性'、'推荐性' 或 '指导性'）",
        "`tier`: 'nation' 不是允许的取值（'国家标准'、'行业标准'、'地方标准'、'团体标准'、'企业标准' 或 '内部标准'）",
    ]
    assert sorted(said["en"]) == [
        "`nature`: 'advisory' is not one of 'mandatory', 'recommended' or 'guidance'",
        "`tier`: 'nation' is not one of 'national', 'industry', 'local', 'group', 'enterprise' or 'internal'",
    ]
    (root / "records/GB-T-41568-2022.yaml").write_text(  # what the Chinese message offers is taken
        record("GB/T 41568-2022", "机关事务管理 术语", published="2022-04-15", tier="国家标准", nature="推荐性"),
        encoding="utf-8")
    result = runner.invoke(app, ["lint", str(root), "--format", "json", "--select", "C001"])
    assert result.exit_code == 0 and json.loads(result.stdout) == []


@pytest.mark.parametrize("order", ["catalog first", "other first"])
def test_a_second_catalog_named_beside_the_first_is_refused_exit_2(make_catalog: CatalogFactory, order: str) -> None:
    # `lint one other` linted `one` and passed over `other` without a word (exit 0): a path named is never dropped
    one = make_catalog({"records/GB-T-41568-2022.yaml": GOOD}, name="one")
    other = make_catalog({"records/GB-T-43542-2023.yaml": BAD_YEAR}, name="other")
    first, second = (one, other) if order == "catalog first" else (other, one)
    result = runner.invoke(app, ["lint", str(first), str(second), "--as-of", "2024-01-01", "--lang", "en"])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == f"gbstd: {second} is not inside the catalog {first}\n"
    # the catalog with a path inside it (or above it) is still one catalog
    assert lint(str(one), str(one / "records"), "--as-of", "2024-01-01")[0] == 0
