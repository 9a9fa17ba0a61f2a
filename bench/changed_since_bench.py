"""Benchmark a pull request's lint (``gbstd lint --changed-since``) on national-scale catalogs; one table.

    python bench/changed_since_bench.py --workdir /tmp/gbstd-bench                      # 10 000 and 100 000
    python bench/changed_since_bench.py --sizes 10000 --before /tmp/gbstd-main --rounds 5

The catalogs are ``bench/lint_bench.py``'s (heavy sibling overlap, generated once into ``--workdir``), each
copied once into a git repository of its own beside it (``siblings-N-SEED-git``: one commit). For each round
and each source tree, as on a pull request whose CI restored the lint cache of the base branch:

  (not timed)        ``gbstd lint`` twice on the committed catalog: the cache and lint state of the base
  changed-since      one record's title edited (``--edit added``: a record file added, a copy of that record
                     with a code of its own), then ``gbstd lint --changed-since HEAD``
  plain lint after   ``gbstd lint`` right after it (what the pull request's run left for the next one)

and the record is put back (the added file removed). The trees alternate ``--rounds`` times; the table has each step's median, min and
max wall time and its median CPU (user+sys with the workers waited for) and peak resident memory.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import AS_OF
from lint_bench import Run, catalog, prepare, renumbered, run

GIT = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.org", "-c", "commit.gpgsign=false"]


def repository(workdir: Path, n: int, seed: int) -> Path:
    """The generated catalog of ``n`` records committed into a git repository of its own (made once)."""
    source = catalog(workdir, n, seed)
    root = workdir / f"siblings-{n}-{seed}-git"
    done = workdir / f"siblings-{n}-{seed}-git.complete"  # an interrupted copy is not reused
    if not done.is_file():
        shutil.rmtree(root, ignore_errors=True)
        print(f"… committing {n} records into {root}", file=sys.stderr, flush=True)
        shutil.copytree(source, root, ignore=shutil.ignore_patterns(".gbstd-cache"))
        subprocess.run([*GIT, "-C", str(root), "init", "-q"], check=True)
        subprocess.run([*GIT, "-C", str(root), "add", "-A"], check=True)
        subprocess.run([*GIT, "-C", str(root), "commit", "-q", "-m", "catalog"], check=True)
        done.write_text("committed\n")
    return root


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/gbstd-bench"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3, help="times the trees alternate (default 3)")
    parser.add_argument("--before", type=Path, help="another gbstd source tree (with src/) measured alike")
    parser.add_argument("--edit", choices=("title", "added"), default="title",
                        help="the pull request's change: a title edited, or a record file added")
    args = parser.parse_args(argv)
    after_env, before_env = prepare(parser, args, "changed-since")
    trees = [("after", after_env)] + ([("before", before_env)] if before_env is not None else [])
    rows: dict[tuple[int, str, str], list[Run]] = {}
    for n in args.sizes:
        root = repository(args.workdir, n, args.seed)
        victim = sorted((root / "records").rglob("*.yaml"))[0]
        text = victim.read_text(encoding="utf-8")
        added = victim.with_name("bench-added.yaml")
        lint = [sys.executable, "-m", "gbstd", "lint", str(root), "--as-of", AS_OF.isoformat(), "--format", "json"]
        try:
            for turn in range(args.rounds):
                for tree, env in trees[::-1]:
                    print(f"… {n} records, {tree}, round {turn + 1}", file=sys.stderr, flush=True)
                    victim.write_text(text, encoding="utf-8")
                    added.unlink(missing_ok=True)
                    for _ in range(2):  # the base branch's cache, made by this tree
                        run(lint, env, None, None)
                    if args.edit == "title":
                        victim.write_text(text.replace("\ntitle: ", f"\ntitle: 改{turn}", 1), encoding="utf-8")
                    else:  # a code no generated record has
                        added.write_text(renumbered(text, 900_000 + turn), encoding="utf-8")
                    for step, extra in (("changed-since", ["--changed-since", "HEAD"]), ("plain lint after", [])):
                        rows.setdefault((n, tree, step), []).append(run([*lint, *extra], env, None, None))
        finally:
            victim.write_text(text, encoding="utf-8")
            added.unlink(missing_ok=True)
    print("\n| records | tree | step | runs | median s | min s | max s | CPU s | peak MiB |")
    print("|---:|---|---|---:|---:|---:|---:|---:|---:|")
    for (n, tree, step), runs in rows.items():
        walls = [r.wall for r in runs]
        print(f"| {n} | {tree} | {step} | {len(runs)} | {statistics.median(walls):.2f} | {min(walls):.2f} | "
              f"{max(walls):.2f} | {statistics.median(r.cpu for r in runs):.1f} | "
              f"{statistics.median(r.peak_mib for r in runs):.0f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
