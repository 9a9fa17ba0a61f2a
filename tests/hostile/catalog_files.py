"""Issue 20, the catalog's files: a pull request's catalog cannot make gbstd read, publish or write outside it,
stall it with a regular expression, or reach the terminal with escape sequences.

Each case runs the real CLI on a copy of the sample catalog (``standards/``) and asserts exit codes, findings
(JSON) and that nothing from outside the catalog was read into output, published or written.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import git
import pytest
from typer.testing import CliRunner

from gbstd.cli.app import app
from gbstd.printable import printable
from tests.git_catalog import sample_repo

runner = CliRunner()
SAMPLE = Path(__file__).resolve().parents[2] / "standards"
AS_OF = "2025-06-30"
MARKER = "OUTSIDE-SECRET-7731"  # text only a file outside the catalog holds

OUTSIDE_RECORD = f"""code: DB41/T 9999-2024
title: {MARKER} 机关食堂服务规范
status: 现行
published: 2024-01-01
effective: 2024-02-01
"""

needs_symlinks = pytest.mark.skipif(sys.platform == "win32", reason="symbolic links and FIFOs")


def sample(tmp_path: Path) -> Path:
    root = tmp_path / "standards"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".gbstd-cache"))
    return root


def outside(tmp_path: Path) -> Path:
    """A directory beside the catalog with a valid record, a project, notes and a plan marked by MARKER."""
    out = tmp_path / "outside"
    out.mkdir(exist_ok=True)
    (out / "DB41-T-9999-2024.yaml").write_text(OUTSIDE_RECORD, encoding="utf-8")
    for kind, name in (("projects", "XM-2024-003.yaml"), ("notes", "2023H2.yaml"), ("plans", "henan-2021.yaml")):
        text = (SAMPLE / kind / name).read_text(encoding="utf-8")
        (out / name).write_text(text.replace("name:", f"name: {MARKER}", 1).replace("title:", f"title: {MARKER}", 1),
                                encoding="utf-8")
    return out


def set_catalog_option(root: Path, line: str) -> None:
    config = root / "gbstd.toml"
    text = config.read_text(encoding="utf-8")
    key = line.split("=", 1)[0].strip()
    kept = [ln for ln in text.splitlines() if not ln.strip().startswith(f"{key} ")]
    at = kept.index("[catalog]") + 1
    config.write_text("\n".join([*kept[:at], line, *kept[at:]]) + "\n", encoding="utf-8")


def lint_json(root: Path, *extra: str) -> tuple[int, list[dict[str, object]], str]:
    result = runner.invoke(app, ["lint", str(root), "--as-of", AS_OF, "-f", "json", "--lang", "en", *extra])
    findings = json.loads(result.stdout) if result.exit_code in (0, 1) else []
    return result.exit_code, findings, result.stderr


def tree_text(top: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in top.rglob("*") if p.is_file())


# ------------------------------------------------------------------------------------ item 1: config paths


@pytest.mark.parametrize("key", ["records", "projects", "plans", "notes", "system", "cache_dir"])
@pytest.mark.parametrize("where", ["parent", "absolute", "symlink"])
def test_config_path_outside_the_catalog_is_refused(tmp_path: Path, key: str, where: str) -> None:
    if where == "symlink" and sys.platform == "win32":
        pytest.skip("symbolic links")
    root = sample(tmp_path)
    out = outside(tmp_path)
    value = {"parent": "../outside", "absolute": out.as_posix()}.get(where, "linked")
    if where == "symlink":
        (root / "linked").symlink_to(out, target_is_directory=True)
    set_catalog_option(root, f'{key} = "{value}"')
    before = sorted(out.iterdir())
    for command in (["lint", str(root), "--lang", "en"], ["report", "site", str(root), "-o", str(tmp_path / "site")]):
        result = runner.invoke(app, command)
        assert result.exit_code == 2, result.output
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        assert f"[catalog] {key} = " in result.stderr or f"[catalog] {key} =" in result.stderr
    assert sorted(out.iterdir()) == before  # no cache written there
    assert not (tmp_path / "site").exists()


def test_cache_dir_outside_only_from_the_command_line(tmp_path: Path) -> None:
    root = sample(tmp_path)
    elsewhere = tmp_path / "ci-cache"
    code, findings, _ = lint_json(root, "--cache-dir", str(elsewhere))
    assert code in (0, 1) and findings is not None
    assert (elsewhere / "files").is_dir()  # the cache went where the command line said
    assert not (root / ".gbstd-cache").exists()
    again, second, _ = lint_json(root, "--cache-dir", str(elsewhere))
    assert (again, second) == (code, findings)
    # Inside the root, from the file, is fine.
    set_catalog_option(root, 'cache_dir = ".my-cache"')
    assert lint_json(root)[0] == code and (root / ".my-cache").is_dir()


@needs_symlinks
def test_cache_directory_with_a_link_leading_outside_is_refused(tmp_path: Path) -> None:
    """A pull request can commit `.gbstd-cache/files → /somewhere`: cache writes would follow it."""
    root = sample(tmp_path)
    target = tmp_path / "elsewhere"
    target.mkdir()
    (root / ".gbstd-cache").mkdir()
    (root / ".gbstd-cache" / "files").symlink_to(target, target_is_directory=True)
    code, _, stderr = lint_json(root)
    assert code == 2 and ".gbstd-cache/files" in stderr and stderr.count("\n") == 1
    assert list(target.iterdir()) == []
    assert lint_json(root, "--no-cache")[0] == 2  # the configuration is refused as a whole, cache or not


@needs_symlinks
def test_new_records_are_never_written_through_a_linked_tier_directory(tmp_path: Path) -> None:
    root = sample(tmp_path)
    target = tmp_path / "elsewhere"
    target.mkdir()
    shutil.rmtree(root / "records/group")
    (root / "records/group").symlink_to(target, target_is_directory=True)
    new = runner.invoke(app, ["new", "T/ABC 1-2024", "--title", "机关食堂服务规范", "--into", str(root), "--lang", "en"])
    assert new.exit_code == 2 and "records/group leads outside the catalog" in new.stderr
    source = tmp_path / "rows.csv"
    source.write_text("标准号,标准名称,状态\nT/ABC 2-2024,机关食堂服务规范,现行\n", encoding="utf-8")
    imported = runner.invoke(app, ["import", str(source), "--into", str(root), "--lang", "en", "--as-of", AS_OF])
    assert imported.exit_code == 2 and "records/group leads outside the catalog" in imported.stderr
    assert list(target.iterdir()) == []


# --------------------------------------------------------------------------- item 1: symlinked catalog files


@needs_symlinks
def test_symlinks_leading_outside_are_findings_and_never_published(tmp_path: Path) -> None:
    root = sample(tmp_path)
    out = outside(tmp_path)
    links = {
        "records/local/DB41-T-9999-2024.yaml": out / "DB41-T-9999-2024.yaml",
        "records/local/zero.yaml": Path("/dev/zero"),
        "projects/XM-2099-001.yaml": out / "XM-2024-003.yaml",
        "notes/2024H1.yaml": out / "2023H2.yaml",
        "plans/other-2021.yaml": out / "henan-2021.yaml",
    }
    for rel, target in links.items():
        (root / rel).symlink_to(target)
    (root / "records/local/inside-link.yaml").symlink_to(root / "records/national/GB-T-41568-2022.yaml")
    start = time.perf_counter()
    code, findings, _ = lint_json(root)
    assert time.perf_counter() - start < 60
    assert code == 1
    y010 = {f["path"]: str(f["message"]) for f in findings if f["rule"] == "Y010"}
    for rel in links:
        assert rel in y010, rel
    assert all("outside the catalog" in y010[rel] for rel in links)
    assert "records/local/inside-link.yaml" not in y010  # a link that stays inside is read as usual
    assert MARKER not in json.dumps(findings, ensure_ascii=False)

    site = tmp_path / "site"
    result = runner.invoke(app, ["report", "site", str(root), "-o", str(site), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    assert MARKER not in tree_text(site) and "9999" not in tree_text(site)
    catalog = runner.invoke(app, ["report", "catalog", str(root), "-f", "csv", "-o", str(tmp_path / "c.csv")])
    assert catalog.exit_code == 0, catalog.output
    assert MARKER not in (tmp_path / "c.csv").read_text(encoding="utf-8-sig")


@needs_symlinks
def test_system_file_symlinked_outside_is_refused(tmp_path: Path) -> None:
    """The system file is named in gbstd.toml (`system`): a configured path, so an error like the others."""
    root = sample(tmp_path)
    out = outside(tmp_path)
    (out / "system.yaml").write_text((root / "system.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (root / "system.yaml").unlink()
    (root / "system.yaml").symlink_to(out / "system.yaml")
    code, _, stderr = lint_json(root)
    assert code == 2 and "[catalog] system = 'system.yaml'" in stderr


# ----------------------------------------------------------------------------------- item 2: slow patterns


@pytest.mark.parametrize(
    ("pattern", "code"),
    [
        (r"^([A-Z]+ ?)+\d+-\d{4}$", "A" * 31 + "-2022"),  # 36 characters: 52 s with Python's re
        (r"^(A+)+$", "A" * 29 + "!"),  # 30 characters: 62 s with Python's re
    ],
)
def test_catastrophic_patterns_finish_in_seconds(tmp_path: Path, pattern: str, code: str) -> None:
    root = sample(tmp_path)
    set_catalog_option(root, f"internal_code_pattern = '{pattern}'")
    (root / "records/internal/slow.yaml").write_text(f"code: {code}\ntitle: 慢\nstatus: 现行\n", encoding="utf-8")
    start = time.perf_counter()
    exit_code, findings, _ = lint_json(root, "--no-cache")
    assert time.perf_counter() - start < 20  # seconds, not minutes: the point is that it cannot backtrack
    assert exit_code == 1
    assert any(f["rule"] == "C002" and f["path"] == "records/internal/slow.yaml" for f in findings)
    start = time.perf_counter()
    site = runner.invoke(app, ["report", "site", str(root), "-o", str(tmp_path / "site"), "--as-of", AS_OF])
    assert site.exit_code == 0 and time.perf_counter() - start < 20


def test_sample_pattern_still_matches_internal_codes(tmp_path: Path) -> None:
    root = sample(tmp_path)
    set_catalog_option(root, r"internal_code_pattern = '^([A-Z]+ ?)+\d+-\d{4}$'")
    code, findings, _ = lint_json(root)
    assert code in (0, 1)
    assert not [f for f in findings if f["rule"] == "C002" and "HNJGSW" in str(f["path"])]


@pytest.mark.parametrize("pattern", [r"^(A)\1$", r"^(?=HN)HNJGSW \d+-\d{4}$", r"^(A"])
def test_pattern_re2_cannot_compile_is_refused_at_config_load(tmp_path: Path, pattern: str) -> None:
    root = sample(tmp_path)
    set_catalog_option(root, f"internal_code_pattern = '{pattern}'")
    result = runner.invoke(app, ["lint", str(root), "--lang", "en"])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "internal_code_pattern" in result.stderr and "RE2" in result.stderr
    assert "absl" not in result.output and "Traceback" not in result.output


# -------------------------------------------------------------------------------- item 3: shared reader


@pytest.fixture
def repo_catalog(tmp_path: Path) -> tuple[git.Repo, Path]:
    """The sample catalog committed into a fresh git repository."""
    return sample_repo(tmp_path)


RECORD = "records/national/GB-T-41568-2022.yaml"


def gbstd(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """The installed CLI in a process of its own, so that a hang is a failed test, not a stuck run."""
    return subprocess.run(
        [sys.executable, "-m", "gbstd", *args], capture_output=True, text=True, timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


@needs_symlinks
@pytest.mark.parametrize("kind", ["dev-zero", "fifo", "outside", "huge"])
def test_history_reads_the_working_tree_as_lint_does(
    repo_catalog: tuple[git.Repo, Path], tmp_path: Path, kind: str
) -> None:
    _, root = repo_catalog
    path = root / RECORD
    path.unlink()
    if kind == "dev-zero":
        path.symlink_to("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "outside":
        out = outside(tmp_path)
        path.symlink_to(out / "DB41-T-9999-2024.yaml")
    else:
        path.write_text("title: " + "长" * 2_000_000 + "\n", encoding="utf-8")  # 6 MB, untracked change
    result = gbstd("history", "GB/T 41568-2022", str(root), "--lang", "en", timeout=60)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout) < 5_000 and MARKER not in result.stdout
    reason = {"dev-zero": "outside the catalog", "fifo": "not a regular file", "outside": "outside the catalog",
              "huge": "file too large"}[kind]
    assert "working tree (uncommitted)" in result.stdout and "(not read: " in result.stdout and reason in result.stdout
    as_json = gbstd("history", "GB/T 41568-2022", str(root), "--format", "json")
    assert as_json.returncode == 0
    entry = json.loads(as_json.stdout)["entries"][0]
    assert entry["unreadable"] is True and reason in entry["refused"]


def test_history_does_not_read_an_oversized_blob(repo_catalog: tuple[git.Repo, Path]) -> None:
    repo, root = repo_catalog
    big = "title: " + "长" * 500_000 + "\n"  # 1.5 MB, over the default limit of 1 000 000 bytes
    (root / RECORD).write_text(big, encoding="utf-8")
    repo.git.add("-A")
    repo.git.commit("-m", "huge")
    result = gbstd("history", "GB/T 41568-2022", str(root), "--format", "json")
    assert result.returncode == 0, result.stderr
    assert len(result.stdout) < 20_000 and "长长长" not in result.stdout
    assert json.loads(result.stdout)["entries"][0]["unreadable"] is True


def test_history_strips_terminal_control_characters(repo_catalog: tuple[git.Repo, Path]) -> None:
    repo, root = repo_catalog
    path = root / RECORD
    text = path.read_text(encoding="utf-8")
    path.write_text(text + 'remark: "\\e[2J\\e]0;pwned\\a\\x9b31m清屏"\n', encoding="utf-8")
    repo.git.add("-A")
    repo.git.commit("-m", "\x1b[2J\x1b]0;owned\x07 edit\rfake line", "--author", "Eve\x1b[31m <eve@example.org>")
    result = gbstd("history", "GB/T 41568-2022", str(root), "--lang", "en")
    assert result.returncode == 0, result.stderr
    for bad in ("\x1b", "\x07", "\x9b", "\r"):
        assert bad not in result.stdout
    assert "清屏" in result.stdout and "edit" in result.stdout and "Eve" in result.stdout
    as_json = json.loads(gbstd("history", "GB/T 41568-2022", str(root), "--format", "json").stdout)
    assert "\x1b[2J" in as_json["entries"][0]["message"]  # JSON keeps the data, escaped


def test_import_update_of_a_deeply_nested_file_is_a_row_problem(tmp_path: Path) -> None:
    root = sample(tmp_path)
    path = root / RECORD
    nested = "code: GB/T 41568-2022\nx: " + "[" * 1000 + "]" * 1000 + "\n"
    path.write_text(nested, encoding="utf-8")
    source = tmp_path / "rows.csv"
    source.write_text("标准号,标准名称,状态\nGB/T 41568-2022,机关事务管理 术语,现行\n", encoding="utf-8")
    result = gbstd("import", str(source), "--into", str(root), "--update", "--lang", "en", "--as-of", AS_OF)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "RecursionError" not in result.stdout + result.stderr
    assert "nested deeper than" in result.stdout + result.stderr
    assert path.read_text(encoding="utf-8") == nested


@needs_symlinks
def test_fmt_refuses_links_leading_outside_and_fifos(tmp_path: Path) -> None:
    root = sample(tmp_path)
    out = outside(tmp_path)
    target = out / "DB41-T-9999-2024.yaml"
    target.write_text("title:   " + OUTSIDE_RECORD, encoding="utf-8")  # badly formatted on purpose
    before = target.read_bytes()
    (root / "records/local/DB41-T-9999-2024.yaml").symlink_to(target)
    os.mkfifo(root / "records/local/fifo.yaml")
    result = gbstd("fmt", str(root), "--lang", "en", timeout=60)
    assert result.returncode == 1
    assert "fifo.yaml: not a regular file" in result.stdout + result.stderr
    named = gbstd("fmt", str(root / "records/local/DB41-T-9999-2024.yaml"), "--lang", "en")
    assert "not in a catalog" in named.stdout + named.stderr
    assert target.read_bytes() == before and (root / "records/local/DB41-T-9999-2024.yaml").is_symlink()


@needs_symlinks
def test_review_add_goes_through_the_same_reader(tmp_path: Path) -> None:
    root = sample(tmp_path)
    out = outside(tmp_path)
    target = out / "DB41-T-9999-2024.yaml"
    before = target.read_bytes()
    (root / "records/local/DB41-T-9999-2024.yaml").symlink_to(target)
    args = ["--date", "2025-03-01", "--conclusion", "继续有效", "--by", "河南省局", "--lang", "en", "--as-of", AS_OF]
    refused = runner.invoke(app, ["review", "add", "DB41/T 9999-2024", "-C", str(root), *args])
    assert refused.exit_code == 2 and target.read_bytes() == before
    # A record too large for lint is refused by review add as well (it is not loaded, so not found).
    path = root / "records/local/DB41-T-2397-2023.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "# " + "x" * 1_100_000 + "\n", encoding="utf-8")
    large = runner.invoke(app, ["review", "add", "DB41/T 2397-2023", "-C", str(root), *args])
    assert large.exit_code == 2 and "Traceback" not in large.output


def test_shared_reader_refuses_what_lint_refuses(tmp_path: Path) -> None:
    from gbstd.catalog.config_file import CatalogError
    from gbstd.catalog.safe_read import read_catalog_file, require_catalog_file

    root = sample(tmp_path)
    deep = root / "records/deep.yaml"
    deep.write_text("a: " + "[" * 1000 + "]" * 1000 + "\n", encoding="utf-8")
    alias = root / "records/alias.yaml"
    alias.write_text("a: &x [1]\nb: *x\n", encoding="utf-8")
    gbk = root / "records/gbk.yaml"
    gbk.write_bytes("title: 机关食堂\n".encode("gb18030"))
    for path, rule in ((deep, "Y001"), (alias, "Y001"), (gbk, "Y005")):
        document = read_catalog_file(root, path, 1_000_000)
        assert not document.usable and document.problems[0].rule == rule
        with pytest.raises(CatalogError):
            require_catalog_file(root, path, 1_000_000)
    assert read_catalog_file(root, root / RECORD, 100).problems[0].rule == "Y009"
    assert read_catalog_file(root, tmp_path / "elsewhere.yaml", 1_000_000).problems[0].rule == "Y010"


# -------------------------------------------------------------------------- terminal output and shell hints


def test_text_reporter_strips_control_characters(tmp_path: Path) -> None:
    root = sample(tmp_path)
    name = "records/local/\x1b]0;owned\x07DB41.yaml" if sys.platform != "win32" else "records/local/x.yaml"
    (root / name).write_text('code: "\\e[2JDB41/T 1-2020"\ntitle: t\nstatus: "\\e[31m现行"\n', encoding="utf-8")
    result = runner.invoke(app, ["lint", str(root), "--lang", "en", "--as-of", AS_OF])
    assert result.exit_code == 1
    for bad in ("\x1b", "\x07"):
        assert bad not in result.stdout
    assert "DB41.yaml" in result.stdout


def test_printable_keeps_newlines_and_tabs() -> None:
    assert printable("a\tb\nc\x1b[2J\x1b]0;t\x07\r\x00\x7f\x9bd") == "a\tb\nc[2J]0;td"
    assert printable("机关事务 — ok") == "机关事务 — ok"


@pytest.mark.parametrize("ref", ["--upload-pack=touch /tmp/pwned", "x; touch pwned", "origin/$(id)"])
def test_git_hints_quote_the_ref(repo_catalog: tuple[git.Repo, Path], ref: str) -> None:
    _, root = repo_catalog
    result = runner.invoke(app, ["lint", str(root), "--changed-since", ref, "--lang", "en"])
    assert result.exit_code == 2
    if ref.startswith("-"):  # no revision can begin so: refused as such, with no command to copy
        assert "cannot begin with '-'" in result.stderr and "git fetch" not in result.stderr
        return
    branch = ref.split("/", 1)[1] if ref.startswith("origin/") else ref
    assert f"git fetch origin {shlex.quote(branch)}" in result.stderr


@needs_symlinks
def test_cache_never_stands_in_for_a_link_leading_outside(tmp_path: Path) -> None:
    root = sample(tmp_path)
    out = outside(tmp_path)
    assert lint_json(root)[0] in (0, 1)  # fills the cache
    record = root / "records/local/DB41-T-2397-2023.yaml"
    (out / "copy.yaml").write_text(record.read_text(encoding="utf-8").replace("title:", f"title: {MARKER}", 1),
                                   encoding="utf-8")
    record.unlink()
    record.symlink_to(out / "copy.yaml")
    again, findings, _ = lint_json(root)
    assert again == 1
    assert any(f["rule"] == "Y010" and f["path"] == "records/local/DB41-T-2397-2023.yaml" for f in findings)
    assert MARKER not in json.dumps(findings, ensure_ascii=False)


def test_history_checks_a_blob_size_before_reading_it() -> None:
    from gbstd import gitrepo

    class Blob:
        type, size = "blob", 3_400_000_000

        @property
        def data_stream(self) -> object:
            raise AssertionError("the blob was read")

    class Tree:
        def __truediv__(self, path: str) -> Blob:
            return Blob()

    class Commit:
        tree = Tree()

    assert gitrepo._blob_text(Commit(), "records/x.yaml", 1_000_000) is None  # type: ignore[arg-type]
