"""Adding and removing list items and keys without moving the comments around them.

ruamel.yaml keeps the comment lines (and blank lines) that follow a list item with that item: the line's own
end-of-line comment and, after it, every full-line comment up to the next item or key. Those lines head what
follows — a section heading such as ``# —— 备注 ——`` above the next key, a note above the next review — so
an item appended after the last one landed below the heading, a review inserted before a commented one took
its comment, and deleting the last item dropped the heading. Here such lines are moved to stay above what they
headed: the *rest* of an item's tail (after its own line end) goes with the position, not the item.
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.tokens import CommentToken

_SLOTS = 4  # ruamel's per-key and per-item comment slots


def _tail(container: CommentedMap | CommentedSeq, at: Any) -> tuple[dict[Any, list[Any]], Any, int]:
    """Where the comment after the entry ``at`` (a key of a mapping, an index of a list) is kept: a block
    collection keeps it at its last entry, a mapping's key in slot 2, a list's item in slot 0."""
    holder, key, slot = container.ca.items, at, 2 if isinstance(container, CommentedMap) else 0
    item = container[at]
    while isinstance(item, (CommentedMap, CommentedSeq)) and len(item) and not item.fa.flow_style():
        if isinstance(item, CommentedMap):
            last = next(reversed(item))
            holder, key, slot = item.ca.items, last, 2
            item = item[last]
        else:
            holder, key, slot = item.ca.items, len(item) - 1, 0
            item = item[-1]
    return holder, key, slot


def take_rest(container: CommentedMap | CommentedSeq, at: Any) -> str:
    """Remove and return the full-line comments and blank lines after entry ``at`` (its own end-of-line
    comment stays): "" when there are none."""
    holder, key, slot = _tail(container, at)
    entry = holder.get(key)
    token = entry[slot] if entry and len(entry) > slot else None
    if not isinstance(token, CommentToken) or not isinstance(token.value, str):
        return ""
    cut = token.value.find("\n") + 1
    if cut == 0 or cut == len(token.value):
        return ""
    own, rest = token.value[:cut], token.value[cut:]
    if own.strip():
        token.value = own
    else:  # no comment on the item's own line: nothing left of the token
        entry[slot] = None
        if not any(entry):
            del holder[key]
    return rest


def give_rest(container: CommentedMap | CommentedSeq, at: Any, rest: str) -> None:
    """Put ``rest`` (from :func:`take_rest`) after entry ``at``, below its own end-of-line comment."""
    if not rest:
        return
    holder, key, slot = _tail(container, at)
    entry = holder.setdefault(key, [None] * _SLOTS)
    entry.extend([None] * (_SLOTS - len(entry)))
    token = entry[slot]
    if isinstance(token, CommentToken) and isinstance(token.value, str) and token.value.endswith("\n"):
        token.value += rest
    else:
        entry[slot] = CommentToken("\n" + rest, CommentMark(0), None)


def _block(seq: Any) -> bool:
    return isinstance(seq, CommentedSeq) and not seq.fa.flow_style()


def insert_item(seq: CommentedSeq, index: int, value: Any) -> None:
    """Insert ``value`` at ``index``; the lines that headed the item now after it stay above that item."""
    if not _block(seq) or index == 0 or not len(seq):
        seq.insert(index, value)
        return
    rest = take_rest(seq, index - 1)
    seq.insert(index, value)
    give_rest(seq, index, rest)


def append_item(seq: CommentedSeq, value: Any) -> None:
    """Append ``value``: the lines after the last item (heading the next key) stay below the list."""
    insert_item(seq, len(seq), value)


def delete_item(seq: CommentedSeq, index: int) -> None:
    """Delete item ``index``; the lines after it (heading the next item or key) stay, after the item before
    it. The first item's go with it only when no item is left to carry them."""
    if not _block(seq) or index == 0:
        del seq[index]
        return
    rest = take_rest(seq, index)
    del seq[index]
    give_rest(seq, index - 1, rest)


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
    if place:
        give_rest(doc, key, rest)
