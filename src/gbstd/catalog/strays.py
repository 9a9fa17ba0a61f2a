"""Stray files: YAML files under the catalog root that belong to no file kind (records, projects, plans,
notes, the system file), such as a record copied to the root or saved in a misspelled ``recrods/``.

Such a file is in no count, report or bulletin, so it is reported (rule Y011) with a guess at where it was
meant to go. Not looked at: dot-files and dot-directories (``.git``, ``.github``, ``.pre-commit-config.yaml``),
the cache directory, ``templates/`` (report overrides), virtual environments and whatever ``[catalog]
exclude`` names.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from gbstd.catalog.safe_read import read_catalog_file
from gbstd.catalog.yamlio import is_yaml_name
from gbstd.findings import Finding
from gbstd.i18n import Text
from gbstd.model.config import Config

STRAY_RULE = "Y011"
# Directories at the catalog root that hold no catalog files by design.
NOT_CATALOG = ("templates",)
VENV_MARKER = "pyvenv.cfg"  # every virtual environment (venv, virtualenv, uv) has one at its top


def _kind_directories(root: Path, config: Config) -> set[str] | None:
    """The directories whose YAML files are all catalog files (relative, POSIX); None when one of them is
    the root itself (then every YAML file under the root is a record)."""
    section = config.catalog
    rels: set[str] = set()
    for name in (section.records, section.notes, section.projects, section.plans, section.cache_dir):
        path = (root / name).resolve()
        try:
            rel = path.relative_to(root.resolve()).as_posix()
        except ValueError:
            continue  # a cache directory given with --cache-dir lies elsewhere
        if rel == ".":
            if name != section.cache_dir:
                return None
            continue
        rels.add(rel)
    return rels


def _nothing(rel: str) -> bool:
    return False


def stray_files(root: Path, config: Config) -> list[str]:
    """YAML files under ``root`` that no file kind claims, as sorted POSIX paths relative to it."""
    claimed = _kind_directories(root, config)
    if claimed is None:
        return []
    system = Path(config.catalog.system).as_posix()
    # without patterns pathspec is not even imported (an incremental lint lists the strays on every run)
    excluded = config.catalog.exclude_spec.match_file if config.catalog.exclude else _nothing
    found: list[str] = []
    pending = [""]
    while pending:
        here = pending.pop()
        try:
            entries = list(os.scandir(os.path.join(root, here) if here else root))
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            rel = f"{here}/{name}" if here else name
            if name.startswith("."):
                continue
            try:
                is_dir = entry.is_dir(follow_symlinks=False)  # never into a linked directory (no loops)
            except OSError:
                is_dir = False
            if is_dir:
                if rel in claimed or (not here and name in NOT_CATALOG) or excluded(rel + "/"):
                    continue
                if os.path.exists(os.path.join(entry.path, VENV_MARKER)):
                    continue
                pending.append(rel)
            elif is_yaml_name(name) and rel != system and not excluded(rel):
                found.append(rel)
    found.sort()
    return found


# Top-level keys that only one kind of file has, checked in this order: (keys, kind zh, kind en, config key).
_SIGNS: tuple[tuple[frozenset[str], str, str, str], ...] = (
    (frozenset({"code", "title"}), "标准记录", "a record", "records"),
    (frozenset({"id", "history"}), "标准项目", "a project", "projects"),
    (frozenset({"id", "stage"}), "标准项目", "a project", "projects"),
    (frozenset({"phases"}), "试点方案", "a pilot plan", "plans"),
    (frozenset({"period"}), "通报素材", "bulletin notes", "notes"),
    (frozenset({"modules", "name"}), "标准体系文件", "the standard system file", "system"),
)


def guess_kind(data: Any, config: Config) -> tuple[str, str, str] | None:
    """(kind zh, kind en, where it belongs) for a parsed stray file, from its top-level keys; None if unknown."""
    if not isinstance(data, dict):
        return None
    keys = {str(k) for k in data}
    for sign, zh, en, where in _SIGNS:
        if sign <= keys:
            target = getattr(config.catalog, where)
            return zh, en, target if where == "system" else target.rstrip("/") + "/"
    return None


def stray_finding(root: Path, rel: str, config: Config) -> Finding:
    """The Y011 finding for one stray file, with the folder it most likely belongs in."""
    document = read_catalog_file(root, root / rel, config.catalog.max_file_size)
    guess = guess_kind(document.data, config) if document.usable else None
    if guess is None:
        message = Text(
            "不属于任何文件类型（记录、项目、方案、通报素材、体系文件）的 YAML 文件，不会被统计或发布；"
            "移出目录，或在 gbstd.toml 的 [catalog] exclude 中列出",
            "a YAML file that belongs to no file kind (records, projects, plans, notes, system), so nothing "
            "counts or publishes it; move it out of the catalog or list it in gbstd.toml [catalog] exclude",
        )
    else:
        zh, en, where = guess
        move = (f"改名为 {where}", f"rename it to {where}") if not where.endswith("/") else (
            f"移到 {where} 下", f"move it under {where}")
        message = Text(
            f"不在任何文件类型的位置，不会被统计或发布；看起来像{zh}——{move[0]}",
            f"in no file kind's place, so nothing counts or publishes it; looks like {en} — {move[1]}",
        )
    return Finding(STRAY_RULE, message, rel)
