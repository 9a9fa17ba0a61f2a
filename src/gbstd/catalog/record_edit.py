"""Editing one record's file in place: appending a review (``gbstd review add``).

The edit goes through ruamel's round-trip mode (:mod:`gbstd.catalog.roundtrip`), so comments, key order,
quoting and flow/block styles stay as they were; only the new entry is added. Before anything is written,
the file must round-trip unchanged (otherwise formatting outside the new entry would change, and we refuse
unless asked to reformat) and the result must validate as a record. The write is atomic. Any refusal
raises :class:`EditError` and leaves the file untouched.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

from pydantic import ValidationError
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from gbstd.catalog.atomic import ChangedMeanwhile, holds_bytes, through_link, write_atomic
from gbstd.catalog.catalog import Catalog, Record
from gbstd.catalog.comment_tails import insert_item
from gbstd.catalog.config_file import CatalogError
from gbstd.catalog.invisible import refused_invisible
from gbstd.catalog.newrecord import insert_in_order
from gbstd.catalog.roundtrip import (
    LOST_WHERE,
    LineEnds,
    dump_roundtrip,
    load_roundtrip,
    lost_comment,
    unreadable,
)
from gbstd.catalog.safe_read import CatalogDocument, require_catalog_file
from gbstd.catalog.validation import describe_error, validate
from gbstd.catalog.writelock import catalog_writing
from gbstd.catalog.yamlio import BOM, parse_yaml
from gbstd.i18n import Text
from gbstd.model.standard import CONCLUSION_ALIASES, Conclusion, Review, Standard


class EditError(CatalogError):
    """A requested edit was refused; nothing was written."""


class ChangedSince(EditError):
    """The file changed on disk between reading it and writing the edit: writing would lose that change."""


class NeedsReformat(EditError):
    """The file's layout differs from the catalog's (a leading ``---``, unindented list items…): the edit can
    only be written with the whole file laid out anew, which the user must ask for."""


def find_record(catalog: Catalog, raw_code: str) -> Record:
    """The one record with this code (any spelling), or an :class:`EditError` saying why not."""
    key = catalog.key_for(raw_code)
    found = catalog.by_code.get(key, [])
    if not found:
        raise EditError(Text(
            f"目录中没有标准 {key}（或其文件无法加载，请运行 `gbstd lint`）",
            f"no standard {key} in the catalog (or its file does not load; run `gbstd lint`)",
        ))
    if len(found) > 1:
        files = ", ".join(r.rel for r in found)
        raise EditError(Text(f"标准 {key} 出现在多个文件中：{files}",
                             f"{key} is in more than one file: {files}"))
    return found[0]


REVIEW_INPUTS = ("date", "conclusion", "by", "note")


def typed_date(date: str, name: Text) -> dt.date:
    """A date the user typed (an option, a form's input: ``name`` says it as the user knows it), written as the
    catalog writes dates, or an :class:`EditError` in plain words. One check for every command and form."""
    try:
        day = dt.date.fromisoformat(date)
    except ValueError:
        raise EditError(Text(f"{name.zh} {date!r} 不是有效日期（YYYY-MM-DD）",
                             f"{name.en} {date!r} is not a valid date (YYYY-MM-DD)")) from None
    if day.isoformat() != date:  # fromisoformat reads 20250103 and 2025-W01-5 too; the catalog writes YYYY-MM-DD
        raise EditError(Text(f"{name.zh} {date!r} 应写作 YYYY-MM-DD（如 {day.isoformat()}）",
                             f"{name.en} {date!r} must be written YYYY-MM-DD (e.g. {day.isoformat()})"))
    return day


def review_from_input(typed: Mapping[str, str | None], names: Mapping[str, Text], *, illustrative: bool = False) -> Review:
    """The review a user typed (``review add``'s options, the web editor's review form: ``typed`` by
    :data:`REVIEW_INPUTS`), or an :class:`EditError` in plain words that name each input as the user knows it
    (``names``: ``--date``, or the form's 复审日期). One wording for both: the form showed pydantic's English."""
    date, conclusion = (typed.get("date") or "").strip(), (typed.get("conclusion") or "").strip()
    by, note = (typed.get("by") or "").strip(), (typed.get("note") or "").strip() or None
    said = {key: names.get(key, Text(key, key)) for key in REVIEW_INPUTS}
    day = typed_date(date, said["date"])
    allowed = " / ".join([c.value for c in Conclusion] + [c.label.en for c in Conclusion])
    if conclusion.casefold() not in {k.casefold() for k in (*[c.value for c in Conclusion], *CONCLUSION_ALIASES)}:
        raise EditError(Text(f"{said['conclusion'].zh} {conclusion!r} 不是复审结论（{allowed}）",
                             f"{said['conclusion'].en} {conclusion!r} is not a review conclusion ({allowed})"))
    if not by:
        raise EditError(Text(f"{said['by'].zh} 不能为空", f"{said['by'].en} must not be empty"))
    try:
        return Review.model_validate({"date": day, "conclusion": conclusion, "by": by, "note": note,
                                      "illustrative": illustrative})
    except ValidationError as exc:  # what the checks above do not foresee, still in both languages
        problems = [describe_error(dict(err))[0] for err in exc.errors(include_url=False)]
        raise EditError(Text(f"复审记录无效：{'；'.join(p.zh for p in problems)}",
                             f"invalid review: {'; '.join(p.en for p in problems)}")) from None


def check_review(record: Record, review: Review, as_of: dt.date) -> None:
    """Refuse a review that rule R006 would report (before it took effect, after its abolition, in the
    future), or one already recorded."""
    std = record.standard
    start = std.effective or std.published
    said = refused_invisible(review.model_dump(mode="json", exclude_none=True))  # Y008 once written
    if said is not None:
        raise EditError(said)
    if review.date > as_of:
        raise EditError(Text(f"复审日期 {review.date} 在 {as_of} 之后，尚未发生",
                             f"review date {review.date} is after {as_of}: it has not happened yet"))
    if start is not None and review.date < start:
        which = ("实施日期", "effective date") if std.effective else ("发布日期", "publication date")
        raise EditError(Text(f"复审日期 {review.date} 早于{which[0]} {start}",
                             f"review date {review.date} is before the {which[1]} {start}"))
    if std.abolished is not None and review.date > std.abolished:
        raise EditError(Text(
            f"{record.key} 已于 {std.abolished} 废止，不能记录 {review.date} 的复审",
            f"{record.key} was abolished on {std.abolished}; a review on {review.date} cannot be recorded",
        ))
    for existing in std.reviews:
        if existing.date == review.date and existing.conclusion is review.conclusion:
            raise EditError(Text(
                f"{record.key} 已有 {review.date} 的复审记录（{review.conclusion.value}）",
                f"{record.key} already has a review on {review.date} ({review.conclusion.label.en})",
            ))
        if existing.date == review.date:  # two conclusions of one day: which one holds is anyone's guess
            raise EditError(Text(
                f"{record.key} 已有 {review.date} 的复审记录，结论为“{existing.conclusion.value}”；"
                f"要改为“{review.conclusion.value}”，请修改那条记录（{record.rel}）",
                f"{record.key} already has a review on {review.date} concluding {existing.conclusion.label.en!r}; "
                f"to make it {review.conclusion.label.en!r}, change that review ({record.rel})",
            ))


def review_entry(review: Review) -> CommentedMap:
    """The YAML mapping of one review, in the model's key order, without defaults."""
    entry = CommentedMap()
    entry["date"] = review.date
    entry["conclusion"] = review.conclusion.value
    entry["by"] = review.by
    if review.note:
        entry["note"] = review.note
    if review.illustrative:
        entry["illustrative"] = True
    return entry


def add_review(
    catalog: Catalog, raw_code: str, review: Review, *, as_of: dt.date, allow_reformat: bool = False
) -> Record:
    """Add ``review`` to the record of ``raw_code`` (in date order) and write the file atomically; return the record.
    Another gbstd process writing the catalog (a web editor's save) is waited for (:mod:`gbstd.catalog.writelock`);
    a file some other program writes between the read and the rename is :class:`ChangedSince`, not overwritten."""
    record = find_record(catalog, raw_code)
    check_review(record, review, as_of)
    with catalog_writing(catalog.root):
        # Read as lint reads it: the file may have changed into a FIFO, a huge file or a link since loading.
        document = require_catalog_file(catalog.root, record.path, catalog.config.catalog.max_file_size)
        read = (BOM if document.bom else b"") + (document.text or "").encode("utf-8", "surrogateescape")
        new_text = _with_review(record.path, document, review, allow_reformat)
        refuse_too_large(record.rel, len(new_text), catalog.config.catalog.max_file_size,
                         Text("文件未改动", "the file is unchanged"))
        try:  # a link inside the catalog stays a link
            write_atomic(through_link(record.path, catalog.root), new_text, unchanged=lambda path: holds_bytes(path, read))
        except ChangedMeanwhile:
            raise ChangedSince(Text(f"{record.rel} 在读取后已被修改（他人或其他程序），复审未添加；请重试",
                                    f"{record.rel} was changed on disk after it was read (by someone else or another "
                                    "program); the review was not added, try again")) from None
        except OSError as exc:  # a read-only checkout, an immutable file: said by the command and the web editor alike
            raise EditError(left_unchanged(record.rel, exc)) from None
    return record


def refuse_too_large(rel: str, size: int, limit: int, then: Text) -> None:
    """Refuse to write ``size`` bytes to ``rel`` when that is over the catalog's ``max_file_size`` (``limit``):
    lint would not read the file (Y009), and its record would be gone from every command and page."""
    if size > limit:
        raise EditError(Text(
            f"保存后 {rel} 将有 {size} 字节，超过单个文件的上限 {limit} 字节（gbstd.toml 的 [catalog] "
            f"max_file_size），`gbstd lint` 将不读取该文件；{then.zh}",
            f"{rel} would be {size} bytes, over the limit of {limit} bytes a file ([catalog] max_file_size in "
            f"gbstd.toml), and `gbstd lint` would not read it; {then.en}",
        ))


def left_unchanged(rel: str, exc: OSError) -> Text:
    """Why a record file was not written, and that it is as it was (``review add``, the web editor's forms)."""
    reason = exc.strerror or str(exc)
    return Text(f"无法写入 {rel}：{reason}；文件未改动", f"{rel} cannot be written: {reason}; the file is unchanged")


def _with_review(path: Path, document: CatalogDocument, review: Review, allow_reformat: bool) -> bytes:
    # its line ends, final newline and BOM written back as they are (as the web editor and import --update do)
    baseline, ends = LineEnds.kept(document.text or "", document.bom)
    try:
        data = load_roundtrip(baseline)
    except YAMLError as exc:  # lint reads it, the round trip does not (NEL as a line break): a traceback before
        reason = unreadable(exc, baseline).message
        raise EditError(Text(f"{path.name} 无法改写：{reason.zh}；文件未改动",
                             f"{path.name} cannot be rewritten: {reason.en}; the file is unchanged")) from None
    if dump_roundtrip(data) != baseline and not allow_reformat:
        raise NeedsReformat(Text(
            f"{path.name} 的格式无法原样保留（缩进或引号风格与目录惯例不同）；"
            "请手工添加，或加 --reformat 允许重排整个文件",
            f"{path.name} cannot be rewritten without changing its formatting (indentation or quoting "
            "differs from the catalog's style); add the review by hand, or pass --reformat",
        ))
    _append(data, review_entry(review))
    new_text = dump_roundtrip(data)
    parsed, problems = parse_yaml(new_text)
    standard, findings = validate(Standard, parsed, path.name, None)
    if problems or findings or standard is None:
        detail = "; ".join(f.message.en for f in findings) or "; ".join(p.message.en for p in problems)
        raise EditError(Text(f"添加后 {path.name} 不再是有效记录：{detail}",
                             f"{path.name} would no longer be a valid record: {detail}"))
    if (lost := lost_comment(baseline, new_text)) is not None:  # --reformat dropped it without a word
        raise EditError(Text(
            f"{path.name} 第 {lost[1]} 行的注释 {lost[0]} 改写后会丢失（{LOST_WHERE.zh}）；请移动该注释或手工添加，文件未改动",
            f"{path.name}: the comment {lost[0]} on line {lost[1]} would be lost ({LOST_WHERE.en}); move it or add the "
            "review by hand (the file is unchanged)",
        ))
    return ends.applied(new_text).encode("utf-8")


def _append(data: CommentedMap, entry: CommentedMap) -> None:
    """Put ``entry`` in the file's reviews after the last one dated on or before it (a review recorded late
    still reads in date order; on the same date the new one comes after, as the latest review counts)."""
    existing = data.get("reviews")
    if isinstance(existing, list) and existing:
        day = entry["date"]
        after = [i for i, item in enumerate(existing) if not isinstance(item, dict) or _not_after(item.get("date"), day)]
        insert_item(existing, after[-1] + 1 if after else 0, entry)  # comment lines stay above what they head
        return
    if existing is not None and not isinstance(existing, list):
        raise EditError(Text("`reviews` 不是列表", "`reviews` is not a list"))
    insert_in_order(data, "reviews", CommentedSeq([entry]))  # `reviews:` or `reviews: []` replaced, else a new key


def _not_after(value: object, day: object) -> bool:
    """Whether a review's ``date`` (as the file has it) is on or before ``day``; one that is not a date
    stays where it is (nothing is put before it)."""
    if isinstance(value, dt.datetime):  # read as the model reads it: the day
        value = value.date()
    elif isinstance(value, str):  # a quoted date ('2025-01-01') is a date to the model too
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            return True
    return not isinstance(value, dt.date) or not isinstance(day, dt.date) or value <= day
