"""Title edits, linted incrementally, give byte for byte the report of a cold run.

A title is read by C009 (identical titles within one tier and region), S003 and S007 (subjects) and the D
rules (duplicate subjects): one record's new title changes the findings of records that were not edited —
the group it leaves, the group it joins, partners and group sizes named in other records' messages. The
catalog is a small look-alike of a national one (sibling regions sharing titles), so every edit lands among
duplicates; edits copy another record's title (joining its C009 group when both are of one region, its D
group otherwise), make a near copy, make a title of its own (leaving), swap two titles, or put back the
record's first title (a component the memo saw two runs ago).
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from gbstd import linting
from gbstd.cli.app import app
from gbstd.similarity.duplicates import _SHARED_SCOPE, SMALL_SET

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from generate import generate_sibling_catalog

AS_OF = "2025-06-30"
TITLE_READERS = {"C009", "S003", "S007", "D001", "D002", "D003"}
runner = CliRunner()


def lint(root: Path, output_format: str, *extra: str) -> tuple[int, bytes]:
    """The exit code and the exact bytes ``gbstd lint`` prints."""
    result = runner.invoke(app, ["lint", str(root), "--as-of", AS_OF, "--format", output_format, *extra])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, result.stdout_bytes


def records(root: Path) -> list[Path]:
    return sorted((root / "records").rglob("*.yaml"))


def title_of(path: Path) -> str:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("title:"):
            return line.removeprefix("title:").strip()
    raise AssertionError(f"no title in {path}")


def set_title(path: Path, title: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text(
        "".join(f"title: {title}\n" if line.startswith("title:") else line for line in lines), encoding="utf-8"
    )


def region_of(path: Path) -> str:
    """DB4101 of records/local/41/DB4101-T-7-2020.yaml (GB of a national one)."""
    return path.name.split("-", 1)[0]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("titles") / "catalog"
    generate_sibling_catalog(root, 240, seed=7)
    return root


# --- edits: each takes the catalog, the first titles (by file), and two random numbers ------------------------
Edit = Callable[[Path, dict[Path, str], int, int], None]


def copy_title(root: Path, first: dict[Path, str], pick: int, value: int) -> None:
    """Another record's title, of the same province when there is one (a C009 group when the region is the
    same, a D group of sibling regions otherwise)."""
    paths = records(root)
    path = paths[pick % len(paths)]
    near = [p for p in paths if p != path and p.parent == path.parent] or [p for p in paths if p != path]
    if value % 3 == 0:  # the same region: one C009 group
        near = [p for p in near if region_of(p) == region_of(path)] or near
    set_title(path, title_of(near[value % len(near)]))


def near_title(root: Path, first: dict[Path, str], pick: int, value: int) -> None:
    """A near copy of another record's title: a similar subject, not the same one."""
    paths = records(root)
    path, other = paths[pick % len(paths)], title_of(paths[value % len(paths)])
    set_title(path, other.replace("规范", "管理规范", 1) if value % 2 and "规范" in other else f"{other}实施指南")


def own_title(root: Path, first: dict[Path, str], pick: int, value: int) -> None:
    """A title no other record has: the record leaves its groups."""
    paths = records(root)
    set_title(paths[pick % len(paths)], f"第{value}号独有事项{('甲', '乙', '丙')[value % 3]}类管理要求")


def swap_titles(root: Path, first: dict[Path, str], pick: int, value: int) -> None:
    paths = records(root)
    a, b = paths[pick % len(paths)], paths[value % len(paths)]
    title_a, title_b = title_of(a), title_of(b)
    set_title(a, title_b)
    set_title(b, title_a)


def first_title(root: Path, first: dict[Path, str], pick: int, value: int) -> None:
    """The record's title as generated: back to where it was (its old components' digests again)."""
    paths = records(root)
    path = paths[pick % len(paths)]
    set_title(path, first[path])


EDITS: list[Edit] = [copy_title, near_title, own_title, swap_titles, first_title]
steps = st.lists(
    st.tuples(st.sampled_from(EDITS), st.integers(0, 10_000), st.integers(0, 10_000)), min_size=1, max_size=4
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=steps, output_format=st.sampled_from(["json", "text"]))
def test_title_edits_lint_incrementally_to_the_cold_report(
    pristine: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch,
    edits: list[tuple[Edit, int, int]], output_format: str,
) -> None:
    root = tmp_path_factory.mktemp("cat") / "catalog"
    shutil.copytree(pristine, root)
    first = {path: title_of(path) for path in records(root)}
    reruns: list[list[str] | None] = []
    real = linting._incremental

    def spy(*args: Any, **kwargs: Any) -> Any:
        analysis = real(*args, **kwargs)
        reruns.append(None if analysis is None else analysis.rerun)
        return analysis

    monkeypatch.setattr(linting, "_incremental", spy)
    lint(root, output_format)  # cold: writes the state, the memo and this format's report
    for edit, pick, value in edits:
        edit(root, first, pick, value)
        reruns.clear()
        printed = lint(root, output_format)
        # answered incrementally, re-running only rules that read titles (or nothing: the title was the same)
        assert len(reruns) <= 1 and None not in reruns, reruns
        assert set(*reruns or [[]]) <= TITLE_READERS, reruns
        assert printed == lint(root, output_format, "--no-cache"), f"{output_format} after {edit.__name__}"
        assert lint(root, output_format) == printed  # and warm


def test_a_title_copied_within_a_region_and_taken_back(pristine: Path, tmp_path: Path) -> None:
    """C009 appears on both records (the edited one and the one it copied, not edited) and goes again."""
    root = tmp_path / "catalog"
    shutil.copytree(pristine, root)
    paths = records(root)
    path, mate = next((p, q) for p in paths for q in paths if p < q and region_of(p) == region_of(q))
    before = lint(root, "json")
    original = title_of(path)
    set_title(path, title_of(mate))
    joined = lint(root, "json")
    assert joined == lint(root, "json", "--no-cache")
    c009 = {Path(f["path"]).name for f in json.loads(joined[1]) if f["rule"] == "C009"}
    assert {path.name, mate.name} <= c009
    set_title(path, original)
    assert lint(root, "json") == before


def set_scope(path: Path, scope: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith("scope:")]
    path.write_text("".join([*kept, f"scope: {scope}\n"]), encoding="utf-8")


def spread(root: Path, count: int) -> list[Path]:
    """``count`` records of different regions (no C009 between them: the D rules alone see their titles)."""
    chosen: dict[str, Path] = {}
    for path in records(root):
        chosen.setdefault(region_of(path), path)
    assert len(chosen) >= count, len(chosen)
    return sorted(chosen.values())[:count]


def test_a_title_edit_that_makes_a_same_subject_set_too_large_to_compare_pairwise(
    pristine: Path, tmp_path: Path
) -> None:
    """A same-subject set of ``SMALL_SET`` records is compared pairwise, one more is linked in O(n) pairs: the
    thirteenth title changes how the twelve others are paired, and back again."""
    root = tmp_path / "catalog"
    shutil.copytree(pristine, root)
    title = "机关会议室音视频设备运行维护规范"
    *members, joining = spread(root, SMALL_SET + 1)
    for path in members:
        set_title(path, title)
    original = title_of(joining)
    lint(root, "json")
    seen: dict[str, list[str]] = {}
    for new in (title, original, title):
        set_title(joining, new)
        printed = lint(root, "json")
        assert printed == lint(root, "json", "--no-cache"), new
        # a record not edited: its D findings name the group's size, so they follow the joining record
        found = [f["message"] for f in json.loads(printed[1]) if f["rule"].startswith("D")
                 and Path(f["path"]).name == members[0].name]
        assert seen.setdefault(new, found) == found
    assert seen[title] and seen[title] != seen[original]


def test_a_title_edit_that_turns_a_shared_scope_into_boilerplate(pristine: Path, tmp_path: Path) -> None:
    """A scope text shared by more than ``_SHARED_SCOPE`` subjects stops counting for every record that has
    it: one title edit (a fourth subject) changes the scope evidence of three records not edited."""
    root = tmp_path / "catalog"
    shutil.copytree(pristine, root)
    scope = "本文件规定了机关办公区域公共设施巡查的频次、内容和记录要求。"
    paths = spread(root, _SHARED_SCOPE + 1)
    titles = ["机关办公区公共设施巡查规范", "机关办公区公共设施巡查规范", "机关庭院绿化养护规范", "机关车辆停放管理规范"]
    for path, title in zip(paths, titles, strict=True):
        set_scope(path, scope)
        set_title(path, title)
    lint(root, "json")
    for new in ("机关电梯运行安全管理规范", titles[1], "机关电梯运行安全管理规范"):
        set_title(paths[1], new)
        assert lint(root, "json") == lint(root, "json", "--no-cache"), new
