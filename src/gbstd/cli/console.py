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

# Standard output that is no terminal (a file, a pipe) in an encoding other than UTF-8: what its encoding cannot
# carry is lost, not merely shown otherwise (`gbstd report catalog -f md > 目录.md` on a GBK console, a name
# written with a character beyond GBK). Its stand-ins are counted, and the count said at the end (warn_lost).
COUNTED_HANDLER = "gbstd-ascii-counted"
_lost = [0]  # characters of standard output written as "?"


def _counted(error: UnicodeError) -> tuple[str, int]:
    text, end = _handler(error)
    assert isinstance(error, UnicodeEncodeError)  # _handler raised for any other
    _lost[0] += sum(stand_in(c) == "?" for c in error.object[error.start : error.end])
    return text, end


codecs.register_error(COUNTED_HANDLER, _counted)


def _loses_text(stream: TextIO) -> bool:
    """Whether ``stream`` is standard output going somewhere other than a terminal, in an encoding that cannot
    carry every character (not UTF-8)."""
    try:
        terminal = stream.isatty()
    except (ValueError, OSError):
        terminal = False
    encoding = codecs.lookup(getattr(stream, "encoding", None) or "utf-8").name
    return stream is sys.stdout and not terminal and not encoding.startswith("utf")


def make_streams_safe() -> None:
    """Give stdout and stderr the ASCII stand-in handler where they would raise; the encoding itself is kept
    (GBK stays GBK) and a handler chosen on purpose (``surrogateescape``, ``PYTHONIOENCODING=gbk:replace``)
    is left alone."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None or getattr(stream, "errors", None) != "strict":
            continue
        try:
            reconfigure(errors=COUNTED_HANDLER if _loses_text(stream) else ERROR_HANDLER)
        except (ValueError, OSError):  # a closed or detached stream: nothing will be written to it
            continue


def warn_lost() -> None:
    """Say on standard error how many characters standard output could not carry and wrote as "?" (its
    encoding is not UTF-8 and it is no terminal: they are lost), and how to keep them."""
    try:
        sys.stdout.flush()  # what is still buffered is encoded now
    except (OSError, ValueError):
        return
    if _lost[0]:
        encoding = getattr(sys.stdout, "encoding", None) or ""
        sys.stderr.write(
            f"gbstd: 输出中有 {_lost[0]} 个字符无法用 {encoding} 编码写出，已写作 ?；要保留原文，请用 -o 写入文件"
            f"（UTF-8），或设 PYTHONIOENCODING=utf-8（{_lost[0]} characters of the output cannot be written in "
            f"{encoding} and were written as ?; to keep them, write to a file with -o (UTF-8), or set "
            "PYTHONIOENCODING=utf-8）\n"
        )
        _lost[0] = 0


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
