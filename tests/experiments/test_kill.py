"""Acceptance: a sweep killed with SIGKILL at random moments, resumed until done, equals an uninterrupted one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
from typer.testing import CliRunner

from districtlab.cli.main import app
from districtlab.experiments import ExperimentResult

SWEEP = [
    "sweep",
    "toy-valley",
    "--firms",
    "40",
    "--months",
    "24",
    "--param",
    "rti.staff_fte=4:16:4",
    "--param",
    "programme.targeting=open_call,smes_first",
    "--replications",
    "8",
    "--seed",
    "31",
    "--batch-size",
    "2",
]
TOTAL_RUNS = 4 * 2 * 8
BATCH = 2


def parts(directory: Path) -> int:
    runs = directory / "runs"
    return sum(1 for p in runs.iterdir() if p.name.startswith("part-")) if runs.is_dir() else 0


def start(out: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "districtlab", *SWEEP, "--out", str(out), "--resume"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def kill(process: subprocess.Popen[bytes]) -> int:
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    return process.returncode


def test_killed_and_resumed_sweep_has_exactly_the_runs_of_an_uninterrupted_one(tmp_path: Path) -> None:
    reference = tmp_path / "reference"
    assert CliRunner().invoke(app, [*SWEEP, "--out", str(reference)]).exit_code == 0
    out = tmp_path / "killed"
    rng = np.random.default_rng(20261127)  # the moments of the kills are random, and reproducible
    interrupted_mid_run = 0
    # First kill at a random moment of start-up: possibly before, during or after the metadata is written.
    process = start(out)
    time.sleep(rng.uniform(0.0, 3.0))
    if kill(process) == -signal.SIGKILL and parts(out) > 0:
        interrupted_mid_run += 1
    # Then kill each run a random moment after it has stored a new part, while it still has runs to do.
    for _ in range(2):
        before = parts(out)
        if before * BATCH >= TOTAL_RUNS:
            break
        process = start(out)
        deadline = time.monotonic() + 60
        while parts(out) == before and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(rng.uniform(0.0, 0.25))
        if kill(process) == -signal.SIGKILL and parts(out) * BATCH < TOTAL_RUNS:
            interrupted_mid_run += 1
    assert interrupted_mid_run >= 2, "the kills should have interrupted the sweep while it was running"
    finished = subprocess.run(
        [sys.executable, "-m", "districtlab", *SWEEP, "--out", str(out), "--resume"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr

    resumed, uninterrupted = ExperimentResult.load(out), ExperimentResult.load(reference)
    pd.testing.assert_frame_equal(resumed.outcomes(), uninterrupted.outcomes(), check_exact=True)
    for name in ("adoption_share_mean", "laggard_share"):
        np.testing.assert_array_equal(resumed.series(name), uninterrupted.series(name))
    # No run lost, none duplicated: every stored part together holds each run exactly once.
    stored = pd.concat(
        [
            pq.read_table(p, columns=["scenario_index", "replication"]).to_pandas()
            for p in sorted((out / "runs").iterdir())
        ]
    )
    assert len(stored) == TOTAL_RUNS
    assert not stored.duplicated().any()
    assert sorted(p.name for p in (out / "runs").iterdir()) == sorted(
        p.name for p in (out / "series").iterdir()
    )
    assert not list(out.rglob("*.tmp"))
    pd.testing.assert_frame_equal(pd.read_csv(out / "points.csv"), pd.read_csv(reference / "points.csv"))
