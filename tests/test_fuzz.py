"""Property-based robustness: arbitrary text and bytes give findings or a clean error, never an exception."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from gbstd.catalog.yamlio import _YAML, Locator, decode_text, parse_yaml
from gbstd.cli.app import app
from gbstd.model.code import CodeError, StandardCode

FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Text made of the characters that matter to YAML, so that examples reach deep into the parser.
TOKENS = [
    *"ab1: -[]{},'\"#&*!|>?%@`~.\n\t\r",
    "  ",
    "\n  ",
    "- ",
    ": ",
    "null",
    "true",
    "0x1f",
    "1e3",
    "<<",
    "---",
    "...",
    "代替",
    "&x ",
    "*x",
    "!!str ",
    "%YAML 1.1\n",
]
YAMLISH = st.lists(st.sampled_from(TOKENS), max_size=60).map("".join)
ANY_TEXT = st.text(max_size=300)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return repr(a) == repr(b)


@FAST
@given(st.one_of(YAMLISH, ANY_TEXT))
def test_parse_yaml_never_raises_and_agrees_with_the_safe_loader(text: str) -> None:
    data, problems = parse_yaml(text)
    assert all(p.rule in {"Y001", "Y002", "Y007"} and p.line >= 1 and p.column >= 1 for p in problems)
    if any(p.rule == "Y007" for p in problems):
        return  # tab indentation is refused before parsing, whatever the parser would say
    try:
        expected: Any = _YAML.load(text)
        failed = False
    except Exception:  # any failure of the reference loader
        failed = True
    if problems:
        refused = any(word in p.message.en for p in problems for word in ("alias", "nested deeper"))
        assert failed or refused, (text, problems)
    else:
        assert not failed, text
        assert _same(data, expected), (text, data, expected)


@FAST
@given(
    ANY_TEXT | YAMLISH,
    st.lists(st.one_of(st.text(max_size=5), st.integers(-2, 5)), max_size=4),
    st.booleans(),
)
def test_locator_never_raises(text: str, loc: list[str | int], key: bool) -> None:
    line, column = Locator(text).position(tuple(loc), key)
    assert line >= 1 and column >= 1


@FAST
@given(st.binary(max_size=300))
def test_decoding_arbitrary_bytes_never_raises(data: bytes) -> None:
    text, problems = decode_text(data)
    assert text is not None or problems


@FAST
@given(ANY_TEXT)
def test_code_parser_raises_only_code_errors(raw: str) -> None:
    try:
        code = StandardCode.parse(raw)
    except CodeError as exc:
        assert exc.reason.zh and exc.reason.en
    else:
        assert StandardCode.parse(code.canonical) == code  # the canonical form reads back as itself


runner = CliRunner()


@FAST
@given(
    content=st.one_of(
        st.binary(max_size=400), YAMLISH.map(str.encode), ANY_TEXT.map(lambda t: ("code: " + t).encode())
    )
)
def test_lint_on_an_arbitrary_file_gives_findings_not_a_traceback(tmp_path: Path, content: bytes) -> None:
    root = tmp_path / "cat"
    (root / "records").mkdir(parents=True, exist_ok=True)
    (root / "gbstd.toml").write_text("", encoding="utf-8")
    (root / "records" / "x.yaml").write_bytes(content)
    result = runner.invoke(
        app, ["lint", str(root), "--format", "json", "--no-cache", "--as-of", "2025-01-01"]
    )
    assert result.exit_code in (0, 1), (content, result.output)
    assert "Traceback" not in result.output
    findings = json.loads(result.stdout)
    assert all(f["path"] == "records/x.yaml" and f["line"] >= 1 for f in findings)


CSV_HEADER = "标准号,标准名称,状态,发布日期,实施日期,代替标准,体系编号\n"
CSV_CELL = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=12),
    st.sampled_from(["GB/T 41568-2022", "DB41/T 1-2021", "现行", "废止", "2022-02-30", "2021-01-01", '"', ",", "\r\n"]),
)
CSV_TEXT = st.lists(st.lists(CSV_CELL, min_size=1, max_size=8), max_size=6).map(
    lambda rows: CSV_HEADER + "".join(",".join(row) + "\n" for row in rows)
)


@FAST
@given(
    content=st.one_of(
        st.binary(max_size=300),
        CSV_TEXT.map(lambda t: t.encode("utf-8")),
        CSV_TEXT.map(lambda t: t.encode("gb18030", errors="replace")),
    ),
    suffix=st.sampled_from([".csv", ".xlsx"]),
)
def test_import_of_an_arbitrary_table_gives_rows_or_a_clean_error(
    tmp_path: Path, content: bytes, suffix: str
) -> None:
    root = tmp_path / "cat"
    root.mkdir(exist_ok=True)
    (root / "gbstd.toml").write_text("", encoding="utf-8")
    table = tmp_path / f"table{suffix}"
    table.write_bytes(content)
    result = runner.invoke(app, ["import", str(table), "--into", str(root), "--dry-run", "--as-of", "2025-01-01"])
    assert result.exit_code in (0, 1, 2), (content, result.output)
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert result.stderr.count("\n") == 1  # one clean line
