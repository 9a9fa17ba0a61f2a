"""gbstd.toml is read strictly: a value of the wrong TOML type is an error at its line (exit 2), never coerced.

pydantic's lax mode read `jobs = true` as 1 (no worker processes), `period_years = "3"` as 3, `abbreviations =
"false"` as false and `max_file_size = 1000.0` as 1000; what the file says is now what it means, or it is refused.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from gbstd.catalog.config_file import load_config
from gbstd.cli.app import app
from gbstd.model.code import Tier
from tests.conftest import CatalogFactory

runner = CliRunner()


@pytest.mark.parametrize(("config", "zh", "en"), [
    ("[catalog]\njobs = true\n",
     "gbstd.toml:2: `catalog.jobs`: 应为整数，实际是 true",
     "gbstd.toml:2: `catalog.jobs`: expected an integer, got true"),
    ("[catalog]\nmax_file_size = 1000.0\n",
     "gbstd.toml:2: `catalog.max_file_size`: 应为整数，实际是 1000.0",
     "gbstd.toml:2: `catalog.max_file_size`: expected an integer, got 1000.0"),
    ("[review]\nperiod_years = \"3\"\n",
     "gbstd.toml:2: `review.period_years`: 应为整数，实际是文本 '3'；去掉引号：3",
     "gbstd.toml:2: `review.period_years`: expected an integer, got the text '3'; drop the quotes: 3"),
    ("[review]\nperiod_years = 3\n[review.tiers]\nnational = true\n",
     "gbstd.toml:4: `review.tiers.national`: 应为整数，实际是 true",
     "gbstd.toml:4: `review.tiers.national`: expected an integer, got true"),
    ("[pipeline]\nstage_months = { \"征求意见\" = \"6\" }\n",
     "gbstd.toml:2: `pipeline.stage_months.征求意见`: 应为整数，实际是文本 '6'；去掉引号：6",
     "gbstd.toml:2: `pipeline.stage_months.征求意见`: expected an integer, got the text '6'; drop the quotes: 6"),
    ("[duplicates]\nmin_score = \"0.5\"\n",
     "gbstd.toml:2: `duplicates.min_score`: 应为数字，实际是文本 '0.5'；去掉引号：0.5",
     "gbstd.toml:2: `duplicates.min_score`: expected a number, got the text '0.5'; drop the quotes: 0.5"),
    ("[duplicates]\nabbreviations = \"false\"\n",
     "gbstd.toml:2: `duplicates.abbreviations`: 应为true/false，实际是文本 'false'；去掉引号：false",
     "gbstd.toml:2: `duplicates.abbreviations`: expected true/false, got the text 'false'; drop the quotes: false"),
    ("[duplicates]\nthesaurus = 1\n",
     "gbstd.toml:2: `duplicates.thesaurus`: 应为true/false，实际是 1",
     "gbstd.toml:2: `duplicates.thesaurus`: expected true/false, got 1"),
    ("[catalog]\nrecords = [\"records\"]\n",  # a list where text is wanted
     "gbstd.toml:2: `catalog.records`: 应为文本，实际是 list",
     "gbstd.toml:2: `catalog.records`: expected text, got list"),
], ids=["bool-for-int", "float-for-int", "text-for-int", "bool-in-a-table", "text-in-an-inline-table", "text-for-float",
        "text-for-bool", "int-for-bool", "list-for-text"])
def test_a_value_of_the_wrong_toml_type_is_refused_at_its_line(
    make_catalog: CatalogFactory, config: str, zh: str, en: str,
) -> None:
    root = make_catalog({}, config=config)
    for lang, said in (("zh", zh), ("en", en)):
        result = runner.invoke(app, ["lint", str(root), "--lang", lang])
        assert result.exit_code == 2
        assert result.output.strip().splitlines() == [f"gbstd: {said}"]


def test_what_toml_writes_for_each_option_still_loads(make_catalog: CatalogFactory) -> None:
    # an integer for a number, tier names (in either language) as keys, text paths and patterns, lists, tables
    root = make_catalog({}, config=(
        "[catalog]\nrecords = \"records\"\njobs = 1\ninternal_code_pattern = '^HNJGSW \\d+-\\d{4}$'\n"
        "exclude = [\"docs/\"]\n"
        "[lint]\nselect = [\"ALL\"]\n[lint.severity]\nC009 = \"error\"\n"
        "[duplicates]\nmin_score = 1\nscope_weight = 0.5\nabbreviations = false\nsynonyms = { \"公车\" = \"公务用车\" }\n"
        "[review]\nperiod_years = 3\n[review.tiers]\nnational = 5\n\"内部标准\" = 2\n[review.modules]\n\"202\" = 2\n"
        "[pipeline]\nstage_months = { \"征求意见\" = 6 }\n"
    ))
    config = load_config(root)
    assert config.catalog.jobs == 1 and config.duplicates.min_score == 1.0
    assert config.duplicates.abbreviations is False
    assert config.review.tiers == {Tier.NATIONAL: 5, Tier.INTERNAL: 2}
    assert config.pipeline.stage_months == {"征求意见": 6}
