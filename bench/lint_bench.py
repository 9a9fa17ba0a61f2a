"""Benchmark ``gbstd lint`` on generated national-scale catalogs and print a table.

    python bench/lint_bench.py                      # 10 000 and 100 000 records
    python bench/lint_bench.py --sizes 10000 --repeat 5

For each size, on the same generated tree (``bench/generate.py``), in the same run:
  parse (C)      every record loaded with ruamel.yaml's C-based safe loader (the floor for YAML in Python)
  yamllint       yamllint with its default configuration (a peer that only checks syntax and style)
  lint cold      ``gbstd lint`` with an empty cache (it writes the cache)
  lint no-cache  ``gbstd lint --no-cache``
  lint 1 job     ``gbstd lint --no-cache --jobs 1`` (one process: what the worker pool buys)
  lint warm      ``gbstd lint`` again, nothing changed
  lint 1 changed ``gbstd lint`` after one record file was edited (rules run again on the whole catalog)
Each command runs as a child process; wall time is the best of ``--repeat`` runs, CPU is user+sys of that
run including its worker processes, peak memory is the largest resident set of any one process (wait4).
The findings are checked against the problems the generator planted.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import AS_OF, Manifest, generate_catalog

TARGETS = {"cold_vs_parse": 3.0, "yamllint_vs_cold": 5.0, "warm_vs_cold": 0.2, "peak_mib_100k": 2048.0}

PARSE_SCRIPT = """
import os, sys
from ruamel.yaml import YAML
yaml = YAML(typ="safe")
assert yaml.Parser.__module__.startswith("ruamel.yaml.clib"), "ruamel.yaml.clib (C loader) is not installed"
count = errors = 0
for top, dirs, files in os.walk(sys.argv[1]):
    dirs.sort()
    for name in sorted(files):
        if name.endswith((".yaml", ".yml")):
            with open(os.path.join(top, name), "rb") as handle:
                try:
                    yaml.load(handle.read())
                    count += 1
                except Exception:
                    errors += 1
print(count, errors)
"""


@dataclass
class Run:
    wall: float
    cpu: float
    peak_mib: float
    code: int


def run(argv: list[str], stdout: Path | None = None) -> Run:
    """Run a command; its wall time, CPU (with waited-for descendants) and peak resident memory."""
    out = open(stdout, "wb") if stdout else subprocess.DEVNULL  # noqa: SIM115
    try:
        start = time.perf_counter()
        process = subprocess.Popen(argv, stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if stdout:
            out.close()  # type: ignore[union-attr]
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, process.returncode)


def best(argv: list[str], repeat: int, before: object = None, stdout: Path | None = None) -> Run:
    runs = []
    for _ in range(repeat):
        if callable(before):
            before()
        runs.append(run(argv, stdout))
    return min(runs, key=lambda r: r.wall)


def lint_argv(root: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gbstd",
        "lint",
        str(root),
        "--as-of",
        AS_OF.isoformat(),
        "--format",
        "json",
        *extra,
    ]


def check_findings(path: Path, manifest: Manifest) -> str:
    found = Counter(f["rule"] for f in json.loads(path.read_text(encoding="utf-8")))
    expected = manifest.expected_rules()
    missing = {rule: n for rule, n in expected.items() if found[rule] < n}
    total = sum(found.values())
    summary = ", ".join(f"{rule}×{n}" for rule, n in sorted(found.items()))
    verdict = "all planted problems found" if not missing else f"MISSING planted: {missing}"
    return f"{total} findings ({summary}); {verdict}"


def bench_size(n: int, seed: int, repeat: int, workdir: Path, yamllint: bool) -> dict[str, Run | float | str]:
    root = workdir / f"catalog-{n}"
    if root.exists():
        shutil.rmtree(root)
    start = time.perf_counter()
    manifest = generate_catalog(root, n, seed)
    print(
        f"  generated {manifest.records} files ({manifest.bytes_written / 1e6:.1f} MB) in "
        f"{time.perf_counter() - start:.1f} s",
        file=sys.stderr,
    )
    cache = root / ".gbstd-cache"
    out = workdir / f"findings-{n}.json"

    def clear() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    results: dict[str, Run | float | str] = {}
    results["parse (C)"] = best([sys.executable, "-c", PARSE_SCRIPT, str(root / "records")], repeat)
    if yamllint and shutil.which("yamllint"):
        results["yamllint"] = run(["yamllint", "-f", "parsable", str(root / "records")])
    results["lint no-cache"] = best(lint_argv(root, "--no-cache"), repeat, stdout=out)
    results["lint 1 job"] = best(lint_argv(root, "--no-cache", "--jobs", "1"), max(1, repeat - 1))
    results["lint cold"] = best(lint_argv(root), repeat, before=clear)
    results["lint warm"] = best(lint_argv(root), repeat)
    victim = next(p for p in sorted((root / "records" / "national").iterdir()) if p.suffix == ".yaml")
    counter = iter(range(10**6))

    def edit() -> None:
        with open(victim, "a", encoding="utf-8") as handle:
            handle.write(f"# edited {next(counter)}\n")

    results["lint 1 changed"] = best(lint_argv(root), repeat, before=edit)
    results["check"] = check_findings(out, manifest)
    shutil.rmtree(root, ignore_errors=True)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark gbstd lint (see the module docstring).")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs per measurement; the best wall time counts"
    )
    parser.add_argument("--no-yamllint", action="store_true", help="skip the (slow) yamllint reference")
    parser.add_argument(
        "--workdir", type=Path, help="where to generate catalogs (default: a temporary directory)"
    )
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="gbstd-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(
        f"gbstd lint benchmark — Python {platform.python_version()}, {cores} cores, "
        f"{platform.machine()}, as of {AS_OF}, seed {args.seed}\n"
    )
    all_results: dict[int, dict[str, Run | float | str]] = {}
    for n in args.sizes:
        print(f"[{n} records]", file=sys.stderr)
        all_results[n] = bench_size(n, args.seed, args.repeat, workdir, not args.no_yamllint)
    if not args.workdir:
        shutil.rmtree(workdir, ignore_errors=True)
    print_table(all_results)
    return 0


def print_table(all_results: dict[int, dict[str, Run | float | str]]) -> None:
    print(f"| {'records':>8} | {'measurement':<15} | {'wall s':>8} | {'CPU s':>8} | {'peak MiB':>8} | exit |")
    print(f"|{'-' * 10}|{'-' * 17}|{'-' * 10}|{'-' * 10}|{'-' * 10}|------|")
    for n, results in all_results.items():
        for name, value in results.items():
            if isinstance(value, Run):
                print(
                    f"| {n:>8} | {name:<15} | {value.wall:>8.2f} | {value.cpu:>8.2f} | "
                    f"{value.peak_mib:>8.0f} | {value.code:>4} |"
                )
    print()
    for n, results in all_results.items():
        cold, parse = results["lint cold"], results["parse (C)"]
        warm, single = results["lint warm"], results["lint 1 job"]
        assert (
            isinstance(cold, Run)
            and isinstance(parse, Run)
            and isinstance(warm, Run)
            and isinstance(single, Run)
        )
        print(f"{n} records: {results['check']}")
        print(f"  cold / parse (C)  = {cold.wall / parse.wall:5.2f}   (target ≤ {TARGETS['cold_vs_parse']})")
        yl = results.get("yamllint")
        if isinstance(yl, Run):
            print(
                f"  yamllint / cold   = {yl.wall / cold.wall:5.2f}   (target ≥ {TARGETS['yamllint_vs_cold']})"
            )
        print(f"  warm / cold       = {warm.wall / cold.wall:5.2f}   (target ≤ {TARGETS['warm_vs_cold']})")
        print(
            f"  1 job / no-cache  = {single.wall / results['lint no-cache'].wall:5.2f}   "  # type: ignore[union-attr]
            "(what the worker pool buys)"
        )
        peak = max(r.peak_mib for r in results.values() if isinstance(r, Run) and r is not yl)
        print(
            f"  peak memory       = {peak:5.0f} MiB (target < {TARGETS['peak_mib_100k']:.0f} MiB at 100 000)"
        )
    sizes = sorted(all_results)
    for small, large in itertools.pairwise(sizes):
        a, b = all_results[small]["lint cold"], all_results[large]["lint cold"]
        w1, w2 = all_results[small]["lint warm"], all_results[large]["lint warm"]
        assert isinstance(a, Run) and isinstance(b, Run) and isinstance(w1, Run) and isinstance(w2, Run)
        print(
            f"growth {small} → {large} ({large / small:.0f}× records): cold {b.wall / a.wall:.1f}×, "
            f"warm {w2.wall / w1.wall:.1f}× (linear = {large / small:.0f}×)"
        )


if __name__ == "__main__":
    sys.exit(main())
