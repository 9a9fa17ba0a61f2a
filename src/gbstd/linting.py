"""Linting a catalog with the cache: the library entry point behind ``gbstd lint``.

Nothing changed (every file's content, the configuration, ``--as-of``, the rule selection, the reported
paths and the tool itself): the findings of the last run are reused as they are. Anything changed: the whole
catalog is loaded (unchanged files from their cached parse, changed ones read again) and every rule runs,
catalog-wide rules included, so no finding ever depends on a stale view of another file.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from gbstd.catalog.baseline import Baseline
from gbstd.catalog.cache import (
    Cache,
    config_digest,
    content_hash,
    finding_from_json,
    finding_to_json,
    input_digest,
)
from gbstd.catalog.catalog import Catalog
from gbstd.catalog.config_file import CONFIG_NAME
from gbstd.catalog.loader import load_catalog, walk_files
from gbstd.catalog.yamlio import read_bytes
from gbstd.engine import Selection, run_rules, selected_rules
from gbstd.findings import FindingSet
from gbstd.gitrepo import build_baseline
from gbstd.model.config import Config


@dataclass
class LintOutcome:
    result: FindingSet
    files: list[str] = field(default_factory=list)  # every file of the catalog that was read
    from_cache: bool = False
    only_paths: set[str] | None = None  # the files reported on (None: all)


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
) -> LintOutcome:
    """Lint the catalog at ``root`` (found and configured by the caller), reusing the cache when allowed.

    ``only_paths`` limits the report to those files. ``changed_since`` (a git revision) limits it further to
    the files changed since then (within ``targets``) and runs the rules that compare with that revision;
    such a run depends on git history, so its result is never taken from the cache (its files still are).
    """
    cache = Cache.open(root, config) if use_cache else None
    if cache is None or changed_since is not None:
        catalog = load_catalog(root, progress=progress, on_total=on_total, cache=cache, jobs=jobs)
        baseline = None
        if changed_since is not None:
            baseline = build_baseline(catalog, changed_since)
            changed = changed_paths(catalog, baseline)
            if changed is not None:
                within = {rel for rel in changed
                          if any((catalog.root / rel).resolve().is_relative_to(t) for t in targets or ())}
                only_paths = changed if only_paths is None else within
        result = run_rules(catalog, as_of, selection, only_paths=only_paths, baseline=baseline)
        if cache is not None:
            cache.save()
        return LintOutcome(result, catalog.files, only_paths=only_paths)

    everything = walk_files(root, None, skip=_inside(root, cache.directory))
    hashes = _known_hashes(root, everything, cache)
    unknown = [rel for rel, sha in hashes.items() if sha is None]
    head = [
        cache.tool,
        cache.config,
        config_digest(config),
        as_of.isoformat(),
        *_selection_key(selection),
        "|".join(sorted(only_paths)) if only_paths is not None else "*",
    ]
    if len(unknown) <= max(64, len(everything) // 100):
        for rel in unknown:
            hashes[rel] = _hash_file(root, rel, cache, config.catalog.max_file_size)
        digest = input_digest([*head, *(f"{rel}={sha}" for rel, sha in hashes.items())])
        stored = cache.result_for(digest)
        if stored is not None:
            try:
                outcome = LintOutcome(
                    FindingSet([finding_from_json(row) for row in stored["findings"]]),
                    [str(rel) for rel in stored["files"]],
                    from_cache=True,
                    only_paths=only_paths,
                )
            except (KeyError, TypeError, ValueError):
                outcome = None  # damaged: lint afresh
            if outcome is not None:
                cache.save()
                return outcome

    catalog = load_catalog(root, progress=progress, on_total=on_total, cache=cache, jobs=jobs)
    result = run_rules(catalog, as_of, selection, only_paths=only_paths)
    for rel, sha in hashes.items():
        if sha is None:
            hashes[rel] = catalog.hashes.get(rel) or _hash_file(
                root, rel, cache, config.catalog.max_file_size
            )
    cache.forget_missing(everything)
    cache.keep_records(set(catalog.hashes.values()))
    cache.save()
    if not result.internal_errors:  # a crashed rule must crash again next time, not be forgotten
        digest = input_digest([*head, *(f"{rel}={sha}" for rel, sha in hashes.items())])
        cache.remember_result(
            digest, {"files": catalog.files, "findings": [finding_to_json(f) for f in result.findings]}
        )
    return LintOutcome(result, catalog.files, only_paths=only_paths)


def changed_paths(catalog: Catalog, baseline: Baseline) -> set[str] | None:
    """Files to report on when comparing with a revision; None (all) when gbstd.toml changed, since the
    configuration can change every file's findings."""
    if CONFIG_NAME in baseline.changed or CONFIG_NAME in baseline.deleted:
        return None
    current = set(catalog.files)
    return {rel for rel in baseline.changed if rel in current} | baseline.deleted


def _selection_key(selection: Selection) -> list[str]:
    """The rules that will run, by code and class: a different registry means different results."""
    return [
        f"{rule.code}={type(rule).__module__}.{type(rule).__qualname__}" for rule in selected_rules(selection)
    ]


def _inside(root: Path, directory: Path) -> list[str]:
    try:
        return [directory.resolve().relative_to(root.resolve()).as_posix()]
    except (ValueError, OSError):
        return []


def _known_hashes(root: Path, rels: list[str], cache: Cache) -> dict[str, str | None]:
    hashes: dict[str, str | None] = {}
    for rel in rels:
        try:
            info = os.stat(os.path.join(root, rel))
        except OSError:
            hashes[rel] = None
            continue
        hashes[rel] = cache.known_hash(rel, (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino))
    return hashes


def _hash_file(root: Path, rel: str, cache: Cache, max_size: int) -> str:
    """The content hash of one file; an unreadable one is identified by why it cannot be read."""
    data, fingerprint, problems = read_bytes(os.path.join(root, rel), max_size, root)
    if data is None or fingerprint is None:
        return "!" + "; ".join(p.message.en for p in problems)
    sha = content_hash(data)
    cache.remember_hash(rel, fingerprint, sha)
    return sha
