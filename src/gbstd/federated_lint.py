"""Linting a federation's union (``gbstd lint`` in a federating catalog), with a result cache of its own.

Every catalog of the union keeps its parsed files in the federating catalog's cache (``<cache_dir>/union/``;
nothing is written into a member), so a run after an edit parses only the changed files. The incremental
state of :mod:`gbstd.linting` (which rules an edit can affect) is kept per catalog directory and is not used:
after any change every catalog-wide rule runs on the whole union, but the duplicate rules keep their memo there
too (:mod:`gbstd.rules._dupes_memo`) and score only the candidate components an edit touched, and the
record-local rules keep their findings by record file (:mod:`gbstd.kept_local`) and check only the files whose
content or shared inputs changed. When nothing changed — every file of every catalog, the
configurations, the tool, ``--as-of``, the rules and the members chosen — the last run's findings are reused,
and its report printed as stored when one was stored with the same options (language, format, colour...).
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from gbstd.catalog.cache import (
    Cache,
    config_digest,
    finding_to_json,
    input_digest,
    tool_fingerprint,
)
from gbstd.catalog.config_file import CONFIG_NAME, CatalogError, load_config
from gbstd.catalog.federation import (
    Warn,
    is_federation,
    load_union,
    locate_member,
    member_prefixed,
    select_members,
    union_cache_dir,
)
from gbstd.catalog.file_hashes import hash_file
from gbstd.catalog.yamlio import fingerprint_of
from gbstd.engine import Selection, run_rules, wait_for_children
from gbstd.gcpause import without_cycle_collection
from gbstd.i18n import Text
from gbstd.kept_local import KeptLocalFindings, shared_inputs
from gbstd.linting import LintOutcome, files_linted, selection_key, stored_findings
from gbstd.model.config import Config
from gbstd.plans import evidence_states, evidence_unchanged
from gbstd.rules._dupes_memo import memo_for

RESULT_CACHE = "lint"  # under the union's cache: the last result and the union's file hashes


@dataclass
class _Part:
    """One catalog of the union as the loader will read it: its path prefix and directory (None: skipped)."""

    prefix: str
    root: Path | None
    config: Config | None


@without_cycle_collection()  # as lint_catalog: see gbstd.gcpause
def lint_union(
    root: Path,
    config: Config,
    as_of: dt.date,
    selection: Selection,
    *,
    members: Sequence[str] | None = None,
    allow_missing: bool = False,
    warn: Warn | None = None,
    use_cache: bool = True,
    progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
    output_key: str | None = None,
) -> tuple[LintOutcome, dict[str, Path]]:
    """Lint the union of the federating catalog at ``root`` and its members; also where each member's files
    are (path prefix → directory), for limiting the report to paths. Findings are not limited here.
    ``output_key`` names the report options (:func:`gbstd.reporters.stored.output_key`): an unchanged union's
    report stored with them is handed back open (its findings then not decoded: at 100 000 records that and
    rendering them again were 4 of a warm run's 5 seconds), and the outcome names the result it reports, so
    that the report printed is stored for the next run."""
    cache_dir = union_cache_dir(root, config)
    store = Cache(cache_dir / RESULT_CACHE, tool_fingerprint(), config_digest(config)) if use_cache else None
    found = _parts(root, config, members, allow_missing) if store is not None else None
    head = [*selection_key(selection), as_of.isoformat(), "|".join(sorted(members or [])), str(allow_missing)]
    hashes = None
    # before the first look at every file: the load may take the hashes that look finds without reading the
    # files again, so that is when they were read (the racy rule's clock: Cache.remember_hash)
    looked_at = time.time_ns()
    if store is not None and found is not None:
        parts, skipped = found
        hashes = _hashes(parts, store, hash_unknown=False)
        if hashes is not None:
            stored = store.result_for(_digest(head, parts, hashes))
            if stored is not None and evidence_unchanged(root, stored.head.get("evidence")):
                output = store.output_for(stored.id, output_key) if output_key is not None else None
                try:
                    # with its report stored, the findings are read only if something asks for them
                    result = stored_findings(stored, output is not None)
                    mounts = {str(k): Path(v) for k, v in stored.head["mounts"].items()}
                    files = [str(rel) for rel in stored.head["files"]]
                except (KeyError, TypeError, ValueError, AttributeError, IndexError, OSError, RecursionError):
                    result = None  # damaged: lint afresh
                if result is not None:
                    for text in skipped:
                        if warn:
                            warn(text)
                    store.save()
                    outcome = LintOutcome(result, files, from_cache=True, cache=store, result_id=stored.id,
                                          output=output)
                    return outcome, mounts
    # each catalog's load takes the hashes just established instead of an lstat of every file again
    catalog = load_union(root, members=members, allow_missing=allow_missing, warn=warn, progress=progress,
                         on_total=on_total, cache_dir=cache_dir if use_cache else None,
                         known=_by_part(found[0], hashes) if found is not None and hashes is not None else None)
    # the D rules score only the candidate components the memo does not know (an edit's few hundred records)
    memo = (lambda codes: memo_for(store, codes, catalog)) if store is not None else None
    # the record-local rules check only the record files whose findings are not kept (an edit's own)
    chosen = selection_key(selection)
    shared = shared_inputs(chosen, as_of, hashes, catalog.hashes) if hashes is not None else None
    kept = None if store is None else KeptLocalFindings(store, catalog, shared, catalog.hashes)
    result = run_rules(catalog, as_of, selection, memo=memo, kept=kept)
    wait_for_children()  # a forked child may still be writing the memo the next run reads
    written = None
    if store is not None and found is not None and not result.internal_errors:
        parts, _ = found
        configs = {part.prefix + CONFIG_NAME for part in parts}  # hashed, but read as configurations
        if hashes is not None and set(hashes) - configs == set(catalog.files) - configs:
            # the files the load read are the ones hashed before it, each record the content it read (one its
            # cache did not have was read anew): no third look at every file
            hashes.update({rel: sha for rel, sha in catalog.hashes.items() if rel in hashes})
        else:
            known = {rel: sha for rel, sha in catalog.hashes.items()}
            hashes = _hashes(parts, store, hash_unknown=True, learnt=(known, looked_at))
            shared = None  # not the files hashed before the load: what they share is named from the new hashes
        if hashes is not None:
            if kept is not None:  # positioned by now
                kept.save(shared or shared_inputs(chosen, as_of, hashes, catalog.hashes), hashes)
            store.forget_missing(hashes)
            written = store.remember_result(_digest(head, parts, hashes), {
                "files": catalog.files,
                "mounts": {prefix: str(top) for prefix, top in catalog.mounts.items()},
                "evidence": evidence_states(catalog),
            }, (finding_to_json(f) for f in result.findings))
        store.save()
    return LintOutcome(result, catalog.files, cache=store, result_id=written), dict(catalog.mounts)


def _parts(
    root: Path, config: Config, names: Sequence[str] | None, allow_missing: bool,
    prefix: str = "", stack: tuple[Path, ...] = (),
) -> tuple[list[_Part], list[Text]] | None:
    """Every catalog of the union as :func:`load_union` reads it, and the warnings for skipped members; None
    when something is wrong (the load then reports it)."""
    parts, skipped = [_Part(prefix, root, config)], []
    if not is_federation(config):
        return parts, skipped
    try:
        chosen = select_members(config, names)
    except CatalogError:
        return None
    here = (*stack, root.resolve())
    for member in chosen:
        place = locate_member(root, config, member)
        inner = f"{prefix}{member.name}/"
        if place.root is None:
            if not allow_missing or place.missing is None:
                return None
            skipped.append(Text(f"{place.missing.zh}；已跳过", f"{place.missing.en}; skipped"))
            parts.append(_Part(inner, None, None))
            continue
        if place.root.resolve() in here:
            return None
        try:
            settings = load_config(place.root)
        except CatalogError:
            return None
        below = _parts(place.root, settings, None, allow_missing, inner, here)
        if below is None:
            return None
        parts += below[0]
        skipped += [member_prefixed(member.name, text) for text in below[1]]
    return parts, skipped


def _hashes(
    parts: list[_Part], store: Cache, *, hash_unknown: bool, learnt: tuple[dict[str, str], int] | None = None,
) -> dict[str, str] | None:
    """Content hash of every file of every catalog, by its union path; None when too many are unknown to
    the cache to be worth hashing before a full load (which learns them). ``learnt``: the hashes a load
    learnt, and when it began reading the files (a ``time.time_ns()``: a file changed after it is not trusted)."""
    known, read_at = learnt or ({}, 0)
    hashes: dict[str, str] = {}
    unknown: list[tuple[str, Path, str, int]] = []
    for part in parts:
        if part.root is None or part.config is None:
            continue
        for rel in files_linted(part.root, part.root / part.config.catalog.cache_dir):
            key = part.prefix + rel
            sha = store.known_hash_at(part.root, rel, key)
            if sha is None:
                unknown.append((key, part.root, rel, part.config.catalog.max_file_size))
            else:
                hashes[key] = sha
    if not hash_unknown and len(unknown) > max(64, len(hashes) // 100):
        return None
    for key, top, rel, limit in unknown:
        sha = known.get(key)
        if sha is None:
            sha = hash_file(top, rel, store, limit, key)
        else:  # hashed by the loader: remember it under the file's fingerprint for the next run
            try:
                info = os.lstat(top / rel)
            except OSError:
                pass
            else:
                # the file may have changed since the load read it: its last change is then after read_at,
                # and the racy rule keeps the hash from being trusted
                store.remember_hash(key, fingerprint_of(info), sha, read_at)
        hashes[key] = sha
    return hashes


def _by_part(parts: list[_Part], hashes: dict[str, str]) -> dict[str, dict[str, str | None]]:
    """The union's hashes by catalog (its path prefix), each under the catalog's own paths (for ``load_union``)."""
    found: dict[str, dict[str, str | None]] = {part.prefix: {} for part in parts}
    for key, sha in hashes.items():
        prefix, at = "", key.find("/")
        while at >= 0 and key[: at + 1] in found:  # the longest prefix: a member's member is under its own
            prefix, at = key[: at + 1], key.find("/", at + 1)
        found[prefix][key[len(prefix):]] = sha
    return found


def _digest(head: list[str], parts: list[_Part], hashes: dict[str, str]) -> str:
    rows = [*head]
    for part in parts:
        digest = config_digest(part.config) if part.config is not None else "skipped"
        rows.append(f"{part.prefix}:{part.root}:{digest}")
    rows += [f"{rel}={sha}" for rel, sha in sorted(hashes.items())]
    return input_digest(rows)
