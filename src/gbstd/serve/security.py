"""The web editor's defences: a per-session CSRF token on every state-changing request, a cap on request
bodies (uploads included), and the session cookie that ties the two together.

A session is a random id in an HttpOnly, SameSite=Strict cookie; its CSRF token is an HMAC of that id under a
key that lives only in the server's memory, so a page from another origin can neither read nor guess it.
Every POST route is declared through :func:`form_route`, which checks the token before the handler runs.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import unquote_to_bytes

from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from gbstd.i18n import Lang, Text

try:
    from python_multipart.multipart import MultipartParser, parse_options_header
except ImportError:  # python-multipart before 0.0.13 names its module multipart
    from multipart.multipart import MultipartParser, parse_options_header  # type: ignore[no-redef]

COOKIE = "gbstd_session"
FIELD = "csrf"
MAX_BODY = 5 * 1024 * 1024  # a catalog spreadsheet of thousands of rows is well under 1 MB
MAX_FIELD = 1024 * 1024  # a text field of a form (Starlette's default, named so that the refusal can say it)
MAX_FIELDS, MAX_FILES = 200, 2

FormHandler = Callable[[Request, FormData], Awaitable[Response]]

# said before any page is rendered, in the server's language (--lang) as the pages are
TOO_LARGE = Text("请求过大", "request too large")
BAD_TOKEN = Text("CSRF 令牌缺失或无效", "missing or invalid CSRF token")


class Sessions:
    """Session ids and their CSRF tokens, keyed by a secret made when the server starts."""

    def __init__(self) -> None:
        self._key = secrets.token_bytes(32)

    def token(self, session: str) -> str:
        return hmac.new(self._key, session.encode(), hashlib.sha256).hexdigest()

    def valid(self, session: str | None, token: object) -> bool:
        return bool(session) and isinstance(token, str) and hmac.compare_digest(self.token(session or ""), token)


class SessionMiddleware:
    """Gives every browser a session cookie and the request its CSRF token (``request.state.csrf``)."""

    def __init__(self, app: ASGIApp, sessions: Sessions) -> None:
        self.app = app
        self.sessions = sessions

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        session = request.cookies.get(COOKIE)
        fresh = not session or len(session) != 43
        if fresh:
            session = secrets.token_urlsafe(32)
        scope.setdefault("state", {})
        scope["state"]["session"] = session
        scope["state"]["csrf"] = self.sessions.token(session or "")

        async def send_with_cookie(message: Any) -> None:
            if fresh and message["type"] == "http.response.start":
                cookie = f"{COOKIE}={session}; Path=/; HttpOnly; SameSite=Strict"
                message.setdefault("headers", []).append((b"set-cookie", cookie.encode()))
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def _bad_form(zh: str, en: str, lang: Lang) -> Response:
    return PlainTextResponse(Text(f"{zh}，未作任何改动", f"{en}; nothing was changed").get(lang), status_code=400)


async def read_form(request: Request, files: frozenset[str] = frozenset(), lang: Lang = "zh") -> FormData | Response:
    """The request's form, or a 413 response when its body is larger than :data:`MAX_BODY`, or a 400 one
    when a field is not UTF-8 text, a file comes in a field other than ``files``, or the form cannot be
    parsed at all; ``lang``: the language those responses are in."""
    declared = request.headers.get("content-length")
    # ASCII digits only: "²" is a digit to str.isdigit and no number to int
    if declared is not None and (not (declared.isascii() and declared.isdigit()) or int(declared) > MAX_BODY):
        return PlainTextResponse(TOO_LARGE.get(lang), status_code=413)
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > MAX_BODY:
            return PlainTextResponse(TOO_LARGE.get(lang), status_code=413)
    request._body = bytes(body)  # Starlette re-reads the stream from _body: the form parser sees this copy
    content_type = request.headers.get("content-type", "")
    kind = content_type.split(";")[0].strip().lower()
    name = (_not_utf8_field(request._body) if kind == "application/x-www-form-urlencoded"
            else _not_utf8_part(request._body, content_type) if kind == "multipart/form-data" else None)
    if name is not None:
        return _bad_form(f"表单字段 {name} 不是 UTF-8 文本", f"the form field {name} is not UTF-8 text", lang)
    try:
        form = await request.form(max_files=MAX_FILES, max_fields=MAX_FIELDS, max_part_size=MAX_FIELD)
    except HTTPException as exc:  # Starlette's words are English only ("Too many fields…", "Invalid multipart data.")
        detail = str(exc.detail)
        return _bad_form(f"表单无法读取（{_reason_zh(detail)}）", f"the form cannot be read: {detail.rstrip('.')}", lang)
    for key, value in form.multi_items():
        if isinstance(value, UploadFile) and key not in files:  # str() of it was saved as the text (a reviewer)
            return _bad_form(f"表单字段 {key} 应为文本，不是文件", f"the form field {key} must be text, not a file",
                              lang)
    return form


def _reason_zh(detail: str) -> str:
    """Starlette's reason for refusing a form, in Chinese: a note pasted over 1 MB was said to be "too many
    fields or files, or malformed"."""
    if "maximum size" in detail:  # "Field exceeded maximum size of 1024KB." (or "Part …" in a multipart form)
        return f"有字段超过 {MAX_FIELD // (1024 * 1024)} MB 的上限"
    if "Too many fields" in detail:
        return f"字段过多，最多 {MAX_FIELDS} 个"
    if "Too many files" in detail:
        return f"文件过多，最多 {MAX_FILES} 个"
    return "格式不对"


def _not_utf8_field(body: bytes) -> str | None:
    """The name of the first url-encoded field whose name or value is not UTF-8 once unescaped (Starlette puts
    U+FFFD in place of such bytes, and a save wrote that into the record); None when every field is text."""
    for pair in body.split(b"&"):
        name, _, value = pair.partition(b"=")
        for part in (name, value):
            try:
                unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
            except UnicodeDecodeError:
                return unquote_to_bytes(name.replace(b"+", b" ")).decode("utf-8", "replace")
    return None


def _not_utf8_part(body: bytes, content_type: str) -> str | None:
    """The name of the first multipart field (not a file) whose name or value is not UTF-8: Starlette reads
    such a field as Latin-1, and a save wrote the mojibake into the record (as :func:`_not_utf8_field` for a
    url-encoded form). None when every field is text, or when the body is not multipart that parses (Starlette
    then says so)."""
    _, params = parse_options_header(content_type)
    boundary = params.get(b"boundary")
    if not boundary:
        return None
    found: list[str] = []
    part: dict[str, Any] = {}

    def begin() -> None:
        part.update(header=b"", value=b"", disposition=b"", data=bytearray(), file=False)

    def header_end() -> None:
        if part["header"].lower() == b"content-disposition":
            part["disposition"] = part["value"]
        part.update(header=b"", value=b"")

    def headers_finished() -> None:
        _, options = parse_options_header(part["disposition"])
        part.update(name=options.get(b"name", b""), file=b"filename" in options)

    def data(chunk: bytes, start: int, end: int) -> None:
        if not part["file"]:
            part["data"].extend(chunk[start:end])

    def end() -> None:
        name = part.get("name", b"")
        for raw in (name, part["data"]) if not part["file"] else (name,):
            try:
                bytes(raw).decode("utf-8")
            except UnicodeDecodeError:
                found.append(name.decode("utf-8", "replace"))

    callbacks: Any = {
        "on_part_begin": begin, "on_part_data": data, "on_part_end": end, "on_header_end": header_end,
        "on_header_field": lambda chunk, start, end: part.update(header=part["header"] + chunk[start:end]),
        "on_header_value": lambda chunk, start, end: part.update(value=part["value"] + chunk[start:end]),
        "on_headers_finished": headers_finished,
    }
    try:
        parser = MultipartParser(boundary, callbacks)
        parser.write(body)
        parser.finalize()
    except Exception:  # malformed: Starlette's parser refuses it with its reason
        return None
    return found[0] if found else None


def form_route(path: str, handler: FormHandler, sessions: Sessions, files: frozenset[str] = frozenset(),
               lang: Lang = "zh") -> Route:
    """A POST route whose handler runs only with the session's CSRF token in the form (403 otherwise);
    ``files``: the fields that may hold an uploaded file (none but the import's table); ``lang``: the
    language of the refusals."""

    async def endpoint(request: Request) -> Response:
        form = await read_form(request, files, lang)
        if isinstance(form, Response):
            return form
        if not sessions.valid(request.cookies.get(COOKIE), form.get(FIELD)):
            return PlainTextResponse(BAD_TOKEN.get(lang), status_code=403)
        return await handler(request, form)

    endpoint.csrf_checked = True  # type: ignore[attr-defined]  # tests assert every POST route has this
    return Route(path, endpoint, methods=["POST"])
