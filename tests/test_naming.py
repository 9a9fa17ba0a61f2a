"""How far a record's codes reach (``catalog.naming.Reach``): what incremental lint re-checks after a record is
added, removed or edited with the rules that follow codes."""

from __future__ import annotations

from gbstd.catalog.catalog import edition_stem
from gbstd.catalog.lineage import Lineage
from gbstd.catalog.loader import load_catalog
from gbstd.catalog.naming import Reach
from tests.conftest import CatalogFactory, record

FILES = {
    "records/old.yaml": record("GB/T 100-2010", "甲", "废止", replaced_by=["GB/T 100-2020"]),
    "records/new.yaml": record("GB/T 100-2020", "乙", replaces=["GB/T 100-2010"]),
    "records/undated.yaml": record("DB41/T 1-2021", "丙", references=["GB/T 100"]),
    "records/dated.yaml": record("DB41/T 2-2021", "丁", adopts=["GB/T 100-2010"]),
    "records/same.yaml": record("DB41/T 3-2021", "戊"),
    "records/twin.yaml": record("DB41/T 3-2021", "己"),
    "records/alone.yaml": record("DB41/T 4-2021", "庚", refines=["GB/T 999-2000"]),
}


def reach(make_catalog: CatalogFactory, rel: str) -> set[str]:
    catalog = load_catalog(make_catalog(FILES))
    found = next(r for r in catalog.records if r.rel == rel)
    return Reach(catalog, Lineage(catalog)).of([found])


def test_a_code_reaches_its_chain_its_editions_and_whatever_names_them(make_catalog: CatalogFactory) -> None:
    assert reach(make_catalog, "records/new.yaml") == {
        "records/new.yaml", "records/old.yaml", "records/undated.yaml", "records/dated.yaml",
    }


def test_a_record_reaches_the_holders_of_its_code(make_catalog: CatalogFactory) -> None:
    assert reach(make_catalog, "records/same.yaml") == {"records/same.yaml", "records/twin.yaml"}


def test_a_record_naming_a_code_nobody_holds_reaches_only_itself(make_catalog: CatalogFactory) -> None:
    assert reach(make_catalog, "records/alone.yaml") == {"records/alone.yaml"}


def test_a_reference_reaches_what_it_names(make_catalog: CatalogFactory) -> None:
    """A record's findings may read what it names (C014, S004): so may a change of it."""
    assert {"records/old.yaml", "records/new.yaml"} <= reach(make_catalog, "records/undated.yaml")


def test_the_edition_stem_is_the_editions_key(make_catalog: CatalogFactory) -> None:
    catalog = load_catalog(make_catalog(FILES))
    assert {r.rel for r in catalog.editions[edition_stem("GB/T 100-2020")]} == {"records/old.yaml", "records/new.yaml"}
