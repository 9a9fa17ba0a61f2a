"""Supersession (代替 / 被代替) between records, as declared from either side."""

from __future__ import annotations

from collections import defaultdict, deque
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
        """Supersession cycles as lists of codes, each starting from its smallest: those a depth-first walk
        meets, then, for each code on a loop that none of them passes through, a shortest cycle through it.
        A walk alone misses a loop through codes it has already finished (10 → 13 → 11 after 10 → 11 → 12 → 10),
        and every code on a loop must be named. Iterative: a chain of thousands of editions is no recursion."""
        found: dict[tuple[str, ...], list[str]] = {}

        def add(cycle: list[str]) -> None:
            start = cycle.index(min(cycle))
            ordered = cycle[start:] + cycle[:start]
            found.setdefault(tuple(ordered), ordered)

        state: dict[str, int] = {}  # 1 = on the walk's path, 2 = done
        for root in sorted(self.edges):
            if root in state:
                continue
            state[root], path, pending = 1, [root], [iter(sorted(self.edges.get(root, ())))]
            while pending:
                nxt = next(pending[-1], None)
                if nxt is None:
                    state[path.pop()] = 2
                    pending.pop()
                elif state.get(nxt) == 1:
                    add(path[path.index(nxt):])
                elif nxt not in state:
                    state[nxt] = 1
                    path.append(nxt)
                    pending.append(iter(sorted(self.edges.get(nxt, ()))))
        if not found:
            return []  # a walk that meets no cycle proves there is none: no second pass for a clean catalog
        named = {code for cycle in found.values() for code in cycle}
        for loop in self._loops():
            for code in sorted(loop - named):
                cycle = self._shortest_cycle(code, loop)
                add(cycle)
                named.update(cycle)
        return list(found.values())

    def _loops(self) -> list[set[str]]:
        """The strongly connected components of more than one code (Kosaraju's two walks, iterative)."""
        finished: list[str] = []
        seen: set[str] = set()
        for root in sorted(self.edges):
            if root in seen:
                continue
            seen.add(root)
            walk = [(root, iter(sorted(self.edges.get(root, ()))))]
            while walk:
                node, successors = walk[-1]
                nxt = next(successors, None)
                if nxt is None:
                    walk.pop()
                    finished.append(node)
                elif nxt not in seen:
                    seen.add(nxt)
                    walk.append((nxt, iter(sorted(self.edges.get(nxt, ())))))
        loops: list[set[str]] = []
        placed: set[str] = set()
        for root in reversed(finished):
            if root in placed:
                continue
            component, todo = {root}, [root]
            placed.add(root)
            while todo:
                for earlier in self.reverse.get(todo.pop(), ()):
                    if earlier not in placed:
                        placed.add(earlier)
                        component.add(earlier)
                        todo.append(earlier)
            if len(component) > 1:
                loops.append(component)
        return loops

    def _shortest_cycle(self, start: str, within: set[str]) -> list[str]:
        """A shortest cycle from ``start`` back to it through the codes ``within`` (its loop)."""
        came_from: dict[str, str] = {}
        queue = deque([start])
        while queue:
            current = queue.popleft()
            for nxt in sorted(self.edges.get(current, ())):
                if nxt == start:
                    cycle = [current]
                    while cycle[-1] != start:
                        cycle.append(came_from[cycle[-1]])
                    return cycle[::-1]
                if nxt in within and nxt not in came_from:
                    came_from[nxt] = current
                    queue.append(nxt)
        return [start]  # not reached: a code of a loop has a way back to itself

    def record(self, key: str) -> Record | None:
        found = self.catalog.by_code.get(key)
        return found[0] if found else None
