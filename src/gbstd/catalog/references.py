"""Resolving normative references, dated (GB/T 29118-2023) or undated (GB/T 29118 = the latest version)."""

from __future__ import annotations

from gbstd.catalog.catalog import Catalog, Record
from gbstd.model.code import normalise_spelling, try_parse
from gbstd.model.standard import Standard


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


def _stem(raw: str) -> str:
    return normalise_spelling(raw).replace(" ", "")


def cites(lower: Standard, upper_code: str) -> bool:
    """Whether ``lower`` links to ``upper_code`` — in ``references``, ``adopts`` or ``refines``, dated or
    undated (any edition). Cited means linked (衔接), not re-made (重复建设): the one definition that
    ``gbstd dupes``, rule D002 and the bulletin share.
    """
    upper = try_parse(upper_code)
    upper_key = upper.canonical if upper else upper_code.strip()
    upper_stem = _stem(upper_key).rsplit("-", 1)[0]
    for raw in (*lower.references, *lower.adopts, *lower.refines):
        code = try_parse(raw)
        if code is not None and code.canonical == upper_key:
            return True
        if _stem(raw) == upper_stem:  # undated: the standard whatever its edition
            return True
    return False
