"""Comment lines stay above what they head when list items and keys are added or removed (web editor saves,
`review add`, `import --update`): ruamel kept them with the item before, so a new last item landed below the
next key's heading, a review inserted before a commented one took its comment, and deleting the last item or
a key dropped the heading."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from typer.testing import CliRunner

from gbstd.catalog.comment_tails import (
    append_item,
    delete_item,
    insert_item,
    pop_key,
    replace_item,
    replace_items,
    set_key,
)
from gbstd.catalog.newrecord import insert_in_order, yaml_value
from gbstd.catalog.roundtrip import dump_roundtrip, load_roundtrip
from gbstd.cli.app import app
from tests.issue21_support import copy_sample

SECTION = "code: X\nsources:\n  - a\n  - b  # b's own\n\n# —— 备注 ——\nnote: n\n"


def edited(text: str, change: object) -> str:
    doc = load_roundtrip(text)
    assert dump_roundtrip(doc) == text
    change(doc)  # type: ignore[operator]
    return dump_roundtrip(doc)


def test_an_item_appended_goes_above_the_heading_of_the_next_key() -> None:
    after = edited(SECTION, lambda doc: append_item(doc["sources"], "c"))
    assert after == "code: X\nsources:\n  - a\n  - b  # b's own\n  - c\n\n# —— 备注 ——\nnote: n\n"


def test_deleting_the_last_item_keeps_the_heading_of_the_next_key() -> None:
    after = edited(SECTION, lambda doc: delete_item(doc["sources"], 1))
    assert after == "code: X\nsources:\n  - a\n\n# —— 备注 ——\nnote: n\n"


def test_a_review_inserted_before_a_commented_one_leaves_it_its_comment() -> None:
    text = ("code: X\nreviews:\n  - date: 2021-06-01\n    by: A  # A's own\n  # 2024: 见建标〔2024〕12 号文\n"
            "  - date: 2024-12-20\n    by: B\nnote: n\n")
    new = load_roundtrip("date: 2023-03-01\nby: C\n")
    after = edited(text, lambda doc: insert_item(doc["reviews"], 1, new))
    assert after == ("code: X\nreviews:\n  - date: 2021-06-01\n    by: A  # A's own\n  - date: 2023-03-01\n    by: C\n"
                     "  # 2024: 见建标〔2024〕12 号文\n  - date: 2024-12-20\n    by: B\nnote: n\n")


def test_removing_or_replacing_a_key_keeps_the_heading_of_the_next() -> None:
    assert edited(SECTION, lambda doc: pop_key(doc, "sources")) == "code: X\n\n# —— 备注 ——\nnote: n\n"
    replaced = edited(SECTION, lambda doc: set_key(doc, "sources", yaml_value("sources", ["x"])))
    assert replaced == "code: X\nsources:\n  - x\n\n# —— 备注 ——\nnote: n\n"


def test_a_new_key_goes_above_the_heading_of_the_key_it_precedes() -> None:
    text = "code: DB41/T 1-2020\ntitle: T\n\n# —— 日期 ——\npublished: 2020-01-01\n"
    after = edited(text, lambda doc: insert_in_order(doc, "status", "现行"))
    assert after == "code: DB41/T 1-2020\ntitle: T\nstatus: 现行\n\n# —— 日期 ——\npublished: 2020-01-01\n"


Between = st.lists(st.sampled_from(["", "# 说明", "  # 缩进的说明", "# —— 节 ——"]), max_size=3)
Item = st.sampled_from(["  - v", "  - v  # 行尾", "  - |\n    v\n    第二行", "  - >-\n    v"])


@st.composite
def block_lists(draw: st.DrawFn) -> tuple[list[str], list[tuple[int, int]]]:
    """A record's lines with a block list (plain and block scalars), comment and blank lines between and after
    its items, and each item's first line and the line after its last."""
    lines, items = ["code: X", draw(st.sampled_from(["sources:", "sources:  # 来源"])), *draw(Between)], []
    for number in range(draw(st.integers(1, 5))):
        item = draw(Item).replace("v", f"v{number}").split("\n")
        items.append((len(lines), len(lines) + len(item)))
        lines += item
        lines += draw(Between)
    lines.append("note: n")
    return lines, items


@settings(max_examples=300, deadline=None)
@given(shape=block_lists(), data=st.data())
def test_items_come_and_go_with_their_own_lines_only(shape: tuple[list[str], list[tuple[int, int]]], data: st.DataObject) -> None:
    """Inserting puts the item right below the one before it (and removing it again restores the file);
    deleting or replacing an item removes or replaces its own lines (an end-of-line comment included) and
    nothing else, wherever it stands — but a list's only item, whose lines go with the key."""
    lines, items = shape
    text = "\n".join(lines) + "\n"

    def after(change: object) -> str:
        doc = load_roundtrip(text)
        change(doc["sources"])  # type: ignore[operator]
        return dump_roundtrip(doc)

    def joined(parts: list[str]) -> str:
        return "\n".join(parts) + "\n"

    index = data.draw(st.integers(0, len(items)), label="insert at")
    end = items[index - 1][1] if index else 2  # first: above the lines that head the first item
    doc = load_roundtrip(text)
    dump_roundtrip(doc)  # as every writer does first (to see whether the file keeps its layout)
    insert_item(doc["sources"], index, "new")
    assert dump_roundtrip(doc) == joined([*lines[:end], "  - new", *lines[end:]])
    if index:
        delete_item(doc["sources"], index)
        assert dump_roundtrip(doc) == text
    if len(items) > 1:
        index = data.draw(st.integers(0, len(items) - 1), label="delete or replace")
        first, end = items[index]
        assert after(lambda seq: delete_item(seq, index)) == joined([*lines[:first], *lines[end:]])
        assert after(lambda seq: replace_item(seq, index, "new")) == joined([*lines[:first], "  - new", *lines[end:]])


def test_a_heading_after_a_block_scalar_moves_whole_and_keeps_its_column() -> None:
    text = "code: X\nreviews:\n  - date: 2021-06-01\n    note: |\n      第一行\n  # 2024 年复审：\n  # 见建标\n  - date: 2024-12-20\n"
    new = load_roundtrip("date: 2023-03-01\nby: C\n")
    assert edited(text, lambda doc: insert_item(doc["reviews"], 1, new)) == (
        "code: X\nreviews:\n  - date: 2021-06-01\n    note: |\n      第一行\n  - date: 2023-03-01\n    by: C\n"
        "  # 2024 年复审：\n  # 见建标\n  - date: 2024-12-20\n")
    scope = "code: X\nscope: |\n  第一行\n  第二行\n# —— 体系 ——\n# 模块编号\nmodule: '201'\n"
    assert edited(scope, lambda doc: set_key(doc, "region", "410000", 2)) == (
        "code: X\nscope: |\n  第一行\n  第二行\nregion: '410000'\n# —— 体系 ——\n# 模块编号\nmodule: '201'\n")
    assert edited(scope, lambda doc: pop_key(doc, "scope")) == "code: X\n# —— 体系 ——\n# 模块编号\nmodule: '201'\n"


def test_review_add_of_a_late_review_leaves_the_next_review_its_comment(tmp_path: Path) -> None:
    root = copy_sample(tmp_path)
    path = root / "records/industry/JGJ-T-67-2019.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "reviews:\n  - date: 2024-12-20",
        "reviews:\n  - date: 2021-06-01\n    conclusion: 继续有效\n    by: 住房和城乡建设部\n"
        "  # 2024 年复审：见建标〔2024〕12 号文\n  - date: 2024-12-20",
    )
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["review", "add", "JGJ/T 67-2019", "--date", "2023-03-01", "--conclusion",
                                      "继续有效", "--by", "住建部", "-C", str(root), "--as-of", str(dt.date(2026, 11, 26))])
    assert result.exit_code == 0, result.output
    after = path.read_text(encoding="utf-8")
    assert "    by: 住建部\n  # 2024 年复审：见建标〔2024〕12 号文\n  - date: 2024-12-20" in after


def _random_record(pick: random.Random) -> str:
    """A record's text with lists of every item shape (plain, end-of-line comment, block scalar, flow mapping,
    block mapping ending in a block scalar), block scalars, and comment lines at odd columns between them."""
    notes = ["# 说明", "  # 缩进", "", "# —— 节 ——", "    # 深"]
    lines = ["code: X"]
    for key in ["title", "sources", "scope", "reviews", "note"]:
        if pick.random() < 0.2:
            continue
        if key in ("sources", "reviews"):
            lines.append(f"{key}:")
            pad = " " * pick.choice([2, 2, 0])
            for n in range(pick.randint(1, 4)):
                lines += pick.choice([
                    [f"{pad}- v{n}"], [f"{pad}- v{n}  # 行尾"], [f"{pad}- |", f"{pad}  v{n}", f"{pad}  第二行"],
                    [f"{pad}- {{date: 2020-01-0{n + 1}, by: A}}  # f"],
                    [f"{pad}- date: 2020-01-0{n + 1}", f"{pad}  by: B  # m", f"{pad}  note: |", f"{pad}    n{n}"],
                ])
                lines += [pick.choice(notes) for _ in range(pick.randint(0, 2))]
        elif key == "scope":
            lines += ["scope: |", "  第一行", "  第二行", *[pick.choice(notes) for _ in range(pick.randint(0, 2))]]
        else:
            lines += [f"{key}: t" + pick.choice(["", "  # e"]), *[pick.choice(notes) for _ in range(pick.randint(0, 2))]]
    return "\n".join(lines) + "\n"


@settings(max_examples=400, deadline=None)
@given(seed=st.integers(0, 10**9))
def test_any_edit_of_any_layout_writes_yaml_that_reads_as_the_edit_says(seed: int) -> None:
    """Moved comment lines must never become text: a line deeper than a block scalar's key after it is read as
    part of it (a heading moved below ``note: |`` changed the note), and ruamel writes a list whose first item
    is a flow mapping after comment lines of its own as broken YAML."""
    pick = random.Random(seed)
    text = _random_record(pick)
    doc = load_roundtrip(text)
    if dump_roundtrip(doc) != text:
        return  # a layout gbstd would ask leave to reformat
    expected = YAML(typ="safe").load(text)
    lists = [key for key in doc if isinstance(doc[key], list) and doc[key]]
    step = pick.choice(["insert", "delete", "replace", "pop", "set", "new key"])
    if step in ("insert", "delete", "replace") and lists:
        key = pick.choice(lists)
        items, index = list(expected[key]), pick.randrange(len(doc[key]) + (step == "insert"))
        if step == "insert":
            insert_item(doc[key], index, "new")
            items.insert(index, "new")
        elif step == "delete":
            delete_item(doc[key], index)
            del items[index]
        else:
            replace_item(doc[key], index, "new")
            items[index] = "new"
        expected[key] = items
    elif step == "pop" and len(doc) > 1:
        key = pick.choice(list(doc)[1:])
        pop_key(doc, key)
        del expected[key]
    elif step == "set":
        key = pick.choice(list(doc))
        set_key(doc, key, "plain")
        expected[key] = "plain"
    else:
        set_key(doc, "zz", "new", pick.randint(1, len(doc)))
        expected["zz"] = "new"
    assert YAML(typ="safe").load(dump_roundtrip(doc)) == expected


def test_lines_moved_below_a_block_scalar_stay_comments_and_a_flow_first_item_stays_valid() -> None:
    """The two layouts the random test above found: a comment indented deeper than a block scalar's key moved
    below it became part of its text, and a flow mapping left first in a list after comment lines of its own
    made ruamel write the next block mapping on one line."""
    deep = "code: X\nscope: |\n  第一行\nnote: t\n    # 深\n# —— 节 ——\nreviews: []\n"
    after = edited(deep, lambda doc: pop_key(doc, "note"))
    assert YAML(typ="safe").load(after) == {"code": "X", "scope": "第一行\n", "reviews": []}
    assert "# 深" in after and "# —— 节 ——" in after
    flow = ("code: X\nreviews:\n  - |\n    v0\n  # c\n  - {date: 2020-01-02, by: A1}  # f1\n"
            "  - date: 2020-01-04\n    by: B3  # m\n")
    after = edited(flow, lambda doc: delete_item(doc["reviews"], 0))
    assert YAML(typ="safe").load(after)["reviews"] == [{"date": dt.date(2020, 1, 2), "by": "A1"},
                                                       {"date": dt.date(2020, 1, 4), "by": "B3"}]


def test_an_item_put_first_goes_above_the_lines_that_head_the_first_item() -> None:
    # they stayed at the top of the list, above the new item: a review recorded late took the first one's comment
    for key_line in ("reviews:", "reviews:  # 复审记录"):
        new = load_roundtrip("date: 2020-03-01\nby: C\n")
        text = f"code: X\n{key_line}\n\n  # 2021: 见通知\n  - date: 2021-06-01\n    by: A\nnote: n\n"
        assert edited(text, lambda doc, new=new: insert_item(doc["reviews"], 0, new)) == (
            f"code: X\n{key_line}\n  - date: 2020-03-01\n    by: C\n\n  # 2021: 见通知\n  - date: 2021-06-01\n    by: A\n"
            "note: n\n")


def test_review_add_of_an_earlier_review_leaves_the_first_review_its_comment(tmp_path: Path) -> None:
    root = copy_sample(tmp_path)
    path = root / "records/industry/JGJ-T-67-2019.yaml"
    text = path.read_text(encoding="utf-8").replace("reviews:\n  - date: 2024-12-20",
                                                    "reviews:\n  # 2024 年复审：见建标〔2024〕12 号文\n  - date: 2024-12-20")
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["review", "add", "JGJ/T 67-2019", "--date", "2023-03-01", "--conclusion",
                                      "继续有效", "--by", "住建部", "-C", str(root), "--as-of", str(dt.date(2026, 11, 26))])
    assert result.exit_code == 0, result.output
    after = path.read_text(encoding="utf-8")
    assert "reviews:\n  - date: 2023-03-01\n    conclusion: 继续有效\n    by: 住建部\n" in after
    assert "    by: 住建部\n  # 2024 年复审：见建标〔2024〕12 号文\n  - date: 2024-12-20" in after


REFERENCES = ("references:  # 引用\n  # 基础\n  - A  # a\n  - B      # b\n  # 中段\n  - C  # c\n  - D\n"
              "# 备注\nnote: x\n")


def test_replacing_a_list_item_by_item_keeps_its_comments() -> None:
    # import --update --replace-lists wrote the list anew: every comment between and beside its items was gone
    said: list[object] = []
    after = edited(REFERENCES, lambda doc: said.extend(replace_items(doc["references"], ["A", "X", "C", "D", "E"], str)))
    assert after == ("references:  # 引用\n  # 基础\n  - A  # a\n  - X\n  # 中段\n  - C  # c\n  - D\n  - E\n"
                     "# 备注\nnote: x\n")
    assert said == [("B", "# b")]  # the comment of the item that went, for the caller to say
    said.clear()
    after = edited(REFERENCES, lambda doc: said.extend(replace_items(doc["references"], ["D", "C", "B", "A"], str)))
    assert after == ("references:  # 引用\n  # 基础\n  # 中段\n  - D\n  - C  # c\n  - B      # b\n  - A  # a\n"
                     "# 备注\nnote: x\n")  # an item that moves takes its comment along
    assert said == []


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from("ABCDEXY"), min_size=1, max_size=6))
def test_a_list_replaced_item_by_item_holds_the_new_items_and_loses_no_comment_unsaid(new: list[str]) -> None:
    doc = load_roundtrip(REFERENCES)
    dump_roundtrip(doc)
    said = replace_items(doc["references"], new, str)
    text = dump_roundtrip(doc)
    assert YAML(typ="safe").load(text)["references"] == new
    kept = {line.strip() for line in text.splitlines() if "#" in line}
    for comment in ("# 引用", "# 基础", "# 中段", "# 备注", "# a", "# b", "# c"):
        assert any(comment in line for line in kept) or comment in [c for _, c in said], (comment, text)
