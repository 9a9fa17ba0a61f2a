"""Benchmark ``gbstd lint`` over a federation of 31 provincial catalogs against the same records in one catalog.

    python bench/federation_bench.py --workdir /tmp/gbstd-fed --records 10000
    nice -n 5 python bench/federation_bench.py --workdir /tmp/gbstd-fed --records 100000 --repeat 1

One catalog of ``--records`` records with heavy sibling overlap (``bench/generate.py --mode sibling``) is
generated once into ``--workdir`` and reused; the same files are then laid out as a federation: 31 member
catalogs, one per province (``members/<province code>/``, each with its own ``gbstd.toml`` and
``system.yaml``, named after the province), and a federating catalog holding the national standards, the
system and ``[[federation.members]]`` with each member's ``path``. Files are hard links where the file system
allows, so the two layouts hold byte-identical records.

Both are linted cold (``gbstd lint --no-cache --format json``, every rule) in the same run, alternately
(``--repeat`` rounds, the best wall time of each kept): wall time, CPU (user+sys of the process and the
workers it waited for) and peak resident memory. The federation's findings are compared with the single
catalog's, each member path ``<member>/<path>`` read back as ``<path>``: they must be the same, except that
the duplicate rules (D001–D003) are compared by count, since which of several equal partners they name follows
the order the records were read in (the same records reordered in one catalog differ the same way). The
ratio federation / one catalog is the figure the issue sets a target for (≤ 1.2); on a loaded machine the
CPU ratio is the steadier one.

``--cached`` measures the runs an editor makes instead, each layout with its own lint cache (filled first, not
timed): ``gbstd lint --format json`` unchanged (warm), after one member record's title is edited, and after the
edit is undone, ``--repeat`` rounds alternated, medians. The record is rewritten in both layouts. Another source tree is measured with ``PYTHONPATH=<tree>/src`` (each run is ``python -m gbstd``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import AS_OF, generate_sibling_catalog
from lint_bench import Run

from gbstd.model.regions import PROVINCES

TARGET = 1.2


def _place(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:  # another file system, or links not allowed: a copy holds the same bytes
        shutil.copy2(source, target)


def build(workdir: Path, n: int, seed: int) -> tuple[Path, Path]:
    """The single catalog and the federating catalog of ``n`` records (generated once, then reused)."""
    top = workdir / f"federation-{n}-{seed}"
    one, federation, members = top / "one", top / "federation", top / "members"
    done = top / "complete"  # an interrupted build is not reused
    if done.is_file():
        return one, federation
    shutil.rmtree(top, ignore_errors=True)
    print(f"… generating {n} records into {one}", file=sys.stderr, flush=True)
    generate_sibling_catalog(one, n, seed)
    config = (one / "gbstd.toml").read_text(encoding="utf-8")
    for province in PROVINCES:
        member = members / province
        member.mkdir(parents=True)
        for name in ("gbstd.toml", "system.yaml"):
            _place(one / name, member / name)
    federation.mkdir(parents=True)
    _place(one / "system.yaml", federation / "system.yaml")
    for path in sorted((one / "records").rglob("*.yaml")):
        rel = path.relative_to(one)
        parts = rel.parts  # records/local/<province>/… or records/national/…
        owner = members / parts[2] if parts[1] == "local" else federation
        _place(path, owner / rel)
    entries = [f'\n[[federation.members]]\nname = "{PROVINCES[p]}"\npath = "../members/{p}"' for p in PROVINCES]
    (federation / "gbstd.toml").write_text(config + "".join(entries) + "\n", encoding="utf-8")
    done.write_text("built\n")
    return one, federation


def lint(root: Path, out: Path, env: dict[str, str]) -> Run:
    """One cold ``gbstd lint`` of ``root``, its JSON findings written to ``out``."""
    argv = [sys.executable, "-m", "gbstd", "lint", str(root), "--no-cache", "--as-of", AS_OF.isoformat(),
            "--format", "json"]
    start = time.perf_counter()
    with out.open("wb") as handle:
        process = subprocess.Popen(argv, stdout=handle, stderr=subprocess.DEVNULL, env=env)
        _, status, usage = os.wait4(process.pid, 0)
    process.returncode = code = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    return Run(time.perf_counter() - start, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, code)


def cached_lint(root: Path, out: Path, env: dict[str, str]) -> Run:
    """One ``gbstd lint`` of ``root`` through its cache (JSON findings to ``out``)."""
    argv = [sys.executable, "-m", "gbstd", "lint", str(root), "--as-of", AS_OF.isoformat(), "--format", "json"]
    start = time.perf_counter()
    with out.open("wb") as handle:
        process = subprocess.Popen(argv, stdout=handle, stderr=subprocess.DEVNULL, env=env)
        _, status, usage = os.wait4(process.pid, 0)
    process.returncode = code = os.waitstatus_to_exitcode(status)
    return Run(time.perf_counter() - start, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, code)


def edits(one: Path, federation: Path, env: dict[str, str], workdir: Path, rounds: int) -> int:
    """``--cached``: warm, one title edited, the edit undone; a table of medians; 1 if the layouts disagree."""
    victim = sorted((one / "records" / "local").rglob("*.yaml"))[0]  # a province's: a member record
    rel = victim.relative_to(one)
    copies = [victim, federation.parent / "members" / rel.parts[2] / rel]  # hard links, unless one was replaced
    original = victim.read_bytes()
    edited = b"\n".join(line + "（改）".encode() if line.startswith(b"title: ") else line
                         for line in original.split(b"\n"))
    if edited == original:
        raise SystemExit(f"{victim}: no plain 'title: ' line to edit")
    layouts = {"one catalog": one, "federation": federation}
    steps = ("warm", "title edited", "edit undone")
    runs: dict[tuple[str, str], list[Run]] = {(label, step): [] for label in layouts for step in steps}
    outputs = {label: workdir / f"{label.replace(' ', '-')}-cached.json" for label in layouts}
    for label, root in layouts.items():  # the caches filled
        cached_lint(root, outputs[label], env)
        cached_lint(root, outputs[label], env)
    edited_outputs = {label: workdir / f"{label.replace(' ', '-')}-edited.json" for label in layouts}
    try:
        for round_ in range(rounds):
            for label, root in layouts.items():
                print(f"… round {round_ + 1}: {label}", file=sys.stderr, flush=True)
                runs[(label, "warm")].append(cached_lint(root, outputs[label], env))
                for copy in copies:  # both layouts see each edit
                    copy.write_bytes(edited)
                runs[(label, "title edited")].append(cached_lint(root, edited_outputs[label], env))
                for copy in copies:
                    copy.write_bytes(original)
                runs[(label, "edit undone")].append(cached_lint(root, outputs[label], env))
    finally:
        for copy in copies:
            copy.write_bytes(original)
    print("| `gbstd lint` (cache) | step | wall s (median, min–max) | CPU s | peak MiB | exit |")
    print("|---|---|---:|---:|---:|---|")
    for (label, step), results in runs.items():
        walls = [r.wall for r in results]
        print(f"| {label} | {step} | {statistics.median(walls):.2f} ({min(walls):.2f}–{max(walls):.2f}) | "
              f"{statistics.median(r.cpu for r in results):.1f} | "
              f"{statistics.median(r.peak_mib for r in results):.0f} | {sorted({r.code for r in results})} |")
    # compared once every run is timed: a forked child's peak memory counts this process's at the fork
    edited_single = findings(edited_outputs["one catalog"], False)
    same = _not_d(edited_single) == _not_d(findings(edited_outputs["federation"], True))
    unread = [key for key in edited_single if key[1] == rel.as_posix() and key[0] in ("C001", "Y001")]
    print(f"\nafter the last edit, findings other than D {'the same' if same else 'DIFFERENT'} in both layouts"
          f"{'' if not unread else '; THE EDITED RECORD DID NOT READ: ' + str(unread)}")
    failed = any(r.code not in (0, 1) for results in runs.values() for r in results)
    return 0 if same and not unread and not failed else 1


def _not_d(found: Counter[tuple[str, str, str]]) -> Counter[tuple[str, str, str]]:
    return Counter({key: n for key, n in found.items() if not key[0].startswith("D")})


def findings(out: Path, members: bool) -> Counter[tuple[str, str, str]]:
    """(rule, path, message) of every finding; a member's path without its member prefix."""
    names = set(PROVINCES.values())
    found: Counter[tuple[str, str, str]] = Counter()
    for item in json.loads(out.read_text(encoding="utf-8")):
        path = item["path"]
        head, _, rest = path.partition("/")
        if members and head in names:
            path = rest
        found[(item["rule"], path, item["message"])] += 1
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark gbstd lint over 31 member catalogs (see the docstring).")
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=2, help="rounds of (one catalog, federation); best counts")
    parser.add_argument("--workdir", type=Path, required=True, help="where the catalogs are generated and reused")
    parser.add_argument("--cached", action="store_true",
                        help="warm, one title edited and the edit undone, through each layout's cache")
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    one, federation = build(args.workdir, args.records, args.seed)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"gbstd lint over a federation — Python {platform.python_version()}, {cores} cores, "
          f"{platform.machine()}, {args.records} records, seed {args.seed}, 31 members + the federating catalog")
    env = dict(os.environ)
    if args.cached:
        return edits(one, federation, env, args.workdir, args.repeat)
    runs: dict[str, list[Run]] = {"one catalog": [], "federation": []}
    outputs = {"one catalog": args.workdir / "one.json", "federation": args.workdir / "federation.json"}
    load = os.getloadavg()[0]
    for round_ in range(args.repeat):
        for label, root in (("one catalog", one), ("federation", federation)):
            print(f"… round {round_ + 1}: {label}", file=sys.stderr, flush=True)
            result = lint(root, outputs[label], env)
            runs[label].append(result)
            print(f"  {label}: {result.wall:.2f} s, CPU {result.cpu:.1f} s, peak {result.peak_mib:.0f} MiB, "
                  f"exit {result.code}, load {os.getloadavg()[0]:.1f}", file=sys.stderr, flush=True)
    best = {label: min(results, key=lambda r: r.wall) for label, results in runs.items()}
    print(f"load average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end\n")
    print("| `gbstd lint --no-cache` | wall s | CPU s | peak MiB | exit |")
    print("|---|---:|---:|---:|---:|")
    for label, result in best.items():
        print(f"| {label} | {result.wall:.2f} | {result.cpu:.1f} | {result.peak_mib:.0f} | {result.code} |")
    single, union = best["one catalog"], best["federation"]
    print(f"\nfederation / one catalog: wall {union.wall / single.wall:.2f}× (target ≤ {TARGET}), "
          f"CPU {union.cpu / single.cpu:.2f}×, peak memory {union.peak_mib / single.peak_mib:.2f}×")
    same = compare(findings(outputs["one catalog"], False), findings(outputs["federation"], True))
    return 0 if same and single.code == union.code else 1


def compare(single: Counter[tuple[str, str, str]], union: Counter[tuple[str, str, str]]) -> bool:
    """Print whether both runs found the same; the duplicate rules (D) apart, whose choice of the partner
    to name among equal candidates follows the order the records were read in (a union reads its own
    records, then member after member)."""
    def part(found: Counter[tuple[str, str, str]], duplicates: bool) -> Counter[tuple[str, str, str]]:
        return Counter({key: n for key, n in found.items() if key[0].startswith("D") == duplicates})

    same = part(single, False) == part(union, False)
    print(f"findings other than D: {sum(part(union, False).values())}, "
          f"{'the same' if same else 'DIFFERENT'} in both (member prefixes removed)")
    for rule in sorted({key[0] for key in single | union if key[0].startswith("D")}):
        a = sum(n for key, n in single.items() if key[0] == rule)
        b = sum(n for key, n in union.items() if key[0] == rule)
        files = {key[1] for key in single if key[0] == rule} == {key[1] for key in union if key[0] == rule}
        print(f"  {rule}: one catalog {a}, federation {b}; {'the same' if files else 'other'} files named")
    return same


if __name__ == "__main__":
    sys.exit(main())
