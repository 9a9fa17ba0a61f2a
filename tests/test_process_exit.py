"""The command line's process ends like a normal exit (handlers, output, status) without the teardown, and a
one-command process freezes a bulk job's objects instead of walking them when the collector resumes."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path

import pytest

from gbstd import gcpause

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
