"""Benchmark of `gbstd dupes` at national scale (run: ``python bench/dupes_bench.py``).

For 10 000 and 100 000 records it generates (once; ``--workdir`` keeps and reuses them) catalogs with heavy
sibling overlap — ``bench/generate.py --mode sibling``: the 31 provinces and their cities, titles from 24 subjects
× 20 aspects × 8 document kinds, short records — and measures, in one run, each in its own process:

* the parse floor: ruamel.yaml's C safe loader reading every record file, nothing else;
* ``gbstd dupes DIR --format json``: wall time, the child's CPU time (user + system, its worker processes
  included), its peak memory, groups, pairs (every pair at or above the threshold, counted) and pairs listed
  (each group's spanning set);
* optionally the same command from another source tree (``--before SRC``: e.g. ``git archive main`` unpacked),
  stopped when its memory passes ``--cap-gib`` (the figure is then "stopped at …").

Times are also given as ratios to the parse floor measured in the same run, so that figures from a busy or a
different machine compare; on a shared machine the CPU time is the steadier figure (wall time swings with the
load). Targets (issue 15): 100 000 records in < 60 s and < 2 GiB.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate_sibling_catalog

FLOOR = """
import sys, time
from pathlib import Path
from ruamel.yaml import YAML
yaml = YAML(typ="safe", pure=False)  # the C loader (libyaml)
start = time.perf_counter()
n = 0
for path in sorted(Path(sys.argv[1], "records").rglob("*.yaml")):
    yaml.load(path.read_bytes())
    n += 1
print(n, time.perf_counter() - start)
"""


@dataclass
class Run:
    wall: float
    cpu: float  # user + system seconds of the child and the processes it waited for
    peak_mib: float
    stopped: bool
    stdout: Path


def run_child(args: list[str], stdout: Path, env: dict[str, str] | None = None, cap_mib: float | None = None) -> Run:
    """Run a command with its output in a file; return wall time and the child's own peak RSS.

    ``os.wait4`` gives the rusage of exactly this child; with ``cap_mib`` its RSS is polled and the child is
    stopped (SIGKILL) when it passes the cap, so a run that would take the machine's memory cannot.
    """
    errors = stdout.with_suffix(".stderr")
    start = time.perf_counter()
    stopped = False
    with open(stdout, "wb") as out, open(errors, "wb") as err:
        proc = subprocess.Popen(args, stdout=out, stderr=err, env=env)
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if cap_mib is not None and _rss_mib(proc.pid) > cap_mib:
                os.kill(proc.pid, signal.SIGKILL)
                stopped = True
            time.sleep(0.2)
    wall = time.perf_counter() - start
    if not stopped and os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{errors.read_text(errors='replace')[-2000:]}")
    # wait4's rusage is the child's own and that of the processes it waited for (its worker pool)
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, stopped, stdout)


def _rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def dupes(root: Path, out: Path, source: Path | None, cap_mib: float | None) -> dict[str, object]:
    env = dict(os.environ)
    if source is not None:
        env["PYTHONPATH"] = str(source / "src")
    run = run_child([sys.executable, "-m", "gbstd", "dupes", str(root), "--format", "json"], out, env, cap_mib)
    row: dict[str, object] = {"wall": run.wall, "cpu": run.cpu, "peak_mib": run.peak_mib, "stopped": run.stopped}
    if run.stopped:
        return row
    data = json.loads(out.read_text(encoding="utf-8"))
    if data and "members" in data[0]:  # groups
        row.update(groups=len(data), pairs=sum(g["pair_count"] for g in data), listed=sum(len(g["pairs"]) for g in data))
    else:  # a flat list of pairs (before groups)
        row.update(groups=len({p.get("cluster") for p in data}), pairs=len(data), listed=len(data))
    out.unlink()  # the output of a pair explosion is large
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000", help="catalog sizes, comma-separated")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, help="where catalogs are generated and reused (default: a temp dir)")
    parser.add_argument("--before", type=Path, help="another source tree of gbstd to measure in the same run")
    parser.add_argument("--cap-gib", type=float, default=4.0, help="stop the --before run above this memory")
    options = parser.parse_args()
    workdir = options.workdir or Path(tempfile.mkdtemp(prefix="gbstd-dupes-bench-"))
    rows = []
    for size in (int(s) for s in options.sizes.split(",")):
        root = workdir / f"siblings-{size}-{options.seed}"
        if not (root / "records").is_dir():
            print(f"… generating {size} records into {root}", file=sys.stderr, flush=True)
            generate_sibling_catalog(root, size, options.seed)
        print(f"… {size} records: parse floor", file=sys.stderr, flush=True)
        floor = run_child([sys.executable, "-c", FLOOR, str(root)], workdir / f"floor-{size}.txt")
        floor_s = float(floor.stdout.read_text().split()[1])
        measured = {"floor": {"wall": floor.wall, "cpu": floor.cpu, "peak_mib": floor.peak_mib, "load_s": floor_s}}
        print(f"… {size} records: gbstd dupes", file=sys.stderr, flush=True)
        measured["after"] = dupes(root, workdir / f"after-{size}.json", None, None)
        if options.before:
            print(f"… {size} records: gbstd dupes from {options.before}", file=sys.stderr, flush=True)
            measured["before"] = dupes(root, workdir / f"before-{size}.json", options.before, options.cap_gib * 1024)
        rows.append((size, measured))
    print(f"\n{'records':>8} {'run':<14} {'wall s':>7} {'× floor':>8} {'CPU s':>7} {'peak MiB':>9} {'groups':>7} "
          f"{'pairs':>10} {'listed':>8}")
    for size, measured in rows:
        floor_wall = float(measured["floor"]["wall"])  # type: ignore[arg-type]
        for name, row in measured.items():
            wall = float(row["wall"])  # type: ignore[arg-type]
            label = {"floor": "parse floor", "after": "gbstd dupes", "before": "before"}[name]
            cpu = float(row["cpu"])  # type: ignore[arg-type]
            if row.get("stopped"):
                print(f"{size:>8} {label:<14} {wall:>7.1f} {wall / floor_wall:>7.1f}× {cpu:>7.1f} {row['peak_mib']:>9.0f} "
                      f"stopped above {options.cap_gib:.0f} GiB, unfinished")
                continue
            print(f"{size:>8} {label:<14} {wall:>7.1f} {wall / floor_wall:>7.1f}× {cpu:>7.1f} {row['peak_mib']:>9.0f} "
                  f"{row.get('groups', ''):>7} {row.get('pairs', ''):>10} {row.get('listed', ''):>8}")
    print("\ntargets at 100 000 records: gbstd dupes < 60 s and < 2048 MiB")
    if options.workdir is None:
        print(f"catalogs in {workdir} (pass --workdir to reuse them)", file=sys.stderr)


if __name__ == "__main__":
    main()
