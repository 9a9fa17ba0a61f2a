"""The candidate graph's components (numpy labels) are the connected components of its edges."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from gbstd.similarity.components import _labels

edges = st.integers(1, 60).flatmap(
    lambda n: st.tuples(st.just(n), st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=80))
)


def reference(count: int, pairs: list[tuple[int, int]]) -> list[int]:
    """The smallest slot of each slot's component, by a plain search."""
    near: dict[int, set[int]] = {slot: set() for slot in range(count)}
    for x, y in pairs:
        near[x].add(y)
        near[y].add(x)
    found = [-1] * count
    for start in range(count):
        if found[start] >= 0:
            continue
        todo, seen = [start], {start}
        while todo:
            for nxt in near[todo.pop()] - seen:
                seen.add(nxt)
                todo.append(nxt)
        for slot in seen:
            found[slot] = min(seen)
    return found


@given(edges)
def test_labels_are_the_components(case: tuple[int, list[tuple[int, int]]]) -> None:
    count, pairs = case
    first = np.array([x for x, _ in pairs], dtype=np.int64)
    second = np.array([y for _, y in pairs], dtype=np.int64)
    assert _labels(count, first, second).tolist() == reference(count, pairs)


def test_a_long_chain_in_reverse_order_is_one_component() -> None:
    """A same-code chain is a path; its edges may come in any order."""
    count = 5000
    first = np.arange(count - 1, 0, -1, dtype=np.int64)
    assert _labels(count, first, first - 1).tolist() == [0] * count
