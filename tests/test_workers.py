"""Worker pools wound down safely (``gbstd.workers.pool_imap``): a caller that stops early, a task that fails
while winding down, a worker that dies — the pool is left without hanging, and skipped work is not done."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from gbstd import workers
from gbstd.workers import pool_imap

pytestmark = pytest.mark.skipif("fork" not in __import__("multiprocessing").get_all_start_methods(),
                                reason="the pools fork")

_MARKS: Path | None = None  # where tasks leave a file each, set before the pool forks


def _square(n: int) -> int:
    return n * n


def _slow_mark(n: int) -> int:
    assert _MARKS is not None
    (_MARKS / f"{n}").touch()
    time.sleep(0.02)
    return n


def _fails_on_odd(n: int) -> int:
    if n % 2:
        raise ValueError(f"task {n}")
    time.sleep(0.01)
    return n


def _dies(n: int) -> int:
    if n == 1:
        os._exit(3)  # a worker killed mid-task: its result never comes
    time.sleep(0.01)
    return n


def test_results_in_order_or_as_they_come() -> None:
    assert list(pool_imap(_square, range(50), 2)) == [n * n for n in range(50)]
    assert sorted(pool_imap(_square, range(50), 2, ordered=False)) == [n * n for n in range(50)]


def test_a_caller_that_stops_early_leaves_the_rest_undone(tmp_path: Path) -> None:
    global _MARKS
    _MARKS = tmp_path
    try:
        for _ in range(5):  # the hang was a race: stop early again and again
            for child in tmp_path.iterdir():
                child.unlink()
            results = pool_imap(_slow_mark, range(400), 2)
            assert next(results) == 0
            results.close()  # as when the caller raises: the pool winds down
            assert len(list(tmp_path.iterdir())) < 100  # of 400: the tasks not started were skipped
    finally:
        _MARKS = None


def test_a_failure_in_the_caller_mid_way_winds_the_pool_down() -> None:
    def consume() -> None:
        for n in pool_imap(_square, range(600), 2, ordered=False, maxtasksperchild=25):
            if n > 100:
                raise RuntimeError("a template failed")

    for _ in range(5):
        with pytest.raises(RuntimeError, match="template"):
            consume()


def test_tasks_that_fail_while_winding_down_are_read_not_fatal() -> None:
    results = pool_imap(_fails_on_odd, range(200), 2)
    assert next(results) == 0
    results.close()  # the failures still coming are read and dropped; the pool closes


def test_a_worker_that_dies_is_stopped_after_the_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "DRAIN_SECONDS", 0.5)
    results = pool_imap(_dies, range(20), 2)
    assert next(results) == 0
    results.close()  # task 1's result never comes: after the wait the pool is terminated, not waited for


_GREETING = ""


def _greet(text: str) -> None:
    global _GREETING
    _GREETING = text


def _greeted(n: int) -> str:
    return f"{_GREETING} {n}"


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_each_worker_starts_with_the_initializer(method: str) -> None:
    """As ``gbstd fmt`` gives its workers the catalog: also under spawn, where nothing is inherited."""
    found = list(pool_imap(_greeted, range(6), 2, method=method, initializer=_greet, initargs=("你好",)))
    assert found == [f"你好 {n}" for n in range(6)]
