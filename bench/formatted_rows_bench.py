"""Time ``gbstd import`` of a small table under a million formatted empty rows, as Excel saves a sheet whose
columns were given a border or a format down to the last row (its ``<dimension>`` says A1:K1048576).

    python bench/formatted_rows_bench.py --workdir WORKDIR                             # every case
    python bench/formatted_rows_bench.py --workdir WORKDIR --cases cells csv
    python bench/formatted_rows_bench.py --workdir WORKDIR --src OTHER_TREE/src          # another tree

Cases (each a few hundred rows of data, then empty rows down to row 1 048 576):

* ``cells``  — each empty row holds eleven styled empty cells, ``<c r="A9" s="1"/>`` (a bordered range);
* ``rows``   — each empty row is a formatted row with no cells, ``<row r="9" s="1" customFormat="1"/>``;
* ``far``    — as ``cells``, with one more standard in row 900 000 (it must be imported: 301 rows);
* ``csv``    — the table as CSV with 1 000 000 trailing ``,,,,,,,,,`` lines.

Each case runs ``python -m gbstd import FILE --into EMPTY --dry-run`` in a child process; wall time is the best
of ``--repeat`` runs, peak memory the child's largest resident set. The files are generated once into
``--workdir`` (the XLSX ones are written straight as XML, a few seconds each).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Border, Side

HEADERS = ["序号", "体系编号", "标准号", "标准名称", "状态", "发布日期", "实施日期", "代替标准", "发布部门", "备注"]
LAST_ROW = 1_048_576
FAR_ROW = 900_000
COLUMNS = "ABCDEFGHIJK"


def data_rows(count: int) -> list[list[str]]:
    return [[str(n), "302", f"DB41/T {n}-2021", f"机关食堂服务规范第{n}部分", "现行", "2021-08-01", "2021-09-13",
             "", "河南省市场监督管理局", ""] for n in range(1, count + 1)]  # fmt: skip


def write_xlsx(path: Path, rows: list[list[str]], empty: str, far: bool) -> None:
    """The table saved by openpyxl (bordered cells, so a style index 1 exists), then its sheet's XML given the
    whole-column dimension and the empty formatted rows down to the last row, streamed into the ZIP."""
    book = Workbook()
    sheet = book.active
    sheet.title = "明细表"
    thin = Side(style="thin")
    for row in [HEADERS, *rows]:
        sheet.append(row)
    for cells in sheet.iter_rows():
        for cell in cells:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
    draft = path.with_suffix(".draft.xlsx")
    book.save(draft)
    first_empty = len(rows) + 2
    with zipfile.ZipFile(draft) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info, data)
                continue
            text = data.decode("utf-8")
            head, tail = text.split("</sheetData>", 1)
            head = head.replace('<dimension ref="A1:J', '<dimension ref="A1:K', 1).replace(
                f'ref="A1:K{len(rows) + 1}"', f'ref="A1:K{LAST_ROW}"', 1)
            part = zipfile.ZipInfo(info.filename, info.date_time)
            part.compress_type = zipfile.ZIP_DEFLATED  # as Excel saves it: a few MiB, not hundreds
            with target.open(part, "w") as out:
                out.write(head.encode("utf-8"))
                batch: list[str] = []
                for number in range(first_empty, LAST_ROW + 1):
                    if far and number == FAR_ROW:
                        batch.append(f'<row r="{number}"><c r="C{number}" t="inlineStr"><is><t>DB41/T 9000-2021'
                                     f'</t></is></c><c r="D{number}" t="inlineStr"><is><t>远处的标准</t></is></c>'
                                     f'<c r="E{number}" t="inlineStr"><is><t>现行</t></is></c></row>')
                    elif empty == "rows":
                        batch.append(f'<row r="{number}" s="1" customFormat="1"/>')
                    else:
                        cells = "".join(f'<c r="{c}{number}" s="1"/>' for c in COLUMNS)
                        batch.append(f'<row r="{number}" spans="1:11">{cells}</row>')
                    if len(batch) == 10_000:
                        out.write("".join(batch).encode("utf-8"))
                        batch.clear()
                out.write("".join(batch).encode("utf-8"))
                out.write(("</sheetData>" + tail).encode("utf-8"))
    draft.unlink()


def write_csv(path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([HEADERS, *rows])
    path.write_bytes(buffer.getvalue().encode("utf-8") + b",,,,,,,,,\r\n" * 1_000_000)


def environment(src: Path | None) -> dict[str, str]:
    """The child's environment: gbstd imported from ``src`` when given (as from the running tree otherwise)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(src or Path(__file__).resolve().parent.parent / "src")
    return env


def run_once(table: Path, into: Path, src: Path | None) -> tuple[float, float, str]:
    """Wall seconds, the child's peak MiB, and the summary line it printed."""
    into.mkdir(parents=True, exist_ok=True)
    (into / "gbstd.toml").write_text("[catalog]\n", encoding="utf-8")
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-m", "gbstd", "import", str(table), "--into", str(into),
                                  "--dry-run", "--lang", "en"], stdout=out, stderr=err, env=environment(src))
        _, status, usage = os.wait4(child.pid, 0)  # this child's own peak, not the largest child's so far
        wall = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if child.returncode not in (0, 1):
        raise SystemExit(f"{table.name}: exit {child.returncode}\n{stderr}")
    summary = next((line.strip() for line in reversed(stdout.splitlines()) if line.strip()), "")  # its totals
    return wall, usage.ru_maxrss / 1024, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--rows", type=int, default=300, help="rows of data above the empty ones")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--src", type=Path, help="the source tree (its src directory) to time; this one's by default")
    parser.add_argument("--cases", nargs="+", default=["cells", "rows", "far", "csv"],
                        choices=["cells", "rows", "far", "csv"])
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    rows = data_rows(args.rows)
    for case in args.cases:
        table = args.workdir / (f"{case}.csv" if case == "csv" else f"{case}.xlsx")
        if not table.exists():
            if case == "csv":
                write_csv(table, rows)
            else:
                write_xlsx(table, rows, "rows" if case == "rows" else "cells", far=case == "far")
        runs = [run_once(table, args.workdir / f"into-{case}-{n}", args.src) for n in range(args.repeat)]
        wall = min(r[0] for r in runs)
        peak = max(r[1] for r in runs)
        size = table.stat().st_size / 2**20
        print(f"{case:6} {size:7.1f} MiB file  {wall:6.2f} s  peak {peak:6.0f} MiB  | {runs[-1][2]}", flush=True)


if __name__ == "__main__":
    main()
