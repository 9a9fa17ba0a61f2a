"""Region names: every prefecture-level code (GB/T 2260) is named; the site's region filter lists cities."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from typer.testing import CliRunner

from gbstd.cli.app import app
from gbstd.model.regions import CITIES, PROVINCES, region_choices, region_name

SAMPLE = Path(__file__).resolve().parents[1] / "standards"
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))


def test_prefecture_codes_are_named() -> None:
    assert "吕梁市" in region_name("1411")
    assert "洛阳市" in region_name("4103")
    assert region_name("1411") == "山西省吕梁市"
    assert region_name("1499") == "山西省（1499）"  # unknown city: the province's name with the code
    assert region_name("410305") == "河南省洛阳市（410305）"  # a county: its city's name with the code
    assert region_name("41") == "河南省"
    assert len(CITIES) == 333  # every prefecture-level division of the December 2021 edition
    assert all(code[:2] in PROVINCES and len(code) == 4 for code in CITIES)


def test_every_code_of_the_sample_and_a_generated_catalog_is_named(tmp_path: Path) -> None:
    from generate import generate_catalog

    generate_catalog(tmp_path / "gen", 400, seed=3)
    codes: set[str] = set()
    for root in (SAMPLE, tmp_path / "gen"):
        for path in (root / "records").rglob("*.yaml"):
            codes.update(re.findall(r"^code: *\"?DB(\d{4})\b", path.read_text(encoding="utf-8"), re.M))
    assert "1411" in codes and len(codes) > 10
    unnamed = sorted(code for code in codes if code not in CITIES)
    assert unnamed == []


def test_region_choices_list_provinces_then_their_cities() -> None:
    assert region_choices(["410102", "41", "4103", "1411"]) == [
        ("14", "山西省"), ("1411", "吕梁市"), ("41", "河南省"), ("4101", "郑州市"), ("4103", "洛阳市"),
    ]


def test_site_names_cities_and_filters_by_them(tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = CliRunner().invoke(app, ["report", "site", str(SAMPLE), "-o", str(out), "--as-of", "2026-01-01"])
    assert result.exit_code == 0, result.output
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "山西省（1411）" not in index
    assert "山西省吕梁市" in index
    assert '<option value="1411">吕梁市</option>' in index
    assert '<option value="14">山西省</option>' in index
    assert 'data-region="1411"' in index
