"""What the D rules found in each component of duplicate detection's candidate graph, kept between lint runs.

Detection lists the components of its candidate graph with a digest of everything their pairs are made of
(:mod:`gbstd.similarity.components`); the D findings of a component's records depend on nothing else. So each
D rule keeps its findings by component digest (``dupes-memo/D00x.json`` in the lint cache, rewritten on every
run with the components of that run), and the next run scores only the components whose digest it does not
find for every D rule that runs: a title edit re-scores the few hundred records around the old and the new
subject instead of the catalog. The memo is keyed by content — a digest names its inputs, whichever run wrote
it — so it needs no tie to the lint state; a damaged or foreign file is ignored (everything scored again).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from gbstd.catalog.cache import Cache, finding_from_json
from gbstd.findings import Finding, Severity
from gbstd.similarity.components import Component

MEMO_DIR = "dupes-memo"
_ROW = 9  # finding_to_json without the path


def memo_for(cache: Cache, codes: Iterable[str]) -> DuplicateMemo | None:
    """The memo for the D rules among the rule ``codes`` that will run on the whole catalog (None: no D rule)."""
    chosen = [code for code in codes if code.startswith("D")]
    return DuplicateMemo(cache, chosen) if chosen else None


class DuplicateMemo:
    """The D findings of earlier runs by component digest, for the D rules ``codes`` that run now."""

    def __init__(self, cache: Cache, codes: Iterable[str]) -> None:
        self.cache = cache
        self.codes = sorted(set(codes))
        self._known: dict[str, dict[str, dict[str, list[list[Any]]]]] | None = None  # code → digest → rel → rows

    def _load(self) -> dict[str, dict[str, dict[str, list[list[Any]]]]]:
        if self._known is None:
            self._known = {code: self._read(code) for code in self.codes}
        return self._known

    def _read(self, code: str) -> dict[str, dict[str, list[list[Any]]]]:
        document = self.cache.read_json(self.cache.directory / MEMO_DIR / f"{code}.json")
        if not document:
            return {}
        components = document.get("components")
        if not isinstance(components, dict):
            return {}
        for by_rel in components.values():
            if not isinstance(by_rel, dict) or not all(
                isinstance(rows, list) and all(_valid(row, code) for row in rows) for rows in by_rel.values()
            ):
                return {}  # damaged or forged: score everything again, never trust part of it
        return components

    def known(self, digest: str) -> bool:
        """Whether every D rule that runs kept its findings for a component with this digest."""
        known = self._load()
        return bool(self.codes) and all(digest in known[code] for code in self.codes)

    def rows(self, code: str, component: Component) -> dict[str, list[list[Any]]]:
        """The kept findings of rule ``code`` in a reused component, as rows by file."""
        by_rel = self._load().get(code, {}).get(component.digest, {})
        return {rel: by_rel[rel] for rel in component.rels if rel in by_rel}

    def findings(self, code: str, component: Component) -> list[Finding]:
        return [finding_from_json(row, rel) for rel, rows in self.rows(code, component).items() for row in rows]

    def save(self, code: str, components: dict[str, dict[str, list[list[Any]]]]) -> None:
        """This run's findings of rule ``code`` by component digest (those of the last run are dropped)."""
        self.cache.write_json(f"{MEMO_DIR}/{code}.json", {"components": components})


def _valid(row: Any, code: str) -> bool:
    """A finding row as :func:`gbstd.catalog.cache.finding_to_json` writes it (no path), of rule ``code``."""
    if not isinstance(row, list) or len(row) != _ROW:
        return False
    rule, zh, en, record, loc, key, line, column, severity = row
    return (
        rule == code and isinstance(zh, str) and isinstance(en, str) and (record is None or isinstance(record, str))
        and isinstance(loc, list) and all(isinstance(part, str | int) for part in loc) and isinstance(key, bool)
        and type(line) is int and type(column) is int and severity in {s.value for s in Severity}
    )
