"""Text as a search compares it: what a person typing a query sees as the same, folded to the same string.

A query typed with an input method's full-width letters and digits (ＧＢ／Ｔ ４１５６８), a code typed without
its space (GB/T41568) and a title pasted with a no-break or ideographic space (rule C020) all name what the
catalog spells with ASCII and one plain space. The site's search (templates/site/site.js) folds the same way.
"""

from __future__ import annotations

import functools
import unicodedata


def fold(text: str) -> str:
    """NFKC (full-width forms, U+00A0 and U+3000 become ASCII and a plain space), case-folded, each run of
    spaces one space, none at the ends."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def spaceless(text: str) -> str:
    """:func:`fold` with no spaces at all: a code as typed without them (GB/T41568) or with more (GB / T 41568)."""
    return fold(text).replace(" ", "")


@functools.lru_cache(maxsize=1 << 18)
def record_haystack(code: str, title: str, module: str) -> tuple[str, str]:
    """What a record's search looks in, folded: its code, title and module (a space apart, as the list's search
    had them), and its code without spaces, for a query that is part of a code (:func:`spaceless`). Cached: a
    list page folds every record for each query, and records rarely change between two queries."""
    return fold(f"{code} {title} {module}"), spaceless(code)
