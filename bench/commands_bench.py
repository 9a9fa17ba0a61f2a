"""Benchmark the commands besides lint and fmt on national-scale catalogs and print one table.

    python bench/commands_bench.py --workdir /tmp/gbstd-bench                      # 10 000 and 100 000 records
    python bench/commands_bench.py --sizes 10000 --before /tmp/gbstd-main          # with main's source tree too

The catalogs are ``bench/lint_bench.py``'s (heavy sibling overlap, generated once into ``--workdir``). For each
size and source tree, in the same run: ``gbstd lint`` once (not timed: it makes the cache every later command
reads, as on a catalog its editors lint), then each command below in a child process, its output written to a
scratch directory. Wall time is the best of ``--repeat`` runs (1 above 20 000 records), CPU is user+sys with
worker processes, peak memory the largest resident set of the process or a worker; ratios are to the parse
floor (ruamel.yaml's C loader over every record file) measured in the same run, so that figures from a busy
machine compare.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import AS_OF
from lint_bench import Run, add, best, common_arguments, each_size, prepare, print_table

# name → arguments after ``gbstd`` ({root} the catalog, {out} the scratch directory)
COMMANDS: list[tuple[str, list[str]]] = [
    ("system --format json", ["system", "{root}", "--format", "json"]),
    ("pipeline --format json", ["pipeline", "{root}", "--format", "json"]),
    ("review --format json", ["review", "{root}", "--format", "json"]),
    ("review --format csv", ["review", "{root}", "--format", "csv"]),
    ("review (table)", ["review", "{root}"]),
    ("report catalog .csv", ["report", "catalog", "{root}", "-o", "{out}/catalog.csv"]),
    ("report catalog .xlsx", ["report", "catalog", "{root}", "-o", "{out}/catalog.xlsx"]),
    ("report bulletin .md", ["report", "bulletin", "{root}", "-p", "2025H1", "-o", "{out}/bulletin.md"]),
    ("report bulletin .docx", ["report", "bulletin", "{root}", "-p", "2025H1", "-o", "{out}/bulletin.docx"]),
    ("dupes --format json", ["dupes", "{root}", "--format", "json"]),
    # the table "report catalog .csv" wrote, into an empty catalog (made afresh before each run)
    ("import .csv (every row new)", ["import", "{out}/catalog.csv", "--into", "{out}/imported"]),
]


def measure_tree(root: Path, env: dict[str, str], repeat: int, cap_mib: float | None, timeout: float | None,
                 label: str, report: Callable[[str, Run], None]) -> None:
    """Lint once (the cache), then every command; the cache is removed afterwards."""
    cache = root / ".gbstd-cache"
    day = ["--as-of", AS_OF.isoformat()]
    shutil.rmtree(cache, ignore_errors=True)
    try:
        print(f"… {label}: lint (makes the cache)", file=sys.stderr, flush=True)
        report("lint cold (makes the cache)", best(
            [sys.executable, "-m", "gbstd", "lint", str(root), *day, "--format", "json"], env, 1, None, cap_mib, timeout))
        with tempfile.TemporaryDirectory(prefix="gbstd-commands-") as out:
            for name, args in COMMANDS:
                print(f"… {label}: {name}", file=sys.stderr, flush=True)
                argv = [sys.executable, "-m", "gbstd", *(a.format(root=root, out=out) for a in args)]
                if args[:2] not in (["dupes", "{root}"], ["report", "catalog"]):  # the others take a day
                    argv += day
                fresh = (lambda: empty_catalog(root, Path(out) / "imported", env)) if args[0] == "import" else None
                report(name, best(argv, env, repeat, fresh, cap_mib, timeout))
    finally:
        shutil.rmtree(cache, ignore_errors=True)


def empty_catalog(source: Path, target: Path, env: dict[str, str]) -> None:
    """``target`` as ``gbstd init`` makes it, with ``source``'s configuration and system: no record yet."""
    shutil.rmtree(target, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "gbstd", "init", str(target)], env=env, check=True, capture_output=True)
    for name in ("gbstd.toml", "system.yaml"):
        shutil.copy2(source / name, target / name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark gbstd's commands (see the module docstring).")
    common_arguments(parser, "a command")
    args = parser.parse_args(argv)
    after_env, before_env = prepare(parser, args, "commands")
    table: list[tuple[int, str, str, Run, float]] = []
    for n, root, repeat, floor in each_size(args, table, after_env):
        trees = [("after", after_env)] + ([("before", before_env)] if before_env else [])
        for label, env in reversed(trees):
            measure_tree(root, env, repeat, args.cap_gib * 1024, args.timeout, f"{n} {label}",
                         lambda name, result, n=n, label=label, at=floor.wall: add(table, (n, label, name, result, at)))
    print_table(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
