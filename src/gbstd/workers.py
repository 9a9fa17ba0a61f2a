"""Worker pools that are always wound down safely, whoever stops reading their results.

``multiprocessing.Pool`` used as a context manager calls ``terminate()`` on the way out. With tasks still
queued that can hang for ever — the pool's task-handler thread blocked writing the next task to a pipe no
worker reads any more, and ``terminate`` joining it (seen in CI: a page template failing in one worker of
``gbstd report site``). :func:`pool_imap` instead, when its caller stops early (an exception, a generator
closed), tells the workers to skip what is left (each remaining task returns at once), reads the remaining
results, and closes and joins the pool; only if that does not finish (a worker killed mid-task, whose result
never comes) does it terminate the pool, as before.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

Task = TypeVar("Task")
Result = TypeVar("Result")

DRAIN_SECONDS = 30.0  # for each remaining result while winding down: a skipped task returns at once
_SKIPPED = "\x00gbstd-skipped"  # what a skipped task returns (a string: it crosses the pipe as itself)
_stop: Any = None  # the current pool's stop event, set before the pool forks (the workers inherit it)


def pool_imap(
    func: Callable[[Task], Result], tasks: Iterable[Task], workers: int, *, ordered: bool = True,
    maxtasksperchild: int | None = None, method: str | None = None,
    initializer: Callable[..., object] | None = None, initargs: tuple[Any, ...] = (),
) -> Iterator[Result]:
    """``func(task)`` for every task in ``workers`` processes: in task order (``ordered``) or as they finish.
    ``func`` must be a module-level function (it is sent by name). Workers are forked where the platform can
    (``method`` None, the default; or name one): what the caller set up in module globals before calling is
    then seen by them. Elsewhere they are spawned, start afresh, and skip nothing while winding down.
    ``initializer(*initargs)`` runs in each worker as it starts, as with ``multiprocessing.Pool``."""
    global _stop
    if method is None:
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    context = multiprocessing.get_context(method)
    _stop = context.Event()
    pool = context.Pool(workers, initializer, initargs, maxtasksperchild)
    jobs = [(func, task) for task in tasks]
    results = (pool.imap if ordered else pool.imap_unordered)(_run, jobs)
    finished = False
    try:
        yield from results
        finished = True
    finally:
        if finished:
            pool.close()
            pool.join()
        else:
            _wind_down(pool, results)


def _wind_down(pool: Any, results: Any) -> None:
    """Skip the tasks not yet started, read what is still coming, then close; terminate only if stuck."""
    _stop.set()
    while True:
        try:
            results.next(timeout=DRAIN_SECONDS)
        except StopIteration:
            pool.close()
            pool.join()
            return
        except Exception as exc:  # a task that failed: its result is read, the others still come
            if isinstance(exc, multiprocessing.TimeoutError):
                break
        except BaseException:  # Ctrl-C while winding down
            pool.terminate()
            raise
    pool.terminate()  # a result that never comes (a worker killed mid-task): stop them


def _run(job: tuple[Callable[[Any], Any], Any]) -> Any:
    """In a worker: the task, unless the pool is winding down."""
    if _stop is not None and _stop.is_set():
        return _SKIPPED
    func, task = job
    return func(task)
