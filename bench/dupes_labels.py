"""The duplicate detector against the labelled pairs of issue 14 (run: ``python bench/dupes_labels.py``).

The labels are in ``tests/data/duplicate_pairs_dev.yaml`` and ``tests/data/duplicate_pairs_eval.yaml`` (its hash
is pinned by ``tests/test_duplicate_labels.py``); the evaluation part, measured and reported once, is development
data now too. A frozen held-out part (``duplicate_pairs_holdout.yaml``) is measured only with ``--holdout``. Each side of a pair becomes a real catalog record
(a valid code for its tier and region, title, scope, module, issuer, administering body) and each pair is run
through the whole detector, ``find_duplicates``, in a catalog of its own — so no pair is helped or hidden by another
— with the default ``[duplicates]`` config. A pair counts as predicted duplicate when the detector reports it with
any kind other than ``supersession``.

Prints precision and recall of both parts, the share of pairs labelled right per kind (for duplicate kinds that is
the recall, for look-alike kinds one minus the share reported), and each part's misses (``--misses``), with the
score each missed pair gets at ``min_score = 0`` ("no candidate" when the detector never compares the two).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from gbstd.catalog.catalog import Catalog, Record
from gbstd.model.code import try_parse
from gbstd.model.config import Config
from gbstd.model.standard import Standard
from gbstd.similarity import find_duplicates

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
PARTS = {"dev": DATA / "duplicate_pairs_dev.yaml", "eval": DATA / "duplicate_pairs_eval.yaml"}
# Written without seeing or running the detector, measured after the tuning it was kept from (see its header):
# never tune on it. Only measured with --holdout.
HOLDOUT = DATA / "duplicate_pairs_holdout.yaml"
SIDE_FIELDS = ("title", "tier", "region", "module", "issuer", "administering_body", "scope")


@dataclass(frozen=True)
class Side:
    title: str
    tier: str
    region: str | None
    module: str | None
    issuer: tuple[str, ...]
    administering_body: str | None
    scope: str | None


@dataclass(frozen=True)
class Pair:
    id: str
    kind: str
    duplicate: bool
    scopes: str
    a: Side
    b: Side


@dataclass
class Outcome:
    pair: Pair
    predicted: bool
    score: float | None  # the reported pair's score, None when not reported


@dataclass
class Figures:
    """Counts of one part; ``kinds`` maps kind → (pairs, labelled right)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    kinds: dict[str, list[int]] = field(default_factory=dict)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def load_pairs(path: Path) -> list[Pair]:
    data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    return [
        Pair(str(p["id"]), str(p["kind"]), bool(p["duplicate"]), str(p["scopes"]), _side(p["a"]), _side(p["b"]))
        for p in data["pairs"]
    ]


def _side(raw: dict[str, Any]) -> Side:
    unknown = set(raw) - set(SIDE_FIELDS)
    if unknown:
        raise ValueError(f"unknown side fields {sorted(unknown)}")
    return Side(
        title=raw["title"], tier=raw["tier"], region=raw.get("region"), module=raw.get("module"),
        issuer=tuple(raw.get("issuer") or ()), administering_body=raw.get("administering_body"),
        scope=raw.get("scope"),
    )


def code_for(side: Side, number: int) -> str:
    """A valid code for the side's tier and region; ``number`` keeps the two sides of a pair apart."""
    if side.tier == "national":
        return f"GB/T {40000 + number}-2023"
    if side.tier == "local":
        if not side.region or len(side.region) not in (2, 4):
            raise ValueError(f"a local standard needs a 2- or 4-digit region, not {side.region!r}")
        return f"DB{side.region}/T {number}-2022"
    raise ValueError(f"tier {side.tier!r} is not used in the labelled set")


def make_record(side: Side, number: int) -> Record:
    code = code_for(side, number)
    standard = Standard.model_validate({
        "code": code, "title": side.title, "status": "现行", "region": side.region, "module": side.module,
        "issuer": list(side.issuer), "administering_body": side.administering_body, "scope": side.scope,
    })
    rel = f"records/{code.replace('/', '-').replace(' ', '-')}.yaml"
    return Record(Path(rel), rel, standard, try_parse(code))


def pair_catalog(pair: Pair, config: Config) -> Catalog:
    """A catalog with just the pair's two records (codes 1 and 2 of their tiers and regions)."""
    return Catalog(root=Path("labels"), config=config, records=[make_record(pair.a, 1), make_record(pair.b, 2)])


def judge(pair: Pair, config: Config | None = None, min_score: float | None = None) -> Outcome:
    """Run the whole detector on the pair; predicted when it reports the pair as anything but supersession."""
    catalog = pair_catalog(pair, config or Config())
    found = [p for p in find_duplicates(catalog, min_score=min_score) if p.is_duplicate]
    return Outcome(pair, bool(found), max((p.score for p in found), default=None))


def evaluate(pairs: Iterable[Pair], config: Config | None = None) -> tuple[Figures, list[Outcome]]:
    figures, outcomes = Figures(), []
    for pair in pairs:
        outcome = judge(pair, config)
        outcomes.append(outcome)
        label, predicted = pair.duplicate, outcome.predicted
        figures.tp += label and predicted
        figures.fp += predicted and not label
        figures.fn += label and not predicted
        figures.tn += not label and not predicted
        counts = figures.kinds.setdefault(pair.kind, [0, 0])
        counts[0] += 1
        counts[1] += predicted == label
    return figures, outcomes


def table(name: str, figures: Figures, kind_labels: dict[str, bool]) -> str:
    lines = [
        f"{name}: precision {figures.precision:.3f}  recall {figures.recall:.3f}  "
        f"(tp {figures.tp}, fp {figures.fp}, fn {figures.fn}, tn {figures.tn})",
        f"  {'kind':<20}{'label':<13}{'pairs':>6}{'right':>7}{'share':>8}",
    ]
    for kind in sorted(figures.kinds, key=lambda k: (not kind_labels[k], k)):
        total, right = figures.kinds[kind]
        label = "duplicate" if kind_labels[kind] else "look-alike"
        measure = "recall" if kind_labels[kind] else "not reported"
        lines.append(f"  {kind:<20}{label:<13}{total:>6}{right:>7}{right / total:>8.2f}  ({measure})")
    return "\n".join(lines)


def misses(outcomes: list[Outcome]) -> str:
    lines = []
    for outcome in outcomes:
        pair = outcome.pair
        if outcome.predicted == pair.duplicate:
            continue
        if pair.duplicate:
            probe = judge(pair, min_score=0.0)
            detail = f"best score {probe.score:.3f}" if probe.score is not None else "no candidate"
            what = "missed"
        else:
            detail = f"score {outcome.score:.3f}"
            what = "false  "
        lines.append(f"  {what} {pair.id} {pair.kind:<18} {pair.a.title} / {pair.b.title}  [{detail}; scopes {pair.scopes}]")
    return "\n".join(lines) or "  (none)"


def kind_labels(*groups: list[Pair]) -> dict[str, bool]:
    return {p.kind: p.duplicate for group in groups for p in group}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--misses", choices=["dev", "eval", "holdout", "all", "none"], default="all",
                        help="whose misses to list: every part measured (default), one of them, or none")
    parser.add_argument("--holdout", action="store_true",
                        help="also measure the frozen held-out part (a figure to report, never to tune on)")
    args = parser.parse_args(argv)
    parts = {name: load_pairs(path) for name, path in PARTS.items()}
    if args.holdout:
        parts["holdout"] = load_pairs(HOLDOUT)
    labels = kind_labels(*parts.values())
    for name, pairs in parts.items():
        figures, outcomes = evaluate(pairs)
        print(table(f"{name} ({len(pairs)} pairs)", figures, labels))
        if args.misses in (name, "all"):
            print(f"{name} misses (missed = duplicate not reported, false = look-alike reported):")
            print(misses(outcomes))
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
