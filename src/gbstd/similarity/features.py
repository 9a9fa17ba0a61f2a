"""Per-record features of one detection run, computed once per record and compared per pair in bulk.

A national catalog's candidate pairs outnumber its records, and its records share few distinct subjects,
titles, aspect sets, modules and bodies. So each record gets small integer ids for those (:class:`Features`),
and a per-pair value that depends only on them — a rapidfuzz ratio, an LCS length, whether aspects conflict,
the context of two records — is computed once per distinct pair of ids (:func:`by_unique_pair`) and spread
back with numpy, instead of once per pair in Python.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence

import numpy as np

from gbstd.catalog.catalog import Record
from gbstd.similarity.normalise import normalise
from gbstd.similarity.scoring import Context
from gbstd.similarity.subject import Subject


def ids(values: Sequence[Hashable]) -> tuple[np.ndarray, list[int]]:
    """Each value's id (the order of first appearance) and, per id, the index of its first holder."""
    seen: dict[Hashable, int] = {}
    first: list[int] = []
    out = np.empty(len(values), dtype=np.int64)
    for index, value in enumerate(values):
        found = seen.get(value)
        if found is None:
            found = seen[value] = len(first)
            first.append(index)
        out[index] = found
    return out, first


def by_unique_pair(
    left: np.ndarray, right: np.ndarray, size: int, compute: Callable[[np.ndarray, np.ndarray], np.ndarray],
) -> np.ndarray:
    """``compute(left, right)`` evaluated once per distinct (left, right) pair of ids below ``size``."""
    if not len(left):
        return compute(left, right)
    codes = left.astype(np.int64) * size + right
    unique, inverse = np.unique(codes, return_inverse=True)
    return compute(unique // size, unique % size)[inverse.reshape(-1)]


def bodies(record: Record) -> frozenset[str]:
    """The issuing and administering bodies of a record, normalised."""
    standard = record.standard
    named = [*standard.issuer, standard.administering_body or ""]
    return frozenset(normalise(n) for n in named if n and n.strip())


def context_of(module_a: str | None, module_b: str | None, bodies_a: frozenset[str], bodies_b: frozenset[str]) -> Context:
    """Same module (or one inside the other) and same issuing or administering body; None where unknown."""
    same_module = None if not module_a or not module_b else (module_a.startswith(module_b) or module_b.startswith(module_a))
    same_body = None if not bodies_a or not bodies_b else not bodies_a.isdisjoint(bodies_b)
    return Context(same_module, same_body)


class Features:
    """Ids of each entry's subject core, normalised title, aspect set, module and bodies."""

    def __init__(self, subjects: Sequence[Subject], records: Sequence[Record]) -> None:
        self.subjects = subjects
        self.core, self.core_first = ids([s.core for s in subjects])
        self.full, self.full_first = ids([s.full for s in subjects])
        self.aspects, self.aspects_first = ids([s.aspects for s in subjects])
        self.core_length = np.fromiter((len(s.core) for s in subjects), dtype=np.int64, count=len(subjects))
        modules = [r.standard.module or None for r in records]
        body_sets = [bodies(r) for r in records]
        self.module, module_first = ids(modules)
        self.body, body_first = ids(body_sets)
        self._modules = [modules[i] for i in module_first]
        self._bodies = [body_sets[i] for i in body_first]
        self._module_ids = self.module.tolist()
        self._body_ids = self.body.tolist()
        self._contexts: dict[tuple[int, int, int, int], Context] = {}

    def context(self, i: int, j: int) -> Context:
        """The context of entries ``i`` and ``j``, one object per distinct combination."""
        mi, mj, bi, bj = self._module_ids[i], self._module_ids[j], self._body_ids[i], self._body_ids[j]
        key = (mi, mj, bi, bj)
        found = self._contexts.get(key)
        if found is None:
            found = self._contexts[key] = context_of(self._modules[mi], self._modules[mj], self._bodies[bi],
                                                     self._bodies[bj])
        return found

    def core_pairs(self, left: np.ndarray, right: np.ndarray, compute: Callable[[list[Subject], list[Subject]], np.ndarray]) -> np.ndarray:
        """``compute`` on the subjects of entries ``left``/``right``, once per distinct pair of cores."""
        first = self.core_first
        return by_unique_pair(self.core[left], self.core[right], len(first), lambda x, y: compute(
            [self.subjects[first[c]] for c in x.tolist()], [self.subjects[first[c]] for c in y.tolist()]))

    def full_pairs(self, left: np.ndarray, right: np.ndarray, compute: Callable[[list[Subject], list[Subject]], np.ndarray]) -> np.ndarray:
        """``compute`` on the subjects of entries ``left``/``right``, once per distinct pair of titles."""
        first = self.full_first
        return by_unique_pair(self.full[left], self.full[right], len(first), lambda x, y: compute(
            [self.subjects[first[c]] for c in x.tolist()], [self.subjects[first[c]] for c in y.tolist()]))

    def aspect_pairs(self, left: np.ndarray, right: np.ndarray, compute: Callable[[Subject, Subject], bool]) -> np.ndarray:
        """``compute`` (of two subjects' aspects only) once per distinct pair of aspect sets."""
        first = self.aspects_first

        def each(x: np.ndarray, y: np.ndarray) -> np.ndarray:
            return np.fromiter((compute(self.subjects[first[a]], self.subjects[first[b]])
                                for a, b in zip(x.tolist(), y.tolist(), strict=True)), dtype=bool, count=len(x))

        return by_unique_pair(self.aspects[left], self.aspects[right], len(first), each)
