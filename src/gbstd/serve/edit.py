"""The pages that change records: a standard's page with its form, saving it, adding a review, abolishing,
creating a new record. Records are addressed by code (``?code=``), never by a path."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import quote

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from gbstd.catalog.catalog import Catalog
from gbstd.catalog.config_file import CatalogError
from gbstd.catalog.newrecord import CodeTooLong
from gbstd.catalog.record_edit import (
    REVIEW_INPUTS,
    ChangedSince,
    EditError,
    NeedsReformat,
    add_review,
    find_record,
    review_from_input,
    typed_date,
)
from gbstd.catalog.writelock import Busy
from gbstd.i18n import Text
from gbstd.model.standard import Review
from gbstd.rules.c019_name_line_break import NAMES
from gbstd.rules.recheck import entry_checker
from gbstd.scaffold import ScaffoldError, new_record
from gbstd.serve import records
from gbstd.serve.forms import FORM_FIELDS, form_values, submitted
from gbstd.serve.state import Server
from gbstd.tabular.cells import folded_name

# The review form's inputs as its labels name them: `review add`'s messages, which name its options instead.
REVIEW_NAMES = {"date": Text("复审日期", "review date"), "conclusion": Text("结论", "conclusion"),
                "by": Text("复审单位", "reviewing body"), "note": Text("备注", "note")}
NEW_FIELDS = ("code", "title", "status", "published", "effective", "abolished", "module")  # as `gbstd new` takes them
# The new form's date inputs as its labels name them: `gbstd new` names its options (--published) instead.
NOT_SAVED = Text("未保存", "not saved")
GONE = Text("打开表单后，该记录的文件已被删除、改名或无法读取（他人或其他程序，如 git pull），未作任何改动",
            "its file was deleted, renamed or made unreadable after the form was opened (by someone else or "
            "another program, such as git pull); nothing was changed")
NEW_DATE_NAMES = {"published": Text("发布日期", "publication date"), "effective": Text("实施日期", "effective date"),
                  "abolished": Text("废止日期", "abolition date")}


def _normaliser(catalog: Catalog) -> Any:
    def normalise(raw: str) -> str:
        code = catalog.resolve(raw)
        return code.canonical if code else raw

    return normalise


def _fields(server: Server, values: dict[str, str], errors: dict[str, list[str]],
            notes: dict[str, list[str]]) -> list[dict[str, Any]]:
    # a choice is shown in the page's language (地方标准; the page said "local") and sent as the file writes it
    return [{"name": f.name, "label": f.label_zh, "help": f.help, "kind": f.kind,
             "choices": [{"value": value, "label": server.text(label)}
                         for value, label in zip(f.choices, f.choice_labels, strict=True)],
             "required": f.required, "read_only": f.read_only, "value": values.get(f.name, ""),
             "errors": errors.get(f.name, []), "findings": notes.get(f.name, [])} for f in FORM_FIELDS]


def _why_unread(server: Server, catalog: Catalog, code: str) -> list[str]:
    """What lint says of a file left out of the catalog that is named after ``code`` (GBK, broken YAML…): the
    page said "run `gbstd lint`", a command the editor's users never run."""
    parsed = catalog.resolve(code)
    if parsed is None:
        return []
    unread = set(catalog.unread())
    return [f"{f.path}:{f.line}: {f.rule} {server.text(f.message)}" for f in catalog.load_findings
            if f.path in unread and f.path.rsplit("/", 1)[-1] == parsed.filename]


STANDARD = Text("标准", "standard")


def _not_in_catalog(server: Server, catalog: Catalog, code: str, exc: CatalogError,
                    what: Text = STANDARD) -> tuple[str, list[str]]:
    """Why ``code`` has no page, in the editor's words, and what lint says of a file named after it that is
    left out: the library's words for a code no record has end in "run `gbstd lint`", a command the editor's
    users never run (and the page named the reasons below it anyway)."""
    reasons = _why_unread(server, catalog, code)
    key = catalog.key_for(code)
    if catalog.by_code.get(key):  # one code in two files, a file it may not read: its own words
        return server.text(exc.text), reasons
    if not key:
        return server.text(Text("没有给出标准号", "no standard code was given")), reasons
    said = Text(f"目录中没有{what.zh} {key}", f"no {what.en} {key} in the catalog")
    if reasons:
        said = Text(f"{said.zh}：它的文件无法读取，原因如下", f"{said.en}: its file cannot be read, for these reasons")
    return server.text(said), reasons


def standard_page(server: Server, request: Request, *, code: str | None = None, values: dict[str, str] | None = None,
                  errors: dict[str, list[str]] | None = None, message: str = "", status_code: int = 200,
                  digest: str | None = None, offer_reformat: bool = False,
                  review_values: dict[str, str] | None = None,
                  abolish_values: dict[str, str] | None = None) -> Response:
    catalog = server.catalog()
    code = code if code is not None else request.query_params.get("code", "")
    try:
        loaded = records.load(catalog, code)
    except CatalogError as exc:  # no such record, one code in two files, a file it may not read
        said, reasons = _not_in_catalog(server, catalog, code, exc)
        if request.method == "POST":  # a form of it was open: deleted, renamed or broken (a pull) since then
            return server.page(request, "message.html.j2", status_code=409, heading=server.text(NOT_SAVED),
                               message=f"{said}{server.text(Text('。', '; '))}{server.text(GONE)}", reasons=reasons)
        return server.page(request, "message.html.j2", status_code=404, heading="404", message=said, reasons=reasons)
    record = loaded.record
    notes: dict[str, list[str]] = {}
    general = []
    names = {f.name for f in FORM_FIELDS}
    for where, line in server.finding_lines(catalog, record.rel):
        (notes.setdefault(where, []) if where in names else general).append(line)
    errors = dict(errors or {})
    general_errors = errors.pop(records.GENERAL, [])
    for name in [name for name in errors if name not in names]:  # a part the form does not show (reviews…)
        general_errors += [f"{name}: {text}" for text in errors.pop(name)]
    reviews = [{"date": r.date, "conclusion": r.conclusion.value, "by": r.by, "note": r.note or ""}
               for r in record.standard.reviews]
    saved = request.query_params.get("saved", "")
    if saved and not message:
        message = server.text(Text("已保存", "saved"))
        if note := _folded_note(request.query_params.get("folded", "")):
            message += server.text(Text("；", "; ")) + server.text(note)
    return server.page(
        request, "standard.html.j2", status_code=status_code, code=record.key, rel=record.rel,
        title=record.title, digest=digest or loaded.digest,
        # a refused post's values over the file's: a field the post did not send shows as it is (it showed
        # empty, and saving the form again removed it)
        fields=_fields(server, form_values(loaded.data(), record.standard) | (values or {}), errors, notes),
        findings=general, general_errors=general_errors, message=message, failed=status_code >= 400,
        reviews=reviews,
        conclusions=("继续有效", "修订", "废止"), source=loaded.text,
        review=_review_form(server, review_values), abolish=_abolish_form(server, abolish_values),
        offer_reformat=offer_reformat,
    )


def _review_form(server: Server, typed: dict[str, str] | None) -> dict[str, str]:
    """The review form's values: today's date, or what a refused post sent (a date a date input cannot hold,
    such as 2025-02-30, is shown in a text input so that it is not blanked)."""
    shown = {"date": server.today().isoformat(), "conclusion": "", "by": "", "note": ""} | (typed or {})
    return shown | {"date_kind": _date_kind(shown["date"])}


def _abolish_form(server: Server, typed: dict[str, str] | None) -> dict[str, str]:
    """The abolish form's values: today's date and no successor, or what a refused post sent (the page came
    back with both reset, and the user typed them again)."""
    shown = {"date": server.today().isoformat(), "successor": ""} | (typed or {})
    return shown | {"date_kind": _date_kind(shown["date"])}


def _date_kind(text: str) -> str:
    """The input that can show ``text``: a date input blanks all but a valid YYYY-MM-DD (2025-02-30, 2025/3/7)."""
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        return "text"
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return "text"
    return "date"


def _back(code: str, folded: list[str] | None = None) -> RedirectResponse:
    """The standard's page, saying it was saved, and which names were folded as `gbstd import` folds them."""
    also = f"&folded={quote(','.join(folded))}" if folded else ""
    return RedirectResponse(f"/standard?code={quote(code)}&saved=1{also}", status_code=303)


def _folded_note(names: str) -> Text | None:
    """What the save did to the names ``names`` (``title,issuer``, from the address; others are ignored)."""
    labels = [NAMES[name] for name in dict.fromkeys(names.split(",")) if name in NAMES]
    if not labels:
        return None
    return Text(f"{'、'.join(label.zh for label in labels)}：换行已合并为一行，非普通空格（U+00A0、U+3000 等）已改为"
                f"普通空格，与 gbstd import 相同",
                f"{', '.join(label.en for label in labels)}: line breaks joined into one line, spaces other than "
                f"the plain space (U+00A0, U+3000 …) written as plain spaces, as gbstd import writes them")


def _refused(server: Server, request: Request, code: str, message: Text | str, status_code: int = 422,
             review_values: dict[str, str] | None = None, abolish_values: dict[str, str] | None = None,
             digest: str | None = None) -> Response:
    """The standard's page again, with why the request was refused above the form; nothing was written.
    ``review_values``, ``abolish_values``: the review or abolish form as it was sent, shown again for correcting;
    ``digest``: the one the form was opened with (None: the file's now)."""
    text = message if isinstance(message, str) else server.text(message)
    return standard_page(server, request, code=code, status_code=status_code, errors={records.GENERAL: [text]},
                         review_values=review_values, abolish_values=abolish_values, digest=digest)


def _error_texts(server: Server, invalid: records.Invalid) -> dict[str, list[str]]:
    return {name: [server.text(m) for m in messages] for name, messages in invalid.errors.items()}


def _as_sent(form: FormData, wanted: dict[str, Any]) -> dict[str, str]:
    """The record form's fields that a refused post sent, to show again: a checkbox as the post meant it (its
    hidden input and the box send "" and "on"; a script may send "false")."""
    names = {f.name for f in FORM_FIELDS}
    values = {k: v for k, v in form.items() if k in names and isinstance(v, str)}
    for spec in FORM_FIELDS:
        if spec.kind == "bool" and spec.name in values:
            values[spec.name] = "on" if wanted.get(spec.name) is True else ""
    return values


def save(server: Server, request: Request, form: FormData) -> Response:
    code = str(form.get("code", ""))
    try:
        return _save(server, request, form, code)
    except Busy as exc:
        # another process kept the catalog's write lock: the form as it was sent, to send again as it is, with the
        # digest it was opened with (the file changed meanwhile: the next save is a conflict, not an overwrite)
        wanted = submitted(form, _normaliser(server.catalog()))
        return standard_page(server, request, code=code, values=_as_sent(form, wanted), status_code=409,
                             digest=str(form.get("digest", "")), message=server.text(exc.text),
                             offer_reformat=bool(form.get("reformat")))


def _save(server: Server, request: Request, form: FormData, code: str) -> Response:
    with server.writing():
        catalog = server.catalog()
        normalise = _normaliser(catalog)
        wanted = submitted(form, normalise)
        try:
            written = records.save_form(catalog, code, wanted, str(form.get("digest", "")), normalise,
                                        reformat=bool(form.get("reformat")))
        except NeedsReformat as exc:  # the form as it was sent, with the box to tick
            return standard_page(server, request, code=code, values=_as_sent(form, wanted), status_code=422,
                                 digest=str(form.get("digest", "")), message=server.text(exc.text),
                                 offer_reformat=True)
        except records.Invalid as invalid:
            return standard_page(server, request, code=code, values=_as_sent(form, wanted),
                                 errors=_error_texts(server, invalid),
                                 status_code=422, digest=str(form.get("digest", "")),
                                 message=server.text(Text("未保存：请改正标出的字段",
                                                          "not saved: correct the marked fields")))
        except CatalogError as exc:
            return _refused(server, request, code, exc.text, 409 if isinstance(exc, records.Conflict) else 422)
    return _back(code, records.fold_names({name: wanted[name] for name in written if name in wanted})[1])


def review(server: Server, request: Request, form: FormData) -> Response:
    code = str(form.get("code", ""))
    typed = {name: str(form.get(name, "")) for name in REVIEW_INPUTS}
    try:  # `review add`'s words for the same mistakes, in the page's language (pydantic's English before)
        entry = review_from_input(typed, REVIEW_NAMES)
    except EditError as exc:
        return _refused(server, request, code, exc.text, review_values=typed)
    try:
        return _add_review(server, request, form, code, entry, typed)
    except Busy as exc:  # another process kept the catalog's write lock: the review form as it was sent
        return _refused(server, request, code, exc.text, 409, review_values=typed)


def _add_review(server: Server, request: Request, form: FormData, code: str, entry: Review,
                typed: dict[str, str]) -> Response:
    with server.writing():
        catalog = server.catalog()
        try:
            add_review(catalog, code, entry, as_of=server.today(), allow_reformat=bool(form.get("reformat")))
        except NeedsReformat:
            return standard_page(server, request, code=code, status_code=422, offer_reformat=True,
                                 message=server.text(records.reformat_asked(find_record(catalog, code).rel)),
                                 review_values=typed)
        except CatalogError as exc:  # the file written by another program meanwhile: a conflict, as a save's
            return _refused(server, request, code, exc.text, 409 if isinstance(exc, ChangedSince) else 422,
                            review_values=typed)
    return _back(code)


def abolish(server: Server, request: Request, form: FormData) -> Response:
    code = str(form.get("code", ""))
    typed = {name: str(form.get(name, "")) for name in ("date", "successor")}  # shown again if refused
    try:  # YYYY-MM-DD as the review form takes it (the importer's 2024/3/7 is for spreadsheet cells)
        day = typed_date(typed["date"].strip(), NEW_DATE_NAMES["abolished"]) if typed["date"].strip() else server.today()
    except EditError as exc:
        return _refused(server, request, code, exc.text, abolish_values=typed)
    successor = typed["successor"].strip() or None
    try:
        return _abolish(server, request, form, code, day, successor, typed)
    except Busy as exc:  # another process kept the catalog's write lock: the abolish form as it was sent
        return _refused(server, request, code, exc.text, 409, abolish_values=typed,
                        digest=str(form.get("digest", "")) or None)


def _abolish(server: Server, request: Request, form: FormData, code: str, day: dt.date, successor: str | None,
             typed: dict[str, str]) -> Response:
    with server.writing():
        catalog = server.catalog()
        try:
            records.abolish(catalog, code, day, successor, str(form.get("digest", "")) or None,
                            reformat=bool(form.get("reformat")))
        except NeedsReformat as exc:
            return standard_page(server, request, code=code, status_code=422, offer_reformat=True,
                                 message=server.text(exc.text), abolish_values=typed)
        except records.Invalid as invalid:
            return standard_page(server, request, code=code, status_code=422, errors=_error_texts(server, invalid),
                                 message=server.text(Text("未废止：原因见下", "not abolished: see why below")),
                                 abolish_values=typed)
        except CatalogError as exc:
            if successor and catalog.get(code) is not None and not catalog.by_code.get(catalog.key_for(successor)):
                # a successor mistyped, or whose file is left out: said so, with why, as its own page would
                said, reasons = _not_in_catalog(server, catalog, successor, exc,
                                                Text("代替它的标准", "successor"))
                return standard_page(server, request, code=code, status_code=422, abolish_values=typed,
                                     errors={records.GENERAL: [said, *reasons]})
            return _refused(server, request, code, exc.text, 409 if isinstance(exc, records.Conflict) else 422,
                            abolish_values=typed)
    return _back(code)


def new_page(server: Server, request: Request, error: str = "", values: dict[str, str] | None = None,
             status_code: int = 200) -> Response:
    shown = {key: "" for key in NEW_FIELDS} | {k: v for k, v in (values or {}).items() if k in NEW_FIELDS}
    # a date shown again in an input that can hold it: a date input blanks 2024/3/7 (empty stays a date input)
    kinds = {name: _date_kind(shown[name]) if shown[name] else "date" for name in NEW_DATE_NAMES}
    return server.page(request, "new.html.j2", status_code=status_code, error=error, values=shown,
                       date_kinds=kinds, statuses=("", "现行", "即将实施", "废止"))


def create(server: Server, request: Request, form: FormData) -> Response:
    values = {k: str(v) for k, v in form.items() if isinstance(v, str) and k != "csrf"}
    title = values.get("title", "").strip()
    if not title:
        return new_page(server, request, server.text(Text("标准名称不能为空", "the title must not be empty")), values, 422)
    title = folded_name(title, NAMES["title"])[0]  # a pasted U+00A0, a line break: as `gbstd new` writes it
    dates: dict[str, dt.date | None] = {}
    for name, label in NEW_DATE_NAMES.items():
        typed = values.get(name, "").strip()
        try:  # YYYY-MM-DD, in the review form's words
            dates[name] = typed_date(typed, label) if typed else None
        except EditError as exc:
            return new_page(server, request, server.text(exc.text), values, 422)
    try:
        return _create(server, request, values, title, dates)
    except Busy as exc:  # another process kept the catalog's write lock: the form as it was sent
        return new_page(server, request, server.text(exc.text), values, 409)


def _create(server: Server, request: Request, values: dict[str, str], title: str,
            dates: dict[str, dt.date | None]) -> Response:
    with server.writing():
        catalog = server.catalog()
        try:
            # the checks of `gbstd new`: the module must be one of the system's when it has modules (C016)
            path = new_record(catalog.root, catalog.config, values.get("code", ""), title, as_of=server.today(),
                              status=values.get("status") or None,
                              fields={**dates, "module": values.get("module", "").strip() or None},
                              modules=list(catalog.modules), module_field=server.text(Text("体系编号", "module")),
                              check=entry_checker(catalog, server.today()), by_code=catalog.by_code)
        except (CatalogError, ScaffoldError, CodeTooLong) as exc:
            return new_page(server, request, server.text(exc.text), values, 422)
    created = records.load(server.catalog(), values.get("code", ""))
    folded = ["title"] if title != values.get("title", "").strip() else []
    return _back(created.record.key if created.record.path == path else values.get("code", ""), folded)


__all__ = ["abolish", "create", "new_page", "review", "save", "standard_page"]
