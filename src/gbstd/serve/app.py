"""The web editor's ASGI application: its routes and the defences every request passes through.

No route takes a file path: records are addressed by code, the stylesheet is one fixed name, and anything
else (``/../gbstd.toml``, ``/%2e%2e/…``) matches no route and is a 404.
"""

from __future__ import annotations

import datetime as dt
import inspect
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from gbstd.catalog.atomic import written_before
from gbstd.catalog.config_file import CatalogError
from gbstd.catalog.writelock import Busy
from gbstd.i18n import Lang, Text
from gbstd.reports.templating import static_file
from gbstd.rules.recheck import entry_checker
from gbstd.serve import browse, edit, gitops
from gbstd.serve.paging import PAGE_SIZE
from gbstd.serve.security import MAX_BODY, SessionMiddleware, form_route
from gbstd.serve.state import Server, Upload
from gbstd.tabular.importer import ACTION_LABELS, Action, RowOutcome, import_table
from gbstd.tabular.readers import TableError, read_table

UPLOAD_SUFFIXES = (".csv", ".xlsx")
LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")


# Rows an import page lists: all that need a look (up to the first), the others up to the second.
PREVIEW_ATTENTION, PREVIEW_ROWS = 2000, 200


async def _import_preview(server: Server, request: Request, form: FormData) -> Response:
    upload = form.get("table")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return server.page(request, "import.html.j2", status_code=422, preview=None,
                           error=server.text(Text("请选择文件", "choose a file")))
    suffix = Path(upload.filename).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        return server.page(request, "import.html.j2", status_code=422, preview=None,
                           error=server.text(Text("只接受 .csv 或 .xlsx 文件", "only .csv or .xlsx files")))
    data = await upload.read(MAX_BODY + 1)
    token = server.keep_upload(Upload(Path(upload.filename).name, suffix, data))
    # reading, checking and rendering a large table takes seconds: off the event loop, so that other pages
    # (and the stylesheet) are still answered meanwhile
    return await run_in_threadpool(_run_import, server, request, token, dry_run=True, update=bool(form.get("update")))


def _no_upload(server: Server, request: Request, token: str) -> Response:
    """The page for an upload that is no longer pending: applied already (the same apply sent twice: said so,
    rather than "expired" of rows that were written), or dropped for newer ones."""
    name = server.applied.get(token)
    if name is not None:
        return server.page(request, "import.html.j2", preview=None, error=server.text(Text(
            f"{name} 已经导入，没有再次写入；到“修改”页查看并提交",
            f"{name} was imported already and nothing was written again; see the changes page to commit")))
    return server.page(request, "import.html.j2", status_code=410, preview=None,
                       error=server.text(Text("上传已过期，请重新上传", "the upload expired; upload it again")))


def _run_import(server: Server, request: Request, token: str, *, dry_run: bool, update: bool, error: str = "",
                status_code: int = 200) -> Response:
    upload = server.uploads.get(token)
    if upload is None:
        return _no_upload(server, request, token)
    # an apply writes (other processes wait, :meth:`Server.writing`); a preview only reads
    with tempfile.TemporaryDirectory() as scratch, (server.lock if dry_run else server.writing()):
        if token not in server.uploads:  # applied by the same form sent a moment before, while this one waited
            return _no_upload(server, request, token)
        path = Path(scratch) / f"upload{upload.suffix}"  # our own name: the client's file name is only shown
        path.write_bytes(upload.data)
        catalog = server.catalog()
        try:
            report = import_table(read_table(path), catalog, as_of=server.today(), update=update, dry_run=dry_run,
                                  entry=entry_checker(catalog, server.today()))
        except (TableError, CatalogError) as exc:  # said of the file the user chose, not of our scratch copy
            said = server.text(exc.text).replace(path.name, upload.name)
            return server.page(request, "import.html.j2", status_code=422, preview=None, error=said)
        except OSError as exc:  # the files are written together: each one whole, and those put in place are named
            reason, then = exc.strerror or str(exc), written_before(exc, catalog.root)
            return server.page(request, "import.html.j2", status_code=422, preview=None, error=server.text(Text(
                f"无法写入目录：{reason}{then.zh}", f"the catalog cannot be written: {reason}{then.en}")))
        if not dry_run:  # inside the lock: a second apply waiting for it finds the upload applied
            server.applied_upload(token)
    # A national table is 100 000 rows: a page of every one was 13 MB. The rows that need a look (rejected,
    # conflicts, held changes) are all listed, up to PREVIEW_ATTENTION, the others up to PREVIEW_ROWS, with
    # every action counted.
    counts = Counter(o.action for o in report.outcomes)
    def needs_a_look(outcome: RowOutcome) -> bool:
        return outcome.action in (Action.REJECTED, Action.CONFLICT) or outcome.held

    attention = [o for o in report.outcomes if needs_a_look(o)]
    others = [o for o in report.outcomes if not needs_a_look(o)]
    shown = sorted([*attention[:PREVIEW_ATTENTION], *others[:PREVIEW_ROWS]], key=lambda o: o.row)
    rows = [{"row": o.row, "action": server.text(ACTION_LABELS[o.action]), "kind": o.action.value,
             "code": o.code or "", "path": o.path or "", "reasons": o.messages(server.lang),
             "changed": o.changed} for o in shown]
    summary = [f"{server.text(ACTION_LABELS[action])} {counts[action]}" for action in Action if counts[action]]
    return server.page(request, "import.html.j2", status_code=status_code, error=error, preview=rows, token=token,
                       upload_name=upload.name,
                       applied=not dry_run, update=update, unknown=report.unknown_columns, summary=summary,
                       total=len(report.outcomes), hidden=len(report.outcomes) - len(shown))


def _import_apply(server: Server, request: Request, form: FormData) -> Response:
    token, update = str(form.get("token", "")), bool(form.get("update"))
    try:
        return _run_import(server, request, token, dry_run=False, update=update)
    except Busy as exc:  # another process kept the catalog's write lock: the preview again, to apply once it is done
        return _run_import(server, request, token, dry_run=True, update=update, error=server.text(exc.text),
                           status_code=409)


def _changes_page(server: Server, request: Request, error: str = "", done: str = "", status_code: int = 200,
                  sent: FormData | None = None) -> Response:
    """The uncommitted changes and the commit form; ``sent``: a refused commit's form, shown again as it was
    (its files chosen, its message and name) to send again without typing them anew."""
    try:
        files = gitops.changes(server.catalog(), server.lang)
    except CatalogError as exc:
        return server.page(request, "changes.html.j2", status_code=status_code, files=[],
                           error=server.text(exc.text), done=done)
    chosen = None if sent is None else {str(f) for f in sent.getlist("files")}
    shown = [{"rel": f.rel, "kind": f.label(server.lang), "lines": f.lines,
              "checked": chosen is None or f.rel in chosen} for f in files]
    typed = {name: str(sent.get(name, "")) if sent is not None else "" for name in ("message", "author")}
    return server.page(request, "changes.html.j2", status_code=status_code, files=shown, error=error, done=done,
                       typed=typed)


def _commit(server: Server, request: Request, form: FormData) -> Response:
    files = [str(f) for f in form.getlist("files")]
    try:
        with server.writing():  # a second server committing the same files at once finds them committed
            sha = gitops.commit(server.catalog(), files, str(form.get("message", "")), str(form.get("author", "")))
    except Busy as exc:  # another gbstd process kept the catalog's write lock: a conflict, to try again
        return _changes_page(server, request, error=server.text(exc.text), status_code=409, sent=form)
    except CatalogError as exc:  # another git holding the index: a conflict, to try again
        return _changes_page(server, request, error=server.text(exc.text),
                             status_code=409 if isinstance(exc, gitops.IndexLocked) else 422, sent=form)
    return _changes_page(server, request, done=sha[:10])


def _css(server: Server, request: Request) -> Response:
    return Response(static_file(None, "serve/serve.css"), media_type="text/css")


def create_app(root: Path, *, lang: Lang = "zh", as_of: dt.date | None = None,
               allowed_hosts: list[str] | None = None, page_size: int = PAGE_SIZE) -> Starlette:
    """The editor for the catalog at ``root``. ``allowed_hosts``: Host headers accepted (default: loopback
    names only, so a web page cannot reach the editor by rebinding its own domain to 127.0.0.1);
    ``page_size``: rows of a long list shown at a time."""
    server = Server(root.resolve(), lang, as_of, page_size=page_size)

    def get(path: str, view: Callable[[Server, Request], Response]) -> Route:
        def endpoint(request: Request) -> Response:
            return view(server, request)

        return Route(path, endpoint, methods=["GET"])

    def post(path: str, handler: Callable[[Server, Request, FormData], Any], files: frozenset[str] = frozenset()) -> Route:
        async def bound(request: Request, form: FormData) -> Response:
            if inspect.iscoroutinefunction(handler):  # it reads the upload itself
                return await handler(server, request, form)
            # a save runs the rules, an import parses a table, a commit runs git: in a worker thread, as the GET
            # pages are, so that one slow request does not hold every other tab (the state's lock orders writes)
            return await run_in_threadpool(handler, server, request, form)

        return form_route(path, bound, server.sessions, files, server.lang)

    routes = [
        get("/", browse.standards),
        get("/standard", lambda s, r: edit.standard_page(s, r)),
        get("/new", lambda s, r: edit.new_page(s, r)),
        get("/reviews", browse.reviews),
        get("/dupes", browse.dupes),
        get("/system", browse.system),
        get("/plans", browse.plans),
        get("/import", lambda s, r: s.page(r, "import.html.j2", error="", preview=None)),
        get("/changes", lambda s, r: _changes_page(s, r)),
        get("/static/serve.css", _css),
        post("/standard/save", edit.save),
        post("/standard/review", edit.review),
        post("/standard/abolish", edit.abolish),
        post("/new", edit.create),
        post("/import/preview", _import_preview, files=frozenset({"table"})),
        post("/import/apply", _import_apply),
        post("/commit", _commit),
    ]
    middleware = [
        Middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts or list(LOOPBACK)),
        Middleware(SessionMiddleware, sessions=server.sessions),
    ]

    async def not_found(request: Request, exc: Exception) -> Response:
        return PlainTextResponse(f"404 {server.text(Text('未找到', 'not found'))}", status_code=404)

    async def unreadable(request: Request, exc: Exception) -> Response:
        # the catalog as a whole cannot be read (gbstd.toml broken mid-session, a merge conflict in it): every
        # page says why, as `gbstd lint` does, instead of a bare "Internal Server Error"
        assert isinstance(exc, CatalogError)
        heading = server.text(Text("目录无法读取", "the catalog cannot be read"))
        return server.page(request, "message.html.j2", status_code=500, heading=heading, message=server.text(exc.text))

    async def busy(request: Request, exc: Exception) -> Response:
        # another process kept the catalog's write lock (a second server, a long import): nothing was written
        assert isinstance(exc, Busy)
        return server.page(request, "message.html.j2", status_code=409,
                           heading=server.text(Text("请稍后再试", "try again in a moment")), message=server.text(exc.text))

    app = Starlette(routes=routes, middleware=middleware,
                    exception_handlers={404: not_found, CatalogError: unreadable, Busy: busy})
    app.state.server = server
    return app


__all__ = ["create_app"]
