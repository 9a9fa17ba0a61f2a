"""The catalogs rule tests run over: the sample catalog and every rule fixture case, written out and loaded."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML

from gbstd.catalog.catalog import Catalog
from gbstd.catalog.federation import load_union
from gbstd.catalog.loader import load_catalog
from tests.conftest import DEFAULT_CONFIG, write_catalog

SAMPLE = Path(__file__).resolve().parent.parent / "standards"
FIXTURES = Path(__file__).parent / "fixtures" / "rules"


@dataclass
class Case:
    name: str
    catalog: Catalog
    as_of: dt.date
    rule: str | None  # the rule whose fixture this is (None: the sample catalog)


def fixture_cases(root: Path) -> list[Case]:
    """Every rule fixture case (rules/<CODE>.yaml) that is not a git case, loaded."""
    cases = []
    for path in sorted(FIXTURES.glob("*.yaml")):
        spec = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
        for number, case in enumerate(spec["cases"]):
            if "before" in case:
                continue
            files = {rel: value for rel, value in case["files"].items() if isinstance(value, str)}
            where = write_catalog(root / f"{spec['rule']}-{number}", files, case.get("config", DEFAULT_CONFIG))
            as_of = case.get("as_of", dt.date(2026, 11, 23))
            as_of = dt.date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
            cases.append(Case(f"{spec['rule']}-{case['name']}", load_union(where), as_of, spec["rule"]))
    return cases




def every_case(base: Path, as_of: dt.date) -> list[Case]:
    """The sample catalog (a copy, judged on ``as_of``) and every fixture case, under ``base``."""
    shutil.copytree(SAMPLE, base / "standards", ignore=shutil.ignore_patterns(".gbstd-cache"))
    return [Case("sample", load_catalog(base / "standards"), as_of, None), *fixture_cases(base / "fixtures")]
