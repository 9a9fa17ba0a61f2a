"""Each title's subject and each subject's words are kept between lint runs (``dupes-memo/subjects.json``): a
title edit works out only the new title's, and a table that is damaged, forged or foreign is not used in part."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gbstd.similarity import segment
from gbstd.similarity.learned import Learned, _checksum
from gbstd.similarity.subject import Subject, SubjectExtractor
from tests.issue21_support import copy_sample
from tests.test_incremental import dump, lint_json, load, records

TABLE = Path(".gbstd-cache") / "dupes-memo" / "subjects.json"


@pytest.fixture
def worked_out(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, list[str]]]:
    """The titles whose subject, and the texts whose words, the lint runs in this process worked out. The words
    each process knows are emptied first, as a new process starts without them."""
    found: dict[str, list[str]] = {"titles": [], "texts": []}
    subject, cut = SubjectExtractor.subject, segment._segment

    def spy_subject(self: SubjectExtractor, title: str, *args: Any) -> Subject:
        found["titles"].append(title)
        return subject(self, title, *args)

    def spy_segment(texts: list[str]) -> list[tuple[str, ...]]:
        found["texts"].extend(texts)
        return cut(texts)

    monkeypatch.setattr(SubjectExtractor, "subject", spy_subject)
    monkeypatch.setattr(segment, "_segment", spy_segment)
    saved = dict(segment._WORDS)
    segment._WORDS.clear()
    yield found
    segment._WORDS.clear()
    segment._WORDS.update(saved)


def fresh_process(found: dict[str, list[str]]) -> None:
    """Forget what this process worked out, as the next lint run (a new process) would not know it."""
    segment._WORDS.clear()
    found["titles"].clear()
    found["texts"].clear()


def retitle(root: Path, title: str) -> Path:
    path = next(p for p in records(root) if load(p).get("status") != "abolished")
    data = load(path)
    data["title"] = title
    dump(path, data)
    return path


def test_a_title_edit_works_out_only_the_new_titles_subject(tmp_path: Path, worked_out: dict[str, list[str]]) -> None:
    root = copy_sample(tmp_path)
    cold = lint_json(root)
    assert len(set(worked_out["titles"])) > 20  # the cold run worked out every live title's subject
    table = json.loads((root / TABLE).read_text(encoding="utf-8"))
    assert len(table["subjects"]) == len(set(worked_out["titles"]))
    fresh_process(worked_out)
    retitle(root, "公务用车节能驾驶培训规范")
    incremental = lint_json(root)
    assert worked_out["titles"] == ["公务用车节能驾驶培训规范"]
    core = SubjectExtractor().subject("公务用车节能驾驶培训规范").core
    assert worked_out["texts"] == [core]  # every other subject's words came from the table
    assert incremental == lint_json(root, "--no-cache")
    assert incremental != cold
    assert "公务用车节能驾驶培训规范" in json.loads((root / TABLE).read_text(encoding="utf-8"))["subjects"]


def test_a_run_that_learns_nothing_leaves_the_table_as_it_was(tmp_path: Path) -> None:
    root = copy_sample(tmp_path)
    lint_json(root)
    before = (root / TABLE).stat()
    path = next(p for p in records(root) if load(p).get("scope"))
    data = load(path)
    data["scope"] = f"{data['scope']}（含所属单位）"  # the D rules run again; no title is new
    dump(path, data)
    assert lint_json(root) == lint_json(root, "--no-cache")
    after = (root / TABLE).stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def damage(table: dict[str, Any], how: str) -> None:
    """Spoil the table written by a cold run: on disk (a checksum that no longer matches), or forged (its
    checksum made again) with words that do not spell their subject, or with a title's row of another shape."""
    core = next(core for core, (_, words) in table["cores"].items() if words)
    if how == "on disk":
        table["cores"][core][1] = [*table["cores"][core][1][:-1], "改"]
        return
    if how == "words that spell another subject":
        table["cores"][core][1] = ["改", *table["cores"][core][1]]
    else:  # a title's row with something more than its full text and subject
        title = next(iter(table["subjects"]))
        table["subjects"][title] = [*table["subjects"][title], "改"]
    table["check"] = _checksum(table["subjects"], table["cores"])  # forged: the checksum made again


@pytest.mark.parametrize("how", ["on disk", "words that spell another subject", "a subject of another shape"])
def test_a_spoilt_table_is_not_used_in_part(tmp_path: Path, worked_out: dict[str, list[str]], how: str) -> None:
    root = copy_sample(tmp_path)
    lint_json(root)
    every = len(set(worked_out["titles"]))
    table = json.loads((root / TABLE).read_text(encoding="utf-8"))
    damage(table, how)
    (root / TABLE).write_text(json.dumps(table, ensure_ascii=False), encoding="utf-8")
    fresh_process(worked_out)
    retitle(root, "公务用车节能驾驶培训规范")
    assert lint_json(root) == lint_json(root, "--no-cache")
    # the first of the two runs worked out every title again (the second, --no-cache, too)
    assert len(set(worked_out["titles"])) >= every


def test_a_table_round_trips_and_refuses_what_it_did_not_write() -> None:
    extractor = SubjectExtractor()
    titles = ["河南省党政机关公务用车服务管理规范", "公共机构节约能源资源管理办法", "物业服务规范"]
    subjects = {title: extractor.subject(title) for title in titles}
    segment.prepare(s.core for s in subjects.values())
    learned = Learned()
    learned.keep(subjects, [s.core for s in subjects.values()])
    assert learned.changed
    document = json.loads(json.dumps(learned.to_document(), ensure_ascii=False))
    again = Learned.from_document(document)
    assert again.subjects == subjects
    assert again.words == {s.core: segment.words(s.core) for s in subjects.values()}
    again.keep(subjects, [s.core for s in subjects.values()])
    assert not again.changed  # nothing new, nothing dropped
    again.keep({titles[0]: subjects[titles[0]]}, [subjects[titles[0]].core])
    assert again.changed  # titles dropped: worth writing again
    title = titles[0]
    unhashable = {**document, "subjects": {**document["subjects"], title: [title, ["a list"]]}}
    for spoilt in ({"subjects": [], "cores": {}}, {**document, "check": "0"}, {"cores": {}}, None, {}, unhashable,
                   {**unhashable, "check": ""}):
        assert Learned.from_document(spoilt).subjects == {}
