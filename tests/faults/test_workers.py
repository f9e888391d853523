"""Worker processes die with their parent, and a killed worker ends the command in one line, resumable."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from districtlab.cli.main import app
from districtlab.experiments import ExperimentResult

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")

SWEEP = [
    "sweep",
    "toy-valley",
    "--firms",
    "400",
    "--months",
    "60",
    "--param",
    "rti.staff_fte=4:16:4",
    "--replications",
    "40",
    "--seed",
    "3",
    "--batch-size",
    "1",
    "--workers",
    "2",
]


def alive(pid: int) -> bool:
    """Whether ``pid`` is a running process (a zombie waiting to be reaped is not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry.name))
    return found


def start(out: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "districtlab", *SWEEP, "--out", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_for_workers(process: subprocess.Popen[bytes], out: Path, count: int = 2) -> list[int]:
    """The worker pids, once ``count`` are running and the first part is stored."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        workers = children(process.pid)
        if len(workers) >= count and any((out / "runs").glob("part-*.parquet")):
            return workers
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        time.sleep(0.1)
    raise AssertionError("the sweep's workers did not start")


@pytest.mark.slow
def test_killing_the_parent_of_a_two_worker_sweep_leaves_no_process_after_ten_seconds(tmp_path: Path) -> None:
    process = start(tmp_path / "sweep")
    descendants: list[int] = []
    try:
        workers = wait_for_workers(process, tmp_path / "sweep")
        descendants = workers + [pid for worker in workers for pid in children(worker)]
        os.kill(process.pid, signal.SIGKILL)
        process.communicate()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(alive(pid) for pid in descendants):
            time.sleep(0.1)
        assert not [pid for pid in descendants if alive(pid)]
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
        for pid in descendants:  # a failing run must not leave its orphans behind
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


@pytest.mark.slow
def test_a_killed_worker_ends_the_command_in_one_line_and_the_sweep_resumes(tmp_path: Path) -> None:
    out = tmp_path / "sweep"
    process = start(out)
    try:
        workers = wait_for_workers(process, out)
        os.kill(workers[0], signal.SIGKILL)
        _, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    text = stderr.decode()
    assert process.returncode == 2, text
    assert "Traceback" not in text
    assert "BrokenProcessPool" not in text
    lines = [line for line in text.splitlines() if line.strip()]
    assert lines[-1].startswith("error: a worker process stopped unexpectedly")
    assert len(lines) == 1, text
    stored = len(ExperimentResult.load(out).outcomes())
    assert stored < 4 * 40
    quick = [*SWEEP[:-2], "--workers", "1", "--out", str(out), "--resume"]
    result = CliRunner().invoke(app, quick)
    assert result.exit_code == 0, result.output
    assert ExperimentResult.load(out).complete
