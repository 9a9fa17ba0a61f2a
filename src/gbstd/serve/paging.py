"""Long lists shown a page at a time: a national catalog's 100 000 standards (or review items, or duplicate
groups) in one HTML page were tens of megabytes that a browser renders for seconds.

The page number is the ``page`` query parameter (from 1); the other parameters (search, filters) are kept in
the links to the other pages. A number out of range shows the nearest page, one that is not a number the first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlencode

from starlette.requests import Request

PAGE_SIZE = 200  # rows a page: a screenful or ten; what a page renders no longer grows with the catalog

Row = TypeVar("Row")


@dataclass(frozen=True)
class Pager:
    number: int  # this page, from 1
    pages: int  # how many there are (at least 1)
    total: int  # rows on every page together
    first: int  # the number of this page's first row, from 1 (0: no rows)
    last: int  # the number of its last row
    previous: str | None  # the link to the page before (None: this is the first)
    next: str | None  # the link to the page after (None: this is the last)


def paged(rows: Sequence[Row], request: Request, size: int = PAGE_SIZE) -> tuple[Sequence[Row], Pager]:
    """The rows of the page ``request`` asks for, and where it stands among the others."""
    pages = max(1, -(-len(rows) // size))
    asked = request.query_params.get("page", "1")
    # ASCII digits only ("²" and "١" are digits to str.isdigit, not to int), and few of them (int refuses
    # thousands of digits, and no catalog has a billion pages)
    number = min(max(int(asked), 1), pages) if asked.isascii() and asked.isdigit() and len(asked) <= 9 else 1
    start = (number - 1) * size
    shown = rows[start : start + size]

    def link(to: int) -> str:
        params = [(key, value) for key, value in request.query_params.multi_items() if key != "page"]
        return f"{request.url.path}?{urlencode([*params, ('page', str(to))])}"

    return shown, Pager(
        number, pages, len(rows), start + 1 if shown else 0, start + len(shown),
        link(number - 1) if number > 1 else None, link(number + 1) if number < pages else None,
    )
