"""The lint cache: reused if nothing changed; invalidated by content, config, --as-of, rules; never fatal."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gbstd.catalog.cache import RACY_NS, Cache, tool_fingerprint
from gbstd.catalog.config_file import load_config
from gbstd.catalog.loader import load_catalog
from gbstd.cli.app import app
from gbstd.engine import Selection
from gbstd.linting import lint_catalog

runner = CliRunner()
AS_OF = "2025-06-30"

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


def make_catalog(root: Path, records: dict[str, str], config: str = "") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "gbstd.toml").write_text(config, encoding="utf-8")
    for rel, text in records.items():
        path = root / "records" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def age(root: Path, seconds: int = 60) -> None:
    """Backdate every file so that the cache trusts their fingerprints (fresh files count as racy)."""
    for top, _, files in os.walk(root):
        for name in files:
            path = os.path.join(top, name)
            info = os.stat(path)
            os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns - seconds * 1_000_000_000))


def lint_json(root: Path, *extra: str) -> tuple[int, list[dict[str, object]]]:
    result = runner.invoke(app, ["lint", str(root), "--as-of", AS_OF, "--format", "json", *extra])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def rules_of(findings: list[dict[str, object]]) -> list[object]:
    return sorted(f["rule"] for f in findings)


def test_cold_then_warm_give_the_same_findings_and_warm_comes_from_the_cache(tmp_path: Path) -> None:
    root = make_catalog(
        tmp_path / "cat", {"GB-T-41568-2022.yaml": GOOD, "bad.yaml": GOOD.replace("41568", "41569")}
    )
    age(root)
    cold = lint_json(root)
    assert (root / ".gbstd-cache" / "result.jsonl").is_file()
    assert (root / ".gbstd-cache" / ".gitignore").read_text().strip().endswith("*")
    warm = lint_json(root)
    assert warm == cold
    config = load_config(root)
    outcome = lint_catalog(root, config, dt.date(2025, 6, 30), Selection())
    assert outcome.from_cache
    assert rules_of([f.to_json() for f in outcome.result.findings]) == rules_of(cold[1])


def test_changing_one_file_changes_its_findings(tmp_path: Path) -> None:
    root = make_catalog(tmp_path / "cat", {"GB-T-41568-2022.yaml": GOOD})
    age(root)
    assert lint_json(root) == (0, [])
    path = root / "records" / "GB-T-41568-2022.yaml"
    path.write_text(GOOD.replace("published: 2022-04-15", "published: 2023-04-15"), encoding="utf-8")
    code, findings = lint_json(root)
    assert code == 1
    assert rules_of(findings) == ["C005", "C006"]  # year differs from the code; published after effective
    path.write_text(GOOD, encoding="utf-8")
    assert lint_json(root) == (0, [])


def test_same_size_same_mtime_edit_is_still_seen(tmp_path: Path) -> None:
    """Rewritten in the same second with the same size: the ctime and the racy check catch it."""
    root = make_catalog(tmp_path / "cat", {"GB-T-41568-2022.yaml": GOOD})
    lint_json(root)
    path = root / "records" / "GB-T-41568-2022.yaml"
    info = path.stat()
    path.write_text(GOOD.replace("现行", "废止"), encoding="utf-8")  # same length in bytes
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert path.stat().st_size == info.st_size
    code, findings = lint_json(root)
    assert code == 1 and "C007" in rules_of(findings)


@pytest.mark.parametrize("reader", ["load", "hash"])
def test_a_hash_is_trusted_by_when_its_file_was_read_not_when_it_was_remembered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reader: str
) -> None:
    """A file changed within RACY_NS before it was read may change again in that clock tick without a new
    fingerprint (coarse timestamps), so its hash is not trusted; that holds however long after the read the
    hash is remembered (a slow load of a national catalog)."""
    from gbstd.catalog import file_hashes, loader, yamlio

    root = make_catalog(tmp_path / "cat", {"GB-T-41568-2022.yaml": GOOD})
    rel = "records/GB-T-41568-2022.yaml"
    real, later = time.time_ns, [0]
    monkeypatch.setattr(time, "time_ns", lambda: real() + later[0])
    read = yamlio.read_bytes

    def reading(*args: object, **kwargs: object) -> object:
        found = read(*args, **kwargs)  # type: ignore[arg-type]
        later[0] = 10 * 1_000_000_000  # the rest of the run, remembering included, ten seconds on
        return found

    def trusted(through: object) -> bool:
        """Whether a fresh cache trusts the hash it learns reading the file through ``through``."""
        monkeypatch.setattr(loader, "read_bytes", through)
        monkeypatch.setattr(file_hashes, "read_bytes", through)
        cache = Cache.open(root, load_config(root))
        if reader == "load":
            load_catalog(root, cache=cache, jobs=1)
        else:
            file_hashes.hash_file(root, rel, cache, 1_000_000)
        return cache.known_hash(rel, yamlio.fingerprint_of((root / rel).stat())) is not None

    assert not trusted(reading)
    assert later[0]  # the file was read through the spy
    # the same file read again once it has settled (its last change RACY_NS before the read) is trusted
    later[0] = RACY_NS + 1_000_000_000
    assert trusted(read)


def test_as_of_config_and_rule_selection_are_part_of_the_key(tmp_path: Path) -> None:
    upcoming = GOOD.split("reviews:")[0].replace("现行", "即将实施").replace("2022-11-01", "2025-09-01")
    root = make_catalog(tmp_path / "cat", {"GB-T-41568-2022.yaml": upcoming})
    age(root)
    assert lint_json(root) == (0, [])
    code, findings = lint_json(root, "--as-of", "2025-10-01")  # the later --as-of wins
    assert code == 1 and rules_of(findings) == ["C007"]
    assert lint_json(root, "--as-of", "2025-10-01", "--ignore", "C007") == (0, [])
    (root / "gbstd.toml").write_text('[lint]\nignore = ["C007"]\n', encoding="utf-8")
    assert lint_json(root, "--as-of", "2025-10-01") == (0, [])


def test_an_added_or_removed_file_is_seen(tmp_path: Path) -> None:
    root = make_catalog(tmp_path / "cat", {"GB-T-41568-2022.yaml": GOOD})
    age(root)
    lint_json(root)
    copy = root / "records" / "copy" / "GB-T-41568-2022.yaml"
    copy.parent.mkdir()
    copy.write_text(GOOD, encoding="utf-8")
    assert rules_of(lint_json(root)[1]) == ["C008", "C008"]
    copy.unlink()
    assert lint_json(root) == (0, [])


def test_no_cache_neither_reads_nor_writes(tmp_path: Path) -> None:
    root = make_catalog(tmp_path / "cat", {"GB-T-41568-2022.yaml": GOOD})
    assert lint_json(root, "--no-cache") == (0, [])
    assert not (root / ".gbstd-cache").exists()


def test_cache_dir_is_configurable(tmp_path: Path) -> None:
    root = make_catalog(
        tmp_path / "cat", {"GB-T-41568-2022.yaml": GOOD}, '[catalog]\ncache_dir = "build/lint-cache"\n'
    )
    lint_json(root)
    assert (root / "build" / "lint-cache" / "result.jsonl").is_file()
    assert lint_json(root) == (0, [])  # the cache dir is not linted or hashed


@pytest.mark.parametrize(("value", "said"), [
    ("", "is the catalog itself"), (".", "is the catalog itself"), ("./", "is the catalog itself"),
    ("records", "holds [catalog] records"), ("data", "holds [catalog] plans"),
    ("records/local", "lies inside [catalog] records (records)"), ("data/plans/x", "lies inside [catalog] plans"),
])
def test_a_cache_dir_over_the_catalog_s_files_is_refused_exit_2(tmp_path: Path, value: str, said: str) -> None:
    # cache_dir = "." wrote a .gitignore of `*` and a CACHEDIR.TAG into the catalog root (git then ignored every
    # new record, backups skipped the catalog); "records/local" had lint and the reports skip those records
    root = make_catalog(tmp_path / "cat", {"GB-T-41568-2022.yaml": GOOD},
                        f'[catalog]\nplans = "data/plans"\ncache_dir = "{value}"\n')
    result = runner.invoke(app, ["lint", str(root), "--as-of", AS_OF, "--lang", "en"])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(f"gbstd: gbstd.toml:3: [catalog] cache_dir = {value!r} {said}"), result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert sorted(p.name for p in root.iterdir()) == ["gbstd.toml", "records"]  # nothing written
    assert not (root / "records" / ".gitignore").exists()
    assert not (root / "records" / "local").exists()


@pytest.mark.parametrize("where", ["root", "above", "records", "inside"])
def test_a_cache_dir_option_over_the_catalog_s_files_is_refused_exit_2(tmp_path: Path, where: str) -> None:
    root = make_catalog(tmp_path / "cat", {"GB-T-41568-2022.yaml": GOOD})
    named = {"root": root, "above": tmp_path, "records": root / "records", "inside": root / "records" / "cache"}[where]
    result = runner.invoke(app, ["lint", str(root), "--as-of", AS_OF, "--lang", "en", "--cache-dir", str(named)])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(f"gbstd: cannot use the cache directory (--cache-dir): {named} "), result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert not (named / "CACHEDIR.TAG").exists() and not (named / ".gitignore").exists()
    # under a hidden directory the loader never reads, a cache inside the records directory stays possible
    assert lint_json(root, "--cache-dir", str(root / "records" / ".cache")) == (0, [])


def test_a_cache_dir_inside_the_records_directory_no_longer_hides_its_records(tmp_path: Path) -> None:
    # cache_dir = "records/local" was accepted: the loader skipped that subtree, so its records left lint and
    # the reports without a word, and the cache wrote a .gitignore of `*` among them
    root = make_catalog(tmp_path / "cat", {"local/GB-T-41568-2022.yaml": GOOD}, '[catalog]\ncache_dir = "records/local"\n')
    for language, said in (("en", "lies inside [catalog] records (records)"), ("zh", "位于 [catalog] records（records）之内")):
        result = runner.invoke(app, ["lint", str(root), "--as-of", AS_OF, "--lang", language])
        assert result.exit_code == 2 and result.stdout == "", result.output
        assert result.stderr.startswith(f"gbstd: gbstd.toml:2: [catalog] cache_dir = 'records/local' {said}"), (
            result.stderr)
        assert len(result.stderr.splitlines()) == 1
    assert sorted(p.name for p in (root / "records" / "local").iterdir()) == ["GB-T-41568-2022.yaml"]


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"{",
        b"\x00\xff",
        b"[]",
        b'{"format": 1, "entries": 3}',
        b'{"format": 1, "entries": {"x": [1], "records/GB-T-41568-2022.yaml": [1]}}',
        b'{"format": 1, "digest": "x", "findings": [[1, 2]]}',
    ],
)
def test_a_corrupt_cache_is_ignored(tmp_path: Path, damage: bytes) -> None:
    root = make_catalog(
        tmp_path / "cat", {"GB-T-41568-2022.yaml": GOOD, "x.yaml": GOOD.replace("41568", "1")}
    )
    age(root)
    expected = lint_json(root)
    written = list((root / ".gbstd-cache").rglob("*.json"))
    assert len(written) >= 3
    for path in written:
        path.write_bytes(damage)
    assert lint_json(root) == expected
    assert lint_json(root) == expected


def test_a_forged_result_for_another_digest_is_not_used(tmp_path: Path) -> None:
    root = make_catalog(tmp_path / "cat", {"GB-T-41568-2022.yaml": GOOD})
    age(root)
    lint_json(root)
    result = root / ".gbstd-cache" / "result.jsonl"
    head = json.loads(result.read_text().splitlines()[0])
    head["digest"] = "0" * 64
    fake = ["records/GB-T-41568-2022.yaml", "C001", "假", "fake", None, [], True, 1, 1, "error"]
    result.write_text(json.dumps(head) + "\n" + json.dumps([fake]) + "\n")
    assert lint_json(root) == (0, [])


def test_an_unwritable_cache_dir_is_not_fatal(tmp_path: Path) -> None:
    root = make_catalog(tmp_path / "cat", {"GB-T-41568-2022.yaml": GOOD})
    (root / ".gbstd-cache").write_text("a file where the directory should be")
    assert lint_json(root) == (0, [])
    assert lint_json(root) == (0, [])


@pytest.mark.parametrize("kind", ["file", "under a file", "fifo", "link to nothing"])
def test_a_cache_dir_named_that_cannot_be_one_is_said_exit_2(tmp_path: Path, kind: str) -> None:
    # --cache-dir naming a regular file ran without the cache and said nothing: a path named is never passed over
    root = make_catalog(tmp_path / "cat", {"GB-T-41568-2022.yaml": GOOD})
    named = tmp_path / "cache"
    if kind == "fifo":
        if not hasattr(os, "mkfifo"):
            pytest.skip("named pipes are POSIX")
        os.mkfifo(named)
    elif kind == "link to nothing":
        named.symlink_to(tmp_path / "nowhere")
    else:
        named.write_text("a file, not a directory\n")
    if kind == "under a file":
        named = named / "lint"
    why = {"file": (f"{named} 是文件，不是目录", f"{named} is a file, not a directory"),
           "under a file": (f"{named.parent} 是文件，不是目录", f"{named.parent} is a file, not a directory"),
           "fifo": (f"{named} 不是目录（设备、管道或套接字）", f"{named} is not a directory (a device, pipe or socket)"),
           "link to nothing": (f"链接指向的文件不存在：{named} →", f"a link to nothing: {named} →")}[kind]
    for lang, reason in zip(("zh", "en"), why, strict=True):
        result = runner.invoke(app, ["lint", str(root), "--as-of", AS_OF, "--cache-dir", str(named), "--lang", lang])
        said = " ".join(result.stderr.split())
        assert result.exit_code == 2 and result.stdout == ""
        head = "gbstd: 无法使用缓存目录（--cache-dir）：" if lang == "zh" else "gbstd: cannot use the cache directory (--cache-dir): "
        assert said.startswith(head + reason), said
    assert lint_json(root, "--cache-dir", str(named), "--no-cache") == (0, [])  # not used: nothing to say


def test_racing_runs_leave_a_usable_cache(tmp_path: Path) -> None:
    records = {
        f"T-CAGA-{i}-2023.yaml": GOOD.replace("GB/T 41568-2022", f"T/CAGA {i}-2023")
        .replace("术语", f"术语 第{i}部分")
        .replace("published: 2022-04-15", "published: 2023-04-15")
        .replace("effective: 2022-11-01", "effective: 2023-11-01")
        for i in range(1, 40)
    }
    root = make_catalog(tmp_path / "cat", records)
    age(root)
    # --ignore D: the numbered titles are near-duplicates by construction.
    argv = [sys.executable, "-m", "gbstd", "lint", str(root), "--as-of", AS_OF, "--format", "json", "--ignore", "D"]
    runs = [subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(4)]
    for process in runs:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        assert json.loads(out) == []
    for path in (root / ".gbstd-cache").rglob("*.json"):
        json.loads(path.read_text())  # complete, parseable files
    assert not [p for p in (root / ".gbstd-cache").rglob("*") if p.suffix == ".tmp"]
    config = load_config(root)
    assert lint_catalog(root, config, dt.date(2025, 6, 30), Selection(ignore=["D"])).from_cache


def test_records_cache_is_dropped_when_the_config_changes(tmp_path: Path) -> None:
    internal = GOOD.replace("GB/T 41568-2022", "HNJGSW 101-2022")
    root = make_catalog(tmp_path / "cat", {"HNJGSW-101-2022.yaml": internal})
    age(root)
    assert rules_of(lint_json(root)[1]) == ["C002"]  # no internal_code_pattern: not a code
    (root / "gbstd.toml").write_text("[catalog]\ninternal_code_pattern = '^HNJGSW \\d+-\\d{4}$'\n")
    assert lint_json(root) == (0, [])
    cache = Cache.open(root, load_config(root))
    assert cache.tool == tool_fingerprint() and len(cache.records.all_keys()) == 1


def test_parallel_reading_gives_the_same_findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from gbstd.catalog import loader

    records = {
        f"DB41-T-{i}-2021.yaml": GOOD.replace("GB/T 41568-2022", f"DB41/T {i}-2021")
        .replace("published: 2022-04-15", "published: 2021-12-15")
        .replace("2022-11-01", "2021-11-01")
        .replace("术语", f"术语 第{i}部分")
        for i in range(1, 61)
    }
    records["broken.yaml"] = "code: [\n"
    root = make_catalog(tmp_path / "cat", records)
    single = lint_json(root, "--no-cache", "--jobs", "1", "--ignore", "D")
    monkeypatch.setattr(loader, "POOL_THRESHOLD", 10)
    monkeypatch.setattr(loader, "CHUNK", 7)
    assert loader.worker_count(2, 61) == min(2, len(os.sched_getaffinity(0)))
    assert lint_json(root, "--no-cache", "--jobs", "2", "--ignore", "D") == single
    assert rules_of(single[1]) == ["C006"] * 60 + ["Y001"]  # published after effective, and the broken file


@pytest.mark.parametrize(
    "entry",
    [
        ["x", [[1, 2, 3]]],
        [{"code": 5}, [["Y001", "a", "b", None, [], True, "x", 1, "?"]]],
        [None, "not a list"],
        7,
    ],
)
def test_forged_record_entries_with_a_valid_header_are_read_again(tmp_path: Path, entry: object) -> None:
    root = make_catalog(
        tmp_path / "cat", {"GB-T-41568-2022.yaml": GOOD, "x.yaml": GOOD.replace("41568", "1")}
    )
    age(root)
    expected = lint_json(root)
    (root / ".gbstd-cache" / "result.jsonl").unlink()
    for shard in (root / ".gbstd-cache" / "records").glob("*.json"):
        document = json.loads(shard.read_text())
        document["entries"] = {sha: entry for sha in document["entries"]}
        shard.write_text(json.dumps(document))
    assert lint_json(root) == expected


def test_records_keep_path_order_whichever_come_from_the_cache(tmp_path: Path) -> None:
    """Cached records used to be added before the ones read afresh: tie-breaks by catalog order then
    differed from a cold run (found by the incremental-lint equivalence test, on D003's partners)."""
    codes = ["GB/T 41568-2022", "GB/T 41569-2022", "GB/T 41570-2022"]
    root = make_catalog(tmp_path / "cat", {
        f"GB-T-{41568 + i}-2022.yaml": GOOD.replace("41568", str(41568 + i)) for i in range(3)
    })
    config = load_config(root)
    time.sleep(RACY_NS / 1e9 + 0.1)  # old enough for the cache to trust the files' fingerprints
    cache = Cache.open(root, config)
    load_catalog(root, cache=cache)
    cache.save()
    first = root / "records" / "GB-T-41568-2022.yaml"
    first.write_text(GOOD + "note: changed\n", encoding="utf-8")
    loaded = load_catalog(root, cache=Cache.open(root, config))
    assert [record.key for record in loaded.records] == codes


def test_the_tool_fingerprint_follows_the_package_data_and_the_shaping_projects(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gbstd
    from gbstd.catalog import cache as cache_module

    def fingerprint() -> str:
        tool_fingerprint.cache_clear()
        return tool_fingerprint()

    package, site = tmp_path / "gbstd", tmp_path / "site"
    package.mkdir()
    site.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "regions.tsv").write_text("41\t河南省\n", encoding="utf-8")
    (package / "__pycache__").mkdir()
    monkeypatch.setattr(gbstd, "__file__", str(package / "__init__.py"))
    monkeypatch.setattr(cache_module.sys, "path", [str(site)])
    try:
        first = fingerprint()
        (package / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"compiled")
        assert fingerprint() == first  # compiled modules are not the tool
        (package / "regions.tsv").write_text("41\t河南省\n42\t湖北省\n", encoding="utf-8")
        data = fingerprint()
        assert data != first  # a data file of the package is
        (site / "rapidfuzz-3.6.0.dist-info").mkdir()
        (site / "unrelated-1.0.dist-info").mkdir()
        older = fingerprint()
        assert older != data
        (site / "rapidfuzz-3.6.0.dist-info").rename(site / "rapidfuzz-3.7.0.dist-info")
        upgraded = fingerprint()
        assert upgraded != older  # an upgrade of a project that shapes the findings
        (site / "unrelated-1.0.dist-info").rename(site / "unrelated-2.0.dist-info")
        assert fingerprint() == upgraded  # of one that does not: the cache stays
        elsewhere = tmp_path / "work"
        (elsewhere / "rich-99.0.dist-info").mkdir(parents=True)
        monkeypatch.chdir(elsewhere)  # run from a folder that looks like an installation (python -m puts it first)
        monkeypatch.setattr(cache_module.sys, "path", ["", str(elsewhere), str(site), str(site) + "/"])
        assert fingerprint() == upgraded
    finally:
        tool_fingerprint.cache_clear()
