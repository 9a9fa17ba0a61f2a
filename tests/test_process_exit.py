"""The command line's process ends like a normal exit (handlers, output, status) without the teardown; a
one-command process freezes a bulk job's objects instead of walking them when the collector resumes; a
national catalog's cache is complete when the command ends."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gbstd import gcpause
from gbstd.catalog.cache import RACY_NS
from gbstd.cli.app import app

SAMPLE = Path(__file__).resolve().parent.parent / "standards"


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(("code", "status", "stderr"), [("None", 0, ""), ("3", 3, ""), ("'no such rule'", 1, "no such rule\n")])
def test_leave_runs_exit_handlers_flushes_and_keeps_the_status(code: str, status: int, stderr: str) -> None:
    done = _run(
        "import atexit, sys\n"
        "from gbstd.cli.leave import leave\n"
        "atexit.register(lambda: print('handler ran'))\n"
        "sys.stdout.write('buffered ' * 5000)\n"
        f"leave({code})\n"
    )
    assert done.returncode == status
    assert done.stdout == "buffered " * 5000 + "handler ran\n"
    assert done.stderr == stderr


def test_leave_waits_for_a_running_thread() -> None:
    done = _run(
        "import threading, time\n"
        "from gbstd.cli.leave import leave\n"
        "def late():\n"
        "    time.sleep(0.3); print('thread finished')\n"
        "threading.Thread(target=late).start()\n"
        "leave(4)\n"
    )
    assert (done.returncode, done.stdout) == (4, "thread finished\n")


def test_the_command_line_reports_whole_and_exits_with_its_status(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "gbstd", "lint", str(SAMPLE), "--format", "json", "--no-cache", "--as-of", "2026-06-30"],
        capture_output=True, text=True, encoding="utf-8", timeout=300,
    )
    findings = json.loads(done.stdout)
    assert done.returncode == (1 if any(f["severity"] == "error" for f in findings) else 0)
    assert findings and all({"rule", "path", "line"} <= set(f) for f in findings)
    missing = subprocess.run([sys.executable, "-m", "gbstd", "lint", str(tmp_path / "nowhere")],
                             capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert missing.returncode == 2 and "nowhere" in missing.stderr


@pytest.mark.parametrize("one_command", [True, False])
def test_a_one_command_process_freezes_a_jobs_objects(one_command: bool) -> None:
    gc.unfreeze()
    gcpause.one_command_process(one_command)
    try:
        with gcpause.without_cycle_collection():
            assert not gc.isenabled()
            made = [[n] for n in range(1000)]
        assert gc.isenabled()
        assert (gc.get_freeze_count() >= len(made)) is one_command
    finally:
        gcpause.one_command_process(False)
        gc.unfreeze()


def test_a_national_lint_has_written_its_cache_when_the_command_ends(tmp_path: Path) -> None:
    """Above the fork threshold (the D rules in a child that writes their memo after its results): the result,
    the state and the memo are complete, and name each other, once `gbstd lint` returns; the next run is
    answered from them."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from generate import generate_sibling_catalog

    root = tmp_path / "national"
    generate_sibling_catalog(root, 1600, seed=5)
    time.sleep(RACY_NS / 1e9 + 0.1)  # content hashes are trusted only for files older than this
    argv = ["lint", str(root), "--as-of", "2026-06-30", "--format", "json"]
    cold = CliRunner().invoke(app, argv)
    cache = root / ".gbstd-cache"
    key = json.loads((cache / "result-key.json").read_text(encoding="utf-8"))
    head = json.loads((cache / "lint-state.json").read_text(encoding="utf-8"))
    assert head["result"] == key["digest"]
    assert len(list((cache / "lint-state").glob("*.json"))) == len(head["shards"])
    assert sorted(head["memos"]) == ["D001", "D002", "D003"]
    assert all((cache / "dupes-memo" / f"{code}.json").is_file() for code in head["memos"])
    warm = CliRunner().invoke(app, argv)
    assert (warm.exit_code, warm.stdout) == (cold.exit_code, cold.stdout)
    assert json.loads(cold.stdout)
