"""A federation of catalogs (全国一张网): one catalog read together with its member catalogs as one union.

The federating catalog lists its members in ``gbstd.toml`` (``[[federation.members]]``): a directory
(``path``) or a git repository (``git``, fetched by ``gbstd federation sync`` into the cache; nothing here
fetches). Each member is loaded with the ordinary :func:`load_catalog` under its own ``gbstd.toml``, then
mounted into the union: every path it reports becomes ``<member name>/<path inside the member>`` and each
record, project, plan and notes file keeps the member's name in ``member``. A member that federates catalogs
of its own is loaded as a union too (its members' paths become ``outer/inner/…``).

The union's standard system is the federating catalog's ``system.yaml``; without one, the members' system
when they all have the same one, else none.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from gbstd.catalog.cache import Cache, cache_wanted, config_digest, tool_fingerprint
from gbstd.catalog.catalog import Catalog, MemberInfo
from gbstd.catalog.config_file import CONFIG_NAME, CatalogError, find_root, load_config
from gbstd.catalog.federation_git import Manifest, checkout_dir, public_url, read_manifest
from gbstd.catalog.loader import load_catalog, load_catalog_cached, record_rels
from gbstd.catalog.yamlio import is_inside
from gbstd.i18n import Text
from gbstd.model.config import Config, Member

Warn = Callable[[Text], None]
UNION_CACHE = "union"  # under the federating catalog's cache directory
MEMBER_CACHES = "members"  # under a union's cache directory: one cache directory per member
Progress = Callable[[int], None]


def is_federation(config: Config) -> bool:
    return bool(config.federation.members)


def union_cache_dir(root: Path, config: Config) -> Path:
    """Where a federating catalog's union keeps its parsed files and its lint result."""
    return root / config.catalog.cache_dir / UNION_CACHE


@dataclass
class MemberPlace:
    """Where a member's catalog is (None: missing or not synced) and why it is not there."""

    member: Member
    root: Path | None
    manifest: Manifest | None = None
    missing: Text | None = None


def locate_member(root: Path, config: Config, member: Member) -> MemberPlace:
    """Find one member's catalog directory without reading it."""
    if member.path is not None:
        try:
            where = (root / member.path).resolve()  # relative to the federating catalog; an absolute path stays
        except (RuntimeError, OSError):  # a loop of symbolic links (RuntimeError before Python 3.13)
            return MemberPlace(member, None, missing=Text(
                f"成员 {member.name}：目录 {member.path} 是循环的符号链接",
                f"member {member.name}: the directory {member.path} is a loop of symbolic links"))
        if where.exists() and not where.is_dir():  # a file named by mistake: it is there, so not "no directory"
            return MemberPlace(member, None, missing=Text(
                f"成员 {member.name}：{member.path} 不是目录", f"member {member.name}: {member.path} is not a directory"))
        if not where.is_dir():
            return MemberPlace(member, None, missing=Text(
                f"成员 {member.name}：目录 {member.path} 不存在", f"member {member.name}: no directory {member.path}"))
        if not (where / CONFIG_NAME).is_file():
            return MemberPlace(member, None, missing=Text(
                f"成员 {member.name}：{member.path} 中没有 {CONFIG_NAME}（不是标准目录）",
                f"member {member.name}: {member.path} has no {CONFIG_NAME} (not a catalog)"))
        return MemberPlace(member, where)
    checkout = checkout_dir(root, config, member.name)
    manifest = read_manifest(checkout)
    if manifest is None or manifest.git != member.git or manifest.ref != member.ref:
        why = ("尚未同步", "has not been synced") if manifest is None else (
            "的 git 地址或 ref 已改变，需要重新同步", "changed its git URL or ref since it was synced")
        return MemberPlace(member, None, manifest, missing=Text(
            f"成员 {member.name} {why[0]}；先运行 `gbstd federation sync`",
            f"member {member.name} {why[1]}; run `gbstd federation sync` first"))
    if not (checkout / CONFIG_NAME).is_file():
        return MemberPlace(member, None, manifest, missing=Text(
            f"成员 {member.name}：仓库 {member.git} 中没有 {CONFIG_NAME}（不是标准目录）",
            f"member {member.name}: the repository {member.git} has no {CONFIG_NAME} (not a catalog)"))
    return MemberPlace(member, checkout, manifest)


def select_members(config: Config, names: Sequence[str] | None) -> list[Member]:
    """The configured members, narrowed to ``names`` (``--member``); an unknown name is an error."""
    members = config.federation.members
    if not names:
        return list(members)
    known = {member.name for member in members}
    unknown = [name for name in names if name not in known]
    if unknown:
        listed = "、".join(sorted(known)) or "—"
        raise CatalogError(Text(
            f"没有名为 {'、'.join(unknown)} 的成员（成员：{listed}）",
            f"no member named {', '.join(unknown)} (members: {', '.join(sorted(known)) or '-'})",
        ))
    wanted = set(names)
    return [member for member in members if member.name in wanted]


def load_union(
    start: Path,
    *,
    members: Sequence[str] | None = None,
    allow_missing: bool = False,
    warn: Warn | None = None,
    progress: Progress | None = None,
    on_total: Callable[[int], None] | None = None,
    cache_dir: Path | None = None,
    use_cache: bool = False,
    known: Mapping[str, Mapping[str, str | None]] | None = None,
) -> Catalog:
    """Load the catalog holding ``start``; when it federates members, the union of it and its members.

    ``members`` narrows to those members (the federating catalog's own files always stay: its system, notes
    and records frame the rest). A missing or unsynced member is a :class:`CatalogError` naming it, or with
    ``allow_missing`` a warning (``warn``) and left out. Without members this is :func:`load_catalog`.
    With ``cache_dir``, each catalog of the union keeps its parsed files in a cache of its own under it
    (``members/<name>/…``), all in the federating catalog's cache: nothing is written into a member.
    ``use_cache`` (without ``cache_dir``): the cache the catalog's own lint made, if it did — for a union, the
    one its federated lint made (:data:`UNION_CACHE`) — so that every command loads known files without
    parsing them (:func:`load_catalog_cached`). ``known``: per catalog of the union (by its path prefix, ""
    for the federating one), the content hashes of its files that the caller has just established; that
    catalog's load takes them instead of checking every file against the disk again (``load_catalog``).
    """
    root = find_root(start)
    if use_cache and cache_dir is None and cache_wanted():
        config = load_config(root)
        if not is_federation(config) and not members:  # --member on a plain catalog: _load refuses it
            return load_catalog_cached(root, progress=progress, on_total=on_total)
        if union_cache_dir(root, config).is_dir():
            cache_dir = union_cache_dir(root, config)
    counter = _Totals(on_total)
    return _load(root, members, allow_missing, warn, progress, counter, (), cache_dir, known or {})


class _Totals:
    """Adds the members' record counts up, so a progress bar's total grows as members are loaded."""

    def __init__(self, on_total: Callable[[int], None] | None) -> None:
        self.on_total, self.total = on_total, 0

    def add(self, count: int) -> None:
        self.total += count
        if self.on_total:
            self.on_total(self.total)


def _load(
    root: Path, names: Sequence[str] | None, allow_missing: bool, warn: Warn | None,
    progress: Progress | None, totals: _Totals, stack: tuple[Path, ...], cache_dir: Path | None,
    known: Mapping[str, Mapping[str, str | None]], prefix: str = "",
) -> Catalog:
    config = load_config(root)
    if names and not is_federation(config):
        raise CatalogError(Text(
            f"--member 只用于联合目录；{root} 的 {CONFIG_NAME} 没有 [[federation.members]]",
            f"--member needs a federating catalog; {root}'s {CONFIG_NAME} has no [[federation.members]]",
        ))
    cache = Cache(cache_dir, tool_fingerprint(), config_digest(config)) if cache_dir is not None else None
    union = load_catalog(root, progress=progress, on_total=totals.add, cache=cache, known=known.get(prefix))
    if cache is not None:
        cache.forget_missing(union.files)
        cache.keep_records(set(union.hashes.values()))
        cache.save()
    if not is_federation(config):
        return union
    stack = (*stack, root.resolve())
    places: dict[Path, str] = {}
    parts: list[tuple[MemberPlace, Catalog]] = []
    for member in select_members(config, names):
        place = locate_member(root, config, member)
        if place.root is None:
            if not allow_missing:
                raise CatalogError(place.missing or Text(member.name, member.name))
            if warn and place.missing:
                warn(Text(f"{place.missing.zh}；已跳过", f"{place.missing.en}; skipped"))
            continue
        _check_place(root, config, member, place.root, stack, places)
        try:
            inner = cache_dir / MEMBER_CACHES / member.name if cache_dir is not None else None
            said = _prefixing(warn, member.name)  # a skipped city of 河南 is "member 河南: member 郑州 …"
            parts.append((place, _load(place.root, None, allow_missing, said, progress, totals, stack, inner, known,
                                       f"{prefix}{member.name}/")))
        except CatalogError as exc:
            raise CatalogError(member_prefixed(member.name, exc.text)) from None
    for place, part in parts:
        _mount(union, part, place)
    _choose_system(union, parts)
    return union


def _prefixing(warn: Warn | None, name: str) -> Warn | None:
    return (lambda text: warn(member_prefixed(name, text))) if warn is not None else None


def member_prefixed(name: str, text: Text) -> Text:
    return Text(f"成员 {name}：{text.zh}", f"member {name}: {text.en}")


def _check_place(
    root: Path, config: Config, member: Member, where: Path, stack: tuple[Path, ...], places: dict[Path, str]
) -> None:
    """A member must be a catalog of its own: not one on the way here (a loop), not one holding the federating
    catalog, not another member's directory, and not inside the federating catalog unless excluded there."""
    taken = {Path(getattr(config.catalog, key)).parts[0] for key in ("records", "notes", "projects", "plans", "system")}
    if member.name in taken or os.path.lexists(root / member.name):
        # Paths would be ambiguous: "records/x.yaml" could be the catalog's own or member "records"'s.
        raise CatalogError(Text(
            f"成员名称 {member.name} 与联合目录中的文件或目录同名（成员的文件路径以名称开头）；请改名",
            f"member name {member.name} is also the name of a file or directory of the federating catalog "
            "(a member's paths start with its name); rename the member",
        ))
    real = where.resolve()
    for outer in stack:
        if real == outer or outer.is_relative_to(real):
            raise CatalogError(Text(
                f"成员 {member.name} 的目录 {member.path or member.git} 回到了联合目录 {outer}（循环）",
                f"member {member.name} ({member.path or member.git}) leads back to the federating catalog {outer} "
                "(a loop)",
            ))
    if real in places:
        raise CatalogError(Text(
            f"成员 {member.name} 与 {places[real]} 是同一目录 {member.path}",
            f"members {places[real]} and {member.name} are the same directory {member.path}",
        ))
    places[real] = member.name
    cache = (root / config.catalog.cache_dir).resolve()
    if is_inside(root, real) and not is_inside(cache, real):
        rel = real.relative_to(root.resolve()).as_posix()
        if not config.catalog.exclude_spec.match_file(rel + "/"):
            raise CatalogError(Text(
                f"成员 {member.name} 的目录 {rel} 在联合目录之内：在 [catalog] exclude 中列出 \"{rel}/\"，"
                "否则其文件会被当作联合目录本身的文件",
                f"member {member.name}'s directory {rel} lies inside the federating catalog: list \"{rel}/\" in "
                "[catalog] exclude, or its files count as the federating catalog's own",
            ))


def _mount(union: Catalog, part: Catalog, place: MemberPlace) -> None:
    """Add one member's loaded catalog to the union, every path it names prefixed by the member's name."""
    name = place.member.name
    prefix = name + "/"

    def owner(inner: str | None) -> str:
        return f"{name}/{inner}" if inner else name

    for item in [*part.records, *part.projects, *part.plans, *part.notes]:
        item.rel = prefix + item.rel
        item.member = owner(item.member)
    for finding in part.load_findings:
        finding.path = prefix + finding.path
    union.records += part.records
    union.projects += part.projects
    union.plans += part.plans
    union.notes += part.notes
    union.load_findings += part.load_findings
    union.files += [prefix + rel for rel in part.files]
    union.hashes.update({prefix + rel: sha for rel, sha in part.hashes.items()})
    # where each file's fields start, as the member's load kept them: findings are placed from these, not by
    # parsing every member file with findings again (most of them at a national scale)
    union.positions.update({prefix + rel: spots for rel, spots in part.positions.items()})
    union.mounts[prefix] = part.root
    union.mounts.update({prefix + inner: top for inner, top in part.mounts.items()})
    manifest = place.manifest
    union.members.append(MemberInfo(
        name=name,
        kind=place.member.kind,
        source=place.member.path or place.member.git or "",
        root=part.root,
        commit=manifest.commit if manifest else head_commit(part.root),
        fetched_at=manifest.fetched_at if manifest else None,
        records=sum(1 for record in part.records if record.member == name),
        system=part.system if part.system is not None and part.system_rel is not None and
        not part.system_rel.startswith(tuple(part.mounts)) else None,  # its own, not one it took from a member
    ))
    for info in part.members:
        info.name = owner(info.name)
        union.members.append(info)


def _choose_system(union: Catalog, parts: list[tuple[MemberPlace, Catalog]]) -> None:
    """The federating catalog's system; without one, the members' when they all have the same one."""
    if union.system is not None or union.system_rel is not None:
        return
    found = [(place.member.name, part) for place, part in parts if part.system is not None]
    if found and all(part.system == found[0][1].system for _, part in found):
        name, part = found[0]
        union.system, union.system_rel = part.system, f"{name}/{part.system_rel}"


def head_commit(where: Path) -> str | None:
    """The commit checked out in the git work tree holding ``where`` (None: not in one, or git missing)."""
    try:
        done = subprocess.run(
            ["git", "-C", str(where), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=30,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0"},
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


@dataclass
class MemberStatus:
    """One row of ``gbstd federation status``."""

    name: str
    kind: str
    source: str
    ref: str | None
    state: str  # "ok", "missing" (path) or "unsynced" (git)
    commit: str | None
    fetched_at: str | None
    records: int | None
    problem: Text | None = None

    def to_json(self, lang: str = "zh") -> dict[str, object]:
        return {
            "name": self.name, "kind": self.kind, "source": self.source, "ref": self.ref, "state": self.state,
            "commit": self.commit, "fetched_at": self.fetched_at, "records": self.records,
            "problem": self.problem.en if self.problem and lang == "en" else (self.problem.zh if self.problem else None),
        }


def member_statuses(root: Path, config: Config) -> list[MemberStatus]:
    """Each member's state, commit and record count, counted from file names (nothing is parsed). A member
    every command would refuse (a loop, the same directory as another, a reserved name: :func:`_check_place`)
    is invalid here too."""
    rows: list[MemberStatus] = []
    places: dict[Path, str] = {}
    for member in config.federation.members:
        place = locate_member(root, config, member)
        source = member.path or (public_url(member.git) if member.git else "")
        if place.root is None:
            rows.append(MemberStatus(
                member.name, member.kind, source, member.ref, "missing" if member.path else "unsynced",
                place.manifest.commit if place.manifest else None,
                place.manifest.fetched_at if place.manifest else None, None, place.missing,
            ))
            continue
        try:
            _check_place(root, config, member, place.root, (root.resolve(),), places)
        except CatalogError as exc:  # its message names the member
            rows.append(MemberStatus(member.name, member.kind, source, member.ref, "invalid", None, None, None,
                                     exc.text))
            continue
        try:
            inner = load_config(place.root)
            _check_members(place.root, inner, (root.resolve(), place.root.resolve()))
            count: int | None = len(record_rels(place.root, inner))
            problem = None
        except CatalogError as exc:
            count, problem = None, member_prefixed(member.name, exc.text)
        manifest = place.manifest
        rows.append(MemberStatus(
            member.name, member.kind, source, member.ref, "ok" if problem is None else "invalid",
            manifest.commit if manifest else head_commit(place.root),
            manifest.fetched_at if manifest else None, count, problem,
        ))
    return rows


def _check_members(root: Path, config: Config, stack: tuple[Path, ...]) -> None:
    """:func:`_check_place` for a member's own members, and theirs (a loop back through a member); their
    configurations are read, nothing else."""
    if not is_federation(config):
        return
    places: dict[Path, str] = {}
    for member in config.federation.members:
        place = locate_member(root, config, member)
        if place.root is None:
            continue  # missing: the member's own status says so when it is linted
        _check_place(root, config, member, place.root, stack, places)
        try:
            _check_members(place.root, load_config(place.root), (*stack, place.root.resolve()))
        except CatalogError as exc:
            raise CatalogError(member_prefixed(member.name, exc.text)) from None
