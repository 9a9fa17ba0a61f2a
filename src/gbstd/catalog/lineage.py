"""Supersession (代替 / 被代替) between records, as declared from either side."""

from __future__ import annotations

from collections import defaultdict
from functools import cached_property

from gbstd.catalog.catalog import Catalog, Record


class Lineage:
    """The supersession graph of a catalog: edges old → new from ``replaces`` and ``replaced_by``."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    @cached_property
    def edges(self) -> dict[str, set[str]]:
        """old canonical code → new canonical codes (only codes that resolve)."""
        graph: dict[str, set[str]] = defaultdict(set)
        for record in self.catalog.records:
            for raw in record.standard.replaces:
                old = self.catalog.resolve(raw)
                if old:
                    graph[old.canonical].add(record.key)
            for raw in record.standard.replaced_by:
                new = self.catalog.resolve(raw)
                if new:
                    graph[record.key].add(new.canonical)
        return dict(graph)

    @cached_property
    def reverse(self) -> dict[str, set[str]]:
        graph: dict[str, set[str]] = defaultdict(set)
        for old, news in self.edges.items():
            for new in news:
                graph[new].add(old)
        return dict(graph)

    def successors(self, key: str) -> set[str]:
        return self.edges.get(key, set())

    def related(self, key: str) -> set[str]:
        """Every code on the same supersession chain (predecessors and successors, transitively)."""
        seen = {key}
        todo = [key]
        while todo:
            current = todo.pop()
            for nxt in self.edges.get(current, set()) | self.reverse.get(current, set()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen - {key}

    def cycles(self) -> list[list[str]]:
        """Each supersession cycle once, as the list of its codes starting from the smallest."""
        found: dict[tuple[str, ...], list[str]] = {}
        state: dict[str, int] = {}  # 1 = on stack, 2 = done
        stack: list[str] = []

        def visit(node: str) -> None:
            state[node] = 1
            stack.append(node)
            for nxt in sorted(self.edges.get(node, ())):
                if state.get(nxt) == 1:
                    cycle = stack[stack.index(nxt):]
                    start = cycle.index(min(cycle))
                    ordered = cycle[start:] + cycle[:start]
                    found.setdefault(tuple(ordered), ordered)
                elif nxt not in state:
                    visit(nxt)
            stack.pop()
            state[node] = 2

        for node in sorted(self.edges):
            if node not in state:
                visit(node)
        return list(found.values())

    def record(self, key: str) -> Record | None:
        found = self.catalog.by_code.get(key)
        return found[0] if found else None
