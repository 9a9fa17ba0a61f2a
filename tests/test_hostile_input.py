"""Whatever people put into a repository: findings or a one-line error, with the exit code asserted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gbstd.catalog.yamlio import MAX_DEPTH, parse_yaml
from gbstd.cli.app import app

runner = CliRunner()

GOOD = """code: GB/T 41568-2022
title: 机关事务管理 术语
status: 现行
published: 2022-04-15
effective: 2022-11-01
reviews:
  - date: 2025-01-10
    conclusion: 继续有效
    by: 国务院机关事务管理局
"""


def catalog(tmp_path: Path, files: dict[str, bytes | str] | None = None, config: str = "") -> Path:
    root = tmp_path / "cat"
    (root / "records").mkdir(parents=True)
    (root / "gbstd.toml").write_text(config, encoding="utf-8")
    for rel, content in (files or {}).items():
        path = root / "records" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
    return root


def lint(root: Path | str, *extra: str) -> tuple[int, list[dict[str, object]], str]:
    result = runner.invoke(
        app,
        [
            "lint",
            str(root),
            "--as-of",
            "2025-06-30",
            "--format",
            "json",
            "--lang",
            "en",
            "--no-cache",
            *extra,
        ],
    )
    assert "Traceback" not in result.output
    findings = json.loads(result.stdout) if result.exit_code in (0, 1) else []
    return result.exit_code, findings, result.stderr


def only(findings: list[dict[str, object]], rule: str) -> dict[str, object]:
    matching = [f for f in findings if f["rule"] == rule]
    assert len(matching) == 1, findings
    return matching[0]


ALIAS_BOMB = (
    "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    + "".join(
        f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]\n"
        for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
    )
    + "code: *i\n"
)


def test_alias_bomb_is_refused_quickly_with_bounded_memory(tmp_path: Path) -> None:
    tracemalloc.start()
    start = time.perf_counter()
    data, problems = parse_yaml(ALIAS_BOMB)
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert data is None and problems[0].rule == "Y001" and "alias" in problems[0].message.en
    assert (problems[0].line, problems[0].column) == (2, 8)  # the first *a
    assert elapsed < 1.0 and peak < 5_000_000
    code, findings, _ = lint(catalog(tmp_path, {"bomb.yaml": ALIAS_BOMB}))
    assert code == 1 and only(findings, "Y001")["line"] == 2


def test_even_a_single_alias_is_refused() -> None:
    data, problems = parse_yaml("code: &c GB/T 1-2020\nreplaces: [*c]\n")
    assert data is None and problems[0].rule == "Y001" and (problems[0].line, problems[0].column) == (2, 12)


@pytest.mark.parametrize(
    "text",
    [
        "code: " + "[" * 200_000 + "]" * 200_000 + "\n",
        "code: " + "{a: " * 50_000 + "1" + "}" * 50_000 + "\n",
        "".join("  " * i + "-\n" for i in range(MAX_DEPTH + 5)),
    ],
)
def test_deep_nesting_is_a_finding_not_a_crash(tmp_path: Path, text: str) -> None:
    # In a child process: a regression here used to be a segmentation fault in the C composer.
    root = catalog(tmp_path, {"deep.yaml": text})
    done = subprocess.run(
        [sys.executable, "-m", "gbstd", "lint", str(root), "--format", "json", "--lang", "en", "--no-cache"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    finding = only(json.loads(done.stdout), "Y001")
    assert "nested deeper than" in str(finding["message"])


def test_nesting_up_to_the_limit_is_fine() -> None:
    data, problems = parse_yaml("a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n")
    assert problems == [] and isinstance(data, dict)


def test_a_50_mb_file_is_refused_by_size_without_reading_it(tmp_path: Path) -> None:
    root = catalog(tmp_path, {"GB-T-41568-2022.yaml": GOOD})
    huge = root / "records" / "huge.yaml"
    with open(huge, "wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: 50 MB of NUL bytes, nothing written
    start = time.perf_counter()
    code, findings, _ = lint(root)
    assert time.perf_counter() - start < 10
    assert code == 1
    message = str(only(findings, "Y009")["message"])
    assert "52428800 bytes" in message and "max_file_size" in message
    (root / "gbstd.toml").write_text("[catalog]\nmax_file_size = 60_000_000\n")
    code, findings, _ = lint(root)
    assert code == 1 and only(findings, "Y004")  # now it is read: NUL bytes, a binary file


def test_symlink_loop(tmp_path: Path) -> None:
    root = catalog(tmp_path, {"GB-T-41568-2022.yaml": GOOD})
    os.symlink("loop.yaml", root / "records" / "loop.yaml")
    (root / "records" / "dir-loop").symlink_to(root / "records", target_is_directory=True)
    code, findings, _ = lint(root)
    assert code == 1
    finding = only(findings, "Y010")
    assert finding["path"] == "records/loop.yaml" and "symbolic links" in str(finding["message"])


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads a chmod 000 file anyway")
def test_unreadable_file(tmp_path: Path) -> None:
    root = catalog(tmp_path, {"GB-T-41568-2022.yaml": GOOD})
    (root / "records" / "GB-T-41568-2022.yaml").chmod(0)
    try:
        code, findings, _ = lint(root)
    finally:
        (root / "records" / "GB-T-41568-2022.yaml").chmod(0o644)
    assert code == 1 and "Permission denied" in str(only(findings, "Y010")["message"])


def test_a_directory_named_like_a_record(tmp_path: Path) -> None:
    root = catalog(tmp_path, {"GB-T-41568-2022.yaml": GOOD})
    (root / "records" / "x.yaml").mkdir()
    code, findings, _ = lint(root)
    assert code == 1
    finding = only(findings, "Y010")
    assert finding["path"] == "records/x.yaml" and "directory" in str(finding["message"])


def test_a_fifo_does_not_hang(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    root = catalog(tmp_path, {"GB-T-41568-2022.yaml": GOOD})
    os.mkfifo(root / "records" / "pipe.yaml")
    code, findings, _ = lint(root)
    assert code == 1 and "not a regular file" in str(only(findings, "Y010")["message"])


def test_invalid_utf8_in_the_middle(tmp_path: Path) -> None:
    text = GOOD.encode() + b"note: caf\xe9 \xff\xfe\n"
    code, findings, _ = lint(catalog(tmp_path, {"GB-T-41568-2022.yaml": text}))
    assert code == 1
    finding = only(findings, "Y005")
    assert finding["line"] == 10 and "not valid UTF-8" in str(finding["message"])


def test_nul_bytes(tmp_path: Path) -> None:
    code, findings, _ = lint(catalog(tmp_path, {"GB-T-41568-2022.yaml": GOOD.encode() + b"note: a\x00b\n"}))
    assert code == 1 and only(findings, "Y004")["line"] == 10


@pytest.mark.parametrize(
    ("char", "named"),
    [("\x1b", "control character"), ("\x0c", "control character"), ("\x7f", "control character"),
     ("\u009b", "control character"), ("\ufffe", "noncharacter"), ("\uffff", "noncharacter")],
)
def test_a_raw_control_character_is_reported_where_it_is(tmp_path: Path, char: str, named: str) -> None:
    # was 1:1 with ruamel's two-line 'unacceptable character #x001b … in "<unicode string>", position 228'
    text = GOOD + f"note: 见附{char}件\n"
    code, findings, _ = lint(catalog(tmp_path, {"GB-T-41568-2022.yaml": text}))
    finding = only(findings, "Y001")
    assert code == 1 and (finding["line"], finding["column"]) == (10, 9)
    message = str(finding["message"])
    assert f"U+{ord(char):04X}" in message and "\n" not in message and "unicode string" not in message
    # U+FFFE/U+FFFF were called control characters; they are noncharacters (as Y008 names them when escaped)
    assert named in message and ("control character" in message) == (named == "control character")
    assert [f["rule"] for f in findings if f"U+{ord(char):04X}" in str(f["message"])] == ["Y001"]  # said once


@pytest.mark.parametrize(
    ("key", "shown", "column"),
    [("1", "`1` is read by YAML as an integer", 1), ("true", "`true` is read by YAML as a boolean", 1),
     ("~", "`null` is read by YAML as null", 1), (".NaN", "`.nan` is read by YAML as a number", 1),
     ("? [a, b]\n", "`[a, b]` is read by YAML as a list", 3)],
)
def test_a_key_that_is_not_text_is_said_at_the_key(tmp_path: Path, key: str, shown: str, column: int) -> None:
    # was pydantic's untranslated 'Keys should be strings' at the mapping (1:1), with `True` shown as `1`
    text = GOOD + "note: a\n" + key + ": x\n"
    root = catalog(tmp_path, {"GB-T-41568-2022.yaml": text})
    code, findings, _ = lint(root)
    finding = only(findings, "C001")
    assert code == 1 and (finding["line"], finding["column"]) == (11, column)
    assert shown in str(finding["message"]) and "Keys should be strings" not in str(finding["message"])
    for _ in range(2):  # cold, then from the cache: the same words at the same place
        result = runner.invoke(app, ["lint", str(root), "--format", "json", "--as-of", "2025-06-30"])
        [zh] = json.loads(result.stdout)
        assert (zh["line"], zh["column"]) == (11, column) and "被 YAML 读作" in zh["message"]


def test_a_key_that_is_not_text_in_a_review_is_said_at_the_key(tmp_path: Path) -> None:
    text = GOOD + "    2: x\n" + "  - date: 2025-02-10\n    conclusion: 继续有效\n    by: x\n    false: y\n"
    code, findings, _ = lint(catalog(tmp_path, {"GB-T-41568-2022.yaml": text}))
    spots = sorted((f["line"], f["column"], f["message"]) for f in findings if f["rule"] == "C001")
    assert code == 1 and [spot[:2] for spot in spots] == [(10, 5), (14, 5)], findings
    assert "`2` is read by YAML as an integer" in str(spots[0][2]) and "`false`" in str(spots[1][2])


@pytest.mark.parametrize(("key", "column"), [("? {a: 1}\n", 3), ("? [b, {a: 1}]\n", 3), ("? [[b, {a: 1}]]\n", 3)])
def test_a_mapping_as_a_key_is_said_at_the_key(tmp_path: Path, key: str, column: int) -> None:
    # a list holding a mapping was 'YAML cannot be parsed: unhashable type: 'dict'' at 1:1
    text = GOOD + "note: a\n" + key + ": x\n"
    code, findings, _ = lint(catalog(tmp_path, {"GB-T-41568-2022.yaml": text}))
    finding = only(findings, "Y001")
    assert code == 1 and (finding["line"], finding["column"]) == (11, column)
    assert "a key cannot be a mapping" in str(finding["message"])


@pytest.mark.parametrize(
    ("value", "column"),
    [("9" * 5000, 7), ("-" + "9" * 4301, 7), ("0x" + "f" * 4000, 7), ("!!int " + "9" * 5000, 7),
     ("[1, " + "9" * 5000 + "]", 11)],
)
def test_an_integer_too_long_for_python_is_said_where_it_is(tmp_path: Path, value: str, column: int) -> None:
    # decimal: 'YAML cannot be parsed: Exceeds the limit (4300 digits)…' at 1:1; hex: read, then a traceback
    # wherever the number was shown (lint, import)
    root = catalog(tmp_path, {"national/GB-T-41568-2022.yaml": GOOD + "note: " + value + "\n"})
    code, findings, _ = lint(root)
    finding = only(findings, "Y001")
    assert code == 1 and (finding["line"], finding["column"]) == (10, column)
    assert "an integer of more than 4300 (decimal) digits" in str(finding["message"])
    result = runner.invoke(app, ["fmt", "--check", str(root)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"national/GB-T-41568-2022.yaml:10:{column}: 整数超过 4300 位" in result.stderr
    table = tmp_path / "t.csv"
    table.write_text("标准号,标准名称\nGB/T 41568-2022,机关事务管理 术语\n", encoding="utf-8")
    before = (root / "records" / "national" / "GB-T-41568-2022.yaml").read_bytes()
    result = runner.invoke(app, ["import", str(table), "--into", str(root), "--update", "--lang", "en"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "the existing record cannot be read" in result.output and "4300 (decimal) digits" in result.output
    assert (root / "records" / "national" / "GB-T-41568-2022.yaml").read_bytes() == before


def test_an_integer_of_4300_digits_is_still_read() -> None:
    data, problems = parse_yaml("a: " + "9" * 4300 + "\nb: 0x" + "f" * 3500 + "\n")
    assert problems == [] and data["a"] == 10**4300 - 1 and data["b"] == 16**3500 - 1


def test_crlf_line_endings_are_accepted_with_correct_lines(tmp_path: Path) -> None:
    crlf = GOOD.replace("\n", "\r\n").encode()
    assert lint(catalog(tmp_path, {"GB-T-41568-2022.yaml": crlf})) == (0, [], "")
    broken = GOOD.replace("published: 2022-04-15", "published: 2022-02-30").replace("\n", "\r\n").encode()
    root = tmp_path / "second"
    root.mkdir()
    code, findings, _ = lint(catalog(root, {"GB-T-41568-2022.yaml": broken}))
    assert code == 1
    finding = only(findings, "C001")
    assert (finding["line"], finding["column"]) == (4, 12)


def test_a_catalog_path_that_does_not_exist(tmp_path: Path) -> None:
    code, _, stderr = lint(tmp_path / "nowhere")
    assert code == 2 and stderr.count("\n") == 1 and "no such path" in stderr


@pytest.mark.parametrize(
    "command", [["lint"], ["fmt", "--check"], ["history", "GB/T 41568-2022"], ["changes", "--since", "HEAD"]]
)
def test_a_named_link_to_nothing_says_so(tmp_path: Path, command: list[str]) -> None:
    # "no such path" named a path that is there (as a link): the user went looking for the wrong thing
    root = catalog(tmp_path, {"GB-T-41568-2022.yaml": GOOD})
    link = root / "records" / "gone.yaml"
    link.symlink_to("missing.yaml")
    result = CliRunner().invoke(app, [*command, str(link), "--lang", "en"])
    assert result.exit_code == 2
    assert f"a link to nothing: {link} → missing.yaml, which does not exist" in result.stderr
    assert result.stderr.count("\n") == 1


def test_no_catalog_above_the_path(tmp_path: Path) -> None:
    code, _, stderr = lint(tmp_path)
    assert code == 2 and "gbstd.toml" in stderr and stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("config", "words"),
    [
        ("[catalog\nrecords = 1", "not valid TOML"),
        ("[catalog]\nrecords = 1\n", "records"),
        ("[catalog]\nmax_file_size = -5\n", "max_file_size"),
        ("[catalog]\ninternal_code_pattern = '('\n", "internal_code_pattern"),
        ("[lint]\nselectt = ['C']\n", "unknown key"),
        ("[duplicates]\nmin_score = nan\n", "gbstd.toml:2: `duplicates.min_score`: nan is not a finite number"),
        ("\xff\xfe", "UTF-8"),
    ],
)
def test_a_broken_gbstd_toml(tmp_path: Path, config: str, words: str) -> None:
    root = catalog(tmp_path, {"GB-T-41568-2022.yaml": GOOD})
    (root / "gbstd.toml").write_bytes(
        config.encode("latin-1") if config.startswith("\xff") else config.encode()
    )
    code, _, stderr = lint(root)
    assert code == 2 and words in stderr and stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("config", "zh", "en"),
    [
        ("[catalog]\nrecords = 'records'\nmax_file_size = -5\n",
         "gbstd.toml:3: `catalog.max_file_size`: -5 不能小于 1", "gbstd.toml:3: `catalog.max_file_size`: -5 must be at least 1"),
        ("[catalog]\nmax_file_size = 'big'\n",
         "gbstd.toml:2: `catalog.max_file_size`: 应为整数，实际是 'big'",
         "gbstd.toml:2: `catalog.max_file_size`: expected an integer, got 'big'"),
        ("[duplicates]\nmin_score = 2\n",
         "gbstd.toml:2: `duplicates.min_score`: 2 不能大于 1", "gbstd.toml:2: `duplicates.min_score`: 2 must be at most 1"),
        ("[catalog]\nsystem = true\n",
         "gbstd.toml:2: `catalog.system`: 应为文本，TOML 把 true 读作布尔值；请加引号：'true'",
         "gbstd.toml:2: `catalog.system`: expected text, but TOML reads true as a boolean; quote it: 'true'"),
        ("[lint]\nselect = 'C'\n",
         "gbstd.toml:2: `lint.select`: 应为列表，实际是 'C'", "gbstd.toml:2: `lint.select`: expected a list, got 'C'"),
        ("[lint]\nselect = ['C0x']\n",
         "gbstd.toml:2: `lint.select`: 'C0x' 不是规则代码或前缀（如 C001、C0、C、ALL）",
         "gbstd.toml:2: `lint.select`: 'C0x' is not a rule code or prefix (e.g. C001, C0, C, ALL)"),
        ("[lint.severity]\nC005 = 'fatal'\n",
         "gbstd.toml:2: `lint.severity.C005`: 'fatal' 不是允许的取值（'error'、'warning' 或 'info'）",
         "gbstd.toml:2: `lint.severity.C005`: 'fatal' is not one of 'error', 'warning' or 'info'"),
        ("[review]\nperiod_years = 2\ntiers = {bogus = 2}\n",  # pydantic's loc ends in '[key]': no line was found
         "gbstd.toml:3: `review.tiers.bogus`: 'bogus' 不是允许的取值（'国家标准'、'行业标准'、'地方标准'、'团体标准'、'企业标准' 或 '内部标准'）",
         "gbstd.toml:3: `review.tiers.bogus`: 'bogus' is not one of 'national', 'industry', 'local', 'group', 'enterprise' "
         "or 'internal'"),
        ("[pipeline]\nstage_months = {x = 3}\n",
         "gbstd.toml:2: `pipeline.stage_months`: 'x' 不是阶段（申报、立项、起草、征求意见、审查、批准发布）",
         "gbstd.toml:2: `pipeline.stage_months`: 'x' is not a stage (申报, 立项, 起草, 征求意见, 审查, 批准发布)"),
        ("[[federation.members]]\nname = 'a'\npath = 'x'\n\n[[federation.members]]\nname = 'b'\n",
         "gbstd.toml:5: `federation.members.1`: 成员 'b' 须给出 `path` 与 `git` 之一（恰好一个）",
         "gbstd.toml:5: `federation.members.1`: member 'b' needs exactly one of `path` and `git`"),
    ],
)
def test_gbstd_toml_errors_are_said_in_both_languages(tmp_path: Path, config: str, zh: str, en: str) -> None:
    # pydantic's English ("Input should be greater than or equal to 1", "Value error, ...") was shown whatever
    # --lang said, and Chinese is the default; a record file's errors were already bilingual
    root = catalog(tmp_path, {"GB-T-41568-2022.yaml": GOOD}, config=config)
    for lang, expected in (("zh", zh), ("en", en)):
        code, _, stderr = lint(root, "--lang", lang)
        assert code == 2 and stderr == f"gbstd: {expected}\n"


def test_a_gbstd_toml_in_gbk_is_told_how_to_convert_it(tmp_path: Path) -> None:
    # as a record file in GBK is (Y005); gbstd.toml was only 'not UTF-8 encoded'
    root = catalog(tmp_path, {"GB-T-41568-2022.yaml": GOOD})
    (root / "gbstd.toml").write_bytes("[catalog]\n# 机关事务标准目录\nrecords = 'records'\n".encode("gb18030"))
    code, _, stderr = lint(root, "--lang", "en")
    assert code == 2
    assert stderr == ("gbstd: gbstd.toml:2: the file is GBK/GB18030 encoded, not UTF-8; convert it, e.g. "
                      "`iconv -f GB18030 -t UTF-8`, or 'save as UTF-8' in your editor\n")
    code, _, stderr = lint(root, "--lang", "zh")
    assert code == 2 and "gbstd.toml:2: 文件是 GBK/GB18030 编码，不是 UTF-8；请转为 UTF-8，如 `iconv -f GB18030 -t UTF-8`" in stderr


def test_a_gbstd_toml_that_is_a_directory(tmp_path: Path) -> None:
    root = tmp_path / "cat"
    (root / "gbstd.toml").mkdir(parents=True)
    code, _, stderr = lint(root)
    assert code == 2 and stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("value", "shown", "column"),
    [('"\\uFFFE"', "U+FFFE", 8), ('"附\\uFFFF件"', "U+FFFF", 8), ("附\ufdd0件", "U+FDD0", 8),
     ('"附\\U0001FFFE件"', "U+1FFFE", 8), ('"附\\U0010FFFF件"', "U+10FFFF", 8)],
)
def test_a_noncharacter_in_a_record_is_reported_at_its_value(
    tmp_path: Path, value: str, shown: str, column: int
) -> None:
    # Valid YAML (escaped, or as it is where YAML allows it), but no XML can hold one: the DOCX writer drops it
    # silently, so lint says where it is (it was read without a word).
    text = GOOD.replace("title: 机关事务管理 术语", f"title: {value}")
    code, findings, _ = lint(catalog(tmp_path, {"GB-T-41568-2022.yaml": text}))
    finding = only(findings, "Y008")
    assert code == 1 and (finding["line"], finding["column"]) == (2, column)
    assert shown in str(finding["message"]) and "noncharacter" in str(finding["message"])


def test_a_noncharacter_in_a_bulletin_notes_file_is_reported_at_its_value(tmp_path: Path) -> None:
    root = catalog(tmp_path, {"GB-T-41568-2022.yaml": GOOD})
    (root / "notes").mkdir()
    (root / "notes" / "2023H2.yaml").write_text(
        'period: 2023H2\ntitle: "关于\\uFFFE通报"\nissuer: 办公室\ndate: 2024-01-15\n', encoding="utf-8"
    )
    code, findings, _ = lint(root)
    finding = only(findings, "Y008")
    assert code == 1 and (finding["path"], finding["line"], finding["column"]) == ("notes/2023H2.yaml", 2, 8)
    assert "U+FFFE" in str(finding["message"])


@pytest.mark.parametrize(
    ("line", "where"),
    [("title:\t机关事务管理 术语", (2, 7)), ("title: 机关事务管理 术语\t", (2, 17)), ("title\t: 机关事务管理 术语", (2, 6))],
)
def test_a_tab_the_round_trip_refuses_is_reported_where_fmt_says_it(
    tmp_path: Path, line: str, where: tuple[int, int]
) -> None:
    # YAML 1.2 (and lint's reader) take a tab after a colon, at a line's end or before the colon, but fmt's and
    # review add's round trip refuse the file ("a tab cannot stand here"): lint passed a file fmt refused.
    text = GOOD.replace("title: 机关事务管理 术语", line)
    root = catalog(tmp_path, {"GB-T-41568-2022.yaml": text})
    code, findings, _ = lint(root)
    finding = only(findings, "Y012")
    assert code == 1 and (finding["line"], finding["column"]) == where
    assert "use a space" in str(finding["message"])
    assert not [f for f in findings if f["rule"] in ("Y001", "Y007", "C001")], findings  # the record is read
    refused = runner.invoke(app, ["fmt", str(root / "records" / "GB-T-41568-2022.yaml"), "--lang", "en"])
    assert refused.exit_code == 1 and f"GB-T-41568-2022.yaml:{where[0]}:{where[1]}: " in refused.stderr


def test_every_refused_tab_is_reported_and_a_tab_the_round_trip_takes_is_not(tmp_path: Path) -> None:
    text = ("code:\tGB/T 41568-2022\ntitle: \"机关事务\t管理 术语\"  # 注释\t说明\nstatus: 现行\nissuer: [甲,\t乙]\n"
            "reviews:\n  - date: 2025-01-10\n    conclusion:\t继续有效\n")
    code, findings, _ = lint(catalog(tmp_path, {"GB-T-41568-2022.yaml": text}), "--lang", "zh")
    tabs = [f for f in findings if f["rule"] == "Y012"]
    assert code == 1
    assert [(f["line"], f["column"]) for f in tabs] == [(1, 6), (7, 16)]
    assert "请改为空格" in str(tabs[0]["message"])


def test_a_tab_leading_a_block_scalars_line_is_text_not_a_tab_indent(tmp_path: Path) -> None:
    # Y007 looked for a tab in any line's leading whitespace before parsing, so a scope whose second line starts
    # with a tab after the block's two-space indent (text, which YAML and fmt read) dropped the whole record.
    text = GOOD + "scope: |\n  本文件规定了术语。\n  \t第二行以制表符开头。\n"
    root = catalog(tmp_path, {"GB-T-41568-2022.yaml": text})
    _, findings, _ = lint(root)
    assert not [f for f in findings if f["rule"] in ("Y001", "Y007", "C001")], findings  # the record is read
    from gbstd.catalog.loader import load_catalog

    record = load_catalog(root, jobs=1).records[0]
    assert record.standard.scope == "本文件规定了术语。\n\t第二行以制表符开头。"
    indented = GOOD.replace("title: 机关事务管理 术语", "title:\n\t机关事务管理 术语")  # a tab as indentation still is Y007
    _, findings, _ = lint(catalog(tmp_path / "b", {"GB-T-41568-2022.yaml": indented}))
    assert [(f["rule"], f["line"]) for f in findings if f["rule"] in ("Y001", "Y007")] == [("Y007", 3)]


def test_a_tab_indent_after_a_unicode_separator_is_at_the_line_an_editor_shows(tmp_path: Path) -> None:
    # Y007 counted lines with str.splitlines, which also breaks at U+2028 (and a form feed, …): a line too low
    indented = "# 说明\u2028第二句\n" + GOOD.replace("title: 机关事务管理 术语", "title:\n\t机关事务管理 术语")
    _, findings, _ = lint(catalog(tmp_path, {"GB-T-41568-2022.yaml": indented}))
    assert [(f["rule"], f["line"], f["column"]) for f in findings if f["rule"] == "Y007"] == [("Y007", 4, 1)]


@pytest.mark.parametrize("char", ["\x85", "\u2028", "\u2029"])
def test_a_line_broken_by_nel_or_a_unicode_separator_is_reported_where_an_editor_shows_it(
    tmp_path: Path, char: str
) -> None:
    # libyaml (lint, YAML 1.1) breaks a line at U+0085, U+2028 and U+2029; YAML 1.2, fmt's round trip and editors
    # do not. Lint passed such a file (and counted the character as a line in every position after it) while fmt
    # refused it: lint now reports Y013 where an editor shows the character, and fmt names it at the same place.
    text = GOOD.replace("status: 现行\n", "status: 现行" + char).replace("2022-11-01", "2022-11-31")
    root = catalog(tmp_path, {"GB-T-41568-2022.yaml": text})
    code, findings, _ = lint(root)
    finding = only(findings, "Y013")
    assert code == 1 and (finding["line"], finding["column"]) == (3, 11)
    assert f"U+{ord(char):04X}" in str(finding["message"]) and "line break" in str(finding["message"])
    # the escape is advised for the separators only: an escaped NEL is a C1 control character, which Y008 reports
    assert (f"\\u{ord(char):04x} in a double-quoted string" in str(finding["message"])) == (char != "\x85")
    schema = only(findings, "C001")  # the record is read (as lint reads it), at the editor's line of `effective`
    assert (schema["line"], schema["column"]) == (4, 12), schema
    refused = runner.invoke(app, ["fmt", "--check", str(root), "--lang", "en"])
    assert refused.exit_code == 1 and f"GB-T-41568-2022.yaml:3:11: cannot be read for formatting: U+{ord(char):04X}" in refused.stderr
    assert "Traceback" not in refused.output


def test_a_unicode_separator_in_a_plain_value_is_named_beside_the_syntax_error_it_causes(tmp_path: Path) -> None:
    # A U+2028 inside an unquoted title: libyaml breaks the value there and then cannot read the next key; the
    # syntax error was placed a line too far down (libyaml's count), and nothing named the character.
    text = GOOD.replace("机关事务管理 术语", "机关事务管理\u2028术语")
    code, findings, _ = lint(catalog(tmp_path, {"GB-T-41568-2022.yaml": text}))
    assert code == 1
    assert [(f["rule"], f["line"], f["column"]) for f in findings] == [("Y013", 2, 14), ("Y001", 3, 1)], findings


def test_a_unicode_separator_written_as_an_escape_is_not_reported(tmp_path: Path) -> None:
    text = GOOD.replace("title: 机关事务管理 术语", 'title: "机关事务管理\\u2028术语"')
    _, findings, _ = lint(catalog(tmp_path, {"GB-T-41568-2022.yaml": text}))
    assert not [f for f in findings if f["rule"] in ("Y001", "Y013")], findings


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_a_utf16_file_is_told_to_be_utf16_not_binary(tmp_path: Path, encoding: str) -> None:
    # Notepad's "Unicode" (UTF-16 with its byte-order mark) was Y004 "NUL bytes: binary", for a record and a
    # plan alike, and gbstd.toml in UTF-16 was taken for GBK
    data = ("\ufeff" if encoding == "utf-16-be" else "").join(["", GOOD]).encode(encoding)
    assert data.startswith((b"\xff\xfe", b"\xfe\xff"))
    root = catalog(tmp_path, {"GB-T-41568-2022.yaml": data})
    code, findings, _ = lint(root, "--lang", "en")
    assert code == 1 and not [f for f in findings if f["rule"] == "Y004"]
    finding = only(findings, "Y005")
    assert "UTF-16 encoded" in str(finding["message"]) and "iconv -f UTF-16 -t UTF-8" in str(finding["message"])
    (root / "gbstd.toml").write_bytes("[catalog]\nrecords = 'records'\n".encode("utf-16"))
    code, _, stderr = lint(root, "--lang", "en")
    assert code == 2 and "gbstd.toml:1: the file is UTF-16 encoded" in stderr, stderr
