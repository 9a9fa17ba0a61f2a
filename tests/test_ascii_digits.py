"""Digits in catalog input are ASCII: the models refuse what the JSON Schema refuses.

``\\d`` in Python's ``re`` and in pydantic's ``pattern=`` takes any Unicode decimal digit (fullwidth ４１, Arabic-Indic
٤١); a JSON Schema's pattern (ECMA-262) takes 0-9 only. A region ４１ passed the model, then matched neither its DB41
code nor ``review --region 41``; a code GB/T ٤١٥٦٨-٢٠٢٢ was canonical, its file name GB-T-_____-____.yaml.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import TypeAdapter, ValidationError
from typer.testing import CliRunner

from gbstd.cli.app import app
from gbstd.model.code import CodeError, StandardCode
from gbstd.model.month import Month, MonthField
from gbstd.model.notes import BulletinNotes
from gbstd.model.project import Project
from gbstd.model.regions import is_valid_region
from gbstd.model.standard import Standard, Suppression
from tests.conftest import CatalogFactory, record
from tests.plan_fixtures import PLAN

runner = CliRunner()
SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"


def _lint(root: Path) -> list[dict[str, object]]:
    result = runner.invoke(app, ["lint", str(root), "--format", "json", "--lang", "en", "--as-of", "2024-01-01",
                                 "--no-cache"])
    assert result.exit_code == 1, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def _c001(findings: list[dict[str, object]]) -> dict[tuple[object, object], str]:
    return {(f["path"], f["line"]): str(f["message"]) for f in findings if f["rule"] == "C001"}


def test_lint_refuses_a_fullwidth_region_and_rule_code_in_a_record(make_catalog: CatalogFactory) -> None:
    text = record("DB41/T 1-2020", published="2020-01-01", effective="2020-02-01", region='"４１"')
    text += "suppress:\n  - rule: C００９\n    reason: 测试\n"
    root = make_catalog({"records/DB41-T-1-2020.yaml": text})
    found = _c001(_lint(root))
    # before: no C001; C004 said ４１ is not the code's 41, C018 that C００９ names no rule
    assert found == {
        ("records/DB41-T-1-2020.yaml", 6): "`region`: '４１' is not a division code: 2, 4 or 6 ASCII digits (e.g. 41, 4103)",
        ("records/DB41-T-1-2020.yaml", 8): "`rule`: 'C００９' is not a rule code: a capital letter and 3 ASCII digits "
                                           "(e.g. C009)",
    }


def test_lint_refuses_fullwidth_digits_in_a_plan_a_project_and_notes(make_catalog: CatalogFactory) -> None:
    plan = PLAN.replace("status: active\n", 'status: active\nregion: "４１"\n').replace("start: 2021-12", "start: ２０２１-12")
    project = ('id: XM-1\ntitle: 机关食堂服务规范\ntier: local\nregion: "41０３"\n'
               "history:\n  - {stage: 申报, date: 2023-01-05}\n")
    notes = "period: ２０２３H2\n"
    root = make_catalog({"plans/test-plan.yaml": plan, "projects/XM-1.yaml": project, "notes/2023H2.yaml": notes})
    found = _c001(_lint(root))
    assert set(found) == {("plans/test-plan.yaml", 5), ("plans/test-plan.yaml", 15), ("projects/XM-1.yaml", 4),
                          ("notes/2023H2.yaml", 1)}
    assert "'４１' is not a division code" in found[("plans/test-plan.yaml", 5)]
    assert "２０２１-12" in found[("plans/test-plan.yaml", 15)]
    assert "'41０３' is not a division code" in found[("projects/XM-1.yaml", 4)]
    assert "'２０２３H2' is not a period" in found[("notes/2023H2.yaml", 1)]


def test_lint_refuses_a_code_in_digits_of_another_script(make_catalog: CatalogFactory) -> None:
    # fullwidth digits are a spelling, normalised (C017); digits NFKC leaves as they are spell no code
    root = make_catalog({
        "records/a.yaml": record("GB/T ٤١٥٦٨-٢٠٢٢", published="2022-04-15"),
        "records/GB-T-41568-2022.yaml": record("GB/T ４１５６８－２０２２", published="2022-04-15"),
    })
    findings = [f for f in _lint(root) if f["rule"] in ("C002", "C017")]
    assert {(f["rule"], f["path"]) for f in findings} == {("C002", "records/a.yaml"),
                                                          ("C017", "records/GB-T-41568-2022.yaml")}
    with pytest.raises(CodeError):
        StandardCode.parse("GB/T 41568-२०२२")
    assert StandardCode.parse("ＤＢ４１／Ｔ　２１４４—２０２１").canonical == "DB41/T 2144-2021"


def _subschema(document: dict[str, object], definition: str, field: str) -> dict[str, object]:
    node = document["$defs"][definition] if definition else document  # type: ignore[index]
    schema = node["properties"][field]  # type: ignore[index]
    return next((s for s in schema.get("anyOf", [schema]) if s.get("type") == "string"), schema)  # type: ignore[no-any-return]


@pytest.mark.parametrize(("kind", "definition", "field", "model", "good"), [
    ("standard", "", "region", lambda v: Standard(code="DB41/T 1-2020", title="x", status="现行", region=v), "4103"),
    ("standard", "Suppression", "rule", lambda v: Suppression(rule=v, reason="x"), "C009"),
    ("project", "", "region", lambda v: Project.model_validate(
        {"id": "X", "title": "x", "tier": "local", "region": v, "history": [{"stage": "申报", "date": "2023-01-05"}]}),
     "41"),
    ("notes", "", "period", lambda v: BulletinNotes(period=v), "2023H2"),
    ("plan", "Phase", "start", lambda v: TypeAdapter(MonthField).validate_python(v), "2021-09"),
])
def test_the_committed_schema_and_the_model_agree_on_non_ascii_digits(
    kind: str, definition: str, field: str, model, good: str,  # type: ignore[no-untyped-def]
) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    document = json.loads((SCHEMAS / f"{kind}.schema.json").read_text("utf-8"))
    schema = _subschema(document, definition, field)
    jsonschema.validate(good, schema)
    model(good)
    fullwidth = str.maketrans("0123456789", "０１２３４５６７８９")
    # fullwidth, Arabic-Indic, and one fullwidth digit among ASCII ones (past a year's first, which [1-9] held)
    for wrong in (good.translate(fullwidth), good.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")),
                  good[0] + good[1].translate(fullwidth) + good[2:]):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(wrong, schema)
        with pytest.raises((ValidationError, ValueError)):
            model(wrong)


def test_a_month_and_a_date_in_fullwidth_digits_are_refused_with_their_own_message() -> None:
    with pytest.raises(ValueError, match="not a month in the form YYYY-MM"):
        Month.parse("２０２５-０６")
    with pytest.raises(ValidationError, match="not a date in the form YYYY-MM-DD"):
        Standard(code="GB/T 1-2020", title="x", status="现行", published="２０２０-０１-０１")


def test_a_region_filter_in_fullwidth_digits_is_refused(make_catalog: CatalogFactory) -> None:
    root = make_catalog({"records/GB-T-41568-2022.yaml": record("GB/T 41568-2022", published="2022-04-15")})
    result = runner.invoke(app, ["review", str(root), "--region", "41０３", "--lang", "en"])
    # before: taken for a city of Henan (41 + ０３), it matched no record and said nothing
    assert result.exit_code == 2
    assert "--region '41０３' must be a 2-, 4- or 6-digit division code" in result.output
    assert not is_valid_region("41０３") and not is_valid_region("٤١") and is_valid_region("4103")


def test_a_fullwidth_rule_code_in_the_config_is_refused_at_its_line(make_catalog: CatalogFactory) -> None:
    root = make_catalog({}, config='[lint]\nselect = ["C００９"]\n')
    result = runner.invoke(app, ["review", str(root), "--lang", "en"])  # a command that checks no codes itself
    assert result.exit_code == 2
    assert "gbstd.toml:2: `lint.select`: 'C００９' is not a rule code or prefix" in result.output


def test_a_target_filter_region_in_fullwidth_digits_is_p007(make_catalog: CatalogFactory) -> None:
    plan = PLAN.replace('regions: ["41"]', 'regions: ["41０３"]')
    root = make_catalog({"plans/test-plan.yaml": plan})
    findings = [f for f in _lint(root) if f["rule"] == "P007"]
    assert len(findings) == 1 and "'41０３' is not a division code" in str(findings[0]["message"])
