"""`gbstd init` and `gbstd new`: the scaffold, a gbstd.toml template that cannot go stale, new records."""

from __future__ import annotations

import re
import shlex
import sys
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel
from ruamel.yaml import YAML
from typer.testing import CliRunner

from gbstd.cli.app import app
from gbstd.model.config import Config
from gbstd.model.jsonschema import schema_documents
from gbstd.scaffold import config_template, uncomment_template
from tests.git_catalog import commit, new_repo, standard, write_record

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

runner = CliRunner()
AS_OF = "2026-11-23"


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def option_paths(model: type[BaseModel], prefix: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    paths: set[tuple[str, ...]] = set()
    for name, info in model.model_fields.items():
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            paths |= option_paths(annotation, (*prefix, name))
        else:
            paths.add((*prefix, name))
    return paths


def test_template_commented_out_is_the_defaults() -> None:
    assert tomllib.loads(config_template()) == {}


def test_template_covers_every_option_and_parses_when_uncommented() -> None:
    """Every Config option appears; switching every line on gives a valid configuration with each option
    set (options unset by default and without an example are listed as such)."""
    template = config_template()
    data = tomllib.loads(uncomment_template(template))
    Config.model_validate(data)
    for path in option_paths(Config):
        node: object = data
        for key in path[:-1]:
            assert isinstance(node, dict) and key in node, path
            node = node[key]
        assert isinstance(node, dict)
        assert path[-1] in node or f"# {path[-1]}: 默认不设置 not set by default" in template, path


def test_init_creates_a_catalog_that_lints(tmp_path: Path) -> None:
    root = tmp_path / "demo"
    code, out, _ = invoke("init", str(root))
    assert code == 0
    for rel in ("gbstd.toml", "system.yaml", "README.md", ".gitignore", ".pre-commit-config.yaml",
                ".github/workflows/gbstd.yml", "records/.gitkeep", "schemas/standard.schema.json"):  # fmt: skip
        assert (root / rel).is_file(), rel
    assert set(schema_documents()) == {p.name for p in (root / "schemas").iterdir()}
    assert ".gbstd-cache/" in (root / ".gitignore").read_text(encoding="utf-8")
    system = YAML(typ="safe").load((root / "system.yaml").read_text(encoding="utf-8"))
    assert system["name"] == "机关事务标准体系" and len(system["modules"]) >= 4
    hooks = YAML(typ="safe").load((root / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert hooks["repos"][0]["hooks"][0]["entry"] == "gbstd lint"
    workflow = YAML(typ="safe").load((root / ".github/workflows/gbstd.yml").read_text(encoding="utf-8"))
    assert workflow["jobs"]["lint"]["steps"][-1]["run"].startswith("gbstd lint")
    code, out, _ = invoke("lint", str(root), "--as-of", AS_OF)
    assert code == 0, out


def test_init_refuses_an_existing_catalog_and_keeps_files(tmp_path: Path) -> None:
    root = tmp_path / "demo"
    root.mkdir()
    (root / "README.md").write_text("mine\n", encoding="utf-8")
    assert invoke("init", str(root), "--name", "河南省机关事务标准体系")[0] == 0
    assert (root / "README.md").read_text(encoding="utf-8") == "mine\n"
    assert "name: 河南省机关事务标准体系" in (root / "system.yaml").read_text(encoding="utf-8")
    code, _, err = invoke("init", str(root))
    assert code == 2 and "gbstd.toml" in err


def test_init_refuses_a_file_where_a_directory_goes_before_writing_anything(tmp_path: Path) -> None:
    # it wrote half the files, said "cannot create <catalog>: File exists", then refused to run again
    root = tmp_path / "demo"
    (root / "records").mkdir(parents=True)
    (root / "schemas").write_text("x\n", encoding="utf-8")
    code, _, err = invoke("init", str(root), "--lang", "en")
    assert code == 2 and f"{root / 'schemas'}: a file where init needs a directory" in err
    assert sorted(p.name for p in root.iterdir()) == ["records", "schemas"]  # nothing written
    (root / "schemas").unlink()
    assert invoke("init", str(root))[0] == 0 and (root / "gbstd.toml").is_file()


def test_new_record(tmp_path: Path) -> None:
    root = tmp_path / "demo"
    invoke("init", str(root))
    code, out, _ = invoke("new", "DB41T 2144—2021", "--title", "机关食堂服务规范", "--module", "302",
                          "--effective", "2021年9月13日", "--into", str(root), "--as-of", AS_OF)  # fmt: skip
    assert code == 0
    assert out.strip() == "已创建 records/local/DB41-T-2144-2021.yaml"
    text = (root / "records/local/DB41-T-2144-2021.yaml").read_text(encoding="utf-8")
    assert text.startswith(
        "# yaml-language-server: $schema=../../schemas/standard.schema.json\n"
        'code: DB41/T 2144-2021\ntitle: 机关食堂服务规范\nstatus: 现行\neffective: 2021-09-13\nmodule: "302"\n'
    )
    assert "# published: YYYY-MM-DD" in text and "# effective:" not in text
    code, out, _ = invoke("lint", str(root), "--as-of", AS_OF, "--select", "C,Y")
    assert code == 0, out


def test_new_reads_a_fullwidth_module_as_its_ascii_spelling(tmp_path: Path) -> None:
    # --module ３０２ (a Chinese input method's digits) was refused as a module the system lacks
    root = tmp_path / "demo"
    invoke("init", str(root))
    code, _, err = invoke("new", "DB41/T 2144-2021", "-t", "机关食堂服务规范", "--module", "３０２",
                          "--into", str(root), "--as-of", AS_OF)  # fmt: skip
    assert code == 0, err
    assert 'module: "302"' in (root / "records/local/DB41-T-2144-2021.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(("title", "written", "said"), [
    ("机关会议\u00a0服务\u3000\u3000规范", "机关会议 服务 规范",
     "标准名称中的非普通空格 U+00A0 U+3000 已改为普通空格：机关会议 服务 规范"),
    ("机关办公用房\n维修管理规范", "机关办公用房维修管理规范", "标准名称中的换行已合并为一行：机关办公用房维修管理规范"),
])
def test_new_folds_a_title_s_odd_spaces_and_line_breaks_as_import_does_and_says_so(
        tmp_path: Path, title: str, written: str, said: str) -> None:
    # a title pasted from a web page (U+00A0) or typed with U+3000, or over two lines, was written as it was:
    # a record lint then warned about (C020, C019), where `gbstd import` folds the same cell and says so
    root = tmp_path / "demo"
    invoke("init", str(root))
    code, out, err = invoke("new", "DB41/T 2144-2021", "-t", title, "--module", "302", "--into", str(root),
                            "--as-of", AS_OF)  # fmt: skip
    assert code == 0, err
    assert f"title: {written}\n" in (root / "records/local/DB41-T-2144-2021.yaml").read_text(encoding="utf-8")
    assert out.splitlines() == ["已创建 records/local/DB41-T-2144-2021.yaml", said]
    code, out, _ = invoke("lint", str(root), "--as-of", AS_OF, "--select", "C019,C020")
    assert code == 0 and "C0" not in out, out


def test_new_names_a_bad_date_by_its_option(tmp_path: Path) -> None:
    # as the command's other refusals name their option (--title 不能为空, --status 'x' 不是状态): no colon after it
    root = tmp_path / "demo"
    invoke("init", str(root))
    for lang, said in (("zh", "--effective '2025-13-01' 不是有效日期"),
                       ("en", "--effective '2025-13-01' is not a valid date")):
        code, _, err = invoke("new", "DB41/T 2144-2021", "-t", "机关食堂服务规范", "--effective", "2025-13-01",
                              "--module", "302", "--into", str(root), "--as-of", AS_OF, "--lang", lang)
        assert code == 2 and said in " ".join(err.split()), err
    assert not (root / "records/local/DB41-T-2144-2021.yaml").exists()


def test_new_derives_upcoming_status(tmp_path: Path) -> None:
    root = tmp_path / "demo"
    invoke("init", str(root))
    invoke(
        "new",
        "GB/T 1-2030",
        "-t",
        "未来标准",
        "--effective",
        "2030-01-01",
        "--module",
        "101",
        "--into",
        str(root),
        "--as-of",
        AS_OF,
    )
    assert "status: 即将实施" in (root / "records/national/GB-T-1-2030.yaml").read_text(encoding="utf-8")


def test_new_refuses_existing_and_invalid_codes(tmp_path: Path) -> None:
    root = tmp_path / "demo"
    invoke("init", str(root))
    moved = root / "records/other/GB-T-41568-2022.yaml"
    moved.parent.mkdir(parents=True)
    moved.write_text("code: GB/T 41568-2022\ntitle: 术语\nstatus: 现行\n", encoding="utf-8")
    code, _, err = invoke("new", "GB/T41568-2022", "-t", "术语", "--into", str(root))
    assert code == 2 and "records/other/GB-T-41568-2022.yaml" in err
    code, _, err = invoke("new", "DB99/T 1-2021", "-t", "x", "--into", str(root))
    assert code == 2 and "DB99" in err
    code, _, err = invoke("new", "HNJG 1-2022", "-t", "x", "--into", str(root), "--lang", "en")
    assert code == 2 and "internal_code_pattern" in err
    code, _, err = invoke("new", "GB/T 2-2020", "-t", "x", "--status", "作废了", "--into", str(root))
    assert code == 2
    code, _, err = invoke("new", "GB/T 2-2020", "-t", "x", "--effective", "2021-02-30", "--into", str(root))
    assert code == 2 and "'2021-02-30' 不是有效日期" in err
    assert sorted(p.name for p in (root / "records").rglob("*.yaml")) == ["GB-T-41568-2022.yaml"]


def test_new_refuses_a_code_whose_record_has_a_file_named_by_hand(tmp_path: Path) -> None:
    # The clash was looked for by file name only: a record kept as records/local/shitang.yaml got a second file.
    root = tmp_path / "demo"
    invoke("init", str(root))
    named = root / "records/local/shitang.yaml"
    named.parent.mkdir(parents=True)
    named.write_text('code: DB41/T 2144-2021\ntitle: 机关食堂服务规范\nstatus: 现行\nmodule: "101"\n', encoding="utf-8")
    code, _, err = invoke("new", "DB41T 2144-2021", "-t", "机关食堂", "--module", "101", "--into", str(root))
    assert code == 2 and "DB41/T 2144-2021 已有记录：records/local/shitang.yaml" in err
    assert sorted(p.name for p in (root / "records").rglob("*.yaml")) == ["shitang.yaml"]


def test_new_refuses_a_code_year_that_is_not_the_publication_year(tmp_path: Path) -> None:
    # written, then `gbstd lint` failed on it (C005); a severity made lower in gbstd.toml lets it through
    root = tmp_path / "demo"
    invoke("init", str(root))
    args = ["new", "GB/T 9-2020", "-t", "机关测试规范", "--published", "2021-01-05", "--module", "101", "--into", str(root)]
    code, _, err = invoke(*args, "--lang", "en")
    assert code == 2 and "C005 code year 2020 differs from the publication date 2021-01-05" in " ".join(err.split())
    assert not list((root / "records").rglob("*.yaml"))
    config = root / "gbstd.toml"
    config.write_text(config.read_text(encoding="utf-8") + '\n[lint.severity]\nC005 = "warning"\n', encoding="utf-8")
    assert invoke(*args)[0] == 0 and (root / "records/national/GB-T-9-2020.yaml").is_file()
    config.write_text(config.read_text(encoding="utf-8").replace('C005 = "warning"', 'C005 = "error"'), encoding="utf-8")
    assert invoke("new", "GB/T 10-2020", *args[2:])[0] == 2
    config.write_text('[lint]\nignore = ["C005"]\n', encoding="utf-8")  # (init's options are all comments)
    assert invoke("new", "GB/T 10-2020", *args[2:])[0] == 0  # a rule lint does not run refuses nothing


def test_new_refuses_a_status_its_dates_contradict(tmp_path: Path) -> None:
    # `new --status 废止` could not be given an abolition date and wrote a record lint then called a C007 error.
    from typer.testing import CliRunner

    from gbstd.cli.app import app

    root = tmp_path / "c"
    (root / "records").mkdir(parents=True)
    (root / "gbstd.toml").write_text("", encoding="utf-8")
    runner = CliRunner()
    base = ["new", "GB/T 8-2024", "-t", "已废止标准", "-C", str(root), "--lang", "en", "--as-of", "2026-01-01"]
    result = runner.invoke(app, [*base, "--status", "废止"])
    assert result.exit_code == 2 and "no abolition date" in result.stderr
    assert not (root / "records" / "national" / "GB-T-8-2024.yaml").exists()
    result = runner.invoke(app, [*base, "--status", "即将实施", "--effective", "2025-01-01"])
    assert result.exit_code == 2 and "took effect on 2025-01-01" in result.stderr
    result = runner.invoke(app, [*base, "--status", "废止", "--abolished", "2025-06-01"])
    assert result.exit_code == 0, result.output
    text = (root / "records" / "national" / "GB-T-8-2024.yaml").read_text(encoding="utf-8")
    assert "abolished: 2025-06-01" in text and "status: 废止" in text


def test_new_refuses_a_title_typed_in_gbk_in_one_line(tmp_path: Path) -> None:
    # "测试" typed on a GBK terminal under a UTF-8 locale reaches argv as lone surrogates; the code said so in one
    # line, the title got pydantic's English dump (1 validation error for Standard … errors.pydantic.dev).
    root = tmp_path / "demo"
    invoke("init", str(root))
    title = b"\xb2\xe2\xca\xd4".decode("utf-8", "surrogateescape")
    code, _, err = invoke("new", "GB/T 2-2020", "-t", title, "-m", "101", "--into", str(root), "--lang", "en")
    assert code == 2 and err.strip() == "gbstd: title holds bytes that are not UTF-8 (is the terminal not UTF-8?)"
    assert not list((root / "records").rglob("*.yaml"))


@pytest.mark.parametrize("system", [True, False], ids=["system", "no-system"])
def test_new_refuses_a_module_with_a_space_inside_as_import_does(tmp_path: Path, system: bool) -> None:
    # without a system.yaml, --module "2 03" was written as the module; with one, it was only "not in the system"
    root = tmp_path / "demo"
    invoke("init", str(root))
    if not system:
        (root / "system.yaml").unlink()
    for typed, shown in (("2 03", "'2 03'"), ("２\u3000０３", "'２\\u3000０３'")):
        for lang, said in (("zh", f"--module {shown} 中间有空格（读作 '2 03'），体系编号不含空格：是 203 还是 2.03？请改正"),
                           ("en", f"--module {shown} has a space inside (read as '2 03'); a module number holds none: "
                                  "203 or 2.03? correct it")):
            code, _, err = invoke("new", "DB41/T 2144-2021", "-t", "机关食堂服务规范", "--module", typed,
                                  "--into", str(root), "--as-of", AS_OF, "--lang", lang)
            assert code == 2 and said in " ".join(err.split()), err
    assert not list((root / "records").rglob("*.yaml"))


_WRAPPED = '"{}\\n管理规范"'  # a title over two lines (C019), as YAML writes it in one


def _workflow_step(workflow: dict[str, Any], event: str) -> list[str]:
    """The ``gbstd`` command of the scaffolded workflow's lint step that runs on ``event``."""
    steps = [step for step in workflow["jobs"]["lint"]["steps"] if "github.event_name" in step.get("if", "")]
    chosen = [step for step in steps if ("==" in step["if"]) == (event == "pull_request")]
    assert len(chosen) == 1, steps
    argv = shlex.split(chosen[0]["run"])
    assert argv[0] == "gbstd"
    return argv[1:]


def test_init_workflow_lints_what_a_pull_request_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The scaffolded workflow linted the whole catalog on a pull request: every old finding of every file on
    # each pull request's diff, and none of the git-aware rules (a record deleted, a code changed in place).
    repo = new_repo(tmp_path / "repo")
    root = Path(str(repo.working_tree_dir))
    assert invoke("init", str(root))[0] == 0
    workflow = YAML(typ="safe").load((root / ".github/workflows/gbstd.yml").read_text(encoding="utf-8"))
    assert workflow["permissions"] == {"contents": "read"}  # a fork's pull request can read, nothing more
    checkout = workflow["jobs"]["lint"]["steps"][0]
    assert checkout["uses"].startswith("actions/checkout") and checkout["with"]["fetch-depth"] >= 2
    write_record(root, "gb/GB-T-1-2020.yaml", **standard("GB/T 1-2020", _WRAPPED.format("机关办公用房")))  # C019
    write_record(root, "gb/GB-T-2-2020.yaml", **standard("GB/T 2-2020", "公务用车管理规范"))
    commit(repo, "base")
    (root / "records/gb/GB-T-2-2020.yaml").unlink()  # G001: deleted instead of abolished
    write_record(root, "gb/GB-T-3-2021.yaml", **standard("GB/T 3-2021", _WRAPPED.format("公共机构节能")))  # C019
    commit(repo, "the pull request (HEAD^1: the base branch, as in a merge commit)")
    monkeypatch.chdir(root)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")

    def annotated(argv: list[str]) -> dict[str, set[str]]:
        code, out, _ = invoke(*argv, "--as-of", AS_OF)
        assert code in (0, 1), out
        found: dict[str, set[str]] = {}
        for line in out.splitlines():
            match = re.match(r"::(?:error|warning|notice) file=([^,]+),.*title=gbstd (\w+)", line)
            if match:
                found.setdefault(match.group(1), set()).add(match.group(2))
        return found

    pull_request = annotated(_workflow_step(workflow, "pull_request"))
    assert pull_request.get("records/gb/GB-T-3-2021.yaml", set()) >= {"C019"}
    assert "G001" in pull_request.get("records/gb/GB-T-2-2020.yaml", set())
    assert "records/gb/GB-T-1-2020.yaml" not in pull_request  # untouched: its old finding is not the PR's
    push = annotated(_workflow_step(workflow, "push"))
    assert "C019" in push.get("records/gb/GB-T-1-2020.yaml", set())
