"""What the D rules found in each component of duplicate detection's candidate graph, kept between lint runs.

Detection lists the components of its candidate graph with a digest of everything their pairs are made of
(:mod:`gbstd.similarity.components`); the D findings of a component's records depend on nothing else. So each
D rule keeps its findings by component digest (``dupes-memo/D00x.json`` in the lint cache, rewritten on every
run with the components of that run), and the next run scores only the components whose digest it does not
find for every D rule that runs: a title edit re-scores the few hundred records around the old and the new
subject instead of the catalog. The memo is keyed by content — a digest names its inputs, whichever run wrote
it — so it needs no tie to the lint state; a damaged or foreign file is ignored (everything scored again).

Each file also names the run that wrote it (a random token). When the lint state was written by that same run
(it keeps the tokens of the memos written with it), a reused component's files already hold its findings in
the state: the D rules then leave them there (re-making only the others: ``RuleContext.remade``) instead of making every finding of
the catalog again from the memo — at 100 000 records a title edit re-made 246 000 unchanged findings.
"""

from __future__ import annotations

import secrets
import zlib
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from gbstd.catalog.cache import Cache, dump_json, load_json
from gbstd.catalog.catalog import Catalog, Record

if TYPE_CHECKING:  # the similarity package (numpy, rapidfuzz) is imported only where duplicates are found
    from gbstd.similarity.components import Component
    from gbstd.similarity.learned import Learned

MEMO_DIR = "dupes-memo"
LEARNED = "subjects.json"  # each title's subject and each subject's words (gbstd.similarity.learned)

# What a D finding is made of besides the rule's words: the partner's file, the pair's score and the group's
# size (the partner's code and title are read from the catalog: they are inputs of the component's digest).
Kept = tuple[str, float, int]


def memo_for(
    cache: Cache, codes: Iterable[str], catalog: Catalog | None, state_runs: Mapping[str, str] | None = None
) -> DuplicateMemo | None:
    """The memo for the D rules among the rule ``codes`` that will run on the whole ``catalog`` (None: none;
    a catalog not loaded yet is given to ``DuplicateMemo.catalog`` before the rules run); ``state_runs``: per
    rule, the token of the memo written with the lint state this run starts from (whose files hold that run's
    findings)."""
    chosen = [code for code in codes if code.startswith("D")]
    return DuplicateMemo(cache, chosen, catalog, state_runs) if chosen else None


class DuplicateMemo:
    """The D findings of earlier runs by component digest, for the D rules ``codes`` that run now.

    Each component's findings are kept as one JSON text: a run that leaves the reused components' findings in
    the lint state (:meth:`in_state`) neither decodes nor encodes them again, it copies the texts (22 MB of
    findings at 100 000 records). A rule whose findings are made from the memo decodes and checks them all
    when the memo is read, as a damaged or forged one must not be trusted in part."""

    def __init__(
        self, cache: Cache, codes: Iterable[str], catalog: Catalog | None, state_runs: Mapping[str, str] | None = None
    ) -> None:
        self.cache = cache
        self.codes = sorted(set(codes))
        self.catalog = catalog
        self.token = secrets.token_hex(16)  # names this run's memo files
        self._state_runs = dict(state_runs or {})
        self._runs: dict[str, str] = {}  # code → token of the run that wrote the memo read
        self._records: dict[str, Record] | None = None
        self._known: dict[str, dict[str, str]] | None = None  # code → digest → the component's findings (JSON)

    def record(self, rel: str) -> Record:
        if self._records is None:
            assert self.catalog is not None, "the memo is given its catalog before the rules run"
            self._records = {record.rel: record for record in self.catalog.records}
        return self._records[rel]

    def _load(self) -> dict[str, dict[str, str]]:
        if self._known is None:
            self._known = {code: self._read(code) for code in self.codes}
        return self._known

    def _read(self, code: str) -> dict[str, str]:
        document = self.cache.read_json(self.cache.directory / MEMO_DIR / f"{code}.json")
        components = document.get("components") if document else None
        if not isinstance(components, dict) or not all(isinstance(text, str) for text in components.values()):
            return {}
        if document.get("check") != checksum(components):  # damaged: score everything again
            return {}
        run = document.get("run") if document else None
        if isinstance(run, str):
            self._runs[code] = run
        if not self.in_state(code):  # its findings will be made from the memo: every one checked now
            try:
                for text in components.values():
                    _decode(text)
            except ValueError:
                return {}  # damaged or forged: score everything again, never trust part of it
        return components

    def reuse(self) -> Callable[[str], bool] | None:
        """:meth:`known`, or None when no digest can be known (a D rule that runs has no memo yet)."""
        known = self._load()
        return self.known if self.codes and all(known[code] for code in self.codes) else None

    def known(self, digest: str) -> bool:
        """Whether every D rule that runs kept its findings for a component with this digest."""
        known = self._load()
        return bool(self.codes) and all(digest in known[code] for code in self.codes)

    def in_state(self, code: str) -> bool:
        """Whether the lint state this run starts from was written by the run that wrote rule ``code``'s memo:
        then each reused component's files hold in the state exactly the findings the memo keeps for them."""
        run = self._runs.get(code)
        return run is not None and self._state_runs.get(code) == run

    def text(self, code: str, digest: str) -> str:
        """What rule ``code`` found in a reused component, as the memo keeps it (to be kept again)."""
        return self._load().get(code, {}).get(digest, "{}")

    def kept(self, code: str, component: Component) -> dict[str, Kept]:
        """What rule ``code`` found in a reused component, by file (only files of that component: the digest
        names its members, so a row naming another file is forged)."""
        members = set(component.rels)
        try:
            by_rel = _decode(self.text(code, component.digest))
        except ValueError:  # forged (its checksum recomputed): nothing trusted of it
            return {}
        return {rel: by_rel[rel] for rel in component.rels if rel in by_rel and by_rel[rel][0] in members}

    def found_in(self, code: str, skip: Iterable[str]) -> dict[str, Kept] | None:
        """What the memo keeps of rule ``code`` by file, in the components whose digests are not in ``skip``;
        None when one of those components' findings cannot be read (which files had one is unknown)."""
        left = set(skip)
        found: dict[str, Kept] = {}
        for digest, text in self._load().get(code, {}).items():
            if digest not in left:
                try:
                    found.update(_decode(text))
                except ValueError:
                    return None
        return found

    def learned(self) -> Learned:
        """What the last run's detection worked out per title and per subject (empty: none, or not usable)."""
        from gbstd.similarity.learned import Learned

        return Learned.from_document(self.cache.read_json(self.cache.directory / MEMO_DIR / LEARNED))

    def save_learned(self, learned: Learned) -> None:
        """Keep what this run's detection worked out, when it learnt something (or dropped a title)."""
        if learned.changed:
            self.cache.write_json(f"{MEMO_DIR}/{LEARNED}", learned.to_document())

    def save(self, code: str, components: dict[str, str]) -> None:
        """This run's findings of rule ``code`` by component digest, each as :func:`encode` made it (those of
        the last run are dropped)."""
        self.cache.write_json(f"{MEMO_DIR}/{code}.json", {
            "run": self.token, "check": checksum(components), "components": components,
        })


def checksum(components: dict[str, str]) -> str:
    """A checksum of the memo's texts: one damaged on disk is found when the memo is read, not when a text the
    lint state stands for is needed (a CRC: 22 MB at 100 000 records in a hundredth of a second)."""
    crc = 0
    for digest in sorted(components):
        crc = zlib.crc32(components[digest].encode("utf-8", "surrogatepass"), zlib.crc32(digest.encode(), crc))
    return f"{crc:08x}"


def encode(found: dict[str, Kept]) -> str:
    """One component's findings of a rule, by file, as the memo keeps them."""
    value = {rel: list(kept) for rel, kept in found.items()}
    return dump_json(value).decode()  # a file named in GBK: escaped, and read back the same (load_json)


def _decode(text: str) -> dict[str, Kept]:
    """A component's findings as :func:`encode` wrote them; ValueError when one is not such a finding."""
    by_rel = load_json(text)
    if not isinstance(by_rel, dict):
        raise ValueError("damaged memo")
    found: dict[str, Kept] = {}
    for rel, row in by_rel.items():
        if not _valid(row):
            raise ValueError("damaged memo")
        found[rel] = (row[0], float(row[1]), row[2])
    return found


def _valid(row: Any) -> bool:
    """A kept finding as :meth:`DuplicateMemo.save` writes it: partner's file, score, group size."""
    return (
        isinstance(row, list) and len(row) == 3 and isinstance(row[0], str)
        and type(row[1]) in (float, int) and 0 <= row[1] <= 1 and type(row[2]) is int and row[2] >= 2
    )
