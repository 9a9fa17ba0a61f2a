"""Saving what the web forms say into record files, with every guarantee the CLI gives.

Each change goes through ruamel's round-trip editor (:mod:`gbstd.catalog.roundtrip`): only the fields that
differ are set or removed, so comments, key order, quoting and every untouched line stay byte for byte. Before
anything is written the new text must validate as a record (errors come back per field), must not add an
error-level finding of the catalog's rules, and the file must still be the one the form was opened on (its
content hash); the write is atomic (:mod:`gbstd.catalog.atomic`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from gbstd.catalog.atomic import ChangedMeanwhile, holds_bytes, through_link, write_atomic
from gbstd.catalog.catalog import Catalog, Record
from gbstd.catalog.comment_tails import (
    append_item,
    delete_item,
    give_rest,
    insert_item,
    pop_key,
    replace_item,
    take_rest,
)
from gbstd.catalog.config_file import CatalogError
from gbstd.catalog.invisible import refused_invisible
from gbstd.catalog.loader import record_from_data
from gbstd.catalog.newrecord import insert_in_order, yaml_value
from gbstd.catalog.record_edit import EditError, NeedsReformat, find_record, left_unchanged, refuse_too_large
from gbstd.catalog.references import resolve_reference
from gbstd.catalog.roundtrip import LOST_WHERE, LineEnds, dump_roundtrip, load_roundtrip, lost_comment
from gbstd.catalog.safe_read import require_catalog_file
from gbstd.catalog.yamlio import BOM, parse_yaml
from gbstd.engine import findings_in, selected_rules
from gbstd.findings import Finding, Severity
from gbstd.i18n import Text
from gbstd.model.standard import Status, module_spelling
from gbstd.rules import Rule
from gbstd.rules.base import LoadRule, RecordRule, changed_facts, severity_of
from gbstd.rules.c019_name_line_break import NAMES
from gbstd.selection import Selection
from gbstd.serve.forms import CODE_LISTS, FORM_FIELDS, submitted_unchanged
from gbstd.tabular.cells import folded_name

GENERAL = "_"
# Fields whose values are ASCII identifiers (a module id, a GB/T 2260 region code, a CCS or ICS class): what the
# form sends in fullwidth digits or letters is written in ASCII
ASCII_FIELDS = frozenset({"module", "region", "ccs", "ics"})
DATE_FIELDS = frozenset(f.name for f in FORM_FIELDS if f.kind == "date")  # the key of errors that belong to no single field


class Conflict(CatalogError):
    """The file changed on disk since the form was opened: saving would lose that change."""


class Unwritable(CatalogError):
    """The system would not let the record's file be written."""


@dataclass
class Invalid(Exception):
    """The edit does not validate: messages by field (``GENERAL`` for the record as a whole)."""

    errors: dict[str, list[Text]] = field(default_factory=dict)

    def add(self, name: str, message: Text) -> None:
        self.errors.setdefault(name, []).append(message)


@dataclass
class Loaded:
    """A record's file as the editor reads it."""

    record: Record
    raw: bytes
    text: str  # without BOM, LF line ends, ending in a newline
    ends: LineEnds  # the file's own line ends, final newline and BOM, written back as they are

    @property
    def digest(self) -> str:
        return content_digest(self.raw)

    def data(self) -> dict[str, Any]:
        parsed, _ = parse_yaml(self.text)
        return parsed if isinstance(parsed, dict) else {}


def content_digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def load(catalog: Catalog, code: str) -> Loaded:
    """The record of ``code`` and its file, read as lint reads it (size limit, no links leading outside)."""
    record = find_record(catalog, code)
    document = require_catalog_file(catalog.root, record.path, catalog.config.catalog.max_file_size)
    text = document.text or ""
    raw = (BOM if document.bom else b"") + text.encode("utf-8")
    return Loaded(record, raw, *LineEnds.kept(text, document.bom))  # as `review add` and import --update read it


def _encoded(loaded: Loaded, text: str) -> bytes:
    return loaded.ends.applied(text).encode("utf-8", "surrogateescape")


REFORMAT_ASKED = Text(
    "的排版与目录惯例不同（如开头的 ---、未缩进的列表项），原样保留就无法写入这次修改；"
    "勾选“按目录惯例重排此文件”后再提交：整个文件按惯例重排，内容与注释不变",
    "is laid out unlike the catalog's files (a leading ---, unindented list items…), and this change cannot be "
    "written with the rest kept as it is; tick \"reformat this file\" and submit again: the whole file is laid "
    "out anew, its content and comments kept",
)


def reformat_asked(rel: str) -> Text:
    """Why an edit of ``rel`` needs the user's leave to lay the file out anew, in the web editor's words."""
    return Text(f"{rel} {REFORMAT_ASKED.zh}", f"{rel} {REFORMAT_ASKED.en}")


def edited(loaded: Loaded, change: Callable[[CommentedMap], None], reformat: bool = False) -> tuple[str, dict[str, Any]]:
    """The file's text after ``change`` and its parsed data; refuses a file that would be laid out anew unless
    ``reformat`` (the user ticked it)."""
    doc = load_roundtrip(loaded.text)
    laid_out = dump_roundtrip(doc)
    if laid_out != loaded.text:
        if not reformat:
            raise NeedsReformat(reformat_asked(loaded.record.rel))
        if (lost := lost_comment(loaded.text, laid_out)) is not None:  # the layout itself would drop it
            raise EditError(Text(
                f"{loaded.record.rel} 第 {lost[1]} 行的注释 {lost[0]} 在重新排版后会丢失（{LOST_WHERE.zh}）；"
                "请先在文件中移动该注释，文件未改动",
                f"{loaded.record.rel}: the comment {lost[0]} on line {lost[1]} would be lost by laying the file out "
                f"anew ({LOST_WHERE.en}); move it in the file first (the file is unchanged)",
            ))
    change(doc)
    text = dump_roundtrip(doc)
    parsed, problems = parse_yaml(text)
    if problems:  # the check would read {} and say the record lacks its code and title: said as it is
        problem = problems[0]
        raise EditError(Text(
            f"{loaded.record.rel} 修改后将无法读取（第 {problem.line} 行：{problem.message.zh}），未保存",
            f"{loaded.record.rel} could not be read after this change (line {problem.line}: {problem.message.en}); "
            "nothing was saved",
        ))
    return text, parsed if isinstance(parsed, dict) else {}


def set_fields(doc: CommentedMap, values: dict[str, Any], normalise: Callable[[str], str] | None = None) -> None:
    """Set (or remove, for None) each field, keeping the document's order; new keys go in model order. A list
    the file has is changed in place, item by item: the items kept keep their comments, and the list its style
    (``normalise`` spells a code canonically: a code list's items are compared that way, as the form sends them)."""
    for key, value in values.items():
        if value is None:
            pop_key(doc, key)
            continue
        if key in DATE_FIELDS and isinstance(value, str):
            # A valid date is a YAML date, as `gbstd new` writes it; an invalid one stays text for the model
            # to report at its field, and so does one not written YYYY-MM-DD (fromisoformat reads 20240307)
            with contextlib.suppress(ValueError):
                day = dt.date.fromisoformat(value)
                value = day if day.isoformat() == value else value
        existing = doc.get(key)
        if isinstance(value, list) and isinstance(existing, CommentedSeq) and existing:
            _edit_list(existing, key, value, normalise if key in CODE_LISTS else None)
        else:
            insert_in_order(doc, key, yaml_value(key, value))


def _edit_list(items: CommentedSeq, key: str, wanted: list[Any], normalise: Callable[[str], str] | None) -> None:
    """Make ``items`` read ``wanted`` by replacing, deleting and inserting items (from the end, so that the
    positions of those still to do stay put): comment lines stay above the item or key they head
    (:mod:`gbstd.catalog.comment_tails`), and an item kept keeps its spelling (``GB/T29118-2023`` is the form's
    ``GB/T 29118-2023``). The lines after the list (heading the next key) stay after it, however it ends."""
    have = [normalise(str(item)) if normalise else str(item) for item in items]
    steps = difflib.SequenceMatcher(a=have, b=[str(item) for item in wanted], autojunk=False).get_opcodes()
    after = take_rest(items, len(items) - 1)
    for tag, start, end, new_start, new_end in reversed(steps):
        if tag == "equal":
            continue
        new = [yaml_value(key, item) for item in wanted[new_start:new_end]]
        common = min(end - start, len(new))
        for at in range(end - 1, start + common - 1, -1):
            delete_item(items, at)
        for offset in range(common):
            replace_item(items, start + offset, new[offset])
        for offset, value in enumerate(new[common:], start=common):
            insert_item(items, start + offset, value)
    if len(items):
        give_rest(items, len(items) - 1, after)


def check(catalog: Catalog, *edits: tuple[Loaded, dict[str, Any]]) -> None:
    """The edited records, validated by the model and by the rules: no error-level finding that the
    catalog did not have before (all edits judged together, so both sides of a supersession agree)."""
    invalid = Invalid()
    updated: dict[str, Record] = {}
    for loaded, parsed in edits:
        record = loaded.record
        before = loaded.data()
        for key, value in parsed.items():  # Y008 reads the file, not the model: a value the edit brings in
            said = refused_invisible({key: value}) if value != before.get(key) else None
            if said is not None:
                invalid.add(str(key), said)
        standard, code, problems = record_from_data(parsed, record.rel, catalog.config)
        for problem in problems:
            invalid.add(str(problem.loc[0]) if problem.loc else GENERAL, problem.message)
        if standard is None and not problems:
            invalid.add(GENERAL, Text("记录无效", "the record is not valid"))
        if standard is not None:
            updated[record.rel] = replace(record, standard=standard, code=code)
    if invalid.errors:
        raise invalid
    after = replace(catalog, records=[updated.get(r.rel, r) for r in catalog.records])
    # the edited files, and those of the records an edit can bring a finding to: either side of a supersession
    # or a reference, as the file was and as it would be (an earlier effective date of a successor is an error
    # in its predecessor's file, C012)
    paths = set(updated) | _linked(catalog, after, set(updated))
    changed = frozenset().union(*(changed_facts(loaded.record.standard, updated[loaded.record.rel].standard)
                                  for loaded, _ in edits))
    rules = _rules_for(catalog, changed)
    before = _errors(catalog, paths, rules)
    # in another record's file an error is new when that file has more of its rule than before: its words may
    # quote the edited record (C012 names the successor's date), and the form cannot correct that file
    had = Counter((path, rule) for path, rule, _ in before if path not in updated)
    for key, finding in _errors(after, paths, rules).items():
        if finding.path not in updated:
            had[(finding.path, finding.rule)] -= 1
            if had[(finding.path, finding.rule)] >= 0:
                continue
        if key not in before:
            where = str(finding.loc[0]) if finding.loc and finding.path in updated else GENERAL
            said = Text(f"{finding.rule} {finding.message.zh}", f"{finding.rule} {finding.message.en}")
            if finding.path not in updated:  # the finding would be in another record's file: named
                said = Text(f"{finding.path}：{said.zh}", f"{finding.path}: {said.en}")
            invalid.add(where, said)
    if invalid.errors:
        raise invalid


def _linked(before: Catalog, after: Catalog, rels: set[str]) -> set[str]:
    """The files of the records that the edited records (``rels``) name in a code list, as they were and as
    they would be, or that name one of them (dated or undated: :func:`resolve_reference`). The other records
    are the same in both catalogs: looked at once."""
    def named(record: Record, catalog: Catalog) -> list[Record]:
        codes = [raw for name in CODE_LISTS for raw in getattr(record.standard, name)]
        return [found for raw in codes if (found := resolve_reference(catalog, raw)) is not None]

    found: set[str] = set()
    for catalog in (before, after):
        for record in catalog.records:
            if record.rel in rels:
                found.update(other.rel for other in named(record, catalog))
    for record in before.records:
        if record.rel not in rels and any(other.rel in rels for other in named(record, before)):
            found.add(record.rel)
    return found - rels


def _rules_for(catalog: Catalog, changed: frozenset[str]) -> list[Rule]:
    """The rules that can give the edited and linked files an error the edit brings: the configured ones
    (``[lint]`` select, ignore and severity) at error level, that report in record files; of the catalog-wide
    ones only those that read a group of facts the edit changes (``changed``: :func:`changed_facts`) — the
    others find the same before and after, as incremental lint relies on. Duplicate rules (D) are advice and
    slow, history rules (G) need git: the pages show them from lint."""
    return [
        rule for rule in selected_rules(Selection.configured(catalog.config))
        if not rule.code.startswith(("D", "G")) and rule.on_records and not isinstance(rule, LoadRule)
        and severity_of(catalog, rule) is Severity.ERROR
        and (isinstance(rule, RecordRule) or bool(rule.reads & changed))
    ]


def _errors(catalog: Catalog, paths: set[str], rules: list[Rule]) -> dict[tuple[str, str, str], Finding]:
    found = findings_in(catalog, dt.date.today(), rules, paths)
    return {(f.path, f.rule, f.message.en): f for f in found if f.severity is Severity.ERROR}


def write_checked(loaded: Loaded, text: str, expected: str | None, *more: tuple[Loaded, str, str | None],
                  limit: int | None = None) -> None:
    """Write ``text`` unless the file changed since ``expected`` (its digest when the form was opened); with
    ``more`` edits (a successor's file), none is written unless every one is unchanged, and when one cannot be
    written those written before it are put back: the files change together or not at all. ``limit``: the
    catalog's max_file_size, which no file written may pass (lint would not read it)."""
    edits = [(loaded, text, expected), *more]
    seen: dict[str, bytes | None] = {}  # each file as this check found it: compared again just before its rename
    for each, _, digest in edits:
        now = each.record.path.read_bytes() if each.record.path.is_file() else b""
        seen[each.record.rel] = now if each.record.path.is_file() else None
        if digest is not None and content_digest(now) != digest:
            raise _changed(each.record.rel)
    encoded = [_encoded(each, new_text) for each, new_text, _ in edits]
    if limit is not None:
        for (each, _, _), data in zip(edits, encoded, strict=True):
            refuse_too_large(each.record.rel, len(data), limit, Text("未保存", "nothing was saved"))
    written: list[Loaded] = []
    for (each, _, _), data in zip(edits, encoded, strict=True):
        # another program (a second server, `gbstd fmt`, an editor) may write the file between the check above
        # and the rename: compared once more with the new text on disk, so that its change is not renamed over
        before = seen[each.record.rel]
        try:
            write_atomic(through_link(each.record.path, each.record.root), data,
                         unchanged=lambda target, before=before: holds_bytes(target, before))
        except OSError as exc:  # a read-only checkout, a full disk: the page says so, the files are as they were
            for earlier in written:
                with contextlib.suppress(OSError):
                    write_atomic(through_link(earlier.record.path, earlier.record.root), earlier.raw)
            if isinstance(exc, ChangedMeanwhile):
                raise _changed(each.record.rel) from None
            if len(edits) == 1:
                raise Unwritable(left_unchanged(each.record.rel, exc)) from None
            reason = exc.strerror or str(exc)
            files = [e.record.rel for e, _, _ in edits]
            raise Unwritable(Text(f"无法写入 {each.record.rel}：{reason}；{'、'.join(files)} 均未改动",
                                  f"{each.record.rel} cannot be written: {reason}; {', '.join(files)} are unchanged")) from None
        written.append(each)


def _changed(rel: str) -> Conflict:
    return Conflict(Text(
        f"{rel} 在打开表单后已被修改（他人或其他程序），未保存；请重新打开后再改",
        f"{rel} was changed on disk after the form was opened; nothing was saved — "
        "reload it and make the change again",
    ))


def save_form(catalog: Catalog, code: str, wanted: dict[str, Any], expected: str,
              normalise: Callable[[str], str], reformat: bool = False) -> list[str]:
    """Save the record form of ``code``; return the names of the fields written (none: nothing to do).
    ``normalise`` spells a code canonically: codes in lists are compared (and written) that way."""
    loaded = load(catalog, code)
    # a field is edited when the form sends something other than it sends unedited: compared with the file's
    # value, a save rewrote fields the form cannot show as they are (a title over two lines joined into one)
    unedited = submitted_unchanged(loaded.data(), loaded.record.standard, normalise)
    changes = {name: value for name, value in wanted.items() if value != unedited.get(name)}
    # ２０２ typed with a Chinese input method is module 202, as `import` and `new` write it, and so is a region,
    # a CCS or ICS class typed so (a region ４１ was left out of `review --region 41`); compared as sent (above),
    # so that a file's own ２０２ stays while the form leaves it alone and 202 typed over it is saved
    changes = {name: module_spelling(value) if name in ASCII_FIELDS and isinstance(value, str) else value
               for name, value in changes.items()}
    changes, _ = fold_names(changes)  # only what was edited: a name the form left alone stays as the file has it
    if loaded.digest != expected:
        # the same form sent twice (a double click, a resent page) finds the file it wrote itself: it already
        # says what the form says, and there is nothing to save; said "changed by someone else", it was not
        if any(value != unedited.get(name) for name, value in changes.items()):
            write_checked(loaded, loaded.text, expected)  # raises Conflict
        return []
    if not changes:
        return []
    text, parsed = edited(loaded, lambda doc: set_fields(doc, changes, normalise), reformat)
    check(catalog, (loaded, parsed))
    write_checked(loaded, text, expected, limit=catalog.config.catalog.max_file_size)
    return list(changes)


def fold_names(values: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """``values`` with the names among them (C019's fields: title, issuer…) written as `gbstd import` and
    `gbstd new` write them, line breaks joined and odd spaces plain (:func:`folded_name`); and which of them
    that changed."""
    result, folded = dict(values), []
    for name, label in NAMES.items():
        value = values.get(name)
        if isinstance(value, str):
            result[name] = folded_name(value, label)[0]
        elif isinstance(value, list):
            result[name] = [folded_name(item, label)[0] if isinstance(item, str) else item for item in value]
        if result.get(name) != value:
            folded.append(name)
    return result, folded


def _append_code(doc: CommentedMap, key: str, code: str) -> None:
    existing = doc.get(key)
    if isinstance(existing, CommentedSeq):
        if code not in existing:
            append_item(existing, code)
        return
    items = [*(existing if isinstance(existing, list) else [existing] if existing else []), code]
    insert_in_order(doc, key, yaml_value(key, items))


def abolish(catalog: Catalog, code: str, day: dt.date, successor: str | None, expected: str | None,
            reformat: bool = False) -> list[str]:
    """Mark ``code`` abolished on ``day``; with a successor, ``replaced_by`` here and ``replaces`` there.
    Both files are checked before either is written. Returns the files written (relative paths)."""
    loaded = load(catalog, code)
    target = None
    if successor:
        target = load(catalog, successor)
        if target.record.path == loaded.record.path:
            raise EditError(Text("标准不能代替自己", "a standard cannot replace itself"))
    values: dict[str, Any] = {"status": Status.ABOLISHED.value, "abolished": day.isoformat()}
    text, parsed = edited(loaded, lambda doc: (
        set_fields(doc, values), _append_code(doc, "replaced_by", target.record.key) if target else None), reformat)
    written = [loaded.record.rel]
    if target is None:
        if text == loaded.text:  # the form sent twice: the first abolished it so (a conflict, it was said)
            return []
        check(catalog, (loaded, parsed))
    else:
        target_text, target_parsed = edited(target, lambda doc: _append_code(doc, "replaces", loaded.record.key),
                                            reformat)
        if text == loaded.text and target_text == target.text:
            return []
        check(catalog, (loaded, parsed), (target, target_parsed))
        write_checked(loaded, text, expected, (target, target_text, target.digest),  # both or neither
                      limit=catalog.config.catalog.max_file_size)
        written.append(target.record.rel)
        return written
    write_checked(loaded, text, expected, limit=catalog.config.catalog.max_file_size)
    return written
