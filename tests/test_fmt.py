"""`gbstd fmt`: canonical order and spelling, comments kept, idempotent, never damaging."""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gbstd import formatting
from gbstd.catalog.cache import RACY_NS, Cache
from gbstd.catalog.catalog import Catalog
from gbstd.catalog.config_file import load_config
from gbstd.catalog.loader import list_yaml_files, load_catalog
from gbstd.cli.app import app
from gbstd.formatting import format_text

runner = CliRunner()
SAMPLE = Path(__file__).resolve().parent.parent / "standards"
AS_OF = "2025-06-01"
_TOP_KEY = re.compile(r"^([A-Za-z_]+):")



def lone_record(tmp_path: Path, name: str, text: str) -> Path:
    """A catalog of one record file ``name`` holding ``text`` (default configuration); the file's path."""
    root = tmp_path / "c"
    (root / "records").mkdir(parents=True)
    (root / "gbstd.toml").write_text("", encoding="utf-8")
    path = root / "records" / name
    path.write_text(text, encoding="utf-8")
    return path

def test_sample_catalog_is_formatted() -> None:
    result = runner.invoke(app, ["fmt", "--check", str(SAMPLE), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "0 of" in result.stdout


def mess_up(text: str) -> str:
    """Reverse the top-level keys, put a comment above each, indent nested blocks by 4 more, break code spelling."""
    lines = text.splitlines()
    header = [line for line in lines[:1] if line.startswith("#")]
    blocks: list[list[str]] = []
    for line in lines[len(header) :]:
        if _TOP_KEY.match(line):
            blocks.append([f"# about {_TOP_KEY.match(line).group(1)}", line])  # type: ignore[union-attr]
        else:
            blocks[-1].append(line)
    messy = header + [
        "    " + line if line.startswith("  ") else line  # nested blocks (reviews: - date: …) move as one
        for block in reversed(blocks)
        for line in block
    ]
    messy = [line.replace("GB/T ", "GB/T") if line.startswith("code:") else line for line in messy]
    return "\n".join(messy) + "\n"


def lint_findings(root: Path) -> set[tuple[str, str, str]]:
    result = runner.invoke(app, ["lint", str(root), "--format", "json", "--as-of", AS_OF, "--lang", "en"])
    assert result.exit_code in (0, 1), result.output
    return {(f["path"], f["rule"], f["message"]) for f in json.loads(result.stdout)}


@pytest.fixture
def messy(tmp_path: Path) -> Path:
    root = tmp_path / "standards"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".gbstd-cache"))
    for path in sorted((root / "records").rglob("*.yaml")):
        path.write_text(mess_up(path.read_text(encoding="utf-8")), encoding="utf-8")
    return root


def test_fmt_restores_a_messy_copy_keeping_comments(messy: Path) -> None:
    before_lint = {f for f in lint_findings(messy) if f[1] != "C017"}
    messy_texts = {p: p.read_text(encoding="utf-8") for p in (messy / "records").rglob("*.yaml")}

    check = runner.invoke(app, ["fmt", "--check", str(messy), "--lang", "en"])
    assert check.exit_code == 1
    assert check.stdout.count("would reformat: ") == len(messy_texts)
    assert all(p.read_text(encoding="utf-8") == t for p, t in messy_texts.items())  # --check writes nothing

    result = runner.invoke(app, ["fmt", str(messy), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert lint_findings(messy) == before_lint  # same findings, and no C017 (spelling) left
    for path, old in messy_texts.items():
        new = path.read_text(encoding="utf-8")
        comments = [line.strip() for line in old.splitlines() if line.lstrip().startswith("#")]
        assert [line.strip() for line in new.splitlines() if line.lstrip().startswith("#")] == sorted(
            comments, key=lambda c: [line.strip() for line in new.splitlines()].index(c)
        )
        assert all(c in new for c in comments)
        # Without the added comments, each file is exactly the original sample file again.
        original = (SAMPLE / path.relative_to(messy)).read_text(encoding="utf-8")
        stripped = "\n".join(line for line in new.splitlines() if not line.startswith("# about ")) + "\n"
        assert stripped == original, path.name
        assert (
            new.index("# about code")
            < new.index("\ncode:")
            < new.index("# about title")
            < new.index("\ntitle:")
        )

    again = runner.invoke(app, ["fmt", "--check", str(messy)])
    assert again.exit_code == 0, again.output  # idempotent


def test_fmt_skips_files_with_yaml_errors_untouched(tmp_path: Path) -> None:
    root = tmp_path / "cat"
    (root / "records").mkdir(parents=True)
    (root / "gbstd.toml").write_text("", encoding="utf-8")
    broken = root / "records" / "GB-T-1-2020.yaml"
    broken.write_bytes(b'title: "unclosed\ncode: GB/T 1-2020\n')
    tabbed = root / "records" / "GB-T-2-2020.yaml"
    tabbed.write_bytes(b"code: GB/T 2-2020\nissuer:\n\t- x\n")
    fine = root / "records" / "GB-T-3-2020.yaml"
    fine.write_text("title: 丙\ncode: GB/T3-2020\nstatus: 现行\n", encoding="utf-8")
    result = runner.invoke(app, ["fmt", str(root), "--lang", "en"])
    assert result.exit_code == 1
    assert broken.read_bytes() == b'title: "unclosed\ncode: GB/T 1-2020\n'
    assert tabbed.read_bytes() == b"code: GB/T 2-2020\nissuer:\n\t- x\n"
    assert fine.read_text(encoding="utf-8") == "code: GB/T 3-2020\ntitle: 丙\nstatus: 现行\n"
    assert "GB-T-1-2020.yaml" in result.stderr and "GB-T-2-2020.yaml" in result.stderr


def test_a_comment_indented_under_a_block_stays_with_that_block() -> None:
    catalog = load_catalog(SAMPLE)
    text = (
        "code: GB/T 1-2020\n"
        "sources:\n"
        "  - https://example.org/a\n"
        "  # a second source, to add after the review\n"
        "\n"
        "# about the title\n"
        "title: 甲\n"
        "status: 现行\n"
    )
    out = format_text(text, "standard", catalog)
    assert out == (
        "code: GB/T 1-2020\n"
        "\n"
        "# about the title\n"
        "title: 甲\n"
        "status: 现行\n"
        "sources:\n"
        "  - https://example.org/a\n"
        "  # a second source, to add after the review\n"
    )
    assert format_text(out, "standard", catalog) == out
    system = (
        "modules:\n"
        "  - name: 基础\n"
        "    modules:\n"
        "      - name: 术语\n"
        "        id: '101'\n"
        "      # 102 to come\n"
        "    # about the id\n"
        "    id: '100'\n"
        "name: 体系\n"
    )
    assert format_text(system, "system", catalog) == (
        "name: 体系\n"
        "modules:\n"
        "    # about the id\n"  # above the item: its first key now
        "  - id: '100'\n"
        "    name: 基础\n"
        "    modules:\n"
        "      - id: '101'\n"
        "        name: 术语\n"
        "      # 102 to come\n"
    )


def test_nested_models_and_unknown_keys_and_bom(tmp_path: Path) -> None:
    catalog = load_catalog(SAMPLE)
    text = (
        "\ufeffstatus: 现行\n"
        "zzz_unknown: kept last\n"
        "suppress:\n"
        "  - reason: 同名不同义  # why\n"
        "    rule: C009\n"
        "code: GB/T 1-2020\n"
        "title: 甲\n"
    )
    out = format_text(text, "standard", catalog)
    assert out == (
        "code: GB/T 1-2020\ntitle: 甲\nstatus: 现行\n"
        "suppress:\n  - rule: C009\n    reason: 同名不同义  # why\n"
        "zzz_unknown: kept last\n"
    )
    system = (
        "modules:\n  - name: 基础\n    id: '100'\n"
        "    modules:\n      - name: 术语\n        id: '101'\nname: 体系\n"
    )
    assert format_text(system, "system", catalog) == (
        "name: 体系\nmodules:\n  - id: '100'\n    name: 基础\n"
        "    modules:\n      - id: '101'\n        name: 术语\n"
    )


def test_one_line_end_throughout_the_files_own(tmp_path: Path) -> None:
    # a CRLF file came out with CR kept on comment lines and LF elsewhere, and --check called that canonical
    catalog = load_catalog(SAMPLE)
    crlf = "# 注释\r\ncode: GB/T 1-2020  # 代码\r\ntitle: 甲\r\nstatus: 现行\r\n"
    assert format_text(crlf, "standard", catalog) == crlf  # a Windows file stays one
    mixed = "title: 甲\r\n# 注释\r\ncode: GB/T 1-2020\nstatus: 现行\n"
    assert format_text(mixed, "standard", catalog) == "# 注释\ncode: GB/T 1-2020\ntitle: 甲\nstatus: 现行\n"
    root = tmp_path / "cat"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".gbstd-cache"))
    record = root / "records" / "local" / "DB41-T-2397-2023.yaml"
    lines = record.read_bytes().split(b"\n")
    record.write_bytes(b"\r\n".join(lines[:3]) + b"\n" + b"\n".join(lines[3:]))  # mostly LF, three CRLF
    assert runner.invoke(app, ["fmt", "--check", str(record)]).exit_code == 1
    assert runner.invoke(app, ["fmt", str(record)]).exit_code == 0
    assert b"\r" not in record.read_bytes()
    assert runner.invoke(app, ["fmt", "--check", str(record)]).exit_code == 0


def test_a_windows_file_stays_crlf_and_gets_the_canonical_bom_and_final_newline(tmp_path: Path) -> None:
    # fmt canonicalises where review add, the web editor and import --update edit minimally (LineEnds.kept):
    # the CRLF of a Windows file is kept, its BOM (Y006) dropped and a final newline written, and it is then canonical
    root = tmp_path / "cat"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".gbstd-cache"))
    record = root / "records" / "local" / "DB41-T-2397-2023.yaml"
    text = record.read_text(encoding="utf-8")
    record.write_bytes(("\ufeff" + text.rstrip("\n").replace("\n", "\r\n")).encode())
    assert runner.invoke(app, ["fmt", "--check", str(record)]).exit_code == 1
    assert runner.invoke(app, ["fmt", str(record)]).exit_code == 0
    assert record.read_bytes() == text.replace("\n", "\r\n").encode()
    assert runner.invoke(app, ["fmt", "--check", str(record)]).exit_code == 0


def test_fmt_paths_outside_a_catalog(tmp_path: Path) -> None:
    stray = tmp_path / "stray.yaml"
    stray.write_text("a: 1\n", encoding="utf-8")
    assert runner.invoke(app, ["fmt", str(tmp_path)]).exit_code == 2  # a directory outside any catalog
    alone = runner.invoke(app, ["fmt", str(stray)])
    assert alone.exit_code == 0 and stray.read_text(encoding="utf-8") == "a: 1\n"
    mixed = runner.invoke(
        app,
        [
            "fmt",
            "--check",
            str(stray),
            str(SAMPLE / "records" / "national" / "GB-T-41568-2022.yaml"),
            "--lang",
            "en",
        ],
    )
    assert mixed.exit_code == 0, mixed.output
    assert "not in a catalog" in mixed.stderr and stray.read_text(encoding="utf-8") == "a: 1\n"


def _aged_copy(tmp_path: Path) -> Path:
    """A copy of the sample old enough (mtime and ctime) for the cache to trust its files' fingerprints."""
    root = tmp_path / "standards"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".gbstd-cache"))
    time.sleep(RACY_NS / 1e9 + 0.1)
    return root


def test_check_skips_files_known_canonical_and_still_sees_a_changed_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _aged_copy(tmp_path)
    cold = runner.invoke(app, ["fmt", "--check", str(root), "--lang", "en"])
    assert cold.exit_code == 0, cold.output
    catalog = Catalog(root=root, config=load_config(root))
    rels = formatting.catalog_files(catalog, [root])

    def no_reading(*args: object) -> object:
        raise AssertionError("a file known canonical was read again")

    with monkeypatch.context() as patch:
        patch.setattr(formatting, "_read_for_format", no_reading)
        warm = formatting.format_files(catalog, rels, check=True, cache=Cache.open(root, catalog.config))
    assert len(warm.results) == len(rels) and not warm.with_outcome("reformatted")
    victim = sorted((root / "records").rglob("*.yaml"))[0]
    victim.write_text(mess_up(victim.read_text(encoding="utf-8")), encoding="utf-8")
    again = runner.invoke(app, ["fmt", "--check", str(root), "--lang", "en"])
    assert again.exit_code == 1
    assert "would reformat" in again.stdout and victim.name in again.stdout
    fixed = runner.invoke(app, ["fmt", str(root), "--lang", "en"])
    assert fixed.exit_code == 0, fixed.output
    assert runner.invoke(app, ["fmt", "--check", str(root)]).exit_code == 0


def test_worker_processes_format_like_one_process(messy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.rmtree(messy / ".gbstd-cache", ignore_errors=True)
    serial = tmp_path / "serial"
    shutil.copytree(messy, serial)
    monkeypatch.setattr(formatting, "POOL_THRESHOLD", 2)
    monkeypatch.setattr(formatting, "CHUNK", 3)
    pooled = runner.invoke(app, ["fmt", str(messy), "--jobs", "2", "--no-cache", "--lang", "en"])
    single = runner.invoke(app, ["fmt", str(serial), "--jobs", "1", "--no-cache", "--lang", "en"])
    assert pooled.exit_code == single.exit_code == 0, pooled.output
    assert pooled.stdout.replace(str(messy), "X") == single.stdout.replace(str(serial), "X")
    for path in sorted((serial / "records").rglob("*.yaml")):
        assert (messy / path.relative_to(serial)).read_bytes() == path.read_bytes()
    assert not (messy / ".gbstd-cache").exists()  # --no-cache wrote nothing


def test_fmt_reports_links_that_lead_nowhere_or_out_of_the_catalog(tmp_path: Path) -> None:
    """As lint does (Y010): a record file that is a dangling link, or one leading out of the catalog, is a
    catalog file that cannot be formatted — reported, not left out of the count."""
    root = tmp_path / "standards"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".gbstd-cache"))
    outside = tmp_path / "outside.yaml"
    outside.write_text("code: GB/T 1-2020\n", encoding="utf-8")
    (root / "records" / "local" / "dangling.yaml").symlink_to(tmp_path / "nowhere.yaml")
    (root / "records" / "local" / "outside.yaml").symlink_to(outside)
    result = runner.invoke(app, ["fmt", "--check", str(root), "--lang", "en"])
    assert result.exit_code == 1, result.output
    assert "dangling.yaml: cannot read" in result.stderr
    assert "outside.yaml: a symbolic link that leads outside the catalog" in result.stderr
    assert "2 could not be formatted" in result.stdout
    assert outside.read_text(encoding="utf-8") == "code: GB/T 1-2020\n"


def test_fmt_formats_what_a_link_inside_the_catalog_leads_to_and_keeps_the_link(tmp_path: Path) -> None:
    real = tmp_path / "real"
    shutil.copytree(SAMPLE, real, ignore=shutil.ignore_patterns(".gbstd-cache"))
    record = sorted((real / "records" / "national").glob("*.yaml"))[0]
    record.write_text(mess_up(record.read_text(encoding="utf-8")), encoding="utf-8")
    alias = real / "records" / "local" / "alias.yaml"
    alias.symlink_to(record)
    named = tmp_path / "named"  # the catalog named through a link to its directory
    named.symlink_to(real, target_is_directory=True)
    result = runner.invoke(app, ["fmt", str(named), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "reformatted 1 of" in result.stdout  # the record once, whether through the link or not
    assert alias.is_symlink() and alias.resolve() == record.resolve()
    again = runner.invoke(app, ["fmt", "--check", str(named), "--lang", "en"])
    assert again.exit_code == 0, again.output


def test_a_yaml_11_directive_is_named_as_what_stops_fmt(tmp_path: Path) -> None:
    # lint reads YAML 1.2 whatever the directive says; fmt's round trip honoured %YAML 1.1 (yes → true), refused
    # the file every time and said why only in English, naming no cause.
    from typer.testing import CliRunner

    from gbstd.cli.app import app

    text = "%YAML 1.1\n---\ntitle: 指令\ncode: GB/T 90006-2020\nstatus: 现行\nextra:\n  flag: yes\n"
    path = lone_record(tmp_path, "GB-T-90006-2020.yaml", text)
    result = CliRunner().invoke(app, ["fmt", str(path), "--lang", "zh"])
    assert result.exit_code == 1 and path.read_text(encoding="utf-8") == text
    assert "%YAML 指令" in " ".join(result.output.split())


@pytest.mark.parametrize("text", [
    "code: GB/T 1-2020\ntitle: 甲\nissuer: [甲局,  # 两家联合发布\n  乙局]\nstatus: 现行\n",
    "code: GB/T 1-2020\ntitle: 甲\nstatus: 现行\nimplementations: [{unit: 甲,  # 试点\n  since: 2024-01-01}]\n",
    "# 文件说明\n---\ntitle: 甲\ncode: GB/T 1-2020\nstatus: 现行\n",
    "title: 甲\ncode: GB/T 1-2020\nstatus: 现行\n...\n# 文件结束\n",
])
def test_fmt_leaves_a_file_whose_comment_the_round_trip_would_drop(tmp_path: Path, text: str) -> None:
    # ruamel drops comments inside a flow [...] or {...}, before --- and after ... without a word: fmt wrote the
    # file without them (exit 0) although the data compared equal.
    path = lone_record(tmp_path, "GB-T-1-2020.yaml", text)
    root = path.parent.parent
    result = runner.invoke(app, ["fmt", str(root), "--lang", "en"])
    assert result.exit_code == 1, result.output
    assert path.read_text(encoding="utf-8") == text
    comment = re.search(r"# \S+", text).group(0)  # type: ignore[union-attr]
    line = text.split("\n").index(next(row for row in text.split("\n") if comment in row)) + 1
    assert f"GB-T-1-2020.yaml:{line}:" in result.stderr and f"drop the comment {comment}" in result.stderr
    check = runner.invoke(app, ["fmt", "--check", str(root), "--lang", "en"])
    assert check.exit_code == 1 and f"drop the comment {comment}" in check.stderr


def _files_resolving_each(catalog: Catalog, target: Path) -> list[str]:
    """What ``catalog_files`` answered when it resolved every listed path (the reference for the fast one)."""
    root = catalog.root.resolve()
    target = formatting._located(target, root)
    places = formatting.file_kinds(catalog)
    candidates = []
    for place in places:
        path = root / place
        if path.is_dir() and (path.is_relative_to(target) or target.is_relative_to(path)):
            candidates += [p for p in (formatting._located(p, root) for p in list_yaml_files(path))
                           if p.is_relative_to(target)]
        elif (path.is_file() or path.is_symlink()) and formatting._located(path, root).is_relative_to(target):
            candidates.append(formatting._located(path, root))
    found = {path.relative_to(root).as_posix() for path in candidates if path.is_relative_to(root)}
    return sorted(rel for rel in found if formatting._kind_in(places, rel))


def test_catalog_files_resolve_each_directory_once_with_the_same_answer(tmp_path: Path) -> None:
    """catalog_files resolves a directory once for all its files (resolving each file made a warm
    ``fmt --check`` of 10 000 records three times as long as a warm lint); the files it names are those that
    resolving every path names: through links to files and directories, links leading out, and a subfolder."""
    real = tmp_path / "real"
    shutil.copytree(SAMPLE, real, ignore=shutil.ignore_patterns(".gbstd-cache"))
    records = real / "records"
    national = sorted((records / "national").glob("*.yaml"))
    (records / "local" / "alias.yaml").symlink_to(national[0])  # a link to a file inside
    (records / "local" / "dangling.yml").symlink_to(tmp_path / "nowhere.yaml")
    outside = tmp_path / "outside.yaml"
    outside.write_text("code: GB/T 1-2020\n", encoding="utf-8")
    (records / "local" / "out.yaml").symlink_to(outside)
    (records / "linked").symlink_to(records / "national", target_is_directory=True)  # listed, not walked into
    (records / "local" / "deep" / "er").mkdir(parents=True)
    (records / "local" / "deep" / "er" / "x.YAML").write_text("code: GB/T 2-2020\n", encoding="utf-8")
    (records / "local" / "notes.txt").write_text("not yaml\n", encoding="utf-8")
    named = tmp_path / "named"
    named.symlink_to(real, target_is_directory=True)
    catalog = Catalog(root=real, config=load_config(real))
    for target in (real, named, records, records / "local", named / "records" / "local" / "deep", records / "national"):
        fast = formatting.catalog_files(catalog, [target])
        assert fast == _files_resolving_each(catalog, target), target
        assert fast  # every target holds some
    everything = formatting.catalog_files(catalog, [real])
    assert "records/local/deep/er/x.YAML" in everything and "records/local/notes.txt" not in everything
    assert "records/local/out.yaml" in everything and "records/local/dangling.yml" in everything
    assert "records/local/alias.yaml" not in everything  # it stands for the national file it leads to


@pytest.mark.parametrize("named", ["other", "."])
def test_a_named_directorys_stray_yaml_files_are_said(tmp_path: Path, named: str) -> None:
    # `fmt other` (a directory in the catalog whose YAML files belong to no file kind) said "0 of 0 files"
    # and nothing of them, while `fmt other/x.yaml` said it skipped the file
    root = tmp_path / "cat"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".gbstd-cache"))
    (root / "other").mkdir()
    stray = root / "other" / "DB41-T-2397-2023.yaml"
    text = "title: 甲\ncode: DB41/T 2397-2023\n"
    stray.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["fmt", "--check", str(root / named), "--lang", "en"])
    assert result.exit_code == 0, result.output
    said = " ".join(result.stderr.split())
    assert "skipped 1 YAML file under" in said and "other/DB41-T-2397-2023.yaml" in said and "Y011" in said
    assert stray.read_text(encoding="utf-8") == text
    quiet = runner.invoke(app, ["fmt", "--check", str(root / "records"), "--lang", "en"])
    assert quiet.exit_code == 0 and "skipped" not in quiet.stderr


@pytest.mark.parametrize(("lang", "said"), [
    ("zh", "此处不能用制表符（Tab），请改为空格"), ("en", "a tab cannot stand here; use a space"),
], ids=["zh", "en"])
def test_a_tab_the_round_trip_refuses_is_said_where_and_in_the_output_language(
    tmp_path: Path, lang: str, said: str
) -> None:
    # lint reads `title:<tab>测试`, ruamel's round trip does not: fmt said only "cannot be read for formatting:
    # found character '\t' that cannot start any token", no line:col and English in the Chinese message.
    text = "title:\t测试\ncode: GB/T 99901-2020\nstatus: 现行\n"
    path = lone_record(tmp_path, "GB-T-99901-2020.yaml", text)
    result = runner.invoke(app, ["fmt", str(path), "--lang", lang])
    assert result.exit_code == 1, result.output
    assert path.read_text(encoding="utf-8") == text
    assert "GB-T-99901-2020.yaml:1:7: " in result.stderr and said in result.stderr
    assert "found character" not in result.stderr and "cannot start any token" not in result.stderr


@pytest.mark.parametrize(("lang", "said"), [
    ("zh", "无法格式化：文件内容应为键值映射（每行“字段: 值”）；文件未改动"),
    ("en", "cannot be formatted: the file must hold a mapping of `field: value` lines (the file is left untouched)"),
], ids=["zh", "en"])
@pytest.mark.parametrize("text", ["# only comment\n", "- 甲\n- 乙\n"], ids=["comment", "list"])
def test_a_file_that_holds_no_mapping_is_said_in_the_output_language(
    tmp_path: Path, lang: str, said: str, text: str
) -> None:
    # a file of one comment made fmt say "格式化时无法读取：the document is not a mapping", English inside Chinese
    path = lone_record(tmp_path, "GB-T-99902-2020.yaml", text)
    result = runner.invoke(app, ["fmt", str(path), "--lang", lang])
    assert result.exit_code == 1, result.output
    assert path.read_text(encoding="utf-8") == text
    assert f"GB-T-99902-2020.yaml: {said}" in " ".join(result.stderr.split())
    assert "not a mapping" not in result.stderr


def test_a_file_edited_while_fmt_ran_keeps_the_edit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # fmt renames its rewritten files into place only once every file is formatted (seconds for a large catalog):
    # an edit saved to a file meanwhile was overwritten by the layout of what had been read, without a word.
    edited = lone_record(tmp_path, "GB-T-1-2020.yaml", "title: 甲\ncode: GB/T 1-2020\nstatus: 现行\n")
    other = edited.parent / "GB-T-2-2020.yaml"
    other.write_text("title: 乙\ncode: GB/T 2-2020\nstatus: 现行\n", encoding="utf-8")
    saved = "title: 甲（已修改）\ncode: GB/T 1-2020\nstatus: 废止\nabolished: 2024-01-01\n"
    format_text = formatting.format_text

    def editor_saves_meanwhile(text: str, kind: str, catalog: Catalog) -> str:
        if "甲" in text and "已修改" not in text:
            edited.write_text(saved, encoding="utf-8")
        return format_text(text, kind, catalog)

    monkeypatch.setattr(formatting, "format_text", editor_saves_meanwhile)
    result = runner.invoke(app, ["fmt", str(edited.parent.parent), "--lang", "en", "--no-cache"])
    assert result.exit_code == 1, result.output
    assert edited.read_text(encoding="utf-8") == saved
    assert "GB-T-1-2020.yaml: the file changed or was removed after it was read; not overwritten" in result.stderr
    assert other.read_text(encoding="utf-8") == "code: GB/T 2-2020\ntitle: 乙\nstatus: 现行\n"  # the rest formatted
    assert "reformatted 1 of 2 files, 1 could not be formatted" in result.stdout
    assert sorted(p.name for p in edited.parent.iterdir()) == ["GB-T-1-2020.yaml", "GB-T-2-2020.yaml"]  # no temp
