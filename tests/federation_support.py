"""Building federations for tests: the sample catalog split into member catalogs plus a federating one.

The split follows the issue: Henan with its cities (DB41…, the Henan bureau's internal standards, its plan and
projects), the other provinces, and the national, industry and group standards. The federating catalog holds
no records: the sample's gbstd.toml, system.yaml and bulletin notes only.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

SAMPLE = Path(__file__).resolve().parents[1] / "standards"
HENAN, PROVINCES, NATIONAL = "河南", "各省", "国家与团体"
DIRS = {HENAN: "henan", PROVINCES: "provinces", NATIONAL: "national"}


def member_of(rel: str) -> str:
    """Which member a file of the sample catalog goes to (records, projects and plans)."""
    parts = rel.split("/")
    if parts[0] in ("projects", "plans"):
        return HENAN  # every project and the pilot plan are Henan's
    kind, name = parts[1], parts[-1]
    if kind == "internal" or name.startswith("DB41"):
        return HENAN
    return PROVINCES if kind == "local" else NATIONAL


def _sample_files() -> list[str]:
    return sorted(
        p.relative_to(SAMPLE).as_posix() for p in SAMPLE.rglob("*")
        if p.is_file() and p.parts[len(SAMPLE.parts)] in ("records", "projects", "plans")
    )


def member_toml(member: str | None = None) -> str:
    return (SAMPLE / "gbstd.toml").read_text(encoding="utf-8")


def git(directory: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(directory), "-c", "user.name=t", "-c", "user.email=t@example.org",
         "-c", "init.defaultBranch=main", *args],
        check=True, capture_output=True, text=True,
    )
    return done.stdout.strip()


def make_repo(directory: Path) -> str:
    """Make ``directory`` a git repository with everything committed; the commit's id."""
    git(directory, "init", "-q")
    git(directory, "add", "-A")
    git(directory, "commit", "-q", "-m", "catalog")
    return git(directory, "rev-parse", "HEAD")


def split_sample(base: Path, git_members: Iterable[str] = (), extra_toml: str = "") -> Path:
    """Split the sample under ``base``: ``base/henan``, ``base/provinces``, ``base/national`` (members) and
    ``base/federation`` (the federating catalog, returned). Members named in ``git_members`` become git
    repositories configured by ``file://`` URL (they need `gbstd federation sync`); the others by path."""
    git_names = set(git_members)
    for name, directory in DIRS.items():
        top = base / directory
        top.mkdir(parents=True)
        (top / "gbstd.toml").write_text(member_toml(name), encoding="utf-8")
    for rel in _sample_files():
        target = base / DIRS[member_of(rel)] / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(SAMPLE / rel, target)
    federation = base / "federation"
    federation.mkdir()
    shutil.copy2(SAMPLE / "system.yaml", federation / "system.yaml")
    shutil.copytree(SAMPLE / "notes", federation / "notes")
    lines = [member_toml(), extra_toml]
    for name, directory in DIRS.items():
        lines.append("[[federation.members]]")
        lines.append(f'name = "{name}"')
        if name in git_names:
            make_repo(base / directory)
            lines.append(f'git = "{(base / directory).resolve().as_uri()}"')
        else:
            lines.append(f'path = "../{directory}"')
    (federation / "gbstd.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return federation


def unsplit_path(rel: str) -> str:
    """A union path (``河南/records/…``) as the same file's path in the sample catalog."""
    head, _, rest = rel.partition("/")
    return rest if head in DIRS else rel
