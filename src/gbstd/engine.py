"""Runs the selected rules over a loaded catalog and returns findings with positions and severities.

The engine, not the rules, decides a finding's code and severity (config overrides), which rules run
(select/ignore), which findings an inline ``suppress`` silences, and which files are reported on.
A rule that crashes is reported as an internal error; the other rules' findings still come back.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import gc
import os
import pickle
import select
import signal
import sys
import threading
import traceback
from collections import defaultdict
from collections.abc import Callable, Iterable
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import BinaryIO, Protocol, TypeVar

from gbstd import rules as registry
from gbstd.catalog.baseline import Baseline
from gbstd.catalog.catalog import Catalog, Record
from gbstd.catalog.loader import worker_count
from gbstd.catalog.yamlio import Positions, file_locator
from gbstd.findings import Finding, FindingSet, Severity
from gbstd.i18n import Text
from gbstd.model.config import Config
from gbstd.rules import Rule, RuleContext
from gbstd.rules._dupes_memo import DuplicateMemo
from gbstd.rules.base import RecordRule, severity_of
from gbstd.selection import Selection


def selected_rules(selection: Selection, rules: Iterable[type[Rule]] | None = None) -> list[Rule]:
    """Instances of the selected rules; the registry is read at call time (tests may extend it)."""
    chosen = registry.ALL_RULES if rules is None else rules
    return [rule() for rule in chosen if selection.enabled(rule.code)]


class KeptLocal(Protocol):
    """Findings of the record-local rules kept from an earlier run (:mod:`gbstd.kept_local`)."""

    unchecked: list[Record]  # the records those rules check in this run

    def covers(self, rule: Rule) -> bool:
        """Whether ``rule`` is one of those rules."""
        ...

    def findings(self, code: str, made: list[Finding] | None) -> list[Finding] | None:
        """Its findings: ``made`` in the unchecked records and the kept ones (None: it failed)."""
        ...


def run_rules(
    catalog: Catalog,
    as_of: dt.date,
    selection: Selection,
    *,
    only_paths: set[str] | None = None,
    progress: Callable[[str], None] | None = None,
    baseline: Baseline | None = None,
    jobs: int | None = None,
    memo: Callable[[list[str]], DuplicateMemo | None] | None = None,
    kept: KeptLocal | None = None,
) -> FindingSet:
    """Run the selected rules; ``only_paths`` limits the report (not the analysis) to those files.

    ``baseline`` (the catalog at a git revision) enables the rules that compare then and now; ``jobs`` as
    for loading (1: everything in this process; see :class:`RuleRunner`); ``memo`` gives the duplicate memo
    of a lint cache for the codes of the rules that run (the D rules then score only components it does not
    know, :mod:`gbstd.rules._dupes_memo`); ``kept``: the record-local rules' findings kept from an earlier run
    (those rules then check only the records it names).
    """
    found = collect_findings(catalog, as_of, selection, progress=progress, baseline=baseline, jobs=jobs, memo=memo,
                             kept=kept)
    return finish(catalog, found, only_paths)


def collect_findings(
    catalog: Catalog,
    as_of: dt.date,
    selection: Selection,
    *,
    progress: Callable[[str], None] | None = None,
    baseline: Baseline | None = None,
    jobs: int | None = None,
    memo: Callable[[list[str]], DuplicateMemo | None] | None = None,
    rules: list[Rule] | None = None,
    kept: KeptLocal | None = None,
) -> FindingSet:
    """What :func:`run_rules` finds, not yet finished (nothing dropped, positioned or sorted); ``rules``: these
    instead of the selected ones."""
    ctx = RuleContext(catalog, as_of, baseline)
    result = FindingSet()
    if rules is None:
        rules = [rule for rule in selected_rules(selection) if not (rule.needs_baseline and baseline is None)]
    if memo is not None:
        ctx.duplicate_memo = memo([rule.code for rule in rules if not isinstance(rule, RecordRule)])
    runner = RuleRunner(ctx, rules, result.internal_errors, jobs)
    found: dict[int, list[Finding] | None] = {}
    # the child's rules last, as it had the most time: asked for first, its findings would be waited for while
    # this process still had rules of its own to run (a second of a federation's edit at 10 000 records)
    for at in sorted(range(len(rules)), key=lambda at: runner.forked(rules[at])):
        rule = rules[at]
        if progress:
            progress(rule.code)
        if kept is not None and kept.covers(rule):
            found[at] = kept.findings(rule.code, check(rule, ctx, result.internal_errors, kept.unchecked))
        else:
            found[at] = runner.check(rule)
    for at in range(len(rules)):  # in the rules' order, whichever ran first
        result.findings.extend(found.pop(at) or ())
    wait_for_children()
    return result



# Catalog-wide rules that run in a forked child process, on the second core, while this process runs the
# others: the D rules share one costly analysis (``ctx.duplicates``) and feed nothing to the other rules.
FORKED = ("D",)
# Below this many records the fork costs more than it saves.
FORK_THRESHOLD = 1500


class RuleRunner:
    """Runs rules like :func:`check`; the :data:`FORKED` ones start at once in a forked child (with two or
    more cores, ``jobs`` not 1, a large catalog, ``os.fork``, called from the main thread while any other
    thread is a daemon, such as a progress bar's) and :meth:`check` waits for their findings. A child that
    dies leaves its rules to this process: the result is the same either way.

    The child is a bare ``os.fork``: it computes, writes its results to a pipe and leaves with ``os._exit``,
    touching neither the parent's output streams nor multiprocessing's machinery, so a lock that another
    thread held at the fork (a progress bar writing to stderr) is never waited for.
    """

    def __init__(self, ctx: RuleContext | None, rules: Iterable[Rule], errors: list[tuple[str, str]],
                 jobs: int | None = None, *, prepare: Callable[[], RuleContext] | None = None,
                 size: tuple[Config, int] | None = None, standby: tuple[Standby, object] | None = None) -> None:
        """With ``prepare`` the child makes its own context (loading its own catalog) and this process sets
        :attr:`ctx` once it has its catalog (see :meth:`before_load`); with ``standby``, a child forked earlier
        is handed the job instead (:class:`Standby`). A standby that cannot take it (handed one already, not
        for these rules) leaves it to a child forked with ``prepare``; one that dies, like any child, leaves the
        rules to this process."""
        self.ctx, self.errors = ctx, errors
        self._prepare = prepare
        # per forked rule: its packed findings, internal errors and the files it left as they were
        self._results: dict[str, tuple[_Packed | list[Finding] | None, list[tuple[str, str]], frozenset[str] | None]] | None = None
        self._child: tuple[int, int] | None = None  # (pid, read end of the pipe)
        forked = forked_rules(rules)
        self._forked = {rule.code for rule in forked}
        if size is not None:
            config, records = size
        else:
            assert ctx is not None, "a runner without a context is made with before_load"
            config, records = ctx.catalog.config, len(ctx.catalog.records)
        self._standby, self._job = standby if standby is not None else (None, None)
        if forked and can_fork(config, records, jobs):
            self._start(forked)
        else:
            self._forked.clear()
            if self._standby is not None:
                self._standby.dismiss()

    @classmethod
    def before_load(
        cls, prepare: Callable[[], RuleContext], config: Config, records: int, rules: Iterable[Rule],
        errors: list[tuple[str, str]], jobs: int | None = None, standby: tuple[Standby, object] | None = None,
    ) -> RuleRunner:
        """A runner started before this process has loaded the catalog (of ``records`` record files): the
        child calls ``prepare`` for a context of its own — loading the catalog itself, on the other core,
        while this process loads its own — and this process sets :attr:`ctx` before asking for findings.
        A child forked after the load would share the catalog's pages, and the first write to each of them
        (a reference count) copies it, in both processes: a fifth of a national title edit's D rules.
        ``standby``: a :class:`Standby` and the job to hand it, when one was forked for these rules."""
        return cls(None, rules, errors, jobs, prepare=prepare, size=(config, records), standby=standby)

    def _start(self, rules: list[Rule]) -> None:
        handed = self._standby.hand([rule.code for rule in rules], self._job) if self._standby is not None else None
        if handed is None:
            handed = _fork(lambda write_end: _serve(write_end, self._context, rules))
        if handed is None:
            self._forked.clear()  # no process to be had: run them here
            return
        self._child = handed
        atexit.register(self._abandon)  # an exit without the results must not leave the child behind

    def _context(self) -> RuleContext:
        ctx = self._prepare() if self._prepare is not None else self.ctx
        assert ctx is not None
        return ctx

    def abandon(self) -> None:
        """The child's results will not be asked for: stop it rather than wait for it."""
        atexit.unregister(self._abandon)
        self._abandon()

    def _abandon(self) -> None:
        """Exiting without the child's results (an error, Ctrl-C): stop it rather than wait for it."""
        if self._child is not None:
            pid, read_end = self._child
            self._child = None
            _stop(pid)
            with contextlib.suppress(OSError):  # closed already (the process is ending: no harm either way)
                os.close(read_end)

    def _collect(self) -> None:
        self._results = {}
        if self._child is None:
            return
        pid, read_end = self._child
        self._child = None
        atexit.unregister(self._abandon)
        try:
            with os.fdopen(read_end, "rb") as stream:
                self._results = dict(pickle.load(stream))  # our own child's data, never a file's
        except (EOFError, OSError, pickle.UnpicklingError, ValueError, TypeError):
            self._results = {}  # the child died (killed, out of memory): its rules run here
            with contextlib.suppress(OSError):
                os.waitpid(pid, 0)
        else:  # it may still be doing what its rules deferred: waited for by wait_for_children
            _FINISHING.append(pid)

    def forked(self, rule: Rule) -> bool:
        """Whether ``rule`` runs in the child."""
        return rule.code in self._forked

    def waiting(self) -> bool:
        """Whether the child's results are still to come: asking for a forked rule's findings now would wait."""
        if self._results is not None or self._child is None:
            return False
        poll = select.poll()  # not select.select: a descriptor above 1023 is refused there
        poll.register(self._child[1], select.POLLIN)
        return not poll.poll(0)  # an event: its results are coming, or it died (end of file, hang-up)

    def check(self, rule: Rule) -> list[Finding] | None:
        """``rule``'s findings (see :func:`check`), from the child for a forked rule."""
        ctx = self.ctx
        assert ctx is not None, "set ctx once this process has the catalog (before_load)"
        if rule.code in self._forked:
            if self._results is None:
                self._collect()
            assert self._results is not None
            done = self._results.pop(rule.code, None)
            if done is not None:
                packed, errors, remade, dated = done
                self.errors.extend(errors)
                if remade is not None:
                    ctx.remade[rule.code] = remade
                if dated:
                    ctx.dated.add(rule.code)
                return unpack(packed)
        return check(rule, ctx, self.errors)


P = TypeVar("P")  # what a standby child made ready for its job

# Forked children that sent their results and may still be doing what their rules deferred (ctx.deferred).
_FINISHING: list[int] = []


def wait_for_children() -> None:
    """Wait for the forked children still finishing deferred work (a lint run's end: the next run reads it)."""
    while _FINISHING:
        with contextlib.suppress(OSError):
            os.waitpid(_FINISHING.pop(), 0)


@atexit.register
def _stop_children() -> None:
    """Leaving without waiting (an error, Ctrl-C): a child's deferred work is only a cache, stop it."""
    while _FINISHING:
        _stop(_FINISHING.pop())


def _stop(pid: int) -> None:
    """Kill a forked child and reap it (either may already have happened)."""
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        os.waitpid(pid, 0)


def forked_rules(rules: Iterable[Rule]) -> list[Rule]:
    """Those of ``rules`` that run in a forked child when one can be had (:data:`FORKED`, catalog-wide)."""
    return [rule for rule in rules if rule.code.startswith(FORKED) and not isinstance(rule, RecordRule)]


def can_fork(config: Config, records: int, jobs: int | None) -> bool:
    """Whether rules may run in a forked child: two or more cores, ``jobs`` not 1, a large catalog (of
    ``records`` records), ``os.fork``, called from the main thread while any other thread is a daemon."""
    cores = worker_count(config.catalog.jobs if jobs is None else jobs, records, threshold=FORK_THRESHOLD, chunk=1)
    here = threading.current_thread()
    alone = here is threading.main_thread() and all(t.daemon for t in threading.enumerate() if t is not here)
    return cores > 1 and alone and hasattr(os, "fork")


def _fork(body: Callable[[int], None]) -> tuple[int, int] | None:
    """A bare ``os.fork`` whose child runs ``body`` with the write end of a pipe and leaves with ``os._exit``
    (0 when ``body`` returned); (its pid, the read end), or None when no process can be had."""
    read_end, write_end = os.pipe()
    for stream in (sys.stdout, sys.stderr):  # nothing buffered may be written twice
        stream.flush()
    gc.freeze()  # the child's collector leaves the parent's pages alone (shared, not copied)
    try:
        pid = os.fork()
    except OSError:
        gc.unfreeze()
        os.close(read_end)
        os.close(write_end)
        return None
    if pid == 0:  # the child
        code = 1
        try:
            os.close(read_end)
            sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - never the parent's streams
            body(write_end)
            code = 0
        finally:
            os._exit(code)
    gc.unfreeze()
    os.close(write_end)
    return pid, read_end


def _serve(write_end: int, context: Callable[[], RuleContext], rules: list[Rule]) -> None:
    """In a forked child: the rules' findings written to the pipe, then what they deferred."""
    ctx = context()
    with os.fdopen(write_end, "wb") as out:
        _check_in_child(out, ctx, rules)
    for action in ctx.deferred:  # the results are out: the main process goes on meanwhile
        action()


class Standby:
    """A child forked ahead of its job: it gets ready (``ready``: at national scale, loading the catalog as
    the cache last knew it) while this process checks the disk and works out which rules must run again, then
    waits for the job. Handed one (:meth:`hand`: rule codes and data that can be pickled), it makes the rules'
    context with ``make`` and serves them as a :class:`RuleRunner`'s child does; dismissed, it is killed
    (it writes nothing before its job). An incremental lint run's D rules otherwise start loading only once
    the disk is checked: at 100 000 records, a second after the run began."""

    def __init__(self, pid: int, jobs: int, results: int, codes: frozenset[str]) -> None:
        self._pid, self._jobs, self._results, self._codes = pid, jobs, results, codes
        self._waiting = True  # neither handed its job nor dismissed

    @classmethod
    def start(
        cls, ready: Callable[[], P], make: Callable[[P, object], RuleContext], rules: Iterable[Rule],
        config: Config, records: int, jobs: int | None,
    ) -> Standby | None:
        """A standby for ``rules`` (those of them :data:`FORKED`); None when they would not be forked."""
        by_code = {rule.code: rule for rule in forked_rules(rules)}
        if not by_code or not can_fork(config, records, jobs):
            return None
        job_read, job_write = os.pipe()

        def body(write_end: int) -> None:
            os.close(job_write)
            prepared = ready()
            with os.fdopen(job_read, "rb") as stream:
                try:
                    codes, job = pickle.load(stream)  # our own parent's data, never a file's
                except EOFError:
                    return  # dismissed
            _serve(write_end, lambda: make(prepared, job), [by_code[code] for code in codes])

        forked = _fork(body)
        os.close(job_read)
        if forked is None:
            os.close(job_write)
            return None
        standby = cls(forked[0], job_write, forked[1], frozenset(by_code))
        atexit.register(standby.dismiss)
        return standby

    def hand(self, codes: list[str], job: object) -> tuple[int, int] | None:
        """Give the standby its job: (its pid, the read end of its results), as :func:`_fork` answers; None
        when it was handed one already or is not for these rules (the caller forks afresh). The job is
        written by a daemon thread: the standby reads it once ready, and a pipe holds only 64 KiB."""
        if not self._waiting or not set(codes) <= self._codes:
            return None
        try:
            payload = pickle.dumps((codes, job), protocol=pickle.HIGHEST_PROTOCOL)
            threading.Thread(target=_write_all, args=(self._jobs, payload), daemon=True).start()
        except Exception:  # no job it could be given (no memory, no thread): it must not wait for ever
            self.dismiss()
            return None
        self._waiting = False  # the thread owns the pipe now, and the runner the child
        atexit.unregister(self.dismiss)
        return self._pid, self._results

    def dismiss(self) -> None:
        """No job will come: stop the standby (a no-op once it was handed its job)."""
        if not self._waiting:
            return
        self._waiting = False
        atexit.unregister(self.dismiss)
        _stop(self._pid)
        os.close(self._jobs)
        os.close(self._results)


def _write_all(fd: int, data: bytes) -> None:
    """Write ``data`` to a pipe and close it; a reader that died (the results then never come) is no error
    here: the runner that waits for them finds the pipe closed and runs the rules itself."""
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    except OSError:
        pass
    finally:
        os.close(fd)


def _check_in_child(out: BinaryIO, ctx: RuleContext, rules: list[Rule]) -> None:
    """In the forked child: every rule's findings (or None, packed), internal errors, the files whose findings
    it re-made when it left the others' as they were (``RuleContext.remade``) and whether it read the date
    (``RuleContext.dated``), written as one pickle."""
    results = []
    for rule in rules:
        errors: list[tuple[str, str]] = []
        produced = check(rule, ctx, errors, defer=True)
        remade = ctx.remade.get(rule.code) if produced is not None else None
        results.append((rule.code, (pack(produced), errors, remade, rule.code in ctx.dated)))
    pickle.dump(results, out, protocol=pickle.HIGHEST_PROTOCOL)


# A rule's findings as they cross the pipe: one list per field (strings, tuples and ints only), not Finding
# objects — unpickling 40 000 slotted dataclasses with their Text and Severity costs the waiting parent about
# ten times as much as making them again from the fields. A field that holds one object in every finding (a D
# rule's code, severity, ``loc``, ``key``, line and column) crosses once, as a 1-tuple, not as a list.
_Column = list[object] | tuple[object]
_Packed = tuple[str, int, list[_Column]]
_FIELDS = ("rule", "path", "record", "loc", "key", "line", "column")
_SEVERITIES = {severity.value: severity for severity in Severity}


def pack(findings: list[Finding] | None) -> _Packed | list[Finding] | None:
    """``findings`` by field; as they are (pickled whole) when one holds something else than a Text message."""
    if findings is None or not all(type(f) is Finding and type(f.message) is Text for f in findings):
        return findings
    columns = [list(map(attrgetter(name), findings)) for name in _FIELDS]  # map: no Python loop per finding
    texts = list(map(attrgetter("message"), findings))
    columns.append(list(map(itemgetter(0), texts)))
    columns.append(list(map(itemgetter(1), texts)))
    columns.append(list(map(attrgetter("value"), map(attrgetter("severity"), findings))))
    return ("fields", len(findings), [_once(column) if n in _SAME else column for n, column in enumerate(columns)])


# The columns worth testing for one object throughout: rule, loc, key, line, column and severity.
_SAME = frozenset({0, 3, 4, 5, 6, 9})


def _once(column: list[object]) -> _Column:
    """``column`` as a 1-tuple when it is one object throughout (by identity: 0 and False stay apart)."""
    if not column or column.count(column[0]) != len(column):  # count: C speed, and a cheap no for most
        return column
    return (column[0],) if len(set(map(id, column))) == 1 else column


def unpack(packed: _Packed | list[Finding] | None) -> list[Finding] | None:
    """The findings :func:`pack` was given, equal field for field."""
    if packed is None or isinstance(packed, list):
        return packed
    _, count, columns = packed
    severities = _SEVERITIES
    full = [list(column) * count if type(column) is tuple else column for column in columns]
    return [
        Finding(rule, Text(zh, en), path, record, loc, key, line, column, severities[severity])  # type: ignore[arg-type]
        for rule, path, record, loc, key, line, column, zh, en, severity in zip(*full, strict=True)
    ]


def check(
    rule: Rule, ctx: RuleContext, errors: list[tuple[str, str]], records: Iterable[Record] | None = None,
    defer: bool = False,
) -> list[Finding] | None:
    """One rule's findings, stamped with its code and configured severity; None (and an internal error
    noted in ``errors``) when it crashes. ``records`` runs a per-record rule on those records only. What the
    rule deferred (``ctx.deferred``) is done here too, unless ``defer`` (a forked child does it later)."""
    ctx.running = rule.code  # what it reads of "today" is noted against it (RuleContext.dated)
    try:
        if records is not None and isinstance(rule, RecordRule):
            produced = [f for record in records for f in rule.check_record(record, ctx)]
        else:
            produced = list(rule.check(ctx))
        while ctx.deferred and not defer:
            ctx.deferred.pop(0)()
    except Exception:
        errors.append((rule.code, traceback.format_exc()))
        return None
    finally:
        ctx.running = None
    severity = severity_of(ctx.catalog, rule)
    for finding in produced:
        finding.rule = rule.code
        finding.severity = severity
    return produced


def findings_in(catalog: Catalog, as_of: dt.date, rules: Iterable[Rule], paths: set[str]) -> list[Finding]:
    """The findings of ``rules`` in the record files ``paths``, inline suppressions applied and positions left
    unresolved: per-record rules check those records only (they report in the file of the record they
    check), catalog-wide ones the whole catalog. A rule that crashes finds nothing here."""
    ctx = RuleContext(catalog, as_of)
    records = [record for record in catalog.records if record.rel in paths]
    silenced = {(record.rel, item.rule) for record in records for item in record.standard.suppress}
    found: list[Finding] = []
    for rule in rules:
        found += check(rule, ctx, [], records) or ()
    return [f for f in found if f.path in paths and (f.path, f.rule) not in silenced]


def finish(catalog: Catalog, result: FindingSet, only_paths: set[str] | None) -> FindingSet:
    """Drop suppressed findings and those outside ``only_paths``, resolve positions, sort."""
    silenced = suppressions(catalog)
    result.findings = [
        f for f in result.findings
        if (f.path, f.rule) not in silenced and (only_paths is None or f.path in only_paths)
    ]
    resolve_positions(
        catalog.root, result.findings, catalog.config.catalog.max_file_size, catalog.positions,
        catalog.locate if catalog.mounts else None,
    )
    result.findings.sort(key=lambda f: f.sort_key)
    return result


def suppressions(catalog: Catalog) -> set[tuple[str, str]]:
    """(file, rule) pairs silenced by an inline ``suppress`` entry of a record or a project."""
    return {
        (record.rel, item.rule) for record in catalog.records for item in record.standard.suppress
    } | {(entry.rel, item.rule) for entry in catalog.projects for item in entry.project.suppress}


def resolve_positions(
    root: Path, findings: list[Finding], max_size: int, positions: dict[str, Positions] | None = None,
    locate: Callable[[str], tuple[Path, Path]] | None = None,
) -> None:
    """Give each unresolved finding its line and column: from the ``positions`` kept from the parse where
    they answer, else parsing each affected file once; ``locate`` maps a finding's path to its file and root
    where they are not under ``root`` (a federation's members)."""
    by_path: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        if finding.line == 0:
            by_path[finding.path].append(finding)
    for rel, pending in by_path.items():
        path, top = locate(rel) if locate else (root / rel, root)
        locator = file_locator(path, top, max_size, (positions or {}).get(rel))
        for finding in pending:
            finding.line, finding.column = locator.position(finding.loc, finding.key)

