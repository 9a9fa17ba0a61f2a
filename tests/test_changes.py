"""`gbstd changes`: what a commit did to the catalog, on a copy of the sample catalog in a fresh repository."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import git
import pytest
from typer.testing import CliRunner

from gbstd.cli.app import app
from tests.git_catalog import SAMPLE, commit, sample_repo

runner = CliRunner()
OUTPUT = Path(__file__).resolve().parent.parent / "test-output"  # screenshots, ignored by git
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
]
KEYS = ["change", "code", "path", "fields", "title", "old", "new"]

RETITLED = "records/local/DB32-T-4446-2023.yaml"  # module 203
DELETED = "records/local/DB3310-T-80-2021.yaml"  # module 202
ABOLISHED = "records/local/DB4203-T-131-2018.yaml"  # module 303
ADDED = "records/local/DB41-T-9999-2025.yaml"  # module 301 (a copy of DB1411/T 63-2023's fields)


@pytest.fixture
def sample(tmp_path: Path) -> tuple[git.Repo, Path]:
    return sample_repo(tmp_path)


def edit(root: Path, rel: str, pattern: str, replacement: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    new, count = re.subn(pattern, lambda _: replacement, text, count=1, flags=re.MULTILINE)
    assert count == 1, f"{pattern!r} not in {rel}"
    path.write_text(new, encoding="utf-8")


def add_record(root: Path, rel: str, source: str, code: str, **fields: str) -> None:
    (root / rel).write_text((root / source).read_text(encoding="utf-8"), encoding="utf-8")
    edit(root, rel, r"^code: .*$", f"code: {code}")
    for name, value in fields.items():
        edit(root, rel, rf"^{name}: .*$", f"{name}: {value}")


def four_changes(root: Path) -> None:
    add_record(root, ADDED, "records/local/DB1411-T-63-2023.yaml", "DB41/T 9999-2025", module='"301"')
    (root / DELETED).unlink()
    edit(root, ABOLISHED, r"^status: 现行$", "status: 废止\nabolished: 2025-06-01")
    edit(root, RETITLED, r"^title: .*$", "title: 公共机构能源托管服务规程")


def changes_json(root: Path, *args: str) -> list[dict[str, object]]:
    result = runner.invoke(app, ["changes", str(root), *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_one_commit_adding_deleting_abolishing_and_retitling_gives_exactly_those_four(
    sample: tuple[git.Repo, Path],
) -> None:
    repo, root = sample
    four_changes(root)
    commit(repo, "four changes")
    data = changes_json(root, "--since", "HEAD~1", "--until", "HEAD")
    assert all(list(entry) == KEYS for entry in data)
    # by module (202, 203, 301, 303), then code
    assert [(e["change"], e["code"], e["path"]) for e in data] == [
        ("removed", "DB3310/T 80-2021", DELETED),
        ("modified", "DB32/T 4446-2023", RETITLED),
        ("added", "DB41/T 9999-2025", ADDED),
        ("abolished", "DB4203/T 131-2018", ABOLISHED),
    ]
    removed, retitled, added, abolished = data
    assert retitled["fields"] == ["title"]
    assert retitled["old"] == {"title": "公共机构能源托管规程"}
    assert retitled["new"] == {"title": "公共机构能源托管服务规程"}
    assert retitled["title"] == "公共机构能源托管服务规程"
    assert added["fields"] == [] and added["old"] is None and added["new"] is None
    assert removed["fields"] == [] and removed["title"] == "公务用车服务规范"
    assert abolished["fields"] == ["abolished", "status"]
    assert abolished["old"] == {"abolished": None, "status": "现行"}
    assert abolished["new"] == {"abolished": "2025-06-01", "status": "废止"}
    # the same answer twice: a stable order
    assert changes_json(root, "--since", "HEAD~1", "--until", "HEAD") == data


def test_until_defaults_to_the_work_tree_with_uncommitted_and_untracked_files(
    sample: tuple[git.Repo, Path],
) -> None:
    _, root = sample
    four_changes(root)  # nothing committed; the added file is untracked
    assert [e["change"] for e in changes_json(root, "--since", "HEAD")] == [
        "removed", "modified", "added", "abolished",
    ]  # fmt: skip
    assert changes_json(root, "--since", "HEAD", "--until", "HEAD") == []


def test_a_new_edition_replacing_an_old_one_is_one_superseded_entry(sample: tuple[git.Repo, Path]) -> None:
    repo, root = sample
    old = "records/local/DB41-T-2397-2023.yaml"
    new = "records/local/DB41-T-2397-2026.yaml"
    add_record(root, new, old, "DB41/T 2397-2026", effective="2026-04-10")
    edit(root, new, r"^status: .*$", "status: 现行\nreplaces: [DB41/T 2397-2023]")
    edit(root, old, r"^status: 现行$", "status: 废止\nabolished: 2026-04-10\nreplaced_by: [DB41/T 2397-2026]")
    commit(repo, "new edition")
    data = changes_json(root, "--since", "HEAD~1")
    assert data == [
        {
            "change": "superseded",
            "code": "DB41/T 2397-2026",
            "path": new,
            "fields": ["code"],
            "title": data[0]["title"],
            "old": {"code": "DB41/T 2397-2023"},
            "new": {"code": "DB41/T 2397-2026"},
        }
    ]
    assert data[0]["title"]


def test_a_code_changed_in_place_is_renamed_and_a_plain_move_is_no_change(
    sample: tuple[git.Repo, Path],
) -> None:
    repo, root = sample
    (root / "records/moved").mkdir()
    repo.git.mv(
        "standards/records/local/DB1411-T-62-2023.yaml", "standards/records/moved/DB1411-T-62-2023.yaml"
    )
    repo.git.mv("standards/" + RETITLED, "standards/records/local/DB32-T-4446-2024.yaml")
    edit(root, "records/local/DB32-T-4446-2024.yaml", r"^code: .*$", "code: DB32/T 4446-2024")
    edit(root, "records/local/DB1411-T-63-2023.yaml", r"^code: .*$", "code: DB1411/T63—2023")  # a respelling
    commit(repo, "renames")
    data = changes_json(root, "--since", "HEAD~1", "--until", "HEAD")
    assert [(e["change"], e["code"], e["path"]) for e in data] == [
        ("renamed", "DB32/T 4446-2024", "records/local/DB32-T-4446-2024.yaml"),
    ]
    assert data[0]["fields"] == ["code"]
    assert data[0]["old"] == {"code": "DB32/T 4446-2023"}


def test_status_change_other_than_abolition(sample: tuple[git.Repo, Path]) -> None:
    _, root = sample
    edit(root, RETITLED, r"^status: 现行$", "status: 即将实施")
    data = changes_json(root, "--since", "HEAD")
    assert [(e["change"], e["fields"]) for e in data] == [("status", ["status"])]


def test_catalog_level_modules_projects_and_plans(sample: tuple[git.Repo, Path]) -> None:
    _, root = sample
    edit(root, "system.yaml", r"^        name: 公务用车$", "        name: 公务用车管理")
    edit(root, "system.yaml", r"^  - id: \"200\"$", '  - id: "500"\n    name: 数字化\n  - id: "200"')
    edit(root, "projects/XM-2026-001.yaml", r"^illustrative: true$",
         "  - {stage: 审查, date: 2026-11-20}\nillustrative: true")  # fmt: skip
    edit(root, "plans/henan-2021.yaml", r"^    deadline_text: 2021年10月底前$",
         "    deadline_text: 2021年10月底前\n    done: 2021-10-28")  # fmt: skip
    data = changes_json(root, "--since", "HEAD")
    assert [(e["change"], e["code"]) for e in data] == [
        ("module-renamed", "202"),
        ("module-added", "500"),
        ("project-stage", "XM-2026-001"),
        ("plan-tasks-done", "henan-2021"),
    ]
    renamed, added, project, plan = data
    assert renamed["old"] == {"name": "公务用车"} and renamed["new"] == {"name": "公务用车管理"}
    assert added["title"] == "数字化" and added["path"] == "system.yaml"
    assert project["fields"] == ["stage"]
    assert project["old"] == {"stage": "征求意见"} and project["new"] == {"stage": "审查"}
    assert plan["new"] == {"tasks": [{"phase": "前期准备", "subject": "宣传动员", "done": "2021-10-28"}]}
    assert all(list(entry) == KEYS for entry in data)


def test_plans_added_removed_and_edited_are_changes(sample: tuple[git.Repo, Path]) -> None:
    # only a task newly done was said: a removed or added plan, a moved deadline or a renamed task was "no changes"
    _, root = sample
    plan = root / "plans" / "henan-2021.yaml"
    text = plan.read_text(encoding="utf-8")
    edit(root, "plans/henan-2021.yaml", r"^    deadline: 2023-04$", "    deadline: 2023-06")
    edit(root, "plans/henan-2021.yaml", r"^    deadline_text: 2021年10月底前$",
         "    deadline_text: 2021年10月底前\n    done: 2021-10-28")  # fmt: skip
    (root / "plans" / "copy.yaml").write_text(text, encoding="utf-8")
    data = changes_json(root, "--since", "HEAD")
    assert [(e["change"], e["code"]) for e in data] == [
        ("plan-added", "copy"), ("plan-tasks-done", "henan-2021"), ("plan-modified", "henan-2021")]
    modified = data[2]
    assert modified["fields"] == ["tasks"]  # the task done is the change before, not this one
    assert [t["deadline"] for t in modified["old"]["tasks"]] == ["2023-04"]
    assert [t["deadline"] for t in modified["new"]["tasks"]] == ["2023-06"]
    shown = runner.invoke(app, ["changes", str(root), "--since", "HEAD", "--lang", "en"]).stdout
    assert "~ 评估验收 / 试点验收: deadline 2023-04 → 2023-06" in shown and "plans added 1" in shown
    plan.unlink()
    (root / "plans" / "copy.yaml").unlink()
    assert [(e["change"], e["code"]) for e in changes_json(root, "--since", "HEAD")] == [("plan-removed", "henan-2021")]


def test_text_and_markdown_output(sample: tuple[git.Repo, Path]) -> None:
    _, root = sample
    four_changes(root)
    edit(root, RETITLED, r"^title: .*$", 'title: "节能\\e[31m规程 | <b>x</b>"')  # \e: YAML's escape
    text = runner.invoke(app, ["changes", str(root), "--since", "HEAD"])
    assert text.exit_code == 0, text.output
    assert "\x1b" not in text.stdout
    assert "共 4 项：新增 1，删除 1，废止 1，修改 1" in text.stdout
    assert "[303 会议服务] DB4203/T 131-2018" in text.stdout
    assert "~ status: 现行 → 废止" in text.stdout
    english = runner.invoke(app, ["changes", str(root), "--since", "HEAD", "--lang", "en"])
    assert "4 changes: added 1, removed 1, abolished 1, modified 1" in english.stdout
    markdown = runner.invoke(app, ["changes", str(root), "--since", "HEAD", "-f", "markdown"]).stdout
    assert markdown.startswith("### 目录变化：HEAD → 工作区\n")
    assert "#### 废止 (1)" in markdown
    assert "| 303 会议服务 | DB4203/T 131-2018 | 市级党政机关会议分类管理服务规范 |" in markdown
    # a title cannot break the table or add markup
    assert "节能\\[31m规程 \\| &lt;b&gt;x&lt;/b&gt;" in markdown


def test_github_step_summary_is_appended(
    sample: tuple[git.Repo, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, root = sample
    four_changes(root)
    summary = tmp_path / "summary.md"
    summary.write_text("## lint\n\nearlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = runner.invoke(app, ["changes", str(root), "--since", "HEAD", "-f", "json"])
    assert result.exit_code == 0, result.output
    written = summary.read_text(encoding="utf-8")
    assert written.startswith("## lint\n\nearlier step\n### 目录变化：HEAD → 工作区")
    assert "| 202 公务用车 | DB3310/T 80-2021 | 公务用车服务规范 |" in written
    assert len(json.loads(result.stdout)) == 4  # stdout keeps the format asked for


def test_unknown_revision_and_missing_since_are_one_line_errors(sample: tuple[git.Repo, Path]) -> None:
    _, root = sample
    result = runner.invoke(app, ["changes", str(root), "--since", "no-such-branch"])
    assert result.exit_code == 2
    assert "找不到修订 no-such-branch" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    result = runner.invoke(app, ["changes", str(root), "--since", "HEAD", "--until", "nope", "--lang", "en"])
    assert result.exit_code == 2 and "unknown revision nope" in result.stderr
    result = runner.invoke(app, ["changes", str(root)])
    assert result.exit_code == 2 and "需要 --since REF" in result.stderr


def test_shallow_clone_without_the_revision_says_what_to_fetch(
    sample: tuple[git.Repo, Path], tmp_path: Path
) -> None:
    repo, root = sample
    edit(root, RETITLED, r"^title: .*$", "title: 第二次提交")
    commit(repo, "second")
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth=1", Path(str(repo.working_tree_dir)).as_uri(), str(clone)], check=True
    )
    result = runner.invoke(app, ["changes", str(clone / "standards"), "--since", "HEAD~1", "--lang", "en"])
    assert result.exit_code == 2
    assert "not in this shallow clone" in result.stderr and "git fetch --deepen" in result.stderr
    assert "Traceback" not in result.output


def test_outside_a_repository_is_exit_2(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".gbstd-cache"))
    result = runner.invoke(app, ["changes", str(root), "--since", "HEAD"])
    assert result.exit_code == 2 and "不在 git 仓库中" in result.stderr


def test_a_huge_or_symlinked_file_is_not_read(sample: tuple[git.Repo, Path], tmp_path: Path) -> None:
    repo, root = sample
    (root / "gbstd.toml").write_text(
        (root / "gbstd.toml").read_text(encoding="utf-8").replace('system = "system.yaml"',
                                                                  'system = "system.yaml"\nmax_file_size = 3000'),
        encoding="utf-8",
    )  # fmt: skip
    (root / "records/local/huge.yaml").write_text(
        "code: DB41/T 1-2020\ntitle: " + "长" * 5000 + "\n", encoding="utf-8"
    )
    (root / "records/local/link.yaml").symlink_to(root / RETITLED)
    result = runner.invoke(app, ["changes", str(root), "--since", "HEAD"])
    assert result.exit_code == 0, result.output
    assert "records/local/huge.yaml: 无法比较（新版本）: 文件过大" in result.stdout
    assert "records/local/link.yaml: 无法比较（新版本）: 不是普通文件（符号链接）" in result.stdout
    # committed: the blob's size and mode are checked before it is read
    (root / "records/local/outside.yaml").symlink_to(tmp_path)  # a linked directory, not followed either
    commit(repo, "huge and linked")
    result = runner.invoke(
        app, ["changes", str(root), "--since", "HEAD~1", "--until", "HEAD", "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    assert (
        "records/local/huge.yaml: not compared (new side): file too large (15028 bytes, limit 3000)"
        in result.stdout
    )
    assert (
        "records/local/link.yaml: not compared (new side): not a regular file (a symlink or submodule)"
        in result.stdout
    )
    assert "records/local/outside.yaml: not compared (new side): not a regular file" in result.stdout


def chromium() -> str | None:
    """Debian's Chromium, found as tests/test_browser.py finds it (that module skips as a whole without it)."""
    for candidate in (os.environ.get("GBSTD_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser")):  # fmt: skip
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def test_markdown_renders_as_a_readable_table_in_the_browser(
    sample: tuple[git.Repo, Path], tmp_path: Path
) -> None:
    """As a pull-request comment shows it: tables and <br> rendered (markdown-it, as GitHub does), read in Chromium."""
    executable = chromium()
    if executable is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    markdown_it = pytest.importorskip("markdown_it")
    _, root = sample
    four_changes(root)
    markdown = runner.invoke(app, ["changes", str(root), "--since", "HEAD", "-f", "markdown"]).stdout
    body = markdown_it.MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)
    page_file = tmp_path / "comment.html"
    style = "table{border-collapse:collapse}th,td{border:1px solid #d0d7de;padding:6px 13px}"  # GitHub's look
    page_file.write_text(
        f'<!doctype html><meta charset="utf-8"><style>{style}</style>{body}', encoding="utf-8"
    )
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(page_file.as_uri())
            page.wait_for_load_state("load")
            assert page.locator("table").count() == 4
            assert page.locator("h4").all_text_contents() == ["新增 (1)", "删除 (1)", "废止 (1)", "修改 (1)"]
            header = page.locator("table").nth(0).locator("th").all_text_contents()
            assert header == ["体系", "编号", "名称", "变化", "文件"]
            rows = page.locator("table").nth(2).locator("tbody tr")
            assert rows.count() == 1
            cells = rows.first.locator("td").all_text_contents()
            assert cells[:3] == ["303 会议服务", "DB4203/T 131-2018", "市级党政机关会议分类管理服务规范"]
            assert cells[3] == "abolished: — → 2025-06-01status: 现行 → 废止"  # two lines (<br>)
            assert page.locator("table td br").count() == 1
            OUTPUT.mkdir(exist_ok=True)
            page.screenshot(path=str(OUTPUT / "changes-markdown.png"), full_page=True)
        finally:
            browser.close()
    assert (OUTPUT / "changes-markdown.png").stat().st_size > 5_000


def test_bulletin_appendix_lists_the_changes_in_every_format(
    sample: tuple[git.Repo, Path], tmp_path: Path
) -> None:
    _, root = sample
    four_changes(root)
    out = tmp_path / "out"
    base = [
        "report",
        "bulletin",
        str(root),
        "-p",
        "2023H2",
        "--as-of",
        "2026-01-01",
        "--changes-since",
        "HEAD",
    ]
    for fmt in ("md", "html", "docx", "json"):
        result = runner.invoke(app, [*base, "-f", fmt, "-o", str(out / f"b.{fmt}")])
        assert result.exit_code == 0, result.output
    markdown = (out / "b.md").read_text(encoding="utf-8")
    appendix = markdown[markdown.index("## 附件：本期目录变化") :]
    assert "比较范围：HEAD → 工作区。共 4 项：新增 1，删除 1，废止 1，修改 1。" in appendix
    assert "| 体系 | 编号 | 名称 | 变化 |" in appendix
    assert (
        "| 303 会议服务 | DB4203/T 131-2018 | 市级党政机关会议分类管理服务规范 | 废止日期: — → 2025-06-01；状态: 现行 → 废止 |"
        in appendix
    )
    assert [line for line in appendix.splitlines() if line.endswith("项）")] == [
        "新增（1 项）", "删除（1 项）", "废止（1 项）", "修改（1 项）",
    ]  # fmt: skip
    html = (out / "b.html").read_text(encoding="utf-8")
    assert html.count('<table class="changes">') == 4 and "<caption>删除（1 项）</caption>" in html
    figures = json.loads((out / "b.json").read_text(encoding="utf-8"))
    assert [e["change"] for e in figures["changes"]] == ["removed", "modified", "added", "abolished"]
    from docx import Document

    document = Document(str(out / "b.docx"))
    texts = [p.text for p in document.paragraphs]
    assert "本期目录变化" in texts and "删除（1 项）" in texts
    last = document.tables[-1]
    assert [c.text for c in last.rows[1].cells][:2] == ["203 公共机构节能", "DB32/T 4446-2023"]
    # without the option there is no appendix
    result = runner.invoke(app, [*base[:-2], "-f", "md", "-o", str(out / "plain.md")])
    assert result.exit_code == 0 and "本期目录变化" not in (out / "plain.md").read_text(encoding="utf-8")


def test_bulletin_changes_since_outside_git_or_unknown_ref_is_exit_2(
    sample: tuple[git.Repo, Path], tmp_path: Path
) -> None:
    _, root = sample
    base = ["report", "bulletin", "-p", "2023H2", "-f", "md", "-o", str(tmp_path / "b.md")]
    result = runner.invoke(app, [*base, str(root), "--changes-since", "v9"])
    assert result.exit_code == 2 and "找不到修订 v9" in result.stderr
    plain = tmp_path / "plain"
    shutil.copytree(SAMPLE, plain, ignore=shutil.ignore_patterns(".gbstd-cache"))
    result = runner.invoke(app, [*base, str(plain), "--changes-since", "HEAD"])
    assert result.exit_code == 2 and "不在 git 仓库中" in result.stderr
    assert not (tmp_path / "b.md").exists()


def test_spaces_around_a_value_are_no_change_but_spacing_inside_a_title_is(sample: tuple[git.Repo, Path]) -> None:
    # the record model strips text (a fullwidth 　 and a no-break space too): such an edit was "modified",
    # shown as `title: X → X` with the two sides looking the same
    _, root = sample
    edit(root, RETITLED, r"^title: (.*)$", 'title: "公共机构能源托管规程\u3000"')
    edit(root, ABOLISHED, r"^title: (.*)$", 'title: "\u00a0市级党政机关会议分类管理服务规范 "')
    assert changes_json(root, "--since", "HEAD") == []
    result = runner.invoke(app, ["changes", str(root), "--since", "HEAD"])
    assert result.exit_code == 0 and "没有变化" in result.stdout
    # a space inside the title, or fullwidth letters, is a real edit of its text
    edit(root, RETITLED, r"^title: (.*)$", "title: 公共机构 能源托管规程")
    data = changes_json(root, "--since", "HEAD")
    assert [(e["change"], e["fields"], e["new"]) for e in data] == [
        ("modified", ["title"], {"title": "公共机构 能源托管规程"}),
    ]


def test_json_and_the_bulletin_say_which_files_were_not_compared(
    sample: tuple[git.Repo, Path], tmp_path: Path
) -> None:
    # the text and Markdown list them with their reasons; JSON and the bulletin's appendix only had an entry
    # without fields (or none), and nothing said the file had not been compared
    repo, root = sample
    (root / RETITLED).write_bytes("code: DB32/T 4446-2023\ntitle: 公共机构能源托管规程\n".encode("gbk"))
    (root / ABOLISHED).write_text("code: DB4203/T 131-2018\ntitle: [broken\n", encoding="utf-8")
    commit(repo, "a GBK file and a broken one")
    shutil.copyfile(SAMPLE / RETITLED, root / RETITLED)
    shutil.copyfile(SAMPLE / ABOLISHED, root / ABOLISHED)
    result = runner.invoke(app, ["changes", str(root), "--since", "HEAD", "-f", "json", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert [(e["change"], e["fields"]) for e in json.loads(result.stdout)] == [("modified", []), ("modified", [])]
    assert result.stderr == (
        f"note: 2 changed file(s) could not be compared ({RETITLED}, {ABOLISHED}; the text output of gbstd "
        "changes says why)\n"
    )
    text = runner.invoke(app, ["changes", str(root), "--since", "HEAD"])
    assert "无法比较（旧版本）: 文件是 GBK/GB18030 编码" in text.stdout and text.stderr == ""
    bulletin = runner.invoke(app, ["report", "bulletin", str(root), "-p", "2023H2", "--as-of", "2026-01-01",
                                   "--changes-since", "HEAD", "-f", "md", "-o", str(tmp_path / "b.md")])
    assert bulletin.exit_code == 0, bulletin.output
    assert f"注意：2 个变化的文件无法比较（{RETITLED}、{ABOLISHED}；" in bulletin.stderr


def test_an_ancestor_past_the_root_of_a_history_with_a_merge_is_counted_along_first_parents(
    sample: tuple[git.Repo, Path],
) -> None:
    # the whole history was counted: "HEAD has only 4 commit(s)" of a HEAD~3 that does not exist, and the same
    # of HEAD^3, which asks for a third parent of a merge that has two
    repo, root = sample
    repo.git.checkout("-q", "-b", "feature")
    edit(root, RETITLED, r"^title: .*$", "title: 分支标题")
    commit(repo, "on the branch")
    repo.git.checkout("-q", "-")
    edit(root, ABOLISHED, r"^title: .*$", "title: 主线标题")
    commit(repo, "on the main line")
    repo.git.merge("-q", "--no-edit", "feature")
    for ref, said in [
        ("HEAD~3", "there is no revision HEAD~3: HEAD has only 3 commit(s) along its first parents (~ counts first "
                   "parents only; ^2 picks a merge's second parent)"),
        ("HEAD^3", "there is no revision HEAD^3: HEAD has 2 parent(s), not a parent 3"),
        ("HEAD^2~2", "there is no revision HEAD^2~2: HEAD^2 has only 2 commit(s) in its history"),
    ]:
        result = runner.invoke(app, ["changes", str(root), "--since", ref, "--lang", "en"])
        assert result.exit_code == 2 and result.stderr == f"gbstd: {said}\n", result.output
    # the merge's range holds both sides' edits; from its second parent, only the main line's
    assert [e["code"] for e in changes_json(root, "--since", "HEAD~2", "--until", "HEAD")] == [
        "DB32/T 4446-2023", "DB4203/T 131-2018",
    ]  # fmt: skip
    assert [e["code"] for e in changes_json(root, "--since", "HEAD^2", "--until", "HEAD")] == ["DB4203/T 131-2018"]


def test_an_old_edition_deleted_by_its_successor_is_still_said_removed(sample: tuple[git.Repo, Path]) -> None:
    # folded into the superseded entry, the deletion of the old edition's record was not said at all
    _, root = sample
    old = "records/local/DB41-T-2397-2023.yaml"
    new = "records/local/DB41-T-2397-2026.yaml"
    add_record(root, new, old, "DB41/T 2397-2026")
    edit(root, new, r"^status: .*$", "status: 现行\nreplaces: [DB41/T 2397-2023]")
    (root / old).unlink()
    data = changes_json(root, "--since", "HEAD")
    assert [(e["change"], e["code"], e["path"]) for e in data] == [
        ("removed", "DB41/T 2397-2023", old),
        ("superseded", "DB41/T 2397-2026", new),
    ]
    assert data[1]["old"] == {"code": "DB41/T 2397-2023"}
