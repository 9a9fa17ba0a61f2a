"""Benchmark ``gbstd lint`` and ``gbstd fmt --check`` on national-scale catalogs and print one table.

    python bench/lint_bench.py --workdir /tmp/gbstd-bench                    # 10 000 and 100 000 records
    python bench/lint_bench.py --sizes 10000 --before /tmp/gbstd-main        # with main's source tree too
    python bench/lint_bench.py --sizes 10000 --cold-only                     # floor, yamllint, cold lint only

Catalogs have heavy sibling overlap like a national one (``bench/generate.py --mode sibling``); each is
generated once into ``--workdir`` and reused by later runs. For each size, in the same run, each command in
a child process:

  parse floor        every record loaded with ruamel.yaml's C safe loader (the floor for YAML in Python)
  yamllint           yamllint -d relaxed (a peer that checks only syntax and style; up to 20 000 records)
  lint cold          ``gbstd lint`` with every rule and an empty cache (it writes the cache)
  lint warm          the same again, nothing changed
  1 changed: comment one record file edited (a comment appended: its content hash changes, no field does)
  1 changed: title   one record's title edited (re-runs the rules that read titles, duplicates included)
  1 added            a record file added (a copy of one with a code of its own: every catalog-wide rule again)
  1 removed          that file removed again
  every file touched every file's times changed, no content (a fresh clone with its cache restored, a copy)
  next day           the run of a later day (``--as-of`` + 1: every rule again, every file from the cache)
  lint -D cold       ``gbstd lint --ignore D`` with an empty cache
  fmt --check cold   ``gbstd fmt --check`` with an empty cache
  fmt --check warm   the same again

Every row is measured ``--repeat`` times (once above 20 000 records) in rounds: a round runs each row once —
the floor, yamllint, then each tree's rows in the order above — so that rows a ratio compares are measured
minutes apart at most, not in blocks (this machine's speed drifts by half over minutes). Wall time is a row's
best run, CPU is user+sys of that run with its
worker processes, peak memory the largest resident set of the process or a worker (each one's ``VmHWM``,
sampled every 50 ms while it runs: ``wait4``'s figure counts a child's memory from before its ``exec``, that
is the bench process's own size, which hid every smaller peak). ``--before SRC``
measures another source tree (e.g. ``git archive main`` unpacked) the same way, each of its commands stopped
above ``--cap-gib`` or ``--timeout``. Ratios are to the parse floor of the same run, so that figures from a
busy machine compare; the load average is printed with the table.
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dupes_bench import _rss_mib
from generate import AS_OF, generate_sibling_catalog

import gbstd

SMALL = 20_000  # up to this size: yamllint, and --repeat runs per figure

PARSE_SCRIPT = """
import os, sys
from ruamel.yaml import YAML
yaml = YAML(typ="safe")
assert yaml.Parser.__module__.startswith("ruamel.yaml.clib"), "ruamel.yaml.clib (C loader) is not installed"
count = 0
for top, dirs, files in os.walk(sys.argv[1]):
    dirs.sort()
    for name in sorted(files):
        if name.endswith((".yaml", ".yml")):
            with open(os.path.join(top, name), "rb") as handle:
                yaml.load(handle.read())
                count += 1
print(count)
"""


@dataclass
class Run:
    wall: float
    cpu: float
    peak_mib: float
    code: int
    stopped: str = ""  # why it was stopped early ("" = it finished)
    walls: tuple[float, ...] = ()  # wall time of every run of this figure (best() keeps the fastest)


def run(argv: list[str], env: dict[str, str], cap_mib: float | None, timeout: float | None) -> Run:
    """Run a command; its wall time, CPU (with its waited-for workers) and peak resident memory."""
    start = time.perf_counter()
    stopped = ""
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    peak = 0.0
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        peak = max(peak, high_water_mib(process.pid))
        if not stopped and cap_mib is not None and _rss_mib(process.pid) > cap_mib:
            stopped = f"stopped at {cap_mib / 1024:.0f} GiB"
        if not stopped and timeout is not None and time.perf_counter() - start > timeout:
            stopped = f"stopped after {timeout:.0f} s"
        if stopped:
            os.kill(process.pid, signal.SIGKILL)
        time.sleep(0.05)
    wall = time.perf_counter() - start
    # a command over before the first sample: wait4's figure (an upper bound)
    return Run(wall, usage.ru_utime + usage.ru_stime, peak or usage.ru_maxrss / 1024,
               os.waitstatus_to_exitcode(status), stopped)


def high_water_mib(pid: int) -> float:
    """The largest resident set so far of ``pid`` or any process below it (``VmHWM``: each process's own, from
    its ``exec`` or fork on); 0 when it is gone."""
    peak, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]) / 1024)
            for task in os.listdir(f"/proc/{current}/task"):
                todo += [int(child) for child in Path(f"/proc/{current}/task/{task}/children").read_text().split()]
        except (OSError, ValueError):
            continue  # ended meanwhile
    return peak


def best(argv: list[str], env: dict[str, str], repeat: int, before: Callable[[], None] | None = None,
         cap_mib: float | None = None, timeout: float | None = None) -> Run:
    runs = []
    for _ in range(repeat):
        if before:
            before()
        runs.append(run(argv, env, cap_mib, timeout))
        if runs[-1].stopped:
            break  # a stopped run would stop again
    chosen = min(runs, key=lambda r: (bool(r.stopped), r.wall))
    chosen.walls = tuple(r.wall for r in runs)
    return chosen


def spread(result: Run) -> str:
    """Every run's wall time, when there were several: the best alone can be a lucky run on a noisy machine."""
    return "/".join(f"{wall:.2f}" for wall in result.walls) if len(result.walls) > 1 else ""


class Reported(dict[str, Run]):
    """Results that are printed as they come in: a long run interrupted still leaves its figures."""

    def __init__(self, report: Callable[[str, Run], None]) -> None:
        super().__init__()
        self.report = report

    def __setitem__(self, name: str, result: Run) -> None:
        super().__setitem__(name, result)
        self.report(name, result)


def add(table: list[tuple[int, str, str, Run, float]], row: tuple[int, str, str, Run, float]) -> None:
    table.append(row)
    n, tree, name, result, floor = row
    runs = f" (runs {spread(result)})" if spread(result) else ""
    print(f"  {n} {tree or '-'} {name}: {result.stopped or f'{result.wall:.2f} s'}{runs}, {result.wall / floor:.2f}× floor, "
          f"CPU {result.cpu:.1f} s, peak {result.peak_mib:.0f} MiB, exit {result.code}, "
          f"load {os.getloadavg()[0]:.1f}", file=sys.stderr, flush=True)


def catalog(workdir: Path, n: int, seed: int) -> Path:
    root = workdir / f"siblings-{n}-{seed}"
    done = workdir / f"siblings-{n}-{seed}.complete"  # an interrupted generation is not reused
    if not done.is_file():
        shutil.rmtree(root, ignore_errors=True)
        print(f"… generating {n} records into {root}", file=sys.stderr, flush=True)
        generate_sibling_catalog(root, n, seed)
        done.write_text("generated\n")
    return root


class Rounds:
    """Every row's runs, taken in rounds: each round runs every row once, in a fixed order (the reference rows,
    then each tree's), and a row's figure is its best run over the rounds. A 2-core machine shared with other
    work slows down and speeds up by half over minutes; measured in blocks (a row's runs one after another),
    a ratio compared two rows from different minutes (a title edit at 0.59× cold in one run, 0.31× by hand
    between cold runs minutes later). In rounds the rows a ratio compares are minutes apart at most, and a
    ``--before`` tree's runs alternate with the measured tree's."""

    def __init__(self) -> None:
        self.runs: dict[tuple[str, str], list[Run]] = {}

    def measure(self, tree: str, name: str, argv: list[str], env: dict[str, str], cap_mib: float | None,
                timeout: float | None, before: Callable[[], None] | None = None) -> Run | None:
        """One run of a row (None: an earlier run of it was stopped, and this one would stop again)."""
        done = self.runs.setdefault((tree, name), [])
        if done and done[-1].stopped:
            return None
        if before:
            before()
        result = run(argv, env, cap_mib, timeout)
        done.append(result)
        print(f"  {tree or '-'} {name}: {result.stopped or f'{result.wall:.2f} s'}, CPU {result.cpu:.1f} s, "
              f"peak {result.peak_mib:.0f} MiB, exit {result.code}, load {os.getloadavg()[0]:.1f}",
              file=sys.stderr, flush=True)
        return result

    def best(self, tree: str, name: str) -> Run | None:
        """A row's figure: its fastest finished run (a stopped one if none finished), with every run's time."""
        runs = self.runs.get((tree, name))
        if not runs:
            return None
        chosen = min(runs, key=lambda r: (bool(r.stopped), r.wall))
        chosen.walls = tuple(r.wall for r in runs)
        return chosen


# A tree's rows in the order they run in a round (the figures are reported in this order too).
TREE_ROWS = ("lint cold", "lint warm", "1 changed: comment", "1 changed: title", "1 added", "1 removed",
             "every file touched", "next day", "lint -D cold", "fmt --check cold", "fmt --check warm")


class Tree:
    """One source tree's rows on one catalog: what each run is, and the edits that precede some of them (the
    catalog's edited record is put back by :meth:`restore`)."""

    def __init__(self, label: str, root: Path, env: dict[str, str], cap_mib: float | None,
                 timeout: float | None) -> None:
        self.label, self.root, self.env, self.cap_mib, self.timeout = label, root, env, cap_mib, timeout
        self.cache = root / ".gbstd-cache"
        self.lint = [sys.executable, "-m", "gbstd", "lint", str(root), "--as-of", AS_OF.isoformat(),
                     "--format", "json"]
        self.fmt = [sys.executable, "-m", "gbstd", "fmt", "--check", str(root)]
        self.victim = sorted((root / "records").rglob("*.yaml"))[0]
        self.original = self.victim.read_bytes()
        self.added = self.victim.with_name("bench-added.yaml")
        self.counter = iter(range(10**6))

    def clear(self) -> None:
        shutil.rmtree(self.cache, ignore_errors=True)

    def comment(self) -> None:
        with open(self.victim, "a", encoding="utf-8") as handle:
            handle.write(f"# edited {next(self.counter)}\n")

    def title(self) -> None:
        lines = self.victim.read_text(encoding="utf-8").splitlines(keepends=True)
        number = next(self.counter)
        self.victim.write_text("".join(
            f"{line.rstrip()}（第{number}次修改）\n" if line.startswith("title:") else line for line in lines
        ), encoding="utf-8")

    def add_record(self) -> None:
        """A copy of the edited record with a code no generated record has (same title: a duplicate)."""
        number = 900_000 + next(self.counter)
        text = self.original.decode("utf-8")
        self.added.write_text(renumbered(text, number), encoding="utf-8")

    def remove_added(self) -> None:
        self.added.unlink(missing_ok=True)

    def touch_all(self) -> None:
        """Every file of the catalog with new times and the same content, as in a fresh clone whose cache CI
        restored; then 2 s, so that the run's hashes count as trusted for the rows after it (a file changed
        within 2 s of being hashed is hashed again by the next run)."""
        for path in self.root.rglob("*"):
            if path.is_file() and self.cache not in path.parents:
                os.utime(path)
        time.sleep(2.1)

    def restore(self) -> None:
        self.victim.write_bytes(self.original)
        self.remove_added()
        self.clear()

    def run_round(self, rounds: Rounds, day: int, cold_only: bool) -> None:
        """Each of the tree's rows once (``day``: the round's next day, one day later each round: every rule
        runs again, the review rules depending on the day); with ``cold_only`` just the two cold runs."""
        def measure(name: str, argv: list[str], before: Callable[[], None] | None = None) -> Run | None:
            return rounds.measure(self.label, name, argv, self.env, self.cap_mib, self.timeout, before)

        cold = measure("lint cold", self.lint, self.clear)
        if cold is not None and not cold.stopped and not cold_only:
            measure("lint warm", self.lint)
            measure("1 changed: comment", self.lint, self.comment)
            measure("1 changed: title", self.lint, self.title)
            measure("1 added", self.lint, self.add_record)
            measure("1 removed", self.lint, self.remove_added)
            measure("every file touched", self.lint, self.touch_all)
            at = self.lint.index("--as-of") + 1
            measure("next day", [*self.lint[:at], (AS_OF + dt.timedelta(days=day)).isoformat(), *self.lint[at + 1:]])
        measure("lint -D cold", [*self.lint, "--ignore", "D"], self.clear)
        if cold_only:
            return
        fmt_cold = measure("fmt --check cold", self.fmt, self.clear)
        if fmt_cold is not None and not fmt_cold.stopped:
            measure("fmt --check warm", self.fmt)


def renumbered(text: str, number: int) -> str:
    """A generated record's text with ``number`` in its code (``DB11/T 1-2020`` → ``DB11/T {number}-2020``)."""
    return re.sub(r"(?m)^(code: \S+ )\d+", rf"\g<1>{number}", text, count=1)


def warm_page_cache(root: Path) -> None:
    """Read every file once, so that the parse floor (measured first) does not pay for the disk and every
    later row does not get the page cache for free: a floor read from disk made ratios look 2× better."""
    for path in root.rglob("*"):
        if path.is_file():
            path.read_bytes()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark gbstd lint and fmt (see the module docstring).")
    common_arguments(parser, "a --before command")
    parser.add_argument("--before-max", type=int, default=10**9, help="measure --before only up to this size")
    parser.add_argument("--no-yamllint", action="store_true", help="skip the (slow) yamllint reference")
    parser.add_argument("--cold-only", action="store_true",
                        help="only the cold lint rows (every rule, --ignore D): the parse-floor ratio")
    args = parser.parse_args(argv)
    after_env, before_env = prepare(parser, args, "lint")
    table: list[tuple[int, str, str, Run, float]] = []
    for n in args.sizes:
        root = catalog(args.workdir, n, args.seed)
        repeat = args.repeat if n <= SMALL else 1
        load_before = os.getloadavg()[0]
        warm_page_cache(root)
        yamllint = n <= SMALL and not args.no_yamllint
        if yamllint and not shutil.which("yamllint"):
            print("yamllint is not on the PATH (pip install yamllint): its row is left out", file=sys.stderr)
            yamllint = False
        trees = [Tree("after", root, after_env, None, None)]
        if before_env and n <= args.before_max:
            trees.insert(0, Tree("before", root, before_env, args.cap_gib * 1024, args.timeout))
        rounds = Rounds()
        try:
            for number in range(1, repeat + 1):
                print(f"… {n}: round {number} of {repeat}", file=sys.stderr, flush=True)
                rounds.measure("", "parse floor", [sys.executable, "-c", PARSE_SCRIPT, str(root / "records")],
                               after_env, None, None)
                if yamllint:
                    rounds.measure("", "yamllint relaxed",
                                   ["yamllint", "-d", "relaxed", "-f", "parsable", str(root / "records")],
                                   after_env, None, None)
                for tree in trees:
                    tree.run_round(rounds, number, args.cold_only)
        finally:
            for tree in trees:
                tree.restore()
        floor = rounds.best("", "parse floor")
        assert floor is not None
        for tree, name in [("", "parse floor"), ("", "yamllint relaxed"),
                           *((t.label, row) for t in trees for row in TREE_ROWS)]:
            result = rounds.best(tree, name)
            if result is not None:
                add(table, (n, tree, name, result, floor.wall))
        print(f"{n} records: load average {load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end")
    print_table(table)
    return 0


def common_arguments(parser: argparse.ArgumentParser, stopped: str) -> None:
    """The options every benchmark takes: sizes, seed, repeats, work directory, the tree to compare, limits."""
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure up to 20 000 records (best counts)")
    parser.add_argument("--workdir", type=Path, required=True, help="where catalogs are generated and reused")
    parser.add_argument("--before", type=Path, help="another gbstd source tree to measure in the same run")
    parser.add_argument("--cap-gib", type=float, default=6.0, help=f"stop {stopped} above this memory")
    parser.add_argument("--timeout", type=float, default=600.0, help=f"stop {stopped} after this long")


def prepare(parser: argparse.ArgumentParser, args: argparse.Namespace, what: str) -> tuple[dict[str, str], dict[str, str] | None]:
    """What every benchmark does before its first catalog: refuse a ``--before`` that is no source tree (else
    the installed tree is measured twice), unwind on SIGTERM (a catalog's edited record is put back, the cache
    removed), make the work directory, print the machine, and compile both trees; the environments of the
    tree measured ("after") and of ``--before`` (None without it)."""
    if args.before and not (args.before / "src" / "gbstd" / "__init__.py").is_file():
        parser.error(f"--before {args.before}: no gbstd source tree there (src/gbstd)")
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    args.workdir.mkdir(parents=True, exist_ok=True)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"gbstd {what} benchmark — Python {platform.python_version()}, {cores} cores, {platform.machine()}, "
          f"as of {AS_OF}, seed {args.seed}, sibling-overlap catalogs")
    after_env = dict(os.environ)
    before_env = {**after_env, "PYTHONPATH": str(args.before / "src")} if args.before else None
    # Each tree is measured as installed: with its bytecode written (an installed package has it, and the first
    # run of an editable install writes it; without it every command compiles ~140 modules, a tenth of a second).
    compile_tree(Path(gbstd.__file__).parent)
    if args.before:
        compile_tree(args.before / "src")
    return after_env, before_env


def each_size(args: argparse.Namespace, table: list[tuple[int, str, str, Run, float]],
              env: dict[str, str]) -> Iterator[tuple[int, Path, int, Run]]:
    """For each of ``--sizes``: the size, its catalog (generated once), the runs per figure and the catalog's
    parse floor (the reference every ratio is to, added to ``table``); the load average is printed around
    what the caller measures."""
    for n in args.sizes:
        root = catalog(args.workdir, n, args.seed)
        repeat = args.repeat if n <= SMALL else 1
        load_before = os.getloadavg()[0]
        print(f"… {n}: parse floor", file=sys.stderr, flush=True)
        warm_page_cache(root)
        floor = best([sys.executable, "-c", PARSE_SCRIPT, str(root / "records")], env, repeat)
        add(table, (n, "", "parse floor", floor, floor.wall))
        yield n, root, repeat, floor
        print(f"{n} records: load average {load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end")


def compile_tree(directory: Path) -> None:
    if not compileall.compile_dir(str(directory), quiet=1):
        raise SystemExit(f"could not compile the sources under {directory}")


def rounds_ratio(top: Run, bottom: Run) -> str:
    """``top`` ÷ ``bottom`` in each round (their runs of a round are minutes apart at most), when both ran in
    every round: "" otherwise."""
    if len(top.walls) < 2 or len(top.walls) != len(bottom.walls):
        return ""
    return ", rounds " + "/".join(f"{a / b:.2f}" for a, b in zip(top.walls, bottom.walls, strict=True))


def print_table(table: list[tuple[int, str, str, Run, float]]) -> None:
    print("\n| records | tree | measurement | wall s (best) | every run | × floor | CPU s | peak MiB | exit |")
    print("|---:|---|---|---:|---:|---:|---:|---:|---:|")
    for n, tree, name, result, floor in table:
        wall = result.stopped or f"{result.wall:.2f}"
        print(f"| {n} | {tree} | {name} | {wall} | {spread(result)} | {result.wall / floor:.2f} | {result.cpu:.1f} | "
              f"{result.peak_mib:.0f} | {result.code} |")
    print()
    rows = {(n, tree, name): result for n, tree, name, result, _ in table}
    for n in sorted({n for n, *_ in table}):
        cold, warm = rows.get((n, "after", "lint cold")), rows.get((n, "after", "lint warm"))
        floor = rows[(n, "", "parse floor")]
        if cold is None:
            continue
        print(f"{n} records (after):")
        print(f"  cold / parse floor     = {cold.wall / floor.wall:5.2f}   (target ≤ {1.5 if n <= SMALL else 2.0}; "
              f"CPU {cold.cpu / floor.cpu:.2f}, both cores counted{rounds_ratio(cold, floor)})")
        no_d = rows.get((n, "after", "lint -D cold"))
        if no_d is not None:
            print(f"  cold --ignore D / floor = {no_d.wall / floor.wall:4.2f}   (CPU {no_d.cpu / floor.cpu:.2f})")
        yl = rows.get((n, "", "yamllint relaxed"))
        if yl is not None:
            print(f"  yamllint / cold        = {yl.wall / cold.wall:5.2f}   (target ≥ 5{rounds_ratio(yl, cold)})")
        if warm is None:
            continue
        print(f"  warm / cold            = {warm.wall / cold.wall:5.2f}   (target ≤ 0.2{rounds_ratio(warm, cold)})")
        for edit, row in (("comment", "1 changed: comment"), ("title", "1 changed: title"), ("added", "1 added"),
                          ("removed", "1 removed")):
            one = rows.get((n, "after", row))
            if one is not None:
                print(f"  1 changed ({edit}) / cold = {one.wall / cold.wall:5.2f}   "
                      f"(target ≤ 0.3 at 10 000; ≤ 5 s at 100 000: {one.wall:.1f} s{rounds_ratio(one, cold)})")
        touched = rows.get((n, "after", "every file touched"))
        if touched is not None:
            print(f"  every file touched / cold = {touched.wall / cold.wall:4.2f}   (a fresh clone with its cache: "
                  f"{touched.wall:.1f} s{rounds_ratio(touched, cold)})")
        fc, fw = rows.get((n, "after", "fmt --check cold")), rows.get((n, "after", "fmt --check warm"))
        if fc is not None and fw is not None:
            print(f"  fmt warm / fmt cold    = {fw.wall / fc.wall:5.2f}   (target ≤ 0.2{rounds_ratio(fw, fc)})")
        print(f"  peak memory, lint cold = {cold.peak_mib:5.0f} MiB (target < 2048 at 100 000)")


if __name__ == "__main__":
    sys.exit(main())
