"""Cold-lint speed work (issue 15): what it changed must not change results or trust in the cache."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from gbstd.catalog.cache import Cache, is_plain_data
from gbstd.catalog.config_file import load_config
from tests.test_cache import GOOD, age, lint_json, make_catalog


def test_plain_data_is_what_orjson_writes_and_reads_back_the_same() -> None:
    assert is_plain_data({"a": [1, 2.5, None, True, "文"], "b": {"c": -(1 << 63)}})
    assert is_plain_data((1 << 64) - 1)
    assert not is_plain_data(1 << 64)  # orjson refuses it (and reads a written one back as a float)
    assert not is_plain_data(-(1 << 63) - 1)
    assert not is_plain_data(float("nan"))  # orjson would write null
    assert not is_plain_data([float("inf")])
    assert not is_plain_data({1: "a"})


def test_records_with_huge_integers_or_nan_lint_alike_cold_and_warm(tmp_path: Path) -> None:
    odd = GOOD.replace("41568", "41570") + "huge: 123456789012345678901234567890\nodd: .nan\n"
    root = make_catalog(tmp_path / "cat", {"GB-T-41568-2022.yaml": GOOD, "GB-T-41570-2022.yaml": odd})
    age(root)
    cold = lint_json(root)
    warm = lint_json(root)
    assert warm == cold
    edited = root / "records" / "GB-T-41568-2022.yaml"  # an incremental run: the odd record comes from its file
    edited.write_text(GOOD + "# edited\n", encoding="utf-8")
    age(root)
    assert lint_json(root) == cold
    assert lint_json(root, "--no-cache") == cold


def test_cache_documents_are_json_that_the_standard_library_reads(tmp_path: Path) -> None:
    root = make_catalog(tmp_path / "cat", {"GB-T-41568-2022.yaml": GOOD})
    age(root)
    lint_json(root)
    documents = sorted((root / ".gbstd-cache").rglob("*.json"))
    assert documents
    for path in documents:
        document = json.loads(path.read_text(encoding="utf-8"))
        assert document["format"] and document["tool"]


def test_unwritable_data_is_not_written_and_not_an_error(tmp_path: Path) -> None:
    root = make_catalog(tmp_path / "cat", {"GB-T-41568-2022.yaml": GOOD})
    cache = Cache.open(root, load_config(root))
    # a lone surrogate (a file name's byte that is not UTF-8) is kept, and read back the same
    assert cache.write_json("x.json", {"name": "\udc80"}) is not None
    assert (cache.read_json(cache.directory / "x.json") or {}).get("name") == "\udc80"
    assert cache.write_json("y.json", {"bad": 1 << 70}) is None  # orjson would read it back as a float
    assert cache.write_json("z.json", {"good": "文"}) is not None
    assert cache.read_json(cache.directory / "z.json") is not None
    (cache.directory / "z.json").write_bytes(b'{"format": NaN')  # damaged: ignored
    assert cache.read_json(cache.directory / "z.json") is None


def test_help_lists_every_command_and_each_one_loads() -> None:
    from typer.testing import CliRunner

    from gbstd.cli.app import COMMANDS, app

    runner = CliRunner()
    listed = runner.invoke(app, ["--help"], terminal_width=200)
    assert listed.exit_code == 0
    names = [line.split()[1] for line in listed.stdout.splitlines() if line.startswith("│ ") and line[2] != " "]
    assert names[names.index("lint"):] == list(COMMANDS)  # after the options, in the order of COMMANDS
    for name in COMMANDS:
        result = runner.invoke(app, [name, "--help"], terminal_width=200)
        assert result.exit_code == 0, (name, result.output)
    bulletin = runner.invoke(app, ["report", "bulletin", "--help"])  # registered by its own module
    assert bulletin.exit_code == 0, bulletin.output


def test_lint_does_not_import_other_commands_modules() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from gbstd.cli.app import app\n"
        "from typer.main import get_command\n"
        "group = get_command(app)\n"
        "assert group.get_command(None, 'lint') is not None\n"
        "heavy = ('gbstd.reports', 'gbstd.tabular', 'gbstd.serve', 'jinja2', 'openpyxl', 'docx', 'matplotlib')\n"
        "print(sorted(m for m in sys.modules if m.startswith(heavy)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_loading_writes_parsed_data_and_lets_go_of_it(tmp_path: Path) -> None:
    from gbstd.catalog.cache import SHARD_COUNT
    from gbstd.catalog.loader import load_catalog

    records = {f"GB-T-{41000 + n}-2022.yaml": GOOD.replace("41568", str(41000 + n)) for n in range(40)}
    root = make_catalog(tmp_path / "cat", records)
    age(root)
    cache = Cache.open(root, load_config(root))
    catalog = load_catalog(root, cache=cache, jobs=1)
    assert len(catalog.records) == 40
    assert cache.records._shards == {}  # written, not held: the D rules' child does not inherit it
    shards = list((cache.directory / "records").glob("*.json"))
    assert 0 < len(shards) <= SHARD_COUNT
    assert sorted(cache.records.all_keys()) == sorted(catalog.hashes.values())
    assert cache.records._shards == {}  # the keys were kept: pruning the cache reads nothing back
    again = Cache.open(root, load_config(root))
    for rel, sha in catalog.hashes.items():
        assert again.parsed(sha) is not None, rel
        assert cache.parsed(sha) is not None, rel  # read back from its shard when asked
    first = next(iter(catalog.hashes.values()))
    cache.keep_records(set(catalog.hashes.values()) - {first})  # a flushed shard read back, pruned, saved
    cache.save()
    assert Cache.open(root, load_config(root)).parsed(first) is None
    assert sorted(cache.records.all_keys()) == sorted(set(catalog.hashes.values()) - {first})


def test_a_cold_lint_writes_few_cache_files(tmp_path: Path) -> None:
    from gbstd.catalog.cache import SHARD_COUNT
    from gbstd.incremental import shard_count

    records = {f"GB-T-{41000 + n}-2022.yaml": GOOD.replace("41568", str(41000 + n)) for n in range(300)}
    root = make_catalog(tmp_path / "cat", records)
    age(root)
    cold = lint_json(root)
    written = [path for path in (root / ".gbstd-cache").rglob("*") if path.is_file()]
    # three sharded stores (files, records, positions) and the state's shards; the heads, the result and its
    # key; one memo per D rule; the stored report and its description
    assert len(written) <= 3 * SHARD_COUNT + shard_count(300) + 6 + 3 + 2
    assert lint_json(root) == cold


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet="GBDTZQ/ -.0123456789ABCＧ－—\t", max_size=18))
def test_normalised_spelling_fast_path_is_the_full_normalisation(raw: str) -> None:
    from gbstd.model.code import _normalise, normalise_spelling

    assert normalise_spelling(raw) == _normalise(raw)
    for code in ("GB/T 41568-2022", "GBT 41568-2022", "DB41T 2397-2023", "DB4101/T 1.2-2020", "T/CAS 1-2020"):
        assert normalise_spelling(code) == _normalise(code)


_PIECES = st.sampled_from(["GB", "GBT", "GBZ", "DB41", "DB41T", "DB4101", "T", "Q", "JGJ", "CAS", "T2"])
_SEPARATORS = st.sampled_from(["", " ", "  ", "/", " /", "/ ", "-", " - ", "－", "\t"])


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.one_of(_PIECES, _SEPARATORS, st.from_regex(r"[0-9.]{1,5}", fullmatch=True)), max_size=7))
def test_normalised_spelling_fast_path_on_code_like_text(parts: list[str]) -> None:
    from gbstd.model.code import _normalise, normalise_spelling

    raw = "".join(parts)
    assert normalise_spelling(raw) == _normalise(raw)
