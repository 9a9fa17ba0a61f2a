"""The records that hold a standard's code, found without loading the whole catalog.

``gbstd review add`` needs the record of one code, and ``gbstd new`` needs to know that no file holds the new
one (a file not named after its code, C003, holds it all the same). Loading a national catalog for that made
all 100 000 records from the cache, each one validated: 8–10 s for a one-line edit. Each file's code is in the
cache's parsed data, so the files are picked by the code they hold and only those are loaded, as the whole
catalog's load would load them; the records of a code are then the whole catalog's ``by_code`` of it.

A catalog without a usable cache, or with many files changed since the cache knew them, is loaded whole.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Annotated, Any

from pydantic import StringConstraints, TypeAdapter

from gbstd.catalog.cache import Cache, cache_wanted
from gbstd.catalog.catalog import Catalog
from gbstd.catalog.config_file import find_root, load_config
from gbstd.catalog.loader import load_catalog, load_catalog_cached, record_rels
from gbstd.model.code import CodeError, StandardCode
from gbstd.model.config import Config

# Files the cache does not vouch for (changed or added since it was written) are loaded as they are; beyond
# this many, the whole catalog is (its load reads them on every core, and keeps them for the next command).
UNCACHED_LIMIT = 2_000

# An unparsable code is a record's key as the model keeps it: stripped as pydantic strips (not str.strip()).
_STRIPPED: TypeAdapter[str] = TypeAdapter(Annotated[str, StringConstraints(strip_whitespace=True)])


def load_holders(
    start: Path, raw_codes: Iterable[str], *, progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> Catalog:
    """The catalog that holds ``start`` — its system, projects, plans and notes — with only those records whose
    file holds one of ``raw_codes`` (any spelling) or whose content the cache does not know: a partial
    catalog whose ``by_code`` of those codes is the whole catalog's. Nothing else may be read from its
    records."""
    root = find_root(start)
    config = load_config(root)
    cache = Cache.open(root, config)
    if not cache.directory.is_dir() or not cache_wanted():  # no cache to pick files by: the whole catalog
        return load_catalog_cached(root, progress=progress, on_total=on_total)
    rels = record_rels(root, config)
    known = cache.known_hashes(root, rels)
    asked = Catalog(root=root, config=config)  # as find_record looks a typed code up
    wanted = {asked.key_for(raw) for raw in raw_codes}
    chosen: list[str] = []
    unknown = 0
    for rel in rels:
        sha = known.get(rel)
        parsed = cache.parsed(sha) if sha is not None else None
        if parsed is None:
            unknown += 1
            if unknown > UNCACHED_LIMIT:
                return load_catalog_cached(root, progress=progress, on_total=on_total)
            chosen.append(rel)  # what it holds is known once it is read: loaded
        elif _held(parsed[0], config) in wanted:
            chosen.append(rel)
    if on_total:
        on_total(len(chosen))
    catalog = load_catalog(root, progress=progress, cache=cache, known=known, rels=chosen, positions=False)
    cache.save()
    return catalog


def _held(data: Any, config: Config) -> str | None:
    """The key a record made from this parsed data has (``Record.key``), or None when it names no code."""
    raw = data.get("code") if isinstance(data, dict) else None
    if not isinstance(raw, str):
        return None  # no record is made of it: validation wants a code
    try:
        return StandardCode.parse(raw, config.catalog.internal_regex, seen_again=False).canonical
    except CodeError:
        return _STRIPPED.validate_python(raw)


__all__ = ["UNCACHED_LIMIT", "load_holders"]
