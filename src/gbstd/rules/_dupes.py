"""Shared shape of the D rules: one finding per record per group of likely duplicates.

The D rules read the groups that `gbstd dupes` reports (``RuleContext.duplicates``, one streamed run for all
three rules): a record gets at most one finding per rule, naming its strongest partner of the rule's kind and the
size of its group — 26 copies of one subject give 26 findings, not 325.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from gbstd.catalog.catalog import Record
from gbstd.findings import Finding
from gbstd.i18n import Text
from gbstd.rules._dupes_memo import Kept, encode
from gbstd.rules.base import REMADE_UNKNOWN, Rule, RuleContext

if TYPE_CHECKING:  # the similarity package (numpy, rapidfuzz) is imported only where duplicates are found
    from gbstd.similarity import DuplicateGroups, DuplicateKind, DuplicatePair
    from gbstd.similarity.components import Component

_LOC = ("title",)  # where every D finding points; one tuple shared by all of them
_CUT = "\x00"  # stands for the partner while a message is cut into the text before and after it
_PROBE = "《\x01\x02》"  # another partner, to check the cut


def findings(
    rule: Rule, ctx: RuleContext, kind: DuplicateKind, message: Text,
    keep: Callable[[Record, DuplicatePair], bool] | None = None,
) -> Iterator[Finding]:
    """``message`` holds ``{partner}``, ``{size}`` and ``{advice}`` placeholders in each language; ``keep`` drops
    pairs that do not count for this rule (the strongest remaining one is named; None: every pair counts).

    With a memo (incremental lint, :mod:`gbstd.rules._dupes_memo`) the components detection reused come from
    it — or, when the lint state holds that memo's findings, stay in the state's files, which the rule names in
    ``ctx.remade`` for the others — and this run's findings are kept in it by component for the next run (when nothing
    was reused, in ``ctx.deferred``: writing the memo can wait until the findings are reported)."""
    groups, memo = ctx.duplicates, ctx.duplicate_memo
    words = _Words(rule, kind, message)
    if memo is None:
        yield from _walk(groups, words, kind, keep, None)
        return
    made: dict[str, Kept] = {}  # this run's findings by file, for the memo
    found = _walk(groups, words, kind, keep, made)
    produced = list(found)
    code = rule.code
    if not any(component.reused for component in groups.components):  # the memo is written once findings are out
        ctx.deferred.append(lambda: memo.save(code, {
            component.digest: encode(_scored(component, made)) for component in groups.components
        }))
        yield from produced
        return
    kept: dict[str, str] = {}
    # the state's files hold the findings of the reused components: left there, not made again
    in_state = memo.in_state(code)
    for component in groups.components:
        if not component.reused:
            kept[component.digest] = encode(_scored(component, made))
            continue
        kept[component.digest] = memo.text(code, component.digest)  # kept again as it was
        if not in_state:
            for rel, (mate_rel, score, size) in memo.kept(code, component).items():
                produced.append(words.finding(memo.record(rel), memo.record(mate_rel), score, size))
    ctx.deferred.append(lambda: memo.save(code, kept))  # written once the findings are out
    if in_state:
        # besides the reused components' files, those in no scored component that had no finding of this rule
        # hold theirs (none): only the scored components' files and those that lost a finding can change
        scored = {rel for component in groups.components if not component.reused for rel in component.rels}
        was = memo.found_in(code, skip={component.digest for component in groups.components if component.reused})
        if was is None:  # which files had a finding cannot be read (a forged memo entry): a full run follows
            ctx.remade[code] = REMADE_UNKNOWN
        else:
            remade = _changed(scored | set(was), was, made, ctx)
            ctx.remade[code] = frozenset(remade)
            produced = [finding for finding in produced if finding.path in remade]
    yield from produced


def _walk(
    groups: DuplicateGroups, words: _Words, kind: DuplicateKind,
    keep: Callable[[Record, DuplicatePair], bool] | None, made: dict[str, Kept] | None,
) -> Iterator[Finding]:
    """Each record's finding in the groups found (each group walked once: its size and message pieces are
    worked out once for all its members, not once per finding: 246 000 of them at 100 000 records), noted in
    ``made`` (None: a run without a memo notes nothing)."""
    partners = groups.partners
    for group in groups.groups:
        size = len(group.members)
        for record in group.members:
            partner = partners.get((id(record), kind))
            if partner is None:
                continue
            if keep is None:  # D003: the strongest pair, with no generator per record
                pair = partner.pairs[0] if partner.pairs else None
            else:
                pair = next((p for p in partner.pairs if keep(record, p)), None)
            if pair is None:
                continue
            mate = pair.b_record if pair.a_record is record else pair.a_record  # groups.other, inlined
            if made is not None:
                made[record.rel] = (mate.rel, pair.score, size)
            yield words.finding(record, mate, pair.score, size)


def _changed(files: set[str], was: dict[str, Kept], now: dict[str, Kept], ctx: RuleContext) -> set[str]:
    """Of ``files`` (the scored components' and those that had a finding), those whose finding the lint state
    does not hold already: a finding is made of its record, its partner (code and title) and the partner's file,
    score and group size, so one whose record and partner no edit changed, and whose kept triple is the
    memo's, is the one the state holds (a title edit re-scores components of thousands of records in a national
    catalog, and a few hundred of their findings change: the state's entries of the others need no reading)."""
    changes = ctx.changes
    if changes is None or (changes.added_or_removed and not (changes.added or changes.removed)):
        return files  # records came or went, and which is not known
    edited = changes.rels
    found = set()
    for rel in files:
        old, new = was.get(rel), now.get(rel)
        if old != new or rel in edited or (new is not None and new[0] in edited):
            found.add(rel)
    return found


def _scored(component: Component, made: dict[str, Kept]) -> dict[str, Kept]:
    """What this run found in a component it scored, by file, as the memo keeps it."""
    return {rel: made[rel] for rel in component.rels if rel in made}


class _Words:
    """One rule's finding texts: ``message`` with the size and advice filled in once per group size, cut at
    ``{partner}``, so that a finding costs two string joins rather than two ``str.format`` calls."""

    def __init__(self, rule: Rule, kind: DuplicateKind, message: Text) -> None:
        self.rule, self.message, self.advice = rule, message, kind.advice
        self._pieces: dict[int, tuple[str, str, str, str] | None] = {}  # size → zh before/after, en before/after
        # (id(mate), score) → (mate, the partner as messages name it): holding mate keeps its id from being reused
        self._named: dict[tuple[int, float], tuple[Record, str]] = {}

    def pieces(self, size: int) -> tuple[str, str, str, str] | None:
        """The text around the partner for a group of ``size``; None when a template does not hold
        ``{partner}`` exactly once (then each finding is formatted whole)."""
        try:
            return self._pieces[size]
        except KeyError:
            pass
        message, advice = self.message, self.advice
        zh = message.zh.format(partner=_CUT, size=size, advice=advice.zh).split(_CUT)
        en = message.en.format(partner=_CUT, size=size, advice=advice.en).split(_CUT)
        cut = None if len(zh) != 2 or len(en) != 2 else (zh[0], zh[1], en[0], en[1])
        # a partner of another length must land between the same pieces (no padding, no !r, no NUL elsewhere)
        if cut is not None and (
            message.zh.format(partner=_PROBE, size=size, advice=advice.zh) != cut[0] + _PROBE + cut[1]
            or message.en.format(partner=_PROBE, size=size, advice=advice.en) != cut[2] + _PROBE + cut[3]
        ):
            cut = None
        self._pieces[size] = cut
        return cut

    def finding(self, record: Record, mate: Record, score: float, size: int) -> Finding:
        """One record's finding: its partner and the size of its group, in ``message``'s words."""
        known = self._named.get((id(mate), score))
        if known is None:  # a group's strongest member is named by many of its members
            known = self._named[(id(mate), score)] = (mate, f"{mate.key}《{mate.title}》({score:.2f})")
        named = known[1]
        cut = self.pieces(size)
        if cut is None:
            message, advice = self.message, self.advice
            text = Text(message.zh.format(partner=named, size=size, advice=advice.zh),
                        message.en.format(partner=named, size=size, advice=advice.en))
        else:
            text = Text(cut[0] + named + cut[1], cut[2] + named + cut[3])
        return self.rule.at(record, text, _LOC, key=False)

