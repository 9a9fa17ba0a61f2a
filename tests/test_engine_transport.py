"""How the forked D child's findings cross the pipe (``gbstd.engine.pack``/``unpack``): field by field, and back
equal to what the child made, whatever the rules put in them."""

from __future__ import annotations

import pickle

from hypothesis import given
from hypothesis import strategies as st

from gbstd.engine import pack, unpack
from gbstd.findings import Finding, Severity
from gbstd.i18n import Text

text_st = st.text(max_size=40)
finding_st = st.builds(
    Finding,
    rule=st.sampled_from(["D001", "D002", "D003"]),
    message=st.builds(Text, text_st, text_st),
    path=text_st,
    record=st.none() | text_st,
    loc=st.lists(st.one_of(st.text(max_size=5), st.integers(0, 9)), max_size=3).map(tuple),
    key=st.booleans(),
    line=st.integers(0, 10_000),
    column=st.integers(0, 200),
    severity=st.sampled_from(list(Severity)),
)


@given(st.none() | st.lists(finding_st, max_size=20))
def test_packed_findings_come_back_equal(findings: list[Finding] | None) -> None:
    back = unpack(pickle.loads(pickle.dumps(pack(findings), protocol=pickle.HIGHEST_PROTOCOL)))
    assert back == findings
    if findings:
        assert all(type(f.message) is Text and type(f.severity) is Severity for f in back or ())


def test_a_message_that_is_not_a_text_travels_as_it_is() -> None:
    odd = Finding("D001", "plain", "a.yaml")  # type: ignore[arg-type]
    usual = Finding("D001", Text("中", "en"), "b.yaml", loc=("title",), key=False, severity=Severity.WARNING)
    packed = pack([usual, odd])
    assert isinstance(packed, list)  # not packed by field
    assert unpack(pickle.loads(pickle.dumps(packed))) == [usual, odd]
    assert unpack(pack([usual])) == [usual]
    assert pack([]) is not None and unpack(pack([])) == []


def test_a_field_that_is_one_object_throughout_crosses_once() -> None:
    """A D rule's code, severity, loc, key, line and column are one object in every finding: sent once, and
    back as that object; equal but different objects (0 and False) stay as they were."""
    loc = ("title",)
    same = [Finding("D003", Text(f"中{n}", f"en{n}"), f"{n}.yaml", f"DB1/T {n}", loc, False,
                    severity=Severity.INFO) for n in range(50)]
    packed = pack(same)
    assert isinstance(packed, tuple)
    _, count, columns = packed
    assert count == 50 and sum(type(c) is tuple for c in columns) == 6  # rule, loc, key, line, column, severity
    back = unpack(pickle.loads(pickle.dumps(packed)))
    assert back == same and all(f.loc is back[0].loc for f in back or ())  # one tuple, as the rule made it
    mixed = [*same[:2], Finding("D003", Text("中", "en"), "x.yaml", None, loc, 0, severity=Severity.INFO)]  # type: ignore[arg-type]
    back = unpack(pickle.loads(pickle.dumps(pack(mixed))))
    assert back == mixed and [type(f.key) for f in back or ()] == [bool, bool, int]
