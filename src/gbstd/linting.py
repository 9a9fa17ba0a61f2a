"""Linting a catalog with the cache: the library entry point behind ``gbstd lint``.

Nothing changed (every file's content, the configuration, ``--as-of``, the rule selection, the reported
paths and the tool itself): the findings of the last run are reused as they are. A few record files changed:
only those are read and checked again (with only the state shards that hold them), a catalog-wide rule runs
again (on the whole catalog, loaded from the cache) only when a group of fields it reads changed in some
record (:mod:`gbstd.incremental`), and the result is the last one with the findings of the changed files and
re-run rules replaced. Many files, or the system, notes, projects or plans changed: the whole catalog is
loaded (unchanged files from their cached parse) and every rule runs.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path, PurePosixPath
from typing import Any

from gbstd.catalog.baseline import Baseline
from gbstd.catalog.cache import (
    Cache,
    Splice,
    StoredOutput,
    StoredResult,
    config_digest,
    finding_from_json,
    finding_to_json,
    input_digest,
)
from gbstd.catalog.catalog import Catalog, Record
from gbstd.catalog.config_file import CONFIG_NAME
from gbstd.catalog.file_hashes import hash_file, hash_files
from gbstd.catalog.loader import (
    YAML_SUFFIXES,
    Reusable,
    cached_record,
    load_catalog,
    load_records,
    record_rels_among,
    reusable,
    walk_files,
)
from gbstd.catalog.real_paths import RealPaths, is_within
from gbstd.coverage import OwnCounts, own_counts
from gbstd.engine import (
    FORKED,
    RuleRunner,
    Selection,
    Standby,
    check,
    collect_findings,
    finish,
    forked_rules,
    selected_rules,
    suppressions,
    wait_for_children,
)
from gbstd.findings import Finding, FindingSet
from gbstd.gcpause import without_cycle_collection
from gbstd.gitrepo import build_baseline
from gbstd.incremental import (
    SHARD_COUNTS,
    LintState,
    file_entry,
    load_shared_files,
    on_day,
    rels_by_shard,
    resolve_positions,
    rows_by_path,
    rule_digests,
    scope,
    shard_count,
    shard_names,
    shard_paths,
    shared_digest,
    shared_files,
    state_shard,
)
from gbstd.lint_standby import DuplicateJob, rerun_context, start_standby
from gbstd.model.config import Config
from gbstd.plans import evidence_states, evidence_unchanged
from gbstd.rules import Rule, RuleContext
from gbstd.rules._dupes_memo import memo_for
from gbstd.rules.base import REMADE_UNKNOWN, Changes, severity_of

DAY_AT = 3  # where the day (``as_of``) is in a run's head, of which the state's head leaves it out


class DamagedResult(ValueError):
    """Stored rows that could not be made into findings: the caller lints again without them."""


class StoredFindings(FindingSet):
    """Findings kept as the stored result's rows, made into Finding objects only when something asks for them
    (a report printed from its stored bytes needs none)."""

    def __init__(self, rows: Callable[[], Iterable[list[Any]]]) -> None:
        self._rows = rows
        self._decoded: list[Finding] | None = None
        self.internal_errors: list[tuple[str, str]] = []

    def rows(self) -> Iterable[list[Any]]:
        return self._rows() if self._decoded is None else (finding_to_json(f) for f in self._decoded)

    @property  # type: ignore[override]
    def findings(self) -> list[Finding]:
        if self._decoded is None:
            try:
                self._decoded = [finding_from_json(row) for row in self._rows()]
            except (KeyError, TypeError, ValueError, IndexError, OSError, RecursionError) as exc:
                raise DamagedResult(str(exc)) from exc
        return self._decoded

    @findings.setter
    def findings(self, value: list[Finding]) -> None:
        self._decoded = value

    def decoded_where(self, wanted: Callable[[list[Any]], bool]) -> list[Finding]:
        """The findings whose rows are ``wanted``, the others not made at all (all of them when they are made
        already); :class:`DamagedResult` as for :attr:`findings`."""
        if self._decoded is not None:
            return [f for f in self._decoded if wanted(finding_to_json(f))]
        try:
            return [finding_from_json(row) for row in self._rows() if wanted(row)]
        except (KeyError, TypeError, ValueError, IndexError, OSError, RecursionError) as exc:
            raise DamagedResult(str(exc)) from exc


def stored_findings(stored: StoredResult, lazy: bool) -> FindingSet:
    """A stored result's findings: left as its rows when ``lazy`` (a report printed from its stored bytes
    needs none), else decoded now (a damaged row raises here, where the caller lints afresh)."""
    if lazy:
        return StoredFindings(stored.rows)
    return FindingSet([finding_from_json(row) for row in stored.rows()])


@dataclass
class LintOutcome:
    result: FindingSet
    files: list[str] = field(default_factory=list)  # every file of the catalog that was read
    from_cache: bool = False
    only_paths: set[str] | None = None  # the files reported on (None: all)
    # An incremental run: the record files re-checked and the catalog-wide rules run again (None: a full run).
    rechecked: list[str] | None = None
    rerun: list[str] | None = None
    # Where the report can come from: the cache, the stored result this outcome equals (its id), that
    # result's stored report with the options asked for, or the last report and what changed since.
    cache: Cache | None = None
    result_id: str | None = None
    output: StoredOutput | None = None
    splice: Splice | None = None
    # The state the run leaves (None: from the stored result, or no cache), and the whole catalog when an
    # incremental run loaded it to run catalog-wide rules again. Held by the outcome, so that a process that
    # ends after reporting frees them with everything else at its exit, not one object at a time when
    # lint_catalog returns (0.25 s and 0.3 s at 100 000 records).
    state: LintState | None = None
    catalog: Catalog | None = None


@without_cycle_collection()  # millions of small objects, next to no cycles: see gbstd.gcpause
def lint_catalog(
    root: Path,
    config: Config,
    as_of: dt.date,
    selection: Selection,
    *,
    only_paths: set[str] | None = None,
    targets: set[Path] | None = None,
    changed_since: str | None = None,
    use_cache: bool = True,
    jobs: int | None = None,
    progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
    output_key: str | None = None,
    keep_rows: bool = False,
) -> LintOutcome:
    """Lint the catalog at ``root`` (found and configured by the caller), reusing the cache when allowed.

    ``only_paths`` limits the report to those files. ``changed_since`` (a git revision) limits it further to
    the files changed since then (within ``targets``) and runs the rules that compare with that revision;
    such a report depends on git history and is never taken from the cache, but with the cache the whole
    catalog's findings it starts from are (:func:`_changed_since`).
    ``output_key`` names the report options (:func:`gbstd.reporters.stored.output_key`): a stored report
    of this result with those options is handed back open, and its findings are then not decoded;
    ``keep_rows``: the findings of a stored result, or of the last result an incremental run patches, are left
    as its rows all the same where they can be (:class:`StoredFindings`).
    """
    cache = Cache.open(root, config) if use_cache else None
    if cache is not None and changed_since is not None:
        return _changed_since(root, config, as_of, selection, changed_since, only_paths, targets, jobs, progress,
                              on_total)
    if cache is None:  # every rule on the whole catalog, read afresh (also the reference for the cached paths)
        catalog = load_catalog(root, progress=progress, on_total=on_total, jobs=jobs)
        baseline = build_baseline(catalog, changed_since) if changed_since is not None else None
        changed = changed_paths(catalog, baseline) if baseline is not None else None
        found = collect_findings(catalog, as_of, selection, baseline=baseline, jobs=jobs)
        if baseline is not None and changed is not None:
            only_paths = _limit_to_change(catalog, baseline, changed, found, as_of, selection, only_paths, targets,
                                          jobs)
            result = finish(catalog, found, None)
        else:
            result = finish(catalog, found, only_paths)
        return LintOutcome(result, catalog.files, only_paths=only_paths)

    head = _result_head(cache, config, as_of, selection, only_paths)
    # Few files changed: start from the last run's state; many (or a first run): load everything. The state
    # is of any day (it knows which findings read the day), so it is found without ``as_of``.
    state_head = input_digest([part for at, part in enumerate(head[:-1]) if at != DAY_AT])
    state = LintState.load(cache, state_head)
    # With a state to start from, the D rules' child is forked now and loads the catalog while the files are
    # listed and the disk is checked (gbstd.lint_standby); it is killed when they need not run again
    standby = start_standby(root, config, cache, state.listed, _runnable(selection), jobs) if state else None
    try:
        everything = files_linted(root, cache.directory)
        return _lint_from(root, config, as_of, selection, cache, everything, head, state_head, state, standby,
                          jobs, progress, on_total, only_paths, output_key, keep_rows)
    finally:
        if standby is not None:
            standby.dismiss()


def _changed_since(
    root: Path, config: Config, as_of: dt.date, selection: Selection, changed_since: str,
    named: set[str] | None, targets: set[Path] | None, jobs: int | None,
    progress: Callable[[int], None] | None, on_total: Callable[[int], None] | None,
) -> LintOutcome:
    """:func:`lint_catalog` with ``changed_since``, from the whole catalog's findings as a run without it finds
    them (the stored result, or an incremental run from the state, which is left for the next run as any run
    leaves it): the rules that compare with the revision are run on the catalog, and the report is limited to
    the changed files and what the change brought elsewhere, as the run without the cache limits it (the
    findings are the same; a test compares the two). At 100 000 records the whole analysis ran every rule
    again on every run, and its duplicate memo was not the one the lint state had kept, so the next plain run
    found every duplicate group again."""
    # the revision first (it reads the root and configuration alone): one that is not there stops before a lint
    baseline = build_baseline(Catalog(root=root, config=config), changed_since)
    now = lint_catalog(root, config, as_of, selection, jobs=jobs, progress=progress, on_total=on_total,
                       keep_rows=True)
    # the catalog that run loaded, else from this configuration's cache (a --cache-dir elsewhere included)
    catalog = now.catalog if now.catalog is not None else load_catalog(root, cache=Cache.open(root, config), jobs=jobs)
    changed = changed_paths(catalog, baseline)
    try:
        current = _findings_reported(now.result, changed, named, _elsewhere_codes(selection))
    except DamagedResult:  # stored rows that do not decode: lint again without them
        if now.cache is not None:
            now.cache.forget_result()
        now = lint_catalog(root, config, as_of, selection, jobs=jobs, progress=progress, on_total=on_total)
        current = now.result.findings
    compared = [rule for rule in selected_rules(selection) if rule.needs_baseline]
    then = collect_findings(catalog, as_of, selection, baseline=baseline, jobs=jobs, rules=compared)
    found = FindingSet([*current, *finish(catalog, then, None).findings],
                       [*now.result.internal_errors, *then.internal_errors])
    only_paths = named
    if changed is not None:
        only_paths = _limit_to_change(catalog, baseline, changed, found, as_of, selection, named, targets, jobs,
                                      narrowed=True)
    elif named is not None:
        found.findings = [f for f in found.findings if f.path in named]
    found.findings.sort(key=lambda f: f.sort_key)
    return LintOutcome(found, now.files, only_paths=only_paths, catalog=catalog)


def _findings_reported(
    result: FindingSet, changed: set[str] | None, named: set[str] | None, elsewhere: set[str]
) -> list[Finding]:
    """Of the whole catalog's findings, those a changed-since report can keep: in the ``changed`` files, and
    those of the rules :func:`caused_by_change` compares (``elsewhere``) in any file; in the ``named`` files
    when the configuration or the system file changed (``changed`` None: every file is reported on). Rows
    left as stored are decoded only when kept: the 484 353 findings of 100 000 records are a second's work,
    the few kept a tenth of it."""
    if changed is None and named is None:
        return result.findings
    if changed is None:
        assert named is not None
        paths, codes = named, set()
    else:
        paths, codes = changed, elsewhere
    if isinstance(result, StoredFindings):
        return result.decoded_where(lambda row: row[0] in paths or row[1] in codes)
    return [f for f in result.findings if f.path in paths or f.rule in codes]


def _limit_to_change(
    catalog: Catalog, baseline: Baseline, changed: set[str], found: FindingSet, as_of: dt.date,
    selection: Selection, named: set[str] | None, targets: set[Path] | None, jobs: int | None,
    narrowed: bool = False,
) -> set[str]:
    """Keep of ``found`` the findings in the ``changed`` files (those inside ``targets`` when the user named
    paths: ``named``) and what the change brought elsewhere (:func:`caused_by_change`); the files reported
    on. A file whose brought findings are all silenced is not among them."""
    real, tops = RealPaths(), [os.fspath(t) for t in targets or ()]
    within = {rel for rel in changed if any(is_within(real.of(os.path.join(catalog.root, rel)), top) for top in tops)}
    only_paths = changed if named is None else within
    brought = caused_by_change(catalog, baseline, as_of, selection, found.findings, only_paths, named, jobs,
                               narrowed=narrowed)
    kept = {id(finding) for finding in brought}
    found.findings = [f for f in found.findings if f.path in only_paths or id(f) in kept]
    silenced = suppressions(catalog)
    return only_paths | {f.path for f in brought if (f.path, f.rule) not in silenced}


def _lint_from(
    root: Path, config: Config, as_of: dt.date, selection: Selection, cache: Cache, everything: list[str],
    head: list[str], state_head: str, state: LintState | None, standby: Standby | None, jobs: int | None,
    progress: Callable[[int], None] | None, on_total: Callable[[int], None] | None, only_paths: set[str] | None,
    output_key: str | None, keep_rows: bool = False,
) -> LintOutcome:
    """:func:`lint_catalog` with the cache, once the files are listed: the stored result when it is this run's,
    else an incremental run from ``state`` (when every file's hash is known), else a full one."""
    hashes, before = _known_hashes(root, everything, cache)
    digest = None  # made once every hash is known (0.04 s at 100 000 records)
    if _hash_unknown(root, hashes, before, cache, config, jobs, standby):
        digest = _result_digest(head, hashes)
        stored = _stored(root, cache, digest)
        if stored is not None:
            output = cache.output_for(stored.id, output_key) if output_key is not None else None
            try:
                # With its report stored, the findings are read only if something asks for them.
                result = stored_findings(stored, output is not None or keep_rows)
                outcome = LintOutcome(
                    result,
                    [str(rel) for rel in stored.head["files"]],
                    from_cache=True,
                    only_paths=only_paths,
                    cache=cache,
                    result_id=stored.id,
                    output=output,
                )
            except (KeyError, TypeError, ValueError, OSError, RecursionError):
                outcome = None  # damaged: lint afresh
            if outcome is not None:
                cache.save()
                return outcome

    few = all(sha is not None for sha in hashes.values())
    analysis = None
    if state is not None and few:
        analysis = _incremental(
            root, config, as_of, selection, hashes, state, cache, jobs, only_paths, output_key,
            record_rels_among(root, config, everything, cache.directory), standby, keep_rows,
        )
    if analysis is None:
        if standby is not None:
            standby.dismiss()  # the full run's load takes both cores
        analysis = _full(
            root, config, as_of, selection, hashes, state_head, cache, jobs, progress, on_total, only_paths
        )
    result, new_state = analysis.result, analysis.state
    cache.forget_missing(everything)
    if analysis.rechecked is None:  # a full run prunes all parsed data; an incremental one did its part
        cache.keep_records({entry.sha for entry in new_state.files.values()})
    cache.save()
    if not result.internal_errors:  # a crashed rule must crash again next time, not be forgotten
        if digest is None:  # a full run has hashed the files as it read them
            digest = _result_digest(head, hashes)
        only = sorted(only_paths) if only_paths is not None else None
        stored_head = {"files": analysis.files, "only": only, "evidence": analysis.evidence}
        written = None
        if isinstance(result, _Patched) and result.stored.head.get("only") == only:
            # The last result's lines copied where no changed file is in them.
            fresh = [finding_to_json(f) for f in result.fresh]
            written = cache.remember_patched_result(digest, stored_head, result.stored, result.touched, fresh)
        if written is None:
            rows = result.rows() if isinstance(result, StoredFindings) else (finding_to_json(f) for f in result.findings)
            written = cache.remember_result(digest, stored_head, rows)
        new_state.result = digest if written else ""  # the next incremental run starts from these rows
        new_state.listed = len(everything)
        new_state.save(cache)
        result_id = written
    else:
        result_id = None
    wait_for_children()  # a forked child may still be writing what the next run reads (the D rules' memo)
    return LintOutcome(
        result, analysis.files, only_paths=only_paths, rechecked=analysis.rechecked, rerun=analysis.rerun,
        cache=cache, result_id=result_id, splice=result.splice if isinstance(result, _Patched) else None,
        state=new_state, catalog=analysis.catalog,
    )


def stored_result(root: Path, config: Config, as_of: dt.date, selection: Selection) -> StoredResult | None:
    """The result ``gbstd lint`` stored for the whole catalog as it is now (with ``selection``, on ``as_of``),
    its rows unread; None when none stands for it (lint has not run since something changed, or there is no
    cache): what a reader of a few files' findings takes instead of linting (:meth:`StoredResult.rows_of`)."""
    cache = Cache.open(root, config)
    if not cache.directory.is_dir():
        return None
    hashes, before = _known_hashes(root, files_linted(root, cache.directory), cache)
    if not _hash_unknown(root, hashes, before, cache, config):
        return None
    return _stored(root, cache, _result_digest(_result_head(cache, config, as_of, selection, None), hashes))


def _result_head(
    cache: Cache, config: Config, as_of: dt.date, selection: Selection, only_paths: set[str] | None
) -> list[str]:
    """What a stored result depends on besides its files' content hashes; the lint state's is the same without
    the day (``DAY_AT``) or the reported paths (the last part)."""
    return [
        cache.tool,
        cache.config,
        config_digest(config),
        as_of.isoformat(),
        *selection_key(selection),
        "|".join(sorted(only_paths)) if only_paths is not None else "*",
    ]


# Files whose content the cache does not know that are hashed before the stored result is looked for: at most
# this many, or this share of the catalog, unless the cache has hashed them before (see _hash_unknown).
FEW_UNKNOWN, FEW_UNKNOWN_SHARE = 64, 100


def _hash_unknown(
    root: Path, hashes: dict[str, str | None], before: set[str], cache: Cache, config: Config,
    jobs: int | None = None, standby: Standby | None = None,
) -> bool:
    """Hash the files whose fingerprint the cache does not trust, so that a stored result or the lint state
    may stand for the catalog; False, hashing nothing, when they are many and mostly new to the cache (the run
    to come reads them and hashes them as it parses them). ``before``: those the cache has hashed before
    (:func:`_known_hashes` found them in the same pass over its file table).

    Many files the cache has hashed before are hashed all the same (a copied catalog, a fresh clone with its
    cache restored in CI, a checkout: every file has a new fingerprint, most the same content): at 100 000
    records that is about 3 s on two cores, where a full run took 50 s. The ``standby`` is dismissed then: it
    would take a core from the hashing to load a catalog it took on trust (5 s instead of 3 s)."""
    unknown = [rel for rel, sha in hashes.items() if sha is None]
    few = max(FEW_UNKNOWN, len(hashes) // FEW_UNKNOWN_SHARE)
    if len(unknown) > few:
        if len(unknown) - len(before) > few:
            return False
        if standby is not None:
            standby.dismiss()
    workers = config.catalog.jobs if jobs is None else jobs
    hashes.update(hash_files(root, unknown, cache, config.catalog.max_file_size, workers))
    return True


def _result_digest(head: list[str], hashes: dict[str, str | None]) -> str:
    """What a result is stored under: its head and every file's content hash."""
    return input_digest([*head, *(f"{rel}={sha}" for rel, sha in hashes.items())])


def _stored(root: Path, cache: Cache, digest: str) -> StoredResult | None:
    """The stored result for exactly the inputs of ``digest``, whose plans' evidence files are as they were."""
    stored = cache.result_for(digest)
    if stored is None or not evidence_unchanged(root, stored.head.get("evidence")):
        return None
    return stored


@dataclass
class Analysis:
    files: list[str]
    result: FindingSet  # final: suppressed, limited to the reported paths, positioned and sorted
    state: LintState
    rechecked: list[str] | None = None  # set by an incremental run
    rerun: list[str] | None = None
    catalog: Catalog | None = None  # the whole catalog, when an incremental run loaded it (see LintOutcome)
    evidence: dict[str, str] = field(default_factory=dict)  # the plans' evidence files: gbstd.plans.evidence_states


def _runnable(selection: Selection) -> list[Rule]:
    return [rule for rule in selected_rules(selection) if not rule.needs_baseline]


def _file_findings(catalog: Catalog, rules: list[Rule]) -> list[Finding]:
    """The loader's findings that the selected file-scope rules report, stamped as the engine would."""
    severities = {rule.code: severity_of(catalog, rule) for rule in rules if scope(rule) == "file"}
    found = [f for f in catalog.load_findings if f.rule in severities]
    for finding in found:
        finding.severity = severities[finding.rule]
    return found


def _full(
    root: Path, config: Config, as_of: dt.date, selection: Selection, hashes: dict[str, str | None],
    state_head: str, cache: Cache, jobs: int | None,
    progress: Callable[[int], None] | None, on_total: Callable[[int], None] | None,
    only_paths: set[str] | None,
) -> Analysis:
    """Every file and every rule, leaving the state that the next run starts from."""
    catalog = load_catalog(root, progress=progress, on_total=on_total, cache=cache, jobs=jobs)
    for rel, sha in hashes.items():
        if sha is None:
            hashes[rel] = catalog.hashes.get(rel) or hash_file(root, rel, cache, config.catalog.max_file_size)
    rules = _runnable(selection)
    ctx = RuleContext(catalog, as_of)
    ctx.duplicate_memo = memo_for(cache, [rule.code for rule in rules if scope(rule) == "catalog"], catalog)
    result = FindingSet()
    runner = RuleRunner(ctx, rules, result.internal_errors, jobs)  # the D rules start on the other core
    load = _file_findings(catalog, rules)
    local: list[Finding] = []
    for rule in rules:
        if scope(rule) == "record":
            local += runner.check(rule) or []
    evidence, shared = evidence_states(catalog), shared_files(catalog)
    state = LintState.fresh(state_head, shared_digest(shared, hashes, evidence), shard_count(len(catalog.records)))
    load_rows, local_rows = rows_by_path(load), rows_by_path(local)
    by_rel = {record.rel: record for record in catalog.records}
    # every record file has an entry, one that could not be read too (its "hash" says why: hash_file), so
    # that an incremental run knows when it is gone and drops its findings
    unread = sorted(set(catalog.files) - set(catalog.hashes) - set(shared))
    for rel, sha in [*catalog.hashes.items(), *((rel, hashes.get(rel) or "") for rel in unread)]:
        entry = file_entry(by_rel.get(rel), rel, sha, [], [])
        entry.load, entry.local = load_rows.get(rel, []), local_rows.get(rel, [])
        state.put(rel, entry)
    # Findings are held as the state's rows while the rules run (a third of the memory of Finding objects)
    # and made again from them once the catalog is freed; only files without an entry keep theirs.
    extra = [f for f in load if f.path not in state.files]  # the system, projects, unreadable records
    del load, local, load_rows, local_rows
    catalog_rules = [rule for rule in rules if scope(rule) == "catalog"]
    digests = rule_digests(catalog_rules, state.group_digests(), state.shared)
    cache.save()  # the files' hashes and parsed data, written while the child still runs the D rules
    silenced, files, positions = suppressions(catalog), catalog.files, catalog.positions
    forked = frozenset(rule.code for rule in catalog_rules if runner.forked(rule))
    early: list[Finding] | None = None
    for rule in sorted(catalog_rules, key=runner.forked):  # those of the child last: it had the most time
        if early is None and rule.code in forked:
            # What every other rule found is made ready to report (positioned, sorted) while the child still
            # runs: after it, only its own findings are left to do.
            early = _finish(root, config, [*_kept(state), *extra], silenced, only_paths, state, positions)
        produced = runner.check(rule)
        if produced is not None:
            state.rules[rule.code] = _stamped(digests[rule.code], rule.code, ctx, as_of)
            _distribute(state, rule.code, produced, fresh=True)
            _note_memo(state, ctx, rule.code)
        del produced
    state.as_of, state.dated = as_of.isoformat(), set(ctx.dated)
    _keep_counts(state, ctx, as_of)
    del ctx, catalog, by_rel, runner  # the models and duplicate groups are not needed to report: free them first
    if early is None:
        result.findings = _finish(root, config, [*_kept(state), *extra], silenced, only_paths, state, positions)
    else:  # the child's findings, merged in (a stable sort: equal keys are of one rule, so of one side)
        late = _finish(root, config, _kept_of(state, sorted(forked)), silenced, only_paths, state, positions)
        result.findings = sorted([*early, *late], key=lambda f: f.sort_key)
    return Analysis(files, result, state, evidence=evidence)


def _stamped(digest: str, code: str, ctx: RuleContext, as_of: dt.date) -> str:
    """Rule ``code``'s digest to keep in the state after it ran in ``ctx``: with the day when it read it."""
    return on_day(digest, as_of.isoformat() if code in ctx.dated else None)


def _finish(
    root: Path, config: Config, findings: list[Finding], silenced: set[tuple[str, str]],
    only_paths: set[str] | None, state: LintState, positions: dict[str, Any] | None = None,
) -> list[Finding]:
    """Findings as reported: suppressions applied, limited to the reported paths, positioned."""
    kept = [
        f for f in findings
        if (f.path, f.rule) not in silenced and (only_paths is None or f.path in only_paths)
    ]
    resolve_positions(Catalog(root=root, config=config, positions=positions or {}), kept, state)
    kept.sort(key=lambda f: f.sort_key)
    return kept


def _distribute(
    state: LintState, code: str, produced: list[Finding], fresh: bool = False, only: frozenset[str] | None = None
) -> set[str]:
    """Keep a catalog-wide rule's findings with the files they are in (records) or in the head (others),
    replacing what it found before; a file whose findings of this rule are unchanged keeps its shard as
    it is (a title edit re-runs the D rules, whose findings elsewhere mostly stay the same). ``fresh``: the
    rule has found nothing in this state yet (a full run), so no file's entry needs looking at but those
    with findings (at 100 000 records, visiting every entry for each of 27 rules cost 2 s). ``only``: the
    record files the rule re-checked (``RuleContext.remade``); every other file holds its findings already.
    Returns the record files whose findings of this rule changed."""
    elsewhere: list[list[Any]] = []
    moved: set[str] = set()
    by_path = rows_by_path(produced)
    if not fresh:
        for rel in state.files if only is None else only:
            entry = state.files.get(rel)
            if rel not in by_path and entry is not None and entry.catalog.pop(code, None) is not None:
                state.touch(rel)
                moved.add(rel)
    files = state.files
    for rel, rows in by_path.items():
        entry = files.get(rel)
        if entry is None:  # not a record file: a project or a plan
            elsewhere += [[rel, *row] for row in rows]
        elif entry.catalog.get(code) != rows:
            entry.catalog[code] = rows
            state.touch(rel)
            moved.add(rel)
    if elsewhere:
        state.elsewhere[code] = elsewhere
    else:
        state.elsewhere.pop(code, None)
    return moved


def _incremental(
    root: Path, config: Config, as_of: dt.date, selection: Selection, hashes: dict[str, str | None],
    state: LintState, cache: Cache, jobs: int | None, only_paths: set[str] | None, output_key: str | None,
    rels: list[str], standby: Standby | None = None, keep_rows: bool = False,
) -> Analysis | None:
    """Re-check only what the changed record files can affect (``rels``: the record files); None when a full
    run is due (the system, notes, projects or plans changed, or too many records did, or the state is damaged).
    ``standby``: the D rules' child forked ahead (:mod:`gbstd.lint_standby`), handed their job if they run;
    ``keep_rows``: the last result's findings kept are left as its rows where they can be (:func:`_patched`)."""
    others = load_shared_files(root, config)
    evidence = evidence_states(others.catalog)
    shared = shared_digest(others.files, hashes, evidence)
    if shared != state.shared:
        return None
    held_counts = state.module_counts(as_of.isoformat())  # of the catalog as the state's run read it
    # Only the shards whose files (path and content) differ from the state's are read.
    grouped = rels_by_shard(rels, state.count)
    now = shard_paths(hashes, grouped)
    dirty = [shard for shard in shard_names(state.count) if now.get(shard) != state.shards.get(shard, (None,))[0]]
    if not state.load_shards(cache, dirty):
        return None
    present = set(rels)
    changed = sorted(
        rel for shard in dirty for rel in grouped.get(shard, ())
        if (entry := state.files.get(rel)) is None or entry.sha != hashes.get(rel)
    )
    removed = [rel for rel in state.files if rel not in present]
    if len(changed) + len(removed) > max(64, len(rels) // 100):
        return None
    rules = _runnable(selection)
    result = FindingSet()
    # the edited records as the state's run read them (from the parsed data about to be forgotten): a re-run
    # catalog-wide rule may re-check only the records an edit can affect (RecordRule.affected)
    before = {
        rel: cached_record(cache, root, rel, entry.sha, config)
        for rel in changed if (entry := state.files.get(rel)) is not None
    }
    added = frozenset(rel for rel in changed if rel not in before)
    gone = {rel: cached_record(cache, root, rel, state.files[rel].sha, config) for rel in removed}
    for rel in [*removed, *changed]:  # parsed data of contents no longer in the catalog
        if (entry := state.files.get(rel)) is not None and entry.sha != hashes.get(rel):
            cache.forget_parsed(entry.sha)
    for rel in removed:
        state.drop(rel)
    # The changed records alone, with the shared files: enough for file- and record-scope rules.
    partial = others.catalog
    load_records(partial, changed, cache)  # their parsed data kept: the next edit is compared with them
    ctx = RuleContext(partial, as_of)
    load = _file_findings(partial, rules)
    local: list[Finding] = []
    for rule in rules:
        if scope(rule) == "record":
            produced = check(rule, ctx, result.internal_errors)
            if produced is None:
                return None  # crashed: the full run reports it
            local += produced
    load_rows, local_rows = rows_by_path(load), rows_by_path(local)
    by_rel = {record.rel: record for record in partial.records}
    for rel in changed:
        entry = file_entry(by_rel.get(rel), rel, hashes.get(rel) or "", [], [])
        entry.load, entry.local = load_rows.get(rel, []), local_rows.get(rel, [])
        old = state.files.get(rel)
        entry.catalog = dict(old.catalog) if old is not None else {}  # until a rule reading it runs again
        state.put(rel, entry)
    catalog_rules = [rule for rule in rules if scope(rule) == "catalog"]
    digests = rule_digests(catalog_rules, state.group_digests(), shared)
    # Another day: the rules whose findings read the day run again, the record rules among them on every record.
    today = as_of.isoformat()
    other_day = state.dated if state.as_of != today else set()
    stale = [rule for rule in catalog_rules
             if state.rules.get(rule.code) != on_day(digests[rule.code], today if rule.code in state.dated else None)]
    redated = [rule for rule in rules if scope(rule) == "record" and rule.code in other_day]
    if standby is not None and not forked_rules(stale):
        standby.dismiss()  # no D rule runs again: the other core is this run's
    for code in [code for code in state.rules if code not in digests]:
        del state.rules[code]
    moved: set[str] | None = set()  # record files whose re-run rules' findings changed (None: unknown)
    loaded: Catalog | None = None
    read_day = set(ctx.dated)
    if stale or redated:  # a rule reads what changed: run it on the whole catalog (parsed files from the cache)
        # a rule that read another day holds no findings it could keep: it re-checks every record
        changes = Changes(before, bool(added or gone), frozenset(state.rules) - other_day, added, gone)
        try:
            moved, loaded, rerun_read = _rerun(
                root, config, as_of, stale, digests, state, cache, jobs, result.internal_errors, hashes, changes, rels,
                redated, [rule.code for rule in rules if scope(rule) == "record"], standby, reusable(partial),
                held_counts,
            )
        except _DamagedState:
            return None
        read_day |= rerun_read
    state.dated = (state.dated - {rule.code for rule in [*stale, *redated]}) | read_day
    state.as_of = today
    try:
        silenced = state.suppressed() | suppressions(partial)
        findings = _patched(
            root, config, state, cache, changed, removed, [*stale, *redated], silenced, only_paths, output_key, moved,
            keep_rows,
        )
        if findings is None:  # no usable last result: every kept finding again
            if not state.load_all(cache):
                return None
            silenced = state.suppressed() | suppressions(partial)  # every file's, now that all are read
            shared_load = [f for f in _file_findings(partial, rules) if f.path not in present]
            findings = _finish(root, config, [*_kept(state), *shared_load], silenced, only_paths, state)
    except (TypeError, ValueError, KeyError, IndexError):
        return None  # a state that decodes but holds malformed rows (a hostile cache): lint afresh
    if isinstance(findings, _Patched):
        findings.internal_errors = result.internal_errors
        result = findings
    else:
        result.findings = findings
    files = [*others.head, *rels, *others.tail]
    return Analysis(files, result, state, sorted(changed), [rule.code for rule in stale], loaded, evidence)


def _rerun(
    root: Path, config: Config, as_of: dt.date, stale: list[Rule], digests: dict[str, str], state: LintState,
    cache: Cache, jobs: int | None, errors: list[tuple[str, str]], hashes: dict[str, str | None],
    changes: Changes, rels: list[str], redated: list[Rule], local_order: list[str], standby: Standby | None = None,
    fresh: dict[str, Reusable] | None = None, held_counts: dict[str, OwnCounts] | None = None,
) -> tuple[set[str] | None, Catalog, set[str]]:
    """Run the ``stale`` catalog-wide rules on the whole catalog (loaded from the cache) and keep their
    findings in ``state``; the D rules in a forked child while the others run here, as a full run does (the
    child started before the load, loading its own catalog: :meth:`RuleRunner.before_load`). After
    each rule, the state's shards its findings can change are read (all of them unless the rule re-checked only
    some records: ``RuleContext.remade``); :class:`_DamagedState` when one cannot be.
    Returns the record files whose findings of those rules changed, or None when findings outside the
    records (projects, plans) changed too (then the last report cannot be patched file by file); the
    catalog it loaded (for the outcome to hold: see LintOutcome); and the rules that read the day.

    ``redated``: record rules whose findings read another day than this run's, checked again on every record
    (their rows replaced in each file's entry, in ``local_order``, the order a full run keeps them in).
    ``standby``, when given, is handed the D rules' job (``fresh``: the edited records, as this run read them)
    instead of a child forked now. ``held_counts``: the module counts the state holds of the catalog as it was
    (the module rules then count only the changes)."""
    # the D rules score only the duplicate candidates' components whose inputs changed (and leave the findings
    # of the others in the state's files when the state holds the memo's findings); one memo (one token) for
    # this process and the child, each giving it the catalog it loads
    memo = memo_for(cache, [rule.code for rule in stale], None, state.memos)

    def load(workers: int | None) -> Catalog:
        # every file's hash is known since the run began, and the record files were listed when it started;
        # findings are positioned from the state's entries (and the files they are in), not from kept positions
        return load_catalog(root, cache=cache, jobs=workers, known=hashes, rels=rels, positions=False)

    handing = None if standby is None else (standby, DuplicateJob(
        as_of, rels, hashes, fresh or {}, changes, memo.codes if memo else [], memo.token if memo else "",
        state.memos,
    ))
    # the D rules' child loads the catalog itself (one process: no pool inside a bare fork) while this one does
    runner = RuleRunner.before_load(
        lambda: rerun_context(load(1), as_of, changes, memo), config, len(rels), stale, errors, jobs, handing
    )
    try:
        catalog = load(jobs)
    except BaseException:
        runner.abandon()
        raise
    ctx = runner.ctx = rerun_context(catalog, as_of, changes, memo)
    ctx.module_counts = held_counts
    before = {rule.code: state.elsewhere.get(rule.code) for rule in stale}
    moved: set[str] = set()
    if redated:
        try:
            moved = _redate(state, cache, redated, local_order, ctx, errors)
        except _DamagedState:
            runner.abandon()
            raise
    for rule in sorted(stale, key=runner.forked):  # the child's last: it had the most time
        if runner.forked(rule):
            _read_ahead(state, cache, runner)
        produced = runner.check(rule)
        if not rule.on_records and produced is not None:  # every record's findings of it are none, as before
            ctx.remade[rule.code] = frozenset()
        only = ctx.remade.get(rule.code) if produced is not None else None
        if only == REMADE_UNKNOWN or not _load_entries(state, cache, only, produced):
            runner.abandon()
            raise _DamagedState
        if produced is None:
            moved |= _distribute(state, rule.code, [])
            state.rules.pop(rule.code, None)
            state.memos.pop(rule.code, None)
            continue
        state.rules[rule.code] = _stamped(digests[rule.code], rule.code, ctx, as_of)
        moved |= _distribute(state, rule.code, produced, only=only)
        _note_memo(state, ctx, rule.code)
        del produced  # free the findings and duplicate groups before the report is made
    _keep_counts(state, ctx, as_of)
    if any(state.elsewhere.get(code) != rows for code, rows in before.items()):
        if not state.load_all(cache):  # the report is made again from every file's findings
            raise _DamagedState
        return None, catalog, ctx.dated
    return moved, catalog, ctx.dated


def _keep_counts(state: LintState, ctx: RuleContext, as_of: dt.date) -> None:
    """The module counts of this run's catalog, for the next run's module rules, when a rule here made them."""
    summary = ctx.made_summary()
    if summary is not None:
        state.keep_module_counts(own_counts(summary), as_of.isoformat())


def _read_ahead(state: LintState, cache: Cache, runner: RuleRunner) -> None:
    """While the D rules' child is still at work, read the state's shards one by one, in order, until its
    results are in: which of them its findings change is known only then (after a title edit at 10 000
    records, 16 of the 32), and this process would otherwise wait idle before reading those. A shard that
    cannot be read stops the reading ahead and is left to the run (it gives way to a full one only if the
    findings need it).

    Only in a state of the fewest shards (up to 20 000 records): there the whole state is a few megabytes and
    half of it is needed (10 000 records, title edit, alternated: 1.09 → 0.99 s). At 100 000 records a few
    hundred of 2 048 shards are needed; reading others while the child works slowed it (title edit 4.51 →
    4.67 s, median of four, 100–200 MiB more)."""
    if state.count > SHARD_COUNTS[0]:
        return
    for shard in shard_names(state.count):
        if not runner.waiting():
            return
        if shard not in state.loaded and not state.load_shards(cache, [shard]):
            return


def _redate(
    state: LintState, cache: Cache, rules: list[Rule], order: list[str], ctx: RuleContext,
    errors: list[tuple[str, str]],
) -> set[str]:
    """Check ``rules`` (record rules) on every record of ``ctx`` and put their rows in each file's entry in
    place of the ones it held, the entry's rows kept in the rules' ``order``; returns the files whose rows
    changed. :class:`_DamagedState` when a shard cannot be read or a rule crashed (the full run reports it)."""
    if not state.load_all(cache):
        raise _DamagedState
    found: dict[str, dict[str, list[list[Any]]]] = {}  # file → rule → rows
    for rule in rules:
        produced = check(rule, ctx, errors)
        if produced is None:
            raise _DamagedState
        for rel, rows in rows_by_path(produced).items():
            found.setdefault(rel, {})[rule.code] = rows
    codes = {rule.code for rule in rules}
    moved: set[str] = set()
    for rel, entry in state.files.items():
        now = found.get(rel, {})
        if not now and not any(row[0] in codes for row in entry.local):
            continue  # none then, none now
        held: dict[str, list[list[Any]]] = {}
        for row in entry.local:
            held.setdefault(row[0], []).append(row)
        rows = [row for code in order for row in (now.get(code, ()) if code in codes else held.get(code, ()))]
        if rows != entry.local:
            entry.local = rows
            state.touch(rel)
            moved.add(rel)
    return moved


def _load_entries(state: LintState, cache: Cache, only: frozenset[str] | None, produced: list[Finding] | None) -> bool:
    """Read the state's shards that a re-run rule's findings can change: those of the record files it
    re-checked (``only``; None: every shard) and of the files it found something in. False when one cannot be
    read."""
    if only is None:
        return state.load_all(cache)
    rels = [*only, *(finding.path for finding in produced or ())]
    return state.load_shards(cache, {state_shard(rel, state.count) for rel in rels})


class _DamagedState(Exception):
    """A shard of the lint state could not be read: the incremental run gives way to a full one."""


def _note_memo(state: LintState, ctx: RuleContext, code: str) -> None:
    """After rule ``code`` ran on the whole catalog: the token of the duplicate memo it wrote (a D rule), so
    that the next run knows the state's files hold that memo's findings."""
    memo = ctx.duplicate_memo
    if memo is not None and code in memo.codes:
        state.memos[code] = memo.token
    else:
        state.memos.pop(code, None)


def _kept(state: LintState, only: Iterable[str] | None = None, skip: frozenset[str] = frozenset()) -> list[Finding]:
    """Fresh findings (unresolved, unsuppressed) from the state: of the files ``only`` (default: every loaded
    entry and the findings outside records), without the rules in ``skip``."""
    found: list[Finding] = []
    for rel in state.files if only is None else only:
        entry = state.files.get(rel)
        if entry is not None:
            found += [finding_from_json(row, rel) for row in entry.rows(skip)]
    if only is None:
        for code, rows in state.elsewhere.items():
            if code not in skip:
                found += [finding_from_json(row) for row in rows]
    return found


def _kept_of(state: LintState, codes: list[str]) -> list[Finding]:
    """The findings of these catalog-wide rules in the state (the loaded entries and the files outside records)."""
    found: list[Finding] = []
    for rel, entry in state.files.items():
        for code in codes:
            rows = entry.catalog.get(code)
            if rows:
                found += [finding_from_json(row, rel) for row in rows]
    for code in codes:
        found += [finding_from_json(row) for row in state.elsewhere.get(code, ())]
    return found


def _patched(
    root: Path, config: Config, state: LintState, cache: Cache, changed: list[str], removed: list[str],
    stale: list[Rule], silenced: set[tuple[str, str]], only_paths: set[str] | None, output_key: str | None = None,
    moved: set[str] | None = None, keep_rows: bool = False,
) -> list[Finding] | _Patched | None:
    """The last result with what changed replaced: the findings of the changed and removed files and of the
    rules run again. None when there is no last result for this state, or it was for other paths.

    ``moved`` (the record files whose findings of the re-run rules changed; None: not known) makes the
    re-run rules' findings a matter of files too: every other file's findings are the last result's, so the
    changed and moved files are replaced whole. When the last report is stored with ``output_key``'s
    options, the kept findings stay rows (:class:`_Patched`) and the report is spliced from the last one; with
    ``keep_rows`` they stay rows all the same (when the result is patched by file alone)."""
    stored = cache.result_for(state.result) if state.result else None
    if stored is None:
        return None
    before = stored.head.get("only")
    if before is not None and (only_paths is None or not isinstance(before, list) or not only_paths <= set(before)):
        return None  # the last run reported fewer files than this one does
    codes = {rule.code for rule in stale}
    if moved is not None:  # the re-run rules changed nothing outside these files: patch by file alone
        changed, codes = sorted({*changed, *moved}), set()
    touched = {*changed, *removed}
    # The stored report is spliced only when it reported the same files (a splice never drops a file).
    same = before == (sorted(only_paths) if only_paths is not None else None)
    base = cache.output_for(stored.id, output_key) if output_key is not None and not codes and same else None
    if base is not None or (keep_rows and not codes):
        fresh = _finish(root, config, _kept(state, changed), silenced, only_paths, state)
        return _Patched(stored, touched, only_paths, fresh, base)
    try:
        kept = [
            finding_from_json(row) for row in stored.rows()
            if row[0] not in touched and row[1] not in codes and (only_paths is None or row[0] in only_paths)
        ]
    except (KeyError, TypeError, ValueError, IndexError, OSError, RecursionError):
        return None
    fresh = _kept(state, changed, frozenset(codes))
    for code in sorted(codes):
        for rel, entry in state.files.items():
            fresh += [finding_from_json(row, rel) for row in entry.catalog.get(code, [])]
            fresh += [finding_from_json(row, rel) for row in entry.local if row[0] == code]  # a day's record rule
        fresh += [finding_from_json(row) for row in state.elsewhere.get(code, [])]
    kept += _finish(root, config, fresh, silenced, only_paths, state)
    kept.sort(key=lambda f: f.sort_key)
    return kept


class _Patched(StoredFindings):
    """The last result's rows outside the changed files, and the changed files' findings now, in the order a
    cold run sorts them (files whole: the changed files' findings are all fresh)."""

    def __init__(
        self, stored: StoredResult, touched: set[str], only_paths: set[str] | None, fresh: list[Finding],
        base: StoredOutput | None,
    ) -> None:
        super().__init__(self._merged)
        self.stored, self.touched, self.only_paths, self.fresh = stored, touched, only_paths, fresh
        self.splice = Splice(base, touched, fresh) if base is not None else None

    def _merged(self) -> Iterator[list[Any]]:
        touched, only = self.touched, self.only_paths
        pending = [(path, [finding_to_json(f) for f in run]) for path, run in groupby(self.fresh, lambda f: f.path)]
        waiting = 0
        for row in self.stored.rows():
            path = row[0]
            if path in touched or (only is not None and path not in only):
                continue
            while waiting < len(pending) and pending[waiting][0] < path:
                yield from pending[waiting][1]
                waiting += 1
            yield row
        for _, rows in pending[waiting:]:
            yield from rows


def changed_paths(catalog: Catalog, baseline: Baseline) -> set[str] | None:
    """Files to report on when comparing with a revision; None (all) when gbstd.toml or the system file
    changed: the configuration, and the modules every record's C016 and the S rules read, can change every
    file's findings."""
    system = catalog.system_rel or PurePosixPath(catalog.config.catalog.system).as_posix()
    if {CONFIG_NAME, system} & (baseline.changed | baseline.deleted):
        return None
    current = set(catalog.files)
    return {rel for rel in baseline.changed if rel in current} | baseline.deleted


def caused_by_change(
    catalog: Catalog, baseline: Baseline, as_of: dt.date, selection: Selection, findings: list[Finding],
    changed: set[str], named: set[str] | None, jobs: int | None, narrowed: bool = False,
) -> list[Finding]:
    """The catalog-wide rules' findings in files the change did not touch (within ``named``, the paths the
    user named) that the catalog at the revision does not give: what the change brought elsewhere — the
    edition whose successor no longer lists it, the record citing a standard the change abolished, the
    module the change emptied. Found by running those rules on the catalog as it was
    (:meth:`Baseline.catalog_then`) and taking, finding by finding, what is new.

    Only when a record or project file changed, or a file came or went in a catalog with plans (the evidence
    files they name: otherwise the catalog then is the catalog now), and only the rules that found something
    in an untouched file. The duplicate rules are left out: their second whole-catalog
    analysis cost more than the lint itself at 20 000 records, and a duplicate the change made is reported
    on the changed record anyway (one finding per record of a group).

    ``narrowed``: the catalog as it was is checked as incremental lint checks an edit — the change undone
    (:func:`_undone`), so a rule that can tell which records an edit affects (S003) re-checks only those, and
    only their files' findings are compared (every other file's are the same now as then). The run without the
    cache compares every file's, and a test holds the two to the same report."""
    records = {record.rel for record in catalog.records}
    projects = bool(baseline.projects or baseline.changed & {entry.rel for entry in catalog.projects})
    came_or_went = baseline.added or baseline.deleted or baseline.renamed
    if not ((baseline.changed | baseline.deleted) & records or baseline.records or projects
            or (catalog.plans and came_or_went)):
        return []
    codes = _elsewhere_codes(selection)
    cheap = [rule for rule in selected_rules(selection) if rule.code in codes]
    elsewhere = [f for f in findings
                 if f.rule in codes and f.path not in changed and (named is None or f.path in named)]
    if not elsewhere:
        return []
    found = {f.rule for f in elsewhere}
    rules = [rule for rule in cheap if rule.code in found]
    if not narrowed:
        then = collect_findings(baseline.catalog_then(catalog), as_of, selection, jobs=jobs, rules=rules).findings
        return _new_findings(elsewhere, then)
    ctx = RuleContext(baseline.catalog_then(catalog), as_of)
    if not projects:  # a changed project is no edit of a record (S006 reads it): then every record is checked
        ctx.changes = _undone(catalog, ctx.catalog, baseline, found)
    then: list[Finding] = []
    for rule in rules:
        produced = check(rule, ctx, [])
        if produced is None:  # crashed on the catalog as it was: none of its findings then, as without the cache
            ctx.remade.pop(rule.code, None)
        then += produced or ()
    for code, files in ctx.remade.items():
        if files != REMADE_UNKNOWN:
            elsewhere = [f for f in elsewhere if f.rule != code or f.path in files]
    return _new_findings(elsewhere, then)


def _elsewhere_codes(selection: Selection) -> set[str]:
    """The rules whose findings outside the changed files :func:`caused_by_change` compares with the catalog as
    it was: the catalog-wide ones, but for the duplicate rules and those that compare with a revision."""
    return {rule.code for rule in selected_rules(selection)
            if scope(rule) == "catalog" and not rule.needs_baseline and not rule.code.startswith(FORKED)}


def _undone(catalog: Catalog, then: Catalog, baseline: Baseline, held: set[str]) -> Changes:
    """Going back from ``catalog`` to the catalog as it was at the revision (``then``), said as incremental
    lint says an edit: each record file changed in place, as it is now (the "before" of going back); the
    record files that come or go besides (an added, renamed or deleted file, or one that is a valid record on
    one side only), those that go as they are now; ``held``: the rules whose findings now are known for every
    file."""
    now = {record.rel: record for record in catalog.records}
    old = {record.rel for record in then.records}
    paths = baseline.changed | baseline.deleted | set(baseline.renamed.values())  # a rename's old path too
    touched = {rel for rel in paths if rel in now or rel in old}
    before: dict[str, Record | None] = {
        rel: now[rel] for rel in baseline.modified & touched if rel in now and rel in old
    }
    # going back, a record file added since the revision goes (as it is now), and one deleted comes back
    gone: dict[str, Record | None] = {rel: now[rel] for rel in touched if rel in now and rel not in old}
    back = frozenset(rel for rel in touched if rel in old and rel not in now)
    if len(before) + len(gone) + len(back) < len(touched):  # a file on both sides that is not said modified
        gone, back = {}, frozenset()
    return Changes(before, len(before) < len(touched), frozenset(held), back, gone)


def _new_findings(now: list[Finding], then: list[Finding]) -> list[Finding]:
    """The findings of ``now`` that ``then`` does not have: matched word for word first, then by rule and place
    alone (a message quoting an edited record's title is still the finding it was)."""
    worded = Counter(_worded(f) for f in then)
    unmatched = _not_in(now, worded, _worded)
    return _not_in(unmatched, Counter(identity[:-1] for identity in worded.elements()), _place)


def _not_in(findings: list[Finding], held: Counter[tuple[Any, ...]], key: Callable[[Finding], tuple[Any, ...]]
            ) -> list[Finding]:
    """``findings`` beyond what ``held`` counts of their ``key``; ``held`` is used up as findings match it."""
    left = []
    for finding in findings:
        identity = key(finding)
        if held[identity]:
            held[identity] -= 1
        else:
            left.append(finding)
    return left


def _place(finding: Finding) -> tuple[Any, ...]:
    """A finding's rule and place (the line is resolved later, from ``loc``)."""
    return finding.rule, finding.path, finding.record, finding.loc, finding.key


def _worded(finding: Finding) -> tuple[Any, ...]:
    """A finding's rule, place and words."""
    return (*_place(finding), finding.message)


def selection_key(selection: Selection) -> list[str]:
    """The rules that will run, by code and class: a different registry means different results."""
    return [
        f"{rule.code}={type(rule).__module__}.{type(rule).__qualname__}" for rule in selected_rules(selection)
    ]


def files_linted(root: Path, cache_directory: Path) -> list[str]:
    """What a lint run's result depends on, listed: every file under ``root`` and the directories the loader
    reports as records (x.yaml/: Y010), but the cache directory's (and hidden directories')."""
    return walk_files(root, None, skip=cache_dir_within(root, cache_directory), directories=YAML_SUFFIXES)


def cache_dir_within(root: Path, directory: Path) -> list[str]:
    """``directory`` relative to ``root`` as a walk's skip list (empty when it lies elsewhere)."""
    try:
        return [directory.resolve().relative_to(root.resolve()).as_posix()]
    except (ValueError, OSError):
        return []


def _known_hashes(root: Path, rels: list[str], cache: Cache) -> tuple[dict[str, str | None], set[str]]:
    """The content hashes the cache trusts (None where it does not), and the untrusted files it hashed before."""
    return cache.known_hashes_and_before(root, rels)
