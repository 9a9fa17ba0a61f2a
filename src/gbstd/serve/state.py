"""What the web editor's routes share: the catalog root, the language, the sessions, pending uploads, and
rendering a page (the report templates' sandboxed, autoescaping environment, on plain view data)."""

from __future__ import annotations

import datetime as dt
import secrets
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse

from gbstd.catalog.catalog import Catalog
from gbstd.catalog.loader import load_catalog_cached
from gbstd.i18n import Lang, Text
from gbstd.reports.templating import render
from gbstd.serve.security import Sessions

MAX_PENDING_UPLOADS = 8  # previews waiting for "apply": older ones are dropped


@dataclass
class Upload:
    name: str
    suffix: str
    data: bytes


@dataclass
class Server:
    root: Path
    lang: Lang = "zh"
    as_of: dt.date | None = None  # tests pin "today"; the server otherwise uses the real date
    sessions: Sessions = field(default_factory=Sessions)
    uploads: dict[str, Upload] = field(default_factory=dict)
    # One writer at a time: two tabs saving at once must not interleave their read-check-write.
    lock: threading.Lock = field(default_factory=threading.Lock)

    def today(self) -> dt.date:
        return self.as_of or dt.date.today()

    def catalog(self) -> Catalog:
        """The catalog as it is on disk now: every page reflects the files, edits made elsewhere included."""
        return load_catalog_cached(self.root)

    def text(self, message: Text) -> str:
        return message.get(self.lang)

    def keep_upload(self, upload: Upload) -> str:
        while len(self.uploads) >= MAX_PENDING_UPLOADS:
            self.uploads.pop(next(iter(self.uploads)))
        token = secrets.token_urlsafe(16)
        self.uploads[token] = upload
        return token

    def page(self, request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        html = render(None, f"serve/{template}", csrf=request.state.csrf, lang=self.lang,
                      catalog_name=self.root.name, **context)
        return HTMLResponse(html, status_code=status_code)
