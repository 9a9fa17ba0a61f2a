"""``gbstd changes`` over a federation: each catalog of the union compared in its own git repository.

The federating catalog and every member are compared between the same two revisions (a tag such as
``v2023H2`` that each repository carries, or ``HEAD~1``), each in the repository holding it, and the results
are joined with each member's paths prefixed by its name, as everywhere in a union. A git member fetched by
``gbstd federation sync`` is a shallow copy that knows only the commit it was fetched at, so it has no older
revision to compare with: like a catalog that is not in a repository or lacks the revision, that is an error
naming it (and ``sync --history``, which fetches its history and tags), or skipped with a warning under
``allow_missing``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from pathlib import Path

from gbstd.catalog.config_file import CatalogError, load_config
from gbstd.catalog.federation import is_federation, locate_member, select_members
from gbstd.catalog.federation_git import is_shallow
from gbstd.changes import ChangeSet, compare
from gbstd.gitdiff import catalog_diff
from gbstd.i18n import Text
from gbstd.model.config import Config


def compare_union(
    root: Path, config: Config, since: str, until: str | None, *,
    members: Sequence[str] | None = None, allow_missing: bool = False, warn: Callable[[Text], None] | None = None,
) -> ChangeSet:
    """The changes in the catalog at ``root`` and, when it federates, in each (selected) member."""
    if not is_federation(config):
        if members:
            raise CatalogError(Text(
                f"--member 只用于联合目录；{root} 的 gbstd.toml 没有 [[federation.members]]",
                f"--member needs a federating catalog; {root}'s gbstd.toml has no [[federation.members]]",
            ))
        return compare(catalog_diff(root, config, since, until), config)
    parts: list[tuple[str | None, Path, Config, bool]] = [(None, root, config, False)]
    for member in select_members(config, members):
        place = locate_member(root, config, member)
        if place.root is None:
            _missing(place.missing or Text(member.name, member.name), allow_missing, warn)
            continue
        try:
            parts.append((member.name, place.root, load_config(place.root),
                          member.git is not None and is_shallow(place.root)))
        except CatalogError as exc:
            raise CatalogError(Text(f"成员 {member.name}：{exc.text.zh}", f"member {member.name}: {exc.text.en}")) from None
    found: list[ChangeSet] = []
    for name, top, settings, shallow in parts:
        try:
            found.append(_prefixed(compare(catalog_diff(top, settings, since, until), settings), name))
        except CatalogError as exc:
            who = ("联合目录", "the federating catalog") if name is None else (f"成员 {name}", f"member {name}")
            hint = ("（同步时只取了一个提交：用 `gbstd federation sync --history` 连同历史获取）",
                    " (synced without its history: `gbstd federation sync --history` fetches it)") if shallow else ("", "")
            _missing(Text(f"{who[0]}：{exc.text.zh}{hint[0]}", f"{who[1]}: {exc.text.en}{hint[1]}"), allow_missing, warn)
    modules = next((part.modules for part in found if part.modules), {})
    return ChangeSet(
        since, until, tuple(c for part in found for c in part.changes), modules,
        tuple(u for part in found for u in part.unreadable),
    )


def _missing(text: Text, allow_missing: bool, warn: Callable[[Text], None] | None) -> None:
    if not allow_missing:
        raise CatalogError(text)
    if warn:
        warn(Text(f"{text.zh}；已跳过", f"{text.en}; skipped"))


def _prefixed(found: ChangeSet, name: str | None) -> ChangeSet:
    if name is None:
        return found
    return dataclasses.replace(
        found,
        changes=tuple(dataclasses.replace(c, path=f"{name}/{c.path}") for c in found.changes),
        unreadable=tuple(dataclasses.replace(u, path=f"{name}/{u.path}") for u in found.unreadable),
    )
