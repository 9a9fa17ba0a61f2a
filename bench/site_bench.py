"""Benchmark ``gbstd report site`` and its index in a real headless Chromium, and print a table.

    python bench/site_bench.py                                  # 100 000 records, generated under a temp dir
    python bench/site_bench.py --records 10000 --catalog /tmp/cat-10k --out /tmp/site-10k
    python bench/site_bench.py --records 10000 --source /path/to/other/checkout   # "before": another gbstd
    python bench/site_bench.py --records 100000 --mode sibling   # heavy sibling overlap (issue 15's catalog)

Steps, for one generated catalog (``bench/generate.py``, ``--mode default`` or ``sibling``; an existing
``--catalog`` is reused):
  report site    ``gbstd report site`` as a child process: wall time, CPU (user+sys with its workers), both also
                 per 1 000 pages; peak resident set of the largest single process (wait4) and the peak summed
                 PSS of its process tree (sampled from /proc, so forked workers' shared pages count once); the
                 load average while it ran (wall time on a shared machine depends on it); size of the output.
  load           open ``index.html`` from ``file://`` in Chromium; time until the table shows every row's
                 count (the script has read its data and drawn the first page).
  search         for each query: type it into the search box in one go (one ``input`` event), then time until
                 the count of matching rows is shown and the browser has painted the table (two animation
                 frames, measured in the page); also the round trip as seen from the benchmark (fill, then read
                 the count over the DevTools protocol).
Chromium: ``/usr/bin/chromium`` (Debian's ``chromium`` package) or ``$GBSTD_CHROMIUM``; the Python package
``playwright`` drives it (``pip install -e '.[dev]'``), no browser download.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import AS_OF, generate_catalog, generate_sibling_catalog

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]  # fmt: skip
# Typical searches: a subject (many hits), a code prefix, two words, an issuer, a year, one with no hit.
QUERIES = ["公务用车", "DB41", "食堂 服务", "机关事务管理局", "2019", "节能 评价 规范", "不存在的标准名称"]

# Type a query in one go and wait for the count and two animation frames (the table painted).
SEARCH_JS = """async (query) => {
  const box = document.getElementById("q");
  const start = performance.now();
  box.value = query;
  box.dispatchEvent(new Event("input", {bubbles: true}));
  const handled = performance.now();  // the page's input handler runs synchronously: search and redraw
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  return [performance.now() - start, document.getElementById("count").textContent, handled - start];
}"""


def chromium_path() -> str:
    for candidate in (os.environ.get("GBSTD_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser")):
        if candidate and Path(candidate).is_file():
            return candidate
    raise SystemExit("Chromium not found: install Debian's chromium (apt-get install chromium) or set GBSTD_CHROMIUM")


def tree_pss_kib(pid: int) -> int:
    """Summed proportional set size of a process and its descendants (Linux), in KiB; 0 elsewhere."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            rollup = Path(f"/proc/{current}/smaps_rollup").read_text()
            total += next(int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:"))
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                todo.extend(int(child) for child in children)
        except (OSError, StopIteration, ValueError):
            continue
    return total


def run_site(catalog: Path, out: Path, source: Path | None, timeout: float) -> dict[str, Any]:
    """``gbstd report site`` as a child process: wall, CPU, peak memory, output sizes."""
    env = dict(os.environ)
    if source is not None:
        env["PYTHONPATH"] = str(source / "src")
    if out.exists():
        shutil.rmtree(out)
    command = [sys.executable, "-m", "gbstd", "report", "site", str(catalog), "-o", str(out),
               "--as-of", AS_OF.isoformat()]  # fmt: skip
    peak_pss, loads = 0, []
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_pss
        while not done.wait(0.5):
            peak_pss = max(peak_pss, tree_pss_kib(process.pid))
            loads.append(os.getloadavg()[0])

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        _, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        stderr = f"stopped after {timeout:.0f} s".encode()
    finally:
        done.set()
        sampler.join()
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # this benchmark runs no other child processes
    files = [path for path in out.rglob("*") if path.is_file()] if out.is_dir() else []
    data = out / "assets" / "index-data.js"
    pages = sum(1 for _ in (out / "standards").iterdir()) if (out / "standards").is_dir() else 0
    cpu = usage.ru_utime + usage.ru_stime
    return {
        "ok": process.returncode == 0,
        "pages": pages,
        "wall_per_1000_s": wall / pages * 1000 if pages else 0.0,
        "cpu_per_1000_s": cpu / pages * 1000 if pages else 0.0,
        "load_avg": statistics.mean(loads) if loads else os.getloadavg()[0],
        "error": "" if process.returncode == 0 else stderr.decode("utf-8", "replace").strip()[-400:],
        "wall_s": wall,
        "cpu_s": cpu,
        "peak_rss_mib": usage.ru_maxrss / 1024,
        "peak_tree_pss_mib": peak_pss / 1024,
        "files": len(files),
        "output_mb": sum(path.stat().st_size for path in files) / 1e6,
        "index_mb": (out / "index.html").stat().st_size / 1e6 if (out / "index.html").is_file() else 0.0,
        "index_data_mb": data.stat().st_size / 1e6 if data.is_file() else 0.0,
    }


def browse(index: Path, queries: list[str], repeat: int, timeout_s: float) -> dict[str, Any]:
    """Load the index in headless Chromium and time searches."""
    from playwright.sync_api import sync_playwright

    results: dict[str, Any] = {"searches": []}
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS,
            viewport={"width": 1280, "height": 900},
        )  # fmt: skip
        try:
            page = context.new_page()
            page.set_default_timeout(timeout_s * 1000)
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            start = time.perf_counter()
            page.goto(index.resolve().as_uri(), wait_until="load")
            # Loaded when the count shows the total (the old index writes it into the HTML; the new one
            # once its script has read the rows).
            page.wait_for_function("() => { const c = document.getElementById('count');"
                                   " return c && c.textContent.trim() !== '' && c.textContent !== '0'; }")
            results["load_s"] = time.perf_counter() - start
            results["total"] = page.text_content("#count")
            results["dom_rows"] = page.locator("#standards tbody tr:not([hidden])").count()
            for query in queries:
                in_page, script, round_trip, shown = [], [], [], ""
                for _ in range(repeat):
                    page.evaluate(SEARCH_JS, "")  # back to every row before each measurement
                    elapsed, shown, handler = page.evaluate(SEARCH_JS, query)
                    in_page.append(elapsed)
                    script.append(handler)
                    page.evaluate(SEARCH_JS, "")
                    began = time.perf_counter()
                    page.fill("#q", query)
                    page.text_content("#count")
                    round_trip.append((time.perf_counter() - began) * 1000)
                results["searches"].append({
                    "query": query, "matches": shown, "paint_ms": statistics.median(in_page),
                    "paint_ms_max": max(in_page), "script_ms": statistics.median(script), "round_trip_ms": statistics.median(round_trip),
                })  # fmt: skip
            results["errors"] = errors
        finally:
            context.close()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--mode", choices=("default", "sibling"), default="default",
                        help="generator: bench/generate.py's default records, or heavy sibling overlap")
    parser.add_argument("--catalog", type=Path, help="generated catalog to reuse (generated there if absent)")
    parser.add_argument("--out", type=Path, help="where to write the site (default: a temp dir)")
    parser.add_argument("--source", type=Path, help="run gbstd from this checkout (its src/) instead")
    parser.add_argument("--repeat", type=int, default=5, help="measurements per query (median reported)")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds allowed for `report site`")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="gbstd-site-bench-"))
    catalog = args.catalog or work / "catalog"
    if not (catalog / "gbstd.toml").is_file():
        started = time.perf_counter()
        make = generate_sibling_catalog if args.mode == "sibling" else generate_catalog
        manifest = make(catalog, args.records, args.seed)
        print(f"generated {manifest.records} records in {time.perf_counter() - started:.0f} s: {catalog}")
    records = sum(1 for _ in (catalog / "records").rglob("*.yaml"))
    out = args.out or work / "site"
    site = run_site(catalog, out, args.source, args.timeout)
    figures: dict[str, Any] = {"records": records, "source": str(args.source or "installed gbstd"), "site": site}
    print(f"records {records}  ({figures['source']})")
    if not site["ok"]:
        print(f"report site failed after {site['wall_s']:.1f} s: {site['error']}")
    print(f"report site     {site['wall_s']:8.1f} s wall  {site['cpu_s']:8.1f} s CPU  "
          f"peak {site['peak_rss_mib']:.0f} MiB (one process), {site['peak_tree_pss_mib']:.0f} MiB (tree PSS)"
          f"  load average {site['load_avg']:.1f}")
    print(f"per 1000 pages  {site['wall_per_1000_s']:8.2f} s wall  {site['cpu_per_1000_s']:8.2f} s CPU"
          f"  ({site['pages']} pages)")
    print(f"output          {site['output_mb']:8.1f} MB in {site['files']} files; index.html {site['index_mb']:.2f} MB"
          f", index-data.js {site['index_data_mb']:.2f} MB")
    if site["ok"]:
        browser = browse(out / "index.html", QUERIES, args.repeat, args.timeout)
        figures["browser"] = browser
        print(f"load            {browser['load_s'] * 1000:8.0f} ms  (count {browser['total']}, "
              f"{browser['dom_rows']} rows in the DOM)")
        for search in browser["searches"]:
            print(f"search {search['query']!r:<18} {search['paint_ms']:6.1f} ms to paint (max {search['paint_ms_max']:.1f}), "
                  f"script {search['script_ms']:5.1f} ms,"
                  f"  {search['round_trip_ms']:6.1f} ms round trip  {search['matches']} matches")
        if browser["errors"]:
            print("page errors:", *browser["errors"], sep="\n  ")
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
    if args.out is None:
        shutil.rmtree(out, ignore_errors=True)
    if args.catalog is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if site["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
