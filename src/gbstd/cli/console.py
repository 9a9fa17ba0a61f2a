"""Output streams that never crash on a character the console cannot show (a Chinese Windows console is GBK).

Set up once, at CLI start: stdout and stderr get an encoding error handler that writes an ASCII stand-in
for what the stream's encoding cannot carry — box drawing as ``-``/``|``/``+``, bar blocks as ``#``/``.``,
arrows as ``<->``/``->``, anything else as ``?``. Rich consoles that write to the streams already pick ASCII
boxes and bars when the encoding is not UTF-8; the handler covers text rendered elsewhere (tables rendered to
a buffer first, Markdown, messages). Files written with ``-o`` are untouched: they are always UTF-8.
"""

from __future__ import annotations

import codecs
import io
import sys
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

ERROR_HANDLER = "gbstd-ascii"

_STAND_INS = {
    "↔": "<->", "→": "->", "←": "<-", "↑": "^", "↓": "v", "⇒": "=>",
    "░": ".", "▒": ":", "▓": "#", "█": "#", "▌": "#", "▐": "#",
    "⚠": "!", "✓": "v", "✔": "v", "✗": "x", "✘": "x", "•": "*", "…": "...",
    "“": '"', "”": '"', "‘": "'", "’": "'", "—": "-", "–": "-", "·": ".", "−": "-",
}  # fmt: skip


def stand_in(char: str) -> str:
    """An ASCII stand-in for one character a stream cannot encode."""
    if char in _STAND_INS:
        return _STAND_INS[char]
    name = unicodedata.name(char, "")
    if name.startswith("BOX DRAWINGS"):
        across = "HORIZONTAL" in name or name.endswith((" LEFT", " RIGHT"))
        down = "VERTICAL" in name or name.endswith((" UP", " DOWN"))
        return "-" if across and not down else "|" if down and not across else "+"
    if name.startswith(("FULL BLOCK", "LEFT ", "RIGHT ", "UPPER ", "LOWER ")) and "BLOCK" in name:
        return "#"
    return "?"


def _handler(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    return "".join(stand_in(c) for c in error.object[error.start : error.end]), error.end


codecs.register_error(ERROR_HANDLER, _handler)


def make_streams_safe() -> None:
    """Give stdout and stderr the ASCII stand-in handler where they would raise; the encoding itself is kept
    (GBK stays GBK) and a handler chosen on purpose (``surrogateescape``, ``PYTHONIOENCODING=gbk:replace``)
    is left alone."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None or getattr(stream, "errors", None) != "strict":
            continue
        try:
            reconfigure(errors=ERROR_HANDLER)
        except (ValueError, OSError):  # a closed or detached stream: nothing will be written to it
            continue


@contextmanager
def document_stream() -> Iterator[TextIO]:
    """Standard output as a UTF-8 text stream, whatever the console's encoding, for a document programs read
    (JSON): a GBK console wrote it in GBK, and an ASCII one put a stand-in ``"`` for ``“`` into it (invalid
    JSON). Standard output itself when it takes no bytes (a test's capture)."""
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        yield sys.stdout
        return
    sys.stdout.flush()
    stream = io.TextIOWrapper(buffer, encoding="utf-8", errors="surrogateescape", newline="", write_through=True)
    try:
        yield stream
    finally:
        stream.flush()
        stream.detach()  # standard output stays open


def print_document(text: str, newline: bool = False) -> None:
    """Print a document programs read through :func:`document_stream`."""
    with document_stream() as stream:
        stream.write(text + "\n" if newline else text)
