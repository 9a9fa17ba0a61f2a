"""Fetching a federation's git members into the cache (``gbstd federation sync``) and what each fetch read.

A git member lives in ``<cache_dir>/federation/<name>/``: a shallow checkout of the configured ref, plus a
small manifest (``.gbstd-federation.json``: URL, ref, commit, when) written before the directory is swapped in
whole, so a reader sees the previous fetch or the new one, never half of either, and a fetch that fails leaves
the cache as it was. Only ``sync`` runs git over the network; loading never does.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from gbstd.catalog.atomic import leftovers, replace_directory, write_atomic
from gbstd.catalog.config_file import CatalogError
from gbstd.i18n import Text
from gbstd.model.config import Config, Member
from gbstd.printable import printable

FEDERATION_DIR = "federation"
MANIFEST_NAME = ".gbstd-federation.json"  # hidden: no catalog walk lists it
FETCH_TIMEOUT = 600  # seconds for one member's fetch; a hung server must not hang CI forever
# The transports git may use, whatever a URL asks for (ext:: would run a command).
ALLOWED_PROTOCOLS = "file:git:http:https:ssh"


@dataclass
class Manifest:
    """What one sync of a git member read."""

    name: str
    git: str
    ref: str | None
    commit: str
    fetched_at: str  # ISO 8601, UTC


def checkout_dir(root: Path, config: Config, name: str) -> Path:
    return root / config.catalog.cache_dir / FEDERATION_DIR / name


def read_manifest(directory: Path) -> Manifest | None:
    """The manifest of a synced member, or None (never synced, or a damaged manifest: sync again)."""
    try:
        data = json.loads((directory / MANIFEST_NAME).read_text(encoding="utf-8"))
        manifest = Manifest(**data)
    except (OSError, ValueError, TypeError):
        return None
    if not all(isinstance(getattr(manifest, key), str) for key in ("name", "git", "commit", "fetched_at")):
        return None
    return manifest


class GitFailed(Exception):
    pass


def public_url(url: str) -> str:
    """A git URL as a report or a terminal may print it: without a user name or token (``https://user:token@…``,
    ``?access_token=…``)."""
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.query:  # a token passed as a parameter: its name is kept
        parts = parts._replace(query="&".join(f"{name.partition('=')[0]}=***" for name in parts.query.split("&")))
    user, at, host = parts.netloc.rpartition("@")
    # Over http(s) a lone user name is a token (https://TOKEN@host); ssh's "git@" names no secret.
    if at and (parts.scheme in ("http", "https") or ":" in user):
        parts = parts._replace(netloc=host)
    return urlunsplit(parts)


def _git(args: list[str], timeout: int) -> str:
    env = {
        **os.environ,
        "GIT_TERMINAL_PROMPT": "0",  # never wait for a password on a terminal
        "GIT_ALLOW_PROTOCOL": ALLOWED_PROTOCOLS,
        "GIT_CONFIG_NOSYSTEM": "1",
        "LC_ALL": "C",
    }
    try:
        done = subprocess.run(
            ["git", "-c", "advice.detachedHead=false", "-c", "init.defaultBranch=main", *args],
            capture_output=True, text=True, timeout=timeout, env=env, stdin=subprocess.DEVNULL,
        )
    except FileNotFoundError:
        raise GitFailed("git is not installed") from None
    except subprocess.TimeoutExpired:
        raise GitFailed(f"no answer within {timeout} s") from None
    if done.returncode != 0:
        lines = [line.strip() for line in done.stderr.splitlines() if line.strip()]
        fatal = [line for line in lines if line.startswith(("fatal:", "error:"))]
        raise GitFailed((fatal or lines or [f"git exited with {done.returncode}"])[-1])
    return done.stdout.strip()


def sync_member(
    root: Path, config: Config, member: Member, now: dt.datetime, timeout: int = FETCH_TIMEOUT,
    history: bool = False,
) -> Manifest:
    """Fetch one git member's ref (shallow; with its whole history and the repository's tags when ``history``:
    what ``gbstd changes`` compares revisions in) into a fresh directory and swap it in; a failure is a
    :class:`CatalogError` naming the member, and leaves the cache as it was."""
    assert member.git is not None
    target = checkout_dir(root, config, member.name)
    _remove_leftovers(target)
    try:
        with replace_directory(target) as stage:
            _git(["init", "-q", str(stage)], timeout)
            depth = ["--tags"] if history else ["--depth", "1", "--no-tags"]
            _git(["-C", str(stage), "fetch", "-q", *depth, "--", member.git, member.ref or "HEAD"], timeout)
            _git(["-C", str(stage), "checkout", "-q", "--detach", "FETCH_HEAD"], timeout)
            commit = _git(["-C", str(stage), "rev-parse", "HEAD"], timeout)
            manifest = Manifest(member.name, member.git, member.ref, commit,
                                now.astimezone(dt.timezone.utc).isoformat(timespec="seconds"))
            write_atomic(stage / MANIFEST_NAME, json.dumps(asdict(manifest), ensure_ascii=False, indent=1) + "\n")
    except GitFailed as exc:
        url = public_url(member.git)
        reason = printable(str(exc).replace(member.git, url))  # git may repeat the URL, token and all
        raise CatalogError(Text(
            f"成员 {member.name}：无法获取 {url}（{reason}）；缓存未改动",
            f"member {member.name}: cannot fetch {url} ({reason}); the cache is unchanged",
        )) from None
    except OSError as exc:
        raise CatalogError(Text(
            f"成员 {member.name}：无法写入缓存目录 {target}（{exc.strerror}）",
            f"member {member.name}: cannot write the cache directory {target} ({exc.strerror})",
        )) from None
    return manifest


def is_shallow(checkout: Path) -> bool:
    """Whether a synced member holds only the commit it was fetched at (no history to compare with)."""
    return (checkout / ".git" / "shallow").is_file()


def _remove_leftovers(target: Path) -> None:
    """Staging directories of a sync that was killed half-way (``.<name>.*.tmp``, ``….tmp.old``)."""
    for entry in leftovers(target.parent, target.name):
        if not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
