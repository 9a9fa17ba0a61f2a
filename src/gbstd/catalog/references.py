"""Resolving normative references, dated (GB/T 29118-2023) or undated (GB/T 29118 = the latest version)."""

from __future__ import annotations

from gbstd.catalog.catalog import Catalog, Record
from gbstd.model.code import normalise_spelling


def resolve_reference(catalog: Catalog, raw: str) -> Record | None:
    """The record a reference points to, or None when the catalog does not hold it."""
    dated = catalog.get(raw)
    if dated is not None:
        return dated
    stem = normalise_spelling(raw).replace(" ", "")
    # Undated reference: every edition of that number; the latest one is meant.
    editions = catalog.editions.get(stem, [])
    if not editions:
        return None
    return max(editions, key=lambda r: r.code.year if r.code else 0)
