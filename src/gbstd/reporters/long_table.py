"""A terminal table of many rows, written a row at a time in rich's layout.

rich lays a table out by measuring and rendering every cell through its segment pipeline: about 0.35 ms a row
whatever the table's options, so a national review worklist of 100 000 rows took 47 s before its first line
showed. Past a few thousand rows the rows are laid out here instead, with what rich itself provides (its box
characters, chosen for the console's encoding; cell widths; styles rendered for the console's colours): the
same borders, header and padding as a rich table whose columns fit, written as the rows come. A cell wider
than its column (only when the table is wider than the console) is folded onto further lines of its row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich import box
from rich.cells import cell_len, chop_cells
from rich.console import Console
from rich.style import Style

MIN_FOLDED = 10  # the narrowest a folded column gets


def column_widths(headers: Sequence[str], rows: Sequence[Sequence[str]], room: int, foldable: Iterable[int]) -> list[int]:
    """Each column's width: its widest cell, the ``foldable`` ones narrowed (widest first) until the table
    fits in ``room`` cells with its borders and padding."""
    widths = [cell_len(header) for header in headers]
    for row in rows:
        for index, cell in enumerate(row):
            width = max(map(cell_len, cell.split("\n"))) if "\n" in cell else cell_len(cell)
            if width > widths[index]:
                widths[index] = width
    excess = sum(widths) + 3 * len(widths) + 1 - room
    for index in sorted(foldable, key=lambda i: -widths[i]):
        if excess <= 0:
            break
        cut = min(excess, widths[index] - MIN_FOLDED)
        if cut > 0:
            widths[index] -= cut
            excess -= cut
    return widths


def write_long_table(console: Console, title: str, headers: Sequence[str], rows: Sequence[Sequence[str]],
                     styles: Sequence[str | None], foldable: Iterable[int] = (), title_left: bool = False) -> None:
    """``rows`` under ``headers`` with ``title`` above (centred, or at the left as ``title_justify="left"``
    puts it), each row in its style (None: plain), to ``console``."""
    frame = box.HEAVY_HEAD.substitute(console.options)
    widths = column_widths(headers, rows, console.width, foldable)
    colours = console.color_system is not None and not console.no_color

    def paint(text: str, style: str | None) -> str:
        return Style.parse(style).render(text, color_system=console.color_system) if style and colours else text

    def lines(cells: Sequence[str], left: str, middle: str, right: str, style: str | None) -> list[str]:
        # a line break starts a new line within the row, as rich's cells do; a line wider than its column folds
        pieces = [[part for line in cell.split("\n") for part in (chop_cells(line, width) if cell_len(line) > width else [line])]
                  for cell, width in zip(cells, widths, strict=True)]
        out = []
        for depth in range(max(len(piece) for piece in pieces)):
            parts = []
            for piece, width in zip(pieces, widths, strict=True):
                text = piece[depth] if depth < len(piece) else ""
                parts.append(paint(" " + text + " " * (width - cell_len(text)) + " ", style))
            out.append(left + middle.join(parts) + right)
        return out

    total = sum(widths) + 3 * len(widths) + 1
    write = console.file.write
    gap = total - cell_len(title)
    before = 0 if title_left else gap // 2
    write(paint(" " * before + title + " " * (gap - before), "italic") + "\n")
    write(frame.get_top(width + 2 for width in widths) + "\n")
    for line in lines(headers, frame.head_left, frame.head_vertical, frame.head_right, "bold"):
        write(line + "\n")
    write(frame.get_row((width + 2 for width in widths), "head") + "\n")
    batch: list[str] = []
    for row, style in zip(rows, styles, strict=True):
        batch += lines(row, frame.mid_left, frame.mid_vertical, frame.mid_right, style)
        if len(batch) >= 1000:  # written as it comes, a thousand lines at a time
            write("\n".join(batch) + "\n")
            batch.clear()
    if batch:
        write("\n".join(batch) + "\n")
    write(frame.get_bottom(width + 2 for width in widths) + "\n")
    console.file.flush()
