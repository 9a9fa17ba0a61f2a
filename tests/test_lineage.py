"""The supersession graph's cycles (C013 reads them): every code on a loop named, long chains without recursion."""

from __future__ import annotations

from pathlib import Path

from gbstd.catalog.catalog import Catalog, Record
from gbstd.catalog.lineage import Lineage
from gbstd.model.code import try_parse
from gbstd.model.config import Config
from gbstd.model.standard import Standard


def _catalog(links: dict[int, list[int]]) -> Catalog:
    """Records DB41/T n-2020, each replaced by the numbers listed for it."""
    numbers = sorted(set(links) | {n for news in links.values() for n in news})
    records = []
    for n in numbers:
        code = f"DB41/T {n}-2020"
        standard = Standard.model_validate({
            "code": code, "title": f"标准{n}", "status": "废止",
            "replaced_by": [f"DB41/T {m}-2020" for m in links.get(n, [])],
        })
        records.append(Record(Path("."), f"records/{n}.yaml", standard, try_parse(code)))
    return Catalog(Path("."), Config(), records=records)


def test_every_code_on_a_loop_is_on_a_listed_cycle() -> None:
    lineage = Lineage(_catalog({10: [11, 13], 11: [12], 12: [10], 13: [11], 14: [10]}))
    cycles = lineage.cycles()
    named = {code for cycle in cycles for code in cycle}
    assert named == {f"DB41/T {n}-2020" for n in (10, 11, 12, 13)}  # 14 leads into the loop, is not on it
    assert ["DB41/T 10-2020", "DB41/T 11-2020", "DB41/T 12-2020"] in cycles


def test_a_chain_of_thousands_of_editions_is_walked_without_recursion() -> None:
    # A recursive walk stopped with RecursionError at about a thousand editions: C013 then crashed.
    chain = {n: [n + 1] for n in range(1, 3000)}
    chain[3000] = [1]
    cycles = Lineage(_catalog(chain)).cycles()
    assert len(cycles) == 1 and len(cycles[0]) == 3000
    assert cycles[0][0] == "DB41/T 1-2020"
