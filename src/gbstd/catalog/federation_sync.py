"""``gbstd federation sync`` down the tree (全国一张网: the nation federates the provinces, each province its
cities): each git member is fetched (:func:`gbstd.catalog.federation_git.sync_member`), and when the catalog it
fetched federates git members of its own, those are fetched into its cache in turn, where the union's load
looks for them. A repository met again below itself (a member that federates its own federator) is not
fetched a second time: that would never end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from gbstd.catalog.config_file import CONFIG_NAME, CatalogError, load_config
from gbstd.catalog.federation import is_federation, member_prefixed
from gbstd.catalog.federation_git import Manifest, checkout_dir, public_url, sync_member
from gbstd.i18n import Text
from gbstd.model.config import Config, Member


@dataclass(frozen=True)
class Synced:
    """One git member's sync: its names from the top (``河南/郑州``), and the manifest or why it failed; or, for a
    fetched catalog whose own members cannot be known (its configuration is invalid), a ``warning`` (the
    union's load reports the configuration as an error)."""

    path: str
    manifest: Manifest | None
    error: Text | None = None
    warning: Text | None = None


def sync_tree(
    root: Path, config: Config, members: Sequence[Member], now: dt.datetime, history: bool = False
) -> Iterator[Synced]:
    """Sync the git ``members`` of the catalog at ``root``, and the git members of each catalog fetched, in
    the order a union loads them; one :class:`Synced` for each, a member before its own."""
    yield from _sync(root, config, members, now, history, (), ())


def _sync(
    root: Path, config: Config, members: Sequence[Member], now: dt.datetime, history: bool,
    names: tuple[str, ...], above: tuple[tuple[str, str | None], ...],
) -> Iterator[Synced]:
    for member in members:
        if member.git is None:
            continue
        path = (*names, member.name)
        where = "/".join(path)
        if (member.git, member.ref) in above:
            yield Synced(where, None, _named(names, Text(
                f"成员 {member.name}：{public_url(member.git)} 已在上层同步过（联合目录互相包含），未再获取",
                f"member {member.name}: {public_url(member.git)} is synced above it already (federations that "
                "include each other); not fetched again",
            )))
            continue
        try:
            manifest = sync_member(root, config, member, now, history=history)
        except CatalogError as exc:
            yield Synced(where, None, _named(names, exc.text))
            continue
        yield Synced(where, manifest)
        checkout = checkout_dir(root, config, member.name)
        if not (checkout / CONFIG_NAME).is_file():
            continue  # not a catalog: the union's load says so
        try:
            inner = load_config(checkout)
        except CatalogError as exc:  # fetched, but its own members cannot be known: the load reports it
            yield Synced(where, None, warning=_named(path, Text(
                f"{exc.text.zh}；其成员未同步", f"{exc.text.en}; its own members are not synced")))
            continue
        if is_federation(inner):
            yield from _sync(checkout, inner, inner.federation.members, now, history, path,
                             (*above, (member.git, member.ref)))


def _named(names: tuple[str, ...], text: Text) -> Text:
    """``text`` as said of a member below ``names`` (``成员 河南：成员 郑州：…``), as the union's load names it."""
    for name in reversed(names):
        text = member_prefixed(name, text)
    return text
