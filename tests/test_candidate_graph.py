"""The candidate graph's components (numpy labels) are the connected components of its links, and each one's
digest reads its own members and links alone."""

from __future__ import annotations

from typing import Any

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


class _Stub:
    """What a component's digest reads of a record whose content hash the catalog knows: its path."""

    member = None

    def __init__(self, rel: str) -> None:
        self.rel = rel


graphs = st.integers(2, 12).flatmap(lambda n: st.tuples(
    st.just(n),
    st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.sampled_from(["", "a\x1fb", "c\x1fd"])),
             min_size=1, max_size=20),
    st.randoms(use_true_random=False),
))


def _components(n: int, links: list[tuple[int, int, str]], order: list[int],
                extra: bool = False) -> dict[tuple[str, ...], str]:
    """Component members → digest, the records given slots in ``order`` (and an unrelated pair when ``extra``)."""
    from gbstd.similarity.components import GroupGraph

    records = [_Stub(f"r{slot:02d}.yaml") for slot in range(n)]
    placed = [records[slot] for slot in order]
    hashes = {rel: f"sha-{rel}" for rel in [*(record.rel for record in records), "x1.yaml", "x2.yaml"]}
    graph = GroupGraph("shared", placed, ["live:True"] * n, hashes)  # type: ignore[arg-type]
    slot_of = {id(record): at for at, record in enumerate(placed)}
    for a, b, line in links:
        if a != b:
            graph.link(slot_of[id(records[a])], slot_of[id(records[b])], line)
    if extra:
        graph.chain([graph.slot(_Stub("x1.yaml")), graph.slot(_Stub("x2.yaml"))])  # type: ignore[arg-type]
    found, skipped = graph.components(lambda digest: False)
    assert not skipped
    return {component.rels: component.digest for component in found}


@given(graphs)
def test_component_digests_do_not_depend_on_slots_order_or_other_components(
    case: tuple[int, list[tuple[int, int, str]], Any]
) -> None:
    n, links, rng = case
    order = list(range(n))
    digests = _components(n, links, order)
    shuffled_order, shuffled_links = order[:], links[:]
    rng.shuffle(shuffled_order)
    rng.shuffle(shuffled_links)
    flipped = [(b, a, line) for a, b, line in shuffled_links]  # a line is kept with the component, not the slot
    assert _components(n, flipped, shuffled_order) == digests
    with_other = _components(n, links, order, extra=True)
    assert {rels: d for rels, d in with_other.items() if rels != ("x1.yaml", "x2.yaml")} == digests
    # the members are the connected components of the links between distinct records
    real = [(a, b) for a, b, _ in links if a != b]
    labels = reference(n, real)
    expected = {tuple(f"r{s:02d}.yaml" for s in range(n) if labels[s] == label)
                for label in {labels[a] for a, _ in real}}
    assert set(digests) == expected


@given(graphs)
def test_a_changed_line_changes_its_components_digest_alone(
    case: tuple[int, list[tuple[int, int, str]], Any]
) -> None:
    n, links, _ = case
    links = [link for link in links if link[0] != link[1]]
    if not links:
        return
    digests = _components(n, links, list(range(n)))
    a, b, line = links[0]
    changed = [(a, b, line + "\x1fchanged"), *links[1:]]
    after = _components(n, changed, list(range(n)))
    assert after.keys() == digests.keys()
    moved = [rels for rels in digests if after[rels] != digests[rels]]
    assert len(moved) == 1 and f"r{a:02d}.yaml" in moved[0]
