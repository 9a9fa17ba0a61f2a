"""Benchmark the web editor's record pages on national-scale catalogs and print one table.

    python bench/serve_bench.py --workdir /tmp/gbstd-bench                      # 100 000 records
    python bench/serve_bench.py --sizes 10000 --before /tmp/gbstd-main          # with main's source tree too

What a record page of ``gbstd serve`` does before it renders: read the catalog as it is on disk
(``Server.catalog``) and look up the record's findings (``Server.finding_lines``: lint's stored result, or a
``gbstd lint`` in a process of its own when something changed). For each size a catalog with heavy sibling
overlap (``bench/generate.py --mode sibling``, generated once into ``--workdir``), for each source tree and
in two states — ``lint cache``: after a ``gbstd lint`` of that tree (the usual case: lint made the catalog's
cache), ``no cache``: its cache removed (the server then reads every file and lints in its own process) —
in a child process of its own:

  first page         the server's first page (the lint cache made for this tree if it was another's)
  unchanged page     ``--pages`` more pages, nothing changed: min / median / max
  page after edit    one record's title edited on disk (as another editor would), then its page: the catalog
                     read again and lint re-run in its own process
  first settled page the next page once the edited file is older than the racy window (2 s): read again
  settled page       ``--pages`` more, nothing changed since

The trees alternate ``--rounds`` times. The edited record is put back after each tree's run.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import AS_OF
from lint_bench import catalog, prepare

PAGES_SCRIPT = """
import datetime as dt, json, sys, time
from pathlib import Path
from gbstd.serve.state import Server

root, rel, pages = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
server = Server(root, as_of=dt.date.fromisoformat(sys.argv[4]))

def page(name):
    start = time.perf_counter()
    catalog = server.catalog()
    read = time.perf_counter()
    server.finding_lines(catalog, rel)
    done = time.perf_counter()
    print(json.dumps({"step": name, "catalog": read - start, "findings": done - read}), flush=True)

page("first page")
for _ in range(pages):
    page("unchanged page")
path = root / rel
text = path.read_text(encoding="utf-8")
path.write_text(text.replace("title: ", "title: 改", 1), encoding="utf-8")
try:
    page("page after edit")
    time.sleep(2.5)  # the edited file is older than the racy window
    page("first settled page")
    for _ in range(pages):
        page("settled page")
finally:
    path.write_text(text, encoding="utf-8")
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/gbstd-bench"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pages", type=int, default=6, help="pages measured in each state (default 6)")
    parser.add_argument("--rounds", type=int, default=1, help="times the trees alternate (default 1)")
    parser.add_argument("--before", type=Path, help="another gbstd source tree (with src/) measured alike")
    args = parser.parse_args(argv)
    after_env, before_env = prepare(parser, args, "serve")
    trees = [("after", after_env)] + ([("before", before_env)] if before_env is not None else [])
    rows: dict[tuple[int, str, str, str], list[float]] = {}
    for n in args.sizes:
        root = catalog(args.workdir, n, args.seed)
        rel = sorted((root / "records").rglob("*.yaml"))[0].relative_to(root).as_posix()
        lint = [sys.executable, "-m", "gbstd", "lint", str(root), "--as-of", AS_OF.isoformat(), "--format", "json"]
        for _ in range(args.rounds):
            for tree, env in trees[::-1]:
                for state in ("lint cache", "no cache"):
                    shutil.rmtree(root / ".gbstd-cache", ignore_errors=True)
                    if state == "lint cache":
                        print(f"… {n} records, {tree}: gbstd lint (the cache)", file=sys.stderr, flush=True)
                        subprocess.run(lint, env=env, stdout=subprocess.DEVNULL, check=False)
                    print(f"… {n} records, {tree}, {state}: {args.pages} pages each", file=sys.stderr, flush=True)
                    done = subprocess.run(
                        [sys.executable, "-c", PAGES_SCRIPT, str(root), rel, str(args.pages), AS_OF.isoformat()],
                        env=env, capture_output=True, text=True, check=False,
                    )
                    if done.returncode != 0:
                        print(done.stderr, file=sys.stderr)
                        return 1
                    for line in done.stdout.splitlines():
                        step = json.loads(line)
                        times = rows.setdefault((n, tree, state, step["step"]), [])
                        times.append(step["catalog"] + step["findings"])
        shutil.rmtree(root / ".gbstd-cache", ignore_errors=True)  # as lint_bench leaves a catalog
    print("\n| records | tree | state | step | pages | min s | median s | max s |")
    print("|---:|---|---|---|---:|---:|---:|---:|")
    for (n, tree, state, step), times in rows.items():
        print(f"| {n} | {tree} | {state} | {step} | {len(times)} | {min(times):.2f} | "
              f"{statistics.median(times):.2f} | {max(times):.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
