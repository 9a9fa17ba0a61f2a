"""Bad input to a federation: member names, sources, loops, a member's broken config, unfetchable or unsynced
git members, missing directories, --allow-missing. Each is one line on stderr and exit 2 (never a traceback),
and a failed fetch leaves the cache as it was."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gbstd.catalog.federation import load_union
from gbstd.cli.app import app
from gbstd.model.config import member_name_problem
from tests.conftest import record
from tests.federation_support import DIRS, HENAN, NATIONAL, git, make_repo, split_sample

runner = CliRunner()


def _run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, [*args, "--lang", "en"])
    return result.exit_code, result.stdout, result.stderr


def _one_line_error(args: list[str], *needles: str) -> str:
    code, _, err = _run(*args)
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    for needle in needles:
        assert needle in err, err
    return err


def _federating(tmp_path: Path, members: str, own: dict[str, str] | None = None) -> Path:
    root = tmp_path / "national"
    root.mkdir(parents=True, exist_ok=True)
    (root / "gbstd.toml").write_text(members, encoding="utf-8")
    for rel, text in (own or {}).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def _member(tmp_path: Path, name: str, config: str = "", code: str = "DB41/T 1-2020") -> Path:
    root = tmp_path / name
    (root / "records" / "local").mkdir(parents=True)
    (root / "gbstd.toml").write_text(config, encoding="utf-8")
    (root / "records" / "local" / (code.replace("/", "-").replace(" ", "-") + ".yaml")).write_text(
        record(code, "办公用房管理规范"), encoding="utf-8")
    return root


@pytest.mark.parametrize("name", ["a/b", "..", ".", ".hidden", "", " 河南", "a\\b", "河\x07南", "x" * 65])
def test_bad_member_names(tmp_path: Path, name: str) -> None:
    assert member_name_problem(name)
    toml = f'[[federation.members]]\nname = {json.dumps(name)}\npath = "../m"\n'
    _one_line_error(["lint", str(_federating(tmp_path, toml))], "federation.members.0.name")


@pytest.mark.parametrize("name", ["河南", "Henan Province", "郑州-2", "各省"])
def test_good_member_names(name: str) -> None:
    assert member_name_problem(name) is None


@pytest.mark.parametrize(("entry", "needle"), [
    ('name = "河南"\npath = "../m"\ngit = "file:///tmp/x"', "exactly one of `path` and `git`"),
    ('name = "河南"', "exactly one of `path` and `git`"),
    ('name = "河南"\npath = "../m"\nref = "main"', "`ref` applies to `git` members only"),
    ('name = "河南"\ngit = "ext::sh -c touch% /tmp/gbstd-pwned"', "not a git URL gbstd fetches"),
    ('name = "河南"\ngit = "--upload-pack=touch /tmp/x"', "not a git URL gbstd fetches"),
    ('name = "河南"\ngit = "file:///tmp/x"\nref = "--output=/tmp/x"', "not a branch, tag or commit name"),
    ('name = "河南"\npath = "../m"\nurl = "x"', "unknown key"),
])
def test_bad_member_entries(tmp_path: Path, entry: str, needle: str) -> None:
    root = _federating(tmp_path, f"[[federation.members]]\n{entry}\n")
    _one_line_error(["lint", str(root)], needle)
    assert not Path("/tmp/gbstd-pwned").exists()


def test_two_members_with_one_name(tmp_path: Path) -> None:
    _member(tmp_path, "m")
    toml = '[[federation.members]]\nname = "河南"\npath = "../m"\n[[federation.members]]\nname = "河南"\npath = "../n"\n'
    _one_line_error(["lint", str(_federating(tmp_path, toml))], "two members are named '河南'")


def test_two_members_reading_one_directory(tmp_path: Path) -> None:
    _member(tmp_path, "m")
    toml = '[[federation.members]]\nname = "a"\npath = "../m"\n[[federation.members]]\nname = "b"\npath = "../m/."\n'
    _one_line_error(["lint", str(_federating(tmp_path, toml))], "members a and b are the same directory")


def test_a_member_that_is_the_federating_catalog_itself(tmp_path: Path) -> None:
    root = _federating(tmp_path, '[[federation.members]]\nname = "self"\npath = "."\n')
    _one_line_error(["lint", str(root)], "member self (.) leads back to the federating catalog", "(a loop)")


def test_a_member_holding_the_federating_catalog(tmp_path: Path) -> None:
    (tmp_path / "gbstd.toml").write_text("", encoding="utf-8")
    root = _federating(tmp_path, '[[federation.members]]\nname = "up"\npath = ".."\n')
    _one_line_error(["lint", str(root)], "member up (..) leads back", "(a loop)")


def test_a_member_federating_its_parent_is_a_loop(tmp_path: Path) -> None:
    _member(tmp_path, "henan", '[[federation.members]]\nname = "全国"\npath = "../national"\n')
    root = _federating(tmp_path, '[[federation.members]]\nname = "河南"\npath = "../henan"\n')
    _one_line_error(["lint", str(root)], "member 河南: member 全国 (../national) leads back", "(a loop)")


def test_a_member_inside_the_federating_catalog_must_be_excluded(tmp_path: Path) -> None:
    root = _federating(tmp_path, '[[federation.members]]\nname = "河南"\npath = "members/henan"\n')
    _member(root / "members", "henan")
    _one_line_error(["lint", str(root)], 'list "members/henan/" in [catalog] exclude')
    (root / "gbstd.toml").write_text(
        '[catalog]\nexclude = ["members/"]\n[[federation.members]]\nname = "河南"\npath = "members/henan"\n',
        encoding="utf-8")
    code, out, err = _run("lint", str(root), "--format", "json", "--select", "C,Y")
    assert code == 0, err
    assert json.loads(out) == []


def test_a_member_with_an_invalid_config_is_named(tmp_path: Path) -> None:
    _member(tmp_path, "henan", "[catalog]\nrecords = 3\n")
    root = _federating(tmp_path, '[[federation.members]]\nname = "河南"\npath = "../henan"\n')
    _one_line_error(["lint", str(root)], "member 河南: gbstd.toml:2: `catalog.records`")
    code, _, err = _run("dupes", str(root), "--allow-missing")  # broken is not missing
    assert code == 2 and "member 河南:" in err
    result = runner.invoke(app, ["lint", str(root)])
    assert result.exit_code == 2 and "成员 河南：" in result.stderr  # Chinese by default


def test_a_missing_member_directory_or_one_without_config(tmp_path: Path) -> None:
    root = _federating(tmp_path, '[[federation.members]]\nname = "河南"\npath = "../henan"\n')
    _one_line_error(["lint", str(root)], "member 河南: no directory ../henan")
    (tmp_path / "henan").mkdir()
    _one_line_error(["review", str(root)], "member 河南: ../henan has no gbstd.toml (not a catalog)")


def test_unsynced_member_is_an_error_or_skipped_with_allow_missing(tmp_path: Path) -> None:
    root = split_sample(tmp_path, git_members=[NATIONAL])
    for command in (["lint"], ["dupes"], ["review"], ["system"], ["report", "catalog"]):
        _one_line_error([*command, str(root)], f"member {NATIONAL} has not been synced",
                        "run `gbstd federation sync` first")
    code, out, err = _run("lint", str(root), "--allow-missing", "--format", "json")
    assert code in (0, 1) and f"warning: member {NATIONAL} has not been synced" in err and "skipped" in err
    paths = {f["path"] for f in json.loads(out)}
    assert any(p.startswith(f"{HENAN}/") for p in paths) and not any(p.startswith(f"{NATIONAL}/") for p in paths)
    code, out, _ = _run("federation", "status", str(root), "--format", "json")
    assert code == 1 and json.loads(out)["members"][2]["state"] == "unsynced"


def test_an_unfetchable_url_leaves_nothing_in_the_cache(tmp_path: Path) -> None:
    root = split_sample(tmp_path)
    gone = (tmp_path / "nowhere.git").as_uri()
    with (root / "gbstd.toml").open("a", encoding="utf-8") as toml:
        toml.write(f'[[federation.members]]\nname = "江苏"\ngit = "{gone}"\n')
    _one_line_error(["federation", "sync", str(root)], "member 江苏: cannot fetch", "the cache is unchanged")
    cache = root / ".gbstd-cache" / "federation"
    assert not cache.exists() or list(cache.iterdir()) == []
    _one_line_error(["lint", str(root)], "member 江苏 has not been synced")


def test_a_failed_resync_keeps_the_previous_fetch(tmp_path: Path) -> None:
    root = split_sample(tmp_path, git_members=[NATIONAL])
    assert _run("federation", "sync", str(root))[0] == 0
    member = tmp_path / DIRS[NATIONAL]
    first = git(member, "rev-parse", "HEAD")
    checkout = root / ".gbstd-cache" / "federation" / NATIONAL
    before = sorted(p.relative_to(checkout).as_posix() for p in checkout.rglob("*") if ".git" not in p.parts)
    member.rename(tmp_path / "moved")  # the remote disappears
    _one_line_error(["federation", "sync", str(root)], f"member {NATIONAL}: cannot fetch")
    after = sorted(p.relative_to(checkout).as_posix() for p in checkout.rglob("*") if ".git" not in p.parts)
    assert after == before and [p.name for p in checkout.parent.iterdir()] == [NATIONAL]
    _, out, _ = _run("federation", "status", str(root), "--format", "json")
    assert json.loads(out)["members"][2]["commit"] == first
    # the remote comes back with a new commit: a sync reads it, the union follows
    (tmp_path / "moved").rename(member)
    (member / "records" / "national" / "GB-T-41568-2022.yaml").unlink()
    git(member, "commit", "-qam", "drop one")
    assert _run("federation", "sync", str(root))[0] == 0
    _, out, _ = _run("federation", "status", str(root), "--format", "json")
    row = json.loads(out)["members"][2]
    assert row["commit"] == git(member, "rev-parse", "HEAD") != first
    assert not (checkout / "records" / "national" / "GB-T-41568-2022.yaml").exists()


def test_a_ref_reads_that_branch_and_a_changed_url_needs_a_sync(tmp_path: Path) -> None:
    member = _member(tmp_path, "henan")
    make_repo(member)
    git(member, "checkout", "-qb", "draft")
    (member / "records" / "local" / "DB41-T-1-2020.yaml").unlink()
    git(member, "commit", "-qam", "empty draft")
    git(member, "checkout", "-q", "main")
    toml = f'[[federation.members]]\nname = "河南"\ngit = "{member.as_uri()}"\nref = "draft"\n'
    root = _federating(tmp_path, toml)
    assert _run("federation", "sync", str(root))[0] == 0
    _, out, _ = _run("federation", "status", str(root), "--format", "json")
    row = json.loads(out)["members"][0]
    assert row["commit"] == git(member, "rev-parse", "draft") and row["records"] == 0 and row["ref"] == "draft"
    (root / "gbstd.toml").write_text(toml.replace('ref = "draft"\n', ""), encoding="utf-8")
    _one_line_error(["lint", str(root)], "member 河南 changed its git URL or ref since it was synced")
    assert _run("federation", "sync", str(root))[0] == 0
    _, out, _ = _run("federation", "status", str(root), "--format", "json")
    assert json.loads(out)["members"][0]["records"] == 1


@pytest.mark.parametrize("command", [["dupes"], ["review"], ["system"], ["report", "catalog"]])
@pytest.mark.parametrize("no_cache", ["", "1"])
def test_member_option_on_a_plain_catalog_is_refused_with_or_without_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str], no_cache: str
) -> None:
    # with the cache on (the default) a plain catalog was loaded from it and --member was silently ignored
    monkeypatch.setenv("GBSTD_NO_CACHE", no_cache)
    plain = _member(tmp_path, "plain")
    args = [*command, str(plain), "--member", "河南"]
    if command == ["report", "catalog"]:
        args += ["-o", str(tmp_path / "out.csv")]
    _one_line_error(args, "--member needs a federating catalog")
    assert not (tmp_path / "out.csv").exists()


def test_member_option_needs_a_federation_and_a_known_name(tmp_path: Path) -> None:
    plain = _member(tmp_path, "plain")
    _one_line_error(["lint", str(plain), "--member", "河南"], "--member needs a federating catalog")
    _one_line_error(["federation", "status", str(plain)], "not a federating catalog")
    _one_line_error(["federation", "sync", str(plain)], "not a federating catalog")
    root = split_sample(tmp_path / "split")
    _one_line_error(["federation", "sync", str(root), "--member", "江苏"], "no member named 江苏")


@pytest.mark.parametrize("name", ["records", "notes", "system.yaml", "docs"])
def test_a_member_named_like_a_file_of_the_federating_catalog(tmp_path: Path, name: str) -> None:
    _member(tmp_path, "m")
    root = _federating(tmp_path, f'[[federation.members]]\nname = "{name}"\npath = "../m"\n', {"docs/a.txt": "x"})
    _one_line_error(["lint", str(root)], f"member name {name} is also the name of a file or directory")


def test_a_skipped_city_of_a_member_is_named_with_its_member(tmp_path: Path) -> None:
    _member(tmp_path, "henan", '[[federation.members]]\nname = "郑州"\npath = "../zhengzhou"\n')
    root = _federating(tmp_path, '[[federation.members]]\nname = "河南"\npath = "../henan"\n')
    _one_line_error(["lint", str(root)], "member 河南: member 郑州: no directory ../zhengzhou")
    code, _, err = _run("lint", str(root), "--allow-missing", "--format", "json")
    assert code == 0 and err.strip() == "gbstd: warning: member 河南: member 郑州: no directory ../zhengzhou; skipped"
    again = _run("lint", str(root), "--allow-missing", "--format", "json")  # from the cache: said again
    assert again[0] == 0 and again[2] == err


def test_a_token_in_a_git_url_is_never_printed(tmp_path: Path) -> None:
    """https://TOKEN@host and user:password@ are how CI passes credentials: sync errors and status leave them out."""
    root = split_sample(tmp_path)
    url = "https://s3cr3t-t0ken@127.0.0.1:9/jiangsu.git"  # nothing listens on port 9: the fetch fails at once
    with (root / "gbstd.toml").open("a", encoding="utf-8") as toml:
        toml.write(f'[[federation.members]]\nname = "江苏"\ngit = "{url}"\n')
    err = _one_line_error(["federation", "sync", str(root)], "member 江苏: cannot fetch https://127.0.0.1:9/jiangsu.git")
    assert "s3cr3t" not in err
    _, out, err = _run("federation", "status", str(root), "--format", "json")
    assert "s3cr3t" not in out + err
    assert "https://127.0.0.1:9/jiangsu.git" in out


def test_a_token_in_a_git_url_s_query_is_never_printed(tmp_path: Path) -> None:
    # ?access_token=… was printed by the failed sync (git repeats the URL) and by status
    root = split_sample(tmp_path)
    url = "http://127.0.0.1:9/jiangsu.git?access_token=s3cr3t"
    with (root / "gbstd.toml").open("a", encoding="utf-8") as toml:
        toml.write(f'[[federation.members]]\nname = "江苏"\ngit = "{url}"\n')
    err = _one_line_error(["federation", "sync", str(root)], "cannot fetch http://127.0.0.1:9/jiangsu.git?access_token=***")
    assert "s3cr3t" not in err
    _, out, err = _run("federation", "status", str(root), "--format", "json")
    assert "s3cr3t" not in out + err and "access_token=***" in out


def test_an_error_in_a_later_member_names_its_own_line(tmp_path: Path) -> None:
    # each member's error named the first member's `git =` line (gbstd.toml:6 for a value on line 14)
    root = tmp_path / "nat"
    (root / "records").mkdir(parents=True)
    (root / "gbstd.toml").write_text(
        '[catalog]\nrecords = "records"\n\n[[federation.members]]\nname = "G"\ngit = "https://example.org/a.git"\n\n'
        '[[federation.members]]\nname = "S"\npath = "../x"\n\n[[federation.members]]\nname = "T"\n'
        'git = "ext::sh -c true"\n', encoding="utf-8")
    _one_line_error(["lint", str(root), "--lang", "en"], "gbstd.toml:14: `federation.members.2.git`")


def test_sync_fetches_the_git_members_of_a_fetched_federation_too(tmp_path: Path) -> None:
    # the nation federates a province by git, the province its city: the city was left unfetched ("member
    # 河南: member 郑州 has not been synced"), and the nation's union could not be read without --allow-missing
    city = _member(tmp_path, "zhengzhou", code="DB4101/T 2-2021")
    province = _member(tmp_path, "henan", f'[[federation.members]]\nname = "郑州"\ngit = "{city.as_uri()}"\n')
    for directory in (city, province):
        make_repo(directory)
    root = _federating(tmp_path, f'[[federation.members]]\nname = "{HENAN}"\ngit = "{province.as_uri()}"\n')
    code, _, err = _run("federation", "sync", str(root))
    assert code == 0, err
    assert [line.split(": ")[0] for line in err.splitlines()] == [HENAN, f"{HENAN}/郑州"]
    code, _, err = _run("lint", str(root), "--format", "json", "--select", "C001")
    assert code == 0, err
    union = load_union(root)
    assert sorted(r.rel for r in union.records) == [f"{HENAN}/records/local/DB41-T-1-2020.yaml",
                                                    f"{HENAN}/郑州/records/local/DB4101-T-2-2021.yaml"]


def test_a_federation_that_includes_its_federator_is_synced_once(tmp_path: Path) -> None:
    # 河南 federates 郑州 by git, and 郑州 federates 河南 again: fetching each one's members would never end
    province, city = tmp_path / "henan", tmp_path / "zhengzhou"
    _member(tmp_path, "zhengzhou", f'[[federation.members]]\nname = "省"\ngit = "{province.as_uri()}"\n',
            code="DB4101/T 2-2021")
    _member(tmp_path, "henan", f'[[federation.members]]\nname = "郑州"\ngit = "{city.as_uri()}"\n')
    for directory in (city, province):
        make_repo(directory)
    root = _federating(tmp_path, f'[[federation.members]]\nname = "{HENAN}"\ngit = "{province.as_uri()}"\n')
    code, _, err = _run("federation", "sync", str(root))
    assert code == 2 and "Traceback" not in err
    lines = err.splitlines()
    assert [line.split(": ")[0] for line in lines[:2]] == [HENAN, f"{HENAN}/郑州"]
    assert lines[2:] == [f"gbstd: member {HENAN}: member 郑州: member 省: {province.as_uri()} is synced above it "
                         "already (federations that include each other); not fetched again"]


def test_a_fetched_catalog_with_a_broken_configuration_is_synced_with_a_warning(tmp_path: Path) -> None:
    # fetched, but its own members cannot be known: a warning at the sync, the error itself at the load
    province = _member(tmp_path, "henan", "[catalog]\nbogus = 1\n")
    make_repo(province)
    root = _federating(tmp_path, f'[[federation.members]]\nname = "{HENAN}"\ngit = "{province.as_uri()}"\n')
    code, _, err = _run("federation", "sync", str(root))
    assert code == 0 and err.splitlines()[1:] == [
        f"gbstd: warning: member {HENAN}: gbstd.toml:2: unknown key `catalog.bogus`; its own members are not synced"]
    _one_line_error(["lint", str(root)], f"member {HENAN}: gbstd.toml:2: unknown key `catalog.bogus`")


def test_a_member_path_that_is_a_loop_of_symbolic_links(tmp_path: Path) -> None:
    # resolving ../loop1 → loop2 → loop1 raised RuntimeError: "internal error" in lint, a traceback in status
    (tmp_path / "loop1").symlink_to("loop2")
    (tmp_path / "loop2").symlink_to("loop1")
    root = _federating(tmp_path, '[[federation.members]]\nname = "河南"\npath = "../loop1"\n')
    for command in (["lint"], ["report", "catalog"]):
        _one_line_error([*command, str(root)], "member 河南:", "../loop1")
    code, out, err = _run("federation", "status", str(root), "--format", "json")
    assert code == 1 and "Traceback" not in err and json.loads(out)["members"][0]["state"] == "missing"
    code, _, err = _run("lint", str(root), "--allow-missing")
    assert code in (0, 1) and "skipped" in err and "Traceback" not in err


def test_a_member_path_that_is_a_file_is_said_to_be_no_directory(tmp_path: Path) -> None:
    # the message said "no directory ../henan/gbstd.toml" of a file that is there
    _member(tmp_path, "henan")
    root = _federating(tmp_path, '[[federation.members]]\nname = "河南"\npath = "../henan/gbstd.toml"\n')
    err = _one_line_error(["lint", str(root)], "member 河南: ../henan/gbstd.toml is not a directory")
    assert "no directory" not in err
