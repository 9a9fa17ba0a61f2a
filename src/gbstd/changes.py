"""What changed in a catalog between two revisions, in the catalog's own terms: standards added, removed,
abolished, superseded, renamed (code changed) or modified, and the catalog-level changes (modules of the
standard system, project stages, plan tasks done).

Pure functions over the changed files' two sides (:class:`gbstd.gitdiff.FileDiff`); unchanged files are the
same on both sides, so they cannot be a change. Records are matched by canonical code first, so a file that
moved is the same standard; what remains is paired by path (a git rename, or an edit in place), which is how
a code changed in place shows up as ``renamed``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from gbstd.catalog.yamlio import is_yaml_name, parse_yaml
from gbstd.gitdiff import CatalogDiff, FileDiff, FileSide
from gbstd.i18n import Lang, Text
from gbstd.model.code import CodePattern, try_parse
from gbstd.model.config import Config
from gbstd.model.making import parse_stage
from gbstd.model.standard import STATUS_ALIASES, Standard, Status

RECORD_KINDS = ("added", "removed", "abolished", "status", "superseded", "renamed", "modified")
CATALOG_KINDS = (
    "module-added", "module-removed", "module-renamed", "project-stage", "plan-added", "plan-removed",
    "plan-tasks-done", "plan-modified",
)
KINDS = RECORD_KINDS + CATALOG_KINDS

KIND_LABELS: dict[str, Text] = {
    "added": Text("新增", "added"),
    "removed": Text("删除", "removed"),
    "abolished": Text("废止", "abolished"),
    "status": Text("状态变化", "status changed"),
    "superseded": Text("新版本代替", "superseded by a new edition"),
    "renamed": Text("标准号变化", "code changed"),
    "modified": Text("修改", "modified"),
    "module-added": Text("体系模块新增", "modules added"),
    "module-removed": Text("体系模块删除", "modules removed"),
    "module-renamed": Text("体系模块改名", "modules renamed"),
    "project-stage": Text("项目阶段变化", "project stages"),
    "plan-added": Text("试点方案新增", "plans added"),
    "plan-removed": Text("试点方案删除", "plans removed"),
    "plan-tasks-done": Text("试点任务完成", "plan tasks done"),
    "plan-modified": Text("试点方案修改", "plans modified"),
}


@dataclass(frozen=True)
class Change:
    """One change. ``module`` orders and groups entries; it is not part of the JSON."""

    change: str
    code: str
    path: str  # POSIX, relative to the catalog root, on the newer side (the older side when removed)
    fields: tuple[str, ...]
    title: str | None
    old: Mapping[str, Any] | None
    new: Mapping[str, Any] | None
    module: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "change": self.change,
            "code": self.code,
            "path": self.path,
            "fields": list(self.fields),
            "title": self.title,
            "old": _plain(self.old),
            "new": _plain(self.new),
        }


@dataclass(frozen=True)
class Unreadable:
    """A changed file one side of which could not be read or parsed: compared as far as possible."""

    path: str
    side: str  # "old" or "new"
    reason: Text


@dataclass(frozen=True)
class ChangeSet:
    since: str
    until: str | None  # None: the work tree
    changes: tuple[Change, ...]
    modules: Mapping[str, str]  # 体系编号 → name on the newer side, for labels
    unreadable: tuple[Unreadable, ...] = ()

    def to_json(self) -> list[dict[str, Any]]:
        return [change.to_json() for change in self.changes]

    def of_kind(self, kind: str) -> list[Change]:
        return [change for change in self.changes if change.change == kind]


def compare(diff: CatalogDiff, config: Config) -> ChangeSet:
    """Every change between the two sides of ``diff``, in a stable order (records by module then code,
    then modules, projects and plans)."""
    records_dir = _directory(config.catalog.records)
    system_rel = PurePosixPath(config.catalog.system).as_posix()
    unreadable: list[Unreadable] = []
    record_files, system_files, project_files, plan_files = [], [], [], []
    for item in diff.files:
        for side, name in ((item.old, "old"), (item.new, "new")):
            if side is not None and side.problem is not None:
                unreadable.append(Unreadable(side.rel, name, side.problem))
        rel = (item.new or item.old).rel  # type: ignore[union-attr]
        if rel == system_rel:
            system_files.append(item)
        elif _is_yaml_in(rel, records_dir):
            record_files.append(item)
        elif _is_yaml_in(rel, _directory(config.catalog.projects)):
            project_files.append(item)
        elif _is_yaml_in(rel, _directory(config.catalog.plans)):
            plan_files.append(item)
    names = _module_names(_parsed(diff.system_new)) if diff.system_new else {}
    changes = _record_changes(record_files, config, diff.old_record_names, unreadable)
    changes += _module_changes(system_files)
    changes += _project_changes(project_files)
    changes += _plan_changes(plan_files)
    return ChangeSet(diff.since, diff.until, tuple(changes), names, tuple(unreadable))


# ---------------------------------------------------------------------------------------------- in words


def value_text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def module_label(changes: ChangeSet, module: str | None) -> str:
    if module is None:
        return ""
    name = changes.modules.get(module)
    return f"{module} {name}" if name else module


_OTHER_LABELS = {"stage": "阶段", "withdrawn": "终止日期", "name": "名称", "id": "体系编号", "tasks": "任务"}


def field_label(name: str) -> str:
    """A field's Chinese name (``title`` → 标准名称), from the models' descriptions; the name itself if unknown."""
    found = Standard.model_fields.get(name)
    if found is not None and found.description:
        return found.description.split(" ", 1)[0]
    return _OTHER_LABELS.get(name, name)


def details(change: Change, lang: Lang, *, labels: bool = False) -> list[str]:
    """What changed, one line a field (``title: 旧 → 新``); empty for added/removed. ``labels``: fields by their
    Chinese names (标准名称) where the reader is not the one editing the YAML (the bulletin)."""
    if change.change == "superseded":
        old_code = (change.old or {}).get("code")
        return [Text(f"代替 {old_code}", f"replaces {old_code}").get(lang)]
    if change.change == "plan-tasks-done":
        tasks = (change.new or {}).get("tasks", [])
        return [f"{t['phase']} / {t['subject']}: {value_text(t['done'])}" for t in tasks]
    old, new = change.old or {}, change.new or {}
    lines = [
        f"{field_label(name) if labels else name}: {value_text(old.get(name))} → {value_text(new.get(name))}"
        for name in change.fields if not (change.change == "plan-modified" and name == "tasks")
    ]
    return [*lines, *_task_lines(change)] if change.change == "plan-modified" else lines


def summary(changes: ChangeSet, lang: Lang) -> str:
    counts = Counter(change.change for change in changes.changes)
    if not counts:
        return Text("没有变化", "no changes").get(lang)
    parts = [f"{KIND_LABELS[kind].get(lang)} {counts[kind]}" for kind in KINDS if counts[kind]]
    total = len(changes.changes)
    if lang == "en":
        return f"{total} change{'s' if total != 1 else ''}: " + ", ".join(parts)
    return f"共 {total} 项：" + "，".join(parts)


# ---------------------------------------------------------------------------------------------- records


@dataclass
class _Rec:
    rel: str
    data: dict[str, Any] | None  # None: the file did not read or parse
    key: str | None

    def get(self, name: str) -> Any:
        return self.data.get(name) if self.data else None

    @property
    def title(self) -> str | None:
        title = self.get("title")
        return str(title) if title is not None else None

    @property
    def module(self) -> str | None:
        module = self.get("module")
        return str(module) if module is not None else None


@dataclass
class _Pair:
    old: _Rec | None
    new: _Rec | None
    entry: Change | None = field(default=None)


def _record_changes(
    files: list[FileDiff], config: Config, old_names: frozenset[str], unreadable: list[Unreadable]
) -> list[Change]:
    pattern = config.catalog.internal_regex

    def rec(side: FileSide | None, name: str) -> _Rec | None:
        if side is None:
            return None
        data = _parsed(side)
        if side.text is not None and data is None:
            unreadable.append(
                Unreadable(side.rel, name, Text("不是有效的 YAML 记录", "not a valid YAML record"))
            )
        return _Rec(side.rel, data, _key(data, pattern))

    sides = [(rec(f.old, "old"), rec(f.new, "new")) for f in files]
    olds = [old for old, _ in sides if old is not None]
    news = [new for _, new in sides if new is not None]
    pairs: list[_Pair] = []
    matched: set[int] = set()
    # 1. the same code on both sides is the same standard, wherever its file is now
    by_key: dict[str, list[_Rec]] = {}
    for old in sorted(olds, key=lambda r: r.rel):
        if old.key is not None:
            by_key.setdefault(old.key, []).append(old)
    for new in sorted(news, key=lambda r: r.rel):
        candidates = by_key.get(new.key or "", [])
        if candidates:
            old = candidates.pop(0)
            pairs.append(_Pair(old, new))
            matched.update((id(old), id(new)))
    # 2. what is left is paired by file (an edit in place or a git rename): a changed code, or a broken file
    for old, new in sides:
        if old is not None and new is not None and id(old) not in matched and id(new) not in matched:
            pairs.append(_Pair(old, new))
            matched.update((id(old), id(new)))
    pairs += [_Pair(old, None) for old in olds if id(old) not in matched]
    pairs += [_Pair(None, new) for new in news if id(new) not in matched]
    for pair in pairs:
        pair.entry = _classify(pair.old, pair.new, pattern)
    superseded = _supersessions(pairs, old_names, pattern)
    entries = [pair.entry for pair in pairs if pair.entry is not None] + superseded
    return sorted(entries, key=_record_order)


def _classify(old: _Rec | None, new: _Rec | None, pattern: CodePattern | None) -> Change | None:
    if old is None and new is not None:
        return _entry("added", new, (), None, None)
    if new is None and old is not None:
        return _entry("removed", old, (), None, None)
    assert old is not None and new is not None
    if old.data is None or new.data is None:  # nothing to compare field by field
        return _entry("modified", new if new.data is not None else old, (), None, None, path=new.rel)
    names = _changed_fields(old.data, new.data, pattern)
    if not names:
        return None  # moved or reformatted: the same standard, saying the same
    if old.key != new.key:
        kind = "renamed"
    elif "status" in names:
        kind = "abolished" if _status(new.get("status")) is Status.ABOLISHED else "status"
    else:
        kind = "modified"
    return _entry(kind, new, names, {n: old.data.get(n) for n in names}, {n: new.data.get(n) for n in names})


def _entry(
    kind: str,
    rec: _Rec,
    names: Iterable[str],
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any] | None,
    path: str | None = None,
) -> Change:
    return Change(kind, rec.key or rec.rel, path or rec.rel, tuple(names), rec.title, old, new, rec.module)


def _changed_fields(
    old: Mapping[str, Any], new: Mapping[str, Any], pattern: CodePattern | None
) -> tuple[str, ...]:
    names = set()
    for name in set(old) | set(new):
        if name == "code":  # a respelling (GB/T41568 → GB/T 41568) is not a change of the standard
            if _canonical(old.get(name), pattern) != _canonical(new.get(name), pattern):
                names.add(name)
        elif name == "status":
            if _status(old.get(name)) != _status(new.get(name)) or (
                _status(new.get(name)) is None and old.get(name) != new.get(name)
            ):
                names.add(name)
        elif _as_read(old.get(name)) != _as_read(new.get(name)):  # an empty key and a missing one: null
            names.add(name)
    return tuple(sorted(names))


def _as_read(value: Any) -> Any:
    """A value as the record model reads it: text without the spaces around it (``str_strip_whitespace``,
    which also takes a fullwidth 　 or a no-break space), in lists and mappings too. A title that only gained a
    trailing space is the same title to every report, and was shown as a change ``X → X``."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list):
        return [_as_read(item) for item in value]
    if isinstance(value, dict):
        return {key: _as_read(item) for key, item in value.items()}
    return value


def _supersessions(
    pairs: list[_Pair], old_names: frozenset[str], pattern: CodePattern | None
) -> list[Change]:
    """A new edition replacing an old one is one entry on the pair; both sides' own entries are folded in."""
    old_by_key = {p.old.key: p for p in pairs if p.old is not None and p.old.key}
    new_by_key = {p.new.key: p for p in pairs if p.new is not None and p.new.key}
    found: dict[tuple[str, str], _Pair] = {}

    lowered = {name.lower() for name in old_names}  # X.YAML is a record file too

    def existed(code: str) -> bool:
        parsed = try_parse(code, pattern)
        if code in old_by_key:
            return True
        if parsed is None:
            return False
        stem = parsed.filename[: -len(".yaml")].lower()
        return f"{stem}.yaml" in lowered or f"{stem}.yml" in lowered

    for pair in pairs:
        new = pair.new
        if new is None or new.data is None or new.key is None:
            continue
        before = set(_codes(pair.old.get("replaces"), pattern)) if pair.old else set()
        for code in _codes(new.get("replaces"), pattern):
            if code not in before and code != new.key and existed(code):
                found.setdefault((code, new.key), pair)
    for pair in pairs:  # the old edition names an added successor
        old_side, new_side = pair.old, pair.new
        if new_side is None or new_side.data is None or new_side.key is None:
            continue
        before = set(_codes(old_side.get("replaced_by"), pattern)) if old_side else set()
        for code in _codes(new_side.get("replaced_by"), pattern):
            successor = new_by_key.get(code)
            if code not in before and successor is not None and successor.old is None:
                found.setdefault((new_side.key, code), successor)
    entries = []
    for (old_code, new_code), pair in sorted(found.items()):
        assert pair.new is not None
        pair.entry = None
        predecessor = old_by_key.get(old_code)
        # the old edition abolished or edited is part of the supersession; its record deleted is not (被代替 is
        # 废止 plus a successor: the record stays), and folding it in hid a record gone from the catalog
        if predecessor is not None and predecessor.new is not None:
            predecessor.entry = None
        entries.append(_entry("superseded", pair.new, ("code",), {"code": old_code}, {"code": new_code}))
    return entries


def _record_order(change: Change) -> tuple[Any, ...]:
    return (
        _natural(change.module),
        _natural(change.code),
        RECORD_KINDS.index(change.change),
        _natural(str((change.old or {}).get("code", ""))),
        change.path,
    )


# ---------------------------------------------------------------------------------------------- catalog level


def _module_changes(files: list[FileDiff]) -> list[Change]:
    changes: list[Change] = []
    for item in files:
        old = _module_names(_parsed(item.old)) if item.old else {}
        new = _module_names(_parsed(item.new)) if item.new else {}
        rel = (item.new or item.old).rel  # type: ignore[union-attr]
        gone = {i: n for i, n in old.items() if i not in new}
        born = {i: n for i, n in new.items() if i not in old}
        # a module renumbered under the same name is a rename of its id, not a loss and a gain
        by_name = {n: i for i, n in gone.items()}
        for new_id, name in sorted(born.items()):
            old_id = by_name.pop(name, None)
            if old_id is not None:
                del gone[old_id]
                changes.append(
                    Change(
                        "module-renamed", new_id, rel, ("id",), name, {"id": old_id}, {"id": new_id}, new_id
                    )
                )
            else:
                changes.append(Change("module-added", new_id, rel, (), name, None, None, new_id))
        changes += [Change("module-removed", i, rel, (), n, None, None, i) for i, n in gone.items()]
        for module_id in sorted(set(old) & set(new)):
            if old[module_id] != new[module_id]:
                changes.append(
                    Change(
                        "module-renamed",
                        module_id,
                        rel,
                        ("name",),
                        new[module_id],
                        {"name": old[module_id]},
                        {"name": new[module_id]},
                        module_id,
                    )
                )
    return sorted(changes, key=lambda c: (_natural(c.code), CATALOG_KINDS.index(c.change)))


def _module_names(data: Any) -> dict[str, str]:
    """体系编号 → name from a system file's data, read leniently (a file the model rejects still has names)."""
    found: dict[str, str] = {}

    def visit(modules: Any) -> None:
        if not isinstance(modules, list):
            return
        for module in modules:
            if isinstance(module, dict) and module.get("id") is not None:
                found[str(module["id"]).strip()] = str(module.get("name") or "")
                visit(module.get("modules"))

    if isinstance(data, dict):
        visit(data.get("modules"))
    return found


def _project_changes(files: list[FileDiff]) -> list[Change]:
    changes = []
    for item in files:
        old, new = _parsed(item.old), _parsed(item.new)
        names = []
        before = {"stage": _stage(old), "withdrawn": _get(old, "withdrawn")}
        after = {"stage": _stage(new), "withdrawn": _get(new, "withdrawn")}
        names = [n for n in ("stage", "withdrawn") if before[n] != after[n]]
        if not names or (new is None and item.new is not None):  # an unreadable new side: no stage to report
            continue
        side = item.new or item.old
        assert side is not None
        data = new if new is not None else old
        code = str(_get(data, "id") or PurePosixPath(side.rel).stem)
        changes.append(
            Change(
                "project-stage",
                code,
                side.rel,
                tuple(sorted(names)),
                _str(_get(data, "title")),
                {n: before[n] for n in names},
                {n: after[n] for n in names},
                _str(_get(data, "module")),
            )
        )
    return sorted(changes, key=lambda c: (_natural(c.module), _natural(c.code)))


def _stage(data: Any) -> str | None:
    """The furthest stage a project's history reached, by its canonical name."""
    history = _get(data, "history")
    if not isinstance(history, list):
        return None
    stages = [parse_stage(str(e.get("stage", ""))) for e in history if isinstance(e, dict)]
    known = [s for s in stages if s is not None]
    return max(known, key=lambda s: s.order).value if known else None


def _plan_changes(files: list[FileDiff]) -> list[Change]:
    """A plan added or removed, its tasks newly done, and any other edit (a task's subject or deadline, a
    phase, a target) as modified, by the top-level fields that differ: only tasks done were said before, so
    a removed plan or a moved deadline was "no changes"."""
    changes = []
    for item in files:
        old, new = _parsed(item.old), _parsed(item.new)
        side = item.new or item.old
        if side is None:
            continue
        code, title = PurePosixPath(side.rel).stem, _str(_get(new if item.new else old, "title"))
        if item.old is None or item.new is None:
            kind = "plan-added" if item.old is None else "plan-removed"
            changes.append(Change(kind, code, side.rel, (), title, None, None))
            continue
        before = dict(_tasks(old))
        newly = [(key, task) for key, task in _tasks(new)
                 if task.get("done") is not None and before.get(key, {}).get("done") is None]
        if newly:
            changes.append(Change(
                "plan-tasks-done", code, side.rel, ("tasks",), title,
                {"tasks": [{"phase": k[0], "subject": k[1], "done": None} for k, _ in newly]},
                {"tasks": [{"phase": k[0], "subject": k[1], "done": t.get("done")} for k, t in newly]},
            ))
        # the rest of the edit, with the newly done tasks' dates as they were (those are the change above)
        compared = _done_as_before(new, {key for key, _ in newly}, before)
        if isinstance(old, dict) and isinstance(compared, dict):
            fields = tuple(k for k in dict.fromkeys([*old, *compared]) if old.get(k) != compared.get(k))
            if fields:
                then, now = {k: old.get(k) for k in fields}, {k: compared.get(k) for k in fields}
                if "tasks" in fields:  # the tasks that changed, not the whole table twice
                    then["tasks"], now["tasks"] = _changed_tasks(dict(_tasks(old)), dict(_tasks(compared)))
                changes.append(Change("plan-modified", code, side.rel, fields, title, then, now))
    return sorted(changes, key=lambda c: (_natural(c.code), CATALOG_KINDS.index(c.change)))


def _changed_tasks(
    old: dict[tuple[str, str], dict[str, Any]], new: dict[tuple[str, str], dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The tasks added, removed or edited (by phase and subject), each side's version."""
    keys = [key for key in dict.fromkeys([*old, *new]) if old.get(key) != new.get(key)]
    return [old[key] for key in keys if key in old], [new[key] for key in keys if key in new]


def _task_lines(change: Change) -> list[str]:
    """One line per edited task field (``评估验收 / 试点验收: deadline 2023-04 → 2023-06``), a task added (+) or
    removed (−)."""
    def name(task: Mapping[str, Any]) -> str:
        return f"{task.get('phase', '')} / {task.get('subject', '')}"

    old = {name(t): t for t in (change.old or {}).get("tasks", [])}
    new = {name(t): t for t in (change.new or {}).get("tasks", [])}
    lines = []
    for key in dict.fromkeys([*old, *new]):
        if key not in old:
            lines.append(f"+ {key}")
        elif key not in new:
            lines.append(f"− {key}")
        else:
            lines += [f"{key}: {field} {value_text(old[key].get(field))} → {value_text(new[key].get(field))}"
                      for field in dict.fromkeys([*old[key], *new[key]]) if old[key].get(field) != new[key].get(field)]
    return lines


def _done_as_before(data: Any, newly: set[tuple[str, str]], before: dict[tuple[str, str], dict[str, Any]]) -> Any:
    """``data`` with the ``done`` of each newly done task as the older side had it."""
    if not newly or not isinstance(data, dict) or not isinstance(data.get("tasks"), list):
        return data
    tasks = []
    for task in data["tasks"]:
        key = (str(task.get("phase", "")), str(task.get("subject", ""))) if isinstance(task, dict) else None
        if key in newly:
            task = {k: v for k, v in task.items() if k != "done"}
            if "done" in before.get(key, {}):
                task["done"] = before[key]["done"]
        tasks.append(task)
    return {**data, "tasks": tasks}


def _tasks(data: Any) -> list[tuple[tuple[str, str], dict[str, Any]]]:
    """A plan's tasks keyed by (phase, subject): the task table has no ids, and rows may be reordered."""
    tasks = _get(data, "tasks")
    if not isinstance(tasks, list):
        return []
    return [((str(t.get("phase", "")), str(t.get("subject", ""))), t) for t in tasks if isinstance(t, dict)]


# ---------------------------------------------------------------------------------------------- helpers


def _directory(configured: str) -> str:
    return PurePosixPath(configured).as_posix().strip("/")


def _is_yaml_in(rel: str, directory: str) -> bool:
    inside = rel.startswith(directory + "/") if directory not in ("", ".") else True
    return inside and is_yaml_name(rel)


def _parsed(side: FileSide | None) -> dict[str, Any] | None:
    if side is None or side.text is None:
        return None
    data, problems = parse_yaml(side.text)
    return data if not problems and isinstance(data, dict) else None


def _get(data: Any, name: str) -> Any:
    return data.get(name) if isinstance(data, dict) else None


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def _key(data: dict[str, Any] | None, pattern: CodePattern | None) -> str | None:
    return _canonical(_get(data, "code"), pattern)


def _canonical(raw: Any, pattern: CodePattern | None) -> str | None:
    if not isinstance(raw, str) or not raw.strip():
        return None
    code = try_parse(raw, pattern)
    return code.canonical if code else raw.strip()


def _codes(raw: Any, pattern: CodePattern | None) -> list[str]:
    items = [raw] if isinstance(raw, str) else raw if isinstance(raw, list) else []
    return [c for c in (_canonical(item, pattern) for item in items) if c]


def _status(raw: Any) -> Status | None:
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    for status in Status:
        if status.value == text:
            return status
    found = {k.casefold(): v for k, v in STATUS_ALIASES.items()}.get(text.casefold())
    return found if isinstance(found, Status) else None


def _natural(value: str | None) -> tuple[Any, ...]:
    """Sort key: numbers by value (module 304.2 before 304.10), missing values last."""
    if value is None:
        return (1,)
    return (0, *((int(part) if i % 2 else part) for i, part in enumerate(re.split(r"(\d+)", value))))


def _plain(value: Any) -> Any:
    """Parsed YAML → JSON-ready data: dates as ISO text, mappings and sequences as dicts and lists."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value
