"""A report, worklist or table made without some of the catalog's files says so: a bulletin counted without an
unreadable record printed other figures with exit 0 and nothing on stderr (现行 29 → 28)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from gbstd.cli.app import app
from gbstd.serve.app import create_app

SAMPLE = Path(__file__).resolve().parent.parent / "standards"
BROKEN_RECORD = "records/local/DB41-T-2397-2023.yaml"
BROKEN_PROJECT = "projects/XM-2026-009.yaml"
BROKEN_PLAN = "plans/copy.yaml"


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("broken") / "cat"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".gbstd-cache"))
    (root / BROKEN_RECORD).write_text("code: DB41/T 2397-2023\ntitle: [broken\n", encoding="utf-8")
    (root / BROKEN_PROJECT).write_text("id: XM-2026-009\nstage: 胡说\n", encoding="utf-8")  # not a valid project
    plan = (root / "plans" / "henan-2021.yaml").read_text(encoding="utf-8")
    (root / BROKEN_PLAN).write_text(plan.replace("start: 2021-", "start: 2021-13 #", 1), encoding="utf-8")
    return root


def _run(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, [*args, "--lang", "en"], catch_exceptions=False)
    return result.exit_code, result.stderr


@pytest.mark.parametrize(
    ("args", "left_out"),
    [
        (["report", "bulletin", "-p", "2023H2", "-o", "{out}/b.md"], [BROKEN_PLAN, BROKEN_PROJECT, BROKEN_RECORD]),
        (["report", "catalog", "-o", "{out}/c.csv"], [BROKEN_PLAN, BROKEN_PROJECT, BROKEN_RECORD]),
        (["report", "site", "-o", "{out}/site"], [BROKEN_PLAN, BROKEN_PROJECT, BROKEN_RECORD]),
        (["review"], [BROKEN_PLAN, BROKEN_PROJECT, BROKEN_RECORD]),
        (["system"], [BROKEN_PLAN, BROKEN_PROJECT, BROKEN_RECORD]),
        (["dupes"], [BROKEN_PLAN, BROKEN_PROJECT, BROKEN_RECORD]),
        (["pipeline"], [BROKEN_PROJECT]),
        (["plan", "status"], [BROKEN_PLAN]),
    ],
)
def test_each_command_names_the_files_it_left_out(
    broken: Path, tmp_path: Path, args: list[str], left_out: list[str]
) -> None:
    code, stderr = _run(broken, *[a.format(out=tmp_path) for a in args], "-C", str(broken))
    assert code == 0, stderr
    note = next(line for line in stderr.splitlines() if line.startswith("note:"))
    counted = (f"{len(left_out)} files could not be read or are not valid, and are left out" if len(left_out) > 1
               else "1 file could not be read or is not valid, and is left out")
    assert note == f"note: {counted} ({', '.join(left_out)}; gbstd lint says why)"


def test_a_complete_catalog_gets_no_note(tmp_path: Path) -> None:
    root = tmp_path / "cat"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".gbstd-cache"))
    for args in (["review"], ["pipeline"], ["plan", "status"], ["system"]):
        code, stderr = _run(root, *args, "-C", str(root))
        assert code == 0 and "note:" not in stderr, (args, stderr)


@pytest.mark.parametrize("page", ["/", "/reviews", "/dupes", "/system", "/plans"])
def test_the_web_editors_pages_say_so_too(broken: Path, page: str) -> None:
    # the list counted load findings ("files that did not load", warnings included); the others said nothing
    client = TestClient(create_app(broken), base_url="http://127.0.0.1")
    response = client.get(page)
    assert response.status_code == 200
    assert "3 files could not be read or are not valid and are left out: " in response.text
    assert f"{BROKEN_PLAN}、{BROKEN_PROJECT}、{BROKEN_RECORD}" in response.text
