"""Adding and removing list items and keys without moving the comments around them.

ruamel.yaml keeps the comment lines (and blank lines) that follow a list item with that item: the line's own
end-of-line comment and, after it, every full-line comment up to the next item or key. Those lines head what
follows — a section heading such as ``# —— 备注 ——`` above the next key, a note above the next review — so
an item appended after the last one landed below the heading, a review inserted before a commented one took
its comment, and deleting the last item dropped the heading. Here such lines are moved to stay above what they
headed: the *rest* of an item's tail (after its own line end) goes with the position, not the item.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString
from ruamel.yaml.tokens import CommentToken

_SLOTS = 4  # ruamel's per-key and per-item comment slots


def _tail(container: CommentedMap | CommentedSeq, at: Any) -> tuple[dict[Any, list[Any]], Any, int, int | None]:
    """Where the comment after the entry ``at`` (a key of a mapping, an index of a list) is kept: a block
    collection keeps it at its last entry, a mapping's key in slot 2, a list's item in slot 0. When the value
    there is a block scalar (``|``, ``>``), whose token holds no line end of its own, also the deepest column
    a comment line after it may stand at without being read as its text (the key's, the item's dash: 0 when
    not known); None otherwise."""
    holder, key, slot = container.ca.items, at, 2 if isinstance(container, CommentedMap) else 0
    owner, item = container, container[at]
    while isinstance(item, (CommentedMap, CommentedSeq)) and len(item) and not item.fa.flow_style():
        owner = item
        if isinstance(item, CommentedMap):
            last = next(reversed(item))
            holder, key, slot = item.ca.items, last, 2
            item = item[last]
        else:
            holder, key, slot = item.ca.items, len(item) - 1, 0
            item = item[-1]
    if not isinstance(item, (LiteralScalarString, FoldedScalarString)):
        return holder, key, slot, None
    place = owner.lc.data.get(key) if isinstance(owner.lc.data, dict) else None
    column = place[1] if isinstance(place, list) and len(place) > 1 and isinstance(place[1], int) else None
    if column is None:
        return holder, key, slot, 0
    return holder, key, slot, column if isinstance(owner, CommentedMap) else max(0, column - 2)


def _token(holder: dict[Any, list[Any]], key: Any, slot: int) -> CommentToken | None:
    entry = holder.get(key)
    token = entry[slot] if entry and len(entry) > slot else None
    return token if isinstance(token, CommentToken) and isinstance(token.value, str) else None


def _drop(holder: dict[Any, list[Any]], key: Any, slot: int) -> None:
    entry = holder[key]
    entry[slot] = None
    if not any(entry):
        del holder[key]


def take_rest(container: CommentedMap | CommentedSeq, at: Any, *, own: bool = True) -> str:
    """Remove and return the full-line comments and blank lines after entry ``at``: "" when there are none.
    Its own end-of-line comment stays, unless ``own`` is False (the entry is about to be replaced)."""
    holder, key, slot, limit = _tail(container, at)
    block = limit is not None
    token = _token(holder, key, slot)
    if token is None:
        return ""
    cut = 0 if block else token.value.find("\n") + 1  # after a block scalar, every line of it is a line of its own
    if not block and cut == 0:
        return ""
    mine, rest = token.value[:cut], token.value[cut:]
    if block and rest[:1] not in ("", "\n"):  # its first line stands at the token's column
        rest = " " * (token.column or 0) + rest
    if mine.strip() and own:
        token.value = mine
    else:  # no comment on the entry's own line (or not kept): nothing left of the token
        _drop(holder, key, slot)
    return rest


def give_rest(container: CommentedMap | CommentedSeq, at: Any, rest: str) -> None:
    """Put ``rest`` (from :func:`take_rest`) after entry ``at``, below its own end-of-line comment."""
    if not rest:
        return
    holder, key, slot, limit = _tail(container, at)
    block = limit is not None
    if limit is not None:  # deeper lines after a block scalar would be read as its text
        rest = "".join(_no_deeper(line, limit) for line in rest.splitlines(keepends=True))
    entry = holder.setdefault(key, [None] * _SLOTS)
    entry.extend([None] * (_SLOTS - len(entry)))
    token = entry[slot]
    if isinstance(token, CommentToken) and isinstance(token.value, str) and (block or token.value.endswith("\n")):
        token.value += rest
    else:
        entry[slot] = CommentToken(rest if block else "\n" + rest, CommentMark(0), None)


def _no_deeper(line: str, column: int) -> str:
    text = line.lstrip(" ")
    return line if len(line) - len(text) <= column or not text.strip() else " " * column + text


def _lead(seq: CommentedSeq, rest: str) -> None:
    """Put ``rest`` above the list's first item, after the lines already there (a list keeps them as one
    token a line, each at its column)."""
    tokens = []
    for line in rest.splitlines(keepends=True):
        text = line.lstrip(" ")
        tokens.append(CommentToken(text, CommentMark(len(line) - len(text)), None))
    held = seq.ca.comment
    if held and len(held) > 1 and isinstance(held[1], list):
        held[1].extend(tokens)  # the list its parent key shares
    elif held and isinstance(held[0], CommentToken) and isinstance(held[0].value, str):
        # `key:  # note` holds the lines below it in its own token (shared with the key): a list of lines of the
        # list's own was written over by the key's empty one, and the lines were lost
        own = held[0].value
        held[0].value = (own if own.endswith("\n") else own + "\n") + rest
    else:
        seq.ca.comment = [None, tokens]


def _block(seq: Any) -> bool:
    return isinstance(seq, CommentedSeq) and not seq.fa.flow_style()


def _flow(item: Any) -> bool:
    return isinstance(item, (CommentedMap, CommentedSeq)) and item.fa.flow_style()


def _take_lead(seq: CommentedSeq) -> str:
    """Remove and return the lines above the list's first item (after its key's own end-of-line comment),
    each at its column: "" when there are none. ruamel keeps them with the list, shared with its parent key."""
    held = seq.ca.comment
    if not held:
        return ""
    lines = held[1] if len(held) > 1 and isinstance(held[1], list) else []
    rest = "".join(" " * (token.column or 0) + token.value for token in lines if isinstance(token, CommentToken))
    lines.clear()  # in place: the parent key's slot is this same list
    eol = held[0]  # `key:  # note` keeps the lines below it in its own token
    if isinstance(eol, CommentToken) and isinstance(eol.value, str):
        cut = eol.value.find("\n") + 1
        if 0 < cut < len(eol.value):
            rest, eol.value = eol.value[cut:] + rest, eol.value[:cut]
    return rest


def insert_item(seq: CommentedSeq, index: int, value: Any) -> None:
    """Insert ``value`` at ``index``; the lines that headed the item now after it stay above that item (the
    lines above the first item head it: an item put first goes above them, not below)."""
    if not _block(seq):
        rest = ""
    elif index:
        rest = take_rest(seq, index - 1)
    else:
        rest = _take_lead(seq) if len(seq) else ""
    seq.insert(index, value)
    give_rest(seq, index, rest)


def append_item(seq: CommentedSeq, value: Any) -> None:
    """Append ``value``: the lines after the last item (heading the next key) stay below the list."""
    insert_item(seq, len(seq), value)


def delete_item(seq: CommentedSeq, index: int) -> None:
    """Delete item ``index``; the lines after it (heading the next item or key) stay: after the item before
    it, or above the new first item. The last item's go with it (a list left empty is the caller's to remove:
    :func:`pop_key`), and so do the first item's when a flow collection becomes first: ruamel writes such a
    list after lines of its own as broken YAML (the next block mapping on one line)."""
    kept = _block(seq) and len(seq) > 1 and not (index == 0 and _flow(seq[1]))
    rest = take_rest(seq, index) if kept else ""
    del seq[index]
    if index:
        give_rest(seq, index - 1, rest)
    elif rest:
        _lead(seq, rest)


def replace_item(seq: CommentedSeq, index: int, value: Any) -> None:
    """Put ``value`` in place of item ``index``: the lines above it stay above it, those after it stay after
    it; its end-of-line comment, about the value replaced, goes. (Not ``seq[index] = value``: ruamel would
    give a text the old item's style, a block scalar.)"""
    rest = take_rest(seq, index, own=False) if _block(seq) else ""
    del seq[index]
    seq.insert(index, value)
    give_rest(seq, index, rest)


def pop_key(doc: CommentedMap, key: Any) -> None:
    """Remove ``key`` (if there); the lines after its value (heading the next key) stay, after the key before."""
    if key not in doc:
        return
    keys = list(doc)
    place = keys.index(key)
    rest = take_rest(doc, key) if place else ""
    del doc[key]
    if place:
        give_rest(doc, keys[place - 1], rest)


def set_key(doc: CommentedMap, key: Any, value: Any, position: int | None = None) -> None:
    """Set ``key`` to ``value`` — a new key at ``position`` (the end when None) — keeping the lines that head
    the next key above it: a new block list replacing an old one keeps the old one's trailing lines, and a new
    key takes those of the key it follows."""
    if key in doc:
        rest = take_rest(doc, key)
        doc[key] = value
        give_rest(doc, key, rest)
        return
    keys = list(doc)
    place = len(keys) if position is None else position
    rest = take_rest(doc, keys[place - 1]) if place else ""
    doc.insert(place, key, value)
    give_rest(doc, key, rest)


def own_comment(seq: CommentedSeq, index: int) -> str:
    """Item ``index``'s end-of-line comment (``# …``, stripped), or "" (none, or the item is a block scalar)."""
    holder, key, slot, limit = _tail(seq, index)
    token = _token(holder, key, slot)
    if token is None or limit is not None:
        return ""
    return token.value.split("\n", 1)[0].strip()


def replace_items(seq: CommentedSeq, values: list[Any], key: Callable[[Any], str]) -> list[tuple[Any, str]]:
    """Make the block list ``seq`` hold ``values``, in their order, item by item instead of anew: an item whose
    ``key`` stays (the longest run of them in order) keeps its end-of-line comment (its text becomes the new
    value's), and comment lines between items stay above the item they headed or, when it goes, where it stood
    (:func:`insert_item`, :func:`delete_item`). The end-of-line comment of an item that goes is about what is
    gone: returned with that item, (item, comment), for the caller to say."""
    old, new = [key(item) for item in seq], [key(value) for value in values]
    kept = _common_run(old, new)  # pairs (old index, new index)
    matches = dict((j, i) for i, j in kept)
    # an item that only moves (not in the run kept in place) takes its end-of-line comment along
    arriving = {new[j] for j in range(len(new)) if j not in matches}
    staying = set(matches.values())
    moving: dict[str, list[tuple[str, int]]] = {}
    for i, item_key in enumerate(old):
        if i not in staying and item_key in arriving and (comment := own_comment(seq, i)):
            moving.setdefault(item_key, []).append((comment, _own_column(seq, i)))
    dropped: list[tuple[Any, str]] = []
    at = 0  # seq[:at] already holds values[:j]; seq[at:] the old items not handled yet
    handled = 0  # old items handled (kept or deleted)

    def went(index: int) -> None:
        """Old item ``index`` goes: its own comment is said, unless it went along with the item (moved)."""
        if (comment := own_comment(seq, index)) and key(seq[index]) not in moving:
            dropped.append((seq[index], comment))

    def delete_until(stop: int) -> None:
        nonlocal handled
        while handled < stop:
            went(at)
            delete_item(seq, at)
            handled += 1

    for j, value in enumerate(values):
        if j in matches:
            delete_until(matches[j])
            if seq[at] != value:  # the same code spelled otherwise: the table's spelling, its comment kept
                _replace_keeping_own(seq, at, value)
            handled += 1
        elif handled < next((matches[k] for k in range(j + 1, len(values)) if k in matches), len(old)):
            # an old item that goes where a new one comes: put in its place (the lines above it stay above)
            went(at)
            replace_item(seq, at, value)
            handled += 1
        else:
            insert_item(seq, at, value)
        if j not in matches and moving.get(new[j]):
            _give_own(seq, at, *moving[new[j]].pop(0))
        at += 1
    delete_until(len(old))
    for item_key, left in moving.items():  # moved items fewer than their comments (a repeated item): said
        dropped.extend((item_key, comment) for comment, _ in left)
    return dropped


def _own_column(seq: CommentedSeq, index: int) -> int:
    holder, key, slot, _ = _tail(seq, index)
    token = _token(holder, key, slot)
    return token.column or 0 if token is not None else 0


def _give_own(seq: CommentedSeq, index: int, comment: str, column: int) -> None:
    """Give item ``index`` the end-of-line comment ``comment`` (above the lines already after it)."""
    entry = seq.ca.items.setdefault(index, [None] * _SLOTS)
    entry.extend([None] * (_SLOTS - len(entry)))
    token = entry[0]
    # the lines after the item, if any, had no comment of its own above them (they start with a line end)
    after = token.value if isinstance(token, CommentToken) and isinstance(token.value, str) else "\n"
    entry[0] = CommentToken(comment + (after if after.startswith("\n") else "\n" + after), CommentMark(column), None)


def _replace_keeping_own(seq: CommentedSeq, index: int, value: Any) -> None:
    rest = take_rest(seq, index)  # the item's own end-of-line comment stays in its slot
    entry = seq.ca.items.pop(index, None)
    del seq[index]
    seq.insert(index, value)
    if entry is not None:
        seq.ca.items[index] = entry
    give_rest(seq, index, rest)


def _common_run(old: list[str], new: list[str]) -> list[tuple[int, int]]:
    """The longest common subsequence of ``old`` and ``new`` as index pairs, in order (lists of a record are
    short: the quadratic table is nothing)."""
    rows, cols = len(old), len(new)
    length = [[0] * (cols + 1) for _ in range(rows + 1)]
    for i in range(rows - 1, -1, -1):
        for j in range(cols - 1, -1, -1):
            length[i][j] = length[i + 1][j + 1] + 1 if old[i] == new[j] else max(length[i + 1][j], length[i][j + 1])
    pairs, i, j = [], 0, 0
    while i < rows and j < cols:
        if old[i] == new[j]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif length[i + 1][j] >= length[i][j + 1]:
            i += 1
        else:
            j += 1
    return pairs
