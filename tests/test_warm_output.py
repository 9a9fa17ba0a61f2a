"""Stored reports: a warm run prints the last report's bytes, a run after an edit splices the changed files'
pieces into it, and either is byte for byte what a cold run prints, in every format and language."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from gbstd.catalog import cache as cache_module
from gbstd.catalog.atomic import Span, write_atomic_chunks
from gbstd.catalog.cache import Cache, Splice
from gbstd.catalog.config_file import load_config
from gbstd.cli.app import app
from gbstd.engine import Selection
from gbstd.findings import Finding, FindingSet, Severity
from gbstd.i18n import Text
from gbstd.linting import lint_catalog
from gbstd.reporters import REPORTER_BY_NAME, ReportInput
from gbstd.reporters import stored as stored_module
from gbstd.reporters.stored import _fresh, _splice_plan, output_key

SAMPLE = Path(__file__).resolve().parent.parent / "standards"
AS_OF = "2025-06-30"
FORMATS = ["json", "text", "github", "sarif", "junit"]
runner = CliRunner()

# Text that every format escapes or lays out differently: markup, escapes, line breaks, XML and
# workflow-command specials, non-ASCII.
awkward = st.text(alphabet="ab中文[]\\/\n\r\t%,:<>&\"' \u202e", max_size=12)
finding = st.builds(
    lambda rule, zh, en, path, record, line, column, severity: Finding(
        rule, Text(zh, en), path, record, (), True, line, column, severity
    ),
    st.sampled_from(["C001", "D001", "Y001", "X999"]),
    awkward,
    awkward,
    st.sampled_from(["records/a.yaml", "records/b[1].yaml", "records/中.yaml", "r\\s.yaml", "z.yaml", ""]),
    st.none() | awkward,
    st.integers(0, 500),
    st.integers(0, 80),
    st.sampled_from(list(Severity)),
)
findings = st.lists(finding, min_size=1, max_size=25).map(lambda fs: sorted(fs, key=lambda f: f.sort_key))
options = st.tuples(st.sampled_from(FORMATS), st.sampled_from(["zh", "en"]), st.booleans(),
                    st.sampled_from(["", ".", "sub/dir"]))


def report_of(items: list[Finding], lang: str, color: bool, prefix: str) -> ReportInput:
    return ReportInput(FindingSet(list(items)), lang, files_checked=7, color=color, path_prefix=prefix)  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None)
@given(findings, options)
def test_pieces_assemble_to_exactly_the_reporters_output(items: list[Finding], option: tuple) -> None:
    output_format, lang, color, prefix = option
    report = report_of(items, lang, color and output_format == "text", prefix)
    counts, chunks, meta = _fresh(report, output_format, items, "utf-8", "surrogateescape")
    assert b"".join(chunks) == REPORTER_BY_NAME[output_format](report).encode("utf-8", "surrogateescape")
    assert counts.total == len(items) and meta["counts"][3] == len({f.path for f in items})


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(findings, findings, st.sets(st.sampled_from(["records/a.yaml", "records/中.yaml", "z.yaml", ""])), options)
def test_a_spliced_report_is_exactly_the_reporters_output(
    before: list[Finding], fresh: list[Finding], changed: set[str], option: tuple
) -> None:
    """The files in ``changed`` get the findings of ``fresh`` that are in them (or none): every other file's
    piece is copied from the stored report."""
    output_format, lang, color, prefix = option
    color = color and output_format == "text"
    after_fresh = [f for f in fresh if f.path in changed]
    after = sorted([f for f in before if f.path not in changed] + after_fresh, key=lambda f: f.sort_key)
    with tempfile.TemporaryDirectory() as folder:
        cache = Cache(Path(folder), "tool", "config")
        cache.write_json("probe.json", {})  # creates the cache directory
        key = output_key(output_format, lang, color, prefix, "utf-8", "strict")
        assert key is not None
        _, chunks, meta = _fresh(report_of(before, lang, color, prefix), output_format, before, "utf-8", "strict")
        assert cache.remember_output("1" * 32, key, chunks, meta)
        base = cache.output_for("1" * 32, key)
        assert base is not None
        report = report_of(after, lang, color, prefix)
        plan = _splice_plan(report, output_format, Splice(base, changed, after_fresh), "utf-8", "strict")
        expected = REPORTER_BY_NAME[output_format](report).encode()
        if plan is None:
            assert not after  # only an empty report is left to the reporter
            return
        counts, spliced, _ = plan
        assert b"".join(spliced) == expected
        assert counts.total == len(after)
        base.close()


paths = st.sampled_from([f"r/{n:02d}.yaml" for n in range(12)])
rows = st.lists(st.tuples(paths, st.integers(0, 9)), max_size=60).map(
    lambda pairs: [[path, "C001", "zh", "en", None, [], True, line, 1, "error"] for path, line in sorted(pairs)]
)


@settings(max_examples=100, deadline=None)
@given(rows, rows, st.sets(paths), st.integers(1, 7))
def test_a_patched_result_copies_untouched_lines_and_holds_exactly_the_merged_rows(
    before: list[list[object]], fresh: list[list[object]], touched: set[str], batch: int
) -> None:
    fresh = [row for row in fresh if row[0] in touched]
    expected = sorted([row for row in before if row[0] not in touched] + fresh, key=lambda row: row[0])
    with tempfile.TemporaryDirectory() as folder:
        cache = Cache(Path(folder), "tool", "config")
        cache.write_json("probe.json", {})
        old = cache_module.RESULT_BATCH
        cache_module.RESULT_BATCH = batch  # many lines, files split across them
        try:
            assert cache.remember_result("d1", {"files": [], "only": None}, before)
        finally:
            cache_module.RESULT_BATCH = old
        base = cache.result_for("d1")
        assert base is not None and base.lines is not None
        assert cache.remember_patched_result("d2", {"files": [], "only": None}, base, touched, fresh)
        patched = cache.result_for("d2")
        assert patched is not None
        assert list(patched.rows()) == expected
        written = (Path(folder) / "result.jsonl").read_bytes().splitlines(keepends=True)[1:]
        assert patched.lines == [[rows[0][0], rows[-1][0], len(line)]
                                 for line, rows in zip(written, map(orjson.loads, written), strict=True)]


def test_a_result_whose_description_does_not_add_up_to_its_file_is_written_whole(tmp_path: Path) -> None:
    cache = Cache(tmp_path, "tool", "config")
    cache.write_json("probe.json", {})
    rows = [[f"r/{n}.yaml", "C001", "zh", "en", None, [], True, 1, 1, "error"] for n in range(3)]
    assert cache.remember_result("d1", {"files": [], "only": None}, rows)
    with open(tmp_path / "result.jsonl", "ab") as handle:
        handle.write(b"[]\n")  # a line more than the key describes
    base = cache.result_for("d1")
    assert base is not None
    assert cache.remember_patched_result("d2", {"files": [], "only": None}, base, {"r/1.yaml"}, []) is None


@pytest.mark.parametrize("kernel", [True, False])
def test_spans_are_copied_from_their_file_and_a_short_one_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kernel: bool
) -> None:
    if not kernel:  # where the kernel cannot copy: read and written
        monkeypatch.delattr(os, "copy_file_range", raising=False)
    source = tmp_path / "source"
    source.write_bytes(bytes(range(256)) * 4096)  # 1 MiB
    with open(source, "rb") as handle:
        write_atomic_chunks(tmp_path / "out", [b"head", Span(handle, 10, 700_000), b"mid", Span(handle, 5, 3)])
        assert (tmp_path / "out").read_bytes() == b"head" + source.read_bytes()[10:700_010] + b"mid" + bytes([5, 6, 7])
        with pytest.raises(ValueError, match="shorter"):
            write_atomic_chunks(tmp_path / "out", [b"new", Span(handle, 1 << 20, 1)])
    assert (tmp_path / "out").read_bytes().startswith(b"head")  # the failed write left the file as it was


# --- through the command line ---------------------------------------------------------------------------
@pytest.fixture()
def sample(tmp_path: Path) -> Path:
    root = tmp_path / "standards"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".gbstd-cache"))
    return root


def lint(root: Path, output_format: str, lang: str = "zh", *extra: str) -> tuple[int, bytes]:
    result = runner.invoke(app, ["lint", str(root), "--as-of", AS_OF, "--format", output_format, "--lang", lang,
                                 *extra])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, result.stdout_bytes


def outputs(root: Path) -> list[Path]:
    return sorted((root / ".gbstd-cache" / "outputs").glob("*.out"))


@pytest.mark.parametrize("output_format", FORMATS)
def test_warm_runs_print_the_cold_runs_bytes_in_every_format_and_language(sample: Path, output_format: str) -> None:
    for lang in ("zh", "en"):
        cold = lint(sample, output_format, lang, "--no-cache")
        first = lint(sample, output_format, lang)  # renders and stores the report
        warm = lint(sample, output_format, lang)  # prints the stored bytes
        assert first == cold and warm == cold
        assert cold[1]  # the sample catalog has findings
    assert len(outputs(sample)) == 2  # one stored report per format and language
    # documents are written as UTF-8 whatever the console (undecodable names as their bytes); text as the console
    errors = "strict" if output_format == "text" else "surrogateescape"
    key = output_key(output_format, "en", False, sample.as_posix(), "utf-8", errors)
    outcome = lint_catalog(sample, load_config(sample), dt.date.fromisoformat(AS_OF), Selection(), output_key=key)
    assert outcome.from_cache and outcome.output is not None  # the stored report, its findings not decoded


def test_a_damaged_or_foreign_stored_report_is_rendered_again(sample: Path) -> None:
    cold = lint(sample, "json", "zh", "--no-cache")
    assert lint(sample, "json") == cold
    [out] = outputs(sample)
    data = bytearray(out.read_bytes())
    data[len(data) // 2] ^= 0x01  # one bit flipped
    out.write_bytes(bytes(data))
    assert lint(sample, "json") == cold
    assert out.read_bytes() == cold[1]  # and stored again
    out.write_bytes(out.read_bytes()[:-10])  # truncated
    assert lint(sample, "json") == cold
    meta = out.with_suffix(".json")
    meta.write_bytes(b"{not json")
    assert lint(sample, "json") == cold
    # Another format's stored report put in this one's place, with its description: not for this key.
    text = lint(sample, "text")
    [text_out] = [path for path in outputs(sample) if path != out]
    shutil.copy(text_out, out)
    shutil.copy(text_out.with_suffix(".json"), meta)
    assert lint(sample, "json") == cold and lint(sample, "text") == text


def test_a_report_from_an_earlier_result_is_not_reused_and_is_removed(sample: Path) -> None:
    lint(sample, "json")
    lint(sample, "text")
    [out, _] = outputs(sample)
    old_out, old_meta = out.read_bytes(), out.with_suffix(".json").read_bytes()
    record = sorted((sample / "records").rglob("*.yaml"))[0]
    record.write_text(record.read_text(encoding="utf-8").replace("status:", "status: 作废\nx_status:", 1),
                      encoding="utf-8")
    changed = lint(sample, "json")
    assert changed == lint(sample, "json", "zh", "--no-cache")
    [new] = outputs(sample)  # the text report of the last result is gone with it
    assert new != out
    # The last result's report put back in this one's place: it names another result.
    new.write_bytes(old_out)
    new.with_suffix(".json").write_bytes(old_meta)
    assert lint(sample, "json") == changed


def test_reports_are_stored_only_for_encodings_whose_bytes_can_be_spliced() -> None:
    assert output_key("json", "zh", False, "", "gbk", "gbstd-ascii") is not None
    assert output_key("json", "zh", False, "", "utf-16", "strict") is None
    assert output_key("json", "zh", False, "", "no-such-codec", "strict") is None


def test_the_exit_code_of_a_stored_report_follows_strict(sample: Path) -> None:
    cold = lint(sample, "json", "en", "--no-cache", "--strict")
    lint(sample, "json", "en")
    assert lint(sample, "json", "en", "--strict") == cold


@pytest.mark.parametrize("output_format", FORMATS)
def test_one_changed_file_is_spliced_into_the_last_report(
    sample: Path, output_format: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    spliced: list[bool] = []
    real = stored_module._splice_plan

    def spy(*args: object, **kwargs: object) -> object:
        plan = real(*args, **kwargs)  # type: ignore[arg-type]
        spliced.append(plan is not None)
        return plan

    monkeypatch.setattr(stored_module, "_splice_plan", spy)
    lint(sample, output_format, "en")
    paths = sorted((sample / "records").rglob("*.yaml"))
    # A byte-order mark: a finding (Y006) in that file alone, no field changed, so no catalog-wide rule runs.
    first, second = paths[len(paths) // 2], paths[0]
    first.write_bytes(b"\xef\xbb\xbf" + first.read_bytes())
    exit_code, printed = lint(sample, output_format, "en")
    assert spliced == [True]
    assert (exit_code, printed) == lint(sample, output_format, "en", "--no-cache")
    first.write_bytes(first.read_bytes()[3:])  # that finding gone again, one in the first file instead
    second.write_bytes(b"\xef\xbb\xbf" + second.read_bytes())
    spliced.clear()
    assert lint(sample, output_format, "en") == lint(sample, output_format, "en", "--no-cache")
    assert spliced == [True]
    assert lint(sample, output_format, "en") == lint(sample, output_format, "en", "--no-cache")  # warm again


def test_damaged_result_rows_behind_a_stored_report_do_not_change_what_is_printed(sample: Path) -> None:
    cold = lint(sample, "json", "zh", "--no-cache")
    lint(sample, "json")
    result = sample / ".gbstd-cache" / "result.jsonl"
    head, *_ = result.read_bytes().split(b"\n", 1)
    result.write_bytes(head + b"\n[[1,2,3]]\n")  # rows that would not decode
    assert lint(sample, "json") == cold  # the report is checked on its own
    for path in outputs(sample):
        path.unlink()
    assert lint(sample, "json") == cold  # no report: the rows are read, found damaged, and linting starts afresh


def test_a_result_set_aside_is_replaced_whole_and_leaves_nothing_behind(tmp_path: Path) -> None:
    cache = Cache(tmp_path, "tool", "config")
    cache.write_json("probe.json", {})
    rows = [["r/1.yaml", "C001", "zh", "en", None, [], True, 1, 1, "error"]]
    assert cache.remember_result("d1", {"files": [], "only": None}, rows)
    base = cache.result_for("d1")
    assert base is not None
    # what a run stopped between writing and renaming leaves behind, removed by the next write
    (tmp_path / ".result.jsonl.0123abcd.tmp").write_bytes(b"half a result")
    (tmp_path / ".result.jsonl.0123abcdef012345.old").write_bytes(b"a result set aside")
    assert cache.remember_patched_result("d2", {"files": [], "only": None}, base, {"r/1.yaml"}, [])
    assert sorted(p.name for p in tmp_path.iterdir() if "result" in p.name) == ["result-key.json", "result.jsonl"]
    assert list(base.rows()) == rows  # a reader of the replaced result keeps its open file
    patched = cache.result_for("d2")
    assert patched is not None and list(patched.rows()) == []


def test_write_atomic_chunks_sets_the_old_file_aside_only_when_asked(tmp_path: Path) -> None:
    target = tmp_path / "result.jsonl"
    target.write_bytes(b"old")
    with open(target, "rb") as reader:
        write_atomic_chunks(target, [b"new"], aside=True)
        assert reader.read() == b"old"
    assert target.read_bytes() == b"new" and sorted(p.name for p in tmp_path.iterdir()) == ["result.jsonl"]
    write_atomic_chunks(tmp_path / "fresh", [b"first"], aside=True)  # nothing to set aside
    assert (tmp_path / "fresh").read_bytes() == b"first"


def test_a_stopped_sync_leaves_staging_directories_that_the_next_one_removes(tmp_path: Path) -> None:
    from gbstd.catalog.federation_git import _remove_leftovers

    target = tmp_path / "member"
    target.mkdir()
    for name in (".member.ab12.tmp", ".member.ab12.tmp.old"):  # replace_directory's stage, and the old tree
        (tmp_path / name).mkdir()
        (tmp_path / name / "a.yaml").write_text("x")
    (tmp_path / ".member.cd34.tmp").symlink_to(target)  # a link is not followed, not removed
    (tmp_path / ".other.ab12.tmp").mkdir()  # another target's
    _remove_leftovers(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".member.cd34.tmp", ".other.ab12.tmp", "member"]
